"""Short explanation: CycleGAN, cycle consistency, its objective, identity loss and limitations.

Sources: Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
Networks" (ICCV 2017), sections 3 (formulation, equations 1-3), 5.2 (identity loss) and 5.3 (limitations);
Chu, Zhmoginov & Sandler, "CycleGAN, a Master of Steganography" (NeurIPS workshop 2017); Mao et al.,
"Least Squares Generative Adversarial Networks" (ICCV 2017).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Explain the \emph{cycle-consistency} loss of CycleGAN: write it down for the two generators and "
         r"explain why it is needed when the model is trained with \emph{unpaired} images."),
        r"""CycleGAN translates between two image domains \(X\) and \(Y\) (e.g. horses and zebras) with two
generators \(G: X \to Y\) and \(F: Y \to X\), each trained adversarially against a discriminator of its target
domain. The training images are unpaired: there is no zebra version of each horse photo, so no direct
reconstruction target. The cycle-consistency loss asks that translating there and back returns the input:
\[ \mathcal{L}_{\text{cyc}}(G, F) = \mathbb{E}_{x}\bigl[\lVert F(G(x)) - x \rVert_1\bigr]
 + \mathbb{E}_{y}\bigl[\lVert G(F(y)) - y \rVert_1\bigr], \]
added to the two adversarial losses with a weight \(\lambda\) (10 in the paper). Why it is needed: the adversarial
loss only makes the distribution of \(G(x)\) match that of \(Y\); it says nothing about which \(y\) a given \(x\)
should map to. Infinitely many mappings achieve the same output distribution, including ones that ignore the
content of \(x\) or map every input to the same few realistic images (mode collapse). Requiring \(G\) and \(F\)
to be approximately inverse to each other forces the translation to keep the content and structure of the
input, changing only the domain-specific appearance.""",
        ((1, ("setting: two generators G from X to Y and F from Y to X with adversarial losses; unpaired data give "
             "no target for a given input")),
         (1, (r"cycle loss: \(\lVert F(G(x)) - x\rVert_1 + \lVert G(F(y)) - y\rVert_1\), weighted by \(\lambda\) and "
             r"added to the adversarial losses")),
         (1, ("why: adversarial losses with unpaired data only match distributions, so many mappings (ignoring "
             "the input, mode collapse) are possible; the cycle makes the mappings near-inverses that keep the "
             "content"))),
        ("cycle", "unpaired"),
        lines=12,
    ),
    Prompt(
        (r"CycleGAN is trained with two generators and two \emph{discriminators}. Describe the role of each of "
         r"the four networks and write the full training \emph{objective}."),
        r"""Generators: \(G: X \to Y\) translates images of domain \(X\) into domain \(Y\), and \(F: Y \to X\) the
other way. Discriminators: \(D_Y\) tells real images \(y\) of domain \(Y\) from translated ones \(G(x)\), and
\(D_X\) tells real \(x\) from \(F(y)\). The adversarial loss for \(G\) and \(D_Y\) is
\(\mathcal{L}_{\text{GAN}}(G, D_Y) = \mathbb{E}_y[\ln D_Y(y)] + \mathbb{E}_x[\ln(1 - D_Y(G(x)))]\) (the paper
uses the least-squares form in practice), and likewise \(\mathcal{L}_{\text{GAN}}(F, D_X)\). The full
objective is
\[ \mathcal{L}(G, F, D_X, D_Y) = \mathcal{L}_{\text{GAN}}(G, D_Y) + \mathcal{L}_{\text{GAN}}(F, D_X)
 + \lambda\,\mathcal{L}_{\text{cyc}}(G, F), \]
with \(\mathcal{L}_{\text{cyc}} = \mathbb{E}_x\lVert F(G(x)) - x\rVert_1 + \mathbb{E}_y\lVert G(F(y)) - y\rVert_1\),
solved as \(G^*, F^* = \arg\min_{G,F}\max_{D_X, D_Y}\mathcal{L}\); an identity term can be added.""",
        ((1, ("roles: G and F translate in the two directions; each discriminator separates real images of its "
             "domain from translated ones")),
         (1, (r"adversarial losses for the two generator--discriminator pairs, e.g. "
             r"\(\mathbb{E}_y \ln D_Y(y) + \mathbb{E}_x \ln(1 - D_Y(G(x)))\)")),
         (1, (r"full objective: the two adversarial losses plus \(\lambda\) times the cycle-consistency loss, "
             r"minimised over G, F and maximised over the discriminators"))),
        ("discriminator", "objective"),
        lines=12,
    ),
    Prompt(
        (r"Give two limitations or \emph{failure} modes of CycleGAN and explain the cause of each."),
        r"""(1) Geometric changes fail: CycleGAN works well for changes of colour and texture (horse to zebra,
photo to painting) but not for changes of shape (cat to dog). The generators are convolutional image-to-image
networks and the cycle loss (pixel-wise \(L_1\)) rewards keeping the spatial layout of the input, so the easiest
solution changes appearance only. (2) The cycle assumes a one-to-one mapping; when one domain carries less
information (aerial photo to map, summer to winter), \(F\) has to invent details, and the model may instead
hide information about the input in small, almost invisible signals in \(G(x)\) so that \(F\) can reconstruct
\(x\) exactly (steganography, Chu et al.\ 2017), satisfying the cycle loss without a meaningful mapping.
(3) Differences between the training sets are learned as part of the domain: trained on horses without riders,
a rider may be turned into zebra texture; colour or tint shifts appear when nothing keeps colours fixed
(the identity loss helps). Any two, each with its cause, earn full marks.""",
        ((1.5, ("a first failure mode (e.g. shape changes fail, hidden information/steganography, many-to-one "
               "mappings, data-set biases, tint shifts) with its cause")),
         (1.5, "a second failure mode with its cause")),
        ("failure",),
        lines=12,
    ),
    Prompt(
        (r"What is the \emph{identity} loss that CycleGAN can add to its objective, what does it prevent, and for "
         r"which tasks is it useful?"),
        r"""The identity loss asks each generator to leave unchanged an image that already belongs to its target
domain: \(\mathcal{L}_{\text{id}} = \mathbb{E}_y\lVert G(y) - y\rVert_1 + \mathbb{E}_x\lVert F(x) - x\rVert_1\),
added with a weight of about \(0.5\lambda\). Without it the generators are free to change the colour
composition of the input, as long as the result looks like the other domain and the cycle can undo it; in the
paper's painting-to-photo experiments, daytime paintings were turned into sunset-coloured photos. The identity
loss regularises the generators towards the identity on target-domain images, so they preserve colour and
tint and change only what distinguishes the domains. It is useful when the two domains share colours and
layout, as in photo-to-painting, painting-to-photo and season translation; it is harmful when the translation
must change colours strongly.""",
        ((1, (r"identity loss: \(\lVert G(y) - y\rVert_1 + \lVert F(x) - x\rVert_1\), a generator applied to an image "
             r"of its own target domain should return it unchanged")),
         (1, "it prevents unnecessary changes of colour and tint (e.g. daytime turned into sunset)"),
         (1, ("useful when the domains share colour composition (painting and photo, seasons); not when colours "
             "must change"))),
        ("identity",),
        lines=10,
    ),
)


class CycleganEssay(GuidedEssay):
    id = "dl/generative/cyclegan-essay"
    title = "Short explanation: CycleGAN and cycle consistency"
    topic = "generative"
    tags = ("gan", "cyclegan", "image-translation", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 000 (Major, GAN question 7: cycle-consistency loss in CycleGAN); Zhu et al., "
              "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks (ICCV 2017)")
    PROMPTS = PROMPTS
