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
from .texenv import untypesettable

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


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


def load_roster(path: Path | str) -> Roster:
    """Read a roster CSV; raises :class:`RosterError` listing every bad line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as e:
        raise RosterError(f"cannot read roster {path}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise RosterError(f"In {path}: not UTF-8 text (byte {e.start}); save the roster as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("student_id", "name") if c not in header]
    if missing:
        raise RosterError(f"In {path}, line 1: the header needs the column(s) {', '.join(missing)}; "
                          f"found: {', '.join(header) or 'nothing'}")
    reader.fieldnames = header
    problems: list[str] = []
    students: list[Student] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        sid = (row.get("student_id") or "").strip()
        name = " ".join((row.get("name") or "").split())
        if not sid and not name:
            continue
        bad = untypesettable(name)
        if bad:
            shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in bad)
            problems.append(f"line {line}: name {name!r} has characters the papers cannot typeset: {shown}; "
                            "supported are Latin letters (with accents) and Chinese/Japanese characters")
        if not ID_PATTERN.match(sid):
            problems.append(f"line {line}: student_id {sid!r} must be 1-64 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit")
        elif sid.casefold() in seen:  # papers/<id>.pdf would collide on case-insensitive file systems
            problems.append(f"line {line}: student_id {sid!r} repeats line {seen[sid.casefold()]} "
                            "(ids are compared ignoring case)")
        else:
            seen[sid.casefold()] = line
        students.append(Student(sid, name))
    if problems:
        raise RosterError(f"In {path}:\n  " + "\n  ".join(problems))
    if not students:
        raise RosterError(f"In {path}: no students (only a header)")
    return Roster(tuple(students), hashlib.sha256(raw).hexdigest(), str(path))
