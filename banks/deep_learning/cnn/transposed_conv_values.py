"""Values of a single-channel 2-D transposed convolution, as torch.nn.functional.conv_transpose2d.

Each input entry ``x[i, j]`` adds ``x[i, j] * K`` (the kernel, not flipped)
to the full output at rows ``i*s ... i*s+kh-1`` and columns ``j*s ... j*s+kw-1``;
then ``padding`` rows and columns are cropped from every border. Full size
``(n-1)*s + k``, output size ``(n-1)*s + k - 2p``.

Sources: the PyTorch docs of ``torch.nn.ConvTranspose2d`` /
``torch.nn.functional.conv_transpose2d`` (the gradient of ``conv2d`` with respect
to its input); Dumoulin & Visin, "A guide to convolution arithmetic for deep
learning" (2016), section 4 (a transposed convolution equals a direct
convolution of the zero-inserted, zero-padded input with the flipped kernel).
"""

import numpy as np

from generator.answers import Matrix, format_number
from generator.question import Question


def _as_int_matrix(value, name):
    a = np.asarray(value, dtype=float)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty matrix (nested list of rows)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers")
    return a


def scatter_transposed(x: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    """The full (uncropped) transposed convolution: scatter a scaled kernel copy per input entry."""
    (m, n), (kh, kw) = x.shape, kernel.shape
    full = np.zeros(((m - 1) * stride + kh, (n - 1) * stride + kw))
    for i in range(m):
        for j in range(n):
            full[i * stride : i * stride + kh, j * stride : j * stride + kw] += x[i, j] * kernel
    return full


class TransposedConvValues(Question):
    id = "dl/cnn/transposed-conv-values"
    title = "Computing a transposed convolution"
    topic = "cnn"
    tags = ("transposed-convolution", "upsampling", "computation")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Advanced Q17)"
    stem = r"""
A single-channel transposed convolution with stride \(<<stride>>\) and padding \(<<padding>>\) is applied to
the input \(X\) with the kernel \(K\):
\[ X = <<input|bmatrix>>, \qquad K = <<kernel|bmatrix>>. \]
Use the convention of \texttt{torch.nn.functional.conv\_transpose2d} (no bias): the kernel is not flipped;
each input entry \(x_{ij}\) adds \(x_{ij}K\) to the full result with its top-left corner at row
\(<<stride>>i\), column \(<<stride>>j\) (indices from 0), overlapping contributions are summed, and then
<% if padding %>\(<<padding>>\) row(s) and column(s) are removed from every border of the full result<% else %>nothing is cropped (padding 0)<% endif %>.
Give the output matrix.
"""
    solution = r"""
The full result has size \(<<full_rows>>\times<<full_cols>>\). The scaled kernel copies are:
\begin{itemize}
<% for c in copies %>
\item \(x_{<<c.i>><<c.j>>} = <<c.v|num>>\): \(<<c.scaled>>\) added at rows \(<<c.r0>>\)--\(<<c.r1>>\), columns \(<<c.c0>>\)--\(<<c.c1>>\);
<% endfor %>
\end{itemize}
Summing them gives the full result
\[ <<full|bmatrix>>. \]
<% if padding %>
Removing \(<<padding>>\) row(s) and column(s) from each border leaves
<% else %>
With padding 0 this is the output:
<% endif %>
\[ Y = <<answer.array|bmatrix>>. \]
"""

    def draw(self, rng):
        while True:
            k = int(rng.choice([2, 3]))
            stride = int(rng.choice([1, 2]))
            padding = int(rng.choice([0, 1]))
            x = rng.integers(-3, 5, size=(2, 2))
            kernel = rng.integers(-2, 3, size=(k, k))
            out = stride + k - 2 * padding
            if out < 2 or np.count_nonzero(x) < 3 or np.count_nonzero(kernel) < 2:
                continue
            p = {
                "input": x.tolist(),
                "kernel": kernel.tolist(),
                "stride": stride,
                "padding": padding,
            }
            if np.any(self.solve(p).array != 0):
                return p

    def _check(self, p):
        x, kernel = _as_int_matrix(p["input"], "input"), _as_int_matrix(p["kernel"], "kernel")
        s, q = p["stride"], p["padding"]
        if not isinstance(s, int) or s < 1:
            raise ValueError("stride must be a positive integer")
        if not isinstance(q, int) or q < 0:
            raise ValueError("padding must be a non-negative integer")
        return x, kernel, s, q

    def working(self, p):
        x, kernel, s, _ = self._check(p)
        full = scatter_transposed(x, kernel, s)
        kh, kw = kernel.shape
        copies = [
            {
                "i": i,
                "j": j,
                "v": x[i, j],
                "scaled": f"({format_number(x[i, j])})K"
                if x[i, j] < 0
                else f"{format_number(x[i, j])}K",
                "r0": i * s,
                "r1": i * s + kh - 1,
                "c0": j * s,
                "c1": j * s + kw - 1,
            }
            for i in range(x.shape[0])
            for j in range(x.shape[1])
        ]
        return {
            "full": full,
            "full_rows": full.shape[0],
            "full_cols": full.shape[1],
            "copies": copies,
        }

    def solve(self, p):
        x, kernel, s, q = self._check(p)
        full = scatter_transposed(x, kernel, s)
        if full.shape[0] - 2 * q < 1 or full.shape[1] - 2 * q < 1:
            raise ValueError("the padding crops away the whole output")
        return Matrix.of(full[q : full.shape[0] - q, q : full.shape[1] - q])

    def verify(self, p):
        # Independent route (Dumoulin & Visin): insert stride-1 zeros between input entries, pad by
        # kernel-1 zeros, cross-correlate ('valid') with the flipped kernel, then crop the padding.
        x = np.asarray(p["input"], dtype=float)
        kernel = np.asarray(p["kernel"], dtype=float)
        s, q = p["stride"], p["padding"]
        kh, kw = kernel.shape
        dilated = np.zeros(((x.shape[0] - 1) * s + 1, (x.shape[1] - 1) * s + 1))
        dilated[::s, ::s] = x
        padded = np.pad(dilated, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))
        full = np.einsum("ijab,ab->ij", windows, kernel[::-1, ::-1])
        return full[q : full.shape[0] - q, q : full.shape[1] - q]
