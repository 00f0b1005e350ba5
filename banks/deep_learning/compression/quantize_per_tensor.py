"""Affine (per-tensor) quantisation of a few values with a given scale and zero point, and back.

``q = clamp(round(x / scale) + zero_point, q_min, q_max)`` and ``x_hat = (q - zero_point) * scale``,
with ``[q_min, q_max] = [0, 255]`` for ``quint8`` and ``[-128, 127]`` for ``qint8``. Values are drawn
away from ties (``x / scale`` never within 0.05 of a half), so the rounding convention does not matter.

Sources: the PyTorch docs of ``torch.quantize_per_tensor`` and "Quantization" (the affine mapping);
Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
Inference", section 2.1 (``r = S (q - Z)``).
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

RANGES = {"quint8": (0, 255), "qint8": (-128, 127)}
SCALES = (0.02, 0.05, 0.1, 0.25, 0.5)


def _check(p):
    x = np.asarray(p["values"], dtype=float)
    if x.ndim != 1 or not 1 <= x.size <= 8 or not np.all(np.isfinite(x)):
        raise ValueError("values must be a list of 1 to 8 finite numbers")
    if p["dtype"] not in RANGES:
        raise ValueError("dtype must be quint8 or qint8")
    scale = float(p["scale"])
    if not scale > 0:
        raise ValueError("scale must be positive")
    lo, hi = RANGES[p["dtype"]]
    zp = p["zero_point"]
    if not isinstance(zp, int) or isinstance(zp, bool) or not lo <= zp <= hi:
        raise ValueError(f"zero_point must be an integer from {lo} to {hi}")
    return x, scale, zp, lo, hi


class QuantizePerTensor(Question):
    id = "dl/compression/quantize-per-tensor"
    title = "Affine quantisation with a scale and zero point"
    topic = "compression"
    tags = ("compression", "quantisation", "int8")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 000 (Major, quantisation); PyTorch docs, torch.quantize_per_tensor; Jacob et al. 2018"
    stem = r"""
A tensor is quantised per tensor to 8-bit <% if dtype == "quint8" %>unsigned integers (\texttt{torch.quint8},
codes 0 to 255)<% else %>signed integers (\texttt{torch.qint8}, codes \(-128\) to 127)<% endif %> with scale
\(s = <<scale|num>>\) and zero point \(z = <<zero_point>>\):
\[ q = \operatorname{clamp}\!\left(\operatorname{round}(x/s) + z,\ <<qmin>>,\ <<qmax>>\right), \qquad
\hat{x} = (q - z)\,s. \]
The tensor holds \(x = <<values|bmatrix>>\).
"""
    solution = r"""
<% for row in rows %>
\(x = <<row.x>>\): \(x/s = <<row.ratio>>\), rounded \(<<row.rounded>>\), plus \(z\): \(<<row.shifted>>\)<% if row.clamped %>, clamped to \(<<row.q>>\)<% endif %>;
\(\hat{x} = (<<row.q>> - <<zp_term>>)\cdot<<scale|num>> = <<row.xhat>>\).\par
<% endfor %>
Codes \(q = <<answer.parts[0].answer.array|bmatrix>>\), dequantised \(\hat{x} = <<answer.parts[1].answer.array|bmatrix(4)>>\).
<% if any_clamped %>Values outside the representable range \([<<((qmin - zero_point) * scale)|num(4)>>, <<((qmax - zero_point) * scale)|num(4)>>]\) are clipped: their error can be far larger than \(s/2\).<% endif %>
"""

    def draw(self, rng):
        dtype = str(rng.choice(["quint8", "qint8"]))
        lo, hi = RANGES[dtype]
        scale = float(rng.choice(SCALES))
        zp = int(rng.integers(lo + 20, hi - 19)) if dtype == "quint8" else int(rng.integers(-20, 21))
        top, bottom = (hi - zp) * scale, (lo - zp) * scale
        values = []
        while len(values) < 4:
            # mostly inside the representable range, sometimes just outside it (to be clipped)
            span = (bottom * 1.15, top * 1.15)
            x = round(float(rng.uniform(*span)), 2)
            frac = abs(x / scale - np.floor(x / scale) - 0.5)
            if frac > 0.05 and abs(x) >= 0.01 and x not in values:
                values.append(x)
        return {"values": values, "scale": scale, "zero_point": zp, "dtype": dtype}

    def _quantise(self, p):
        x, scale, zp, lo, hi = _check(p)
        rounded = np.round(x / scale).astype(int)
        q = np.clip(rounded + zp, lo, hi)
        return x, rounded, q, (q - zp) * scale

    def working(self, p):
        x, rounded, q, xhat = self._quantise(p)
        _, scale, zp, lo, hi = _check(p)
        rows = [{"x": f"{a:.2f}", "ratio": f"{a / scale:.2f}", "rounded": int(r), "shifted": int(r + zp),
                 "clamped": int(r + zp) != int(c), "q": int(c), "xhat": f"{h:.4f}"}
                for a, r, c, h in zip(x, rounded, q, xhat)]
        return {"rows": rows, "zp_term": f"({zp})" if zp < 0 else str(zp), "qmin": lo, "qmax": hi, "any_clamped": any(r["clamped"] for r in rows)}

    def solve(self, p):
        _, _, q, xhat = self._quantise(p)
        return MultiPart((
            Part("a", r"Give the integer codes \(q\).", Matrix.of(q)),
            Part("b", r"Give the dequantised values \(\hat{x}\) (to 4 decimal places).",
                 Matrix.of(xhat, tolerance=0.0005, places=4)),
        ))

    def verify(self, p):
        # Independent route: for each value, the code whose dequantised value is nearest to it, searched
        # over every representable code (clipping then happens by itself at the ends of the range).
        x, scale, zp, lo, hi = _check(p)
        codes = np.arange(lo, hi + 1)
        levels = (codes - zp) * scale
        q = np.array([codes[np.argmin(np.abs(levels - v))] for v in x])
        return [q, (q - zp) * scale]
