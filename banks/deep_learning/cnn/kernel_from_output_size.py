"""Inverse problem: the kernel size (or the padding) that gives a convolution a stated output size.

Output size ``o = floor((n + 2p - k) / s) + 1`` (no dilation). With stride above 1 the floor can map
several kernel sizes to one output size, so a variant is drawn only when exactly one value in the stated
range fits: the answer is unique by construction.

Sources: Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016), relationship 6;
the PyTorch docs of ``torch.nn.Conv2d`` (shape section).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import Numerical
from generator.question import Question

KERNELS = (1, 3, 5, 7, 9, 11)
PADDINGS = tuple(range(6))


def out_size(n: int, k: int, s: int, p: int) -> int:
    return (n + 2 * p - k) // s + 1


def _check(p):
    for name in ("size", "stride", "output"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["unknown"] not in ("kernel", "padding"):
        raise ValueError("unknown must be 'kernel' or 'padding'")
    known = p["padding"] if p["unknown"] == "kernel" else p["kernel"]
    if not isinstance(known, int) or isinstance(known, bool) or known < 0:
        raise ValueError("the known kernel size / padding must be a non-negative integer")
    return p["size"], p["stride"], p["output"]


def _fits(p):
    """The candidates (odd kernels 1-11, or paddings 0-5) that give the stated output size."""
    n, s, o = _check(p)
    if p["unknown"] == "kernel":
        return [k for k in KERNELS if k <= n + 2 * p["padding"] and out_size(n, k, s, p["padding"]) == o]
    return [q for q in PADDINGS if p["kernel"] <= n + 2 * q and out_size(n, p["kernel"], s, q) == o]


class KernelFromOutputSize(Question):
    id = "dl/cnn/kernel-from-output-size"
    title = "Find the kernel size or padding from the output size"
    topic = "cnn"
    tags = ("convolution", "shapes", "inverse-problem")
    difficulty = "intermediate"
    source = "seed papers 000 (Quiz-1) and 004 (Q8): convolution sizes asked backwards; PyTorch docs, torch.nn.Conv2d"
    limits: ClassVar[dict[str, tuple[float, float]]] = {"size": (1, 4096), "stride": (1, 16), "output": (1, 4096), "kernel": (0, 64), "padding": (0, 64)}
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = (0, math.inf)
    stem = r"""
A convolution layer with stride \(<<stride>>\) and no dilation turns a \(<<size>>\times<<size>>\) input into
a \(<<output>>\times<<output>>\) output (sizes rounded down, as in PyTorch's \texttt{Conv2d}).
<% if unknown == "kernel" %>
<% if padding %>The input is zero-padded by \(<<padding>>\) on every side<% else %>The input is not padded<% endif %> and
the kernel is square with an odd size between 1 and 11. What is the kernel size \(k\)?
<% else %>
The kernel is \(<<kernel>>\times<<kernel>>\) and the input is zero-padded by the same amount \(p\) on every
side, with \(0 \le p \le 5\). What is \(p\)?
<% endif %>
"""
    solution = r"""
The output size is \(o = \lfloor (n + 2p - k)/s \rfloor + 1\). With \(n = <<size>>\), \(s = <<stride>>\)
and \(o = <<output>>\):
<% if unknown == "kernel" %>
\(\lfloor (<<size>> + <<2 * padding>> - k)/<<stride>> \rfloor = <<output - 1>>\), so
\(<<stride * (output - 1)>> \le <<size + 2 * padding>> - k \le <<stride * (output - 1) + stride - 1>>\), i.e.
\(<<size + 2 * padding - stride * (output - 1) - stride + 1>> \le k \le <<size + 2 * padding - stride * (output - 1)>>\).
The only odd size in this range is \(k = <<answer.value|num>>\).
<% else %>
\(\lfloor (<<size>> + 2p - <<kernel>>)/<<stride>> \rfloor = <<output - 1>>\), so
\(<<stride * (output - 1)>> \le <<size - kernel>> + 2p \le <<stride * (output - 1) + stride - 1>>\).
The only whole \(p\) from 0 to 5 that satisfies this is \(p = <<answer.value|num>>\).
<% endif %>
Check: \(\lfloor (<<size>> + 2\cdot<<check_p>> - <<check_k>>)/<<stride>> \rfloor + 1 = <<output>>\).
"""

    def draw(self, rng):
        while True:
            unknown = str(rng.choice(["kernel", "padding"]))
            n, s = int(rng.integers(7, 65)), int(rng.choice([1, 1, 2, 2, 3]))
            k, q = int(rng.choice(KERNELS[1:])), int(rng.integers(0, 4))
            if k > n + 2 * q:
                continue
            p = {"unknown": unknown, "size": n, "stride": s, "output": out_size(n, k, s, q),
                 "kernel": k if unknown == "padding" else 0, "padding": q if unknown == "kernel" else 0}
            if p["output"] >= 2 and len(_fits(p)) == 1:
                return p

    def working(self, p):
        value = self.solve(p).value
        return {"check_k": value if p["unknown"] == "kernel" else p["kernel"],
                "check_p": value if p["unknown"] == "padding" else p["padding"]}

    def solve(self, p):
        n, s, o = _check(p)
        # Invert the floor: s*(o-1) <= n + 2p - k <= s*(o-1) + s - 1.
        lo_gap, hi_gap = s * (o - 1), s * (o - 1) + s - 1
        if p["unknown"] == "kernel":
            found = [k for k in range(n + 2 * p["padding"] - hi_gap, n + 2 * p["padding"] - lo_gap + 1)
                     if k in KERNELS]
        else:
            found = [q for q in PADDINGS if lo_gap <= n + 2 * q - p["kernel"] <= hi_gap]
        if len(found) != 1:
            raise ValueError(f"{len(found)} values fit these sizes; the question needs exactly one")
        return Numerical(found[0])

    def verify(self, p):
        # Independent route: slide every candidate kernel over a padded array of zeros and count positions.
        n, s, o = _check(p)
        hits = []
        cands = KERNELS if p["unknown"] == "kernel" else PADDINGS
        for c in cands:
            k, q = (c, p["padding"]) if p["unknown"] == "kernel" else (p["kernel"], c)
            if k > n + 2 * q:
                continue
            windows = np.lib.stride_tricks.sliding_window_view(np.zeros(n + 2 * q), k)[::s]
            if windows.shape[0] == o:
                hits.append(c)
        return hits[0] if len(hits) == 1 else -1
