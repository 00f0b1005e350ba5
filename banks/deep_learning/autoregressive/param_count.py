"""Parameters of autoregressive models of n binary variables: full table, FVSBN and NADE.

Chain rule ``p(x) = prod_i p(x_i | x_<i)``:

- tabular conditionals: conditional ``i`` needs one probability per context, ``2^(i-1)``; in all
  ``sum_i 2^(i-1) = 2^n - 1`` (as many as the full joint table);
- FVSBN (a logistic regression per conditional): conditional ``i`` has ``i - 1`` weights and a bias,
  ``n(n+1)/2`` in all;
- NADE with ``d`` hidden units: shared ``W`` (``d x n``) and ``c`` (``d``), output ``V`` (``n x d``) and
  ``b`` (``n``): ``2nd + n + d``.

Sources: Frey 1998 / Neal 1992 (fully visible sigmoid belief networks); Larochelle & Murray 2011, "The
Neural Autoregressive Distribution Estimator", section 3; Goodfellow, Bengio & Courville, "Deep Learning"
(2016), section 20.10.10.
"""

import math
from typing import ClassVar

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    n, d = p["n_vars"], p["hidden"]
    for name, v in (("n_vars", n), ("hidden", d)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if n > 64 or d > 100_000:
        raise ValueError("keep n_vars <= 64 and hidden <= 100000")
    return n, d


class AutoregressiveParamCount(Question):
    id = "dl/autoregressive/param-count"
    title = "Parameters of autoregressive models: table, FVSBN, NADE"
    topic = "autoregressive"
    tags = ("autoregressive", "parameters", "nade", "fvsbn")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 000 (Major Q4, autoregressive models); Larochelle & Murray 2011 (NADE)"
    valid_range: ClassVar[dict[str, tuple[float, float]] | tuple[float, float]] = {"a": (1, math.inf), "b": (1, math.inf), "c": (1, math.inf)}
    stem = r"""
A model of \(n = <<n_vars>>\) binary variables \(x_1, \ldots, x_n\) uses the chain rule
\(p(x) = \prod_{i=1}^{n} p(x_i \mid x_1, \ldots, x_{i-1})\), each conditional a Bernoulli distribution.
Count the parameters of three ways to represent the conditionals.
"""
    solution = r"""
\textbf{(a)} Conditional \(i\) needs one probability for each of the \(2^{i-1}\) values of the earlier variables:
\[ \sum_{i=1}^{n} 2^{i-1} = 2^n - 1 = <<answer.parts[0].answer.value|num>>, \]
as many as the full joint table.

\textbf{(b)} Conditional \(i\) is \(\sigma(b_i + \sum_{j<i} w_{ij}x_j)\): \(i - 1\) weights and one bias, so
\(\sum_{i=1}^{n} i = n(n+1)/2 = <<answer.parts[1].answer.value|num>>\).

\textbf{(c)} The hidden layer \(h_i = \sigma(c + W_{:,<i}\,x_{<i})\) shares \(W\) (\(<<hidden>>\times<<n_vars>>\)) and \(c\)
(\(<<hidden>>\)) across all conditionals; the outputs \(\sigma(b_i + V_i h_i)\) use \(V\) (\(<<n_vars>>\times<<hidden>>\))
and \(b\) (\(<<n_vars>>\)): \(2nd + n + d = <<answer.parts[2].answer.value|num>>\), linear in \(n\).
"""

    def draw(self, rng):
        return {"n_vars": int(rng.integers(8, 31)), "hidden": int(rng.choice([10, 16, 20, 32, 50, 64, 100, 500]))}

    def solve(self, p):
        n, d = _check(p)
        return MultiPart((
            Part("a", "Every conditional is a table with one probability per possible context (the values of "
                      "the earlier variables). How many parameters in all?", Numerical(2**n - 1)),
            Part("b", "Every conditional is a logistic regression on the earlier variables (one weight per "
                      "earlier variable and a bias, a fully visible sigmoid belief network). How many parameters?",
                 Numerical(n * (n + 1) // 2)),
            Part("c", rf"NADE with \(d = {d}\) hidden units (weights and biases of the hidden and output layers, "
                      rf"shared across the conditionals). How many parameters?", Numerical(2 * n * d + n + d)),
        ))

    def verify(self, p):
        # Independent route: enumerate the conditionals one by one and count what each one stores.
        n, d = _check(p)
        table = sum(len(range(2 ** (i - 1))) for i in range(1, n + 1))
        fvsbn = sum(len(range(1, i)) + 1 for i in range(1, n + 1))
        shapes = [(d, n), (d,), (n, d), (n,)]  # W, c, V, b
        nade = 0
        for shape in shapes:
            size = 1
            for s in shape:
                size *= s
            nade += size
        return [table, fvsbn, nade]
