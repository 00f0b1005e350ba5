"""How much of an LSTM's initial cell state survives T steps under a constant forget gate.

Cell update c_t = f_t * c_{t-1} + i_t * g_t (Hochreiter & Schmidhuber 1997; forget gate: Gers, Schmidhuber
& Cummins 2000; PyTorch docs of ``torch.nn.LSTM``). With f_t = f constant, the contribution of c_0 to
c_T is f^T c_0 (the input-gate terms add new content but do not change it), and it first drops below
a fraction q after n = floor(ln q / ln f) + 1 steps.
"""

import math

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _check(p):
    f, t, q = float(p["forget_gate"]), p["steps"], float(p["threshold"])
    if not 0 < f < 1:
        raise ValueError("forget_gate must be strictly between 0 and 1")
    if not isinstance(t, int) or isinstance(t, bool) or not 1 <= t <= 100_000:
        raise ValueError("steps must be an integer from 1 to 100000")
    if not 0 < q < 1:
        raise ValueError("threshold must be strictly between 0 and 1")
    if math.log(q) / math.log(f) > 100_000:
        raise ValueError("the fraction takes more than 100000 steps to fall below the threshold")
    return f, t, q


def steps_below(f: float, q: float) -> int:
    """Smallest n with f^n < q, from logarithms; guarded against rounding at exact powers."""
    n = math.floor(math.log(q) / math.log(f)) + 1
    while n > 1 and f ** (n - 1) < q:
        n -= 1
    while f ** n >= q:
        n += 1
    return n


class LstmMemory(Question):
    id = "dl/train/lstm-memory"
    title = "LSTM memory retention with a constant forget gate"
    topic = "train"
    tags = ("rnn", "lstm", "forget-gate", "long-term-dependencies")
    difficulty = "intermediate"
    source = "seed paper 001 (Intermediate Q22, LSTM memory)"
    points = 2.0
    stem = r"""
An LSTM updates its cell state with \(c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t\). Suppose that for one
unit the forget gate stays at \(f_t = <<forget_gate|num>>\) at every step. We follow only the part of
\(c_t\) that comes from the initial cell state \(c_0\) (what the input gate adds later does not change it).
"""
    solution = r"""
Unrolling the update, the contribution of \(c_0\) to \(c_t\) is \(f^{t} c_0\).
\begin{enumerate}
\item[(a)] After \(<<steps>>\) steps: \(<<forget_gate|num>>^{<<steps>>} = <<fraction|num(4)>>\)<% if fraction < 0.001 %> (\(<<fraction_sci>>\))<% endif %>.
\item[(b)] We need the smallest \(n\) with \(<<forget_gate|num>>^{n} < <<threshold|num>>\), i.e.
\(n > \ln <<threshold|num>> / \ln <<forget_gate|num>> = <<ratio|num(3)>>\), so \(n = <<n_below>>\)
(check: \(<<forget_gate|num>>^{<<n_below - 1>>} = <<before|num(4)>>\), \(<<forget_gate|num>>^{<<n_below>>} = <<after|num(4)>>\)).
\end{enumerate}
"""

    def draw(self, rng):
        while True:
            f = float(rng.choice([0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99]))
            t = int(rng.choice([5, 10, 20, 25, 50, 100]))
            q = float(rng.choice([0.5, 0.25, 0.1, 0.05, 0.01]))
            if f ** t > 1e-4 and math.log(q) / math.log(f) <= 500:
                return {"forget_gate": f, "steps": t, "threshold": q}

    def working(self, p):
        f, t, q = _check(p)
        n = steps_below(f, q)
        return {"fraction": f ** t, "fraction_sci": f"{f ** t:.3e}".replace("e", r"\times 10^{") + "}",
                "ratio": math.log(q) / math.log(f), "n_below": n, "before": f ** (n - 1), "after": f ** n}

    def solve(self, p):
        f, t, q = _check(p)
        return MultiPart((
            Part("a", rf"What fraction of \(c_0\) is left in \(c_{{{t}}}\), after {t} steps? "
                      "(3 significant figures)",
                 Numerical(f ** t, tolerance=0.01, relative=True)),
            Part("b", rf"After how many steps does this fraction first drop below \({q:g}\)?",
                 Numerical(steps_below(f, q))),
        ))

    def verify(self, p):
        # Independent route: run the recursion c <- f * c from c_0 = 1 step by step.
        f, t, q = _check(p)
        c, k = 1.0, 0
        fraction_t = first_below = None
        while fraction_t is None or first_below is None:
            c *= f
            k += 1
            if k == t:
                fraction_t = c
            if first_below is None and c < q:
                first_below = k
        return [fraction_t, first_below]
