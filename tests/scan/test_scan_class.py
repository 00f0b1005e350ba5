"""End to end: 30 students with sheets, a simulated class scanned in any order, ``scan``, then ``grade``.

The simulated class fills its sheets (answers drawn near the keys), the pages
are "scanned" at 150 dpi with small rotations, some upside down, into two
PDFs and a few JPEGs, shuffled, with one page twice, one page lost, one blank
page and one student absent. ``variantex scan`` must account for every
page; with the lost page's answers typed into ``corrections.csv`` its
responses must equal the simulated ones cell for cell, and ``variantex
grade`` must give the same scores for the scanned responses (with the
scanner's ``hand_marks.yaml``) as for the simulated ones.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from simulate import distort, draw_answers, fill_page, render_page

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "dl-midsem.yaml"
ROSTER = ROOT / "examples" / "roster.csv"
DPI = 150


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _keys(paper: dict) -> dict[str, object]:
    keys: dict[str, object] = {}
    for q in paper["questions"]:
        a = q["answer"]
        cells = [(f"Q{q['number']}{p['label']}", p) for p in a["parts"]] if a["type"] == "multi_part" \
            else [(f"Q{q['number']}", a)]
        for col, x in cells:
            if x["type"] == "numerical":
                keys[col] = float(x["value"])
            elif x["type"] == "single_choice":
                keys[col] = x["correct"]
    return keys


@pytest.fixture(scope="module")
def scanned_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    build = tmp / "exam"
    r = invoke("build", SPEC, "--roster", ROSTER, "--no-pdf", "--sheets", "--out", build)
    assert r.exit_code == 0, r.output
    layout = json.loads((build / "sheets" / "layout.json").read_text(encoding="utf-8"))
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    rng = np.random.default_rng(30)
    truth: dict[str, dict[str, str]] = {}
    images: list[tuple[str, int, np.ndarray]] = []
    absent = layout["sheets"][-1]["student_id"]
    for sheet, paper in zip(layout["sheets"], manifest["papers"]):
        if sheet["student_id"] == absent:
            continue
        keys = _keys(paper)
        truth[sheet["student_id"]] = {}
        for page in sheet["pages"]:
            img = render_page(str(build / "sheets" / f"{sheet['student_id']}.pdf"), page["page"] - 1, DPI)
            answers = draw_answers(page, rng, keys)
            fill_page(img, page, answers, rng, DPI, "clean")
            truth[sheet["student_id"]].update(answers)
            img = distort(img, rng, rotate=float(rng.uniform(-3, 3)), upside_down=bool(rng.random() < 0.2),
                          scale=float(rng.uniform(0.95, 1.05)), noise=4.0)
            images.append((sheet["student_id"], page["page"], img))
    order = rng.permutation(len(images))
    lost = images[order[0]]
    kept = [images[k] for k in order[1:]]
    kept.append(kept[3])  # the same page scanned twice
    scans = tmp / "scans"
    scans.mkdir()
    half = len(kept) // 2
    for name, part in (("batch1.pdf", kept[:half - 3]), ("batch2.pdf", kept[half - 3:-3])):
        pil = [Image.fromarray(img) for _, _, img in part]
        pil[0].save(scans / name, save_all=True, append_images=pil[1:], resolution=DPI, quality=85)
    for k, (_, _, img) in enumerate(kept[-3:]):
        cv2.imwrite(str(scans / f"loose{k}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 60])
    cv2.imwrite(str(scans / "blank.png"), np.full((1754, 1240), 250, np.uint8))
    return {"build": build, "layout": layout, "truth": truth, "lost": lost, "scans": scans, "absent": absent,
            "tmp": tmp, "n_inputs": len(kept) + 1, "duplicate": kept[3][:2]}


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def _cells(truth: dict[str, str], layout_sheet: dict) -> dict[str, str]:
    """The simulated answers as responses cells (hand-marked vectors and matrices are not cells)."""
    out = {}
    for p in layout_sheet["pages"]:
        for f in p["fields"]:
            if f["kind"] == "points" and f["answer_type"] != "essay":
                continue
            out[f["column"]] = truth[f["column"]]
    return out


def _same(a: str, b: str) -> bool:
    try:
        return a == b or float(a) == float(b)
    except ValueError:
        return False


def test_scan_accounts_for_every_page_and_grades_like_the_simulation(scanned_class, tmp_path):
    c = scanned_class
    out = tmp_path / "scan"
    r = invoke("scan", c["build"], c["scans"], "--out", out, "--progress")
    assert r.exit_code == 0, r.output
    report = _rows(out / "scan_report.csv")
    pages = [x for x in report if x["file"]]
    assert len(pages) == c["n_inputs"]
    assert sum(x["status"] == "read" for x in pages) == c["n_inputs"] - 2
    dup = [x for x in pages if x["status"] == "duplicate"]
    assert len(dup) == 1 and (dup[0]["student_id"], int(dup[0]["sheet_page"])) == c["duplicate"]
    blank = [x for x in pages if x["status"] == "unreadable"]
    assert len(blank) == 1 and blank[0]["file"].endswith("blank.png") and "no markers" in blank[0]["problems"]
    missing = [x for x in report if x["status"] == "missing"]
    assert [(x["student_id"], int(x["sheet_page"])) for x in missing] == [c["lost"][:2]]
    assert [x["student_id"] for x in report if x["status"] == "absent"] == [c["absent"]]
    review = (out / "review.html").read_text(encoding="utf-8")
    assert "blank.png" in review and "data:image/png;base64," in review and f"{c['lost'][0]}" in review

    sheets = {s["student_id"]: s for s in c["layout"]["sheets"]}
    lost_sid, lost_page = c["lost"][:2]
    lost_fields = {f["column"] for f in sheets[lost_sid]["pages"][lost_page - 1]["fields"]}
    responses = {x["student_id"]: x for x in _rows(out / "responses.csv")}
    assert set(responses) == set(c["truth"])
    for sid, t in c["truth"].items():
        for col, want in _cells(t, sheets[sid]).items():
            got = responses[sid][col]
            if sid == lost_sid and col in lost_fields:
                assert got == "unreadable"
            else:
                assert _same(got, want), (sid, col, got, want)
    template = _rows(out / "corrections_template.csv")
    assert {(x["student_id"], x["column"]) for x in template} == {(lost_sid, col) for col in lost_fields}

    # the instructor types in the lost page's answers
    corrections = tmp_path / "corrections.csv"
    with corrections.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "column", "value"])
        for x in template:
            w.writerow([x["student_id"], x["column"], c["truth"][lost_sid][x["column"]] or "blank"])
    fixed = tmp_path / "fixed"
    assert invoke("scan", c["build"], c["scans"], "--out", fixed, "--corrections", corrections).exit_code == 0
    responses = {x["student_id"]: x for x in _rows(fixed / "responses.csv")}
    assert not _rows(fixed / "corrections_template.csv")

    # the simulated responses, graded, against the scanned ones, graded
    columns = list(next(iter(responses.values())).keys())
    sim = tmp_path / "simulated.csv"
    rules = {"override": []}
    with sim.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns)
        w.writeheader()
        for sid, t in c["truth"].items():
            row = {k: "" for k in columns}
            row.update(student_id=sid, name=responses[sid]["name"], paper_id=responses[sid]["paper_id"])
            row.update(_cells(t, sheets[sid]))
            w.writerow(row)
            for p in sheets[sid]["pages"]:
                for f in p["fields"]:
                    if f["kind"] == "points" and f["answer_type"] != "essay" and t[f["column"]] != "":
                        rules["override"].append({"student_id": sid, "question": f["column"],
                                                  "points": float(t[f["column"]]), "reason": "simulated marker"})
    (tmp_path / "sim_rules.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    manifest = c["build"] / "manifest.json"
    assert invoke("grade", manifest, sim, "--rules", tmp_path / "sim_rules.yaml", "--out", tmp_path / "g1").exit_code == 0
    assert invoke("grade", manifest, fixed / "responses.csv", "--rules", fixed / "hand_marks.yaml",
                  "--out", tmp_path / "g2").exit_code == 0
    expected = {x["student_id"]: x for x in _rows(tmp_path / "g1" / "scores.csv")}
    got = {x["student_id"]: x for x in _rows(tmp_path / "g2" / "scores.csv")}
    assert got == expected
    assert len([s for s in got.values() if s["total"] != "0"]) >= 25
