"""Short explanation: attention vs recurrence, teacher forcing and exposure bias, causal masks, Bahdanau attention.

Sources: Vaswani et al., "Attention Is All You Need" (NeurIPS 2017), section 4 and table 1 (complexity,
sequential operations, maximum path length) and section 3.2.3 (masking); Williams & Zipser (1989) (teacher
forcing); Bengio et al., "Scheduled Sampling for Sequence Prediction with Recurrent Neural Networks" (NeurIPS
2015); Bahdanau, Cho & Bengio, "Neural Machine Translation by Jointly Learning to Align and Translate" (ICLR
2015); Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 10.2.1.
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Compare self-attention with recurrence (an RNN) for modelling a sequence of \(n\) tokens of width "
         r"\(d\): discuss the maximum \emph{path length} between two positions, how \emph{parallel} the "
         r"computation is during training, and the computational \emph{cost} per layer."),
        r"""Path length: in self-attention every position attends directly to every other, so information and
gradients between any two positions pass through \(O(1)\) operations per layer; in an RNN they pass through
\(O(n)\) recurrent steps, each multiplying the gradient by a Jacobian, so long-range dependencies are harder to
learn (vanishing or exploding gradients). Parallelism: \(h_t\) depends on \(h_{t-1}\), so an RNN needs \(O(n)\)
sequential steps per layer, while self-attention computes all positions at once with matrix products, which
suits GPUs and shortens training (with teacher forcing and a causal mask even in the decoder). Cost per layer:
self-attention is \(O(n^2 d)\) with \(O(n^2)\) memory for the attention weights, recurrence \(O(n d^2)\).
Attention is therefore cheaper when \(n < d\) (typical sentences) and expensive for very long sequences, where
restricted, sparse or linear attention variants are used.""",
        ((1, (r"path length: \(O(1)\) for self-attention vs \(O(n)\) for an RNN, so long-range dependencies and "
             r"gradients are easier with attention")),
         (1, (r"parallel: an RNN needs \(O(n)\) sequential steps (\(h_t\) depends on \(h_{t-1}\)); attention "
             r"processes all positions at once")),
         (1, (r"cost: \(O(n^2 d)\) per layer for self-attention vs \(O(n d^2)\) for an RNN, so attention is "
             r"cheaper when \(n < d\) and expensive for long sequences"))),
        ("path length", "parallel", "cost"),
        lines=10,
    ),
    Prompt(
        (r"What is \emph{teacher forcing} when training a sequence-to-sequence model? Explain its advantage, the "
         r"problem of \emph{exposure bias} it causes, and one remedy."),
        r"""With teacher forcing the decoder receives, at each step \(t\), the ground-truth previous token
\(y_{t-1}\) as input rather than the token it predicted itself, and the loss is the sum of the per-step
cross-entropies \(-\sum_t \ln p(y_t \mid y_{<t}, x)\) (maximum likelihood). Advantages: training is stable and
fast, because one early mistake does not derail the rest of the sequence and every step gets a useful target;
in a transformer decoder all steps can then be computed in parallel with a causal mask. Exposure bias: at test
time there are no ground-truth tokens, so the model conditions on its own predictions, a distribution of
prefixes it never saw in training; a mistake leads to unfamiliar inputs and errors compound along the sequence.
Remedies: scheduled sampling (feed the model's own predictions with a probability that grows during training),
sequence-level training (e.g. minimum-risk or reinforcement-learning objectives), professor forcing, and beam
search at decoding time to recover from local mistakes.""",
        ((1, ("teacher forcing defined: the decoder is fed the ground-truth previous token, not its own "
             "prediction, during training")),
         (1, "advantage: stable and fast training, errors do not compound, all steps in parallel (transformer)"),
         (1, ("exposure bias: at test time the model sees its own predictions, errors compound; one remedy, "
             "e.g. scheduled sampling or sequence-level training"))),
        ("teacher forcing", "exposure bias", "remedy"),
        lines=10,
    ),
    Prompt(
        (r"In a transformer decoder trained with teacher forcing, why is a causal (look-ahead) \emph{mask} "
         r"needed, how is it applied, and why is generation at test time still \emph{sequential}?"),
        r"""With teacher forcing the whole target sequence is given to the decoder at once, and position \(t\) is
trained to predict token \(t+1\). Without a mask, self-attention at position \(t\) could attend to the inputs
at positions \(t+1, t+2, \dots\), which contain the very tokens it must predict: the model would learn to copy,
the training loss would be meaningless, and at test time, where the future is unknown, it would fail. The mask
is applied to the attention scores before the softmax: for query \(i\) and key \(j > i\) the score
\(q_i^\top k_j/\sqrt{d_k}\) is set to \(-\infty\) (a large negative number), an upper-triangular mask, so those
weights become exactly 0 and each position attends only to itself and earlier positions. Generation is still
sequential because at test time the next token does not exist until the model has produced it: each new token
is sampled from the prediction given all earlier generated tokens and appended to the input
(autoregressive decoding, sped up by caching keys and values).""",
        ((1, ("why the mask: without it a position attends to the future tokens it must predict (copying), which "
             "are not available at test time")),
         (1, (r"how: scores for keys after the query set to \(-\infty\) before the softmax (upper-triangular "
             r"mask), so those attention weights are 0")),
         (1, ("sequential generation: future tokens do not exist at test time, each token is generated from the "
             "previous outputs one step at a time (autoregressive)"))),
        ("mask", "sequential"),
        lines=10,
    ),
    Prompt(
        (r"Explain how attention was first used in RNN \emph{encoder}--decoder models for translation (Bahdanau "
         r"et al.), and which \emph{bottleneck} of the plain encoder--decoder it removes."),
        r"""In the plain encoder--decoder, the encoder RNN reads the source sentence and only its final hidden
state, one fixed-length vector, is passed to the decoder: the whole sentence must be squeezed into it, and
translation quality drops for long sentences (the bottleneck). Bahdanau attention keeps all encoder states
\(h_1, \dots, h_n\) (from a bidirectional RNN). At each decoder step \(t\) it scores every source position
with a small network, \(e_{tj} = v^\top \tanh(W s_{t-1} + U h_j)\) (additive attention), normalises the scores
with a softmax to weights \(\alpha_{tj}\), and forms the context vector \(c_t = \sum_j \alpha_{tj} h_j\), which
is fed to the decoder together with the previous output. The decoder can thus look at the relevant source
words at every step (a soft alignment, learned without alignment labels), the gradient paths to each source
word are short, and the attention weights are interpretable; quality no longer degrades with sentence length.""",
        ((1, ("the bottleneck: the plain encoder compresses the whole source into one fixed-length vector (the "
             "last state), which fails for long sentences")),
         (1, (r"mechanism: scores between the decoder state and every encoder state, softmax weights "
             r"\(\alpha_{tj}\), context vector \(c_t = \sum_j \alpha_{tj} h_j\) at every decoder step")),
         (1, ("benefit: the decoder attends to the relevant source words at each step (soft alignment), shorter "
             "gradient paths, robust to sentence length"))),
        ("encoder", "bottleneck"),
        lines=10,
    ),
)


class AttentionRecurrenceEssay(GuidedEssay):
    id = "dl/attention/attention-recurrence-essay"
    title = "Short explanation: attention vs recurrence and teacher forcing"
    topic = "attention"
    tags = ("attention", "rnn", "teacher-forcing", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed papers 000 (Major, transformer questions) and 001 (Q25, the cost of self-attention); "
              "Vaswani et al. (NeurIPS 2017), table 1; Bahdanau, Cho & Bengio (ICLR 2015); Bengio et al., "
              "Scheduled Sampling (NeurIPS 2015)")
    PROMPTS = PROMPTS
