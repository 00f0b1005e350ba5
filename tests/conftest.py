"""Shared fixtures: the built-in bank, loaded once, and a one-line way to solve a question."""

from __future__ import annotations

import pytest

from generator.bank import BUILTIN_BANK, Bank, load_bank
from generator.variant import Variant, make_variant


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(BUILTIN_BANK)


@pytest.fixture(scope="session")
def solve(bank):
    """``solve(qid, seed=0, **overrides) -> Variant``: one variant, as ``variantex solve`` makes it."""

    def _solve(qid: str, seed: int = 0, **overrides) -> Variant:
        return make_variant(bank.questions[qid], seed, overrides or None)

    return _solve
