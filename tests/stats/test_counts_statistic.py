"""CashCountsStatistic / WStatCountsStatistic and cash / cstat / wstat against gammapy 2.1.

Reference numbers were computed with gammapy 2.1 in its environment (/work/venv-gammapy) and
pasted here; the analytic corner cases are gammapy's documented formulas.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask import stats
from skymask.stats import CashCountsStatistic, WStatCountsStatistic

N_ON = np.array([0, 3, 7, 25, 2])
N_OFF = np.array([4, 0, 10, 30, 50])
ALPHA = np.array([0.2, 0.5, 0.1, 1.3, 0.02])


def test_wstat_statistic_matches_gammapy_on_arrays():
    stat = WStatCountsStatistic(N_ON, N_OFF, ALPHA)
    # gammapy 2.1: WStatCountsStatistic(N_ON, N_OFF, ALPHA).sqrt_ts, compute_errn(1), ...
    assert_allclose(
        stat.sqrt_ts, [-1.207713730299, 2.567425506613, 3.527311676618, -1.646442852654,
                       0.867817834053], rtol=1e-10)  # fmt: skip
    assert_allclose(
        stat.compute_errn(1), [0.469265636367, 1.416025744224, 2.348930764093,
                               8.913561785587, 1.114766074196], rtol=1e-9)  # fmt: skip
    assert_allclose(
        stat.compute_errp(2), [2.070713772824, 4.907658169317, 6.724482282314,
                               16.975342127803, 4.299144918035], rtol=1e-9)  # fmt: skip
    assert_allclose(
        stat.compute_upper_limit(2), [1.270713772824, 7.907658169317, 12.724482282314,
                                      2.975342127803, 5.299144918035], rtol=1e-9)  # fmt: skip
    matching = [5.00402632064, 4.096076519821, 4.818497083795, 34.002548951547, 4.386280846662]
    assert_allclose(stat.n_sig_matching_significance(3), matching, rtol=1e-9)


def test_wstat_deficit_matching_significance_is_solved_where_gammapy_gives_nan():
    # gammapy's secant search returns NaN for all but the 4th element (X90); the roots exist:
    # the significance of the returned excess is -1, and a deficit of exactly alpha n_off
    # (no on counts) is the limit (NaN where that is not significant enough: n_bkg = 0).
    stat = WStatCountsStatistic(N_ON, N_OFF, ALPHA)
    excess = stat.n_sig_matching_significance(-1)
    assert np.isnan(excess[1])
    assert_allclose(excess[3], -8.878373973537, rtol=1e-9)  # gammapy 2.1
    good = ~np.isnan(excess)
    check = WStatCountsStatistic(excess + stat.n_bkg, N_OFF, ALPHA)
    assert_allclose(check.sqrt_ts[good], -1.0, rtol=1e-9)


def test_wstat_errors_follow_the_profile_definition():
    # Brute force: the statistic at best fit - errn and + errp is n_sigma**2 above its minimum.
    stat = WStatCountsStatistic([12, 40], [30, 90], [0.2, 0.25])
    for n_sigma in (1, 2):
        low = stat.n_sig - stat.compute_errn(n_sigma)
        high = stat.n_sig + stat.compute_errp(n_sigma)
        for mu in (low, high):
            rise = stats.wstat(stat.n_on, stat.n_off, stat.alpha, mu) - stat.stat_max
            assert_allclose(rise, n_sigma**2, rtol=1e-9)


def test_cash_statistic_uses_the_accurate_closed_forms():
    stat = CashCountsStatistic([0, 1, 100], [2, 2, 23])
    # gammapy's test_counts_statistic.py values
    assert_allclose(stat.compute_errn(), [0, 0.69829, 9.669482], atol=1e-5)
    assert_allclose(stat.compute_errp(), [0.5, 1.35767667, 10.336074], atol=1e-5)
    # upper limit continuous at n_on = 0: n_sigma**2 / 2 - mu_bkg (gammapy: 4.5; X28)
    assert_allclose(stat.compute_upper_limit(3)[0], 4.5 - 2)
    assert_allclose(stat.ts, np.clip(stat.stat_null - stat.stat_max, 0, None), atol=1e-9)


def test_sum_getitem_and_str():
    stat = WStatCountsStatistic([[1, 2], [3, 4]], [[5, 6], [7, 8]], [[0.1, 0.2], [0.3, 0.4]])
    total = stat.sum()
    assert total.n_on == 10 and total.n_off == 26
    assert_allclose(total.alpha, (0.5 + 1.2 + 2.1 + 3.2) / 26)
    assert_allclose(stat[1].n_on, [3, 4])
    text = str(CashCountsStatistic(4, 2))
    assert text.startswith("CashCountsStatistic\n")
    assert "Predicted background counts" in text and "Total significance" in text
    assert "Off counts" in str(WStatCountsStatistic(5, 4, 0.2, mu_sig=2))


@pytest.mark.parametrize("function", [stats.cash, stats.cstat])
@pytest.mark.parametrize("value", [0.0, -1.0, [1e-25, 0.0]])
def test_bad_truncation_values_are_refused(function, value):
    with pytest.raises(ValueError, match="truncation_value must be > 0"):
        function(10, 10, value)


def test_wstat_corner_cases():
    # gammapy's documented limits (its test_fit_statistics.py::test_wstat_corner_cases)
    assert_allclose(stats.wstat(9, 0, 0.5, 2.3), -2 * (2.3 / 0.5 + 9 * np.log(0.5 / 1.5)))
    assert_allclose(stats.get_wstat_mu_bkg(9, 0, 0.5, 2.3), 9 / 1.5 - 2.3 / 0.5)
    assert_allclose(stats.get_wstat_mu_bkg(5, 0, 0.5, 5.3), 0, atol=1e-15)
