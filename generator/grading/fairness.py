"""Variant fairness: are the variants of one question number equally hard?

Every student answers their own variant, so a variant that is harder than the
others (a larger stride, a negative value, the right option always in (a))
makes the paper unfair. For each question number the students are grouped by
what varies between variants, and the proportion answered fully correct is
compared across the groups:

- ``template``: the question id, when the number draws from several templates;
- ``correct option``: the letter of the right option (single choice);
- ``param <name>``: each drawn scalar parameter that varies — its values when
  it takes at most :data:`MAX_LEVELS` of them, else up to three bins cut at its
  terciles (edges are values drawn)
  (lists and other non-scalar params are not grouped).

Test per grouping (a groups × {correct, not} table): Fisher's exact test for
2 × 2; Pearson's χ² for larger tables when every expected count is at least 5;
otherwise Fisher's exact test by Monte Carlo (9,999 resamples from an rng
seeded by the question number, so reruns give the same p); the tests are in
:mod:`exact_tests`. The p-values of all groupings of all questions are
corrected together by Benjamini–Hochberg (Benjamini & Hochberg, JRSS B 57,
1995). A grouping is ``unfair`` when its q-value is below :data:`FDR` AND its
groups' facilities differ by at least :data:`MIN_GAP` (a difference too small
to matter is not flagged however many students there are).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress

import numpy as np

from .exact_tests import (
    benjamini_hochberg,
    chi2_independence,
    fisher_exact_2x2,
    fisher_exact_monte_carlo,
)
from .item_analysis import MarkTable, VariantColumns

#: False discovery rate of the Benjamini–Hochberg procedure.
FDR = 0.05
#: The smallest difference in facility (proportion correct) between groups that is flagged.
MIN_GAP = 0.15
#: A parameter with at most this many distinct values is grouped by value; more are binned in terciles.
MAX_LEVELS = 6
MONTE_CARLO_RESAMPLES = 9999


@dataclass(frozen=True)
class VariantGroup:
    """Students of one question number whose variants share ``label``: ``n`` of them, ``correct`` fully right."""

    label: str
    n: int
    correct: int

    @property
    def facility(self) -> float:
        return self.correct / self.n if self.n else 0.0


@dataclass(frozen=True)
class FairnessTest:
    """One grouping of one question number's variants and its test.

    ``test`` is ``fisher``, ``chi2``, ``fisher_monte_carlo``, or ``none`` when
    the table cannot discriminate (one group, or everybody right or everybody
    wrong: p = 1). ``q_value`` is the Benjamini–Hochberg adjusted p-value.
    """

    number: int
    question_id: str
    grouping: str
    groups: tuple[VariantGroup, ...]
    test: str
    statistic: float | None
    p_value: float
    q_value: float
    unfair: bool

    @property
    def gap(self) -> float:
        """The largest minus the smallest facility among the groups."""
        f = [g.facility for g in self.groups if g.n]
        return max(f) - min(f) if f else 0.0


def _fmt(x: float) -> str:
    return f"{x:g}"


def _bins(values: list) -> list[str] | None:
    """Labels grouping ``values`` (one per student): by value, or by tercile for many numeric values."""
    types = set(map(type, values))
    keyed = values if len(types) == 1 else [(type(v), v) for v in values]  # True and 1 are two groups
    distinct = set(keyed)
    if len(distinct) < 2:
        return None
    if len(distinct) <= MAX_LEVELS:
        names = {k: str(v) for k, v in dict(zip(keyed, values)).items()}
        return [names[k] for k in keyed]
    if not types <= {int, float}:
        return None
    x = np.array(values, dtype=float)
    lo, hi = np.quantile(x, [1 / 3, 2 / 3], method="inverted_cdf")  # edges are values drawn
    if lo == hi:
        names = [f"<= {_fmt(lo)}", f"> {_fmt(lo)}"]
        return [names[k] for k in (x > lo).tolist()]
    names = [f"<= {_fmt(lo)}", f"{_fmt(lo)} < x <= {_fmt(hi)}", f"> {_fmt(hi)}"]
    return [names[k] for k in ((x > lo).astype(int) + (x > hi)).tolist()]


def _groupings(v: VariantColumns) -> dict[str, list[str]]:
    """Grouping name -> a label per student of ``v``."""
    out: dict[str, list[str]] = {}
    if len(set(v.question_ids)) > 1:
        out["template"] = v.question_ids
    letters = v.letters
    if all(letters) and len(set(letters)) > 1:
        out["correct option"] = letters
    for name, values in v.params.items():
        labels = _bins(values)
        if labels:
            out[f"param {name}"] = labels
    return out


def _test(groups: tuple[VariantGroup, ...], number: int) -> tuple[str, float | None, float]:
    table = np.array([[g.correct, g.n - g.correct] for g in groups if g.n])
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return "none", None, 1.0
    if table.shape == (2, 2):
        return "fisher", *fisher_exact_2x2(table)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if expected.min() >= 5:
        return "chi2", *chi2_independence(table)
    return "fisher_monte_carlo", *fisher_exact_monte_carlo(table, MONTE_CARLO_RESAMPLES, np.random.default_rng(number))


def variant_fairness(table: MarkTable) -> list[FairnessTest]:
    """Every grouping of every question number, tested and BH-corrected (see the module docstring).

    Rows in question order, groupings in the order template, correct option,
    params by name; groups by label.
    """
    raw = []
    for number, v in sorted((n, v) for n, v in table.variants.items() if v.correct):
        qid = " ".join(sorted(set(v.question_ids)))
        correct = v.correct
        for grouping, labels in _groupings(v).items():
            counts, right = Counter(labels), Counter(compress(labels, correct))
            groups = tuple(VariantGroup(lab, counts[lab], right[lab]) for lab in sorted(counts, key=_label_key))
            raw.append((number, qid, grouping, groups, *_test(groups, number)))
    if not raw:
        return []
    q_values = benjamini_hochberg([r[-1] for r in raw])
    out = []
    for r, q in zip(raw, q_values):
        t = FairnessTest(*r, q_value=float(q), unfair=False)
        out.append(FairnessTest(*r, q_value=float(q), unfair=bool(q < FDR and t.gap >= MIN_GAP)))
    return out


def _label_key(label: str) -> tuple:
    """Numeric labels in numeric order, bins in bin order, others alphabetically."""
    for prefix, rank in (("<= ", 0), ("> ", 2)):
        if label.startswith(prefix):
            return (1, rank, label)
    if " < x <= " in label:
        return (1, 1, label)
    try:
        return (0, float(label), label)
    except ValueError:
        return (2, 0, label)
