"""A small build with answer sheets, shared by the scan tests (typeset once per session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "dl-midsem.yaml"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The sample exam for 3 students, built with --no-pdf --sheets."""
    tmp = tmp_path_factory.mktemp("sheets")
    roster = tmp / "roster.csv"
    roster.write_text("student_id,name\nS1,Aarav Sharma\nS2,\"Ñúñez, María\"\nS3,李雷\n", encoding="utf-8")
    out = tmp / "exam"
    r = CliRunner().invoke(main, ["build", str(SPEC), "--roster", str(roster), "--no-pdf", "--sheets",
                                  "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="session")
def layout(built) -> dict:
    return json.loads((built / "sheets" / "layout.json").read_text(encoding="utf-8"))
