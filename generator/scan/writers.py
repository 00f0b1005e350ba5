"""The files of ``variantex scan``: responses.csv, scan_report.csv, review.html and the instructor's helpers.

- ``responses.csv``: grade's format (``student_id,name,paper_id,Q1,…``), one
  row per student who handed in at least one page; ``unreadable`` in a cell
  that could not be read (``grade`` then scores it ``unreadable``, 0 points);
- ``scan_report.csv``: ``file,page,status,student_id,paper_id,sheet_page,
  identified_by,markers,confidence,problems`` — every input page (status
  ``read``, ``duplicate``, or ``unreadable`` with why), then a ``missing``
  row per sheet page not scanned and an ``absent`` row per student with no
  page;
- ``review.html``: one self-contained page with a crop of every unreadable
  item and a thumbnail of every page that could not be assigned;
- ``corrections_template.csv``: every unreadable item as
  ``student_id,column,value`` with value ``unreadable``: replace it by the
  answer (or ``blank``) and give the file to ``scan --corrections``;
- ``hand_marks.yaml`` (when there are any): hand-marked vectors, matrices
  and short texts as ``override`` rules for ``variantex grade --rules``;
- ``student_numbers.csv`` (anonymous papers): the bubbled student numbers.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import yaml

from ..csvfile import write_csv
from . import UNREADABLE, ScanResult

REPORT_COLUMNS = ("file", "page", "status", "student_id", "paper_id", "sheet_page", "identified_by", "markers",
                  "confidence", "problems")


class ResponsesWriter:
    """``responses.csv`` (see the module docstring)."""

    def write(self, result: ScanResult, out: Path) -> list[Path]:
        names = {p.student_id: (p.name, p.paper_id) for p in result.papers}
        rows = [[sid, *names[sid], *(result.responses[sid][c] for c in result.columns)]
                for sid in (p.student_id for p in result.papers) if sid in result.responses]
        return [write_csv(out / "responses.csv", ["student_id", "name", "paper_id", *result.columns], rows)]


class ReportWriter:
    """``scan_report.csv`` (see the module docstring)."""

    def write(self, result: ScanResult, out: Path) -> list[Path]:
        rows = []
        hand_parts = {(h["student_id"], h["question"]) for h in result.hand_marks if h["part"]}
        for rec in result.pages:
            r = rec.result
            problems = [r.problem] if r.problem else []
            if rec.duplicate_of:
                problems.append(f"duplicate of {rec.duplicate_of}")
            problems += rec.notes
            problems += [f"{f.column}: {f.reason}" for f in r.fields if f.value is None]
            problems += [f"{col}: marked by hand ({h}); a part cannot be overridden alone, enter the whole "
                         "question's points with --rules" for col, h in
                         ((f.column, f.value) for f in r.fields if (r.student_id, f.column) in hand_parts)]
            rows.append([r.ref.path, r.ref.index + 1, rec.status, r.student_id or "", r.paper_id or "",
                         r.page or "", r.identified_by, r.markers, f"{r.confidence:.3f}", "; ".join(problems)])
        ids = {p.student_id: p.paper_id for p in result.papers}
        for sid, page, pages in result.missing:
            rows.append(["", "", "missing", sid, ids[sid], page, "", "", "",
                         f"page {page} of {pages} was not scanned; its answers are unreadable"])
        for sid in result.absent:
            rows.append(["", "", "absent", sid, ids[sid], "", "", "", "", "no page of this student was scanned"])
        return [write_csv(out / "scan_report.csv", REPORT_COLUMNS, rows)]


class CorrectionsTemplateWriter:
    """``corrections_template.csv``: the open items, to be filled in and read back with ``--corrections``."""

    def write(self, result: ScanResult, out: Path) -> list[Path]:
        rows = [[i.student_id, i.column, UNREADABLE] for i in result.items if i.corrected is None]
        return [write_csv(out / "corrections_template.csv", ["student_id", "column", "value"], rows)]


class HandMarksWriter:
    """``hand_marks.yaml`` and ``student_numbers.csv``, when the scan found any."""

    def write(self, result: ScanResult, out: Path) -> list[Path]:
        written = []
        rules = [{k: h[k] for k in ("student_id", "question", "points", "reason")}
                 for h in result.hand_marks if not h["part"]]
        if rules:
            path = out / "hand_marks.yaml"
            path.write_text("# Points marked by hand on the answer sheets: give this file to\n"
                            "# variantex grade --rules (merge it with your own rules).\n"
                            + yaml.safe_dump({"override": rules}, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
            written.append(path)
        if result.student_numbers:
            written.append(write_csv(out / "student_numbers.csv", ["student_id", "student_number"],
                                sorted(result.student_numbers.items())))
        return written


_HEAD = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Scan review</title><style>"
         "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}img{max-width:520px}"
         "</style></head><body>")
_HOW = ("Fill in <code>corrections_template.csv</code> (value: the answer, or <code>blank</code>) and run "
        "<code>variantex scan … --corrections corrections.csv</code>.")


def _img(png: bytes, alt: str) -> str:
    if not png:
        return "<em>(no image: the page was not scanned)</em>"
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


class ReviewWriter:
    """``review.html``: crops of every unreadable item and thumbnails of pages not assigned."""

    def write(self, result: ScanResult, out: Path) -> list[Path]:
        e = html.escape
        parts = [_HEAD, f"<h1>Scan review: {e(result.build)}</h1>",
                 f"<p>{e(result.summary())}. {_HOW}</p>"]
        open_items = [i for i in result.items if i.corrected is None]
        parts.append(f"<h2>Unreadable items ({len(open_items)})</h2><table><tr><th>student</th><th>column</th>"
                     "<th>why</th><th>page</th><th>crop</th></tr>")
        for i in open_items:
            parts.append(f"<tr><td>{e(i.student_id)}</td><td>{e(i.column)}</td><td>{e(i.reason)}</td>"
                         f"<td>{e(i.page)}</td><td>{_img(i.crop, i.column)}</td></tr>")
        parts.append("</table>")
        lost = [rec for rec in result.pages if rec.status == "unreadable"]
        parts.append(f"<h2>Pages not assigned ({len(lost)})</h2><table><tr><th>page</th><th>why</th>"
                     "<th>image</th></tr>")
        for rec in lost:
            parts.append(f"<tr><td>{e(rec.result.ref.name)}</td><td>{e(rec.result.problem)}</td>"
                         f"<td>{_img(rec.result.thumbnail, rec.result.ref.name)}</td></tr>")
        parts.append("</table>")
        if result.missing:
            parts.append("<h2>Missing pages</h2><ul>" + "".join(
                f"<li>{e(s)}: page {p} of {n}</li>" for s, p, n in result.missing) + "</ul>")
        parts.append("</body></html>\n")
        path = out / "review.html"
        path.write_text("".join(parts), encoding="utf-8")
        return [path]


def scan_writers() -> list:
    """The writers of ``variantex scan``, for ``output.write_build``."""
    return [ResponsesWriter(), ReportWriter(), CorrectionsTemplateWriter(), HandMarksWriter(), ReviewWriter()]
