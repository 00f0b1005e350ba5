"""The exam spec: a YAML file that says which questions, points, sections, header and seed.

Example (``examples/dl-midsem.yaml``)::

    seed: 20250218
    bank: ../banks/deep_learning        # optional; relative to this file; default: built-in bank
    header:
      institution: Example Institute of Technology
      course_code: CS 601
      course_name: Deep Learning
      exam_title: Mid-Semester Examination
      date: 2025-02-18
      duration: 2 hours
      instructions: ["Answer all questions.", "..."]
    sections:
      - title: Beginner
        negative_marking: 0.25          # fraction of a choice question's points lost for a wrong answer
        questions:
          - id: dl/cnn/conv-output-size
            points: 2
          - pick: 2                     # drawn from the bank, once for the whole exam
            topic: generative
            difficulty: beginner

Validation uses pydantic; every problem is reported at once, each with the
file, the field path, the YAML line and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .bank import Bank
from .errors import SpecError
from .question import DIFFICULTIES
from .texenv import untypesettable

PositiveFloat = Annotated[float, Field(gt=0)]


def _typesettable(text: str) -> str:
    bad = untypesettable(text)
    if bad:
        raise ValueError("has characters the papers cannot typeset: "
                         + ", ".join(f"{c} (U+{ord(c):04X})" for c in bad))
    return text


#: Text printed on the paper: checked for characters pdflatex cannot typeset.
TexText = Annotated[str, AfterValidator(_typesettable)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(_Model):
    """What the paper's header block shows."""

    institution: TexText = ""
    department: TexText = ""
    course_code: TexText = ""
    course_name: TexText = ""
    exam_title: TexText
    date: dt.date | TexText = ""
    duration: TexText = ""
    max_marks: PositiveFloat | None = None
    instructions: tuple[TexText, ...] = ()


class QuestionRef(_Model):
    """One question given by id."""

    id: str
    points: PositiveFloat | None = None


class PickRule(_Model):
    """``pick`` questions drawn from the bank by topic, tags and difficulty.

    The draw is made once per exam (every student answers the same templates,
    with their own params) unless ``per_student`` is true.
    """

    pick: Annotated[int, Field(ge=1)]
    topic: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str | None = None
    points: PositiveFloat | None = None
    per_student: bool = False

    @model_validator(mode="after")
    def _difficulty_known(self) -> PickRule:
        if self.difficulty is not None and self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
        return self


class Section(_Model):
    """A titled group of questions; ``points`` is the default per question.

    A question's points are, in order of precedence: its own entry's
    ``points``, the section's ``points``, the template's suggested ``points``.

    ``negative_marking`` is the fraction of a choice or true/false question's
    points deducted for a wrong (not blank) answer.
    """

    title: TexText
    instructions: TexText = ""
    points: PositiveFloat | None = None
    negative_marking: Annotated[float, Field(ge=0, le=1)] = 0.0
    questions: Annotated[tuple[QuestionRef | PickRule, ...], Field(min_length=1)]


class ExamSpec(_Model):
    """A whole exam spec; see the module docstring."""

    seed: Annotated[int, Field(ge=0)]
    bank: str | None = None
    header: Header
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]


class LoadedSpec(_Model):
    """A validated spec with where it came from: ``path``, ``sha256`` of its bytes, ``bank_path``."""

    spec: ExamSpec
    path: str
    sha256: str
    bank_path: str | None


# ----------------------------------------------------------------------------- YAML lines


def _line_index(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Map each field path (keys and list indices) to its 1-based line in the YAML source."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            lines.update(_line_index(value, sub))
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_line_index(item, path + (i,)))
    return lines


def _field_path(loc: tuple) -> tuple:
    # pydantic adds the union member's class name to a location ("QuestionRef"): not a YAML key.
    return tuple(p for p in loc if not (isinstance(p, str) and p[:1].isupper()))


def _field_text(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    got = error.get("input")
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    text = error["msg"].removeprefix("Value error, ")
    return f"{text} (got {got!r})" if not isinstance(got, dict) else text


def load_spec(path: Path | str) -> LoadedSpec:
    """Read and validate an exam spec.

    Raises :class:`SpecError` listing every problem: YAML syntax (with line
    and column), and each invalid field as ``In FILE, line N, field
    'sections[0].points': need a number greater than 0 (got -1)``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SpecError(f"cannot read exam spec {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise SpecError(f"In {path}: the file is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(f"In {path}{where}: invalid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise SpecError(f"In {path}: an exam spec is a YAML mapping with 'seed', 'header' and 'sections'")
    lines = _line_index(node) if node is not None else {}
    try:
        spec = ExamSpec.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            fp = _field_path(err["loc"])
            line = next((lines[fp[:i]] for i in range(len(fp), -1, -1) if fp[:i] in lines), None)
            problems.append(f"In {path}{f', line {line}' if line else ''}, field '{_field_text(fp)}': "
                            f"{_describe(err)}")
        raise SpecError("invalid exam spec:\n  " + "\n  ".join(dict.fromkeys(problems))) from None
    bank_path = str((path.parent / spec.bank).resolve()) if spec.bank else None
    return LoadedSpec(spec=spec, path=str(path), sha256=hashlib.sha256(raw).hexdigest(), bank_path=bank_path)


def check_against_bank(loaded: LoadedSpec, bank: Bank) -> None:
    """Check that every id exists and every pick rule finds enough questions.

    Raises :class:`SpecError` listing all such problems, with close matches
    for misspelt ids.
    """
    problems = []
    for si, section in enumerate(loaded.spec.sections):
        for qi, ref in enumerate(section.questions):
            where = f"In {loaded.path}, field 'sections[{si}].questions[{qi}]'"
            if isinstance(ref, QuestionRef):
                if ref.id not in bank.questions:
                    problems.append(f"{where}: no question '{ref.id}' in bank {bank.root}{bank.did_you_mean(ref.id)}")
            else:
                found = bank.select(ref.topic, ref.tags, ref.difficulty)
                if len(found) < ref.pick:
                    problems.append(f"{where}: pick {ref.pick} needs {ref.pick} questions with topic="
                                    f"{ref.topic}, tags={list(ref.tags)}, difficulty={ref.difficulty}; "
                                    f"the bank has {len(found)}")
    if problems:
        raise SpecError("exam spec does not fit the bank:\n  " + "\n  ".join(problems))
