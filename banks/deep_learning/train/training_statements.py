"""True or false: statements about training deep networks (normalisation, dropout, optimisers, clipping).

Batch normalisation at inference is covered by ``train_concepts/batchnorm_inference_statements.py``.
Sources: Ioffe & Szegedy 2015 (batch normalisation, biased batch variance); Srivastava et al.
2014 (dropout; the "inverted" scaling by 1/(1-p) at training time is PyTorch's ``nn.Dropout``);
Kingma & Ba 2015 (Adam's bias correction); Duchi, Hazan & Singer 2011 (AdaGrad); Pascanu, Mikolov &
Bengio 2013 (gradient clipping); Glorot & Bengio 2010 and He et al. 2015 (initialisation).
"""

from generator.answers import TrueFalse
from generator.question import Question

#: (statement, why it is true)
TRUE = (
    ((r"With inverted dropout, kept activations are multiplied by \(1/(1-p)\) during training, so nothing needs "
     r"to be rescaled at test time."),
     r"the scaling keeps the expected activation unchanged, so the test-time network is used as is."),
    ((r"Without bias correction, Adam's first steps would be too small, because \(m_t\) and \(v_t\) start at zero "
     r"and are biased towards zero early on."),
     r"\(\mathbb{E}[m_t] \approx (1 - \beta_1^t)\,\mathbb{E}[g]\); dividing by \(1 - \beta_1^t\) removes this bias."),
    (r"Clipping a gradient by its norm keeps its direction and only shortens it.",
     r"the whole vector is multiplied by one positive factor \(c/\lVert g \rVert\)."),
    ((r"In AdaGrad, the effective learning rate of each parameter can only decrease (or stay the same) as "
     r"training goes on."),
     r"the accumulated sum of squared gradients never decreases, and it divides the learning rate."),
    (r"With the same number of epochs, doubling the batch size roughly halves the number of parameter updates.",
     r"an epoch has about \(N/B\) updates, so doubling \(B\) halves them."),
    ((r"He initialisation uses a larger weight variance than LeCun's \(1/n_{\text{in}}\) because a ReLU zeroes "
     r"about half of its inputs."),
     r"\(\mathbb{E}[\mathrm{ReLU}(f)^2] = \sigma_f^2/2\), which the factor 2 in \(2/n_{\text{in}}\) compensates."),
)
#: (statement, why it is false)
FALSE = (
    (r"With inverted dropout, each activation must be multiplied by the keep probability \(1-p\) at test time.",
     r"inverted dropout already scales by \(1/(1-p)\) during training; the test-time network is not rescaled."),
    (r"Gradient clipping by norm changes the direction of the gradient.",
     r"all components are scaled by the same positive factor, so the direction is kept."),
    (r"One epoch is one parameter update on one mini-batch.",
     r"an epoch is a full pass over the training set, i.e. about \(N/B\) updates."),
    (r"AdaGrad's per-parameter learning rate grows for parameters whose gradients were large in the past.",
     r"large past gradients make the accumulator large, which shrinks that parameter's learning rate."),
    ((r"Because Adam adapts the step size per parameter, its learning rate \(\alpha\) has no influence on the size "
     r"of the updates."),
     r"each step is roughly \(\alpha\, \hat m / \sqrt{\hat v}\), whose size is of the order of \(\alpha\)."),
    (r"Batch normalisation in training mode uses the unbiased variance (dividing by \(m - 1\)) to normalise the batch.",
     r"it normalises with the biased batch variance (dividing by \(m\)); the unbiased one only feeds the running estimate in PyTorch."),
)


class TrainingStatements(Question):
    id = "dl/train/training-statements"
    title = "Training deep networks: true or false"
    topic = "train"
    tags = ("training", "concepts", "batchnorm", "dropout", "optimisation")
    difficulty = "beginner"
    source = "seed papers 001 (Beginner Q14-Q15) and 004 (Q4)"
    points = 1.0
    stem = r"""True or false? <<statement>>"""
    solution = r"""\textbf{<% if answer.value %>True<% else %>False<% endif %>}: <<reason>>"""

    def draw(self, rng):
        truth = bool(rng.integers(0, 2))
        pool = TRUE if truth else FALSE
        return {"truth": truth, "index": int(rng.integers(len(pool)))}

    def working(self, p):
        statement, reason = (TRUE if p["truth"] else FALSE)[p["index"]]
        return {"statement": statement, "reason": reason}

    def solve(self, p):
        pool = TRUE if p["truth"] else FALSE
        if not 0 <= p["index"] < len(pool):
            raise ValueError(f"index must be from 0 to {len(pool) - 1}")
        return TrueFalse(bool(p["truth"]))
