"""Reading simulated pages: clean marks all right; distorted pages right or flagged, never wrong unflagged.

The simulator (``simulate.py``) fills the sheets from layout.json alone; the
scanner's readings are compared with what the simulated student meant. The
big accuracy run is ``bench/bench_scan.py``; this is a small, fixed sample.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from simulate import compare, distort, draw_answers, fill_page, random_distortion, render_page

from generator.scan import read_pages
from generator.scan.inputs import PageRef


def _pages(layout):
    return [(s, p) for s in layout["sheets"] for p in s["pages"]]


def _read(tmp_path, built, layout, rng, styles, distortion, n=None, dpis=(150, 200, 300)):
    """Fill, distort and read the sheet pages; return (right, flagged, wrong, problems, descriptions)."""
    refs, truths, expected = [], [], []
    for k, (sheet, page) in enumerate(_pages(layout)[:n]):
        dpi = dpis[k % len(dpis)]
        img = render_page(str(built / "sheets" / f"{sheet['student_id']}.pdf"), page["page"] - 1, dpi)
        truths.append(fill_page(img, page, draw_answers(page, rng), rng, dpi, styles))
        img = distort(img, rng, **distortion(k, rng))
        path = tmp_path / f"page{k}.{'jpg' if k % 2 else 'png'}"
        cv2.imwrite(str(path), img)
        refs.append(PageRef(str(path), 0))
        expected.append((sheet["student_id"], page["page"]))
    results = read_pages(refs, layout, workers=1)
    right = flagged = wrong = 0
    problems, bad = [], []
    for r, truth, (sid, page) in zip(results, truths, expected):
        if r.problem:
            problems.append(r.problem)
            continue
        assert (r.student_id, r.page) == (sid, page)
        a, f, w, b = compare(truth, {x.column: x.value for x in r.fields})
        right, flagged, wrong = right + a, flagged + f, wrong + w
        bad += b
    return right, flagged, wrong, problems, bad


def test_clean_marks_read_exactly(tmp_path, built, layout):
    rng = np.random.default_rng(1)
    right, flagged, wrong, problems, bad = _read(tmp_path, built, layout, rng, "clean", lambda k, rng: {})
    assert not problems and not bad
    assert flagged == 0 and wrong == 0 and right > 60


def test_distorted_pages_right_or_flagged(tmp_path, built, layout):
    """Rotation, 180°, skew, scale, blur, noise, JPEG 30, a folded corner; messy marks."""
    rng = np.random.default_rng(2)

    def distortion(k, rng):
        d = random_distortion(rng)
        d["upside_down"] = k % 3 == 0
        d["fold"] = k % 4 == 1
        d["jpeg"] = 30 if k % 2 else None
        return d

    right, flagged, wrong, problems, bad = _read(tmp_path, built, layout, rng, "messy", distortion)
    assert not problems
    assert wrong == 0, bad
    assert right / (right + flagged) >= 0.98


@pytest.mark.parametrize("what", ["upside_down", "fold", "blur_jpeg"])
def test_each_distortion_alone(tmp_path, built, layout, what):
    rng = np.random.default_rng(3)
    extra = {"upside_down": {"upside_down": True, "rotate": 7.0},
             "fold": {"fold": True, "rotate": -4.0},
             "blur_jpeg": {"blur": 1.5, "noise": 10.0, "jpeg": 30, "scale": 0.9}}[what]
    right, flagged, wrong, problems, _ = _read(tmp_path, built, layout, rng, "clean", lambda k, rng: extra,
                                                 n=2, dpis=(150,))
    assert not problems and wrong == 0 and flagged == 0 and right > 10


def _first_field(layout, kind, answer_type=None):
    for sheet in layout["sheets"]:
        for page in sheet["pages"]:
            for f in page["fields"]:
                if f["kind"] == kind and answer_type in (None, f.get("answer_type")):
                    return sheet, page, f
    raise AssertionError(kind)


def _read_one(tmp_path, built, layout, sheet, page, draw):
    img = render_page(str(built / "sheets" / f"{sheet['student_id']}.pdf"), page["page"] - 1, 200)
    draw(img, 200 / 72)
    path = tmp_path / "one.png"
    cv2.imwrite(str(path), img)
    (r,) = read_pages([PageRef(str(path), 0)], layout, workers=1)
    return {f.column: (f.value, f.reason, f.crop) for f in r.fields}


def test_ambiguous_items_are_flagged_not_guessed(tmp_path, built, layout):
    """Two marks in a single choice, a small dot (between the thresholds) are unreadable; a light
    erasure smudge is no mark."""
    sheet, page, f = _first_field(layout, "choice", "single_choice")
    (xa, ya, r, _), (xb, yb, _, _), (xc, yc, _, _) = f["bubbles"][:3]

    def two_marks(img, s):
        for x, y in ((xa, ya), (xb, yb)):
            cv2.circle(img, (round(x * s), round(y * s)), round(r * s), 20, -1)

    value, reason, crop = _read_one(tmp_path, built, layout, sheet, page, two_marks)[f["column"]]
    assert value is None and "one is allowed" in reason and crop.startswith(b"\x89PNG")

    def dot(img, s):
        cv2.circle(img, (round(xa * s), round(ya * s)), round(0.3 * r * s), 20, -1)

    value, reason, _ = _read_one(tmp_path, built, layout, sheet, page, dot)[f["column"]]
    assert value is None and "between the thresholds" in reason

    def erased(img, s):
        cv2.circle(img, (round(xc * s), round(yc * s)), round(r * s), 20, -1)
        cv2.circle(img, (round(xa * s), round(ya * s)), round(r * s), 215, -1)

    value, _, _ = _read_one(tmp_path, built, layout, sheet, page, erased)[f["column"]]
    assert value == f["bubbles"][2][3]


def test_page_without_a_readable_qr_is_matched_by_its_page_code(tmp_path, built, layout):
    sheet = layout["sheets"][2]
    img = render_page(str(built / "sheets" / f"{sheet['student_id']}.pdf"), 1, 200)
    s = 200 / 72
    q = layout["qr"]
    img[int(q["y"] * s):int((q["y"] + q["size"]) * s), int(q["x"] * s):int((q["x"] + q["size"]) * s)] = 255
    path = tmp_path / "noqr.png"
    cv2.imwrite(str(path), distort(img, np.random.default_rng(0), rotate=3.0))
    (r,) = read_pages([PageRef(str(path), 0)], layout, workers=1)
    assert (r.student_id, r.page, r.paper_id, r.identified_by) == (sheet["student_id"], 2, sheet["paper_id"],
                                                                  "page code")
    assert not r.problem and r.fields


def test_sheet_of_another_exam_is_reported_not_read(tmp_path, built, layout):
    sheet = layout["sheets"][0]
    img = render_page(str(built / "sheets" / f"{sheet['student_id']}.pdf"), 0, 150)
    path = tmp_path / "other.png"
    cv2.imwrite(str(path), img)
    other = dict(layout, exam_hash="0123456789ab")
    (r,) = read_pages([PageRef(str(path), 0)], other, workers=1)
    assert "another exam" in r.problem and layout["exam_hash"] in r.problem and not r.fields
