"""Batch normalisation of one feature over a mini-batch (training mode).

y_i = gamma * (x_i - mu_B) / sqrt(sigma_B^2 + eps) + beta with mu_B the batch mean and sigma_B^2 the
biased batch variance (divide by m). Sources: Ioffe & Szegedy 2015 ("Batch normalization", algorithm 1);
PyTorch docs of ``torch.nn.BatchNorm1d`` (training mode normalises with the biased variance; eps = 1e-5).
"""

import math

import numpy as np

from generator.answers import Matrix
from generator.question import Question

TOL = 0.005


def _check(p):
    x = np.asarray(p["batch"], dtype=float)
    if x.ndim != 1 or not 2 <= x.size <= 20 or not np.all(np.isfinite(x)):
        raise ValueError("batch must be a list of 2 to 20 numbers")
    gamma, beta, eps = float(p["gamma"]), float(p["beta"]), float(p["eps"])
    if eps < 0:
        raise ValueError("eps must be non-negative")
    if eps == 0 and np.all(x == x[0]):
        raise ValueError("a constant batch has zero variance; it needs eps > 0")
    return x, gamma, beta, eps


class BatchnormForward(Question):
    id = "dl/train/batchnorm-forward"
    title = "Batch normalisation forward pass"
    topic = "train"
    tags = ("normalisation", "batchnorm")
    difficulty = "intermediate"
    source = "seed paper 001 (Beginner Q14, BatchNorm at training and inference)"
    points = 2.0
    stem = r"""
A batch-normalisation layer in \textbf{training mode} receives a mini-batch of \(m = <<m>>\) values of one
feature, \(x = <<batch|bmatrix>>\). It normalises with the batch mean \(\mu_B\) and the \textbf{biased} batch
variance \(\sigma_B^2 = \frac{1}{m}\sum_i (x_i - \mu_B)^2\), then scales and shifts:
\[ y_i = \gamma\, \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta, \qquad
\gamma = <<gamma|num>>,\ \beta = <<beta|num>>,\ \epsilon = <<eps_tex>>. \]
Compute the output \(y\) (to 3 decimal places).
"""
    solution = r"""
The batch mean, the deviations and the biased variance are
\[ \begin{aligned}
\mu_B &= \frac{<<total|num>>}{<<m>>} = <<mean|num(4)>>,\\
x - \mu_B &= <<dev|bmatrix(4)>>,\\
\sigma_B^2 &= \frac{<<ssq|num(4)>>}{<<m>>} = <<var|num(4)>>, \qquad \sqrt{\sigma_B^2 + \epsilon} = <<sd|num(4)>>.
\end{aligned} \]
Normalising, then scaling and shifting:
\[ \begin{aligned}
\hat x &= (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon} = <<xhat|bmatrix(4)>>,\\
y &= <<gamma|num>>\,\hat x <% if beta < 0 %>- <<(-beta)|num>><% else %>+ <<beta|num>><% endif %> = <<answer.value|bmatrix(3)>>.
\end{aligned} \]
"""

    def draw(self, rng):
        m = int(rng.integers(4, 6))
        while True:
            x = rng.integers(-4, 10, size=m)
            if np.ptp(x) >= 2:
                break
        return {"batch": [int(v) for v in x], "gamma": float(rng.choice([1.0, 0.5, 2.0, 1.5, 3.0])),
                "beta": float(rng.choice([0.0, 0.5, -1.0, 1.0, 2.0])), "eps": 1e-5}

    def working(self, p):
        x, _, _, eps = _check(p)
        mean = x.mean()
        dev = x - mean
        var = float(dev @ dev) / x.size
        sd = math.sqrt(var + eps)
        tex = f"10^{{{int(math.log10(eps))}}}" if eps > 0 and math.log10(eps).is_integer() else f"{eps:g}"
        return {"m": int(x.size), "total": float(x.sum()), "mean": float(mean), "dev": dev.tolist(),
                "ssq": float(dev @ dev), "var": var, "sd": sd, "xhat": (dev / sd).tolist(), "eps_tex": tex}

    def solve(self, p):
        _, gamma, beta, _ = _check(p)
        w = self.working(p)
        return Matrix.of(gamma * np.asarray(w["xhat"]) + beta, tolerance=TOL, places=3)

    def verify(self, p):
        # Independent route: the biased variance from pairwise differences,
        # sigma^2 = (1 / (2 m^2)) sum_{i,j} (x_i - x_j)^2, and each mean from leave-one-out sums.
        x, gamma, beta, eps = _check(p)
        m = len(x)
        diffs = x[:, None] - x[None, :]
        var = (diffs ** 2).sum() / (2 * m * m)
        # x_i - mean = (m - 1)/m x_i - (sum of the others)/m
        others = np.array([sum(x[j] for j in range(m) if j != i) for i in range(m)])
        centred = ((m - 1) * x - others) / m
        return gamma * centred / math.sqrt(var + eps) + beta
