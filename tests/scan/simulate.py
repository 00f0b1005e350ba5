"""A simulated class filling in answer sheets, and a simulated scanner distorting the pages.

Everything is drawn from ``sheets/layout.json`` and a numpy ``Generator``:

- :func:`draw_answers` picks each field's intended answer (a cell text, as the
  responses CSV holds it) for one student;
- :func:`fill_page` renders the sheet's PDF page at a resolution (150-300
  dpi) and draws the marks a student would make: filled ellipses of varied
  darkness, size and offset, ticks and crosses, half-filled bubbles (the
  item is then *ambiguous*), erasure smudges on bubbles not meant, stray pen
  strokes away from the bubbles;
- :func:`distort` does what a scanner and a careless stack of paper do:
  rotation up to ±10°, a page upside down, perspective skew, scale, a
  folded corner hiding one marker, Gaussian blur, noise, JPEG quality 30.

Nothing here imports the scanner: the truth comes from the layout alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

PT = 72.0


@dataclass
class Truth:
    """What one page should read as: cell text per column, and the columns made ambiguous on purpose."""

    cells: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)


def _number_text(f: dict[str, Any], rng: np.random.Generator, key: float | None) -> str:
    i, d = f["int_digits"], f["dec_digits"]
    if key is not None and rng.random() < 0.6 and abs(key) < 10 ** i:
        x = round(key, d)
    else:
        x = float(rng.integers(0, 10 ** min(i, 6))) + (float(rng.integers(0, 10 ** d)) / 10 ** d if d else 0)
        if f["kind"] == "number" and rng.random() < 0.15:
            x = -x
    text = f"{abs(x):.{d}f}".rstrip("0").rstrip(".") if d else str(int(abs(x)))
    text = text or "0"
    if text.startswith("0.") and not text.lstrip("0."):
        text = "0"
    if len(text.split(".")[0]) > i:
        text = text[-i:]
    return ("-" if x < 0 and float(text) != 0 else "") + text


def draw_answers(page: dict[str, Any], rng: np.random.Generator, keys: dict[str, Any] | None = None,
                 blank_rate: float = 0.05) -> dict[str, str]:
    """Intended answer text per field of a layout page; ``keys`` maps a column to its key (number or letters)."""
    keys = keys or {}
    out = {}
    for f in page["fields"]:
        col = f["column"]
        if rng.random() < blank_rate and f["kind"] != "student_number":
            out[col] = ""
            continue
        values = [b[3] for b in f["bubbles"]]
        if f["kind"] == "choice":
            if f["answer_type"] == "multiple_choice":
                k = int(rng.integers(1, len(values) + 1))
                out[col] = "".join(sorted(rng.choice(values, size=k, replace=False)))
            else:
                key = keys.get(col)
                out[col] = key if key in values and rng.random() < 0.6 else str(rng.choice(values))
        elif f["kind"] == "points":
            mx = float(f["max_points"])
            steps = [v * 0.5 for v in range(int(mx * 2) + 1)] if "+0.5" in values else list(range(int(mx) + 1))
            out[col] = f"{float(rng.choice(steps)):g}"
        elif f["kind"] == "student_number":
            out[col] = str(int(rng.integers(10 ** 6, 10 ** 8)))
        else:
            out[col] = _number_text(f, rng, keys.get(col))
    return out


def bubbles_for(f: dict[str, Any], text: str) -> list[int]:
    """Indices of the bubbles of field ``f`` that answer ``text`` is made of."""
    values = [b[3] for b in f["bubbles"]]
    if text == "":
        return []
    if f["kind"] == "choice":
        if f["answer_type"] == "multiple_choice":
            return [values.index(c) for c in text]
        return [values.index(text)]
    if f["kind"] == "points":
        x = float(text)
        whole, half = int(x), x - int(x) > 0
        if any(v.startswith("t") for v in values):
            idx = [values.index(f"t{10 * (whole // 10)}"), values.index(str(whole % 10))]
        else:
            idx = [values.index(str(whole))]
        return idx + ([values.index("+0.5")] if half else [])
    i = f.get("int_digits", 0)
    d = f.get("dec_digits", 0)
    neg = text.startswith("-")
    t = text.lstrip("-")
    whole, _, frac = t.partition(".")
    whole = "" if f["kind"] == "number" and whole == "0" and frac else whole
    idx = [values.index("-")] if neg else []
    for k, ch in enumerate(whole.rjust(i)):
        if ch != " ":
            idx.append(values.index(f"{k}:{ch}"))
    for k, ch in enumerate(frac[:d]):
        idx.append(values.index(f"{i + k}:{ch}"))
    return idx


def render_page(pdf_path: str, index: int, dpi: float) -> np.ndarray:
    """Page ``index`` of a PDF as an 8-bit grey image at ``dpi``."""
    doc = pdfium.PdfDocument(pdf_path)
    try:
        img = doc[index].render(scale=dpi / PT, grayscale=True).to_numpy().copy()
    finally:
        doc.close()
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def _ellipse(img, c, axes, angle, gray):
    cv2.ellipse(img, c, axes, angle, 0, 360, int(gray), -1, cv2.LINE_AA)


def fill_page(img: np.ndarray, page: dict[str, Any], answers: dict[str, str], rng: np.random.Generator,
              dpi: float, styles: str = "clean") -> Truth:
    """Mark ``answers`` on a rendered page in place; return what the page should read as.

    ``styles`` ``clean``: solid filled ellipses of varied darkness and size.
    ``messy``: also ticks and crosses (bold enough to be marks), half-filled
    bubbles (their item becomes ambiguous), erasure smudges on bubbles not
    meant, and stray pen strokes in the margins.
    """
    s = dpi / PT
    truth = Truth()
    for f in page["fields"]:
        col, text = f["column"], answers.get(f["column"], "")
        truth.cells[col] = text
        chosen = set(bubbles_for(f, text))
        for k, (x, y, r, _) in enumerate(f["bubbles"]):
            cx, cy, rr = x * s, y * s, r * s
            if k in chosen:
                style = "fill"
                if styles == "messy":
                    style = str(rng.choice(["fill", "tick", "cross", "half"], p=[0.8, 0.08, 0.1, 0.02]))
                gray = rng.uniform(0, 100)
                if style == "fill":
                    size = rng.uniform(0.85, 1.2)
                    off = rng.uniform(-0.12, 0.12, 2) * rr
                    _ellipse(img, (round(cx + off[0]), round(cy + off[1])),
                             (round(rr * size), round(rr * size * rng.uniform(0.85, 1.1))),
                             rng.uniform(0, 180), gray)
                elif style == "cross":
                    w = max(1, round(rng.uniform(1.8, 2.6) * s))
                    a = rr * rng.uniform(0.9, 1.2)
                    for sx in (1, -1):
                        cv2.line(img, (round(cx - a), round(cy - sx * a)), (round(cx + a), round(cy + sx * a)),
                                 int(gray), w, cv2.LINE_AA)
                elif style == "tick":
                    w = max(1, round(rng.uniform(2.2, 3.0) * s))
                    pts = np.array([[cx - 0.7 * rr, cy - 0.05 * rr], [cx - 0.1 * rr, cy + 0.6 * rr],
                                    [cx + 0.8 * rr, cy - 0.8 * rr]])
                    cv2.polylines(img, [np.rint(pts).astype(np.int32)], False, int(gray), w, cv2.LINE_AA)
                else:  # half-filled: the left half of the bubble
                    cv2.ellipse(img, (round(cx), round(cy)), (round(rr), round(rr)), 0, 90, 270, int(gray), -1,
                                cv2.LINE_AA)
                    truth.ambiguous.add(col)
            elif styles == "messy" and rng.random() < 0.03:
                # an erased mark: a light grey smudge
                _ellipse(img, (round(cx), round(cy)), (round(rr * 1.1), round(rr)), rng.uniform(0, 180),
                         rng.uniform(205, 230))
    if styles == "messy":
        h, w = img.shape
        for _ in range(int(rng.integers(1, 3))):  # stray strokes in the side margins
            x0 = rng.uniform(0.005, 0.05) * w if rng.random() < 0.5 else rng.uniform(0.955, 0.99) * w
            y0 = rng.uniform(0.15, 0.85) * h
            cv2.line(img, (round(x0), round(y0)), (round(x0 + rng.uniform(-8, 8) * s),
                                                   round(y0 + rng.uniform(20, 80) * s)),
                     int(rng.uniform(0, 80)), max(1, round(1.2 * s)), cv2.LINE_AA)
    return truth


def distort(img: np.ndarray, rng: np.random.Generator, *, rotate: float = 0.0, upside_down: bool = False,
            skew: float = 0.0, scale: float = 1.0, blur: float = 0.0, noise: float = 0.0,
            jpeg: int | None = None, fold: bool = False) -> np.ndarray:
    """A scanned-looking copy of ``img``: see the module docstring; returns an 8-bit grey image."""
    img = img.copy()
    h, w = img.shape
    if fold:  # a folded corner: the flap (grey paper back) hides one marker entirely
        corner = int(rng.integers(0, 4))
        d = 0.16 * min(h, w)
        cx, cy = (0 if corner in (0, 3) else w), (0 if corner in (0, 1) else h)
        sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
        tri = np.array([[cx, cy], [cx + sx * d, cy], [cx, cy + sy * d]], dtype=np.int32)
        cv2.fillPoly(img, [tri], 235)
        cv2.line(img, tuple(tri[1]), tuple(tri[2]), 150, 2, cv2.LINE_AA)
    if upside_down:
        img = np.ascontiguousarray(img[::-1, ::-1])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-skew, skew, (4, 2)) * np.float32([w, h])
    centre = np.float32([w / 2, h / 2])
    a = np.deg2rad(rotate)
    rot = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    dst = ((src + jitter - centre) @ rot.T) * scale
    margin = 0.04 * scale * max(w, h)  # the scanner's bed shows a border around the whole page
    dst -= dst.min(axis=0) - margin
    out_w, out_h = int(dst[:, 0].max() + margin), int(dst[:, 1].max() + margin)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    out = cv2.warpPerspective(img, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=int(rng.uniform(60, 250)))
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    if jpeg is not None:
        _, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        out = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return out


def random_distortion(rng: np.random.Generator) -> dict[str, Any]:
    """A mix of the distortions for one page of the distorted set."""
    return {"rotate": float(rng.uniform(-10, 10)), "upside_down": bool(rng.random() < 0.2),
            "skew": float(rng.uniform(0, 0.02)), "scale": float(rng.uniform(0.85, 1.1)),
            "blur": float(rng.choice([0, 0.8, 1.2])), "noise": float(rng.choice([0, 6, 12])),
            "jpeg": 30 if rng.random() < 0.5 else None, "fold": bool(rng.random() < 0.15)}


def compare(truth: Truth, read: dict, missing: str = "<missing>") -> tuple[int, int, int, list[str]]:
    """(right, flagged, wrong-unflagged, descriptions of the wrong ones) of readings against ``truth``.

    ``read`` maps a key of ``truth.cells`` (a column; the benchmark uses
    (student, column)) to the text read, None when flagged unreadable; a key
    it lacks reads as ``missing``. Numbers compare as numbers. A wrong reading
    of an ambiguous item (a half-filled bubble) is described as half-filled.
    """
    right = flagged = wrong = 0
    bad = []
    for key, text in truth.cells.items():
        got = read.get(key, missing)
        if got is None:
            flagged += 1
        elif _same(got, text):
            right += 1
        else:
            wrong += 1
            name = " ".join(key) if isinstance(key, tuple) else key
            bad.append(f"{name}: {'half-filled, ' if key in truth.ambiguous else ''}meant {text!r}, read {got!r}")
    return right, flagged, wrong, bad


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False
