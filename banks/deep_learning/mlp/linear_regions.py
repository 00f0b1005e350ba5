"""Maximum number of linear regions of a shallow ReLU network.

A shallow network with D_i inputs and H ReLU hidden units splits input space with H hyperplanes
(the joints of the hidden units). H hyperplanes in general position in R^{D_i} make at most
N = sum_{j=0}^{D_i} C(H, j) regions.
Sources: Zaslavsky 1975 ("Facing up to arrangements", the region count of a hyperplane arrangement);
Montufar et al. 2014 ("On the number of linear regions of deep neural networks"); Prince,
"Understanding Deep Learning" (2023), section 3.3.
"""

from functools import cache
from math import comb

from generator.answers import numeric_option, single_choice
from generator.question import Question


def max_regions(d: int, h: int) -> int:
    return sum(comb(h, j) for j in range(d + 1))


@cache
def regions_by_recursion(h: int, d: int) -> int:
    """Independent route: adding a hyperplane in general position to an arrangement of h-1 in R^d cuts
    as many old regions in two as the h-1 hyperplanes make on it (an arrangement in R^{d-1}):
    r(h, d) = r(h-1, d) + r(h-1, d-1), r(0, d) = 1, r(h, 0) = 1."""
    if h == 0 or d == 0:
        return 1
    return regions_by_recursion(h - 1, d) + regions_by_recursion(h - 1, d - 1)


def _check(p):
    d, h = p["input_dim"], p["hidden_units"]
    for name, v in (("input_dim", d), ("hidden_units", h)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if h > 200:
        raise ValueError("hidden_units must be at most 200")
    return d, h


class LinearRegions(Question):
    id = "dl/mlp/linear-regions"
    title = "Maximum number of linear regions of a shallow ReLU network"
    topic = "mlp"
    tags = ("mlp", "relu", "linear-regions", "capacity")
    difficulty = "intermediate"
    source = "seed papers 004 (Q1(b)) and 003 (Intermediate Q1)"
    points = 2.0
    stem = r"""
A shallow network has a \(<<input_dim>>\)-dimensional input, one hidden layer of \(<<hidden_units>>\) ReLU units
and a single linear output. Its output is a piecewise linear function of the input. What is the
\textbf{maximum} number of linear regions into which the hidden units can divide the input space
(joints in general position)?
"""
    solution = r"""
Each hidden unit contributes one hyperplane (where its pre-activation is zero). \(H = <<hidden_units>>\)
hyperplanes in general position in \(\mathbb{R}^{<<input_dim>>}\) create at most (Zaslavsky)
\[ N = \sum_{j=0}^{<<input_dim>>} \binom{<<hidden_units>>}{j} = <<terms>> = <<answer.value|num>>. \]
<% if input_dim >= hidden_units %>Since \(D_i \ge H\), every sign pattern of the hidden units is reachable and \(N = 2^{<<hidden_units>>}\).<% endif %>
"""

    valid_range = (2, float("inf"))

    def draw(self, rng):
        while True:
            d = int(rng.choice([1, 2, 2, 3, 3, 4, 5]))
            h = int(rng.integers(2, 13))
            if max_regions(d, h) <= 5000:
                return {"input_dim": d, "hidden_units": h}

    def working(self, p):
        d, h = _check(p)
        return {"terms": " + ".join(str(comb(h, j)) for j in range(min(d, h) + 1))}

    def solve(self, p):
        d, h = _check(p)
        n = max_regions(d, h)
        return single_choice(numeric_option(n, correct=True), [
            numeric_option(2 ** h, rationale=r"counted every on/off pattern of the hidden units, \(2^H\), "
                                             r"which needs \(D_i \ge H\)"),
            numeric_option(h + 1, rationale=r"used the one-dimensional count \(H+1\)"),
            numeric_option(comb(h, d), rationale=r"kept only the last term \(\binom{H}{D_i}\) of the sum"),
            numeric_option(max_regions(d - 1, h), rationale=r"stopped the sum at \(j = D_i - 1\)"),
            numeric_option(2 ** d, rationale=r"summed \(\binom{D_i}{j}\) instead of \(\binom{H}{j}\)"),
            numeric_option(max_regions(d, h + 1), rationale=r"used \(H+1\) hyperplanes"),
            numeric_option(d * h + 1, rationale=r"assumed each hyperplane adds \(D_i\) regions"),
            numeric_option(h ** d, rationale=r"raised \(H\) to the power \(D_i\)"),
            numeric_option(max_regions(d, h - 1), rationale=r"used \(H-1\) hyperplanes"),
            numeric_option(max_regions(d + 1, h), rationale=r"summed one term too many, to \(j = D_i + 1\)"),
            numeric_option(2 * h, rationale=r"assumed each hyperplane adds two regions"),
            numeric_option(h, rationale=r"counted one region per hidden unit"),
            numeric_option(comb(h - 1, d), rationale=r"counted only the bounded regions, \(\binom{H-1}{D_i}\)"),
        ], sample_wrong=True, valid=self.valid_range)

    def verify(self, p):
        d, h = _check(p)
        return regions_by_recursion(h, d)
