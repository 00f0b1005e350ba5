"""``variantex scan``: scanned answer sheets to the responses CSV that ``variantex grade`` reads.

:func:`scan` reads every input page on worker processes (:mod:`reader`),
then, in the parent: keeps one page per (student, sheet page) — the most
confident, the first on a tie — and reports the others as duplicates;
lists the missing pages of every student who handed in a sheet; fills the
responses (``unreadable`` for an ambiguous item or a field on a missing
page, never a guess); and applies the instructor's ``corrections.csv``.

Decisions where the issue is silent:

- vectors, matrices and short text are marked by hand like essays: the
  marker fills the points; essays' points go to the ``Qn_mark`` column, the
  others' to ``hand_marks.yaml`` as ``override`` rules for
  ``variantex grade --rules`` (a hand-marked *part* of a multi-part question
  cannot be overridden alone: it is listed in ``scan_report.csv``);
- a student who handed in no page has no row (``grade`` lists them);
- an anonymous paper's bubbled student number goes to ``student_numbers.csv``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import VariantexError
from ..inputs import MiB, read_text
from ..parallel import process_pool
from ..texenv import plural
from .inputs import PageRef, expand
from .reader import PageResult, read_page

if TYPE_CHECKING:
    from ..grading.manifest import ManifestRecord, PaperRecord

UNREADABLE = "unreadable"
WORKERS = 2
CHUNK = 6
_STATE: dict[str, Any] = {}


class ScanError(VariantexError):
    """The build folder has no sheets, or corrections.csv is invalid."""


@dataclass
class PageRecord:
    """A page in ``scan_report.csv``: its result, its status and what it duplicates."""

    result: PageResult
    status: str = "read"
    duplicate_of: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Item:
    """One unreadable item for review: student, column, reason, crop, where it came from."""

    student_id: str
    column: str
    reason: str
    crop: bytes
    page: str
    corrected: str | None = None


@dataclass
class ScanResult:
    """Everything the scan writers need (see :mod:`writers`)."""

    build: str
    columns: list[str]
    papers: list[PaperRecord]
    pages: list[PageRecord]
    responses: dict[str, dict[str, str]]
    hand_marks: list[dict[str, Any]]
    student_numbers: dict[str, str]
    missing: list[tuple[str, int, int]]
    absent: list[str]
    items: list[Item]
    corrections: list[tuple[str, str, str]]

    def summary(self) -> str:
        read = sum(p.status == "read" for p in self.pages)
        open_items = sum(i.corrected is None for i in self.items)
        pages, students = len(self.pages), len(self.responses)
        return (f"Read {read} of {pages} {plural(pages, 'page')} for {students} {plural(students, 'student')}; "
                f"{open_items} unreadable {plural(open_items, 'item')} to review, {len(self.missing)} "
                f"{plural(len(self.missing), 'page')} missing")


def _init(doc: dict[str, Any], sheets: dict[str, Any], serials: dict[int, str]) -> None:
    import cv2

    cv2.setNumThreads(1)  # the worker processes already use every core
    _STATE.update(doc=doc, sheets=sheets, serials=serials)


def _read_chunk(refs: list[PageRef]) -> list[PageResult]:
    return [read_page(r, _STATE["doc"], _STATE["sheets"], _STATE["serials"]) for r in refs]


def load_build(build_dir: Path) -> tuple[dict[str, Any], ManifestRecord]:
    """``(layout.json, manifest.json)`` of a build; raises :class:`ScanError` when the sheets are missing."""
    layout, manifest = Path(build_dir) / "sheets" / "layout.json", Path(build_dir) / "manifest.json"
    if not layout.is_file():
        raise ScanError(f"{layout} not found: build the exam with --sheets to print scannable answer sheets")
    if not manifest.is_file():
        raise ScanError(f"{manifest} not found: {build_dir} is not a variantex build folder")
    from ..grading.manifest import read_manifest

    return json.loads(layout.read_text(encoding="utf-8")), read_manifest(manifest)


def read_pages(refs: list[PageRef], doc: dict[str, Any], workers: int = WORKERS,
               progress: Callable[[int, int], None] | None = None) -> list[PageResult]:
    """Read ``refs`` on ``workers`` processes (in this process when 1); results in input order."""
    sheets = {s["student_id"]: s for s in doc["sheets"]}
    serials = {s["serial"]: s["student_id"] for s in doc["sheets"]}
    chunks = [refs[k:k + CHUNK] for k in range(0, len(refs), CHUNK)]
    results: dict[int, list[PageResult]] = {}
    if workers <= 1 or len(chunks) <= 1:
        _init(doc, sheets, serials)
        for k, c in enumerate(chunks):
            results[k] = _read_chunk(c)
            if progress:
                progress(sum(map(len, results.values())), len(refs))
    else:
        import cv2

        # OpenCV's own thread pool must not be running when the workers are forked: a forked child
        # inherits its state but not its threads, and its first parallel call would wait forever.
        threads = cv2.getNumThreads()
        cv2.setNumThreads(1)
        try:
            with process_pool(min(workers, len(chunks)), _init, (doc, sheets, serials)) as pool:
                futures = {pool.submit(_read_chunk, c): k for k, c in enumerate(chunks)}
                for f in as_completed(futures):
                    results[futures[f]] = f.result()
                    if progress:
                        progress(sum(map(len, results.values())), len(refs))
        finally:
            cv2.setNumThreads(threads)
    return [r for k in range(len(chunks)) for r in results[k]]


def read_corrections(path: Path, known: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """``(student_id, column, value)`` rows of corrections.csv; ``value`` ``blank`` means an empty answer.

    Raises :class:`ScanError` naming the line for an unknown student or
    column, an empty value, or a missing header.
    """
    text, _ = read_text(path, "corrections CSV", 16 * MiB, ScanError)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [h.strip() for h in rows[0][:3]] != ["student_id", "column", "value"]:
        raise ScanError(f"In {path}, line 1: the header must be student_id,column,value")
    out = []
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 3:
            raise ScanError(f"In {path}, line {line}: expected student_id,column,value")
        sid, col, value = (c.strip() for c in row[:3])
        if sid not in known:
            raise ScanError(f"In {path}, line {line}: unknown student id {sid!r}")
        if col not in known[sid]:
            raise ScanError(f"In {path}, line {line}: {sid}'s sheet has no column {col!r}")
        if not value:
            raise ScanError(f"In {path}, line {line}: no value; write the answer, or 'blank' for no answer")
        out.append((sid, col, "" if value.lower() == "blank" else value))
    return out


def _differences(a: PageResult, b: PageResult) -> list[str]:
    va = {f.column: f.value for f in a.fields}
    return [f.column for f in b.fields if f.value is not None and va.get(f.column) not in (None, f.value)]


def scan(build_dir: Path, inputs: list[Path], corrections_path: Path | None = None,
         progress: Callable[[int, int], None] | None = None, workers: int = WORKERS) -> ScanResult:
    """Read the scanned ``inputs`` of the build in ``build_dir``; see the module docstring.

    Raises :class:`ScanError` (no sheets in the build, bad corrections) and
    ``scan.inputs.ScanInputError`` (an input that is not a PDF or image).
    """
    doc, manifest = load_build(build_dir)
    from ..grading.scoring import expected_columns

    papers = manifest.papers
    columns = expected_columns(papers)
    refs = expand([Path(p) for p in inputs])
    results = read_pages(refs, doc, workers, progress)
    records = [PageRecord(r, "read" if not r.problem else "unreadable") for r in results]
    kept: dict[tuple[str, int], PageRecord] = {}
    for rec in records:
        r = rec.result
        if rec.status != "read":
            continue
        key = (r.student_id, r.page)
        other = kept.get(key)
        if other is None:
            kept[key] = rec
            continue
        better, worse = (rec, other) if r.confidence > other.result.confidence else (other, rec)
        kept[key] = better
        worse.status, worse.duplicate_of = "duplicate", better.result.ref.name
        diff = _differences(better.result, worse.result)
        if diff:
            worse.notes.append("reads differently from the page kept at " + ", ".join(diff))
    sheets = {s["student_id"]: s for s in doc["sheets"]}
    handed_in = {sid for sid, _ in kept}
    responses: dict[str, dict[str, str]] = {}
    hand: list[dict[str, Any]] = []
    numbers: dict[str, str] = {}
    missing: list[tuple[str, int, int]] = []
    items: list[Item] = []
    fields_of: dict[str, dict[str, tuple[dict[str, Any], int]]] = {}
    for sid, sheet in sheets.items():
        fields_of[sid] = {f["column"]: (f, p["page"]) for p in sheet["pages"] for f in p["fields"]}
    for paper in papers:
        sid = paper.student_id
        if sid not in handed_in:
            continue
        sheet = sheets[sid]
        row = dict.fromkeys(columns, "")
        for page in sheet["pages"]:
            rec = kept.get((sid, page["page"]))
            if rec is None:
                missing.append((sid, page["page"], len(sheet["pages"])))
                for f in page["fields"]:
                    items.append(Item(sid, f["column"], f"page {page['page']} was not scanned", b"", ""))
                    _put(row, f["column"], f, None)
                continue
            for fr in rec.result.fields:
                f = fields_of[sid][fr.column][0]
                if fr.value is None:
                    items.append(Item(sid, fr.column, fr.reason, fr.crop, rec.result.ref.name))
                _put(row, fr.column, f, fr.value)
        responses[sid] = row
    corrections: list[tuple[str, str, str]] = []
    if corrections_path is not None:
        known = {sid: set(cols) for sid, cols in fields_of.items()}
        corrections = read_corrections(corrections_path, known)
        for sid, col, value in corrections:
            if sid not in responses:
                responses[sid] = dict.fromkeys(columns, "")
            _put(responses[sid], col, fields_of[sid][col][0], value)
            for it in items:
                if (it.student_id, it.column) == (sid, col):
                    it.corrected = value
    for sid, row in responses.items():
        for col, (f, _) in fields_of[sid].items():
            if f["kind"] == "student_number":
                numbers[sid] = row.pop("_student_number", "")
            elif f["kind"] == "points" and f["answer_type"] != "essay":
                value = row.pop(f"_hand:{col}", "")
                if value and value != UNREADABLE:
                    hand.append({"student_id": sid, "question": col, "points": float(value),
                                 "reason": "marked by hand on the answer sheet",
                                 "part": col.rstrip("abcdefghijklmnopqrstuvwxyz") != col})
        for k in [k for k in row if k.startswith("_")]:
            row.pop(k)
    absent = [p.student_id for p in papers if p.student_id not in responses]
    return ScanResult(str(build_dir), columns, papers, records, responses, hand, numbers, missing, absent,
                      items, corrections)


def _put(row: dict[str, str], column: str, f: dict[str, Any], value: str | None) -> None:
    """Put a field's reading in the responses row (hand marks and student numbers aside, for later)."""
    text = UNREADABLE if value is None else value
    if f["kind"] == "student_number":
        row["_student_number"] = text
    elif f["kind"] == "points" and f["answer_type"] != "essay":
        row[f"_hand:{column}"] = text
    else:
        row[column] = text


__all__ = ["ScanError", "ScanResult", "read_pages", "scan"]
