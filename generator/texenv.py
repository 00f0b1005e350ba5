"""Jinja2 for LaTeX: delimiters that never clash with LaTeX braces, and filters.

Delimiters: ``<< expr >>`` prints, ``<% stmt %>`` is a statement, ``<# … #>``
a comment. Undefined names are errors (StrictUndefined), never blank text.

Filters available in question texts and paper templates:

- ``num(places=None)``: a number as :func:`answers.format_number` prints it;
- ``tex``: a string from outside a template (student name, spec title),
  LaTeX-escaped, CJK runs wrapped for the CJKutf8 package;
- ``bmatrix(places=None)``: a 1-D or 2-D array as an amsmath ``bmatrix``;
- ``letter``: 0 -> ``a``, 1 -> ``b`` …
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from pylatex.utils import escape_latex

from .answers import LETTERS, format_number

_CJK_RUN = re.compile(r"[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


#: Latin Extended-A letters and punctuation that LaTeX's T1 encoding has no glyph for
#: (found by typesetting U+00A0-U+017F and U+2010-U+201E one by one).
_NOT_IN_T1 = set("\u0126\u0127\u0138\u013f\u0140\u0149\u0166\u0167\u017f\u2017\u201b")


def _typesettable(c: str) -> bool:
    o = ord(c)
    in_ranges = 0x20 <= o < 0x7F or 0xA0 <= o < 0x180 or 0x2010 <= o <= 0x201E
    return (in_ranges and c not in _NOT_IN_T1) or bool(_CJK_RUN.fullmatch(c))


def untypesettable(text: str) -> list[str]:
    """Characters of ``text`` that the paper template cannot typeset with pdflatex.

    Typeset are: printable ASCII, Latin-1 and Latin Extended-A letters (T1
    fonts: é, ñ, ø, Ł, ő), dashes and quotes, and Chinese/Japanese characters
    (CJKutf8). Other scripts (Cyrillic, Greek, Hangul, Arabic, Devanagari …)
    are not yet supported.
    """
    return sorted({c for c in text if not _typesettable(c)})


def escape_tex(text: Any) -> str:
    """Escape ``text`` for LaTeX body text.

    Special characters (``& % $ # _ { } ~ ^ \\ [ ]``) are escaped with
    pylatex's ``escape_latex``; runs of Chinese/Japanese characters are
    wrapped in ``\\begin{CJK}{UTF8}{gbsn}…\\end{CJK}`` (needs ``CJKutf8``,
    loaded by the paper template). Latin letters with accents (Ñúñez) pass
    through as UTF-8, typeset with T1 fonts.
    """
    escaped = str(escape_latex(str(text)))
    return _CJK_RUN.sub(lambda m: r"\begin{CJK}{UTF8}{gbsn}" + m.group(0) + r"\end{CJK}", escaped)


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
    env.filters.update(num=format_number, tex=escape_tex, bmatrix=bmatrix,
                       letter=lambda i: LETTERS[int(i)])
    return env
