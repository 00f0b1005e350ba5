"""Jinja2 for LaTeX: delimiters that never clash with LaTeX braces, and filters.

Delimiters: ``<< expr >>`` prints, ``<% stmt %>`` is a statement, ``<# … #>``
a comment. Undefined names are errors (StrictUndefined), never blank text.

Filters available in question texts and paper templates:

- ``num(places=None)``: a number as :func:`answers.format_number` prints it;
- ``tex``: a string from outside a template (student name, spec title),
  LaTeX-escaped, Cyrillic, Greek and CJK runs switched to fonts that have them;
- ``bmatrix(places=None)``: a 1-D or 2-D array as an amsmath ``bmatrix``,
  every entry with the same number of decimals;
- ``letter``: 0 -> ``a``, 1 -> ``b`` …;
- ``term(places=None)``: a number as a term or factor after an operator in
  math mode, a negative one in brackets: ``3 + <<x|term>>`` gives ``3 + (-1)``;
- ``words``: a count as a typesetter writes it in running text, one to
  twelve in words (``one``), larger ones in digits;
- ``counted(noun, plural=None)``: the count and the noun in the right number,
  ``1|counted("hidden layer")`` gives ``one hidden layer``, ``3`` gives
  ``three hidden layers``;
- ``plural(noun, plural=None)``: just the noun in the right number for the count;
- ``ordinal``: ``1`` -> ``first`` … ``12`` -> ``twelfth``, then ``13th``.

Numbers in text go in math mode (``\\(<<x|num>>\\)``), so that a negative one
gets a minus sign, not a hyphen.
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
from .answers import LETTERS, fixed_decimals, format_number


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


#: ``bmatrix`` without ``places`` aligns entries on at most this many decimals (data written by hand).
MAX_COMMON_PLACES = 4


def common_places(values: Any) -> int | None:
    """Decimals that print every number of ``values`` as :func:`answers.format_number` would, or None if all are whole.

    ``[1, 0.5, 0.25]`` needs 2 (so the matrix prints ``1.00 0.50 0.25``, one
    number of decimals for the quantity, as a typesetter aligns a table).
    """
    places = [len(t.split(".")[1]) if "." in t else 0 for t in (format_number(float(x)) for x in np.ravel(values))
              if "e" not in t]
    return max(places) if places and max(places) > 0 else None


def bmatrix(values: Any, places: int | None = None) -> str:
    """A vector (shown as a row) or matrix as ``\\begin{bmatrix}…\\end{bmatrix}`` (math mode).

    Every entry has ``places`` decimals, or without it the decimals of the
    entry that needs most (:func:`common_places`) when that is at most
    :data:`MAX_COMMON_PLACES`; beyond, entries print as ``format_number`` does
    (a computed quantity should give ``places``).
    """
    a = np.atleast_2d(np.asarray(values, dtype=float))
    if places is None:
        places = common_places(a)
        if places is not None and places > MAX_COMMON_PLACES:  # a computed quantity: the template gives places
            places = None
    rows = [" & ".join(_fixed(x, places) for x in row) for row in a]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _fixed(x: float, places: int | None) -> str:
    """``x`` with exactly ``places`` decimals (whole numbers too), or as format_number prints it without."""
    if places is None:
        return format_number(x)
    text = fixed_decimals(x, places)
    return text.lstrip("-") if float(text) == 0 else text


def term(x: Any, places: int | None = None) -> str:
    """A number to follow an operator in math mode: ``(-1)`` in brackets when negative, else as is.

    A sum reads ``3 + (-1)``, a product ``2\\cdot(-0.5)``, as typeset
    mathematics writes them (never ``3 + -1``).
    """
    text = format_number(x, places)
    return f"({text})" if text.startswith("-") else text


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth")


def _count(n: Any) -> int:
    if isinstance(n, bool) or float(n) != int(n):
        raise ValueError(f"a count must be a whole number, got {n!r}")
    return int(n)


def words(n: Any) -> str:
    """A count in running text: ``zero`` to ``twelve`` in words, larger ones (and negatives) in digits."""
    k = _count(n)
    return _WORDS[k] if 0 <= k < len(_WORDS) else str(k)


def plural(n: Any, noun: str, plural_form: str | None = None) -> str:
    """``noun`` for a count of one, else ``plural_form`` (default: ``noun`` + ``s``)."""
    return noun if _count(n) == 1 else (plural_form or noun + "s")


def counted(n: Any, noun: str, plural_form: str | None = None) -> str:
    """The count in words (:func:`words`) and the noun in the right number: ``one hidden layer``, ``13 steps``."""
    return f"{words(n)} {plural(n, noun, plural_form)}"


def ordinal(n: Any) -> str:
    """``first`` … ``twelfth`` in words, then ``13th``, ``21st``, ``22nd``, ``23rd``."""
    k = _count(n)
    if 0 <= k < len(_ORDINALS):
        return _ORDINALS[k]
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


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
                       letter=lambda i: LETTERS[int(i)], term=term, words=words, counted=counted,
                       plural=plural, ordinal=ordinal)
    return env
