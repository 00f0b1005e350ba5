"""Initialisation variance for a layer followed by a leaky ReLU (He initialisation).

For h = LeakyReLU_a(f) with f zero-mean and symmetric with variance s^2:
E[h^2] = a^2 * s^2/2 + s^2/2 = (1 + a^2) s^2 / 2, so keeping Var(f') = D_h Var(W) E[h^2] equal to s^2
gives Var(W) = 2 / ((1 + a^2) D_h) (a = 0: the ReLU value 2/D_h).
Sources: He, Zhang, Ren & Sun 2015 ("Delving deep into rectifiers", eq. 10 and section 2.2 for PReLU);
Prince, "Understanding Deep Learning" (2023), section 7.5; PyTorch ``torch.nn.init.calculate_gain
('leaky_relu', a)`` = sqrt(2 / (1 + a^2)). The closed form is derived with sympy once, at import, by
integrating the second moment over a zero-mean Gaussian; the check integrates numerically.
"""

import math

import numpy as np
import sympy as sp

from generator.answers import Numerical
from generator.question import Question


def _derive():
    f = sp.Symbol("f", real=True)
    s = sp.Symbol("sigma", positive=True)
    a = sp.Symbol("a", nonnegative=True)
    n = sp.Symbol("n", positive=True)
    var_w = sp.Symbol("V", positive=True)
    density = sp.exp(-f ** 2 / (2 * s ** 2)) / (sp.sqrt(2 * sp.pi) * s)
    second_moment = sp.simplify(sp.integrate(a ** 2 * f ** 2 * density, (f, -sp.oo, 0))
                                + sp.integrate(f ** 2 * density, (f, 0, sp.oo)))
    (solution,) = sp.solve(sp.Eq(n * var_w * second_moment, s ** 2), var_w)
    return second_moment, solution, sp.lambdify((a, n), solution, "math")


#: E[h^2] = sigma^2 (a^2 + 1)/2 and Var(W) = 2/(n (a^2 + 1)), derived once.
SECOND_MOMENT, VAR_W, _var_w = _derive()

_GRID = np.linspace(-12.0, 12.0, 24001)
_PDF = np.exp(-_GRID ** 2 / 2) / math.sqrt(2 * math.pi)

SLOPES = (0.01, 0.1, 0.2, 0.25, 0.3, 0.5, 1 / math.sqrt(2), 1 / math.sqrt(3), 1 / math.sqrt(5))


def _check(p):
    n, a, q = p["fan_in"], float(p["negative_slope"]), p["quantity"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"fan_in must be a positive integer, got {n!r}")
    if not 0 <= a <= 1:
        raise ValueError("negative_slope must be between 0 and 1")
    if q not in ("variance", "std"):
        raise ValueError("quantity must be 'variance' or 'std'")
    return n, a, q


def slope_tex(a: float) -> str:
    """The slope as LaTeX: 1/sqrt(k) when it is one (and k is not a square), else the decimal."""
    for k in (2, 3, 5, 6, 7, 8, 10):
        if abs(a * a * k - 1) < 1e-9:
            return rf"\frac{{1}}{{\sqrt{{{k}}}}}"
    return f"{a:g}"


class LeakyReluInit(Question):
    id = "dl/train/leaky-relu-init"
    title = "He initialisation for a leaky ReLU"
    topic = "train"
    tags = ("initialisation", "he-init", "leaky-relu")
    difficulty = "advanced"
    source = "seed paper 004 (Q1(d), initialisation variance for a modified ReLU)"
    points = 3.0
    valid_range = (0, float("inf"))
    stem = r"""
A hidden layer computes \(f' = W h\) from \(h = \mathrm{LReLU}(f)\), where
\(\mathrm{LReLU}(f) = f\) for \(f \ge 0\) and \(\mathrm{LReLU}(f) = <<slope>>\, f\) for \(f < 0\).
The layer has \(D_h = <<fan_in>>\) inputs (fan-in). Assume the pre-activations \(f_j\) are independent,
zero-mean and symmetric about 0 with variance \(\sigma_f^2\), the weights are independent of them, i.i.d. with
mean 0, and the biases are 0. Which
<% if quantity == "variance" %>\textbf{variance} \(\sigma_W^2\)<% else %>\textbf{standard deviation} \(\sigma_W\)<% endif %> of the weights keeps the variance of the pre-activations the same from layer to layer
(\(\operatorname{Var}(f'_i) = \sigma_f^2\))? Give the number to 3 significant figures.
"""
    solution = r"""
\(\operatorname{Var}(f'_i) = \sum_{j=1}^{D_h} \sigma_W^2\, \mathbb{E}[h_j^2] = D_h\, \sigma_W^2\, \mathbb{E}[h_j^2]\), and by symmetry
\[ \mathbb{E}[h_j^2] = \int_{-\infty}^{0} a^2 f^2 \Pr(f)\, df + \int_{0}^{\infty} f^2 \Pr(f)\, df
 = a^2\,\frac{\sigma_f^2}{2} + \frac{\sigma_f^2}{2} = \frac{(1 + a^2)\,\sigma_f^2}{2}, \]
with \(a^2 = <<a_sq|num(4)>>\). Setting \(D_h\, \sigma_W^2\, (1 + a^2)\sigma_f^2/2 = \sigma_f^2\):
\[ \sigma_W^2 = \frac{2}{(1 + a^2)\, D_h} = \frac{2}{<<one_plus|num(4)>> \times <<fan_in>>} = <<variance|num>><% if quantity == "std" %>, \]
so \(\sigma_W = \sqrt{<<variance|num>>} = <<answer.shown()>>\).<% else %>. \]<% endif %>
"""

    def draw(self, rng):
        return {"fan_in": int(rng.choice([50, 64, 100, 128, 150, 200, 256, 300, 400, 512])),
                "negative_slope": float(SLOPES[int(rng.integers(len(SLOPES)))]),
                "quantity": "variance" if rng.random() < 0.6 else "std"}

    def working(self, p):
        n, a, _ = _check(p)
        return {"slope": slope_tex(a), "a_sq": a * a, "one_plus": 1 + a * a, "variance": _var_w(a, n)}

    def solve(self, p):
        n, a, q = _check(p)
        v = _var_w(a, n)
        value = v if q == "variance" else math.sqrt(v)
        return Numerical(value, tolerance=0.01, relative=True, places=None)

    def verify(self, p):
        # Independent route: E[LReLU(f)^2] for f ~ N(0, 1) by numerical quadrature, then solve
        # D_h Var(W) E[h^2] = 1 for Var(W).
        n, a, q = _check(p)
        h = np.where(_GRID >= 0, _GRID, a * _GRID)
        second_moment = np.trapezoid(h ** 2 * _PDF, _GRID)
        v = 1.0 / (n * second_moment)
        return v if q == "variance" else math.sqrt(v)
