"""Feedback PDFs: ``feedback/<student_id>.pdf``, each student's graded paper with the worked solutions.

For each student with a row in the responses: a header (exam title, name,
student id, paper id, total of max points and percent), then per question
its text (stem, figure, part prompts, options with the ones ticked), the
student's response, the correct answer (key text), points of max points and
status (with the note of an override or an unreadable cell), the model
answer of an essay, and the worked solution. Everything comes from the
:class:`gradebook.GradeResult` (whose questions carry the manifest's record),
never from the bank.

Typeset like the build's papers: ``templates/feedback.tex.j2`` renders a
batch of students into one document, :func:`latex.compile_batch` compiles it
and checks the page record of every student in its ``.aux``, and
:func:`latex.split_pdf` cuts it per student; batches run in the build's
worker processes (:func:`parallel.process_pool`).

Responses, notes and names are untrusted plain text (:func:`safe_text`):
escaped for LaTeX, characters no font draws shown by their code point, long
words given break points, very long responses cut; so no response can run
TeX code or stop a batch. A student with no row gets no feedback PDF: there
is nothing to give feedback on (``problems.csv`` lists them).
"""

from __future__ import annotations

import math
import os
import shutil
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import fonts
from ..latex import compile_batch, split_pdf
from ..parallel import process_pool
from ..resources import TEMPLATES
from ..texenv import breaks_anywhere, escape_tex, make_environment
from .gradebook import CellMark, GradeResult, QuestionMark, StudentGrades
from .manifest import AnswerRecord, QuestionText
from .scoring import fmt

#: Characters of one response shown at most; the rest is summarised (TeX's memory is finite).
MAX_SHOWN_CHARS = 5000
#: A word longer than this (that cannot break by itself) gets break points ...
LONG_WORD = 24
#: ... every this many characters.
WORD_CHUNK = 12

#: Students in a batch at least (unless there are fewer): pdflatex takes about a second to start.
MIN_BATCH = 8

#: How a status reads in the feedback.
STATUS_WORDS = {"correct": "correct", "partial": "partly correct", "wrong": "wrong", "blank": "no answer",
                "unreadable": "could not be read", "manual": "hand-marked"}


def _drawable(text: str) -> str:
    """``text`` escaped (:func:`texenv.escape_tex`), each character no font draws as ``\\vxmissing{U+XXXX}``,
    ``^`` as a caret."""
    out, run = [], []
    for c in text:
        if fonts.drawable(c):
            run.append(c)
            continue
        out.append(escape_tex("".join(run)))
        run = []
        out.append(rf"\vxmissing{{U+{ord(c):04X}}}")
    out.append(escape_tex("".join(run)))
    # escape_tex writes ^ as the circumflex accent \^{}; a response's ^ is a caret
    return "".join(out).replace(r"\^{}", r"\textasciicircum{}")


def _word(word: str) -> str:
    """One word; a long one (unless all CJK, which breaks anywhere by itself) with break points."""
    if len(word) <= LONG_WORD or all(breaks_anywhere(c) for c in word):
        return _drawable(word)
    return r"\allowbreak{}".join(_drawable(word[k:k + WORD_CHUNK]) for k in range(0, len(word), WORD_CHUNK))


def safe_text(text: Any, newlines: bool = False) -> str:
    """Untrusted plain text (a response, note or name) as LaTeX body text that can only print it.

    NFC-normalised; white space folded to single spaces (line breaks kept as
    ``\\newline`` when ``newlines``, blank lines dropped); LaTeX's special
    characters escaped and Cyrillic, Greek and CJK runs switched to their
    fonts (:func:`texenv.escape_tex`); a character that no font of the
    template draws (:func:`fonts.drawable`: emoji, control characters, Arabic
    …) shown as ``[U+1F600]`` (``\\vxmissing``), so ``\\tracinglostchars=3``
    never stops the batch; words longer than :data:`LONG_WORD` characters
    given a break point every :data:`WORD_CHUNK`; text beyond
    :data:`MAX_SHOWN_CHARS` characters replaced by a note of how many were left out.
    """
    t = unicodedata.normalize("NFC", str(text))
    cut = len(t) - MAX_SHOWN_CHARS
    if cut > 0:
        t = t[:MAX_SHOWN_CHARS]
    lines = [" ".join(_word(w) for w in line.split()) for line in (t.splitlines() if newlines else [t])]
    body = r"\newline ".join(line for line in lines if line)
    if cut > 0:
        body += rf" \emph{{[{cut} more characters not shown]}}"
    return body


def answer_of(question: QuestionMark, cell: CellMark) -> AnswerRecord | None:
    """The manifest's answer of one cell: the question's answer, or its part's for a multi-part cell."""
    answer = question.record.answer
    if cell.label:
        return next((p for p in answer.parts if p.label == cell.label), None)
    return answer


_ENV = make_environment(TEMPLATES)
_ENV.filters.update(text=safe_text, points=fmt, status=lambda s: STATUS_WORDS.get(s, s))


def render_feedback(title: str, students: list[StudentGrades], first_index: int = 1) -> str:
    """The LaTeX source of one batch of feedback (see ``templates/feedback.tex.j2``).

    Student ``k`` (0-based) gets index ``first_index + k`` in the ``.aux`` page
    records and is preceded by a ``%% vx-paper: STUDENT_ID`` line, each question
    by ``%% vx-question: QUESTION_ID seed=N`` (so LaTeX errors name them).
    """
    return _ENV.get_template("feedback.tex.j2").render(title=title, students=students, first_index=first_index,
                                                       answer_of=answer_of)


@dataclass(frozen=True)
class _Job:
    """One batch: the students, their first index, the source file, and each student's PDF (index -> path)."""

    title: str
    students: tuple[StudentGrades, ...]
    first_index: int
    tex: Path
    names: dict[int, Path]


def _typeset(job: _Job) -> dict[str, float]:
    """Render, compile and split one batch (runs in a worker process); return its phase seconds."""
    t0 = time.perf_counter()
    job.tex.write_text(render_feedback(job.title, list(job.students), job.first_index), encoding="utf-8")
    t1 = time.perf_counter()
    batch = compile_batch(job.tex, job.first_index, len(job.students))
    t2 = time.perf_counter()
    split_pdf(batch.pdf, batch.ranges, job.names)
    return {"render": t1 - t0, **batch.seconds, "split": time.perf_counter() - t2}


class FeedbackPdfWriter:
    """``feedback/<student_id>.pdf`` for every student with a row in the responses (see the module docstring).

    Students are typeset in batches, one pdflatex document each: a quarter
    of the students, but at least :data:`MIN_BATCH` and at most
    ``batch_size``. The batches depend only on the students, never on the
    number of CPUs, so the same inputs give the same bytes on any machine
    (a student's PDF embeds the font subsets of the whole batch). They are
    typeset by ``workers`` processes (default: the number of CPUs). The
    sources are typeset in ``_latex/`` of the output folder and removed
    after; on a LaTeX error (:class:`errors.LatexError`, naming the student
    and question) they stay there, which ``output.write_build`` keeps as
    ``<out>.latex-error/``. ``progress(done, total)`` is called as each
    batch is typeset and split. After :meth:`write`, ``timings`` holds the
    seconds summed over batches of ``render``, ``pdflatex`` and ``split``,
    and the ``wall`` seconds of the whole write.
    """

    filename = "feedback"

    def __init__(self, batch_size: int = 50, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.timings: dict[str, float] = {}

    def write(self, result: GradeResult, out: Path) -> list[Path]:
        """Write the feedback PDFs below ``out`` and return their paths, in the manifest's student order."""
        started = time.perf_counter()
        students = [s for s in result.students if s.present]
        if any(not isinstance(q.record, QuestionText) for s in students[:1] for q in s.questions):
            raise ValueError("feedback PDFs print each question's text: grade with texts=True")
        folder = out / self.filename
        folder.mkdir(parents=True, exist_ok=True)
        if not students:
            self.timings = {"wall": time.perf_counter() - started}
            return []
        work = out / "_latex"
        work.mkdir()
        size = min(self.batch_size, max(MIN_BATCH, math.ceil(len(students) / 4)))
        jobs = []
        for number, start in enumerate(range(0, len(students), size), 1):
            batch = tuple(students[start:start + size])
            names = {start + 1 + k: folder / f"{s.student_id}.pdf" for k, s in enumerate(batch)}
            jobs.append(_Job(result.exam_title, batch, start + 1, work / f"feedback-{number:03d}.tex", names))
        _drawable("\u00e9\u0416\u03b1\u674e")  # read the fonts' coverage once, before the workers fork
        timings = {"render": 0.0, "pdflatex": 0.0, "split": 0.0}
        with process_pool(min(self.workers, len(jobs))) as pool:
            for done, future in enumerate(as_completed([pool.submit(_typeset, job) for job in jobs]), 1):
                for phase, seconds in future.result().items():
                    timings[phase] += seconds
                if self.progress:
                    self.progress(done, len(jobs))
        shutil.rmtree(work)
        self.timings = {**timings, "wall": time.perf_counter() - started}
        return [folder / f"{s.student_id}.pdf" for s in students]
