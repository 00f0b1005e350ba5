"""Short explanation: overfitting and regularisation, dropout as an ensemble, data augmentation, weight decay.

Sources: Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting" (JMLR 2014),
sections 2 and 7 (weight scaling at test time); Goodfellow, Bengio & Courville, "Deep Learning" (2016),
sections 7.1 (parameter norm penalties), 7.4 (dataset augmentation), 7.8 (early stopping) and 7.12 (dropout);
Krogh & Hertz, "A Simple Weight Decay Can Improve Generalization" (NeurIPS 1991); Loshchilov & Hutter,
"Decoupled Weight Decay Regularization" (ICLR 2019).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Explain why training with \emph{dropout} can be seen as training an \emph{ensemble} of networks, and how "
         r"the ensemble's prediction is approximated at \emph{test} time."),
        r"""At each training step dropout samples a random binary mask that removes every unit (with its
connections) independently with probability \(p\); the step trains the resulting thinned sub-network. A network
with \(n\) units that can be dropped has \(2^n\) possible sub-networks, all sharing the same weights, and each
sub-network is trained on only a few mini-batches. This is like bagging: an ensemble of many different models,
each trained on different data, whose averaged prediction is better than any single one; units cannot rely on
specific other units being present, which reduces co-adaptation and overfitting. At test time averaging \(2^n\)
networks is impossible, so the full network is used with every unit kept and its outgoing weights multiplied by
the keep probability \(1 - p\) (or, with ``inverted'' dropout, the kept activations are divided by \(1 - p\)
during training and nothing changes at test time). This weight-scaling rule makes each unit's expected input
equal to its training-time expectation and approximates the geometric mean of the sub-networks' predictions
(exactly for a single softmax layer). Alternatively, Monte Carlo dropout averages several stochastic forward
passes.""",
        ((1, ("dropout samples a random mask per step, training a thinned sub-network; with n units there are "
             "2 to the n sub-networks sharing weights")),
         (1, ("ensemble view: like bagging, many models each trained on little data, averaged; reduces "
             "co-adaptation and overfitting")),
         (1, ("test time: full network with weights scaled by the keep probability (or inverted dropout at "
             "training), approximating the ensemble average (geometric mean)"))),
        ("dropout", "ensemble", "test"),
        lines=12,
    ),
    Prompt(
        (r"How do you recognise \emph{overfitting} from the training and \emph{validation} loss curves? Describe "
         r"three regularisation techniques and how each reduces overfitting."),
        r"""Overfitting: the training loss keeps decreasing while the validation loss reaches a minimum and then
rises (validation accuracy stalls or drops); the growing gap means the model fits noise and details of the
training set that do not generalise. Techniques (any three): weight decay or \(L_2\) penalty
\(\frac{\lambda}{2}\lVert w\rVert^2\), which keeps the weights small and the function smooth (a Gaussian prior);
dropout, which trains an implicit ensemble of thinned networks and prevents co-adaptation; early stopping, which
returns the weights with the lowest validation loss and so limits how far training moves from the
initialisation; data augmentation, which enlarges the training set with label-preserving transformations;
a smaller model (fewer parameters), label smoothing, or the noise of batch normalisation. Collecting more
training data also reduces overfitting.""",
        ((1, ("diagnosis: training loss keeps falling while validation loss reaches a minimum and rises; a "
             "growing gap")),
         (1, ("two regularisation techniques, each with how it reduces overfitting (e.g. weight decay, dropout, "
             "early stopping, data augmentation)")),
         (1, "a third technique with its mechanism")),
        ("overfitting", "validation", "regularisation"),
        lines=12,
    ),
    Prompt(
        (r"What is \emph{data augmentation}? Give three augmentations suitable for natural-image classification and "
         r"one that would be \emph{harmful} for some image task (say why), and explain why augmentation reduces "
         r"overfitting."),
        r"""Data augmentation applies random transformations that do not change the label to the training inputs,
a new random version of each image in every epoch, so the network sees many plausible variants of each
training example (test-time augmentation, averaging predictions over transformed copies, is an optional
extra). Suitable for natural images: random crops and translations with resizing, horizontal flips, small
rotations and rescaling, colour jitter (brightness, contrast, saturation), Cutout or random erasing, Mixup or
CutMix. Harmful examples: horizontal flips for digit or text recognition (``b'' becomes ``d''); rotations by
180 degrees for digits (6 and 9); vertical flips for street scenes; colour jitter when colour is the label (ripe
vs unripe fruit); crops that cut away the object that decides the class. Why it reduces overfitting: it
increases the effective size and diversity of the training set, makes memorising individual images harder, and
builds in invariances the model should have, so it acts as a regulariser (it may slightly raise the training
error while lowering the validation error).""",
        ((1, ("data augmentation defined: random label-preserving transformations of the training inputs, new in "
             "every epoch")),
         (1, ("three suitable augmentations for natural images and one harmful augmentation with the reason (the "
             "transformation changes the label, e.g. flips for text or digits)")),
         (1, ("why it reduces overfitting: more and more varied training data, harder to memorise, builds in the "
             "wanted invariances"))),
        ("augmentation", "harmful", "overfitting"),
        lines=12,
    ),
    Prompt(
        (r"\emph{Weight decay} adds \(\frac{\lambda}{2}\lVert w\rVert^2\) to the loss \(L(w)\). Derive the resulting "
         r"gradient-descent update, explain why it is called weight decay, and interpret the penalty as a "
         r"\emph{prior} on the weights."),
        r"""The gradient of the penalty is \(\lambda w\), so a gradient step with learning rate \(\eta\) is
\(w \leftarrow w - \eta\bigl(\nabla L(w) + \lambda w\bigr) = (1 - \eta\lambda)\,w - \eta\nabla L(w)\). Each step
first multiplies every weight by the factor \(1 - \eta\lambda < 1\), shrinking it towards 0, then applies the
data gradient: weights that the data do not keep supporting decay away exponentially, hence the name. (With
adaptive optimisers such as Adam the \(L_2\) penalty and this multiplicative decay are no longer the same;
AdamW applies the decay separately.) Prior: minimising \(L(w) + \frac{\lambda}{2}\lVert w\rVert^2\) is maximum a
posteriori estimation when \(L\) is the negative log-likelihood and the prior is a zero-mean Gaussian
\(w \sim \mathcal{N}(0, \sigma_w^2 I)\): \(-\ln p(w) = \frac{1}{2\sigma_w^2}\lVert w\rVert^2 + \text{const}\), so
\(\lambda = 1/\sigma_w^2\). A strong penalty is a narrow prior that believes weights are small; it favours
smoother, simpler functions and reduces overfitting.""",
        ((1, r"update: \(w \leftarrow (1 - \eta\lambda)w - \eta\nabla L(w)\), from the penalty gradient \(\lambda w\)"),
         (1, ("weight decay: every step multiplies the weights by a factor below 1, shrinking them towards 0 "
             "unless the data gradient supports them")),
         (1, (r"prior: MAP estimation with a zero-mean Gaussian prior, \(-\ln p(w) = \lVert w\rVert^2/(2\sigma_w^2)\), "
             r"so \(\lambda = 1/\sigma_w^2\); small weights preferred"))),
        ("weight decay", "prior"),
        lines=12,
    ),
)


class RegularisationEssay(GuidedEssay):
    id = "dl/train/regularisation-essay"
    title = "Short explanation: overfitting, dropout, data augmentation and weight decay"
    topic = "train"
    tags = ("regularisation", "dropout", "augmentation", "weight-decay", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed papers 001 (Q1, the prior behind L2 regularisation) and 002 (Q1e, data augmentation); "
              "Srivastava et al., Dropout (JMLR 2014); Goodfellow, Bengio & Courville, Deep Learning (2016), "
              "chapter 7")
    PROMPTS = PROMPTS
