"""The fault drill's helpers: inputs, snapshots, and the assertion of a clean failure.

Each test copies a complete earlier build into ``out``, runs one bad input or
fault, and asserts with :func:`fails` the exit status, that no traceback was
printed, that the message names the file and line, field, question or seed,
and that the earlier build is byte for byte intact with no staging left over.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main

FAULT_BANK = Path(__file__).parent / "fault_bank"
ROOT = Path(__file__).resolve().parents[2]

SPEC = """\
seed: 7
header:
  exam_title: Fault drill
sections:
  - title: A
    negative_marking: 0.25
    questions:
      - id: dl/cnn/conv-output-size
      - id: dl/train/xavier-init
"""

ROSTER = "student_id,name\nS1,Ada Lovelace\nS2,Alan Turing\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(*args: object, **kwargs) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def fails(result: Result, *fragments: str, out: Path | None = None, previous: Path | None = None,
          code: int = 1) -> None:
    """Assert a clean failure: exit ``code``, no traceback, each fragment in the message, nothing lost.

    With ``out`` (and the ``previous`` build it was copied from), the output
    folder must still hold exactly the previous build, and no staging folder
    may be left beside it.
    """
    text = result.output
    assert result.exit_code == code, text
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    if out is not None:
        assert previous is not None
        assert snapshot(out) == snapshot(previous), "the previous build was changed"
        assert not list(out.parent.glob(".out.staging-*")), "a staging folder was left behind"
        assert not list(out.parent.glob(".out.old-*"))
