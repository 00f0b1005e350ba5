"""``answer_key.csv``: one row per (student, question)."""

from __future__ import annotations

from pathlib import Path

from ..answers import answer_type_name
from ..build import BuildResult
from ..csvfile import write_csv

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
        rows = ([paper.student.student_id, paper.student.name, paper.paper_id, str(item.number),
                 item.variant.question_id, str(item.variant.seed), answer_type_name(item.variant.answer),
                 item.variant.answer.key_text(), _tolerance(item.variant.answer), f"{item.points:g}"]
                for paper in result.papers for item in paper.items)
        return [write_csv(out / self.filename, COLUMNS, rows)]
