"""A simulated class of 30: responses drawn from answer_key.csv with known error rates per question.

The expected scores are computed here from ``answer_key.csv`` and the spec's
negative marking alone (not through the manifest or the grading code), then
compared with ``scores.csv`` exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from simclass import fmt, invoke, parts, read_key, right_response, write_responses, wrong_response

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "dl-midsem.yaml"
ROSTER = ROOT / "examples" / "roster.csv"
NEGATIVE = {1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25, 5: 0.25}  # section A of the sample spec


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("class") / "exam"
    r = invoke("build", SPEC, "--roster", ROSTER, "--no-pdf", "--out", out)
    assert r.exit_code == 0, r.output
    return out


def test_simulated_class_scores_exactly(built, tmp_path):
    key = read_key(built)
    rng = np.random.default_rng(8)
    numbers = sorted({int(r["question_number"]) for r in key})
    error_rate = {n: (n % 5) / 5 for n in numbers}  # 0, 0.2, ..., 0.8
    blank_rate = 0.1
    rows: dict[str, dict[str, str]] = {}
    expected: dict[str, dict[int, float]] = {}
    for r in key:
        sid, n, t, k, pts = r["student_id"], int(r["question_number"]), r["answer_type"], r["correct_answer"], \
            float(r["points"])
        row = rows.setdefault(sid, {"student_id": sid})
        exp = expected.setdefault(sid, {})
        if t == "essay":
            mark = float(rng.integers(0, int(pts) + 1))
            row[f"Q{n}"], row[f"Q{n}_mark"] = "The generator saturates early.", fmt(mark)
            exp[n] = mark
            continue
        if t == "multi_part":
            key_parts = parts(k)
            got = 0.0
            for label, pk in key_parts:
                u = rng.random()
                if u < blank_rate:
                    row[f"Q{n}{label}"] = ""
                elif u < blank_rate + error_rate[n]:
                    row[f"Q{n}{label}"] = wrong_response("numerical", pk)
                else:
                    row[f"Q{n}{label}"] = pk
                    got += pts / len(key_parts)  # the sample's parts have equal weights
            exp[n] = got
            continue
        u = rng.random()
        if u < blank_rate:
            row[f"Q{n}"], exp[n] = "", 0.0
        elif u < blank_rate + error_rate[n]:
            row[f"Q{n}"], exp[n] = wrong_response(t, k), -NEGATIVE.get(n, 0.0) * pts
        else:
            row[f"Q{n}"], exp[n] = right_response(t, k), pts
    responses = write_responses(rows, tmp_path / "responses.csv")
    out = tmp_path / "results"
    r = invoke("grade", built / "manifest.json", responses, "--out", out)
    assert r.exit_code == 0, r.output
    assert "problems" not in r.output, r.output
    maxima: dict[str, float] = {}
    names: dict[str, tuple[str, str]] = {}
    for kr in key:
        maxima[kr["student_id"]] = maxima.get(kr["student_id"], 0.0) + float(kr["points"])
        names[kr["student_id"]] = (kr["name"], kr["paper_id"])
    lines = [",".join(["student_id", "name", "paper_id", *[f"Q{n}" for n in numbers], "total", "max", "percent"])]
    for sid in dict.fromkeys(kr["student_id"] for kr in key):
        total = sum(expected[sid].values())
        cells = [sid, *names[sid], *[fmt(expected[sid][n]) for n in numbers], fmt(total), fmt(maxima[sid]),
                 fmt(100 * total / maxima[sid], 2)]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    assert (out / "scores.csv").read_text(encoding="utf-8") == "\n".join(lines) + "\n"
    assert len(lines) == 31
    # grading again gives the same bytes
    again = tmp_path / "again"
    assert invoke("grade", built / "manifest.json", responses, "--out", again).exit_code == 0
    for f in ("scores.csv", "responses_graded.csv", "moodle_grades.csv", "problems.csv"):
        assert (again / f).read_bytes() == (out / f).read_bytes()
    moodle = list(csv.reader((out / "moodle_grades.csv").open(encoding="utf-8")))
    assert moodle[0] == ["idnumber", "Mid-Semester Examination"]
    assert len(moodle) == 31
    graded = list(csv.DictReader((out / "responses_graded.csv").open(encoding="utf-8")))
    assert {g["status"] for g in graded} <= {"correct", "wrong", "blank", "manual"}


def test_responses_template_has_every_student_and_the_grader_columns(built, tmp_path):
    from generator.grading.manifest import read_manifest
    from generator.grading.scoring import expected_columns

    rows = list(csv.reader((built / "responses_template.csv").open(encoding="utf-8")))
    manifest = read_manifest(built / "manifest.json")
    assert rows[0] == ["student_id", "name", "paper_id", *expected_columns(manifest.papers)]
    assert "Q6a" in rows[0] and "Q14_mark" in rows[0]
    assert [r[0] for r in rows[1:]] == [p.student_id for p in manifest.papers]
    assert all(not any(r[3:]) for r in rows[1:])
    out = tmp_path / "blank"
    r = invoke("grade", built / "manifest.json", built / "responses_template.csv", "--out", out)
    assert r.exit_code == 0 and "problems" not in r.output, r.output
    scores = list(csv.DictReader((out / "scores.csv").open(encoding="utf-8")))
    assert len(scores) == 30 and {s["total"] for s in scores} == {"0"}


def test_section_schemes_from_the_spec_reach_the_manifest_and_the_grade(tmp_path):
    spec = tmp_path / "exam.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace(
        '  - title: "Section B: Intermediate"\n',
        '  - title: "Section B: Intermediate"\n    matrix_scoring: per_entry\n    multiple_choice_scoring: partial\n'),
        encoding="utf-8")
    out = tmp_path / "exam"
    assert invoke("build", spec, "--n", 2, "--no-pdf", "--out", out).exit_code == 0
    import json

    sections = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["papers"][0]["sections"]
    assert [(s["matrix_scoring"], s["multiple_choice_scoring"]) for s in sections] == [
        ("all_or_nothing", "all_or_nothing"), ("per_entry", "partial"), ("all_or_nothing", "all_or_nothing")]
    key = [r for r in csv.DictReader((out / "answer_key.csv").open(encoding="utf-8")) if r["question_number"] == "11"]
    rows = ["student_id,Q11"]
    for r in key:
        entries = r["correct_answer"][1:-1].split("; ")
        entries[0] = " ".join(["99"] + entries[0].split()[1:])  # one of the nine entries wrong
        rows.append(f"{r['student_id']},[{'; '.join(entries)}]")
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = invoke("grade", out / "manifest.json", tmp_path / "r.csv", "--out", tmp_path / "g")
    assert res.exit_code == 0
    scores = list(csv.DictReader((tmp_path / "g" / "scores.csv").open(encoding="utf-8")))
    for s, r in zip(scores, key):
        n = len(r["correct_answer"].replace(";", " ").split())
        assert s["Q11"] == fmt(float(r["points"]) * (n - 1) / n)


def test_texts_are_cut_out_unread_without_feedback_and_joined_with_it(built, tmp_path):
    """Version 3 keeps the LaTeX under ``texts``: without texts the block is cut out before decoding and
    the records are those of decoding the whole file; with texts each question gets its own, exactly as a
    version-2 manifest (texts inside the questions) gives them."""
    import json

    import msgspec

    from generator.grading.manifest import (
        ManifestError,
        ManifestRecord,
        QuestionRecord,
        _decode_in_place,
        read_manifest,
    )

    path = built / "manifest.json"
    raw = path.read_bytes()
    whole = msgspec.json.decode(raw, type=ManifestRecord[QuestionRecord])
    assert read_manifest(path) == msgspec.structs.replace(whole, texts=None)
    assert _decode_in_place(raw, None) == msgspec.structs.replace(whole, texts=None)
    assert b"stem_tex" in raw and whole.texts is not None  # what was not decoded
    for part in (0, 1):  # the bytes at the cut are changed while the parts are decoded, then restored
        edited = bytearray(raw)
        assert _decode_in_place(edited, part).papers[part * 29].student_id == whole.papers[part * 29].student_id
        assert edited == raw
    data = json.loads(raw)

    with_texts = read_manifest(path, texts=True)
    q = with_texts.papers[4].questions[2]
    assert q.stem_tex == data["texts"][4][2]["stem_tex"] and q.solution_tex and with_texts.texts is None
    v2 = {k: v for k, v in data.items() if k != "texts"}
    for paper, texts in zip(v2["papers"], data["texts"]):
        for question, text in zip(paper["questions"], texts):
            question.update(text)
    old = tmp_path / "v2.json"
    old.write_text(json.dumps(v2, indent=1), encoding="utf-8")
    assert read_manifest(old, texts=True) == with_texts
    assert read_manifest(old) == read_manifest(path)

    del data["texts"][3][0]  # a question's texts lost: the pairing is refused, never shifted
    bad = tmp_path / "unpaired.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match="texts do not pair with its papers' questions"):
        read_manifest(bad, texts=True)


@pytest.mark.parametrize("paper", [2, 24])  # before the cut between the two parts, and after it
def test_a_broken_paper_line_is_reported_at_its_line_in_the_file(built, tmp_path, paper):
    from generator.grading.manifest import ManifestError, read_manifest

    lines = (built / "manifest.json").read_text(encoding="utf-8").split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith('  {"name"')) + paper
    lines[k] = lines[k].replace('"points":', '"points":,', 1)
    bad = tmp_path / "manifest.json"
    bad.write_text("\n".join(lines), encoding="utf-8")
    for texts, part in ((False, None), (True, None), (False, 0), (False, 1)):
        with pytest.raises(ManifestError, match=rf"In {bad}, line {k + 1}, column [0-9]+: not valid JSON"):
            read_manifest(bad, texts, part)


def test_a_half_of_the_papers_in_full_and_the_shapes_of_the_others(built):
    """What each of the two grading processes reads: its half of the papers as the whole manifest has them,
    the other half as shapes with the same students, numbers, answer types and parts."""
    from generator.grading.manifest import PaperShape, own_papers, read_manifest

    whole = read_manifest(built / "manifest.json")
    first = own_papers(read_manifest(built / "manifest.json", part=0).papers, 0)
    assert 10 <= len(first) <= 20  # cut at the middle of the file
    for part, full in ((0, slice(0, len(first))), (1, slice(len(first), None))):
        m = read_manifest(built / "manifest.json", part=part)
        assert (m.spec, m.manifest_version, len(m.papers)) == (whole.spec, whole.manifest_version, 30)
        assert own_papers(m.papers, part) == m.papers[full] == whole.papers[full]
        shapes = [p for p in m.papers if isinstance(p, PaperShape)]
        assert len(shapes) == 30 - len(m.papers[full])
        for shape in shapes:
            paper = next(p for p in whole.papers if p.student_id == shape.student_id)
            assert [(q.number, q.answer.type, [(x.label, x.weight, x.type) for x in q.answer.parts])
                    for q in shape.questions] == [(q.number, q.answer.type, [(x.label, x.weight, x.type)
                                                                             for x in q.answer.parts])
                                                  for q in paper.questions]


def test_two_processes_grade_a_built_class_as_one_does(built, tmp_path):
    """The manifest a build writes is split by lines for the two processes: same bytes as one process."""
    from generator.grading.run import GradingRun, GradingSources
    from generator.output import write_build

    rng = np.random.default_rng(4)
    rows: dict[str, dict[str, str]] = {}
    for r in read_key(built):
        sid, n, t, k = r["student_id"], int(r["question_number"]), r["answer_type"], r["correct_answer"]
        row = rows.setdefault(sid, {"student_id": sid})
        if t == "essay":
            row[f"Q{n}"], row[f"Q{n}_mark"] = "An answer.", "1" if rng.random() < 0.5 else ""
        elif t == "multi_part":
            for label, pk in parts(k):
                row[f"Q{n}{label}"] = pk if rng.random() < 0.6 else wrong_response("numerical", pk)
        else:
            row[f"Q{n}"] = right_response(t, k) if rng.random() < 0.6 else (
                "" if rng.random() < 0.3 else wrong_response(t, k))
    del rows[next(iter(rows))], rows[list(rows)[20]]  # absent: one in each half
    responses = write_responses(rows, tmp_path / "responses.csv")
    sources = GradingSources(built / "manifest.json", responses)
    for n in (1, 2):
        write_build(sources, tmp_path / f"parts{n}", [GradingRun(parts=n)])
    names = sorted(p.name for p in (tmp_path / "parts1").iterdir())
    assert len(names) == 11 and names == sorted(p.name for p in (tmp_path / "parts2").iterdir())
    for name in names:
        assert (tmp_path / "parts1" / name).read_bytes() == (tmp_path / "parts2" / name).read_bytes(), name


@pytest.mark.parametrize("keep", ["first", "short-long", "long-short", "three", "all"])
def test_the_two_parts_hold_every_paper_once_whatever_the_class(built, tmp_path, keep):
    """A manifest of the writer's layout with some of the papers: the papers of part 0 and part 1, in order,
    are all the papers, also when the second paper's line starts before the middle of the block (a short
    first paper), where the cut falls after the last line start."""
    from generator.grading.manifest import own_papers, read_manifest

    lines = (built / "manifest.json").read_text(encoding="utf-8").split("\n")
    papers_at = lines.index(' "papers": [') + 1
    texts_at = lines.index(' "texts": [') + 1
    n_all = 30
    by_length = sorted(range(n_all), key=lambda i: len(lines[papers_at + i]))
    chosen = {"first": [0], "short-long": [by_length[0], by_length[-1]],
              "long-short": [by_length[-1], by_length[0]], "three": [0, 1, 2], "all": list(range(n_all))}[keep]
    out = []
    for k, line in enumerate(lines):
        for at in (papers_at, texts_at):
            if at <= k < at + n_all:
                break
        else:
            out.append(line)
            continue
        if k == at:
            out += [lines[at + i].rstrip(",") + ("," if j < len(chosen) - 1 else "") for j, i in enumerate(chosen)]
    path = tmp_path / "manifest.json"
    path.write_text("\n".join(out), encoding="utf-8")
    whole = read_manifest(path).papers
    assert [p.student_id for p in whole] == [read_manifest(built / "manifest.json").papers[i].student_id
                                             for i in chosen]
    first, second = (own_papers(read_manifest(path, part=k).papers, k) for k in (0, 1))
    assert [*first, *second] == whole and (len(second) > 0) == (len(chosen) > 1)
    if keep == "short-long":  # graded end to end: both students, as in one process
        from generator.grading.run import GradingRun, GradingSources
        from generator.output import write_build

        sources = GradingSources(path, built / "responses_template.csv")
        for parts in (1, 2):
            write_build(sources, tmp_path / f"parts{parts}", [GradingRun(parts=parts)])
        scores = (tmp_path / "parts2" / "scores.csv").read_bytes()
        assert scores == (tmp_path / "parts1" / "scores.csv").read_bytes() and scores.count(b"\n") == 3
