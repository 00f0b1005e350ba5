"""The KL term of the VAE loss: KL(N(mu, diag(sigma^2)) || N(0, I)) for a small latent code.

Closed form (Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Appendix B):
``-KL = 1/2 * sum_j (1 + ln sigma_j^2 - mu_j^2 - sigma_j^2)``. The KL of a product of independent
distributions is the sum of the per-dimension KLs. PyTorch: ``torch.distributions.kl_divergence`` of
``Independent(Normal(mu, sigma), 1)`` and ``Independent(Normal(0, 1), 1)``.
"""

import math

import numpy as np

from generator.answers import Numerical
from generator.question import Question

MEANS = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
SIGMAS = (0.5, 0.8, 1.0, 1.2, 1.5, 2.0)


def _vector(value, name):
    if not isinstance(value, list) or not value or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        raise ValueError(f"{name} must be a non-empty list of finite numbers")
    return [float(v) for v in value]


class VaeKLTerm(Question):
    id = "dl/generative/vae-kl-term"
    title = "KL term of the VAE loss"
    topic = "generative"
    tags = ("vae", "kl-divergence", "elbo")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 002 (Q4, KL term of the VAE loss); Kingma & Welling 2014, Appendix B"
    valid_range = (0, float("inf"))
    stem = r"""
The encoder of a variational autoencoder maps an input \(x\) to a Gaussian
\(q(z\mid x) = \mathcal{N}\!\left(\mu, \mathrm{diag}(\sigma^2)\right)\) over a \(<<dims>>\)-dimensional latent code,
with
\[ \mu = << mu|bmatrix >>, \qquad \sigma = << sigma|bmatrix >> \]
(\(\sigma\) holds standard deviations). The prior is \(p(z) = \mathcal{N}(0, I)\). Compute the KL term of the
loss, \(\mathrm{KL}\bigl(q(z\mid x)\,\|\,p(z)\bigr)\), in nats (natural logarithm), to 3 decimals.
"""
    solution = r"""
For a diagonal Gaussian against \(\mathcal{N}(0, I)\) the KL divergence is a sum over the latent dimensions,
\[ \mathrm{KL} = \frac12\sum_{j}\left(\mu_j^2 + \sigma_j^2 - 1 - \ln\sigma_j^2\right). \]
The terms \(\mu_j^2 + \sigma_j^2 - 1 - \ln\sigma_j^2\) are
\(<% for t in terms %><<t|num(4)>><% if not loop.last %>,\ <% endif %><% endfor %>\), which sum to
\(<<total|num(4)>>\). Half of it is
\[ \mathrm{KL} = <<answer.value|num(3)>> \text{ nats}. \]
Each term is zero only for \(\mu_j = 0, \sigma_j = 1\): the KL term pulls every code dimension towards the prior.
"""

    def draw(self, rng):
        while True:
            dims = int(rng.integers(2, 4))
            mu = [float(x) for x in rng.choice(MEANS, size=dims)]
            sigma = [float(x) for x in rng.choice(SIGMAS, size=dims)]
            if any(m != 0 or s != 1 for m, s in zip(mu, sigma)):
                return {"mu": mu, "sigma": sigma}

    def _terms(self, p):
        mu, sigma = _vector(p["mu"], "mu"), _vector(p["sigma"], "sigma")
        if len(mu) != len(sigma):
            raise ValueError("mu and sigma must have the same length")
        if any(s <= 0 for s in sigma):
            raise ValueError("every sigma must be > 0 (standard deviations)")
        return [m * m + s * s - 1 - math.log(s * s) for m, s in zip(mu, sigma)]

    def working(self, p):
        terms = self._terms(p)
        return {"dims": len(terms), "terms": terms, "total": sum(terms)}

    def solve(self, p):
        return Numerical(0.5 * sum(self._terms(p)), tolerance=0.005, places=3)

    def verify(self, p):
        # Independent route: numerical integration of q ln(q/p) per latent dimension (the density
        # factorises, so the KL is the sum of the one-dimensional integrals), trapezoid rule.
        total = 0.0
        for m, s in zip(p["mu"], p["sigma"]):
            x = np.linspace(m - 12 * s, m + 12 * s, 6001)
            log_q = -0.5 * ((x - m) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)
            log_p = -0.5 * x ** 2 - 0.5 * math.log(2 * math.pi)
            total += np.trapezoid(np.exp(log_q) * (log_q - log_p), x)
        return total
