"""PixelCNN masked convolutions: which kernel positions a type-A or type-B mask keeps, and how many weights act.

Pixels are generated in raster order (row by row, left to right). A ``k x k`` masked convolution keeps the
rows above the centre and the positions left of the centre in its row; mask A (first layer) also zeros
the centre, mask B (later layers) keeps it. So ``(k^2 - 1)/2`` positions survive for A and
``(k^2 + 1)/2`` for B. (Single-channel images: the colour-channel split of the paper is not used.)

Sources: van den Oord, Kalchbrenner & Kavukcuoglu 2016, "Pixel Recurrent Neural Networks", section 3.4
and figure 2 (masks A and B); the PyTorch docs of ``torch.nn.Conv2d`` (weight shape
``C_out x C_in x k x k``).
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    for name in ("kernel", "in_channels", "out_channels"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["kernel"] % 2 == 0 or p["kernel"] > 15:
        raise ValueError("kernel must be odd, at most 15")
    if p["mask"] not in ("A", "B"):
        raise ValueError("mask must be A or B")
    return p["kernel"], p["in_channels"], p["out_channels"], p["mask"]


def mask_array(k: int, kind: str) -> np.ndarray:
    """The ``k x k`` 0/1 mask: rows above the centre, then the centre row up to (A: before) the centre."""
    m = np.zeros((k, k), dtype=int)
    c = k // 2
    m[:c, :] = 1
    m[c, : c + (1 if kind == "B" else 0)] = 1
    return m


class PixelcnnMask(Question):
    id = "dl/autoregressive/pixelcnn-mask"
    title = "PixelCNN masks A and B"
    topic = "autoregressive"
    tags = ("autoregressive", "pixelcnn", "masked-convolution", "parameters")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 000 (Major Q4, autoregressive models); van den Oord et al. 2016 (PixelRNN/PixelCNN), figure 2"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (1, math.inf), "b": (1, math.inf)}
    stem = r"""
A PixelCNN generates a grey-scale image pixel by pixel in raster order (rows top to bottom, each row left to
right); a pixel may depend only on the pixels generated before it. Its convolutions are therefore masked: a
\(<<kernel>>\times<<kernel>>\) kernel is multiplied elementwise by a 0/1 mask of type
<% if mask == "A" %>A, used in the first layer (the current pixel itself is hidden)<% else %>B, used after the
first layer (the current position is allowed, since it already holds only information from earlier pixels)<% endif %>.
Consider such a layer with \(<<in_channels>>\) input and \(<<out_channels>>\) output channels and one bias per
output channel.
"""
    solution = r"""
\textbf{(a)} The mask keeps the \(<<half>>\) rows above the centre (\(<<half>>\cdot<<kernel>> = <<above>>\) positions)
and the \(<<half>>\) positions left of the centre<% if mask == "B" %>, plus the centre itself<% endif %>:
\(<<above>> + <<half>><% if mask == "B" %> + 1<% endif %> = <<answer.parts[0].answer.value|num>>\), i.e.
\((k^2 <<"-" if mask == "A" else "+">> 1)/2\). The mask is
\[ <<mask_matrix|bmatrix>>. \]

\textbf{(b)} Every (input, output) channel pair has its own kernel with \(<<answer.parts[0].answer.value|num>>\)
unmasked weights: \(<<in_channels>>\cdot<<out_channels>>\cdot<<answer.parts[0].answer.value|num>> + <<out_channels>> = <<answer.parts[1].answer.value|num>>\)
(the masked weights stay zero and receive no gradient). An unmasked layer would use
\(<<in_channels * out_channels * kernel * kernel + out_channels>>\).
"""

    def draw(self, rng):
        return {"kernel": int(rng.choice([3, 5, 7])), "mask": str(rng.choice(["A", "B"])),
                "in_channels": int(rng.choice([1, 16, 32, 64])) , "out_channels": int(rng.choice([16, 32, 64, 128]))}

    def working(self, p):
        k, _, _, kind = _check(p)
        return {"half": k // 2, "above": k // 2 * k, "mask_matrix": mask_array(k, kind).tolist()}

    def solve(self, p):
        k, c_in, c_out, kind = _check(p)
        kept = (k * k - 1) // 2 if kind == "A" else (k * k + 1) // 2
        return MultiPart((
            Part("a", "How many of the kernel's positions does the mask keep?", Numerical(kept)),
            Part("b", "How many weights and biases of the layer can be non-zero (the unmasked ones)?",
                 Numerical(c_in * c_out * kept + c_out)),
        ))

    def verify(self, p):
        # Independent route: raster order. Position (i, j) of the kernel, relative to the centre, reads a
        # pixel generated earlier iff it comes first in (row, column) order (or is the centre, for B).
        k, c_in, c_out, kind = _check(p)
        c = k // 2
        keep = np.array([[(i, j) < (c, c) or (kind == "B" and (i, j) == (c, c)) for j in range(k)]
                         for i in range(k)])
        weights = np.broadcast_to(keep, (c_out, c_in, k, k))
        return [int(keep.sum()), int(weights.sum()) + c_out]
