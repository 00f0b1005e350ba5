"""Backpropagation through a ReLU neuron drawn as a computational graph (a per-variant figure).

z = w1 x1 + w2 x2 + b, a = max(0, z), L = (a - y)^2 / 2. Chain rule (upstream dL/dL = 1):
delta = dL/dz = (a - y) * 1[z > 0]; dL/dw_i = delta * x_i; dL/db = delta.
The values are read from the figure (TikZ drawn from the params).
Sources: Rumelhart, Hinton & Williams 1986 (backpropagation); Goodfellow, Bengio & Courville,
"Deep Learning" (2016), section 6.5 (computational graphs); PyTorch docs of ``torch.relu`` (gradient 0 at
z <= 0; z = 0 is never drawn). Checked by central finite differences, and against PyTorch autograd in
tests/test_figures.py.
"""

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    values = [p[k] for k in ("x1", "x2", "w1", "w2", "b", "y")]
    if any(isinstance(v, bool) or not isinstance(v, int) or abs(v) > 20 for v in values):
        raise ValueError("x1, x2, w1, w2, b and y must be integers from -20 to 20")
    x1, x2, w1, w2, b, _ = values
    if w1 * x1 + w2 * x2 + b == 0:
        raise ValueError("z = w1 x1 + w2 x2 + b must not be 0 (the ReLU has no derivative there)")
    return values


class ReluNeuronGraph(Question):
    id = "dl/backprop/relu-neuron-graph"
    title = "Gradients of a ReLU neuron read from its computational graph"
    topic = "backprop"
    tags = ("backprop", "computational-graph", "relu", "figure")
    difficulty = "beginner"
    source = "seed papers (gradient calculations on a drawn computational graph)"
    points = 3.0
    stem = r"""
The computational graph below is a neuron with a ReLU activation: \(z = w_1 x_1 + w_2 x_2 + b\),
\(a = \max(0, z)\), followed by the squared-error loss \(L = \tfrac12 (a - y)^2\). The inputs, weights, bias
and target have the values shown. Backpropagate from \(L\) to find the gradients asked for.
"""
    figure = r"""
\tikzset{unit/.style={draw, circle, minimum size=15mm, inner sep=1pt},
         op/.style={draw, rounded corners, minimum height=8mm, inner sep=3pt}}
\node[unit] (x1) at (0, 1.3) {\(x_1 = <<x1>>\)};
\node[unit] (x2) at (0, -1.3) {\(x_2 = <<x2>>\)};
\node[unit] (s) at (3.6, 0) {\(z\)};
\node (b) at (3.6, 1.9) {\(b = <<b>>\)};
\node[op] (r) at (6, 0) {\(\mathrm{ReLU}\)};
\node[op] (l) at (9.2, 0) {\(L = \tfrac12 (a - y)^2\)};
\node (y) at (9.2, 1.5) {\(y = <<y>>\)};
\draw[-{Latex}] (x1) -- node[above, sloped] {\(w_1 = <<w1>>\)} (s);
\draw[-{Latex}] (x2) -- node[below, sloped] {\(w_2 = <<w2>>\)} (s);
\draw[-{Latex}] (b) -- (s);
\draw[-{Latex}] (s) -- (r);
\draw[-{Latex}] (r) -- node[above] {\(a\)} (l);
\draw[-{Latex}] (y) -- (l);
"""
    figure_alt = ("Computational graph: inputs x1 = <<x1>> and x2 = <<x2>> feed the sum z through weights "
                  "w1 = <<w1>> and w2 = <<w2>>, with bias b = <<b>>; z goes through a ReLU to a, and the loss "
                  "L = (a - y)^2 / 2 compares a with the target y = <<y>>.")
    solution = r"""
Forward: \(z = (<<w1>>)(<<x1>>) + (<<w2>>)(<<x2>>) + (<<b>>) = <<z>>\), so \(a = \max(0, <<z>>) = <<a>>\).
Backward: \(\partial L/\partial a = a - y = <<a>> - (<<y>>) = <<dl_da>>\); the ReLU passes the gradient only where
\(z > 0\)<% if z > 0 %> (here it does)<% else %> (here \(z \le 0\), so nothing flows back)<% endif %>:
\(\delta = \partial L/\partial z = <<delta>>\). Then
\(\partial L/\partial w_1 = \delta x_1 = <<answer.parts[0].answer.value>>\),
\(\partial L/\partial w_2 = \delta x_2 = <<answer.parts[1].answer.value>>\),
\(\partial L/\partial b = \delta = <<answer.parts[2].answer.value>>\).
"""

    def draw(self, rng):
        while True:
            x1, x2 = (int(v) for v in rng.choice([-3, -2, -1, 1, 2, 3], size=2))
            w1, w2 = (int(v) for v in rng.choice([-2, -1, 1, 2, 3], size=2))
            b = int(rng.integers(-2, 3))
            y = int(rng.integers(-2, 6))
            z = w1 * x1 + w2 * x2 + b
            # Mostly an active unit (gradients flow), sometimes an inactive one (they stop); never a zero delta
            # by accident of a == y.
            if z != 0 and (z > 0 or rng.random() < 0.2) and max(z, 0) != y:
                return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "y": y}

    def working(self, p):
        x1, x2, w1, w2, b, y = _check(p)
        z = w1 * x1 + w2 * x2 + b
        a = max(0, z)
        return {"z": z, "a": a, "dl_da": a - y, "delta": (a - y) if z > 0 else 0}

    def solve(self, p):
        w = self.working(p)
        delta = w["delta"]
        return MultiPart((
            Part("a", r"\(\partial L / \partial w_1\)", Numerical(delta * p["x1"])),
            Part("b", r"\(\partial L / \partial w_2\)", Numerical(delta * p["x2"])),
            Part("c", r"\(\partial L / \partial b\)", Numerical(delta)),
        ))

    def verify(self, p):
        # Independent route: central finite differences of the loss computed forward (z != 0, so the
        # step never crosses the ReLU's kink). tests/test_figures.py also checks against PyTorch autograd.
        x1, x2, w1, w2, b, y = _check(p)

        def loss(v1, v2, c):
            return 0.5 * (max(0.0, v1 * x1 + v2 * x2 + c) - y) ** 2

        h = 1e-4
        point = [float(w1), float(w2), float(b)]
        out = []
        for i in range(3):
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            out.append((loss(*up) - loss(*down)) / (2 * h))
        return out
