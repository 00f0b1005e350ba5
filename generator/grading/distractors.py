"""Distractor analysis over drawn, shuffled options: an option is the mistake it models, not its letter.

Every student's choice question has its own options in its own order, so
letters mean nothing across the class. Each option in the manifest carries a
``rationale`` (the mistake it models, e.g. "ignored the padding"); the right
one is labelled ``correct``. Counting choosers per label over all variants
gives "38 % ignored the padding", which a per-letter count cannot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .item_analysis import CORRECT, MarkTable

#: The label of a blank response.
BLANK = "(blank)"


@dataclass(frozen=True)
class OptionChoice:
    """How many students chose an option labelled ``option`` on question ``number`` (part ``part``).

    ``share`` = chosen_by / n, where n is the number of present students who had
    the question; ``mean_total_of_choosers`` is their mean test total (points),
    None when nobody chose it. ``correct`` marks the right option's row.
    """

    number: int
    part: str
    question_id: str
    option: str
    chosen_by: int
    share: float
    mean_total_of_choosers: float | None
    correct: bool


def distractor_analysis(table: MarkTable) -> list[OptionChoice]:
    """One row per (choice question or part, option label), for single and multiple choice cells.

    Rows of a question: the correct option first, then the distractors by
    ``chosen_by`` (most first; ties by label), then ``(blank)``. A student who
    ticks two options with the same label counts once for it.
    """
    choosers: dict[tuple[int, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    asked: dict[tuple[int, str], int] = defaultdict(int)
    qids: dict[tuple[int, str], set[str]] = defaultdict(set)
    letters: dict[tuple, dict[str, str]] = {}  # options -> letter -> label, once per distinct options
    listed: set[tuple] = set()  # (number, part, options) whose labels all have a row
    for s_i, number, part, qid, options, ticked, blank in table.choices:
        key = (number, part)
        asked[key] += 1
        qids[key].add(qid)
        chosen = choosers[key]
        by_letter = letters.get(options)
        if by_letter is None:
            by_letter = letters[options] = dict(options)
        if (key, options) not in listed:
            listed.add((key, options))
            for label in (*by_letter.values(), BLANK):
                chosen.setdefault(label, [])
        if blank:
            chosen[BLANK].append(s_i)
        else:
            for label in {by_letter[t] for t in ticked if t in by_letter}:
                chosen[label].append(s_i)
    rows = []
    for key in sorted(choosers):
        n, chosen = asked[key], choosers[key]
        for label in sorted(chosen, key=lambda lab: (lab != CORRECT, lab == BLANK, -len(chosen[lab]), lab)):
            who = chosen[label]
            mean = float(np.mean(table.totals[who])) if who else None
            rows.append(OptionChoice(key[0], key[1], " ".join(sorted(qids[key])), label, len(who),
                                     len(who) / n if n else 0.0, mean, label == CORRECT))
    return rows
