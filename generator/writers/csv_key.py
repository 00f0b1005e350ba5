"""``answer_key.csv``: one row per (student, question)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..answers import answer_type_name
from ..build import BuildResult

COLUMNS = ("student_id", "name", "paper_id", "question_number", "question_id", "seed", "answer_type",
           "correct_answer", "tolerance", "points")


def _tolerance(answer) -> str:
    tol = getattr(answer, "abs_tolerance", getattr(answer, "tolerance", None))
    return "" if tol is None else f"{tol:g}"


class AnswerKeyCsvWriter:
    """Write ``answer_key.csv`` (UTF-8, comma-separated, header row, ``\\n`` line ends).

    Columns: student id, name, paper id, question number, question id, seed
    (``variantex solve ID --seed SEED`` rebuilds the variant), answer type,
    correct answer as plain text (as the key PDF prints it), absolute
    tolerance (blank where none applies), points.
    """

    filename = "answer_key.csv"

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        path = out / self.filename
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(COLUMNS)
            for paper in result.papers:
                for item in paper.items:
                    v = item.variant
                    w.writerow([paper.student.student_id, paper.student.name, paper.paper_id, item.number,
                                v.question_id, v.seed, answer_type_name(v.answer), v.answer.key_text(),
                                _tolerance(v.answer), f"{item.points:g}"])
        return [path]
