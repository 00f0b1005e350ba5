"""Weight sharing in numbers: a fully connected layer vs a convolution between the same two feature maps.

Input ``H x W x C_in``, output ``H x W x C_out`` (a 'same' convolution: ``k x k`` kernel, stride 1, padding
``(k - 1)/2``). Fully connected: ``(H W C_in)(H W C_out) + H W C_out`` parameters; convolution:
``k^2 C_in C_out + C_out``; each convolution weight is used at all ``H W`` output positions of its channel.
Sources: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 9.2 (parameter sharing); the
PyTorch docs of ``torch.nn.Linear`` and ``torch.nn.Conv2d``. The short-explanation counterpart is
``dl/cnn/conv-symmetry-essay``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question


def _check(p):
    size, c_in, c_out, k = (p[n] for n in ("size", "in_channels", "out_channels", "kernel"))
    for name, v in (("size", size), ("in_channels", c_in), ("out_channels", c_out), ("kernel", k)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if k % 2 == 0 or k > size:
        raise ValueError("kernel must be odd (for 'same' padding) and at most the input size")
    return size, c_in, c_out, k


class WeightSharingParams(Question):
    id = "dl/cnn/weight-sharing-params"
    title = "Weight sharing: fully connected vs convolutional parameters"
    topic = "cnn"
    tags = ("convolution", "weight-sharing", "parameters", "computation")
    difficulty = "beginner"
    points = 2.0
    limits: ClassVar[dict] = {"size": (1, 1024), "in_channels": (1, 4096), "out_channels": (1, 4096),
                              "kernel": (1, 31)}
    valid_range: ClassVar[dict] = {label: (1, math.inf) for label in "abc"}
    source = ("seed paper 000 (Major, CNN question 2: the weight sharing characteristic of CNNs); Goodfellow, "
              "Bengio & Courville, Deep Learning (2016), section 9.2")
    stem = r"""
A layer maps a \(<<size>>\times<<size>>\times<<in_channels>>\) input to a
\(<<size>>\times<<size>>\times<<out_channels>>\) output (height \(\times\) width \(\times\) channels), with a bias
for every output unit of a fully connected layer and for every output channel of a convolution.
(a) How many parameters does a fully connected layer between the two need?
(b) How many parameters does a convolution layer with \(<<kernel>>\times<<kernel>>\) kernels (stride 1,
padding <<pad>>) need?
(c) In the convolution, at how many output positions is each kernel weight used for one input image?
"""
    solution = r"""
(a) The input has \(<<size>>\cdot<<size>>\cdot<<in_channels>> = <<n_in>>\) and the output
\(<<size>>\cdot<<size>>\cdot<<out_channels>> = <<n_out>>\) units; every pair has its own weight, plus one bias per
output unit: \(<<n_in>>\cdot<<n_out>> + <<n_out>> = <<fc>>\).

(b) Each of the <<out_channels>> filters has \(<<kernel>>^2\cdot<<in_channels>> = <<filter>>\) weights and one bias:
\(<<out_channels>>\cdot(<<filter>> + 1) = <<conv>>\), independent of the image size.

(c) Weight sharing: each filter slides over all \(<<size>>\cdot<<size>> = <<positions>>\) output positions of its
channel, so each weight is used <<positions>> times; the fully connected layer has about
<<ratio>> times as many parameters.
"""

    def draw(self, rng):
        return {"size": int(rng.choice([8, 14, 16, 28, 32])), "in_channels": int(rng.choice([1, 3, 8, 16])),
                "out_channels": int(rng.choice([4, 8, 16, 32])), "kernel": int(rng.choice([3, 5]))}

    def working(self, p):
        size, c_in, c_out, k = _check(p)
        n_in, n_out = size * size * c_in, size * size * c_out
        fc, conv = n_in * n_out + n_out, c_out * (k * k * c_in + 1)
        return {"pad": (k - 1) // 2, "n_in": n_in, "n_out": n_out, "fc": fc, "filter": k * k * c_in, "conv": conv,
                "positions": size * size, "ratio": f"{fc / conv:.0f}"}

    def solve(self, p):
        size, c_in, c_out, k = _check(p)
        w = self.working(p)
        conv_mistakes = [numeric_option(k * k * c_in * c_out, rationale="forgot the biases"),
                         numeric_option(w["conv"] * size * size, rationale="counted a separate kernel per position "
                                        "(no weight sharing)")]
        if c_in > 1:
            conv_mistakes.append(numeric_option(k * k * c_out + c_out, rationale="forgot the input channels"))
        return MultiPart((
            Part("a", "Fully connected parameters", Numerical(w["fc"], mistakes=(
                numeric_option(w["n_in"] * w["n_out"], rationale="forgot the biases"),
            ))),
            Part("b", "Convolution parameters", Numerical(w["conv"], mistakes=tuple(conv_mistakes))),
            Part("c", "Uses of each weight", Numerical(w["positions"], mistakes=(
                numeric_option(k * k, rationale="gave the kernel size"),
                numeric_option(size * size * c_out, rationale="counted every output unit of all channels"),
            ))),
        ))

    def verify(self, p):
        # Independent route: the weight arrays' sizes, and counting the windows a stride-1 'same' kernel visits.
        size, c_in, c_out, k = _check(p)
        fc = np.zeros((size * size * c_in, size * size * c_out)).size + size * size * c_out
        conv = np.zeros((c_out, c_in, k, k)).size + c_out
        padded = np.zeros((size + k - 1, size + k - 1))
        windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k))
        return [fc, conv, windows.shape[0] * windows.shape[1]]
