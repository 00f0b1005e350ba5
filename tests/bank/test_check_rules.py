"""Issue 10's check rules, each failing a deliberately bad tiny template in a bank of its own.

Rules: the correct value's rank among sorted numeric options, distractors
outside the question's ``valid_range``, modelled mistakes inside a
numerical key's tolerance, and (``--latex``) lines that run into the margin.
The real bank's templates pass the same rules (``test_bank_check``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.bank import load_bank
from generator.check import check_question, key_rank, overfull_boxes, typeset_check

HEADER = '''
from generator.answers import Numerical, numeric_option, single_choice
from generator.question import Question
'''

#: The key is always the second smallest: a student who knows that picks it unseen.
MIDDLE_KEY = '''
class Middle(Question):
    id = "t/bad/middle-key"
    title = "Key always second smallest"
    topic = "t"
    stem = r"What is \\(<<n>> + 1\\)?"
    solution = r"\\(<<n>> + 1\\)."
    valid_range = (1, float("inf"))

    def draw(self, rng):
        return {"n": int(rng.integers(10, 90))}

    def solve(self, p):
        n = p["n"] + 1
        # one mistake below, many above: rank balancing can only place the key first or second
        return single_choice(numeric_option(n, correct=True),
                             [numeric_option(n - 1, rationale="off by one")]
                             + [numeric_option(n + k, rationale=f"added {k}") for k in (1, 2, 3, 4)],
                             valid=self.valid_range)

    def verify(self, p):
        return p["n"] + 1
'''

#: A size question with a distractor that can be negative.
NEGATIVE_SIZE = '''
class Negative(Question):
    id = "t/bad/negative-size"
    title = "A size with a negative distractor"
    topic = "t"
    stem = r"Output size for \\(<<n>>\\)?"
    solution = r"\\(<<n>> - 2\\)."
    valid_range = (1, float("inf"))

    def draw(self, rng):
        return {"n": int(rng.integers(3, 6))}

    def solve(self, p):
        n = p["n"]
        # the pool is not told the valid range, so the impossible value n - 10 < 0 is shown
        return single_choice(numeric_option(n - 2, correct=True),
                             [numeric_option(n - 10, rationale="subtracted the kernel twice"),
                              numeric_option(n - 3, rationale="forgot the +1"),
                              numeric_option(n + 1, rationale="off by three"),
                              numeric_option(n, rationale="ignored the kernel")], sample_wrong=False)

    def verify(self, p):
        return p["n"] - 2
'''

#: A tolerance of 0.1 that accepts the other convention's answer, 0.05 away.
WIDE_TOLERANCE = '''
class Wide(Question):
    id = "t/bad/wide-tolerance"
    title = "Tolerance accepting a mistake"
    topic = "t"
    stem = r"Epochs for \\(<<it>>\\) iterations?"
    solution = r"\\(<<it>>/20\\)."

    def draw(self, rng):
        return {"it": int(rng.integers(2, 50)) * 20}

    def solve(self, p):
        value = p["it"] / 20
        return Numerical(value, tolerance=0.1,
                         mistakes=(numeric_option(value + 0.05, rationale="the other last-batch convention"),))

    def verify(self, p):
        return p["it"] / 20
'''

#: One long word that cannot break: it runs into the margin of paper and key.
WIDE_LINE = '''
class Overfull(Question):
    id = "t/bad/overfull"
    title = "A line wider than the text"
    topic = "t"
    stem = r"What is \\(<<n>>\\)? \\texttt{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}"
    solution = r"\\(<<n>>\\)."

    def draw(self, rng):
        return {"n": int(rng.integers(1, 9))}

    def solve(self, p):
        return Numerical(p["n"])

    def verify(self, p):
        return p["n"]
'''


def _bank(tmp_path: Path, body: str):
    folder = tmp_path / "bank" / "t"
    folder.mkdir(parents=True)
    (folder / "q.py").write_text(textwrap.dedent(HEADER + body))
    return load_bank(tmp_path / "bank")


def _only(tmp_path, body):
    bank = _bank(tmp_path, body)
    (question,) = bank.questions.values()
    return question


def test_rank_rule_fails_a_key_that_sits_at_one_rank(tmp_path):
    report = check_question(_only(tmp_path, MIDDLE_KEY), 200)
    assert set(report.ranks[""]) == {0, 1, 2, 3}
    assert report.ranks[""][2] == report.ranks[""][3] == 0 and report.ranks[""][1] > 100
    assert not report.ok
    assert any("option 2 of 4 in value order" in f for f in report.failures), report.failures


def test_rank_rule_passes_mistakes_on_both_sides(tmp_path):
    good = MIDDLE_KEY.replace("[numeric_option(n - 1, rationale=\"off by one\")]",
                              "[numeric_option(n - k, rationale=f\"took {k} away\") for k in (1, 2, 3)]")
    assert good != MIDDLE_KEY
    report = check_question(_only(tmp_path, good), 200)
    assert report.ok, report.failures
    assert all(30 <= c <= 70 for c in report.ranks[""].values()), report.ranks


def test_valid_range_rule_fails_an_impossible_distractor(tmp_path):
    report = check_question(_only(tmp_path, NEGATIVE_SIZE), 20)
    assert report.failure_count >= 20  # every seed (and, with so few distractors, the rank too)
    assert any("lies outside the valid range 1 to inf" in f for f in report.failures), report.failures


def test_mistake_rule_fails_a_tolerance_that_accepts_a_modelled_mistake(tmp_path):
    report = check_question(_only(tmp_path, WIDE_TOLERANCE), 20)
    assert report.failure_count == 20
    assert any("accepts the mistake value" in f and "last-batch convention" in f for f in report.failures)


def test_margin_rule_fails_a_line_wider_than_the_text(tmp_path):
    bank = _bank(tmp_path, WIDE_LINE)
    problems = typeset_check(bank, 2)
    assert set(problems) == {"t/bad/overfull"}
    texts = problems["t/bad/overfull"]
    assert any("of its paper runs" in t for t in texts) and any("of its key runs" in t for t in texts)
    assert all("(seed 0)" in t or "(seed 1)" in t for t in texts)


def test_overfull_boxes_reads_the_log_and_names_the_question():
    source = ["\\documentclass{article}", "%% vx-question: t/a seed=3", "text", "%% vx-question: t/b seed=0", "x"]
    log = ("Overfull \\hbox (12.5pt too wide) in paragraph at lines 3--3\n"
           "Overfull \\hbox (1.2pt too wide) in paragraph at lines 5--5\n"
           "Overfull \\hbox (4pt too wide) detected at line 5\n"
           "Overfull \\vbox (30pt too high) has occurred while \\output is active\n")
    assert overfull_boxes(log, source) == [("t/a seed=3", 12.5), ("t/b seed=0", 4.0)]


def test_key_rank_counts_options_below_the_key():
    from generator.answers import Option, SingleChoice

    a = SingleChoice((Option("x", 5), Option("y", 1), Option("z", 3, correct=True), Option("w", 9)))
    assert key_rank(a) == 1
    assert key_rank(SingleChoice((Option("x"), Option("y", correct=True)))) is None


@pytest.mark.parametrize("qid", [
    "dl/cnn/depthwise-separable-params", "dl/attention/multihead-attention-params", "dl/cnn/conv-output-size",
    "dl/cnn/pooling-output-size", "dl/rnn/lstm-params", "dl/cnn/conv-params", "dl/train/dropout-subnetworks",
    "dl/mlp/linear-regions", "dl/cnn/rpn-params", "dl/rnn/gru-params"])
def test_numeric_option_templates_put_the_key_at_every_rank(bank, qid):
    report = check_question(bank.questions[qid], 200)
    assert report.ok, report.failures
    counts = report.ranks[""]
    assert all(c >= 20 for c in counts.values()), counts  # every rank used (uniform share 50)
