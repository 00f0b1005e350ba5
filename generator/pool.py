"""The question pool of an LMS export: N variants of every question slot of a spec.

An online quiz gives each student a different variant by drawing, per slot,
one question at random from a category that holds that slot's variants
(Moodle's "random question from category", Canvas's question group). The
pool is made with the same seeding as papers: variant ``k`` of slot ``n``
is question ``n`` of the paper student ``pool-k`` would get, so any pool
variant can be rebuilt with ``variantex solve ID --seed SEED``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .bank import Bank
from .build import BuildResult, Item, build
from .roster import Roster, Student
from .spec import LoadedSpec

#: Student id of pool variant ``k``.
POOL_STUDENT = "pool-{}"


@dataclass(frozen=True)
class PoolVariant:
    """Variant ``k`` (1-based) of a slot: the item of student ``pool-k``'s paper at that slot."""

    k: int
    item: Item

    @property
    def idnumber(self) -> str:
        """The variant id, unique in a pool: question id and seed (``dl/cnn/conv-params@1234``)."""
        return f"{self.item.variant.question_id}@{self.item.variant.seed}"


@dataclass(frozen=True)
class Slot:
    """One numbered question of the spec (``Q<number>``) and its variants in ``k`` order.

    ``title`` is the question's title, or the titles joined by `` / `` when a
    per-student pick puts different questions in the slot; ``section`` is the
    title of the section it belongs to.
    """

    number: int
    title: str
    section: str
    variants: tuple[PoolVariant, ...]


@dataclass(frozen=True)
class Pool:
    """A pool: the build of students ``pool-1 … pool-N`` and its slots in paper order."""

    result: BuildResult
    slots: tuple[Slot, ...]

    @property
    def exam_title(self) -> str:
        return self.result.spec.spec.header.exam_title

    @property
    def size(self) -> int:
        return len(self.result.papers)


def pool(loaded: LoadedSpec, bank: Bank, n: int, progress: Callable[[int], None] | None = None) -> Pool:
    """Draw ``n`` variants of every slot of the spec: the papers of students ``pool-1 … pool-n``.

    Raises what :func:`build.build` raises (:class:`errors.SpecError`,
    :class:`errors.TemplateError` naming question and seed) and
    :class:`errors.SpecError` for ``n < 1``.
    """
    from .errors import SpecError

    if n < 1:
        raise SpecError(f"--variants must be at least 1, got {n}")
    roster = Roster(tuple(Student(POOL_STUDENT.format(k), "") for k in range(1, n + 1)))
    result = build(loaded, roster, bank, progress)
    return pool_of(result)


def pool_of(result: BuildResult) -> Pool:
    """Group the papers of ``result`` into slots (its papers are taken as variants 1, 2, … in order)."""
    by_number: dict[int, list[PoolVariant]] = {}
    sections: dict[int, str] = {}
    for k, paper in enumerate(result.papers, start=1):
        for section in paper.sections:
            for item in section.items:
                by_number.setdefault(item.number, []).append(PoolVariant(k, item))
                sections.setdefault(item.number, section.title)
    slots = []
    for number in sorted(by_number):
        variants = tuple(by_number[number])
        titles = list(dict.fromkeys(result.bank.questions[v.item.variant.question_id].title for v in variants))
        slots.append(Slot(number, " / ".join(titles), sections[number], variants))
    return Pool(result, tuple(slots))
