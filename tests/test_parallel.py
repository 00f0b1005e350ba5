"""ForkedWriters: writers in a forked worker beside writers in this process, and work prepared before the fork."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.parallel import ForkedWriters, uses_fork

_PREPARED: dict[str, int] = {}


class _Writer:
    """Writes ``<name>.txt`` holding the pid that wrote it and what ``prepare`` left for the result."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, result: str, out: Path) -> list[Path]:
        path = out / f"{self.name}.txt"
        path.write_text(f"{os.getpid()} {_PREPARED.get(result, 'unprepared')}", encoding="utf-8")
        return [path]


def _prepare(result: str) -> None:
    _PREPARED[result] = os.getpid()


@pytest.mark.skipif(not uses_fork(), reason="needs fork")
def test_forked_writers_run_in_a_child_that_inherits_what_prepare_computed(tmp_path):
    _PREPARED.clear()
    paths = ForkedWriters(local=[_Writer("a")], forked=[_Writer("b"), _Writer("c")], prepare=_prepare).write(
        "class", tmp_path)
    assert [p.name for p in paths] == ["a.txt", "b.txt", "c.txt"]  # local first, then the worker's in order
    here = str(os.getpid())
    a, b, c = (p.read_text(encoding="utf-8").split() for p in paths)
    assert a == [here, here]  # written here, after prepare ran here
    assert b[0] == c[0] != here and b[1] == c[1] == here  # one worker; it inherited prepare's result


def test_without_forked_writers_everything_runs_here_after_prepare(tmp_path):
    _PREPARED.clear()
    paths = ForkedWriters(local=[_Writer("a")], forked=[], prepare=_prepare).write("class", tmp_path)
    assert paths[0].read_text(encoding="utf-8").split() == [str(os.getpid())] * 2
