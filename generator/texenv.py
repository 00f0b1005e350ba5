"""Jinja2 for LaTeX: delimiters that never clash with LaTeX braces, and filters.

Delimiters: ``<< expr >>`` prints, ``<% stmt %>`` is a statement, ``<# … #>``
a comment. Undefined names are errors (StrictUndefined), never blank text.

Filters available in question texts and paper templates:

- ``num(places=None)``: a number as :func:`answers.format_number` prints it;
- ``tex``: a string from outside a template (student name, spec title),
  LaTeX-escaped, Cyrillic, Greek and CJK runs switched to fonts that have them;
- ``bmatrix(places=None)``: a 1-D or 2-D array as an amsmath ``bmatrix``;
- ``letter``: 0 -> ``a``, 1 -> ``b`` …
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from pylatex.utils import escape_latex

from . import fonts
from .answers import LETTERS, format_number


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


_CYR = _char_class(((0x0400, 0x052F),))
_GREEK = _char_class(((0x0370, 0x03FF), (0x1F00, 0x1FFF)))
_CJK = _char_class(fonts.CJK_RANGES)
#: Runs to switch fonts for: Cyrillic, Greek and CJK words, with the spaces between
#: them (a space just outside a CJK environment would be lost).
_RUNS = re.compile(rf"(?P<cyrillic>{_CYR}+(?: +{_CYR}+)*)|(?P<greek>{_GREEK}+(?: +{_GREEK}+)*)"
                   rf"|(?P<cjk>{_CJK}+(?: +{_CJK}+)*)")


def untypesettable(text: str) -> list[str]:
    """The distinct characters of ``text`` that the paper template's fonts cannot draw, sorted.

    Decided from the installed fonts' TFM files and LaTeX's Unicode
    declarations, without running pdflatex (see :mod:`generator.fonts`).
    Typeset are printable ASCII; Latin letters with accents, dashes, quotes
    and the symbols of LaTeX's T1/TS1 encodings (é, ñ, ø, Ł, ő); Cyrillic
    (T2A); Greek (LGR); and Chinese (simplified and traditional), Japanese
    and Korean characters that one of the CJKutf8 fonts has. Everything
    else is reported: Ħ, emoji, Arabic, Devanagari, control characters,
    rare Han characters. Never raises; without TeX, only ASCII is typeset.
    """
    return fonts.untypesettable(text)


def _wrap(m: re.Match) -> str:
    run = m.group(0)
    if m.lastgroup == "cyrillic":
        return rf"{{\fontencoding{{T2A}}\fontfamily{{{fonts.CYRILLIC_FAMILY}}}\selectfont {run}}}"
    if m.lastgroup == "greek":
        return rf"{{\fontencoding{{LGR}}\selectfont {run}}}"
    return "".join(rf"\begin{{CJK}}{{UTF8}}{{{fam}}}{piece}\end{{CJK}}" if fam else piece
                   for fam, piece in fonts.split_cjk(run))


def escape_tex(text: Any) -> str:
    """Escape ``text`` for LaTeX body text and switch fonts for other scripts.

    Special characters (``& % $ # _ { } ~ ^ \\ [ ]``) are escaped with
    pylatex's ``escape_latex``. Then, so that every character is drawn by a
    font that has it (:func:`untypesettable` says which those are):

    - Cyrillic words become ``{\\fontencoding{T2A}\\fontfamily{ftm}\\selectfont …}``;
    - Greek words ``{\\fontencoding{LGR}\\selectfont …}`` (LaTeX's utf8 input
      maps Unicode Greek to LGR);
    - CJK runs ``\\begin{CJK}{UTF8}{FAMILY}…\\end{CJK}`` (CJKutf8), in the first
      family whose TFMs have the whole run: Han tries gbsn (simplified
      Chinese), bsmi (traditional), min (Japanese); kana tries min first,
      Hangul nanummj (Korean). A run no single family covers is split.

    Latin letters with accents (Ñúñez) pass through as UTF-8 (T1 fonts).
    Characters no font has pass through unchanged (pdflatex then stops
    with an error, ``\\tracinglostchars=3``); callers check first.
    Assumes NFC text (the roster and spec loaders normalise).
    """
    return _RUNS.sub(_wrap, str(escape_latex(str(text))))


def breaks_anywhere(word: str) -> bool:
    """Can a line break inside ``word``? Between wide (CJK) characters it can, as CJK typesetting does."""
    return any(unicodedata.east_asian_width(c) in "WF" for c in word)


def unwrappable_word(text: str, limit: int) -> str | None:
    """The first word of ``text`` longer than ``limit`` characters that cannot break inside, or None."""
    return next((w for w in text.split() if len(w) > limit and not breaks_anywhere(w)), None)


def fit_words(text: Any) -> str:
    """``text`` escaped (:func:`escape_tex`) word by word, each word in ``\\vxfit{\\linewidth}{…}``.

    For a name in a narrow table cell: the line breaks between words, and a
    word wider than the cell is shrunk to fit rather than run into the next
    cell. Words of wide (CJK) characters are left to break anywhere, as CJK does.
    ``\\vxfit`` is defined by ``templates/exam.tex.j2``.
    """
    return " ".join(escape_tex(w) if breaks_anywhere(w)
                    else rf"\vxfit{{\linewidth}}{{{escape_tex(w)}}}" for w in str(text).split())


def bmatrix(values: Any, places: int | None = None) -> str:
    """A vector (shown as a row) or matrix as ``\\begin{bmatrix}…\\end{bmatrix}`` (math mode)."""
    a = np.atleast_2d(np.asarray(values, dtype=float))
    rows = [" & ".join(format_number(x, places) for x in row) for row in a]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def make_environment(search_path: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with LaTeX-safe delimiters; ``search_path`` loads template files."""
    env = jinja2.Environment(
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, undefined=jinja2.StrictUndefined,
        loader=jinja2.FileSystemLoader(str(search_path)) if search_path else None,
    )
    env.filters.update(num=format_number, tex=escape_tex, fit_words=fit_words, bmatrix=bmatrix,
                       letter=lambda i: LETTERS[int(i)])
    return env
