"""Tests of independence for a groups × {correct, not correct} table, for variant fairness.

Why not ``scipy.stats``: it defines these tests (and ``tests/grading/test_exact_tests.py``
checks every function here against it), but importing it takes about 1 s,
a fifth of the time budget for grading 3,000 students (bench/bench_grade.py);
these need only ``scipy.special`` (0.2 s).

Definitions, as ``scipy.stats`` implements them:

- Fisher's exact test, 2 × 2, two-sided (R. A. Fisher, *Statistical Methods for
  Research Workers*, 1925, §21.02; A. Agresti, *Categorical Data Analysis*,
  3rd ed., §3.5): with the margins fixed, the first cell is hypergeometric;
  p is the total probability of the tables no more likely than the one seen
  (with a relative tolerance of 1e-7, as R's ``fisher.test``); the statistic is the sample
  odds ratio ``a·d / (b·c)``.
- Pearson's χ² test of independence (Agresti §3.2), no continuity correction:
  ``Σ (O − E)² / E`` with ``E = row total · column total / N``, on
  ``(r − 1)(c − 1)`` degrees of freedom.
- Fisher's exact test for r × c tables by Monte Carlo (the Freeman–Halton
  extension; Agresti §3.5.7): the statistic is the probability of the table
  given its margins (multivariate hypergeometric); tables with the same
  margins are drawn at random and ``p = (1 + #{drawn tables no more likely}) /
  (1 + draws)`` (Phipson & Smyth, *Stat. Appl. Genet. Mol. Biol.* 9, 2010).
- Benjamini–Hochberg adjusted p-values (q-values): ``p₍ᵢ₎ · m / i``, made
  monotone from the largest down and capped at 1 (Benjamini & Hochberg,
  *JRSS B* 57, 1995).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# scipy.special is imported where it is used: grading builds its writers before it forks the process that
# runs these tests, and the import (0.2 s) belongs to that process.

#: Relative tolerance when comparing the probability of two tables (R's ``fisher.test`` uses 1 + 1e-7), so
#: tables exactly as likely as the one seen count as no more likely despite rounding.
_RELATIVE = 1e-7


def _log_table_probability(correct: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """log P(correct counts | margins), up to a constant: Σ log C(nᵍ, cᵍ); ``correct`` is (..., groups)."""
    from scipy.special import gammaln

    return (gammaln(groups + 1) - gammaln(correct + 1) - gammaln(groups - correct + 1)).sum(axis=-1)


def fisher_exact_2x2(table: np.ndarray) -> tuple[float, float]:
    """(odds ratio, two-sided p) of a 2 × 2 table of counts ``[[a, b], [c, d]]``.

    The odds ratio is ``inf`` when ``b·c = 0 < a·d`` and ``nan`` when both are 0.
    """
    (a, b), (c, d) = np.asarray(table, dtype=np.int64).tolist()
    odds = a * d / (b * c) if b * c else (np.inf if a * d else np.nan)
    rows = np.array([a + b, c + d])
    column = a + c
    k = np.arange(max(0, column - rows[1]), min(rows[0], column) + 1)
    log_p = _log_table_probability(np.stack([k, column - k], axis=1), rows)
    seen = _log_table_probability(np.array([a, c]), rows)
    p = np.exp(log_p - log_p.max())
    p_value = p[log_p <= seen + np.log1p(_RELATIVE)].sum() / p.sum()
    return float(odds), float(min(1.0, p_value))


def chi2_independence(table: np.ndarray) -> tuple[float, float]:
    """(Pearson's χ², p) of an r × c table of counts whose margins are all positive."""
    t = np.asarray(table, dtype=float)
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()
    statistic = float(((t - expected) ** 2 / expected).sum())
    dof = (t.shape[0] - 1) * (t.shape[1] - 1)
    from scipy.special import chdtrc

    return statistic, float(chdtrc(dof, statistic))


def fisher_exact_monte_carlo(table: np.ndarray, draws: int, rng: np.random.Generator) -> tuple[float, float]:
    """(probability of the table given its margins, p by ``draws`` random tables) of an r × 2 table.

    Column 0 holds the correct counts of the r groups; random tables put the
    same number of correct answers among the same groups at random
    (``Generator.multivariate_hypergeometric``).
    """
    t = np.asarray(table, dtype=np.int64)
    groups, correct = t.sum(axis=1), t[:, 0]
    n, k = int(groups.sum()), int(correct.sum())
    total = _log_table_probability(np.array([k]), np.array([n]))  # log C(N, C)
    seen = _log_table_probability(correct, groups)
    drawn = _log_table_probability(rng.multivariate_hypergeometric(groups, int(correct.sum()), size=draws), groups)
    p_value = (1 + int((drawn <= seen + np.log1p(_RELATIVE)).sum())) / (1 + draws)
    return float(np.exp(seen - total)), p_value


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """The Benjamini–Hochberg adjusted p-values (q-values) of ``p_values``, in their order."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return []
    order = np.argsort(p, kind="stable")
    scaled = p[order] * p.size / np.arange(1, p.size + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(q, 1.0)
    return out.tolist()
