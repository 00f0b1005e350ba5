"""Gaussian negative log-likelihood with a fixed variance: a scaled sum of squares plus a constant.

For targets ``y_d`` modelled as independent ``N(f_d, sigma^2)``,
``L = sum_d [ (1/2) ln(2 pi sigma^2) + (y_d - f_d)^2 / (2 sigma^2) ]``: the first term does not depend on
the predictions, so minimising ``L`` is minimising the squared error; ``dL/df_d = (f_d - y_d) / sigma^2``.
Sources: Bishop, "Pattern Recognition and Machine Learning" (2006), section 1.2.5, equation (1.62);
Prince, "Understanding Deep Learning" (2023), section 5.3; the PyTorch docs of ``GaussianNLLLoss``.
"""

import math

import numpy as np
from scipy import stats

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    y, f = np.asarray(p["targets"], dtype=float), np.asarray(p["predictions"], dtype=float)
    sigma = float(p["sigma"])
    if y.ndim != 1 or y.shape != f.shape or not 1 <= len(y) <= 12:
        raise ValueError("targets and predictions must be lists of the same length, 1 to 12 numbers")
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return y, f, sigma


def _signed(x: float) -> str:
    """``x`` for a difference: negative numbers in parentheses."""
    return f"({x:g})" if x < 0 else f"{x:g}"


class GaussianNll(Question):
    id = "dl/classical/gaussian-nll"
    title = "Gaussian negative log-likelihood and its link to squared error"
    topic = "classical"
    tags = ("loss", "likelihood", "regression", "mse")
    difficulty = "intermediate"
    points = 3.0
    space = "5cm"  # room to work the computation
    source = ("seed paper 004 (Q3, Gaussian outputs and the least-squares loss); Bishop, Pattern Recognition and "
              "Machine Learning (2006), section 1.2.5; Prince, Understanding Deep Learning (2023), section 5.3")
    stem = r"""
A regression network predicts <<n>> outputs \(f = (<<predictions|join(", ")>>)\) for one example whose targets are
\(y = (<<targets|join(", ")>>)\). Each target is modelled as an independent Gaussian,
\(y_d \sim \mathcal{N}(f_d, \sigma^2)\), with fixed \(\sigma = <<sigma|num>>\), and the loss is the negative
log-likelihood \(L = -\sum_d \ln p(y_d \mid f_d, \sigma^2)\) (natural logarithm).
(a) \(L\) is a constant \(C\) that does not depend on \(f\) plus a multiple of the squared error
\(\sum_d (y_d - f_d)^2\). What is \(C\)?
(b) What is \(L\)?
(c) What is \(\partial L / \partial f_1\)?
Give all three to 3 decimal places.
"""
    solution = r"""
\(\ln p(y_d \mid f_d, \sigma^2) = -\tfrac12 \ln(2\pi\sigma^2) - \frac{(y_d - f_d)^2}{2\sigma^2}\), so
\[ L = \frac{<<n>>}{2}\ln(2\pi\sigma^2) + \frac{1}{2\sigma^2}\sum_d (y_d - f_d)^2. \]

(a) \(C = \frac{<<n>>}{2}\ln(2\pi \cdot <<sigma2|num>>) = <<const|num(4)>>\), independent of the predictions:
minimising \(L\) over \(f\) is minimising the squared error, the MSE loss.

(b) The squared error is \(<<sse_terms>> = <<sse|num(4)>>\), so
\(L = <<const|num(4)>> + <<sse|num(4)>>/(2 \cdot <<sigma2|num>>) = <<nll|num(3)>>\).

(c) \(\partial L/\partial f_1 = (f_1 - y_1)/\sigma^2 = (<<predictions[0]|num>> - <<y1>>)/<<sigma2|num>>
 = <<grad|num(3)>>\).
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(2, 5))
            y = np.round(rng.uniform(-2, 3, size=n), 1)
            err = rng.choice([-1.5, -1.0, -0.5, -0.3, 0.2, 0.4, 0.5, 1.0, 1.2], size=n)
            f = np.round(y + err, 1)
            p = {"targets": [float(v) for v in y], "predictions": [float(v) for v in f],
                 "sigma": float(rng.choice([0.5, 0.8, 1.0, 1.5, 2.0]))}
            # a visible gradient in (c), and no modelled mistake within the tolerance
            if abs(f[0] - y[0]) >= 0.2 and not any(part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        y, f, sigma = _check(p)
        s2 = sigma * sigma
        sse = float(np.sum((y - f) ** 2))
        const = len(y) / 2 * math.log(2 * math.pi * s2)
        terms = " + ".join(f"({a:g} - {_signed(b)})^2" for a, b in zip(p["targets"], p["predictions"]))
        return {"n": len(y), "sigma2": round(s2, 10), "sse": sse, "const": const, "nll": const + sse / (2 * s2),
                "grad": float(f[0] - y[0]) / s2, "sse_terms": terms, "y1": _signed(p["targets"][0])}

    def solve(self, p):
        w = self.working(p)
        n, s2, sse = w["n"], float(p["sigma"]) ** 2, w["sse"]
        const_mistakes = [numeric_option(2 * w["const"], rationale=r"forgot the factor \(\tfrac12\)"),
                          numeric_option(n / 2 * math.log(2 * math.pi), rationale=r"dropped \(\sigma^2\) from the constant")]
        nll_mistakes = [numeric_option(sse / (2 * s2), rationale="dropped the constant term"),
                        numeric_option(w["const"] + sse / s2, rationale=r"divided by \(\sigma^2\), not \(2\sigma^2\)")]
        grad_mistakes = [numeric_option(-w["grad"], rationale=r"sign error (\(y_1 - f_1\))"),
                         numeric_option(w["grad"] / 2, rationale="lost the factor 2 of the square")]
        if s2 != 1:
            const_mistakes.append(numeric_option(n / 2 * math.log(2 * math.pi * float(p["sigma"])),
                                                 rationale=r"used \(\sigma\) for \(\sigma^2\)"))
            grad_mistakes.append(numeric_option(w["grad"] * float(p["sigma"]),
                                                rationale=r"divided by \(\sigma\), not \(\sigma^2\)"))
        return MultiPart((
            Part("a", r"\(C\)", Numerical(w["const"], tolerance=TOL, places=3, mistakes=tuple(const_mistakes))),
            Part("b", r"\(L\)", Numerical(w["nll"], tolerance=TOL, places=3, mistakes=tuple(nll_mistakes))),
            Part("c", r"\(\partial L / \partial f_1\)", Numerical(w["grad"], tolerance=TOL, places=3,
                                                                     mistakes=tuple(grad_mistakes))),
        ))

    def verify(self, p):
        # Independent route: scipy's Gaussian log-density; C is the loss of perfect predictions, the
        # gradient a central finite difference.
        y, f, sigma = _check(p)

        def nll(pred):
            return -float(stats.norm.logpdf(y, pred, sigma).sum())

        h = 1e-6
        e = np.zeros_like(f)
        e[0] = h
        return [nll(y), nll(f), (nll(f + e) - nll(f - e)) / (2 * h)]
