"""The class's analysis, computed once per :class:`GradeResult` and shared by the writers that need it."""

from __future__ import annotations

from dataclasses import dataclass

from .distractors import OptionChoice, distractor_analysis
from .fairness import FairnessTest, variant_fairness
from .gradebook import ClassGrades, GradeResult
from .item_analysis import (
    ItemStatistics,
    MarkTable,
    SummaryStatistics,
    item_statistics,
    mark_table,
    summary_statistics,
)

#: Facility outside [LOW, HIGH] flags a question as too hard / too easy (Moodle's report marks the same range).
FACILITY_LOW, FACILITY_HIGH = 0.10, 0.95


@dataclass(frozen=True)
class Analysis:
    """Item statistics, test statistics, distractor rows and variant fairness tests of one graded class."""

    table: MarkTable
    items: tuple[ItemStatistics, ...]
    summary: SummaryStatistics
    distractors: tuple[OptionChoice, ...]
    fairness: tuple[FairnessTest, ...]

    def flags(self, item: ItemStatistics) -> list[str]:
        """Why a question needs the examiner's look, with the likely cause; empty when nothing is odd."""
        out = []
        if item.discrimination_index is not None and item.discrimination_index < 0:
            out.append("negative discrimination: the stronger students did worse; check the key (miskey?) "
                       "and the wording")
        if item.facility is not None and item.facility < FACILITY_LOW:
            out.append(f"facility {item.facility:.2f} < {FACILITY_LOW}: too hard, or a miskey")
        if item.facility is not None and item.facility > FACILITY_HIGH:
            out.append(f"facility {item.facility:.2f} > {FACILITY_HIGH}: too easy")
        unfair = [t for t in self.fairness if t.number == item.number and t.unfair]
        if unfair:
            out.append("variants differ in difficulty by " + ", ".join(
                f"{t.grouping} (facility " + ", ".join(f"{g.label}: {g.facility:.2f}" for g in t.groups) + ")"
                for t in unfair))
        return out


_last: tuple[ClassGrades | GradeResult, Analysis] | None = None


def analyse(result: ClassGrades | GradeResult) -> Analysis:
    """The :class:`Analysis` of ``result`` (computed once; the writers of one run share it)."""
    global _last
    if _last is not None and _last[0] is result:
        return _last[1]
    table = mark_table(result)
    analysis = Analysis(table, tuple(item_statistics(table)), summary_statistics(table),
                        tuple(distractor_analysis(table)), tuple(variant_fairness(table)))
    _last = (result, analysis)
    return analysis
