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
            space: 5cm                  # room to work: a height, "4 lines", or "none"
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
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .bank import Bank
from .errors import SpecError
from .inputs import MiB, read_text
from .question import DIFFICULTIES
from .space import parse_space
from .texenv import untypesettable, unwrappable_word

#: Numbers are taken as written: ``seed: true`` is not 1, ``points: .inf`` is not a number of marks.
PositiveFloat = Annotated[float, Field(gt=0, strict=True, allow_inf_nan=False)]
StrictIndex = Annotated[int, Field(ge=0, le=2**64 - 1, strict=True)]

#: Limits on what a spec may hold, so a spec can neither overflow the page nor exhaust memory.
MAX_SPEC_BYTES = 1 * MiB
MAX_YAML_NODES = 20_000  # after expanding aliases ("billion laughs")
MAX_TITLE = 150  # characters of a title or header field
MAX_INSTRUCTION = 600  # characters of one instruction or a section's instructions


MAX_WORD = 30  # characters of one word (but CJK, which breaks anywhere): longer ones cannot wrap


def _typesettable(text: str) -> str:
    bad = untypesettable(text)
    if bad:
        raise ValueError("has characters the papers cannot typeset: "
                         + ", ".join(f"{c} (U+{ord(c):04X})" for c in bad))
    long_word = unwrappable_word(text, MAX_WORD)
    if long_word:
        raise ValueError(f"has a word of {len(long_word)} characters ({long_word[:20]}...); at most {MAX_WORD}, "
                         "so that the line can wrap on the paper")
    return text


def _space_text(text: str) -> str:
    return str(parse_space(text))


#: Room to work (``space.parse_space``), kept in its canonical form ("4cm", "5 lines", "none").
SpaceText = Annotated[str, Field(max_length=40), AfterValidator(_space_text)]

#: Text printed on the paper: checked for characters pdflatex cannot typeset.
TexText = Annotated[str, Field(max_length=MAX_TITLE), AfterValidator(_typesettable)]
LongTexText = Annotated[str, Field(max_length=MAX_INSTRUCTION), AfterValidator(_typesettable)]


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
    instructions: Annotated[tuple[LongTexText, ...], Field(max_length=30)] = ()


class QuestionRef(_Model):
    """One question given by id; ``space`` is its room to work (see :class:`Section`)."""

    id: Annotated[str, Field(max_length=200)]
    points: PositiveFloat | None = None
    space: SpaceText | None = None


class PickRule(_Model):
    """``pick`` questions drawn from the bank by topic, tags and difficulty.

    The draw is made once per exam (every student answers the same templates,
    with their own params) unless ``per_student`` is true.
    """

    pick: Annotated[int, Field(ge=1, le=1000, strict=True)]
    topic: Annotated[str, Field(max_length=100)] | None = None
    tags: Annotated[tuple[Annotated[str, Field(max_length=100)], ...], Field(max_length=20)] = ()
    difficulty: str | None = None
    points: PositiveFloat | None = None
    space: SpaceText | None = None
    per_student: Annotated[bool, Field(strict=True)] = False

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

    ``multiple_choice_scoring`` is how ``variantex grade`` scores a multiple-choice
    question: ``all_or_nothing`` (default) or ``partial`` (+1/k per right option
    ticked, -1/m per wrong one, floored at 0). ``matrix_scoring`` is
    ``all_or_nothing`` (default) or ``per_entry`` (the share of entries within tolerance).

    ``space`` is the room to work under each question: a blank area (``4cm``,
    ``35mm``), ruled lines (``5 lines``) or ``none`` (``space.parse_space``).
    A question entry's ``space`` wins over its section's, which wins over the
    template's ``space``, which wins over the default for the answer type
    (``space.DEFAULTS``: a working area for numbers, a little for choices).
    """

    title: TexText
    instructions: LongTexText = ""
    points: PositiveFloat | None = None
    negative_marking: Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)] = 0.0
    space: SpaceText | None = None
    questions: Annotated[tuple[QuestionRef | PickRule, ...], Field(min_length=1, max_length=500)]
    multiple_choice_scoring: Literal["all_or_nothing", "partial"] = "all_or_nothing"
    matrix_scoring: Literal["all_or_nothing", "per_entry"] = "all_or_nothing"


class ExamSpec(_Model):
    """A whole exam spec; see the module docstring."""

    seed: StrictIndex
    bank: Annotated[str, Field(max_length=4096)] | None = None
    header: Header
    sections: Annotated[tuple[Section, ...], Field(min_length=1, max_length=100)]


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
    if isinstance(got, dict):
        return text
    shown = repr(got)
    return f"{text} (got {shown if len(shown) <= 60 else shown[:50] + ' ...'})"


def _expanded_size(node: yaml.Node, path: str) -> int:
    """How many nodes ``node`` stands for once every alias is expanded.

    Raises :class:`SpecError` for a recursive alias and past
    :data:`MAX_YAML_NODES` ("billion laughs": a few nested anchors that
    expand to billions of nodes). Linear in the size of the document.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise SpecError(f"In {path}, line {n.start_mark.line + 1}: a YAML alias refers to itself")
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(n, yaml.MappingNode):
            children = [x for pair in n.value for x in pair]
        elif isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_YAML_NODES:
                raise SpecError(f"In {path}, line {n.start_mark.line + 1}: the spec expands to more than "
                                f"{MAX_YAML_NODES} YAML values (nested aliases?); an exam spec is far smaller")
        active.discard(key)
        sizes[key] = total
        return total

    return size(node)


def _parse_yaml(text: str, path: Path) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree of a YAML document, with aliases bounded (see :func:`_expanded_size`)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _expanded_size(node, str(path))
        return loader.construct_document(node), node
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(f"In {path}{where}: invalid YAML: {getattr(e, 'problem', None) or e}") from None
    except (ValueError, OverflowError) as e:  # e.g. an integer of more than 4300 digits
        raise SpecError(f"In {path}: invalid YAML value: {e}") from None
    except RecursionError:
        raise SpecError(f"In {path}: the YAML is nested too deeply for an exam spec") from None
    finally:
        loader.dispose()


def load_spec(path: Path | str) -> LoadedSpec:
    """Read and validate an exam spec.

    Raises :class:`SpecError` listing every problem: a file that is not a
    regular UTF-8 file of at most :data:`MAX_SPEC_BYTES`, YAML syntax (with
    line and column), aliases that expand past :data:`MAX_YAML_NODES`, and
    each invalid field as ``In FILE, line N, field 'sections[0].points':
    need a number greater than 0 (got -1)``. Text is normalised to NFC.
    """
    path = Path(path)
    text, raw = read_text(path, "exam spec", MAX_SPEC_BYTES, SpecError)
    data, node = _parse_yaml(text, path)
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
    if bank_path and not Path(bank_path).is_dir():
        raise SpecError(f"In {path}, line {lines.get(('bank',), '?')}, field 'bank': the bank folder "
                        f"{spec.bank} (read as {bank_path}) is not found; the path is relative to the spec's folder")
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
