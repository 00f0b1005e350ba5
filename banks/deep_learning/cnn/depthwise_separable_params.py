"""Parameters of a depthwise separable convolution (no biases).

A depthwise separable convolution is a depthwise convolution (one k x k
filter per input channel: ``torch.nn.Conv2d(C_in, C_in, k, groups=C_in)``,
weight shape ``(C_in, 1, k, k)``) followed by a pointwise 1 x 1 convolution
(``torch.nn.Conv2d(C_in, C_out, 1)``, weight shape ``(C_out, C_in, 1, 1)``).
Without biases it has ``k*k*C_in + C_in*C_out`` parameters.

Sources: Howard et al., "MobileNets: Efficient Convolutional Neural Networks
for Mobile Vision Applications" (2017), section 3.1; Chollet, "Xception"
(2017); the PyTorch docs of ``torch.nn.Conv2d`` (``groups``).
"""

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question


class DepthwiseSeparableParams(Question):
    id = "dl/cnn/depthwise-separable-params"
    title = "Parameters of a depthwise separable convolution"
    topic = "cnn"
    tags = ("convolution", "parameters", "depthwise-separable", "mobilenet")
    difficulty = "intermediate"
    points = 1.0
    source = "seed paper 001 (Beginner Q8)"
    valid_range = (1, float("inf"))
    stem = r"""
A standard \(<<kernel>>\times<<kernel>>\) convolution from \(C_{in} = <<in_channels>>\) to
\(C_{out} = <<out_channels>>\) channels is replaced by a depthwise separable convolution: a depthwise
\(<<kernel>>\times<<kernel>>\) convolution (one filter per input channel, each seeing only its own channel)
followed by a pointwise \(1\times 1\) convolution to \(<<out_channels>>\) channels. Neither part has biases.
How many trainable parameters does the depthwise separable convolution have?
"""
    solution = r"""
Depthwise part: one \(<<kernel>>\times<<kernel>>\) filter per input channel,
\(<<kernel>>^2\cdot<<in_channels>> = <<depthwise>>\) weights.
Pointwise part: a \(1\times1\) convolution from \(<<in_channels>>\) to \(<<out_channels>>\) channels,
\(<<in_channels>>\cdot<<out_channels>> = <<pointwise>>\) weights.
\[ <<depthwise>> + <<pointwise>> = <<answer.value|num>>. \]
(The standard convolution would need \(<<kernel>>^2\cdot<<in_channels>>\cdot<<out_channels>> = <<standard>>\).)
"""

    def draw(self, rng):
        return {
            "in_channels": int(rng.choice([16, 24, 32, 48, 64, 96, 128])),
            "out_channels": int(rng.choice([32, 64, 96, 128, 192, 256])),
            "kernel": int(rng.choice([3, 3, 5, 7])),
        }

    def working(self, p):
        k, c_in, c_out = p["kernel"], p["in_channels"], p["out_channels"]
        return {
            "depthwise": k * k * c_in,
            "pointwise": c_in * c_out,
            "standard": k * k * c_in * c_out,
        }

    def solve(self, p):
        for name in ("in_channels", "out_channels", "kernel"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        k, c_in, c_out = p["kernel"], p["in_channels"], p["out_channels"]
        right = k * k * c_in + c_in * c_out
        candidates = [
            (k * k * c_in * c_out, "counted a standard convolution"),
            (k * k * c_in, "forgot the pointwise convolution"),
            (c_in * c_out, "forgot the depthwise convolution"),
            (k * k * c_out + c_in * c_out, "one depthwise filter per output channel"),
            (k * k * c_in + c_in * c_out + c_in + c_out, "added biases the question excludes"),
            (k * c_in + c_in * c_out, "did not square the kernel size"),
            (k * k + c_in * c_out, "used one depthwise filter shared by all input channels"),
            (k * k * c_in + c_out, "gave the pointwise convolution one weight per output channel"),
            (k * k * c_in * c_in + c_in * c_out, "made the depthwise part a full convolution"),
            (
                k * k * c_in * c_out + c_in * c_out,
                "added the pointwise weights to a standard convolution",
            ),
        ]
        return single_choice(
            numeric_option(right, correct=True),
            [numeric_option(v, rationale=why, group="part" if why.startswith("forgot the") else "")
             for v, why in candidates],
            sample_wrong=True, valid=self.valid_range,
        )

    def verify(self, p):
        # Independent route: build the two weight tensors as torch.nn.Conv2d stores them and count entries.
        k, c_in, c_out = p["kernel"], p["in_channels"], p["out_channels"]
        depthwise = np.zeros(
            (c_in, 1, k, k)
        )  # groups = C_in: C_in / groups = 1 input channel per filter
        pointwise = np.zeros((c_out, c_in, 1, 1))
        return depthwise.size + pointwise.size
