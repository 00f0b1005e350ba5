"""Short explanation: why transformers need positional information, sinusoidal vs learned vs relative encodings.

Sources: Vaswani et al., "Attention Is All You Need" (NeurIPS 2017), section 3.5 (sinusoidal encodings, learned
embeddings give nearly identical results); Devlin et al., "BERT" (NAACL 2019) (learned absolute embeddings);
Shaw, Uszkoreit & Vaswani, "Self-Attention with Relative Position Representations" (NAACL 2018); Su et al.,
"RoFormer: Enhanced Transformer with Rotary Position Embedding" (2021); Press, Smith & Lewis, "Train Short,
Test Long" (ALiBi, ICLR 2022).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Why does a transformer need \emph{positional} information? Show what happens to the output of a "
         r"self-attention layer without positional encodings when the input tokens are permuted, and say how "
         r"the problem is solved."),
        r"""Self-attention computes \(\operatorname{softmax}(QK^\top/\sqrt{d_k})V\) with \(Q = XW_Q\),
\(K = XW_K\), \(V = XW_V\), where each row of \(X\) is one token. If the rows of \(X\) are permuted by a
permutation matrix \(P\), then \(Q, K, V\) are permuted the same way, the score matrix becomes
\(P QK^\top P^\top\), and the row-wise softmax commutes with this, so
\(\operatorname{Attn}(PX) = P\,\operatorname{Attn}(X)\): the layer is permutation equivariant (and after pooling,
invariant). The feed-forward layers act on each token separately, so the whole stack treats its input as a set:
``dog bites man'' and ``man bites dog'' give the same outputs up to order, and word order is lost. The remedy is
to give each position its own vector, added to (or concatenated with) the token embedding, or to make the
attention scores depend on the relative position of the two tokens; then the same word at different positions
has different representations.""",
        ((1, (r"self-attention without positional information is permutation equivariant: "
             r"\(\operatorname{Attn}(PX) = P\operatorname{Attn}(X)\), shown from \(Q, K, V\) and the softmax")),
         (1, "consequence: the model sees a set of tokens, so word order (e.g. who does what to whom) is lost"),
         (1, ("solution: a position-dependent vector added to each token embedding (or relative-position terms in "
             "the attention scores)"))),
        ("positional", "permut"),
        lines=10,
    ),
    Prompt(
        (r"Describe the \emph{sinusoidal} positional encoding of the original Transformer: give its formula and "
         r"explain two properties that motivated this choice."),
        r"""For position \(pos\) and dimension index \(i\) of a \(d_{\text{model}}\)-dimensional encoding:
\(PE_{(pos, 2i)} = \sin\bigl(pos / 10000^{2i/d_{\text{model}}}\bigr)\) and
\(PE_{(pos, 2i+1)} = \cos\bigl(pos / 10000^{2i/d_{\text{model}}}\bigr)\); the wavelengths form a geometric
progression from \(2\pi\) to \(10000\cdot 2\pi\), and the vector is added to the token embedding. Properties:
(1) for any fixed offset \(k\), \(PE_{pos+k}\) is a linear function (a rotation of each sine--cosine pair) of
\(PE_{pos}\), so the model can easily learn to attend by relative position; the dot product of two encodings
depends only on their distance. (2) It has no parameters, is bounded in \([-1, 1]\), gives every position a
distinct vector, and can be computed for positions longer than any seen in training, so it may extrapolate to
longer sequences.""",
        ((1, (r"sinusoidal formula: \(\sin(pos/10000^{2i/d})\) in even and \(\cos(pos/10000^{2i/d})\) in odd dimensions, "
             r"added to the embedding")),
         (1, ("first property with its reason, e.g. a fixed offset is a linear map (rotation), so relative "
             "positions are easy to use")),
         (1, ("second property with its reason, e.g. no parameters, bounded and unique per position, defined for "
             "any length (extrapolation)"))),
        ("sinusoidal", "formula", "propert"),
        lines=10,
    ),
    Prompt(
        (r"Compare \emph{learned} absolute positional embeddings with fixed \emph{sinusoidal} encodings: how is "
         r"each obtained, and what are the advantages and drawbacks of each?"),
        r"""Learned embeddings (BERT, GPT-2, ViT) are a trainable table with one \(d\)-dimensional vector per
position up to a maximum length \(N_{\max}\), initialised randomly and trained with the rest of the model
by backpropagation; sinusoidal encodings are a fixed function of the position, with no parameters.
Learned: flexible, they can adapt to whatever positional structure the data have (e.g. the 2-D layout of image
patches); but they add \(N_{\max} d\) parameters, need data to train, and have no vector for positions beyond
\(N_{\max}\), so they do not extrapolate to longer inputs (ViT interpolates them when the resolution changes).
Sinusoidal: free, defined for any position and with a built-in relation between offsets; but the form is fixed
by hand and extrapolation in practice is limited. Vaswani et al.\ found both give nearly identical results;
relative schemes (relative biases, rotary embeddings) are common alternatives.""",
        ((1, ("how each is obtained: a trainable table of one vector per position up to a maximum length vs a "
             "fixed sine/cosine function without parameters")),
         (1, ("learned: flexible and adapted to the data, but extra parameters and no vectors beyond the maximum "
             "length trained")),
         (1, ("sinusoidal: no parameters, any length, relative offsets are linear maps; but fixed by hand; in "
             "practice both perform similarly"))),
        ("learned", "sinusoidal"),
        lines=10,
    ),
    Prompt(
        (r"What is a \emph{relative} position encoding (for example a learned bias per relative distance, or "
         r"rotary embeddings), and why can it generalise better than absolute encodings to sequences longer than "
         r"those seen in training?"),
        r"""A relative encoding makes the attention score between positions \(i\) and \(j\) depend on the offset
\(j - i\) rather than on the absolute indices: Shaw et al.\ add a learned vector for each (clipped) distance to
the keys; T5 and ALiBi add a learned or fixed bias \(b_{j-i}\) to the score \(q_i^\top k_j\); rotary embeddings
(RoPE) rotate \(q_i\) and \(k_j\) by angles proportional to their positions, so that \(q_i^\top k_j\) depends
on \(i\) and \(j\) only through \(j - i\). Most patterns in language and images depend on relative offsets
(the word just before, the neighbouring patch), so this is the natural quantity. Generalisation: an absolute
scheme meets position indices at test time that it never saw (or has no vector for); with relative encodings a
long sequence contains only offsets (or clipped distance buckets) that already occurred in training, and the
score function is the same at every absolute location (shift invariant), so it transfers better to longer
inputs.""",
        ((1, ("relative encoding defined: the attention score depends on the offset \\(j - i\\) (learned "
             "per-distance vectors or biases, or rotations of queries and keys as in RoPE)")),
         (1, "why it suits the data: patterns depend on relative offsets, the same at every absolute location"),
         (1, ("why it generalises to longer sequences: only offsets (or clipped buckets) already seen in training "
             "occur; no unseen absolute indices"))),
        ("relative", "longer"),
        lines=10,
    ),
)


class PositionalEmbeddingEssay(GuidedEssay):
    id = "dl/attention/positional-embedding-essay"
    title = "Short explanation: positional embeddings in transformers"
    topic = "attention"
    tags = ("transformer", "positional-encoding", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 000 (Major, transformers question 4: the role of positional embeddings); "
              "Vaswani et al., Attention Is All You Need (NeurIPS 2017), section 3.5")
    PROMPTS = PROMPTS
