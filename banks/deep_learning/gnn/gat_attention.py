"""Attention coefficients of one graph attention (GAT) head at one node, and the node's new features.

With projected features ``z_j = W h_j`` and attention vector ``a = [a_1; a_2]``:
``e_ij = LeakyReLU_0.2(a_1 . z_i + a_2 . z_j)`` for ``j`` in the neighbourhood of ``i`` (itself included),
``alpha_ij = softmax_j(e_ij)`` and ``h_i' = sum_j alpha_ij z_j`` (before any output nonlinearity).

Sources: Velickovic et al. 2018, "Graph Attention Networks", equations 1-4 (``a^T [W h_i || W h_j]``,
LeakyReLU with slope 0.2, softmax over the neighbourhood including ``i``); the PyTorch Geometric docs of
``GATConv`` (``att_src``/``att_dst``, ``add_self_loops``).
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

TOL = 0.005


def _check(p):
    z = np.asarray(p["features"], dtype=float)
    a1 = np.asarray(p["a_self"], dtype=float)
    a2 = np.asarray(p["a_neigh"], dtype=float)
    if z.ndim != 2 or not 2 <= z.shape[0] <= 8 or a1.shape != (z.shape[1],) or a2.shape != (z.shape[1],):
        raise ValueError("features must be 2-8 rows of f numbers; a_self and a_neigh f numbers each")
    nbrs = p["neighbours"]
    if not isinstance(nbrs, list) or not nbrs or not all(
            isinstance(j, int) and 2 <= j <= z.shape[0] for j in nbrs) or len(set(nbrs)) != len(nbrs):
        raise ValueError("neighbours must list distinct node numbers from 2 to the number of nodes")
    if not all(np.all(np.isfinite(v)) for v in (z, a1, a2)):
        raise ValueError("values must be finite")
    return z, a1, a2, [1, *sorted(nbrs)]


def leaky(x):
    return np.where(x > 0, x, 0.2 * x)


class GatAttention(Question):
    id = "dl/gnn/gat-attention"
    title = "Attention coefficients of a graph attention layer"
    topic = "gnn"
    tags = ("gnn", "attention", "gat", "computation")
    difficulty = "advanced"
    points = 3.0
    source = "seed paper 000 (Major, GNNs); Velickovic et al. 2018 (GAT), equations 1-4"
    stem = r"""
In one head of a graph attention layer, node 1 has the neighbours <<nbr_text>>. After the shared linear map
the features \(z_j = W h_j\) of these nodes are
\[ <<feature_text>>, \]
and the attention vector is \(a = [a_1;\, a_2]\) with \(a_1 = <<a_self|bmatrix>>^{\top}\) (for the centre node) and
\(a_2 = <<a_neigh|bmatrix>>^{\top}\) (for the neighbour). The scores are
\(e_{1j} = \operatorname{LeakyReLU}(a_1^{\top} z_1 + a_2^{\top} z_j)\) with negative slope 0.2, for \(j\) = 1 (the
node itself) and each neighbour, and \(\alpha_{1j} = \operatorname{softmax}_j(e_{1j})\).
"""
    solution = r"""
\(a_1^{\top} z_1 = <<s_self|num(2)>>\); the neighbour terms \(a_2^{\top} z_j\) are \(<<s_neigh|bmatrix(2)>>\) for \(j = <<order_text>>\).
After the LeakyReLU the scores are \(e = <<scores|bmatrix(2)>>\), so
\[ \alpha = \operatorname{softmax}(e) = <<answer.parts[0].answer.array|bmatrix(3)>>. \]

The new features are the weighted sum of the \(z_j\):
\(h_1' = \sum_j \alpha_{1j} z_j = <<answer.parts[1].answer.array|bmatrix(3)>>\).
"""

    def draw(self, rng):
        n = int(rng.choice([4, 5]))
        while True:
            nbrs = sorted(int(j) for j in rng.choice(np.arange(2, n + 1), size=int(rng.integers(2, n)), replace=False))
            z = rng.integers(-2, 4, size=(n, 2))
            a1 = rng.choice([-1, 1, 2], size=2)
            a2 = rng.choice([-1, 0.5, 1], size=2)
            p = {"features": z.tolist(), "a_self": a1.tolist(), "a_neigh": a2.tolist(), "neighbours": nbrs}
            raw = float(a1 @ z[0]) + z[[j - 1 for j in [1, *nbrs]]] @ a2
            if np.any(raw < 0) and np.any(raw > 0) and len(set(raw.tolist())) >= 3:
                return p

    def _compute(self, p):
        z, a1, a2, order = _check(p)
        zs = z[[j - 1 for j in order]]
        e = leaky(float(a1 @ z[0]) + zs @ a2)
        alpha = np.exp(e - e.max())
        alpha /= alpha.sum()
        return z, a1, a2, order, zs, e, alpha

    def working(self, p):
        z, a1, a2, order, zs, e, _ = self._compute(p)
        feats = r",\quad ".join(rf"z_{j} = {self._vec(z[j - 1])}" for j in order)
        return {"nbr_text": ", ".join(str(j) for j in sorted(p["neighbours"])), "feature_text": feats,
                "s_self": float(a1 @ z[0]), "s_neigh": (zs @ a2).tolist(), "scores": e.tolist(),
                "order_text": ", ".join(map(str, order))}

    @staticmethod
    def _vec(v):
        return r"\begin{bmatrix} " + " & ".join(f"{x:g}" for x in v) + r" \end{bmatrix}^{\top}"

    def solve(self, p):
        *_, zs, _, alpha = self._compute(p)
        return MultiPart((
            Part("a", r"Give the attention coefficients \(\alpha_{1j}\), for \(j\) = 1 first and then the neighbours "
                      r"in increasing order (to 3 decimal places).", Matrix.of(alpha, tolerance=TOL, places=3)),
            Part("b", r"Give node 1's new features \(h_1'\) (to 3 decimal places).",
                 Matrix.of(alpha @ zs, tolerance=2 * TOL, places=3)),
        ))

    def verify(self, p):
        # Independent route: scores from the concatenation [z_1 || z_j] dotted with [a_1; a_2] one pair at a
        # time, the softmax by log-sum-exp, the output as an explicit sum.
        z, a1, a2, order = _check(p)
        a = np.concatenate([a1, a2])
        e = []
        for j in order:
            s = float(a @ np.concatenate([z[0], z[j - 1]]))
            e.append(s if s > 0 else 0.2 * s)
        e = np.array(e)
        alpha = np.exp(e - np.logaddexp.reduce(e))
        out = sum(w * z[j - 1] for w, j in zip(alpha, order, strict=True))
        return [alpha, out]
