"""Simulated classes on the sample exam (its 30-student roster, and 300 anonymous students): the analysis
files against an independent computation.

Responses come from ``answer_key.csv``: each student has an ability, each
question a difficulty, and one planted unfair variant (question 2's variants
with the commonest kernel size are answered wrong by almost everybody). The expected
marks are computed here (key, points and the spec's negative marking), and the
figures of ``items.csv``, ``summary.json``, ``distractors.csv`` and
``variants.csv`` are recomputed from them with numpy, not with the grading code.
"""

from __future__ import annotations

import base64
import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from lxml import html as lxml_html
from simclass import invoke, parts, read_key, right_response, write_responses, wrong_response

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "dl-midsem.yaml"
ROSTER = ROOT / "examples" / "roster.csv"
NEGATIVE = 0.25  # section A (questions 1-5) of the sample spec
PLANTED = 2  # dl/cnn/conv-params: the variants with one kernel size made much harder


@pytest.fixture(scope="module", params=[30, 300], ids=["roster-30", "n-300"])
def graded(request, tmp_path_factory):
    N = request.param
    tmp = tmp_path_factory.mktemp(f"analysis{N}")
    built = tmp / "exam"
    who = ["--roster", ROSTER] if N == 30 else ["--n", N]
    r = invoke("build", SPEC, *who, "--no-pdf", "--out", built)
    assert r.exit_code == 0, r.output
    key = read_key(built)
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    params = {(p["student_id"], q["number"]): q["params"] for p in manifest["papers"] for q in p["questions"]}
    kernels = Counter(params[(sid, n)]["kernel"] for sid, n in params if n == PLANTED)
    planted_kernel = kernels.most_common(1)[0][0]  # the commonest kernel's variants: enough students to tell
    rng = np.random.default_rng(2026)
    ability = {sid: rng.normal() for sid in dict.fromkeys(r["student_id"] for r in key)}
    numbers = sorted({int(r["question_number"]) for r in key})
    difficulty = {n: rng.uniform(-1.0, 0.8) for n in numbers}
    rows: dict[str, dict[str, str]] = {}
    marks: dict[str, dict[int, float]] = {}
    planted_right = {True: [0, 0], False: [0, 0]}  # hard variant? -> [right, n]
    for r in key:
        sid, n, t, k, pts = r["student_id"], int(r["question_number"]), r["answer_type"], r["correct_answer"], \
            float(r["points"])
        row, m = rows.setdefault(sid, {"student_id": sid}), marks.setdefault(sid, {})
        p_right = 1 / (1 + np.exp(-(1.5 * ability[sid] - difficulty[n])))
        if n == PLANTED:
            hard = params[(sid, n)]["kernel"] == planted_kernel
            p_right = 0.05 if hard else 0.85
        right = rng.random() < p_right
        if n == PLANTED:
            planted_right[hard][0] += right
            planted_right[hard][1] += 1
        if t == "essay":
            m[n] = float(round(pts * p_right))
            row[f"Q{n}"], row[f"Q{n}_mark"] = "An answer.", str(int(m[n]))
        elif t == "multi_part":
            for label, pk in parts(k):
                row[f"Q{n}{label}"] = pk if right else wrong_response("numerical", pk)
            m[n] = pts if right else 0.0
        elif rng.random() < 0.05 and n != PLANTED:
            row[f"Q{n}"], m[n] = "", 0.0
        elif right:
            row[f"Q{n}"], m[n] = right_response(t, k), pts
        else:
            row[f"Q{n}"] = wrong_response(t, k)
            m[n] = -NEGATIVE * pts if n <= 5 else 0.0
    responses = write_responses(rows, tmp / "responses.csv")
    out = tmp / "results"
    feedback = [] if N == 30 else ["--no-feedback"]  # the sample class gets its feedback PDFs
    r = invoke("grade", built / "manifest.json", responses, "--out", out, *feedback)
    assert r.exit_code == 0, r.output
    sids = list(rows)
    x = np.array([[marks[s][n] for n in numbers] for s in sids])
    top = np.array([max(float(r["points"]) for r in key if int(r["question_number"]) == n) for n in numbers])
    return {"N": N, "out": out, "x": x, "top": top, "numbers": numbers, "rows": rows, "built": built, "key": key,
            "planted_right": planted_right, "responses": responses}


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_items_csv_matches_numpy(graded):
    x, top, N = graded["x"], graded["top"], graded["N"]
    total = x.sum(axis=1)
    items = _csv(graded["out"] / "items.csv")
    assert [int(i["number"]) for i in items] == graded["numbers"]
    for j, item in enumerate(items):
        assert int(item["n"]) == N
        assert float(item["facility"]) == pytest.approx(x[:, j].mean() / top[j], abs=1e-4)
        assert float(item["sd"]) == pytest.approx(x[:, j].std(ddof=1) / top[j], abs=1e-4)
        if x[:, j].std() == 0:
            assert item["discrimination_index"] == ""
            continue
        rest = total - x[:, j]
        assert float(item["discrimination_index"]) == pytest.approx(100 * np.corrcoef(x[:, j], rest)[0, 1], abs=0.01)
        assert float(item["point_biserial"]) == pytest.approx(np.corrcoef(x[:, j], total)[0, 1], abs=1e-4)
        order = np.argsort(-total, kind="stable")
        k = round(0.27 * N)
        d = (x[order[:k], j].mean() - x[order[::-1][:k], j].mean()) / top[j]
        assert float(item["upper_lower_d"]) == pytest.approx(d, abs=1e-4)


def test_summary_json_matches_numpy(graded):
    x, N = graded["x"], graded["N"]
    total = x.sum(axis=1)
    s = json.loads((graded["out"] / "summary.json").read_text(encoding="utf-8"))
    assert s["n_students"] == N
    assert s["mean"] == pytest.approx(total.mean(), abs=1e-4)
    assert s["median"] == pytest.approx(np.median(total), abs=1e-4)
    assert s["sd"] == pytest.approx(total.std(ddof=1), abs=1e-4)
    assert (s["min"], s["max"]) == (pytest.approx(total.min()), pytest.approx(total.max()))
    k = x.shape[1]
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    assert s["alpha"] == pytest.approx(alpha, abs=1e-4)
    assert s["error_ratio"] == pytest.approx(100 * np.sqrt(1 - alpha), abs=0.01)


def test_distractors_share_of_the_right_option(graded):
    x, top, numbers, N = graded["x"], graded["top"], graded["numbers"], graded["N"]
    rows = _csv(graded["out"] / "distractors.csv")
    choice = sorted({int(r["number"]) for r in rows})
    assert PLANTED in choice
    for n in choice:
        j = numbers.index(n)
        right = int((x[:, j] == top[j]).sum())
        blank = sum(not graded["rows"][s].get(f"Q{n}") for s in graded["rows"])
        mine = [r for r in rows if int(r["number"]) == n]
        by = {r["option"]: r for r in mine}
        if "correct" not in by:  # a true/false question has no options
            continue
        assert int(by["correct"]["chosen_by"]) == right
        assert float(by["correct"]["share"]) == pytest.approx(right / N, abs=1e-4)
        assert int(by["(blank)"]["chosen_by"]) == blank
        assert sum(int(r["chosen_by"]) for r in mine) == N  # single choice: one label per student
    q1 = {r["option"] for r in rows if int(r["number"]) == 1}  # conv-output-size: options named by their mistake
    assert {"ignored the padding", "forgot the +1"} <= q1


def test_the_planted_unfair_variant_is_flagged_and_no_fair_question_is(graded):
    rows = _csv(graded["out"] / "variants.csv")
    unfair = {(int(r["number"]), r["grouping"]) for r in rows if r["unfair"] == "yes"}
    assert (PLANTED, "param kernel") in unfair
    assert {n for n, _ in unfair} == {PLANTED}
    kernel = next(r for r in rows if int(r["number"]) == PLANTED and r["grouping"] == "param kernel")
    right, n = graded["planted_right"][True]
    assert f"({right}/{n})" in kernel["facility_by_group"]
    assert float(kernel["q_value"]) < 0.05 and float(kernel["gap"]) >= 0.5


def test_report_first_screen_names_the_unfair_question_and_every_plot_is_a_png(graded):
    page = (graded["out"] / "report.html").read_text(encoding="utf-8")
    doc = lxml_html.fromstring(page)
    flags = " ".join(li.text_content() for li in doc.xpath("//ul[@class='flags']/li"))
    assert f"Q{PLANTED} (dl/cnn/conv-params)" in flags and "variants differ in difficulty by param kernel" in flags
    images = doc.xpath("//img/@src")
    assert len(images) == 2  # the histogram and the facility-discrimination scatter
    captions = [c.text_content() for c in doc.xpath("//div[@class='bars']/figure/figcaption")]
    choice = sorted({int(r["number"]) for r in _csv(graded["out"] / "distractors.csv")})
    assert [c.split()[0] for c in captions] == [f"Q{n}" for n in choice]  # option bars of every choice question
    bars = doc.xpath("//div[@class='bars']/figure")[choice.index(1)]
    labels = [td.get("title") for td in bars.xpath(".//td[@class='lab']")]
    assert labels[0] == "correct" and "ignored the padding" in labels
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "http://" not in page and "https://" not in page  # self-contained
    feedback = sorted(p.stem for p in (graded["out"] / "feedback").glob("*.pdf")) \
        if (graded["out"] / "feedback").exists() else []
    assert feedback == (sorted(graded["rows"]) if graded["N"] == 30 else [])
    if graded["N"] == 30:
        return  # grading again (same bytes) is checked once, without the feedback PDFs' typesetting
    again = graded["out"].parent / "again"
    r = invoke("grade", graded["built"] / "manifest.json", graded["responses"], "--out", again, "--no-feedback")
    assert r.exit_code == 0, r.output
    for f in ("report.html", "items.csv", "distractors.csv", "summary.json", "variants.csv"):
        assert (again / f).read_bytes() == (graded["out"] / f).read_bytes(), f
