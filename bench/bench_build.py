"""Benchmark: wall time and peak memory of building the sample exam for 30 and 500 students.

Usage: python bench/bench_build.py [N ...]   (default: 30 500)

Reports, per class size, the time to draw and verify the variants, the time
to write everything (LaTeX, pdflatex, splitting, CSV key, manifest), the
total, and the peak resident memory of this process and of its pdflatex
children. Outputs go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from generator.bank import BUILTIN_BANK, load_bank
from generator.build import build
from generator.output import write_build
from generator.roster import Roster, Student
from generator.spec import load_spec
from generator.writers import default_writers

SPEC = Path(__file__).resolve().parent.parent / "examples" / "dl-midsem.yaml"


def roster(n: int) -> Roster:
    return Roster(tuple(Student(f"S{i:05d}", f"Student Number {i}") for i in range(1, n + 1)))


def bench(n: int) -> dict[str, float]:
    loaded = load_spec(SPEC)
    bank = load_bank(BUILTIN_BANK)
    t0 = time.perf_counter()
    result = build(loaded, roster(n), bank)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_build(result, Path(tmp) / "out", default_writers())
        pages = sum(1 for _ in (Path(tmp) / "out" / "papers").glob("*.pdf"))
    t2 = time.perf_counter()
    assert pages == n
    return {"students": n, "questions_per_paper": len(result.papers[0].items), "variants_s": t1 - t0,
            "write_s": t2 - t1, "total_s": t2 - t0}


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [30, 500]
    print(f"{'students':>8} {'q/paper':>7} {'variants s':>10} {'write s':>8} {'total s':>8}")
    for n in sizes:
        r = bench(n)
        print(f"{r['students']:>8} {r['questions_per_paper']:>7} {r['variants_s']:>10.2f} {r['write_s']:>8.2f} "
              f"{r['total_s']:>8.2f}")
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {self_mb:.0f} MiB, largest pdflatex child {child_mb:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
