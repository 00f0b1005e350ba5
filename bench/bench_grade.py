"""Time `variantex grade` for 3,000 students x 40 questions: all CSVs, summary.json and report.html.

Builds (once, --no-pdf) a 40-question exam from the built-in bank for 3,000
students, simulates their responses from answer_key.csv (each student right
with a probability set by their ability and the question's difficulty, 5 %
blank), then times:
- the whole command as a user runs it (`variantex grade ... --no-feedback`, a new process), and
- in this process, reading + scoring and each writer one after the other, to show where the time goes
  (the command runs the analysis and report writers in a second process, beside the CSV writers).
Feedback PDFs are typeset by pdflatex and timed apart (`--feedback N` times them for N students).
Target (issue 8): under 5 s for the command. Run: .venv/bin/python bench/bench_grade.py
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.bank import BUILTIN_BANK, load_bank
from generator.grading.scoring import grade
from generator.grading.writers import grade_writers

STUDENTS, QUESTIONS = 3000, 40
VARIANTEX = str(Path(sys.executable).with_name("variantex"))


def spec_text() -> str:
    """A 40-question spec: the first 40 non-essay templates of the bank by id, choice ones negatively marked."""
    bank = load_bank(BUILTIN_BANK)
    ids = [qid for qid in sorted(bank.questions) if "essay" not in qid][:QUESTIONS]
    entries = "\n".join(f"      - id: {qid}" for qid in ids)
    return f"""seed: 42
header:
  course_code: BENCH 1
  course_name: Deep Learning
  exam_title: Grading benchmark
sections:
  - title: All questions
    points: 1
    negative_marking: 0.25
    questions:
{entries}
"""


def simulate(key_csv: Path, out: Path) -> None:
    """Responses for every student in ``key_csv``: right, wrong or blank (5 %)."""
    rng = np.random.default_rng(1)
    rows: dict[str, dict[str, str]] = {}
    ability: dict[str, float] = {}
    difficulty: dict[int, float] = {}
    for r in csv.DictReader(key_csv.open(encoding="utf-8")):
        sid, n, t, k = r["student_id"], int(r["question_number"]), r["answer_type"], r["correct_answer"]
        a = ability.setdefault(sid, rng.normal())
        d = difficulty.setdefault(n, rng.uniform(-1, 1))
        row = rows.setdefault(sid, {"student_id": sid})
        right = rng.random() < 1 / (1 + np.exp(-(a - d)))
        blank = rng.random() < 0.05
        cells = re.findall(r"\((\w)\) ([^;]+?)(?:; |$)", k) if t == "multi_part" else [("", k)]
        for label, key in cells:
            col = f"Q{n}{label}"
            if blank:
                row[col] = ""
            elif t in ("single_choice", "multiple_choice"):
                row[col] = key[1] if right else ("b" if key[1] == "a" else "a")
            elif t == "true_false":
                row[col] = key if right else ("False" if key == "True" else "True")
            elif right or t in ("short_text", "essay"):
                row[col] = key
            elif key.startswith("["):
                row[col] = "[" + " ".join("9999" for _ in key.split()) + "]"
            else:
                row[col] = "99999"
    columns = ["student_id"] + sorted({c for row in rows.values() for c in row if c != "student_id"},
                                      key=lambda c: (int(re.match(r"Q(\d+)", c).group(1)), c))
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feedback", type=int, default=0, help="also time feedback PDFs for this many students")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vx-bench-grade-"))
    (tmp / "exam.yaml").write_text(spec_text(), encoding="utf-8")
    t = time.perf_counter()
    subprocess.run([VARIANTEX, "build", tmp / "exam.yaml", "--n", str(STUDENTS), "--no-pdf", "--out",
                    tmp / "exam"], check=True, stdout=subprocess.DEVNULL)
    print(f"build --no-pdf, {STUDENTS} students x {QUESTIONS} questions: {time.perf_counter() - t:.1f} s")
    simulate(tmp / "exam" / "answer_key.csv", tmp / "responses.csv")
    manifest = tmp / "exam" / "manifest.json"
    print(f"manifest {manifest.stat().st_size / 1e6:.1f} MB, responses "
          f"{(tmp / 'responses.csv').stat().st_size / 1e6:.1f} MB")
    for run in (1, 2):
        t = time.perf_counter()
        subprocess.run([VARIANTEX, "grade", manifest, tmp / "responses.csv", "--out", tmp / f"results{run}",
                        "--no-feedback"], check=True, stdout=subprocess.DEVNULL)
        print(f"variantex grade (new process, run {run}): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    result = grade(manifest, tmp / "responses.csv")
    print(f"  read + score: {time.perf_counter() - t:.2f} s")
    out = tmp / "phases"
    out.mkdir()
    parallel = grade_writers(feedback=False)[0]  # ForkedWriters: each of its writers, one after the other
    for w in [*parallel.local, *parallel.forked]:
        t = time.perf_counter()
        w.write(result, out)
        print(f"  {type(w).__name__}: {time.perf_counter() - t:.2f} s")
    if args.feedback:
        small = tmp / "responses_small.csv"
        lines = (tmp / "responses.csv").read_text(encoding="utf-8").splitlines()[: args.feedback + 1]
        small.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t = time.perf_counter()
        subprocess.run([VARIANTEX, "grade", manifest, small, "--out", tmp / "with-feedback"], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"variantex grade with feedback PDFs for {args.feedback} students: {time.perf_counter() - t:.1f} s")
    print(f"(files in {tmp})")


if __name__ == "__main__":
    main()
