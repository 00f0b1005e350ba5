"""Time `variantex export moodle` and `export qti` for the sample exam with 50 variants per slot.

Reports drawing the pool (draw + verify, shared by both exports) and rendering each
format, cold (empty pandoc cache) and warm (cache filled by the first run).
Run: .venv/bin/python bench/bench_export.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.bank import BUILTIN_BANK, load_bank
from generator.pool import pool
from generator.spec import load_spec
from generator.writers.moodle import MoodleXmlWriter
from generator.writers.qti import QtiPackageWriter

VARIANTS = 50


def main() -> None:
    os.environ["VARIANTEX_CACHE_DIR"] = tempfile.mkdtemp(prefix="vx-bench-cache-")
    loaded = load_spec(ROOT / "examples" / "dl-midsem.yaml")
    bank = load_bank(BUILTIN_BANK)
    t = time.perf_counter()
    the_pool = pool(loaded, bank, VARIANTS)
    draw = time.perf_counter() - t
    print(f"pool: {len(the_pool.slots)} slots x {VARIANTS} variants drawn and verified in {draw:.2f} s")
    for label in ("cold cache", "warm cache"):
        for name, writer in (("moodle", MoodleXmlWriter()), ("qti", QtiPackageWriter())):
            t = time.perf_counter()
            data = writer.render(the_pool)
            took = time.perf_counter() - t
            print(f"{name:6} {label}: render {took:.2f} s ({len(data) / 1e6:.1f} MB); "
                  f"with the draw {draw + took:.2f} s")


if __name__ == "__main__":
    main()
