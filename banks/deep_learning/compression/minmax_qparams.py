"""Calibrating 8-bit quantisation: scale and zero point from the observed range (min/max observer).

Affine ``quint8`` (codes 0..255): the range is widened to include 0, ``lo = min(x_min, 0)``,
``hi = max(x_max, 0)``; ``scale = (hi - lo) / 255`` and ``zero_point = round(-lo / scale)`` (so that 0
is exactly representable), kept within 0..255. Symmetric ``qint8`` (codes -128..127):
``scale = max(|lo|, hi) / 127.5`` and ``zero_point = 0``. A value is then quantised as
``clamp(round(x / scale) + zero_point)``.

Sources: the PyTorch docs of ``torch.ao.quantization.observer.MinMaxObserver`` (``per_tensor_affine``
and ``per_tensor_symmetric``; ``(max - min) / (quant_max - quant_min)``); Jacob et al. 2018, section 2.1
(zero must be exactly representable); Krishnamoorthi 2018, "Quantizing deep convolutional networks for
efficient inference: A whitepaper", section 2.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

TOL = 1e-5


def _check(p):
    x = np.asarray(p["values"], dtype=float)
    if x.ndim != 1 or not 2 <= x.size <= 12 or not np.all(np.isfinite(x)) or np.abs(x).max() > 1e4:
        raise ValueError("values must be a list of 2 to 12 finite numbers within +-10000")
    if p["scheme"] not in ("affine", "symmetric"):
        raise ValueError("scheme must be affine or symmetric")
    if not isinstance(p["probe"], (int, float)) or not math.isfinite(p["probe"]):
        raise ValueError("probe must be a number")
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    if hi - lo <= 0:
        raise ValueError("the values must not all be 0")
    return x, lo, hi


def qparams(p):
    """(scale, zero_point, q_min, q_max) for the params' scheme."""
    _, lo, hi = _check(p)
    if p["scheme"] == "affine":
        scale = (hi - lo) / 255
        return scale, int(min(255, max(0, round(-lo / scale)))), 0, 255
    return max(-lo, hi) / 127.5, 0, -128, 127


class MinmaxQparams(Question):
    id = "dl/compression/minmax-qparams"
    title = "Scale and zero point from a calibration range"
    topic = "compression"
    tags = ("compression", "quantisation", "calibration", "int8")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed paper 000 (Major, quantisation); PyTorch docs, torch.ao.quantization.observer.MinMaxObserver; "
              "Jacob et al. 2018")
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"a": (0, math.inf), "b": (-128, 255), "c": (-128, 255)}
    stem = r"""
Post-training quantisation calibrates a layer's activations on a few inputs, which produced the values
\[ <<values_tex>>. \]
<% if scheme == "affine" %>
They are quantised per tensor to unsigned 8-bit integers (codes 0 to 255) with an \emph{affine} min/max
observer: the observed range is first widened to include 0 (\(\ell = \min(x_{\min}, 0)\), \(u = \max(x_{\max}, 0)\)),
then \(s = (u - \ell)/255\) and \(z = \operatorname{round}(-\ell/s)\), so that 0 is represented exactly.
<% else %>
They are quantised per tensor to signed 8-bit integers (codes \(-128\) to 127) with a \emph{symmetric}
min/max observer: \(s = \max(|\ell|, u)/127.5\) with \(\ell = \min(x_{\min}, 0)\), \(u = \max(x_{\max}, 0)\),
and zero point \(z = 0\).
<% endif %>
A value is quantised as \(q = \operatorname{clamp}(\operatorname{round}(x/s) + z)\) to the range of codes.
"""
    solution = r"""
\(\ell = <<lo|num(4)>>\), \(u = <<hi|num(4)>>\).
<% if scheme == "affine" %>
\textbf{(a)} \(s = (<<hi|num(4)>> - <<lo_term>>)/255 = <<answer.parts[0].answer.value|num(6)>>\).

\textbf{(b)} \(z = \operatorname{round}(<<(-lo)|num(4)>>/<<answer.parts[0].answer.value|num(6)>>) = \operatorname{round}(<<ratio|num(3)>>) = <<answer.parts[1].answer.value|num>>\).
<% else %>
\textbf{(a)} \(s = \max(<<(-lo)|num(4)>>, <<hi|num(4)>>)/127.5 = <<answer.parts[0].answer.value|num(6)>>\).

\textbf{(b)} The scheme is symmetric: \(z = 0\).
<% endif %>

\textbf{(c)} \(<<probe|num>>/s = <<probe_ratio|num(3)>>\), rounded \(<<probe_rounded>>\), plus \(z\): \(<<probe_shifted>>\)<% if probe_clamped %>, clamped to \(<<answer.parts[2].answer.value|num>>\)<% endif %>.
"""

    def draw(self, rng):
        while True:
            scheme = str(rng.choice(["affine", "symmetric"]))
            n = int(rng.integers(5, 8))
            low, high = float(rng.choice([-6, -4, -2, -1, -0.5])), float(rng.choice([1, 2, 3, 5, 8]))
            x = np.round(rng.uniform(low, high, size=n), 2)
            if scheme == "affine" and rng.random() < 0.3:
                x = np.abs(x)  # all positive (as after a ReLU): the range is widened to 0
            probe = round(float(rng.uniform(low, high * 1.3)), 2)
            p = {"values": x.tolist(), "scheme": scheme, "probe": probe}
            try:
                scale, _, _, _ = qparams(p)
            except ValueError:
                continue
            _, lo, _ = _check(p)
            ratios = [probe / scale] + ([-lo / scale] if scheme == "affine" else [])
            # away from rounding ties, in float32 too (as the observer computes)
            if all(abs(r - math.floor(r) - 0.5) > 0.02 for r in ratios):
                return p

    def working(self, p):
        scale, zp, qmin, qmax = qparams(p)
        _, lo, hi = _check(p)
        r = round(p["probe"] / scale)
        return {"values_tex": ",\\ ".join(f"{v:g}" for v in p["values"]), "lo": lo, "hi": hi,
                "lo_term": f"({lo:.4g})" if lo < 0 else f"{lo:g}", "ratio": -lo / scale,
                "probe_ratio": p["probe"] / scale, "probe_rounded": r, "probe_shifted": r + zp,
                "probe_clamped": not qmin <= r + zp <= qmax}

    def solve(self, p):
        scale, zp, qmin, qmax = qparams(p)
        q = int(min(qmax, max(qmin, round(p["probe"] / scale) + zp)))
        return MultiPart((
            Part("a", r"Give the scale \(s\) (to 6 significant digits).", Numerical(scale, tolerance=TOL, places=6)),
            Part("b", r"Give the zero point \(z\).", Numerical(zp)),
            Part("c", rf"Give the code \(q\) of the value \(x = {p['probe']:g}\).", Numerical(q)),
        ))

    def verify(self, p):
        # Independent route: the scale as the step that maps the widened range onto the codes end to end;
        # the zero point and the probe's code by searching all codes for the one whose dequantised value
        # is nearest to 0 (resp. to the probe).
        _, lo, hi = _check(p)
        if p["scheme"] == "affine":
            codes = np.arange(0, 256)
            scale = (hi - lo) / (codes[-1] - codes[0])
            zp = int(codes[np.argmin(np.abs(lo + codes * scale))])
        else:
            codes = np.arange(-128, 128)
            scale = 2 * max(-lo, hi) / (codes[-1] - codes[0])
            zp = 0
        q = int(codes[np.argmin(np.abs((codes - zp) * scale - p["probe"]))])
        return [scale, zp, q]
