"""Multi-head attention: number of learnable parameters (Q/K/V and output projections, with biases).

Sources: Vaswani et al., "Attention is all you need" (NeurIPS 2017), section 3.2.2:
``MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O`` with ``head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)``,
``W_i^Q, W_i^K in R^{d_model x d_k}``, ``W_i^V in R^{d_model x d_v}``, ``W^O in R^{h d_v x d_model}`` and
``d_k = d_v = d_model / h``; the PyTorch docs of ``torch.nn.MultiheadAttention`` (``in_proj_weight``
``3E x E``, ``in_proj_bias`` ``3E``, ``out_proj`` an ``E x E`` Linear with bias).

Count with biases: ``3 (d_model^2 + d_model)`` for the stacked per-head projections plus
``d_model^2 + d_model`` for the output projection, i.e. ``4 d_model^2 + 4 d_model``: it does not
depend on the number of heads.
"""

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question

HEAD_DIMS = (8, 16, 24, 32, 48, 64)
HEADS = (2, 3, 4, 6, 8, 12, 16)


def _check(p):
    for name in ("d_model", "heads"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["d_model"] % p["heads"]:
        raise ValueError("d_model must be divisible by the number of heads")


class MultiheadAttentionParams(Question):
    id = "dl/attention/multihead-attention-params"
    title = "Parameters of a multi-head attention layer"
    topic = "attention"
    tags = ("attention", "transformer", "parameters")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Q25, self-attention layer); Vaswani et al. 2017"
    valid_range = (1, float("inf"))
    stem = r"""
A multi-head attention layer as in the Transformer has model dimension \(d_{\text{model}} = <<d_model>>\) and
\(h = <<heads>>\) heads. Each head \(i\) has its own query, key and value projections
\(W_i^Q, W_i^K, W_i^V\) of size \(d_{\text{model}}\times d_k\), with \(d_k = d_v = d_{\text{model}}/h\),
and each of these projections has a bias vector of length \(d_k\). The outputs of the heads are concatenated
and passed through an output projection \(W^O\) of size \(h\,d_v\times d_{\text{model}}\) with a bias of length
\(d_{\text{model}}\). How many learnable parameters does the layer have in total (no layer normalisation,
no feed-forward block)?
"""
    solution = r"""
Each head has \(d_k = <<d_model>>/<<heads>> = <<d_k>>\). Per head the three projections hold
\(3(d_{\text{model}}\,d_k + d_k) = 3(<<d_model>>\cdot<<d_k>> + <<d_k>>) = <<per_head>>\) parameters, so the
\(<<heads>>\) heads together hold \(<<heads>>\cdot<<per_head>> = <<in_proj>> = 3(d_{\text{model}}^2 + d_{\text{model}})\).
The output projection adds \(h d_v\cdot d_{\text{model}} + d_{\text{model}} = <<d_model>>^2 + <<d_model>> = <<out_proj>>\).
In total
\[ 4d_{\text{model}}^2 + 4d_{\text{model}} = <<in_proj>> + <<out_proj>> = <<answer.value|num>>. \]
The number of heads does not change the count: splitting into heads only partitions the columns of the
projections.
"""

    def draw(self, rng):
        d_k, h = int(rng.choice(HEAD_DIMS)), int(rng.choice(HEADS))
        return {"d_model": d_k * h, "heads": h}

    def working(self, p):
        d, h = p["d_model"], p["heads"]
        d_k = d // h
        return {"d_k": d_k, "per_head": 3 * (d * d_k + d_k), "in_proj": 3 * (d * d + d), "out_proj": d * d + d}

    def solve(self, p):
        _check(p)
        d, h = p["d_model"], p["heads"]
        d_k = d // h
        right = 4 * d * d + 4 * d
        return single_choice(numeric_option(right, correct=True), [
            numeric_option(3 * d * d + 3 * d, rationale="forgot the output projection"),
            numeric_option(4 * d * d, rationale="forgot the biases"),
            numeric_option(h * (3 * d * d + 3 * d) + d * d + d,
                           rationale=r"gave every head full \(d_{\text{model}}\times d_{\text{model}}\) projections"),
            numeric_option(3 * h * d_k * d_k + 3 * d + d * d + d,
                           rationale=r"took each head's projections as \(d_k\times d_k\)"),
            numeric_option(3 * d * d + 3 * d + d * d_k + d,
                           rationale=r"took the output projection as \(d_v\times d_{\text{model}}\)"),
            numeric_option(4 * d * d + 3 * h * d + d,
                           rationale=r"gave every head bias vectors of length \(d_{\text{model}}\)"),
            numeric_option(3 * d * d, rationale="counted only the query, key and value weights"),
            numeric_option(4 * d * d + d, rationale="counted only the output bias"),
            numeric_option(4 * d * d + 4 * d + 2 * d,
                           rationale="added a layer normalisation the question excludes"),
            numeric_option(3 * d * d + 3 * d + h * (d * d + d),
                           rationale=r"gave every head its own \(d_{\text{model}}\times d_{\text{model}}\) output "
                                     "projection"),
            numeric_option(4 * d * d + 4 * d * h,
                           rationale=r"gave every head all four bias vectors of length \(d_{\text{model}}\)"),
        ], sample_wrong=True, valid=self.valid_range)

    def verify(self, p):
        # Independent route: build every head's projection arrays (zero-cost broadcast views), run a
        # forward pass through all heads to check the shapes chain, then count the entries.
        d, h = p["d_model"], p["heads"]
        d_k = d_v = d // h
        arrays = []
        x = np.ones((3, d))
        heads_out = []
        for _ in range(h):
            w_q, w_k, w_v = (np.broadcast_to(0.01, (d, n)) for n in (d_k, d_k, d_v))
            b_q, b_k, b_v = (np.broadcast_to(0.0, (n,)) for n in (d_k, d_k, d_v))
            arrays += [w_q, w_k, w_v, b_q, b_k, b_v]
            q, k, v = x @ w_q + b_q, x @ w_k + b_k, x @ w_v + b_v
            s = q @ k.T / np.sqrt(d_k)
            a = np.exp(s - s.max(axis=1, keepdims=True))
            heads_out.append((a / a.sum(axis=1, keepdims=True)) @ v)
        concat = np.concatenate(heads_out, axis=1)
        w_o, b_o = np.broadcast_to(0.01, (concat.shape[1], d)), np.broadcast_to(0.0, (d,))
        arrays += [w_o, b_o]
        assert concat.shape == (x.shape[0], w_o.shape[0]) and b_o.shape == (w_o.shape[1],)
        return sum(a.size for a in arrays)
