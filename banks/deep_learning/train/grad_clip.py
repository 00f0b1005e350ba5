"""Gradient clipping by (global L2) norm.

g <- g * min(1, c / ||g||_2): a gradient longer than c is rescaled to length c, keeping its direction.
Sources: Pascanu, Mikolov & Bengio 2013 ("On the difficulty of training recurrent neural networks",
algorithm 1); PyTorch docs of ``torch.nn.utils.clip_grad_norm_`` (which divides by ||g|| + 1e-6, a
difference far below the tolerance).
"""

import math

import numpy as np

from generator.answers import Matrix
from generator.question import Question

TOL = 0.005


def _check(p):
    g = p["gradient"]
    if not isinstance(g, list) or not 1 <= len(g) <= 10:
        raise ValueError("gradient must be a list of 1 to 10 numbers")
    g = np.asarray(g, dtype=float)
    c = float(p["max_norm"])
    if not np.all(np.isfinite(g)) or not np.any(g != 0):
        raise ValueError("gradient must be finite and not all zero")
    if not c > 0:
        raise ValueError("max_norm must be positive")
    return g, c


class GradClip(Question):
    id = "dl/train/grad-clip"
    title = "Gradient clipping by norm"
    topic = "train"
    tags = ("training", "gradient-clipping", "rnn")
    difficulty = "beginner"
    source = "seed paper 001 (Beginner Q15, gradient clipping by norm)"
    points = 2.0
    stem = r"""
During training of a recurrent network the gradient of the loss with respect to all parameters is
\(g = <<gradient|bmatrix>>\). The gradient is clipped by its L2 norm with threshold \(c = <<max_norm|num>>\):
if \(\lVert g \rVert_2 > c\) it is rescaled to \(c\, g / \lVert g \rVert_2\), otherwise it is left unchanged.
What is the gradient after clipping (to 3 decimal places)?
"""
    solution = r"""
\(\lVert g \rVert_2 = \sqrt{<<squares>>} = \sqrt{<<sumsq|num>>} = <<norm|num(4)>>\).
<% if clipped %>
This exceeds \(c = <<max_norm|num>>\), so \(g\) is scaled by \(c / \lVert g \rVert_2 = <<max_norm|num>>/<<norm|num(4)>> = <<scale|num(4)>>\):
\[ g_{\text{clipped}} = <<answer.value|bmatrix(3)>>, \]
which has norm \(<<max_norm|num>>\) and the same direction as \(g\).
<% else %>
This does not exceed \(c = <<max_norm|num>>\), so the gradient is unchanged:
\( g_{\text{clipped}} = <<answer.value|bmatrix(3)>>\).
<% endif %>
"""

    def draw(self, rng):
        n = int(rng.integers(2, 5))
        while True:
            g = rng.integers(-6, 7, size=n)
            if np.count_nonzero(g) >= 2:
                break
        norm = float(np.linalg.norm(g))
        if rng.random() < 0.8:   # usually clipped
            c = float(rng.choice([x for x in (0.5, 1.0, 2.0, 2.5, 3.0, 4.0, 5.0) if x < norm - 0.5]))
        else:
            c = float(rng.choice([math.ceil(norm), math.ceil(norm) + 1, 2 * math.ceil(norm)]))
        return {"gradient": [int(v) for v in g], "max_norm": c}

    def working(self, p):
        g, c = _check(p)
        norm = float(np.linalg.norm(g))
        return {"squares": " + ".join(f"({v:g})^2" if v < 0 else f"{v:g}^2" for v in g),
                "sumsq": float(g @ g), "norm": norm, "clipped": norm > c, "scale": c / norm}

    def solve(self, p):
        g, c = _check(p)
        norm = float(np.linalg.norm(g))
        return Matrix.of(g * min(1.0, c / norm), tolerance=TOL, places=3)

    def verify(self, p):
        # Independent route: bisect for the largest scale s in [0, 1] with sum((s g)^2) <= c^2.
        g, c = _check(p)
        sq = sum(float(v) * float(v) for v in g)
        lo, hi = 0.0, 1.0
        if sq <= c * c:
            lo = 1.0
        else:
            for _ in range(60):
                mid = (lo + hi) / 2
                if mid * mid * sq <= c * c:
                    lo = mid
                else:
                    hi = mid
        return [lo * float(v) for v in g]
