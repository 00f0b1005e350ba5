"""Exam specs and rosters: valid ones load, invalid ones report every problem with file, line and field."""

from __future__ import annotations

import pytest

from generator.errors import RosterError, SpecError
from generator.roster import anonymous_roster, load_roster
from generator.spec import PickRule, QuestionRef, check_against_bank, load_spec

EXAMPLE = "examples/dl-midsem.yaml"


def test_example_spec_loads():
    loaded = load_spec(EXAMPLE)
    assert loaded.spec.seed == 20250218
    assert loaded.spec.sections[0].negative_marking == 0.25
    assert all(isinstance(r, (QuestionRef, PickRule)) for s in loaded.spec.sections for r in s.questions)
    assert len(loaded.sha256) == 64


def test_all_spec_errors_reported_together_with_lines(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "seed: -1\n"                       # line 1
        "header:\n"
        "  course_code: X\n"               # exam_title missing (line 2)
        "sections:\n"
        "  - title: A\n"
        "    points: -2\n"                 # line 6
        "    questions:\n"
        "      - id: dl/cnn/conv-output-size\n"
        "        pointz: 3\n"              # line 9, typo
        "      - pick: 0\n"                # line 10
        "        difficulty: impossible\n")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    msg = err.value.message
    assert f"In {spec}, line 1, field 'seed'" in msg
    assert "field 'header.exam_title': required field is missing" in msg
    assert "line 6, field 'sections[0].points'" in msg
    assert "line 9, field 'sections[0].questions[0].pointz': unknown field" in msg
    assert "line 10, field 'sections[0].questions[1].pick'" in msg


def test_yaml_syntax_error_names_line(tmp_path):
    spec = tmp_path / "broken.yaml"
    spec.write_text("seed: 1\nheader: [unclosed\n")
    with pytest.raises(SpecError, match=r"line \d+, column \d+: invalid YAML"):
        load_spec(spec)


def test_unknown_id_suggests_close_match(tmp_path, bank):
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 1\nheader: {exam_title: T}\nsections:\n  - title: A\n    questions:\n"
                    "      - id: dl/cnn/conv-output-sise\n      - pick: 999\n        topic: cnn\n")
    with pytest.raises(SpecError) as err:
        check_against_bank(load_spec(spec), bank)
    assert "did you mean dl/cnn/conv-output-size" in err.value.message
    assert "pick 999" in err.value.message


def test_roster_with_unicode_and_bom(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffstudent_id,name,email\nS1,\"Ñúñez, María\",x@y\nS2,李雷,\n\n".encode())
    roster = load_roster(path)
    assert [(s.student_id, s.name) for s in roster.students] == [("S1", "Ñúñez, María"), ("S2", "李雷")]


def test_roster_problems_listed_by_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id,name\nS1,A\nS1,B\nbad id!,C\n../x,D\ns1,E\n")
    with pytest.raises(RosterError) as err:
        load_roster(path)
    msg = err.value.message
    assert "line 3: student_id 'S1' repeats line 2" in msg
    assert "line 4: student_id 'bad id!'" in msg and "line 5" in msg
    assert "line 6: student_id 's1' repeats line 2" in msg


def test_roster_missing_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,name\n1,A\n")
    with pytest.raises(RosterError, match="needs the column"):
        load_roster(path)


def test_anonymous_roster_ids():
    assert [s.student_id for s in anonymous_roster(3).students] == ["001", "002", "003"]
    assert anonymous_roster(1200).students[-1].student_id == "1200"


def test_roster_name_in_unsupported_script_is_reported_before_typesetting(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id,name\nS1,Ana\nS2,محمد\nS3,Ħamrun\n", encoding="utf-8")
    with pytest.raises(RosterError) as err:
        load_roster(path)
    msg = err.value.message
    assert "line 3: name 'محمد'" in msg and "م (U+0645)" in msg
    assert "line 4: name 'Ħamrun'" in msg


def test_spec_text_in_unsupported_script_names_line_and_field(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 1\nheader:\n  exam_title: امتحان\nsections:\n  - title: A\n    questions:\n"
                    "      - id: dl/cnn/conv-params\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"line 3, field 'header.exam_title': has characters the papers cannot"):
        load_spec(spec)
