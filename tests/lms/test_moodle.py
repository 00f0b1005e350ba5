"""Moodle XML export: every rule Moodle's importer enforces, each answer type read back, CLI behaviour.

The real-Moodle proof (import, then grading the right and a wrong answer) is
``../shared/tools/moodle/check.sh``; see the README's Moodle section.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import moodle_rules
import numpy as np
import pytest
from click.testing import CliRunner
from conftest import EDGE_SPEC, SAMPLE_SPEC

from generator.answers import (
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from generator.build import build_paper
from generator.cli import main
from generator.render_moodle import (
    cloze_escape,
    cloze_weights,
    moodle_number,
    nearest_grade,
    split_hundred,
)
from generator.roster import Student
from generator.writers.moodle import MoodleXmlWriter


@pytest.fixture(scope="module")
def sample_xml(sample_pool) -> bytes:
    return MoodleXmlWriter().render(sample_pool)


@pytest.fixture(scope="module")
def all_types_xml(all_types_pool) -> bytes:
    return MoodleXmlWriter().render(all_types_pool)


@pytest.fixture(scope="module")
def edge_xml(edge_pool) -> bytes:
    return MoodleXmlWriter().render(edge_pool)


def test_every_moodle_rule_holds(sample_xml, all_types_xml, edge_xml):
    for data in (sample_xml, all_types_xml, edge_xml):
        assert moodle_rules.check(data) == []


def test_one_category_per_slot_and_variant_k_is_student_pool_k(sample_pool, sample_xml):
    root = moodle_rules.parse(sample_xml)
    questions = root.findall("question")
    cats = [q.findtext("category/text") for q in questions if q.get("type") == "category"]
    assert len(cats) == len(sample_pool.slots) == 14
    assert cats[0] == "$course$/top/Mid-Semester Examination/Q1 Output size of a 2-D convolution"
    assert len(questions) == 14 * (1 + 6)
    # Variant 3 of every slot is what student pool-3 gets on paper.
    paper = build_paper(sample_pool.result.spec, sample_pool.result.bank, Student("pool-3", ""))
    ids = {q.findtext("idnumber"): q for q in questions if q.get("type") != "category"}
    for item in paper.items:
        q = ids[f"{item.variant.question_id}@{item.variant.seed}"]
        assert q.findtext("name/text").startswith(f"Q{item.number} ")
        assert q.findtext("name/text").endswith(", variant 3/6")
        assert float(q.findtext("defaultgrade")) == item.points


def _questions(data: bytes) -> list:
    return [q for q in moodle_rules.parse(data).findall("question") if q.get("type") != "category"]


def test_each_answer_type_read_back(all_types_pool, all_types_xml):
    by_id = {q.findtext("idnumber"): q for q in _questions(all_types_xml)}
    seen = set()
    for slot in all_types_pool.slots:
        for pv in slot.variants:
            q, a = by_id[pv.idnumber], pv.item.variant.answer
            seen.add(type(a).__name__ + ("-vector" if isinstance(a, Matrix) and a.array.ndim == 1 else ""))
            assert "<span class=\"math" in q.findtext("questiontext/text") or a.kind in ("true_false", "essay",
                                                                                        "short_text")
            assert q.findtext("generalfeedback/text").strip()
            answers = q.findall("answer")
            if isinstance(a, SingleChoice):
                assert q.get("type") == "multichoice" and q.findtext("single") == "true"
                fr = [float(x.get("fraction")) for x in answers]
                assert fr.index(100.0) == a.correct_index
                assert sorted(set(fr)) == [-25.0, 100.0]  # the section's negative marking 0.25
                wrong = [x for x, o in zip(answers, a.options) if not o.correct and o.rationale]
                assert all(x.findtext("feedback/text") for x in wrong)
            elif isinstance(a, MultipleChoice):
                assert q.get("type") == "multichoice" and q.findtext("single") == "false"
                fr = [float(x.get("fraction")) for x in answers]
                assert [f > 0 for f in fr] == [o.correct for o in a.options]
            elif isinstance(a, TrueFalse):
                right = [x.findtext("text") for x in answers if x.get("fraction") == "100"]
                assert q.get("type") == "truefalse" and right == [str(a.value).lower()]
            elif isinstance(a, Numerical):
                assert q.get("type") == "numerical"
                assert float(answers[0].findtext("text")) == float(a.value)
                assert float(answers[0].findtext("tolerance")) == pytest.approx(a.abs_tolerance)
            elif isinstance(a, ShortText):
                assert q.get("type") == "shortanswer" and q.findtext("usecase") == "0"
                assert [x.findtext("text") for x in answers] == list(a.accepted)
            elif isinstance(a, Essay):
                assert q.get("type") == "essay" and q.findtext("graderinfo/text").strip()
            elif isinstance(a, Matrix):
                fields = moodle_rules.cloze_fields(q.findtext("questiontext/text"))
                values = [float(f["alts"][0]["raw"].split(":")[0]) for f in fields]
                assert q.get("type") == "multianswer" and '<table class="variantex-matrix">' in q.findtext(
                    "questiontext/text")
                np.testing.assert_array_equal(values, a.array.ravel())
            elif isinstance(a, MultiPart):
                fields = moodle_rules.cloze_fields(q.findtext("questiontext/text"))
                assert q.get("type") == "multianswer" and len(fields) == len(a.parts)
                for f, p in zip(fields, a.parts):
                    assert float(f["alts"][0]["raw"].split(":")[0]) == pytest.approx(p.answer.value)
    assert seen == {"SingleChoice", "MultipleChoice", "TrueFalse", "Numerical", "ShortText", "Matrix",
                    "Matrix-vector", "MultiPart", "Essay"}


def test_cloze_answers_decode_to_the_intended_text(edge_pool, edge_xml):
    by_id = {q.findtext("idnumber"): q for q in _questions(edge_xml)}
    pv = edge_pool.slots[0].variants[0]
    fields = moodle_rules.cloze_fields(by_id[pv.idnumber].findtext("questiontext/text"))
    assert [f["type"] for f in fields] == ["SHORTANSWER", "MULTICHOICE_V", "MULTICHOICE", "MULTIRESPONSE"]
    assert [x["text"] for x in fields[0]["alts"]] == ['a}b#c~d/e"f', "x\\*y"]
    correct = next(x for x in fields[1]["alts"] if x["fraction"] == 100)["text"]
    assert correct == ('<span class="math inline">\\(\\frac{1}{2}\\)</span> of '
                       '<span class="math inline">\\(\\{x\\}\\)</span>')
    feedback = {x["feedback"] for x in fields[1]["alts"]}
    assert 'took <span class="math inline">\\(\\{a\\}\\)</span> as 1 # wrong' in feedback
    assert sorted(x["fraction"] for x in fields[3]["alts"]) == [-33.33333] * 3 + [33.33333, 33.33333, 33.33334]
    assert [x["text"] for x in fields[2]["alts"]] == ["True", "False"]
    # Weights: 4 points over 4 equal parts.
    assert [f["weight"] for f in fields] == [1, 1, 1, 1]
    # Numbers: the choice field shows plain numbers in a drop-down; the matrix has one field per entry.
    numbers = moodle_rules.cloze_fields(by_id[edge_pool.slots[1].variants[0].idnumber].findtext("questiontext/text"))
    assert numbers[0]["type"] == "MULTICHOICE" and all(re.fullmatch(r"[\d.]+", x["text"]) for x in numbers[0]["alts"])
    # Shares 1/4, 2/4 over 4 entries, 1/4: 6 points give no integers, so the smallest ones (mark 8).
    assert [f["weight"] for f in numbers] == [2, 1, 1, 1, 1, 2]


def test_images_travel_as_pluginfile(edge_pool, edge_xml):
    q = next(q for q in _questions(edge_xml) if q.get("type") == "numerical")
    text = q.findtext("questiontext/text")
    assert '<img src="@@PLUGINFILE@@/dot.png"' in text
    f = q.find("questiontext/file")
    assert f.get("name") == "dot.png" and f.get("encoding") == "base64" and f.text.startswith("iVBORw0KGgo")


def test_relative_tolerance_is_converted_per_variant(edge_pool, edge_xml):
    by_id = {q.findtext("idnumber"): q for q in _questions(edge_xml)}
    for pv in edge_pool.slots[2].variants:
        a = pv.item.variant.answer
        ans = by_id[pv.idnumber].find("answer")
        assert float(ans.findtext("tolerance")) == pytest.approx(0.001 * a.value, rel=1e-9)
        assert abs(float(a.shown()) - float(ans.findtext("text"))) <= float(ans.findtext("tolerance"))


def test_fraction_helpers():
    for k in range(1, 11):
        parts = split_hundred(k)
        assert sum(map(__import__("decimal").Decimal, parts)) == 100
        assert all(moodle_rules.on_list(float(p)) for p in parts)
    with pytest.raises(ValueError):
        split_hundred(11)
    assert nearest_grade(-35) == "-33.33333" and nearest_grade(-25) == "-25" and nearest_grade(-12) == "-12.5"
    assert moodle_number(2.5e-05) == "0.000025" and moodle_number(3) == "3" and moodle_number(-1.0) == "-1"
    assert cloze_weights([__import__("fractions").Fraction(1, 8)] * 8, 4) == [1] * 8
    assert cloze_weights([__import__("fractions").Fraction(1, 2)] * 2, 4) == [2, 2]
    assert html.unescape(cloze_escape('}#~/"\\&')) == '}#~/"\\&'


def test_negative_marking_off_the_list_warns_and_rounds(edge_pool):
    writer = MoodleXmlWriter()
    writer.render(edge_pool)
    assert any("negative marking 0.3" in w for w in writer.warnings) is False  # 30 % is on the list
    assert writer.warnings == [] or all("Q" in w for w in writer.warnings)


def test_same_inputs_same_bytes(sample_pool, sample_xml):
    assert MoodleXmlWriter().render(sample_pool) == sample_xml


def test_cli_export_moodle_writes_atomically(tmp_path):
    out = tmp_path / "quiz.xml"
    run = CliRunner().invoke(main, ["export", "moodle", str(SAMPLE_SPEC), "--variants", "2", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "14 categories x 2 variants" in run.output
    assert "true/false questions cannot take negative marks" in run.output
    assert moodle_rules.check(out.read_bytes()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["quiz.xml"]
    # A failing export leaves the old file as it was and prints no traceback.
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: 1\nheader: {exam_title: X}\nsections: [{title: A, questions: [{id: no/such}]}]\n")
    before = out.read_bytes()
    run = CliRunner().invoke(main, ["export", "moodle", str(bad), "--out", str(out)])
    assert run.exit_code == 1 and "no/such" in run.output and "Traceback" not in run.output
    assert out.read_bytes() == before


def test_cli_refuses_a_folder_as_out(tmp_path):
    run = CliRunner().invoke(main, ["export", "moodle", str(EDGE_SPEC), "--variants", "1", "--out", str(tmp_path)])
    assert run.exit_code == 2 and "is a directory" in run.output and "Traceback" not in run.output


def test_real_process_exit_status(tmp_path):
    out = tmp_path / "q.xml"
    run = subprocess.run([sys.executable, "-m", "generator.cli", "export", "moodle", str(EDGE_SPEC), "--variants",
                          "1", "--out", str(out)], capture_output=True, text=True, check=False,
                         cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stderr
