"""Precision, recall, F1 and accuracy of a binary classifier from its confusion matrix.

``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)``, ``F1 = 2 P R / (P + R)`` (the harmonic mean),
``accuracy = (TP + TN) / N``. Sources: Manning, Raghavan & Schütze, "Introduction to Information
Retrieval" (2008), section 8.3; Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 11.1.
"""

from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

TOL = 0.001
#: (what is detected, the positive class) for the story of the stem.
SETTINGS = (
    ("flags driver drowsiness from a dashboard camera", "drowsy"),
    ("screens chest X-rays for pneumonia", "pneumonia"),
    ("detects defective parts on a production line", "defective"),
    ("flags fraudulent card payments", "fraudulent"),
    ("detects spam e-mails", "spam"),
)
_COUNTS = ("tp", "fn", "fp", "tn")


def _check(p):
    counts = [p[k] for k in _COUNTS]
    if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
        raise ValueError("tp, fn, fp and tn must be counts (integers >= 0)")
    if p["tp"] == 0:
        raise ValueError("tp must be positive, else precision and recall are 0 or undefined")
    if not 0 <= p["setting"] < len(SETTINGS):
        raise ValueError(f"setting must be from 0 to {len(SETTINGS) - 1}")
    return counts


def metrics(tp, fn, fp, tn):
    """(precision, recall, F1, accuracy) from the four counts."""
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall), (tp + tn) / (tp + fn + fp + tn)


class PrecisionRecall(Question):
    id = "dl/classical/precision-recall-f1"
    title = "Precision, recall and F1 from a confusion matrix"
    topic = "classical"
    tags = ("evaluation", "precision", "recall", "f1")
    difficulty = "beginner"
    points = 2.0
    space = "4cm"  # room to work the computation
    valid_range: ClassVar[dict] = {label: (0, 1) for label in "abcd"}
    source = ("seed paper 002 (Q1c, choosing a metric for a safety-critical detector); Manning, Raghavan & "
              "Schütze, Introduction to Information Retrieval (2008), section 8.3")
    stem = r"""
A binary classifier <<story>>; the positive class is ``<<positive>>''. On a test set of <<n>> examples its
confusion matrix is:
\begin{center}
\begin{tabular}{lcc}
 & predicted <<positive>> & predicted not <<positive>> \\ \hline
actually <<positive>> & <<tp>> & <<fn>> \\
actually not <<positive>> & <<fp>> & <<tn>> \\
\end{tabular}
\end{center}
Give, to 3 decimal places, (a) the precision, (b) the recall and (c) the \(F_1\) score for the positive class,
and (d) the accuracy.
"""
    solution = r"""
With \(TP = <<tp>>\), \(FN = <<fn>>\), \(FP = <<fp>>\), \(TN = <<tn>>\):

(a) precision \(= \frac{TP}{TP + FP} = \frac{<<tp>>}{<<tp + fp>>} = <<m[0]|num(3)>>\);

(b) recall \(= \frac{TP}{TP + FN} = \frac{<<tp>>}{<<tp + fn>>} = <<m[1]|num(3)>>\);

(c) \(F_1 = \frac{2PR}{P + R} = \frac{2\,TP}{2\,TP + FP + FN} = \frac{<<2 * tp>>}{<<2 * tp + fp + fn>>} = <<m[2]|num(3)>>\),
the harmonic mean, which lies below the arithmetic mean \(<<((m[0] + m[1]) / 2)|num(3)>>\) when precision and
recall differ;

(d) accuracy \(= \frac{TP + TN}{N} = \frac{<<tp + tn>>}{<<n>>} = <<m[3]|num(3)>>\).
"""

    def draw(self, rng):
        while True:
            p = {"setting": int(rng.integers(0, len(SETTINGS))), "tp": int(rng.integers(12, 90)),
                 "fn": int(rng.integers(3, 45)), "fp": int(rng.integers(3, 45)), "tn": int(rng.integers(40, 400))}
            precision, recall, _, _ = metrics(*(p[k] for k in _COUNTS))
            # precision and recall clearly differ, and no modelled mistake lands within the tolerance
            if abs(precision - recall) >= 0.1 and not any(
                    part.answer.accepted_mistakes() for part in self.solve(p).parts):
                return p

    def working(self, p):
        counts = _check(p)
        story, positive = SETTINGS[p["setting"]]
        return {"story": story, "positive": positive, "n": sum(counts), "m": metrics(*counts)}

    def solve(self, p):
        m = self.working(p)["m"]
        tp, fn, fp, tn = (p[k] for k in _COUNTS)
        n = tp + fn + fp + tn
        mistakes = (
            (numeric_option(m[1], rationale="gave the recall (divided by the actual positives)"),
             numeric_option(tp / (tp + fn + fp), rationale="divided by TP + FN + FP")),
            (numeric_option(m[0], rationale="gave the precision (divided by the predicted positives)"),
             numeric_option(tn / (tn + fp), rationale="gave the specificity (true negative rate)")),
            (numeric_option((m[0] + m[1]) / 2, rationale="took the arithmetic mean of precision and recall"),
             numeric_option(m[3], rationale="gave the accuracy")),
            (numeric_option(tp / n, rationale="counted only the true positives as correct"),
             numeric_option(m[2], rationale=r"gave the \(F_1\) score")),
        )
        names = ("Precision", "Recall", r"\(F_1\) score", "Accuracy")
        return MultiPart(tuple(Part(label, name, Numerical(value, tolerance=TOL, places=3, mistakes=wrong))
                               for label, name, value, wrong in zip("abcd", names, m, mistakes)))

    def verify(self, p):
        # Independent route: rebuild the label vectors the counts describe and count agreements.
        _check(p)
        truth = np.repeat([1, 1, 0, 0], [p["tp"], p["fn"], p["fp"], p["tn"]])
        pred = np.repeat([1, 0, 1, 0], [p["tp"], p["fn"], p["fp"], p["tn"]])
        hits = np.count_nonzero(truth & pred)
        precision = hits / np.count_nonzero(pred)
        recall = hits / np.count_nonzero(truth)
        f1 = 1 / np.mean([1 / precision, 1 / recall])
        return [precision, recall, f1, np.mean(truth == pred)]
