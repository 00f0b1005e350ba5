"""A signal sent back through conv -> ReLU -> max-pool: the gradient, or the DeconvNet reconstruction.

Forward: ``C = conv(X, K)`` (valid, stride 1), ``R = ReLU(C)``, ``M = maxpool_{2x2, stride 1}(R)``,
``P = sum(U * M)`` for given weights ``U``. Backward signal at ``M`` is ``U``; max-pooling sends each
entry to the position of its window's maximum (the "switch"); at the ReLU

- backpropagation multiplies by ``[C > 0]`` (the forward mask);
- the DeconvNet applies the ReLU to the signal itself, ``max(0, signal)`` (the forward input is ignored);

then the convolution passes it back as ``conv_transpose2d(signal, K)`` (the full convolution).

Sources: Zeiler & Fergus 2014, "Visualizing and Understanding Convolutional Networks", section 2.1
(unpooling with switches, rectification, filtering with the transposed filters); Springenberg et al.
2015, figure 1 (the backward rules side by side); the PyTorch docs of ``max_pool2d`` and
``conv_transpose2d``.
"""

import numpy as np

from generator.answers import Matrix
from generator.question import Question

MODES = ("backprop", "deconvnet")


def _matrix(value, name, shape):
    a = np.asarray(value, dtype=float)
    if a.shape != shape or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a {shape[0]}x{shape[1]} matrix of finite numbers")
    return a


def _check(p):
    x = _matrix(p["input"], "input", (4, 4))
    k = _matrix(p["kernel"], "kernel", (2, 2))
    u = _matrix(p["weights"], "weights", (2, 2))
    if p["mode"] not in MODES:
        raise ValueError("mode must be backprop or deconvnet")
    return x, k, u


def _forward(x, k):
    c = np.array([[np.sum(x[i:i + 2, j:j + 2] * k) for j in range(3)] for i in range(3)])
    r = np.maximum(c, 0)
    switches = []
    for i in range(2):
        for j in range(2):
            window = r[i:i + 2, j:j + 2]
            flat = int(np.argmax(window))
            switches.append((i + flat // 2, j + flat % 2))
    return c, r, switches


def _unique_max(r):
    """Does every 2x2 window of r have a single, positive maximum (so the switches are unambiguous)?"""
    for i in range(2):
        for j in range(2):
            w = np.sort(r[i:i + 2, j:j + 2].ravel())
            if w[-1] <= 0 or w[-1] - w[-2] < 1:
                return False
    return True


class DeconvnetChain(Question):
    id = "dl/backprop/deconvnet-chain"
    title = "Backward through conv, ReLU and max-pool: gradient or DeconvNet"
    topic = "backprop"
    tags = ("backprop", "visualisation", "deconvnet", "convolution", "max-pooling")
    difficulty = "advanced"
    points = 4.0
    source = "seed paper 001 (Advanced Q20, DeconvNet through conv, ReLU and max-pool); Zeiler & Fergus 2014"
    stem = r"""
A small CNN computes, from the input \(X\) with the kernel \(K\) and the weights \(U\),
\[ X = <<input|bmatrix>>, \qquad K = <<kernel|bmatrix>>, \qquad U = <<weights|bmatrix>>, \]
first \(C = X \star K\) (valid cross-correlation, stride 1, no bias: \(3\times 3\)), then \(R = \max(0, C)\),
then \(M\) = max-pooling of \(R\) with \(2\times 2\) windows and stride 1 (\(2\times 2\)), and finally the scalar
\(P = \sum_{ij} U_{ij} M_{ij}\).
<% if mode == "backprop" %>
Compute the gradient \(\partial P/\partial X\) by backpropagation (take the derivative of the ReLU at 0 as 0).
<% else %>
Compute the DeconvNet reconstruction of \(P\) at the input (Zeiler and Fergus): starting from the signal
\(U\) at \(M\), unpooling sends each entry to the position of its window's maximum (adding where positions
repeat), the rectification then sets every \emph{negative entry of the signal} to 0 (whatever the forward
input was), and the convolution passes the signal back with the same kernel, as the gradient of
the convolution with respect to its input would (a full convolution, \texttt{conv\_transpose2d}).
<% endif %>
"""
    solution = r"""
Forward:
\[ C = <<c|bmatrix>>, \qquad R = <<r|bmatrix>>, \qquad M = <<m|bmatrix>>. \]
The maxima of the four windows sit at <<switch_text>> of \(R\) (rows and columns from 1). Unpooling \(U\) to
those positions (adding repeats) gives the signal \(S\) at \(R\);
<% if mode == "backprop" %>
backpropagation through the ReLU multiplies it by \([C > 0]\):
\[ S = <<s|bmatrix>>, \qquad [C > 0] = <<mask|bmatrix>>, \qquad S \odot [C>0] = <<s2|bmatrix>>. \]
<% else %>
the DeconvNet rectifies the signal itself:
\[ S = <<s|bmatrix>>, \qquad \max(0, S) = <<s2|bmatrix>>. \]
<% endif %>
Finally each entry \(s_{ij}\) adds \(s_{ij} K\) onto the \(2\times 2\) window of \(X\) it came from:
\[ <<"\\frac{\\partial P}{\\partial X}" if mode == "backprop" else "\\text{reconstruction}">> = <<answer.array|bmatrix>>
<% if differs %>, \qquad \text{while the <<"DeconvNet" if mode == "backprop" else "gradient">> would give } <<other|bmatrix>><% endif %>. \]
<% if differs %>The two rules differ where the backward signal is negative.<% endif %>
"""

    def draw(self, rng):
        while True:
            x = rng.integers(-1, 4, size=(4, 4))
            k = rng.integers(-1, 3, size=(2, 2))
            u = rng.choice([-2, -1, 1, 2], size=(2, 2))
            if np.count_nonzero(k) < 3 or not np.any(k < 0):
                continue
            c, r, _ = _forward(x.astype(float), k.astype(float))
            if _unique_max(r) and np.any(c < 0) and np.any(u < 0) and np.any(u > 0):
                return {"input": x.tolist(), "kernel": k.tolist(), "weights": u.tolist(),
                        "mode": str(rng.choice(MODES))}

    def _backward(self, p, mode):
        x, k, u = _check(p)
        c, r, switches = _forward(x, k)
        if not _unique_max(r):
            raise ValueError("every pooling window needs a single positive maximum (ahead by at least 1)")
        s = np.zeros((3, 3))
        for (i, j), val in zip(switches, u.ravel(), strict=True):
            s[i, j] += val
        s2 = s * (c > 0) if mode == "backprop" else np.maximum(s, 0)
        out = np.zeros((4, 4))
        for i in range(3):
            for j in range(3):
                out[i:i + 2, j:j + 2] += s2[i, j] * k
        return c, r, switches, s, s2, out

    def working(self, p):
        c, r, switches, s, s2, out = self._backward(p, p["mode"])
        other = self._backward(p, "deconvnet" if p["mode"] == "backprop" else "backprop")[-1]
        m = np.array([[r[i:i + 2, j:j + 2].max() for j in range(2)] for i in range(2)])
        return {"c": c.tolist(), "r": r.tolist(), "m": m.tolist(), "s": s.tolist(), "s2": s2.tolist(),
                "mask": (c > 0).astype(int).tolist(), "other": other.tolist(),
                "differs": bool(np.any(other != out)),
                "switch_text": ", ".join(f"\\(({i + 1}, {j + 1})\\)" for i, j in switches)}

    def solve(self, p):
        return Matrix.of(self._backward(p, p["mode"])[-1])

    def verify(self, p):
        # Independent route: the convolution as a 9x16 matrix A (C = A vec(X)); the backward signal at C is
        # built by comparing each pooled value with R (not from the argmax switches), and vec(out) = A^T s.
        x, k, u = _check(p)
        a = np.zeros((9, 16))
        for i in range(3):
            for j in range(3):
                for di in range(2):
                    for dj in range(2):
                        a[3 * i + j, 4 * (i + di) + (j + dj)] = k[di, dj]
        c = (a @ x.ravel()).reshape(3, 3)
        r = np.maximum(c, 0)
        s = np.zeros((3, 3))
        for i in range(2):
            for j in range(2):
                window = np.zeros((3, 3), dtype=bool)
                window[i:i + 2, j:j + 2] = True
                s += u[i, j] * (window & (r == r[window].max()))
        s = s * (c > 0) if p["mode"] == "backprop" else np.maximum(s, 0)
        return (a.T @ s.ravel()).reshape(4, 4)

