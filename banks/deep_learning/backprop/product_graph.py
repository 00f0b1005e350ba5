"""Backpropagation through f(x, y, z) = (x + y) * x^z and one gradient-descent step.

Gradients (chain rule through q1 = x + y and q2 = x^z, upstream gradient dL/df = 1):
df/dx = q2 + q1 * z * x^(z-1), df/dy = q2, df/dz = q1 * x^z * ln x (x > 0);
then w <- w - lr * df/dw for w in (x, y, z).
Sources: Rumelhart, Hinton & Williams 1986 (backpropagation); Goodfellow, Bengio & Courville,
"Deep Learning" (2016), section 6.5 (computational graphs). The derivatives are taken with sympy once
at import; the check uses central finite differences.
"""

import math

import sympy as sp

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

_x, _y, _z = sp.symbols("x y z", positive=True)
_F = (_x + _y) * _x ** _z
_GRAD = sp.lambdify((_x, _y, _z), [sp.diff(_F, v) for v in (_x, _y, _z)], "math")
_F_NUM = sp.lambdify((_x, _y, _z), _F, "math")

TOL = 0.002


def _check(p):
    x, y, z, lr = (float(p[k]) for k in ("x", "y", "z", "lr"))
    if x <= 0:
        raise ValueError("x must be positive (x^z and its derivative in z need ln x)")
    if lr <= 0:
        raise ValueError("lr must be positive")
    if abs(z) > 10 or abs(y) > 1e6 or x > 1e3:
        raise ValueError("keep |z| <= 10, |y| <= 1e6 and x <= 1000")
    return x, y, z, lr


class ProductGraph(Question):
    id = "dl/backprop/product-graph"
    title = "Backpropagation through (x + y) x^z and one SGD step"
    topic = "backprop"
    tags = ("backprop", "computational-graph", "sgd")
    difficulty = "intermediate"
    source = "seed paper 000 (Minor-I, Q6)"
    points = 3.0
    stem = r"""
Consider the computational graph \(f(x, y, z) = q_1 \cdot q_2\) with \(q_1 = x + y\) and \(q_2 = x^{z}\),
evaluated at \(x = <<x|num>>\), \(y = <<y|num>>\), \(z = <<z|num>>\). The gradient arriving from the loss is
\(\partial L / \partial f = 1\). Backpropagate to get \(\partial L/\partial x\), \(\partial L/\partial y\) and
\(\partial L/\partial z\), then update all three inputs with one gradient-descent step,
\(w \leftarrow w - \eta\, \partial L/\partial w\), with learning rate \(\eta = <<lr|num>>\)
(all gradients are taken at the old values). Give the new values to 3 decimal places.
"""
    solution = r"""
Forward: \(q_1 = <<x|num>> + <<y|term>> = <<q1|num(4)>>\), \(q_2 = <<x|num>>^{<<z|num>>} = <<q2|num(4)>>\).
Backward with \(\partial L/\partial f = 1\):
\[ \begin{aligned}
\frac{\partial L}{\partial x} &= q_2 + q_1\, z\, x^{z-1} = <<q2|num(4)>> + <<q1|term(4)>>\cdot <<z|term>>\cdot <<xzm1|term(4)>> = <<gx|num(4)>>,\\
\frac{\partial L}{\partial y} &= q_2 = <<gy|num(4)>>,\\
\frac{\partial L}{\partial z} &= q_1\, x^{z} \ln x = <<q1|term(4)>>\cdot <<q2|term(4)>>\cdot <<lnx|term(4)>> = <<gz|num(4)>>.
\end{aligned} \]
Update:
\[ \begin{aligned}
x &\leftarrow <<x|num>> - <<lr|num>>\times <<gx|term(4)>> = <<nx|num(3)>>,\\
y &\leftarrow <<y|num>> - <<lr|num>>\times <<gy|term(4)>> = <<ny|num(3)>>,\\
z &\leftarrow <<z|num>> - <<lr|num>>\times <<gz|term(4)>> = <<nz|num(3)>>.
\end{aligned} \]
"""

    def draw(self, rng):
        while True:
            p = {"x": float(rng.choice([0.5, 1.5, 2.0, 2.5, 3.0])), "y": int(rng.integers(-4, 5)),
                 "z": int(rng.choice([-2, -1, 1, 2])), "lr": float(rng.choice([0.01, 0.05, 0.1]))}
            steps = [abs(p["lr"] * float(g)) for g in _GRAD(p["x"], p["y"], p["z"])]
            if min(steps) >= 0.01 and max(steps) <= 5:  # every update visible at 3 decimals, none huge
                return p

    def working(self, p):
        x, y, z, lr = _check(p)
        gx, gy, gz = (float(g) for g in _GRAD(x, y, z))
        return {"q1": x + y, "q2": x ** z, "xzm1": x ** (z - 1), "lnx": math.log(x),
                "gx": gx, "gy": gy, "gz": gz, "nx": x - lr * gx, "ny": y - lr * gy, "nz": z - lr * gz}

    def solve(self, p):
        w = self.working(p)
        return MultiPart(tuple(
            Part(label, rf"New value of \({name}\).", Numerical(w["n" + name], tolerance=TOL, places=3))
            for label, name in (("a", "x"), ("b", "y"), ("c", "z"))))

    def verify(self, p):
        # Independent route: central finite differences of f evaluated numerically.
        x, y, z, lr = _check(p)
        point = [x, y, z]
        out = []

        def f(v):
            return (v[0] + v[1]) * v[0] ** v[2]

        for i in range(3):
            h = 1e-6 * max(1.0, abs(point[i]))
            if i == 0:
                h = min(h, 1e-3 * x)  # stay in x > 0
            up, down = list(point), list(point)
            up[i] += h
            down[i] -= h
            out.append(point[i] - lr * (f(up) - f(down)) / (2 * h))
        return out
