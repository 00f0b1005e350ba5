"""The contrastive (NT-Xent / InfoNCE) loss of one positive pair, as in SimCLR.

For embeddings ``z_1 .. z_2N`` with cosine similarities ``s_ik``, the loss of anchor ``i`` with positive ``j``
is ``-ln( exp(s_ij / tau) / sum_{k != i} exp(s_ik / tau) )``: a softmax cross-entropy over all other views
with the positive as the target class. Sources: Chen et al., "A Simple Framework for Contrastive Learning of
Visual Representations" (ICML 2020), equation (1); Oord, Li & Vinyals, "Representation Learning with
Contrastive Predictive Coding" (2018), equation (4). The short-explanation counterpart is
``dl/train/transfer-learning-essay``.
"""

import math

import numpy as np
from scipy.special import logsumexp

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002


def _check(p):
    z = np.asarray(p["embeddings"], dtype=float)
    tau = float(p["temperature"])
    if z.ndim != 2 or not 3 <= len(z) <= 8 or not 2 <= z.shape[1] <= 6:
        raise ValueError("embeddings must be 3 to 8 vectors of 2 to 6 numbers")
    if np.any(np.linalg.norm(z, axis=1) == 0):
        raise ValueError("every embedding must be non-zero (cosine similarity)")
    if tau <= 0:
        raise ValueError("temperature must be positive")
    return z, tau


def similarities(z: np.ndarray) -> np.ndarray:
    """Cosine similarities of the anchor ``z[0]`` with every embedding."""
    unit = z / np.linalg.norm(z, axis=1, keepdims=True)
    return unit @ unit[0]


class InfoNceLoss(Question):
    id = "dl/train/info-nce-loss"
    title = "Contrastive learning: the NT-Xent (InfoNCE) loss of one positive pair"
    topic = "train"
    tags = ("self-supervised", "contrastive", "loss", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "4cm"  # room to work each part
    source = ("seed paper 000 (Quiz-3, self-supervised pretraining) and issue 10 (contrastive learning); Chen et "
              "al., SimCLR (ICML 2020), equation (1)")
    stem = r"""
In SimCLR-style contrastive learning, a batch produces the <<n>> projected embeddings below; \(z_1\) and \(z_2\)
are two augmented views of the same image (a positive pair), the others come from other images:
\[ <% for v in embeddings %>z_<<loop.index>> = (<<v|join(", ")>>)<% if not loop.last %>,\quad <% endif %><% endfor %>. \]
With cosine similarity \(s_{ik} = z_i^\top z_k / (\lVert z_i\rVert\,\lVert z_k\rVert)\) and temperature
\(\tau = <<temperature|num>>\), the loss of the anchor \(z_1\) is
\[ \ell_{1,2} = -\ln \frac{\exp(s_{12}/\tau)}{\sum_{k \ne 1} \exp(s_{1k}/\tau)}. \]
Give (a) the similarity \(s_{12}\) of the positive pair and (b) the loss \(\ell_{1,2}\), to 3 decimal places
(natural logarithm).
"""
    solution = r"""
(a) \(s_{12} = \frac{z_1^\top z_2}{\lVert z_1\rVert\,\lVert z_2\rVert} = \frac{<<dot12|num>>}{<<norm1|num(4)>> \cdot
<<norm2|num(4)>>} = <<sims[1]|num(3)>>\).

(b) The similarities of \(z_1\) with \(z_2, \dots, z_{<<n>>}\) are <<sim_list>>; divided by \(\tau\) they are the
logits of a softmax over the <<n - 1>> other views, with \(z_2\) as the target:
\[ \ell_{1,2} = -\frac{s_{12}}{\tau} + \ln\sum_{k=2}^{<<n>>} e^{s_{1k}/\tau} = <<(-logit12)|num(4)>> + <<lse|num(4)>>
 = <<loss|num(3)>>. \]
The anchor's similarity with itself (\(s_{11} = 1\)) is left out of the sum; the loss is small when the positive
is much more similar than every negative.
"""

    def draw(self, rng):
        while True:
            n = int(rng.integers(4, 6))
            z1 = rng.integers(-2, 3, size=3)
            z = np.vstack([z1, z1 + rng.integers(-1, 2, size=3), rng.integers(-2, 3, size=(n - 2, 3))])
            p = {"embeddings": z.tolist(), "temperature": float(rng.choice([0.5, 1.0, 0.2]))}
            try:
                _check(p)
            except ValueError:
                continue
            sims = similarities(z.astype(float))
            # the positive is the most similar view (as training intends), and no mistake is within the tolerance
            if max(sims[2:]) + 0.05 < sims[1] < 0.995 and not any(part.answer.accepted_mistakes()
                                                           for part in self.solve(p).parts):
                return p

    def working(self, p):
        z, tau = _check(p)
        sims = similarities(z)
        logits = sims[1:] / tau
        lse = float(logsumexp(logits))
        return {"n": len(z), "sims": sims, "dot12": float(z[0] @ z[1]), "norm1": float(np.linalg.norm(z[0])),
                "norm2": float(np.linalg.norm(z[1])), "logit12": float(logits[0]), "lse": lse,
                "loss": lse - float(logits[0]),
                "sim_list": ", ".join(rf"\({s:.3f}\)" for s in sims[1:])}

    def solve(self, p):
        z, tau = _check(p)
        w = self.working(p)
        sims = w["sims"]
        dots = z @ z[0]
        return MultiPart((
            Part("a", r"\(s_{12}\)", Numerical(sims[1], tolerance=TOL, places=3, mistakes=(
                numeric_option(float(dots[1]), rationale="used the dot product without normalising"),
            ))),
            Part("b", r"\(\ell_{1,2}\)", Numerical(w["loss"], tolerance=TOL, places=3, mistakes=(
                numeric_option(float(logsumexp(sims / tau)) - sims[1] / tau,
                               rationale=r"kept \(k = 1\) (the anchor itself) in the denominator"),
                numeric_option(float(logsumexp(sims[1:])) - sims[1], rationale=r"forgot the temperature"),
                numeric_option(float(logsumexp(sims[2:] / tau)) - sims[1] / tau,
                               rationale="left the positive out of the denominator"),
            ))),
        ))

    def verify(self, p):
        # Independent route: softmax probabilities computed term by term with math.exp, angles via arccos.
        z, tau = _check(p)
        cos = [math.cos(math.acos(max(-1.0, min(1.0, float(z[0] @ v) / math.hypot(*z[0]) / math.hypot(*v)))))
               for v in z]
        weights = [math.exp(c / tau) for c in cos[1:]]
        return [cos[1], -math.log(weights[0] / sum(weights))]
