"""Shared by the recurrent-layer parameter-count templates (rnn/lstm/gru-params).

One recurrent layer with ``g`` gate blocks (g = 1 for an Elman RNN, 4 for an
LSTM, 3 for a GRU) holds, per gate block, an input-to-hidden matrix
(hidden x input), a hidden-to-hidden matrix (hidden x hidden) and one or two
bias vectors of length hidden:

    g * (hidden*input + hidden*hidden) + bias_vectors * g * hidden.

Sources: the PyTorch docs of ``torch.nn.RNN``, ``torch.nn.LSTM`` and
``torch.nn.GRU`` (weights ``weight_ih_l0`` of shape (g*hidden, input),
``weight_hh_l0`` of shape (g*hidden, hidden) and two biases ``bias_ih_l0``,
``bias_hh_l0`` of shape (g*hidden,)); Hochreiter & Schmidhuber 1997 (LSTM);
Cho et al. 2014 (GRU). The single-bias convention (one bias per gate, as in
most textbooks) is ``bias_vectors = 1``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from generator.answers import numeric_option, single_choice
from generator.question import Question

#: Gate blocks of each cell, in PyTorch's order, with the textbook names.
GATES = {
    "rnn": ("hidden state",),
    "lstm": ("input gate", "forget gate", "cell candidate", "output gate"),
    "gru": ("reset gate", "update gate", "candidate (new) state"),
}


def check(p: dict) -> tuple[int, int, int]:
    """Validate the public params; return (input_size, hidden_size, bias_vectors)."""
    n_in, n_h, nb = p["input_size"], p["hidden_size"], p["bias_vectors"]
    for name, v in (("input_size", n_in), ("hidden_size", n_h)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if nb not in (1, 2) or isinstance(nb, bool):
        raise ValueError(f"bias_vectors must be 1 (one bias per gate) or 2 (PyTorch's b_ih and b_hh), got {nb!r}")
    return n_in, n_h, nb


def count(g: int, n_in: int, n_h: int, nb: int) -> int:
    """The closed form g*(h*i + h*h) + nb*g*h."""
    return g * (n_h * n_in + n_h * n_h) + nb * g * n_h


def count_by_arrays(cell: str, n_in: int, n_h: int, nb: int) -> int:
    """Independent route: build every weight array of every gate block and count entries."""
    arrays = []
    for _gate in GATES[cell]:
        arrays.append(np.zeros((n_h, n_in)))      # W_i* : input -> gate
        arrays.append(np.zeros((n_h, n_h)))       # W_h* : previous hidden -> gate
        arrays += [np.zeros(n_h) for _ in range(nb)]  # b_i* (and b_h*)
    return int(sum(a.size for a in arrays))


def draw_sizes(rng: np.random.Generator) -> dict:
    return {"input_size": int(rng.choice([8, 10, 16, 20, 32, 50, 64, 100, 128, 300])),
            "hidden_size": int(rng.choice([8, 16, 20, 32, 50, 64, 100, 128, 200, 256])),
            "bias_vectors": int(rng.integers(1, 3))}


def bias_convention(nb: int, unit: str = "Each gate block") -> str:
    """The bias convention in words, for the stem (``unit`` names what carries the biases)."""
    if nb == 2:
        return (unit + r" has \textbf{two} bias vectors, one added to the input term and one to the "
                r"recurrent term (\(b_{ih}\) and \(b_{hh}\)), as in PyTorch.")
    return unit + r" has \textbf{one} bias vector (the textbook convention)."


def distractors(g: int, n_in: int, n_h: int, nb: int, wrong_gates: tuple[tuple[int, str], ...]) -> list:
    """Candidate wrong options, most common mistakes first."""
    other_nb = 3 - nb
    out = [
        numeric_option(g * (n_h * n_in + n_h * n_h), rationale="forgot the biases"),
        numeric_option(count(g, n_in, n_h, other_nb),
                       rationale="used the other bias convention (one vs two bias vectors per gate)"),
        numeric_option(g * n_h * n_in + nb * g * n_h, rationale="forgot the recurrent (hidden-to-hidden) weights"),
    ]
    for wg, cell in wrong_gates:
        out.append(numeric_option(count(wg, n_in, n_h, nb),
                                  rationale=f"used the {wg} gate blocks of {cell} instead of {g}"))
    out += [
        numeric_option(n_h * n_in + n_h * n_h + nb * n_h, rationale="counted a single gate block"),
        numeric_option(g * (n_h * n_in + n_h) + nb * g * n_h,
                       rationale="counted the recurrent matrix as a vector (hidden instead of hidden x hidden)"),
        numeric_option(g * n_h * n_in + n_h * n_h + nb * g * n_h,
                       rationale="used one recurrent matrix shared by all gate blocks"),
        numeric_option(2 * count(g, n_in, n_h, nb), rationale="counted a bidirectional layer (two directions)"),
        numeric_option(count(g + 1, n_in, n_h, nb), rationale=f"counted {g + 1} gate blocks instead of {g}"),
        numeric_option(g * (n_h * (n_in + n_h) + n_h * n_h) + nb * g * n_h,
                       rationale="counted the recurrent weights twice (in the concatenated input and again)"),
        numeric_option(g * (n_in + n_h) ** 2 + nb * g * n_h,
                       rationale=r"made each gate's matrix square, \((i+h)\times(i+h)\)"),
    ]
    return out


class GatedLayerParams(Question):
    """Shared body of the gated-cell count questions (LSTM, GRU) as numeric single choice.

    Subclasses set ``cell`` (a key of :data:`GATES`), ``wrong_gates`` (the
    gate counts of other cells, as distractors) and the stem, which may use
    ``<<convention>>``.
    """

    cell: ClassVar[str]
    wrong_gates: ClassVar[tuple[tuple[int, str], ...]]
    valid_range = (1, float("inf"))
    solution = r"""
Each of the <<g>> blocks has a \(<<hidden_size>>\times<<input_size>>\) input matrix (\(<<w_ih>>\) weights), a
\(<<hidden_size>>\times<<hidden_size>>\) recurrent matrix (\(<<w_hh>>\) weights) and
\(<<bias_vectors>>\times<<hidden_size>> = <<biases>>\) biases, i.e. \(<<per_gate>>\) parameters. Hence
\[ <<g>>\times<<per_gate>> = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        return draw_sizes(rng)

    def working(self, p):
        n_in, n_h, nb = check(p)
        return {"convention": bias_convention(nb), "g": len(GATES[self.cell]), "w_ih": n_h * n_in,
                "w_hh": n_h * n_h, "biases": nb * n_h, "per_gate": n_h * n_in + n_h * n_h + nb * n_h}

    def solve(self, p):
        n_in, n_h, nb = check(p)
        g = len(GATES[self.cell])
        return single_choice(numeric_option(count(g, n_in, n_h, nb), correct=True),
                             distractors(g, n_in, n_h, nb, wrong_gates=self.wrong_gates), sample_wrong=True,
                             valid=self.valid_range)

    def verify(self, p):
        n_in, n_h, nb = check(p)
        return count_by_arrays(self.cell, n_in, n_h, nb)
