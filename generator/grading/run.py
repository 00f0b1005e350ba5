"""``variantex grade`` as one writer for ``output.write_build``: read the inputs, grade, write every file.

Without feedback PDFs, where processes can be forked, the class is graded
in two parts, on two cores (bench/bench_grade.py: 3,000 students x 40
questions). The papers are split in two parts in manifest order, at the middle of
the manifest's papers (:func:`manifest.own_papers`):

1. a forked worker reads the inputs itself and grades the second part while
   this process reads them and grades the first (each decodes its own part
   of the manifest in full and only the shape of the other: a worker
   that inherited this process's records made both processes copy every
   page they touched, and graded a quarter slower); what the worker sends
   back is plain values: the part's problems, accept-rule counts and
   :class:`item_analysis.MarkTable`;
2. the worker then writes its students' rows of ``responses_graded.csv``,
   ``scores.csv`` and ``moodle_grades.csv`` to ``.part`` files; this process,
   if it is done first, imports what the report draws with and then writes
   its own students' rows, a few at a time, until the worker's part comes
   (:func:`report.warm_up`, :meth:`GradingRun._rows_while_waiting`), then
   joins the two parts into the :class:`gradebook.ClassGrades`;
3. this process writes the rest of its students' rows (with the header if
   none are written yet) while a second forked worker computes the class
   analysis and writes the class files (``problems.csv``, ``overrides.csv``,
   the analysis CSVs and ``report.html``), so that nothing stands between the
   join and the fork (the analysis there took 0.2 s of the critical path);
4. each ``.part`` file is appended to its file and removed.

Both processes check that the input files are unchanged (inode, size,
modification time) since before the fork, so both read the same inputs. The
files are byte for byte those of grading in one part (tested); with
feedback PDFs (which need every student's marks and texts in one process)
or without fork, the class is one part and the same steps run without the
first worker. An exception in a worker is raised here, and write_build
then removes every file written (see ``parallel.process_pool``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import VariantexError
from ..parallel import ForkedWriters, process_pool, uses_fork
from . import report
from .gradebook import ClassGrades, GradeResult
from .manifest import own_papers
from .scoring import GradedPart, GradingInputs, class_grades, grade_part, read_inputs
from .writers import StudentRowsCsvWriter, class_writers, student_writers

#: The suffix of a later part's rows, appended to the file of the first part.
PART_SUFFIX = ".part"


class GradingSources(NamedTuple):
    """The files ``variantex grade`` reads: the build's ``manifest.json``, the responses CSV and the
    optional regrade rules YAML."""

    manifest_path: Path
    responses_path: Path
    rules_path: Path | None = None

    def fingerprint(self) -> tuple[tuple[int, int, int] | None, ...]:
        """(inode, size, modification time in ns) of each file, None for one that cannot be read (reading
        it then says why): equal fingerprints, same contents."""
        out: list[tuple[int, int, int] | None] = []
        for p in self:
            if p is not None:
                try:
                    st = os.stat(p)
                except OSError:
                    out.append(None)
                else:
                    out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(out)


def _read_unchanged(sources: GradingSources, fingerprint: tuple, part: int) -> GradingInputs:
    """:func:`scoring.read_inputs` for ``part`` of the class, then a check that the files are still those
    of ``fingerprint``."""
    inputs = read_inputs(*sources, part=part)
    if sources.fingerprint() != fingerprint:
        raise VariantexError(f"{sources.manifest_path}, {sources.responses_path} or the rules changed while "
                             "they were graded; nothing was written: grade again")
    return inputs


def students_result(inputs: GradingInputs, part: GradedPart) -> GradeResult:
    """A :class:`GradeResult` of ``part``'s students, what the per-student writers read."""
    return GradeResult(inputs.manifest.exam_title, inputs.manifest_path, inputs.responses_path, inputs.numbers,
                       part.students)


class _PartRows:
    """A per-student writer bound to one part: its file with the header (the first part), or a
    ``.part`` file of rows to append (a later part); from its student ``start`` on (the first part's
    rows of the students before it are in the file already, see :meth:`GradingRun._rows_while_waiting`)."""

    def __init__(self, writer: StudentRowsCsvWriter, result: GradeResult, first: bool, start: int = 0) -> None:
        self.writer, self.result, self.first, self.start = writer, result, first, start

    def write(self, _grades: object, out: Path) -> list[Path]:
        name = self.writer.filename + ("" if self.first else PART_SUFFIX)
        result = dataclasses.replace(self.result, students=self.result.students[self.start:])
        return [self.writer.write_part(result, out / name, header=self.first and not self.start,
                                       append=bool(self.start))]


#: Students whose rows are written at a time while the grading worker is awaited (3,000 students: 0.4 s).
WAITING_ROWS = 100


# What the grading worker inherits (set before the fork), and what it keeps between its two tasks.
_SOURCES: tuple[GradingSources, tuple] | None = None
_GRADED: tuple[GradingInputs, GradedPart] | None = None


def _inherit(sources: GradingSources, fingerprint: tuple) -> None:
    global _SOURCES
    _SOURCES = (sources, fingerprint)


def _grade_second_part() -> GradedPart:
    """In the worker: read the inputs, grade the second part of the papers; the part is sent back without
    its students (they stay here for their rows)."""
    global _GRADED
    assert _SOURCES is not None
    inputs = _read_unchanged(*_SOURCES, part=1)
    part = grade_part(inputs, own_papers(inputs.manifest.papers, 1))
    _GRADED = (inputs, part)
    return dataclasses.replace(part, students=())


def _write_second_part_rows(out: str) -> list[str]:
    """In the worker, after :func:`_grade_second_part`: its students' rows, as ``.part`` files."""
    assert _GRADED is not None
    result = students_result(*_GRADED)
    return [str(p) for w in student_writers() for p in _PartRows(w, result, first=False).write(None, Path(out))]


def _append(part: Path) -> Path:
    """Append the ``.part`` file to its file (same name without the suffix), remove it; the file's path."""
    whole = part.with_name(part.name.removesuffix(PART_SUFFIX))
    with part.open("rb") as src, whole.open("ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    part.unlink()
    return whole


class GradingRun:
    """Reads the :class:`GradingSources` given to ``write``, grades them and writes every file of
    ``variantex grade`` into ``out``.

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
        # What was read and graded here, kept: freeing a 3,000-student class's millions of objects when
        # write returned took 0.4 s, and the console script ends the process without that teardown.
        self.kept: tuple = ()

    def write(self, sources: GradingSources, out: Path) -> list[Path]:
        if self.parts == 1:
            inputs = read_inputs(*sources, texts=self.feedback)
            part = grade_part(inputs, inputs.manifest.papers)
            self.kept = (inputs, part)
            written = self._write_class(inputs, [part], out)
            if self.feedback:
                from .feedback import FeedbackPdfWriter

                g = self.grades
                result = GradeResult(g.exam_title, g.manifest_path, g.responses_path, g.numbers, part.students,
                                     g.problems, g.overrides, g.table)
                written += FeedbackPdfWriter(progress=self.progress).write(result, out)
            return written
        fingerprint = sources.fingerprint()
        with process_pool(1, _inherit, (sources, fingerprint)) as pool:
            theirs = pool.submit(_grade_second_part)
            their_rows = pool.submit(_write_second_part_rows, str(out))  # runs as soon as the grading is done
            inputs = _read_unchanged(sources, fingerprint, part=0)
            mine = grade_part(inputs, own_papers(inputs.manifest.papers, 0))
            self.kept = (inputs, mine)
            # While the worker still grades: import what the report draws with, then write rows.
            report.warm_up(stop=theirs.done)
            start = self._rows_while_waiting(students_result(inputs, mine), out, stop=theirs.done)
            written = self._write_class(inputs, [mine, theirs.result()], out, start)
            parts = [Path(p) for p in their_rows.result()]
        for p in parts:
            _append(p)
        return written

    def _write_class(self, inputs: GradingInputs, parts: list[GradedPart], out: Path, start: int = 0) -> list[Path]:
        """Join ``parts`` (the first with its students) into :attr:`grades`, then write the first part's
        rows (from its student ``start`` on) here while a forked worker analyses the class and writes the
        class files."""
        self.grades = class_grades(inputs, parts)
        mine = students_result(inputs, parts[0])
        return ForkedWriters(local=[_PartRows(w, mine, first=True, start=start) for w in student_writers()],
                             forked=class_writers()).write(self.grades, out)

    @staticmethod
    def _rows_while_waiting(result: GradeResult, out: Path, stop: Callable[[], bool]) -> int:
        """Write the first part's rows, :data:`WAITING_ROWS` students at a time, until ``stop()`` is true
        (the worker has graded its part) or all are written; how many students' rows were written. The
        files are closed between the pieces, so the process forked afterwards inherits no buffered rows."""
        start = 0
        while start < len(result.students) and not stop():
            piece = dataclasses.replace(result, students=result.students[:start + WAITING_ROWS])
            for w in student_writers():
                _PartRows(w, piece, first=True, start=start).write(None, out)
            start = len(piece.students)
        return start
