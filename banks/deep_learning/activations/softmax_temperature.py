"""Softmax with a temperature: p_i = exp(z_i / T) / sum_j exp(z_j / T).

Sources: Hinton, Vinyals & Dean 2015 ("Distilling the knowledge in a neural network", softmax
temperature); Jang, Gu & Poole 2017 (Gumbel-softmax, temperature tau); PyTorch docs of
``torch.softmax``. Solved with the max-shifted exponentials, checked through log-sum-exp.
"""

import numpy as np

from generator.answers import Matrix
from generator.question import Question

TOL = 0.005


def _check(p):
    z = p["logits"]
    if not isinstance(z, list) or not 2 <= len(z) <= 10:
        raise ValueError("logits must be a list of 2 to 10 numbers")
    z = np.asarray(z, dtype=float)
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite")
    t = float(p["temperature"])
    if not t > 0:
        raise ValueError("temperature must be positive")
    return z, t


class SoftmaxTemperature(Question):
    id = "dl/activations/softmax-temperature"
    title = "Softmax with a temperature"
    topic = "activations"
    tags = ("softmax", "temperature", "activations")
    difficulty = "beginner"
    source = "seed paper 002 (Q1(e)(ii), softmax with temperature)"
    points = 2.0
    stem = r"""
A classifier outputs the logits \(z = <<logits|bmatrix>>\). They are turned into probabilities with a
softmax at temperature \(T = <<temperature|num>>\):
\[ p_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}. \]
Compute the probability vector \(p\) (to 3 decimal places).
"""
    solution = r"""
Divide by the temperature, subtract the largest entry (this does not change the softmax) and exponentiate:
\[ \begin{aligned}
z / T &= <<scaled|bmatrix(4)>>,\\
e^{z/T - \max_j z_j/T} &= <<expd|bmatrix(4)>>,
\end{aligned} \]
whose sum is \(<<total|num(4)>>\). Dividing by the sum:
\[ p = <<answer.value|bmatrix(3)>>. \]
For comparison, at \(T = 1\) the softmax is \(<<plain|bmatrix(3)>>\): <% if temperature > 1 %>a temperature above 1 flattens the distribution towards uniform<% elif temperature < 1 %>a temperature below 1 sharpens the distribution towards the arg max<% else %>this is the same softmax<% endif %>.
"""

    def draw(self, rng):
        n = int(rng.integers(3, 6))
        while True:
            z = rng.integers(-3, 5, size=n)
            if len(set(z.tolist())) >= 2:
                break
        return {"logits": [int(v) for v in z], "temperature": float(rng.choice([0.5, 2.0, 4.0, 0.25, 1.5, 10.0]))}

    def working(self, p):
        z, t = _check(p)
        s = z / t
        e = np.exp(s - s.max())
        plain = np.exp(z - z.max())
        return {"scaled": s.tolist(), "expd": e.tolist(), "total": float(e.sum()),
                "plain": (plain / plain.sum()).tolist()}

    def solve(self, p):
        z, t = _check(p)
        s = z / t
        e = np.exp(s - s.max())
        return Matrix.of(e / e.sum(), tolerance=TOL, places=3)

    def verify(self, p):
        # Independent route: log p_i = z_i/T - logsumexp(z/T), the log-sum-exp by pairwise logaddexp.
        z, t = _check(p)
        lse = -np.inf
        for v in z:
            lse = np.logaddexp(lse, v / t)
        return np.exp(z / t - lse)
