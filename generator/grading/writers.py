"""Writers over a :class:`gradebook.GradeResult`: ``scores.csv``, ``responses_graded.csv``,
``moodle_grades.csv`` and ``problems.csv``; each ``write(result, out)`` returns the paths written.

All are UTF-8, comma-separated, with a header row and ``\\n`` line ends;
points are decimals with at most 4 places, percent with 2 (:func:`scoring.fmt`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from .gradebook import GradeResult
from .scoring import fmt


def _open(path: Path):
    return open(path, "w", encoding="utf-8", newline="")


class ScoresCsvWriter:
    """``scores.csv``: ``student_id,name,paper_id,Q1,...,total,max,percent``, one row per student.

    A student with no row in the responses has empty question cells, total
    and percent (absent is not zero); ``max`` is always filled.
    """

    filename = "scores.csv"

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        path = out / self.filename
        with _open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["student_id", "name", "paper_id", *[f"Q{n}" for n in result.numbers], "total", "max",
                        "percent"])
            for s in result.students:
                by_number = {q.number: q for q in s.questions}
                if not s.present:
                    w.writerow([s.student_id, s.name, s.paper_id, *["" for _ in result.numbers], "",
                                fmt(s.max_points), ""])
                    continue
                cells = [fmt(by_number[n].points) if n in by_number else "" for n in result.numbers]
                percent = fmt(100 * s.total / s.max_points, 2) if s.max_points else ""
                w.writerow([s.student_id, s.name, s.paper_id, *cells, fmt(s.total), fmt(s.max_points), percent])
        return [path]


class GradedResponsesCsvWriter:
    """``responses_graded.csv``: one row per (student, response cell).

    Columns: student_id, paper_id, question (number), part (label or ''),
    question_id, answer_type, response (as given), correct_answer (key text),
    points, max_points, status, note. Students with no row are left out.
    """

    filename = "responses_graded.csv"

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        path = out / self.filename
        with _open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["student_id", "paper_id", "question", "part", "question_id", "answer_type", "response",
                        "correct_answer", "points", "max_points", "status", "note"])
            for s in result.students:
                if s.present:
                    sid, paper = s.student_id, s.paper_id
                    # a CellMark is a tuple: unpacked at once, not read field by field (252,000 rows)
                    w.writerows([sid, paper, number, label, qid, kind, response, key, fmt(points), fmt(top), status,
                                 note]
                                for q in s.questions
                                for number, label, _, qid, kind, response, key, points, top, status, _, _, note
                                in q.cells)
        return [path]


class MoodleGradesCsvWriter:
    """``moodle_grades.csv`` for Moodle's *Import > CSV file* in the gradebook.

    Two columns: ``idnumber`` (map it to the user's *ID number*) and one grade
    column named after the exam title (map it to the grade item). A total below
    0 (negative marking) is written as 0, Moodle's usual minimum grade;
    students with no row are left out, so Moodle keeps their grade empty.
    """

    filename = "moodle_grades.csv"

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        path = out / self.filename
        with _open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["idnumber", result.exam_title])
            for s in result.students:
                if s.present:
                    w.writerow([s.student_id, fmt(max(0.0, s.total))])
        return [path]


class ProblemsCsvWriter:
    """``problems.csv``: every input problem found (file, line, column, student_id, message), in line order."""

    filename = "problems.csv"

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        path = out / self.filename
        with _open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["file", "line", "column", "student_id", "message"])
            for p in result.problems:
                w.writerow([p.file, p.line or "", p.column or "", p.student_id or "", p.message])
        return [path]


class OverridesCsvWriter:
    """``overrides.csv``: every regrade rule applied (rule, question, student_id, reason, detail), in rule order."""

    filename = "overrides.csv"

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        path = out / self.filename
        with _open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["rule", "question", "student_id", "reason", "detail"])
            for a in result.overrides:
                w.writerow([a.rule, a.question, a.student_id, a.reason, a.detail])
        return [path]


def grade_writers(feedback: bool = True, progress: Callable[[int, int], None] | None = None) -> list:
    """The writers of ``variantex grade``, in order: the gradebook CSVs, the class analysis
    (:mod:`analysis_writers`), ``report.html`` and (if ``feedback``) the feedback PDFs, which
    call ``progress(done, total)`` as each batch is typeset."""
    from ..parallel import ForkedWriters
    from .analysis import analyse
    from .analysis_writers import analysis_writers
    from .report import ReportHtmlWriter

    # The class analysis is computed here (0.6 s for 3,000 students; in the forked worker, whose every touch
    # of the marks copies a page, it took twice as long). Then this process writes responses_graded.csv (a
    # row per cell: the longest file) while the worker, which imports matplotlib for itself, writes the rest.
    writers: list = [ForkedWriters(local=[GradedResponsesCsvWriter()],
                                   forked=[ScoresCsvWriter(), MoodleGradesCsvWriter(), ProblemsCsvWriter(),
                                           OverridesCsvWriter(), *analysis_writers(), ReportHtmlWriter()],
                                   prepare=analyse)]
    if feedback:
        from .feedback import FeedbackPdfWriter

        writers.append(FeedbackPdfWriter(progress=progress))
    return writers
