"""Scanned input: PDFs (rasterised with pypdfium2) and images (PNG, JPEG, TIFF, multi-page TIFF too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from pypdfium2 import PdfiumError as _PdfiumError

from ..errors import VariantexError

PDF_SUFFIXES = (".pdf",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
#: PDF pages are rendered at this many pixels per point (144 dpi).
PDF_SCALE = 2.0
#: A scanned JPEG larger than this (pixels, longer side) is decoded at half size.
REDUCE_ABOVE = 2400


class ScanInputError(VariantexError):
    """A scan input that is not a file variantex can read (missing, or not a PDF or image)."""


@dataclass(frozen=True)
class PageRef:
    """One input page: its file and 0-based page index in that file."""

    path: str
    index: int

    @property
    def name(self) -> str:
        return f"{self.path}#{self.index + 1}"


def _count(path: Path) -> int:
    if path.suffix.lower() in PDF_SUFFIXES:
        import pikepdf

        try:
            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        except pikepdf.PdfError as e:
            raise ScanInputError(f"{path}: not a readable PDF ({e})") from None
    if path.suffix.lower() in (".tif", ".tiff"):
        from PIL import Image

        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)
    return 1


def expand(inputs: list[Path]) -> list[PageRef]:
    """Every page of ``inputs`` (files, or folders read in name order), in that order.

    Raises :class:`ScanInputError` for a path that does not exist or a file
    that is neither a PDF nor an image.
    """
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() in PDF_SUFFIXES + IMAGE_SUFFIXES)
        elif p.is_file():
            if p.suffix.lower() not in PDF_SUFFIXES + IMAGE_SUFFIXES:
                raise ScanInputError(f"{p}: not a PDF or an image ({', '.join(IMAGE_SUFFIXES)})")
            files.append(p)
        else:
            raise ScanInputError(f"{p}: no such file or folder")
    return [PageRef(str(f), k) for f in files for k in range(_count(f))]


_DRAW_ONE_IMAGE = re.compile(rb"^\s*q\s+([\d.]+)\s+0+(?:\.0*)?\s+0+(?:\.0*)?\s+([\d.]+)\s+[-\d.]+\s+[-\d.]+\s+cm\s+"
                             rb"(/[^\s/]+)\s+Do\s+Q\s*$")


def _scanned_image(path: Path, index: int) -> np.ndarray | None:
    """The page's image itself when the page is one JPEG drawn upright over it (as scanners write PDFs).

    Decoding the JPEG (at half size when it is larger than
    :data:`REDUCE_ABOVE` pixels, by libjpeg's own scaling) is several times
    faster than rendering the page; None for any other page (it is rendered).
    """
    import pikepdf

    with pikepdf.open(path) as pdf:
        page = pdf.pages[index]
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        m = _DRAW_ONE_IMAGE.match(page.Contents.read_bytes()) if "/Contents" in page and \
            isinstance(page.Contents, pikepdf.Stream) else None
        if m is None or len(xobjects) != 1 or m.group(3).decode() not in xobjects:
            return None
        image = xobjects[m.group(3).decode()]
        if image.get("/Subtype") != "/Image" or image.get("/Filter") != "/DCTDecode" or "/Decode" in image:
            return None
        big = max(int(image.Width), int(image.Height)) > REDUCE_ABOVE
        flag = cv2.IMREAD_REDUCED_GRAYSCALE_2 if big else cv2.IMREAD_GRAYSCALE
        return cv2.imdecode(np.frombuffer(image.read_raw_bytes(), np.uint8), flag)


def load_gray(ref: PageRef) -> np.ndarray | str:
    """The page as an 8-bit grey image, or the reason it cannot be read."""
    path = Path(ref.path)
    suffix = path.suffix.lower()
    try:
        if suffix in PDF_SUFFIXES:
            import pypdfium2 as pdfium

            scanned = _scanned_image(path, ref.index)
            if scanned is not None:
                return scanned
            doc = pdfium.PdfDocument(str(path))
            try:
                bitmap = doc[ref.index].render(scale=PDF_SCALE, grayscale=True)
                img = bitmap.to_numpy().copy()
            finally:
                doc.close()
            return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        if suffix in (".tif", ".tiff"):
            from PIL import Image

            with Image.open(path) as im:
                im.seek(ref.index)
                return np.asarray(im.convert("L")).copy()
        img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        return img if img is not None else "not a readable image"
    except (OSError, ValueError, cv2.error, _PdfiumError) as e:  # a damaged file is reported, not fatal
        return f"cannot be read: {e}"
