"""``--rules regrade.yaml``: decisions taken after the exam, applied by ``variantex grade``.

Example::

    drop:                       # the question counts for nobody (0 points of 0)
      - question: 7
        reason: ambiguous wording
    full_marks:                 # everyone gets the question's full points
      - question: 3
        reason: typo in the options
    accept:                     # an additional answer counts as correct
      - question: Q6b           # Q<number>, Q<number><part>, or a number
        answer: sigmoid         # read like a response: a number (within the variant's tolerance), letters, text
        student_id: S7          # optional: only this student's paper (options are shuffled per paper)
        reason: also correct
    override:                   # one student's points for one question
      - student_id: S12
        question: 5
        points: 1.5
        reason: answer written beside the boxes

Every rule needs a ``reason``; every rule applied is listed in ``overrides.csv``
and in the note of the cells it changed. Validation errors name the file,
YAML line and field, like the exam spec's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SpecError, VariantexError
from ..inputs import MiB, read_text

if TYPE_CHECKING:
    from .manifest import ManifestRecord
    from .rules_schema import AcceptRule, OverrideRule, QuestionRule

MAX_RULES_BYTES = 1 * MiB


class RulesError(VariantexError):
    """The regrade rules file is invalid (YAML, field, or a question or student the manifest lacks)."""


@dataclass(frozen=True)
class Rules:
    """The regrade rules to apply, each kind in file order (none: grading as the key says); the entries are
    the validated models of :mod:`rules_schema`."""

    drop: tuple[QuestionRule, ...] = ()
    full_marks: tuple[QuestionRule, ...] = ()
    accept: tuple[AcceptRule, ...] = ()
    override: tuple[OverrideRule, ...] = ()


def parse_question(q: int | str) -> tuple[int, str] | None:
    """``7``, ``"7"``, ``"Q7"``, ``"q6b"`` -> (number, part label); None if not a question reference."""
    m = re.fullmatch(r"[Qq]?(\d+)([a-z]?)", str(q).strip())
    return (int(m.group(1)), m.group(2)) if m else None


def load_rules(path: Path, manifest: ManifestRecord) -> Rules:
    """Read and validate ``path`` against the manifest (question numbers, parts, student ids).

    Raises :class:`RulesError` listing every problem, each as
    ``In FILE, line N, field 'accept[0].question': ...``.
    """
    # the spec's YAML error messages and the file's schema (imported here: grading without rules loads neither)
    from pydantic import ValidationError

    from ..spec import _describe, _field_path, _field_text, _line_index, _parse_yaml
    from .rules_schema import RulesFile

    path = Path(path)
    text, _ = read_text(path, "regrade rules", MAX_RULES_BYTES, RulesError)
    try:
        data, node = _parse_yaml(text, path)
    except SpecError as e:
        raise RulesError(e.message) from None
    if data is None:
        return Rules()
    if not isinstance(data, dict):
        raise RulesError(f"In {path}: regrade rules are a YAML mapping with drop, full_marks, accept, override")
    lines = _line_index(node) if node is not None else {}

    def where(fp: tuple) -> str:
        line = next((lines[fp[:i]] for i in range(len(fp), -1, -1) if fp[:i] in lines), None)
        return f"In {path}{f', line {line}' if line else ''}, field '{_field_text(fp)}'"

    try:
        model = RulesFile.model_validate(data)
    except ValidationError as e:
        problems = [f"{where(_field_path(err['loc']))}: {_describe(err)}" for err in e.errors()]
        raise RulesError("invalid regrade rules:\n  " + "\n  ".join(dict.fromkeys(problems))) from None
    rules = Rules(model.drop, model.full_marks, model.accept, model.override)
    cells = {(q.number, part.label) for paper in manifest.papers for q in paper.questions
             for part in (q.answer.parts or [q.answer])}
    numbers = {n for n, _ in cells}
    students = {p.student_id for p in manifest.papers}
    problems = []
    for kind in ("drop", "full_marks", "accept", "override"):
        for i, rule in enumerate(getattr(rules, kind)):
            ref = parse_question(rule.question)
            if ref is None or ref[0] not in numbers:
                problems.append(f"{where((kind, i, 'question'))}: no question {rule.question!r} in this exam "
                                f"(questions 1 to {max(numbers, default=0)})")
            elif ref[1] and (kind != "accept" or ref not in cells):
                problems.append(f"{where((kind, i, 'question'))}: {rule.question!r}: "
                                + ("no such part" if kind == "accept" else "give the whole question's number"))
            elif kind == "accept" and not ref[1] and ref not in cells:
                problems.append(f"{where((kind, i, 'question'))}: question {ref[0]} has parts; "
                                f"name one, e.g. Q{ref[0]}a")
            sid = getattr(rule, "student_id", None)
            if sid is not None and sid not in students:
                problems.append(f"{where((kind, i, 'student_id'))}: unknown student id {sid!r}")
    if problems:
        raise RulesError("invalid regrade rules:\n  " + "\n  ".join(problems))
    return rules
