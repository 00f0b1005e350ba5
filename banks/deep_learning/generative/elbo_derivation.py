"""Derivation: the evidence lower bound (ELBO) of a VAE, by Jensen's inequality or the KL decomposition;
the Gaussian KL term and the reparametrisation trick.

Sources: Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014), section 2.2 (equations 1-3),
section 2.4 (reparametrisation) and appendix B (Gaussian KL); Bishop, "Pattern Recognition and Machine
Learning" (2006), section 10.1 (equation 10.2); Doersch, "Tutorial on Variational Autoencoders" (2016).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Derive the evidence lower bound (ELBO) of a variational autoencoder with \emph{Jensen}'s inequality: "
         r"start from \(\ln p_\theta(x)\) and an approximate posterior \(q_\phi(z \mid x)\), and then write the "
         r"bound as a reconstruction term minus a \emph{KL} divergence. Say what each term does in training."),
        r"""Introduce \(q_\phi(z\mid x)\) by multiplying and dividing inside the marginal likelihood:
\[ \ln p_\theta(x) = \ln \int p_\theta(x, z)\,dz = \ln \int q_\phi(z\mid x)\,\frac{p_\theta(x, z)}{q_\phi(z\mid x)}\,dz
 = \ln \mathbb{E}_{q_\phi(z\mid x)}\!\left[\frac{p_\theta(x, z)}{q_\phi(z\mid x)}\right]. \]
The logarithm is concave, so by Jensen's inequality \(\ln \mathbb{E}[Y] \ge \mathbb{E}[\ln Y]\):
\[ \ln p_\theta(x) \ge \mathbb{E}_{q_\phi(z\mid x)}\bigl[\ln p_\theta(x, z) - \ln q_\phi(z\mid x)\bigr]
 = \mathcal{L}(\theta, \phi; x), \]
the ELBO. Writing \(p_\theta(x, z) = p_\theta(x\mid z)\,p(z)\):
\[ \mathcal{L} = \mathbb{E}_{q_\phi(z\mid x)}\bigl[\ln p_\theta(x\mid z)\bigr]
 - \mathrm{KL}\bigl(q_\phi(z\mid x)\,\Vert\,p(z)\bigr). \]
The first term is the expected log-likelihood of the input under the decoder, a reconstruction term (for a
Gaussian decoder a squared error, for a Bernoulli decoder a binary cross-entropy). The second keeps the
encoder's distribution close to the prior, which regularises the latent space so that samples from \(p(z)\)
decode to sensible outputs. Training maximises \(\mathcal{L}\) over \(\theta\) and \(\phi\) (minimises
\(-\mathcal{L}\)); the bound is tight when \(q_\phi(z\mid x)\) equals the true posterior.""",
        ((1, r"introduce \(q_\phi\): \(\ln p(x) = \ln \mathbb{E}_{q}[p(x, z)/q(z\mid x)]\)"),
         (1, (r"Jensen's inequality (the logarithm is concave) gives "
             r"\(\ln p(x) \ge \mathbb{E}_q[\ln p(x, z) - \ln q(z\mid x)]\), the ELBO")),
         (1, (r"split \(p(x, z) = p(x\mid z)p(z)\): reconstruction term \(\mathbb{E}_q \ln p(x\mid z)\) minus "
             r"\(\mathrm{KL}(q(z\mid x)\Vert p(z))\)")),
         (1, ("roles: reconstruction term fits the data through the decoder, the KL term keeps the encoder close "
             "to the prior (regularises the latent space); the ELBO is maximised"))),
        ("jensen", "kl", "reconstruction"),
        lines=16,
    ),
    Prompt(
        (r"Show that \(\ln p_\theta(x) = \mathcal{L}(\theta, \phi; x) + \mathrm{KL}\bigl(q_\phi(z\mid x)\,\Vert\,"
         r"p_\theta(z\mid x)\bigr)\), where \(\mathcal{L}\) is the ELBO. Use this identity to explain why the ELBO "
         r"is a \emph{lower bound} and why maximising it over \(\phi\) makes \(q_\phi\) approximate the true "
         r"\emph{posterior}."),
        r"""Since \(\ln p_\theta(x)\) does not depend on \(z\), it equals its expectation under any
\(q_\phi(z\mid x)\). With Bayes' rule \(p_\theta(x) = p_\theta(x, z)/p_\theta(z\mid x)\):
\[ \ln p_\theta(x) = \mathbb{E}_{q}\bigl[\ln p_\theta(x, z) - \ln p_\theta(z\mid x)\bigr]
 = \mathbb{E}_{q}\!\left[\ln \frac{p_\theta(x, z)}{q_\phi(z\mid x)}\right]
 + \mathbb{E}_{q}\!\left[\ln \frac{q_\phi(z\mid x)}{p_\theta(z\mid x)}\right], \]
adding and subtracting \(\ln q_\phi(z\mid x)\). The first expectation is the ELBO \(\mathcal{L}\), the second is
\(\mathrm{KL}(q_\phi(z\mid x)\Vert p_\theta(z\mid x))\). A KL divergence is never negative (Gibbs'
inequality) and is zero only when the two distributions are equal, so \(\ln p_\theta(x) \ge \mathcal{L}\): a
lower bound whose gap is exactly the KL divergence to the true posterior. The left side does not depend on
\(\phi\); so raising \(\mathcal{L}\) by changing \(\phi\) must lower the KL divergence by the same amount:
maximising the ELBO over \(\phi\) is minimising \(\mathrm{KL}(q_\phi\Vert p_\theta(z\mid x))\), making \(q_\phi\)
approximate the intractable posterior. Maximising over \(\theta\) raises the bound on the likelihood (and so,
approximately, the likelihood itself).""",
        ((1, r"use \(\ln p(x) = \mathbb{E}_q[\ln p(x)]\) and Bayes' rule \(p(x) = p(x, z)/p(z\mid x)\)"),
         (1, r"add and subtract \(\ln q(z\mid x)\) and identify the ELBO and \(\mathrm{KL}(q\Vert p(z\mid x))\)"),
         (1, ("KL is non-negative (zero only for equal distributions), so the ELBO is a lower bound with gap "
             "equal to the KL to the posterior")),
         (1, (r"\(\ln p(x)\) does not depend on \(\phi\): maximising the ELBO over \(\phi\) minimises the KL, so "
             r"\(q_\phi\) approaches the true posterior"))),
        ("kl", "lower bound", "posterior"),
        lines=16,
    ),
    Prompt(
        (r"A VAE has prior \(p(z) = \mathcal{N}(0, I)\) and encoder \(q_\phi(z\mid x) = "
         r"\mathcal{N}\bigl(\mu, \operatorname{diag}(\sigma^2)\bigr)\) with \(z \in \mathbb{R}^J\). Derive the "
         r"closed form of the \emph{KL} term of the ELBO, and explain how the \emph{reparametrisation} trick "
         r"gives a low-variance gradient of the reconstruction term with respect to \(\phi\)."),
        r"""Both distributions factorise over the \(J\) dimensions, so the KL divergence is a sum of
one-dimensional terms. For one dimension, with \(q = \mathcal{N}(\mu, \sigma^2)\) and \(p = \mathcal{N}(0, 1)\):
\[ \mathrm{KL}(q\Vert p) = \mathbb{E}_q\bigl[\ln q(z) - \ln p(z)\bigr]
 = \mathbb{E}_q\!\left[-\tfrac12\ln(2\pi\sigma^2) - \frac{(z-\mu)^2}{2\sigma^2} + \tfrac12\ln(2\pi) + \frac{z^2}{2}\right]. \]
With \(\mathbb{E}_q[(z-\mu)^2] = \sigma^2\) and \(\mathbb{E}_q[z^2] = \mu^2 + \sigma^2\) this is
\(-\tfrac12\ln\sigma^2 - \tfrac12 + \tfrac12(\mu^2 + \sigma^2)\), so
\[ \mathrm{KL}\bigl(q_\phi(z\mid x)\Vert p(z)\bigr) = \frac12\sum_{j=1}^{J}\bigl(\mu_j^2 + \sigma_j^2 - \ln\sigma_j^2 - 1\bigr), \]
which is differentiable in \(\mu\) and \(\sigma\) and zero only when \(\mu = 0\), \(\sigma = 1\).
Reparametrisation: sampling \(z \sim q_\phi\) is not differentiable with respect to \(\phi\). Writing
\(z = \mu + \sigma\odot\varepsilon\) with \(\varepsilon \sim \mathcal{N}(0, I)\) moves the randomness into
\(\varepsilon\), which does not depend on \(\phi\), so
\(\nabla_\phi \mathbb{E}_{q_\phi}[\ln p_\theta(x\mid z)] = \mathbb{E}_{\varepsilon}\bigl[\nabla_\phi \ln
p_\theta(x\mid \mu + \sigma\odot\varepsilon)\bigr]\). A Monte Carlo estimate with one sample of \(\varepsilon\)
per example is then backpropagated through the decoder into \(\mu\), \(\sigma\) and the encoder; its variance
is much lower than that of the score-function (REINFORCE) estimator.""",
        ((1, (r"the KL divergence factorises over dimensions; one-dimensional KL written as "
             r"\(\mathbb{E}_q[\ln q - \ln p]\) with both Gaussian log-densities")),
         (1, (r"expectations \(\mathbb{E}[(z-\mu)^2] = \sigma^2\), \(\mathbb{E}[z^2] = \mu^2 + \sigma^2\) give "
             r"\(\frac12\sum_j(\mu_j^2 + \sigma_j^2 - \ln\sigma_j^2 - 1)\)")),
         (1, (r"reparametrisation \(z = \mu + \sigma\odot\varepsilon\), \(\varepsilon \sim \mathcal{N}(0, I)\): "
             r"the randomness no longer depends on \(\phi\)")),
         (1, ("the gradient moves inside the expectation; a one-sample Monte Carlo estimate is backpropagated "
             "through the decoder to the encoder, with low variance"))),
        ("kl", "reparametri"),
        lines=16,
    ),
)


class ElboDerivation(GuidedEssay):
    id = "dl/generative/elbo-derivation"
    title = "Derivation: the evidence lower bound (ELBO) of a VAE"
    topic = "generative"
    tags = ("vae", "elbo", "kl-divergence", "derivation", "essay")
    difficulty = "advanced"
    points = 4.0
    source = ("seed papers 001 (Q10, Q18 and Q19: variational inference, the ELBO identity, "
              "reparametrisation) and 002 (Q4, derive the ELBO with the KL divergence); Kingma & Welling, "
              "Auto-Encoding Variational Bayes (ICLR 2014)")
    PROMPTS = PROMPTS
