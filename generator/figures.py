"""PNG images of the per-variant figures (TikZ) for the HTML, Moodle XML and QTI writers.

Papers and keys typeset a variant's ``figure_tex`` inside the exam document
(``templates/exam.tex.j2``). The online formats need an image instead: each
distinct figure is typeset once by pdflatex on a page sized to the picture
(a savebox whose width and height set ``\\pdfpagewidth`` and
``\\pdfpageheight``, as the ``standalone`` class would), with the same
fonts and TikZ libraries as the papers, then rasterised with pypdfium2 at
:data:`DPI` dots per inch. Same figure, same PNG bytes: pdflatex runs with
the fixed date and ids of :mod:`latex`, and the PNG holds pixels only.

Renderers ask with :func:`request` while they collect texts (the first of
their two passes) and take the image with :func:`image` in the second: the
first :func:`image` call typesets every figure requested so far in ONE
pdflatex run (one page per figure). Images are kept for the process (a
figure is never typeset twice); :func:`image` of a figure never requested
typesets it alone.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path

import pypdfium2 as pdfium

from .html import ImageFile, TextCollector

#: Resolution of the PNG images, in dots per inch.
DPI = 150
#: TikZ libraries a figure may use: the same in papers (``templates/exam.tex.j2``) and in images.
TIKZ_LIBRARIES = "arrows.meta,positioning,calc,shapes.geometric"
#: White margin around a figure's picture, in TeX points.
MARGIN_PT = 3

_PREAMBLE = rf"""\pdfinfoomitdate=1
\pdftrailerid{{}}
\pdfsuppressptexinfo=-1
\documentclass[11pt]{{article}}
\usepackage[T1]{{fontenc}}
\usepackage{{lmodern}}
\usepackage{{textcomp}}
\usepackage{{amsmath,amssymb}}
\usepackage{{tikz}}
\usetikzlibrary{{{TIKZ_LIBRARIES}}}
\pdfhorigin={MARGIN_PT}pt
\pdfvorigin={MARGIN_PT}pt
\newsavebox\vxfig
% \vxfigpage{{tikz body}}: one page exactly the size of the picture plus the margin.
\newcommand{{\vxfigpage}}[1]{{\sbox\vxfig{{\begin{{tikzpicture}}#1\end{{tikzpicture}}}}%
  \pdfpagewidth=\dimexpr\wd\vxfig+{2 * MARGIN_PT}pt\relax
  \pdfpageheight=\dimexpr\ht\vxfig+\dp\vxfig+{2 * MARGIN_PT}pt\relax
  \shipout\hbox{{\usebox\vxfig}}}}
\begin{{document}}
%% vx-paper: figures
"""

_images: dict[str, ImageFile] = {}
_pending: dict[str, str] = {}


def figure_name(figure_tex: str) -> str:
    """The image's file name: ``figure-`` and 16 hex digits of the SHA-256 of the figure's TikZ."""
    return "figure-" + hashlib.sha256(figure_tex.encode("utf-8")).hexdigest()[:16] + ".png"


def figure_document(figures: dict[str, str]) -> str:
    """The LaTeX source typesetting ``figures`` (TikZ body -> where it comes from), one page each,
    in order; each page is preceded by a ``%% vx-question: WHERE`` line so that an error names it."""
    pages = [f"%% vx-question: {where}\n\\vxfigpage{{{tex}}}\n" for tex, where in figures.items()]
    return _PREAMBLE + "".join(pages) + "\\end{document}\n"


def render_pngs(figures: dict[str, str], dpi: int = DPI) -> dict[str, bytes]:
    """PNG bytes of each figure (TikZ body -> ``"QUESTION_ID seed=N"`` for errors), in one pdflatex run.

    Raises :class:`errors.LatexError` naming the question and seed of a
    figure pdflatex cannot typeset (see ``latex.compile_tex``).
    """
    from .latex import compile_tex  # latex imports the build; figures stay importable on their own

    if not figures:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        tex = Path(tmp) / "figures.tex"
        tex.write_text(figure_document(figures), encoding="utf-8")
        pdf = pdfium.PdfDocument(compile_tex(tex))
        try:
            out = {}
            for k, figure in enumerate(figures):
                bitmap = pdf[k].render(scale=dpi / 72)
                buffer = io.BytesIO()
                bitmap.to_pil().convert("RGB").save(buffer, format="PNG")
                out[figure] = buffer.getvalue()
        finally:
            pdf.close()
    return out


def request(figure_tex: str, where: str) -> None:
    """Note that ``figure_tex`` (of question and seed ``where``) will be needed as an image."""
    if figure_tex and figure_tex not in _images:
        _pending.setdefault(figure_tex, where)


def image(figure_tex: str, where: str) -> ImageFile:
    """The PNG of ``figure_tex``: typesets it, with every figure requested so far, if not done yet."""
    if figure_tex not in _images:
        request(figure_tex, where)
        batch = dict(_pending)
        _pending.clear()
        for tex, data in render_pngs(batch).items():
            _images[tex] = ImageFile(figure_name(tex), data)
    return _images[figure_tex]


def images(figures: Iterable[tuple[str, str]]) -> dict[str, ImageFile]:
    """The PNG of each ``(figure_tex, where)`` given, typeset together: figure -> image."""
    wanted = [(tex, where) for tex, where in figures if tex]
    for tex, where in wanted:
        request(tex, where)
    return {tex: image(tex, where) for tex, where in wanted}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG ``data`` (its IHDR chunk, PNG spec section 11.2.2)."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def figure_img(figure_tex: str, alt: str, where: str, text: object, src: Callable[[ImageFile], str]) -> str:
    """``<p><img …></p>`` showing a variant's figure in a writer's HTML ('' when it has none).

    ``text`` is the renderer's text converter: during the collecting pass (a
    :class:`html.TextCollector`) the figure is only requested and '' is
    returned; afterwards the image is typeset (with every figure requested)
    and ``src(image)`` gives the ``src`` (a data URI, ``@@PLUGINFILE@@/…``, a
    file in a package). The image is shown at the size it has on paper
    (CSS pixels are 1/96 inch) with ``alt`` as its alternative text.
    """
    if not figure_tex:
        return ""
    if isinstance(text, TextCollector):
        request(figure_tex, where)
        return ""
    found = image(figure_tex, where)
    width, height = (round(n * 96 / DPI) for n in png_size(found.data))
    return (f'<p class="figure"><img src="{escape(src(found))}" alt="{escape(alt)}" width="{width}" '
            f'height="{height}"></p>')
