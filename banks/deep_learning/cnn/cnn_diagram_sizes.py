"""Read a CNN diagram: feature-map sizes and the first fully connected layer of a LeNet-style network.

The network (drawn per variant from its params): input ``C0 x N x N`` -> conv ``k1 x k1``, ``c1`` filters,
stride 1, padding ``p1`` -> max-pool 2x2 stride 2 -> conv ``k2 x k2``, ``c2`` filters, padding ``p2`` ->
max-pool 2x2 stride 2 -> flatten -> fully connected ``hidden`` -> fully connected ``classes``.
Sizes: conv ``n + 2p - k + 1``; pool ``floor(n / 2)``; flatten ``c2 * n^2``; FC ``in * out + out``.

Sources: LeCun et al. 1998, "Gradient-based learning applied to document recognition" (LeNet-5,
figure 2); the PyTorch docs of ``torch.nn.Conv2d``, ``torch.nn.MaxPool2d``, ``torch.nn.Flatten`` and
``torch.nn.Linear`` (shape sections).
"""

import math
from typing import ClassVar

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _sizes(p):
    """Spatial sizes after conv1, pool1, conv2, pool2; raises ValueError if a layer does not fit."""
    for name in ("size", "in_channels", "k1", "c1", "k2", "c2", "hidden", "classes"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    for name in ("p1", "p2"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 0:
            raise ValueError(f"{name} must be a non-negative integer")
    a = p["size"] + 2 * p["p1"] - p["k1"] + 1
    b = a // 2
    c = b + 2 * p["p2"] - p["k2"] + 1
    d = c // 2
    if min(a, b, c, d) < 1:
        raise ValueError("a layer does not fit its input")
    return a, b, c, d


class CnnDiagramSizes(Question):
    id = "dl/cnn/cnn-diagram-sizes"
    title = "Reading sizes off a CNN diagram"
    topic = "cnn"
    tags = ("convolution", "shapes", "parameters", "figure")
    difficulty = "intermediate"
    points = 4.0
    source = "seed papers 000 (Quiz-1) and 002 (CNN layer table), asked on a drawn network; LeCun et al. 1998, figure 2"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {
        "a": (1, math.inf), "b": (1, math.inf), "c": (1, math.inf), "d": (1, math.inf)}
    stem = r"""
The figure shows a small convolutional network for \(<<size>>\times<<size>>\) images with <<in_channels>>
<<"channel" if in_channels == 1 else "channels">>. Every convolution has stride 1 and zero padding as
labelled; every max-pooling layer uses \(2\times 2\) windows with stride 2 (sizes rounded down); each box is
labelled channels\,\(\times\) height\,\(\times\) width. The letters \(A\), \(B\) and \(F\) stand for sizes
you are asked to find.
"""
    figure = r"""
\tikzset{fmap/.style={draw, thick, fill=gray!12, minimum width=9mm, align=center},
         lbl/.style={font=\scriptsize, align=center}}
\node[fmap, minimum height=<<h0>>cm] (x) at (0, 0) {};
\node[lbl, below=1mm of x] {\(<<in_channels>>\times<<size>>\times<<size>>\)\\image};
\node[fmap, minimum height=<<h1>>cm] (c1) at (2.6, 0) {};
\node[lbl, below=1mm of c1] {\(<<c1>>\times A\times A\)};
\node[fmap, minimum height=<<h2>>cm] (m1) at (4.9, 0) {};
\node[lbl, below=1mm of m1] {\(<<c1>>\times\cdot\times\cdot\)};
\node[fmap, minimum height=<<h3>>cm] (c2) at (7.5, 0) {};
\node[lbl, below=1mm of c2] {\(<<c2>>\times\cdot\times\cdot\)};
\node[fmap, minimum height=<<h4>>cm] (m2) at (9.8, 0) {};
\node[lbl, below=1mm of m2] {\(<<c2>>\times B\times B\)};
\node[fmap, minimum width=4mm, minimum height=2.6cm] (f) at (11.8, 0) {};
\node[lbl, below=1mm of f] {\(F\)\\flatten};
\node[fmap, minimum width=4mm, minimum height=1.8cm] (h) at (13.5, 0) {};
\node[lbl, below=1mm of h] {\(<<hidden>>\)};
\node[fmap, minimum width=4mm, minimum height=0.8cm] (o) at (15.0, 0) {};
\node[lbl, below=1mm of o] {\(<<classes>>\)};
\draw[->, thick] (x) -- node[lbl, above=2mm] {conv \(<<k1>>\times<<k1>>\)\\<<c1>> filters\\pad <<p1>>} (c1);
\draw[->, thick] (c1) -- node[lbl, above=2mm] {max-pool\\\(2\times 2\)} (m1);
\draw[->, thick] (m1) -- node[lbl, above=2mm] {conv \(<<k2>>\times<<k2>>\)\\<<c2>> filters\\pad <<p2>>} (c2);
\draw[->, thick] (c2) -- node[lbl, above=2mm] {max-pool\\\(2\times 2\)} (m2);
\draw[->, thick] (m2) -- (f);
\draw[->, thick] (f) -- node[lbl, above=2mm] {FC} (h);
\draw[->, thick] (h) -- node[lbl, above=2mm] {FC} (o);
"""
    figure_alt = ("A convolutional network, left to right: input <<in_channels>> x <<size>> x <<size>>; "
                  "conv <<k1>> x <<k1>> with <<c1>> filters and padding <<p1>> giving <<c1>> x A x A; "
                  "2 x 2 max-pool; conv <<k2>> x <<k2>> with <<c2>> filters and padding <<p2>>; "
                  "2 x 2 max-pool giving <<c2>> x B x B; flatten to F values; fully connected to <<hidden>>; "
                  "fully connected to <<classes>> outputs.")
    solution = r"""
\textbf{(a)} \(A = <<size>> + 2\cdot<<p1>> - <<k1>> + 1 = <<a>>\).

\textbf{(b)} Pooling: \(\lfloor <<a>>/2 \rfloor = <<b>>\); second convolution: \(<<b>> + 2\cdot<<p2>> - <<k2>> + 1 = <<c>>\);
pooling: \(B = \lfloor <<c>>/2 \rfloor = <<d>>\).

\textbf{(c)} \(F = <<c2>>\cdot<<d>>\cdot<<d>> = <<answer.parts[2].answer.value|num>>\).

\textbf{(d)} One weight per (input, output) pair plus one bias per output:
\(<<answer.parts[2].answer.value|num>>\cdot<<hidden>> + <<hidden>> = <<answer.parts[3].answer.value|num>>\).
"""

    def draw(self, rng):
        while True:
            p = {"size": int(rng.choice([28, 32, 36, 48, 64])), "in_channels": int(rng.choice([1, 3])),
                 "k1": int(rng.choice([3, 5, 7])), "p1": int(rng.integers(0, 3)), "c1": int(rng.choice([6, 8, 16, 32])),
                 "k2": int(rng.choice([3, 5])), "p2": int(rng.integers(0, 2)), "c2": int(rng.choice([16, 32, 64])),
                 "hidden": int(rng.choice([84, 100, 120, 128, 256])), "classes": int(rng.choice([10, 43, 100]))}
            try:
                sizes = _sizes(p)
            except ValueError:
                continue
            if sizes[-1] >= 2:
                return p

    def working(self, p):
        a, b, c, d = _sizes(p)
        n = p["size"]

        def height(s):
            return f"{0.6 + 2.4 * s / n:.2f}"

        return {"a": a, "b": b, "c": c, "d": d, "h0": height(n), "h1": height(a), "h2": height(b),
                "h3": height(c), "h4": height(d)}

    def solve(self, p):
        _, _, _, d = _sizes(p)
        flat = p["c2"] * d * d
        return MultiPart((
            Part("a", r"What is \(A\)?", Numerical(self.working(p)["a"])),
            Part("b", r"What is \(B\)?", Numerical(d)),
            Part("c", r"How many values \(F\) does the flatten layer pass on?", Numerical(flat)),
            Part("d", "How many parameters (weights and biases) does the first fully connected layer have?",
                 Numerical(flat * p["hidden"] + p["hidden"])),
        ))

    def verify(self, p):
        # Independent route: count window positions along one axis with explicit loops (padding, stride 1
        # for the convolutions, stride 2 for the pools), then the FC layer's weight matrix entries.
        def positions(n, k, stride, pad):
            return sum(1 for start in range(0, n + 2 * pad - k + 1, stride))

        a = positions(p["size"], p["k1"], 1, p["p1"])
        b = positions(a, 2, 2, 0)
        c = positions(b, p["k2"], 1, p["p2"])
        d = positions(c, 2, 2, 0)
        flat = p["c2"] * d * d
        return [a, d, flat, len(range(flat)) * p["hidden"] + p["hidden"]]
