"""Scoring rules on a small hand-written manifest (grading reads nothing else), and bad responses.

Bad inputs are each reported with their CSV line and column, and every row
that can be graded is graded.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main


def _opt(letter: str, correct: bool, rationale: str = "") -> dict:
    return {"letter": letter, "correct": correct, "rationale": rationale, "text_tex": letter.upper()}


def _q(number: int, answer: dict, points: float, key: str, negative: float = 0.0) -> dict:
    t = answer["type"]
    return {"number": number, "question_id": f"t/q{number}", "seed": number, "attempt": 0, "points": points,
            "negative_marking": negative, "answer_type": t, "params": {}, "answer": answer, "key_text": key}


QUESTIONS = [
    _q(1, {"type": "single_choice", "correct": "b", "options": [_opt("a", False, "forgot the bias"),
                                                                 _opt("b", True), _opt("c", False),
                                                                 _opt("d", False)]}, 2, "(b)", 0.25),
    _q(2, {"type": "multiple_choice", "correct": ["a", "c"],
           "options": [_opt("a", True), _opt("b", False), _opt("c", True), _opt("d", False)]}, 2, "(a) (c)", 0.5),
    _q(3, {"type": "true_false", "value": False}, 1, "False", 0.25),
    _q(4, {"type": "numerical", "value": 0.0781, "tolerance": 0.001, "relative": False, "unit": ""}, 1, "0.0781",
       0.25),
    _q(5, {"type": "matrix", "value": [[1, 2], [3, 4]], "tolerance": 0.0}, 4, "[1 2; 3 4]"),
    _q(6, {"type": "multi_part", "parts": [
        {"label": "a", "weight": 3.0, "type": "numerical", "value": 27, "tolerance": 0, "relative": False},
        {"label": "b", "weight": 1.0, "type": "short_text", "accepted": ["ReLU"], "case_sensitive": False}]},
       4, "(a) 27; (b) ReLU"),
    _q(7, {"type": "essay", "model_answer_tex": "..."}, 5, "essay, graded by hand against the model answer"),
    _q(8, {"type": "vector", "value": [1, 2, 3], "tolerance": 0.01}, 3, "[1 2 3]"),
]
COLUMNS = "student_id,Q1,Q2,Q3,Q4,Q5,Q6a,Q6b,Q7,Q7_mark,Q8"


def manifest(tmp_path: Path, mc: str = "all_or_nothing", matrix: str = "all_or_nothing",
             students=("S1", "S2", "S3")) -> Path:
    papers = [{"student_id": s, "name": f"Student {s}", "paper_id": f"P-{s}", "total_points": 22,
               "sections": [{"title": "A", "negative_marking": 0.25, "multiple_choice_scoring": mc,
                             "matrix_scoring": matrix, "questions": [1, 2, 3, 4]},
                            {"title": "B", "negative_marking": 0.0, "multiple_choice_scoring": mc,
                             "matrix_scoring": matrix, "questions": [5, 6, 7, 8]}],
               "questions": QUESTIONS} for s in students]
    path = tmp_path / "exam" / "manifest.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"spec": {"content": {"header": {"exam_title": "Test"}}}, "papers": papers}),
                    encoding="utf-8")
    return path


def run(tmp_path: Path, responses: str, **kw) -> tuple[object, dict[str, dict[str, str]], list[dict[str, str]]]:
    m = manifest(tmp_path, **kw)
    r = tmp_path / "responses.csv"
    r.write_text(responses, encoding="utf-8")
    out = tmp_path / "results"
    result = CliRunner().invoke(main, ["grade", str(m), str(r), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    scores = {row["student_id"]: row for row in csv.DictReader((out / "scores.csv").open(encoding="utf-8"))}
    graded = list(csv.DictReader((out / "responses_graded.csv").open(encoding="utf-8")))
    return result, scores, graded


def test_all_right_all_wrong_and_blank(tmp_path):
    _, scores, graded = run(tmp_path, COLUMNS + "\n"
                            "S1,B,\"a,c\",f,7.81e-2,[1 2; 3 4],27,  relu ,essay text,4.5,[1.005 2 3]\n"
                            "S2,a,ac d,true,0.5,[1 2; 3 5],26,sigmoid,,,[1; 2; 4]\n"
                            "S3,,,,,,,,,,\n")
    assert [scores["S1"][f"Q{n}"] for n in range(1, 9)] == ["2", "2", "1", "1", "4", "4", "4.5", "3"]
    assert scores["S1"]["total"] == "21.5" and scores["S1"]["max"] == "22"
    # negative marking: wrong choice answers lose the fraction; numerical never below 0
    assert [scores["S2"][f"Q{n}"] for n in range(1, 9)] == ["-0.5", "-1", "-0.25", "0", "0", "0", "0", "0"]
    assert scores["S2"]["total"] == "-1.75" and scores["S2"]["percent"] == "-7.95"
    assert [scores["S3"][f"Q{n}"] for n in range(1, 9)] == ["0"] * 8
    by = {(g["student_id"], g["question"], g["part"]): g for g in graded}
    assert by[("S3", "1", "")]["status"] == "blank"
    assert by[("S2", "7", "")]["status"] == "manual" and by[("S2", "7", "")]["points"] == "0"
    assert by[("S1", "7", "")]["status"] == "manual" and by[("S1", "7", "")]["points"] == "4.5"
    assert by[("S1", "6", "b")]["correct_answer"] == "ReLU"
    assert by[("S1", "6", "a")]["max_points"] == "3"


def test_responses_with_quotes_and_line_breaks_read_back_from_the_gradebook(tmp_path):
    """An essay with a bare carriage return, and a short answer with a comma, quotes and a line break:
    responses_graded.csv holds each response whole, on the row of its cell."""
    essay = "typed on an old Mac:\rthe next line"  # a bare carriage return: nothing else to quote
    short = 'relu, "I think"\r\nor tanh'
    cells = ["S1", "b", "ac", "false", "0.0781", "[1 2; 3 4]", "27", short, essay, "", "[1 2 3]"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([COLUMNS.split(","), cells])  # CRLF line ends: a cell with \r is quoted
    run(tmp_path, buffer.getvalue())
    with (tmp_path / "results" / "responses_graded.csv").open(encoding="utf-8", newline="") as fh:
        graded = list(csv.DictReader(fh))  # newline="": a CSV reader sees each line break as written
    by = {(g["student_id"], g["question"], g["part"]): g for g in graded}
    assert len(graded) == 9  # S1's nine cells; S2 and S3 have no row
    assert by[("S1", "7", "")]["response"] == essay and by[("S1", "7", "")]["status"] == "manual"
    assert by[("S1", "6", "b")]["response"] == short and by[("S1", "6", "b")]["status"] == "wrong"
    assert by[("S1", "8", "")]["response"] == "[1 2 3]" and by[("S1", "8", "")]["status"] == "correct"


def test_a_cell_the_scanner_could_not_read_is_unreadable_for_every_type(tmp_path):
    _, scores, graded = run(tmp_path, COLUMNS + "\nS1,unreadable,Unreadable,unreadable,unreadable,unreadable,"
                            "unreadable,unreadable,,,unreadable\n")
    assert {g["status"] for g in graded if g["student_id"] == "S1" and g["question"] != "7"} == {"unreadable"}
    assert scores["S1"]["total"] == "0"  # no negative marking for an unreadable choice


def test_partial_multiple_choice(tmp_path):
    # 2 right (a, c) of 4: +1/2 each; 2 wrong: -1/2 each; floored at 0; section A's negative marking when 0
    _, scores, graded = run(tmp_path, COLUMNS + "\nS1,,a,,,,,,,,\nS2,,abc,,,,,,,,\nS3,,bd,,,,,,,,\n", mc="partial")
    assert [scores[s]["Q2"] for s in ("S1", "S2", "S3")] == ["1", "1", "-1"]
    assert [g["status"] for g in graded if g["question"] == "2"] == ["partial", "partial", "wrong"]


def test_matrix_per_entry(tmp_path):
    _, scores, _ = run(tmp_path, COLUMNS + "\nS1,,,,,[1 2; 3 5],,,,,[1 2 9]\nS2,,,,,[1 2 3 4],,,,,\n",
                       matrix="per_entry")
    assert scores["S1"]["Q5"] == "3" and scores["S1"]["Q8"] == "2"
    assert scores["S2"]["Q5"] == "0"  # wrong shape


def test_multi_part_weights(tmp_path):
    _, scores, graded = run(tmp_path, COLUMNS + "\nS1,,,,,,27,tanh,,,\nS2,,,,,,1,RELU,,,\n")
    assert scores["S1"]["Q6"] == "3" and scores["S2"]["Q6"] == "1"
    assert [g["status"] for g in graded if g["question"] == "6"] == ["correct", "wrong", "wrong", "correct"]


def test_essay_mark_read_back_by_a_second_run(tmp_path):
    text = COLUMNS + "\nS1,,,,,,,,My essay,,\nS2,,,,,,,,Other,,\nS3,,,,,,,,,,\n"
    _, scores, graded = run(tmp_path, text)
    assert scores["S1"]["Q7"] == "0"
    assert [g["status"] for g in graded if g["question"] == "7"] == ["manual"] * 3
    # the marker enters scores in the Q7_mark column and grades again
    marked = text.replace("My essay,,", "My essay,3.5,").replace("Other,,", "Other,0,")
    result, scores, graded = run(tmp_path, marked)
    assert scores["S1"]["Q7"] == "3.5" and scores["S2"]["Q7"] == "0"
    assert [g["points"] for g in graded if g["question"] == "7"] == ["3.5", "0", "0"]
    # a mark above the question's points is unreadable and reported
    result, scores, _ = run(tmp_path, marked.replace("3.5", "9"))
    assert "line 2, column Q7_mark" in result.output and scores["S1"]["Q7"] == "0"


@pytest.mark.parametrize("responses, where, graded_ok", [
    (COLUMNS + "\nS1,b,,,,,,,,,\nX9,b,,,,,,,,,\nS2,b,,,,,,,,,\nS3,b,,,,,,,,,\n",
     ["line 3, column student_id", "unknown student id 'X9'"], ("S1", "S2", "S3")),
    (COLUMNS + "\nS1,b,,,,,,,,,\nS2,b,,,,,,,,,\nS1,a,,,,,,,,,\nS3,b,,,,,,,,,\n",
     ["line 4, column student_id", "duplicate row for S1 (first on line 2)"], ("S1", "S2", "S3")),
    (COLUMNS + "\nS1,b,,,,,,,,,\nS3,b,,,,,,,,,\n", ["student S2 (Student S2) has no row"], ("S1", "S3")),
    (COLUMNS + "\nS1,b,,,\"0,0781\",,,,,,\nS2,b,,,zz,,,,,,\nS3,b,q,,,,,,,,\n",
     ["line 2, column Q4", "'0,0781' is not a number", "line 3, column Q4", "line 4, column Q2"],
     ("S1", "S2", "S3")),
    (COLUMNS.replace(",Q3", "") + "\nS1,b,,,,,,,,\nS2,b,,,,,,,,\nS3,b,,,,,,,,\n",
     ["line 1, column Q3", "column Q3 is missing"], ("S1", "S2", "S3")),
    (COLUMNS + ",comments\nS1,b,,,,,,,,,,ok\nS2,b,,,,,,,,,,\nS3,b,,,,,,,,,,\n",
     ["line 1, column comments", "extra column 'comments' (column 12)"], ("S1", "S2", "S3")),
])
def test_bad_responses_are_reported_and_the_rest_graded(tmp_path, responses, where, graded_ok):
    result, scores, graded = run(tmp_path, responses)
    for fragment in where:
        assert fragment in result.output, result.output
    problems = (tmp_path / "results" / "problems.csv").read_text(encoding="utf-8")
    assert where[-1].split(", column")[0].split("line")[-1].strip() in problems or "has no row" in problems
    for sid in graded_ok:
        assert scores[sid]["Q1"] == "2", sid
    for sid in {"S1", "S2", "S3"} - set(graded_ok):
        assert scores[sid]["Q1"] == "" and scores[sid]["total"] == ""
    statuses = {(g["student_id"], g["question"]): g["status"] for g in graded}
    if "column Q4" in where[0]:
        assert statuses[("S1", "4")] == "unreadable" and statuses[("S2", "4")] == "unreadable"
        assert statuses[("S3", "2")] == "unreadable"
    if "column Q3" in where[0]:
        assert statuses[("S1", "3")] == "unreadable"


@pytest.mark.parametrize("mode", ["--feedback", "--no-feedback"])  # graded in one process, or two
def test_unreadable_inputs_fail_cleanly(tmp_path, mode):
    m = manifest(tmp_path)
    bad = tmp_path / "r.csv"
    bad.write_text("name,Q1\nx,b\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(m), str(bad), "--out", str(tmp_path / "o"), mode])
    assert r.exit_code == 1 and "Traceback" not in r.output and "line 1" in r.output and "student_id" in r.output
    m.write_text("{\n  oops", encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(m), str(bad), "--out", str(tmp_path / "o"), mode])
    assert r.exit_code == 1 and "line 2, column 3" in r.output and str(m) in r.output
    assert not (tmp_path / "o").exists()


RESPONSES = COLUMNS + "\nS1,a,ac,t,0.5,[1 2; 3 4],27,tanh,x,,[1 2 3]\nS2,b,ac,f,0.0781,[1 2; 3 4],27,relu,x,,\n" \
    "S3,c,,,,,,,,,\n"


def run_rules(tmp_path: Path, rules: str) -> tuple[object, dict, list, list]:
    m = manifest(tmp_path)
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    out = tmp_path / "results"
    result = CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(out),
                                       "--rules", str(tmp_path / "rules.yaml")])
    assert result.exit_code == 0, result.output
    scores = {row["student_id"]: row for row in csv.DictReader((out / "scores.csv").open(encoding="utf-8"))}
    graded = list(csv.DictReader((out / "responses_graded.csv").open(encoding="utf-8")))
    overrides = list(csv.DictReader((out / "overrides.csv").open(encoding="utf-8")))
    return result, scores, graded, overrides


def test_rule_drop(tmp_path):
    _, scores, graded, overrides = run_rules(tmp_path, "drop:\n  - question: Q1\n    reason: ambiguous\n")
    assert [scores[s]["Q1"] for s in ("S1", "S2", "S3")] == ["0", "0", "0"]
    assert scores["S2"]["max"] == "20"
    assert overrides == [{"rule": "drop", "question": "Q1", "student_id": "", "reason": "ambiguous",
                          "detail": "3 students"}]
    assert all("dropped: ambiguous" in g["note"] for g in graded if g["question"] == "1")


def test_rule_full_marks(tmp_path):
    _, scores, _, overrides = run_rules(tmp_path, "full_marks:\n  - question: 3\n    reason: typo\n")
    assert [scores[s]["Q3"] for s in ("S1", "S2", "S3")] == ["1", "1", "1"]
    assert overrides[0]["rule"] == "full_marks" and overrides[0]["reason"] == "typo"


def test_rule_accept(tmp_path):
    _, scores, graded, overrides = run_rules(tmp_path, (
        "accept:\n  - question: Q6b\n    answer: tanh\n    reason: also right\n"
        "  - question: 1\n    answer: a\n    student_id: S1\n    reason: option a was also right on S1's paper\n"
        "  - question: 4\n    answer: 0.5\n    reason: rounding\n"))
    assert scores["S1"]["Q6"] == "4" and scores["S1"]["Q1"] == "2" and scores["S1"]["Q4"] == "1"
    assert scores["S3"]["Q1"] == "-0.5"  # the letter rule was for S1 only
    assert [o["detail"] for o in overrides] == ["tanh accepted; 1 responses now correct",
                                                "a accepted; 1 responses now correct",
                                                "0.5 accepted; 1 responses now correct"]
    assert any(g["note"] == "accepted by rule: rounding" for g in graded)


def test_rule_override(tmp_path):
    _, scores, graded, overrides = run_rules(tmp_path, (
        "override:\n  - student_id: S3\n    question: 5\n    points: 1.5\n    reason: written beside the grid\n"))
    assert scores["S3"]["Q5"] == "1.5" and scores["S3"]["total"] == "1"
    assert overrides == [{"rule": "override", "question": "Q5", "student_id": "S3",
                          "reason": "written beside the grid", "detail": "1.5 points"}]
    assert any("overridden: 1.5" in g["note"] for g in graded if g["student_id"] == "S3")


@pytest.mark.parametrize("rules, fragment", [
    ("drop:\n  - question: 99\n    reason: x\n", "line 2, field 'drop[0].question': no question 99"),
    ("override:\n  - student_id: S1\n    question: 1\n    points: 1\n", "line 2, field 'override[0].reason'"),
    ("override:\n  - student_id: NOPE\n    question: 1\n    points: 1\n    reason: r\n",
     "field 'override[0].student_id': unknown student id 'NOPE'"),
    ("accept:\n  - question: 6\n    answer: x\n    reason: r\n", "question 6 has parts"),
    ("drop: [\n", "line 2"),
    ("dorp: []\n", "field 'dorp': unknown field"),
])
def test_bad_rules_fail_cleanly(tmp_path, rules, fragment):
    m = manifest(tmp_path)
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(tmp_path / "o"),
                                  "--rules", str(tmp_path / "rules.yaml")])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert fragment in r.output and "rules.yaml" in r.output, r.output
    assert not (tmp_path / "o").exists()


def test_a_manifest_missing_fields_fails_cleanly(tmp_path):
    m = manifest(tmp_path)
    data = json.loads(m.read_text(encoding="utf-8"))
    del data["papers"][1]["questions"][0]["points"]
    m.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and "Traceback" not in r.output and "not a manifest variantex can read" in r.output
    assert "missing required field `points` - at `$.papers[1].questions[0]`" in r.output  # where, exactly
    assert not (tmp_path / "o").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_results_are_written_like_a_build(tmp_path):
    m = manifest(tmp_path)
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    out = tmp_path / "results"

    def grade(*extra):
        return CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(out), *extra])

    assert grade().exit_code == 0
    first = _files(out)
    assert ".variantex-build.json" in first and "scores.csv" in first
    assert grade().exit_code == 0 and _files(out) == first  # same inputs, same bytes; our folder is replaced
    (tmp_path / "bad.yaml").write_text("drop:\n  - question: 99\n    reason: x\n", encoding="utf-8")
    r = grade("--rules", str(tmp_path / "bad.yaml"))
    assert r.exit_code == 1 and _files(out) == first  # a failed grade leaves the previous results
    (out / "my notes.txt").write_text("mine", encoding="utf-8")
    r = grade()
    assert r.exit_code == 1 and "my notes.txt" in r.output and "Traceback" not in r.output
    assert (out / "my notes.txt").read_text(encoding="utf-8") == "mine"
    assert not list(tmp_path.glob(".results.staging-*"))


@pytest.mark.parametrize("mode", ["--feedback", "--no-feedback"])
@pytest.mark.parametrize("kind", ["empty", "folder", "device", "missing"])
def test_a_manifest_that_is_not_a_json_file_fails_cleanly(tmp_path, kind, mode):
    """The manifest is mapped into memory, not read: each non-file still gets one clear error, nothing written."""
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    m = {"empty": tmp_path / "manifest.json", "folder": tmp_path / "adir", "device": Path("/dev/zero"),
         "missing": tmp_path / "nope.json"}[kind]
    if kind == "empty":
        m.write_bytes(b"")
    if kind == "folder":
        m.mkdir()
    r = CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(tmp_path / "o"), mode])
    code, expected = {"empty": (1, "not valid JSON"), "folder": (2, "is a directory"),  # click's check
                      "device": (1, "not a regular file"), "missing": (1, "No such file")}[kind]
    assert r.exit_code == code and expected in r.output and str(m) in r.output and "Traceback" not in r.output, \
        r.output
    assert not (tmp_path / "o").exists()


def test_multi_part_keys_split_even_when_a_part_holds_the_separator():
    from generator.grading.scoring import _split_key

    assert _split_key("(a) 44; (b) 1200", ("(a) ", "(b) ")) == ["44", "1200"]
    assert _split_key("(a) x; (y); (b) 2", ("(a) ", "(b) ")) == ["x; (y)", "2"]
    assert _split_key("(a) 1; (b) [1 2; (3)]; (c) z", ("(a) ", "(b) ", "(c) ")) == ["1", "[1 2; (3)]", "z"]
    assert _split_key("(a) 1", ("(a) ",)) == ["1"]
    assert _split_key("(a) ; (b) ", ("(a) ", "(b) ")) == ["", ""]
    assert _split_key("(a) x; (b) y; (c) z", ("(a) ", "(b) ")) == ["x", "y; (c) z"]  # a third piece: part b's


def test_many_problems_print_the_first_twenty_and_point_to_problems_csv(tmp_path):
    students = [f"S{i}" for i in range(1, 31)]
    m = manifest(tmp_path, students=students)
    rows = "".join(f"{s},b,ac,t,x{i},[1 2; 3 4],27,relu,x,,[1 2 3]\n" for i, s in enumerate(students))
    (tmp_path / "r.csv").write_text(COLUMNS + "\n" + rows, encoding="utf-8")
    r = CliRunner().invoke(main, ["grade", str(m), str(tmp_path / "r.csv"), "--out", str(tmp_path / "o"),
                                  "--no-feedback"])
    assert r.exit_code == 0, r.output
    warnings = [line for line in r.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 21 and "... and 10 more problems" in warnings[-1] and "problems.csv" in warnings[-1]
    assert all("column Q4" in w for w in warnings[:20])
    assert len(list(csv.DictReader((tmp_path / "o" / "problems.csv").open(encoding="utf-8")))) == 30
