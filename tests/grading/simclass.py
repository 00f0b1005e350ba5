"""Helpers of the simulated-class tests: the CLI, points as scores.csv writes them, and responses
made from ``answer_key.csv`` (right, wrong, blank) without the grading code."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def invoke(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def fmt(x: float, places: int = 4) -> str:
    t = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if t in ("-0", "") else t


def parts(key: str) -> list[tuple[str, str]]:
    """A multi-part key ``(a) 3; (b) 0.5`` as [(label, key), ...]."""
    return re.findall(r"\((\w)\) ([^;]+?)(?:; |$)", key)


def wrong_response(answer_type: str, key: str) -> str:
    """A response that is wrong for the key (another option, the other truth value, a far number)."""
    if answer_type == "single_choice":
        return "b" if key.startswith("(a)") else "A"
    if answer_type == "true_false":
        return "false" if key == "True" else "TRUE"
    if answer_type in ("vector", "matrix"):
        return "[" + "; ".join(" ".join(str(float(x) + 1000) for x in row.split()) for row in key[1:-1].split("; ")) + "]"
    return str(float(key) + 1000)


def right_response(answer_type: str, key: str) -> str:
    """The key as a student writes it (the letter of the right option; true/false in lower case)."""
    if answer_type == "single_choice":
        return key[1].upper()
    return key.lower() if answer_type == "true_false" else key


def read_key(built: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((built / "answer_key.csv").open(encoding="utf-8")))


def write_responses(rows: dict[str, dict[str, str]], path: Path) -> Path:
    """Write response rows (student_id + Q columns) with the columns in question order."""
    columns = ["student_id"] + sorted({c for row in rows.values() for c in row if c != "student_id"},
                                      key=lambda c: (int(re.match(r"Q(\d+)", c).group(1)), c))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows.values())
    return path
