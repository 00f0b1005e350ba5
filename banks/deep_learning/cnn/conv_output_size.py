"""Output size of a 2-D convolution (square input, square kernel)."""

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question


def conv_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """floor((size + 2*padding - dilation*(kernel-1) - 1) / stride) + 1.

    Source: Dumoulin & Visin, "A guide to convolution arithmetic for deep
    learning" (2016), relationship 15; the PyTorch ``torch.nn.Conv2d`` docs.
    """
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


class ConvOutputSize(Question):
    id = "dl/cnn/conv-output-size"
    title = "Output size of a 2-D convolution"
    topic = "cnn"
    tags = ("convolution", "shapes")
    difficulty = "beginner"
    source = "seed papers 000 (Quiz-1) and 001 (Q7, dilation)"
    valid_range = (1, float("inf"))
    stem = r"""
A convolution layer with a \(<<kernel>>\times<<kernel>>\) kernel, stride \(<<stride>>\),
<% if padding %>zero padding \(<<padding>>\) on every side<% else %>no padding<% endif %> and dilation \(<<dilation>>\) is applied to a
\(<<size>>\times<<size>>\) input. Sizes are rounded down (floor), as in PyTorch's
\texttt{Conv2d}. What is the height (= width) of the output?
"""
    solution = r"""
The effective kernel size is \(d(k-1)+1 = <<dilation>>\cdot(<<kernel>>-1)+1 = <<effective>>\). Then
\[ \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1
 = \left\lfloor \frac{<<size>> + 2\cdot<<padding>> - <<effective>>}{<<stride>>} \right\rfloor + 1
 = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        while True:
            p = {"size": int(rng.integers(7, 65)), "kernel": int(rng.choice([3, 5, 7])),
                 "stride": int(rng.integers(1, 4)), "padding": int(rng.integers(0, 4)),
                 "dilation": int(rng.choice([1, 1, 2, 3]))}
            if conv_output_size(**p) >= 4:  # room for mistakes below the key as well as above
                return p

    def working(self, p):
        return {"effective": p["dilation"] * (p["kernel"] - 1) + 1}

    def solve(self, p):
        for name in ("size", "kernel", "stride", "dilation"):
            if p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        if p["padding"] < 0:
            raise ValueError("padding must be >= 0")
        out = conv_output_size(p["size"], p["kernel"], p["stride"], p["padding"], p["dilation"])
        if out < 1:
            raise ValueError("the kernel does not fit the padded input")
        n, k, s, q, d = p["size"], p["kernel"], p["stride"], p["padding"], p["dilation"]
        e = d * (k - 1) + 1
        candidates = [
            (conv_output_size(n, k, s, 0, d), "ignored the padding"),
            ((n + q - e) // s + 1, "padded one side only"),
            ((n + 2 * q - e) // s, "forgot the +1"),
            ((n + 2 * q - d * k) // s + 1, r"took the dilated kernel to span \(d\cdot k\) pixels"),
            (out - 1, "off by one (miscounted the window positions)"),
            (out - 2, "off by two (miscounted the window positions)"),
            ((n - e) // s, "ignored the padding and forgot the +1"),
            ((n + q - e) // s, "padded one side only and forgot the +1"),
            ((n + 2 * q - 2 * e) // s + 1, "subtracted the kernel span twice"),
            ((n + 2 * q - e) // k + 1, "used the kernel size as the stride"),
            (conv_output_size(n, k, s, q, 1), "ignored the dilation"),
            (conv_output_size(n, k, 1, q, d), "ignored the stride"),
            (-(-(n + 2 * q - e) // s) + 1, "rounded the division up"),
            ((n + 2 * q) // s + 1, "did not subtract the kernel"),
            (conv_output_size(n, k, d, q, s), "swapped stride and dilation"),
            (out + 1, "off by one (miscounted the window positions)"),
            (out + 2, "off by two (miscounted the window positions)"),
        ]
        return single_choice(numeric_option(out, correct=True),
                             [numeric_option(v, rationale=why) for v, why in candidates],
                             sample_wrong=True, valid=self.valid_range)

    def verify(self, p):
        # Independent route: slide the dilated kernel over a padded array and count positions.
        n, k, s, q, d = p["size"], p["kernel"], p["stride"], p["padding"], p["dilation"]
        padded = np.zeros(n + 2 * q)
        span = d * (k - 1) + 1
        windows = np.lib.stride_tricks.sliding_window_view(padded, span)[::s]
        return windows.shape[0]
