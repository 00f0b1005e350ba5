"""The gradebook's writers: per student (``responses_graded.csv``, ``scores.csv``,
``moodle_grades.csv``, over a :class:`gradebook.GradeResult` of the class or of a part of it) and for
the class (``problems.csv``, ``overrides.csv``, over a :class:`gradebook.ClassGrades`); each
``write(result, out)`` returns the paths written.

All are UTF-8, comma-separated, with a header row and ``\\n`` line ends;
points are decimals with at most 4 places, percent with 2 (:func:`scoring.fmt`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..csvfile import write_csv
from .gradebook import ClassGrades, GradeResult
from .scoring import fmt


class StudentRowsCsvWriter:
    """A CSV with a header row, then rows per student: ``header(result)`` and ``rows(result)`` over the
    students of ``result`` (a :class:`GradeResult` of the whole class or of a part of it).

    ``write(result, out)`` writes ``out/<filename>``; ``write_part(result,
    path, header, append)`` writes a part's rows (with the header for the
    first part; added to the end of ``path`` if ``append``), so that parts
    graded in two processes, and rows written in pieces, are joined by concatenation.
    """

    filename = ""

    def header(self, result: GradeResult) -> list[str]:
        raise NotImplementedError

    def rows(self, result: GradeResult) -> Iterable[Sequence[str]]:
        """The rows of ``result``'s students, each a sequence of text fields."""
        raise NotImplementedError

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        return [self.write_part(result, out / self.filename, header=True)]

    def write_part(self, result: GradeResult, path: Path, header: bool, append: bool = False) -> Path:
        return write_csv(path, self.header(result) if header else None, self.rows(result), append)


class ScoresCsvWriter(StudentRowsCsvWriter):
    """``scores.csv``: ``student_id,name,paper_id,Q1,...,total,max,percent``, one row per student.

    A student with no row in the responses has empty question cells, total
    and percent (absent is not zero); ``max`` is always filled.
    """

    filename = "scores.csv"

    def header(self, result: GradeResult) -> list[str]:
        return ["student_id", "name", "paper_id", *[f"Q{n}" for n in result.numbers], "total", "max", "percent"]

    def rows(self, result: GradeResult) -> Iterable[list[str]]:
        for s in result.students:
            by_number = {q.number: q for q in s.questions}
            if not s.present:
                yield [s.student_id, s.name, s.paper_id, *["" for _ in result.numbers], "", fmt(s.max_points), ""]
                continue
            cells = [fmt(by_number[n].points) if n in by_number else "" for n in result.numbers]
            percent = fmt(100 * s.total / s.max_points, 2) if s.max_points else ""
            yield [s.student_id, s.name, s.paper_id, *cells, fmt(s.total), fmt(s.max_points), percent]


class GradedResponsesCsvWriter(StudentRowsCsvWriter):
    """``responses_graded.csv``: one row per (student, response cell).

    Columns: student_id, paper_id, question (number), part (label or ''),
    question_id, answer_type, response (as given), correct_answer (key text),
    points, max_points, status, note. Students with no row are left out.
    """

    filename = "responses_graded.csv"

    def header(self, result: GradeResult) -> list[str]:
        return ["student_id", "paper_id", "question", "part", "question_id", "answer_type", "response",
                "correct_answer", "points", "max_points", "status", "note"]

    def rows(self, result: GradeResult) -> Iterable[list[str]]:
        for s in result.students:
            if s.present:
                sid, paper = s.student_id, s.paper_id
                # a CellMark is a tuple: unpacked at once, not read field by field (252,000 rows)
                yield from ([sid, paper, str(number), label, qid, kind, response, key, fmt(points), fmt(top), status, note]
                            for q in s.questions
                            for number, label, _, qid, kind, response, key, points, top, status, _, _, note
                            in q.cells)


class MoodleGradesCsvWriter(StudentRowsCsvWriter):
    """``moodle_grades.csv`` for Moodle's *Import > CSV file* in the gradebook.

    Two columns: ``idnumber`` (map it to the user's *ID number*) and one grade
    column named after the exam title (map it to the grade item). A total below
    0 (negative marking) is written as 0, Moodle's usual minimum grade;
    students with no row are left out, so Moodle keeps their grade empty.
    """

    filename = "moodle_grades.csv"

    def header(self, result: GradeResult) -> list[str]:
        return ["idnumber", result.exam_title]

    def rows(self, result: GradeResult) -> Iterable[list[str]]:
        return ([s.student_id, fmt(max(0.0, s.total))] for s in result.students if s.present)


class ProblemsCsvWriter:
    """``problems.csv``: every input problem found (file, line, column, student_id, message), in line order."""

    filename = "problems.csv"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        rows = ([p.file, str(p.line or ""), p.column or "", p.student_id or "", p.message] for p in result.problems)
        return [write_csv(out / self.filename, ["file", "line", "column", "student_id", "message"], rows)]


class OverridesCsvWriter:
    """``overrides.csv``: every regrade rule applied (rule, question, student_id, reason, detail), in rule order."""

    filename = "overrides.csv"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        rows = ([a.rule, a.question, a.student_id, a.reason, a.detail] for a in result.overrides)
        return [write_csv(out / self.filename, ["rule", "question", "student_id", "reason", "detail"], rows)]


def student_writers() -> list[StudentRowsCsvWriter]:
    """The writers of a row (or rows) per student, in order: ``responses_graded.csv``, ``scores.csv``,
    ``moodle_grades.csv``."""
    return [GradedResponsesCsvWriter(), ScoresCsvWriter(), MoodleGradesCsvWriter()]


def class_writers() -> list:
    """The writers of the class as a whole (over a :class:`gradebook.ClassGrades`), in order:
    ``problems.csv``, ``overrides.csv``, the class analysis (:mod:`analysis_writers`) and ``report.html``."""
    from .analysis_writers import analysis_writers
    from .report import ReportHtmlWriter

    return [ProblemsCsvWriter(), OverridesCsvWriter(), *analysis_writers(), ReportHtmlWriter()]
