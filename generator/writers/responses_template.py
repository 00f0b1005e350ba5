"""``responses_template.csv``: the responses CSV that ``variantex grade`` reads, with every student's row, empty."""

from __future__ import annotations

from pathlib import Path

from ..answers import Essay, MultiPart
from ..build import BuildResult
from ..csvfile import write_csv


def response_columns(result: BuildResult) -> list[str]:
    """The answer columns, in question order: ``Q1``, multi-part ``Q6a``, ``Q6b``, essays ``Q14``, ``Q14_mark``.

    The union over all papers (a per-student pick may differ by paper); the
    same columns ``grading.scoring.expected_columns`` reads from the manifest.
    """
    cols: dict[str, tuple[int, int]] = {}
    for paper in result.papers:
        for item in paper.items:
            a = item.variant.answer
            parts = [(p.label, p.answer) for p in a.parts] if isinstance(a, MultiPart) else [("", a)]
            for k, (label, answer) in enumerate(parts):
                col = f"Q{item.number}{label}"
                cols.setdefault(col, (item.number, k))
                if isinstance(answer, Essay):
                    cols.setdefault(col + "_mark", (item.number, k))
    return sorted(cols, key=lambda c: (cols[c], c))


class ResponsesTemplateWriter:
    """Write ``responses_template.csv``: ``student_id,name,paper_id``, then :func:`response_columns`.

    One row per student (roster order) with the answer cells empty; fill it
    in (or paste scanned responses) and give it to ``variantex grade``.
    ``name`` and ``paper_id`` are for the reader; grading ignores them.
    """

    filename = "responses_template.csv"

    def write(self, result: BuildResult, out: Path) -> list[Path]:
        columns = response_columns(result)
        rows = ([paper.student.student_id, paper.student.name, paper.paper_id, *([""] * len(columns))]
                for paper in result.papers)
        return [write_csv(out / self.filename, ["student_id", "name", "paper_id", *columns], rows)]
