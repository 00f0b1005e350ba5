"""Integer inference of a quantised linear layer: int32 accumulator, real output, requantised output codes.

Activations ``quint8`` with scale ``s_x`` and zero point ``z_x``; weights ``qint8`` symmetric (zero point
0) with scale ``s_w``. The layer accumulates ``acc_i = sum_j (q_x_j - z_x) q_w_ij`` in integers, then
``y_i = s_x s_w acc_i + b_i`` and requantises ``q_y_i = clamp(round(y_i / s_y) + z_y, 0, 255)``.

Sources: Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
Integer-Arithmetic-Only Inference", section 2.2-2.4 (equations 4-9, the int32 accumulator and the bias);
the PyTorch docs of ``torch.quantize_per_tensor``, ``torch.Tensor.dequantize`` and
``torch.ao.nn.quantized.Linear``.
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question


def _check(p):
    qx = np.asarray(p["x_codes"], dtype=float)
    qw = np.asarray(p["w_codes"], dtype=float)
    b = np.asarray(p["bias"], dtype=float)
    if qx.ndim != 1 or qw.ndim != 2 or qw.shape[1] != qx.size or b.shape != (qw.shape[0],):
        raise ValueError("x_codes (n), w_codes (m x n) and bias (m) must have matching shapes")
    if not (np.all((qx >= 0) & (qx <= 255)) and np.all((qw >= -128) & (qw <= 127))):
        raise ValueError("x codes must be 0..255 and weight codes -128..127")
    if not (np.all(qx == np.round(qx)) and np.all(qw == np.round(qw))):
        raise ValueError("codes must be whole numbers")
    for name in ("s_x", "s_w", "s_y"):
        if not (isinstance(p[name], (int, float)) and p[name] > 0):
            raise ValueError(f"{name} must be positive")
    for name in ("z_x", "z_y"):
        if not isinstance(p[name], int) or not 0 <= p[name] <= 255:
            raise ValueError(f"{name} must be an integer from 0 to 255")
    return qx, qw, b


class QuantizedLinear(Question):
    id = "dl/compression/quantized-linear"
    title = "Integer arithmetic in a quantised linear layer"
    topic = "compression"
    tags = ("compression", "quantisation", "int8", "inference")
    difficulty = "advanced"
    points = 3.0
    source = "seed paper 000 (Major, quantisation); Jacob et al. 2018, sections 2.2-2.4; PyTorch docs, quantized Linear"
    stem = r"""
A quantised linear layer runs in integer arithmetic. Its input is stored as unsigned 8-bit codes
\(q_x = <<x_codes|bmatrix>>\) with scale \(s_x = <<s_x|num>>\) and zero point \(z_x = <<z_x>>\) (so
\(x = s_x(q_x - z_x)\)); its weights as signed 8-bit codes with scale \(s_w = <<s_w|num>>\) and zero point 0,
\[ Q_W = <<w_codes|bmatrix>>, \qquad b = <<bias|bmatrix>> \ \text{(real-valued bias)}. \]
The output is stored as unsigned 8-bit codes with scale \(s_y = <<s_y|num>>\) and zero point \(z_y = <<z_y>>\),
\(q_y = \operatorname{clamp}(\operatorname{round}(y/s_y) + z_y,\ 0,\ 255)\).
"""
    solution = r"""
\textbf{(a)} Subtract the input zero point and multiply in integers: \(q_x - z_x = <<centred|bmatrix>>\), and
\[ \mathrm{acc} = Q_W\,(q_x - z_x) = <<answer.parts[0].answer.array|bmatrix>>. \]

\textbf{(b)} One real multiplication per output: \(y = s_x s_w\,\mathrm{acc} + b\) with \(s_x s_w = <<(s_x * s_w)|num>>\):
\[ y = <<answer.parts[1].answer.array|bmatrix(4)>>. \]

\textbf{(c)} \(y / s_y = <<ratio|bmatrix(2)>>\); rounded and shifted by \(z_y\) (and clamped to 0..255):
\[ q_y = <<answer.parts[2].answer.array|bmatrix>>. \]
"""

    def draw(self, rng):
        n, m = int(rng.choice([3, 4])), 2
        while True:
            s_x, s_w, s_y = (float(rng.choice(v)) for v in ([0.05, 0.1, 0.02], [0.01, 0.02, 0.05], [0.05, 0.1, 0.2]))
            p = {"x_codes": rng.integers(90, 170, size=n).tolist(), "s_x": s_x, "z_x": int(rng.choice([128, 120, 100])),
                 "w_codes": rng.integers(-60, 61, size=(m, n)).tolist(), "s_w": s_w,
                 "bias": np.round(rng.uniform(-0.5, 0.5, size=m), 2).tolist(), "s_y": s_y,
                 "z_y": int(rng.choice([128, 100, 64]))}
            y = self._outputs(p)[1]
            ratio = y / s_y
            if np.all(np.abs(ratio - np.floor(ratio) - 0.5) > 0.05):
                return p

    def _outputs(self, p):
        qx, qw, b = _check(p)
        acc = qw @ (qx - p["z_x"])
        y = p["s_x"] * p["s_w"] * acc + b
        qy = np.clip(np.round(y / p["s_y"]) + p["z_y"], 0, 255)
        return acc, y, qy

    def working(self, p):
        qx, _, _ = _check(p)
        _, y, _ = self._outputs(p)
        return {"centred": (qx - p["z_x"]).tolist(), "ratio": (y / p["s_y"]).tolist()}

    def solve(self, p):
        acc, y, qy = self._outputs(p)
        return MultiPart((
            Part("a", r"Give the integer accumulator \(\mathrm{acc} = Q_W (q_x - z_x)\).", Matrix.of(acc)),
            Part("b", r"Give the real-valued output \(y\) (to 4 decimal places).",
                 Matrix.of(y, tolerance=0.0005, places=4)),
            Part("c", r"Give the output codes \(q_y\).", Matrix.of(qy)),
        ))

    def verify(self, p):
        # Independent route: dequantise everything to real numbers, apply the float layer, and find each
        # output's code as the nearest representable level (searched over all 256 codes).
        qx, qw, b = _check(p)
        x = p["s_x"] * (qx - p["z_x"])
        w = p["s_w"] * qw
        y = w @ x + b
        acc = np.rint((w @ x) / (p["s_x"] * p["s_w"]))
        levels = (np.arange(256) - p["z_y"]) * p["s_y"]
        qy = [int(np.argmin(np.abs(levels - v))) for v in y]
        return [acc, y, qy]

