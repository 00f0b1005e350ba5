"""An Inception (GoogLeNet) module: branch output sizes, concatenated depth, parameter counts.

Four branches on an ``n x n x C`` input, stride 1: 1x1 conv (n1); 1x1 reduce (r3)
then 3x3 conv (n3, padding 1); 1x1 reduce (r5) then 5x5 conv (n5, padding 2);
3x3 max-pool (stride 1, padding 1) then 1x1 projection (pp). Outputs are
concatenated along channels: depth ``n1 + n3 + n5 + pp``. A conv from ``a`` to
``b`` channels with an ``f x f`` kernel and biases has ``f*f*a*b + b`` parameters.

Sources: Szegedy et al., "Going Deeper with Convolutions" (2015), section 4
and table 1 (the module, its 1x1 reductions and the filter counts); the
PyTorch docs of ``torch.nn.Conv2d`` and ``torch.nn.MaxPool2d``
(shape formula and parameter shapes); ``torch.cat`` along the channel dimension.
"""

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

_NAMES = ("size", "channels", "n1", "r3", "n3", "r5", "n5", "pool_proj")


def conv_params(f, a, b):
    """Weights f*f*a*b plus b biases."""
    return f * f * a * b + b


class InceptionModule(Question):
    id = "dl/cnn/inception-module"
    title = "Inception module: output depth and parameters"
    topic = "cnn"
    tags = ("inception", "googlenet", "shapes", "parameters")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 003 (Beginner Q9, Inception branches)"
    stem = r"""
An Inception module (GoogLeNet) receives a \(<<size>>\times<<size>>\times<<channels>>\) feature map
(height \(\times\) width \(\times\) channels). It has four parallel branches; every convolution has
stride 1, one bias per filter and is followed by a ReLU:
\begin{itemize}
\item B1: a \(1\times1\) convolution with \(<<n1>>\) filters;
\item B2: a \(1\times1\) convolution with \(<<r3>>\) filters, then a \(3\times3\) convolution with \(<<n3>>\)
filters and zero padding 1;
\item B3: a \(1\times1\) convolution with \(<<r5>>\) filters, then a \(5\times5\) convolution with \(<<n5>>\)
filters and zero padding 2;
\item B4: a \(3\times3\) max-pooling with stride 1 and padding 1, then a \(1\times1\) convolution with
\(<<pool_proj>>\) filters.
\end{itemize}
The four branch outputs are concatenated along the channel dimension.
"""
    solution = r"""
With stride 1, padding \((F-1)/2\) keeps the \(<<size>>\times<<size>>\) size, so every branch output is
\(<<size>>\times<<size>>\) and they can be concatenated.
\par (a) Depth: \(<<n1>> + <<n3>> + <<n5>> + <<pool_proj>> = <<depth>>\), so the output is
\(<<size>>\times<<size>>\times<<depth>>\).
\par (b) Without padding the \(5\times5\) convolution gives \(<<size>> - 5 + 1 = <<unpadded>>\), so B3 would be
\(<<unpadded>>\times<<unpadded>>\times<<n5>>\) and could no longer be concatenated with the others.
\par (c) B3: \(1\times1\): \(<<channels>>\cdot<<r5>> + <<r5>> = <<b3_reduce>>\); \(5\times5\):
\(25\cdot<<r5>>\cdot<<n5>> + <<n5>> = <<b3_conv>>\); together \(<<b3>>\).
\par (d) Directly: \(25\cdot<<channels>>\cdot<<n5>> + <<n5>> = <<direct>>\), about \(<<ratio>>\) times as many
as with the \(1\times1\) reduction.
\par (e) B1: \(<<channels>>\cdot<<n1>> + <<n1>> = <<b1>>\); B2: \(<<channels>>\cdot<<r3>> + <<r3>> + 9\cdot<<r3>>\cdot<<n3>> + <<n3>> = <<b2>>\);
B3: \(<<b3>>\); B4 (pooling has no parameters): \(<<channels>>\cdot<<pool_proj>> + <<pool_proj>> = <<b4>>\).
Total \(<<b1>> + <<b2>> + <<b3>> + <<b4>> = <<total>>\).
"""

    def draw(self, rng):
        def pick(values):
            return int(rng.choice(values))

        while True:
            p = {
                "size": pick([7, 14, 16, 28, 32]),
                "channels": pick([64, 128, 192, 256, 480]),
                "n1": pick([32, 64, 96, 128, 192]),
                "r3": pick([48, 64, 96, 128]),
                "n3": pick([64, 96, 128, 192, 208]),
                "r5": pick([8, 16, 24, 32]),
                "n5": pick([16, 32, 48, 64, 96]),
                "pool_proj": pick([16, 32, 64]),
            }
            if (
                p["r3"] <= p["n3"] and p["r5"] <= p["n5"]
            ):  # the 1x1 convolutions reduce, as in GoogLeNet
                return p

    def working(self, p):
        c = p["channels"]
        b1 = conv_params(1, c, p["n1"])
        b2 = conv_params(1, c, p["r3"]) + conv_params(3, p["r3"], p["n3"])
        b3_reduce, b3_conv = conv_params(1, c, p["r5"]), conv_params(5, p["r5"], p["n5"])
        b4 = conv_params(1, c, p["pool_proj"])
        direct = conv_params(5, c, p["n5"])
        return {
            "depth": p["n1"] + p["n3"] + p["n5"] + p["pool_proj"],
            "unpadded": p["size"] - 4,
            "b1": b1,
            "b2": b2,
            "b3_reduce": b3_reduce,
            "b3_conv": b3_conv,
            "b3": b3_reduce + b3_conv,
            "b4": b4,
            "direct": direct,
            "ratio": f"{direct / (b3_reduce + b3_conv):.1f}",
            "total": b1 + b2 + b3_reduce + b3_conv + b4,
        }

    def solve(self, p):
        for name in _NAMES:
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        if p["size"] < 5:
            raise ValueError("size must be at least 5 (part (b) uses an unpadded 5x5 convolution)")
        w = self.working(p)
        parts = [
            ("a", r"Number of channels of the concatenated output.", w["depth"]),
            (
                "b",
                (
                    r"If the \(5\times5\) convolution of B3 used no padding (all else unchanged), "
                    r"what would the height of B3's output be?"
                ),
                w["unpadded"],
            ),
            ("c", r"Number of trainable parameters (weights and biases) of branch B3.", w["b3"]),
            (
                "d",
                (
                    r"Number of trainable parameters of a single \(5\times5\) convolution with \("
                    + str(p["n5"])
                    + r"\) filters and biases applied directly to the module's input "
                    r"(no \(1\times1\) reduction)."
                ),
                w["direct"],
            ),
            ("e", r"Total number of trainable parameters of the module.", w["total"]),
        ]
        return MultiPart(
            tuple(Part(label, prompt, Numerical(value)) for label, prompt, value in parts)
        )

    def verify(self, p):
        # Independent route: run zero feature maps through each branch with sliding windows, concatenate
        # the branch outputs and read the depth; build every weight and bias array and count entries.
        n, c = p["size"], p["channels"]
        x = np.zeros((n, n))

        def conv(fmap, f, pad):
            return np.lib.stride_tricks.sliding_window_view(np.pad(fmap, pad), (f, f)).sum(
                axis=(-2, -1)
            )

        def maxpool(fmap):
            padded = np.pad(fmap, 1, constant_values=-np.inf)
            return np.lib.stride_tricks.sliding_window_view(padded, (3, 3)).max(axis=(-2, -1))

        def weights(f, a, b):
            return [np.broadcast_to(0.0, (b, a, f, f)), np.zeros(b)]

        branches = [
            (conv(x, 1, 0), p["n1"], weights(1, c, p["n1"])),
            (
                conv(conv(x, 1, 0), 3, 1),
                p["n3"],
                weights(1, c, p["r3"]) + weights(3, p["r3"], p["n3"]),
            ),
            (
                conv(conv(x, 1, 0), 5, 2),
                p["n5"],
                weights(1, c, p["r5"]) + weights(5, p["r5"], p["n5"]),
            ),
            (conv(maxpool(x), 1, 0), p["pool_proj"], weights(1, c, p["pool_proj"])),
        ]
        out = np.concatenate(
            [np.zeros((depth, *fmap.shape)) for fmap, depth, _ in branches], axis=0
        )
        unpadded = conv(conv(x, 1, 0), 5, 0).shape[0]
        counts = [sum(a.size for a in arrays) for _, _, arrays in branches]
        direct = sum(a.size for a in weights(5, c, p["n5"]))
        return [out.shape[0], unpadded, counts[2], direct, sum(counts)]
