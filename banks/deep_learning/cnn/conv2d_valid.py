"""A 'valid' 2-D convolution as deep learning frameworks compute it (cross-correlation, no flip).

``Y[i, j] = sum_{a, b} X[i + a, j + b] * K[a, b]`` (indices from 0) for ``0 <= i <= H - kh`` and
``0 <= j <= W - kw``: output size ``(H - kh + 1) x (W - kw + 1)``.

Sources: the PyTorch docs of ``torch.nn.Conv2d`` / ``torch.nn.functional.conv2d``
("the valid 2D cross-correlation operator"); Goodfellow, Bengio & Courville,
"Deep Learning" (2016), section 9.1 (cross-correlation vs flipped convolution).
"""

import numpy as np

from generator.answers import Matrix, format_number
from generator.question import Question


def _as_matrix(value, name):
    a = np.asarray(value, dtype=float)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty matrix (nested list of rows)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers")
    return a


def _term(a: float, b: float) -> str:
    """``a \\cdot b`` in LaTeX, negative factors in parentheses."""
    sa, sb = (f"({format_number(v)})" if v < 0 else format_number(v) for v in (a, b))
    return f"{sa}\\cdot {sb}"


class Conv2dValid(Question):
    id = "dl/cnn/conv2d-valid"
    title = "Computing a valid 2-D convolution"
    topic = "cnn"
    tags = ("convolution", "computation", "cross-correlation")
    difficulty = "beginner"
    points = 2.0
    source = "seed paper 001 (Beginner Q2 and Advanced Q20: valid convolution)"
    stem = r"""
A convolution layer with a single input and output channel, no bias, stride 1 and no padding
(``valid'') is applied to the input \(X\) with the kernel \(K\):
\[ X = <<input|bmatrix>>, \qquad K = <<kernel|bmatrix>>. \]
As in deep learning frameworks (\texttt{torch.nn.functional.conv2d}), the operation is a cross-correlation:
the kernel is \textbf{not} flipped, so with all indices starting at 1,
\(Y_{ij} = \sum_{a=1}^{<<kh>>}\sum_{b=1}^{<<kw>>} X_{i+a-1,\,j+b-1}\,K_{ab}\). Give the output matrix \(Y\).
"""
    solution = r"""
The output has size \((<<rows>>-<<kh>>+1)\times(<<cols>>-<<kw>>+1) = <<out_rows>>\times<<out_cols>>\).
Each entry is the sum of the elementwise products of \(K\) with the window of \(X\) whose top-left corner
is at the entry's position:
\begin{itemize}
<% for e in entries %>
\item \(Y_{<<e.i>><<e.j>>} = <<e.sum>> = <<e.value|num>>\)
<% endfor %>
\end{itemize}
\[ Y = <<answer.array|bmatrix>>. \]
"""

    def draw(self, rng):
        # (input shape, kernel shape): at most about 40 multiplications by hand.
        shapes = [
            ((4, 4), (2, 2)),
            ((3, 4), (2, 2)),
            ((4, 3), (2, 2)),
            ((3, 3), (2, 2)),
            ((4, 4), (3, 3)),
            ((3, 5), (2, 2)),
            ((4, 5), (3, 3)),
        ]
        (h, w), (kh, kw) = shapes[int(rng.integers(len(shapes)))]
        while True:
            x = rng.integers(-2, 6, size=(h, w))
            kernel = rng.integers(-1, 3, size=(kh, kw))
            if (
                np.count_nonzero(kernel) >= 2
                and np.any(kernel < 0)
                and np.count_nonzero(x) >= x.size // 2
            ):
                return {"input": x.tolist(), "kernel": kernel.tolist()}

    def _check(self, p):
        x, kernel = _as_matrix(p["input"], "input"), _as_matrix(p["kernel"], "kernel")
        if kernel.shape[0] > x.shape[0] or kernel.shape[1] > x.shape[1]:
            raise ValueError("the kernel is larger than the input")
        return x, kernel

    def working(self, p):
        x, kernel = self._check(p)
        y = self.solve(p).array
        kh, kw = kernel.shape
        entries = []
        for i in range(y.shape[0]):
            for j in range(y.shape[1]):
                terms = [_term(x[i + a, j + b], kernel[a, b]) for a in range(kh) for b in range(kw)]
                entries.append({"i": i + 1, "j": j + 1, "sum": " + ".join(terms), "value": y[i, j]})
        return {
            "rows": x.shape[0],
            "cols": x.shape[1],
            "kh": kh,
            "kw": kw,
            "out_rows": y.shape[0],
            "out_cols": y.shape[1],
            "entries": entries,
        }

    def solve(self, p):
        x, kernel = self._check(p)
        kh, kw = kernel.shape
        out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                total = 0.0
                for a in range(kh):
                    for b in range(kw):
                        total += x[i + a, j + b] * kernel[a, b]
                out[i, j] = total
        return Matrix.of(out)

    def verify(self, p):
        # Independent route: all windows at once with sliding_window_view, contracted with the kernel.
        x = np.asarray(p["input"], dtype=float)
        kernel = np.asarray(p["kernel"], dtype=float)
        windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape)
        return np.einsum("ijab,ab->ij", windows, kernel)
