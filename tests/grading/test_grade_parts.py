"""Grading in two processes (``variantex grade`` without feedback) writes exactly the files of one process.

The class holds every kind of input a part boundary could disturb: rows for
students of both halves, a student without a row in each half, an unknown
student, a duplicate row, unreadable cells, a hand mark, and regrade rules
(accept for everyone and for one student, drop, full marks, override).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_grade_rules import COLUMNS, manifest

from generator.cli import main
from generator.grading.run import PART_SUFFIX, GradingRun, GradingSources
from generator.output import write_build
from generator.parallel import uses_fork

STUDENTS = tuple(f"S{i}" for i in range(1, 10))
ROWS = (
    "S1,b,ac,false,0.0781,[1 2; 3 4],27,relu,An essay,4,[1 2 3]",
    "S2,a,a c,true,0.5,[1 2; 3 5],26,sigmoid,,,[1 2 4]",
    "S3,,,,,,,,,,",
    "X9,b,ac,false,0.0781,[1 2; 3 4],27,relu,,,[1 2 3]",  # unknown student
    "S5,c,bd,t,\"0,78\",[1 2],27,tanh,Text,9,1 2 3",  # a comma decimal separator, a mark above the points
    "S6,B,(a)(c),F,7.81e-2,1 2; 3 4,27.0,ReLU,,2.5,[1; 2; 3]",
    "S2,b,ac,false,0.0781,[1 2; 3 4],27,relu,,,[1 2 3]",  # duplicate row
    "S7,unreadable,ac,false,0.0781,[1 2; 3 4],27,tanh,,,[1 2 3]",
    "S9,a,ab,true,1,[4 3; 2 1],3,elu,Essay,5,[3 2 1]",
)  # S4 and S8 (one in each half) have no row
RESPONSES = "\n".join((COLUMNS, *ROWS)) + "\n"
RULES = ("accept:\n  - question: Q6b\n    answer: tanh\n    reason: also right\n"
         "  - question: 1\n    answer: a\n    student_id: S9\n    reason: option a was also right on S9's paper\n"
         "drop:\n  - question: Q3\n    reason: ambiguous\n"
         "full_marks:\n  - question: 8\n    reason: typo in the figure\n"
         "override:\n  - student_id: S2\n    question: 5\n    points: 1.5\n    reason: written beside the grid\n"
         "  - student_id: S8\n    question: 4\n    points: 1\n    reason: no row\n")


def _inputs(tmp_path: Path, rules: str = RULES):
    m = manifest(tmp_path, students=STUDENTS)
    responses, rules_path = tmp_path / "responses.csv", tmp_path / "rules.yaml"
    responses.write_text(RESPONSES, encoding="utf-8")
    rules_path.write_text(rules, encoding="utf-8")
    return m, responses, rules_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.skipif(not uses_fork(), reason="two parts need fork")
def test_two_parts_write_the_bytes_of_one(tmp_path):
    m, responses, rules = _inputs(tmp_path)
    out = {}
    for parts in (1, 2):
        run = GradingRun(parts=parts)
        write_build(GradingSources(m, responses, rules), tmp_path / f"parts{parts}", [run])
        out[parts] = _files(tmp_path / f"parts{parts}")
        assert run.grades.n_papers == 9 and len(run.grades.table.totals) == 7  # S4 and S8 have no row
    assert out[1] == out[2]
    assert not any(name.endswith(PART_SUFFIX) for name in out[2])
    graded = out[2]["responses_graded.csv"].decode().splitlines()
    assert graded[0].startswith("student_id,") and sum(line.startswith("student_id,") for line in graded) == 1
    assert [line.split(",")[0] for line in out[2]["scores.csv"].decode().splitlines()[1:]] == list(STUDENTS)
    problems = out[2]["problems.csv"].decode()
    for fragment in ("unknown student id 'X9'", "duplicate row for S2", "'0,78' is not a number", "S4",
                     "S8", ",Q7_mark,S5,unreadable marker"):
        assert fragment in problems
    overrides = out[2]["overrides.csv"].decode()
    assert "tanh accepted; 2 responses now correct" in overrides  # S5 (first half) and S7 (second)
    assert "a accepted; 1 responses now correct" in overrides and "not applied: the student has no row" in overrides
    # the command (two parts where fork exists) writes the same files
    r = CliRunner().invoke(main, ["grade", str(m), str(responses), "--rules", str(rules), "--out",
                                  str(tmp_path / "cli"), "--no-feedback"])
    assert r.exit_code == 0, r.output
    assert _files(tmp_path / "cli") == out[1]


@pytest.mark.skipif(not uses_fork(), reason="two parts need fork")
def test_column_problems_are_reported_once_by_the_first_part(tmp_path):
    """The second process reads the same responses without checking their columns (the first reports
    them for the class): a missing, an extra and a repeated column are each listed once, and a missing
    column's cells are unreadable in both halves."""
    m, responses, _ = _inputs(tmp_path)
    records = list(csv.reader(io.StringIO(RESPONSES)))
    keep = [i for i, c in enumerate(records[0]) if c != "Q5"]  # Q5 missing
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [*(r[i] for i in keep), "remark" if k == 0 else "x", "Q1" if k == 0 else "c"]  # extra, repeated
        for k, r in enumerate(records))
    responses.write_text(buffer.getvalue(), encoding="utf-8")
    out = {}
    for parts in (1, 2):
        write_build(GradingSources(m, responses), tmp_path / f"parts{parts}", [GradingRun(parts=parts)])
        out[parts] = _files(tmp_path / f"parts{parts}")
    assert out[1] == out[2]
    problems = out[2]["problems.csv"].decode()
    for fragment in ("column Q5 is missing", "extra column 'remark'", "column Q1 (column 12) appears twice"):
        assert problems.count(fragment) == 1, fragment
    graded = list(csv.reader(io.StringIO(out[2]["responses_graded.csv"].decode())))[1:]
    q5 = {row[0]: row[10] for row in graded if row[2] == "5"}
    assert set(q5) == {"S1", "S2", "S3", "S5", "S6", "S7", "S9"} and set(q5.values()) == {"unreadable"}


@pytest.mark.skipif(not uses_fork(), reason="two parts need fork")
def test_an_error_in_the_second_part_leaves_the_earlier_results_as_they_were(tmp_path):
    """An accept rule only the worker's student meets, whose answer is no number: the worker's error is
    the command's, and the results of an earlier run in the output folder are left as they were."""
    m, responses, rules = _inputs(tmp_path)
    out = tmp_path / "results"
    args = ["grade", str(m), str(responses), "--rules", str(rules), "--out", str(out), "--no-feedback"]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = _files(out)
    rules.write_text("accept:\n  - question: 4\n    answer: abc\n    student_id: S9\n    reason: r\n",
                     encoding="utf-8")
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "Traceback" not in r.output and "accept rule for 4" in r.output, r.output
    assert _files(out) == before
    assert not [p.name for p in tmp_path.iterdir() if ".staging-" in p.name]  # no half-written folder left


def test_inputs_changed_after_the_fork_are_refused(tmp_path):
    """Each process reads the inputs itself: both check that the files are those seen before the fork."""
    import os

    from generator.errors import VariantexError
    from generator.grading.run import _read_unchanged

    m, responses, rules = _inputs(tmp_path)
    sources = GradingSources(m, responses, rules)
    before = sources.fingerprint()
    assert _read_unchanged(sources, before, part=0).manifest.papers
    responses.write_text(RESPONSES.replace("S9,a,", "S9,b,"), encoding="utf-8")  # same size
    os.utime(responses, ns=(1, 1))
    with pytest.raises(VariantexError, match="changed while they were graded; nothing was written"):
        _read_unchanged(sources, before, part=0)


def test_grading_leaves_its_objects_in_the_collectors_oldest_generation(tmp_path):
    """The cyclic collector is paused while grading (scoring.paused_gc); the objects made meanwhile must not
    be left in its youngest generations, or the first collection after grading walks them all (0.6 s
    after a 3,000-student class, in the command and for callers of grade())."""
    import gc

    from generator.grading.scoring import grade

    m, responses, rules = _inputs(tmp_path)
    result = grade(m, responses, rules)
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    made = [result.students, *result.students, *(q for s in result.students for q in s.questions)]
    assert len(made) > 50 and not any(id(o) in young for o in made)


@pytest.mark.parametrize("pieces", [0, 1, 2, 4, 99])
def test_rows_written_in_pieces_while_waiting_are_the_rows_written_at_once(tmp_path, monkeypatch, pieces):
    """While the worker grades, the first process writes its students' rows a few at a time, then the rest
    after the class files' process is forked: the files are those written at once, however many pieces
    were written before the worker was done (none, some, all)."""
    from generator.grading import run as grading_run
    from generator.grading.scoring import grade_part, read_inputs

    m, responses, rules = _inputs(tmp_path)
    inputs = read_inputs(m, responses, rules)
    part = grade_part(inputs, inputs.manifest.papers)
    result = grading_run.students_result(inputs, part)
    whole, pieced = tmp_path / "whole", tmp_path / "pieced"
    whole.mkdir(), pieced.mkdir()
    for w in grading_run.student_writers():
        grading_run._PartRows(w, result, first=True).write(None, whole)
    monkeypatch.setattr(grading_run, "WAITING_ROWS", 2)
    asked = iter(range(100))
    start = grading_run.GradingRun._rows_while_waiting(result, pieced, stop=lambda: next(asked) >= pieces)
    assert start == min(2 * pieces, len(result.students))
    for w in grading_run.student_writers():
        grading_run._PartRows(w, result, first=True, start=start).write(None, pieced)
    assert _files(pieced) == _files(whole) and len(_files(whole)) == 3
