"""Benchmark: scanning accuracy on a distorted set, and the time to scan 500 pages.

Usage: python bench/bench_scan.py [PAGES]      (default: 500)

Builds the sample exam (``examples/dl-midsem.yaml``) with answer sheets for
as many students as PAGES needs (3 pages each), then simulates the class
with ``tests/scan/simulate.py``: messy marks (filled ellipses of varied
darkness and size, ticks, crosses, half-filled bubbles, erasure smudges,
stray strokes) on pages rendered at 150, 200 or 300 dpi, each distorted
(rotation ±10°, a fifth upside down, perspective skew up to 2 %, scale
0.85-1.1, blur, noise, JPEG quality 30 for half, a folded corner hiding
one marker for 15 %). The pages are written as JPEG images inside PDFs
(quality 75, 50 pages per file, as a scanner's batches), shuffled.

Reports:

- ``scan wall``: seconds of ``variantex scan`` over all the PDFs (2 worker
  processes: rasterising, marker detection, QR, bubbles, report, review);
- accuracy: items (answer cells) read as meant, flagged ``unreadable``,
  and read wrong without a flag; an item with a half-filled bubble counts as
  right when it is flagged or read as meant.

The machine is shared, so timings are noisy: run it more than once.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import yaml
from click.testing import CliRunner
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "scan"))

from simulate import (
    Truth,
    compare,
    distort,
    draw_answers,
    fill_page,
    random_distortion,
    render_page,
)

from generator.cli import main

SPEC = ROOT / "examples" / "dl-midsem.yaml"


def run(pages: int) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        students = -(-pages // 3)
        build = tmp / "exam"
        started = time.perf_counter()
        r = runner.invoke(main, ["build", str(SPEC), "--n", str(students), "--no-pdf", "--sheets", "--out",
                                 str(build)])
        assert r.exit_code == 0, r.output
        print(f"build --sheets for {students} students: {time.perf_counter() - started:.1f} s")
        layout = json.loads((build / "sheets" / "layout.json").read_text(encoding="utf-8"))
        rng = np.random.default_rng(2026)
        truth: dict[tuple[str, str], str] = {}
        ambiguous: set[tuple[str, str]] = set()
        images = []
        started = time.perf_counter()
        for sheet in layout["sheets"]:
            for page in sheet["pages"]:
                if len(images) == pages:
                    break
                dpi = float(rng.choice([150, 200, 300]))
                img = render_page(str(build / "sheets" / f"{sheet['student_id']}.pdf"), page["page"] - 1, dpi)
                t = fill_page(img, page, draw_answers(page, rng), rng, dpi, "messy")
                for col, text in t.cells.items():
                    truth[sheet["student_id"], col] = text
                ambiguous |= {(sheet["student_id"], c) for c in t.ambiguous}
                scanned = distort(img, rng, **random_distortion(rng))
                images.append(cv2.imencode(".jpg", scanned, [cv2.IMWRITE_JPEG_QUALITY, 75])[1].tobytes())
        print(f"simulated {len(images)} pages in {time.perf_counter() - started:.1f} s")
        scans = tmp / "scans"
        scans.mkdir()
        order = rng.permutation(len(images))
        for k in range(0, len(order), 50):
            pil = [Image.open(io.BytesIO(images[i])) for i in order[k:k + 50]]
            pil[0].save(scans / f"batch{k // 50:03d}.pdf", save_all=True, append_images=pil[1:], resolution=200,
                        quality=75)
        del images
        out = tmp / "scan"
        started = time.perf_counter()
        r = runner.invoke(main, ["scan", str(build), str(scans), "--out", str(out)])
        wall = time.perf_counter() - started
        assert r.exit_code == 0, r.output
        print(r.output.strip())
        print(f"scan wall: {wall:.1f} s for {pages} pages ({wall / pages * 1000:.0f} ms per page)")
        read: dict[tuple[str, str], str | None] = {}
        for row in csv.DictReader((out / "responses.csv").open(encoding="utf-8")):
            read.update(((row["student_id"], c), v) for c, v in row.items())
        for rule in (yaml.safe_load((out / "hand_marks.yaml").read_text()) or {}).get("override", []):
            read[rule["student_id"], rule["question"]] = f"{rule['points']:g}"
        for row in csv.DictReader((out / "student_numbers.csv").open(encoding="utf-8")):
            read[row["student_id"], "student_number"] = row["student_number"]
        for row in csv.DictReader((out / "corrections_template.csv").open(encoding="utf-8")):
            read[row["student_id"], row["column"]] = None
        # a key with no reading is blank: a blank hand mark makes no rule
        right, flagged, wrong, bad = compare(Truth(truth, ambiguous), read, missing="")
        total = right + flagged + wrong
        print(f"items: {total}; right {right} ({100 * right / total:.2f} %), flagged {flagged} "
              f"({100 * flagged / total:.2f} %), wrong unflagged {wrong}")
        for b in bad[:20]:
            print("  " + b)


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
