"""One scanned page: find the markers, undo the perspective, identify the page, read its bubbles.

Steps (all geometry from ``sheets/layout.json``, in PDF points):

1. the ArUco markers (``cv2.aruco``) give up to 16 corners whose positions
   on the page are known; with at least :data:`MIN_MARKERS` markers a
   homography (``cv2.findHomography``) maps the image onto a canonical
   raster of :data:`SCALE` pixels per point — rotation, a page upside down,
   perspective and scale all undone at once;
2. the QR code (``zxingcpp``) names exam, paper, student and page; when it
   cannot be read, the printed page code (24 squares) gives the sheet's
   serial number and page;
3. each bubble's *fill* is the share of "ink" pixels in a disk of
   :data:`INNER` times its radius, a pixel being ink when it is darker than
   :data:`INK_RATIO` times the local paper white (a grey-level maximum over
   a window larger than a bubble: the adaptive threshold). A filled bubble
   gives about 1, an empty one about 0, a lightly erased mark (grey, not
   dark) about 0. The page's own blank bubbles (the median fill of the
   page: most bubbles of a sheet are empty) are the zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import zxingcpp

from ..sheets.layout import decode_page_code, parse_qr_text

#: Canonical raster: pixels per PDF point.
SCALE = 2.0
MIN_MARKERS = 3
INNER = 0.62
INK_RATIO = 0.70
#: Largest reprojection error of the marker corners (canonical pixels) for a page to be read.
MAX_REPROJECTION = 4.0
#: Markers are looked for on a copy of the page this many pixels on its longer side.
DETECT_SIDE = 1000

_DICT = None
_DETECTOR = None


def detector() -> cv2.aruco.ArucoDetector:
    """The ArUco detector for ``DICT_4X4_50`` (one per process)."""
    global _DICT, _DETECTOR
    if _DETECTOR is None:
        _DICT = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
        params = cv2.aruco.DetectorParameters()
        params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        # a marker's perimeter is about a fifth of the page's height: skip far smaller and larger candidates
        params.minMarkerPerimeterRate = 0.06
        params.maxMarkerPerimeterRate = 0.6
        _DETECTOR = cv2.aruco.ArucoDetector(_DICT, params)
    return _DETECTOR


@dataclass
class Registered:
    """A page mapped onto the layout: the canonical image (``SCALE`` px/pt), markers found, error in px."""

    image: np.ndarray
    markers: list[int]
    error: float


def marker_points(doc: dict[str, Any]) -> dict[int, np.ndarray]:
    """Each marker's four corners on the page (TL, TR, BR, BL, as ArUco reports them), in points."""
    out = {}
    for m in doc["markers"]:
        x, y, s = m["x"], m["y"], m["size"]
        out[m["id"]] = np.array([[x, y], [x + s, y], [x + s, y + s], [x, y + s]], dtype=np.float32)
    return out


def register(gray: np.ndarray, doc: dict[str, Any]) -> Registered | str:
    """Map ``gray`` (a page image, any rotation) onto the layout; or the reason it cannot be."""
    h, w = gray.shape
    width_pt, height_pt = doc["page_size"]
    k = min(1.0, DETECT_SIDE / max(h, w))
    small = gray if k == 1.0 else cv2.resize(gray, (round(w * k), round(h * k)), interpolation=cv2.INTER_LINEAR)
    corners, ids, _ = detector().detectMarkers(small)
    if ids is None:
        return "no markers found (not an answer sheet, or a blank page)"
    known = marker_points(doc)
    src, dst, found = [], [], []
    for c, i in zip(corners, ids.ravel()):
        if int(i) in known and int(i) not in found:
            found.append(int(i))
            src.append(c.reshape(4, 2) / k)
            dst.append(known[int(i)] * SCALE)
    if len(found) < MIN_MARKERS:
        return f"only {len(found)} of 4 markers found (at least {MIN_MARKERS} are needed)"
    src_a, dst_a = np.concatenate(src), np.concatenate(dst)
    hom, inliers = cv2.findHomography(src_a, dst_a, cv2.RANSAC, MAX_REPROJECTION)
    if hom is None or inliers.sum() < 4 * MIN_MARKERS - 2:
        return "the markers do not give a page geometry: a folded or torn page?"
    keep = inliers.ravel().astype(bool)  # a corner misplaced by blur or a fold is left out
    hom, _ = cv2.findHomography(src_a[keep], dst_a[keep], 0)
    proj = cv2.perspectiveTransform(src_a[keep].reshape(-1, 1, 2), hom).reshape(-1, 2)
    error = float(np.sqrt(((proj - dst_a[keep]) ** 2).sum(axis=1)).max())
    if error > MAX_REPROJECTION:
        return f"the markers do not fit the sheet's geometry (error {error:.1f} px): a folded or torn page?"
    size = (round(width_pt * SCALE), round(height_pt * SCALE))
    canon = cv2.warpPerspective(gray, hom, size, flags=cv2.INTER_LINEAR, borderValue=255)
    return Registered(canon, sorted(found), error)


def read_qr(canon: np.ndarray, doc: dict[str, Any], original: np.ndarray | None = None) -> dict[str, Any] | None:
    """The sheet's QR fields (``layout.parse_qr_text``) from the canonical page, else from ``original``."""
    q = doc["qr"]
    m = 8
    x0, y0 = max(0, int((q["x"] - m) * SCALE)), max(0, int((q["y"] - m) * SCALE))
    x1, y1 = int((q["x"] + q["size"] + m) * SCALE), int((q["y"] + q["size"] + m) * SCALE)
    crop = canon[y0:y1, x0:x1]
    tries = [crop, cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)]
    tries.append(cv2.threshold(tries[1], 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1])
    if original is not None:
        tries.append(original)
    for img in tries:
        for r in zxingcpp.read_barcodes(np.ascontiguousarray(img), formats=zxingcpp.BarcodeFormat.QRCode):
            parsed = parse_qr_text(r.text)
            if parsed:
                return parsed
    return None


def ink_map(canon: np.ndarray) -> np.ndarray:
    """Boolean ink mask: darker than :data:`INK_RATIO` of the local paper white."""
    k = int(16 * SCALE) | 1
    white = cv2.dilate(canon, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    white = cv2.blur(white, (k, k))
    return canon.astype(np.float32) < INK_RATIO * np.maximum(white.astype(np.float32), 40.0)


def read_code(ink: np.ndarray, doc: dict[str, Any]) -> tuple[int, int] | None:
    """``(serial, page)`` from the page code squares, or None when they do not check."""
    bits = []
    for x, y, s in doc["code_cells"]:
        a, b = int((x + s * 0.25) * SCALE), int((x + s * 0.75) * SCALE)
        c, d = int((y + s * 0.25) * SCALE), int((y + s * 0.75) * SCALE)
        bits.append(int(ink[c:d, a:b].mean() > 0.5))
    return decode_page_code(bits)


_DISKS: dict[float, tuple[np.ndarray, np.ndarray]] = {}


def _disk(radius_px: float) -> tuple[np.ndarray, np.ndarray]:
    if radius_px not in _DISKS:
        n = int(np.ceil(radius_px))
        dy, dx = np.mgrid[-n:n + 1, -n:n + 1]
        inside = dx ** 2 + dy ** 2 <= radius_px ** 2
        _DISKS[radius_px] = (dy[inside], dx[inside])
    return _DISKS[radius_px]


def fills(ink: np.ndarray, bubbles: np.ndarray) -> np.ndarray:
    """Share of ink pixels in each bubble's inner disk; ``bubbles`` rows are (x, y, r) in points."""
    out = np.zeros(len(bubbles))
    h, w = ink.shape
    for r in np.unique(bubbles[:, 2]):
        sel = bubbles[:, 2] == r
        dy, dx = _disk(round(float(r) * INNER * SCALE, 2))
        xs = np.clip(np.rint(bubbles[sel, 0] * SCALE).astype(int)[:, None] + dx[None, :], 0, w - 1)
        ys = np.clip(np.rint(bubbles[sel, 1] * SCALE).astype(int)[:, None] + dy[None, :], 0, h - 1)
        out[sel] = ink[ys, xs].mean(axis=1)
    return out


@dataclass
class PageFills:
    """A page's bubbles: their adjusted fill (0 = like the page's blank bubbles, 1 = solid) per field."""

    fields: list[dict[str, Any]]
    fill: list[np.ndarray]
    blank_level: float
    extra: dict[str, Any] = field(default_factory=dict)


def measure(ink: np.ndarray, page: dict[str, Any]) -> PageFills:
    """Adjusted fills of every bubble of a layout ``page`` (see the module docstring)."""
    fields = page["fields"]
    arrays = [np.array([b[:3] for b in f["bubbles"]], dtype=float) for f in fields]
    if not arrays:
        return PageFills(fields, [], 0.0)
    raw = fills(ink, np.concatenate(arrays))
    blank = float(np.median(raw))
    adj = np.clip((raw - blank) / max(1e-6, 1 - blank), 0, 1)
    out, start = [], 0
    for a in arrays:
        out.append(adj[start:start + len(a)])
        start += len(a)
    return PageFills(fields, out, blank)


def crop_png(canon: np.ndarray, box: list[float], margin: float = 6.0) -> bytes:
    """A PNG of the canonical page around ``box`` (points)."""
    x0, y0 = max(0, int((box[0] - margin) * SCALE)), max(0, int((box[1] - margin) * SCALE))
    x1, y1 = int((box[2] + margin) * SCALE), int((box[3] + margin) * SCALE)
    ok, data = cv2.imencode(".png", canon[y0:y1, x0:x1])
    return data.tobytes() if ok else b""
