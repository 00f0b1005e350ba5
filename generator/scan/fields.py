"""From bubble fills to answers: a field's reading, or ``unreadable`` with the reason — never a guess.

A bubble is *marked* when its adjusted fill is at least :data:`MARKED`,
*blank* below :data:`BLANK`, and *ambiguous* in between (a half-filled
bubble, a faint tick, a smudge that is not quite erased). Any ambiguous
bubble makes its field unreadable; so do two marks where one is allowed
(single choice, true/false, a digit column, the whole points of a
hand-marked question) and a digit grid with a gap between digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MARKED = 0.42
BLANK = 0.14


@dataclass(frozen=True)
class Reading:
    """A field's value as the responses CSV cell (``""`` = blank) or ``value=None`` with ``reason``."""

    value: str | None
    reason: str = ""

    @property
    def unreadable(self) -> bool:
        return self.value is None


def _classify(fill: np.ndarray) -> tuple[list[int], list[int]]:
    marked = [i for i, f in enumerate(fill) if f >= MARKED]
    ambiguous = [i for i, f in enumerate(fill) if BLANK <= f < MARKED]
    return marked, ambiguous


def _choice(f: dict[str, Any], fill: np.ndarray) -> Reading:
    marked, ambiguous = _classify(fill)
    values = [f["bubbles"][i][3] for i in range(len(fill))]
    if ambiguous:
        return Reading(None, "a mark between the thresholds at " + ", ".join(f["shown"][i] for i in ambiguous))
    if f["answer_type"] != "multiple_choice" and len(marked) > 1:
        return Reading(None, "marks at " + ", ".join(f["shown"][i] for i in marked) + " where one is allowed")
    return Reading("".join(values[i] for i in marked))


def _digits(f: dict[str, Any], fill: np.ndarray) -> tuple[bool | None, list[int | None]] | str:
    """(sign marked, digit per column or None) or the reason the grid is unreadable."""
    n = f["int_digits"] + f["dec_digits"]
    sign = None
    columns: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (_, _, _, v), x in zip(f["bubbles"], fill):
        if v == "-":
            sign = x
        else:
            c, d = v.split(":")
            columns[int(c)].append((int(d), x))
    problems = []
    if sign is not None and BLANK <= sign < MARKED:
        problems.append("the sign bubble is between the thresholds")
    digits: list[int | None] = []
    for k, col in enumerate(columns, 1):
        marked = [d for d, x in col if x >= MARKED]
        ambiguous = [d for d, x in col if BLANK <= x < MARKED]
        if ambiguous:
            problems.append(f"column {k}: a mark between the thresholds at {', '.join(map(str, ambiguous))}")
        elif len(marked) > 1:
            problems.append(f"column {k}: {', '.join(map(str, marked))} marked")
        digits.append(marked[0] if len(marked) == 1 else None)
    if problems:
        return "; ".join(problems)
    return (sign is not None and sign >= MARKED), digits


def _number(f: dict[str, Any], fill: np.ndarray) -> Reading:
    got = _digits(f, fill)
    if isinstance(got, str):
        return Reading(None, got)
    negative, digits = got
    i = f["int_digits"]
    whole, frac = digits[:i], digits[i:]
    if all(x is None for x in digits):
        return Reading(None, "the sign is marked but no digit") if negative else Reading("")
    first = next((k for k, x in enumerate(whole) if x is not None), len(whole))
    if any(x is None for x in whole[first:]) and any(x is not None for x in frac):
        return Reading(None, "an empty column before the decimal point")
    if any(x is None for x in whole[first:]):
        # digits written left-aligned with the decimal places left empty are not a number we can place
        return Reading(None, "an empty column between digits")
    last = max((k for k, x in enumerate(frac) if x is not None), default=-1)
    if any(x is None for x in frac[:last + 1]):
        return Reading(None, "an empty column between decimal digits")
    text = "".join(str(x) for x in whole[first:]).lstrip("0") or "0"
    if last >= 0:
        text += "." + "".join(str(x) for x in frac[:last + 1])
    return Reading(("-" if negative else "") + text)


def _student_number(f: dict[str, Any], fill: np.ndarray) -> Reading:
    got = _digits(f, fill)
    if isinstance(got, str):
        return Reading(None, got)
    _, digits = got
    first = next((k for k, x in enumerate(digits) if x is not None), len(digits))
    last = max((k for k, x in enumerate(digits) if x is not None), default=-1)
    if any(x is None for x in digits[first:last + 1]):
        return Reading(None, "an empty column between digits")
    return Reading("".join(str(x) for x in digits[first:last + 1]))


def _points(f: dict[str, Any], fill: np.ndarray) -> Reading:
    """Points a marker filled: one whole-point bubble (or one tens and one units), plus ``+0.5``."""
    marked, ambiguous = _classify(fill)
    values = [f["bubbles"][i][3] for i in range(len(fill))]
    if ambiguous:
        return Reading(None, "a mark between the thresholds at " + ", ".join(values[i] for i in ambiguous))
    if not marked:
        return Reading("")
    rows = [[i for i in marked if values[i].startswith("t")], [i for i in marked if values[i][0].isdigit()]]
    if any(len(r) > 1 for r in rows):
        return Reading(None, "points " + ", ".join(values[i] for i in marked) + " marked where one is allowed")
    total = sum(float(values[i].lstrip("t")) for r in rows for i in r)
    total += 0.5 * any(values[i] == "+0.5" for i in marked)
    if total > float(f["max_points"]) + 1e-9:
        return Reading(None, f"{total:g} points marked, the question has {float(f['max_points']):g}")
    return Reading(f"{total:g}")


def read_field(f: dict[str, Any], fill: np.ndarray) -> Reading:
    """The reading of layout field ``f`` from its bubbles' adjusted fills (same order as ``f["bubbles"]``)."""
    kind = f["kind"]
    if kind == "choice":
        return _choice(f, fill)
    if kind == "number":
        return _number(f, fill)
    if kind == "student_number":
        return _student_number(f, fill)
    return _points(f, fill)
