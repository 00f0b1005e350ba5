"""The fault drill's fixtures: a previous build that every failing command must leave as it was (see faultkit)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from faultkit import ROSTER, SPEC, invoke, write


@pytest.fixture(scope="session")
def previous_build(tmp_path_factory) -> Path:
    """A complete build (papers, keys, print files, CSV key, manifest) of the drill's spec."""
    base = tmp_path_factory.mktemp("previous")
    spec = write(base / "spec.yaml", SPEC)
    roster = write(base / "roster.csv", ROSTER)
    result = invoke("build", spec, "--roster", roster, "--out", base / "build")
    assert result.exit_code == 0, result.output
    return base / "build"


@pytest.fixture
def out(previous_build, tmp_path) -> Path:
    """A copy of the previous build at ``tmp_path/out``, the folder every failing build targets."""
    target = tmp_path / "out"
    shutil.copytree(previous_build, target)
    return target


@pytest.fixture
def spec(tmp_path) -> Path:
    return write(tmp_path / "spec.yaml", SPEC)


@pytest.fixture
def roster(tmp_path) -> Path:
    return write(tmp_path / "roster.csv", ROSTER)
