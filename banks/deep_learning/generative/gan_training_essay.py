"""Essay: problems of GAN training (non-convergence, mode collapse, saturating generator loss).

Sources: Goodfellow et al., "Generative Adversarial Nets" (NeurIPS 2014), section 3 (saturation of
``log(1 - D(G(z)))`` and the non-saturating loss) and Theorem 1 (``C(G) = -log 4 + 2 JSD``); Goodfellow,
"NIPS 2016 Tutorial: Generative Adversarial Networks" (2016), section 5 (non-convergence, mode collapse);
Salimans et al., "Improved Techniques for Training GANs" (NeurIPS 2016) (feature matching, minibatch
discrimination, historical averaging); Arjovsky, Chintala & Bottou, "Wasserstein GAN" (ICML 2017);
Miyato et al., "Spectral Normalization for GANs" (ICLR 2018); Heusel et al., "GANs trained by a two
time-scale update rule" (NeurIPS 2017).
"""

from generator.answers import Essay
from generator.question import Question

#: (prompt, model answer): one is drawn per variant.
PROMPTS = (
    ((r"Explain the \emph{non-convergence} problem of standard GAN training: why can gradient-based training of "
      r"a GAN fail to reach an equilibrium even though a good one exists? Describe two remedies and say why each "
      r"helps."),
     r"""A GAN is a two-player minimax game \(\min_G \max_D V(D, G)\), not the minimisation of one loss. Training
takes alternating (or simultaneous) gradient steps for \(D\) and \(G\), and each step changes the objective the
other player faces. Gradient descent--ascent is only guaranteed to converge for convex--concave games; for
neural networks it can circle around the equilibrium: the generator moves its samples to where \(D\) currently
says ``real'', \(D\) then adapts to the new samples, and so on, so the losses oscillate and the samples keep
changing without settling at \(p_g = p_{\text{data}}\). A toy example is \(\min_x \max_y xy\), whose gradient
flow rotates around \((0, 0)\) forever. A discriminator that becomes too strong also makes the generator's
gradients vanish.
Remedies (any two, with the reason): a Wasserstein loss with a Lipschitz critic (weight clipping, gradient
penalty) gives gradients that reflect the distance between the distributions even when their supports do not
overlap; spectral normalisation or gradient penalties keep the discriminator smooth; two time-scale updates
(different learning rates for \(D\) and \(G\)) give convergence guarantees to a local equilibrium; historical
averaging of the parameters, feature matching or label smoothing damp the oscillation; the non-saturating
generator loss avoids vanishing gradients when \(D\) wins."""),
    ((r"What is \emph{mode collapse} in a GAN, why does the GAN objective allow it, and how can it be detected "
      r"and reduced?"),
     r"""Mode collapse: the generator maps many different noise vectors \(z\) to the same or a few similar outputs,
so its samples cover only some modes of the data distribution (for example only a few digit classes), although
each sample may look realistic. It arises because the generator is trained against the current discriminator:
the cheapest way to fool it is to put all samples at the point \(D\) currently rates most ``real''. Nothing in
a single sample's loss rewards diversity, and the alternating updates let the generator jump from mode to mode
(the discriminator learns to reject one mode, the generator moves to another). In the inner \(\max_D\) /
outer \(\min_G\) order the optimum is \(p_g = p_{\text{data}}\), but gradient training does not solve that
order exactly and behaves partly like \(\max_D \min_G\), whose solution is a single point.
Detection: low diversity of samples, many near-duplicates, a generated class histogram far from the data's, or
metrics such as FID and precision/recall for generative models. Remedies: minibatch discrimination (the
discriminator sees statistics across a batch, so a batch of identical samples is easy to reject), feature
matching, unrolled GANs, Wasserstein losses with gradient penalty, and mixtures of generators."""),
    ((r"The original GAN generator minimises \(\ln(1 - D(G(z)))\), but in practice it is trained to minimise "
      r"\(-\ln D(G(z))\). Explain why, using the gradients with respect to the discriminator's logit, and say "
      r"whether this change moves the optimum of the game."),
     r"""Write \(D(G(z)) = \sigma(a)\) with \(a\) the discriminator's logit. Then
\(\frac{d}{da}\ln(1 - \sigma(a)) = -\sigma(a)\) and \(\frac{d}{da}\bigl(-\ln\sigma(a)\bigr) = \sigma(a) - 1\).
Early in training the generator's samples are poor and the discriminator rejects them confidently, so
\(\sigma(a) \approx 0\): the saturating loss then gives a gradient close to 0 (it vanishes exactly when the
generator most needs to learn), while the non-saturating loss gives a gradient close to \(-1\), a strong signal.
Near \(D \approx 1\) the roles swap, but that is not where training starts. Both losses push
\(D(G(z))\) up, and the change keeps the same fixed point of the dynamics: at \(p_g = p_{\text{data}}\) the
optimal discriminator is \(1/2\) everywhere for both. So the optimum does not move; only the gradient
magnitudes during training change (Goodfellow et al.\ 2014, section 3)."""),
)


#: Marking guide of each prompt, in the same order: one mark per thing the prompt asks for.
GUIDES = (
    (r"one mark for stating the non-convergence problem precisely (a minimax game trained by alternating "
     r"gradient steps, not one loss being minimised); one for explaining from the training dynamics why the "
     r"players can circle or oscillate around the equilibrium instead of reaching it; one for two remedies, "
     r"each with the reason it helps."),
    (r"one mark for defining mode collapse (many noise vectors mapped to few outputs, so some modes of the "
     r"data are never generated); one for explaining why the objective and its alternating training allow it "
     r"(no term rewards diversity; the generator chases the current discriminator); one for a way to detect it "
     r"and a way to reduce it, with the reason the remedy helps."),
    (r"one mark for the two gradients with respect to the logit, \(-\sigma(a)\) and \(\sigma(a) - 1\); one for "
     r"explaining that early in training \(D(G(z)) \approx 0\), where the first vanishes and the second does "
     r"not; one for saying that the optimum does not move (\(p_g = p_{\text{data}}\) with \(D = 1/2\) for both), "
     r"only the gradient magnitudes during training change."),
)


class GanTrainingEssay(Question):
    id = "dl/generative/gan-training-essay"
    title = "Essay: problems of GAN training"
    topic = "generative"
    tags = ("gan", "essay", "concepts")
    difficulty = "advanced"
    points = 3.0
    source = "seed papers 000 (Major, Q8, non-convergence of GANs) and 001 (Q21, generator objectives)"
    stem = r"<<prompt_tex>>"
    solution = r"""Marking guide (<<points>> marks): <<guide_tex>>"""

    def draw(self, rng):
        return {"prompt": int(rng.integers(0, len(PROMPTS)))}

    def _pick(self, p):
        i = p["prompt"]
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(PROMPTS):
            raise ValueError(f"prompt must be an integer from 0 to {len(PROMPTS) - 1}")
        return PROMPTS[i]

    def working(self, p):
        return {"prompt_tex": self._pick(p)[0], "points": f"{self.points:g}", "guide_tex": GUIDES[p["prompt"]]}

    def solve(self, p):
        return Essay(self._pick(p)[1], lines=12)
