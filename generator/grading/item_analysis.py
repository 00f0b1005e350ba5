"""Item analysis and test statistics of a graded class, as Moodle's quiz statistics report defines them.

Sources: Moodle 5.0 ``question/classes/statistics/questions/calculator.php``
(facility, SD, discrimination index, discriminative efficiency) and
``mod/quiz/report/statistics/classes/calculator.php`` (SD, skewness, kurtosis,
coefficient of internal consistency, error ratio, standard error), documented
in Moodle Docs, *Quiz statistics calculations*; T. L. Kelley, "The selection of
upper and lower groups for the validation of test items", J. Educ. Psych. 30
(1939) for the 27 % groups; Cronbach, "Coefficient alpha and the internal
structure of tests", Psychometrika 16 (1951).

Who counts: the students with a row in the responses (``present``). For one
item, a student whose hand-marked cell awaits the marker's score is left out
(``n`` is smaller); a question dropped for everyone (max 0) has no statistics.
Marks are the points as graded (negative marking included); the test total of
a student is the sum of their question marks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .gradebook import GradeResult, QuestionMark, StudentGrades

#: Share of the class in each of Kelley's upper and lower groups.
KELLEY_SHARE = 0.27


@dataclass(frozen=True)
class ItemStatistics:
    """One question number's statistics; None where undefined (too few students, no variance, dropped).

    ``facility``: mean mark / max mark (0–1). ``sd``: sample SD (n−1) of the
    mark / max mark. ``discrimination_index``: 100 × Pearson r of the item's
    mark with the rest of the test (total − item). ``discriminative_efficiency``:
    100 × cov(item, rest) / the largest covariance the two mark distributions
    allow (both sorted). ``upper_lower_d``: facility in the top 27 % by total
    minus facility in the bottom 27 % (Kelley). ``point_biserial``: Pearson r of
    the item's mark with the total (item included). ``omitted``: students who
    left every cell of it blank. ``max_points`` and ``mean`` are in points.
    """

    number: int
    question_id: str
    n: int
    max_points: float
    mean: float | None
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    upper_lower_d: float | None
    point_biserial: float | None
    omitted: int


@dataclass(frozen=True)
class SummaryStatistics:
    """The whole test's statistics over the ``n_students`` present, in points (``max_points`` the paper's).

    ``sd``: sample SD (n−1). ``skewness`` = k₃/k₂^{3/2} and ``kurtosis`` =
    k₄/k₂² (excess) from the unbiased k-statistics, as Moodle computes them.
    ``alpha`` = P/(P−1) · (1 − Σ var(item)/var(total)) over the P items with
    marks (Cronbach's alpha; KR-20 for items scored 0/1; Moodle shows it ×100
    as "coefficient of internal consistency"). ``error_ratio`` = 100·√(1−alpha)
    (percent) and ``standard_error`` = error_ratio/100 · sd (points).
    """

    n_students: int
    max_points: float
    mean: float | None
    median: float | None
    sd: float | None
    min: float | None
    max: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    skewness: float | None
    kurtosis: float | None


@dataclass(frozen=True)
class MarkTable:
    """The class as arrays, from one pass over the graded cells.

    ``marks[s, i]``: points of present student s on item i (NaN: awaiting the
    marker); ``totals[s]`` (points); ``max_points[i]``; ``omitted[s, i]`` (every
    cell blank); the item ``numbers`` and ``question_ids``; and per question
    number the graded questions (``variants``) that have a mark, for variant
    fairness.
    """

    numbers: tuple[int, ...]
    question_ids: tuple[str, ...]
    students: tuple[StudentGrades, ...]
    marks: np.ndarray
    totals: np.ndarray
    max_points: np.ndarray
    omitted: np.ndarray
    variants: dict[int, list[QuestionMark]]


def mark_table(result: GradeResult) -> MarkTable:
    """The present students' marks per question number (see :class:`MarkTable`)."""
    students = tuple(s for s in result.students if s.present)
    numbers = tuple(result.numbers)
    col = {n: i for i, n in enumerate(numbers)}
    shape = (len(students), len(numbers))
    marks, omitted = np.zeros(shape), np.zeros(shape, dtype=bool)
    max_points = np.zeros(len(numbers))
    ids: list[set[str]] = [set() for _ in numbers]
    variants: dict[int, list[QuestionMark]] = {n: [] for n in numbers}
    nan = math.nan
    for s_i, s in enumerate(students):
        row_marks, row_omitted = marks[s_i], omitted[s_i]
        for q in s.questions:
            i = col[q.number]
            ids[i].add(q.question_id)
            max_points[i] = max(max_points[i], q.max_points)
            if q.status in ("manual", "unreadable") and any(c.awaiting_marker for c in q.cells):
                row_marks[i] = nan
                continue
            row_marks[i] = q.points
            row_omitted[i] = q.status == "blank"  # a question is blank when all its cells are
            variants[q.number].append(q)
    totals = np.array([s.total for s in students], dtype=float)
    return MarkTable(numbers, tuple(" ".join(sorted(x)) for x in ids), students, marks, totals, max_points,
                     omitted, variants)


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return float(dx @ dy) / denom if denom > 0 else None


def kelley_groups(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the upper and lower 27 % of ``totals`` (each ``max(1, round(0.27 n))`` students).

    Ties at a group's edge are broken by position (roster order), so the
    groups are deterministic. Raises nothing; empty arrays for an empty class.
    """
    n = len(totals)
    if n == 0:
        return np.array([], dtype=int), np.array([], dtype=int)
    k = max(1, round(KELLEY_SHARE * n))
    order = np.lexsort((np.arange(n), -totals))  # highest total first, then roster order
    return order[:k], order[::-1][:k]


def item_statistics(table: MarkTable) -> list[ItemStatistics]:
    """One :class:`ItemStatistics` per question number, in order (definitions in its docstring)."""
    out = []
    upper_all, lower_all = kelley_groups(table.totals)
    for i, number in enumerate(table.numbers):
        top = float(table.max_points[i])
        marked = ~np.isnan(table.marks[:, i])
        x = table.marks[marked, i]
        total = table.totals[marked]
        rest = total - x
        n = int(marked.sum())
        omitted = int(table.omitted[:, i].sum())
        if top <= 0 or n == 0:
            out.append(ItemStatistics(number, table.question_ids[i], n, top, None, None, None, None, None, None,
                                      None, omitted))
            continue
        mean = float(x.mean())
        sd = disc = eff = None
        if n >= 2:
            sd = float(x.std(ddof=1)) / top
            r = _pearson(x, rest)
            disc = None if r is None else 100 * r
            cov = float((x - x.mean()) @ (rest - rest.mean())) / (n - 1)
            cov_max = float((np.sort(x) - x.mean()) @ (np.sort(rest) - rest.mean())) / (n - 1)
            eff = 100 * cov / cov_max if cov_max > 0 else None
        upper, lower = upper_all[marked[upper_all]], lower_all[marked[lower_all]]
        d = None
        if len(upper) and len(lower):
            d = (float(table.marks[upper, i].mean()) - float(table.marks[lower, i].mean())) / top
        out.append(ItemStatistics(number, table.question_ids[i], n, top, mean, mean / top, sd, disc, eff, d,
                                  _pearson(x, total), omitted))
    return out


def summary_statistics(table: MarkTable) -> SummaryStatistics:
    """The test's :class:`SummaryStatistics` (definitions in its docstring)."""
    t = table.totals
    s = len(t)
    max_points = float(table.max_points.sum())
    if s == 0:
        return SummaryStatistics(0, max_points, *([None] * 10))
    mean = float(t.mean())
    sd = skew = kurt = alpha = error_ratio = standard_error = None
    if s >= 2:
        d = t - mean
        m2, m3, m4 = (float((d ** k).sum()) / s for k in (2, 3, 4))
        k2 = s * m2 / (s - 1)
        sd = math.sqrt(k2)
        if k2 > 0 and s >= 3:
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            skew = k3 / k2 ** 1.5
            if s > 3:
                k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                kurt = k4 / (k2 * k2)
        items = [i for i in range(len(table.numbers)) if table.max_points[i] > 0]
        if len(items) > 1 and k2 > 0:
            marks = np.nan_to_num(table.marks[:, items])  # awaiting the marker: 0 now, as in the totals
            p = len(items)
            alpha = p / (p - 1) * (1 - float(marks.var(axis=0, ddof=1).sum()) / k2)
            if alpha <= 1:
                error_ratio = 100 * math.sqrt(1 - alpha)
                standard_error = error_ratio / 100 * sd
    return SummaryStatistics(s, max_points, mean, float(np.median(t)), sd, float(t.min()), float(t.max()), alpha,
                          error_ratio, standard_error, skew, kurt)
