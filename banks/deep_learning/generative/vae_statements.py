"""Variational autoencoders: select all statements that are true (or false). A pool of statements.

Sources: Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014): the ELBO
``log p(x) >= E_q[log p(x|z)] - KL(q(z|x) || p(z))``, the gap ``KL(q(z|x) || p(z|x))``, the
reparameterisation ``z = mu + sigma * eps`` with ``eps ~ N(0, I)``, the ``N(0, I)`` prior and the
closed-form Gaussian KL (Appendix B); Higgins et al., "beta-VAE" (ICLR 2017) for the weight of the KL term.
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"The reparameterisation trick writes the latent sample as \(z = \mu + \sigma \odot \epsilon\) with "
     r"\(\epsilon \sim \mathcal{N}(0, I)\), so the sample is a differentiable function of the encoder's outputs."),
    (r"The evidence lower bound \(\mathbb{E}_{q(z\mid x)}[\ln p(x\mid z)] - \mathrm{KL}\bigl(q(z\mid x)\,\|\,p(z)\bigr)\) "
     r"is never larger than \(\ln p(x)\)."),
    r"In the standard VAE the prior over the latent code is the isotropic Gaussian \(\mathcal{N}(0, I)\).",
    (r"The encoder outputs the parameters of an approximate posterior \(q(z\mid x)\), usually the mean and the "
     r"(log-)variance of a Gaussian with diagonal covariance."),
    (r"The difference \(\ln p(x) - \mathrm{ELBO}\) equals \(\mathrm{KL}\bigl(q(z\mid x)\,\|\,p(z\mid x)\bigr)\), the "
     r"divergence from the approximate to the true posterior."),
    (r"With a diagonal Gaussian \(q(z\mid x)\) and an \(\mathcal{N}(0, I)\) prior, the KL term of the loss can be "
     r"computed in closed form from \(\mu\) and \(\sigma\), without sampling."),
    (r"To generate a new example, one draws \(z\) from the prior and passes it through the decoder; the encoder "
     r"is not needed."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"The encoder computes the exact posterior \(p(z\mid x)\) of the latent code.",
     (r"the exact posterior needs \(p(x) = \int p(x\mid z)p(z)\,dz\), which is intractable; the encoder gives "
      r"an approximation \(q(z\mid x)\).")),
    (r"The KL divergence in the loss is symmetric: \(\mathrm{KL}(q\,\|\,p) = \mathrm{KL}(p\,\|\,q)\).",
     r"the KL divergence is not symmetric in general."),
    (r"The ELBO is an upper bound on \(\ln p(x)\), so training minimises it.",
     r"it is a lower bound on \(\ln p(x)\), and training maximises it (minimises its negative)."),
    (r"The reparameterisation trick is needed because the decoder network is not differentiable.",
     (r"the decoder is an ordinary differentiable network; the trick is needed because sampling "
      r"\(z \sim q(z\mid x)\) is not differentiable with respect to the encoder's parameters.")),
    (r"Without the KL term, the reconstruction loss alone still makes the codes follow \(\mathcal{N}(0, I)\).",
     (r"nothing else ties \(q(z\mid x)\) to the prior; without the KL term the model behaves like a plain "
      r"autoencoder and samples drawn from the prior decode poorly.")),
    (r"A VAE cannot be trained with stochastic gradient descent because its latent variable is continuous.",
     (r"with the reparameterisation trick the ELBO has a Monte Carlo estimate that is differentiable, and it is "
      r"optimised with SGD (or Adam).")),
    (r"Giving the KL term a larger weight makes the reconstructions sharper.",
     (r"a heavier KL weight pulls the codes towards the prior and keeps less information about \(x\), so "
      r"reconstructions typically become blurrier.")),
)


class VaeStatements(StatementQuestion):
    id = "dl/generative/vae-statements"
    title = "Variational autoencoders: select the true (or false) statements"
    topic = "generative"
    tags = ("vae", "elbo", "concepts")
    difficulty = "intermediate"
    points = 2.0
    source = "seed papers 000 (Quiz-3, Q3), 001 (Q18-Q19) and 002 (Q4)"
    stem = r"""
Consider a variational autoencoder (VAE) with encoder \(q(z\mid x)\), decoder \(p(x\mid z)\) and prior \(p(z)\).
Which of the following statements are <% if polarity %>TRUE<% else %>FALSE<% endif %>? Select all that apply
(at least one option is correct).
"""
    true_statements = TRUE
    false_statements = FALSE
    multiple = True
