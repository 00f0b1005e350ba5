"""Question picks and marks: drawn once per exam unless per student, reproducible, never repeated."""

from __future__ import annotations

from generator.build import build
from generator.roster import anonymous_roster
from generator.spec import load_spec


def _spec(tmp_path, pick_rule: str):
    path = tmp_path / "s.yaml"
    path.write_text(
        "seed: 11\nheader: {exam_title: T}\nsections:\n"
        "  - title: A\n    points: 2\n    negative_marking: 0.5\n    questions:\n"
        "      - id: dl/cnn/conv-params\n"
        f"      - {pick_rule}\n"
        "  - title: B\n    questions:\n      - id: dl/mlp/param-count\n        points: 5\n"
        "      - id: dl/cnn/cnn-layer-table\n")
    return load_spec(path)


def _ids(paper):
    return [i.variant.question_id for i in paper.items]


def test_exam_wide_pick_is_the_same_for_everyone_and_excludes_listed_ids(tmp_path, bank):
    result = build(_spec(tmp_path, "{pick: 3, topic: cnn}"), anonymous_roster(8), bank)
    picks = {tuple(_ids(p)[1:4]) for p in result.papers}
    assert all(_ids(p)[-1] == "dl/cnn/cnn-layer-table" for p in result.papers)
    assert len(picks) == 1
    (chosen,) = picks
    assert len(set(chosen)) == 3 and "dl/cnn/conv-params" not in chosen
    assert all(bank.questions[q].topic == "cnn" for q in chosen)
    # every student still gets their own numbers
    assert len({p.items[0].variant.params["in_channels"] * 1000 + p.items[0].variant.params["out_channels"]
                for p in result.papers}) > 1


def test_per_student_pick_varies_and_is_reproducible(tmp_path, bank):
    spec = _spec(tmp_path, "{pick: 2, topic: cnn, per_student: true}")
    first = build(spec, anonymous_roster(12), bank)
    again = build(spec, anonymous_roster(12), bank)
    assert [_ids(p) for p in first.papers] == [_ids(p) for p in again.papers]
    assert len({tuple(_ids(p)) for p in first.papers}) > 1


def test_points_and_negative_marking_precedence(tmp_path, bank):
    paper = build(_spec(tmp_path, "{pick: 1, topic: rnn}"), anonymous_roster(1), bank).papers[0]
    a1, a2, b1, b2 = paper.items
    assert (a1.points, a1.negative_marking) == (2, 0.5)  # the section's points
    assert (a2.points, a2.negative_marking) == (2, 0.5)
    assert (b1.points, b1.negative_marking) == (5, 0.0)  # the entry's own points
    assert b2.points == bank.questions["dl/cnn/cnn-layer-table"].points  # the template's own points
    assert paper.total_points == 9 + b2.points
