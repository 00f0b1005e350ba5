"""Storage size of a fully connected network's parameters at 32-bit floats and after quantisation.

Parameters of layers ``d_0 -> d_1 -> ... -> d_L`` with biases: ``sum_l (d_{l-1} + 1) d_l``. Stored at
``b`` bits each they take ``N * b / 8`` bytes; 1 MB = 10^6 bytes here. The scale and zero point of each
quantised tensor (a few bytes per layer) are ignored.

Sources: the PyTorch docs of ``torch.nn.Linear`` (weight ``out x in``, bias ``out``),
``torch.Tensor.element_size`` and "Quantization" (int8 stores a weight in 1 byte instead of 4);
Han, Mao & Dally 2016, "Deep Compression" (model size after quantisation); Jacob et al. 2018
(integer-arithmetic-only inference, 8-bit weights).
"""

import itertools
import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.002  # relative


def _check(p):
    widths = p["widths"]
    if not isinstance(widths, list) or not 2 <= len(widths) <= 8 or not all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 100_000 for w in widths):
        raise ValueError("widths must list 2 to 8 layer widths from 1 to 100000")
    if p["bits"] not in (16, 8, 4, 2):
        raise ValueError("bits must be 16, 8, 4 or 2")
    return widths, p["bits"]


def n_params(widths) -> int:
    return sum((a + 1) * b for a, b in itertools.pairwise(widths))


class ModelSize(Question):
    id = "dl/compression/model-size"
    title = "Model size before and after quantisation"
    topic = "compression"
    tags = ("compression", "quantisation", "parameters")
    difficulty = "beginner"
    points = 3.0
    source = "seed paper 000 (Major, model compression); PyTorch docs, Quantization and torch.nn.Linear"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (1, math.inf), "b": (0, math.inf), "c": (0, math.inf)}
    stem = r"""
A fully connected network has layers of widths \(<<chain>>\) (input first), every layer
with weights and biases. Its parameters are stored as 32-bit floats; after quantisation every parameter is
stored as a <<bits>>-bit integer (ignore the few bytes of scales and zero points). Take
\(1\,\text{MB} = 10^6\) bytes.
"""
    solution = r"""
\textbf{(a)} A layer from \(m\) to \(n\) units has \(mn\) weights and \(n\) biases:
\[ <<terms>> = <<answer.parts[0].answer.value|num>>. \]

\textbf{(b)} 32 bits are 4 bytes: \(4\cdot<<answer.parts[0].answer.value|num>> = <<fp32_bytes>>\) bytes
\(\approx <<answer.parts[1].answer.value|num(3)>>\) MB.

\textbf{(c)} <<bits>> bits are \(<<bits>>/8 = <<bytes_each|num>>\) bytes: \(<<fp32_bytes // 4>>\cdot<<bytes_each|num>> = <<q_bytes|num>>\) bytes
\(\approx <<answer.parts[2].answer.value|num(3)>>\) MB, \(32/<<bits>> = <<32 // bits>>\) times smaller.
"""

    def draw(self, rng):
        depth = int(rng.integers(2, 5))
        widths = [int(rng.choice([784, 1024, 2048, 3072]))]
        widths += [int(rng.choice([256, 300, 500, 512, 1000, 1024, 2048])) for _ in range(depth - 1)]
        widths.append(int(rng.choice([10, 100, 1000])))
        return {"widths": widths, "bits": int(rng.choice([8, 8, 4, 16]))}

    def working(self, p):
        widths, bits = _check(p)
        terms = " + ".join(rf"{a}\cdot{b} + {b}" for a, b in itertools.pairwise(widths))
        n = n_params(widths)
        return {"chain": r" \to ".join(map(str, widths)), "terms": terms, "fp32_bytes": 4 * n, "bytes_each": bits / 8, "q_bytes": n * bits / 8}

    def solve(self, p):
        widths, bits = _check(p)
        n = n_params(widths)

        def wrong(nbytes):
            return (numeric_option(nbytes / 2**20, rationale="used MiB (\\(2^{20}\\) bytes) instead of MB"),
                    numeric_option(nbytes * 8 / 1e6, rationale="counted bits instead of bytes"))

        return MultiPart((
            Part("a", "How many parameters does the network have?", Numerical(n)),
            Part("b", "How large are the parameters at 32 bits, in MB (3 decimal places)?",
                 Numerical(4 * n / 1e6, tolerance=TOL, relative=True, places=3, mistakes=wrong(4 * n))),
            Part("c", f"How large are they after {bits}-bit quantisation, in MB (3 decimal places)?",
                 Numerical(n * bits / 8 / 1e6, tolerance=TOL, relative=True, places=3, mistakes=wrong(n * bits / 8))),
        ))

    def verify(self, p):
        # Independent route: the weight and bias arrays of every layer (as broadcast views, nothing
        # allocated) in float32 and in the integer type's bytes, their nbytes summed.
        widths, bits = _check(p)
        arrays = []
        for a, b in itertools.pairwise(widths):
            arrays += [np.broadcast_to(np.float32(0), (b, a)), np.broadcast_to(np.float32(0), (b,))]
        count = sum(x.size for x in arrays)
        fp32 = sum(x.size * x.itemsize for x in arrays)
        packed = sum(x.size * np.dtype(np.int8).itemsize for x in arrays) * bits / 8
        return [count, fp32 / 1e6, packed / 1e6]
