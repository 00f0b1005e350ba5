"""End to end: the example exam for a 30-student roster, checked by opening the PDFs."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.bank import BUILTIN_BANK, load_bank
from generator.build import build
from generator.output import write_build
from generator.roster import load_roster
from generator.spec import load_spec
from generator.writers import default_writers

SPEC = Path("examples/dl-midsem.yaml")
ROSTER = Path("examples/roster.csv")


def _build(out: Path) -> Path:
    loaded = load_spec(SPEC)
    result = build(loaded, load_roster(ROSTER), load_bank(BUILTIN_BANK))
    write_build(result, out, default_writers())
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("build") / "dl-midsem")


@pytest.fixture(scope="module")
def manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _normalise(s: str) -> str:
    # typeset text extracts a few ASCII signs as their typographic twins
    return s.replace("’", "'").replace("ˆ", "^").replace("˜", "~").replace("−", "-").replace("×", "x")


def _squash(s: str) -> str:
    # pdf text extraction also drops or adds spaces
    return re.sub(r"\s+", "", _normalise(s))


def test_every_output_is_written(out):
    students = [s.student_id for s in load_roster(ROSTER).students]
    assert len(students) == 30
    for kind in ("papers", "keys"):
        assert sorted(p.stem for p in (out / kind).glob("*.pdf")) == sorted(students)
    for name in ("print/papers.pdf", "print/keys.pdf", "answer_key.csv", "manifest.json", "responses_template.csv"):
        assert (out / name).is_file(), name
    assert list((out / "tex").glob("papers-*.tex")) and list((out / "tex").glob("keys-*.tex"))
    assert not (out / "_latex").exists()


def test_each_paper_shows_its_own_student_and_numbers(out, manifest):
    texts = {}
    for paper in manifest["papers"]:
        text = _normalise(_text(out / "papers" / f"{paper['student_id']}.pdf"))
        texts[paper["student_id"]] = text
        squashed = _squash(text)
        assert _squash(paper["name"]) in squashed, paper["name"]
        assert paper["paper_id"] in text
        assert "Page 1 of" in text
        for q in paper["questions"]:
            numbers = [p for p in q["params"].values() if isinstance(p, int) and not isinstance(p, bool)]
            for n in numbers:
                assert re.search(rf"(?<![\d.]){n}(?![\d])", text), (paper["student_id"], q["question_id"], n)
        others = [p["name"] for p in manifest["papers"] if p["student_id"] != paper["student_id"]]
        assert not any(_squash(o) in squashed for o in others if len(o) > 3)
    assert len(set(texts.values())) == len(texts)


def test_each_key_shows_exactly_the_csv_answers(out):
    with open(out / "answer_key.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_student: dict[str, list[dict]] = {}
    for row in rows:
        by_student.setdefault(row["student_id"], []).append(row)
    assert len(by_student) == 30
    for sid, student_rows in by_student.items():
        key = _squash(_text(out / "keys" / f"{sid}.pdf"))
        shown = re.findall(r"Answer:", key)
        positions = []
        for row in student_rows:
            needle = _squash("Answer: " + row["correct_answer"])
            assert needle in key, (sid, row["question_id"], row["correct_answer"])
            positions.append(key.index(needle, positions[-1] if positions else 0))
        assert positions == sorted(positions)  # in question order
        assert len(shown) >= len(student_rows)


def test_csv_key_matches_manifest(out, manifest):
    with open(out / "answer_key.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["student_id", "name", "paper_id", "question_number", "question_id", "seed",
                                     "answer_type", "correct_answer", "tolerance", "points"]
        rows = list(reader)
    expected = [(p["student_id"], p["paper_id"], str(q["number"]), q["question_id"], str(q["seed"]),
                 q["answer_type"], q["key_text"]) for p in manifest["papers"] for q in p["questions"]]
    got = [(r["student_id"], r["paper_id"], r["question_number"], r["question_id"], r["seed"], r["answer_type"],
            r["correct_answer"]) for r in rows]
    assert got == expected


def test_every_page_is_numbered_x_of_y_within_its_paper(out, manifest):
    for kind in ("papers", "keys"):
        for paper in manifest["papers"]:
            pages = PdfReader(out / kind / f"{paper['student_id']}.pdf").pages
            for k, page in enumerate(pages, 1):
                assert f"Page {k} of {len(pages)}" in page.extract_text(), (kind, paper["student_id"], k)


def test_print_files_start_each_paper_on_an_odd_page(out, manifest):
    pages = PdfReader(out / "print" / "papers.pdf").pages
    starts = [i for i, p in enumerate(pages) if "Page 1 of" in p.extract_text()]
    assert len(starts) == 30
    assert all(i % 2 == 0 for i in starts)  # 0-based even index = odd page number
    per_student = sum(len(PdfReader(out / "papers" / f"{p['student_id']}.pdf").pages) for p in manifest["papers"])
    assert per_student <= len(pages) <= per_student + 30


def test_manifest_records_what_a_rebuild_needs(manifest):
    assert manifest["seed"] == 20250218
    assert len(manifest["spec"]["sha256"]) == 64 and len(manifest["bank"]["sha256"]) == 64
    assert manifest["packages"]["numpy"] and "pdfTeX" in manifest["pdflatex"]
    q = manifest["papers"][0]["questions"][0]
    assert {"question_id", "seed", "params", "answer", "points", "negative_marking"} <= set(q)


def test_manifest_seeds_rebuild_the_same_variants(manifest):
    from generator.variant import make_variant
    bank = load_bank(BUILTIN_BANK)
    for paper in manifest["papers"][:5]:
        for q in paper["questions"]:
            v = make_variant(bank.questions[q["question_id"]], q["seed"])
            assert dict(v.params) == q["params"] and v.answer.to_json() == q["answer"]


def test_two_builds_are_byte_identical(out, tmp_path):
    again = _build(tmp_path / "again")
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_streamed_manifest_is_exactly_the_json_of_its_data(out):
    """The record indented by one space, then one paper per line (compact) under papers and one paper's
    texts per line under texts, as json.dumps writes them."""
    from generator.writers.manifest import manifest_data

    result = build(load_spec(SPEC), load_roster(ROSTER), load_bank(BUILTIN_BANK))
    data = manifest_data(result)
    lines = {key: ["  " + json.dumps(p, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
                   for p in data[key]] for key in ("papers", "texts")}
    data["papers"], data["texts"] = "PAPERS", "TEXTS"
    head = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert text == head.replace('"PAPERS"', "[\n" + ",\n".join(lines["papers"]) + "\n ]").replace(
        '"TEXTS"', "[\n" + ",\n".join(lines["texts"]) + "\n ]")
    assert json.loads(text) == manifest_data(result)
    assert len(text.splitlines()) == len(head.splitlines()) + 2 * len(result.papers) + 2  # a line per paper, twice
    assert all("stem_tex" not in line for line in lines["papers"]) and all(
        "stem_tex" in line for line in lines["texts"])
