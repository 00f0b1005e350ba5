"""Answer sheets as LaTeX: drawing commands at the layout's coordinates, typeset in batches.

:func:`page_ops` turns one page of ``layout.json`` into drawing operations
(origin at the bottom-left corner, bp), which ``templates/sheet.tex.j2``
writes as ``picture`` commands placed by eso-pic at the page's corner. The
ArUco markers are drawn cell by cell from OpenCV's own dictionary
(``cv2.aruco.generateImageMarker``) and the QR code module by module from
segno's matrix, as black rectangles (one per run of dark cells in a row).
:func:`typeset_sheets` compiles one batch with ``latex.compile_tex`` and
cuts it per student with ``latex.split_pdf``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import segno

from ..errors import LatexError
from ..latex import PageRange, compile_tex, split_pdf
from ..resources import TEMPLATES
from ..texenv import escape_tex, make_environment
from . import layout as L

_ENV = make_environment(TEMPLATES)
_MARKERS: dict[int, list[list[int]]] = {}


def marker_cells(marker_id: int) -> list[list[int]]:
    """The 6 x 6 cells of ArUco marker ``marker_id`` of ``DICT_4X4_50``: 1 = black (border included)."""
    if marker_id not in _MARKERS:
        d = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, L.ARUCO_DICTIONARY))
        img = cv2.aruco.generateImageMarker(d, marker_id, 6)
        _MARKERS[marker_id] = [[int(v == 0) for v in row] for row in img]
    return _MARKERS[marker_id]


def _r(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


class _Ops:
    """Drawing operations in the template's coordinates (bp, origin bottom-left)."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, ...]] = []

    def grid(self, cells: list[list[int]], x: float, y: float, cell: float) -> None:
        """Black runs of ``cells`` (rows top to bottom) with the grid's top-left corner at (x, y), top-left origin."""
        for r, row in enumerate(cells):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(x + start * cell, y + r * cell, (c - start) * cell, cell)
                else:
                    c += 1

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(("rect", _r(x), _r(L.PAGE_H - y - h), _r(w), _r(h)))

    def frame(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(("frame", _r(x), _r(L.PAGE_H - y - h), _r(w), _r(h)))

    def circle(self, x: float, y: float, r: float) -> None:
        self.ops.append(("circle", _r(x), _r(L.PAGE_H - y), _r(2 * r)))

    def text(self, x: float, y: float, tex: str, align: str = "l") -> None:
        self.ops.append(("text", _r(x), _r(L.PAGE_H - y), align, tex))


def _field_ops(o: _Ops, f: dict[str, Any]) -> None:
    x0, y0 = f["box"][0], f["box"][1]
    kind = f["kind"]
    if kind == "student_number":
        o.text(x0, y0 + 6, r"\textbf{Student number:} write it in the boxes, one digit each, and fill the bubbles")
    elif kind == "points":
        what = "essay" if f["answer_type"] == "essay" else "marked by hand"
        o.text(x0, y0 + 6, rf"\textbf{{Q{escape_tex(f['label'])}}}\enspace {what} --- "
               r"\emph{for the marker}: fill the points")
    else:
        o.text(x0, (y0 + f["box"][3]) / 2 if kind == "choice" else y0 + 6, rf"\textbf{{Q{escape_tex(f['label'])}}}")
    bubbles = f["bubbles"]
    for x, y, r, _ in bubbles:
        o.circle(x, y, r)
    if kind == "choice":
        for (x, y, r, _), shown in zip(bubbles, f["shown"]):
            o.text(x - r - 2.5, y, rf"\small {shown}", "r")
    elif kind == "points":
        for x, y, r, v in bubbles:
            shown = r"+\textonehalf" if v == "+0.5" else v.lstrip("t")
            o.text(x, y - r - 4.5, rf"\scriptsize {shown}", "c")
    else:
        cols = f["columns_x"]
        top = f["boxes_y"]
        for x in cols:
            o.frame(x - 6, top, 12, 14)
        if f["dec_digits"]:
            xp = (cols[f["int_digits"] - 1] + cols[f["int_digits"]]) / 2
            o.rect(xp - 1.2, top + 11.6, 2.4, 2.4)
        digits = [b for b in bubbles if b[3] != "-"]
        for x, y, r, v in digits:
            if v.startswith("0:"):
                o.text(cols[0] - 12, y, rf"\scriptsize {v[2:]}", "c")
        sign = [b for b in bubbles if b[3] == "-"]
        if sign:
            o.text(sign[0][0] - sign[0][2] - 2.5, sign[0][1], r"$-$", "r")


def page_ops(doc: dict[str, Any], sheet: dict[str, Any], page: dict[str, Any], title: str) -> list[tuple]:
    """The drawing operations of one sheet page (see the module docstring)."""
    o = _Ops()
    for m in doc["markers"]:
        cells = marker_cells(m["id"])
        o.grid(cells, m["x"], m["y"], m["size"] / 6)
    q = doc["qr"]
    code = segno.make(L.qr_text(doc["exam_hash"], sheet["paper_id"], sheet["student_id"], page["page"],
                                page["pages"]), error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    module = q["size"] / (len(matrix) + 8)
    o.grid(matrix, q["x"] + 4 * module, q["y"] + 4 * module, module)
    for (x, y, s), bit in zip(doc["code_cells"], page["code"]):
        if bit:
            o.rect(x, y, s, s)
        else:
            o.frame(x, y, s, s)
    left = L.MARKER_MARGIN + L.MARKER_SIZE + 14
    o.text(left, 34, rf"\textbf{{{title}}}")
    name = escape_tex(sheet["name"]) if sheet["name"] else r"\rule{150bp}{0.4bp}"
    o.text(left, 52, rf"\large Name: {name}")
    o.text(left, 70, rf"Student: \textbf{{{escape_tex(sheet['student_id'])}}}\qquad Paper: "
           rf"\texttt{{{sheet['paper_id']}}}\qquad Page {page['page']} of {page['pages']}")
    o.text(left, 86, rf"\scriptsize Exam \texttt{{{doc['exam_hash']}}}")
    o.text(L.LEFT, 112, r"\small Fill the bubble of each answer completely with a dark pen. "
           r"To change an answer, erase it completely.")
    o.text(L.LEFT, 126, r"\small Numbers: write one digit per box, then fill that digit's bubble below it; "
           r"leave unused leading boxes empty.")
    o.text(L.PAGE_W / 2, L.PAGE_H - 52, rf"\scriptsize {escape_tex(sheet['student_id'])} \quad "
           rf"{sheet['paper_id']} \quad page {page['page']}/{page['pages']}", "c")
    for f in page["fields"]:
        _field_ops(o, f)
    return o.ops


def render_sheets(doc: dict[str, Any], sheets: Sequence[dict[str, Any]], title: str) -> str:
    """The LaTeX source of the sheets ``sheets`` (entries of ``doc["sheets"]``), one page per sheet page."""
    pages = [{"student_id": s["student_id"], "ops": page_ops(doc, s, p, title)}
             for s in sheets for p in s["pages"]]
    return _ENV.get_template("sheet.tex.j2").render(pages=pages)


def typeset_sheets(doc: dict[str, Any], sheets: Sequence[dict[str, Any]], title: str, tex: Path,
                   names: dict[int, Path]) -> dict[str, float]:
    """Render, compile and split one batch of sheets; ``names`` maps a sheet's position in ``sheets`` to its PDF.

    The page ranges come from the layout (each sheet has exactly its
    layout's pages, no padding: a blank page would be scanned for nothing);
    the compiled page count is checked against them. Returns phase seconds.
    Raises :class:`errors.LatexError`.
    """
    t0 = time.perf_counter()
    tex.write_text(render_sheets(doc, sheets, title), encoding="utf-8")
    t1 = time.perf_counter()
    pdf = compile_tex(tex)
    t2 = time.perf_counter()
    ranges, start = {}, 0
    for k, s in enumerate(sheets):
        ranges[k] = PageRange(start, start + len(s["pages"]) - 1)
        start += len(s["pages"])
    import pikepdf

    with pikepdf.open(pdf) as typeset:
        if len(typeset.pages) != start:
            raise LatexError(f"{tex.name}: {len(typeset.pages)} pages typeset, the layout has {start}")
    split_pdf(pdf, ranges, names)
    return {"render": t1 - t0, "pdflatex": t2 - t1, "split": time.perf_counter() - t2}
