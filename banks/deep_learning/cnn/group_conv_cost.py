"""Multiply-adds of a grouped convolution on a given input, compared with a standard convolution.

Output ``H_out = floor((H + 2p - k)/s) + 1`` (square); each of the ``H_out^2 C_out`` outputs needs
``(C_in / g) k^2`` multiply-adds, so ``MACs = H_out^2 C_out (C_in / g) k^2`` (bias additions not counted):
``g`` times fewer than the standard convolution.

Sources: the PyTorch docs of ``torch.nn.Conv2d`` (``groups``, shape section) and
``torch.utils.flop_counter.FlopCounterMode`` (2 FLOPs per multiply-add); Zhang et al. 2018, "ShuffleNet",
section 3 (the cost of grouped convolutions); Xie et al. 2017 (ResNeXt).
"""

import math
from typing import ClassVar

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    for name in ("size", "in_channels", "out_channels", "kernel", "groups", "stride"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if not isinstance(p["padding"], int) or p["padding"] < 0:
        raise ValueError("padding must be a non-negative integer")
    if p["in_channels"] % p["groups"] or p["out_channels"] % p["groups"]:
        raise ValueError("groups must divide both channel counts")
    out = (p["size"] + 2 * p["padding"] - p["kernel"]) // p["stride"] + 1
    if out < 1:
        raise ValueError("the kernel does not fit")
    return out


class GroupConvCost(Question):
    id = "dl/cnn/group-conv-cost"
    title = "Compute cost of a grouped convolution"
    topic = "cnn"
    tags = ("convolution", "grouped-convolution", "complexity")
    difficulty = "intermediate"
    points = 3.0
    source = "seed papers 001 (efficient convolutions) and 000 (compression); PyTorch docs, nn.Conv2d (groups); ShuffleNet"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"a": (1, math.inf), "b": (1, math.inf), "c": (1, math.inf)}
    stem = r"""
The layer \texttt{nn.Conv2d(<<in_channels>>, <<out_channels>>, <<kernel>>, stride=<<stride>>, padding=<<padding>>, groups=<<groups>>)}
is applied to one \(<<in_channels>>\times<<size>>\times<<size>>\) input. Count one multiply-add per weight used
for one output value and ignore the biases.
"""
    solution = r"""
\textbf{(a)} \(\lfloor (<<size>> + 2\cdot<<padding>> - <<kernel>>)/<<stride>> \rfloor + 1 = <<answer.parts[0].answer.value|num>>\).

\textbf{(b)} Each output value sees \(<<in_channels>>/<<groups>> = <<per_group>>\) input channels through a \(<<kernel>>\times<<kernel>>\)
kernel: \(<<per_group * kernel * kernel>>\) multiply-adds. There are \(<<answer.parts[0].answer.value|num>>^2\cdot<<out_channels>>\) output values:
\[ <<answer.parts[0].answer.value|num>>^2\cdot<<out_channels>>\cdot<<per_group>>\cdot<<kernel>>^2 = <<answer.parts[1].answer.value|num>>. \]

\textbf{(c)} A standard convolution uses all \(<<in_channels>>\) input channels for every output, \(<<groups>>\) times as many:
\(<<answer.parts[2].answer.value|num>>\).
"""

    def draw(self, rng):
        g = int(rng.choice([2, 4, 8, 32]))
        return {"size": int(rng.choice([14, 28, 32, 56])), "in_channels": g * int(rng.choice([2, 4, 8])),
                "out_channels": g * int(rng.choice([2, 4, 8])), "kernel": int(rng.choice([3, 3, 5])),
                "groups": g, "stride": int(rng.choice([1, 1, 2])), "padding": int(rng.choice([0, 1, 2]))}

    def working(self, p):
        _check(p)
        return {"per_group": p["in_channels"] // p["groups"]}

    def solve(self, p):
        out = _check(p)
        macs = out * out * p["out_channels"] * (p["in_channels"] // p["groups"]) * p["kernel"] ** 2
        return MultiPart((
            Part("a", "What is the height (= width) of the output?", Numerical(out)),
            Part("b", "How many multiply-adds does the layer perform?", Numerical(macs)),
            Part("c", "How many would the same layer without groups (groups=1) perform?", Numerical(macs * p["groups"])),
        ))

    def verify(self, p):
        # Independent route: count window positions along one axis, then add up the work group by group
        # (each group: its outputs times its inputs times the kernel area).
        _check(p)
        positions = len(range(0, p["size"] + 2 * p["padding"] - p["kernel"] + 1, p["stride"]))
        g = p["groups"]
        per_group = [positions**2 * (p["out_channels"] // g) * (p["in_channels"] // g) * p["kernel"] ** 2
                     for _ in range(g)]
        return [positions, sum(per_group), positions**2 * p["out_channels"] * p["in_channels"] * p["kernel"] ** 2]
