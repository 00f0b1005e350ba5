"""Knowledge distillation: softened teacher probabilities and the distillation loss of a student.

Soft targets ``p = softmax(t / T)`` and soft predictions ``q = softmax(s / T)`` at temperature ``T``;
distillation term ``T^2 KL(p || q)`` (the ``T^2`` keeps its gradients on the scale of the hard loss);
total loss ``alpha * T^2 KL(p || q) + (1 - alpha) * CE(softmax(s), y)`` for the true class ``y``.

Sources: Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network", section 2; the
PyTorch docs of ``torch.nn.functional.kl_div`` (input as log-probabilities, target as probabilities) and
``torch.nn.functional.cross_entropy``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Matrix, MultiPart, Numerical, Part, numeric_option
from generator.question import Question

from ._kd import logits, softmax

TOL = 0.002


def _check(p):
    t, s = logits(p)
    temp, alpha = float(p["temperature"]), float(p["alpha"])
    if not 0.1 <= temp <= 100:
        raise ValueError("temperature must be from 0.1 to 100")
    if not 0 <= alpha <= 1:
        raise ValueError("alpha must be from 0 to 1")
    if not isinstance(p["label"], int) or not 1 <= p["label"] <= t.size:
        raise ValueError("label must be a class number from 1 to the number of classes")
    return t, s, temp, alpha, p["label"] - 1


class KdLoss(Question):
    id = "dl/distillation/kd-loss"
    title = "Knowledge distillation loss with a temperature"
    topic = "distillation"
    tags = ("distillation", "compression", "softmax", "temperature")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 000 (Major, knowledge distillation); Hinton, Vinyals & Dean 2015; PyTorch docs, F.kl_div"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"b": (0, math.inf), "c": (0, math.inf)}
    stem = r"""
A student network is trained by knowledge distillation from a teacher. For one training image of class
<<label>> (of <<n>> classes) the logits are
\[ t = <<teacher|bmatrix>> \ \text{(teacher)}, \qquad s = <<student|bmatrix>> \ \text{(student)}. \]
With temperature \(T = <<temperature|num>>\) the soft targets are \(p = \operatorname{softmax}(t/T)\) and the
student's soft predictions \(q = \operatorname{softmax}(s/T)\). The loss is
\[ L = \alpha\, T^2\, \mathrm{KL}(p \,\|\, q) + (1-\alpha)\, \mathrm{CE}\big(\operatorname{softmax}(s), y\big),
\qquad \alpha = <<alpha|num>>, \]
where \(\mathrm{KL}(p\,\|\,q) = \sum_i p_i \ln(p_i/q_i)\) and CE is the cross-entropy with the true class \(y = <<label>>\)
(natural logarithms).
"""
    solution = r"""
\textbf{(a)} Divide the teacher's logits by \(T\) and take the softmax:
\[ t/T = <<t_scaled|bmatrix(3)>>, \qquad p = <<p|bmatrix(4)>>. \]

\textbf{(b)} The same for the student:
\[ s/T = <<s_scaled|bmatrix(3)>>, \qquad q = <<q|bmatrix(4)>>, \]
so \(\mathrm{KL}(p\,\|\,q) = \sum_i p_i\ln(p_i/q_i) = <<kl|num(4)>>\) and, times \(T^2 = <<(temperature ** 2)|num>>\),
the distillation term is \(<<answer.parts[1].answer.value|num(4)>>\).

\textbf{(c)} At \(T = 1\) the student's probability of class <<label>> is \(<<q1|num(4)>>\), so
\(\mathrm{CE} = -\ln <<q1|num(4)>> = <<ce|num(4)>>\) and
\[ L = <<alpha|num>>\cdot<<answer.parts[1].answer.value|num(4)>> + <<(1 - alpha)|num>>\cdot<<ce|num(4)>> = <<answer.parts[2].answer.value|num(4)>>. \]
"""

    def draw(self, rng):
        n = int(rng.choice([3, 4]))
        while True:
            t = rng.integers(-2, 7, size=n)
            s = rng.integers(-2, 5, size=n)
            temp = float(rng.choice([2, 3, 4, 5]))
            p = {"teacher": t.tolist(), "student": s.tolist(), "temperature": temp,
                 "alpha": float(rng.choice([0.5, 0.7, 0.9])), "label": int(np.argmax(t)) + 1}
            if len(set(t.tolist())) == n and self._values(p)[1] >= 0.05 and self._separated(p):
                return p

    def _separated(self, p):
        """Is every modelled mistake at least 5 tolerances away from the key (so none is graded right)?"""
        _, kd, total = self._values(p)
        b, c = self._mistakes(p)
        return all(abs(o.value - kd) > 5 * TOL for o in b) and all(abs(o.value - total) > 5 * TOL for o in c)

    def _values(self, p):
        t, s, temp, alpha, y = _check(p)
        pt, qs = softmax(t / temp), softmax(s / temp)
        kd = temp**2 * float(np.sum(pt * (np.log(pt) - np.log(qs))))
        ce = -float(np.log(softmax(s)[y]))
        return pt, kd, alpha * kd + (1 - alpha) * ce

    def _mistakes(self, p):
        """Values of the modelled mistakes: (distillation term, total loss) options with rationales."""
        t, s, temp, alpha, y = _check(p)
        pt, qs = softmax(t / temp), softmax(s / temp)
        kl = float(np.sum(pt * np.log(pt / qs)))
        reverse = float(np.sum(qs * np.log(qs / pt)))
        ce = -float(np.log(softmax(s)[y]))
        return ([numeric_option(kl, rationale="forgot the factor \\(T^2\\)"),
                 numeric_option(temp**2 * reverse, rationale="took the KL divergence the other way round")],
                [numeric_option(alpha * kl + (1 - alpha) * ce, rationale="forgot the factor \\(T^2\\)"),
                 numeric_option((1 - alpha) * temp**2 * kl + alpha * ce, rationale="swapped the weights of the two terms")])

    def working(self, p):
        t, s, temp, _, y = _check(p)
        pt, qs = softmax(t / temp), softmax(s / temp)
        q1 = float(softmax(s)[y])
        return {"n": t.size, "t_scaled": (t / temp).tolist(), "s_scaled": (s / temp).tolist(), "p": pt.tolist(),
                "q": qs.tolist(), "kl": float(np.sum(pt * np.log(pt / qs))), "q1": q1, "ce": -np.log(q1)}

    def solve(self, p):
        pt, kd, total = self._values(p)
        wrong_b, wrong_c = self._mistakes(p)
        return MultiPart((
            Part("a", r"Give the soft targets \(p\) (to 4 decimal places).", Matrix.of(pt, tolerance=0.0005, places=4)),
            Part("b", r"Give the distillation term \(T^2\,\mathrm{KL}(p\,\|\,q)\) (to 3 decimal places).",
                 Numerical(kd, tolerance=TOL, places=3, mistakes=tuple(wrong_b))),
            Part("c", r"Give the total loss \(L\) (to 3 decimal places).", Numerical(total, tolerance=TOL, places=3, mistakes=tuple(wrong_c))),
        ))

    def verify(self, p):
        # Independent route: log-probabilities by log-sum-exp; KL as cross-entropy minus entropy,
        # H(p, q) - H(p); CE from the log-softmax at T = 1.
        t, s, temp, alpha, y = _check(p)

        def logsoftmax(z):
            return z - np.logaddexp.reduce(z)

        log_p, log_q = logsoftmax(t / temp), logsoftmax(s / temp)
        pt = np.exp(log_p)
        kl = -np.dot(pt, log_q) - (-np.dot(pt, log_p))
        ce = -logsoftmax(s)[y]
        return [pt, temp**2 * kl, alpha * temp**2 * kl + (1 - alpha) * ce]
