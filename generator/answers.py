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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
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


def fixed_decimals(x: float, places: int) -> str:
    """``x`` with exactly ``places`` decimals, rounded half away from zero on its shortest decimal form,
    as a person rounds (6.5625 to 3 places is 6.563; the binary float's own half-to-even gives 6.562)."""
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_number(x: float, places: int | None = None) -> str:
    """Format a number for a paper or key.

    Python ints print exactly, however large (``2**180`` in full); integral
    floats print as integers (``12``, not ``12.0``); others with
    ``places`` decimals when given (rounded half away from zero: 6.5625 to
    3 places is 6.563), else with 6 significant digits. A minus
    sign is ASCII ``-``; LaTeX math mode typesets it as a minus.
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    if _is_integral(x):
        return str(int(x))
    if places is not None:
        text = fixed_decimals(x, places)
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
    #: Distractors of one non-empty group exclude each other: a variant shows at most one of them
    #: (two parts of the answer shown side by side would add up to the key).
    group: str = ""




@dataclass(frozen=True)
class Numerical(Answer):
    """A number, accepted within an absolute or relative tolerance.

    ``tolerance`` is absolute (as Moodle's numerical ``<tolerance>``) unless
    ``relative`` is true, when it is a fraction of ``|value|``. ``unit`` is
    LaTeX shown after the number; ``places`` fixes the decimals shown.
    ``mistakes`` are the values of modelled mistakes (:func:`numeric_option`
    with a ``rationale``); ``variantex check`` fails a template when the
    tolerance accepts one of them, exactly or as printed with ``places``.
    """

    kind: ClassVar[str] = "numerical"
    value: float
    tolerance: float = 0.0
    relative: bool = False
    unit: str = ""
    places: int | None = None
    mistakes: tuple[Option, ...] = ()

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

    @property
    def shown_places(self) -> int | None:
        """Decimals printed on the key: ``places``, else one order finer than the tolerance."""
        return self.places if self.places is not None else _places_for(self.abs_tolerance)

    def shown(self) -> str:
        """The value as printed on a key."""
        return format_number(self.value, self.shown_places)

    def accepted_mistakes(self) -> list[Option]:
        """The modelled mistakes this answer's tolerance accepts, exactly or rounded as the key prints numbers."""
        return [m for m in self.mistakes if m.value is not None
                and (self.accepts(m.value) or self.accepts(float(format_number(m.value, self.shown_places))))]

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


def numeric_option(value: float, *, unit: str = "", places: int | None = None,
                   correct: bool = False, rationale: str = "", group: str = "") -> Option:
    """An option that shows the number ``value`` (in math mode, with ``unit``); ``group``: see :class:`Option`."""
    text = format_number(value, places)
    tex = rf"\({text}\)" + (rf"\,{unit}" if unit else "")
    return Option(tex, plain_number(value), correct, rationale, text, group)


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

    Of the distractors that share a ``group`` one, drawn, is a candidate.
    ``valid`` (low, high), inclusive, drops numeric distractors outside the
    values the question's answer can take (a negative size, a count of 0).
    With ``rank_balanced`` (single choice with numeric options), the rank of
    the correct value among the sorted option values is drawn uniformly
    first (0 = smallest), then that many distractors are taken from those
    below the key and the rest from those above, so the key is the smallest,
    middle or largest option equally often and its rank tells nothing. A rank
    the candidates cannot make (too few below or above) is replaced by the
    feasible rank nearest to it; ``variantex check`` measures the balance.
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
    valid: tuple[float, float] | None = None
    rank_balanced: bool = False

    def _in_range(self, o: Option) -> bool:
        return self.valid is None or o.value is None or self.valid[0] <= float(o.value) <= self.valid[1]

    def _pick(self, rng: np.random.Generator, candidates: list[Option], n: int) -> list[Option]:
        """``n`` of ``candidates``: the first ``n``, or a sample (in the given order) with ``sample_wrong``."""
        if not self.sample_wrong or n == 0:
            return candidates[:n]
        return [candidates[i] for i in sorted(rng.choice(len(candidates), size=n, replace=False))]

    def _rank_balanced(self, rng: np.random.Generator, key: Option, wrong: list[Option], need: int) -> list[Option]:
        """``need`` distractors around ``key`` so that the key's rank is uniform (see the class docstring)."""
        v = float(key.value)  # type: ignore[arg-type]
        below = [o for o in wrong if float(o.value) < v]  # type: ignore[arg-type]
        above = [o for o in wrong if float(o.value) > v]  # type: ignore[arg-type]
        feasible = [r for r in range(need + 1) if r <= len(below) and need - r <= len(above)]
        if not feasible:
            raise NotEnoughOptions(f"need {need} distinct distractors, have {len(below) + len(above)}")
        target = int(rng.integers(0, need + 1))
        rank = min(feasible, key=lambda r: (abs(r - target), r))
        return self._pick(rng, below, rank) + self._pick(rng, above, need - rank)

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
        candidates = [replace(o, correct=False) for o in self.wrong if self._in_range(o)]
        groups = sorted({o.group for o in candidates if o.group})
        for g in groups:  # keep one member of each group, drawn
            members = [i for i, o in enumerate(candidates) if o.group == g]
            keep = members[int(rng.integers(len(members)))]
            candidates = [o for i, o in enumerate(candidates) if o.group != g or i == keep]
        wrong = self._keep_distinct(candidates, right)
        need = self.n_options - k
        if len(wrong) < need:
            raise NotEnoughOptions(f"need {need} distinct distractors, have {len(wrong)}")
        if self.rank_balanced and k == 1:
            chosen = right + self._rank_balanced(rng, right[0], wrong, need)
        else:
            chosen = right + self._pick(rng, wrong, need)
        options = tuple(chosen[i] for i in rng.permutation(len(chosen)))
        if self.multiple:
            return MultipleChoice(options)
        return SingleChoice(options)


def single_choice(right: Option | Sequence[Option], wrong: Sequence[Option], *, n_options: int = 4,
                  tolerance: float = 0.0, sample_wrong: bool = False,
                  valid: tuple[float, float] | None = None) -> ChoicePool:
    """A single-choice pool: one correct option (drawn from ``right`` when it is a list).

    For numeric options build each with :func:`numeric_option` and give the
    ``tolerance`` within which two numbers count as the same option, and
    ``valid``, the inclusive range the answer can take (usually the
    question's ``valid_range``): distractors outside it are dropped. When
    every option is numeric the pool is rank-balanced (see
    :class:`ChoicePool`): give distractors that model mistakes on both sides
    of the key (too small and too large), at least ``n_options - 1`` each.
    """
    right = (right,) if isinstance(right, Option) else tuple(right)
    numeric = all(o.value is not None for o in (*right, *wrong))
    return ChoicePool(right, tuple(wrong), n_options, 1, False, tolerance, sample_wrong, valid, numeric)


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


#: Words dropped from every short-text response and accepted answer.
ARTICLES = frozenset({"a", "an", "the"})


def short_text_words(s: str, case_sensitive: bool = False) -> tuple[str, ...]:
    """The words of a short-text answer as graded: NFKC, punctuation gone, articles dropped.

    Punctuation and symbols (Unicode categories P and S, except ``_`` so
    that ``f_t`` stays one word) become spaces; LaTeX's braces, dollars and
    backslashes are deleted first (``$f_{t}$`` reads ``f_t``). Case is folded unless
    ``case_sensitive``; articles (``a``, ``an``, ``the``) are dropped in any
    case. ``"The Sigmoid-function."`` gives ``("sigmoid", "function")``.
    """
    s = unicodedata.normalize("NFKC", s)
    s = "".join(c for c in s if c not in "{}$\\")
    s = "".join(c if c == "_" or unicodedata.category(c)[0] not in "PS" else " " for c in s)
    words = [w if case_sensitive else w.casefold() for w in s.split()]
    return tuple(w for w in words if w.casefold() not in ARTICLES)


def short_text_matches(response: str, accepted: Sequence[str], *, case_sensitive: bool = False,
                       optional_words: Sequence[str] = ()) -> bool:
    """Does a short-text ``response`` give one of the ``accepted`` answers? The one rule graders use.

    Both sides are read by :func:`short_text_words`, then the
    ``optional_words`` a question declares (``"function"``, ``"gate"``) are
    dropped, unless nothing else is left. The response is right when its
    words are one accepted answer, or several accepted answers one after
    the other (``"forget gate f_t"`` when ``"forget gate"`` and ``"f_t"``
    are both accepted; ``"tanh (hyperbolic tangent)"``).
    """
    optional = {w.casefold() for w in optional_words}

    def words(text: str) -> tuple[str, ...]:
        ws = short_text_words(text, case_sensitive)
        kept = tuple(w for w in ws if w.casefold() not in optional)
        return kept or ws

    answers = {words(a) for a in accepted} - {()}
    got = words(response)
    if not got:
        return False
    # reachable[i]: the first i words split into accepted answers
    reachable = [True] + [False] * len(got)
    for i in range(len(got)):
        if reachable[i]:
            for a in answers:
                if got[i:i + len(a)] == a:
                    reachable[i + len(a)] = True
    return reachable[-1]


@dataclass(frozen=True)
class ShortText(Answer):
    """A short word or phrase; any of ``accepted`` earns credit, read by :func:`short_text_matches`.

    ``optional_words`` are words a response may add or leave out
    (``("function", "activation")`` for "sigmoid"); the question declares
    them, with synonyms in ``accepted``.
    """

    kind: ClassVar[str] = "short_text"
    computed: ClassVar[bool] = False
    accepted: tuple[str, ...]
    case_sensitive: bool = False
    optional_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.accepted or not all(short_text_words(a) for a in self.accepted):
            raise ValueError("a short-text answer needs at least one accepted answer with a word in it")

    def key_text(self) -> str:
        return " | ".join(self.accepted)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "accepted": list(self.accepted),
                               "case_sensitive": self.case_sensitive}
        if self.optional_words:
            out["optional_words"] = list(self.optional_words)
        return out

    def agrees_with(self, independent: Any) -> bool:
        return short_text_matches(str(independent), self.accepted, case_sensitive=self.case_sensitive,
                                  optional_words=self.optional_words)

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
    "short_text_matches",
    "short_text_words",
    "single_choice",
]
