"""The perceptron convergence theorem: radius, margin and the (R/gamma)^2 bound on mistakes.

Novikoff (1962): if every ``||x_i|| <= R`` and a unit vector ``u`` separates the data through the origin
with margin ``gamma = min_i y_i u . x_i > 0``, the perceptron started at ``w = 0`` (no bias) makes at
most ``(R / gamma)^2`` mistakes, in any order and over any number of passes. Also in Shalev-Shwartz &
Ben-David, "Understanding Machine Learning" (2014), theorem 9.1.
"""

import math
from fractions import Fraction
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

from ._scatter import scatter_alt, scatter_tikz

#: Pythagorean triples (a, b, c): u = (a/c, b/c) is an exact unit vector.
TRIPLES = ((3, 4, 5), (4, 3, 5), (5, 12, 13), (12, 5, 13), (8, 15, 17), (15, 8, 17))
TOL = 0.002


def _check(p):
    a, b, c = p["u"]
    if a * a + b * b != c * c or c <= 0:
        raise ValueError("u must be [a, b, c] with a^2 + b^2 = c^2, the unit vector (a/c, b/c)")
    x = np.asarray(p["points"], dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or not 2 <= len(x) <= 12:
        raise ValueError("points must be a list of 2 to 12 pairs [x1, x2]")
    y = np.asarray(p["labels"], dtype=float)
    if y.shape != (len(x),) or not set(y.tolist()) <= {-1.0, 1.0}:
        raise ValueError("labels must hold one label, -1 or 1, per point")
    margins = y * (x @ np.array([a, b], dtype=float)) / c
    if margins.min() <= 0:
        raise ValueError("u must separate the points with a positive margin")
    return x, y, margins


class PerceptronMistakeBound(Question):
    id = "dl/classical/perceptron-mistake-bound"
    title = "Perceptron convergence: the (R/gamma)^2 mistake bound"
    topic = "classical"
    tags = ("perceptron", "learning-theory", "margin")
    difficulty = "intermediate"
    points = 3.0
    space = "5cm"  # room to work the computation
    valid_range: ClassVar[dict] = {"a": (0, math.inf), "b": (0, math.inf), "c": (1, math.inf)}
    source = ("seed papers 001 (Q11, mistake bound) and 003 (Q6, perceptron convergence theorem); "
              "Novikoff (1962); Shalev-Shwartz & Ben-David, Understanding Machine Learning (2014), theorem 9.1")
    stem = r"""
The labelled points in the table (drawn in the figure) are separated through the origin by the unit vector
\(u = \bigl(<<u_tex[0]>>, <<u_tex[1]>>\bigr)\), that is, \(y_i\, u^\top x_i > 0\)
for every point.
\begin{center}
\begin{tabular}{cccc}
\(i\) & \(x_{i1}\) & \(x_{i2}\) & \(y_i\) \\ \hline
<% for pt in points %>
<<loop.index>> & \(<<pt[0]|num>>\) & \(<<pt[1]|num>>\) & \(<<labels[loop.index0]|num>>\) \\
<% endfor %>
\end{tabular}
\end{center}
A perceptron without bias starts at \(w = 0\) and cycles through the points in any order, updating
\(w \leftarrow w + y_i x_i\) on each mistake.
(a) Give \(R = \max_i \lVert x_i \rVert\) and (b) the margin \(\gamma = \min_i y_i\, u^\top x_i\) of \(u\), both to
3 decimal places. (c) By the perceptron convergence theorem, what is the largest number of mistakes the
perceptron can make on these points?
"""
    figure = r"<<figure_body>>"
    figure_alt = "<<figure_text>>"
    solution = r"""
(a) The longest point is \(x_{<<far>>}\): \(R = \sqrt{<<r2>>} = <<r|num(3)>>\).

(b) The margins \(y_i u^\top x_i = y_i (<<u_sum>>) / <<u[2]>>\) are
<<margins>>; the smallest, at point <<closest>>, is \(\gamma = <<gamma_num>>/<<u[2]>> = <<gamma|num(3)>>\).

(c) The theorem bounds the number of mistakes by
\(\left(R/\gamma\right)^2 = <<r2>> \cdot <<u[2]>>^2 / <<gamma_num>>^2 = <<bound|num(2)>>\);
mistakes are whole numbers, so at most \(<<mistakes>>\).
"""

    def draw(self, rng):
        while True:
            a, b, c = TRIPLES[int(rng.integers(0, len(TRIPLES)))]
            a, b = a * int(rng.choice([-1, 1])), b * int(rng.choice([-1, 1]))
            n = int(rng.integers(4, 7))
            x = rng.integers(-4, 5, size=(n, 2))
            scores = x @ np.array([a, b])
            if np.any(np.abs(scores) < 2) or len({tuple(r) for r in x.tolist()}) < n:
                continue
            y = np.sign(scores)
            if abs(int(y.sum())) == n:  # both classes present
                continue
            r2 = float(np.max(np.sum(x * x, axis=1)))
            bound = r2 * c * c / float(np.min(np.abs(scores))) ** 2
            if r2 < 4 or bound > 400 or min(bound % 1, 1 - bound % 1) < 0.05:  # rounded R, gamma: same count
                continue
            p = {"u": [a, b, c], "points": x.tolist(), "labels": [int(v) for v in y]}
            if not any(part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        x, _, margins = _check(p)
        sq = np.sum(x * x, axis=1)
        r, gamma = math.sqrt(sq.max()), float(margins.min())
        return {"far": int(sq.argmax()) + 1, "r2": int(sq.max()), "r": r, "gamma": gamma,
                "closest": int(margins.argmin()) + 1, "gamma_num": round(gamma * p["u"][2]),
                "margins": ", ".join(rf"\({v:.3f}\)" for v in margins),
                "figure_body": scatter_tikz(p["points"], p["labels"], p["u"]),
                "figure_text": scatter_alt(p["points"], p["labels"], p["u"]),
                "u_tex": [("-" if v < 0 else "") + rf"\tfrac{{{abs(v)}}}{{{p['u'][2]}}}" for v in p["u"][:2]],
                "u_sum": f"{p['u'][0]} x_{{i1}} {'-' if p['u'][1] < 0 else '+'} {abs(p['u'][1])} x_{{i2}}",
                "bound": (r / gamma) ** 2, "mistakes": math.floor((r / gamma) ** 2 + 1e-9)}

    def solve(self, p):
        w = self.working(p)
        ratio = w["r"] / w["gamma"]
        return MultiPart((
            Part("a", r"\(R\)", Numerical(w["r"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["r2"], rationale="forgot the square root (gave the squared norm)"),))),
            Part("b", r"\(\gamma\)", Numerical(w["gamma"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["gamma_num"], rationale=r"did not divide by \(\lVert u\rVert\) (unnormalised u)"),))),
            Part("c", "Largest number of mistakes", Numerical(w["mistakes"], mistakes=(
                numeric_option(math.floor(ratio), rationale=r"forgot to square \(R/\gamma\)"),
                numeric_option(math.ceil(ratio ** 2), rationale="rounded the bound up"),
            ))),
        ))

    def verify(self, p):
        # Independent route: exact rationals. R^2 is an integer, gamma = min y (a x1 + b x2) / c exactly.
        a, b, c = p["u"]
        r2 = max(x1 * x1 + x2 * x2 for x1, x2 in p["points"])
        gamma = min(Fraction(y * (a * x1 + b * x2), c) for (x1, x2), y in zip(p["points"], p["labels"]))
        bound = Fraction(r2) / (gamma * gamma)
        return [math.sqrt(r2), float(gamma), bound.numerator // bound.denominator]
