"""Counting statistics on plain arrays (numpy/scipy only), and gammapy's statistics objects.

`skymask.stats._counts` holds the vectorised Cash and Li & Ma formulas used by the estimators
and makers, `skymask.stats.fit_statistics` gammapy's per-bin ``cash``, ``cstat`` and ``wstat``,
`skymask.stats.counts_statistic` the ``CashCountsStatistic`` and ``WStatCountsStatistic``
classes.
"""

from ._counts import (
    cash_errn,
    cash_errp,
    cash_excess_matching_significance,
    cash_significance,
    cash_ts,
    cash_upper_limit,
    li_ma_significance,
    on_off_excess,
)
from .counts_statistic import CashCountsStatistic, CountsStatistic, WStatCountsStatistic
from .fit_statistics import (
    CASH_MU_MIN,
    cash,
    cstat,
    get_wstat_gof_terms,
    get_wstat_mu_bkg,
    wstat,
)

__all__ = [
    "CASH_MU_MIN",
    "CashCountsStatistic",
    "CountsStatistic",
    "WStatCountsStatistic",
    "cash",
    "cash_errn",
    "cash_errp",
    "cash_excess_matching_significance",
    "cash_significance",
    "cash_ts",
    "cash_upper_limit",
    "cstat",
    "get_wstat_gof_terms",
    "get_wstat_mu_bkg",
    "li_ma_significance",
    "on_off_excess",
    "wstat",
]
