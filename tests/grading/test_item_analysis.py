"""Item analysis, test statistics, distractors and variant fairness on tiny classes computed by hand.

The expected figures are worked out by hand in the comments (Moodle's
definitions) and, where a library has the statistic, checked against it too
(scipy's unbiased skewness and kurtosis, KR-20 with population variances).
"""

from __future__ import annotations

import math
import statistics

import msgspec
import numpy as np
import pytest
from scipy import stats

from generator.grading.analysis import analyse
from generator.grading.gradebook import (
    AWAITING_MARKER,
    CellMark,
    GradeResult,
    QuestionMark,
    StudentGrades,
)
from generator.grading.manifest import OptionRecord

OPTIONS = (OptionRecord("a", True, "", "12"), OptionRecord("b", False, "ignored the padding", "10"),
           OptionRecord("c", False, "forgot the +1", "11"))


def question(number: int, points: float, status: str, *, max_points: float = 1.0, params=None,
             answer_type: str = "numerical", ticked=(), options=(), note: str = "") -> QuestionMark:
    cell = CellMark(number, "", f"Q{number}", f"t/q{number}", answer_type, "", "", points, max_points, status,
                    tuple(ticked), tuple(options), note)
    return QuestionMark(number, f"t/q{number}", answer_type, points, max_points, status, (cell,),
                        dict(params or {}))


def result(rows: list[list[QuestionMark]], absent: int = 0) -> GradeResult:
    students = [StudentGrades(f"S{i + 1}", "", f"P{i + 1}", True, tuple(qs)) for i, qs in enumerate(rows)]
    students += [StudentGrades(f"X{i}", "", f"PX{i}", False, ()) for i in range(absent)]
    numbers = tuple(q.number for q in rows[0])
    return GradeResult("Tiny", "manifest.json", "responses.csv", numbers, tuple(students))


def dichotomous(marks: list[list[int]]) -> GradeResult:
    return result([[question(i + 1, float(m), "correct" if m else "wrong") for i, m in enumerate(row)]
                   for row in marks])


#: Five students, three 1-point items; totals 3, 2, 1, 1, 0.
TINY = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]]


def test_item_statistics_match_the_hand_computation():
    a = analyse(dichotomous(TINY))
    i = a.items[0]  # x = 1 1 1 0 0, rest = total - x = 2 1 0 1 0, total = 3 2 1 1 0
    assert i.n == 5 and i.omitted == 0
    assert i.facility == pytest.approx(0.6)  # 3 / 5
    assert i.sd == pytest.approx(math.sqrt(0.3))  # sum of squared deviations 1.2 / (n - 1)
    # cov sum (x, rest) = 0.6; squares 1.2 and 2.8: r = 0.6 / sqrt(3.36)
    assert i.discrimination_index == pytest.approx(100 * 0.6 / math.sqrt(1.2 * 2.8))
    # both sorted: x 0 0 1 1 1, rest 0 0 1 1 2: covariance sum 1.6 -> 100 * 0.6 / 1.6
    assert i.discriminative_efficiency == pytest.approx(37.5)
    # 27 % of 5 rounds to 1: top student (total 3) has 1, bottom (total 0) has 0
    assert i.upper_lower_d == pytest.approx(1.0)
    # cov sum (x, total) = 1.8; squares 1.2 and 5.2
    assert i.point_biserial == pytest.approx(1.8 / math.sqrt(1.2 * 5.2))
    assert a.items[2].facility == pytest.approx(0.2)
    assert a.items[2].sd == pytest.approx(math.sqrt(0.2))


def test_test_statistics_match_the_hand_computation_and_scipy():
    s = analyse(dichotomous(TINY)).summary
    totals = [3, 2, 1, 1, 0]
    assert (s.n_students, s.mean, s.median, s.min, s.max, s.max_points) == (5, 1.4, 1.0, 0.0, 3.0, 3.0)
    assert s.sd == pytest.approx(math.sqrt(1.3))  # squares 5.2 / 4
    # k2 = 1.3, k3 = 25 * 0.288 / 12 = 0.6; k4 = 25 * (6 * 2.1152 - 12 * 1.04^2) / 24 = -0.3
    assert s.skewness == pytest.approx(0.6 / 1.3 ** 1.5)
    assert s.kurtosis == pytest.approx(-0.3 / 1.3 ** 2)
    assert s.skewness == pytest.approx(stats.skew(totals, bias=False))
    assert s.kurtosis == pytest.approx(stats.kurtosis(totals, bias=False))
    # item variances 0.3 + 0.3 + 0.2 = 0.8, total variance 1.3: alpha = 3/2 * (1 - 0.8/1.3)
    assert s.alpha == pytest.approx(1.5 * (1 - 0.8 / 1.3))
    assert s.error_ratio == pytest.approx(100 * math.sqrt(1 - s.alpha))
    assert s.standard_error == pytest.approx(s.error_ratio / 100 * math.sqrt(1.3))


def test_alpha_is_kr20_and_the_direct_variance_formula_on_a_random_class():
    rng = np.random.default_rng(3)
    ability = rng.normal(size=60)
    marks = (ability[:, None] + rng.normal(size=(60, 12)) > 0).astype(int).tolist()
    s = analyse(dichotomous(marks)).summary
    k = 12
    items = list(zip(*marks))
    totals = [sum(r) for r in marks]
    direct = k / (k - 1) * (1 - sum(statistics.variance(col) for col in items) / statistics.variance(totals))
    p = [sum(col) / len(col) for col in items]
    kr20 = k / (k - 1) * (1 - sum(x * (1 - x) for x in p) / statistics.pvariance(totals))
    assert s.alpha == pytest.approx(direct) and s.alpha == pytest.approx(kr20)
    assert 0.5 < s.alpha < 1  # items driven by one ability are consistent


def test_kelley_groups_take_27_percent_of_the_class():
    # ten students, totals 9..0 on item 1 = 1 for the top four: round(2.7) = 3 in each group
    marks = [[1 if s < 4 else 0, *([1] * (9 - s)), *([0] * s)] for s in range(10)]
    i = analyse(dichotomous(marks)).items[0]
    assert i.upper_lower_d == pytest.approx(1.0)  # top 3 all right, bottom 3 all wrong


def test_blank_and_awaiting_cells_and_absent_students():
    rows = [[question(1, 1.0, "correct"), question(2, 3.0, "manual", max_points=4, answer_type="essay",
                                                   note="marked by hand: 3")],
            [question(1, 0.0, "blank"), question(2, 0.0, "manual", max_points=4, answer_type="essay",
                                                 note=AWAITING_MARKER)],
            [question(1, -0.25, "wrong"), question(2, 1.0, "manual", max_points=4, answer_type="essay",
                                                   note="marked by hand: 1")]]
    a = analyse(result(rows, absent=2))
    q1, q2 = a.items
    assert q1.n == 3 and q1.omitted == 1 and q1.facility == pytest.approx((1 - 0.25) / 3)
    assert q2.n == 2 and q2.facility == pytest.approx((3 + 1) / 2 / 4)  # the awaiting cell is left out
    assert a.summary.n_students == 3  # absent students are not zeros


def test_a_dropped_question_has_no_statistics():
    rows = [[question(1, 1.0, "correct"), question(2, 0.0, "correct", max_points=0.0)] for _ in range(4)]
    q2 = analyse(result(rows)).items[1]
    assert (q2.facility, q2.sd, q2.discrimination_index) == (None, None, None)


def test_distractors_are_counted_by_rationale_across_shuffled_letters():
    def shuffled(order: str):
        return tuple(msgspec.structs.replace(OPTIONS["abc".index(src)], letter=dst) for dst, src in zip("abc", order))

    # four students; the option letters differ per paper but the mistakes are the same
    papers = [("abc", "b", 0.0, "wrong"),   # b = ignored the padding
              ("bca", "a", 0.0, "wrong"),   # a = (source b) ignored the padding
              ("cab", "b", 1.0, "correct"),  # b = (source a) correct
              ("acb", "", 0.0, "blank")]
    rows = [[question(1, pts, status, answer_type="single_choice", ticked=(t,) if t else (),
                      options=shuffled(order)), question(2, float(k), "correct")]
            for k, (order, t, pts, status) in enumerate(papers)]
    d = {r.option: r for r in analyse(result(rows)).distractors}
    assert list(d) == ["correct", "ignored the padding", "forgot the +1", "(blank)"]
    assert (d["ignored the padding"].chosen_by, d["ignored the padding"].share) == (2, 0.5)
    assert d["ignored the padding"].mean_total_of_choosers == pytest.approx((0 + 1) / 2)
    assert (d["correct"].chosen_by, d["correct"].mean_total_of_choosers) == (1, 3.0)
    assert (d["forgot the +1"].chosen_by, d["forgot the +1"].mean_total_of_choosers) == (0, None)
    assert d["(blank)"].chosen_by == 1


def test_a_much_harder_variant_is_flagged_and_a_fair_question_is_not():
    rng = np.random.default_rng(5)
    rows = []
    for s in range(80):
        stride = [1, 2][s % 2]
        hard = rng.random() < (0.9 if stride == 1 else 0.2)  # stride 2 much harder
        fair = rng.random() < 0.7
        rows.append([question(1, float(hard), "correct" if hard else "wrong", params={"stride": stride,
                                                                                     "size": int(s)}),
                     question(2, float(fair), "correct" if fair else "wrong", params={"stride": stride,
                                                                                     "size": int(s)})])
    tests = analyse(result(rows)).fairness
    by = {(t.number, t.grouping): t for t in tests}
    assert by[(1, "param stride")].unfair and by[(1, "param stride")].test == "fisher"
    assert by[(1, "param stride")].groups[0].label == "1" and by[(1, "param stride")].groups[0].n == 40
    assert not any(t.unfair for t in tests if t.number == 2)
    # size has 80 values: three tercile bins with values as edges
    assert [g.n for g in by[(2, "param size")].groups] == [27, 27, 26]
    # BH: q >= p, and equal to the direct step-up formula for the smallest p
    ps = sorted(t.p_value for t in tests)
    assert min(t.q_value for t in tests) == pytest.approx(min(len(ps) * p / (k + 1) for k, p in enumerate(ps)))


def test_param_columns_pair_values_by_name_whatever_the_order_of_the_keys():
    from generator.grading.item_analysis import param_columns as _param_columns

    assert _param_columns([]) == {}
    assert _param_columns([{"k": 3, "s": 1}, {"s": 2, "k": 5}]) == {"k": [3, 5], "s": [1, 2]}
    assert list(_param_columns([{"s": 1, "k": 3}, {"s": 2, "k": 5}])) == ["k", "s"]  # names sorted
    assert _param_columns([{"k": 3, "s": 1}, {"k": 4}, {"k": 5, "p": 0}]) == {"k": [3, 4, 5]}  # the common names
    assert _param_columns([{"k": 3}, {"k": 4}]) == {"k": [3, 4]}
    assert _param_columns([{}, {}]) == {}


def test_tables_of_parts_of_a_class_join_into_the_table_of_the_whole_class():
    """What two processes grading half the class each send back joins into exactly the one-process table:
    choices keep their students' rows, params a part lacks or holds as a list are dropped everywhere."""
    import pickle

    from generator.grading.item_analysis import MarkTable, mark_table

    rng = np.random.default_rng(9)
    rows = []
    for s in range(9):
        t = rng.choice(["", "a", "b"])
        params = {"k": int(s % 3), "w": [1, 2]} if s != 7 else {"k": 1, "w": [1, 2], "extra": 0.5}
        rows.append([question(1, 1.0 if t == "a" else 0.0, "correct" if t == "a" else ("blank" if not t else "wrong"),
                              answer_type="single_choice", ticked=(t,) if t else (), options=OPTIONS, params=params),
                     question(2, float(s % 2), "correct" if s % 2 else "wrong", params={"size": 0.5 * s}),
                     question(3, 2.0 if s % 3 else 0.0, "manual", max_points=4, answer_type="essay",
                              note=AWAITING_MARKER if s % 3 == 0 else "marked by hand: 2")])
    whole = mark_table(result(rows))
    parts = [mark_table(result(rows[:4])), mark_table(result(rows[4:]))]
    joined = MarkTable.concat([pickle.loads(pickle.dumps(p)) for p in parts])
    for field in ("marks", "totals", "max_points", "omitted"):
        np.testing.assert_array_equal(getattr(joined, field), getattr(whole, field))
    assert (joined.numbers, joined.question_ids, joined.choices, joined.hand_marked) == (
        whole.numbers, whole.question_ids, whole.choices, whole.hand_marked)
    assert joined.variants == whole.variants and list(whole.variants[1].params) == ["k"]  # w is a list
    assert [c[0] for c in joined.choices] == list(range(9))
    # a part where nobody has a mark on question 2 (given 0 points there) keeps the others' params
    for row in rows[:4]:
        row[1] = question(2, 0.0, "correct", max_points=0.0, params={"size": 1.0})
    whole = mark_table(result(rows))
    joined = MarkTable.concat([mark_table(result(rows[:4])), mark_table(result(rows[4:]))])
    assert joined.variants == whole.variants and list(joined.variants[2].params) == ["size"]
