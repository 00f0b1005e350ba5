"""Xavier/Glorot initialisation: the uniform bound and the normal standard deviation.

Glorot & Bengio 2010 ("Understanding the difficulty of training deep feedforward neural networks",
eq. 12 and 16) choose Var(W) = 2 / (n_in + n_out), the compromise between keeping forward (n_in Var(W) = 1)
and backward (n_out Var(W) = 1) variances. U(-r, r) has variance r^2/3, so r = sqrt(6 / (n_in + n_out));
the normal variant has std sqrt(2 / (n_in + n_out)). PyTorch: ``torch.nn.init.xavier_uniform_`` /
``xavier_normal_`` (gain 1).
"""

import math

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question

PLACES = 4
TOL = 0.0006  # two options closer than this look the same at 4 decimals


def _check(p):
    for name in ("fan_in", "fan_out"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if p["distribution"] not in ("uniform", "normal"):
        raise ValueError("distribution must be 'uniform' or 'normal'")
    return p["fan_in"], p["fan_out"], p["distribution"]


def _option(v, why=""):
    return numeric_option(v, places=PLACES, rationale=why)


class XavierInit(Question):
    id = "dl/train/xavier-init"
    title = "Xavier (Glorot) initialisation"
    topic = "train"
    tags = ("initialisation", "xavier", "glorot")
    difficulty = "beginner"
    source = "seed paper 003 (Intermediate Q3, Xavier initialisation)"
    points = 1.0
    valid_range = (0, float("inf"))  # a standard deviation or bound is positive
    stem = r"""
A fully connected layer has \(n_{\text{in}} = <<fan_in>>\) inputs and \(n_{\text{out}} = <<fan_out>>\) outputs.
Its weights are initialised with Xavier (Glorot) initialisation, gain 1, which targets
\(\operatorname{Var}(W) = 2/(n_{\text{in}} + n_{\text{out}})\), drawing from a
<% if distribution == "uniform" %>\textbf{uniform} distribution \(\mathcal{U}(-r, r)\). What is the bound \(r\)?
<% else %>\textbf{normal} distribution \(\mathcal{N}(0, s^2)\). What is the standard deviation \(s\)?<% endif %>
"""
    solution = r"""
The target variance is \(2/(<<fan_in>> + <<fan_out>>) = <<target|num(6)>>\).
<% if distribution == "uniform" %>
A uniform distribution on \([-r, r]\) has variance \(r^2/3\), so
\[ r = \sqrt{\frac{6}{n_{\text{in}} + n_{\text{out}}}} = \sqrt{\frac{6}{<<fan_in + fan_out>>}} = <<answer.value|num(4)>>. \]
<% else %>
For a normal distribution the variance is \(s^2\), so
\[ s = \sqrt{\frac{2}{n_{\text{in}} + n_{\text{out}}}} = \sqrt{\frac{2}{<<fan_in + fan_out>>}} = <<answer.value|num(4)>>. \]
<% endif %>
"""

    def draw(self, rng):
        sizes = [16, 32, 50, 64, 100, 128, 200, 256, 300, 512, 784, 1000]
        fi, fo = (int(v) for v in rng.choice(sizes, size=2, replace=False))
        return {"fan_in": fi, "fan_out": fo, "distribution": "uniform" if rng.random() < 0.6 else "normal"}

    def working(self, p):
        fi, fo, _ = _check(p)
        return {"target": 2 / (fi + fo)}

    def solve(self, p):
        fi, fo, dist = _check(p)
        s = fi + fo
        uniform, normal = math.sqrt(6 / s), math.sqrt(2 / s)
        right = uniform if dist == "uniform" else normal
        other = normal if dist == "uniform" else uniform
        return single_choice(numeric_option(right, places=PLACES, correct=True), [
            _option(other, "confused the uniform bound with the normal standard deviation"),
            _option(math.sqrt(6 / fi) if dist == "uniform" else math.sqrt(2 / fi),
                    r"used only the fan-in (He-style) instead of \(n_{\text{in}} + n_{\text{out}}\)"),
            _option(math.sqrt(3 / fi) if dist == "uniform" else math.sqrt(1 / fi),
                    r"used the LeCun fan-in variance \(1/n_{\text{in}}\)"),
            _option(6 / s if dist == "uniform" else 2 / s, "forgot the square root"),
            _option(math.sqrt(6 / fo) if dist == "uniform" else math.sqrt(2 / fo),
                    "used only the fan-out"),
            _option(math.sqrt(12 / s) if dist == "uniform" else math.sqrt(4 / s),
                    "doubled the target variance"),
            _option(math.sqrt(1 / s), r"used the variance \(1/(n_{\text{in}} + n_{\text{out}})\)"),
            _option(math.sqrt(6 / (fi * fo)) if dist == "uniform" else math.sqrt(2 / (fi * fo)),
                    r"multiplied the fans, \(n_{\text{in}} n_{\text{out}}\), instead of adding them"),
        ], tolerance=TOL, sample_wrong=True, valid=self.valid_range)

    def verify(self, p):
        # Independent route: the variance of the unit distribution (U(-1, 1) by exact polynomial
        # integration, N(0, 1) by quadrature), then scale it until its variance is 2/(n_in + n_out).
        fi, fo, dist = _check(p)
        target = 2 / (fi + fo)
        if dist == "normal":
            x = np.linspace(-14.0, 14.0, 28001)
            unit_var = np.trapezoid(x ** 2 * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi), x)
        else:
            antiderivative = np.polynomial.Polynomial([0, 0, 0.5]).integ()  # x^2 * density 1/2
            unit_var = antiderivative(1.0) - antiderivative(-1.0)
        return math.sqrt(target / unit_var)
