"""scoring.parse_letters: how a ticked-letters cell is read (the fast path for plain letters included)."""

from __future__ import annotations

import pytest

from generator.grading.scoring import Unreadable, parse_letters


@pytest.mark.parametrize(("text", "n_options", "letters"), [
    ("b", 4, ("b",)),
    ("B", 4, ("b",)),
    ("AC", 4, ("a", "c")),
    ("ca", 4, ("a", "c")),
    ("aca", 4, ("a", "c")),            # a letter written twice is one tick
    ("a,c", 4, ("a", "c")),
    ("a c", 4, ("a", "c")),
    ("(a)(c)", 4, ("a", "c")),
    (" (a) ; (D) ", 4, ("a", "d")),
    ("a\tb", 2, ("a", "b")),
])
def test_letters(text, n_options, letters):
    assert parse_letters(text, n_options) == letters


@pytest.mark.parametrize(("text", "n_options"), [
    ("e", 4),                          # no option e
    ("ab", 1),
    ("", 4),
    (" , ", 4),                        # separators only
    ("a1", 4),
    ("a-b", 4),
    ("\u0130", 4),                     # İ: lower() makes it i + a combining dot, not a letter of ours
    ("\uff41", 4),                     # a full-width a
    ("ä", 4),
])
def test_not_letters(text, n_options):
    with pytest.raises(Unreadable, match="is not option letters"):
        parse_letters(text, n_options)
