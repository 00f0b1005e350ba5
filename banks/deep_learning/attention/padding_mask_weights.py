"""Key padding mask: attention weights when the last positions of a batch row are padding tokens.

Padded key positions get the score ``-inf`` before the row-wise softmax, so they receive weight 0 and
the real keys share all the weight: ``A_ij = exp(S_ij) / sum_{l real} exp(S_il)`` for real ``j``. Setting
the padded scores to 0 instead (multiplying the scores by a 0/1 mask) is a classic bug: ``exp(0) = 1``
still gives the padding weight.

Sources: Vaswani et al. 2017, section 3.2.3 (masking by ``-inf`` before the softmax); the PyTorch docs of
``torch.nn.functional.scaled_dot_product_attention`` (boolean ``attn_mask``: True takes part in
attention) and ``torch.nn.MultiheadAttention`` (``key_padding_mask``).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Matrix, MultiPart, Numerical, Part
from generator.question import Question

TOL = 0.005


def _check(p):
    s = np.asarray(p["scores"], dtype=float)
    pad = p["padding"]
    if s.ndim != 2 or not 1 <= s.shape[0] <= 6 or not 2 <= s.shape[1] <= 8:
        raise ValueError("scores must be a matrix with 1 to 6 rows and 2 to 8 columns")
    if not np.all(np.isfinite(s)) or np.abs(s).max() > 50:
        raise ValueError("scores must be finite, within +-50")
    if not isinstance(pad, int) or isinstance(pad, bool) or not 1 <= pad < s.shape[1]:
        raise ValueError("padding must be from 1 to the number of keys minus 1")
    return s, pad


def masked_softmax(s: np.ndarray, pad: int) -> np.ndarray:
    """Row softmax with the last ``pad`` columns masked by -inf."""
    masked = s.copy()
    masked[:, s.shape[1] - pad:] = -np.inf
    e = np.exp(masked - masked.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class PaddingMaskWeights(Question):
    id = "dl/attention/padding-mask-weights"
    title = "Attention weights with a key padding mask"
    topic = "attention"
    tags = ("attention", "transformer", "masking", "softmax")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 001 (Q23, masked softmax for padding tokens); PyTorch docs, scaled_dot_product_attention (attn_mask)"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"b": (0, 1)}
    stem = r"""
In a batch of sentences of different lengths, one sentence has <<real>> real tokens and is padded with
<<pad_words>> to length <<n>> (the last <<"position is" if padding == 1 else "positions are">> padding). The scaled
attention scores of its <<rows_words>> are the rows of
\[ S = <<scores|bmatrix>> \]
(one column per key position, padding last). A key padding mask sets the scores of the padding
columns to \(-\infty\) before the softmax over each row.
"""
    solution = r"""
\textbf{(a)} The padding columns get \(e^{-\infty} = 0\); each row's softmax is taken over its first <<real>> entries:
\[ A = <<weights|bmatrix(3)>>. \]

\textbf{(b)} With the padding scores set to 0 instead, every padding position contributes \(e^0 = 1\) to the
first row's sum: that row gives the padding
\[ \frac{<<padding>>\cdot e^0}{\sum_{j \le <<real>>} e^{S_{1j}} + <<padding>>\cdot e^0} = <<answer.parts[1].answer.value|num(3)>> \]
of its weight, which the real tokens lose. Masking must use \(-\infty\) (or a very large negative number), not 0.
"""

    def draw(self, rng):
        n = int(rng.choice([4, 5]))
        pad = int(rng.integers(1, 3))
        rows = int(rng.choice([2, 3]))
        while True:
            s = rng.integers(-2, 4, size=(rows, n))
            if len(set(s[0, : n - pad].tolist())) >= 2 and np.any(s[:, n - pad:] != 0):
                return {"scores": s.tolist(), "padding": pad}

    def working(self, p):
        s, pad = _check(p)
        words = {1: "one padding token", 2: "two padding tokens", 3: "three padding tokens"}
        rows = {1: "first query", 2: "two queries", 3: "three queries"}
        return {"n": s.shape[1], "real": s.shape[1] - pad, "pad_words": words.get(pad, f"{pad} padding tokens"),
                "rows_words": rows.get(s.shape[0], f"{s.shape[0]} queries"), "weights": masked_softmax(s, pad).tolist()}

    def solve(self, p):
        s, pad = _check(p)
        real = s.shape[1] - pad
        wrong_share = pad / (np.exp(s[0, :real]).sum() + pad)
        return MultiPart((
            Part("a", r"Give the attention weight matrix \(A\) (to 3 decimal places; padding columns included).",
                 Matrix.of(masked_softmax(s, pad), tolerance=TOL, places=3), weight=2.0),
            Part("b", r"A buggy implementation sets the padding scores to 0 instead of \(-\infty\). What total weight "
                      r"does the first query then give to the padding positions (to 3 decimal places)?",
                 Numerical(float(wrong_share), tolerance=TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: softmax of the real prefix of each row by log-sum-exp, zeros appended; (b) as
        # one minus the real tokens' share of a softmax over the row with zeros in the padding columns.
        s, pad = _check(p)
        real = s.shape[1] - pad
        a = np.zeros_like(s)
        for i in range(s.shape[0]):
            a[i, :real] = np.exp(s[i, :real] - np.logaddexp.reduce(s[i, :real]))
        zeroed = np.concatenate([s[0, :real], np.zeros(pad)])
        share = 1 - math.fsum(np.exp(zeroed[:real] - np.logaddexp.reduce(zeroed)))
        return [a, share]
