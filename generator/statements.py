"""Conceptual questions drawn from pools of true and false statements.

A subclass of :class:`StatementQuestion` gives only its pools and a stem;
each variant draws a polarity ("which is TRUE" or "which is FALSE"), one
(or, for select-all, several) correct statements and distractors from the
other pool, shuffled so the correct option sits in every position equally
often. False statements carry the reason they are false, shown in the key.
Such an answer has no second route to verify: the pools' labels are the
ground truth, and their consistency is checked when each variant is made.

The stem sees ``polarity`` (true: ask for the TRUE statements)::

    class GanStatements(StatementQuestion):
        id = "dl/generative/gan-statements"
        ...
        stem = r"Which statement about GANs is <% if polarity %>TRUE<% else %>FALSE<% endif %>?"
        true_statements = (r"The discriminator ...", ...)
        false_statements = ((r"Mode collapse means ...", r"it is a failure of the generator ..."), ...)
"""

from __future__ import annotations

from typing import ClassVar

from .answers import ChoicePool, Option, multiple_choice, single_choice
from .question import Params, Question

#: The worked solution of a statement question: every option, marked true, or false with its reason.
STATEMENT_SOLUTION = r"""
<% for o in answer.options %>
(<<loop.index0|letter>>) <<o.text_tex>> \textit{<% if o.rationale %>False: <<o.rationale>><% else %>True.<% endif %>}\par
<% endfor %>
"""


class StatementQuestion(Question):
    """A single-choice (or, with ``multiple``, select-all) question from statement pools.

    ``true_statements``: LaTeX statements that are true. ``false_statements``:
    (LaTeX statement, LaTeX reason it is false) pairs. Each pool needs at
    least ``n_options`` statements so that either polarity can be asked.
    """

    true_statements: ClassVar[tuple[str, ...]]
    false_statements: ClassVar[tuple[tuple[str, str], ...]]
    multiple: ClassVar[bool] = False
    n_options: ClassVar[int] = 4
    solution = STATEMENT_SOLUTION

    def draw(self, rng) -> Params:
        return {"polarity": bool(rng.integers(0, 2))}

    def solve(self, p: Params) -> ChoicePool:
        true = [Option(s) for s in self.true_statements]
        false = [Option(s, rationale=why) for s, why in self.false_statements]
        right, wrong = (true, false) if p["polarity"] else (false, true)
        if self.multiple:
            return multiple_choice(right, wrong, n_options=self.n_options)
        return single_choice(right, wrong, n_options=self.n_options, sample_wrong=True)
