"""The class roster: who gets a paper.

A roster is a UTF-8 CSV file (a byte-order mark, as Excel writes, is fine)
with a header row naming at least ``student_id`` and ``name``; other
columns are ignored. Student ids name the output files, so they are
limited to letters, digits, ``.``, ``_`` and ``-``; names may hold any
text (``O'Brien & Søn``, ``Ñúñez``, ``李雷``): they are LaTeX-escaped when
typeset.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import RosterError
from .inputs import MiB, read_text
from .texenv import untypesettable, unwrappable_word

#: Limits that keep every name and id on its line of the paper, and the roster's size bounded.
MAX_ID = 32
MAX_NAME = 100
MAX_WORD = 30
MAX_STUDENTS = 100_000
MAX_ROSTER_BYTES = 20 * MiB
MAX_LISTED = 50
ID_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_ID - 1}}}$")
SUPPORTED_SCRIPTS = ("Latin letters (with accents), Cyrillic, Greek, and the Chinese (simplified and traditional), "
                     "Japanese and Korean characters the installed fonts have")


@dataclass(frozen=True)
class Student:
    """One student: ``student_id`` (file-name safe) and ``name`` ('' on anonymous papers)."""

    student_id: str
    name: str


@dataclass(frozen=True)
class Roster:
    """Students in roster order, and the SHA-256 of the roster's bytes (None when generated)."""

    students: tuple[Student, ...]
    sha256: str | None = None
    source: str | None = None


def anonymous_roster(n: int) -> Roster:
    """``n`` anonymous papers with ids ``001``, ``002``, … (zero-padded to equal width)."""
    if n < 1:
        raise RosterError(f"--n must be at least 1, got {n}")
    width = max(3, len(str(n)))
    return Roster(tuple(Student(str(i).zfill(width), "") for i in range(1, n + 1)))


def _header(reader: csv.DictReader, path: Path) -> list[str]:
    """The stripped header row; raises :class:`RosterError` for a missing or repeated column."""
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("student_id", "name") if c not in header]
    if missing:
        raise RosterError(f"In {path}, line 1: the header needs the column(s) {', '.join(missing)}; "
                          f"found: {', '.join(header) or 'nothing'}")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise RosterError(f"In {path}, line 1: the column(s) {', '.join(repeated)} appear more than once; "
                          "which one holds the students' data? Keep one")
    return header


def _check_name(name: str) -> str | None:
    """Why ``name`` cannot be printed on a paper, or None."""
    bad = untypesettable(name)
    if bad:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in bad)
        return (f"name {name!r} has characters the papers cannot typeset: {shown}; "
                f"supported are {SUPPORTED_SCRIPTS}")
    if len(name) > MAX_NAME:
        return f"name is {len(name)} characters long; the limit is {MAX_NAME} (it must fit its line on the paper)"
    long_word = unwrappable_word(name, MAX_WORD)
    if long_word:
        return (f"name has a word of {len(long_word)} characters ({long_word[:20]}...); the limit is "
                f"{MAX_WORD}, so that the name wraps within its box on the paper")
    return None


def load_roster(path: Path | str) -> Roster:
    """Read a roster CSV; raises :class:`RosterError` listing every bad line.

    Checks, each reported with its line: a regular UTF-8 file of at most
    :data:`MAX_ROSTER_BYTES`; the header names ``student_id`` and ``name``,
    each once; no quote left open (which would silently merge the rows that
    follow into one name); ids unique ignoring case and file-name safe;
    names that the papers' fonts can draw, at most :data:`MAX_NAME`
    characters, words at most :data:`MAX_WORD`. Text is normalised to NFC.
    """
    path = Path(path)
    text, raw = read_text(path, "roster", MAX_ROSTER_BYTES, RosterError)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        reader.fieldnames = _header(reader, path)
    except csv.Error as e:
        raise RosterError(f"In {path}, line 1: {e}") from None
    problems: list[str] = []
    students: list[Student] = []
    seen: dict[str, int] = {}
    rows = iter(reader)
    while True:
        ended = reader.reader.line_num
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as e:
            at = reader.reader.line_num
            if "end of data" in str(e):
                problems.append(f"line {ended + 1}: a quote (\") opened on or after this line is never closed "
                                f"(the file ends at line {at}); the rows after it would merge into one")
            else:
                problems.append(f"line {at}: not valid CSV: {e}; a field that holds a quote must be quoted "
                                "whole, with the quote doubled (\"O\"\"Brien\")")
            break
        fields = [v for v in row.values() if isinstance(v, str)]
        breaks = sum(v.count("\n") for v in fields)
        line = reader.line_num - breaks
        if breaks or any("\r" in v for v in fields):
            problems.append(f"line {line}: a quoted field runs over {breaks + 1} lines (to line "
                            f"{reader.line_num}); is a closing quote (\") missing? The rows would merge into one")
            continue
        if row.get(None):
            problems.append(f"line {line}: {len(reader.fieldnames) + len(row[None])} fields but the header has "
                            f"{len(reader.fieldnames)}; quote a name that holds a comma (\"Ñúñez, María\")")
            continue
        sid = (row.get("student_id") or "").strip()
        name = " ".join((row.get("name") or "").split())
        if not sid and not name:
            continue
        why = _check_name(name)
        if why:
            problems.append(f"line {line}: {why}")
        if not ID_PATTERN.match(sid):
            problems.append(f"line {line}: student_id {sid[:40]!r} must be 1-{MAX_ID} letters, digits, '.', '_' "
                            "or '-', starting with a letter or digit")
        elif sid.casefold() in seen:  # papers/<id>.pdf would collide on case-insensitive file systems
            problems.append(f"line {line}: student_id {sid!r} repeats line {seen[sid.casefold()]} "
                            "(ids are compared ignoring case)")
        else:
            seen[sid.casefold()] = line
        students.append(Student(sid, name))
        if len(students) > MAX_STUDENTS:
            problems.append(f"line {line}: more than {MAX_STUDENTS} students")
            break
    if problems:
        shown = problems[:MAX_LISTED] + ([f"... and {len(problems) - MAX_LISTED} more"]
                                         if len(problems) > MAX_LISTED else [])
        raise RosterError(f"In {path}:\n  " + "\n  ".join(shown))
    if not students:
        raise RosterError(f"In {path}: no students (only a header)")
    return Roster(tuple(students), hashlib.sha256(raw).hexdigest(), str(path))
