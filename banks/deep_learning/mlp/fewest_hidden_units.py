"""Inverse problem: the fewest ReLU hidden units a shallow network needs for a number of linear regions.

A shallow ReLU network with ``d`` inputs and ``h`` hidden units is piecewise linear; its joints lie on
``h`` hyperplanes, which make at most ``r(h, d) = sum_{j=0}^{d} C(h, j)`` regions (general position). The
fewest units for ``R`` regions is the smallest ``h`` with ``r(h, d) >= R``.

Sources: Zaslavsky 1975 (regions of a hyperplane arrangement); Montufar et al. 2014, "On the number of
linear regions of deep neural networks"; Prince, "Understanding Deep Learning" (2023), section 3.3.
"""

import math
from math import comb
from typing import ClassVar

from generator.answers import Numerical
from generator.question import Question

MAX_UNITS = 60


def max_regions(h: int, d: int) -> int:
    return sum(comb(h, j) for j in range(d + 1))


def _check(p):
    d, r = p["input_dim"], p["regions"]
    for name, v in (("input_dim", d), ("regions", r)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if r < 2:
        raise ValueError("regions must be at least 2 (one region needs no hidden unit)")
    if d > 10 or max_regions(MAX_UNITS, d) < r:
        raise ValueError(f"keep input_dim <= 10 and regions reachable with {MAX_UNITS} units")
    return d, r


class FewestHiddenUnits(Question):
    id = "dl/mlp/fewest-hidden-units"
    title = "Fewest hidden units for a number of linear regions"
    topic = "mlp"
    tags = ("linear-regions", "relu", "inverse-problem")
    difficulty = "intermediate"
    source = "seed paper 004 (Q3(a)/(b), linear regions of shallow networks); Prince, Understanding Deep Learning, section 3.3"
    limits: ClassVar[dict[str, tuple[float, float]]] = {"input_dim": (1, 10), "regions": (2, 10**6)}
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = (1, math.inf)
    stem = r"""
A shallow network has <<"one input" if input_dim == 1 else input_dim ~ " inputs">>, one hidden layer of
ReLU units and one linear output, so its output is a piecewise linear function of the input. What is the
smallest number of hidden units with which the output can have <<regions>> linear regions
(with the weights chosen freely)?
"""
    solution = r"""
Each hidden unit has its joint on a <% if input_dim == 1 %>point<% elif input_dim == 2 %>line<% else %>hyperplane<% endif %>
of the input space. \(h\) such joints in general position cut \(\mathbb{R}^{<<input_dim>>}\) into at most
\(\sum_{j=0}^{<<input_dim>>}\binom{h}{j}\) regions:
\[ <% for row in table %>h = <<row.h>>: <<row.count>><% if not loop.last %>,\quad <% endif %><% endfor %>. \]
The first \(h\) that reaches \(<<regions>>\) is \(h = <<answer.value|num>>\)<% if exact %> (exactly the maximum)<% endif %>;
with \(<<answer.value - 1>>\) units at most \(<<below>>\) regions are possible.
"""

    def draw(self, rng):
        d = int(rng.choice([1, 1, 2, 2, 3]))
        h = int(rng.integers(2, 9 if d > 1 else 15))
        low, high = max_regions(h - 1, d) + 1, max_regions(h, d)
        return {"input_dim": d, "regions": int(rng.integers(low, high + 1)) if rng.random() < 0.6 else high}

    def working(self, p):
        h = self.solve(p).value
        start = max(1, h - 3)
        return {"table": [{"h": k, "count": max_regions(k, p["input_dim"])} for k in range(start, h + 1)],
                "below": max_regions(h - 1, p["input_dim"]),
                "exact": max_regions(h, p["input_dim"]) == p["regions"]}

    def solve(self, p):
        d, r = _check(p)
        h = 1
        while max_regions(h, d) < r:
            h += 1
        return Numerical(h)

    def verify(self, p):
        # Independent route: the recurrence r(h, d) = r(h-1, d) + r(h-1, d-1) (a new hyperplane is cut into
        # r(h-1, d-1) pieces by the others, each splitting one old region), tabulated bottom-up.
        d, r = _check(p)
        table = [[1] * (d + 1)]
        while table[-1][d] < r:
            prev = table[-1]
            table.append([1] + [prev[j] + prev[j - 1] for j in range(1, d + 1)])
        return len(table) - 1
