"""Cost of multi-head self-attention: multiply-adds of the attention products, memory of the weights.

For ``n`` tokens of width ``d`` split over ``h`` heads of width ``d/h``: the scores ``Q K^T`` take
``h * n^2 * (d/h) = n^2 d`` multiply-adds, and so does ``A V``; the four projections (Q, K, V and the
output) take ``4 n d^2``. The attention weights of a batch of ``B`` sequences are ``B h n^2`` numbers.
The two attention products cost as much as the projections when ``2 n^2 d = 4 n d^2``, i.e. ``n = 2d``.

Sources: Vaswani et al., "Attention is all you need" (2017), section 4 and table 1 (self-attention is
``O(n^2 d)`` per layer); the PyTorch docs of ``torch.nn.MultiheadAttention`` and
``torch.utils.flop_counter.FlopCounterMode`` (a matrix product counts 2 FLOPs per multiply-add).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

BYTES = {"fp32": 4, "fp16": 2}
MIB = 2**20


def _check(p):
    for name in ("n_tokens", "dim", "heads", "batch"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["dim"] % p["heads"]:
        raise ValueError("heads must divide dim")
    if p["dtype"] not in BYTES:
        raise ValueError("dtype must be fp32 or fp16")
    return p["n_tokens"], p["dim"], p["heads"], p["batch"], BYTES[p["dtype"]]


class AttentionCost(Question):
    id = "dl/attention/attention-cost"
    title = "Compute and memory of self-attention as the sequence grows"
    topic = "attention"
    tags = ("attention", "transformer", "complexity")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 001 (Q25, cost of self-attention); Vaswani et al. 2017, table 1"
    limits: ClassVar[dict[str, tuple[float, float]]] = {"n_tokens": (1, 10**5), "dim": (1, 10**4), "heads": (1, 256), "batch": (1, 4096)}
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (1, math.inf), "b": (0, math.inf), "c": (1, math.inf)}
    stem = r"""
A multi-head self-attention layer has model width \(d = <<dim>>\) and \(h = <<heads>>\) heads, each of width
\(d/h = <<dim // heads>>\). It reads sequences of \(n = <<n_tokens>>\) tokens. Count one multiply-add as one
operation and ignore the softmax, biases and scaling.
"""
    solution = r"""
\textbf{(a)} Each head multiplies an \(n\times d/h\) query matrix by a \(d/h\times n\) key matrix:
\(n^2 \cdot d/h\) multiply-adds per head, so over all heads
\[ h\cdot n^2\cdot\frac{d}{h} = n^2 d = <<n_tokens>>^2\cdot<<dim>> = <<answer.parts[0].answer.value|num>>. \]

\textbf{(b)} There are \(B\cdot h\cdot n^2 = <<batch>>\cdot<<heads>>\cdot<<n_tokens>>^2 = <<entries>>\) weights of
<<nbytes>> bytes each: \(<<entries * nbytes>>\) bytes \(= <<entries * nbytes>>/2^{20} \approx <<answer.parts[1].answer.value|num(2)>>\) MiB.

\textbf{(c)} \(QK^{\top}\) and \(AV\) together take \(2n^2d\) multiply-adds, the four projections \(4nd^2\);
they are equal when \(2n^2 d = 4nd^2\), i.e. \(n = 2d = <<answer.parts[2].answer.value|num>>\). Longer
sequences make the quadratic attention products dominate.
"""

    def draw(self, rng):
        heads = int(rng.choice([4, 8, 12, 16]))
        dim = heads * int(rng.choice([16, 32, 64]))
        return {"n_tokens": int(rng.choice([128, 256, 512, 1024, 2048])) // int(rng.choice([1, 2])) * int(rng.choice([1, 3])),
                "dim": dim, "heads": heads, "batch": int(rng.choice([4, 8, 16, 32])),
                "dtype": str(rng.choice(["fp32", "fp16"]))}

    def working(self, p):
        n, _, h, b, nbytes = _check(p)
        return {"entries": b * h * n * n, "nbytes": nbytes}

    def solve(self, p):
        n, d, h, b, nbytes = _check(p)
        return MultiPart((
            Part("a", r"How many multiply-adds does computing the scores \(QK^{\top}\) of all heads take for one sequence?",
                 Numerical(n * n * d)),
            Part("b", rf"How much memory do the attention weights of a batch of {b} sequences take, stored in "
                      rf"{p['dtype'].upper()}, in MiB (\(2^{{20}}\) bytes)? Give 2 decimal places.",
                 Numerical(b * h * n * n * nbytes / MIB, tolerance=0.01, places=2)),
            Part("c", r"For which sequence length \(n\) do the two attention products \(QK^{\top}\) and \(AV\) "
                      r"together take as many multiply-adds as the four \(d\times d\) projections (queries, keys, "
                      r"values and output) together?",
                 Numerical(2 * d)),
        ))

    def verify(self, p):
        # Independent route: per head and per query, count one d/h-long dot product with every key; the
        # weights as the size of an (empty) array of the stated dtype; (c) by searching n for the crossing.
        n, d, h, b, _ = _check(p)
        head = d // h
        macs = sum(n * head for _ in range(h) for _ in range(n))
        dtype = np.float32 if p["dtype"] == "fp32" else np.float16
        weights = np.broadcast_to(np.zeros((), dtype), (b, h, n, n))
        crossing = next(m for m in range(1, 8 * d) if 2 * m * m * d >= 4 * m * d * d)
        return [macs, weights.size * weights.itemsize / MIB, crossing]
