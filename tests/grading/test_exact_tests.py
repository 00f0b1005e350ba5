"""The fairness tests (generator/grading/exact_tests.py) against scipy.stats and exact enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from generator.grading.exact_tests import (
    benjamini_hochberg,
    chi2_independence,
    chi2_survival,
    fisher_exact_2x2,
    fisher_exact_monte_carlo,
)


def _tables_2x2():
    rng = np.random.default_rng(7)
    yield from ([[3, 1], [1, 3]], [[10, 0], [0, 10]], [[0, 5], [0, 7]], [[5, 5], [5, 5]], [[1, 0], [0, 0]],
                [[40, 60], [55, 45]], [[2, 7], [8, 2]])
    for _ in range(200):
        yield rng.integers(0, 30, size=(2, 2)).tolist()


@pytest.mark.parametrize("table", list(_tables_2x2()))
def test_fisher_2x2_is_scipys(table):
    odds, p = fisher_exact_2x2(np.array(table))
    r = stats.fisher_exact(table)
    assert p == pytest.approx(r.pvalue, rel=1e-9, abs=1e-12)
    assert (math.isnan(odds) and math.isnan(r.statistic)) or odds == pytest.approx(r.statistic)


def test_chi2_is_scipys():
    rng = np.random.default_rng(3)
    for _ in range(100):
        table = rng.integers(5, 200, size=(int(rng.integers(2, 7)), 2))
        statistic, p = chi2_independence(table)
        r = stats.chi2_contingency(table, correction=False)
        assert statistic == pytest.approx(r.statistic) and p == pytest.approx(r.pvalue, rel=1e-9, abs=1e-15)


def test_chi2_survival_is_scipys_over_its_range():
    """The series (x < a + 1) and the continued fraction, both sides of the switch, and deep tails."""
    rng = np.random.default_rng(11)
    for dof in (1, 2, 3, 5, 10, 25, 60, 199):
        for x in [0.0, 1e-9, 0.3, dof / 2, dof + 1.9, dof + 2.1, 3 * dof + 50, 900.0, *rng.uniform(0, 4 * dof + 20, 30)]:
            assert chi2_survival(dof, x) == pytest.approx(stats.chi2.sf(x, dof), rel=1e-12, abs=1e-300)
    with pytest.raises(ValueError, match="at least 1"):
        chi2_survival(0, 1.0)


def _exact_rxc(table: np.ndarray) -> tuple[float, float]:
    """Freeman–Halton by enumerating every r × 2 table with the same margins."""
    groups, correct = table.sum(axis=1), int(table[:, 0].sum())

    def prob(counts) -> float:
        return math.prod(math.comb(int(n), int(c)) for n, c in zip(groups, counts)) / \
            math.comb(int(groups.sum()), correct)

    seen = prob(table[:, 0])
    total = 0.0
    for counts in itertools.product(*(range(int(n) + 1) for n in groups)):
        if sum(counts) == correct and prob(counts) <= seen * (1 + 1e-7):
            total += prob(counts)
    return seen, total


@pytest.mark.parametrize("table", [[[3, 5], [7, 1], [2, 6]], [[0, 4], [4, 0], [2, 2]], [[1, 9], [3, 7], [2, 8], [9, 1]],
                                   [[5, 5], [5, 5], [5, 5]]])
def test_fisher_monte_carlo_estimates_the_exact_p(table):
    t = np.array(table)
    seen, exact = _exact_rxc(t)
    statistic, p = fisher_exact_monte_carlo(t, 9999, np.random.default_rng(1))
    assert statistic == pytest.approx(seen)
    assert p == pytest.approx(exact, abs=0.015)  # 9,999 draws: standard error at most 0.005
    assert fisher_exact_monte_carlo(t, 9999, np.random.default_rng(1)) == (statistic, p)  # seeded: same p


def test_benjamini_hochberg_is_scipys():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 50):
        p = np.concatenate([rng.uniform(size=n), [0.01, 0.01]])  # ties too
        assert benjamini_hochberg(p) == pytest.approx(stats.false_discovery_control(p).tolist())
    assert benjamini_hochberg([]) == []
