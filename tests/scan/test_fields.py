"""Field decoding from bubble fills alone (no images): numbers, points, student numbers, choices."""

from __future__ import annotations

import numpy as np
import pytest

from generator.scan.fields import read_field
from generator.sheets.layout import question_fields, sheet_layout


def _fills(f, marked: dict[str, float]) -> np.ndarray:
    return np.array([marked.get(b[3], 0.0) for b in f["bubbles"]])


def _number(int_digits=3, dec=2):
    q = {"number": 4, "points": 2, "answer": {"type": "numerical", "value": 12.5, "tolerance": 0.005}}
    (f,) = question_fields(q)
    f = f.to_json()
    assert (f["int_digits"], f["dec_digits"]) == (int_digits, dec)
    return f


@pytest.mark.parametrize("marks, expected", [
    ({"1:1": 1, "2:2": 1, "3:5": 1}, "12.5"),
    ({"0:1": 1, "1:2": 1, "2:0": 1}, "120"),
    ({"-": 1, "2:0": 1, "3:0": 1, "4:7": 1}, "-0.07"),
    ({"3:5": 1}, "0.5"),
    ({"0:0": 1, "1:0": 1, "2:3": 1}, "3"),
    ({}, ""),
])
def test_numbers(marks, expected):
    f = _number()
    assert read_field(f, _fills(f, marks)).value == expected


@pytest.mark.parametrize("marks, why", [
    ({"0:1": 1, "2:2": 1}, "empty column"),            # a gap between digits: 1_2
    ({"1:1": 1, "1:2": 1}, "1, 2 marked"),              # two digits in one column
    ({"1:1": 1, "2:2": 0.25}, "between the thresholds"),
    ({"-": 1}, "sign"),
    ({"3:1": 1, "4:2": 0, "2:4": 1, "1:3": 1}, None),   # 34.1: fine, for contrast
    ({"2:1": 1, "4:2": 1}, "between decimal digits"),  # 1._2
])
def test_numbers_never_guessed(marks, why):
    f = _number()
    r = read_field(f, _fills(f, marks))
    if why is None:
        assert r.value == "34.1"
    else:
        assert r.value is None and why in r.reason


def test_points_and_half_points():
    q = {"number": 9, "points": 3.5, "answer": {"type": "essay", "model_answer_tex": ""}}
    (f,) = question_fields(q)
    f = f.to_json()
    assert f["column"] == "Q9_mark" and [b[3] for b in f["bubbles"]] == ["0", "1", "2", "3", "+0.5"]
    assert read_field(f, _fills(f, {"3": 1, "+0.5": 1})).value == "3.5"
    assert read_field(f, _fills(f, {"+0.5": 1})).value == "0.5"
    assert read_field(f, _fills(f, {"1": 1, "2": 1})).value is None
    big = question_fields({"number": 2, "points": 25, "answer": {"type": "matrix", "value": [[1]]}})[0].to_json()
    assert read_field(big, _fills(big, {"t20": 1, "4": 1})).value == "24"
    assert read_field(big, _fills(big, {"t20": 1, "7": 1})).value is None  # 27 > 25


def test_choices():
    q = {"number": 1, "points": 1, "answer": {"type": "multiple_choice", "options": [
        {"letter": c} for c in "abcd"]}}
    (f,) = question_fields(q)
    f = f.to_json()
    assert read_field(f, _fills(f, {"a": 1, "c": 0.9})).value == "ac"
    single = dict(f, answer_type="single_choice")
    assert read_field(single, _fills(f, {"a": 1, "c": 0.9})).value is None
    tf = question_fields({"number": 2, "points": 1, "answer": {"type": "true_false", "value": True}})[0].to_json()
    assert read_field(tf, _fills(tf, {"false": 0.8})).value == "false"


def test_anonymous_sheet_has_a_student_number_grid():
    paper = {"student_id": "007", "name": "", "paper_id": "P-1",
             "questions": [{"number": 1, "points": 1, "answer": {"type": "true_false", "value": True}}]}
    sheet = sheet_layout(paper, 6, anonymous=True)
    f = sheet["pages"][0]["fields"][0]
    assert f["kind"] == "student_number" and f["int_digits"] == 8
    marks = {f"{k}:{d}": 1 for k, d in enumerate([0, 0, 2, 0, 2, 5, 0, 1])}
    assert read_field(f, _fills(f, marks)).value == "00202501"  # a student number keeps its zeros
    gap = {"2:2": 1, "4:2": 1}
    assert read_field(f, _fills(f, gap)).value is None


@pytest.mark.parametrize("points", [1, 2.5, 4, 9.5, 10, 10.5, 11, 25, 99.5])
def test_points_fields_fit_a_column_and_read_every_mark(points):
    from generator.sheets.layout import COLUMN_W

    (f,) = question_fields({"number": 3, "points": points, "answer": {"type": "essay", "model_answer_tex": ""}})
    f = f.to_json()
    assert f["box"][2] - f["box"][0] <= COLUMN_W
    values = [b[3] for b in f["bubbles"]]
    steps = [k / 2 for k in range(int(points * 2) + 1)] if "+0.5" in values else list(range(int(points) + 1))
    for x in steps:
        whole = int(x)
        if any(v.startswith("t") for v in values):
            marks = {f"t{10 * (whole // 10)}": 1, str(whole % 10): 1}
        else:
            marks = {str(whole): 1}
        if x != whole:
            marks["+0.5"] = 1
        assert read_field(f, _fills(f, marks)).value == f"{x:g}"


def test_many_options_fit_a_column():
    from generator.sheets.layout import COLUMN_W

    q = {"number": 1, "points": 1, "answer": {"type": "single_choice", "options": [
        {"letter": c} for c in "abcdefghij"]}}
    (f,) = question_fields(q)
    f = f.to_json()
    assert f["box"][2] - f["box"][0] <= COLUMN_W
    xs = [b[0] for b in f["bubbles"]]
    assert np.diff(xs).min() > 2 * f["bubbles"][0][2]
    assert read_field(f, _fills(f, {"h": 1})).value == "h"
