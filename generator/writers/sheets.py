"""Answer sheets: ``sheets/<student_id>.pdf``, ``print/sheets.pdf`` and ``sheets/layout.json``."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from pathlib import Path

from ..build import BuildResult
from ..latex import concatenate
from ..parallel import process_pool
from ..sheets.layout import exam_hash, layout_document
from ..sheets.render import typeset_sheets
from ..texenv import escape_tex
from .manifest import paper_data


def sheet_title(result: BuildResult) -> str:
    """The sheet's heading (LaTeX): course code, exam title and "Answer sheet"."""
    h = result.spec.spec.header
    words = " ".join(w for w in (h.course_code, h.exam_title) if w)
    return f"{escape_tex(words)} --- Answer sheet" if words else "Answer sheet"


def build_layout(result: BuildResult) -> dict:
    """``layout.json``'s data for a build (see :mod:`sheets.layout`)."""
    spec = result.spec
    exam = exam_hash(spec.sha256, spec.spec.seed, result.bank.sha256, result.roster.sha256)
    anonymous = all(not p.student.name for p in result.papers)
    return layout_document([paper_data(p) for p in result.papers], exam, anonymous)


class SheetsWriter:
    """Typeset every student's answer sheet in batches of ``batch_size`` on ``workers`` processes.

    Writes ``sheets/<student_id>.pdf``, ``print/sheets.pdf`` (all sheets in
    roster order, no blank pages between them) and ``sheets/layout.json``
    (every bubble's centre and radius in PDF points, the scanner's geometry).
    ``progress(done, total)`` is called per batch. Raises
    :class:`errors.LatexError` as ``PdfPapersWriter`` does; a field that does
    not fit a column raises ``ValueError`` while the layout is computed.
    """

    def __init__(self, batch_size: int = 100, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.batch_size = batch_size
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.timings: dict[str, float] = {}

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        started = time.perf_counter()
        doc = build_layout(result)
        title = sheet_title(result)
        sheets_dir, work = out / "sheets", out / "_sheets_latex"
        for d in (sheets_dir, out / "print", work):
            d.mkdir(parents=True, exist_ok=True)
        layout_path = sheets_dir / "layout.json"
        layout_path.write_text(json.dumps(doc, indent=None, separators=(",", ":"), ensure_ascii=False) + "\n",
                               encoding="utf-8")
        sheets = doc["sheets"]
        jobs = []
        for number, start in enumerate(range(0, len(sheets), self.batch_size), 1):
            batch = sheets[start:start + self.batch_size]
            names = {k: sheets_dir / f"{s['student_id']}.pdf" for k, s in enumerate(batch)}
            jobs.append((batch, work / f"sheets-{number:03d}.tex", names))
        timings: dict[str, float] = {}
        with process_pool(max(1, min(self.workers, len(jobs)))) as pool:
            futures: dict[Future, Path] = {pool.submit(typeset_sheets, doc, batch, title, tex, names): tex
                                           for batch, tex, names in jobs}
            for done, future in enumerate(as_completed(futures), 1):
                for phase, seconds in future.result().items():
                    timings[phase] = timings.get(phase, 0.0) + seconds
                if self.progress:
                    self.progress(done, len(jobs))
        print_path = out / "print" / "sheets.pdf"
        concatenate([tex.with_suffix(".pdf") for _, tex, _ in jobs], print_path)
        shutil.rmtree(work)
        self.timings = {**timings, "wall": time.perf_counter() - started}
        return [layout_path, print_path, *(p for _, _, names in jobs for p in names.values())]
