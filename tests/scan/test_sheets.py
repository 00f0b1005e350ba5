"""``build --sheets``: the sheets PDF matches layout.json (markers, QR, bubbles where the layout says)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

from generator.sheets.layout import decode_page_code, number_shape, page_code_bits, parse_qr_text

SCALE = 2.0


def test_files_and_text(built):
    layout = json.loads((built / "sheets" / "layout.json").read_text())
    manifest = json.loads((built / "manifest.json").read_text())
    assert [s["student_id"] for s in layout["sheets"]] == ["S1", "S2", "S3"]
    total = 0
    for sheet, paper in zip(layout["sheets"], manifest["papers"]):
        reader = PdfReader(built / "sheets" / f"{sheet['student_id']}.pdf")
        assert len(reader.pages) == len(sheet["pages"])
        total += len(reader.pages)
        text = reader.pages[0].extract_text()
        assert sheet["student_id"] in text and paper["paper_id"] in text
        columns = {f["column"] for p in sheet["pages"] for f in p["fields"]}
        for q in paper["questions"]:
            a = q["answer"]
            if a["type"] == "multi_part":
                assert {f"Q{q['number']}{p['label']}" for p in a["parts"]} <= columns | {
                    f"Q{q['number']}{p['label']}_mark" for p in a["parts"]}
            elif a["type"] == "essay":
                assert f"Q{q['number']}_mark" in columns
            else:
                assert f"Q{q['number']}" in columns
    assert "Aarav Sharma" in PdfReader(built / "sheets" / "S1.pdf").pages[0].extract_text()
    assert len(PdfReader(built / "print" / "sheets.pdf").pages) == total


def test_rendered_page_matches_layout(built):
    """Markers detected where the layout puts them, the QR says who and which page, bubbles are rings."""
    layout = json.loads((built / "sheets" / "layout.json").read_text())
    sheet = layout["sheets"][1]
    doc = pdfium.PdfDocument(str(built / "sheets" / "S2.pdf"))
    for page in sheet["pages"]:
        img = doc[page["page"] - 1].render(scale=SCALE, grayscale=True).to_numpy()
        img = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        det = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
        corners, ids, _ = det.detectMarkers(img)
        found = {int(i): c.reshape(4, 2) / SCALE for c, i in zip(corners, ids.ravel())}
        assert sorted(found) == [0, 1, 2, 3]
        for m in layout["markers"]:
            assert np.allclose(found[m["id"]][0], [m["x"], m["y"]], atol=1.0)
        texts = [r.text for r in zxingcpp.read_barcodes(img)]
        qr = parse_qr_text(next(t for t in texts if t.startswith("VX1")))
        assert qr == {"exam": layout["exam_hash"], "paper_id": sheet["paper_id"], "student_id": "S2",
                      "page": page["page"], "pages": len(sheet["pages"])}
        dark = img < 128
        for f in page["fields"]:
            for x, y, r, _ in f["bubbles"]:
                cx, cy = round(x * SCALE), round(y * SCALE)
                ring = [dark[round(cy + r * SCALE * np.sin(t)), round(cx + r * SCALE * np.cos(t))]
                        or dark[round(cy + (r - 0.5) * SCALE * np.sin(t)), round(cx + (r - 0.5) * SCALE * np.cos(t))]
                        or dark[round(cy + (r + 0.5) * SCALE * np.sin(t)), round(cx + (r + 0.5) * SCALE * np.cos(t))]
                        for t in np.linspace(0, 2 * np.pi, 12, endpoint=False)]
                assert sum(ring) >= 10, (f["column"], x, y)
                assert not dark[cy - 3:cy + 4, cx - 3:cx + 4].any(), (f["column"], x, y)


def test_page_code_round_trip():
    for serial, page in [(0, 1), (1, 2), (513, 16), (65535, 3)]:
        bits = page_code_bits(serial, page)
        assert decode_page_code(bits) == (serial, page)
        flipped = list(bits)
        flipped[5] ^= 1
        assert decode_page_code(flipped) is None
    assert decode_page_code([0] * 24) is None


def test_number_shape_holds_the_key():
    """The grid has room for the key's digits and a step within the tolerance."""
    assert number_shape({"value": 27, "tolerance": 0}) == (3, 0)
    assert number_shape({"value": 0.0781, "tolerance": 0.0005}) == (2, 3)
    assert number_shape({"value": 60965224, "tolerance": 0}) == (9, 0)
    i, d = number_shape({"value": 3.5, "tolerance": 0.02, "relative": True})
    assert i >= 2 and 10 ** -d / 2 <= 0.07
