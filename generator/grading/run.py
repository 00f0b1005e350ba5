"""``variantex grade`` as one writer for ``output.write_build``: grade the class and write every file.

Without feedback PDFs, where processes can be forked, the class is graded
in two parts, on two cores (bench/bench_grade.py: 3,000 students x 40
questions). The papers are split in two halves in manifest order:

1. a forked worker grades the second half while this process grades the
   first (the worker inherits the read inputs: nothing is pickled but what
   it sends back, the part's problems, accept-rule counts and
   :class:`item_analysis.MarkTable`, all plain values);
2. the worker then writes its students' rows of ``responses_graded.csv``,
   ``scores.csv`` and ``moodle_grades.csv`` to ``.part`` files, while this
   process joins the two parts into the :class:`gradebook.ClassGrades` and
   computes the class analysis;
3. this process writes its students' rows (with the header) while a second
   forked worker writes the class files (``problems.csv``, ``overrides.csv``,
   the analysis CSVs and ``report.html``);
4. each ``.part`` file is appended to its file and removed.

The files are byte for byte those of grading in one part (tested); with
feedback PDFs (which need every student's marks and texts in one process)
or without fork, the class is one part and the same steps run without the
first worker. An exception in a worker is raised here, and write_build
then removes every file written (see ``parallel.process_pool``).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from ..parallel import ForkedWriters, process_pool, uses_fork
from .analysis import analyse
from .gradebook import ClassGrades, GradeResult
from .manifest import PaperRecord
from .scoring import GradedPart, GradingInputs, class_grades, grade_part
from .writers import StudentRowsCsvWriter, class_writers, student_writers

#: The suffix of a later part's rows, appended to the file of the first part.
PART_SUFFIX = ".part"


def students_result(inputs: GradingInputs, part: GradedPart) -> GradeResult:
    """A :class:`GradeResult` of ``part``'s students, what the per-student writers read."""
    return GradeResult(inputs.manifest.exam_title, inputs.manifest_path, inputs.responses_path, inputs.numbers,
                       part.students)


class _PartRows:
    """A per-student writer bound to one part: its file with the header (the first part), or a
    ``.part`` file of rows to append (a later part)."""

    def __init__(self, writer: StudentRowsCsvWriter, result: GradeResult, first: bool) -> None:
        self.writer, self.result, self.first = writer, result, first

    def write(self, _grades: object, out: Path) -> list[Path]:
        name = self.writer.filename + ("" if self.first else PART_SUFFIX)
        return [self.writer.write_part(self.result, out / name, header=self.first)]


# What the grading worker inherits (set before the fork) and keeps between its two tasks.
_INHERITED: tuple[GradingInputs, Sequence[PaperRecord]] | None = None
_GRADED: GradedPart | None = None


def _inherit(inputs: GradingInputs, papers: Sequence[PaperRecord]) -> None:
    global _INHERITED
    _INHERITED = (inputs, papers)


def _grade_inherited() -> GradedPart:
    """In the worker: grade its papers; sent back without the students (they stay for its rows)."""
    global _GRADED
    assert _INHERITED is not None
    inputs, papers = _INHERITED
    _GRADED = grade_part(inputs, papers)
    return dataclasses.replace(_GRADED, students=())


def _write_inherited_rows(out: str) -> list[str]:
    """In the worker, after :func:`_grade_inherited`: its students' rows, as ``.part`` files."""
    assert _INHERITED is not None and _GRADED is not None
    result = students_result(_INHERITED[0], _GRADED)
    return [str(p) for w in student_writers() for p in _PartRows(w, result, first=False).write(None, Path(out))]


def _append(part: Path) -> Path:
    """Append the ``.part`` file to its file (same name without the suffix), remove it; the file's path."""
    whole = part.with_name(part.name.removesuffix(PART_SUFFIX))
    with part.open("rb") as src, whole.open("ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    part.unlink()
    return whole


class GradingRun:
    """Grades ``inputs`` (given to ``write``) and writes every file of ``variantex grade`` into ``out``.

    ``feedback``: also typeset ``feedback/<student_id>.pdf`` (``progress(done,
    total)`` as each batch is done). ``parts``: 2 or 1 (default: 2 when
    processes can be forked and there are no feedback PDFs). After ``write``,
    ``grades`` is the :class:`gradebook.ClassGrades` (problems, counts).
    """

    def __init__(self, feedback: bool = False, progress: Callable[[int, int], None] | None = None,
                 parts: int | None = None) -> None:
        if parts not in (None, 1, 2):
            raise ValueError(f"parts must be 1 or 2, not {parts}")
        self.feedback, self.progress = feedback, progress
        self.parts = parts if parts is not None else (1 if feedback or not uses_fork() else 2)
        self.grades: ClassGrades | None = None

    def write(self, inputs: GradingInputs, out: Path) -> list[Path]:
        papers = inputs.manifest.papers
        if self.parts == 1 or len(papers) < 2:
            part = grade_part(inputs, papers)
            written = self._write_class(inputs, [part], out)
            if self.feedback:
                from .feedback import FeedbackPdfWriter

                g = self.grades
                result = GradeResult(g.exam_title, g.manifest_path, g.responses_path, g.numbers, part.students,
                                     g.problems, g.overrides, g.table)
                written += FeedbackPdfWriter(progress=self.progress).write(result, out)
            return written
        half = (len(papers) + 1) // 2
        with process_pool(1, _inherit, (inputs, papers[half:])) as pool:
            theirs = pool.submit(_grade_inherited)
            their_rows = pool.submit(_write_inherited_rows, str(out))  # runs as soon as the grading is done
            mine = grade_part(inputs, papers[:half])
            written = self._write_class(inputs, [mine, theirs.result()], out)
            parts = [Path(p) for p in their_rows.result()]
        for p in parts:
            _append(p)
        return written

    def _write_class(self, inputs: GradingInputs, parts: list[GradedPart], out: Path) -> list[Path]:
        """Join ``parts`` (the first with its students) into :attr:`grades`, then write the first part's
        rows here while a forked worker writes the class files."""
        self.grades = class_grades(inputs, parts)
        mine = students_result(inputs, parts[0])
        return ForkedWriters(local=[_PartRows(w, mine, first=True) for w in student_writers()],
                             forked=class_writers(), prepare=analyse).write(self.grades, out)
