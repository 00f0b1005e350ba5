"""Deterministic seeding: one rng per (exam seed, student, question slot).

No global random state is used anywhere in variantex. A variant's seed is a
64-bit integer derived by SHA-256 from its key parts, so it is stable across
Python versions and platforms (never Python's salted ``hash()``); the rng is
numpy's PCG64 fed by a :class:`numpy.random.SeedSequence` of that seed.
"""

from __future__ import annotations

import hashlib

import numpy as np


def derive_seed(*parts: object) -> int:
    """Return a stable 64-bit seed for the key ``parts``.

    Parts are turned into text with ``str`` and joined by the unit separator
    (U+001F), so ``("a", "bc")`` and ``("ab", "c")`` give different seeds.
    """
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def variant_rng(seed: int, attempt: int = 0) -> np.random.Generator:
    """The rng of one draw of a variant: ``seed`` is the variant seed.

    ``attempt`` counts redraws (a draw whose choice options collide is drawn
    again); attempt 0 is the first draw. Each (seed, attempt) pair gives an
    independent stream via ``SeedSequence(seed, spawn_key=(attempt,))``.
    """
    if seed < 0:
        raise ValueError(f"a seed must be a non-negative integer, got {seed}")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(attempt,))))
