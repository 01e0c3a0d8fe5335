"""Tests of skymask.stats against hand-computed values and the literal definitions."""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask import stats


# ---------------------------------------------------------------------- Cash
@pytest.mark.parametrize(
    ("n_on", "mu", "ts", "sqrt_ts"),
    [
        # gammapy-2.1-behaviour.md section 9.6 edge cases.
        (0, 0, 0.0, 0.0),
        # n = 0: TS = 2 mu = 4, excess negative.
        (0, 2, 4.0, -2.0),
        # mu truncated to 1e-25: TS = 2 [5 ln(5 / 1e-25) - 5] = 10 (ln 5 + 25 ln 10) - 10
        # = 581.740652372852..., sqrt = 24.1193004121772...
        (5, 0, 581.740652372852424750505457002, 24.1193004121772243568520060384),
        (3, 3, 0.0, 0.0),
    ],
)
def test_cash_edge_cases(n_on, mu, ts, sqrt_ts):
    assert_allclose(stats.cash_ts(n_on, mu), ts, rtol=1e-14, atol=0)
    assert_allclose(stats.cash_significance(n_on, mu), sqrt_ts, rtol=1e-14, atol=0)


def test_cash_ts_matches_the_definition():
    rng = np.random.default_rng(1)
    n_on = rng.poisson(20.0, 1000).astype(float)
    mu = rng.uniform(0.5, 40.0, 1000)
    definition = np.clip(stats.cash(n_on, mu) - stats.cash(n_on, n_on), 0, None)
    assert_allclose(stats.cash_ts(n_on, mu), definition, rtol=1e-9, atol=1e-9)


def test_cash_ts_is_accurate_when_counts_match_background():
    # TS = 2 [n ln(n / mu) - (n - mu)] evaluated with 40 digits: for n = 1000.001, mu = 1000 it
    # is about 1e-9, where the difference of two cash values (~1.2e4) keeps few digits.
    with localcontext() as context:
        context.prec = 40
        n, mu = Decimal("1000.001"), Decimal(1000)
        exact = float(2 * (n * (n / mu).ln() - (n - mu)))
    assert_allclose(stats.cash_ts(1000.001, 1000.0), exact, rtol=1e-9)


def test_cash_truncation_and_no_warnings():
    # filterwarnings = error: log(0) and 0 * log(0) must not warn.
    n_on = np.array([0.0, 0.0, 1.0, 2.0])
    mu = np.array([0.0, -1e-12, 0.0, 1e-30])
    ts = stats.cash_ts(n_on, mu)
    assert np.all(np.isfinite(ts))
    assert ts[0] == 0.0 and ts[1] == 0.0
    assert_allclose(stats.cash(0.0, 0.0), 2e-25)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="n_on must be counts >= 0"):
        stats.cash_ts([-1.0], [1.0])


# ---------------------------------------------------------------------- Li & Ma
# Li & Ma (1983) eq. 17, with N = n_on + n_off:
# S^2 = 2 {n_on ln[(1+a)/a n_on/N] + n_off ln[(1+a) n_off/N]}
LI_MA_CASES = [
    # n_on = 10, n_off = 20, a = 0.25: N = 30,
    # S^2 = 2 [10 ln(5 * 10/30) + 20 ln(1.25 * 20/30)] = 2 [10 ln(5/3) + 20 ln(5/6)]
    # = 2 [5.10825624 - 3.64643114] = 2.92365020, S = 1.70986847551547911905
    (10, 20, 0.25, 1.70986847551547911905207861024),
    # Large counts: n_on = 1000, n_off = 4000, a = 0.2 (excess 200):
    # S^2 = 2 [1000 ln(6 * 1000/5000) + 4000 ln(1.2 * 4000/5000)] = 2 [1000 ln 1.2 + 4000 ln 0.96]
    (1000, 4000, 0.2, 6.16985878492111162733956363093),
    # n_off = 0: the second term is 0 ln 0 = 0 and n_on/N = 1, so S^2 = 2 n_on ln((1+a)/a).
    # n_on = 4, a = 1: S = sqrt(8 ln 2) = 2.35482004503094938202
    (4, 0, 1.0, 2.35482004503094938202313865292),
    # n_on = 5, a = 0.2: S = sqrt(10 ln 6) = 4.23291798789919269186
    (5, 0, 0.2, 4.23291798789919269186117426266),
    # n_on = 0: the first term vanishes and n_off/N = 1, so S^2 = 2 n_off ln(1+a), S < 0.
    # n_off = 10, a = 0.5: S = -sqrt(20 ln 1.5) = -2.84768364854021094257
    (0, 10, 0.5, -2.84768364854021094257244448784),
    # n_off = 7, a = 3: S = -sqrt(14 ln 4) = -4.40546490800669852115
    (0, 7, 3.0, -4.40546490800669852114532545616),
    # Nothing measured: S = 0.
    (0, 0, 0.5, 0.0),
    # n_on = a n_off: p = a/(1+a), both logarithms are 0: S = 0.
    (10, 40, 0.25, 0.0),
]


@pytest.mark.parametrize(("n_on", "n_off", "alpha", "expected"), LI_MA_CASES)
def test_li_ma_hand_computed(n_on, n_off, alpha, expected):
    assert_allclose(stats.li_ma_significance(n_on, n_off, alpha), expected, rtol=1e-13, atol=1e-15)


def test_li_ma_vectorised_and_continuous_at_the_limits():
    n_on, n_off, alpha, expected = np.array(LI_MA_CASES, dtype=float).T
    result = stats.li_ma_significance(n_on, n_off, alpha)
    assert result.shape == (len(LI_MA_CASES),)
    assert_allclose(result, expected, rtol=1e-13, atol=1e-15)
    # The limits are the limits of the general formula.
    assert_allclose(stats.li_ma_significance(4, 1e-12, 1.0), np.sqrt(8 * np.log(2)), rtol=1e-9)
    assert_allclose(stats.li_ma_significance(1e-12, 10, 0.5), -np.sqrt(20 * np.log(1.5)), rtol=1e-9)


def test_li_ma_sign_and_excess():
    assert stats.li_ma_significance(30, 100, 0.2) > 0
    assert stats.li_ma_significance(10, 100, 0.2) < 0
    assert_allclose(stats.on_off_excess([30, 10], [100, 100], 0.2), [10.0, -10.0])


@pytest.mark.parametrize(
    ("args", "message"),
    [((1, 1, 0.0), "alpha must be > 0"), ((-1, 1, 1.0), "n_on must be"), ((1, -2, 1.0), "n_off")],
)
def test_li_ma_invalid_input(args, message):
    with pytest.raises(ValueError, match=message):
        stats.li_ma_significance(*args)


# ---------------------------------------------------------------------- errors
def _profile(n_on, mu_total):
    """Cash profile relative to its minimum at mu_total = n_on (the literal definition)."""
    return stats.cash(n_on, mu_total) - stats.cash(n_on, n_on)


@pytest.mark.parametrize("n_sigma", [0.5, 1.0, 2.0, 3.0])
def test_cash_errors_solve_the_profile(n_sigma):
    n_on = np.array([0.3, 1.0, 2.0, 7.0, 50.0, 1e3, 1e5])
    errn = stats.cash_errn(n_on, n_sigma)
    errp = stats.cash_errp(n_on, n_sigma)
    assert np.all(errn > 0) and np.all(errp > 0) and np.all(errn < n_on)
    assert_allclose(_profile(n_on, n_on + errp), n_sigma**2, rtol=1e-9)
    assert_allclose(_profile(n_on, n_on - errn), n_sigma**2, rtol=1e-9)


def test_cash_errors_for_no_counts():
    # n_on = 0: the profile is 2 mu_total, so errp = n_sigma^2 / 2 and errn = 0.
    assert_allclose(stats.cash_errp([0.0, 0.0], 2.0), [2.0, 2.0])
    assert_allclose(stats.cash_errn([0.0], 2.0), [0.0])
    # Large counts: errors approach sqrt(n).
    assert_allclose(stats.cash_errp(1e8, 1.0), 1e4, rtol=1e-4)


def test_cash_upper_limit_is_continuous_at_zero_counts():
    # ul = n_on - mu_bkg + errp: at n_on = 0 it is n_sigma^2/2 - mu_bkg = 2 - 1.5 = 0.5
    assert_allclose(stats.cash_upper_limit(0.0, 1.5, 2.0), 0.5)
    assert_allclose(stats.cash_upper_limit(1e-9, 1.5, 2.0), 0.5, atol=1e-4)
    assert_allclose(stats.cash_upper_limit(10.0, 4.0, 2.0), 6.0 + stats.cash_errp(10.0, 2.0))


def test_cash_errors_on_repeated_counts_use_the_lookup():
    rng = np.random.default_rng(3)
    n_on = rng.poisson(5.0, (30, 40)).astype(float)
    n_on[0, 0] = np.nan
    errp = stats.cash_errp(n_on, 1.0)
    assert errp.shape == n_on.shape and np.isnan(errp[0, 0])
    flat = n_on.ravel()[1:]
    assert_allclose(errp.ravel()[1:], [float(stats.cash_errp(v, 1.0)) for v in flat], rtol=0)


def test_excess_matching_significance_inverts_the_significance():
    mu = np.array([0.1, 1.0, 10.0, 1e4])
    for significance in (3.0, 5.0):
        excess = stats.cash_excess_matching_significance(mu, significance)
        assert_allclose(stats.cash_significance(mu + excess, mu), significance, rtol=1e-9)
    assert np.isnan(stats.cash_excess_matching_significance(0.0, 5.0))
