"""Distractors on both sides of the key, so a numeric option's rank among the sorted options gives nothing away.

A pool sampled at random puts the key in the middle ranks far more often than at the ends (with three of
six distractors above it, the key is second or third in 90 % of variants). :func:`spread` instead takes the
number of distractors *above* the key from a digest of the params, uniformly over what the pools allow, so
over many variants the key is the smallest, second, ... and largest option equally often. The choice is a
pure function of the params: the same params give the same options.
"""

import hashlib
import json

from generator.answers import Option


def _distinct(options, taken, low):
    kept = []
    for o in options:
        v = float(o.value)
        if v >= low and all(abs(v - float(t.value)) > 1e-9 for t in taken + kept):
            kept.append(o)
    return kept


def spread(correct: Option, mistakes: list[Option], params: dict, n_wrong: int = 3,
           low: float = 1) -> list[Option]:
    """``n_wrong`` distractors from ``mistakes`` (commonest first): ``k`` of those above the key, the rest of
    those below, with ``k`` drawn uniformly from the counts both sides allow by a SHA-256 digest of ``params``.

    Options below ``low`` (a size or count that cannot occur) and values equal to the key or to an earlier
    option are dropped first. Raises ``ValueError`` when fewer than ``n_wrong`` valid options remain.
    """
    key = float(correct.value)
    below = _distinct([o for o in mistakes if float(o.value) < key], [correct], low)
    above = _distinct([o for o in mistakes if float(o.value) > key], [correct], low)
    lo, hi = max(0, n_wrong - len(below)), min(n_wrong, len(above))
    if lo > hi:
        raise ValueError(f"only {len(below) + len(above)} distinct valid distractors, need {n_wrong}")
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).digest()
    k = lo + digest[0] % (hi - lo + 1)
    return above[:k] + below[: n_wrong - k]
