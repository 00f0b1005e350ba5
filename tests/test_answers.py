"""Answer types grade their own correct and wrong responses, verify, and arrange options."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from generator.answers import (
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    NotEnoughOptions,
    Numerical,
    Option,
    Part,
    ShortText,
    SingleChoice,
    TrueFalse,
    format_number,
    multiple_choice,
    numeric_option,
    single_choice,
)


def test_format_number_integral_and_places():
    assert format_number(12.0) == "12"
    assert format_number(-3) == "-3"
    assert format_number(0.123456789) == "0.123457"
    assert format_number(0.5, 3) == "0.500"
    assert format_number(-0.0001, 2) == "0"


def test_numerical_tolerance_absolute_and_relative():
    a = Numerical(2.5, tolerance=0.1)
    assert a.grade("2.58") == 1.0 and a.grade("2,42") == 1.0
    assert a.grade("2.61") == 0.0 and a.grade("abc") == 0.0
    r = Numerical(200, tolerance=0.01, relative=True)
    assert r.abs_tolerance == pytest.approx(2.0)
    assert r.grade("201.9") == 1.0 and r.grade("202.5") == 0.0
    assert Numerical(7.0).value == 7 and isinstance(Numerical(7.0).value, int)
    with pytest.raises(ValueError):
        Numerical(float("nan"))


@pytest.mark.parametrize("answer", [
    Numerical(3.14159, tolerance=0.01),
    Numerical(42),
    Matrix.of([[1, -2], [3.5, 4]], tolerance=0.01),
    Matrix.of([0.1, 0.2, 0.7], tolerance=0.005),
    TrueFalse(True), TrueFalse(False),
    ShortText(("forget gate", "forget")),
    SingleChoice((Option("x"), Option("y", correct=True), Option("z"))),
    MultipleChoice((Option("x", correct=True), Option("y"), Option("z", correct=True))),
    MultiPart((Part("a", "", Numerical(1.5, 0.01)), Part("b", "", TrueFalse(False)))),
])
def test_each_type_grades_its_own_responses(answer):
    assert answer.grade(answer.correct_response()) == 1.0
    assert answer.grade(answer.wrong_response()) == 0.0
    assert answer.key_text()


def test_essay_needs_a_human():
    e = Essay("A model answer.")
    assert e.grade("anything") == 0.0 and not e.computed


def test_matrix_answer_parsing_and_shape():
    m = Matrix.of([[1, 2], [3, 4]])
    assert m.grade("[1 2; 3 4]") == 1.0
    assert m.grade("1, 2; 3, 4") == 1.0
    assert m.grade("1 2 3") == 0.0
    assert m.agrees_with(np.array([[1, 2], [3, 4]])) and not m.agrees_with([1, 2, 3, 4])
    assert m.key_text() == "[1 2; 3 4]" and m.type_name == "matrix"
    assert Matrix.of([1, 2]).type_name == "vector"


def test_multipart_partial_credit_by_weight():
    a = MultiPart((Part("a", "", Numerical(1)), Part("b", "", Numerical(2), weight=3)))
    assert a.grade("1|0") == pytest.approx(0.25)
    assert a.grade("0|2") == pytest.approx(0.75)
    assert a.agrees_with([1, 2]) and not a.agrees_with([1, 3])
    with pytest.raises(ValueError):
        MultiPart((Part("a", "", Numerical(1)), Part("a", "", Numerical(2))))


def test_single_choice_pool_keeps_distinct_distractors_in_order():
    pool = single_choice(numeric_option(10, correct=True), [
        numeric_option(10.0, rationale="same as answer"), numeric_option(11), numeric_option(11),
        numeric_option(12), numeric_option(13), numeric_option(14)])
    a = pool.arranged(np.random.default_rng(0))
    values = sorted(o.value for o in a.options)
    assert values == [10, 11, 12, 13]
    assert a.value == 10 and sum(o.correct for o in a.options) == 1


def test_choice_pool_tolerance_and_shortage():
    pool = single_choice(numeric_option(1.0, correct=True),
                         [numeric_option(1.004), numeric_option(1.2), numeric_option(1.3)], tolerance=0.01)
    with pytest.raises(NotEnoughOptions):
        pool.arranged(np.random.default_rng(0))


def test_correct_position_is_uniform():
    pool = single_choice(Option("right"), [Option(f"wrong {i}") for i in range(6)], sample_wrong=True)
    counts = Counter(pool.arranged(np.random.default_rng(s)).letter for s in range(4000))
    assert set(counts) == set("abcd")
    assert all(850 < c < 1150 for c in counts.values()), counts


def test_multiple_choice_pool_draws_between_bounds():
    pool = multiple_choice([Option(f"t{i}") for i in range(5)], [Option(f"f{i}") for i in range(5)])
    ks = Counter(len(pool.arranged(np.random.default_rng(s)).letters) for s in range(300))
    assert set(ks) == {1, 2, 3}


# --------------------------------------------------------------------------- issue 10: short text, ranks, ranges


@pytest.mark.parametrize("response", ["Sigmoid.", "the sigmoid function", "sigmoid activation", "A logistic sigmoid",
                                      "  SIGMOID  ", "σ", r"\(\sigma\)", "sigmoid (logistic)"])
def test_short_text_accepts_reasonable_forms(response):
    a = ShortText(("sigmoid", "logistic", "logistic sigmoid", "σ", "sigma"), optional_words=("function", "activation"))
    assert a.grade(response) == 1.0


@pytest.mark.parametrize("response", ["tanh", "the function", "sigmoid derivative", "not sigmoid", "", "..."])
def test_short_text_rejects_other_answers(response):
    a = ShortText(("sigmoid", "logistic"), optional_words=("function", "activation"))
    assert a.grade(response) == 0.0


def test_short_text_symbol_and_name_together():
    a = ShortText(("forget gate", "forget", "f_t"), optional_words=("gate",))
    for response in ("forget gate f_t", "Forget gate ($f_{t}$)", "f_t", "the forget-gate."):
        assert a.grade(response) == 1.0, response
    for response in ("gate", "input gate", "f_t i_t"):
        assert a.grade(response) == 0.0, response


def test_short_text_grading_reads_the_manifest_json_the_same_way():
    import msgspec

    from generator.grading.manifest import NO_SECTION, AnswerRecord
    from generator.grading.scoring import Scorer

    a = ShortText(("sigmoid",), optional_words=("function",))
    data = a.to_json()
    assert data["optional_words"] == ["function"]
    record = msgspec.convert(data, AnswerRecord)  # as grade reads it from manifest.json
    scorer = Scorer()
    for response in ("The Sigmoid function.", "sigmoid", "tanh"):
        assert scorer.score(record, response, NO_SECTION)[0] == a.grade(response)
    assert "optional_words" not in ShortText(("x",)).to_json()  # unchanged manifests for plain answers


def _ranks(pool, seeds=400):
    counts = Counter()
    for s in range(seeds):
        arranged = pool.arranged(np.random.default_rng(s))
        values = sorted(o.value for o in arranged.options)
        counts[values.index(arranged.value)] += 1
    return counts


def test_numeric_single_choice_balances_the_rank_of_the_key():
    wrong = [numeric_option(v, rationale=f"mistake {v}") for v in (10, 20, 30, 50, 60, 70)]
    counts = _ranks(single_choice(numeric_option(40, correct=True), wrong))
    assert set(counts) == {0, 1, 2, 3} and all(70 <= c <= 130 for c in counts.values()), counts


def test_rank_falls_back_to_the_nearest_feasible_rank():
    wrong = [numeric_option(v) for v in (10, 50, 60, 70)]  # only one value below the key
    counts = _ranks(single_choice(numeric_option(40, correct=True), wrong))
    assert set(counts) == {0, 1}, counts


def test_valid_range_drops_impossible_distractors():
    wrong = [numeric_option(v) for v in (-3, 0, 1, 5, 6, 7, 8)]
    pool = single_choice(numeric_option(4, correct=True), wrong, valid=(1, float("inf")))
    for s in range(50):
        assert all(o.value >= 1 for o in pool.arranged(np.random.default_rng(s)).options)
    with pytest.raises(NotEnoughOptions):
        single_choice(numeric_option(4, correct=True), wrong[:3] + [wrong[3]], valid=(2, 10)).arranged(
            np.random.default_rng(0))


def test_option_group_shows_at_most_one_member():
    parts = [numeric_option(v, group="part") for v in (30, 70)]
    others = [numeric_option(v) for v in (90, 110, 120, 5, 10)]
    pool = single_choice(numeric_option(100, correct=True), parts + others)
    for s in range(100):
        values = {o.value for o in pool.arranged(np.random.default_rng(s)).options}
        assert not {30, 70} <= values


def test_numerical_reports_mistakes_its_tolerance_accepts():
    close = numeric_option(2.004, rationale="other convention")
    far = numeric_option(2.5, rationale="far")
    assert Numerical(2.0, tolerance=0.01, mistakes=(close, far)).accepted_mistakes() == [close]
    assert Numerical(2.0, tolerance=0.001, places=3, mistakes=(close, far)).accepted_mistakes() == []
    # a mistake that rounds, as the key prints numbers, into the tolerance counts too
    rounds_in = numeric_option(2.0014)
    assert Numerical(2.0, tolerance=0.001, places=2, mistakes=(rounds_in,)).accepted_mistakes() == [rounds_in]
