"""Unstructured magnitude pruning of a small weight matrix, and its effect on the layer's output.

The ``k`` weights of smallest absolute value are set to 0 (one global threshold over the tensor); the
pruned layer computes ``W_pruned x``. Magnitudes are drawn distinct, so which weights go is unambiguous.

Sources: Han, Pool, Tran & Dally 2015, "Learning both Weights and Connections for Efficient Neural
Networks", section 3 (pruning by magnitude threshold); the PyTorch docs of
``torch.nn.utils.prune.l1_unstructured`` (``amount``: the number or fraction of entries to prune).
"""


import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question


def _check(p):
    w = np.asarray(p["weights"], dtype=float)
    x = np.asarray(p["x"], dtype=float)
    if w.ndim != 2 or w.size < 2 or x.ndim != 1 or x.size != w.shape[1]:
        raise ValueError("weights must be a matrix and x a vector with one entry per column")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(x))):
        raise ValueError("values must be finite")
    k = p["prune"]
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k <= w.size:
        raise ValueError("prune must be a whole number of weights, from 0 to their count")
    mags = np.sort(np.abs(w).ravel())
    if 0 < k < w.size and mags[k - 1] == mags[k]:
        raise ValueError("the k-th and (k+1)-th smallest magnitudes tie: which weight to prune is ambiguous")
    return w, x, k


class MagnitudePruning(Question):
    id = "dl/compression/magnitude-pruning"
    title = "Magnitude pruning of a weight matrix"
    topic = "compression"
    tags = ("compression", "pruning", "sparsity")
    difficulty = "beginner"
    points = 2.0
    source = "seed papers 000 (Major Q6, pruning) and 001 (pruning masks); Han et al. 2015; PyTorch docs, prune.l1_unstructured"
    stem = r"""
A linear layer without bias has the weight matrix \(W\) and receives the input \(x\):
\[ W = <<weights|bmatrix>>, \qquad x = <<x_column|bmatrix>>. \]
It is compressed by unstructured magnitude pruning to <<percent>>\,\% sparsity: the <<prune>> weights of
smallest absolute value are set to 0 and the others are kept unchanged.
"""
    solution = r"""
\textbf{(a)} The magnitudes in increasing order are <<order_text>>; the threshold falls between
\(<<last_pruned|num>>\) and \(<<first_kept|num>>\), so every weight with \(|w| \le <<last_pruned|num>>\) is set to 0:
\[ W_{\text{pruned}} = <<answer.parts[0].answer.array|bmatrix>>. \]

\textbf{(b)} The pruned layer's output, and the output before pruning:
\[ W_{\text{pruned}}\,x = <<answer.parts[1].answer.array|bmatrix>>, \qquad Wx = <<full|bmatrix>>; \]
the small weights contributed little to the output.
"""

    def draw(self, rng):
        rows, cols = (2, 4) if rng.random() < 0.5 else (3, 4)
        size = rows * cols
        mags = rng.choice(np.arange(1, 31), size=size, replace=False) / 10
        w = np.round(mags * rng.choice([-1, 1], size=size), 1).reshape(rows, cols)
        x = rng.integers(-2, 4, size=cols)
        frac = float(rng.choice([0.25, 0.5, 0.75]))
        return {"weights": w.tolist(), "x": x.tolist(), "prune": int(size * frac)}

    def _pruned(self, p):
        w, _, k = _check(p)
        order = np.argsort(np.abs(w).ravel(), kind="stable")
        pruned = w.ravel().copy()
        pruned[order[:k]] = 0.0
        return pruned.reshape(w.shape)

    def working(self, p):
        w, x, k = _check(p)
        mags = np.sort(np.abs(w).ravel())
        return {"x_column": [[v] for v in p["x"]], "percent": round(100 * k / w.size),
                "order_text": ", ".join(f"{m:g}" for m in mags),
                "last_pruned": float(mags[k - 1]) if k else 0.0,
                "first_kept": float(mags[k]) if k < w.size else float(mags[-1]), "full": (w @ x).tolist()}

    def solve(self, p):
        _, x, _ = _check(p)
        pruned = self._pruned(p)
        return MultiPart((
            Part("a", r"Give the pruned weight matrix.", Matrix.of(pruned, tolerance=0.01, places=1)),
            Part("b", r"Give the pruned layer's output for \(x\).", Matrix.of(pruned @ x, tolerance=0.01, places=1)),
        ))

    def verify(self, p):
        # Independent route: a magnitude threshold (the mean of the k-th and (k+1)-th smallest magnitudes)
        # applied as a 0/1 mask, and the output as a sum of kept columns scaled by x.
        w, x, k = _check(p)
        mags = np.sort(np.abs(w).ravel())
        if k == 0:
            mask = np.ones_like(w)
        elif k == w.size:
            mask = np.zeros_like(w)
        else:
            mask = (np.abs(w) > (mags[k - 1] + mags[k]) / 2).astype(float)
        pruned = w * mask
        out = sum(pruned[:, j] * x[j] for j in range(w.shape[1]))
        return [pruned, out]
