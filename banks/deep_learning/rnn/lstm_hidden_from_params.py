"""Inverse problem: the hidden size of an LSTM layer from its parameter count.

PyTorch's ``nn.LSTM`` layer holds ``4h x d`` input weights, ``4h x h`` recurrent weights and two bias
vectors of ``4h``: ``P = 4h^2 + 4hd + 8h``. Given ``P`` and ``d``, ``h`` is the positive root of
``4h^2 + (4d + 8) h - P = 0``; there is exactly one, since ``P`` grows with ``h``.

Sources: the PyTorch docs of ``torch.nn.LSTM`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``); Hochreiter & Schmidhuber 1997.
"""

import math
from typing import ClassVar

from generator.answers import Numerical
from generator.question import Question


def lstm_params(d: int, h: int) -> int:
    return 4 * h * h + 4 * h * d + 8 * h


def _check(p):
    d, total = p["input_size"], p["n_params"]
    for name, v in (("input_size", d), ("n_params", total)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    return d, total


class LstmHiddenFromParams(Question):
    id = "dl/rnn/lstm-hidden-from-params"
    title = "Find an LSTM's hidden size from its parameter count"
    topic = "rnn"
    tags = ("rnn", "lstm", "parameters", "inverse-problem")
    difficulty = "intermediate"
    points = 2.0
    source = "seed papers 002 (Q3) and 000 (Minor-I): LSTM parameter counts, asked backwards; PyTorch docs, torch.nn.LSTM"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    limits: ClassVar[dict[str, tuple[float, float]]] = {"input_size": (1, 10**5), "n_params": (1, 10**12)}
    stem = r"""
A single-layer \texttt{torch.nn.LSTM} reads input vectors of size \(d = <<input_size>>\). Like PyTorch's LSTM,
each of its four gate blocks has an input-to-hidden weight matrix, a hidden-to-hidden weight matrix and
\emph{two} bias vectors (\texttt{bias\_ih} and \texttt{bias\_hh}). The layer has <<params_text>> trainable
parameters. What is its hidden size \(h\)?
"""
    solution = r"""
The parameter count is \(4(hd + h^2) + 2\cdot 4h = 4h^2 + (4d + 8)h\), so
\[ 4h^2 + <<4 * input_size + 8>>\,h - <<n_params>> = 0, \qquad
h = \frac{-<<4 * input_size + 8>> + \sqrt{<<4 * input_size + 8>>^2 + 16\cdot<<n_params>>}}{8} = <<answer.value|num>>. \]
Check: \(4\cdot<<answer.value>>^2 + 4\cdot<<answer.value>>\cdot<<input_size>> + 8\cdot<<answer.value>> = <<n_params>>\).
"""

    def draw(self, rng):
        d = int(rng.choice([16, 32, 50, 64, 100, 128, 256, 300, 512]))
        h = int(rng.choice([int(rng.integers(16, 257)), int(rng.choice([32, 64, 128, 256, 512]))]))
        return {"input_size": d, "n_params": lstm_params(d, h)}

    def working(self, p):
        return {"params_text": f"{p['n_params']:,}".replace(",", "{,}")}

    def solve(self, p):
        d, total = _check(p)
        b = 4 * d + 8
        disc = b * b + 16 * total
        root = math.isqrt(disc)
        if root * root != disc or (root - b) % 8:
            raise ValueError("no whole hidden size gives this parameter count")
        return Numerical((root - b) // 8)

    def verify(self, p):
        # Independent route: search the hidden sizes upwards until the count is reached (it only grows).
        d, total = _check(p)
        h = 1
        while lstm_params(d, h) < total:
            h += 1
        return h if lstm_params(d, h) == total else -1
