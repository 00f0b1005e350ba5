"""The beta-VAE loss of one example: reconstruction error plus beta times the KL term, and what beta does.

``L = ||x - x_hat||^2 + beta * KL(N(mu, diag(sigma^2)) || N(0, I))`` with
``KL = 1/2 sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)``; ``beta = 1`` is the plain VAE (with a
Gaussian decoder of fixed variance, up to constants). A larger ``beta`` pulls the posterior towards the
prior: fewer nats of information in the code, more disentangled factors, blurrier reconstructions.

Sources: Higgins et al. 2017, "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational
Framework", equation 4; Kingma & Welling 2014, appendix B (the Gaussian KL); the PyTorch docs of
``torch.distributions.kl_divergence`` and ``torch.nn.functional.mse_loss``.
"""

import math
from typing import ClassVar

import numpy as np
from scipy import integrate

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

TOL = 0.002

def _check(p):
    x, xh = np.asarray(p["x"], dtype=float), np.asarray(p["x_hat"], dtype=float)
    mu, lv = np.asarray(p["mu"], dtype=float), np.asarray(p["log_var"], dtype=float)
    if x.ndim != 1 or x.shape != xh.shape or not 1 <= x.size <= 8:
        raise ValueError("x and x_hat must be lists of 1 to 8 numbers, the same length")
    if mu.ndim != 1 or mu.shape != lv.shape or not 1 <= mu.size <= 8:
        raise ValueError("mu and log_var must be lists of 1 to 8 numbers, the same length")
    if np.abs(lv).max() > 20 or not all(np.all(np.isfinite(a)) for a in (x, xh, mu, lv)):
        raise ValueError("values must be finite, log_var within +-20")
    beta = float(p["beta"])
    if not 0 <= beta <= 1000:
        raise ValueError("beta must be from 0 to 1000")
    return x, xh, mu, lv, beta


def _terms(p):
    x, xh, mu, lv, beta = _check(p)
    recon = float(np.sum((x - xh) ** 2))
    kl = 0.5 * float(np.sum(mu**2 + np.exp(lv) - lv - 1))
    return recon, kl, recon + beta * kl


class BetaVaeLoss(Question):
    id = "dl/generative/beta-vae-loss"
    title = "The loss of a beta-VAE for one example"
    topic = "generative"
    tags = ("vae", "beta-vae", "kl-divergence", "generative")
    difficulty = "beginner"
    points = 3.0
    source = "seed paper 003 (Q10, the beta-VAE); Higgins et al. 2017, equation 4"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (0, math.inf), "b": (0, math.inf), "c": (0, math.inf)}
    stem = r"""
A \(\beta\)-VAE with a Gaussian encoder \(q(z\mid x) = \mathcal{N}(\mu, \operatorname{diag}(\sigma^2))\) and prior
\(\mathcal{N}(0, I)\) is trained with the loss
\[ L = \lVert x - \hat{x} \rVert^2 + \beta\, \mathrm{KL}\big(q(z\mid x)\,\big\|\,\mathcal{N}(0, I)\big), \qquad
\mathrm{KL} = \tfrac{1}{2}\sum_j \left(\mu_j^2 + \sigma_j^2 - \ln \sigma_j^2 - 1\right). \]
For one training example the encoder outputs \(\mu = <<mu|bmatrix>>\) and \(\ln\sigma^2 = <<log_var|bmatrix>>\),
and the decoder reconstructs \(x = <<x|bmatrix>>\) as \(\hat{x} = <<x_hat|bmatrix>>\). Here \(\beta = <<beta|num>>\).
"""
    solution = r"""
\textbf{(a)} \(\lVert x - \hat{x}\rVert^2 = <<sq_terms>> = <<answer.parts[0].answer.value|num(4)>>\).

\textbf{(b)} Per latent dimension:
\[ \sigma^2 = e^{\ln\sigma^2} = <<var|bmatrix(4)>>, \qquad
\tfrac{1}{2}\left(\mu_j^2 + \sigma_j^2 - \ln\sigma_j^2 - 1\right) = <<kl_dims|bmatrix(4)>>, \]
so \(\mathrm{KL} = <<answer.parts[1].answer.value|num(4)>>\).

\textbf{(c)} \(L = <<answer.parts[0].answer.value|num(4)>> + <<beta|num>>\cdot<<answer.parts[1].answer.value|num(4)>> = <<answer.parts[2].answer.value|num(4)>>\).

\(\beta\) weighs the KL term against the reconstruction: a larger \(\beta\) pays more for any
departure of \(q(z\mid x)\) from the prior, so the code keeps less information about \(x\) (blurrier
reconstructions) and, as Higgins et al.\ observe, its dimensions tend to capture separate factors of variation.
"""

    def draw(self, rng):
        n, m = int(rng.choice([3, 4])), int(rng.choice([2, 3]))
        x = np.round(rng.uniform(0, 1, size=n), 1)
        xh = np.clip(np.round(x + rng.choice([-0.3, -0.2, -0.1, 0.1, 0.2, 0.3], size=n), 1), 0, 1)
        mu = np.round(rng.uniform(-1.5, 1.5, size=m), 1)
        lv = np.round(rng.uniform(-1.5, 1, size=m), 1)
        return {"x": x.tolist(), "x_hat": xh.tolist(), "mu": mu.tolist(), "log_var": lv.tolist(),
                "beta": float(rng.choice([0.5, 2, 4, 10]))}

    def working(self, p):
        x, xh, mu, lv, _ = _check(p)
        d = x - xh
        sq = " + ".join(f"({v:.1f})^2" if v < 0 else f"{v:.1f}^2" for v in d)
        return {"sq_terms": sq, "var": np.exp(lv).tolist(),
                "kl_dims": (0.5 * (mu**2 + np.exp(lv) - lv - 1)).tolist()}

    def solve(self, p):
        recon, kl, total = _terms(p)
        return MultiPart((
            Part("a", r"Compute the reconstruction term \(\lVert x - \hat{x}\rVert^2\) (to 3 decimal places).",
                 Numerical(recon, tolerance=TOL, places=3)),
            Part("b", r"Compute the KL term (to 3 decimal places).", Numerical(kl, tolerance=TOL, places=3)),
            Part("c", r"Compute the loss \(L\) (to 3 decimal places).", Numerical(total, tolerance=TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: the KL of each dimension by numerical integration of q log(q / p) (scipy),
        # the reconstruction as a squared Euclidean norm.
        x, xh, mu, lv, beta = _check(p)

        def kl_1d(m, log_var):
            s = math.exp(log_var / 2)

            def f(z):
                log_q = -0.5 * ((z - m) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)
                log_p = -0.5 * z * z - 0.5 * math.log(2 * math.pi)
                return math.exp(log_q) * (log_q - log_p)

            return integrate.quad(f, m - 12 * s, m + 12 * s, limit=200)[0]

        kl = sum(kl_1d(m, v) for m, v in zip(mu, lv, strict=True))
        recon = float(np.linalg.norm(x - xh)) ** 2
        return [recon, kl, recon + beta * kl]
