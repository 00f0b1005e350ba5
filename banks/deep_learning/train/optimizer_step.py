"""One step of Adam, RMSProp or AdaGrad on a small parameter vector, from a given gradient history.

All optimisers start from zero state; g_k is the gradient at step k, t the current step, and eps is
added to the square root (PyTorch's placement):
- Adam (Kingma & Ba 2015, algorithm 1): m_t = b1 m_{t-1} + (1-b1) g_t, v_t = b2 v_{t-1} + (1-b2) g_t^2,
  theta <- theta - lr * (m_t / (1 - b1^t)) / (sqrt(v_t / (1 - b2^t)) + eps);
- RMSProp (Tieleman & Hinton 2012, lecture 6.5): v_t = rho v_{t-1} + (1-rho) g_t^2,
  theta <- theta - lr * g_t / (sqrt(v_t) + eps);
- AdaGrad (Duchi, Hazan & Singer 2011): G_t = G_{t-1} + g_t^2, theta <- theta - lr * g_t / (sqrt(G_t) + eps).
These match ``torch.optim.Adam``, ``torch.optim.RMSprop`` (alpha = rho) and ``torch.optim.Adagrad``
(lr_decay = 0, initial_accumulator_value = 0). ``solve`` uses the closed forms of the moving averages as
weighted sums of the history; ``verify`` runs the recursions step by step and, for Adam, applies the
step in Kingma & Ba's rearranged form (section 2: alpha_t = lr sqrt(1-b2^t)/(1-b1^t), eps_hat = eps
sqrt(1-b2^t)).
"""

import math

import numpy as np

from generator.answers import Matrix
from generator.question import Question

TOL = 0.0005
NAMES = {"adam": "Adam", "rmsprop": "RMSProp", "adagrad": "AdaGrad"}


def _check(p):
    opt = p["optimizer"]
    if opt not in NAMES:
        raise ValueError("optimizer must be 'adam', 'rmsprop' or 'adagrad'")
    theta = np.asarray(p["theta"], dtype=float)
    grads = np.asarray(p["gradients"], dtype=float)
    if theta.ndim != 1 or not 1 <= theta.size <= 10:
        raise ValueError("theta must be a list of 1 to 10 numbers")
    if grads.ndim != 2 or grads.shape[1] != theta.size or not 1 <= grads.shape[0] <= 50:
        raise ValueError("gradients must be a list of 1 to 50 gradient vectors, each as long as theta")
    lr, b1, b2, rho, eps = (float(p[k]) for k in ("lr", "beta1", "beta2", "rho", "eps"))
    if lr <= 0 or eps < 0:
        raise ValueError("lr must be positive and eps non-negative")
    for name, v in (("beta1", b1), ("beta2", b2), ("rho", rho)):
        if not 0 <= v < 1:
            raise ValueError(f"{name} must be in [0, 1)")
    if not (np.all(np.isfinite(theta)) and np.all(np.isfinite(grads))):
        raise ValueError("theta and gradients must be finite")
    if eps == 0 and np.any(np.all(grads == 0, axis=0)):
        raise ValueError("with eps = 0 every coordinate needs a non-zero gradient somewhere")
    return opt, theta, grads, lr, b1, b2, rho, eps


def _weighted(grads, decay, t):
    """(1 - decay) * sum_k decay^(t-k) x_k over the history rows, the closed form of an EMA from 0."""
    w = (1 - decay) * decay ** (t - 1 - np.arange(t))
    return w @ grads


def _eps_tex(eps: float) -> str:
    if eps > 0 and float(math.log10(eps)).is_integer():
        return f"10^{{{int(math.log10(eps))}}}"
    return f"{eps:g}"


class OptimizerStep(Question):
    id = "dl/train/optimizer-step"
    title = "One step of Adam, RMSProp or AdaGrad"
    topic = "train"
    tags = ("optimisation", "adam", "rmsprop", "adagrad")
    difficulty = "advanced"
    source = "seed paper 004 (Q4, normalised gradients, AdaGrad and RMSProp)"
    points = 4.0
    stem = r"""
A parameter vector is trained with \textbf{<<name>>}, learning rate \(\alpha = <<lr|num>>\)<% if optimizer == "adam" %>,
\(\beta_1 = <<beta1|num>>\), \(\beta_2 = <<beta2|num>>\)<% elif optimizer == "rmsprop" %>, decay
\(\gamma = <<rho|num>>\)<% endif %> and \(\epsilon = <<eps_tex>>\). The update is
<% if optimizer == "adam" %>
\[ m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \]
\[ \theta_t = \theta_{t-1} - \alpha\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}, \]
<% elif optimizer == "rmsprop" %>
\[ v_t = \gamma v_{t-1} + (1-\gamma) g_t^2,\qquad \theta_t = \theta_{t-1} - \alpha\, \frac{g_t}{\sqrt{v_t} + \epsilon}, \]
<% else %>
\[ v_t = v_{t-1} + g_t^2,\qquad \theta_t = \theta_{t-1} - \alpha\, \frac{g_t}{\sqrt{v_t} + \epsilon}, \]
<% endif %>
element-wise, with the state starting at zero<% if optimizer == "adam" %> (\(m_0 = v_0 = 0\))<% else %> (\(v_0 = 0\))<% endif %>.
<% if t > 1 %><% if t > 2 %>The gradients of the first <<(t - 1)|words>> steps were<% else %>The gradient of the first
step was<% endif %>
\[ <% for g in gradients[:-1] %>g_{<<loop.index>>} = <<g|bmatrix>><% if not loop.last %>,\quad <% endif %><% endfor %>. \]
Before the <<t|ordinal>> step the parameters and the new gradient are
\[ \theta_{<<t - 1>>} = <<theta|bmatrix>>,\qquad g_{<<t>>} = <<gradients[-1]|bmatrix>>. \]
<% else %>This is the first step, from
\[ \theta_0 = <<theta|bmatrix>>,\qquad g_1 = <<gradients[-1]|bmatrix>>. \]
<% endif %>
Compute \(\theta_{<<t>>}\) (to 4 decimal places).
"""
    solution = r"""
<% if optimizer == "adam" %>
The moment estimates after step <<t>> and their bias corrections
(\(1-\beta_1^{<<t>>} = <<bc1|num(6)>>\), \(1-\beta_2^{<<t>>} = <<bc2|num(6)>>\)) are
\[ \begin{aligned}
m_{<<t>>} &= <<m|bmatrix(5)>>,\\
\hat m_{<<t>>} &= <<mhat|bmatrix(5)>>,\\
v_{<<t>>} &= <<v|bmatrix(6)>>,\\
\hat v_{<<t>>} &= <<vhat|bmatrix(6)>>.
\end{aligned} \]
<% elif optimizer == "rmsprop" %>
The moving average of the squared gradients (no bias correction in RMSProp) is
\[ v_{<<t>>} = <<v|bmatrix(6)>>. \]
<% else %>
The accumulated squared gradients are
\[ v_{<<t>>} = \sum_{k=1}^{<<t>>} g_k^2 = <<v|bmatrix(6)>>. \]
<% endif %>
The step and the new parameters are
\[ \begin{aligned}
\Delta &= <<step|bmatrix(5)>>,\\
\theta_{<<t>>} &= \theta_{<<t - 1>>} - \Delta = <<answer.value|bmatrix(4)>>.
\end{aligned} \]
"""

    def draw(self, rng):
        opt = ["adam", "rmsprop", "adagrad"][int(rng.integers(3))]
        n = int(rng.integers(2, 4))
        t = int(rng.choice([1, 2, 2, 3, 3]))
        values = [v for v in np.arange(-2.0, 2.01, 0.5) if v != 0]
        grads = [[float(values[int(i)]) for i in rng.integers(len(values), size=n)] for _ in range(t)]
        theta = [round(float(v), 1) for v in rng.integers(-10, 11, size=n) / 10]
        lr = float(rng.choice([0.1, 0.05] if opt != "adagrad" else [0.1, 0.5]))
        return {"optimizer": opt, "theta": theta, "gradients": grads, "lr": lr,
                "beta1": 0.9, "beta2": 0.999, "rho": 0.9, "eps": 1e-8}

    def working(self, p):
        opt, theta, grads, lr, b1, b2, rho, eps = _check(p)
        t = grads.shape[0]
        out = {"name": NAMES[opt], "t": t, "eps_tex": _eps_tex(eps)}
        if opt == "adam":
            m, v = _weighted(grads, b1, t), _weighted(grads ** 2, b2, t)
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            step = lr * (m / bc1) / (np.sqrt(v / bc2) + eps)
            out.update(m=m.tolist(), v=v.tolist(), bc1=bc1, bc2=bc2, mhat=(m / bc1).tolist(),
                       vhat=(v / bc2).tolist())
        else:
            v = _weighted(grads ** 2, rho, t) if opt == "rmsprop" else (grads ** 2).sum(axis=0)
            step = lr * grads[-1] / (np.sqrt(v) + eps)
            out.update(v=v.tolist())
        out.update(step=step.tolist(), new=(theta - step).tolist())
        return out

    def solve(self, p):
        return Matrix.of(self.working(p)["new"], tolerance=TOL, places=4)

    def verify(self, p):
        opt, theta, grads, lr, b1, b2, rho, eps = _check(p)
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        for g in grads:
            if opt == "adam":
                m = b1 * m + (1 - b1) * g
                v = b2 * v + (1 - b2) * g * g
            elif opt == "rmsprop":
                v = rho * v + (1 - rho) * g * g
            else:
                v = v + g * g
        t = len(grads)
        if opt == "adam":
            alpha_t = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            return theta - alpha_t * m / (np.sqrt(v) + eps * math.sqrt(1 - b2 ** t))
        return theta - lr * grads[-1] / (np.sqrt(v) + eps)
