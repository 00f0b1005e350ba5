"""scoring.parse_letters and parse_matrix: how a ticked-letters or a vector/matrix cell is read (fast paths included)."""

from __future__ import annotations

import pytest

from generator.grading.scoring import Unreadable, parse_letters, parse_matrix


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


@pytest.mark.parametrize(("text", "rows"), [
    ("[1 2; 3 4]", [[1.0, 2.0], [3.0, 4.0]]),
    ("1 2 3", [[1.0, 2.0, 3.0]]),
    ("[1,2;3,4]", [[1.0, 2.0], [3.0, 4.0]]),
    ("[1.5e-3 -2]", [[0.0015, -2.0]]),
    ("[1e308 1e308]", [[1e308, 1e308]]),      # finite entries whose sum overflows: read one by one
    ("[1 2; 3]", [[1.0, 2.0], [3.0]]),       # ragged: the shape check is the scorer's
    ("[\u22121 2]", [[-1.0, 2.0]]),          # a Unicode minus
    ("[1,5 2]", [[1.0, 5.0, 2.0]]),          # a comma separates entries (never a decimal comma here)
])
def test_matrices(text, rows):
    assert parse_matrix(text) == rows


@pytest.mark.parametrize(("text", "message"), [
    ("[1e999 1]", "not a finite number"),    # overflows to inf
    ("[-1e999 1e999]", "not a finite number"),
    ("[1 ; ]", "not a vector or matrix"),
    ("[]", "not a vector or matrix"),
    ("[1 a]", "'a' is not a number"),
])
def test_not_matrices(text, message):
    with pytest.raises(Unreadable, match=message):
        parse_matrix(text)
