"""Weights and biases of a fully connected (multilayer perceptron) network.

With D_i inputs, D_o outputs and K hidden layers of D units each (every layer has a bias per unit):
weights = D_i*D + (K-1)*D*D + D*D_o, biases = K*D + D_o.
Source: Prince, "Understanding Deep Learning" (2023), ch. 4 (deep networks, width and depth);
PyTorch docs of ``torch.nn.Linear`` (weight (out, in) and bias (out,)).
"""

import itertools

import numpy as np

from generator.answers import Numerical
from generator.question import Question


def _check(p):
    for name in ("inputs", "outputs", "hidden_layers", "width"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return p["inputs"], p["outputs"], p["hidden_layers"], p["width"]


class MlpParamCount(Question):
    id = "dl/mlp/param-count"
    title = "Weights and biases of a fully connected network"
    topic = "mlp"
    tags = ("mlp", "parameters")
    difficulty = "beginner"
    source = "seed paper 004 (Q1(e), deep network parameter count)"
    points = 2.0
    valid_range = (1, float("inf"))
    stem = r"""
A fully connected network has \(<<inputs>>\) inputs and <% if outputs == 1 %>one output<% else %>\(<<outputs>>\) outputs<% endif %>. Between them there are
<% if hidden_layers > 1 %>\(<<hidden_layers>>\) hidden layers, each with<% else %>one hidden layer with<% endif %> \(<<width>>\) units. Every
layer is fully connected to the next one, and every hidden unit and every output unit has its own bias
(the inputs have none). How many trainable parameters (weights and biases) does the network have?
"""
    solution = r"""
There are \(<<hidden_layers + 1>>\) weight matrices: input to first hidden layer
(\(<<inputs>>\times<<width>> = <<w_in>>\)),<% if hidden_layers > 1 %> <<(hidden_layers - 1)|counted("hidden-to-hidden
matrix", "hidden-to-hidden matrices")>> (\(<<hidden_layers - 1>>\times<<width>>\times<<width>> = <<w_hid>>\)),<% endif %> and last hidden layer to
output (\(<<width>>\times<<outputs>> = <<w_out>>\)).
\begin{itemize}
\item Weights: \(<<w_in>><% if hidden_layers > 1 %> + <<w_hid>><% endif %> + <<w_out>> = <<weights>>\).
\item Biases: \(<<hidden_layers>>\times<<width>> + <<outputs>> = <<biases>>\).
\item Total: \(<<weights>> + <<biases>> = <<answer.value|num>>\).
\end{itemize}
"""

    def draw(self, rng):
        return {"inputs": int(rng.integers(2, 21)), "outputs": int(rng.integers(1, 11)),
                "hidden_layers": int(rng.integers(1, 13)),
                "width": int(rng.choice([5, 6, 8, 10, 12, 15, 16, 20, 25, 32]))}

    def working(self, p):
        d_i, d_o, k, d = _check(p)
        w = {"w_in": d_i * d, "w_hid": (k - 1) * d * d, "w_out": d * d_o}
        return {**w, "weights": sum(w.values()), "biases": k * d + d_o}

    def solve(self, p):
        w = self.working(p)
        return Numerical(w["weights"] + w["biases"])

    def verify(self, p):
        # Independent route: build every layer's weight matrix and bias vector and count their entries.
        d_i, d_o, k, d = _check(p)
        sizes = [d_i] + [d] * k + [d_o]
        mats = [np.zeros((n_out, n_in)) for n_in, n_out in itertools.pairwise(sizes)]
        vecs = [np.zeros(n_out) for n_out in sizes[1:]]
        return sum(m.size for m in mats) + sum(v.size for v in vecs)
