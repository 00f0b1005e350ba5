"""Gradients of a valid 2-D convolution (cross-correlation) with respect to its kernel and its input.

Forward ``Y[i, j] = sum_{a, b} X[i + a, j + b] K[a, b]``. With the upstream gradient ``G = dL/dY``:

- ``dL/dK[a, b] = sum_{i, j} G[i, j] X[i + a, j + b]``: the valid cross-correlation of ``X`` with ``G``;
- ``dL/dX[m, n] = sum_{i, j} G[i, j] K[m - i, n - j]``: the full convolution of ``G`` with ``K``
  (``conv_transpose2d(G, K)``).

Sources: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 9.5 (equations 9.11-9.13);
the PyTorch docs of ``torch.nn.functional.conv2d`` and ``conv_transpose2d`` (the gradient of conv2d
with respect to its input).
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part, format_number
from generator.question import Question


def _matrix(value, name):
    a = np.asarray(value, dtype=float)
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a non-empty matrix of finite numbers")
    return a


def _check(p):
    x, k, g = _matrix(p["input"], "input"), _matrix(p["kernel"], "kernel"), _matrix(p["upstream"], "upstream")
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError("the kernel is larger than the input")
    if g.shape != (x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1):
        raise ValueError("upstream must have the output's shape (H - kh + 1) x (W - kw + 1)")
    return x, k, g


def _num(v):
    return f"({format_number(v)})" if v < 0 else format_number(v)


class ConvGradients(Question):
    id = "dl/backprop/conv-gradients"
    title = "Gradients of a convolution with respect to kernel and input"
    topic = "backprop"
    tags = ("backprop", "convolution", "gradients")
    difficulty = "advanced"
    points = 4.0
    source = "seed exams (gradient of a valid convolution, dY/dK); Goodfellow et al., Deep Learning, section 9.5"
    stem = r"""
A convolution layer (one channel, no bias, stride 1, no padding) computes the valid cross-correlation
\(Y_{ij} = \sum_{a,b} X_{i+a-1,\,j+b-1}\, K_{ab}\) (indices from 1, kernel not flipped, as in
\texttt{torch.nn.functional.conv2d}) of the input and kernel
\[ X = <<input|bmatrix>>, \qquad K = <<kernel|bmatrix>>. \]
During backpropagation the gradient of the loss with respect to the output arrives as
\[ G = \frac{\partial L}{\partial Y} = <<upstream|bmatrix>>. \]
"""
    solution = r"""
\textbf{(a)} Each output \(Y_{ij}\) depends on \(K_{ab}\) through one term, \(X_{i+a-1,\,j+b-1} K_{ab}\). So
\(\partial L/\partial K\) is the valid cross-correlation of \(X\) with \(G\):
\[ \frac{\partial L}{\partial K_{ab}} = \sum_{i,j} G_{ij}\, X_{i+a-1,\,j+b-1}. \]
\[ \begin{aligned}
<% for e in k_entries %>
\frac{\partial L}{\partial K_{<<e.a>><<e.b>>}} &= <<e.sum>> = <<e.value|num>> \\
<% endfor %>
\end{aligned} \]
\[ \frac{\partial L}{\partial K} = <<answer.parts[0].answer.array|bmatrix>>. \]

\textbf{(b)} Each \(X_{mn}\) meets \(K_{ab}\) in the output \((m-a+1, n-b+1)\) when that output exists, so
\[ \frac{\partial L}{\partial X_{mn}} = \sum_{a,b} G_{m-a+1,\,n-b+1}\, K_{ab}, \]
the ``full'' convolution of \(G\) with \(K\): each \(G_{ij}\) adds \(G_{ij} K\) onto the window of \(X\) it
came from (\texttt{conv\_transpose2d}).
\[ \frac{\partial L}{\partial X} = <<answer.parts[1].answer.array|bmatrix>>. \]
"""

    def draw(self, rng):
        shapes = [((3, 3), (2, 2)), ((3, 4), (2, 2)), ((4, 4), (2, 2)), ((4, 4), (3, 3)), ((4, 3), (2, 2))]
        (h, w), (kh, kw) = shapes[int(rng.integers(len(shapes)))]
        while True:
            x = rng.integers(-2, 5, size=(h, w))
            k = rng.integers(-2, 3, size=(kh, kw))
            g = rng.integers(-1, 3, size=(h - kh + 1, w - kw + 1))
            if np.count_nonzero(k) >= 2 and np.count_nonzero(g) >= 2 and np.any(g < 0) | np.any(k < 0):
                return {"input": x.tolist(), "kernel": k.tolist(), "upstream": g.tolist()}

    def working(self, p):
        x, k, g = _check(p)
        entries = []
        for a in range(k.shape[0]):
            for b in range(k.shape[1]):
                terms = [f"{_num(g[i, j])}\\cdot{_num(x[i + a, j + b])}"
                         for i in range(g.shape[0]) for j in range(g.shape[1]) if g[i, j] != 0]
                value = sum(g[i, j] * x[i + a, j + b] for i in range(g.shape[0]) for j in range(g.shape[1]))
                entries.append({"a": a + 1, "b": b + 1, "sum": " + ".join(terms) or "0", "value": value})
        return {"k_entries": entries}

    def solve(self, p):
        x, k, g = _check(p)
        dk = np.zeros_like(k)
        dx = np.zeros_like(x)
        for i in range(g.shape[0]):
            for j in range(g.shape[1]):
                dk += g[i, j] * x[i:i + k.shape[0], j:j + k.shape[1]]
                dx[i:i + k.shape[0], j:j + k.shape[1]] += g[i, j] * k
        return MultiPart((
            Part("a", r"Give \(\partial L/\partial K\).", Matrix.of(dk)),
            Part("b", r"Give \(\partial L/\partial X\).", Matrix.of(dx)),
        ))

    def verify(self, p):
        # Independent route: L = sum(G * conv(X, K)) is linear in K and in X, so each gradient entry is L
        # evaluated at a unit kernel (resp. a unit input), the convolution by sliding windows.
        x, k, g = _check(p)

        def loss(xx, kk):
            win = np.lib.stride_tricks.sliding_window_view(xx, kk.shape)
            return float(np.sum(g * np.einsum("ijab,ab->ij", win, kk)))

        dk = np.array([[loss(x, np.eye(1, k.size, a * k.shape[1] + b).reshape(k.shape))
                        for b in range(k.shape[1])] for a in range(k.shape[0])])
        dx = np.array([[loss(np.eye(1, x.size, m * x.shape[1] + n).reshape(x.shape), k)
                        for n in range(x.shape[1])] for m in range(x.shape[0])])
        return [dk, dx]
