"""Receptive field of a unit after a stack of 1-D convolutions with strides and dilations.

With ``r_0 = 1`` and ``j_0 = 1`` (the jump: input positions between adjacent units),
layer ``l`` with kernel ``k_l``, stride ``s_l`` and dilation ``d_l`` gives
``r_l = r_{l-1} + d_l*(k_l - 1)*j_{l-1}`` and ``j_l = j_{l-1}*s_l``.

Source: Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional
Neural Networks", Distill (2019), eq. (1)-(2) (dilation enters as the effective
kernel size ``d*(k-1) + 1``); Yu & Koltun, "Multi-Scale Context Aggregation by
Dilated Convolutions" (2016).
"""

from generator.answers import Numerical
from generator.question import Question


def receptive_fields(kernels, strides, dilations):
    """[(jump before the layer, receptive field after it)] for each layer."""
    r, jump, out = 1, 1, []
    for k, s, d in zip(kernels, strides, dilations):
        r += d * (k - 1) * jump
        out.append((jump, r))
        jump *= s
    return out


class ReceptiveField(Question):
    id = "dl/cnn/receptive-field"
    title = "Receptive field of stacked dilated convolutions"
    topic = "cnn"
    tags = ("convolution", "receptive-field", "dilation")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 004 (Q8) and seed paper 001 (Beginner Q12, dilation)"
    valid_range = (1, float("inf"))  # a receptive field covers at least one pixel
    stem = r"""
A convolutional network works on a 1-D input. Each hidden layer \(H_l\) is computed from the layer below it
(\(H_0\) is the input) by one convolution:
\begin{center}
\begin{tabular}{lrrr}
\toprule
Layer & Kernel size & Stride & Dilation \\
\midrule
<% for l in layers %>
\(H_{<<l.index>>}\) & <<l.k>> & <<l.s>> & <<l.d>> \\
<% endfor %>
\bottomrule
\end{tabular}
\end{center}
The receptive field of a unit is the number of input positions from the first to the last input position
that can influence it (gaps left by dilation inside that span are counted). What is the receptive field of
a unit of \(H_{<<layer>>}\)?
"""
    solution = r"""
Let \(j_{l-1}\) be the distance, in input positions, between adjacent units of \(H_{l-1}\)
(the product of the strides below it). A layer with kernel \(k\) and dilation \(d\) spans
\(d(k-1)+1\) units of the layer below, so it adds \(d(k-1)\,j_{l-1}\) input positions:
\(r_l = r_{l-1} + d_l(k_l-1)\,j_{l-1}\), starting from \(r_0 = 1\), \(j_0 = 1\).
\begin{center}
\begin{tabular}{lrr}
\toprule
Layer & \(j_{l-1}\) & \(r_l\) \\
\midrule
<% for l in asked %>
\(H_{<<l.index>>}\) & <<l.jump>> & \(<<l.prev>> + <<l.d>>\cdot(<<l.k>>-1)\cdot<<l.jump>> = <<l.r>>\) \\
<% endfor %>
\bottomrule
\end{tabular}
\end{center}
The receptive field of a unit of \(H_{<<layer>>}\) is \(<<answer.value|num>>\) input positions.
"""

    def draw(self, rng):
        n = int(rng.choice([3, 3, 4]))
        return {
            "kernels": [int(k) for k in rng.choice([2, 3, 3, 5], size=n)],
            "strides": [int(s) for s in rng.choice([1, 1, 2], size=n)],
            "dilations": [int(d) for d in rng.choice([1, 1, 2, 3], size=n)],
            "layer": n if rng.random() < 0.7 else int(rng.integers(2, n + 1)),
        }

    def _check(self, p):
        ks, ss, ds = p["kernels"], p["strides"], p["dilations"]
        if not all(isinstance(v, list) and v for v in (ks, ss, ds)) or not len(ks) == len(
            ss
        ) == len(ds):
            raise ValueError(
                "kernels, strides and dilations must be non-empty lists of the same length"
            )
        if not all(isinstance(x, int) and x >= 1 for x in ks + ss + ds):
            raise ValueError("kernel sizes, strides and dilations must be positive integers")
        if not isinstance(p["layer"], int) or not 1 <= p["layer"] <= len(ks):
            raise ValueError(f"layer must be between 1 and {len(ks)}")

    def working(self, p):
        self._check(p)
        fields = receptive_fields(p["kernels"], p["strides"], p["dilations"])
        layers, prev = [], 1
        for i, (jump, r) in enumerate(fields):
            layers.append(
                {
                    "index": i + 1,
                    "k": p["kernels"][i],
                    "s": p["strides"][i],
                    "d": p["dilations"][i],
                    "jump": jump,
                    "prev": prev,
                    "r": r,
                }
            )
            prev = r
        # the stem lists every layer; the solution table stops at the asked one
        return {"layers": layers, "asked": layers[: p["layer"]]}

    def solve(self, p):
        self._check(p)
        return Numerical(
            receptive_fields(p["kernels"], p["strides"], p["dilations"])[p["layer"] - 1][1]
        )

    def verify(self, p):
        # Independent route: take one unit of the asked layer and walk down, collecting the set of
        # positions of each lower layer it reads (unit i of a layer reads i*s + j*d, j < k).
        positions = {0}
        for l in reversed(range(p["layer"])):
            k, s, d = p["kernels"][l], p["strides"][l], p["dilations"][l]
            positions = {i * s + j * d for i in positions for j in range(k)}
        return max(positions) - min(positions) + 1
