"""Parameters of the layers of an AlexNet-like network (single tower, no grouping).

Layers: CONV1 11x11/4 (pad 0), max-pool 3x3/2, CONV2 5x5/1 (pad 2), max-pool 3x3/2,
CONV3-5 3x3/1 (pad 1), max-pool 3x3/2, FC6, FC7, FC8. A conv from ``a`` to ``b``
channels with an ``f x f`` kernel has ``f*f*a*b`` weights and ``b`` biases; FC6
reads the flattened ``s x s x K5`` map. With the original filter counts
(96, 256, 384, 384, 256; 4096, 4096, 1000) and a 227 x 227 x 3 input this gives
34,944 / 614,656 / 885,120 / 1,327,488 / 884,992 conv parameters, a 6 x 6 x 256
= 9,216 input to FC6 and 62,378,344 parameters in total.

Sources: Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep
Convolutional Neural Networks" (2012), section 3.5 (architecture; the two-GPU
grouping is ignored here); the PyTorch docs of ``torch.nn.Conv2d``,
``torch.nn.MaxPool2d`` and ``torch.nn.Linear`` (shape formulas, parameter shapes).
"""

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

KERNELS = (11, 5, 3, 3, 3)
STRIDES = (4, 1, 1, 1, 1)
PADDINGS = (0, 2, 1, 1, 1)
POOL_AFTER = (True, True, False, False, True)  # 3x3 max-pool, stride 2, after CONV1, CONV2, CONV5


def conv_sides(size):
    """Side length after each conv layer (before pooling) and after the last pool."""
    sides, n = [], size
    for k, s, p, pool in zip(KERNELS, STRIDES, PADDINGS, POOL_AFTER):
        n = (n + 2 * p - k) // s + 1
        sides.append(n)
        if pool:
            n = (n - 3) // 2 + 1
    return sides, n


class AlexnetLayerParams(Question):
    id = "dl/cnn/alexnet-layer-params"
    title = "Parameters of an AlexNet-like network"
    topic = "cnn"
    tags = ("alexnet", "parameters", "shapes")
    difficulty = "advanced"
    points = 4.0
    source = "seed paper 004 (Q10)"
    stem = r"""
An AlexNet-like network (one tower, no filter groups, no normalisation layers) takes a
\(<<size>>\times<<size>>\times<<channels>>\) image. Every convolution and fully connected layer has one bias per
filter/unit and is followed by a ReLU; max-pooling has no parameters and sizes are rounded down.
\begin{center}
\begin{tabular}{ll}
\toprule
Layer & Specification \\
\midrule
CONV1 & <<filters[0]>> filters \(11\times11\), stride 4, padding 0 \\
POOL1 & max \(3\times3\), stride 2 \\
CONV2 & <<filters[1]>> filters \(5\times5\), stride 1, padding 2 \\
POOL2 & max \(3\times3\), stride 2 \\
CONV3 & <<filters[2]>> filters \(3\times3\), stride 1, padding 1 \\
CONV4 & <<filters[3]>> filters \(3\times3\), stride 1, padding 1 \\
CONV5 & <<filters[4]>> filters \(3\times3\), stride 1, padding 1 \\
POOL3 & max \(3\times3\), stride 2 \\
FC6 & <<fc[0]>> units (reads the flattened POOL3 output) \\
FC7 & <<fc[1]>> units \\
FC8 & <<fc[2]>> units (class scores) \\
\bottomrule
\end{tabular}
\end{center}
"""
    solution = r"""
Sizes: conv \(\lfloor(n + 2p - k)/s\rfloor + 1\), pool \(\lfloor(n - 3)/2\rfloor + 1\).
A convolution has \(k^2\cdot C_{in}\cdot K\) weights and \(K\) biases; an FC layer \(\text{inputs}\cdot\text{units}\)
weights and one bias per unit.
\begin{center}
\begin{tabular}{lrrr}
\toprule
Layer & Output & Weights & Biases \\
\midrule
<% for r in rows %>
<<r.name>> & \(<<r.shape>>\) & <<r.weights>> & <<r.biases>> \\
<% endfor %>
\bottomrule
\end{tabular}
\end{center}
\par (a) CONV<<layer>>: \(<<kernel>>^2\cdot<<c_in>>\cdot<<k_out>> + <<k_out>> = <<asked>>\).
\par (b) POOL3 outputs \(<<last>>\times<<last>>\times<<filters[4]>>\), flattened to
\(<<last>>^2\cdot<<filters[4]>> = <<flat>>\) values.
\par (c) FC6: \(<<flat>>\cdot<<fc[0]>> + <<fc[0]>> = <<fc6>>\).
\par (d) Summing the weights and biases of all rows: \(<<total>>\).
"""

    def draw(self, rng):
        def pick(values):
            return int(rng.choice(values))

        return {
            "size": pick([163, 195, 227, 227, 259]),
            "channels": 3,
            "filters": [
                pick([48, 64, 96]),
                pick([128, 192, 256]),
                pick([192, 256, 384]),
                pick([192, 256, 384]),
                pick([128, 256]),
            ],
            "fc": [pick([1024, 2048, 4096]), pick([1024, 2048, 4096]), pick([10, 100, 200, 1000])],
            "layer": pick([1, 2, 3, 4, 5]),
        }

    def _check(self, p):
        if (
            not isinstance(p["size"], int)
            or not isinstance(p["channels"], int)
            or p["channels"] < 1
        ):
            raise ValueError("size and channels must be positive integers")
        for name, length in (("filters", 5), ("fc", 3)):
            v = p[name]
            if not (
                isinstance(v, list)
                and len(v) == length
                and all(isinstance(x, int) and x >= 1 for x in v)
            ):
                raise ValueError(f"{name} must be a list of {length} positive integers")
        if p["layer"] not in (1, 2, 3, 4, 5):
            raise ValueError("layer must be 1, 2, 3, 4 or 5 (the convolution asked about)")
        sides, last = conv_sides(p["size"])
        if last < 1 or min(sides) < 3:
            raise ValueError("the input is too small for this network")

    def _layers(self, p):
        """Rows (name, shape text, weights, biases) from the formulas."""
        sides, last = conv_sides(p["size"])
        rows, c_in = [], p["channels"]
        for i, (k, pool) in enumerate(zip(KERNELS, POOL_AFTER)):
            f = p["filters"][i]
            rows.append(
                (f"CONV{i + 1}", f"{sides[i]}\\times{sides[i]}\\times{f}", k * k * c_in * f, f)
            )
            if pool:
                n = (sides[i] - 3) // 2 + 1
                rows.append((f"POOL{sum(POOL_AFTER[: i + 1])}", f"{n}\\times{n}\\times{f}", 0, 0))
            c_in = f
        flat = last * last * p["filters"][4]
        for i, units in enumerate(p["fc"]):
            rows.append((f"FC{i + 6}", f"{units}", flat * units, units))
            flat = units
        return rows

    def working(self, p):
        self._check(p)
        rows = self._layers(p)
        _, last = conv_sides(p["size"])
        i = p["layer"] - 1
        conv_rows = [r for r in rows if r[0].startswith("CONV")]
        return {
            "rows": [{"name": r[0], "shape": r[1], "weights": r[2], "biases": r[3]} for r in rows],
            "kernel": KERNELS[i],
            "c_in": p["channels"] if i == 0 else p["filters"][i - 1],
            "k_out": p["filters"][i],
            "asked": conv_rows[i][2] + conv_rows[i][3],
            "last": last,
            "flat": last * last * p["filters"][4],
            "fc6": next(r[2] + r[3] for r in rows if r[0] == "FC6"),
            "total": sum(r[2] + r[3] for r in rows),
        }

    def solve(self, p):
        w = self.working(p)
        return MultiPart(
            (
                Part(
                    "a",
                    rf"Number of trainable parameters (weights and biases) of CONV{p['layer']}.",
                    Numerical(w["asked"]),
                ),
                Part(
                    "b",
                    r"Number of values in the flattened POOL3 output (the input of FC6).",
                    Numerical(w["flat"]),
                ),
                Part(
                    "c",
                    r"Number of trainable parameters (weights and biases) of FC6.",
                    Numerical(w["fc6"]),
                ),
                Part(
                    "d",
                    r"Total number of trainable parameters of the network.",
                    Numerical(w["total"]),
                ),
            )
        )

    def verify(self, p):
        # Independent route: slide windows over a zero row (the input is square, so one axis gives
        # every side length), and build each layer's weight and bias arrays to count their entries.
        def slide(row, k, s, pad):
            return np.lib.stride_tricks.sliding_window_view(np.pad(row, pad), k)[::s].sum(axis=-1)

        row, depth, counts = np.zeros(p["size"]), p["channels"], []
        for i, (k, s, pad, pool) in enumerate(zip(KERNELS, STRIDES, PADDINGS, POOL_AFTER)):
            row = slide(row, k, s, pad)
            out = p["filters"][i]
            counts.append(np.broadcast_to(0.0, (out, depth, k, k)).size + np.zeros(out).size)
            depth = out
            if pool:
                row = slide(row, 3, 2, 0)
        flat = np.zeros((depth, row.size, row.size)).reshape(-1).size
        fc_counts, n_in = [], flat
        for units in p["fc"]:
            fc_counts.append(np.broadcast_to(0.0, (units, n_in)).size + np.zeros(units).size)
            n_in = units
        return [counts[p["layer"] - 1], flat, fc_counts[0], sum(counts) + sum(fc_counts)]
