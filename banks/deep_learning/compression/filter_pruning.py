"""Structured (filter) pruning: removing filters of one convolution also shrinks the next one.

Two stacked convolutions ``C0 -> C1`` (``k1 x k1``) and ``C1 -> C2`` (``k2 x k2``), both with biases.
Removing ``r`` filters of the first layer removes their weights and biases, *and* the ``r`` input channels
of the second layer that read their outputs: the layers keep ``(C1 - r)(C0 k1^2 + 1)`` and
``C2 ((C1 - r) k2^2 + 1)`` parameters.

Sources: Li, Kadav, Durdanovic, Samet & Graf 2017, "Pruning Filters for Efficient ConvNets", section 3.1
and figure 2 (pruning a filter removes the corresponding feature map and the kernels that read it); the
PyTorch docs of ``torch.nn.Conv2d`` and ``torch.nn.utils.prune.ln_structured``.
"""

import math
from typing import ClassVar

from generator.answers import numeric_option, single_choice
from generator.question import Question


def _check(p):
    for name in ("c0", "c1", "c2", "k1", "k2", "removed"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["removed"] >= p["c1"]:
        raise ValueError("removed must be fewer than the first layer's filters")
    return p["c0"], p["c1"], p["c2"], p["k1"], p["k2"], p["removed"]


def conv(c_in, c_out, k, bias=True):
    return c_out * c_in * k * k + (c_out if bias else 0)


class FilterPruning(Question):
    id = "dl/compression/filter-pruning"
    title = "Parameters left after filter pruning"
    topic = "compression"
    tags = ("compression", "pruning", "convolution", "parameters")
    difficulty = "intermediate"
    points = 2.0
    source = "seed papers 000 (Major, model compression) and 001 (pruning); Li et al. 2017, Pruning Filters for Efficient ConvNets"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    stem = r"""
Two convolution layers follow each other (with a ReLU between them): the first maps <<c0>> channels to
<<c1>> with \(<<k1>>\times<<k1>>\) kernels, the second maps these <<c1>> channels to <<c2>> with
\(<<k2>>\times<<k2>>\) kernels; both have one bias per output channel. Filter pruning removes the
<<removed>> filters of the first layer with the smallest \(\ell_1\) norms, and the network is rebuilt
without them. How many parameters do the two layers have together after pruning?
"""
    solution = r"""
The first layer keeps \(<<c1>> - <<removed>> = <<kept>>\) filters, each with \(<<c0>>\cdot<<k1>>^2\) weights and
a bias: \(<<kept>>\cdot(<<c0>>\cdot<<k1 * k1>> + 1) = <<first>>\). The removed filters' feature maps no longer
exist, so every filter of the second layer loses the \(<<removed>>\) kernels that read them: it keeps
\(<<kept>>\cdot<<k2>>^2\) weights and its bias, \(<<c2>>\cdot(<<kept>>\cdot<<k2 * k2>> + 1) = <<second>>\).
In total \(<<answer.value|num>>\) (from <<before>> before pruning).
"""

    def draw(self, rng):
        c1 = int(rng.choice([16, 32, 64, 128]))
        return {"c0": int(rng.choice([3, 16, 32])), "c1": c1, "c2": int(rng.choice([16, 32, 64, 128])),
                "k1": int(rng.choice([3, 5])), "k2": int(rng.choice([1, 3])),
                "removed": c1 * int(rng.integers(1, 7)) // 8}

    def working(self, p):
        c0, c1, c2, k1, k2, r = _check(p)
        return {"kept": c1 - r, "first": conv(c0, c1 - r, k1), "second": conv(c1 - r, c2, k2),
                "before": conv(c0, c1, k1) + conv(c1, c2, k2)}

    def solve(self, p):
        c0, c1, c2, k1, k2, r = _check(p)
        kept = c1 - r
        right = conv(c0, kept, k1) + conv(kept, c2, k2)
        mistakes = [
            numeric_option(conv(c0, kept, k1) + conv(c1, c2, k2),
                           rationale="left the second layer unchanged (its kernels for the removed maps stay)"),
            numeric_option(conv(c0, kept, k1) + conv(kept, c2 - r, k2),
                           rationale="also removed filters of the second layer"),
            numeric_option(conv(c0, kept, k1, bias=False) + conv(kept, c2, k2, bias=False), rationale="forgot the biases"),
            numeric_option(conv(c0, c1, k1) + conv(c1, c2, k2), rationale="counted the network before pruning"),
            numeric_option(right + r, rationale="kept the removed filters' biases"),
            numeric_option(conv(c0, kept, k1), rationale="counted only the pruned layer"),
            numeric_option(conv(c0, kept, k1) + conv(c1, c2, k2) - r * k2 * k2,
                           rationale="removed only one kernel per removed map from the second layer"),
            numeric_option(conv(c0, c1, k1) + conv(c1, c2, k2) - r * c0 * k1 * k1,
                           rationale="removed only the weights of one input channel per pruned filter"),
        ]
        return single_choice(numeric_option(right, correct=True), mistakes, valid=self.valid_range)

    def verify(self, p):
        # Independent route: the weight tensors as shapes, slicing out the pruned output channels of the
        # first layer and the same input channels of the second.
        c0, c1, c2, k1, k2, r = _check(p)
        keep = [i for i in range(c1) if i >= r]  # which filters go does not change the count
        w1, b1 = (len(keep), c0, k1, k1), (len(keep),)
        w2, b2 = (c2, len(keep), k2, k2), (c2,)
        return sum(math.prod(s) for s in (w1, b1, w2, b2))
