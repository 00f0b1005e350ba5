"""Issue 3's bar for the whole bank: at least 40 templates, each passing 500 seeds.

``check_question`` makes every variant (so its answer is verified by the
template's independent route), grades the answer type's own correct and
wrong responses, rejects ``$`` math, and fails when the correct option's
position is unbalanced.
"""

from __future__ import annotations

from generator.check import check_question

SEEDS = 500


def test_bank_has_at_least_40_templates(bank):
    assert len(bank.questions) >= 40, sorted(bank.questions)


def test_every_template_passes_500_seeds(bank):
    failures = []
    for question in bank.questions.values():
        report = check_question(question, SEEDS)
        failures += report.failures
        if question.has_verify():
            assert report.distinct_answers >= 2, f"{question.id}: every seed gives the same answer"
    assert not failures, "\n".join(failures)
