"""LaTeX for answers: the room a student answers in, and what the key shows.

One method per answer type and purpose (``_space_numerical``,
``_key_single_choice``, …), chosen by the answer's ``kind``, in the manner
of sympy's printers: adding an answer type means adding its two methods
here, never an ``if type == …`` chain in a writer or template.

Every key shows a line ``Answer: <key_text>`` whose text is exactly the
correct answer written to ``answer_key.csv``.
"""

from __future__ import annotations

import math
import re

from .answers import (
    LETTERS,
    Answer,
    ChoicePool,
    Essay,
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    Option,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from .space import Space, default_space, parse_space
from .texenv import bmatrix, escape_tex

BOX = r"\(\square\)"
FILLED = r"\(\blacksquare\)"


#: Up to four options whose LaTeX is at most this long sit side by side in one row on papers.
SHORT_OPTION = 30


def _options(options: tuple[Option, ...], key: bool) -> str:
    marks = [FILLED if key and o.correct else BOX for o in options]
    if not key and len(options) <= 4 and all(len(o.text_tex) <= SHORT_OPTION for o in options):
        cells = " & ".join(f"({LETTERS[i]}) {m} {o.text_tex}" for i, (o, m) in enumerate(zip(options, marks)))
        return (r"\par\smallskip\noindent\begin{tabular*}{\linewidth}{@{}"
                + r"@{\extracolsep{\fill}}l" * len(options) + "@{}}\n" + cells + "\n\\end{tabular*}")
    items = []
    for i, (o, mark) in enumerate(zip(options, marks)):
        note = ""
        if key and not o.correct and o.rationale:
            note = r" \emph{\small(" + o.rationale + ")}"
        items.append(rf"\item[({LETTERS[i]}) {mark}] {o.text_tex}{note}")
    return "\\begin{vxoptions}\n" + "\n".join(items) + "\n\\end{vxoptions}"


def _room(space: Space) -> str:
    """LaTeX for room to work: a blank area of ``space.amount`` cm, or ruled lines, or nothing."""
    if space.kind == "blank":
        return rf"\par\vspace{{{space.amount:g}cm}}"
    if space.kind == "lines":
        return r"\par\vspace{0.55cm}\noindent\rule{\linewidth}{0.3pt}" * int(space.amount)
    return ""


#: Width of a hand-written character in an answer box, in cm (typeset digits are about 0.25 cm).
HAND_CHAR_CM = 0.42
#: Height of a box to write one line in.
BOX_STRUT = r"\rule[-0.7em]{0pt}{2.4em}"


def number_width_cm(places: int | None) -> float:
    """Width of the box for a hand-written number with ``places`` decimals: room for a sign and
    eight digits, plus the decimals and point. Depends on the answer's format, never its value
    (a box sized to the value's digits would hint at the answer)."""
    return round(HAND_CHAR_CM * (9 + ((places or 0) + 1 if places else 0)), 2)


def _number_box(a: Numerical) -> str:
    unit = rf"\ {a.unit}" if a.unit else ""
    return rf"\framebox[{number_width_cm(a.shown_places)}cm]{{{BOX_STRUT}}}" + unit


def matrix_cell_cm(a: Matrix) -> float:
    """Width of one cell of a vector or matrix answer: the widest entry as the key prints it plus
    two characters (at least six), shrunk so that a row, with the matrix's column gaps (10 pt,
    0.35 cm, each), fits in 15 cm of the 17 cm line."""
    chars = max(6, max(len(e) for row in a.shown_entries() for e in row) + 2)
    cols = a.shape[0] if len(a.shape) == 1 else a.shape[1]
    return math.floor(100 * min(HAND_CHAR_CM * chars, 15.0 / cols - 0.36)) / 100


#: A multi-part answer with at least this many parts, every one a number or short text, is a table to fill in.
TABLE_PARTS = 3


def _as_table(a: MultiPart) -> bool:
    return len(a.parts) >= TABLE_PARTS and all(isinstance(p.answer, (Numerical, ShortText)) for p in a.parts)


def _resolve(room: Space | str | None, default: Space) -> Space:
    if room is None:
        return default
    return parse_space(room) if isinstance(room, str) else room


#: An ASCII hyphen used as a minus sign in a key text: before a digit or point, at the start or after a space,
#: bracket or semicolon (not the hyphen of ``leaky-ReLU`` nor the ``e-`` of ``1e-06``).
_MINUS = re.compile(r"(?:^|(?<=[\s\[(;]))-(?=[\d.])")


def _answer_line(answer: Answer) -> str:
    """``Answer: <key text>``: the CSV key's text, with its minus signs set as real minus signs
    (``\\textminus``, text companion fonts) rather than text hyphens."""
    pieces = _MINUS.split(answer.key_text())
    return r"\par\noindent\textbf{Answer:} " + r"\textminus{}".join(escape_tex(p) for p in pieces)


class TexAnswerRenderer:
    """Render answers as LaTeX: ``space(answer, room)`` for papers, ``key(answer)`` for keys."""

    def space(self, answer: Answer, room: Space | str | None = None) -> str:
        """Where a student answers: the room to work (``room``, text as in the spec's ``space:``, or
        None for ``space.default_space`` of the answer's kind), then the answer box, options or lines.
        Raises ``ValueError`` for a ``room`` text ``space.parse_space`` refuses."""
        return getattr(self, f"_space_{answer.kind}")(answer, room)

    def key(self, answer: Answer) -> str:
        """The correct answer as the key shows it, ending in the ``Answer:`` line."""
        return getattr(self, f"_key_{answer.kind}")(answer)

    # --- numerical and text
    def _space_numerical(self, a: Numerical, room: Space | str | None) -> str:
        return (_room(_resolve(room, default_space(a.kind))) + r"\par\medskip\noindent Answer: "
                + _number_box(a))

    def _key_numerical(self, a: Numerical) -> str:
        unit = rf"\ {a.unit}" if a.unit else ""
        tol = ""
        if a.tolerance:
            tol = rf" \quad (accepted within \(\pm {a.tolerance:g}\){' relative' if a.relative else ''})"
        return r"\par\medskip" + _answer_line(a) + unit + tol

    def _space_short_text(self, a: ShortText, room: Space | str | None) -> str:
        return (_room(_resolve(room, default_space(a.kind))) + r"\par\medskip\noindent Answer: "
                rf"\framebox[8cm]{{{BOX_STRUT}}}")

    def _key_short_text(self, a: ShortText) -> str:
        return _answer_line(a)

    def _space_essay(self, a: Essay, room: Space | str | None) -> str:
        return _room(_resolve(room, Space("lines", a.lines)))

    def _key_essay(self, a: Essay) -> str:
        return _answer_line(a) + r"\par\medskip\noindent\textbf{Model answer.} " + a.model_answer_tex

    # --- choices
    def _space_single_choice(self, a: SingleChoice, room: Space | str | None) -> str:
        return _options(a.options, key=False) + _room(_resolve(room, default_space(a.kind)))

    def _key_single_choice(self, a: SingleChoice) -> str:
        return _options(a.options, key=True) + _answer_line(a)

    def _space_multiple_choice(self, a: MultipleChoice, room: Space | str | None) -> str:
        return (r"\par\noindent\emph{Select all that apply.}" + _options(a.options, key=False)
                + _room(_resolve(room, default_space(a.kind))))

    def _key_multiple_choice(self, a: MultipleChoice) -> str:
        return r"\par\noindent\emph{Select all that apply.}" + _options(a.options, key=True) + _answer_line(a)

    def _space_true_false(self, a: TrueFalse, room: Space | str | None) -> str:
        return (rf"\par\medskip\noindent {BOX} True \qquad {BOX} False"
                + _room(_resolve(room, default_space(a.kind))))

    def _key_true_false(self, a: TrueFalse) -> str:
        t, f = (FILLED, BOX) if a.value else (BOX, FILLED)
        return rf"\par\medskip\noindent {t} True \qquad {f} False" + _answer_line(a)

    def _space_choice_pool(self, a: ChoicePool, room: Space | str | None = None) -> str:
        raise TypeError("a choice pool must be arranged into a variant before it is rendered")

    _key_choice_pool = _space_choice_pool

    # --- vector / matrix
    def _space_matrix(self, a: Matrix, room: Space | str | None) -> str:
        rows, cols = (1, a.shape[0]) if len(a.shape) == 1 else a.shape
        cell = rf"\makebox[{matrix_cell_cm(a)}cm]{{{BOX_STRUT}}}"
        body = r" \\ ".join(" & ".join([cell] * cols) for _ in range(rows))
        return (_room(_resolve(room, default_space(a.kind)))
                + r"\par\medskip\noindent Answer (" + f"{a.type_name}, {rows}\\(\\times\\){cols}" + r"):"
                r"\[ \begin{bmatrix} " + body + r" \end{bmatrix} \]")

    def _key_matrix(self, a: Matrix) -> str:
        tol = rf" (each entry within \(\pm {a.tolerance:g}\))" if a.tolerance else ""
        return r"\[ " + bmatrix(a.array, a.places) + r" \]" + tol + _answer_line(a)

    # --- multi-part
    def _parts(self, a: MultiPart, key: bool, room: Space | str | None = None) -> str:
        out = []
        for i, part in enumerate(a.parts):
            body = self.key(part.answer) if key else self.space(part.answer, room)
            # \vxnextpart (templates/exam.tex.j2): a page may break before this part, not inside it.
            start = rf"\vxnextpart{{{i}}}" if i else r"\par\medskip"
            out.append(start + rf"\noindent({escape_tex(part.label)}) {part.prompt_tex}" + body)
        return "\n".join(out)

    def _table(self, a: MultiPart) -> str:
        """The parts as a table to fill in: part, what is asked, a cell for the answer."""
        width = max(number_width_cm(p.answer.shown_places) if isinstance(p.answer, Numerical) else 6.0
                    for p in a.parts)
        rows = []
        for part in a.parts:
            unit = rf"\hfill{part.answer.unit}" if isinstance(part.answer, Numerical) and part.answer.unit else ""
            rows.append(rf"({escape_tex(part.label)}) & {part.prompt_tex} & {BOX_STRUT}{unit} \\ \hline")
        ask = rf"p{{\dimexpr\linewidth-{width}cm-3.2em-6\tabcolsep-4\arrayrulewidth\relax}}"
        return (r"\par\medskip\noindent\begin{tabular}{|c|" + ask + rf"|p{{{width}cm}}|}}\hline" + "\n"
                + r"\textbf{Part} & \textbf{Asked} & \textbf{Answer} \\ \hline" + "\n"
                + "\n".join(rows) + "\n" + r"\end{tabular}")

    def _space_multi_part(self, a: MultiPart, room: Space | str | None) -> str:
        """Parts one after another, each with its own room (``room``, else its kind's default); or,
        for :data:`TABLE_PARTS` or more parts that are all numbers or short text, one working area
        (``room``, else 0.75 cm a part, 3 to 6 cm) above a table to fill in."""
        if _as_table(a):
            return _room(_resolve(room, Space("blank", min(6.0, max(3.0, 0.75 * len(a.parts)))))) + self._table(a)
        return self._parts(a, key=False, room=room)

    def _key_multi_part(self, a: MultiPart) -> str:
        return self._parts(a, key=True) + r"\par\medskip" + _answer_line(a)
