"""Reading one input page end to end (runs in a worker process): register, identify, read every field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import read_field
from .inputs import PageRef, load_gray
from .page import crop_png, ink_map, measure, read_code, read_qr, register


@dataclass
class FieldResult:
    """One field as read: layout column, reading (``None`` = unreadable), reason, crop PNG when unreadable."""

    column: str
    kind: str
    answer_type: str
    value: str | None
    reason: str = ""
    crop: bytes = b""


@dataclass
class PageResult:
    """One input page: where it came from, who it belongs to (if known), what was read, and problems."""

    ref: PageRef
    student_id: str | None = None
    paper_id: str | None = None
    page: int | None = None
    identified_by: str = ""
    markers: int = 0
    error_px: float = 0.0
    blank_level: float = 0.0
    fields: list[FieldResult] = field(default_factory=list)
    problem: str = ""
    thumbnail: bytes = b""

    @property
    def confidence(self) -> float:
        """0 for a page not read; else the share of its fields read, lowered by one for each missing marker."""
        if self.problem or not self.fields:
            return 0.0 if self.problem else 1.0
        read = sum(f.value is not None for f in self.fields) / len(self.fields)
        return round(read * (1.0 - 0.05 * (4 - self.markers)), 3)


def _thumbnail(gray) -> bytes:
    import cv2

    h, w = gray.shape
    k = 400 / max(h, w)
    ok, data = cv2.imencode(".png", cv2.resize(gray, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA))
    return data.tobytes() if ok else b""


def read_page(ref: PageRef, doc: dict[str, Any], sheets: dict[str, dict[str, Any]],
              serials: dict[int, str]) -> PageResult:
    """Read page ``ref`` against layout ``doc``; ``sheets`` by student id, ``serials`` serial -> student id."""
    out = PageResult(ref)
    gray = load_gray(ref)
    if isinstance(gray, str):
        out.problem = gray
        return out
    reg = register(gray, doc)
    if isinstance(reg, str):
        out.problem = reg
        out.thumbnail = _thumbnail(gray)
        return out
    out.markers, out.error_px = len(reg.markers), round(reg.error, 2)
    ink = ink_map(reg.image)
    qr = read_qr(reg.image, doc, gray)
    if qr is not None:
        if qr["exam"] != doc["exam_hash"]:
            out.problem = f"a sheet of another exam ({qr['exam']}, this build is {doc['exam_hash']})"
            out.thumbnail = _thumbnail(gray)
            return out
        out.student_id, out.paper_id, out.page, out.identified_by = qr["student_id"], qr["paper_id"], qr["page"], "QR"
    else:
        code = read_code(ink, doc)
        if code is None or code[0] not in serials:
            out.problem = "neither the QR code nor the printed page code can be read: assign it by hand"
            out.thumbnail = _thumbnail(reg.image)
            return out
        out.student_id, out.page, out.identified_by = serials[code[0]], code[1], "page code"
        out.paper_id = sheets[out.student_id]["paper_id"]
    sheet = sheets.get(out.student_id)
    if sheet is None or sheet["paper_id"] != out.paper_id or not 1 <= out.page <= len(sheet["pages"]):
        out.problem = f"student {out.student_id}, paper {out.paper_id}, page {out.page} is not in this build"
        out.thumbnail = _thumbnail(reg.image)
        return out
    page = sheet["pages"][out.page - 1]
    fills = measure(ink, page)
    out.blank_level = round(fills.blank_level, 4)
    for f, fill in zip(fills.fields, fills.fill):
        r = read_field(f, fill)
        out.fields.append(FieldResult(f["column"], f["kind"], f.get("answer_type", f["kind"]), r.value, r.reason,
                                      crop_png(reg.image, f["box"]) if r.unreadable else b""))
    return out
