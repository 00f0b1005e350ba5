"""Scaled dot-product attention weights softmax(Q K^T / sqrt(d_k)) for a tiny example.

Source: Vaswani et al., "Attention is all you need" (NeurIPS 2017), section 3.2.1, equation (1):
``Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V``, the softmax taken over the keys (row-wise);
the PyTorch docs of ``torch.nn.functional.scaled_dot_product_attention`` (default scale ``1/sqrt(E)``).
"""

import math

import numpy as np

from generator.answers import Matrix
from generator.question import Question


def _matrix(value, name):
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a matrix of numbers (nested lists)") from None
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a non-empty matrix of finite numbers (nested lists)")
    return a


def attention_weights(queries, keys):
    """softmax(Q K^T / sqrt(d_k)) row by row, with numpy."""
    q, k = _matrix(queries, "queries"), _matrix(keys, "keys")
    if q.shape[1] != k.shape[1]:
        raise ValueError("queries and keys must have the same number of columns d_k")
    scores = q @ k.T / np.sqrt(q.shape[1])
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class ScaledDotProductWeights(Question):
    id = "dl/attention/scaled-dot-product-weights"
    title = "Scaled dot-product attention weights"
    topic = "attention"
    tags = ("attention", "transformer", "softmax")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 000 (Minor-I, attention weights); Vaswani et al. 2017"
    stem = r"""
In scaled dot-product attention the weights are \(A = \mathrm{softmax}\!\left(QK^{\top}/\sqrt{d_k}\right)\), where
the softmax is taken along each row (over the keys), so every row of \(A\) sums to 1. The queries (one per row)
and keys (one per row) are
\[ Q = << queries|bmatrix >>, \qquad K = << keys|bmatrix >>, \qquad d_k = <<d_k>>. \]
Compute the attention matrix \(A\) (give each entry to 3 decimals).
"""
    solution = r"""
The scores are
\[ QK^{\top} = << scores|bmatrix >>, \qquad \frac{QK^{\top}}{\sqrt{<<d_k>>}} = << scaled|bmatrix(3) >>. \]
Each row goes through the softmax \(a_{ij} = e^{s_{ij}} / \sum_l e^{s_{il}}\) (subtracting the row maximum first
does not change the result):
\[ A = << answer.array|bmatrix(3) >>. \]
Each row sums to 1; the largest weight of a row goes to the key with the largest dot product with that query.
"""

    def draw(self, rng):
        while True:
            n, m, d_k = int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.choice([2, 4]))
            q = rng.integers(-2, 3, size=(n, d_k))
            k = rng.integers(-2, 3, size=(m, d_k))
            scores = q @ k.T
            if (np.all(np.abs(q).sum(axis=1) > 0) and np.all(np.abs(k).sum(axis=1) > 0)
                    and len({tuple(r) for r in k}) == m and np.all(np.ptp(scores, axis=1) > 0)):
                return {"queries": q.tolist(), "keys": k.tolist()}

    def working(self, p):
        q, k = np.asarray(p["queries"], dtype=float), np.asarray(p["keys"], dtype=float)
        scores = q @ k.T
        return {"d_k": q.shape[1], "scores": scores, "scaled": scores / math.sqrt(q.shape[1])}

    def solve(self, p):
        return Matrix.of(attention_weights(p["queries"], p["keys"]), tolerance=0.005, places=3)

    def verify(self, p):
        # Independent route: plain Python loops, each weight as 1 / sum_l exp(s_il - s_ij).
        q, k = p["queries"], p["keys"]
        d_k = len(q[0])
        s = [[sum(qi[t] * kj[t] for t in range(d_k)) / math.sqrt(d_k) for kj in k] for qi in q]
        return [[1.0 / sum(math.exp(sl - sj) for sl in row) for sj in row] for row in s]
