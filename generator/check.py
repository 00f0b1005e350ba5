"""Stress-testing templates: many seeds per question, every answer verified.

As R/exams' ``stresstest_exercise``: for each seed a variant is made (so its
answer is verified by the template's independent route), its own correct
and wrong responses are graded, and its LaTeX is checked for what pandoc and
Moodle cannot take. The report gives, per template, the failures with the
seed that reproduces each, the spread of answers, and how often the correct
option sits in each position.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .answers import Essay, MultiPart, SingleChoice
from .bank import Bank, load_bank
from .errors import VariantexError
from .question import Question
from .variant import Variant, make_variant

#: Failures listed per template; the rest are counted.
MAX_LISTED = 5
#: The first seeds of every template that are built again in a separate process and compared.
DETERMINISM_SEEDS = 50
_DOLLAR = re.compile(r"(?<!\\)\$")


@dataclass
class TemplateReport:
    """The outcome of checking one template over ``seeds`` seeds."""

    question_id: str
    seeds: int
    failures: list[str] = field(default_factory=list)
    failure_count: int = 0
    distinct_answers: int = 0
    numeric_range: tuple[float, float, float] | None = None
    positions: dict[str, int] = field(default_factory=dict)
    redraws: int = 0
    seconds: float = 0.0
    digests: list[str] = field(default_factory=list, repr=False)

    def add_failure(self, problem: str) -> None:
        """Count one more failure; list it if fewer than :data:`MAX_LISTED` are listed."""
        self.failure_count += 1
        if len(self.failures) < MAX_LISTED:
            self.failures.append(problem)

    @property
    def ok(self) -> bool:
        return self.failure_count == 0

    def position_balance_ok(self) -> bool:
        """Each option position holds the correct answer 50%-150% of the uniform share (needs 100+ seeds)."""
        n = sum(self.positions.values())
        if n < 100 or not self.positions:
            return True
        k = len(self.positions)
        return all(0.5 * n / k <= c <= 1.5 * n / k for c in self.positions.values())

    def to_json(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "seeds": self.seeds, "ok": self.ok,
                "failure_count": self.failure_count, "failures": self.failures,
                "distinct_answers": self.distinct_answers,
                "numeric_range": list(self.numeric_range) if self.numeric_range else None,
                "positions": self.positions, "redraws": self.redraws, "seconds": round(self.seconds, 3)}


def _numbers(v: Variant) -> list[float]:
    a = v.answer
    if isinstance(a, MultiPart):
        return []
    value = getattr(a, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return []


def _contract_problems(v: Variant) -> list[str]:
    problems = []
    for which, text in (("stem", v.stem_tex), ("solution", v.solution_tex)):
        if _DOLLAR.search(text):
            problems.append(f"{which} uses $ for math; use \\( \\) or \\[ \\] (Moodle and pandoc read those)")
        if not text.strip():
            problems.append(f"{which} is empty")
    a = v.answer
    if not isinstance(a, Essay):
        if a.grade(a.correct_response()) != 1.0:
            problems.append(f"its own correct response {a.correct_response()!r} does not earn full credit")
        if a.grade(a.wrong_response()) != 0.0:
            problems.append(f"its own wrong response {a.wrong_response()!r} earns credit")
    return problems


def variant_digest(v: Variant) -> str:
    """SHA-256 of everything a variant prints or records: params, answer, texts and draw attempt."""
    data = json.dumps([dict(v.params), v.answer.to_json(), v.stem_tex, v.solution_tex, v.attempt],
                      sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _digest_or_error(question: Question, seed: int) -> str:
    try:
        return variant_digest(make_variant(question, seed))
    except VariantexError as e:
        return "error: " + e.message


def digests_in_fresh_process(bank_root: str, ids: list[str], seeds: int) -> dict[str, list[str]]:
    """:func:`variant_digest` of seeds ``0…seeds-1`` of each id, computed by loading the bank anew.

    Meant to run in a separately *spawned* interpreter (new hash seed, new
    global random states), so comparing with the parent's digests finds a
    template that draws from anything but the rng it is given.
    """
    bank = load_bank(bank_root)
    return {qid: [_digest_or_error(bank.questions[qid], s) for s in range(seeds)] for qid in ids}


def check_question(question: Question, seeds: int, first_seed: int = 0) -> TemplateReport:
    """Make ``seeds`` variants (seeds ``first_seed``…) and report failures, spread and positions.

    The report keeps the :func:`variant_digest` of the first
    :data:`DETERMINISM_SEEDS` variants in ``digests`` (the error text for one
    that failed), for :func:`compare_digests`.
    """
    report = TemplateReport(question.id, seeds)
    started = time.perf_counter()
    keys: set[str] = set()
    numbers: list[float] = []
    positions: Counter[str] = Counter()
    for seed in range(first_seed, first_seed + seeds):
        v = None
        try:
            v = make_variant(question, seed)
        except VariantexError as e:
            problems = [e.message]
        else:
            problems = [f"{question.id} (seed {seed}): {p}" for p in _contract_problems(v)]
            keys.add(v.answer.key_text())
            numbers += _numbers(v)
            report.redraws += v.attempt
            if isinstance(v.answer, SingleChoice):
                positions[v.answer.letter] += 1
        if seed - first_seed < DETERMINISM_SEEDS:
            report.digests.append(variant_digest(v) if v is not None else "error: " + problems[0])
        report.failure_count += bool(problems)
        if len(report.failures) < MAX_LISTED:
            report.failures += problems[: MAX_LISTED - len(report.failures)]
    report.distinct_answers = len(keys)
    if numbers:
        report.numeric_range = (min(numbers), float(np.median(numbers)), max(numbers))
    report.positions = dict(sorted(positions.items()))
    if not report.position_balance_ok():
        report.failure_count += 1
        report.failures.append(f"{question.id}: the correct option's positions are unbalanced: {report.positions}")
    report.seconds = time.perf_counter() - started
    return report


def check_bank(bank: Bank, seeds: int, only: tuple[str, ...] = ()) -> list[TemplateReport]:
    """Check every template of ``bank`` (or only the ids in ``only``).

    The first :data:`DETERMINISM_SEEDS` seeds of every template are also built
    in a freshly spawned process, alongside, and must give the same variants.
    """
    ids = [qid for qid in bank.questions if not only or qid in only]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        other = pool.submit(digests_in_fresh_process, str(bank.root), ids, min(seeds, DETERMINISM_SEEDS))
        reports = [check_question(bank.questions[qid], seeds) for qid in ids]
        expected = other.result()
    for report in reports:
        compare_digests(report, expected[report.question_id])
    return reports


def compare_digests(report: TemplateReport, expected: list[str]) -> None:
    """Add a failure to ``report`` for each seed whose variant differs from ``expected`` (another process's)."""
    for seed, (here, there) in enumerate(zip(report.digests, expected)):
        if here != there:
            report.add_failure(f"{report.question_id} (seed {seed}): the variant differs when built in another "
                               "process; does the template draw from Python's random, numpy's global np.random, "
                               "the clock or a set's order? Draw only from the rng that draw() is given")


def typeset_check(bank: Bank, seeds: int, only: tuple[str, ...] = ()) -> None:
    """Typeset every template's first ``seeds`` variants as paper and key, in one pdflatex run each.

    Raises :class:`errors.LatexError` naming the question and seed of the first
    LaTeX error (or :class:`errors.VariantexError` for a variant that fails).
    """
    from .build import sample_paper
    from .latex import typeset
    from .spec import Header

    papers = [sample_paper(q.title, [make_variant(q, s) for s in range(seeds)])
              for qid, q in bank.questions.items() if not only or qid in only]
    header = Header(exam_title=f"LaTeX check of {bank.root.name}")
    for key in (False, True):
        typeset(papers, header, key)
