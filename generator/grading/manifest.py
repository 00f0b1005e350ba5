"""Reading a build's ``manifest.json`` for grading and scanning: typed records, texts only when asked.

A 3,000-student manifest is about 260 MB, and two thirds of it is the
LaTeX of every variant (``stem_tex``, ``solution_tex``, ``figure_tex``,
``prompts_tex``), which only feedback PDFs print. Since manifest version 3
the writer (``generator/writers/manifest.py``) puts them in one block of
lines, ``texts``, apart from the ``papers``; without feedback that block is
left unread (scanning past it took 0.4 s), and the papers are decoded where
the file is mapped (:func:`_decode_in_place`). msgspec decodes straight
into the records below against this schema: a
field the schema does not name is skipped without making a Python object,
and a wrong type is reported with its JSON path. Manifests of versions 1
and 2 (texts inside each question, or none) are read whole.
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


class TextRecord(msgspec.Struct, frozen=True):
    """The LaTeX a question's paper and key print: ``stem_tex``, ``solution_tex``, ``figure_tex`` (a TikZ
    body or ''), ``prompts_tex`` (a multi-part question's part prompts by label); empty before version 2."""

    stem_tex: str = ""
    solution_tex: str = ""
    figure_tex: str = ""
    prompts_tex: dict[str, str] = {}


class QuestionText(QuestionRecord, frozen=True):
    """A :class:`QuestionRecord` with the fields of its :class:`TextRecord` (for feedback PDFs): in a
    version-2 manifest they are inside each question; in version 3, joined from ``texts``. (msgspec
    structs have one base, so the four fields are named again.)"""

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
    #: version 3: per paper, per question, its texts (None when not read; see :func:`read_manifest`)
    texts: list[list[TextRecord]] | None = None

    @property
    def exam_title(self) -> str:
        return ((self.spec.get("content") or {}).get("header") or {}).get("exam_title") or "Exam"


class AnswerShape(msgspec.Struct, frozen=True):
    """What checking the responses and the rules needs of an answer: its ``type``, a part's ``label`` and
    ``weight``, and a multi-part answer's ``parts``."""

    type: str
    label: str = ""
    weight: float = 1.0
    parts: list[AnswerShape] = []


class QuestionShape(msgspec.Struct, frozen=True):
    """A question of a paper another process grades: its ``number`` and :class:`AnswerShape`."""

    number: int
    answer: AnswerShape


class PaperShape(msgspec.Struct, frozen=True):
    """A paper another process grades (see :func:`read_manifest`'s ``part``): its student and the shapes of
    its questions, enough to check the responses' columns and ids and the regrade rules."""

    student_id: str
    questions: list[QuestionShape]
    name: str = ""


_DECODERS = {False: msgspec.json.Decoder(ManifestRecord[QuestionRecord]),
             True: msgspec.json.Decoder(ManifestRecord[QuestionText])}
_PAPERS = msgspec.json.Decoder(list[PaperRecord[QuestionRecord]])
_SHAPES = msgspec.json.Decoder(list[PaperShape])
#: The key lines of the writer's two lists of lines, ``papers`` and ``texts``, and the start of a paper's
#: line (a newline inside a JSON string is escaped, and deeper keys are indented further, so these match
#: nothing else).
_PAPERS_BLOCK, _TEXTS_BLOCK, _PAPER_LINE = b'\n "papers": [', b'\n "texts": [', b"\n  {"


def _block(doc: bytes | mmap.mmap, key_line: bytes, stop: int | None = None) -> tuple[int, int, int] | None:
    """Where the top-level list of lines that starts with ``key_line`` lies in ``doc[:stop]``: (the start of
    its key line, the start of its items, the end of its closing ``]``), or None if there is none.

    The closing bracket (on a line of its own, or right after ``[`` for no
    items) is searched from ``stop`` (default: the end of ``doc``) back:
    what follows ``papers`` before ``texts``, and ``texts`` before the end,
    is a few short members (keys are sorted), and scanning a block itself,
    up to two thirds of the file, took 0.2 s. Were a later member a list on
    several lines, its end would be taken for the block's: the documents cut
    then do not decode (and the file is decoded whole), or lose only members
    after ``texts``, which grading does not read.
    """
    stop = len(doc) if stop is None else stop
    start = doc.find(key_line, 0, stop)
    if start < 0:
        return None
    items = start + len(key_line)
    if doc[items:items + 1] == b"]":
        return start, items, items + 1
    close = doc.rfind(b"\n ]", items, stop)
    return None if close < 0 else (start, items, close + 3)


def own_papers(papers: list, part: int) -> list:
    """The papers of ``part`` (0 or 1) of a manifest read with that ``part``: those read in full, or (a
    manifest read whole) the first half, rounded up, or the rest. Both parts of the same file, read the
    same way, have every paper once: a split always leaves papers on both sides."""
    if any(isinstance(p, PaperShape) for p in papers):
        return [p for p in papers if not isinstance(p, PaperShape)]
    k = (len(papers) + 1) // 2
    return papers[:k] if part == 0 else papers[k:]


def _decode_in_place(raw: bytes | mmap.mmap, part: int | None) -> ManifestRecord | None:
    """The manifest ``raw`` (a private mapping of the file, see :func:`inputs.mapped_bytes`) decoded without
    its texts: its papers straight from the mapping, the rest from a short copy; with a ``part``, the
    papers before the cut and from the cut decoded apart (the others as shapes, see :func:`read_manifest`).
    None if ``raw`` has not the writer's blocks of lines (then it is decoded whole); raises what msgspec
    raises, with ``raw`` as it was.

    Nothing is copied but the few members around the blocks: copying the
    84 MB without texts took 0.07 s and touched as many fresh pages. To
    decode the two parts of the papers apart, the two bytes at the cut (the
    comma ending the last line before it, the line feed starting the first
    line from it) are made ``][`` while they are decoded, then restored. The
    cut is the first paper line after the middle byte of the papers' block;
    with no paper line after it (one paper, or a short first paper before a
    long one), the papers are not cut: each process must find papers of its
    own, or both none. Both blocks are found by :func:`_block`.
    """
    texts = _block(raw, _TEXTS_BLOCK)
    if texts is None:
        return None
    start, _, end = texts
    if raw[end:end + 1] == b",":
        before, after = start, end + 1  # the document without texts is raw[:before] + raw[after:]
    elif raw[start - 1:start] == b",":
        before, after = start - 1, end
    else:
        return None
    papers = _block(raw, _PAPERS_BLOCK, before)
    if papers is None or raw[papers[1] - 1:papers[1] + len(_PAPER_LINE)] != b"[" + _PAPER_LINE:
        return None
    items, close = papers[1], papers[2] - 3  # the papers' lines, and their closing line "\n ]"
    cut = raw.find(_PAPER_LINE, (items + close) // 2, close) if part is not None else -1
    with memoryview(raw) as view:
        head = _DECODERS[False].decode(b"".join([view[:items], view[close:before], view[after:]]))
        if cut < 0:
            return msgspec.structs.replace(head, papers=_PAPERS.decode(view[items - 1:close + 3]))
        raw[cut - 1:cut + 1] = b"]["
        try:
            first = (_PAPERS if part == 0 else _SHAPES).decode(view[items - 1:cut])
            second = (_SHAPES if part == 0 else _PAPERS).decode(view[cut:close + 3])
        finally:
            raw[cut - 1:cut + 1] = b",\n"
    return msgspec.structs.replace(head, papers=[*first, *second])


def _with_texts(manifest: ManifestRecord[QuestionText]) -> ManifestRecord[QuestionText]:
    """Version 3: each question given its record from ``texts``; raises ManifestError if they do not pair."""
    texts = manifest.texts
    if texts is None:
        return manifest  # versions 1 and 2: the texts (if any) were in the questions
    if len(texts) != len(manifest.papers) or any(
            len(t) != len(p.questions) for t, p in zip(texts, manifest.papers)):
        raise ManifestError("its texts do not pair with its papers' questions (a paper or question added or "
                            "removed by hand?)")
    fields = TextRecord.__struct_fields__
    papers = [msgspec.structs.replace(p, questions=[
        msgspec.structs.replace(q, **{f: getattr(t, f) for f in fields}) for q, t in zip(p.questions, ts)])
        for p, ts in zip(manifest.papers, texts)]
    return msgspec.structs.replace(manifest, papers=papers, texts=None)


def read_manifest(path: Path, texts: bool = False, part: int | None = None) -> ManifestRecord:
    """The manifest at ``path``; with ``texts`` its questions are :class:`QuestionText` (for feedback).

    ``part`` (0 or 1, without ``texts``): only the papers of that part of the
    class (the papers before the middle of the file, or the others) are full
    records, the others :class:`PaperShape`: a process grading half a class
    decodes its own papers in full and only the shape of the others (see
    :func:`own_papers`). The result's
    ``texts`` is None (joined to the questions, or not read).
    Raises :class:`ManifestError` naming the file and, for a bad value, its
    JSON path (``$.papers[3].questions[0].points``) or, for bad JSON, its line and column.
    """
    with mapped_bytes(Path(path), "manifest", MAX_MANIFEST_BYTES, ManifestError, private=True) as raw:
        try:
            if texts:
                return _with_texts(_DECODERS[True].decode(raw))
            try:
                manifest = _decode_in_place(raw, part)
            except msgspec.MsgspecError:
                manifest = None  # decoded whole below, so the error names a line and column of the file itself
            if manifest is not None:
                return manifest
            return msgspec.structs.replace(_DECODERS[False].decode(raw), texts=None)
        except ManifestError as e:
            raise ManifestError(f"In {path}: {e}; give the manifest.json a build wrote, unedited") from None
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
