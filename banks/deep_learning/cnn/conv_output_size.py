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
    stem = r"""
A convolution layer with a \(<<kernel>>\times<<kernel>>\) kernel, stride \(<<stride>>\),
zero padding \(<<padding>>\) on every side and dilation \(<<dilation>>\) is applied to a
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
            if conv_output_size(**p) >= 2:
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
        return single_choice(numeric_option(out, correct=True), [
            numeric_option(conv_output_size(n, k, s, 0, d), rationale="ignored the padding"),
            numeric_option(conv_output_size(n, k, s, q, 1), rationale="ignored the dilation"),
            numeric_option((n + 2 * q - d * (k - 1) - 1) // s, rationale="forgot the +1"),
            numeric_option(conv_output_size(n, k, 1, q, d), rationale="ignored the stride"),
            numeric_option(conv_output_size(n, k, d, q, s), rationale="swapped stride and dilation"),
            numeric_option(out + 1, rationale="off by one"),
            numeric_option(out - 1, rationale="off by one"),
            numeric_option(out + 2, rationale="off by two"),
        ])

    def verify(self, p):
        # Independent route: slide the dilated kernel over a padded array and count positions.
        n, k, s, q, d = p["size"], p["kernel"], p["stride"], p["padding"], p["dilation"]
        padded = np.zeros(n + 2 * q)
        span = d * (k - 1) + 1
        windows = np.lib.stride_tricks.sliding_window_view(padded, span)[::s]
        return windows.shape[0]
