"""Gradient of the softmax cross-entropy of a linear layer with respect to its weights: (A - Y) X^T.

With examples as columns, ``Z = W X``, ``A = softmax(Z)`` column by column, one-hot ``Y`` and
``J = -sum_{c, i} Y_ci ln A_ci``, the chain rule gives ``dJ/dZ = A - Y`` and ``dJ/dW = (A - Y) X^T``.
Sources: Bishop, "Pattern Recognition and Machine Learning" (2006), section 4.3.4, equation (4.109);
Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 6.2.2.3.
"""

import numpy as np
from scipy.special import log_softmax

from generator.answers import Matrix
from generator.question import Question

TOL = 0.002


def _check(p):
    w, x = np.asarray(p["weights"], dtype=float), np.asarray(p["inputs"], dtype=float)
    labels = p["labels"]
    if w.ndim != 2 or x.ndim != 2 or w.shape[1] != x.shape[0]:
        raise ValueError("weights (k x d) and inputs (d x m) must be matrices with matching inner sizes")
    if w.size > 40 or x.size > 40:
        raise ValueError("keep the matrices small (at most 40 entries each)")
    if len(labels) != x.shape[1] or any(isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < w.shape[0]
                                        for c in labels):
        raise ValueError("labels must give one class index (0 to k-1) per column of inputs")
    y = np.zeros((w.shape[0], x.shape[1]))
    y[labels, np.arange(x.shape[1])] = 1.0
    return w, x, y


def softmax_columns(z: np.ndarray) -> np.ndarray:
    """Softmax of each column of ``z`` (shape k x m), shifted by the column maximum for stability."""
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


class SoftmaxCeWeightGradient(Question):
    id = "dl/backprop/softmax-ce-weight-gradient"
    title = "Weight gradient of softmax cross-entropy: (A - Y) X^T"
    topic = "backprop"
    tags = ("backprop", "softmax", "cross-entropy", "gradient", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "8cm"  # room to work the computation
    source = ("seed paper 004 (Q7, dl/dOmega = dl/df h^T); Bishop, Pattern Recognition and Machine Learning "
              "(2006), section 4.3.4; Goodfellow, Bengio & Courville, Deep Learning (2016), section 6.2.2.3")
    stem = r"""
A linear layer without bias maps <<m>> examples, the columns of \(X\), to class scores \(Z = WX\), and
\(A = \operatorname{softmax}(Z)\) is taken column by column (over the <<k>> classes). The labels are one-hot
columns of \(Y\), and the loss is the summed cross-entropy \(J = -\sum_{i}\sum_{c} Y_{ci} \ln A_{ci}\).
\[ W = <<weights|bmatrix>>, \qquad X = <<inputs|bmatrix>>, \qquad Y = <<onehot|bmatrix>>. \]
Compute the gradient \(\partial J / \partial W\) (a \(<<k>> \times <<d>>\) matrix), with entries to 3 decimal places.
"""
    solution = r"""
Forward pass, with the softmax taken column by column:
\[ Z = WX = <<z|bmatrix>>, \qquad A = \operatorname{softmax}(Z) = <<a|bmatrix(4)>>. \]
For softmax followed by cross-entropy the gradient with respect to the scores is
\[ \frac{\partial J}{\partial Z} = A - Y = <<ay|bmatrix(4)>>, \]
and since \(Z = WX\), \(\partial J/\partial W = (A - Y)\,X^\top\):
\[ \frac{\partial J}{\partial W} = <<ay|bmatrix(4)>> <<inputs_t|bmatrix>>
 = <<answer.array|bmatrix(3)>>. \]
"""

    def draw(self, rng):
        k, d, m = 3, int(rng.integers(2, 4)), 2
        while True:
            w = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=(k, d))
            x = rng.integers(-2, 3, size=(d, m))
            if np.any(np.all(x == 0, axis=0)) or np.all(w == 0, axis=1).any():
                continue
            labels = [int(c) for c in rng.integers(0, k, size=m)]
            return {"weights": w.tolist(), "inputs": x.tolist(), "labels": labels}

    def working(self, p):
        w, x, y = _check(p)
        z = w @ x
        a = softmax_columns(z)
        return {"k": w.shape[0], "d": w.shape[1], "m": x.shape[1], "onehot": y, "z": z, "a": a, "ay": a - y,
                "inputs_t": x.T}

    def solve(self, p):
        w, x, y = _check(p)
        return Matrix.of((softmax_columns(w @ x) - y) @ x.T, tolerance=TOL, places=3)

    def verify(self, p):
        # Independent route: central finite differences of the loss, written with scipy's log-softmax.
        w, x, y = _check(p)

        def loss(weights):
            return -float(np.sum(y * log_softmax(weights @ x, axis=0)))

        grad = np.zeros_like(w)
        h = 1e-6
        for idx in np.ndindex(*w.shape):
            up, down = w.copy(), w.copy()
            up[idx] += h
            down[idx] -= h
            grad[idx] = (loss(up) - loss(down)) / (2 * h)
        return grad
