"""Layout of papers and keys: no question breaks across pages; room to work; answer boxes sized to answers."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.answers import MultiPart, Numerical, Part
from generator.build import build, sample_paper
from generator.latex import typeset_batch, unit_pages
from generator.question import Question
from generator.roster import load_roster
from generator.spec import load_spec
from generator.variant import make_variant

SPEC = Path("examples/dl-midsem.yaml")
ROSTER = Path("examples/roster.csv")


@pytest.fixture(scope="module")
def sample_exam(bank, tmp_path_factory):
    """The sample exam's 30 papers and keys, each typeset as one batch, as ``make demo`` builds them."""
    result = build(load_spec(SPEC), load_roster(ROSTER), bank)
    out = tmp_path_factory.mktemp("layout")
    batches = {key: typeset_batch(result.papers, result.spec.spec.header, key, out / f"{key}.tex")
               for key in ("papers", "keys")}
    return result, out, batches


def _header_on(text: str, number: int) -> bool:
    return re.search(rf"(?:^|\n){number}\. ?\[", text) is not None


@pytest.mark.parametrize("kind", ["papers", "keys"])
def test_no_question_of_the_sample_exam_breaks_across_pages(sample_exam, kind):
    result, out, batches = sample_exam
    units = unit_pages(out / f"{kind}.aux")
    reader = pdfium.PdfDocument(batches[kind].pdf)
    texts: dict[int, str] = {}

    def text(page: int) -> str:
        if page not in texts:
            texts[page] = reader[page].get_textpage().get_text_range().replace("\r", "")
        return texts[page]

    assert len(result.papers) == 30
    questions = 0
    for index, paper in enumerate(result.papers, 1):
        page_range = batches[kind].ranges[index]
        for item in paper.items:
            start, end = units[(index, str(item.number))]
            later_parts = [units[k] for k in units if k[0] == index and k[1].startswith(f"{item.number}.")]
            assert start == end, f"{kind}: paper {paper.student.student_id}, question {item.number} " \
                                 f"runs from page {start} to page {end}"
            assert all(s == e for s, e in later_parts)
            # The record agrees with the PDF: the question's header is printed on the page recorded.
            assert _header_on(text(page_range.start + start - 1), item.number)
            questions += 1
    assert questions == sum(len(p.items) for p in result.papers) >= 30 * 10


class _TallParts(Question):
    """Six parts, each with a tall working area: together taller than a page."""

    id = "test/layout/tall-parts"
    title = "Tall parts"
    topic = "test"
    stem = r"A question whose parts fill more than a page."
    solution = r"See the parts."

    def draw(self, rng):
        return {"x": int(rng.integers(1, 9))}

    def solve(self, p):
        return MultiPart(tuple(Part(label, rf"Part {label}: write \(<<x>> + {k}\).\par\vspace*{{5cm}}",
                                    Numerical(p["x"] + k)) for k, label in enumerate("abcdef")))

    def verify(self, p):
        return [p["x"] + k for k in range(6)]


def test_a_question_taller_than_a_page_breaks_only_between_parts(tmp_path):
    v = make_variant(_TallParts(), 1)
    paper = sample_paper("Tall", [v])
    batch = typeset_batch([paper], load_spec(SPEC).spec.header, False, tmp_path / "tall.tex")
    units = unit_pages(tmp_path / "tall.aux")
    spans = [units[(1, u)] for u in ["1"] + [f"1.{i}" for i in range(1, 6)]]
    assert all(s == e for s, e in spans)
    assert spans[-1][0] > spans[0][0]  # the question did run over more than one page
    assert batch.ranges[1].end - batch.ranges[1].start + 1 >= 2
