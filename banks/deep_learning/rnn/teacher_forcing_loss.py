"""Teacher forcing vs free running on a toy decoder whose next-token distribution depends on the previous token.

With teacher forcing the decoder is fed the true previous token: ``L_TF = -sum_t ln P(y_t | y_{t-1})``
(``y_0`` the start token). Run freely, it is fed its own greedy predictions ``yhat_t = argmax P(. | yhat_{t-1})``;
scoring the targets given those inputs, ``L_FR = -sum_t ln P(y_t | yhat_{t-1})``, shows the mismatch between
training and generation (exposure bias). Sources: Williams & Zipser (1989); Goodfellow, Bengio & Courville,
"Deep Learning" (2016), section 10.2.1; Bengio et al., "Scheduled Sampling for Sequence Prediction with
Recurrent Neural Networks" (NeurIPS 2015). The short-explanation counterpart is
``dl/attention/attention-recurrence-essay``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOKENS = ("a", "b", "c")
START = r"\(\langle s\rangle\)"
#: rows of the table: a permutation of one of these, each with a unique largest probability
ROWS = ((0.6, 0.3, 0.1), (0.5, 0.3, 0.2), (0.7, 0.2, 0.1), (0.5, 0.4, 0.1), (0.8, 0.1, 0.1), (0.4, 0.3, 0.3))
TOL = 0.002


def _check(p):
    table = np.asarray(p["table"], dtype=float)
    target = list(p["target"])
    if table.shape != (4, 3) or np.any(table <= 0) or not np.allclose(table.sum(axis=1), 1):
        raise ValueError("table must be 4 rows (start, a, b, c) of 3 positive probabilities summing to 1")
    if any(np.sum(row == row.max()) > 1 for row in table):
        raise ValueError("each row needs a unique most likely token (greedy decoding must be defined)")
    if not 1 <= len(target) <= 8 or any(t not in TOKENS for t in target):
        raise ValueError("target must be 1 to 8 tokens from a, b, c")
    return table, [TOKENS.index(t) for t in target]


def greedy(table: np.ndarray, steps: int) -> list[int]:
    """Greedy free-running decoding from the start token (row 0); tokens as indices 0-2."""
    out, prev = [], 0
    for _ in range(steps):
        nxt = int(np.argmax(table[prev]))
        out.append(nxt)
        prev = nxt + 1
    return out


class TeacherForcingLoss(Question):
    id = "dl/rnn/teacher-forcing-loss"
    title = "Teacher forcing vs free running: sequence losses of a toy decoder"
    topic = "rnn"
    tags = ("teacher-forcing", "sequence-to-sequence", "exposure-bias", "computation")
    difficulty = "intermediate"
    points = 3.0
    space = "3cm"  # room to work each part
    valid_range: ClassVar[dict] = {"a": (0, math.inf), "b": (0, math.inf), "c": (0, math.inf)}
    source = ("issue 10 (teacher forcing, attention vs recurrence); Williams & Zipser (1989); Goodfellow, Bengio "
              "& Courville, Deep Learning (2016), section 10.2.1; Bengio et al., Scheduled Sampling (NeurIPS 2015)")
    stem = r"""
A toy decoder over the tokens a, b, c predicts the next token from the previous one only, starting from the
start token <<start>>. Its probabilities \(P(\text{next} \mid \text{previous})\) are:
\begin{center}
\begin{tabular}{cccc}
previous & next a & next b & next c \\ \hline
<% for row in rows %>
<<row.name>> & <<row.p[0]>> & <<row.p[1]>> & <<row.p[2]>> \\
<% endfor %>
\end{tabular}
\end{center}
The target sequence is <<target_text>>. Using natural logarithms and summing over the <<t>> steps:
(a) give the teacher-forced loss \(L_{\text{TF}} = -\sum_t \ln P(y_t \mid y_{t-1})\), where each step is fed the
\emph{true} previous token (\(y_0\) = <<start>>);
(b) run the decoder freely with greedy decoding (each step is fed its own most likely previous output) and give
\(L_{\text{FR}} = -\sum_t \ln P(y_t \mid \hat y_{t-1})\), the loss of the same targets given those inputs;
(c) at how many of the <<t>> steps does the greedy output \(\hat y_t\) differ from the target \(y_t\)?
Give (a) and (b) to 3 decimal places.
"""
    solution = r"""
(a) Teacher forcing feeds <<start>>, then the targets: the probabilities of the targets are
<<tf_terms>>, so \(L_{\text{TF}} = <<tf_sum>> = <<tf|num(3)>>\).

(b) Greedy decoding produces <<greedy_text>> (at each step the largest entry of the row of the previous
output). Feeding these as the inputs, the targets have probabilities <<fr_terms>>, so
\(L_{\text{FR}} = <<fr_sum>> = <<fr|num(3)>>\).

(c) The greedy output differs from the target at <<mismatches>> of the <<t>> steps. Training with teacher forcing
only ever conditions on true prefixes; at generation time the model conditions on its own outputs, a different
distribution of inputs (exposure bias), and an early mistake changes every later input.
"""

    def draw(self, rng):
        while True:
            table = [list(np.asarray(ROWS[int(rng.integers(0, len(ROWS)))])[rng.permutation(3)]) for _ in range(4)]
            target = [TOKENS[int(i)] for i in rng.integers(0, 3, size=3)]
            p = {"table": [[float(x) for x in row] for row in table], "target": target}
            w = self.working(p)
            if w["mismatches"] >= 1 and abs(w["fr"] - w["tf"]) > 0.01 and not any(
                    part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        table, target = _check(p)
        names = [START, "a", "b", "c"]
        hat = greedy(table, len(target))
        tf_inputs = [0] + [t + 1 for t in target[:-1]]
        fr_inputs = [0] + [h + 1 for h in hat[:-1]]
        tf_p = [table[i, t] for i, t in zip(tf_inputs, target)]
        fr_p = [table[i, t] for i, t in zip(fr_inputs, target)]

        def terms(probs):
            return ", ".join(rf"\({x:g}\)" for x in probs)

        def total(probs):
            return "-" + " - ".join(rf"\ln {x:g}" for x in probs)

        return {"rows": [{"name": names[i], "p": [f"{x:g}" for x in table[i]]} for i in range(4)],
                "t": len(target), "start": START, "target_text": "(" + ", ".join(TOKENS[t] for t in target) + ")",
                "greedy_text": "(" + ", ".join(TOKENS[h] for h in hat) + ")",
                "tf_terms": terms(tf_p), "fr_terms": terms(fr_p), "tf_sum": total(tf_p), "fr_sum": total(fr_p),
                "tf": -float(np.sum(np.log(tf_p))), "fr": -float(np.sum(np.log(fr_p))),
                "own": -float(np.sum(np.log([table[i, h] for i, h in zip(fr_inputs, hat)]))),
                "mismatches": int(sum(h != t for h, t in zip(hat, target)))}

    def solve(self, p):
        w = self.working(p)
        return MultiPart((
            Part("a", r"\(L_{\text{TF}}\)", Numerical(w["tf"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["tf"] / math.log(10), rationale="used base-10 logarithms"),
                numeric_option(w["tf"] / w["t"], rationale="averaged over the steps instead of summing"),
            ))),
            Part("b", r"\(L_{\text{FR}}\)", Numerical(w["fr"], tolerance=TOL, places=3, mistakes=(
                numeric_option(w["tf"], rationale="fed the true previous tokens (teacher forcing again)"),
                numeric_option(w["own"], rationale="scored the model's own outputs instead of the targets"),
            ))),
            Part("c", "Steps where the greedy output differs", Numerical(w["mismatches"], mistakes=(
                numeric_option(w["t"] - w["mismatches"], rationale="counted the steps where they agree"),
            ))),
        ))

    def verify(self, p):
        # Independent route: one-hot state vectors propagated through the table by matrix products.
        table, target = _check(p)
        eye = np.eye(4)
        state, tf_state = eye[0], eye[0]
        tf = fr = 0.0
        mismatches = 0
        for t in target:
            dist_fr, dist_tf = state @ table, tf_state @ table
            fr -= math.log(float(dist_fr[t]))
            tf -= math.log(float(dist_tf[t]))
            choice = int(np.flatnonzero(dist_fr == dist_fr.max())[0])
            mismatches += choice != t
            state, tf_state = eye[choice + 1], eye[t + 1]
        return [tf, fr, mismatches]
