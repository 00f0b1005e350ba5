"""LaTeX for answers: the room a student answers in, and what the key shows.

One method per answer type and purpose (``_space_numerical``,
``_key_single_choice``, …), chosen by the answer's ``kind``, in the manner
of sympy's printers: adding an answer type means adding its two methods
here, never an ``if type == …`` chain in a writer or template.

Every key shows a line ``Answer: <key_text>`` whose text is exactly the
correct answer written to ``answer_key.csv``.
"""

from __future__ import annotations

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


def _answer_line(answer: Answer) -> str:
    return r"\par\noindent\textbf{Answer:} " + escape_tex(answer.key_text())


class TexAnswerRenderer:
    """Render answers as LaTeX: ``space(answer)`` for papers, ``key(answer)`` for keys."""

    def space(self, answer: Answer) -> str:
        """The room in which a student writes the answer."""
        return getattr(self, f"_space_{answer.kind}")(answer)

    def key(self, answer: Answer) -> str:
        """The correct answer as the key shows it, ending in the ``Answer:`` line."""
        return getattr(self, f"_key_{answer.kind}")(answer)

    # --- numerical and text
    def _space_numerical(self, a: Numerical) -> str:
        unit = rf"\ {a.unit}" if a.unit else ""
        return r"\par\medskip\noindent Answer: \framebox[5cm]{\rule{0pt}{1.4em}}" + unit

    def _key_numerical(self, a: Numerical) -> str:
        unit = rf"\ {a.unit}" if a.unit else ""
        tol = ""
        if a.tolerance:
            tol = rf" \quad (accepted within \(\pm {a.tolerance:g}\){' relative' if a.relative else ''})"
        return r"\par\medskip" + _answer_line(a) + unit + tol

    def _space_short_text(self, a: ShortText) -> str:
        return r"\par\medskip\noindent Answer: \framebox[8cm]{\rule{0pt}{1.4em}}"

    def _key_short_text(self, a: ShortText) -> str:
        return _answer_line(a)

    def _space_essay(self, a: Essay) -> str:
        rule = r"\par\vspace{0.55cm}\noindent\rule{\linewidth}{0.3pt}"
        return rule * a.lines

    def _key_essay(self, a: Essay) -> str:
        return _answer_line(a) + r"\par\medskip\noindent\textbf{Model answer.} " + a.model_answer_tex

    # --- choices
    def _space_single_choice(self, a: SingleChoice) -> str:
        return _options(a.options, key=False)

    def _key_single_choice(self, a: SingleChoice) -> str:
        return _options(a.options, key=True) + _answer_line(a)

    def _space_multiple_choice(self, a: MultipleChoice) -> str:
        return r"\par\noindent\emph{Select all that apply.}" + _options(a.options, key=False)

    def _key_multiple_choice(self, a: MultipleChoice) -> str:
        return r"\par\noindent\emph{Select all that apply.}" + _options(a.options, key=True) + _answer_line(a)

    def _space_true_false(self, a: TrueFalse) -> str:
        return rf"\par\medskip\noindent {BOX} True \qquad {BOX} False"

    def _key_true_false(self, a: TrueFalse) -> str:
        t, f = (FILLED, BOX) if a.value else (BOX, FILLED)
        return rf"\par\medskip\noindent {t} True \qquad {f} False" + _answer_line(a)

    def _space_choice_pool(self, a: ChoicePool) -> str:
        raise TypeError("a choice pool must be arranged into a variant before it is rendered")

    _key_choice_pool = _space_choice_pool

    # --- vector / matrix
    def _space_matrix(self, a: Matrix) -> str:
        rows, cols = (1, a.shape[0]) if len(a.shape) == 1 else a.shape
        cell = r"\rule{0pt}{1.8em}\hphantom{0000000}"
        body = r" \\ ".join(" & ".join([cell] * cols) for _ in range(rows))
        return (r"\par\medskip\noindent Answer (" + f"{a.type_name}, {rows}\\(\\times\\){cols}" + r"):"
                r"\[ \begin{bmatrix} " + body + r" \end{bmatrix} \]")

    def _key_matrix(self, a: Matrix) -> str:
        tol = rf" (each entry within \(\pm {a.tolerance:g}\))" if a.tolerance else ""
        return r"\[ " + bmatrix(a.array, a.places) + r" \]" + tol + _answer_line(a)

    # --- multi-part
    def _parts(self, a: MultiPart, key: bool) -> str:
        out = []
        for i, part in enumerate(a.parts):
            body = self.key(part.answer) if key else self.space(part.answer)
            # \vxnextpart (templates/exam.tex.j2): a page may break before this part, not inside it.
            start = rf"\vxnextpart{{{i}}}" if i else r"\par\medskip"
            out.append(start + rf"\noindent({escape_tex(part.label)}) {part.prompt_tex}" + body)
        return "\n".join(out)

    def _space_multi_part(self, a: MultiPart) -> str:
        return self._parts(a, key=False)

    def _key_multi_part(self, a: MultiPart) -> str:
        return self._parts(a, key=True) + r"\par\medskip" + _answer_line(a)
