"""Benchmark: every phase of building the sample exam for 50, 500 and 3,000 students, and the floor.

Usage: python bench/bench_build.py [N ...]      (default: 50 500 3000)

Each class size runs in a fresh Python process (so peak memory is its own),
building ``examples/dl-midsem.yaml`` for N named students into a temporary
folder that is removed afterwards, and reports:

- ``draw``: wall seconds of ``build()``: picking, drawing and verifying every
  variant (in worker processes from 40 students on);
- ``render``, ``pdflatex``, ``split``, ``join``: seconds the PDF writer's
  workers spent in each phase, *summed over batches* (CPU-side: with 2
  workers a phase can add up to twice the wall time it takes). ``render`` is
  the LaTeX source of each batch, ``split`` writes one PDF per student with
  pikepdf, ``join`` streams the batch PDFs into ``print/papers.pdf`` and
  ``print/keys.pdf``;
- ``pdf wall``: wall seconds of the whole PDF writer (all of the above, on
  all workers, joins overlapping the last batches);
- ``csv+man``: wall seconds of the CSV key and manifest writers;
- ``total``: wall seconds of draw plus all writers (what ``variantex build``
  spends after loading spec, roster and bank);
- ``floor``: wall seconds of compiling the very same batch ``.tex`` files
  (``tex/`` of the build) with one plain pdflatex run per batch, on all CPUs,
  with no rendering, splitting or joining; ``tot/floor`` and ``pdf/floor``
  are the ratios of total and of the PDF writer's wall to it;
- ``RSS parent``: peak resident memory of the process that builds (it holds
  the ``BuildResult``); ``RSS child``: of the largest process it started (a
  worker or a pdflatex; a forked worker's RSS counts the pages it shares with
  the parent, so it follows the parent's size without using that much more
  memory); ``RSS pdflatex``: of the largest plain pdflatex run of the floor;
  all in MiB.

The machine is shared, so timings are noisy: run it more than once.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "dl-midsem.yaml"
DEFAULT_SIZES = (50, 500, 3000)
COLUMNS = ("students", "pages", "draw", "render", "pdflatex", "split", "join", "pdf wall", "csv+man", "total",
           "floor", "tot/floor", "pdf/floor", "RSS parent", "RSS child", "RSS pdflatex")


class _Timed:
    """A writer that records the wall seconds of the writer it wraps."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.seconds = 0.0

    def write(self, result, out: Path) -> list[Path]:
        started = time.perf_counter()
        try:
            return self.writer.write(result, out)
        finally:
            self.seconds += time.perf_counter() - started


def floor(tex_dir: Path) -> dict[str, float]:
    """Wall seconds of plain pdflatex runs over copies of the batch sources, on all CPUs (keys
    first), and the peak RSS of one pdflatex in MiB (run this in a process of its own)."""
    from generator.latex import compile_tex

    with tempfile.TemporaryDirectory() as tmp:
        sources = sorted(tex_dir.glob("*.tex"), key=lambda p: (not p.name.startswith("keys"), p.name))
        copies = []
        for tex in sources:
            copy = Path(tmp) / tex.name
            copy.write_bytes(tex.read_bytes())
            copies.append(copy)
        started = time.perf_counter()
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(compile_tex, copies))
        return {"floor": time.perf_counter() - started,
                "RSS pdflatex": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _run_self(*args: str) -> dict[str, float]:
    """This script with ``args`` in a fresh Python process; its last line of output, as JSON."""
    proc = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, check=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(n: int) -> dict[str, float]:
    """Build for ``n`` students in this process and return one row of the table."""
    from generator.bank import BUILTIN_BANK, load_bank
    from generator.build import build
    from generator.output import write_build
    from generator.roster import Roster, Student
    from generator.spec import load_spec
    from generator.writers.csv_key import AnswerKeyCsvWriter
    from generator.writers.manifest import ManifestWriter
    from generator.writers.pdf import PdfPapersWriter

    loaded = load_spec(SPEC)
    bank = load_bank(BUILTIN_BANK)
    roster = Roster(tuple(Student(f"S{i:05d}", f"Student Number {i}") for i in range(1, n + 1)))
    started = time.perf_counter()
    result = build(loaded, roster, bank)
    drawn = time.perf_counter()
    pdf = PdfPapersWriter()
    small = [_Timed(AnswerKeyCsvWriter()), _Timed(ManifestWriter())]
    timed_pdf = _Timed(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        write_build(result, out, [*small, timed_pdf])
        total = time.perf_counter() - started
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        assert sum(1 for _ in (out / "papers").glob("*.pdf")) == n
        import pikepdf
        with pikepdf.open(out / "print" / "papers.pdf") as a, pikepdf.open(out / "print" / "keys.pdf") as b:
            pages = len(a.pages) + len(b.pages)
        floor = _run_self("--floor", str(out / "tex"))
    return {"students": n, "pages": pages, "draw": drawn - started, **{k: pdf.timings[k] for k in
            ("render", "pdflatex", "split", "join")}, "pdf wall": timed_pdf.seconds,
            "csv+man": sum(w.seconds for w in small), "total": total, **floor,
            "tot/floor": total / floor["floor"], "pdf/floor": timed_pdf.seconds / floor["floor"],
            "RSS parent": self_mb, "RSS child": child_mb}


def _row(r: dict[str, float]) -> str:
    cells = [f"{r[c]:.0f}" if c in ("students", "pages") or c.startswith("RSS")
             else f"{r[c]:.2f}" if "/" in c else f"{r[c]:.1f}" for c in COLUMNS]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    if argv[:1] == ["--floor"]:
        print(json.dumps(floor(Path(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(DEFAULT_SIZES)
    print(f"{os.cpu_count()} CPUs; seconds (phases: summed over workers), memory in MiB")
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for n in sizes:
        print(_row(_run_self("--one", str(n))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
