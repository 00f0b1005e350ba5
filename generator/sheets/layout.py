"""Where everything goes on an answer sheet, in PDF points: pure Python, no LaTeX, no OpenCV.

Coordinates are PDF points (1/72 inch) with the origin at the page's
top-left corner and y growing downwards (as an image's rows do); the LaTeX
template turns them into its own bottom-left origin. ``sheets/layout.json``
is this module's output and the truth for both the printed sheet and the
scanner.

A sheet page carries four ArUco markers (OpenCV's ``DICT_4X4_50``, ids
0-3: top-left, top-right, bottom-right, bottom-left), a QR code, a row of
"page code" squares (the sheet's serial number and page, for when the QR
cannot be read), the student's name and ids, and *fields*: one per answer
cell (``Q1``, ``Q6a``, ``Q14_mark``) or the student-number grid of an
anonymous paper. Fields flow top to bottom in two columns, then onto the
next page; a field never splits across columns or pages.

Field kinds and their bubbles (``[x, y, r, value]``):

- ``choice`` (single/multiple choice, true/false): one bubble per option,
  value the option letter (``a`` …) or ``true``/``false``;
- ``number`` (numerical answers): a sign bubble (value ``-``) and digit
  columns, value ``"<column>:<digit>"``; ``int_digits`` columns before the
  printed decimal point and ``dec_digits`` after it (see :func:`number_shape`);
- ``points`` (essays, vectors/matrices and short text, marked by hand): one
  bubble per whole point ``0 … max`` (value the points) and a ``+0.5``
  bubble (value ``+0.5``) when the marks are not whole or at most 4; when
  they do not fit one row (:data:`POINTS_PER_ROW`), a tens row (values
  ``t0``, ``t10``, …) and a units row (``0`` … ``9``);
- ``student_number`` (anonymous papers): :data:`STUDENT_NUMBER_DIGITS`
  digit columns, value ``"<column>:<digit>"``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

#: A4 portrait, in points.
PAGE_W, PAGE_H = 595.276, 841.89
#: ArUco dictionary and marker geometry: 6 x 6 cells (4 x 4 bits and a black border).
ARUCO_DICTIONARY = "DICT_4X4_50"
MARKER_IDS = (0, 1, 2, 3)
MARKER_SIZE = 42.0
MARKER_MARGIN = 22.0
#: The QR code's square (quiet zone included) at the top right, left of the top-right marker.
QR_SIZE = 78.0
#: Page code: serial number (16 bits), page (4 bits), checksum (4 bits), as squares along the bottom.
CODE_BITS = 24
CODE_CELL = 7.0
CODE_PITCH = 11.0
#: Bubbles.
RADIUS = 5.5
OPTION_PITCH = 30.0
DIGIT_PITCH = 15.0
DIGIT_ROW = 14.0
LABEL_W = 34.0
#: Content area: two columns between these bounds.
TOP = 150.0
BOTTOM = PAGE_H - 78.0
LEFT = 40.0
COLUMN_W = 252.0
GUTTER = 11.0
FIELD_GAP = 7.0
STUDENT_NUMBER_DIGITS = 8
#: Points bubbles: at most this many in a row (0-10 and +0.5 fit a column), this far apart.
POINTS_PER_ROW = 11
POINTS_PITCH = 18.0
#: Digit columns of a number: at most this many.
MAX_DIGITS = 10
MAX_DECIMALS = 4
HAND_TYPES = ("essay", "matrix", "vector", "short_text")


@dataclass
class Field:
    """One answer cell on a page: its CSV column, kind, box ``[x0, y0, x1, y1]`` and bubbles."""

    column: str
    kind: str
    box: list[float]
    bubbles: list[list[Any]]
    label: str
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"column": self.column, "kind": self.kind, "label": self.label,
                "box": [round(v, 3) for v in self.box],
                "bubbles": [[round(b[0], 3), round(b[1], 3), b[2], b[3]] for b in self.bubbles], **self.info}


def exam_hash(spec_sha256: str, seed: int, bank_sha256: str, roster_sha256: str | None) -> str:
    """12 hex digits of SHA-256 over the spec, seed, bank and roster: which build a sheet belongs to."""
    text = "\x1f".join([spec_sha256, str(seed), bank_sha256, roster_sha256 or "generated"])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def marker_boxes() -> list[dict[str, Any]]:
    """The four markers: ``id`` and top-left corner ``x``, ``y`` and ``size`` in points."""
    m, s = MARKER_MARGIN, MARKER_SIZE
    corners = [(m, m), (PAGE_W - m - s, m), (PAGE_W - m - s, PAGE_H - m - s), (m, PAGE_H - m - s)]
    return [{"id": i, "x": x, "y": y, "size": s} for i, (x, y) in zip(MARKER_IDS, corners)]


def qr_box() -> dict[str, float]:
    """The QR code's square (with its quiet zone): top-left ``x``, ``y`` and ``size``."""
    return {"x": PAGE_W - MARKER_MARGIN - MARKER_SIZE - 10 - QR_SIZE, "y": MARKER_MARGIN - 4, "size": QR_SIZE}


def code_cells() -> list[list[float]]:
    """The page code's squares ``[x, y, size]`` (top-left corners), bit 0 first, centred at the bottom."""
    width = (CODE_BITS - 1) * CODE_PITCH + CODE_CELL
    x0 = (PAGE_W - width) / 2
    y = PAGE_H - MARKER_MARGIN - MARKER_SIZE / 2 - CODE_CELL / 2
    return [[x0 + k * CODE_PITCH, y, CODE_CELL] for k in range(CODE_BITS)]


def page_code_bits(serial: int, page: int) -> list[int]:
    """The page code of sheet ``serial`` (0 … 65535), page ``page`` (1 … 16): 24 bits, bit 0 first.

    Bits 0-15 the serial, 16-19 ``page - 1``, 20-23 a checksum (the sum of
    the five nibbles above, mod 16, xor 0b1010 so that an all-white row is
    not a valid code).
    """
    value = (serial & 0xFFFF) | (((page - 1) & 0xF) << 16)
    check = (sum((value >> (4 * k)) & 0xF for k in range(5)) % 16) ^ 0b1010
    value |= check << 20
    return [(value >> k) & 1 for k in range(CODE_BITS)]


def decode_page_code(bits: list[int]) -> tuple[int, int] | None:
    """``(serial, page)`` from 24 bits read off a page, or None when the checksum fails."""
    value = sum(b << k for k, b in enumerate(bits))
    serial, page = value & 0xFFFF, ((value >> 16) & 0xF) + 1
    return (serial, page) if page_code_bits(serial, page) == list(bits) else None


def number_shape(answer: dict[str, Any], key_text: str | None = None) -> tuple[int, int]:
    """(integer digits, decimal digits) of the digit grid for a numerical answer (its manifest JSON).

    Decimals: enough that rounding to them stays within the tolerance
    (``ceil(-log10(2 * tolerance))``), at least the decimals the key shows,
    at most :data:`MAX_DECIMALS`. Integer digits: those of ``|value|`` plus
    one of headroom (a wrong answer may be ten times larger), at least 2;
    the total at most :data:`MAX_DIGITS`.
    """
    value = abs(float(answer["value"]))
    tol = float(answer.get("tolerance", 0.0)) * (value if answer.get("relative") else 1.0)
    dec = 0
    if tol > 0:
        dec = max(0, math.ceil(-math.log10(2 * tol) - 1e-9))
    elif not float(value).is_integer():
        dec = len(repr(value).split(".")[1]) if "e" not in repr(value) else MAX_DECIMALS
    if key_text and "." in key_text.split()[0]:
        dec = max(dec, len(key_text.split()[0].split(".")[1]))
    dec = min(dec, MAX_DECIMALS)
    integer = len(str(int(value))) + 1 if value >= 1 else 1
    integer = max(2, integer)
    integer = min(integer, MAX_DIGITS - dec)
    return integer, dec


def points_values(max_points: float) -> tuple[list[int], bool]:
    """Whole-point bubbles and whether a ``+0.5`` bubble is needed, for a question worth ``max_points``."""
    whole = list(range(math.floor(max_points + 1e-9) + 1))
    return whole, not float(max_points).is_integer() or max_points <= 4


# ------------------------------------------------------------------------------------ fields


def _cells(question: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], float]]:
    """(column, label shown, answer JSON, points) of each answer cell of a manifest question."""
    n, a, pts = question["number"], question["answer"], float(question["points"])
    if a["type"] != "multi_part":
        return [(f"Q{n}", f"{n}", a, pts)]
    total = sum(float(p.get("weight", 1.0)) for p in a["parts"])
    return [(f"Q{n}{p['label']}", f"{n}{p['label']}", p, pts * float(p.get("weight", 1.0)) / total)
            for p in a["parts"]]


def _choice(column: str, label: str, values: list[str], shown: list[str], kind_info: dict) -> Field:
    h = 2 * RADIUS + 8
    pitch = min(OPTION_PITCH, (COLUMN_W - LABEL_W - 14) / max(1, len(values)))  # many options: closer
    bubbles = [[LABEL_W + 14 + k * pitch, h / 2, RADIUS, v] for k, v in enumerate(values)]
    width = LABEL_W + 14 + len(values) * pitch
    return Field(column, "choice", [0, 0, width, h], bubbles, label, {**kind_info, "shown": shown})


def _number(column: str, label: str, int_digits: int, dec_digits: int, kind: str = "number") -> Field:
    """A digit grid: title row, write-in boxes, then rows 0-9; the sign bubble left of row 0."""
    title, boxes = 14.0, 16.0
    x0 = LABEL_W + 18 if kind == "number" else 8
    cols = []
    for k in range(int_digits + dec_digits):
        cols.append(x0 + k * DIGIT_PITCH + (6 if k >= int_digits and dec_digits else 0))
    y0 = title + boxes + DIGIT_ROW / 2
    bubbles: list[list[Any]] = []
    if kind == "number":
        bubbles.append([x0 - 16, title + boxes / 2, RADIUS, "-"])
    for k, x in enumerate(cols):
        for d in range(10):
            bubbles.append([x, y0 + d * DIGIT_ROW, RADIUS, f"{k}:{d}"])
    width = cols[-1] + DIGIT_PITCH
    height = y0 + 9 * DIGIT_ROW + RADIUS + 4
    info = {"int_digits": int_digits, "dec_digits": dec_digits, "columns_x": cols, "boxes_y": title}
    return Field(column, kind, [0, 0, width, height], bubbles, label, info)


def _points(column: str, label: str, max_points: float) -> Field:
    whole, half = points_values(max_points)
    rows: list[list[str]] = []
    if len(whole) + half <= POINTS_PER_ROW:
        rows.append([str(v) for v in whole])
    else:
        rows.append([f"t{10 * t}" for t in range(int(max_points // 10) + 1)])
        rows.append([str(u) for u in range(10)])
    if half:
        rows[-1].append("+0.5")
    pitch = POINTS_PITCH
    y = 14.0 + RADIUS + 2
    bubbles = []
    for r, values in enumerate(rows):
        for k, v in enumerate(values):
            bubbles.append([LABEL_W + 14 + k * pitch, y + r * (2 * RADIUS + 10), RADIUS, v])
    width = LABEL_W + 14 + max(len(v) for v in rows) * pitch
    height = y + (len(rows) - 1) * (2 * RADIUS + 10) + RADIUS + 6
    info = {"max_points": max_points}
    return Field(column, "points", [0, 0, width, height], bubbles, label, info)


def question_fields(question: dict[str, Any]) -> list[Field]:
    """The fields of one manifest question (one per cell; a multi-part question one per part)."""
    fields = []
    for column, label, a, pts in _cells(question):
        t = a["type"]
        if t in ("single_choice", "multiple_choice"):
            letters = [o["letter"] for o in a["options"]]
            fields.append(_choice(column, label, letters, letters, {"answer_type": t}))
        elif t == "true_false":
            fields.append(_choice(column, label, ["true", "false"], ["T", "F"], {"answer_type": t}))
        elif t == "numerical":
            i, d = number_shape(a)
            f = _number(column, label, i, d)
            f.info["answer_type"] = t
            fields.append(f)
        elif t in HAND_TYPES:
            target = column + "_mark" if t == "essay" else column
            f = _points(target, label, pts)
            f.info["answer_type"] = t
            fields.append(f)
        else:
            raise ValueError(f"answer type {t!r} has no answer-sheet field")
    return fields


def _place(fields: list[Field], first_page_top: float) -> list[list[Field]]:
    """Flow ``fields`` (boxes at the origin) down two columns, page after page; return them per page."""
    pages: list[list[Field]] = [[]]
    column, y = 0, first_page_top
    for f in fields:
        w, h = f.box[2], f.box[3]
        if w > COLUMN_W:
            raise ValueError(f"field {f.column} is {w:.0f} pt wide; a column holds {COLUMN_W:.0f}")
        if y + h > BOTTOM:
            column, y = column + 1, TOP
            if column == 2:
                pages.append([])
                column = 0
        dx, dy = LEFT + column * (COLUMN_W + GUTTER), y
        f.box = [dx, dy, dx + w, dy + h]
        for b in f.bubbles:
            b[0] += dx
            b[1] += dy
        if "columns_x" in f.info:
            f.info["columns_x"] = [round(x + dx, 3) for x in f.info["columns_x"]]
            f.info["boxes_y"] = round(f.info["boxes_y"] + dy, 3)
        pages[-1].append(f)
        y += h + FIELD_GAP
    return pages


def sheet_layout(paper: dict[str, Any], serial: int, anonymous: bool) -> dict[str, Any]:
    """The layout of one student's sheet from the paper's manifest record (``writers.manifest.paper_data``).

    ``serial`` is the sheet's index in the build (printed in the page code).
    Returns ``{student_id, name, paper_id, serial, pages: [{page, pages,
    width, height, code, fields}]}``. Raises ``ValueError`` for an answer
    type with no field or a sheet of more than 16 pages.
    """
    fields: list[Field] = []
    if anonymous:
        f = _number("student_number", "Student number", STUDENT_NUMBER_DIGITS, 0, "student_number")
        fields.append(f)
    for q in paper["questions"]:
        fields.extend(question_fields(q))
    placed = _place(fields, TOP)
    if len(placed) > 16:
        raise ValueError(f"the sheet of {paper['student_id']} needs {len(placed)} pages; at most 16 fit the code")
    pages = []
    for k, page_fields in enumerate(placed, 1):
        pages.append({"page": k, "pages": len(placed), "width": PAGE_W, "height": PAGE_H,
                      "code": page_code_bits(serial, k), "fields": [f.to_json() for f in page_fields]})
    return {"student_id": paper["student_id"], "name": paper["name"], "paper_id": paper["paper_id"],
            "serial": serial, "pages": pages}


def qr_text(exam: str, paper_id: str, student_id: str, page: int, pages: int) -> str:
    """The QR code's text: ``VX1|exam hash|paper id|student id|page/pages``."""
    return f"VX1|{exam}|{paper_id}|{student_id}|{page}/{pages}"


def parse_qr_text(text: str) -> dict[str, Any] | None:
    """The fields of :func:`qr_text`, or None when ``text`` is not a variantex sheet code."""
    parts = text.split("|")
    if len(parts) != 5 or parts[0] != "VX1" or "/" not in parts[4]:
        return None
    page, _, pages = parts[4].partition("/")
    if not (page.isdigit() and pages.isdigit()):
        return None
    return {"exam": parts[1], "paper_id": parts[2], "student_id": parts[3], "page": int(page), "pages": int(pages)}


def layout_document(papers: list[dict[str, Any]], exam: str, anonymous: bool) -> dict[str, Any]:
    """The whole ``layout.json``: page furniture (markers, QR, code cells) and every student's sheet."""
    return {
        "layout_version": 1,
        "units": "PDF points; origin at the top-left corner of the page, y downwards",
        "exam_hash": exam,
        "page_size": [PAGE_W, PAGE_H],
        "aruco_dictionary": ARUCO_DICTIONARY,
        "markers": marker_boxes(),
        "qr": qr_box(),
        "code_cells": code_cells(),
        "sheets": [sheet_layout(p, k, anonymous) for k, p in enumerate(papers)],
    }
