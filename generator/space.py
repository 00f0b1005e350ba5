"""Room to work on a paper: the ``space:`` of a spec section or question entry, or of a template.

Written as text:

- ``"4cm"``, ``"35mm"``, ``"1.5in"``: a blank working area of that height;
- ``"5 lines"``, ``"1 line"``: ruled lines to write on;
- ``"none"``: no room beyond the answer box or the options.

Where the spec and the template say nothing, :func:`default_space` gives the
room by answer type (see its table). ``render_tex`` draws the room; this module
only reads and bounds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: The tallest working area and the most lines one question (or one part) may ask for: a page's text
#: height is about 25 cm, and a question's room must leave space for its stem.
MAX_SPACE_CM = 22.0
MAX_LINES = 36

_UNITS_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54}
_PATTERN = re.compile(r"^\s*(?:(none)|(\d+(?:\.\d+)?)\s*(cm|mm|in)|(\d+)\s*lines?)\s*$")


@dataclass(frozen=True)
class Space:
    """Room to work: ``kind`` ``"blank"`` (``amount`` in cm), ``"lines"`` (``amount`` ruled lines) or ``"none"``."""

    kind: Literal["blank", "lines", "none"]
    amount: float = 0.0

    def __str__(self) -> str:
        if self.kind == "blank":
            return f"{self.amount:g}cm"
        if self.kind == "lines":
            return f"{int(self.amount)} line{'s' if self.amount != 1 else ''}"
        return "none"


NONE = Space("none")


def parse_space(text: str) -> Space:
    """Read ``"4cm"``, ``"35mm"``, ``"1.5in"``, ``"5 lines"`` or ``"none"`` (see the module docstring).

    Raises ``ValueError`` saying what is accepted for anything else, for a
    blank area taller than :data:`MAX_SPACE_CM` cm or more than
    :data:`MAX_LINES` lines.
    """
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"space must be a height such as '4cm' or '35mm', a number of ruled lines such as "
                         f"'5 lines', or 'none' (got {text!r})")
    none, number, unit, lines = match.groups()
    if none:
        return NONE
    if lines is not None:
        n = int(lines)
        if not 1 <= n <= MAX_LINES:
            raise ValueError(f"space: {n} lines; give 1 to {MAX_LINES} lines (or 'none')")
        return Space("lines", n)
    cm = round(float(number) * _UNITS_CM[unit], 3)
    if not 0 < cm <= MAX_SPACE_CM:
        raise ValueError(f"space: {text.strip()} is {cm:g} cm; give more than 0 and at most {MAX_SPACE_CM:g} cm "
                         "(a page holds about 25 cm of text)")
    return Space("blank", cm)


#: Room when neither the spec nor the template sets it, by answer kind: a working area for
#: calculations, small room for choices, none where the answer box or the lines are the room
#: (essays use their answer's own ``lines``; true/false and short text need none).
DEFAULTS: dict[str, Space] = {
    "numerical": Space("blank", 3.0),
    "matrix": Space("blank", 3.5),
    "single_choice": Space("blank", 1.0),
    "multiple_choice": Space("blank", 1.0),
    "true_false": NONE,
    "short_text": NONE,
}


def default_space(kind: str) -> Space:
    """The room for an answer of ``kind`` when nobody set it (:data:`DEFAULTS`; none for other kinds)."""
    return DEFAULTS.get(kind, NONE)
