"""Generative adversarial networks: which statement is true (or false)? A pool of statements.

Sources: Goodfellow et al., "Generative Adversarial Nets" (NeurIPS 2014): the minimax value function,
the optimal discriminator ``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` (Proposition 1), the global
optimum ``p_g = p_data`` with value ``-log 4`` and ``C(G) = -log 4 + 2 JSD(p_data || p_g)`` (Theorem 1),
the non-saturating generator loss (section 3); Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial
Networks" (2016) for mode collapse and non-convergence.
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"The discriminator outputs an estimate of the probability that its input comes from the training data "
     r"rather than from the generator."),
    (r"For a fixed generator, the best discriminator is "
     r"\(D^*(x) = p_{\text{data}}(x) / \bigl(p_{\text{data}}(x) + p_g(x)\bigr)\)."),
    (r"When the discriminator is optimal, the generator's minimax objective equals "
     r"twice the Jensen--Shannon divergence \(\mathrm{JSD}(p_{\text{data}}\,\|\,p_g)\) minus \(\ln 4\), which is "
     r"smallest when \(p_g = p_{\text{data}}\)."),
    (r"In mode collapse the generator maps many different noise vectors \(z\) to a few similar outputs, so it "
     r"covers only part of the data distribution."),
    (r"When the discriminator confidently rejects generated samples, minimising \(\ln(1 - D(G(z)))\) gives the "
     r"generator only small gradients; minimising \(-\ln D(G(z))\) instead gives larger ones."),
    (r"Alternating gradient steps for the generator and the discriminator need not converge: the two players can "
     r"keep oscillating around an equilibrium."),
    (r"A standard GAN has no encoder, so finding a latent code \(z\) that reproduces a given image takes extra "
     r"work, such as optimising over \(z\)."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"At the ideal equilibrium the discriminator outputs 1 for every real example.",
     r"at the equilibrium \(p_g = p_{\text{data}}\) the optimal discriminator outputs \(1/2\) everywhere."),
    (r"GAN training minimises one fixed loss by gradient descent, so it converges like supervised training.",
     (r"it is a two-player game in which each player's objective depends on the other; gradient steps on a "
      r"minimax game can oscillate instead of converging.")),
    (r"The generator is trained by comparing its output pixel by pixel with a training image.",
     r"the generator never sees a paired target; its only training signal comes through the discriminator."),
    (r"Mode collapse means that the discriminator stops learning.",
     r"mode collapse is a failure of the generator: its samples lose diversity."),
    (r"Given an image \(x\), a standard GAN directly returns the latent code \(z\) that generated it.",
     r"a standard GAN only maps \(z\) to \(x\); it has no inverse (encoder) network."),
    ((r"Replacing the generator's loss \(\ln(1 - D(G(z)))\) by \(-\ln D(G(z))\) changes the optimum, which is then "
      r"no longer \(p_g = p_{\text{data}}\)."),
     (r"the non-saturating loss keeps the same fixed point; it only changes the size of the gradients early in "
      r"training.")),
    (r"The noise \(z\) fed to the generator must have the same dimension and distribution as the training data.",
     (r"\(z\) is drawn from a simple prior (uniform or Gaussian) of any chosen dimension; the generator learns the "
      r"mapping to data space.")),
)


class GanStatements(StatementQuestion):
    id = "dl/generative/gan-statements"
    title = "Generative adversarial networks: true and false statements"
    topic = "generative"
    tags = ("gan", "concepts")
    difficulty = "intermediate"
    source = "seed papers 000 (Quiz-3, Q4; Major, Q8) and 002 (Q4, GAN components)"
    stem = (r"Which of the following statements about generative adversarial networks (GANs) is "
            r"<% if polarity %>TRUE<% else %>FALSE<% endif %>?")
    true_statements = TRUE
    false_statements = FALSE
