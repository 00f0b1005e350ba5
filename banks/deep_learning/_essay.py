"""Short-explanation and derivation questions drawn from a pool of prompts, each with its own marking guide.

A subclass of :class:`GuidedEssay` lists ``PROMPTS``: :class:`Prompt` entries that each carry the prompt,
a model answer and a marking guide (marks, and what earns them) written for exactly that prompt. Every
variant draws one prompt; the key prints the model answer (from the :class:`Essay` answer) and, as the
worked solution, the marking guide with its points breakdown. All prompts of a template are worth the same
marks (the template's ``points``), so papers that draw different prompts stay comparable.

Templates import it with ``from .._essay import GuidedEssay, Prompt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from generator.answers import Essay
from generator.question import Params, Question


@dataclass(frozen=True)
class Prompt:
    r"""One prompt of an essay pool.

    ``prompt_tex``: the question as shown to the student (LaTeX, math in ``\( \)``). ``model_tex``: the
    model answer printed in the key. ``guide``: ``(marks, criterion)`` pairs, each criterion naming what a
    student must write to earn those marks; together they cover exactly what the prompt asks.
    ``terms``: words that name what the prompt asks about; each must appear in the prompt and in the
    guide (the tests check it, so a guide cannot drift away from its prompt). ``lines``: ruled lines
    left on the paper for the answer.
    """

    prompt_tex: str
    model_tex: str
    guide: tuple[tuple[float, str], ...]
    terms: tuple[str, ...]
    lines: int = 10

    @property
    def marks(self) -> float:
        """The total marks of the guide."""
        return float(sum(m for m, _ in self.guide))


#: The worked solution of a guided essay: the marking guide, one line per criterion.
GUIDE_SOLUTION = r"""Marking guide (<<total>> marks in all; the model answer is one answer that earns them all):
\begin{itemize}
<% for marks, criterion in guide %>
\item \textbf{<<marks>>~mark<% if marks != "1" %>s<% endif %>:} <<criterion>>
<% endfor %>
\end{itemize}
"""


class GuidedEssay(Question):
    """An essay whose prompt is drawn from ``PROMPTS``; the key shows the prompt's model answer and guide.

    Raises ``ValueError`` (a param error for ``solve --set``) for a ``prompt`` index outside the pool.
    """

    PROMPTS: ClassVar[tuple[Prompt, ...]]
    stem = r"<<prompt_tex>>"
    solution = GUIDE_SOLUTION

    def draw(self, rng) -> Params:
        return {"prompt": int(rng.integers(0, len(self.PROMPTS)))}

    def pick(self, p: Params) -> Prompt:
        """The prompt that params ``p`` name."""
        i = p["prompt"]
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.PROMPTS):
            raise ValueError(f"prompt must be an integer from 0 to {len(self.PROMPTS) - 1}")
        return self.PROMPTS[i]

    def working(self, p: Params) -> dict:
        chosen = self.pick(p)
        return {"prompt_tex": chosen.prompt_tex, "total": f"{chosen.marks:g}",
                "guide": [(f"{m:g}", text) for m, text in chosen.guide]}

    def solve(self, p: Params) -> Essay:
        chosen = self.pick(p)
        return Essay(chosen.model_tex, lines=chosen.lines)
