"""The schema of a regrade rules file (``--rules regrade.yaml``, see :mod:`rules`), as pydantic models.

Imported only when a rules file is read: pydantic and its models took a
sixth of a second to import, before any grading could start.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Reason = Annotated[str, Field(min_length=1, max_length=500)]
Points = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionRule(_Model):
    """``drop`` and ``full_marks`` entries: a question number and a reason."""

    question: int | str
    reason: Reason


class AcceptRule(_Model):
    """An additional answer for a question (or part), for everyone or for one ``student_id``."""

    question: int | str
    answer: Annotated[str, Field(min_length=1, max_length=1000)] | int | float
    reason: Reason
    student_id: str | None = None


class OverrideRule(_Model):
    """One student's points for one question, with a reason."""

    student_id: str
    question: int | str
    points: Points
    reason: Reason


class RulesFile(_Model):
    """A regrade rules file as written (see :mod:`rules` for an example); validated, it becomes a
    :class:`rules.Rules`."""

    drop: tuple[QuestionRule, ...] = ()
    full_marks: tuple[QuestionRule, ...] = ()
    accept: tuple[AcceptRule, ...] = ()
    override: tuple[OverrideRule, ...] = ()
