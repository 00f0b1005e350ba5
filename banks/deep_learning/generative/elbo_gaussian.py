"""The ELBO of a one-dimensional Gaussian latent-variable model, the evidence, and the gap between them.

Model: prior ``z ~ N(0, 1)``, likelihood ``x | z ~ N(z, s2)``, approximate posterior ``q(z) = N(m, v)``.
``ELBO = E_q[ln p(x|z)] - KL(q || p(z))`` with ``E_q[ln p(x|z)] = -ln(2 pi s2)/2 - ((x - m)^2 + v)/(2 s2)``
and ``KL(N(m, v) || N(0, 1)) = (m^2 + v - ln v - 1)/2``; the evidence is ``x ~ N(0, 1 + s2)``; the true
posterior is ``N(x/(1 + s2), s2/(1 + s2))``; and ``ln p(x) = ELBO + KL(q || p(z|x))``.
Sources: Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014), equations (2)-(3) and appendix B;
Bishop, "Pattern Recognition and Machine Learning" (2006), equations (2.115)-(2.117) (linear-Gaussian
marginal and posterior) and (10.2)-(10.4) (the decomposition). The derivation is ``dl/generative/elbo-derivation``.
"""

import math
from typing import ClassVar

import numpy as np
from scipy import integrate

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    x, s2, m, v = (float(p[k]) for k in ("x", "noise_var", "q_mean", "q_var"))
    if s2 <= 0 or v <= 0:
        raise ValueError("noise_var and q_var must be positive")
    return x, s2, m, v


def quantities(x, s2, m, v):
    """Expected log-likelihood, KL to the prior, ELBO, log evidence, posterior mean and variance, KL gap."""
    expected = -0.5 * math.log(2 * math.pi * s2) - ((x - m) ** 2 + v) / (2 * s2)
    kl_prior = 0.5 * (m * m + v - math.log(v) - 1)
    evidence = -0.5 * math.log(2 * math.pi * (1 + s2)) - x * x / (2 * (1 + s2))
    post_mean, post_var = x / (1 + s2), s2 / (1 + s2)
    gap = 0.5 * (math.log(post_var / v) + (v + (m - post_mean) ** 2) / post_var - 1)
    return {"expected": expected, "kl_prior": kl_prior, "elbo": expected - kl_prior, "evidence": evidence,
            "post_mean": post_mean, "post_var": post_var, "gap": gap,
            "gap_reversed": 0.5 * (math.log(v / post_var) + (post_var + (m - post_mean) ** 2) / v - 1)}


class ElboGaussian(Question):
    id = "dl/generative/elbo-gaussian"
    title = "ELBO, evidence and KL gap of a one-dimensional Gaussian model"
    topic = "generative"
    tags = ("vae", "elbo", "kl-divergence", "computation")
    difficulty = "advanced"
    points = 3.0
    space = "6cm"  # room to work the computation
    valid_range: ClassVar[dict] = {"c": (0, math.inf)}
    source = ("seed papers 001 (Q18, the identity relating ln p(x), the ELBO and the KL divergence) and 002 (Q4, "
              "the ELBO); Kingma & Welling (ICLR 2014); Bishop (2006), sections 2.3.3 and 10.1")
    stem = r"""
A latent-variable model has the prior \(z \sim \mathcal{N}(0, 1)\) and the likelihood
\(x \mid z \sim \mathcal{N}(z, \sigma^2)\) with \(\sigma^2 = <<noise_var|num>>\). For the observation
\(x = <<x|num>>\), variational inference uses the approximate posterior \(q(z) = \mathcal{N}(<<q_mean|num>>, <<q_var|num>>)\)
(mean, variance). Natural logarithms throughout; give three decimals.
(a) Compute the evidence lower bound
\(\mathcal{L} = \mathbb{E}_{q}[\ln p(x\mid z)] - \mathrm{KL}\bigl(q(z)\,\Vert\,p(z)\bigr)\).
(b) Compute the log evidence \(\ln p(x)\) (the marginal of \(x\) is Gaussian).
(c) Compute \(\mathrm{KL}\bigl(q(z)\,\Vert\,p(z\mid x)\bigr)\), the gap between (b) and (a).
"""
    solution = r"""
(a) With \(q = \mathcal{N}(m, v)\), \(\mathbb{E}_q[(x - z)^2] = (x - m)^2 + v\), so
\(\mathbb{E}_q[\ln p(x\mid z)] = -\tfrac12\ln(2\pi\sigma^2) - \frac{(x - m)^2 + v}{2\sigma^2} = <<w.expected|num(4)>>\), and
\(\mathrm{KL}(q\Vert p(z)) = \tfrac12(m^2 + v - \ln v - 1) = <<w.kl_prior|num(4)>>\). Hence
\(\mathcal{L} = <<w.expected|num(4)>> - <<w.kl_prior|num(4)>> = <<w.elbo|num(3)>>\).

(b) Marginally \(x = z + \varepsilon \sim \mathcal{N}(0, 1 + \sigma^2)\), so
\(\ln p(x) = -\tfrac12\ln\bigl(2\pi(1 + \sigma^2)\bigr) - \frac{x^2}{2(1 + \sigma^2)} = <<w.evidence|num(3)>>\).

(c) The true posterior is \(\mathcal{N}\bigl(\frac{x}{1 + \sigma^2}, \frac{\sigma^2}{1 + \sigma^2}\bigr)
= \mathcal{N}(<<w.post_mean|num(4)>>, <<w.post_var|num(4)>>)\), and for Gaussians
\(\mathrm{KL}(q\Vert p(z\mid x)) = \tfrac12\bigl(\ln\frac{v_p}{v} + \frac{v + (m - \mu_p)^2}{v_p} - 1\bigr)
= <<w.gap|num(3)>>\). Check: \(\mathcal{L} + \mathrm{KL} = <<w.elbo|num(3)>> + <<w.gap|num(3)>> = \ln p(x)\), as the
identity \(\ln p(x) = \mathcal{L} + \mathrm{KL}(q\Vert p(z\mid x))\) requires.
"""

    def draw(self, rng):
        while True:
            s2 = float(rng.choice([0.25, 0.5, 1.0, 2.0]))
            x = round(float(rng.uniform(-2.5, 2.5)), 1)
            m = round(x / (1 + s2) + float(rng.choice([-0.8, -0.5, -0.3, 0.3, 0.5, 0.8])), 1)
            p = {"noise_var": s2, "x": x, "q_mean": m, "q_var": float(rng.choice([0.2, 0.3, 0.5, 0.8, 1.0]))}
            if self.working(p)["w"]["gap"] >= 0.02 and not any(
                    part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        return {"w": quantities(*_check(p))}

    def solve(self, p):
        x, s2, m, v = _check(p)
        w = quantities(x, s2, m, v)
        return MultiPart((
            Part("a", r"\(\mathcal{L}\)", Numerical(w["elbo"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["expected"] + w["kl_prior"], rationale="added the KL term instead of subtracting it"),
                numeric_option(w["elbo"] + v / (2 * s2), rationale=r"left out the variance \(v\) of \(q\) in the "
                               r"expected log-likelihood"),
            ))),
            Part("b", r"\(\ln p(x)\)", Numerical(w["evidence"], tolerance=TOL, places=3, mistakes=(
                numeric_option(-0.5 * math.log(2 * math.pi * s2) - x * x / (2 * s2),
                               rationale=r"used \(\sigma^2\) as the marginal variance (forgot the prior's 1)"),
            ))),
            Part("c", r"\(\mathrm{KL}(q\Vert p(z\mid x))\)", Numerical(w["gap"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["gap_reversed"], rationale=r"reversed the KL divergence, \(\mathrm{KL}(p\Vert q)\)"),
                numeric_option(w["kl_prior"], rationale="gave the KL divergence to the prior"),
            ))),
        ))

    def verify(self, p):
        # Independent route: numerical integration over z of the joint density, no closed forms.
        x, s2, m, v = _check(p)

        def log_normal(t, mean, var):
            return -0.5 * np.log(2 * np.pi * var) - (t - mean) ** 2 / (2 * var)

        def log_joint(z):
            return log_normal(x, z, s2) + log_normal(z, 0.0, 1.0)

        def q(z):
            return np.exp(log_normal(z, m, v))

        lo, hi = m - 12 * math.sqrt(v), m + 12 * math.sqrt(v)
        elbo = integrate.quad(lambda z: q(z) * (log_joint(z) - log_normal(z, m, v)), lo, hi, epsabs=1e-11)[0]
        evidence = math.log(integrate.quad(lambda z: np.exp(log_joint(z)), -30, 30, epsabs=1e-13, limit=200)[0])
        gap = integrate.quad(lambda z: q(z) * (log_normal(z, m, v) - (log_joint(z) - evidence)), lo, hi,
                             epsabs=1e-11)[0]
        return [elbo, evidence, gap]
