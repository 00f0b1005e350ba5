"""Pools for the LMS export tests: the sample exam, one question of every type, and escaping edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.bank import BUILTIN_BANK, load_bank
from generator.pool import Pool, pool
from generator.spec import load_spec

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SAMPLE_SPEC = ROOT / "examples" / "dl-midsem.yaml"
ALL_TYPES_SPEC = HERE / "lms_all_types.yaml"
EDGE_SPEC = HERE / "lms_edge.yaml"


def make_pool(spec: Path, n: int) -> Pool:
    loaded = load_spec(spec)
    bank = load_bank(Path(loaded.bank_path) if loaded.bank_path else BUILTIN_BANK)
    return pool(loaded, bank, n)


@pytest.fixture(scope="session")
def sample_pool() -> Pool:
    return make_pool(SAMPLE_SPEC, 6)


@pytest.fixture(scope="session")
def all_types_pool() -> Pool:
    return make_pool(ALL_TYPES_SPEC, 3)


@pytest.fixture(scope="session")
def edge_pool() -> Pool:
    return make_pool(EDGE_SPEC, 4)
