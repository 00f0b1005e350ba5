"""Answer types: what a variant's correct answer is, and how it is checked.

Every answer type is a frozen dataclass with the same small protocol, so that
writers and graders never branch on a type name:

- ``kind``: the answer type's name in the CSV key and manifest;
- ``key_text()``: the correct answer as plain text (CSV key, terminal);
- ``to_json()``: the answer as JSON-ready data (manifest, ``solve --json``);
- ``agrees_with(independent)``: does an independently computed value confirm
  this answer? (verification, see ``variant.make_variant``);
- ``grade(response)``: the fraction of credit, 0.0 to 1.0, for a response
  given as text;
- ``correct_response()`` / ``wrong_response()``: a response that must earn full
  and no credit, so every type tests its own grading (as PrairieLearn does);
- ``arranged(rng)``: the answer as shown to a student: choice pools pick and
  shuffle their options here; other types return themselves.

Numbers shown to students use :func:`format_number`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

LETTERS = "abcdefghijklmnopqrstuvwxyz"


class NotEnoughOptions(Exception):
    """A choice pool has too few distinct options for the variant (it is redrawn)."""


# --------------------------------------------------------------------------- numbers


def _is_integral(x: float) -> bool:
    return float(x).is_integer() and abs(x) < 1e15


def plain_number(x: Any) -> int | float:
    """``x`` as a JSON-ready Python number: an ``int`` when it is integral."""
    x = float(x) if not isinstance(x, int) else x
    if isinstance(x, float) and _is_integral(x):
        return int(x)
    return x


def format_number(x: float, places: int | None = None) -> str:
    """Format a number for a paper or key.

    Python ints print exactly, however large (``2**180`` in full); integral
    floats print as integers (``12``, not ``12.0``); others with
    ``places`` decimals when given, else with 6 significant digits. A minus
    sign is ASCII ``-``; LaTeX math mode typesets it as a minus.
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    if _is_integral(x):
        return str(int(x))
    if places is not None:
        text = f"{x:.{places}f}"
        return "0" if float(text) == 0 else text
    return f"{x:.6g}"


def _places_for(tolerance: float) -> int | None:
    """Decimals that show a value one order finer than an absolute tolerance."""
    if tolerance <= 0:
        return None
    return max(0, -math.floor(math.log10(tolerance)) + 1)


def parse_number(text: str) -> float | None:
    """Parse a student's numeric response (``"1,5"`` and ``"1.5"`` alike); None if not a number."""
    text = text.strip().replace(",", ".").replace("\u2212", "-")
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- base


@dataclass(frozen=True)
class Answer:
    """Base of all answer types; see the module docstring for the protocol."""

    kind: ClassVar[str] = "answer"
    #: True when the answer is a computed quantity that must be verified by an
    #: independent route; False for statement pools, text and essays.
    computed: ClassVar[bool] = True

    def key_text(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def agrees_with(self, independent: Any) -> bool:
        raise NotImplementedError

    def grade(self, response: str) -> float:
        raise NotImplementedError

    def correct_response(self) -> str:
        raise NotImplementedError

    def wrong_response(self) -> str:
        raise NotImplementedError

    def arranged(self, rng: np.random.Generator) -> Answer:
        return self


# --------------------------------------------------------------------------- numerical


@dataclass(frozen=True)
class Numerical(Answer):
    """A number, accepted within an absolute or relative tolerance.

    ``tolerance`` is absolute (as Moodle's numerical ``<tolerance>``) unless
    ``relative`` is true, when it is a fraction of ``|value|``. ``unit`` is
    LaTeX shown after the number; ``places`` fixes the decimals shown.
    """

    kind: ClassVar[str] = "numerical"
    value: float
    tolerance: float = 0.0
    relative: bool = False
    unit: str = ""
    places: int | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(float(self.value)):
            raise ValueError(f"numerical answer is not finite: {self.value}")
        if self.tolerance < 0:
            raise ValueError(f"tolerance must be >= 0, got {self.tolerance}")
        object.__setattr__(self, "value", plain_number(self.value))

    @property
    def abs_tolerance(self) -> float:
        """The tolerance as an absolute ± around ``value``."""
        return self.tolerance * abs(self.value) if self.relative else self.tolerance

    def shown(self) -> str:
        """The value as printed on a key."""
        places = self.places if self.places is not None else _places_for(self.abs_tolerance)
        return format_number(self.value, places)

    def key_text(self) -> str:
        return self.shown()

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "value": self.value, "tolerance": self.tolerance,
                "relative": self.relative, "unit": self.unit}

    def accepts(self, x: float) -> bool:
        """Is ``x`` within tolerance of the answer (with a float-rounding margin)?"""
        return abs(float(x) - float(self.value)) <= self.abs_tolerance + 1e-9 * max(1.0, abs(self.value))

    def agrees_with(self, independent: Any) -> bool:
        return self.accepts(float(independent))

    def grade(self, response: str) -> float:
        x = parse_number(response)
        return 1.0 if x is not None and self.accepts(x) else 0.0

    def correct_response(self) -> str:
        return self.shown() if self.accepts(float(self.shown())) else repr(float(self.value))

    def wrong_response(self) -> str:
        return repr(float(self.value) + 10 * self.abs_tolerance + 1 + abs(float(self.value)))


# --------------------------------------------------------------------------- vector / matrix


def _as_tuple(a: np.ndarray) -> tuple:
    if a.ndim == 1:
        return tuple(plain_number(x) for x in a)
    return tuple(_as_tuple(row) for row in a)


@dataclass(frozen=True)
class Matrix(Answer):
    """A vector (1-D) or matrix (2-D) of numbers, each within ``tolerance`` (absolute).

    Build it with ``Matrix.of(array)``. ``value`` is kept as nested tuples so
    the answer is hashable and frozen. A response is the entries row by row,
    rows separated by ``;`` and entries by spaces or commas.
    """

    kind: ClassVar[str] = "matrix"
    value: tuple
    tolerance: float = 0.0
    places: int | None = None

    @classmethod
    def of(cls, values: Any, tolerance: float = 0.0, places: int | None = None) -> Matrix:
        """A vector or matrix answer from anything ``numpy.asarray`` takes."""
        a = np.asarray(values, dtype=float)
        if a.ndim not in (1, 2) or a.size == 0 or not np.all(np.isfinite(a)):
            raise ValueError(f"a vector/matrix answer must be a finite 1-D or 2-D array, got {a!r}")
        return cls(_as_tuple(a), tolerance, places)

    @property
    def array(self) -> np.ndarray:
        return np.asarray(self.value, dtype=float)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    @property
    def type_name(self) -> str:
        """``vector`` or ``matrix``, as named in the CSV key."""
        return "vector" if self.array.ndim == 1 else "matrix"

    def shown_entries(self) -> list[list[str]]:
        """The entries formatted for display, as rows (a vector is one row)."""
        places = self.places if self.places is not None else _places_for(self.tolerance)
        a = np.atleast_2d(self.array)
        return [[format_number(x, places) for x in row] for row in a]

    def key_text(self) -> str:
        rows = [" ".join(r) for r in self.shown_entries()]
        return "[" + "; ".join(rows) + "]"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type_name, "value": [list(r) if isinstance(r, tuple) else r for r in self.value],
                "tolerance": self.tolerance}

    def agrees_with(self, independent: Any) -> bool:
        b = np.asarray(independent, dtype=float)
        a = self.array
        return a.shape == b.shape and bool(np.all(np.abs(a - b) <= self.tolerance + 1e-9 * np.maximum(1, np.abs(a))))

    def _parse(self, response: str) -> np.ndarray | None:
        rows = [r for r in response.strip().strip("[]").split(";")]
        try:
            parsed = [[float(x) for x in re.split(r"[,\s]+", r.strip()) if x] for r in rows]
            out = np.asarray(parsed, dtype=float)
        except ValueError:
            return None
        return out.reshape(self.shape) if out.size == self.array.size else None

    def grade(self, response: str) -> float:
        b = self._parse(response)
        return 1.0 if b is not None and self.agrees_with(b) else 0.0

    def correct_response(self) -> str:
        return "; ".join(" ".join(repr(float(x)) for x in row) for row in np.atleast_2d(self.array))

    def wrong_response(self) -> str:
        wrong = np.atleast_2d(self.array) + 10 * self.tolerance + 1
        return "; ".join(" ".join(repr(float(x)) for x in row) for row in wrong)


# --------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class Option:
    r"""One choice option: LaTeX text, an optional numeric value, and why it is wrong.

    ``text_tex`` and ``rationale`` are LaTeX (escape ``_``, ``^``, ``%``; put
    math in ``\( \)``).
    ``value`` is set for numeric options: distinctness is then judged by
    value and tolerance, and ``solve --json`` reports the correct value.
    ``rationale`` names the mistake a distractor models (e.g. "forgot the
    bias"): it is shown in the key and kept for distractor analysis.
    """

    text_tex: str
    value: float | None = None
    correct: bool = False
    rationale: str = ""
    #: How a numeric option reads as plain text (CSV key); "" for text options.
    text_plain: str = ""


def numeric_option(value: float, *, unit: str = "", places: int | None = None,
                   correct: bool = False, rationale: str = "") -> Option:
    """An option that shows the number ``value`` (in math mode, with ``unit``)."""
    text = format_number(value, places)
    tex = rf"\({text}\)" + (rf"\,{unit}" if unit else "")
    return Option(tex, plain_number(value), correct, rationale, text)


def _distinct(a: Option, b: Option, tolerance: float) -> bool:
    if a.value is not None and b.value is not None:
        return abs(float(a.value) - float(b.value)) > tolerance
    return a.text_tex.strip() != b.text_tex.strip()


@dataclass(frozen=True)
class ChoicePool(Answer):
    """Candidate options from which each variant draws its choice question.

    ``right`` holds correct candidates, ``wrong`` distractor candidates.
    Arranging a pool (``arranged(rng)``) keeps only candidates distinct from
    each other (numbers further apart than ``tolerance``), draws the options
    and shuffles them, so the correct option lands in every position equally
    often. ``n_correct`` is an int (single choice when 1 and ``multiple`` is
    false) or an inclusive (low, high) range for multiple choice. With
    ``sample_wrong`` false the first distinct distractors are kept, in the
    order given (most common mistakes first); with true they are sampled.
    Raises :class:`NotEnoughOptions` when too few distinct candidates remain.
    """

    kind: ClassVar[str] = "choice_pool"
    right: tuple[Option, ...]
    wrong: tuple[Option, ...]
    n_options: int = 4
    n_correct: int | tuple[int, int] = 1
    multiple: bool = False
    tolerance: float = 0.0
    sample_wrong: bool = False

    def _keep_distinct(self, options: Sequence[Option], taken: list[Option]) -> list[Option]:
        kept: list[Option] = []
        for o in options:
            if all(_distinct(o, t, self.tolerance) for t in taken + kept):
                kept.append(o)
        return kept

    def arranged(self, rng: np.random.Generator) -> Answer:
        lo, hi = (self.n_correct, self.n_correct) if isinstance(self.n_correct, int) else self.n_correct
        k = int(rng.integers(lo, hi + 1))
        right_order = rng.permutation(len(self.right)) if len(self.right) > k else range(len(self.right))
        right = self._keep_distinct([replace(self.right[i], correct=True) for i in right_order], [])[:k]
        if len(right) < k:
            raise NotEnoughOptions(f"need {k} distinct correct options, have {len(right)}")
        wrong = self._keep_distinct([replace(o, correct=False) for o in self.wrong], right)
        need = self.n_options - k
        if len(wrong) < need:
            raise NotEnoughOptions(f"need {need} distinct distractors, have {len(wrong)}")
        if self.sample_wrong:
            wrong = [wrong[i] for i in sorted(rng.choice(len(wrong), size=need, replace=False))]
        chosen = right + wrong[:need]
        options = tuple(chosen[i] for i in rng.permutation(len(chosen)))
        if self.multiple:
            return MultipleChoice(options)
        return SingleChoice(options)


def single_choice(right: Option | Sequence[Option], wrong: Sequence[Option], *, n_options: int = 4,
                  tolerance: float = 0.0, sample_wrong: bool = False) -> ChoicePool:
    """A single-choice pool: one correct option (drawn from ``right`` when it is a list).

    For numeric options build each with :func:`numeric_option` and give the
    ``tolerance`` within which two numbers count as the same option.
    """
    right = (right,) if isinstance(right, Option) else tuple(right)
    return ChoicePool(right, tuple(wrong), n_options, 1, False, tolerance, sample_wrong)


def multiple_choice(right: Sequence[Option], wrong: Sequence[Option], *, n_options: int = 4,
                    n_correct: tuple[int, int] = (1, 3), tolerance: float = 0.0) -> ChoicePool:
    """A select-all-that-apply pool: between ``n_correct`` low and high options are correct."""
    return ChoicePool(tuple(right), tuple(wrong), n_options, n_correct, True, tolerance, True)


@dataclass(frozen=True)
class SingleChoice(Answer):
    """An arranged single-choice answer: ``options`` in shown order, exactly one correct.

    A response is the option's letter (``b`` or ``(b)``).
    """

    kind: ClassVar[str] = "single_choice"
    options: tuple[Option, ...]

    def __post_init__(self) -> None:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("a single-choice answer needs exactly one correct option")

    @property
    def computed(self) -> bool:  # type: ignore[override]
        return self.options[0].value is not None

    @property
    def correct_index(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def letter(self) -> str:
        return LETTERS[self.correct_index]

    @property
    def value(self) -> float | None:
        """The correct option's number, for numeric options."""
        return self.options[self.correct_index].value

    def key_text(self) -> str:
        """The letter, and for a numeric option the number as the option shows it: ``(b) 0.0744``."""
        o = self.options[self.correct_index]
        shown = o.text_plain or (format_number(o.value) if o.value is not None else "")
        return f"({self.letter})" + (f" {shown}" if shown else "")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "correct": self.letter,
                               "options": [{"letter": LETTERS[i], "text_tex": o.text_tex, "value": o.value,
                                            "correct": o.correct, "rationale": o.rationale}
                                           for i, o in enumerate(self.options)]}
        if self.value is not None:
            out["value"] = self.value
        return out

    def agrees_with(self, independent: Any) -> bool:
        v = self.value
        return v is not None and abs(float(v) - float(independent)) <= 1e-9 * max(1.0, abs(float(v)))

    def grade(self, response: str) -> float:
        return 1.0 if response.strip().strip("()").lower() == self.letter else 0.0

    def correct_response(self) -> str:
        return self.letter

    def wrong_response(self) -> str:
        return LETTERS[(self.correct_index + 1) % len(self.options)]


@dataclass(frozen=True)
class MultipleChoice(Answer):
    """An arranged select-all-that-apply answer; a response lists letters (``"a c"``, ``"ac"``).

    Grading is all-or-nothing: the chosen set must equal the correct set.
    """

    kind: ClassVar[str] = "multiple_choice"
    computed: ClassVar[bool] = False
    options: tuple[Option, ...]

    @property
    def letters(self) -> str:
        return "".join(LETTERS[i] for i, o in enumerate(self.options) if o.correct)

    def key_text(self) -> str:
        return " ".join(f"({c})" for c in self.letters)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "correct": list(self.letters),
                "options": [{"letter": LETTERS[i], "text_tex": o.text_tex, "correct": o.correct,
                             "rationale": o.rationale} for i, o in enumerate(self.options)]}

    def agrees_with(self, independent: Any) -> bool:
        return set(self.letters) == set(independent)

    def grade(self, response: str) -> float:
        chosen = {c for c in response.lower() if c in LETTERS[: len(self.options)]}
        return 1.0 if chosen == set(self.letters) else 0.0

    def correct_response(self) -> str:
        return self.letters

    def wrong_response(self) -> str:
        return "".join(LETTERS[i] for i, o in enumerate(self.options) if not o.correct)


# --------------------------------------------------------------------------- true/false, text, essay


@dataclass(frozen=True)
class TrueFalse(Answer):
    """True or false; a response is ``true``/``false``/``t``/``f`` (any case)."""

    kind: ClassVar[str] = "true_false"
    computed: ClassVar[bool] = False
    value: bool

    def key_text(self) -> str:
        return "True" if self.value else "False"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "value": self.value}

    def agrees_with(self, independent: Any) -> bool:
        return bool(independent) == self.value

    def grade(self, response: str) -> float:
        r = response.strip().lower()
        if r not in ("true", "t", "false", "f"):
            return 0.0
        return 1.0 if r.startswith("t") == self.value else 0.0

    def correct_response(self) -> str:
        return self.key_text().lower()

    def wrong_response(self) -> str:
        return "false" if self.value else "true"


def _normalise_text(s: str) -> str:
    return " ".join(s.split())


@dataclass(frozen=True)
class ShortText(Answer):
    """A short word or phrase; any of ``accepted`` earns credit (spaces folded)."""

    kind: ClassVar[str] = "short_text"
    computed: ClassVar[bool] = False
    accepted: tuple[str, ...]
    case_sensitive: bool = False

    def __post_init__(self) -> None:
        if not self.accepted or not all(a.strip() for a in self.accepted):
            raise ValueError("a short-text answer needs at least one non-empty accepted answer")

    def _norm(self, s: str) -> str:
        s = _normalise_text(s)
        return s if self.case_sensitive else s.lower()

    def key_text(self) -> str:
        return " | ".join(self.accepted)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "accepted": list(self.accepted), "case_sensitive": self.case_sensitive}

    def agrees_with(self, independent: Any) -> bool:
        return self._norm(str(independent)) in {self._norm(a) for a in self.accepted}

    def grade(self, response: str) -> float:
        return 1.0 if self.agrees_with(response) else 0.0

    def correct_response(self) -> str:
        return self.accepted[0]

    def wrong_response(self) -> str:
        return self.accepted[0] + " not"


@dataclass(frozen=True)
class Essay(Answer):
    """A free answer graded by hand; ``model_answer_tex`` is shown in the key.

    ``lines`` is the room left on the paper, in ruled lines. ``grade`` returns
    0.0 for every response: an essay needs a human grader.
    """

    kind: ClassVar[str] = "essay"
    computed: ClassVar[bool] = False
    model_answer_tex: str
    lines: int = 6

    def key_text(self) -> str:
        return "essay, graded by hand against the model answer"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind, "model_answer_tex": self.model_answer_tex}

    def agrees_with(self, independent: Any) -> bool:
        return True

    def grade(self, response: str) -> float:
        return 0.0

    def correct_response(self) -> str:
        return ""

    def wrong_response(self) -> str:
        return ""


# --------------------------------------------------------------------------- multi-part


@dataclass(frozen=True)
class Part:
    """One sub-answer of a multi-part question: label (``a``, ``b``…), prompt and answer.

    ``prompt_tex`` is LaTeX shown before the part's answer space; ``weight``
    is its share of the question's points relative to the other parts.
    """

    label: str
    prompt_tex: str
    answer: Answer
    weight: float = 1.0


@dataclass(frozen=True)
class MultiPart(Answer):
    """Several sub-answers in one question; points are split by the parts' weights.

    Verification compares part by part: ``independent`` is a sequence with
    one value per part, in order. A response gives the parts separated by
    ``|`` in order; the grade is the weighted mean of the parts' grades.
    """

    kind: ClassVar[str] = "multi_part"
    parts: tuple[Part, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("a multi-part answer needs at least one part")
        labels = [p.label for p in self.parts]
        if len(set(labels)) != len(labels):
            raise ValueError(f"multi-part labels repeat: {labels}")

    @property
    def computed(self) -> bool:  # type: ignore[override]
        return any(p.answer.computed for p in self.parts)

    def arranged(self, rng: np.random.Generator) -> Answer:
        return MultiPart(tuple(replace(p, answer=p.answer.arranged(rng)) for p in self.parts))

    @property
    def weights(self) -> np.ndarray:
        w = np.asarray([p.weight for p in self.parts], dtype=float)
        return w / w.sum()

    def key_text(self) -> str:
        return "; ".join(f"({p.label}) {p.answer.key_text()}" for p in self.parts)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.kind,
                "parts": [{"label": p.label, "weight": p.weight, **p.answer.to_json()} for p in self.parts]}

    def agrees_with(self, independent: Any) -> bool:
        values = list(independent)
        return len(values) == len(self.parts) and all(
            p.answer.agrees_with(v) for p, v in zip(self.parts, values))

    def grade(self, response: str) -> float:
        pieces = response.split("|")
        if len(pieces) != len(self.parts):
            return 0.0
        return float(sum(w * p.answer.grade(r) for w, p, r in zip(self.weights, self.parts, pieces)))

    def correct_response(self) -> str:
        return "|".join(p.answer.correct_response() for p in self.parts)

    def wrong_response(self) -> str:
        return "|".join(p.answer.wrong_response() for p in self.parts)


def answer_type_name(answer: Answer) -> str:
    """The answer type as named in the CSV key (``vector`` and ``matrix`` told apart)."""
    return answer.type_name if isinstance(answer, Matrix) else answer.kind


__all__ = [
    "LETTERS",
    "Answer",
    "ChoicePool",
    "Essay",
    "Matrix",
    "MultiPart",
    "MultipleChoice",
    "NotEnoughOptions",
    "Numerical",
    "Option",
    "Part",
    "ShortText",
    "SingleChoice",
    "TrueFalse",
    "answer_type_name",
    "format_number",
    "multiple_choice",
    "numeric_option",
    "parse_number",
    "plain_number",
    "single_choice",
]
