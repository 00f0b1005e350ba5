"""PDF papers and keys: ``papers/``, ``keys/``, ``print/`` and the LaTeX sources in ``tex/``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildResult
from ..latex import compile_tex, concatenate, page_ranges, render_batch, split_pdf

KINDS = ("papers", "keys")


@dataclass(frozen=True)
class _Job:
    """One batch: its LaTeX source and where each of its papers goes (paper index -> PDF path)."""

    kind: str
    tex: Path
    names: dict[int, Path]


def _typeset(job: _Job) -> Path:
    """Compile one batch and split it per student (runs in a worker process)."""
    pdf = compile_tex(job.tex)
    split_pdf(pdf, page_ranges(job.tex.with_suffix(".aux")), job.names)
    return pdf


def _concatenate(args: tuple[list[Path], Path]) -> Path:
    concatenate(*args)
    return args[1]


class PdfPapersWriter:
    """Typeset papers and keys in batches, split them per student, and join them for printing.

    ``batch_size`` papers go into one pdflatex document; batches (papers and
    keys alike) compile in parallel on ``workers`` processes (default: the
    number of CPUs). Writes ``papers/<student_id>.pdf``,
    ``keys/<student_id>.pdf``, ``print/papers.pdf`` and ``print/keys.pdf``
    (each paper starting on an odd page, for duplex printing) and the
    sources ``tex/<kind>-NNN.tex``. pdflatex's auxiliary files are removed.
    Raises :class:`errors.LatexError` naming the paper, question and line; the
    failing sources stay in ``_latex/`` of the output folder being built.
    ``progress(done, total)`` is called as each batch is typeset and split.
    """

    def __init__(self, batch_size: int = 100, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        papers = result.papers
        work = out / "_latex"
        for d in ("tex", *KINDS, "print"):
            (out / d).mkdir(parents=True, exist_ok=True)
        work.mkdir()
        jobs: list[_Job] = []
        for kind in KINDS:
            for number, start in enumerate(range(0, len(papers), self.batch_size), 1):
                tex = work / f"{kind}-{number:03d}.tex"
                batch = papers[start:start + self.batch_size]
                tex.write_text(render_batch(batch, result.spec.spec.header, kind == "keys", start + 1),
                               encoding="utf-8")
                names = {start + 1 + k: out / kind / f"{p.student.student_id}.pdf" for k, p in enumerate(batch)}
                jobs.append(_Job(kind, tex, names))
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs))) as pool:
            futures = {pool.submit(_typeset, job): i for i, job in enumerate(jobs)}
            for done, future in enumerate(as_completed(futures), 1):
                future.result()
                if self.progress:
                    self.progress(done, len(jobs))
            pdfs = [f.result() for f in sorted(futures, key=futures.get)]
            prints = [([pdf for job, pdf in zip(jobs, pdfs) if job.kind == kind], out / "print" / f"{kind}.pdf")
                      for kind in KINDS]
            written = list(pool.map(_concatenate, prints))
        for job in jobs:
            shutil.copyfile(job.tex, out / "tex" / job.tex.name)
            written += [out / "tex" / job.tex.name, *job.names.values()]
        shutil.rmtree(work)
        return written
