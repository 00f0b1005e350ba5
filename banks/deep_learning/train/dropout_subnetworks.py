"""How many thinned sub-networks dropout trains: 2^n for n droppable units.

Each of the n units that dropout may remove is either kept or dropped, so there are 2^n masks, each a
distinct thinned network sharing the same weights (Srivastava, Hinton, Krizhevsky, Sutskever &
Salakhutdinov 2014, "Dropout: a simple way to prevent neural networks from overfitting", section 1).
The drop probability changes how often each mask is used, not how many there are.
"""

import itertools
from math import comb

from generator.answers import Option, numeric_option, single_choice
from generator.question import Question

#: Up to this many units the options are printed as whole numbers; above it as powers (2^{180}).
PRINT_IN_FULL = 16


def _check(p):
    layers, width, inputs = p["hidden_layers"], p["width"], p["inputs"]
    for name, v in (("hidden_layers", layers), ("width", width), ("inputs", inputs)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if width > 16 or layers * width > 480:
        raise ValueError("at most 16 units per layer and 480 droppable hidden units in all")
    if not 0 < float(p["drop_prob"]) < 1:
        raise ValueError("drop_prob must be strictly between 0 and 1")
    return layers, width, inputs, float(p["drop_prob"])


class DropoutSubnetworks(Question):
    id = "dl/train/dropout-subnetworks"
    title = "Dropout as an ensemble of sub-networks"
    topic = "train"
    tags = ("regularisation", "dropout", "ensembles")
    difficulty = "beginner"
    source = "seed paper 004 (Q1(e), dropout as ensembling)"
    valid_range = (1, float("inf"))
    points = 1.0
    stem = r"""
A fully connected network has \(<<inputs>>\) inputs, <% if hidden_layers > 1 %>\(<<hidden_layers>>\) hidden layers of \(<<width>>\) units each<% else %>one hidden layer of \(<<width>>\) units<% endif %>, and one output. Dropout is applied to the \textbf{hidden units only}: each hidden unit is
dropped independently with probability \(<<drop_prob|num>>\). Seen as an ensemble, how many different thinned
networks (different sets of kept hidden units, including the one where all are dropped) share the weights?
"""
    solution = r"""
There are \(n = <<hidden_layers>>\times<<width>> = <<n>>\) hidden units, each either kept or dropped, so there are
\(2^{n} = 2^{<<n>>}<% if n > 16 %> \approx<% else %> =<% endif %> <<count_tex>>\) masks, i.e. thinned networks. The drop probability
\(<<drop_prob|num>>\) only sets how likely each mask is, and the inputs are never dropped here.
"""

    def draw(self, rng):
        while True:
            layers, width = int(rng.integers(1, 4)), int(rng.integers(2, 7))
            if 4 <= layers * width <= 15:
                return {"inputs": int(rng.integers(2, 6)), "hidden_layers": layers, "width": width,
                        "drop_prob": float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.5]))}

    def working(self, p):
        layers, width, _, _ = _check(p)
        n = layers * width
        if n <= PRINT_IN_FULL:
            count = str(2 ** n)
        else:
            mantissa, exponent = f"{2.0 ** n:.4e}".split("e")
            count = rf"{mantissa}\times 10^{{{int(exponent)}}}"
        return {"n": n, "count_tex": count}

    def solve(self, p):
        layers, width, inputs, drop = _check(p)
        n = layers * width
        small = n <= PRINT_IN_FULL

        def option(value, tex, why="", correct=False):
            if small:
                return numeric_option(value, correct=correct, rationale=why)
            plain = tex.replace("{", "").replace("}", "").replace(r"\cdot ", "*")
            return Option(rf"\({tex}\)", float(value), correct, why, plain)

        kept = round((1 - drop) * n)
        wrong = [
            option(2 ** n - 1, f"2^{{{n}}} - 1", "left out the all-dropped mask"),
            option(2 ** width, f"2^{{{width}}}", "counted the masks of one layer only"),
            option(layers * 2 ** width, rf"{layers}\cdot 2^{{{width}}}",
                   "added the per-layer counts instead of multiplying"),
            option(2 ** layers, f"2^{{{layers}}}", "dropped whole layers instead of single units"),
            option(2 ** kept, f"2^{{{kept}}}", "counted the masks of the units expected to be kept only"),
            option(comb(n, kept), rf"\binom{{{n}}}{{{kept}}}",
                   "counted only the masks that keep the expected number of units"),
            option(n * n, str(n * n), "squared the number of units"),
            option(2 * n, str(2 * n), "counted two states per unit but added them instead of multiplying"),
            option(2 ** (n + inputs), f"2^{{{n + inputs}}}", "also dropped the inputs"),
            option(2 ** (n + 1), f"2^{{{n + 1}}}", "also dropped the output unit"),
            option(2 ** (n + inputs + 1), f"2^{{{n + inputs + 1}}}", "dropped every unit, inputs and output too"),
            option(3 ** n, f"3^{{{n}}}", "gave each unit three states (kept, dropped, scaled)"),
        ]
        return single_choice(option(2 ** n, f"2^{{{n}}}", correct=True), wrong, sample_wrong=True,
                             valid=self.valid_range)

    def verify(self, p):
        # Independent route: enumerate every keep/drop mask of one layer, then combine the
        # (independent, identical) layers.
        layers, width, _, _ = _check(p)
        per_layer = sum(1 for _mask in itertools.product((0, 1), repeat=width))
        return per_layer ** layers
