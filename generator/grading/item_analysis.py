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
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from .gradebook import ClassGrades, GradeResult, QuestionMark
from .manifest import OptionRecord

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
class VariantColumns:
    """One question number's variants, a column per field, one entry per student with a mark on it (max > 0):
    ``question_ids``, ``letters`` (of the right option of a single choice question, or ''), ``params``
    (name -> values, for each drawn parameter that every one of these variants has and that is a JSON
    scalar in all of them: an int, a finite float, a string or a boolean; names sorted) and ``correct``
    (fully right)."""

    question_ids: list[str]
    letters: list[str]
    params: dict[str, list]
    correct: list[bool]

    @staticmethod
    def concat(parts: Sequence[VariantColumns]) -> VariantColumns:
        """The columns of ``parts`` one after the other (params: the names all the parts with students have)."""
        filled = [p for p in parts if p.correct]
        names = sorted(set.intersection(*(set(p.params) for p in filled))) if filled else []
        return VariantColumns([q for p in parts for q in p.question_ids], [x for p in parts for x in p.letters],
                              {n: [v for p in filled for v in p.params[n]] for n in names},
                              [c for p in parts for c in p.correct])


#: The label of the right option(s) in distractor analysis.
CORRECT = "correct"


def option_label(option: OptionRecord) -> str:
    """An option's label across variants: ``correct``, its rationale, or (no rationale: a statement drawn from a
    pool) its own text."""
    if option.correct:
        return CORRECT
    return option.rationale.strip() or option.text_tex.strip() or "?"


@dataclass(frozen=True)
class MarkTable:
    """The class as arrays and columns of plain values, built in one pass over the graded questions.

    ``marks[s, i]``: points of present student s on item i (NaN: awaiting the
    marker); ``totals[s]`` (points); ``max_points[i]``; ``omitted[s, i]`` (every
    cell blank); the item ``numbers`` and ``question_ids`` (space-separated
    when a number draws from several templates; ids have no spaces). For
    variant fairness, per question number, its :class:`VariantColumns`. For
    distractor analysis, one :data:`ChoiceRecord` (student row, number, part
    label, question id, options as (letter, :func:`option_label`) pairs,
    letters ticked, blank) per single or multiple choice cell.
    ``hand_marked[(number, label, question_id)]`` = (cells marked by hand,
    cells awaiting the marker). Only plain values: a part of the class graded
    in another process comes back quickly (:meth:`concat` joins the parts).
    """

    numbers: tuple[int, ...]
    question_ids: tuple[str, ...]
    marks: np.ndarray
    totals: np.ndarray
    max_points: np.ndarray
    omitted: np.ndarray
    variants: dict[int, VariantColumns]
    choices: tuple[ChoiceRecord, ...]
    hand_marked: dict[tuple[int, str, str], tuple[int, int]]

    @staticmethod
    def concat(parts: Sequence[MarkTable]) -> MarkTable:
        """The table of the students of ``parts`` (graded separately, same question numbers), in that order.

        Raises ValueError when the parts have different question numbers.
        """
        numbers = parts[0].numbers
        if any(p.numbers != numbers for p in parts):
            raise ValueError("mark tables of different question numbers cannot be joined")
        k = len(numbers)
        ids = tuple(" ".join(sorted({q for p in parts for q in p.question_ids[i].split()})) for i in range(k))
        offsets = np.cumsum([0, *[len(p.totals) for p in parts]]).tolist()
        choices = tuple((s_i + offset, *rest) for p, offset in zip(parts, offsets)
                        for s_i, *rest in p.choices)
        hand: dict[tuple[int, str, str], tuple[int, int]] = {}
        for p in parts:
            for key, (marked, awaiting) in p.hand_marked.items():
                m, a = hand.get(key, (0, 0))
                hand[key] = (m + marked, a + awaiting)
        return MarkTable(numbers, ids, np.concatenate([p.marks.reshape(-1, k) for p in parts]),
                         np.concatenate([p.totals for p in parts]),
                         np.max([p.max_points for p in parts], axis=0),
                         np.concatenate([p.omitted.reshape(-1, k) for p in parts]),
                         {n: VariantColumns.concat([p.variants[n] for p in parts]) for n in numbers},
                         choices, dict(sorted(hand.items())))


#: (student row, number, part label, question id, ((letter, label), ...), letters ticked, blank): a choice cell.
ChoiceRecord = tuple[int, int, str, str, tuple[tuple[str, str], ...], tuple[str, ...], bool]
_CHOICE = ("single_choice", "multiple_choice")
#: Question types whose cells may be choice or hand-marked cells (a multi-part question's parts may be).
_SCANNED = frozenset(("single_choice", "multiple_choice", "multi_part", "essay"))


class MarkTableBuilder:
    """Builds a :class:`MarkTable` from each present student's graded questions, as grading makes them.

    ``add(questions)`` takes one present student's questions (in any order);
    ``build()`` returns the table. Grading calls it while the marks are fresh
    in memory, so the class analysis never walks the 231,000 cells of a
    3,000-student class again (bench/bench_grade.py).
    """

    def __init__(self, numbers: tuple[int, ...]) -> None:
        self.numbers = tuple(numbers)
        self._col = {n: i for i, n in enumerate(self.numbers)}
        self._rows: list[list[float]] = []
        self._omitted: list[list[bool]] = []
        self._totals: list[float] = []
        self._max = [0.0] * len(self.numbers)
        self._ids: list[set[str]] = [set() for _ in self.numbers]
        self._variants: dict[int, list[tuple[str, str, dict, bool]]] = {n: [] for n in self.numbers}
        self._choices: list[ChoiceRecord] = []
        self._labels: dict[tuple[str, str], tuple[str, str]] = {}  # one tuple per distinct (letter, label)
        self._qids: dict[str, str] = {}  # one string per question id: a part of the class is sent back small
        self._hand: dict[tuple[int, str, str], list[int]] = {}

    def add(self, questions: tuple[QuestionMark, ...]) -> None:
        s_i, col, nan = len(self._rows), self._col, math.nan
        ids, top_points, variants = self._ids, self._max, self._variants
        row, omitted = [0.0] * len(self.numbers), [False] * len(self.numbers)
        total = 0.0
        for q in questions:
            number, qid, kind, points, top, status, cells, params, _ = q  # a tuple: unpacked at once
            i = col[number]
            ids[i].add(qid)
            top_points[i] = max(top_points[i], top)
            total += points
            awaiting = False
            if kind in _SCANNED:
                for c in cells:
                    if c.answer_type in _CHOICE and c.options:
                        options = tuple([self._label(o) for o in c.options])
                        self._choices.append((s_i, c.number, c.label, c.question_id, options, c.ticked,
                                              c.status == "blank"))
                    elif c.status == "manual":
                        waits = c.awaiting_marker
                        awaiting = awaiting or waits
                        self._hand.setdefault((number, c.label, qid), [0, 0])[waits] += 1
            if awaiting and status in ("manual", "unreadable"):
                row[i] = nan
                continue
            row[i] = points
            omitted[i] = status == "blank"  # a question is blank when all its cells are
            if top > 0:
                letter = ""
                if kind == "single_choice" and len(cells) == 1:
                    letter = next((o.letter for o in cells[0].options if o.correct), "")
                variants[number].append((self._qids.setdefault(qid, qid), letter, params, status == "correct"))
        self._rows.append(row)
        self._omitted.append(omitted)
        self._totals.append(total)

    def _label(self, option: OptionRecord) -> tuple[str, str]:
        pair = (option.letter, option_label(option))
        return self._labels.setdefault(pair, pair)

    def build(self) -> MarkTable:
        k = len(self.numbers)
        variants = {}
        for n, records in self._variants.items():
            qids, letters, params, correct = (list(c) for c in zip(*records)) if records else ([], [], [], [])
            columns = {name: values for name, values in param_columns(params).items() if _all_scalar(values)}
            variants[n] = VariantColumns(qids, letters, columns, correct)
        return MarkTable(self.numbers, tuple(" ".join(sorted(x)) for x in self._ids),
                         np.array(self._rows, dtype=float).reshape(-1, k),
                         np.array(self._totals, dtype=float), np.array(self._max, dtype=float),
                         np.array(self._omitted, dtype=bool).reshape(-1, k), variants, tuple(self._choices),
                         {key: (v[0], v[1]) for key, v in sorted(self._hand.items())})


_SCALARS = frozenset((int, float, str, bool))


def _all_scalar(values: list) -> bool:
    """Are all values ints, finite floats, strings or booleans (JSON scalars a student can be grouped by)?"""
    types = set(map(type, values))
    if not types <= _SCALARS:
        return False
    return float not in types or all(math.isfinite(v) for v in values if type(v) is float)


def param_columns(params: list[dict]) -> dict[str, list]:
    """The values of each parameter that every dict in ``params`` has, one list per name (in ``params``
    order), names sorted.

    When all dicts have the same names (one template: the usual case) the
    columns are read in one pass (``itemgetter`` and ``zip``), five times
    quicker for a 3,000-student class than a lookup per name and student.
    """
    if not params:
        return {}
    names = params[0].keys()
    if not all(map(names.__eq__, map(dict.keys, params))):
        names = set.intersection(*map(set, params))
    names = sorted(names)
    if len(names) < 2:
        return {name: [d[name] for d in params] for name in names}
    return dict(zip(names, map(list, zip(*map(itemgetter(*names), params)))))


def mark_table(result: ClassGrades | GradeResult) -> MarkTable:
    """The present students' marks per question number (see :class:`MarkTable`): ``result.table`` when
    grading built it, else built now."""
    if result.table is not None:
        return result.table
    builder = MarkTableBuilder(result.numbers)
    for s in result.students:
        if s.present:
            builder.add(s.questions)
    return builder.build()


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
