"""Tests of independence for a groups × {correct, not correct} table, for variant fairness.

Why not ``scipy``: ``scipy.stats`` defines these tests (and ``tests/grading/test_exact_tests.py``
checks every function here against it), but importing it takes about 1 s,
and even ``scipy.special`` 0.27 s, of the 5 s budget for grading 3,000
students (bench/bench_grade.py). These need only log-factorials (the
standard library's ``math.lgamma``) and the χ² survival function, the
regularized upper incomplete gamma function computed as in Press et al.,
*Numerical Recipes*, 3rd ed. (2007), §6.2: its series when x < a + 1, else
its continued fraction by the modified Lentz method.

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

import functools
import math
from collections.abc import Sequence

import numpy as np

#: Relative tolerance when comparing the probability of two tables (R's ``fisher.test`` uses 1 + 1e-7), so
#: tables exactly as likely as the one seen count as no more likely despite rounding.
_RELATIVE = 1e-7
#: Convergence of the incomplete gamma series and continued fraction (a relative step below one ulp).
_EPS = 1e-16
_TINY = 1e-300


def _log_factorials(n: int) -> np.ndarray:
    """``log k!`` for k = 0 … n at least (``math.lgamma(k + 1)`` each, so no rounding accumulates)."""
    return _log_factorial_table(max(64, 1 << n.bit_length()))


@functools.cache
def _log_factorial_table(size: int) -> np.ndarray:
    """``log k!`` for k < ``size``, computed once per size (a class's tests ask for the same few hundred)."""
    return np.array([math.lgamma(k + 1) for k in range(size)])


def _log_table_probability(correct: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """log P(correct counts | margins), up to a constant: Σ log C(nᵍ, cᵍ); ``correct`` is (..., groups),
    counts are non-negative integers."""
    groups, correct = np.asarray(groups, dtype=np.int64), np.asarray(correct, dtype=np.int64)
    lf = _log_factorials(int(groups.max(initial=0)))
    return (lf[groups] - lf[correct] - lf[groups - correct]).sum(axis=-1)


def chi2_survival(dof: int, statistic: float) -> float:
    """P(χ²_dof > statistic) = Q(dof/2, statistic/2), the regularized upper incomplete gamma function.

    Numerical Recipes, 3rd ed., §6.2 (``gser``, ``gcf``): for x < a + 1 the
    series of P(a, x) and Q = 1 − P, else Q by its continued fraction.
    Relative error about 1e-15. Raises ValueError for ``dof`` < 1.
    """
    if dof < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {dof}")
    a, x = dof / 2, statistic / 2
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        k = a
        while abs(term) > abs(total) * _EPS:
            k += 1
            term *= x / k
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    b = x + 1 - a
    c, d = 1 / _TINY, 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) >= _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) >= _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1) <= _EPS:
            return math.exp(log_front) * h


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
    return statistic, chi2_survival((t.shape[0] - 1) * (t.shape[1] - 1), statistic)


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
