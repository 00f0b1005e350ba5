"""Scoring one response cell per answer type, over the manifest's answer JSON (``Answer.to_json``).

Decisions where the issue is silent:

- numbers: ``27``, ``0.0781``, ``-3.5e-2`` (a Unicode minus too); a comma
  decimal separator (``0,5``) is ``unreadable``, never guessed;
- option letters are case-insensitive; ``a,c`` = ``AC`` = ``a c`` = ``(a)(c)``;
  a letter the question does not have is ``unreadable``; two letters for a
  single-choice question is ``wrong`` (two boxes ticked);
- true/false: ``true``/``false``/``t``/``f`` (any case);
- short text: ``answers.short_text_matches`` (NFKC, punctuation and articles
  dropped, case folded unless case-sensitive, the question's optional words);
- vector/matrix: ``[1 2; 3 4]`` (brackets optional, entries by spaces or
  commas); the wrong shape is ``wrong``; all-or-nothing unless the section
  says ``matrix_scoring: per_entry`` (credit = share of entries within tolerance);
- multiple choice: ``all_or_nothing`` unless the section says
  ``multiple_choice_scoring: partial`` (+1/k per right option ticked, -1/m
  per wrong one, floored at 0);
- negative marking (the section's fraction) only for a ``wrong`` single
  choice, multiple choice or true/false question; a blank or unreadable
  cell loses nothing; multi-part parts never go below 0;
- a cell holding just ``unreadable`` (what ``variantex scan`` writes for an
  item it could not read) is ``unreadable`` for every answer type, short text too;
- an essay's cell ``Qn`` is the student's text, kept for the marker; its score
  is read from the column ``Qn_mark`` (a number from 0 to the question's
  points); without one the status is ``manual`` and the points 0.
"""

from __future__ import annotations

import functools
import gc
import math
import operator
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import msgspec

from ..answers import LETTERS, format_number, short_text_matches
from .gradebook import (
    AWAITING_MARKER,
    Applied,
    CellMark,
    ClassGrades,
    GradeResult,
    Problem,
    QuestionMark,
    StudentGrades,
)
from .item_analysis import MarkTable, MarkTableBuilder
from .manifest import (
    NO_SECTION,
    AnswerRecord,
    ManifestError,
    ManifestRecord,
    PaperRecord,
    QuestionRecord,
    SectionRecord,
    read_manifest,
)
from .responses import Row, read_responses
from .rules import Rules, RulesError, load_rules, parse_question

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PLAIN = frozenset("0123456789.+-eE")
_MATRIX_PLAIN = _PLAIN | frozenset(" ;,[]")
#: A cell holding just this word is unreadable whatever the answer type (the scanner writes it).
UNREADABLE = "unreadable"


class Unreadable(Exception):
    """A cell that cannot be read as the answer type asks (the message says why)."""


def parse_number(text: str) -> float:
    """A number as a student writes it; raises :class:`Unreadable` (a comma decimal separator included)."""
    t = text.strip()
    if t and _PLAIN.issuperset(t):  # fast path: on these characters float() accepts exactly what _NUMBER does
        try:
            x = float(t)
        except ValueError:
            pass
        else:
            if math.isfinite(x):
                return x
    t = t.replace("\u2212", "-")
    if not _NUMBER.fullmatch(t):
        hint = " (write the decimal separator as a point)" if re.fullmatch(r"[+-]?\d+,\d+", t) else ""
        raise Unreadable(f"{text!r} is not a number{hint}")
    x = float(t)
    if not math.isfinite(x):
        raise Unreadable(f"{text!r} is not a finite number")
    return x


def parse_letters(text: str, n_options: int) -> tuple[str, ...]:
    """The letters ticked, sorted and unique: ``a,c`` = ``AC`` = ``(a) (c)``; raises :class:`Unreadable`."""
    t = text.lower()
    if not (t.isascii() and t.isalpha()):  # "b", "AC": nothing to clean (most cells)
        t = _LETTER_SEPARATORS.sub("", t)
    ticked = set(t)
    if not ticked or not ticked <= _allowed_letters(n_options):
        raise Unreadable(f"{text!r} is not option letters (a to {LETTERS[:n_options][-1]})")
    return tuple(sorted(ticked))


_LETTER_SEPARATORS = re.compile(r"[\s,;()]+")


@functools.cache
def _allowed_letters(n_options: int) -> frozenset[str]:
    return frozenset(LETTERS[:n_options])


def parse_matrix(text: str) -> list[list[float]]:
    """``[1 2; 3 4]`` as rows of numbers (brackets optional); raises :class:`Unreadable`."""
    t = text.strip()
    t = t.removeprefix("[")
    t = t.removesuffix("]")
    if _MATRIX_PLAIN.issuperset(t):  # fast path, as in parse_number: float() of each entry, then check them
        try:
            rows = [list(map(float, r.replace(",", " ").split())) for r in t.split(";")]
        except ValueError:
            pass
        else:  # the sum is finite only if every entry is (one that overflowed to inf is read again below)
            if rows and all(rows) and math.isfinite(sum(map(sum, rows))):
                return rows
    rows = [[parse_number(x) for x in r.replace(",", " ").split()] for r in t.split(";")]
    if not rows or any(not r for r in rows):
        raise Unreadable(f"{text!r} is not a vector or matrix like [1 2; 3 4]")
    return rows


def normalise_text(s: str) -> str:
    """Unicode NFKC with white space folded to single spaces."""
    return " ".join(unicodedata.normalize("NFKC", s).split())


# ----------------------------------------------------------------------------- one method per type


class Scorer:
    """Credit (a fraction, 0 to 1) for one cell: ``score_<type>(answer, text, section) -> (credit, ticked)``.

    ``answer`` is the manifest's :class:`manifest.AnswerRecord`, ``text`` is
    never empty (blanks are handled before), ``section`` is the question's
    :class:`manifest.SectionRecord`; methods raise :class:`Unreadable`.
    """

    def __init__(self) -> None:
        #: answer type -> its method
        self.methods = {name.removeprefix("score_"): getattr(self, name) for name in dir(self)
                        if name.startswith("score_")}

    def score(self, answer: AnswerRecord, text: str, section: SectionRecord) -> tuple[float, tuple[str, ...]]:
        # what `variantex scan` writes for a mark it could not read
        if len(text) >= len(UNREADABLE) and text.strip().lower() == UNREADABLE:
            raise Unreadable("the cell says 'unreadable' (the scanner could not read it)")
        method = self.methods.get(answer.type)
        if method is None:
            raise AttributeError(f"no scoring for answer type {answer.type!r}")
        return method(answer, text, section)

    def score_numerical(self, a, text, section):
        x = parse_number(text)
        value = float(a.value)
        tol = a.tolerance * (abs(value) if a.relative else 1.0)
        return (1.0 if abs(x - value) <= tol + 1e-9 * max(1.0, abs(value)) else 0.0), ()

    def score_single_choice(self, a, text, section):
        ticked = parse_letters(text, len(a.options))
        return (1.0 if ticked == (a.correct,) else 0.0), ticked

    def score_multiple_choice(self, a, text, section):
        ticked = parse_letters(text, len(a.options))
        right = set(a.correct)
        if section.multiple_choice_scoring != "partial":
            return (1.0 if set(ticked) == right else 0.0), ticked
        wrong = len(a.options) - len(right)
        credit = sum(1 / len(right) for c in ticked if c in right) - sum(1 / wrong for c in ticked if c not in right)
        return max(0.0, min(1.0, credit)), ticked

    def score_true_false(self, a, text, section):
        t = text.strip().lower()
        if t not in ("true", "t", "false", "f"):
            raise Unreadable(f"{text!r} is not true or false")
        return (1.0 if t.startswith("t") == bool(a.value) else 0.0), ()

    def score_short_text(self, a, text, section):
        ok = short_text_matches(text, a.accepted, case_sensitive=a.case_sensitive, optional_words=a.optional_words)
        return (1.0 if ok else 0.0), ()

    def score_matrix(self, a, text, section):
        rows = parse_matrix(text)
        key = a.value if a.type == "matrix" else [a.value]
        if a.type == "vector" and len(rows) > 1 and all(len(r) == 1 for r in rows):
            rows = [[r[0] for r in rows]]  # a column vector written [1; 2; 3]
        if [len(r) for r in rows] != [len(r) for r in key]:
            return 0.0, ()
        tol = a.tolerance
        if section.matrix_scoring == "per_entry":
            ok = [abs(x - v) <= tol + 1e-9 * max(1.0, abs(v)) for r, kr in zip(rows, key) for x, v in zip(r, kr)]
            return sum(ok) / len(ok), ()
        for r, kr in zip(rows, key):
            for x, v in zip(r, kr):
                if abs(x - v) > tol + 1e-9 * max(1.0, abs(v)):
                    return 0.0, ()
        return 1.0, ()

    score_vector = score_matrix


_FMT: dict[tuple[float, int], str] = {}


def fmt(x: float, places: int = 4) -> str:
    """Points as a decimal: at most ``places`` places, no trailing zeros, never ``-0`` (``0.75``, ``-0.25``, ``2``)."""
    try:
        return _FMT[x, places]  # a class's marks take few values: 231,000 cells are written 3 times faster
    except KeyError:
        pass
    t = f"{x:.{places}f}".rstrip("0").rstrip(".")
    t = "0" if t in ("-0", "") else t
    if len(_FMT) < 100_000:
        _FMT[x, places] = t
    return t


#: A :class:`CellMark` (:class:`QuestionMark`) from a tuple of all its fields: a third of the time of
#: ``CellMark(...)``.
_cell = functools.partial(tuple.__new__, CellMark)
_question = functools.partial(tuple.__new__, QuestionMark)


@functools.cache
def column(number: int, label: str = "") -> str:
    """The responses CSV column of question ``number``, part ``label``: ``Q7``, ``Q6b``."""
    return f"Q{number}{label}"


_LABEL_WEIGHT = operator.attrgetter("label", "weight")


@functools.cache
def _parts_layout(number: int, parts: tuple[tuple[str, float], ...]) -> tuple[tuple[tuple[str, str, float], ...],
                                                                            tuple[str, ...]]:
    """For a multi-part question's (label, weight) parts: each part's (column, label, share of the points),
    and the prefixes of the parts in its key text (``(a) ``)."""
    total = sum(w for _, w in parts)
    return tuple((column(number, lab), lab, w / total) for lab, w in parts), tuple(f"({lab}) " for lab, _ in parts)


def columns_of(question: QuestionRecord) -> list[tuple[str, str, AnswerRecord, float]]:
    """The response cells of a manifest question: (column, part label, answer, share of its points)."""
    n, a = question.number, question.answer
    if a.type != "multi_part":
        return [(column(n), "", a, 1.0)]
    layout, _ = _parts_layout(n, tuple([(p.label, p.weight) for p in a.parts]))
    return [(col, label, part, share) for (col, label, share), part in zip(layout, a.parts)]


def expected_columns(papers: list) -> list[str]:
    """The answer columns of the responses CSV, in question order (the union over all papers' records)."""
    cols: dict[str, tuple[int, int]] = {}
    seen: set[tuple] = set()
    for p in papers:
        for q in p.questions:
            a = q.answer
            kind = (q.number, a.type, *[part.label for part in a.parts]) if a.parts else (q.number, a.type)
            if kind in seen:
                continue  # seen on an earlier paper (the common case: 120,000 questions, 40 numbers)
            seen.add(kind)
            for k, (col, _, part, _) in enumerate(columns_of(q)):
                cols.setdefault(col, (q.number, k))
                if part.type == "essay":
                    cols.setdefault(col + "_mark", (q.number, k))
    return sorted(cols, key=lambda c: (cols[c], c))


class _Grader:
    def __init__(self, file: str, rules: Rules) -> None:
        self.file = file
        self.score = Scorer().score
        self.problems: list[Problem] = []
        self.accept = [(parse_question(r.question), r) for r in rules.accept]
        self.accepted: dict[int, int] = {}  # accept rule index -> cells it made correct

    def cell(self, sid: str, line: int | None, q: QuestionRecord, col: str, label: str, a: AnswerRecord,
             share: float, key_text: str, cells: dict[str, str] | None, section: SectionRecord) -> CellMark:
        # The hot loop of grading (231,000 cells for 3,000 students x 40 questions): CellMarks are made
        # from whole tuples (_cell).
        max_points = q.points * share
        options = tuple(a.options) if a.options else ()  # the manifest's options (letter, correct, rationale, text)
        n, qid, kind = q.number, q.question_id, a.type
        if cells is None:  # a student with no row
            return _cell((n, label, col, qid, kind, "", key_text, 0.0, max_points, "blank", (), options,
                          "no row in the responses"))
        text = cells.get(col)
        if text is None:
            return _cell((n, label, col, qid, kind, "", key_text, 0.0, max_points, "unreadable", (), options,
                          "no such cell in the row"))
        if kind == "essay":
            return self._essay(sid, line, col, text, cells,
                               CellMark(n, label, col, qid, kind, text, key_text, 0.0, max_points, "manual"))
        if not text or text.isspace():
            return _cell((n, label, col, qid, kind, text, key_text, 0.0, max_points, "blank", (), options, ""))
        try:
            credit, ticked = self.score(a, text, section)
        except Unreadable as e:
            self.problems.append(Problem(self.file, line, col, sid, f"unreadable {kind} response: {e}; 0 points"))
            return _cell((n, label, col, qid, kind, text, key_text, 0.0, max_points, "unreadable", (), options,
                          str(e)))
        status = "correct" if credit >= 1 - 1e-12 else ("wrong" if credit <= 1e-12 else "partial")
        note = ""
        if status != "correct" and self.accept:
            for k, ((rn, lab), rule) in enumerate(self.accept):
                if (rn, lab) == (n, label) and rule.student_id in (None, sid) and \
                        self._matches(a, text, section, rule):
                    credit, status, note = 1.0, "correct", f"accepted by rule: {rule.reason}"
                    self.accepted[k] = self.accepted.get(k, 0) + 1
                    break
        points = credit * max_points
        if status == "wrong" and kind in CHOICE_TYPES and not label:
            points = -q.negative_marking * max_points
        return _cell((n, label, col, qid, kind, text, key_text, points, max_points, status, ticked, options, note))

    def _matches(self, a: AnswerRecord, text: str, section: SectionRecord, rule) -> bool:
        """Does the response earn full credit when the rule's answer is the key?"""
        answer = str(rule.answer)
        try:
            if a.type == "numerical":
                alt = msgspec.structs.replace(a, value=parse_number(answer))
            elif a.type == "single_choice":
                letters = parse_letters(answer, len(a.options))
                alt = msgspec.structs.replace(a, correct=letters[0] if len(letters) == 1 else "?")
            elif a.type == "multiple_choice":
                alt = msgspec.structs.replace(a, correct=list(parse_letters(answer, len(a.options))))
            elif a.type == "true_false":
                alt = msgspec.structs.replace(a, value=answer.strip().lower() in ("true", "t"))
            elif a.type == "short_text":
                alt = msgspec.structs.replace(a, accepted=[answer])
            elif a.type in ("vector", "matrix"):
                rows = parse_matrix(answer)
                alt = msgspec.structs.replace(a, value=rows if a.type == "matrix" else rows[0])
            else:
                return False
            return self.score(alt, text, NO_SECTION)[0] >= 1 - 1e-12
        except Unreadable as e:
            raise RulesError(f"accept rule for {rule.question}: {e}") from None

    def _essay(self, sid: str, line: int | None, col: str, text: str, cells: dict[str, str],
               mark: CellMark) -> CellMark:
        """``mark`` (an essay cell, 0 points, ``manual``) with the marker's score from column ``<col>_mark``."""
        given = cells.get(col + "_mark", "").strip()
        if not given:
            return mark._replace(note=AWAITING_MARKER)
        try:
            x = parse_number(given)
            if not 0 <= x <= mark.max_points + 1e-9:
                raise Unreadable(f"{given!r} is not between 0 and {fmt(mark.max_points)}")
        except Unreadable as e:
            self.problems.append(Problem(self.file, line, col + "_mark", sid, f"unreadable marker's score: {e}; "
                                         "0 points until it is corrected"))
            return mark._replace(status="unreadable", note=str(e))
        return mark._replace(points=x, note=f"marked by hand: {fmt(x)}")


def _question_status(cells: tuple[CellMark, ...]) -> str:
    if len(cells) == 1:
        return cells[0].status
    statuses = {c.status for c in cells}
    if len(statuses) == 1:
        return statuses.pop()
    for s in ("unreadable", "manual"):
        if s in statuses:
            return s
    if statuses <= {"wrong", "blank"}:
        return "wrong"
    return "partial"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (and back as it was after), and the objects made
    in it moved to its oldest generation when it ends.

    Reading a 3,000-student manifest and grading it create millions of
    objects without reference cycles; with the collector on, each of its
    full passes walks all of them again, which doubled the time to read the
    manifest and added a quarter to grading (bench/bench_grade.py). Left in
    the youngest generation, they were all walked by the first collection
    after the block (0.6 s); in the oldest, only a full collection walks them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # every tracked object to the permanent generation ...
        gc.unfreeze()  # ... and back into the oldest one
        if was:
            gc.enable()


@dataclass(frozen=True)
class GradingInputs:
    """What grading reads, read and checked once: the manifest, the responses' rows by student id, the
    regrade rules, the problems found reading the responses, and the question numbers of the exam."""

    manifest: ManifestRecord
    manifest_path: str
    responses_path: str
    rules: Rules
    rows: dict[str, Row]
    problems: tuple[Problem, ...]
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class GradedPart:
    """Some papers of the class, graded: their ``students`` (in manifest order), the ``problems`` found
    grading them (a student with no row, an unreadable cell), how many cells each accept rule made
    correct (``accepted``, by rule index) and the part's :class:`item_analysis.MarkTable`."""

    students: tuple[StudentGrades, ...]
    problems: tuple[Problem, ...]
    accepted: dict[int, int]
    table: MarkTable


@contextmanager
def _sensible(manifest_path: str) -> Iterator[None]:
    """Values of the right JSON types that make no sense together (a null value, an unknown answer type)
    raise :class:`manifest.ManifestError`, not a traceback."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise ManifestError(f"In {manifest_path}: not a manifest variantex can grade ({e!r}); give the "
                            "manifest.json a build wrote, unedited") from None


def read_inputs(manifest_path: Path, responses_path: Path, rules_path: Path | None = None,
                texts: bool = False, part: int | None = None) -> GradingInputs:
    """The manifest (with each question's LaTeX if ``texts``, for feedback PDFs), the rules and the
    responses, checked against each other (unknown students, missing columns: see :mod:`responses`).
    ``part`` (0 or 1): only that part's papers are read in full (:func:`manifest.read_manifest`); part 1
    reads the same responses but leaves their problems to part 0, which reports them for the class (its
    ``problems`` are empty, and the columns are not checked: that took a second process 0.13 s).

    Raises :class:`manifest.ManifestError`, :class:`responses.ResponsesError` or
    :class:`rules.RulesError` when an input cannot be read at all.
    """
    manifest = read_manifest(Path(manifest_path), texts, part)
    with _sensible(str(manifest_path)):
        papers = manifest.papers
        rules = load_rules(Path(rules_path), manifest) if rules_path is not None else Rules()
        rows, problems = read_responses(Path(responses_path), expected_columns(papers) if part != 1 else None,
                                        {p.student_id for p in papers})
        numbers = tuple(sorted({q.number for p in papers for q in p.questions}))
    return GradingInputs(manifest, str(manifest_path), str(responses_path), rules, rows,
                         tuple(problems) if part != 1 else (), numbers)


def grade(manifest_path: Path, responses_path: Path, rules_path: Path | None = None,
          texts: bool = False) -> GradeResult:
    """Grade the responses CSV against the build's ``manifest.json``; see the module docstring for the rules.

    ``rules_path`` is a regrade rules YAML (:mod:`rules`), applied in the order
    accept, drop, full_marks, override, each listed in ``overrides``. With
    ``texts``, each :class:`gradebook.QuestionMark`'s ``record`` carries the
    question's LaTeX (for feedback PDFs; reading takes longer).
    Deterministic: students in manifest order, questions in paper order.
    Raises :class:`manifest.ManifestError`, :class:`responses.ResponsesError` or
    :class:`rules.RulesError` when an input cannot be read at all; every
    other problem is in ``problems``. (``variantex grade`` grades parts of
    the class with :func:`grade_part` and joins them with :func:`class_grades`, as this does for one part.)
    """
    with paused_gc():
        inputs = read_inputs(manifest_path, responses_path, rules_path, texts)
        part = grade_part(inputs, inputs.manifest.papers)
        c = class_grades(inputs, [part])
        return GradeResult(c.exam_title, c.manifest_path, c.responses_path, c.numbers, part.students, c.problems,
                           c.overrides, c.table)


def grade_part(inputs: GradingInputs, papers: Sequence[PaperRecord]) -> GradedPart:
    """Grade ``papers`` (some or all of ``inputs.manifest.papers``, in order) against the responses.

    Raises :class:`manifest.ManifestError` for values that make no sense
    together, and :class:`rules.RulesError` for an accept rule whose answer
    cannot be read as the question's type.
    """
    with _sensible(inputs.manifest_path):
        return _grade_part(inputs, papers)


def _grade_part(inputs: GradingInputs, papers: Sequence[PaperRecord]) -> GradedPart:
    rules, rows, responses_path = inputs.rules, inputs.rows, inputs.responses_path
    after_exam = bool(rules.drop or rules.full_marks or rules.override)
    grader = _Grader(responses_path, rules)
    problems = []
    students = []
    table = MarkTableBuilder(inputs.numbers)  # the class analysis's input, in the same pass (item_analysis)
    for p in papers:
        sid = p.student_id
        row = rows.get(sid)
        if row is None:
            problems.append(Problem(responses_path, None, None, sid,
                                    f"student {sid} ({p.name or 'no name'}) has no row; not graded (absent?)"))
        line, cells_of_row = (row.line, row.cells) if row else (None, None)
        sections = p.section_of()
        qmarks = []
        for q in p.questions:
            section = sections.get(q.number, NO_SECTION)
            a = q.answer
            if a.type == "multi_part":
                layout, prefixes = _parts_layout(q.number, tuple(map(_LABEL_WEIGHT, a.parts)))
                cells = tuple([grader.cell(sid, line, q, col, label, part, share, key, cells_of_row, section)
                               for (col, label, share), part, key in zip(layout, a.parts,
                                                                         _split_key(q.key_text, prefixes))])
                points, status = sum([c.points for c in cells]), _question_status(cells)
            else:
                cell = grader.cell(sid, line, q, column(q.number), "", a, 1.0, q.key_text, cells_of_row, section)
                cells, points, status = (cell,), cell.points, cell.status
            qm = _question((q.number, q.question_id, q.answer_type, points, q.points, status, cells, q.params, q))
            qmarks.append(_after_exam_rules(sid, qm, rules) if row is not None and after_exam else qm)
        qmarks = tuple(qmarks)
        if row is not None:
            table.add(qmarks)
        students.append(StudentGrades(sid, p.name, p.paper_id, row is not None, qmarks))
    return GradedPart(tuple(students), tuple(problems + grader.problems), grader.accepted, table.build())


def class_grades(inputs: GradingInputs, parts: Sequence[GradedPart]) -> ClassGrades:
    """The class from its graded ``parts`` (in manifest order; their ``students`` are not read): problems
    in line order, the rules as applied, the mark tables joined."""
    problems = [*inputs.problems, *(x for part in parts for x in part.problems)]
    problems.sort(key=lambda x: (x.line is None, x.line or 0, x.column or "", x.student_id or ""))
    accepted: dict[int, int] = {}
    for part in parts:
        for k, n in part.accepted.items():
            accepted[k] = accepted.get(k, 0) + n
    m = inputs.manifest
    return ClassGrades(m.exam_title, inputs.manifest_path, inputs.responses_path, inputs.numbers, len(m.papers),
                       tuple(problems), tuple(_applied(inputs, accepted)),
                       MarkTable.concat([part.table for part in parts]))


def _after_exam_rules(sid: str, qm: QuestionMark, rules: Rules) -> QuestionMark:
    """``qm`` after the rules drop, full_marks and override (in that order)."""
    for r in rules.drop:
        if parse_question(r.question)[0] == qm.number:
            cells = tuple(c._replace(points=0.0, max_points=0.0, note=f"dropped: {r.reason}") for c in qm.cells)
            qm = qm._replace(points=0.0, max_points=0.0, cells=cells)
    for r in rules.full_marks:
        if parse_question(r.question)[0] == qm.number:
            cells = tuple(c._replace(points=c.max_points, note=f"full marks for everyone: {r.reason}")
                          for c in qm.cells)
            qm = qm._replace(points=qm.max_points, cells=cells)
    for r in rules.override:
        if r.student_id == sid and parse_question(r.question)[0] == qm.number:
            note = f"overridden: {fmt(r.points)} for the question (was {fmt(qm.points)}): {r.reason}"
            qm = qm._replace(points=float(r.points), cells=tuple(c._replace(note=note) for c in qm.cells))
    return qm


def _applied(inputs: GradingInputs, accepted: dict[int, int]) -> list[Applied]:
    rules = inputs.rules
    present = [p for p in inputs.manifest.papers if p.student_id in inputs.rows]

    def count(number: int) -> int:
        return sum(any(q.number == number for q in p.questions) for p in present)

    out = []
    for k, r in enumerate(rules.accept):
        out.append(Applied("accept", str(r.question), r.student_id or "", r.reason,
                           f"{r.answer} accepted; {accepted.get(k, 0)} responses now correct"))
    for kind in ("drop", "full_marks"):
        for r in getattr(rules, kind):
            n = parse_question(r.question)[0]
            out.append(Applied(kind, f"Q{n}", "", r.reason, f"{count(n)} students"))
    for r in rules.override:
        n = parse_question(r.question)[0]
        detail = f"{fmt(r.points)} points" if r.student_id in inputs.rows else "not applied: the student has no row"
        out.append(Applied("override", f"Q{n}", r.student_id, r.reason, detail))
    return out


@functools.cache
def _heads(prefixes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """How each piece of a multi-part key split at ``"; ("`` starts (the first prefix, then the others
    without their ``(``), and those heads' lengths."""
    heads = (prefixes[0], *(p[1:] for p in prefixes[1:]))
    return heads, tuple(map(len, heads))


def _split_key(key_text: str, prefixes: tuple[str, ...]) -> list[str]:
    """A multi-part key ``(a) 44; (b) 1200`` split into its parts' key texts."""
    pieces = key_text.split("; (")
    heads, lengths = _heads(prefixes)
    if len(pieces) == len(heads) and all(map(str.startswith, pieces, heads)):
        return [piece[k:] for piece, k in zip(pieces, lengths)]
    out, rest = [], key_text  # a part's key holds "; (" itself
    for i, pre in enumerate(prefixes):
        rest = rest.removeprefix(pre)
        nxt = f"; {prefixes[i + 1]}" if i + 1 < len(prefixes) else None
        if nxt and nxt in rest:
            head, _, rest = rest.partition(nxt)
            rest = prefixes[i + 1] + rest
            out.append(head)
        else:
            out.append(rest)
    return out


__all__ = ["GradedPart", "GradingInputs", "Scorer", "Unreadable", "class_grades", "columns_of", "expected_columns",
           "fmt", "format_number", "grade", "grade_part", "normalise_text", "parse_letters", "parse_matrix",
           "parse_number", "read_inputs"]
