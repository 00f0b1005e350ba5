"""Shared by the knowledge-distillation templates (kd-loss, kd-gradient): softmax and the logits' check.

Source: Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network", section 2
(soft targets ``softmax(z / T)`` of teacher and student logits ``z``).
"""

from __future__ import annotations

import numpy as np


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax of a 1-D array of logits (shifted by its maximum, so it never overflows)."""
    e = np.exp(z - z.max())
    return e / e.sum()


def logits(p: dict) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's and the student's logits of params ``p`` as arrays of the same length (2 to 8).

    Raises ValueError when they are not finite numbers within +-50 of the same length.
    """
    t = np.asarray(p["teacher"], dtype=float)
    s = np.asarray(p["student"], dtype=float)
    if t.ndim != 1 or t.shape != s.shape or not 2 <= t.size <= 8:
        raise ValueError("teacher and student must be lists of 2 to 8 logits, the same length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(s))) or max(np.abs(t).max(), np.abs(s).max()) > 50:
        raise ValueError("logits must be finite numbers within +-50")
    return t, s
