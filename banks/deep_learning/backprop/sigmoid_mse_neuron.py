"""One sigmoid neuron with a squared-error loss: forward pass and the gradients of weights and bias.

``z = w . x + b``, ``y = sigma(z)``, ``L = (y - t)^2`` (or ``1/2 (y - t)^2``). By the chain rule
``dL/dz = c (y - t) y (1 - y)`` with ``c = 2`` (or 1 for the halved loss), ``dL/dw = dL/dz * x`` and
``dL/db = dL/dz``.

Sources: Rumelhart, Hinton & Williams 1986; Nielsen, "Neural Networks and Deep Learning" (2015),
chapter 3 (the slow learning of a sigmoid neuron with the quadratic cost); the PyTorch docs of
``torch.sigmoid`` and ``torch.nn.functional.mse_loss``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Matrix, MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.0005


def _check(p):
    x, w = np.asarray(p["x"], dtype=float), np.asarray(p["w"], dtype=float)
    if x.ndim != 1 or x.shape != w.shape or not 1 <= x.size <= 6:
        raise ValueError("x and w must be lists of 1 to 6 numbers, the same length")
    b, t = float(p["b"]), float(p["target"])
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w)) and math.isfinite(b) and math.isfinite(t)):
        raise ValueError("values must be finite")
    if abs(float(w @ x) + b) > 30:
        raise ValueError("keep |w.x + b| <= 30 (the sigmoid saturates)")
    if not isinstance(p["half"], bool):
        raise TypeError("half must be true or false")
    return x, w, b, t, (1.0 if p["half"] else 2.0)


class SigmoidMseNeuron(Question):
    id = "dl/backprop/sigmoid-mse-neuron"
    title = "Gradients of a sigmoid neuron with squared error"
    topic = "backprop"
    tags = ("backprop", "sigmoid", "mse", "gradients")
    difficulty = "intermediate"
    points = 3.0
    source = "seed exams (gradient of a sigmoid neuron with MSE loss); Nielsen, Neural Networks and Deep Learning, chapter 3"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (0, 1)}
    stem = r"""
A single neuron (the computation graph in the figure) computes \(y = \sigma(z)\), \(z = w^{\top}x + b\), with the logistic sigmoid
\(\sigma(z) = 1/(1 + e^{-z})\), and is trained with the squared error
\(L = <<"\\tfrac{1}{2}" if half else "">>(y - t)^2\). For the input \(x = <<x|bmatrix>>^{\top}\), weights
\(w = <<w|bmatrix>>^{\top}\), bias \(b = <<b|num>>\) and target \(t = <<target|num>>\):
"""
    figure = r"""
\tikzset{op/.style={circle, draw, thick, minimum size=8mm}, val/.style={font=\small}}
<% for i in range(n) %>
\node[val] (x<<i>>) at (0, <<(n - 1) * 1.7 - i * 1.7 + 0.45>>) {\(x_<<i + 1>> = <<x[i]|num>>\)};
\node[val] (w<<i>>) at (0, <<(n - 1) * 1.7 - i * 1.7 - 0.45>>) {\(w_<<i + 1>> = <<w[i]|num>>\)};
\node[op] (m<<i>>) at (2.6, <<(n - 1) * 1.7 - i * 1.7>>) {\(\times\)};
\draw[->] (x<<i>>) -- (m<<i>>);
\draw[->] (w<<i>>) -- (m<<i>>);
<% endfor %>
\node[op] (s) at (5, <<(n - 1) * 0.85>>) {\(+\)};
\node[val] (b) at (5, <<(n - 1) * 0.85 - 1.6>>) {\(b = <<b|num>>\)};
\draw[->] (b) -- (s);
<% for i in range(n) %>
\draw[->] (m<<i>>) -- (s);
<% endfor %>
\node[op] (g) at (7.2, <<(n - 1) * 0.85>>) {\(\sigma\)};
\draw[->] (s) -- node[above, val] {\(z\)} (g);
\node[op, minimum size=10mm] (l) at (9.6, <<(n - 1) * 0.85>>) {\(L\)};
\draw[->] (g) -- node[above, val] {\(y\)} (l);
\node[val] (t) at (9.6, <<(n - 1) * 0.85 - 1.6>>) {\(t = <<target|num>>\)};
\draw[->] (t) -- (l);
"""
    figure_alt = ("Computation graph: <% for i in range(n) %>x<<i + 1>> = <<x[i]|num>> times w<<i + 1>> = <<w[i]|num>>, "
                  "<% endfor %>the products and b = <<b|num>> are summed to z, z goes through the sigmoid to y, "
                  "and y with the target t = <<target|num>> gives the loss L.")
    solution = r"""
\textbf{(a)} \(z = <<z_terms>> = <<z|num(4)>>\) and \(y = \sigma(<<z|num(4)>>) = <<answer.parts[0].answer.value|num(4)>>\).

\textbf{(b)} Chain rule: \(\frac{\partial L}{\partial z} = <<"" if half else "2">>(y - t)\,\sigma'(z)\) with
\(\sigma'(z) = y(1-y) = <<dsig|num(4)>>\), so
\(\frac{\partial L}{\partial z} = <<"" if half else "2\\cdot">>(<<answer.parts[0].answer.value|num(4)>> - <<target_term>>)\cdot<<dsig|num(4)>> = <<dz|num(4)>>\).
Since \(\partial z/\partial w_i = x_i\),
\[ \frac{\partial L}{\partial w} = \frac{\partial L}{\partial z}\, x = <<answer.parts[1].answer.array|bmatrix(4)>>. \]

\textbf{(c)} \(\partial z/\partial b = 1\), so \(\partial L/\partial b = \partial L/\partial z = <<answer.parts[2].answer.value|num(4)>>\).
<% if saturating %>The neuron is near saturation (\(\sigma'(z)\) is small), so the gradients are small even
though the error is large: the slow learning of sigmoid units under a squared-error loss.<% endif %>
"""

    def draw(self, rng):
        n = int(rng.choice([2, 3]))
        while True:
            x = np.round(rng.choice([-1, 1]) * rng.uniform(0.2, 2.0, size=n), 1)
            w = np.round(rng.uniform(-1.5, 1.5, size=n), 1)
            b = round(float(rng.uniform(-1, 1)), 1)
            t = float(rng.choice([0.0, 1.0, 0.5, 0.2, 0.8]))
            p = {"x": x.tolist(), "w": w.tolist(), "b": b, "target": t, "half": bool(rng.integers(0, 2))}
            y = 1 / (1 + math.exp(-(float(w @ x) + b)))
            c = 1.0 if p["half"] else 2.0
            if abs(y - t) > 0.1 and np.all(x != 0) and np.all(w != 0) and abs(c * (y - t) * y * (1 - y)) >= 0.01:
                return p

    def _forward(self, p):
        x, w, b, t, c = _check(p)
        z = float(w @ x) + b
        y = 1 / (1 + math.exp(-z))
        dz = c * (y - t) * y * (1 - y)
        return x, z, y, dz

    def working(self, p):
        _, z, y, dz = self._forward(p)
        terms = " + ".join(f"({a:g})({c:g})" for a, c in zip(p["w"], p["x"], strict=True))
        b = p["b"]
        terms += f" + ({b:g})" if b < 0 else f" + {b:g}"
        t = p["target"]
        return {"n": len(p["x"]), "z": z, "z_terms": terms, "dsig": y * (1 - y), "dz": dz, "target_term": f"{t:g}",
                "saturating": y * (1 - y) < 0.1}

    def solve(self, p):
        x, _, y, dz = self._forward(p)
        c = 1.0 if p["half"] else 2.0
        wrong_b = (numeric_option(dz / (y * (1 - y)), rationale="forgot the sigmoid's derivative"),
                   numeric_option(dz * (0.5 if c == 2 else 2), rationale="lost or added the factor 2 of the square"),
                   numeric_option(-dz, rationale="took the error as t - y"))
        return MultiPart((
            Part("a", r"Give the output \(y\) (to 4 decimal places).", Numerical(y, tolerance=TOL, places=4)),
            Part("b", r"Give \(\partial L/\partial w\) (to 4 decimal places).",
                 Matrix.of(dz * x, tolerance=TOL, places=4), weight=2.0),
            Part("c", r"Give \(\partial L/\partial b\) (to 4 decimal places).",
                 Numerical(dz, tolerance=TOL, places=4, mistakes=wrong_b)),
        ))

    def verify(self, p):
        # Independent route: central finite differences of the loss (no chain rule), the sigmoid written
        # as (1 + tanh(z / 2)) / 2.
        x, w, b, t, c = _check(p)

        def loss(ww, bb):
            y = (1 + math.tanh((float(ww @ x) + bb) / 2)) / 2
            return c / 2 * (y - t) ** 2

        h = 1e-6
        y = (1 + math.tanh((float(w @ x) + b) / 2)) / 2
        gw = [(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in np.eye(len(w))]
        gb = (loss(w, b + h) - loss(w, b - h)) / (2 * h)
        return [y, gw, gb]
