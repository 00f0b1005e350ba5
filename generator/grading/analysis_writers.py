"""Writers of the class analysis: ``items.csv``, ``distractors.csv``, ``summary.json``, ``variants.csv``.

Definitions of every figure are in :mod:`item_analysis`, :mod:`distractors`
and :mod:`fairness`. CSVs are UTF-8 with ``\\n`` line ends; an undefined
statistic is an empty cell (``null`` in JSON). Facility, SD, shares and D are
fractions (0–1); the discrimination index and discriminative efficiency are
percentages, as Moodle shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..csvfile import write_csv
from .analysis import analyse
from .gradebook import ClassGrades
from .scoring import fmt


def _f(x: float | None, places: int = 4) -> str:
    return "" if x is None else fmt(x, places)


def _j(x: float | None, places: int = 4) -> float | None:
    return None if x is None else round(x, places) + 0.0


class ItemsCsvWriter:
    """``items.csv``: ``number,question_id,n,facility,sd,discrimination_index,discriminative_efficiency,
    upper_lower_d,point_biserial,omitted``, one row per question number."""

    filename = "items.csv"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        rows = ([str(i.number), i.question_id, str(i.n), _f(i.facility), _f(i.sd), _f(i.discrimination_index, 2),
                 _f(i.discriminative_efficiency, 2), _f(i.upper_lower_d), _f(i.point_biserial), str(i.omitted)]
                for i in analyse(result).items)
        return [write_csv(out / self.filename, ["number", "question_id", "n", "facility", "sd", "discrimination_index",
                                                "discriminative_efficiency", "upper_lower_d", "point_biserial",
                                                "omitted"], rows)]


class DistractorsCsvWriter:
    """``distractors.csv``: ``number,question_id,option,chosen_by,share,mean_total_of_choosers`` per choice
    question and option label (``correct``, a distractor's rationale, ``(blank)``); a part of a multi-part
    question is written as ``(b) <label>``."""

    filename = "distractors.csv"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        rows = ([str(r.number), r.question_id, f"({r.part}) {r.option}" if r.part else r.option, str(r.chosen_by),
                 _f(r.share), _f(r.mean_total_of_choosers)] for r in analyse(result).distractors)
        return [write_csv(out / self.filename, ["number", "question_id", "option", "chosen_by", "share",
                                                "mean_total_of_choosers"], rows)]


class SummaryJsonWriter:
    """``summary.json``: ``n_students, max_points, mean, median, sd, min, max`` (points), ``alpha``
    (0–1), ``error_ratio`` (%), ``standard_error`` (points), ``skewness``, ``kurtosis`` (excess)."""

    filename = "summary.json"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        s = analyse(result).summary
        data = {"n_students": s.n_students, "max_points": _j(s.max_points), "mean": _j(s.mean),
                "median": _j(s.median), "sd": _j(s.sd), "min": _j(s.min), "max": _j(s.max),
                "alpha": _j(s.alpha), "error_ratio": _j(s.error_ratio, 2), "standard_error": _j(s.standard_error),
                "skewness": _j(s.skewness), "kurtosis": _j(s.kurtosis)}
        path = out / self.filename
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        return [path]


class VariantsCsvWriter:
    """``variants.csv``: one row per (question number, grouping of its variants):
    ``number,question_id,grouping,groups,n,facility_by_group,test,statistic,p_value,q_value,gap,unfair``.

    ``facility_by_group`` lists ``label: facility (correct/n)`` joined by ``; ``;
    ``statistic`` is the test's (:mod:`exact_tests`): the odds ratio for
    ``fisher``, χ² for ``chi2``, the probability of the table given its
    margins for ``fisher_monte_carlo``; ``gap`` is the largest minus the
    smallest group facility; ``unfair`` is ``yes`` or ``no`` (rule in :mod:`fairness`).
    """

    filename = "variants.csv"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        rows = ([str(t.number), t.question_id, t.grouping, str(len(t.groups)), str(sum(g.n for g in t.groups)),
                 "; ".join(f"{g.label}: {fmt(g.facility, 2)} ({g.correct}/{g.n})" for g in t.groups), t.test,
                 _f(t.statistic), _f(t.p_value, 6), _f(t.q_value, 6), fmt(t.gap, 4), "yes" if t.unfair else "no"]
                for t in analyse(result).fairness)
        return [write_csv(out / self.filename, ["number", "question_id", "grouping", "groups", "n",
                                                "facility_by_group", "test", "statistic", "p_value", "q_value",
                                                "gap", "unfair"], rows)]


def analysis_writers() -> list:
    """The analysis writers, in order."""
    return [ItemsCsvWriter(), DistractorsCsvWriter(), SummaryJsonWriter(), VariantsCsvWriter()]
