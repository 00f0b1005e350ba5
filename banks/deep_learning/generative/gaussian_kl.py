"""KL divergence between two univariate Gaussians, KL(N(mu1, s1^2) || N(mu2, s2^2)).

Closed form: ``ln(s2/s1) + (s1^2 + (mu1 - mu2)^2) / (2 s2^2) - 1/2``.
Sources: Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014), Appendix B (the
Gaussian case with an N(0, 1) prior); Bishop, "Pattern Recognition and Machine Learning" (2006),
section 1.6.1 (definition of the KL divergence); PyTorch ``torch.distributions.kl_divergence``
for two ``Normal`` distributions.
"""

import math

import numpy as np

from generator.answers import Numerical
from generator.question import Question

MEANS = tuple(x / 2 for x in range(-4, 5))          # -2.0 ... 2.0 in steps of 0.5
SIGMAS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def _check(p):
    for name in ("mu1", "sigma1", "mu2", "sigma2"):
        if isinstance(p[name], bool) or not isinstance(p[name], (int, float)) or not math.isfinite(p[name]):
            raise ValueError(f"{name} must be a finite number")
    for name in ("sigma1", "sigma2"):
        if p[name] <= 0:
            raise ValueError(f"{name} must be > 0 (a standard deviation)")


def gaussian_kl(mu1, s1, mu2, s2):
    return math.log(s2 / s1) + (s1 ** 2 + (mu1 - mu2) ** 2) / (2 * s2 ** 2) - 0.5


class GaussianKL(Question):
    id = "dl/generative/gaussian-kl"
    title = "KL divergence between two Gaussians"
    topic = "generative"
    tags = ("kl-divergence", "vae", "probability")
    difficulty = "intermediate"
    points = 2.0
    source = "seed papers 001 (Q10, KL between posterior and prior) and 002 (Q4, KL term of the VAE loss)"
    valid_range = (0, float("inf"))  # a KL divergence is never negative
    stem = r"""
Let \(q = \mathcal{N}(\mu_1, \sigma_1^2)\) with \(\mu_1 = <<mu1|num>>\), \(\sigma_1 = <<sigma1|num>>\) and
\(p = \mathcal{N}(\mu_2, \sigma_2^2)\) with \(\mu_2 = <<mu2|num>>\), \(\sigma_2 = <<sigma2|num>>\) (\(\sigma\) denotes the
standard deviation). Compute the Kullback--Leibler divergence
\[ \mathrm{KL}(q\,\|\,p) = \int q(x)\,\ln\frac{q(x)}{p(x)}\,dx \]
in nats (natural logarithm), to 3 decimals.
"""
    solution = r"""
For two univariate Gaussians
\[ \mathrm{KL}(q\,\|\,p) = \ln\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12. \]
Here \(\ln(<<sigma2|num>>/<<sigma1|num>>) = <<log_term|num(4)>>\) and
\(\bigl(\sigma_1^2 + (\mu_1-\mu_2)^2\bigr)/(2\sigma_2^2) = \bigl(<<sigma1|num>>^2 + (<<diff|num>>)^2\bigr)/(2\cdot<<sigma2|num>>^2) = <<quad_term|num(4)>>\), so
\[ \mathrm{KL}(q\,\|\,p) = <<log_term|num(4)>> + <<quad_term|num(4)>> - 0.5 = <<answer.value|num(3)>> \text{ nats}. \]
The divergence is not symmetric: \(\mathrm{KL}(p\,\|\,q) = <<reverse|num(3)>>\) here<% if same %>, and both are 0 because the two distributions are equal<% endif %>.
"""

    def draw(self, rng):
        while True:
            p = {"mu1": float(rng.choice(MEANS)), "sigma1": float(rng.choice(SIGMAS)),
                 "mu2": float(rng.choice(MEANS)), "sigma2": float(rng.choice(SIGMAS))}
            if (p["mu1"], p["sigma1"]) != (p["mu2"], p["sigma2"]) and gaussian_kl(
                    p["mu1"], p["sigma1"], p["mu2"], p["sigma2"]) < 5:
                return p

    def working(self, p):
        return {"diff": p["mu1"] - p["mu2"], "log_term": math.log(p["sigma2"] / p["sigma1"]),
                "quad_term": (p["sigma1"] ** 2 + (p["mu1"] - p["mu2"]) ** 2) / (2 * p["sigma2"] ** 2),
                "reverse": gaussian_kl(p["mu2"], p["sigma2"], p["mu1"], p["sigma1"]),
                "same": (p["mu1"], p["sigma1"]) == (p["mu2"], p["sigma2"])}

    def solve(self, p):
        _check(p)
        return Numerical(gaussian_kl(p["mu1"], p["sigma1"], p["mu2"], p["sigma2"]), tolerance=0.005, places=3)

    def verify(self, p):
        # Independent route: integrate q(x) (ln q(x) - ln p(x)) with the trapezoid rule on a grid
        # covering +-12 standard deviations of q.
        m1, s1, m2, s2 = p["mu1"], p["sigma1"], p["mu2"], p["sigma2"]
        x = np.linspace(m1 - 12 * s1, m1 + 12 * s1, 6001)
        log_q = -0.5 * ((x - m1) / s1) ** 2 - np.log(s1 * np.sqrt(2 * np.pi))
        log_p = -0.5 * ((x - m2) / s2) ** 2 - np.log(s2 * np.sqrt(2 * np.pi))
        return np.trapezoid(np.exp(log_q) * (log_q - log_p), x)
