"""Stress-testing templates: many seeds per question, every answer verified.

As R/exams' ``stresstest_exercise``: for each seed a variant is made (so its
answer is verified by the template's independent route), its own correct
and wrong responses are graded, and its LaTeX is checked for what pandoc and
Moodle cannot take. The report gives, per template, the failures with the
seed that reproduces each, the spread of answers, how often the correct
option sits in each position and, for numeric options, at each rank among
the sorted option values.

Rules that judge the bank's questions, not single variants:

- letter balance: each position holds the correct option 50 %-150 % of its
  uniform share (100+ seeds);
- rank balance (numeric single choice): the correct value must not take one
  rank (0 = smallest option) in far more than its share of seeds: a rank
  fails when it holds more than :data:`RANK_EXCESS` times the uniform share
  *and* a one-sided binomial test against the uniform share gives
  p < :data:`RANK_ALPHA` divided by the number of ranks (Bonferroni). Both
  are needed: the ratio says the excess is large enough to read off a paper,
  the test that it is not chance (at 100 seeds and 4 options even 40 of
  100 passes; at 1000 seeds 375 fails);
- valid range: every numeric option and answer lies in the question's
  ``valid_range`` (a size of at least 1, a count of at least 2 ...);
- mistakes: no modelled mistake of a numerical answer (``Numerical.mistakes``)
  is accepted by the key's tolerance, exactly or as printed on the key;
- ``--latex``: no overfull line in a paper or key wider than
  :data:`OVERFULL_PT` points (it runs into the margin).
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
from scipy.stats import binom

from .answers import Answer, Essay, MultiPart, Numerical, SingleChoice
from .bank import Bank, load_bank
from .errors import VariantexError
from .question import Question
from .variant import Variant, make_variant

#: Failures listed per template; the rest are counted.
MAX_LISTED = 5
#: The first seeds of every template that are built again in a separate process and compared.
DETERMINISM_SEEDS = 50
#: A rank of the correct value fails when it holds more than this many times its uniform share ...
RANK_EXCESS = 1.5
#: ... and a binomial test (one-sided, Bonferroni over the ranks) gives p below this.
RANK_ALPHA = 1e-3
#: Overfull lines wider than this (points) fail ``check --latex``: they run into the margin.
OVERFULL_PT = 3.0
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
    #: Per answer ("" for the question, a part's label for a part): seeds with the key at each rank.
    ranks: dict[str, dict[int, int]] = field(default_factory=dict)
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

    def rank_problems(self) -> list[str]:
        """The ranks that hold the correct value far more often than chance allows (see the module docstring)."""
        problems = []
        for label, counts in self.ranks.items():
            n = sum(counts.values())
            k = len(counts)
            for rank, c in sorted(counts.items()):
                p = float(binom.sf(c - 1, n, 1 / k)) if k > 1 else 1.0
                if c > RANK_EXCESS * n / k and p < RANK_ALPHA / k:
                    where = f" of part ({label})" if label else ""
                    problems.append(f"{self.question_id}: the correct value{where} is option {rank + 1} of {k} "
                                    f"in value order in {c} of {n} seeds (uniform share {n / k:.0f}, "
                                    f"p = {p:.1g}): its rank gives it away; give distractors on both sides")
        return problems

    def to_json(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "seeds": self.seeds, "ok": self.ok,
                "failure_count": self.failure_count, "failures": self.failures,
                "distinct_answers": self.distinct_answers,
                "numeric_range": list(self.numeric_range) if self.numeric_range else None,
                "positions": self.positions,
                "ranks": {label: {str(r): c for r, c in counts.items()} for label, counts in self.ranks.items()},
                "redraws": self.redraws, "seconds": round(self.seconds, 3)}


def _numbers(v: Variant) -> list[float]:
    a = v.answer
    if isinstance(a, MultiPart):
        return []
    value = getattr(a, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return []


def _answers(v: Variant) -> list[tuple[str, Answer]]:
    """The variant's answer ("" label), or its parts' answers by label."""
    if isinstance(v.answer, MultiPart):
        return [(p.label, p.answer) for p in v.answer.parts]
    return [("", v.answer)]


def key_rank(answer: Answer) -> int | None:
    """The rank (0 = smallest) of the correct value among a numeric single choice's option values, else None."""
    if not isinstance(answer, SingleChoice) or any(o.value is None for o in answer.options):
        return None
    key = float(answer.options[answer.correct_index].value)  # type: ignore[arg-type]
    return sum(float(o.value) < key for o in answer.options)  # type: ignore[arg-type]


def _range_for(question: Question, label: str) -> tuple[float, float] | None:
    valid = question.valid_range
    if isinstance(valid, dict):
        return valid.get(label)
    return valid if not label else None


def _pool_problems(question: Question, v: Variant) -> list[str]:
    """Numbers outside the question's valid range, and modelled mistakes its tolerance accepts."""
    problems = []
    for label, a in _answers(v):
        where = f"part ({label}): " if label else ""
        valid = _range_for(question, label)
        if valid is not None:
            values = [o.value for o in a.options] if isinstance(a, SingleChoice) else [getattr(a, "value", None)]
            bad = [x for x in values if isinstance(x, (int, float)) and not valid[0] <= x <= valid[1]]
            if bad:
                problems.append(f"{where}{', '.join(map(str, bad))} lies outside the valid range "
                                f"{valid[0]:g} to {valid[1]:g} (valid_range)")
        if isinstance(a, Numerical):
            for m in a.accepted_mistakes():
                problems.append(f"{where}the tolerance ±{a.abs_tolerance:g} around {a.shown()} accepts the "
                                f"mistake value {m.value} ({m.rationale or 'no rationale'})")
    return problems


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
    ranks: dict[str, Counter[int]] = {}
    n_options: dict[str, int] = {}
    for seed in range(first_seed, first_seed + seeds):
        v = None
        try:
            v = make_variant(question, seed)
        except VariantexError as e:
            problems = [e.message]
        else:
            problems = [f"{question.id} (seed {seed}): {p}"
                        for p in _contract_problems(v) + _pool_problems(question, v)]
            keys.add(v.answer.key_text())
            numbers += _numbers(v)
            report.redraws += v.attempt
            if isinstance(v.answer, SingleChoice):
                positions[v.answer.letter] += 1
            for label, a in _answers(v):
                rank = key_rank(a)
                if rank is not None:
                    ranks.setdefault(label, Counter())[rank] += 1
                    n_options[label] = max(n_options.get(label, 0), len(a.options))  # type: ignore[attr-defined]
        if seed - first_seed < DETERMINISM_SEEDS:
            report.digests.append(variant_digest(v) if v is not None else "error: " + problems[0])
        report.failure_count += bool(problems)
        if len(report.failures) < MAX_LISTED:
            report.failures += problems[: MAX_LISTED - len(report.failures)]
    report.distinct_answers = len(keys)
    if numbers:
        report.numeric_range = (min(numbers), float(np.median(numbers)), max(numbers))
    report.positions = dict(sorted(positions.items()))
    report.ranks = {label: {r: counts.get(r, 0) for r in range(n_options[label])} for label, counts in ranks.items()}
    if not report.position_balance_ok():
        report.failure_count += 1
        report.failures.append(f"{question.id}: the correct option's positions are unbalanced: {report.positions}")
    for problem in report.rank_problems():
        report.failure_count += 1
        report.failures.append(problem)
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


_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) .*?lines? (\d+)", re.MULTILINE)


def overfull_boxes(log_text: str, source_lines: list[str], limit: float = OVERFULL_PT) -> list[tuple[str, float]]:
    """Overfull lines wider than ``limit`` points in a pdflatex log, as (question and seed, points), in order.

    The log's ``Overfull \\hbox (12.3pt too wide) in paragraph at lines 80--85``
    names a line of the batch source; the ``%% vx-question: ID seed=N``
    marker above it names the question (``"preamble"`` before any).
    """
    found = []
    for m in _OVERFULL.finditer(log_text):
        points, line = float(m.group(1)), int(m.group(2))
        if points <= limit:
            continue
        where = next((t.removeprefix("%% vx-question: ").strip() for t in reversed(source_lines[:line])
                      if t.startswith("%% vx-question: ")), "preamble")
        found.append((where, points))
    return found


def typeset_check(bank: Bank, seeds: int, only: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Typeset every template's first ``seeds`` variants as paper and key, in one pdflatex run each.

    Returns the problems found per question id: lines that run into the
    margin (overfull by more than :data:`OVERFULL_PT` points, read from the
    LaTeX log), naming paper or key, seed and width.
    Raises :class:`errors.LatexError` naming the question and seed of the first
    LaTeX error (or :class:`errors.VariantexError` for a variant that fails).
    """
    import tempfile
    from pathlib import Path

    from .build import sample_paper
    from .latex import typeset_batch
    from .spec import Header

    papers = [sample_paper(q.title, [make_variant(q, s) for s in range(seeds)])
              for qid, q in bank.questions.items() if not only or qid in only]
    header = Header(exam_title=f"LaTeX check of {bank.root.name}")
    problems: dict[str, list[str]] = {}
    for key in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            tex = Path(tmp) / ("keys.tex" if key else "papers.tex")
            typeset_batch(papers, header, key, tex)
            log = tex.with_suffix(".log").read_text(errors="replace")
            lines = tex.read_text(encoding="utf-8").splitlines()
        for where, points in overfull_boxes(log, lines):
            qid, _, seed = where.partition(" seed=")
            problems.setdefault(qid, []).append(
                f"{qid} (seed {seed or '?'}): a line of its {'key' if key else 'paper'} runs {points:g} pt into "
                f"the margin (overfull box; at most {OVERFULL_PT:g} pt allowed)")
    return problems
