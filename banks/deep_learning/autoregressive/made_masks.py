"""MADE: the masks that make a one-hidden-layer autoencoder autoregressive, from the hidden units' degrees.

Inputs ``x_1..x_D`` in their natural order; hidden unit ``k`` has a degree ``m(k)`` in ``1..D-1``. The
input-to-hidden mask allows ``x_d -> h_k`` iff ``m(k) >= d``; the hidden-to-output mask allows
``h_k -> output d`` iff ``d > m(k)``. Output ``d`` then depends exactly on the inputs ``x_1..x_j`` with
``j`` the largest degree below ``d`` (none if no hidden unit has a degree below ``d``).

Sources: Germain, Gregor, Murray & Larochelle 2015, "MADE: Masked Autoencoder for Distribution
Estimation", section 4 (equations 12-13, the mask rules); the PyTorch docs of ``torch.nn.Linear`` and
``torch.autograd.functional.jacobian`` (used by the test).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Matrix, MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    d, deg = p["n_inputs"], p["degrees"]
    if not isinstance(d, int) or isinstance(d, bool) or not 2 <= d <= 10:
        raise ValueError("n_inputs must be from 2 to 10")
    if not isinstance(deg, list) or not 1 <= len(deg) <= 16 or not all(
            isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= d - 1 for m in deg):
        raise ValueError("degrees must list 1 to 16 integers from 1 to n_inputs - 1")
    if not isinstance(p["output"], int) or not 1 <= p["output"] <= d:
        raise ValueError("output must be an input index from 1 to n_inputs")
    return d, np.asarray(deg)


def masks(d: int, deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(input-to-hidden mask H x D, hidden-to-output mask D x H), equations 12-13 of Germain et al."""
    inputs = np.arange(1, d + 1)
    return (deg[:, None] >= inputs[None, :]).astype(int), (inputs[:, None] > deg[None, :]).astype(int)


class MadeMasks(Question):
    id = "dl/autoregressive/made-masks"
    title = "MADE masks from hidden-unit degrees"
    topic = "autoregressive"
    tags = ("autoregressive", "made", "masking")
    difficulty = "advanced"
    points = 3.0
    source = "seed paper 000 (Major Q4, autoregressive models); Germain et al. 2015 (MADE), section 4"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"c": (0, math.inf)}
    stem = r"""
A MADE autoencoder models \(p(x_1, \ldots, x_{<<n_inputs>>})\) in the order \(x_1, x_2, \ldots\) with one hidden
layer of <<degrees|length>> units whose degrees are \(m = (<<degrees|join(", ")>>)\) (unit 1 first). Masks are
multiplied elementwise into the weights: input \(x_d\) may feed hidden unit \(k\) only if \(m(k) \ge d\), and
hidden unit \(k\) may feed output \(d\) (the prediction of \(x_d\)) only if \(d > m(k)\).
"""
    solution = r"""
\textbf{(a)} Row \(k\) has ones in the first \(m(k)\) columns:
\[ M^{W} = <<answer.parts[0].answer.array|bmatrix>>. \]

\textbf{(b)} Row \(d\) has ones for the hidden units with \(m(k) < d\):
\[ M^{V} = <<answer.parts[1].answer.array|bmatrix>>. \]
The first output has no connection: \(p(x_1)\) is a learned constant (its bias).

\textbf{(c)} Output <<output>> is fed by the hidden units of degree below <<output>><% if reach %>, the largest being
<<reach>>; these see the inputs \(x_1, \ldots, x_{<<reach>>}\)<% else %>; there are none<% endif %>, so it depends on
\(<<answer.parts[2].answer.value|num>>\) <<"input" if answer.parts[2].answer.value == 1 else "inputs">>
<% if reach < output - 1 %>(fewer than the \(<<output - 1>>\) it may use: no hidden unit has a degree from <<reach + 1>> to <<output - 1>>)<% else %>(all the earlier ones)<% endif %>.
"""

    def draw(self, rng):
        d = int(rng.choice([3, 4, 4, 5]))
        h = int(rng.integers(3, 6))
        deg = sorted(int(v) for v in rng.integers(1, d, size=h))
        return {"n_inputs": d, "degrees": [int(v) for v in rng.permutation(deg)], "output": int(rng.integers(2, d + 1))}

    def _reach(self, p):
        _, deg = _check(p)
        below = [m for m in deg.tolist() if m < p["output"]]
        return max(below) if below else 0

    def working(self, p):
        return {"reach": self._reach(p)}

    def solve(self, p):
        d, deg = _check(p)
        w_mask, v_mask = masks(d, deg)
        return MultiPart((
            Part("a", r"Give the input-to-hidden mask \(M^{W}\) (one row per hidden unit, one column per input).",
                 Matrix.of(w_mask)),
            Part("b", r"Give the hidden-to-output mask \(M^{V}\) (one row per output, one column per hidden unit).",
                 Matrix.of(v_mask)),
            Part("c", rf"On how many of the inputs can output {p['output']} depend?", Numerical(self._reach(p))),
        ))

    def verify(self, p):
        # Independent route: build the masks entry by entry from the rules, then find output d's inputs by
        # following every allowed path input -> hidden -> output (boolean matrix product).
        d, deg = _check(p)
        w_mask = np.array([[1 if deg[k] >= j + 1 else 0 for j in range(d)] for k in range(len(deg))])
        v_mask = np.array([[1 if i + 1 > deg[k] else 0 for k in range(len(deg))] for i in range(d)])
        paths = (v_mask @ w_mask) > 0
        return [w_mask, v_mask, int(paths[p["output"] - 1].sum())]
