"""PDF papers and keys: ``papers/``, ``keys/``, ``print/`` and the LaTeX sources in ``tex/``."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildResult, Paper
from ..latex import concatenate, split_pdf, typeset_batch
from ..parallel import process_pool
from ..spec import Header

KINDS = ("papers", "keys")
#: The phases a :class:`PdfPapersWriter` times, in order.
PHASES = ("render", "pdflatex", "split", "join")


@dataclass(frozen=True)
class _Job:
    """One batch: its papers, its source file, and where each paper's PDF goes (paper index -> path)."""

    kind: str
    papers: tuple[Paper, ...]
    header: Header
    first_index: int
    tex: Path
    names: dict[int, Path]


def _typeset(job: _Job) -> dict[str, float]:
    """Render, compile and split one batch (runs in a worker process); return its phase seconds."""
    batch = typeset_batch(job.papers, job.header, job.kind == "keys", job.tex, job.first_index)
    started = time.perf_counter()
    split_pdf(batch.pdf, batch.ranges, job.names)
    return {**batch.seconds, "split": time.perf_counter() - started}


def _join(pdfs: list[Path], out: Path) -> dict[str, float]:
    """Join the batch PDFs of one kind into its print file (runs in a worker process)."""
    started = time.perf_counter()
    concatenate(pdfs, out)
    return {"join": time.perf_counter() - started}


class PdfPapersWriter:
    """Typeset papers and keys in batches, split them per student, and join them for printing.

    ``batch_size`` papers go into one pdflatex document. Each batch is
    rendered, compiled and split in a worker process (``workers`` of them,
    default: the number of CPUs), keys first (they take longest); as soon as
    every batch of one kind is done, a worker joins them into its print file
    while the others go on typesetting. No process ever holds more than one
    batch's PDF, so memory does not grow with the number of students.

    Writes ``papers/<student_id>.pdf``, ``keys/<student_id>.pdf``,
    ``print/papers.pdf`` and ``print/keys.pdf`` (each paper starting on an
    odd page, for duplex printing) and the sources ``tex/<kind>-NNN.tex``;
    pdflatex's other files are removed. Raises :class:`errors.LatexError`
    naming the paper, question and line; the failing sources stay in
    ``_latex/`` of the output folder being built. On any error or
    ``KeyboardInterrupt`` the workers and their pdflatex processes are
    stopped before the exception propagates.

    ``progress(done, total)`` is called as each batch is typeset and split
    and as each print file is joined. After :meth:`write`, ``timings`` maps
    each of :data:`PHASES` to the seconds the workers spent in it, summed
    over batches (CPU-side time: on 2 workers it can be up to twice the
    wall time), and ``wall`` to the wall seconds of the whole write.
    """

    def __init__(self, batch_size: int = 100, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.timings: dict[str, float] = {}

    def _jobs(self, result: BuildResult, out: Path, work: Path) -> list[_Job]:
        papers = result.papers
        header = result.spec.spec.header
        jobs = []
        for kind in reversed(KINDS):  # keys first: they take longest
            for number, start in enumerate(range(0, len(papers), self.batch_size), 1):
                batch = papers[start:start + self.batch_size]
                names = {start + 1 + k: out / kind / f"{p.student.student_id}.pdf" for k, p in enumerate(batch)}
                jobs.append(_Job(kind, batch, header, start + 1, work / f"{kind}-{number:03d}.tex", names))
        return jobs

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        """Write the PDFs and sources below ``out``; return their paths (see the class docstring)."""
        started = time.perf_counter()
        work = out / "_latex"
        for d in ("tex", *KINDS, "print"):
            (out / d).mkdir(parents=True, exist_ok=True)
        work.mkdir()
        jobs = self._jobs(result, out, work)
        timings = dict.fromkeys(PHASES, 0.0)
        total = len(jobs) + len(KINDS)
        left = Counter(job.kind for job in jobs)
        with process_pool(min(self.workers, len(jobs))) as pool:
            batches: dict[Future, _Job] = {pool.submit(_typeset, job): job for job in jobs}
            joins: list[Future] = []
            for done, future in enumerate(as_completed(batches), 1):
                for phase, seconds in future.result().items():
                    timings[phase] += seconds
                kind = batches[future].kind
                left[kind] -= 1
                if not left[kind]:
                    pdfs = [job.tex.with_suffix(".pdf") for job in jobs if job.kind == kind]
                    joins.append(pool.submit(_join, sorted(pdfs), out / "print" / f"{kind}.pdf"))
                if self.progress:
                    self.progress(done, total)
            for done, future in enumerate(as_completed(joins), len(jobs) + 1):
                timings["join"] += future.result()["join"]
                if self.progress:
                    self.progress(done, total)
        written = [out / "print" / f"{kind}.pdf" for kind in KINDS]
        for job in sorted(jobs, key=lambda j: j.tex.name):
            os.replace(job.tex, out / "tex" / job.tex.name)
            written += [out / "tex" / job.tex.name, *job.names.values()]
        shutil.rmtree(work)
        self.timings = {**timings, "wall": time.perf_counter() - started}
        return written
