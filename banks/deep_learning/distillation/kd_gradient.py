"""Gradient of the distillation term with respect to the student's logits, and why it is scaled by T^2.

With ``p = softmax(t / T)`` (teacher) and ``q = softmax(s / T)`` (student),
``d KL(p || q) / d s_i = (q_i - p_i) / T``, so ``d [T^2 KL] / d s_i = T (q_i - p_i)``. Without the factor
``T^2`` the soft-target gradients shrink like ``1 / T^2`` for large ``T`` (as the softened probabilities
differ by about ``(s_i - t_i) / (n T)``), and the hard-label term would dominate whenever ``T`` changes.

Sources: Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network", section 2 and 2.1
(the gradient ``(q_i - p_i) / T`` and the ``T^2`` scaling); the PyTorch docs of
``torch.nn.functional.kl_div``.
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
    temp = float(p["temperature"])
    if not 0.5 <= temp <= 100:
        raise ValueError("temperature must be from 0.5 to 100")
    return t, s, temp


class KdGradient(Question):
    id = "dl/distillation/kd-gradient"
    title = "Gradient of the distillation loss at temperature T"
    topic = "distillation"
    tags = ("distillation", "gradients", "softmax", "temperature")
    difficulty = "advanced"
    points = 3.0
    source = "seed paper 000 (Major, knowledge distillation); Hinton, Vinyals & Dean 2015, section 2.1"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"b": (0, math.inf)}
    stem = r"""
In knowledge distillation the student with logits \(s = <<student|bmatrix>>\) learns from a teacher with
logits \(t = <<teacher|bmatrix>>\) through the term
\[ L_{\text{soft}} = T^2\, \mathrm{KL}(p \,\|\, q), \qquad p = \operatorname{softmax}(t/T), \quad
q = \operatorname{softmax}(s/T), \qquad T = <<temperature|num>>, \]
with \(\mathrm{KL}(p\,\|\,q) = \sum_i p_i \ln(p_i/q_i)\). The teacher is fixed.
"""
    solution = r"""
\textbf{(a)} Only \(-\sum_i p_i \ln q_i\) depends on \(s\), and \(\partial(-\sum_j p_j \ln q_j)/\partial s_i = (q_i - p_i)/T\)
(the softmax cross-entropy gradient, divided by \(T\) by the chain rule through \(s/T\)). So
\[ \frac{\partial L_{\text{soft}}}{\partial s} = T\,(q - p) \quad\text{with}\quad q = <<q|bmatrix(4)>>, \]
\[ p = <<p|bmatrix(4)>>, \qquad \frac{\partial L_{\text{soft}}}{\partial s} = <<answer.parts[0].answer.array|bmatrix(3)>>. \]

\textbf{(b)} Without the factor \(T^2\) the gradient would be \((q - p)/T\), smaller by the factor
\(T^2 = <<answer.parts[1].answer.value|num>>\). Multiplying by \(T^2\) keeps the soft targets' share of the
gradient roughly the same when the temperature is changed.
"""

    def draw(self, rng):
        n = int(rng.choice([3, 4]))
        while True:
            t = rng.integers(-2, 7, size=n)
            s = rng.integers(-2, 5, size=n)
            temp = float(rng.choice([2, 3, 4, 5]))
            p = {"teacher": t.tolist(), "student": s.tolist(), "temperature": temp}
            g = temp * (softmax(s / temp) - softmax(t / temp))
            if len(set(t.tolist())) == n and np.abs(g).max() >= 0.1:
                return p

    def working(self, p):
        t, s, temp = _check(p)
        return {"q": softmax(s / temp).tolist(), "p": softmax(t / temp).tolist()}

    def solve(self, p):
        t, s, temp = _check(p)
        grad = temp * (softmax(s / temp) - softmax(t / temp))
        return MultiPart((
            Part("a", r"Give the gradient \(\partial L_{\text{soft}}/\partial s\) (to 3 decimal places).",
                 Matrix.of(grad, tolerance=TOL, places=3), weight=2.0),
            Part("b", r"By what factor would this gradient be smaller if the loss were \(\mathrm{KL}(p\,\|\,q)\) "
                      r"without the factor \(T^2\)?",
                 Numerical(temp**2, mistakes=(numeric_option(temp, rationale="took the factor as T"),))),
        ))

    def verify(self, p):
        # Independent route: central finite differences of T^2 KL(p || q) and of KL(p || q) in each student
        # logit; (b) as the ratio of the two gradients' norms.
        t, s, temp = _check(p)
        pt = softmax(t / temp)

        def kl(ss):
            log_q = ss / temp - np.logaddexp.reduce(ss / temp)
            return float(np.sum(pt * (np.log(pt) - log_q)))

        h = 1e-6
        plain = np.array([(kl(s + h * e) - kl(s - h * e)) / (2 * h) for e in np.eye(len(s))])
        scaled = np.array([(temp**2 * kl(s + h * e) - temp**2 * kl(s - h * e)) / (2 * h) for e in np.eye(len(s))])
        return [scaled, float(np.linalg.norm(scaled) / np.linalg.norm(plain))]
