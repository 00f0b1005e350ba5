"""Parameters of a grouped 2-D convolution.

With ``groups = g`` the ``C_in`` input channels and ``C_out`` output channels are split into ``g``
groups; each output channel sees only the ``C_in / g`` input channels of its group, so the weight tensor
has shape ``C_out x (C_in / g) x k x k`` and the layer holds ``C_out * (C_in / g) * k^2`` weights plus
``C_out`` biases (when it has a bias).

Sources: the PyTorch docs of ``torch.nn.Conv2d`` (``groups``; weight shape
``(out_channels, in_channels / groups, kH, kW)``); Krizhevsky, Sutskever & Hinton 2012 (AlexNet's two
groups); Xie et al. 2017, "Aggregated Residual Transformations" (ResNeXt, grouped convolutions).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question


def _check(p):
    for name in ("in_channels", "out_channels", "kernel", "groups"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["in_channels"] % p["groups"] or p["out_channels"] % p["groups"]:
        raise ValueError("groups must divide both in_channels and out_channels (as torch.nn.Conv2d requires)")
    if not isinstance(p["bias"], bool):
        raise TypeError("bias must be true or false")
    return p["in_channels"], p["out_channels"], p["kernel"], p["groups"], p["bias"]


class GroupConvParams(Question):
    id = "dl/cnn/group-conv-params"
    title = "Parameters of a grouped convolution"
    topic = "cnn"
    tags = ("convolution", "parameters", "grouped-convolution")
    difficulty = "intermediate"
    source = "PyTorch docs, torch.nn.Conv2d (groups); ResNeXt (Xie et al. 2017); seed exams' compression topics"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    limits: ClassVar[dict[str, tuple[float, float]]] = {"in_channels": (1, 4096), "out_channels": (1, 4096), "kernel": (1, 15), "groups": (1, 4096)}
    stem = r"""
A grouped convolution layer maps \(<<in_channels>>\) input channels to \(<<out_channels>>\) output channels
with \(<<kernel>>\times<<kernel>>\) kernels and \(<<groups>>\) groups
(\texttt{torch.nn.Conv2d(<<in_channels>>, <<out_channels>>, <<kernel>>, groups=<<groups>>, bias=<<"True" if bias else "False">>)}).
The channels are split into <<groups>> equal groups and each output channel is connected only to the input
channels of its own group. <% if bias %>Every output channel has one bias.<% else %>The layer has no biases.<% endif %>
How many learnable parameters does the layer have?
"""
    solution = r"""
Each output channel sees \(<<in_channels>>/<<groups>> = <<per_group>>\) input channels, so its kernel has
\(<<per_group>>\cdot<<kernel>>^2 = <<per_filter>>\) weights. With \(<<out_channels>>\) output channels:
\[ <<out_channels>>\cdot<<per_filter>><% if bias %> + <<out_channels>><% endif %> = <<answer.value|num>>. \]
A standard convolution (one group) would need \(<<standard>>\) parameters: grouping divides the weights by
the number of groups.
"""

    def draw(self, rng):
        g = int(rng.choice([2, 4, 8, 16, 32]))
        while True:
            c_in = g * int(rng.integers(1, 9)) * int(rng.choice([1, 2, 4]))
            c_out = g * int(rng.integers(1, 9)) * int(rng.choice([1, 2, 4]))
            if c_in > g and c_out > g and c_in <= 512 and c_out <= 512:
                break
        return {"in_channels": c_in, "out_channels": c_out, "kernel": int(rng.choice([3, 3, 5, 7])),
                "groups": g, "bias": bool(rng.integers(0, 2))}

    def working(self, p):
        c_in, c_out, k, g, bias = _check(p)
        return {"per_group": c_in // g, "per_filter": c_in // g * k * k,
                "standard": c_in * c_out * k * k + (c_out if bias else 0)}

    def solve(self, p):
        c_in, c_out, k, g, bias = _check(p)
        b = c_out if bias else 0
        right = c_out * (c_in // g) * k * k + b
        correct = numeric_option(right, correct=True)
        mistakes = [
            numeric_option(c_in * c_out * k * k + b, rationale="ignored the groups (a standard convolution)"),
            numeric_option(c_out * c_in * k * k * g + b, rationale="multiplied by the number of groups instead of dividing"),
            numeric_option(right + (g - 1) * c_out, rationale="counted the biases once per group for every output channel")
            if bias else numeric_option(right + c_out, rationale="added biases the layer does not have"),
            numeric_option((c_out // g) * (c_in // g) * k * k + b // g, rationale="counted a single group only"),
            numeric_option(c_out * (c_in // g) * k * k, rationale="forgot the biases") if bias else
            numeric_option((c_in * c_out * k * k) // (g * g), rationale="divided the weights by the groups twice"),
            numeric_option(c_out * (c_in // g) * k + b, rationale="used k instead of k squared"),
            numeric_option(c_out * k * k + b, rationale="took it for a depthwise convolution (one input channel per filter)"),
            numeric_option((c_in * c_out * k * k) // (g * g) + b, rationale="divided the weights by the groups twice"),
            numeric_option(right + c_in, rationale="counted a bias per input channel too"),
        ]
        return single_choice(correct, mistakes, valid=self.valid_range)

    def verify(self, p):
        # Independent route: the block-diagonal weight of the equivalent dense convolution (one block per
        # group) counted entry by entry, as a boolean connectivity mask over (out, in) channel pairs.
        c_in, c_out, k, g, bias = _check(p)
        group_in = np.arange(c_in) * g // c_in
        group_out = np.arange(c_out) * g // c_out
        connected = group_out[:, None] == group_in[None, :]
        return int(connected.sum()) * k * k + (c_out if bias else 0)
