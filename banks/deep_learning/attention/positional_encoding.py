"""Sinusoidal positional encoding value PE(pos, j) of the Transformer.

Source: Vaswani et al., "Attention is all you need" (NeurIPS 2017), section 3.5:
``PE(pos, 2i) = sin(pos / 10000^(2i/d_model))`` and ``PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))``
(angles in radians; dimensions indexed from 0).
"""

import math

import numpy as np

from generator.answers import Numerical
from generator.question import Question

D_MODELS = (16, 32, 64, 128, 256, 512)


def _check(p):
    for name in ("pos", "index", "d_model"):
        if not isinstance(p[name], int) or isinstance(p[name], bool):
            raise ValueError(f"{name} must be an integer")  # noqa: TRY004 (the framework expects ValueError)
    if p["pos"] < 0:
        raise ValueError("pos must be >= 0")
    if p["d_model"] < 2 or p["d_model"] % 2:
        raise ValueError("d_model must be a positive even integer")
    if not 0 <= p["index"] < p["d_model"]:
        raise ValueError("index must satisfy 0 <= index < d_model")


class PositionalEncoding(Question):
    id = "dl/attention/positional-encoding"
    title = "Sinusoidal positional encoding"
    topic = "attention"
    tags = ("attention", "transformer", "positional-encoding")
    difficulty = "beginner"
    points = 2.0
    source = "seed paper 000 (Minor-I, Q4, role of positional embeddings); Vaswani et al. 2017"
    stem = r"""
A Transformer with \(d_{\text{model}} = <<d_model>>\) adds the sinusoidal positional encoding
\[ PE(pos, 2i) = \sin\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right), \qquad
   PE(pos, 2i+1) = \cos\!\left(\frac{pos}{10000^{2i/d_{\text{model}}}}\right) \]
to its input embeddings, where positions and dimensions are numbered from 0 and angles are in radians.
What is the value of dimension \(j = <<index>>\) of the encoding of position \(pos = <<pos>>\)?
Give 3 decimals.
"""
    solution = r"""
Dimension \(j = <<index>>\) is <% if even %>even, so \(j = 2i\) with \(i = <<i>>\) and the sine is used<% else %>odd, so \(j = 2i+1\) with \(i = <<i>>\) and the cosine is used<% endif %>.
The angle is
\[ \frac{pos}{10000^{2i/d_{\text{model}}}} = \frac{<<pos>>}{10000^{<<2 * i>>/<<d_model>>}}
   = \frac{<<pos>>}{<<denominator|num(4)>>} = <<angle|num(4)>> \text{ rad}, \]
so
\[ PE(<<pos>>, <<index>>) = <% if even %>\sin<% else %>\cos<% endif %>(<<angle|num(4)>>) = <<answer.value|num(3)>>. \]
"""

    def draw(self, rng):
        d = int(rng.choice(D_MODELS))
        return {"pos": int(rng.integers(1, 101)), "index": int(rng.integers(0, min(d // 2, 24))), "d_model": d}

    def working(self, p):
        i = p["index"] // 2
        denominator = 10000.0 ** (2 * i / p["d_model"])
        return {"i": i, "even": p["index"] % 2 == 0, "denominator": denominator, "angle": p["pos"] / denominator}

    def solve(self, p):
        _check(p)
        w = self.working(p)
        value = math.sin(w["angle"]) if w["even"] else math.cos(w["angle"])
        return Numerical(value, tolerance=0.005, places=3)

    def verify(self, p):
        # Independent route: the whole PE matrix built as in the Annotated Transformer, with
        # exp(-ln(10000) * 2i / d) frequencies, sines in the even and cosines in the odd columns.
        d, pos = p["d_model"], p["pos"]
        positions = np.arange(pos + 1, dtype=float)[:, None]
        freq = np.exp(np.arange(0, d, 2, dtype=float) * (-math.log(10000.0) / d))
        pe = np.zeros((pos + 1, d))
        pe[:, 0::2] = np.sin(positions * freq)
        pe[:, 1::2] = np.cos(positions * freq)
        return pe[pos, p["index"]]
