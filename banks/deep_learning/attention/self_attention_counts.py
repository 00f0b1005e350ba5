"""Single-head self-attention: parameters of the Q/K/V projections and number of attention weights.

Sources: Vaswani et al., "Attention is all you need" (NeurIPS 2017), section 3.2.1
(scaled dot-product attention, one weight per query-key pair); the PyTorch docs of
``torch.nn.MultiheadAttention`` (``in_proj_weight`` of shape ``3E x E`` and
``in_proj_bias`` of length ``3E`` hold the query, key and value projections).

Counts: the three projections hold ``3 D^2`` weights, plus ``3 D`` biases when they have
biases; the attention matrix ``softmax(Q K^T / sqrt(D))`` is ``N x N``, so ``N^2``
attention weights per sequence.
"""

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

DIMS = (8, 16, 24, 32, 48, 64, 96, 128, 256, 512)


def _check(p):
    for name in ("n_tokens", "dim"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    if not isinstance(p["bias"], (bool, int)) or p["bias"] not in (0, 1):
        raise ValueError("bias must be true or false")


class SelfAttentionCounts(Question):
    id = "dl/attention/self-attention-counts"
    title = "Self-attention: projection parameters and attention weights"
    topic = "attention"
    tags = ("attention", "transformer", "parameters")
    difficulty = "beginner"
    points = 2.0
    source = "seed papers 000 (Minor-I, Q5) and 001 (Q25, cost of self-attention)"
    stem = r"""
A single-head self-attention layer reads a sequence of \(N = <<n_tokens>>\) tokens, each a vector of
dimension \(D = <<dim>>\), and returns \(N\) vectors of the same dimension. Every token \(x\) is mapped to a
query, a key and a value by three separate linear maps
<% if bias %>
\(q = W_Q x + b_Q\), \(k = W_K x + b_K\), \(v = W_V x + b_V\), where each \(W\) is \(D\times D\) and each
bias \(b\) has \(D\) entries.
<% else %>
\(q = W_Q x\), \(k = W_K x\), \(v = W_V x\), where each \(W\) is \(D\times D\) and there are no biases.
<% endif %>
There is no output projection. The attention weights are the entries of
\(A = \mathrm{softmax}\!\left(QK^{\top}/\sqrt{D}\right)\), one for every (query, key) pair.
"""
    solution = r"""
\textbf{(a)} Each projection has a \(<<dim>>\times<<dim>>\) matrix<% if bias %> and a bias of length \(<<dim>>\)<% endif %>, and there are three of them:
<% if bias %>
\[ 3D^2 + 3D = 3\cdot<<dim>>^2 + 3\cdot<<dim>> = <<weights>> + <<biases>> = <<answer.parts[0].answer.value|num>>. \]
<% else %>
\[ 3D^2 = 3\cdot<<dim>>^2 = <<answer.parts[0].answer.value|num>>. \]
<% endif %>
\textbf{(b)} \(Q\) and \(K\) are \(<<n_tokens>>\times<<dim>>\), so \(QK^{\top}\) and the attention matrix \(A\) are
\(N\times N\): every one of the \(N\) queries has a weight for each of the \(N\) keys,
\[ N^2 = <<n_tokens>>^2 = <<answer.parts[1].answer.value|num>>. \]
The number of attention weights grows with the sequence length, not with \(D\); the number of projection
parameters grows with \(D\), not with the sequence length.
"""

    def draw(self, rng):
        return {"n_tokens": int(rng.integers(3, 65)), "dim": int(rng.choice(DIMS)),
                "bias": bool(rng.integers(0, 2))}

    def working(self, p):
        return {"weights": 3 * p["dim"] ** 2, "biases": 3 * p["dim"]}

    def solve(self, p):
        _check(p)
        n, d = p["n_tokens"], p["dim"]
        params = 3 * d * d + (3 * d if p["bias"] else 0)
        return MultiPart((
            Part("a", r"How many learnable parameters do the query, key and value projections have in total?",
                 Numerical(params)),
            Part("b", r"How many attention weights are computed for one input sequence?",
                 Numerical(n * n)),
        ))

    def verify(self, p):
        # Independent route: build the projection arrays, count their entries, run the attention
        # forward pass in numpy and read the size of the attention matrix.
        n, d = p["n_tokens"], p["dim"]
        w_q = np.full((d, d), 1.0 / d)  # real arrays (not broadcast views), so the products use BLAS
        w_k = np.full((d, d), -0.5 / d)
        w_v = np.full((d, d), 2.0 / d)
        biases = [np.full(d, 0.1), np.full(d, -0.1), np.zeros(d)] if p["bias"] else []
        count = sum(a.size for a in (w_q, w_k, w_v, *biases))
        x = np.sin(np.arange(n * d, dtype=float)).reshape(n, d)
        b_q, b_k, b_v = biases if biases else (0.0, 0.0, 0.0)
        q, k, v = x @ w_q.T + b_q, x @ w_k.T + b_k, x @ w_v.T + b_v
        scores = q @ k.T / np.sqrt(d)
        att = np.exp(scores - scores.max(axis=1, keepdims=True))
        att /= att.sum(axis=1, keepdims=True)
        out = att @ v
        assert out.shape == x.shape and np.allclose(att.sum(axis=1), 1.0)
        return [count, att.size]
