"""The signal a ReLU passes backwards in backprop, DeconvNet and guided-backprop visualisation.

Forward ``h = max(0, x)``; signal ``R`` arriving at the ReLU output:

- backpropagation (the gradient): ``R * [x > 0]`` (the forward mask);
- DeconvNet (Zeiler & Fergus): ``max(0, R)``: the ReLU is applied to the
  signal itself and the forward input is ignored;
- guided backpropagation (Springenberg et al.): ``max(0, R) * [x > 0]``: both.

Sources: Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks"
(2014), section 2.1 (rectification in the deconvnet); Springenberg, Dosovitskiy,
Brox & Riedmiller, "Striving for Simplicity: The All Convolutional Net" (2015),
section 3.4 and figure 1 (the three rules side by side); Simonyan, Vedaldi &
Zisserman, "Deep Inside Convolutional Networks" (2014), section 4 (backprop
saliency). The derivative of the ReLU at 0 is taken as 0, as in PyTorch.
"""

import numpy as np

from generator.answers import Matrix
from generator.question import Question

MODES = {
    "backprop": "plain backpropagation (the gradient)",
    "deconvnet": "the DeconvNet rule of Zeiler and Fergus",
    "guided": "guided backpropagation",
}


def _as_matrix(value, name):
    a = np.asarray(value, dtype=float)
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(
            f"{name} must be a non-empty matrix (nested list of rows) of finite numbers"
        )
    return a


class ReluBackwardModes(Question):
    id = "dl/cnn/relu-backward-modes"
    title = "Backprop, DeconvNet and guided backprop through a ReLU"
    topic = "cnn"
    tags = ("visualisation", "saliency", "deconvnet", "guided-backprop", "relu")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Advanced Q20, DeconvNet saliency)"
    stem = r"""
To visualise what a CNN has learned, a signal is sent backwards from a unit to the input image. In the forward
pass, one ReLU layer computed \(h = \max(0, x)\) elementwise with input
\[ x = <<x|bmatrix>>. \]
In the backward pass, the signal arriving at the output of this ReLU is
\[ R = <<signal|bmatrix>>. \]
The three usual rules for sending a signal back through a ReLU differ in which entries of \(R\) they let
through (the others become 0):
\begin{itemize}
\item backpropagation: the entries where the forward input \(x\) was positive (the ReLU's derivative);
\item DeconvNet (Zeiler \& Fergus): the entries where the backward signal \(R\) itself is positive,
whatever \(x\) was (a ReLU applied to \(R\));
\item guided backpropagation (Springenberg et al.): the entries where \(x\) \textbf{and} \(R\) are both
positive.
\end{itemize}
Which signal does the ReLU pass back to its input \(x\) under <<mode_name>>?
(Take the derivative of the ReLU at 0 to be 0.)
"""
    solution = r"""
<% if mode == "backprop" %>
Backpropagation multiplies the signal by the ReLU's derivative at the forward input, \([x > 0]\): entries whose
forward input was negative are zeroed, whatever the sign of \(R\).
\[ [x > 0] = <<forward_mask|bmatrix>>, \qquad R \odot [x > 0] = <<answer.array|bmatrix>>. \]
<% elif mode == "deconvnet" %>
The DeconvNet rule ignores the forward input: the ReLU is applied to the backward signal itself, so only the
negative entries of \(R\) are zeroed.
\[ \max(0, R) = <<answer.array|bmatrix>>. \]
<% else %>
Guided backpropagation combines both masks: an entry passes only where the forward input was positive
\textbf{and} the backward signal is positive.
\[ [x > 0] = <<forward_mask|bmatrix>>, \quad [R > 0] = <<signal_mask|bmatrix>>, \quad
\max(0, R) \odot [x > 0] = <<answer.array|bmatrix>>. \]
<% endif %>
"""

    def draw(self, rng):
        shapes = [(3, 3), (2, 4), (3, 4), (4, 3)]
        shape = shapes[int(rng.integers(len(shapes)))]
        values = np.array([v for v in range(-5, 6) if v != 0])
        while True:
            x = rng.choice(values, size=shape)
            r = rng.integers(-4, 5, size=shape)
            # every mode must give a different answer: entries with x < 0, R > 0 and with x > 0, R < 0,
            # and at least two that survive guided backprop (x > 0, R > 0)
            if (
                np.any((x < 0) & (r > 0))
                and np.any((x > 0) & (r < 0))
                and np.count_nonzero((x > 0) & (r > 0)) >= 2
            ):
                return {"x": x.tolist(), "signal": r.tolist(), "mode": str(rng.choice(list(MODES)))}

    def _check(self, p):
        x, r = _as_matrix(p["x"], "x"), _as_matrix(p["signal"], "signal")
        if x.shape != r.shape:
            raise ValueError("x and signal must have the same shape")
        if p["mode"] not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        return x, r

    def working(self, p):
        x, r = self._check(p)
        return {
            "mode_name": MODES[p["mode"]],
            "forward_mask": (x > 0).astype(int),
            "signal_mask": (r > 0).astype(int),
        }

    def solve(self, p):
        x, r = self._check(p)
        if p["mode"] == "backprop":
            out = np.where(x > 0, r, 0.0)
        elif p["mode"] == "deconvnet":
            out = np.where(r > 0, r, 0.0)
        else:
            out = np.where((x > 0) & (r > 0), r, 0.0)
        return Matrix.of(out)

    def verify(self, p):
        # Independent route: the gradient of L(x) = sum(R * relu(x)) by a backward difference (exact for
        # a piecewise-linear function when the step is below the smallest nonzero |x|; it gives slope 0
        # at x = 0, PyTorch's convention); the positive part is taken as (v + |v|)/2.
        x, r = np.asarray(p["x"], dtype=float), np.asarray(p["signal"], dtype=float)
        nonzero = np.abs(x[x != 0])
        h = (nonzero.min() if nonzero.size else 1.0) / 4

        def loss(z):
            return np.sum(r * np.maximum(z, 0.0))

        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[idx] = h
            grad[idx] = (loss(x) - loss(x - step)) / h
        if p["mode"] == "backprop":
            return grad
        if p["mode"] == "deconvnet":
            return (r + np.abs(r)) / 2
        return (grad + np.abs(grad)) / 2
