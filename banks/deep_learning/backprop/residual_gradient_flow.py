"""Gradient flow through a stack of scalar layers, with and without residual connections.

Plain stack ``x_{i} = w_i x_{i-1}``: ``dx_L/dx_0 = prod_i w_i``, which shrinks (or grows) geometrically with
depth. Residual stack ``x_{i} = x_{i-1} + w_i x_{i-1}``: ``dx_L/dx_0 = prod_i (1 + w_i)``; the identity term
of every block keeps the gradient from vanishing. Sources: He et al., "Identity Mappings in Deep Residual
Networks" (ECCV 2016), equations (4)-(5); Goodfellow, Bengio & Courville, "Deep Learning" (2016), section
8.2.5. The short-explanation counterpart is ``dl/train/normalisation-residual-essay``.
"""

import math
from typing import ClassVar

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.0005


def _check(p):
    w = [float(v) for v in p["weights"]]
    if not 1 <= len(w) <= 12:
        raise ValueError("weights must hold 1 to 12 numbers")
    return w


class ResidualGradientFlow(Question):
    id = "dl/backprop/residual-gradient-flow"
    title = "Gradient through a deep stack with and without residual connections"
    topic = "backprop"
    tags = ("backprop", "resnet", "vanishing-gradients", "computation")
    difficulty = "beginner"
    points = 2.0
    space = "3cm"  # room to work each part
    valid_range: ClassVar[dict] = {"a": (0, math.inf), "b": (0, math.inf)}
    source = ("seed papers 000 (Minor-I, Q2, skip connections) and 001 (Q9, the gradient of a residual block); He "
              "et al. (ECCV 2016), equations (4)-(5)")
    stem = r"""
A network of <<n>> layers acts on a scalar. In the \emph{plain} version layer \(i\) computes
\(x_i = w_i\,x_{i-1}\); in the \emph{residual} version it computes \(x_i = x_{i-1} + w_i\,x_{i-1}\) (an identity
shortcut around the same branch). The weights are
\[ (<% for v in weights %>w_<<loop.index>><% if not loop.last %>, <% endif %><% endfor %>) = (<<weights|join(", ")>>). \]
Give \(\partial x_{<<n>>}/\partial x_0\) (a) for the plain and (b) for the residual network, to 4 decimal places.
"""
    solution = r"""
(a) By the chain rule each plain layer multiplies the gradient by its weight:
\(\partial x_{<<n>>}/\partial x_0 = \prod_i w_i = <<plain_terms>> = <<plain|num(4)>>\).

(b) Each residual layer has derivative \(1 + w_i\) (identity plus branch):
\(\partial x_{<<n>>}/\partial x_0 = \prod_i (1 + w_i) = <<res_terms>> = <<residual|num(4)>>\).
With weights below 1 the plain product shrinks geometrically with depth (a vanishing gradient); the identity
term of every residual block keeps each factor at least 1 here, so the gradient reaches the first layer
undiminished.
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(5, 8))
            w = [float(v) for v in rng.choice([0.2, 0.3, 0.4, 0.5, 0.6, 0.8], size=n)]
            p = {"weights": w}
            if self.working(p)["plain"] >= 0.0005 and not any(
                    part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        w = _check(p)
        return {"n": len(w), "plain": math.prod(w), "residual": math.prod(1 + v for v in w),
                "plain_terms": r" \cdot ".join(f"{v:g}" for v in w),
                "res_terms": r" \cdot ".join(f"{1 + v:g}" for v in w)}

    def solve(self, p):
        w = _check(p)
        t = self.working(p)
        return MultiPart((
            Part("a", "Plain network", Numerical(t["plain"], tolerance=TOL, places=4, mistakes=(
                numeric_option(sum(w), rationale="added the weights instead of multiplying"),
            ))),
            Part("b", "Residual network", Numerical(t["residual"], tolerance=TOL, places=4, mistakes=(
                numeric_option(1 + t["plain"], rationale="added one identity path to the plain product"),
                numeric_option(t["plain"], rationale="ignored the shortcuts"),
            ))),
        ))

    def verify(self, p):
        # Independent route: run both networks forward from x_0 = 1 and x_0 = 1 + h (linear, so exact).
        w = _check(p)

        def run(x, residual):
            for v in w:
                x = x + v * x if residual else v * x
            return x

        h = 1e-3
        return [(run(1 + h, False) - run(1.0, False)) / h, (run(1 + h, True) - run(1.0, True)) / h]
