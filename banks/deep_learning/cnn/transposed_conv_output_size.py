"""Output size of a 2-D transposed convolution (square input, square kernel, dilation 1).

``out = (size - 1)*stride - 2*padding + kernel + output_padding``.

Sources: the PyTorch docs of ``torch.nn.ConvTranspose2d`` (shape formula with
dilation 1; ``output_padding`` must be smaller than the stride); Dumoulin &
Visin, "A guide to convolution arithmetic for deep learning" (2016),
relationship 14 (which adds ``a`` = output_padding for the "odd" cases).
"""

import numpy as np

from generator.answers import Numerical
from generator.question import Question


def transposed_output_size(n: int, k: int, s: int, p: int, op: int) -> int:
    """(n - 1)*s - 2*p + k + op (torch.nn.ConvTranspose2d, dilation 1)."""
    return (n - 1) * s - 2 * p + k + op


class TransposedConvOutputSize(Question):
    id = "dl/cnn/transposed-conv-output-size"
    title = "Output size of a transposed convolution"
    topic = "cnn"
    tags = ("transposed-convolution", "shapes", "upsampling")
    difficulty = "intermediate"
    points = 1.0
    source = "seed papers 001 (Q17, transposed convolution) and 003 (Intermediate Q2)"
    valid_range = (1, float("inf"))
    stem = r"""
A transposed convolution (as \texttt{torch.nn.ConvTranspose2d}, dilation 1) with a
\(<<kernel>>\times<<kernel>>\) kernel, stride \(<<stride>>\), padding \(<<padding>>\) and
output padding \(<<output_padding>>\) is applied to a \(<<size>>\times<<size>>\) input.
Conventions: every input entry adds a scaled copy of the kernel to the output, with copies of neighbouring
entries placed <<stride|counted("position")>> apart; then <% if padding %><<padding|counted("row")>> and
<<padding|counted("column")>> are removed from each border of this full result<% else %>nothing is removed from
its borders (padding 0)<% endif %>, and finally <% if output_padding %><<output_padding|counted("extra row")>>
and <<output_padding|counted("column")>> are added on the bottom and right side<% else %>nothing is added
(output padding 0)<% endif %>. What is the height (= width) of the output?
"""
    solution = r"""
The full (uncropped) result spans \((n-1)s + k = (<<size>>-1)\cdot<<stride>> + <<kernel>> = <<full>>\)
positions. Cropping \(p = <<padding>>\) from both borders and adding the output padding \(a = <<output_padding>>\) gives
\[ (n-1)s - 2p + k + a = <<full>> - 2\cdot<<padding>> + <<output_padding>>
 = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        while True:
            k = int(rng.choice([2, 3, 4, 5]))
            s = int(rng.choice([1, 2, 2, 3]))
            p = {
                "size": int(rng.integers(3, 33)),
                "kernel": k,
                "stride": s,
                "padding": int(rng.integers(0, min(k - 1, 2) + 1)),
                "output_padding": int(rng.integers(0, s)) if rng.random() < 0.4 else 0,
            }
            if transposed_output_size(p["size"], k, s, p["padding"], p["output_padding"]) >= 2:
                return p

    def working(self, p):
        return {"full": (p["size"] - 1) * p["stride"] + p["kernel"]}

    def solve(self, p):
        for name in ("size", "kernel", "stride"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        if p["padding"] < 0:
            raise ValueError("padding must be >= 0")
        if not 0 <= p["output_padding"] < p["stride"]:
            raise ValueError("output_padding must satisfy 0 <= output_padding < stride")
        out = transposed_output_size(
            p["size"], p["kernel"], p["stride"], p["padding"], p["output_padding"]
        )
        if out < 1:
            raise ValueError("the padding crops away the whole output")
        return Numerical(out)

    def verify(self, p):
        # Independent route: scatter a copy of a ones kernel for each input position (1-D, rows and
        # columns behave alike), read how far the written canvas extends, crop, then append output_padding.
        n, k, s, q, op = p["size"], p["kernel"], p["stride"], p["padding"], p["output_padding"]
        canvas = np.zeros(n * s + 2 * k)
        for i in range(n):
            canvas[i * s : i * s + k] += 1.0
        full = int(np.flatnonzero(canvas)[-1]) + 1
        cropped = canvas[q : full - q]
        return cropped.size + op
