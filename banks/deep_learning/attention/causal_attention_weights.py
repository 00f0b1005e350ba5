"""Masked (causal) softmax: the attention weights of a decoder's self-attention for given scores.

Token ``i`` may attend only to tokens ``j <= i``: the scores above the diagonal are replaced by
``-inf`` (in practice a large negative number) before the row-wise softmax, so they get weight 0,
``A_ij = exp(S_ij) / sum_{l <= i} exp(S_il)`` for ``j <= i``. The output of token ``i`` is
``sum_j A_ij v_j``.

Sources: Vaswani et al., "Attention is all you need" (2017), section 3.2.3 (masking in the decoder);
the PyTorch docs of ``torch.nn.functional.scaled_dot_product_attention`` (``is_causal``, ``attn_mask``
with ``-inf``).
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

TOL = 0.005


def _check(p):
    s = np.asarray(p["scores"], dtype=float)
    v = np.asarray(p["values"], dtype=float)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or not 2 <= s.shape[0] <= 6:
        raise ValueError("scores must be a square matrix of 2 to 6 rows")
    if v.ndim != 2 or v.shape[0] != s.shape[0]:
        raise ValueError("values must have one row per token")
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(v))) or np.abs(s).max() > 50:
        raise ValueError("scores and values must be finite, scores within +-50")
    if not isinstance(p["token"], int) or not 1 <= p["token"] <= s.shape[0]:
        raise ValueError("token must be a token number from 1 to the sequence length")
    return s, v


def causal_softmax(s: np.ndarray) -> np.ndarray:
    """Row-wise softmax with the entries above the diagonal masked (added -1e9, as a padding mask does)."""
    n = s.shape[0]
    masked = s + np.triu(np.full((n, n), -1e9), k=1)
    e = np.exp(masked - masked.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class CausalAttentionWeights(Question):
    id = "dl/attention/causal-attention-weights"
    title = "Masked (causal) softmax in self-attention"
    topic = "attention"
    tags = ("attention", "transformer", "masking", "softmax")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 001 (Q23, masked softmax); Vaswani et al. 2017, section 3.2.3; "
              "PyTorch docs, torch.nn.functional.scaled_dot_product_attention (is_causal)")
    stem = r"""
In the self-attention of a Transformer decoder, a sequence of <<n>> tokens has the scaled scores
\(S = QK^{\top}/\sqrt{d_k}\) and the value vectors (one per row)
\[ S = <<scores|bmatrix>>, \qquad V = <<values|bmatrix>>. \]
A causal mask lets token \(i\) attend only to tokens \(j \le i\): every score above the diagonal is set to
\(-\infty\) before the softmax, which is taken over each row.
"""
    solution = r"""
\textbf{(a)} Row \(i\) keeps its first \(i\) scores; its softmax is taken over those alone and the masked
entries get weight 0 (\(e^{-\infty} = 0\)).
<% for row in rows %>
Row <<row.i>>: \(e^{S} = (<<row.exps>>)\), sum \(<<row.total>>\).
<% endfor %>
\[ A = <<weights|bmatrix(3)>>. \]
The first token can only attend to itself, so its row is \((1, 0, \ldots, 0)\).
\textbf{(b)} The output of token <<token>> is row <<token>> of \(AV\):
\(\sum_j A_{<<token>>j}\, v_j = <<answer.parts[1].answer.array|bmatrix(3)>>\).
"""

    def draw(self, rng):
        n = int(rng.choice([3, 3, 4]))
        while True:
            s = rng.integers(-2, 4, size=(n, n)).astype(float)
            if len(set(s[n - 1].tolist())) >= 2 and np.any(np.triu(s, 1) > np.tril(s).max(axis=1)[:, None] - 1):
                break
        v = rng.integers(-2, 4, size=(n, 2))
        return {"scores": s.astype(int).tolist(), "values": v.tolist(), "token": int(rng.integers(2, n + 1))}

    def working(self, p):
        s, _ = _check(p)
        a = causal_softmax(s)
        rows = []
        for i in range(s.shape[0]):
            e = np.exp(s[i, : i + 1])
            rows.append({"i": i + 1, "exps": ", ".join(f"{x:.3f}" for x in e), "total": f"{e.sum():.3f}"})
        return {"n": s.shape[0], "rows": rows, "weights": a.tolist()}

    def solve(self, p):
        s, v = _check(p)
        a = causal_softmax(s)
        return MultiPart((
            Part("a", r"Give the attention weight matrix \(A\) (to 3 decimal places; masked entries are 0).",
                 Matrix.of(a, tolerance=TOL, places=3), weight=2.0),
            Part("b", rf"Give the output vector of token {p['token']} (to 3 decimal places).",
                 Matrix.of(a[p["token"] - 1] @ v, tolerance=2 * TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: for each row take the softmax of the allowed prefix only (log-sum-exp by
        # logaddexp), pad with zeros; the output as a weighted sum of value rows.
        s, v = _check(p)
        n = s.shape[0]
        a = np.zeros((n, n))
        for i in range(n):
            prefix = s[i, : i + 1]
            lse = np.logaddexp.reduce(prefix)
            a[i, : i + 1] = np.exp(prefix - lse)
        out = sum(a[p["token"] - 1, j] * v[j] for j in range(n))
        return [a, out]
