"""The core: ``build(spec, roster, bank) -> BuildResult``, a pure function.

It reads nothing but what it is given, writes nothing, and uses no global
random state: every question pick and every variant comes from an rng whose
seed is derived from (exam seed, student id, question id, occurrence). So
the same spec, roster and bank give the same result, and reordering the
spec's questions does not change any student's numbers.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .bank import Bank, load_bank
from .errors import BankError, SpecError, TemplateError
from .parallel import process_pool
from .question import Question
from .roster import Roster, Student
from .seeding import derive_seed
from .spec import LoadedSpec, PickRule, QuestionRef, check_against_bank
from .variant import Variant, make_variant

#: At most this many failing variants are listed in one error.
MAX_REPORTED_FAILURES = 20


@dataclass(frozen=True)
class Item:
    """One numbered question on one paper, with its marks and its variant.

    ``space`` is the room to work the spec or template set (``space.parse_space``
    text), None for the default by answer type.
    """

    number: int
    points: float
    negative_marking: float
    variant: Variant
    space: str | None = None


@dataclass(frozen=True)
class PaperSection:
    """A section of one paper: title, instructions, its items in order, and how ``grade`` scores them."""

    title: str
    instructions: str
    negative_marking: float
    items: tuple[Item, ...]
    multiple_choice_scoring: str = "all_or_nothing"
    matrix_scoring: str = "all_or_nothing"


@dataclass(frozen=True)
class Paper:
    """One student's exam. ``paper_id`` is a short content hash printed on every page."""

    student: Student
    paper_id: str
    sections: tuple[PaperSection, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    @property
    def total_points(self) -> float:
        return sum(i.points for i in self.items)


@dataclass(frozen=True)
class BuildResult:
    """Everything a writer needs: the validated spec, bank, roster and the papers in roster order."""

    spec: LoadedSpec
    bank: Bank
    roster: Roster
    papers: tuple[Paper, ...]


def _pick(rule: PickRule, bank: Bank, seed: int, student_id: str, where: tuple[int, int],
          excluded: set[str]) -> list[Question]:
    candidates = [q for q in bank.select(rule.topic, rule.tags, rule.difficulty) if q.id not in excluded]
    if len(candidates) < rule.pick:
        raise SpecError(f"section {where[0] + 1}, entry {where[1] + 1}: pick {rule.pick} finds only "
                        f"{len(candidates)} questions not already on the paper")
    who = student_id if rule.per_student else "*"
    rng = np.random.default_rng(derive_seed(seed, "pick", who, *where))
    chosen = rng.choice(len(candidates), size=rule.pick, replace=False)
    return [candidates[i] for i in sorted(chosen)]


def plan_questions(loaded: LoadedSpec, bank: Bank,
                   student_id: str) -> list[list[tuple[Question, float, str | None]]]:
    """The questions of each section for one student, before variants are drawn, each with its points
    and its room to work (the entry's ``space``, else the section's, else the template's; None: default)."""
    spec = loaded.spec
    explicit = {r.id for s in spec.sections for r in s.questions if isinstance(r, QuestionRef)}
    used: set[str] = set()
    plan = []
    for si, section in enumerate(spec.sections):
        chosen: list[tuple[Question, float, str | None]] = []
        for qi, ref in enumerate(section.questions):
            if isinstance(ref, QuestionRef):
                qs = [bank.questions[ref.id]]
            else:
                qs = _pick(ref, bank, spec.seed, student_id, (si, qi), explicit | used)
            chosen += [(q, ref.points or section.points or q.points, ref.space or section.space or q.space)
                       for q in qs]
            used |= {q.id for q in qs}
        plan.append(chosen)
    return plan


def paper_id(seed: int, student_id: str, variants: list[Variant]) -> str:
    """``P-`` and 8 hex digits of SHA-256 over the exam seed, student and variant seeds."""
    text = "\x1f".join([str(seed), student_id] + [f"{v.question_id}:{v.seed}:{v.attempt}" for v in variants])
    return "P-" + hashlib.sha256(text.encode()).hexdigest()[:8].upper()


def build_paper(loaded: LoadedSpec, bank: Bank, student: Student) -> Paper:
    """One student's paper: pick questions, draw and verify every variant."""
    spec = loaded.spec
    occurrences: Counter[str] = Counter()
    sections = []
    number = 0
    variants: list[Variant] = []
    for section, chosen in zip(spec.sections, plan_questions(loaded, bank, student.student_id)):
        items = []
        for question, points, space in chosen:
            number += 1
            k = occurrences[question.id]
            occurrences[question.id] += 1
            variant = make_variant(question, derive_seed(spec.seed, student.student_id, question.id, k))
            variants.append(variant)
            items.append(Item(number, points, section.negative_marking, variant, space))
        sections.append(PaperSection(section.title, section.instructions, section.negative_marking,
                                     tuple(items), section.multiple_choice_scoring, section.matrix_scoring))
    return Paper(student, paper_id(spec.seed, student.student_id, variants), tuple(sections))


def sample_paper(title: str, variants: list[Variant], points: float = 1.0) -> Paper:
    """A one-section paper of the given variants, for previews and LaTeX checks (not a student's)."""
    items = tuple(Item(i + 1, points, 0.0, v) for i, v in enumerate(variants))
    return Paper(Student("preview", ""), "PREVIEW", (PaperSection(title, "", 0.0, items),))


#: Classes smaller than this are drawn in this process (starting workers costs more than it saves).
PARALLEL_MIN_STUDENTS = 40
#: Students per task sent to a worker process.
CHUNK_STUDENTS = 25

#: The spec and bank a worker process draws from (set once by :func:`_init_worker` in each worker).
_WORKER_INPUTS: tuple[LoadedSpec, Bank] | None = None

#: What one student's draw gave: a paper, a failure message, or an unexpected error (which stops the build).
_Outcome = Paper | str | BaseException


def _init_worker(loaded: LoadedSpec, bank: Bank) -> None:
    """Keep the spec and bank in a worker; reload the bank if its synthetic package is gone.

    Forked workers inherit the parent's bank, imported as its own package
    ``variantex_bank_<hash>``; if that package is missing from ``sys.modules``
    (another start method, or someone removed it), the bank is loaded again
    from its folder, and must hash the same.
    """
    global _WORKER_INPUTS
    packages = {type(q).__module__.split(".")[0] for q in bank.questions.values()}
    if not all(name in sys.modules for name in packages):
        reloaded = load_bank(bank.root)
        if reloaded.sha256 != bank.sha256:
            raise BankError(f"bank {bank.root} changed while the exam was being built")
        bank = reloaded
    _WORKER_INPUTS = (loaded, bank)


def _draw_chunk(students: tuple[Student, ...]) -> list[_Outcome]:
    """Build the papers of ``students`` in a worker; stops at the first unexpected error."""
    assert _WORKER_INPUTS is not None, "worker not initialised"
    loaded, bank = _WORKER_INPUTS
    return _draw(loaded, bank, students)


def _draw(loaded: LoadedSpec, bank: Bank, students: Iterable[Student]) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    for student in students:
        try:
            outcomes.append(build_paper(loaded, bank, student))
        except TemplateError as e:
            outcomes.append(f"paper of {student.student_id}: {e.message}")
        except Exception as e:  # noqa: BLE001 - re-raised by the parent, in roster order
            outcomes.append(e)
            break
    return outcomes


def _outcomes(loaded: LoadedSpec, roster: Roster, bank: Bank, workers: int) -> Iterator[_Outcome]:
    """Every student's outcome in roster order, drawn here or in ``workers`` worker processes."""
    students = roster.students
    if workers < 2 or len(students) < PARALLEL_MIN_STUDENTS:
        for student in students:  # lazily, so that a serial build stops at the 20th failure
            yield from _draw(loaded, bank, (student,))
        return
    chunks = [students[i:i + CHUNK_STUDENTS] for i in range(0, len(students), CHUNK_STUDENTS)]
    with process_pool(min(workers, len(chunks)), _init_worker, (loaded, bank)) as pool:
        futures = [pool.submit(_draw_chunk, chunk) for chunk in chunks]
        try:
            for future in futures:
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()


def build(loaded: LoadedSpec, roster: Roster, bank: Bank,
          progress: Callable[[int], None] | None = None) -> BuildResult:
    """Build every student's paper.

    Papers are drawn and verified in one worker process per CPU (forked, so
    they inherit the loaded bank), in chunks of
    :data:`CHUNK_STUDENTS` students, or in this process for classes under
    :data:`PARALLEL_MIN_STUDENTS`; the result is the same either way.
    ``progress(n)`` is called after each paper with the number done.
    Raises :class:`SpecError` when the spec does not fit the bank (unknown id,
    too few questions for a pick, ``max_marks`` that disagrees with the
    points) and :class:`TemplateError` listing the first
    :data:`MAX_REPORTED_FAILURES` variants, in roster order, that failed
    their verification or contract, each with its question id and seed. On
    ``KeyboardInterrupt`` the workers are stopped and the interrupt re-raised.
    """
    check_against_bank(loaded, bank)
    papers: list[Paper] = []
    failures: list[str] = []
    outcomes = _outcomes(loaded, roster, bank, os.cpu_count() or 1)
    try:
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
            if isinstance(outcome, str):
                failures.append(outcome)
                if len(failures) >= MAX_REPORTED_FAILURES:
                    break
            else:
                papers.append(outcome)
            if progress:
                progress(len(papers) + len(failures))
    finally:
        outcomes.close()
    if failures:
        raise TemplateError("variants failed; nothing was written:\n  " + "\n  ".join(failures))
    max_marks = loaded.spec.header.max_marks
    off = [p for p in papers if abs(p.total_points - max_marks) > 1e-9] if max_marks is not None else []
    if off:
        raise SpecError(f"In {loaded.path}, field 'header.max_marks': {max_marks:g} disagrees with the "
                        f"questions' points, which add up to {off[0].total_points:g} on the paper of "
                        f"{off[0].student.student_id}")
    return BuildResult(loaded, bank, roster, tuple(papers))
