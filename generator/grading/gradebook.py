"""The result of grading: immutable records, one mark per (student, response cell).

The per-cell and per-question marks are named tuples, not frozen dataclasses:
3,000 students x 40 questions make 231,000 of them, and a frozen dataclass
takes six times as long to create (0.9 s against 0.15 s; bench/bench_grade.py).

Writers (``scores.csv``, ``responses_graded.csv``, Moodle gradebook, and
later item and distractor analysis) read only these. For choice questions a
:class:`CellMark` keeps the letters ticked and every option's letter,
correctness and rationale, so distractor analysis needs no other input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .item_analysis import MarkTable

#: The statuses a response cell can have.
STATUSES = ("correct", "partial", "wrong", "blank", "unreadable", "manual")
#: The note of a ``manual`` cell whose marker's score has not been entered yet.
AWAITING_MARKER = "to be marked by hand"


@dataclass(frozen=True)
class Problem:
    """Something wrong in an input, with where: ``file``, 1-based CSV ``line`` and ``column`` (header name).

    ``line``/``column`` are None where they do not apply (a student with no row).
    """

    file: str
    line: int | None
    column: str | None
    student_id: str | None
    message: str

    def text(self) -> str:
        where = f"In {self.file}" + (f", line {self.line}" if self.line else "") + \
            (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CellMark(NamedTuple):
    """One graded response cell: question ``number``, part ``label`` ('' if not multi-part), CSV ``column``.

    ``points`` may be negative (negative marking); ``max_points`` is the cell's
    share of the question. ``ticked`` lists option letters chosen (choice
    types); ``options`` the manifest's options (:class:`manifest.OptionRecord`:
    letter, correct, rationale, text_tex). ``note`` explains an unreadable cell or an override.
    """

    number: int
    label: str
    column: str
    question_id: str
    answer_type: str
    response: str
    key_text: str
    points: float
    max_points: float
    status: str
    ticked: tuple[str, ...] = ()
    options: tuple[Any, ...] = ()
    note: str = ""

    @property
    def awaiting_marker(self) -> bool:
        """A hand-marked cell with no marker's score yet (its 0 points are not a mark)."""
        return self.status == "manual" and self.note == AWAITING_MARKER


class QuestionMark(NamedTuple):
    """One question on one paper: its cells (one, or one per part), total points and status.

    ``params`` are the variant's drawn parameters (from the manifest), so item
    analysis can group students by variant without the bank. ``record`` is the
    manifest's record of the question as read (:class:`manifest.QuestionRecord`,
    or :class:`manifest.QuestionText` with ``stem_tex``, ``solution_tex`` …
    when grading for feedback PDFs).
    """

    number: int
    question_id: str
    answer_type: str
    points: float
    max_points: float
    status: str
    cells: tuple[CellMark, ...]
    params: dict[str, Any] = {}  # noqa: RUF012 (a NamedTuple default; never changed)
    record: Any = None


@dataclass(frozen=True)
class StudentGrades:
    """One student's graded paper; ``present`` is false for a student with no row (nothing graded)."""

    student_id: str
    name: str
    paper_id: str
    present: bool
    questions: tuple[QuestionMark, ...]

    @property
    def total(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def max_points(self) -> float:
        return sum(q.max_points for q in self.questions)


@dataclass(frozen=True)
class Applied:
    """A regrade rule as applied: ``rule`` (drop, full_marks, accept, override), ``question`` (``Q7``,
    ``Q6b``), ``student_id`` ('' for everyone), ``reason``, and ``detail`` (what it changed)."""

    rule: str
    question: str
    student_id: str
    reason: str
    detail: str


@dataclass(frozen=True)
class ClassGrades:
    """The class as a whole, what the class-level writers read (problems, overrides, the analysis, the
    report): the exam title, the input paths, question numbers, how many papers the build has, every
    problem found (in line order), the regrade rules as applied, and the class's
    :class:`item_analysis.MarkTable` (its present students, in manifest order).

    Each student's marks are not here: ``variantex grade`` grades parts of
    the class in two processes, and each writes its own students' rows
    (:mod:`run`). A :class:`GradeResult` has these fields too, and its students.
    """

    exam_title: str
    manifest_path: str
    responses_path: str
    numbers: tuple[int, ...]
    n_papers: int
    problems: tuple[Problem, ...]
    overrides: tuple[Applied, ...]
    table: MarkTable = field(compare=False, repr=False)


@dataclass(frozen=True)
class GradeResult:
    """Everything writers need: the exam title, question numbers, students in manifest order, problems.

    ``table`` is the class's :class:`item_analysis.MarkTable`, built by
    grading in the same pass (None for a result made another way: the
    analysis builds it then).
    """

    exam_title: str
    manifest_path: str
    responses_path: str
    numbers: tuple[int, ...]
    students: tuple[StudentGrades, ...]
    problems: tuple[Problem, ...] = field(default=())
    overrides: tuple[Applied, ...] = field(default=())
    table: MarkTable | None = field(default=None, compare=False, repr=False)

    @property
    def n_papers(self) -> int:
        """How many papers the build has (students with a row or without)."""
        return len(self.students)
