"""Seeds are stable across runs and platforms, and every variant is reproducible from its seed."""

from __future__ import annotations

import hashlib

import numpy as np

from generator.seeding import derive_seed, variant_rng
from generator.variant import make_variant


def test_derive_seed_is_sha256_of_the_parts():
    expected = int.from_bytes(hashlib.sha256(b"7\x1fS001\x1fdl/cnn/x\x1f0").digest()[:8], "big")
    assert derive_seed(7, "S001", "dl/cnn/x", 0) == expected
    assert derive_seed("a", "bc") != derive_seed("ab", "c")


def test_variant_rng_streams_are_reproducible_and_distinct():
    a = variant_rng(123).integers(0, 2**32, 5)
    assert np.array_equal(a, variant_rng(123).integers(0, 2**32, 5))
    assert not np.array_equal(a, variant_rng(123, attempt=1).integers(0, 2**32, 5))
    assert not np.array_equal(a, variant_rng(124).integers(0, 2**32, 5))


def test_same_seed_same_variant(bank):
    for question in bank.questions.values():
        a, b = make_variant(question, 99), make_variant(question, 99)
        assert a == b, question.id
