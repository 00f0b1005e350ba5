"""Reading a build's ``manifest.json`` for grading and scanning: typed records, texts only when asked.

A 3,000-student manifest is about 230 MB, and more than half of it is the
LaTeX of every variant (``stem_tex``, ``solution_tex``, ``figure_tex``,
``prompts_tex``), which only feedback PDFs print. msgspec decodes the file
straight into the records below against this schema: a field the schema does
not name is skipped without making a Python object, so grading without
feedback reads the file in about half the time of a plain JSON parse
(bench/bench_grade.py), and a wrong type is reported with its JSON path.
The format is written by ``generator/writers/manifest.py``.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from ..errors import VariantexError
from ..inputs import MiB, mapped_bytes

MAX_MANIFEST_BYTES = 1024 * MiB


class ManifestError(VariantexError):
    """``manifest.json`` cannot be read or is not a variantex manifest."""


class SectionRecord(msgspec.Struct, frozen=True):
    """A section of a paper: the question numbers in it and how they are marked."""

    questions: list[int] = []
    title: str = ""
    negative_marking: float = 0.0
    multiple_choice_scoring: str = "all_or_nothing"
    matrix_scoring: str = "all_or_nothing"


#: The marking of a question outside every section (none: all-or-nothing, no negative marking).
NO_SECTION = SectionRecord()


class OptionRecord(msgspec.Struct, frozen=True):
    """One option of a choice question as printed: ``letter``, ``correct``, the ``rationale`` (the mistake
    it models, or why it is right) and its LaTeX ``text_tex``."""

    letter: str
    correct: bool = False
    rationale: str = ""
    text_tex: str = ""


class AnswerRecord(msgspec.Struct, frozen=True):
    """An answer as ``Answer.to_json`` writes it (``generator/answers.py``); which fields mean something
    depends on ``type``:

    - ``numerical``: ``value`` (float), ``tolerance`` (absolute, or relative to ``value`` if ``relative``), ``unit``;
    - ``vector``/``matrix``: ``value`` (a list, a list of rows), ``tolerance`` (absolute, per entry);
    - ``single_choice``: ``correct`` (a letter), ``options``; ``multiple_choice``: ``correct`` (letters), ``options``;
    - ``true_false``: ``value`` (bool); ``short_text``: ``accepted``, ``case_sensitive``, ``optional_words``;
    - ``essay``: ``model_answer_tex``; ``multi_part``: ``parts``, each an answer with its ``label`` and ``weight``.
    """

    type: str
    value: Any = None
    tolerance: float = 0.0
    relative: bool = False
    unit: str | None = None
    correct: str | list[str] | None = None
    options: list[OptionRecord] = []
    accepted: list[str] = []
    case_sensitive: bool = False
    optional_words: list[str] = []
    model_answer_tex: str = ""
    parts: list[AnswerRecord] = []
    label: str = ""
    weight: float = 1.0


class QuestionRecord(msgspec.Struct, frozen=True):
    """One variant on one paper: ``points`` (its marks), ``negative_marking`` (fraction of the points a
    wrong choice answer loses), ``params`` (drawn), ``answer`` (``Answer.to_json``) and ``key_text``."""

    number: int
    question_id: str
    points: float
    answer_type: str
    answer: AnswerRecord
    key_text: str
    negative_marking: float = 0.0
    params: dict[str, Any] = {}
    seed: int | None = None
    attempt: int = 0


class QuestionText(QuestionRecord, frozen=True):
    """A :class:`QuestionRecord` with the LaTeX its paper and key print (for feedback PDFs); empty in a
    manifest older than version 2. ``prompts_tex``: a multi-part question's part prompts by label."""

    stem_tex: str = ""
    solution_tex: str = ""
    figure_tex: str = ""
    prompts_tex: dict[str, str] = {}


Q = TypeVar("Q", bound=QuestionRecord)


class PaperRecord(msgspec.Struct, Generic[Q], frozen=True):
    """One student's paper: ids, sections and questions in paper order."""

    student_id: str
    paper_id: str
    questions: list[Q]
    sections: list[SectionRecord] = []
    name: str = ""

    def section_of(self) -> dict[int, SectionRecord]:
        """Question number -> its section."""
        return {n: s for s in self.sections for n in s.questions}


class ManifestRecord(msgspec.Struct, Generic[Q], frozen=True):
    """The parts of a manifest that grading and scanning read: the papers and the exam spec."""

    papers: list[PaperRecord[Q]]
    spec: dict[str, Any] = {}
    manifest_version: int = 1

    @property
    def exam_title(self) -> str:
        return ((self.spec.get("content") or {}).get("header") or {}).get("exam_title") or "Exam"


_DECODERS = {False: msgspec.json.Decoder(ManifestRecord[QuestionRecord]),
             True: msgspec.json.Decoder(ManifestRecord[QuestionText])}


def read_manifest(path: Path, texts: bool = False) -> ManifestRecord:
    """The manifest at ``path``; with ``texts`` its questions are :class:`QuestionText` (for feedback).

    Raises :class:`ManifestError` naming the file and, for a bad value, its
    JSON path (``$.papers[3].questions[0].points``) or, for bad JSON, its line and column.
    """
    with mapped_bytes(Path(path), "manifest", MAX_MANIFEST_BYTES, ManifestError) as raw:
        try:
            return _DECODERS[texts].decode(raw)
        except msgspec.ValidationError as e:
            raise ManifestError(f"In {path}: not a manifest variantex can read: {e}; give the manifest.json a "
                                "build wrote, unedited") from None
        except msgspec.DecodeError as e:
            raise ManifestError(f"In {path}{_where(raw, str(e))}: not valid JSON (UTF-8): "
                                f"{re.sub(r' [(]byte [0-9]+[)]$', '', str(e))}") from None


def _where(raw: bytes | mmap.mmap, message: str) -> str:
    """``, line L, column C`` of the ``(byte N)`` msgspec names in ``message`` (1-based), or ''."""
    m = re.search(r"\(byte ([0-9]+)\)$", message)
    if not m:
        return ""
    at = min(int(m.group(1)), len(raw))
    head = bytes(raw[:at])
    line, start = head.count(b"\n") + 1, head.rfind(b"\n")
    return f", line {line}, column {at - start}"
