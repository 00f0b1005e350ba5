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

import gc
import math
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from ..answers import LETTERS, format_number, short_text_matches
from ..errors import VariantexError
from ..inputs import MiB, read_bytes
from .gradebook import (
    AWAITING_MARKER,
    Applied,
    CellMark,
    GradeResult,
    Problem,
    QuestionMark,
    StudentGrades,
)
from .responses import read_responses
from .rules import Rules, RulesError, load_rules, parse_question

MAX_MANIFEST_BYTES = 1024 * MiB
CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PLAIN = frozenset("0123456789.+-eE")
#: A cell holding just this word is unreadable whatever the answer type (the scanner writes it).
UNREADABLE = "unreadable"


class ManifestError(VariantexError):
    """``manifest.json`` cannot be read or is not a variantex manifest."""


class Unreadable(Exception):
    """A cell that cannot be read as the answer type asks (the message says why)."""


def load_manifest(path: Path) -> dict[str, Any]:
    """The manifest's data; raises :class:`ManifestError` naming the file (and line for bad JSON)."""
    raw = read_bytes(path, "manifest", MAX_MANIFEST_BYTES, ManifestError)
    try:
        data = orjson.loads(raw)  # a 3,000-student manifest is ~300 MB: orjson parses it several times faster
    except orjson.JSONDecodeError as e:
        raise ManifestError(f"In {path}, line {e.lineno}, column {e.colno}: not valid JSON (UTF-8): "
                            f"{e.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("papers"), list):
        raise ManifestError(f"In {path}: not a variantex manifest.json (no 'papers'); give the manifest.json "
                            "of a build")
    return data


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
    t = re.sub(r"[\s,;()]+", "", text.lower())
    allowed = LETTERS[:n_options]
    bad = [c for c in t if c not in allowed]
    if bad or not t:
        raise Unreadable(f"{text!r} is not option letters (a to {allowed[-1]})")
    return tuple(sorted(set(t)))


def parse_matrix(text: str) -> list[list[float]]:
    """``[1 2; 3 4]`` as rows of numbers (brackets optional); raises :class:`Unreadable`."""
    t = text.strip()
    t = t.removeprefix("[")
    t = t.removesuffix("]")
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

    ``text`` is never empty (blanks are handled before); methods raise
    :class:`Unreadable`. ``section`` is the manifest's section record.
    """

    def score(self, answer: dict[str, Any], text: str, section: dict[str, Any]) -> tuple[float, tuple[str, ...]]:
        if text.strip().lower() == UNREADABLE:  # what `variantex scan` writes for a mark it could not read
            raise Unreadable("the cell says 'unreadable' (the scanner could not read it)")
        return getattr(self, f"score_{answer['type']}")(answer, text, section)

    def score_numerical(self, a, text, section):
        x = parse_number(text)
        value = float(a["value"])
        tol = float(a.get("tolerance", 0.0)) * (abs(value) if a.get("relative") else 1.0)
        return (1.0 if abs(x - value) <= tol + 1e-9 * max(1.0, abs(value)) else 0.0), ()

    def score_single_choice(self, a, text, section):
        ticked = parse_letters(text, len(a["options"]))
        return (1.0 if ticked == (a["correct"],) else 0.0), ticked

    def score_multiple_choice(self, a, text, section):
        ticked = parse_letters(text, len(a["options"]))
        right = set(a["correct"])
        if section.get("multiple_choice_scoring", "all_or_nothing") != "partial":
            return (1.0 if set(ticked) == right else 0.0), ticked
        wrong = len(a["options"]) - len(right)
        credit = sum(1 / len(right) for c in ticked if c in right) - sum(1 / wrong for c in ticked if c not in right)
        return max(0.0, min(1.0, credit)), ticked

    def score_true_false(self, a, text, section):
        t = text.strip().lower()
        if t not in ("true", "t", "false", "f"):
            raise Unreadable(f"{text!r} is not true or false")
        return (1.0 if t.startswith("t") == bool(a["value"]) else 0.0), ()

    def score_short_text(self, a, text, section):
        ok = short_text_matches(text, a["accepted"], case_sensitive=bool(a.get("case_sensitive")),
                                optional_words=a.get("optional_words", ()))
        return (1.0 if ok else 0.0), ()

    def score_matrix(self, a, text, section):
        rows = parse_matrix(text)
        key = a["value"] if a["type"] == "matrix" else [a["value"]]
        if a["type"] == "vector" and len(rows) > 1 and all(len(r) == 1 for r in rows):
            rows = [[r[0] for r in rows]]  # a column vector written [1; 2; 3]
        if [len(r) for r in rows] != [len(r) for r in key]:
            return 0.0, ()
        tol = float(a.get("tolerance", 0.0))
        ok = [abs(x - float(v)) <= tol + 1e-9 * max(1.0, abs(float(v)))
              for r, kr in zip(rows, key) for x, v in zip(r, kr)]
        if section.get("matrix_scoring", "all_or_nothing") == "per_entry":
            return sum(ok) / len(ok), ()
        return (1.0 if all(ok) else 0.0), ()

    score_vector = score_matrix


def fmt(x: float, places: int = 4) -> str:
    """Points as a decimal: at most ``places`` places, no trailing zeros, never ``-0`` (``0.75``, ``-0.25``, ``2``)."""
    t = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if t in ("-0", "") else t


def _status(credit: float) -> str:
    return "correct" if credit >= 1 - 1e-12 else ("wrong" if credit <= 1e-12 else "partial")


def columns_of(question: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], float]]:
    """The response cells of a manifest question: (column, part label, answer JSON, share of its points)."""
    n, a = question["number"], question["answer"]
    if a["type"] == "multi_part":
        total = sum(float(p.get("weight", 1.0)) for p in a["parts"])
        return [(f"Q{n}{p['label']}", p["label"], p, float(p.get("weight", 1.0)) / total) for p in a["parts"]]
    return [(f"Q{n}", "", a, 1.0)]


def expected_columns(papers: list[dict[str, Any]]) -> list[str]:
    """The answer columns of the responses CSV, in question order (the union over all papers)."""
    cols: dict[str, tuple[int, int]] = {}
    for p in papers:
        for q in p["questions"]:
            for k, (col, _, a, _) in enumerate(columns_of(q)):
                cols.setdefault(col, (q["number"], k))
                if a["type"] == "essay":
                    cols.setdefault(col + "_mark", (q["number"], k))
    return sorted(cols, key=lambda c: (cols[c], c))


class _Grader:
    def __init__(self, file: str, rules: Rules) -> None:
        self.file = file
        self.scorer = Scorer()
        self.problems: list[Problem] = []
        self.accept = [(parse_question(r.question), r) for r in rules.accept]
        self.accepted: dict[int, int] = {}  # accept rule index -> cells it made correct

    def cell(self, sid: str, line: int | None, q: dict[str, Any], col: str, label: str, a: dict[str, Any],
             share: float, key_text: str, cells: dict[str, str] | None, section: dict[str, Any]) -> CellMark:
        max_points = float(q["points"]) * share
        options = tuple(a.get("options", ()))  # the manifest's records (letter, correct, rationale, text_tex)
        base = {"number": q["number"], "label": label, "column": col, "question_id": q["question_id"],
                    "answer_type": a["type"], "key_text": key_text, "max_points": max_points, "options": options}
        if cells is None:  # a student with no row
            return CellMark(response="", points=0.0, status="blank", note="no row in the responses", **base)
        if col not in cells:
            return CellMark(response="", points=0.0, status="unreadable", note="no such cell in the row", **base)
        text = cells[col]
        if a["type"] == "essay":
            return self._essay(sid, line, col, text, cells, base)
        if not text.strip():
            return CellMark(response=text, points=0.0, status="blank", **base)
        try:
            credit, ticked = self.scorer.score(a, text, section)
        except Unreadable as e:
            self.problems.append(Problem(self.file, line, col, sid, f"unreadable {a['type']} response: {e}; "
                                         "0 points"))
            return CellMark(response=text, points=0.0, status="unreadable", note=str(e), **base)
        status = _status(credit)
        note = ""
        if status != "correct":
            for k, ((n, lab), rule) in enumerate(self.accept):
                if (n, lab) == (q["number"], label) and rule.student_id in (None, sid) and \
                        self._matches(a, text, section, rule):
                    credit, status, note = 1.0, "correct", f"accepted by rule: {rule.reason}"
                    self.accepted[k] = self.accepted.get(k, 0) + 1
                    break
        points = credit * max_points
        if status == "wrong" and a["type"] in CHOICE_TYPES and not label:
            points = -float(q.get("negative_marking", 0.0)) * max_points
        return CellMark(response=text, points=points, status=status, ticked=ticked, note=note, **base)

    def _matches(self, a: dict[str, Any], text: str, section: dict[str, Any], rule) -> bool:
        """Does the response earn full credit when the rule's answer is the key?"""
        alt = dict(a)
        answer = str(rule.answer)
        try:
            if a["type"] == "numerical":
                alt["value"] = parse_number(answer)
            elif a["type"] == "single_choice":
                letters = parse_letters(answer, len(a["options"]))
                alt["correct"] = letters[0] if len(letters) == 1 else "?"
            elif a["type"] == "multiple_choice":
                alt["correct"] = list(parse_letters(answer, len(a["options"])))
            elif a["type"] == "true_false":
                alt["value"] = answer.strip().lower() in ("true", "t")
            elif a["type"] == "short_text":
                alt["accepted"] = [answer]
            elif a["type"] in ("vector", "matrix"):
                rows = parse_matrix(answer)
                alt["value"] = rows if a["type"] == "matrix" else rows[0]
            else:
                return False
            return self.scorer.score(alt, text, {})[0] >= 1 - 1e-12
        except Unreadable as e:
            raise RulesError(f"accept rule for {rule.question}: {e}") from None

    def _essay(self, sid, line, col, text, cells, base) -> CellMark:
        mark = cells.get(col + "_mark", "").strip()
        if not mark:
            return CellMark(response=text, points=0.0, status="manual", note=AWAITING_MARKER, **base)
        try:
            x = parse_number(mark)
            if not 0 <= x <= base["max_points"] + 1e-9:
                raise Unreadable(f"{mark!r} is not between 0 and {fmt(base['max_points'])}")
        except Unreadable as e:
            self.problems.append(Problem(self.file, line, col + "_mark", sid, f"unreadable marker's score: {e}; "
                                         "0 points until it is corrected"))
            return CellMark(response=text, points=0.0, status="unreadable", note=str(e), **base)
        return CellMark(response=text, points=x, status="manual", note=f"marked by hand: {fmt(x)}", **base)


def _question_status(cells: tuple[CellMark, ...]) -> str:
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
    """Python's cyclic garbage collector off for the block (and back as it was after).

    Reading a 3,000-student manifest and grading it create millions of
    objects without reference cycles; with the collector on, each of its
    full passes walks all of them again, which doubled the time to read the
    manifest and added a quarter to grading (bench/bench_grade.py).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def grade(manifest_path: Path, responses_path: Path, rules_path: Path | None = None) -> GradeResult:
    """Grade the responses CSV against the build's ``manifest.json``; see the module docstring for the rules.

    ``rules_path`` is a regrade rules YAML (:mod:`rules`), applied in the order
    accept, drop, full_marks, override, each listed in ``overrides``.
    Deterministic: students in manifest order, questions in paper order.
    Raises :class:`ManifestError`, :class:`responses.ResponsesError` or
    :class:`rules.RulesError` when an input cannot be read at all; every
    other problem is in ``problems``.
    """
    try:
        with paused_gc():
            manifest = load_manifest(Path(manifest_path))
            return _grade(manifest, manifest_path, responses_path, rules_path)
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise ManifestError(f"In {manifest_path}: not a manifest variantex can grade (a paper or question lacks "
                            f"{e!r}); give the manifest.json a build wrote, unedited") from None


def _grade(manifest: dict[str, Any], manifest_path: Path, responses_path: Path,
           rules_path: Path | None) -> GradeResult:
    papers = manifest["papers"]
    rules = load_rules(Path(rules_path), manifest) if rules_path is not None else Rules()
    expected = expected_columns(papers)
    rows, problems = read_responses(Path(responses_path), expected, {p["student_id"] for p in papers})
    grader = _Grader(str(responses_path), rules)
    students = []
    numbers: set[int] = set()
    for p in papers:
        row = rows.get(p["student_id"])
        if row is None:
            problems.append(Problem(str(responses_path), None, None, p["student_id"],
                                    f"student {p['student_id']} ({p.get('name') or 'no name'}) has no row; "
                                    "not graded (absent?)"))
        sections = {n: s for s in p["sections"] for n in s["questions"]}
        qmarks = []
        for q in p["questions"]:
            numbers.add(q["number"])
            section = sections.get(q["number"], {})
            cols = columns_of(q)
            part_keys = [f"({lab}) " for _, lab, _, _ in cols]
            keys = _split_key(q["key_text"], part_keys) if q["answer"]["type"] == "multi_part" else [q["key_text"]]
            cells = tuple(grader.cell(p["student_id"], row.line if row else None, q, col, label, a, share, key,
                                      row.cells if row else None, section)
                          for (col, label, a, share), key in zip(cols, keys))
            qmarks.append(QuestionMark(q["number"], q["question_id"], q["answer_type"],
                                       sum(c.points for c in cells), float(q["points"]),
                                       _question_status(cells), cells, dict(q.get("params") or {}), q))
        if row is not None:
            qmarks = [_after_exam_rules(p["student_id"], qm, rules) for qm in qmarks]
        students.append(StudentGrades(p["student_id"], p.get("name", ""), p["paper_id"], row is not None,
                                      tuple(qmarks)))
    applied = _applied(rules, grader.accepted, students)
    all_problems = problems + grader.problems
    all_problems.sort(key=lambda x: (x.line is None, x.line or 0, x.column or "", x.student_id or ""))
    title = manifest.get("spec", {}).get("content", {}).get("header", {}).get("exam_title", "Exam")
    return GradeResult(title, str(manifest_path), str(responses_path), tuple(sorted(numbers)), tuple(students),
                       tuple(all_problems), tuple(applied))


def _after_exam_rules(sid: str, qm: QuestionMark, rules: Rules) -> QuestionMark:
    """``qm`` after the rules drop, full_marks and override (in that order)."""
    for r in rules.drop:
        if parse_question(r.question)[0] == qm.number:
            cells = tuple(replace(c, points=0.0, max_points=0.0, note=f"dropped: {r.reason}") for c in qm.cells)
            qm = replace(qm, points=0.0, max_points=0.0, cells=cells)
    for r in rules.full_marks:
        if parse_question(r.question)[0] == qm.number:
            cells = tuple(replace(c, points=c.max_points, note=f"full marks for everyone: {r.reason}")
                          for c in qm.cells)
            qm = replace(qm, points=qm.max_points, cells=cells)
    for r in rules.override:
        if r.student_id == sid and parse_question(r.question)[0] == qm.number:
            note = f"overridden: {fmt(r.points)} for the question (was {fmt(qm.points)}): {r.reason}"
            qm = replace(qm, points=float(r.points), cells=tuple(replace(c, note=note) for c in qm.cells))
    return qm


def _applied(rules: Rules, accepted: dict[int, int], students: list[StudentGrades]) -> list[Applied]:
    present = {s.student_id: s for s in students if s.present}

    def count(number: int) -> int:
        return sum(any(q.number == number for q in s.questions) for s in present.values())

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
        detail = f"{fmt(r.points)} points" if r.student_id in present else "not applied: the student has no row"
        out.append(Applied("override", f"Q{n}", r.student_id, r.reason, detail))
    return out


def _split_key(key_text: str, prefixes: list[str]) -> list[str]:
    """A multi-part key ``(a) 44; (b) 1200`` split into its parts' key texts."""
    out, rest = [], key_text
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


__all__ = ["Scorer", "Unreadable", "columns_of", "expected_columns", "fmt", "format_number", "grade",
           "load_manifest", "normalise_text", "parse_letters", "parse_matrix", "parse_number"]
