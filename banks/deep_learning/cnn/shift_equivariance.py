"""Translation equivariance of convolution and (approximate) invariance of max pooling, on a 1-D signal.

A valid 1-D cross-correlation ``y_j = sum_a k_a x_{j+a}`` of ``x`` and of ``x`` shifted right by one (a zero
enters on the left, the last sample leaves): the outputs are shifted copies away from the border
(equivariance); max pooling (size 2, stride 2) of the two outputs may or may not agree (pooling gives only
approximate invariance, and none once the shift crosses a pooling window). Sources: Goodfellow, Bengio &
Courville, "Deep Learning" (2016), sections 9.2-9.3; the PyTorch docs of ``torch.nn.functional.conv1d`` and
``max_pool1d``. The short-explanation counterpart is ``dl/cnn/conv-symmetry-essay``.
"""

import numpy as np

from generator.answers import Matrix, MultiPart, Part, TrueFalse
from generator.question import Question


def _check(p):
    x, k = np.asarray(p["signal"], dtype=float), np.asarray(p["kernel"], dtype=float)
    if x.ndim != 1 or k.ndim != 1 or not 1 <= len(k) < len(x) <= 16:
        raise ValueError("signal (up to 16 numbers) must be longer than kernel (at least 1 number)")
    if (len(x) - len(k) + 1) % 2:
        raise ValueError("the convolution output must have an even length for size-2 pooling")
    return x, k


def correlate(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Valid cross-correlation (no kernel flip), as deep-learning convolution layers compute it."""
    return np.lib.stride_tricks.sliding_window_view(x, len(k)) @ k


def shifted(x: np.ndarray) -> np.ndarray:
    """``x`` shifted right by one sample: a zero enters on the left, the last sample leaves."""
    return np.concatenate([[0.0], x[:-1]])


def max_pool(y: np.ndarray) -> np.ndarray:
    """Max pooling with window 2 and stride 2."""
    return y.reshape(-1, 2).max(axis=1)


class ShiftEquivariance(Question):
    id = "dl/cnn/shift-equivariance"
    title = "Shifting the input: equivariance of convolution, invariance of pooling"
    topic = "cnn"
    tags = ("convolution", "pooling", "equivariance", "computation")
    difficulty = "beginner"
    points = 3.0
    space = "1.5cm"  # room to work each part
    source = ("seed paper 000 (Major, CNN question 1: invariance and equivariance) and 003 (Q5, what pooling "
              "provides); Goodfellow, Bengio & Courville, Deep Learning (2016), sections 9.2-9.3")
    stem = r"""
A 1-D convolution layer (one channel, no bias, stride 1, no padding; a cross-correlation, the kernel is not
flipped) with kernel \(k = (<<kernel|join(", ")>>)\), computing \(y_j = \sum_a k_a x_{j+a}\), is followed by max
pooling with window 2 and stride 2. It is applied to
\[ x = (<<signal|join(", ")>>) \]
and to the same signal shifted right by one position, \(x' = (0, <<signal[:-1]|join(", ")>>)\).
(a) Compute the convolution output \(y\) for \(x\) and (b) \(y'\) for \(x'\).
(c) Compute the pooled outputs \(\operatorname{pool}(y)\) and (d) \(\operatorname{pool}(y')\).
(e) True or false: the pooled output is unchanged by the shift.
"""
    solution = r"""
(a) Sliding the kernel over \(x\): \(y = <<y|bmatrix>>\).

(b) \(y' = <<y_shift|bmatrix>>\). Away from the left border, \(y'_j = y_{j-1}\): the output is shifted by the
same amount as the input (translation equivariance); only \(y'_1\), where the inserted zero enters, is new
(\(y'_1 = <<y_shift[0]|num>>\)), and \(y_{<<y|length>>}\) has left the output.

(c) Maxima of the pairs \((y_1, y_2), (y_3, y_4), \dots\): \(\operatorname{pool}(y) = <<pool|bmatrix>>\).

(d) \(\operatorname{pool}(y') = <<pool_shift|bmatrix>>\).

(e) <% if invariant %>True: here every pooling window happens to keep its maximum after the shift.<% else %>False:
a shift by one moves values across the pooling windows, so <<changed>> of the <<pool|length>> pooled values
<% if changed == 1 %>changes<% else %>change<% endif %>.<% endif %> Max pooling gives only approximate, local invariance to small shifts; convolution itself is
equivariant, not invariant.
"""

    def draw(self, rng):
        n_out = 6
        want_invariant = bool(rng.integers(0, 2))  # both answers to (e) equally often
        while True:
            k = rng.choice([-1, 0, 1, 2], size=3)
            x = rng.integers(0, 6, size=n_out + len(k) - 1)
            p = {"signal": [int(v) for v in x], "kernel": [int(v) for v in k]}
            if np.any(k) and self.working(p)["invariant"] == want_invariant:
                return p

    def working(self, p):
        x, k = _check(p)
        y, y2 = correlate(x, k), correlate(shifted(x), k)
        pool, pool2 = max_pool(y), max_pool(y2)
        return {"y": y, "y_shift": y2, "pool": pool, "pool_shift": pool2, "invariant": bool(np.all(pool == pool2)),
                "changed": int(np.sum(pool != pool2))}

    def solve(self, p):
        w = self.working(p)
        return MultiPart((
            Part("a", r"\(y\)", Matrix.of(w["y"])),
            Part("b", r"\(y'\)", Matrix.of(w["y_shift"])),
            Part("c", r"\(\operatorname{pool}(y)\)", Matrix.of(w["pool"])),
            Part("d", r"\(\operatorname{pool}(y')\)", Matrix.of(w["pool_shift"])),
            Part("e", "Pooled output unchanged by the shift (true/false)", TrueFalse(w["invariant"]), weight=0.5),
        ))

    def verify(self, p):
        # Independent route: numpy's correlate, a shift by padding and slicing, pooling by explicit pairs.
        x, k = _check(p)
        x2 = np.pad(x, (1, 0))[: len(x)]
        y, y2 = np.correlate(x, k, mode="valid"), np.correlate(x2, k, mode="valid")

        def pool(v):
            return [max(v[i], v[i + 1]) for i in range(0, len(v), 2)]

        return [y, y2, pool(y), pool(y2), pool(y) == pool(y2)]
