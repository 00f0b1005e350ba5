"""Trainable parameters of one 2-D convolution layer (weights and biases).

Source: the PyTorch docs of ``torch.nn.Conv2d``: the weight has shape
``(out_channels, in_channels / groups, kernel_h, kernel_w)`` and, with
``bias=True``, the bias has shape ``(out_channels,)``. With ``groups=1`` and a
square kernel the layer has ``k*k*C_in*C_out + C_out`` parameters.
"""

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question


def conv_param_count(c_in: int, c_out: int, k: int) -> int:
    """k*k*C_in*C_out weights plus one bias per output channel (torch.nn.Conv2d, groups=1)."""
    return k * k * c_in * c_out + c_out


class ConvParams(Question):
    id = "dl/cnn/conv-params"
    title = "Parameters of a convolution layer"
    topic = "cnn"
    tags = ("convolution", "parameters")
    difficulty = "beginner"
    points = 1.0
    source = "seed papers 000 (Quiz-1, Q3) and 002 (Q2c, CNN layer table)"
    stem = r"""
A convolution layer takes a \(<<size>>\times<<size>>\times<<in_channels>>\) feature map
(height \(\times\) width \(\times\) channels) and produces \(<<out_channels>>\) output channels
with \(<<kernel>>\times<<kernel>>\) kernels, stride 1 and ``same'' zero padding. Every kernel
spans all input channels (no groups), and the layer has one bias per output channel, as
\texttt{torch.nn.Conv2d} with \texttt{bias=True}. How many trainable parameters (weights plus
biases) does the layer have?
"""
    solution = r"""
Each of the \(<<out_channels>>\) filters has \(<<kernel>>\cdot<<kernel>>\cdot<<in_channels>> = <<per_filter>>\)
weights (the kernel spans <% if in_channels > 1 %>all \(<<in_channels>>\) input channels<% else %>the one input
channel<% endif %>) and one bias. The input's height and width
do not matter: the same filters slide over every position.
\[ <<kernel>>^2\cdot<<in_channels>>\cdot<<out_channels>> + <<out_channels>> = <<weights>> + <<out_channels>>
 = <<answer.value|num>>. \]
"""

    valid_range = (1, float("inf"))

    def draw(self, rng):
        return {
            "in_channels": int(rng.choice([1, 3, 8, 16, 32, 48, 64, 128])),
            "out_channels": int(rng.choice([8, 16, 24, 32, 64, 96, 128, 256])),
            "kernel": int(rng.choice([3, 3, 5, 5, 7])),
            "size": int(rng.choice([28, 32, 56, 64, 112, 224])),
        }

    def working(self, p):
        k, c_in, c_out = p["kernel"], p["in_channels"], p["out_channels"]
        return {"per_filter": k * k * c_in, "weights": k * k * c_in * c_out}

    def solve(self, p):
        for name in ("in_channels", "out_channels", "kernel"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        c_in, c_out, k, n = p["in_channels"], p["out_channels"], p["kernel"], p["size"]
        right = conv_param_count(c_in, c_out, k)
        candidates = [
            (k * k * c_in * c_out, "forgot the biases"),
            (
                k * k * c_in * c_out + c_in,
                "one bias per input channel instead of per output channel",
            ),
            (k * k * c_out + c_out, "forgot that each kernel spans all input channels"),
            (k * c_in * c_out + c_out, "did not square the kernel size"),
            (k * k * c_in * c_out + c_in * c_out, "one bias per (input, output) channel pair"),
            (k * k * c_in + c_out, "counted the weights of a single filter only"),
            (k * k * (c_in + c_out) + c_out, "added the channel counts instead of multiplying"),
            (
                (k * k * c_in * c_out + c_out) * n * n,
                "multiplied by the number of output positions",
            ),
            (k * k * c_in * c_out + c_out * n * n, "one bias per output channel and position"),
            (k * k * c_in * c_out * 2, "one bias per weight"),
            ((k + 1) * (k + 1) * c_in * c_out + c_out, r"took the kernel as \((k+1)\times(k+1)\)"),
        ]
        return single_choice(
            numeric_option(right, correct=True),
            [numeric_option(v, rationale=why) for v, why in candidates],
            sample_wrong=True, valid=self.valid_range,
        )

    def verify(self, p):
        # Independent route: build the weight and bias tensors of the layer and count their entries.
        weight = np.zeros((p["out_channels"], p["in_channels"], p["kernel"], p["kernel"]))
        bias = np.zeros(p["out_channels"])
        return weight.size + bias.size
