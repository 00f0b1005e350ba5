"""Gradient of the binary cross-entropy loss with respect to the logits or the probabilities.

With p_i = sigmoid(z_i) and l_i = -[y_i ln p_i + (1 - y_i) ln(1 - p_i)]:
dl_i/dz_i = p_i - y_i and dl_i/dp_i = (p_i - y_i) / (p_i (1 - p_i)); a mean over N examples divides by N.
Sources: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 6.2.2.2 (sigmoid units for
Bernoulli outputs); Bishop, "Pattern Recognition and Machine Learning" (2006), eq. 4.91; PyTorch docs of
``torch.nn.BCEWithLogitsLoss`` and ``torch.nn.BCELoss``. Checked by central finite differences.
"""

import math

import numpy as np

from generator.answers import Matrix
from generator.question import Question

TOL = 0.005


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _check(p):
    z = np.asarray(p["logits"], dtype=float)
    y = np.asarray(p["labels"], dtype=float)
    if z.ndim != 1 or not 1 <= z.size <= 10 or y.shape != z.shape:
        raise ValueError("logits and labels must be lists of the same length (1 to 10)")
    if not np.all(np.isfinite(z)) or np.any(np.abs(z) > 15):
        raise ValueError("logits must be finite with |z| <= 15")
    if np.any((y < 0) | (y > 1)):
        raise ValueError("labels must lie in [0, 1]")
    if p["reduction"] not in ("mean", "sum"):
        raise ValueError("reduction must be 'mean' or 'sum'")
    if p["wrt"] not in ("logit", "probability"):
        raise ValueError("wrt must be 'logit' or 'probability'")
    return z, y, p["reduction"], p["wrt"]


class BceGradient(Question):
    id = "dl/backprop/bce-gradient"
    title = "Gradient of the binary cross-entropy"
    topic = "backprop"
    tags = ("backprop", "loss", "cross-entropy", "sigmoid")
    difficulty = "intermediate"
    source = "seed paper 002 (Q1(d), gradient of the binary cross-entropy cost)"
    points = 2.0
    stem = r"""
A binary classifier outputs logits \(z = <<logits|bmatrix>>\) for a batch of \(N = <<n>>\) examples with
labels \(y = <<labels|bmatrix>>\). The probabilities are \(p_i = \sigma(z_i) = 1/(1 + e^{-z_i})\) and the loss is
the <% if reduction == "mean" %>\textbf{mean}<% else %>\textbf{sum}<% endif %> of the binary cross-entropies,
\[ L = <% if reduction == "mean" %>\frac{1}{N}<% endif %>\sum_{i=1}^{N} -\left[ y_i \ln p_i + (1 - y_i) \ln(1 - p_i) \right]. \]
Compute the gradient <% if wrt == "logit" %>\(\partial L / \partial z_i\) with respect to each \textbf{logit}<% else %>\(\partial L / \partial p_i\) with respect to each \textbf{probability} (treating \(p_i\) as the variable)<% endif %> (to 3 decimal places).
"""
    solution = r"""
The probabilities are
\[ p = \sigma(z) = <<probs|bmatrix(4)>>. \]
<% if wrt == "logit" %>
For one example \(\partial \ell_i / \partial z_i = p_i - y_i\) (the sigmoid's derivative \(p_i(1-p_i)\) cancels the
denominators), so
\[ \frac{\partial L}{\partial z} = <% if reduction == "mean" %>\frac{1}{<<n>>}<% endif %>(p - y) = <<answer.value|bmatrix(3)>>. \]
<% else %>
For one example \(\partial \ell_i / \partial p_i = -\frac{y_i}{p_i} + \frac{1 - y_i}{1 - p_i} = \frac{p_i - y_i}{p_i(1 - p_i)}\), so
\[ \frac{\partial L}{\partial p} = <<answer.value|bmatrix(3)>><% if reduction == "mean" %> \quad\text{(including the factor } 1/<<n>>\text{)}<% endif %>. \]
<% endif %>
"""

    def draw(self, rng):
        n = int(rng.integers(2, 5))
        z = [round(float(v), 1) for v in rng.integers(-20, 21, size=n) / 10]
        y = [int(v) for v in rng.integers(0, 2, size=n)]
        return {"logits": z, "labels": y, "reduction": "mean" if rng.random() < 0.6 else "sum",
                "wrt": "logit" if rng.random() < 0.6 else "probability"}

    def working(self, p):
        z, _, _, _ = _check(p)
        return {"n": int(z.size), "probs": _sigmoid(z).tolist()}

    def solve(self, p):
        z, y, red, wrt = _check(p)
        prob = _sigmoid(z)
        grad = prob - y if wrt == "logit" else (prob - y) / (prob * (1 - prob))
        if red == "mean":
            grad = grad / z.size
        return Matrix.of(grad, tolerance=TOL, places=3)

    def verify(self, p):
        # Independent route: central finite differences of the loss, written with logs.
        z, y, red, wrt = _check(p)

        def loss_of_prob(q):
            total = sum(-(yi * math.log(qi) + (1 - yi) * math.log(1 - qi)) for qi, yi in zip(q, y))
            return total / len(q) if red == "mean" else total

        def loss_of_logit(v):
            return loss_of_prob([1 / (1 + math.exp(-x)) for x in v])

        point = [float(v) for v in z] if wrt == "logit" else [1 / (1 + math.exp(-x)) for x in z]
        f = loss_of_logit if wrt == "logit" else loss_of_prob
        out = []
        for i in range(len(point)):
            h = 1e-6 if wrt == "logit" else 1e-4 * min(point[i], 1 - point[i])
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            out.append((f(up) - f(down)) / (2 * h))
        return out
