"""The responses CSV: ``student_id``, then one column per answer cell (``Q1``, ``Q6a``, ``Q14_mark``).

Read as UTF-8 (NFC) through :func:`inputs.read_text`. Problems never stop
grading: an unknown student id, a duplicate row (the first is graded), a
missing or an extra column and a row of the wrong length are each returned
as a :class:`gradebook.Problem` naming the CSV line and column. Cells stay
text here; :mod:`scoring` parses them by the variant's answer type.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import VariantexError
from ..inputs import MiB, read_text
from .gradebook import Problem

MAX_RESPONSES_BYTES = 64 * MiB
#: Columns that may appear besides the answer cells and are ignored.
INFO_COLUMNS = ("name", "paper_id")


class ResponsesError(VariantexError):
    """The responses CSV cannot be read at all (not a file, not UTF-8, no ``student_id`` column)."""


@dataclass(frozen=True)
class Row:
    """One student's row: its first CSV ``line`` and ``cells`` by column name (missing columns absent)."""

    line: int
    cells: dict[str, str]


def read_responses(path: Path, expected: list[str] | None,
                   known_ids: set[str]) -> tuple[dict[str, Row], list[Problem]]:
    """Rows by student id, and problems, from the responses CSV at ``path``.

    ``expected`` are the answer columns the manifest calls for (None: the
    header's columns are not checked; the rows are the same); ``known_ids``
    the students of the build. Raises :class:`ResponsesError` only when no
    row can be read (see the module docstring for everything else).
    """
    text, _ = read_text(path, "responses CSV", MAX_RESPONSES_BYTES, ResponsesError)
    f = str(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise ResponsesError(f"In {f}, line 1: not a CSV header: {e}") from None
    if not header or "student_id" not in [h.strip() for h in header]:
        raise ResponsesError(f"In {f}, line 1: the responses CSV needs a 'student_id' column first, then "
                             "Q1, Q2, ... (see variantex build's responses_template.csv)")
    header = [h.strip() for h in header]
    problems = _header_problems(f, header, expected) if expected is not None else []
    index = {h: i for i, h in reversed(list(enumerate(header)))}
    unique = len(index) == len(header)  # then a full row is dict(zip(header, record)), 30 times faster
    rows: dict[str, Row] = {}
    line = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(Problem(f, reader.line_num, None, None, f"not readable as CSV ({e}); row skipped"))
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in record):
            continue
        sid = record[index["student_id"]].strip() if index["student_id"] < len(record) else ""
        if sid not in known_ids:
            problems.append(Problem(f, start, "student_id", sid or None,
                                    f"unknown student id {sid!r}: not in the manifest; row not graded"))
            continue
        if sid in rows:
            problems.append(Problem(f, start, "student_id", sid, f"duplicate row for {sid} (first on line "
                                    f"{rows[sid].line}); only the first is graded"))
            continue
        if len(record) != len(header):
            problems.append(Problem(f, start, None, sid or None, f"the row has {len(record)} cells, the header "
                                    f"{len(header)}; cells are read by position"))
        if unique and len(record) == len(header):
            cells = dict(zip(header, record))
        else:
            cells = {h: record[i] for h, i in index.items() if i < len(record)}
        rows[sid] = Row(start, cells)
    return rows, problems


def _header_problems(f: str, header: list[str], expected: list[str]) -> list[Problem]:
    """Columns of the responses' ``header`` that appear twice, that no question has, or that are missing."""
    problems: list[Problem] = []
    wanted = set(expected) | set(INFO_COLUMNS) | {"student_id"}
    seen: set[str] = set()
    for i, h in enumerate(header, 1):
        if h in seen:
            problems.append(Problem(f, 1, h, None, f"column {h} (column {i}) appears twice; the first is read"))
        elif h not in wanted:
            problems.append(Problem(f, 1, h or f"#{i}", None, f"extra column {h!r} (column {i}) is not a "
                                    "question of this exam; ignored"))
        seen.add(h)
    for h in expected:
        if h not in seen:
            problems.append(Problem(f, 1, h, None, f"column {h} is missing; every student's {h} is "
                                    "'unreadable' (0 points)"))
    return problems
