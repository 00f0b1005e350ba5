"""Batch normalisation vs layer normalisation of the same small activation matrix (training mode).

For activations ``X`` (rows: examples of the mini-batch, columns: features), batch normalisation normalises
every column with its mean and biased variance over the batch; layer normalisation normalises every row with
its mean and biased variance over the features (scale 1, shift 0, epsilon neglected).
Sources: Ioffe & Szegedy, "Batch Normalization" (ICML 2015), algorithm 1; Ba, Kiros & Hinton, "Layer
Normalization" (2016), equations (3)-(4); the PyTorch docs of ``BatchNorm1d`` and ``LayerNorm``. The
short-explanation counterpart is ``dl/train/normalisation-residual-essay``.
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

TOL = 0.002


def _check(p):
    x = np.asarray(p["activations"], dtype=float)
    if x.ndim != 2 or not (2 <= x.shape[0] <= 6 and 2 <= x.shape[1] <= 6):
        raise ValueError("activations must be a matrix with 2 to 6 rows and 2 to 6 columns")
    if np.any(x.std(axis=0) == 0) or np.any(x.std(axis=1) == 0):
        raise ValueError("every row and every column needs two different values (epsilon is neglected)")
    return x


def normalise(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` minus its mean over ``axis``, divided by the biased standard deviation over ``axis``."""
    return (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True)


class BatchVsLayerNorm(Question):
    id = "dl/train/batch-vs-layer-norm"
    title = "Batch normalisation vs layer normalisation of one mini-batch"
    topic = "train"
    tags = ("normalisation", "batchnorm", "layernorm", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "4cm"  # room to work each part
    source = ("seed paper 001 (Q14, batch normalisation) and issue 10 (batch norm vs layer norm); Ioffe & Szegedy "
              "(ICML 2015); Ba, Kiros & Hinton (2016)")
    stem = r"""
A layer receives a mini-batch of <<n>> examples with <<d>> features each; row \(i\) of
\[ X = <<activations|bmatrix>> \]
is example \(i\). Normalise \(X\) in training mode with scale \(\gamma = 1\), shift \(\beta = 0\), the biased
variance (divide by the number of values) and \(\varepsilon\) neglected:
(a) with \emph{batch} normalisation (statistics per feature, over the examples of the batch);
(b) with \emph{layer} normalisation (statistics per example, over its features).
Give both <<n>>\(\times\)<<d>> results to 3 decimal places.
"""
    solution = r"""
(a) Batch normalisation uses the statistics of each column (feature), over the <<n>> examples:
\[ \mu = <<col_mean|bmatrix(3)>>, \qquad \sigma = <<col_std|bmatrix(3)>>, \]
and each entry becomes \((x_{ij} - \mu_j)/\sigma_j\):
\[ \hat X_{\text{BN}} = <<bn|bmatrix(3)>>. \]
Every column now has mean 0 and variance 1; the result for one example depends on the other examples of the
batch.

(b) Layer normalisation uses the statistics of each row (example), over its <<d>> features:
\[ \mu = <<row_mean|bmatrix(3)>>^{\top}, \qquad \sigma = <<row_std|bmatrix(3)>>^{\top}, \]
and each entry becomes \((x_{ij} - \mu_i)/\sigma_i\):
\[ \hat X_{\text{LN}} = <<ln|bmatrix(3)>>. \]
Every row now has mean 0 and variance 1, whatever the rest of the batch holds, so the same computation applies
at training and at test time and with a batch of one.
"""

    def draw(self, rng):
        while True:
            n, d = int(rng.integers(3, 5)), int(rng.integers(3, 5))
            x = rng.integers(-3, 6, size=(n, d))
            try:
                _check({"activations": x.tolist()})
            except ValueError:
                continue
            bn, ln = normalise(x.astype(float), 0), normalise(x.astype(float), 1)
            if np.max(np.abs(bn - ln)) > 0.1:  # the two normalisations visibly differ
                return {"activations": x.tolist()}

    def working(self, p):
        x = _check(p)
        return {"n": x.shape[0], "d": x.shape[1], "col_mean": x.mean(axis=0), "col_std": x.std(axis=0),
                "row_mean": x.mean(axis=1), "row_std": x.std(axis=1), "bn": normalise(x, 0), "ln": normalise(x, 1)}

    def solve(self, p):
        x = _check(p)
        return MultiPart((
            Part("a", "Batch normalisation", Matrix.of(normalise(x, 0), tolerance=TOL, places=3)),
            Part("b", "Layer normalisation", Matrix.of(normalise(x, 1), tolerance=TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: per-column and per-row loops with explicit sums of squares.
        x = _check(p)
        n, d = x.shape

        def standardise(values):
            m = sum(values) / len(values)
            s = (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5
            return [(v - m) / s for v in values]

        bn = np.array([standardise(list(x[:, j])) for j in range(d)]).T
        ln = np.array([standardise(list(x[i, :])) for i in range(n)])
        return [bn, ln]
