"""Which characters the paper template's fonts can draw, read from the installed TeX fonts.

The papers are typeset by pdflatex, so a character prints only if a font the
template uses has a glyph for it. Four routes, one per kind of character:

- **text** (T1 and TS1 encodings, Latin Modern): printable ASCII, and every
  character that LaTeX's UTF-8 input declares for T1 or TS1
  (``t1enc.dfu``, ``ts1enc.dfu``: ``\\DeclareUnicodeCharacter{00E9}{\\'e}``);
- **Cyrillic** (U+0400-U+052F; T2A encoding, family :data:`CYRILLIC_FAMILY`,
  Free Times from Debian's ``scalable-cyrfonts-tex``): declared in ``t2aenc.dfu``;
- **Greek** (U+0370-U+03FF, U+1F00-U+1FFF; LGR encoding, CB fonts):
  declared in ``lgrenc.dfu``;
- **CJK** (Han, kana, Hangul, CJK punctuation, full-width forms): present in
  the subfont TFMs of one of the CJKutf8 families :data:`CJK_FAMILIES`.

For the 8-bit encodings a declared character is also looked up in the
font: when its declaration is a text symbol (``\\CYRI``) or an accented
letter (``\\k{E}``) the slot that the encoding file (``t2aenc.def`` …)
gives it must exist in the font's TFM. Declarations LaTeX builds otherwise
(the Greek accent ligatures, say) are trusted.

Files are found with ``kpsewhich`` (two subprocess calls in all) and read
once (``functools.cache``). Without TeX, or without a font, that font covers
nothing; printable ASCII is always taken as covered, so that a machine
without TeX reports the missing pdflatex when it typesets, not every name.

Sources for the formats: the TFM file format, as documented in TeX's
``tftopl.web`` (part 2, "Font metric data") and ``tex.web`` §539-§545;
``\\DeclareUnicodeCharacter`` in LaTeX's ``inputenc`` documentation
(``utf8ienc.dtx``, section "Mapping to internal character representation")
and ``\\DeclareTextSymbol`` / ``\\DeclareTextComposite`` in ``fntguide``
(LaTeX2e font selection, section "Encoding-specific commands").
"""

from __future__ import annotations

import functools
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: CJKutf8 families in the order a Han run tries them: simplified Chinese
#: (AR PL SungtiL GB), traditional Chinese (AR PL Mingti2L Big5), Japanese
#: (Wadalab Mincho), Korean (Nanum Myeongjo).
CJK_FAMILIES = ("gbsn", "bsmi", "min", "nanummj")

#: The T2A family used for Cyrillic runs: Free Times, whose TFMs ship in Debian's
#: scalable-cyrfonts-tex (Latin Modern has no T2A fonts, and the CM-style LH fonts
#: would need mktextfm at build time).
CYRILLIC_FAMILY = "ftm"

# 8-bit encodings: the .dfu files (Unicode declarations), the .def (slots) and the
# TFM of the upright medium font the template's body text uses at 10-11 pt.
# utf8enc.dfu holds the declarations utf8.def makes whatever the encoding (¸ … ˆ ˜);
# they are typeset in the current one, T1.
_ENCODINGS = {
    "T1": (("t1enc.dfu", "utf8enc.dfu"), "t1enc.def", "ec-lmr10.tfm"),
    "TS1": (("ts1enc.dfu",), "ts1enc.def", "ts1-lmr10.tfm"),
    "T2A": (("t2aenc.dfu",), "t2aenc.def", f"{CYRILLIC_FAMILY}r6a.tfm"),
    "LGR": (("lgrenc.dfu",), "lgrenc.def", "grmn1000.tfm"),
}

CJK_RANGES = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x9FFF), (0xA960, 0xA97F),
               (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
               (0x20000, 0x3FFFF))
_KPSEWHICH_TIMEOUT_S = 30


def script(c: str) -> str:
    """The route a character takes: ``"cjk"``, ``"cyrillic"``, ``"greek"`` or ``"text"``."""
    o = ord(c)
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return "greek"
    if any(lo <= o <= hi for lo, hi in CJK_RANGES):
        return "cjk"
    return "text"


def is_kana(c: str) -> bool:
    """True for hiragana, katakana and their phonetic extensions (U+3040-U+30FF, U+31F0-U+31FF, U+FF66-U+FF9F)."""
    o = ord(c)
    return 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F


def is_hangul(c: str) -> bool:
    """True for Hangul syllables and jamo (U+1100-U+11FF, U+3130-U+318F, U+A960-U+A97F, U+AC00-U+D7FF)."""
    o = ord(c)
    return (0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F or 0xA960 <= o <= 0xA97F
            or 0xAC00 <= o <= 0xD7FF)


def kpsewhich(names: tuple[str, ...]) -> dict[str, Path]:
    """Locate TeX files: ``{name: path}`` for those of ``names`` that kpsewhich finds.

    One subprocess for all names. Returns ``{}`` when kpsewhich is not
    installed or fails; never raises.
    """
    exe = shutil.which("kpsewhich")
    if not exe or not names:
        return {}
    try:
        proc = subprocess.run([exe, *names], capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=_KPSEWHICH_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return {}
    wanted = set(names)
    found: dict[str, Path] = {}
    for line in proc.stdout.splitlines():
        p = Path(line.strip())
        if p.name in wanted and p.name not in found:
            found[p.name] = p
    return found


@functools.cache
def tfm_characters(path: Path) -> frozenset[int]:
    """The character codes that the TFM file at ``path`` has (0-255).

    TFM layout (tftopl.web part 2): twelve 16-bit big-endian numbers
    ``lf lh bc ec nw nh nd ni nl nk ne np`` (lengths in 32-bit words, and
    the first and last character code), then ``lh`` header words, then one
    ``char_info`` word per code ``bc..ec``. A code exists iff the first byte
    of its ``char_info`` (the width index) is non-zero. An unreadable or
    malformed file gives the empty set.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return frozenset()
    if len(data) < 24:
        return frozenset()
    lf, lh, bc, ec = struct.unpack(">4H", data[:8])
    if ec < bc or ec > 255 or 4 * lf > len(data) or 4 * (6 + lh + ec - bc + 1) > len(data):
        return frozenset()
    start = 4 * (6 + lh)
    return frozenset(c for c in range(bc, ec + 1) if data[start + 4 * (c - bc)] != 0)


_COMMENT = re.compile(r"(?<!\\)%.*")
_UNICODE_DECL = re.compile(r"\\DeclareUnicodeCharacter\s*\{([0-9A-Fa-f]+)\}\s*\{")


def _read_tex(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(_COMMENT.sub("", line) for line in text.splitlines())


def _braced(text: str, start: int) -> str | None:
    """The text of the brace group whose ``{`` is just before ``start``, or None if unbalanced."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
    return None


def unicode_declarations(tex: str) -> dict[int, str]:
    """``{code point: replacement text}`` of every ``\\DeclareUnicodeCharacter{XXXX}{…}`` in ``tex``.

    ``tex`` is the text of a ``.dfu`` file (comments removed); see LaTeX's
    inputenc documentation (utf8ienc.dtx) for the declaration.
    """
    out: dict[int, str] = {}
    for m in _UNICODE_DECL.finditer(tex):
        body = _braced(tex, m.end())
        if body is not None:
            out[int(m.group(1), 16)] = body.strip()
    return out


_SLOT = r"(\"[0-9A-Fa-f]+|'[0-7]+|`\\?.|\d+)"
_CS = r"(\\(?:[A-Za-z@]+|.))"
_SYMBOL_DECL = re.compile(r"\\DeclareTextSymbol\s*\{" + _CS + r"\}\s*\{[^}]*\}\s*\{\s*" + _SLOT + r"\s*\}")
_ACCENT_DECL = re.compile(r"\\DeclareTextAccent\s*\{" + _CS + r"\}\s*\{[^}]*\}\s*\{\s*" + _SLOT + r"\s*\}")
_COMPOSITE_DECL = re.compile(r"\\DeclareTextComposite\s*\{" + _CS + r"\}\s*\{[^}]*\}\s*\{?\s*(\\[A-Za-z@]+|.)\s*\}?"
                             r"\s*\{\s*" + _SLOT + r"\s*\}")

_COMMAND_DECL = re.compile(r"\\(?:Declare|Provide)TextCommand\s*\{" + _CS + r"\}\s*\{[^}]*\}\s*(?:\[\d\]\s*)?\{")


def _slot(s: str) -> int:
    if s[0] == '"':
        return int(s[1:], 16)
    if s[0] == "'":
        return int(s[1:], 8)
    if s[0] == "`":
        return ord(s[-1])
    return int(s)


@dataclass(frozen=True)
class _Slots:
    """Slots an encoding file (``*enc.def``) gives its text commands."""

    symbols: dict[str, int]
    accents: dict[str, int]
    composites: dict[tuple[str, str], int]
    unavailable: frozenset[str]  # commands defined to raise an error ("… not available in text mode")


def _encoding_slots(tex: str) -> _Slots:
    unavailable = frozenset(m.group(1) for m in _COMMAND_DECL.finditer(tex)
                            if re.search(r"Unavailable|OnlyMath|Error", _braced(tex, m.end()) or ""))
    return _Slots({m.group(1): _slot(m.group(2)) for m in _SYMBOL_DECL.finditer(tex)},
                  {m.group(1): _slot(m.group(2)) for m in _ACCENT_DECL.finditer(tex)},
                  {(m.group(1), m.group(2)): _slot(m.group(3)) for m in _COMPOSITE_DECL.finditer(tex)},
                  unavailable)


_TOKEN = re.compile(r"\\[A-Za-z@]+|\\.|[^\s{}]")


def _drawable(replacement: str, slots: _Slots, glyphs: frozenset[int]) -> bool:
    """Whether a ``.dfu`` replacement text resolves to slots the font has.

    Handled: a text symbol (``\\CYRI``), an accent on a letter (``\\k E``,
    ``\\'{e}``, ``\\@tabacckludge'\\CYRG``), and commands the encoding file
    defines to raise an error; anything else is trusted.
    """
    tokens = _TOKEN.findall(replacement)
    if any(t in slots.unavailable for t in tokens):
        return False
    if tokens[:1] == [r"\@tabacckludge"] and len(tokens) >= 2:
        tokens = ["\\" + tokens[1], *tokens[2:]]  # \@tabacckludge'X is \'X
    if len(tokens) == 1 and tokens[0] in slots.symbols:
        return slots.symbols[tokens[0]] in glyphs
    if len(tokens) == 1 and len(tokens[0]) == 1 and tokens[0].isascii():
        return ord(tokens[0]) in glyphs
    if len(tokens) == 2 and tokens[0] in slots.accents:
        accent, base = tokens
        if (accent, base) in slots.composites:
            return slots.composites[accent, base] in glyphs
        base_slot = slots.symbols.get(base, ord(base) if len(base) == 1 else None)
        return slots.accents[accent] in glyphs and (base_slot is None or base_slot in glyphs)
    return True


@functools.cache
def _files() -> dict[str, Path]:
    names = {f"c70{fam}.fd" for fam in CJK_FAMILIES}
    for dfus, enc_def, tfm in _ENCODINGS.values():
        names.update((*dfus, enc_def, tfm))
    return kpsewhich(tuple(sorted(names)))


@functools.cache
def encoding_coverage(encoding: str) -> frozenset[int]:
    """Code points LaTeX's UTF-8 input declares for ``encoding`` (T1, TS1, T2A, LGR) that its font draws.

    Empty when the encoding's ``.dfu`` file or the font's TFM is not installed.
    """
    dfus, enc_def, tfm = _ENCODINGS[encoding]
    files = _files()
    glyphs = tfm_characters(files[tfm]) if tfm in files else frozenset()
    if not glyphs or dfus[0] not in files:
        return frozenset()
    slots = _encoding_slots(_read_tex(files.get(enc_def)))
    declared: dict[int, str] = {}
    for dfu in reversed(dfus):  # the first file's declaration wins
        declared.update(unicode_declarations(_read_tex(files.get(dfu))))
    return frozenset(cp for cp, repl in declared.items() if _drawable(repl, slots, glyphs))


@dataclass(frozen=True)
class CJKFamily:
    """A CJKutf8 font family: its name (``gbsn``), subfont prefix (``gbsnu``) and subfont TFMs.

    CJKutf8 draws U+XXYY with the subfont ``<prefix>xx.tfm``, slot 0xYY
    (``subfonts`` maps XX to that file's path).
    """

    name: str
    prefix: str
    subfonts: dict[int, Path]

    def covers(self, c: str) -> bool:
        """True if this family's TFMs have a glyph for ``c``."""
        o = ord(c)
        path = self.subfonts.get(o >> 8)
        return path is not None and (o & 0xFF) in tfm_characters(path)


_SHAPE = r"\\DeclareFontShape\s*\{C70\}\s*\{%s\}\s*\{m\}\s*\{n\}\s*\{\s*<->\s*CJK\s*\*\s*([A-Za-z0-9]+)"


@functools.cache
def cjk_families() -> tuple[CJKFamily, ...]:
    """The installed CJKutf8 families of :data:`CJK_FAMILIES`, in that order.

    The subfont prefix is read from the family's ``c70<name>.fd`` (medium
    upright shape); a family whose .fd or subfonts are missing is left out.
    """
    files = _files()
    prefixes: dict[str, str] = {}
    for fam in CJK_FAMILIES:
        m = re.search(_SHAPE % re.escape(fam), _read_tex(files.get(f"c70{fam}.fd")))
        if m:
            prefixes[fam] = m.group(1)
    names = tuple(f"{p}{plane:02x}.tfm" for p in prefixes.values() for plane in range(256))
    found = kpsewhich(names)
    families = []
    for fam, prefix in prefixes.items():
        subfonts = {plane: found[f"{prefix}{plane:02x}.tfm"] for plane in range(256)
                    if f"{prefix}{plane:02x}.tfm" in found}
        if subfonts:
            families.append(CJKFamily(fam, prefix, subfonts))
    return tuple(families)


def cjk_order(run: str) -> tuple[CJKFamily, ...]:
    """The installed CJK families in the order to try for ``run``.

    Hangul tries the Korean family first, kana the Japanese one, anything
    else (Han) the order of :data:`CJK_FAMILIES`.
    """
    families = cjk_families()
    first = "nanummj" if any(map(is_hangul, run)) else "min" if any(map(is_kana, run)) else None
    return tuple(sorted(families, key=lambda f: f.name != first))


def split_cjk(run: str) -> list[tuple[str | None, str]]:
    """Split a run of CJK characters into ``(family name, text)`` pieces.

    Each piece is the longest prefix of what is left that one family draws,
    the families tried in :func:`cjk_order` (a space counts as drawn: the
    CJK environment sets it as usual); a character no family draws is a
    piece of its own with family None.
    """
    order = cjk_order(run)
    pieces: list[tuple[str | None, str]] = []
    i = 0
    while i < len(run):
        best, best_len = None, 0
        for fam in order:
            n = 0
            while i + n < len(run) and (run[i + n] == " " or fam.covers(run[i + n])):
                n += 1
            if n > best_len:
                best, best_len = fam.name, n
        if best is None:
            best_len = 1
        pieces.append((best, run[i:i + best_len]))
        i += best_len
    return pieces


@functools.cache
def drawable(c: str) -> bool:
    """True if the paper template's fonts draw the single character ``c``."""
    o = ord(c)
    if 0x20 <= o < 0x7F:
        return True
    kind = script(c)
    if kind == "cjk":
        return any(f.covers(c) for f in cjk_families())
    if kind == "cyrillic":
        return o in encoding_coverage("T2A")
    if kind == "greek":
        return o in encoding_coverage("LGR")
    return o in encoding_coverage("T1") or o in encoding_coverage("TS1")


def untypesettable(text: str) -> list[str]:
    """The distinct characters of ``text`` that no font of the paper template draws, sorted.

    Covered: printable ASCII; Latin letters with accents, dashes, quotes and
    the symbols that LaTeX's T1 and TS1 encodings declare and Latin Modern
    has (é, ñ, ø, Ł, ő, €); Cyrillic (T2A) and Greek (LGR); Chinese,
    Japanese and Korean characters that one of the CJKutf8 fonts has. Not
    covered, for instance: Ħ, emoji, Arabic, Devanagari, control characters,
    and Han characters outside the installed fonts. Never raises: a font
    that is not installed covers nothing.
    """
    return sorted({c for c in text if not drawable(c)})
