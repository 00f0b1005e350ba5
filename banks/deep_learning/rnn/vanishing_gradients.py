"""Essay: vanishing and exploding gradients in recurrent networks, and the usual remedies.

Sources: Bengio, Simard & Frasconi 1994 ("Learning long-term dependencies with gradient descent is
difficult"); Pascanu, Mikolov & Bengio 2013 ("On the difficulty of training recurrent neural networks",
gradient clipping); Hochreiter & Schmidhuber 1997 (LSTM, constant error carousel).
"""

from generator.answers import Essay
from generator.question import Question

PROMPTS = {
    "vanishing": r"""Explain why a vanilla RNN \(h_t = \tanh(W h_{t-1} + U x_t + b)\) trained with backpropagation
through time has trouble learning dependencies that span many time steps. Refer to the product of Jacobians
\(\partial h_t / \partial h_{t-1}\), and explain how the cell state of an LSTM eases the problem.""",
    "exploding": r"""Explain how gradients can explode when a vanilla RNN \(h_t = \tanh(W h_{t-1} + U x_t + b)\) is
trained with backpropagation through time over long sequences. Refer to the product of Jacobians
\(\partial h_t / \partial h_{t-1}\), say what you would observe during training, and describe gradient clipping by
norm as a remedy.""",
}

MODELS = {
    "vanishing": r"""By the chain rule, \(\partial L_T / \partial h_k = \partial L_T/\partial h_T \prod_{t=k+1}^{T}
\partial h_t / \partial h_{t-1}\) with \(\partial h_t / \partial h_{t-1} = \mathrm{diag}(1 - h_t^2)\, W\). The
tanh derivative is at most 1, so when the largest singular value of \(W\) is below 1 (or the units saturate)
each factor shrinks the gradient and the product decays exponentially in \(T - k\). Distant time steps then
contribute almost nothing to the weight update: the network learns only short-range dependencies.
An LSTM carries a cell state \(c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t\); along this path
\(\partial c_t / \partial c_{t-1} = \mathrm{diag}(f_t)\) with no squashing non-linearity and no repeated
multiplication by \(W\). With forget gates near 1 the gradient passes through many steps almost unchanged (the
constant error carousel), and the gates learn when to keep or overwrite memory. (GRUs, skip connections and
careful/orthogonal initialisation help in similar ways.)""",
    "exploding": r"""By the chain rule, \(\partial L_T / \partial h_k = \partial L_T/\partial h_T \prod_{t=k+1}^{T}
\partial h_t / \partial h_{t-1}\) with \(\partial h_t / \partial h_{t-1} = \mathrm{diag}(1 - h_t^2)\, W\). When
the largest singular value of \(W\) is well above 1 (and the units are not saturated), the norm of this product
can grow exponentially with \(T - k\). In training this shows as sudden loss spikes, huge weight updates, and
NaN or infinite values; the loss surface has steep cliffs. Gradient clipping by norm rescales the whole
gradient \(g \leftarrow g \cdot c / \lVert g \rVert\) whenever \(\lVert g \rVert > c\): the direction is kept
but the step length is bounded, so a single cliff cannot throw the parameters far away. Truncated BPTT, a
smaller learning rate, and gated units (LSTM/GRU) also help.""",
}


#: Marking guide of each prompt: one mark per thing the prompt asks for.
GUIDES = {
    "vanishing": (r"one mark for the product of Jacobians \(\partial h_t/\partial h_{t-1} = "
                  r"\mathrm{diag}(1 - h_t^2)\,W\) over the time steps; one for explaining that factors with norm "
                  r"below 1 (largest singular value of \(W\) below 1, tanh derivative at most 1) make it decay "
                  r"exponentially, so distant steps barely affect the update; one for the LSTM's cell state, whose "
                  r"additive update with forget gates near 1 lets the gradient pass many steps."),
    "exploding": (r"one mark for the product of Jacobians \(\partial h_t/\partial h_{t-1} = "
                  r"\mathrm{diag}(1 - h_t^2)\,W\) over the time steps, growing exponentially when the largest "
                  r"singular value of \(W\) is well above 1; one for what training shows (loss spikes, huge "
                  r"updates, NaN or infinite values); one for gradient clipping by norm: rescaling \(g\) to norm "
                  r"\(c\) when \(\lVert g \rVert > c\), which keeps the direction and bounds the step."),
}


class VanishingGradients(Question):
    id = "dl/rnn/vanishing-gradients"
    title = "Vanishing and exploding gradients in RNNs (essay)"
    topic = "rnn"
    tags = ("rnn", "lstm", "gradients", "essay")
    difficulty = "intermediate"
    source = "seed paper 002 (Q3(a), vanishing and exploding gradients in RNNs)"
    points = 3.0
    stem = r"""<<prompt>>"""
    solution = r"""Marking guide (3 marks): <<guide>>"""

    def draw(self, rng):
        return {"focus": "vanishing" if rng.random() < 0.5 else "exploding"}

    def working(self, p):
        return {"prompt": PROMPTS[p["focus"]], "guide": GUIDES[p["focus"]]}

    def solve(self, p):
        if p["focus"] not in MODELS:
            raise ValueError("focus must be 'vanishing' or 'exploding'")
        return Essay(MODELS[p["focus"]], lines=10)
