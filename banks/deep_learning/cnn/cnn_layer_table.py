"""A small CNN's layer table: activation map sizes, weights and biases per layer.

CONV(F, K, S, P) on an ``n x n x C`` input gives ``floor((n + 2P - F)/S) + 1``
square maps of depth K, with ``F*F*C*K`` weights and ``K`` biases; a max-pool
(F, S) without padding gives ``floor((n - F)/S) + 1`` and has no parameters; a
fully connected layer from ``m`` to ``n`` units has ``m*n`` weights and ``n``
biases.

Sources: Dumoulin & Visin, "A guide to convolution arithmetic for deep
learning" (2016), relationships 6 and 15 (pooling: same arithmetic with no
padding); the PyTorch docs of ``torch.nn.Conv2d``, ``torch.nn.MaxPool2d`` and
``torch.nn.Linear`` (parameter shapes); CS231n notes "Convolutional Neural
Networks" (layer-size tables).
"""

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _conv_side(n, f, s, p):
    return (n + 2 * p - f) // s + 1


def layer_table(p):
    """Rows (name, side, depth, weights, biases) for the stack, from the formulas."""
    n, c = p["size"], p["channels"]
    (f1, k1, s1, p1), (pf1, ps1) = p["conv1"], p["pool1"]
    (f2, k2, s2, p2), (pf2, ps2) = p["conv2"], p["pool2"]
    rows = [("INPUT", n, c, 0, 0)]
    a = _conv_side(n, f1, s1, p1)
    rows.append(("CONV1", a, k1, f1 * f1 * c * k1, k1))
    b = (a - pf1) // ps1 + 1
    rows.append(("POOL1", b, k1, 0, 0))
    d = _conv_side(b, f2, s2, p2)
    rows.append(("CONV2", d, k2, f2 * f2 * k1 * k2, k2))
    e = (d - pf2) // ps2 + 1
    rows.append(("POOL2", e, k2, 0, 0))
    flat = e * e * k2
    rows.append(("FC1", 1, p["fc"], flat * p["fc"], p["fc"]))
    rows.append(("FC2", 1, p["classes"], p["fc"] * p["classes"], p["classes"]))
    return rows


class CnnLayerTable(Question):
    id = "dl/cnn/cnn-layer-table"
    title = "Fill in a CNN layer table"
    topic = "cnn"
    tags = ("convolution", "pooling", "shapes", "parameters")
    difficulty = "intermediate"
    points = 4.0
    source = "seed papers 000 (Quiz-1, Q3) and 002 (Q2c)"
    stem = r"""
A CNN classifies \(<<size>>\times<<size>>\times<<channels>>\) images (height \(\times\) width \(\times\)
channels) with the layers below, in order. CONV(\(F, K, S, P\)) is a convolution with \(K\) filters of size
\(F\times F\) (each spanning all input channels), stride \(S\), zero padding \(P\) on every side and one bias
per filter, followed by a ReLU. POOL(\(F, S\)) is an \(F\times F\) max-pooling with stride \(S\) and no
padding. Sizes are rounded down (floor). FC(\(n\)) is a fully connected layer with \(n\) units and one bias
per unit; the first one takes the flattened output of the last pooling layer.
\begin{center}
\begin{tabular}{ll}
\toprule
Layer & Specification \\
\midrule
CONV1 & CONV(<<conv1[0]>>, <<conv1[1]>>, <<conv1[2]>>, <<conv1[3]>>) \\
POOL1 & POOL(<<pool1[0]>>, <<pool1[1]>>) \\
CONV2 & CONV(<<conv2[0]>>, <<conv2[1]>>, <<conv2[2]>>, <<conv2[3]>>) \\
POOL2 & POOL(<<pool2[0]>>, <<pool2[1]>>) \\
FC1 & FC(<<fc>>) \\
FC2 & FC(<<classes>>) \\
\bottomrule
\end{tabular}
\end{center}
Answer the parts below (a side length is the height, equal to the width, of an activation map).
"""
    solution = r"""
Convolution: side \(\lfloor (n + 2P - F)/S\rfloor + 1\), weights \(F^2\cdot C_{in}\cdot K\), \(K\) biases.
Pooling: side \(\lfloor (n - F)/S\rfloor + 1\), no parameters. FC: \(\text{inputs}\times\text{units}\) weights
and one bias per unit.
\begin{center}
\begin{tabular}{lrrr}
\toprule
Layer & Activation map & Weights & Biases \\
\midrule
<% for r in table %>
<<r[0]>> & \(<% if not r[0].startswith("FC") %><<r[1]>>\times<<r[1]>>\times<% endif %><<r[2]>>\) & <<r[3]>> & <<r[4]>> \\
<% endfor %>
\bottomrule
\end{tabular}
\end{center}
\par CONV1: \(\lfloor(<<size>> + 2\cdot<<conv1[3]>> - <<conv1[0]>>)/<<conv1[2]>>\rfloor + 1 = <<table[1][1]>>\),
weights \(<<conv1[0]>>^2\cdot<<channels>>\cdot<<conv1[1]>> = <<table[1][3]>>\).
\par POOL1: \(\lfloor(<<table[1][1]>> - <<pool1[0]>>)/<<pool1[1]>>\rfloor + 1 = <<table[2][1]>>\).
\par CONV2: \(\lfloor(<<table[2][1]>> + 2\cdot<<conv2[3]>> - <<conv2[0]>>)/<<conv2[2]>>\rfloor + 1 = <<table[3][1]>>\),
weights \(<<conv2[0]>>^2\cdot<<conv1[1]>>\cdot<<conv2[1]>> = <<table[3][3]>>\).
\par POOL2: \(\lfloor(<<table[3][1]>> - <<pool2[0]>>)/<<pool2[1]>>\rfloor + 1 = <<table[4][1]>>\).
\par FC1: the flattened input has \(<<table[4][1]>>\cdot<<table[4][1]>>\cdot<<conv2[1]>> = <<flat>>\) values,
so \(<<flat>>\cdot<<fc>> = <<table[5][3]>>\) weights.
\par Total: weights \(<<total_weights>>\) plus biases \(<<total_biases>>\) gives \(<<total>>\) trainable parameters.
"""

    def draw(self, rng):
        while True:
            f1 = int(rng.choice([3, 5, 7]))
            f2 = int(rng.choice([3, 5]))
            pool = [[2, 2], [2, 2], [3, 2], [3, 3]]
            p = {
                "size": int(rng.choice([28, 32, 48, 56, 64, 96, 128])),
                "channels": int(rng.choice([1, 3, 3])),
                "conv1": [
                    f1,
                    int(rng.choice([8, 16, 32])),
                    int(rng.choice([1, 1, 2])),
                    int(rng.choice([0, (f1 - 1) // 2])),
                ],
                "pool1": pool[int(rng.integers(len(pool)))],
                "conv2": [
                    f2,
                    int(rng.choice([16, 32, 64])),
                    1,
                    int(rng.choice([0, (f2 - 1) // 2])),
                ],
                "pool2": pool[int(rng.integers(len(pool)))],
                "fc": int(rng.choice([64, 100, 128, 256])),
                "classes": int(rng.choice([2, 5, 10, 20])),
            }
            if self._exact(p):
                return p

    @staticmethod
    def _exact(p):
        """Every size division exact (nice by hand) and the last map at least 2 x 2."""
        n = p["size"]
        for (f, s, q), pool in (
            ((p["conv1"][0], p["conv1"][2], p["conv1"][3]), p["pool1"]),
            ((p["conv2"][0], p["conv2"][2], p["conv2"][3]), p["pool2"]),
        ):
            if (n + 2 * q - f) % s:
                return False
            n = (n + 2 * q - f) // s + 1
            if n < pool[0] or (n - pool[0]) % pool[1]:
                return False
            n = (n - pool[0]) // pool[1] + 1
        return n >= 2

    def _check(self, p):
        for name in ("size", "channels", "fc", "classes"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        for name, length in (("conv1", 4), ("conv2", 4), ("pool1", 2), ("pool2", 2)):
            v = p[name]
            if not (
                isinstance(v, list) and len(v) == length and all(isinstance(x, int) for x in v)
            ):
                raise ValueError(f"{name} must be a list of {length} integers")
            if any(x < 1 for x in v[:3]) or (length == 4 and v[3] < 0):
                raise ValueError(f"{name}: sizes and strides must be positive, padding >= 0")
        for row in layer_table(p)[1:5]:
            if row[1] < 1:
                raise ValueError(f"{row[0]}: the kernel does not fit its input")

    def working(self, p):
        table = layer_table(p)
        weights = sum(r[3] for r in table)
        biases = sum(r[4] for r in table)
        return {
            "table": table,
            "flat": table[4][1] ** 2 * table[4][2],
            "total_weights": weights,
            "total_biases": biases,
            "total": weights + biases,
        }

    def solve(self, p):
        self._check(p)
        t = layer_table(p)
        total = sum(r[3] + r[4] for r in t)
        parts = [
            ("a", r"Side length of the CONV1 activation map.", t[1][1]),
            ("b", r"Number of weights (biases excluded) of CONV1.", t[1][3]),
            ("c", r"Side length of the POOL1 activation map.", t[2][1]),
            ("d", r"Side length of the CONV2 activation map.", t[3][1]),
            ("e", r"Number of weights (biases excluded) of CONV2.", t[3][3]),
            ("f", r"Side length of the POOL2 activation map.", t[4][1]),
            ("g", r"Number of weights (biases excluded) of FC1.", t[5][3]),
            (
                "h",
                r"Total number of trainable parameters (all weights and biases) of the network.",
                total,
            ),
        ]
        return MultiPart(
            tuple(Part(label, prompt, Numerical(value)) for label, prompt, value in parts)
        )

    def verify(self, p):
        # Independent route: push a zero image through the layers with sliding windows (one channel
        # map is enough to read the spatial shapes; the depth is the layer's filter count), and build
        # every weight and bias array to count its entries.
        depth, fmap = p["channels"], np.zeros((p["size"], p["size"]))
        arrays = []

        def conv(depth, fmap, spec):
            f, k, s, q = spec
            out = np.lib.stride_tricks.sliding_window_view(np.pad(fmap, q), (f, f))[::s, ::s].sum(
                axis=(-2, -1)
            )
            arrays.extend([np.zeros((k, depth, f, f)), np.zeros(k)])
            return k, out, arrays[-2].size

        def pool(fmap, spec):
            f, s = spec
            return np.lib.stride_tricks.sliding_window_view(fmap, (f, f))[::s, ::s].max(
                axis=(-2, -1)
            )

        depth, a, w1 = conv(depth, fmap, p["conv1"])
        b = pool(a, p["pool1"])
        depth, d, w2 = conv(depth, b, p["conv2"])
        e = pool(d, p["pool2"])
        flat = np.zeros((depth, *e.shape)).reshape(-1)
        fc1 = np.broadcast_to(0.0, (p["fc"], flat.size))  # a weight matrix without allocating it
        arrays += [
            fc1,
            np.zeros(p["fc"]),
            np.zeros((p["classes"], p["fc"])),
            np.zeros(p["classes"]),
        ]
        total = sum(arr.size for arr in arrays)
        return [a.shape[0], w1, b.shape[0], d.shape[0], w2, e.shape[0], fc1.size, total]
