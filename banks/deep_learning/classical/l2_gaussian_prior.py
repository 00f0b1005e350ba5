"""L2 regularisation as a Gaussian prior: the MAP estimate of a one-weight linear model.

With ``y_i = w x_i + eps_i``, ``eps_i ~ N(0, sigma^2)`` and the prior ``w ~ N(0, tau^2)``, the negative
log posterior is ``sum_i (y_i - w x_i)^2 / (2 sigma^2) + w^2 / (2 tau^2) + const``; multiplying by
``2 sigma^2`` gives ``sum_i (y_i - w x_i)^2 + lam w^2`` with ``lam = sigma^2 / tau^2``, minimised at
``w = sum x_i y_i / (sum x_i^2 + lam)``. Sources: Bishop, "Pattern Recognition and Machine Learning"
(2006), section 3.3.1, equations (3.55) and (3.28); Goodfellow, Bengio & Courville, "Deep Learning"
(2016), section 5.6.1.
"""

import math
from typing import ClassVar

import numpy as np
from scipy import optimize

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    s2, t2 = float(p["noise_var"]), float(p["prior_var"])
    if s2 <= 0 or t2 <= 0:
        raise ValueError("noise_var and prior_var must be positive")
    x, y = np.asarray(p["x"], dtype=float), np.asarray(p["y"], dtype=float)
    if x.ndim != 1 or x.shape != y.shape or not 1 <= len(x) <= 12:
        raise ValueError("x and y must be lists of the same length, 1 to 12 numbers")
    return s2, t2, x, y


class L2GaussianPrior(Question):
    id = "dl/classical/l2-gaussian-prior"
    title = "L2 regularisation as a Gaussian prior (MAP estimate)"
    topic = "classical"
    tags = ("regularisation", "map", "bayesian", "weight-decay")
    difficulty = "intermediate"
    points = 2.0
    space = "5cm"  # room to work the computation
    valid_range: ClassVar[dict] = {"a": (0, math.inf)}
    source = ("seed paper 001 (Q1, the prior behind an L2 penalty); Bishop, Pattern Recognition and Machine "
              "Learning (2006), section 3.3.1; Goodfellow, Bengio & Courville, Deep Learning (2016), section 5.6.1")
    stem = r"""
A model with a single weight predicts \(\hat y = w x\). The targets are noisy,
\(y_i = w x_i + \varepsilon_i\) with independent \(\varepsilon_i \sim \mathcal{N}(0, \sigma^2)\),
\(\sigma^2 = <<noise_var|num>>\), and the weight has the Gaussian prior \(w \sim \mathcal{N}(0, \tau^2)\),
\(\tau^2 = <<prior_var|num>>\). The training data are
\(x = (<<x|join(", ")>>)\) and \(y = (<<y|join(", ")>>)\).
(a) The maximum a posteriori (MAP) estimate of \(w\) minimises a penalised sum of squares
\(\sum_i (y_i - w x_i)^2 + \lambda w^2\). What is \(\lambda\)?
(b) What is the MAP estimate \(w_{\text{MAP}}\)? Give both to 3 decimal places.
"""
    solution = r"""
(a) The negative log posterior is, up to constants,
\(\frac{1}{2\sigma^2}\sum_i (y_i - w x_i)^2 + \frac{1}{2\tau^2} w^2\). Multiplying by \(2\sigma^2\) does not move
the minimum and gives the penalised sum of squares with
\(\lambda = \sigma^2/\tau^2 = <<noise_var|num>>/<<prior_var|num>> = <<lam|num(3)>>\).

(b) Setting the derivative \(-2\sum_i x_i (y_i - w x_i) + 2\lambda w\) to zero:
\[ w_{\text{MAP}} = \frac{\sum_i x_i y_i}{\sum_i x_i^2 + \lambda} = \frac{<<sxy|num>>}{<<sxx|num>> + <<lam|num(3)>>}
 = <<w_map|num(3)>>, \]
pulled towards 0 from the least-squares value \(<<sxy|num>>/<<sxx|num>> = <<w_ls|num(3)>>\) by the prior.
"""

    def draw(self, rng):
        variances = [0.25, 0.5, 1.0, 2.0, 4.0]
        while True:
            s2, t2 = (float(v) for v in rng.choice(variances, size=2, replace=False))
            n = int(rng.integers(3, 5))
            x = [int(v) for v in rng.choice([-3, -2, -1, 1, 2, 3], size=n)]
            w_true = float(rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0]))
            y = [round(w_true * xi + float(rng.integers(-2, 3))) for xi in x]
            sxy = sum(a * b for a, b in zip(x, y))
            p = {"noise_var": s2, "prior_var": t2, "x": x, "y": y}
            # the prior's pull is visible: no modelled mistake lands within the tolerance
            if abs(sxy) >= 3 and not any(part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        s2, t2, x, y = _check(p)
        lam = s2 / t2
        sxy, sxx = float(x @ y), float(x @ x)
        if sxx + lam == 0:
            raise ValueError("sum of x^2 plus lambda is zero")
        return {"lam": lam, "sxy": sxy, "sxx": sxx, "w_map": sxy / (sxx + lam),
                "w_ls": sxy / sxx if sxx else 0.0}

    def solve(self, p):
        w = self.working(p)
        s2, t2 = float(p["noise_var"]), float(p["prior_var"])
        lam_mistakes = [numeric_option(t2 / s2, rationale=r"inverted the ratio (\(\tau^2/\sigma^2\))"),
                        numeric_option(math.sqrt(s2 / t2), rationale="used standard deviations, not variances")]
        w_mistakes = [numeric_option(w["w_ls"], rationale="ignored the prior (least squares)"),
                      numeric_option(w["sxy"] / (w["sxx"] + t2 / s2), rationale=r"used \(\tau^2/\sigma^2\) as "
                                     r"\(\lambda\)")]
        if s2 == t2:  # the inverted ratio and the standard deviations are not mistakes then
            lam_mistakes, w_mistakes = [], w_mistakes[:1]
        return MultiPart((
            Part("a", r"\(\lambda\)", Numerical(w["lam"], tolerance=TOL, places=3, mistakes=tuple(lam_mistakes))),
            Part("b", r"\(w_{\text{MAP}}\)", Numerical(w["w_map"], tolerance=TOL, places=3,
                                                      mistakes=tuple(w_mistakes))),
        ))

    def verify(self, p):
        # Independent route: maximise the log posterior (Gaussian log-densities written out) numerically;
        # lambda is the ratio of the prior's curvature to one unit-x observation's (finite differences).
        s2, t2, x, y = _check(p)

        def log_normal(v, mean, var):
            return -0.5 * np.log(2 * np.pi * var) - (v - mean) ** 2 / (2 * var)

        def neg_log_post(w):
            return -(log_normal(y, w * x, s2).sum() + log_normal(w, 0.0, t2))

        w_map = optimize.minimize_scalar(neg_log_post, bracket=(-10, 10), tol=1e-12).x
        h = 1e-3

        def curvature(f):
            return -(f(h) - 2 * f(0.0) + f(-h)) / h ** 2

        lam = curvature(lambda w: log_normal(w, 0.0, t2)) / curvature(lambda w: log_normal(1.0, w, s2))
        return [lam, w_map]
