"""Layout of papers and keys: no question breaks across pages; room to work; answer boxes sized to answers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from generator.answers import Matrix, MultiPart, Numerical, Part, TrueFalse
from generator.build import build, sample_paper
from generator.errors import SpecError, TemplateError
from generator.latex import render_batch, typeset_batch, unit_pages
from generator.question import Question
from generator.render_tex import HAND_CHAR_CM, TexAnswerRenderer, matrix_cell_cm, number_width_cm
from generator.roster import Roster, Student, load_roster
from generator.space import parse_space
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
        return MultiPart(tuple(Part(label, rf"Part {label}: write \(<<x>> + {k}\) twice.\par\vspace*{{5cm}}",
                                    Matrix.of([p["x"] + k] * 2)) for k, label in enumerate("abcdef")))

    def verify(self, p):
        return [[p["x"] + k] * 2 for k in range(6)]


def test_a_question_taller_than_a_page_breaks_only_between_parts(tmp_path):
    v = make_variant(_TallParts(), 1)
    paper = sample_paper("Tall", [v])
    batch = typeset_batch([paper], load_spec(SPEC).spec.header, False, tmp_path / "tall.tex")
    units = unit_pages(tmp_path / "tall.aux")
    spans = [units[(1, u)] for u in ["1"] + [f"1.{i}" for i in range(1, 6)]]
    assert all(s == e for s, e in spans)
    assert spans[-1][0] > spans[0][0]  # the question did run over more than one page
    assert batch.ranges[1].end - batch.ranges[1].start + 1 >= 2


# ---------------------------------------------------------------------------------------- room to work

def _spec_text(section_space: str = "", entry_space: str = "") -> str:
    return f"""
seed: 7
header: {{exam_title: Layout}}
sections:
  - title: A
    {f"space: {section_space}" if section_space else ""}
    questions:
      - id: dl/cnn/conv-output-size
        {f"space: {entry_space}" if entry_space else ""}
      - id: dl/train/optimizer-step
      - id: dl/cnn/cnn-layer-table
"""


def _question_tex(source: str, qid: str) -> str:
    """The LaTeX of the first question ``qid`` in a batch source (from its marker to the next one)."""
    chunk = source.split(f"%% vx-question: {qid} ", 1)[1]
    return chunk.split("%% vx-question: ", 1)[0]


@pytest.mark.parametrize(("text", "kind", "amount"), [
    ("4cm", "blank", 4.0), ("35mm", "blank", 3.5), ("1in", "blank", 2.54), ("5 lines", "lines", 5),
    ("1 line", "lines", 1), ("none", "none", 0.0)])
def test_space_texts_are_read(text, kind, amount):
    space = parse_space(text)
    assert (space.kind, space.amount) == (kind, amount)
    assert parse_space(str(space)) == space


@pytest.mark.parametrize("text", ["4", "lots", "0cm", "30cm", "0 lines", "99 lines", "-2cm"])
def test_bad_space_is_refused_with_the_field_and_line(tmp_path, text):
    path = tmp_path / "exam.yaml"
    path.write_text(_spec_text(entry_space=f'"{text}"'))
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert "sections[0].questions[0].space" in str(e.value) and "line 9" in str(e.value)


def test_spec_space_reaches_the_paper_entry_over_section_over_default(bank, tmp_path):
    path = tmp_path / "exam.yaml"
    path.write_text(_spec_text(section_space="3 lines", entry_space="none"))
    result = build(load_spec(path), Roster((Student("S1", "One"),)), bank)
    assert [i.space for i in result.papers[0].items] == ["none", "3 lines", "3 lines"]
    source = render_batch(result.papers, result.spec.spec.header, key=False)
    conv = _question_tex(source, "dl/cnn/conv-output-size")
    adam = _question_tex(source, "dl/train/optimizer-step")
    assert r"\vspace{" not in conv and r"\rule{\linewidth}" not in conv
    assert adam.count(r"\rule{\linewidth}{0.3pt}") == 3

    path.write_text(_spec_text())
    result = build(load_spec(path), Roster((Student("S1", "One"),)), bank)
    source = render_batch(result.papers, result.spec.spec.header, key=False)
    assert [i.space for i in result.papers[0].items] == [None, None, None]
    assert r"\vspace{1cm}" in _question_tex(source, "dl/cnn/conv-output-size")  # a choice: small room
    assert r"\vspace{3.5cm}" in _question_tex(source, "dl/train/optimizer-step")  # a vector: working area


def test_a_templates_space_is_used_and_checked(tmp_path):
    class Justify(_TallParts):
        id = "test/layout/justify"
        space = "2 lines"

        def solve(self, p):
            return TrueFalse(p["x"] > 4)

        def verify(self, p):
            return p["x"] > 4

    v = make_variant(Justify(), 1)
    assert TexAnswerRenderer().space(v.answer, Justify.space).count(r"\rule{\linewidth}") == 2

    class Bad(Justify):
        id = "test/layout/bad-space"
        space = "a lot"

    with pytest.raises(TemplateError, match="test/layout/bad-space: space must be"):
        make_variant(Bad(), 1)


# ---------------------------------------------------------------------------------------- answer boxes

class _Boxes(Question):
    """Answers whose boxes must fit: a 3-vector with 4 decimals, an 8x8 matrix, a long number, a table."""

    id = "test/layout/boxes"
    title = "Boxes"
    topic = "test"
    stem = r"Fill in the boxes."
    solution = r"See the key."

    def draw(self, rng):
        return {"which": 0}

    def solve(self, p):
        return MultiPart((
            Part("a", "A vector.", Matrix.of([-0.1234, 12.5678, -103.0001], tolerance=0.0005, places=4)),
            Part("b", "A matrix.", Matrix.of(np.arange(64).reshape(8, 8) * -1.25, places=2)),
            Part("c", "A number.", Numerical(-1234.56789, tolerance=5e-5, places=5))))

    def verify(self, p):
        return [[-0.1234, 12.5678, -103.0001], (np.arange(64).reshape(8, 8) * -1.25).tolist(), -1234.56789]


def test_answer_boxes_fit_their_answers_and_the_page(tmp_path):
    v = make_variant(_Boxes(), 1)
    vector, matrix, number = (p.answer for p in v.answer.parts)
    # Each cell holds the widest entry, written by hand (about 0.42 cm a character), with room to spare.
    assert matrix_cell_cm(vector) >= HAND_CHAR_CM * (len("-103.0001") + 1)
    assert 3 * (matrix_cell_cm(vector) + 0.36) <= 15 and 8 * (matrix_cell_cm(matrix) + 0.36) <= 15
    assert number_width_cm(number.shown_places) >= HAND_CHAR_CM * (len(number.shown()) + 1)
    typeset_batch([sample_paper("Boxes", [v])], load_spec(SPEC).spec.header, False, tmp_path / "boxes.tex")
    log = (tmp_path / "boxes.log").read_text()
    assert "Overfull" not in log  # nothing runs into the margin


def test_a_layer_table_question_gets_a_table_to_fill_in(solve, tmp_path):
    v = solve("dl/cnn/cnn-layer-table", 3)
    tex = TexAnswerRenderer().space(v.answer)
    assert tex.count(r"\begin{tabular}") == 1 and r"\framebox" not in tex and r"\vxnextpart" not in tex
    batch = typeset_batch([sample_paper("Table", [v])], load_spec(SPEC).spec.header, False, tmp_path / "t.tex")
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(batch.pdf))
    rows = [f"({p.label})" for p in v.answer.parts]
    assert "Part" in text and "Answer" in text and all(r in text for r in rows)
    assert text.count("Answer:") == 0  # no loose boxes


def test_a_true_false_question_asking_for_a_justification_has_lines_to_write_on(bank, tmp_path):
    path = tmp_path / "exam.yaml"
    path.write_text("seed: 3\nheader: {exam_title: Justify}\nsections:\n  - title: A\n    questions:\n"
                    "      - id: dl/cnn/pooling-statements\n")
    result = build(load_spec(path), Roster((Student("S1", "One"),)), bank)
    item = result.papers[0].items[0]
    assert "Justify your answer" in item.variant.stem_tex and item.space == "2 lines"
    source = render_batch(result.papers, result.spec.spec.header, key=False)
    assert _question_tex(source, "dl/cnn/pooling-statements").count(r"\rule{\linewidth}{0.3pt}") == 2
