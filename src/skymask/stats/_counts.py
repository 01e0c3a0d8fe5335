"""Counting statistics on plain arrays: Cash (known background) and Li & Ma (on/off).

Every function is vectorised (numpy broadcasting), takes and returns plain arrays or floats,
and handles the limits of its formula exactly instead of producing NaN or warnings: no counts,
no background, no off counts.

Cash, known background ``mu`` (Cash 1979; as gammapy's ``CashCountsStatistic``)
    ``cash(n, mu) = 2 (mu - n ln mu)`` with ``mu`` truncated to ``1e-25`` from below, and
    ``TS = cash(n, mu) - cash(n, n)``, ``sqrt_ts = sign(n - mu) sqrt(TS)``. The TS is computed as
    ``2 mu f(n / mu - 1)`` with ``f(x) = (1 + x) ln(1 + x) - x``, which stays accurate when
    ``n`` is close to ``mu`` (the plain difference of two ``cash`` values loses about
    ``1e-16 n ln n`` to cancellation).

Li & Ma (1983), equation 17, on/off counts with exposure ratio ``alpha``
    ``S = sign(n_on - alpha n_off) sqrt(2) sqrt(n_on ln[(1 + alpha)/alpha n_on/N]
    + n_off ln[(1 + alpha) n_off/N])`` with ``N = n_on + n_off``. With ``p = n_on/N`` and
    ``p0 = alpha/(1 + alpha)`` the bracket is ``N [p0 f(x) + (1 - p0) f(y)]``,
    ``x = p/p0 - 1``, ``y = (1 - p)/(1 - p0) - 1``: two non-negative terms, so no
    cancellation. The limits follow from ``f(-1) = 1``:

    * ``n_off = 0``: ``S = +sqrt(2 n_on ln((1 + alpha)/alpha))``;
    * ``n_on = 0``: ``S = -sqrt(2 n_off ln(1 + alpha))``;
    * ``n_on = n_off = 0``: ``S = 0``.

Errors and upper limits on the excess (Cash)
    The profile likelihood rises by ``n_sigma**2`` where ``mu_tot/n = e^t`` solves
    ``e^t - 1 - t = n_sigma**2 / (2 n)``; both roots start from the Lambert W solution (as in
    gammapy) and are polished with Newton steps on the accurate residual, all on arrays.
"""

from __future__ import annotations

import numpy as np
from scipy.special import lambertw, xlog1py

from .fit_statistics import CASH_MU_MIN

__all__ = [
    "cash_errn",
    "cash_errp",
    "cash_excess_matching_significance",
    "cash_significance",
    "cash_ts",
    "cash_upper_limit",
    "li_ma_significance",
    "on_off_excess",
]

# Below this |x| the series of f(x) = (1 + x) ln(1 + x) - x is used (error < 1e-17 relative).
_SERIES_LIMIT = 1e-2
_SERIES_TERMS = 8


def _f(x):
    """``(1 + x) ln(1 + x) - x`` for ``x >= -1``, accurate near 0 (``~ x**2 / 2``)."""
    x = np.asarray(x, dtype=float)
    direct = xlog1py(1.0 + x, x) - x
    small = np.abs(x) < _SERIES_LIMIT
    if not np.any(small):
        return direct
    # f(x) = sum_{k>=2} (-1)^k x^k / (k (k - 1)), on the few small |x| only (cheaper than
    # on every pixel; the same numbers).
    xs = x[small]
    series = np.zeros_like(xs)
    power = xs * xs
    for k in range(2, 2 + _SERIES_TERMS):
        series += (-1) ** k * power / (k * (k - 1))
        power = power * xs
    if direct.ndim == 0:
        return np.where(small, series[0], direct)
    direct[small] = series
    return direct


def _check_counts(name, value):
    value = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        if np.any(value < 0):
            raise ValueError(
                f"{name} must be counts >= 0, got a minimum of {np.nanmin(value)}; "
                "pass the measured (non-negative) counts"
            )
    return value


def _check_positive(name, value):
    value = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        if np.any(value <= 0):
            raise ValueError(f"{name} must be > 0, got a minimum of {np.nanmin(value)}")
    return value


def cash_ts(n_on, mu_bkg):
    """Test statistic ``cash(n_on, mu_bkg) - cash(n_on, n_on)``, clipped at 0.

    Parameters
    ----------
    n_on : array-like
        Measured counts (>= 0).
    mu_bkg : array-like
        Expected background counts (values <= 1e-25 count as 1e-25).

    Returns
    -------
    ndarray
        ``2 [mu - n + n ln(n / mu)]``; ``2 mu`` where ``n_on = 0`` (0 for no background).

    Examples
    --------
    >>> from skymask.stats import cash_ts
    >>> cash_ts([0, 0, 5, 3], [0, 2, 0, 3]).round(2).tolist()
    [0.0, 4.0, 581.74, 0.0]
    """
    n_on = _check_counts("n_on", n_on)
    mu = np.asarray(mu_bkg, dtype=float)
    mu = np.where(mu <= CASH_MU_MIN, CASH_MU_MIN, mu)
    n_on, mu = np.broadcast_arrays(n_on, mu)
    positive = n_on > CASH_MU_MIN
    with np.errstate(invalid="ignore"):
        x = np.where(positive, n_on / mu - 1.0, -1.0)
        # n_on = 0: cash(0, mu) - cash(0, 0) = 2 (mu - 1e-25), so (0, 0) gives exactly 0.
        ts = np.where(positive, 2.0 * mu * _f(x), 2.0 * (mu - CASH_MU_MIN))
    return np.clip(ts, 0.0, None)


def cash_significance(n_on, mu_bkg):
    """Signed significance ``sign(n_on - mu_bkg) sqrt(TS)`` for a known background.

    Parameters
    ----------
    n_on : array-like
        Observed counts.
    mu_bkg : array-like
        Known expected background (broadcast against ``n_on``).

    Returns
    -------
    `numpy.ndarray` or float
        Significances in sigma.

    Examples
    --------
    >>> from skymask.stats import cash_significance
    >>> cash_significance([0, 0, 5, 3], [0, 2, 0, 3]).round(2).tolist()
    [0.0, -2.0, 24.12, 0.0]
    """
    ts = cash_ts(n_on, mu_bkg)
    excess = np.asarray(n_on, dtype=float) - np.asarray(mu_bkg, dtype=float)
    return np.sign(excess) * np.sqrt(ts)


def on_off_excess(n_on, n_off, alpha):
    """Excess counts ``n_on - alpha n_off``.

    Parameters
    ----------
    n_on, n_off : array-like
        ON and OFF counts.
    alpha : array-like
        ON/OFF exposure ratio.

    Returns
    -------
    `numpy.ndarray` or float
        The excess (broadcast shape).

    Examples
    --------
    >>> from skymask.stats import on_off_excess
    >>> float(on_off_excess(10, 20, 0.25))
    5.0
    """
    return np.asarray(n_on, dtype=float) - np.asarray(alpha, dtype=float) * np.asarray(
        n_off, dtype=float
    )


def li_ma_significance(n_on, n_off, alpha):
    """Li & Ma (1983) equation 17: signed significance of on/off counts.

    Parameters
    ----------
    n_on, n_off : array-like
        Counts in the on and off regions (>= 0, need not be integers).
    alpha : array-like
        On/off exposure ratio (> 0).

    Returns
    -------
    ndarray
        ``sign(n_on - alpha n_off) sqrt(2) sqrt(...)``; exact limits for ``n_off = 0``,
        ``n_on = 0`` and both zero (see the module docstring).

    Raises
    ------
    ValueError
        If counts are negative or ``alpha`` is not positive.

    Examples
    --------
    >>> from skymask.stats import li_ma_significance
    >>> round(float(li_ma_significance(10, 20, 0.25)), 4)
    1.7099
    >>> li_ma_significance([0, 4], [0, 0], 1.0).round(4).tolist()
    [0.0, 2.3548]
    """
    n_on = _check_counts("n_on", n_on)
    n_off = _check_counts("n_off", n_off)
    alpha = _check_positive("alpha", alpha)
    n_on, n_off, alpha = np.broadcast_arrays(n_on, n_off, alpha)
    total = n_on + n_off
    nonzero = total > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(nonzero, n_on / np.where(nonzero, total, 1.0), 0.0)
        p0 = alpha / (1.0 + alpha)
        x = p / p0 - 1.0
        y = (1.0 - p) / (1.0 - p0) - 1.0
        bracket = total * (p0 * _f(x) + (1.0 - p0) * _f(y))
    bracket = np.where(nonzero, np.clip(bracket, 0.0, None), 0.0)
    sign = np.sign(n_on - alpha * n_off)
    return sign * np.sqrt(2.0 * bracket)


# ---------------------------------------------------------------------- errors (Cash)
def _exp_excess(t):
    """``e^t - 1 - t``, accurate for small ``|t|``."""
    t = np.asarray(t, dtype=float)
    direct = np.expm1(t) - t
    small = np.abs(t) < 0.1
    if not np.any(small):
        return direct
    ts = np.where(small, t, 0.0)
    series = np.zeros_like(ts)
    term = ts * ts / 2.0
    for k in range(3, 16):
        series += term
        term = term * ts / k
    return np.where(small, series, direct)


def _log_ratio_roots(epsilon, upper):
    """Root ``t`` of ``e^t - 1 - t = epsilon`` (``epsilon > 0``): ``t > 0`` if ``upper``."""
    epsilon = np.asarray(epsilon, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        z = -np.exp(-1.0 - epsilon)
        w = lambertw(z, k=-1 if upper else 0).real
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.log(-w)
    # Near the branch point of W (small epsilon) the series inversion is the better start:
    # t = s - s^2/6 + s^3/36 + O(s^4) with s = +-sqrt(2 epsilon).
    s = np.sqrt(2.0 * epsilon) * (1.0 if upper else -1.0)
    t = np.where(epsilon < 1e-2, s - s * s / 6.0 + s**3 / 36.0, t)
    # Where exp(-1 - epsilon) underflows (epsilon > ~700) use the asymptotic roots.
    huge = ~np.isfinite(t)
    if np.any(huge):
        eps_h = np.where(huge, epsilon, 1.0)
        guess = np.log1p(eps_h + np.log1p(eps_h)) if upper else -1.0 - eps_h
        t = np.where(huge, guess, t)
    # Newton steps on the accurate residual (the function is convex, the start is close).
    for _ in range(3):
        slope = np.expm1(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = (_exp_excess(t) - epsilon) / slope
        t = np.where(np.isfinite(step), t - step, t)
    return t


def _by_unique_values(function, values):
    """``function(values)`` evaluated once per distinct value (counts repeat a lot).

    Non-negative integer counts (the usual case) use a lookup table; other values
    `numpy.unique` when that saves work.
    """
    values = np.asarray(values, dtype=float)
    if values.size < 64:
        return function(values)
    finite = np.isfinite(values)
    clean = np.where(finite, values, 0.0)
    top = float(clean.max(initial=0.0))
    if top <= values.size and np.all(clean == np.rint(clean)):
        table = function(np.arange(int(top) + 1, dtype=float))
        return np.where(finite, table[clean.astype(np.int64)], np.nan)
    unique, inverse = np.unique(values, return_inverse=True)
    if unique.size > values.size // 2:
        return function(values)
    return function(unique)[inverse].reshape(values.shape)


def cash_errn(n_on, n_sigma=1.0):
    """Downward error on the excess: the profile TS rises by ``n_sigma**2`` below the best fit.

    The best-fit total is ``n_on``; the result is ``n_on - mu_low``, 0 where ``n_on = 0``.

    Parameters
    ----------
    n_on : array-like
        Observed counts (the best-fit total).
    n_sigma : float
        Size of the error in sigma.

    Returns
    -------
    `numpy.ndarray` or float
        Non-negative errors.

    Examples
    --------
    >>> from skymask.stats import cash_errn
    >>> cash_errn([0, 100], 1).round(4).tolist()
    [0.0, 9.6695]
    """
    return _cash_error(n_on, n_sigma, upper=False)


def cash_errp(n_on, n_sigma=1.0):
    """Upward error on the excess: ``mu_high - n_on``; ``n_sigma**2 / 2`` where ``n_on = 0``.

    Parameters
    ----------
    n_on : array-like
        Observed counts (the best-fit total).
    n_sigma : float
        Size of the error in sigma.

    Returns
    -------
    `numpy.ndarray` or float
        Positive errors.

    Examples
    --------
    >>> from skymask.stats import cash_errp
    >>> cash_errp([0, 100], 1).round(4).tolist()
    [0.5, 10.3361]
    """
    return _cash_error(n_on, n_sigma, upper=True)


def _cash_error(n_on, n_sigma, *, upper: bool):
    """`cash_errp` (``upper``) or `cash_errn`: ``|mu - n_on|`` where the profile TS rises by
    ``n_sigma**2``, with ``mu / n_on = exp(t)`` a root of the log-ratio equation."""
    n_on = _check_counts("n_on", n_on)
    c = 0.5 * float(_check_positive("n_sigma", n_sigma)) ** 2
    # At n_on = 0 only the upward error exists: the TS 2 mu reaches n_sigma**2 at mu = c.
    at_zero = c if upper else 0.0

    def error(n):
        positive = n > 0
        safe = np.where(positive, n, 1.0)
        t = _log_ratio_roots(c / safe, upper=upper)
        size = safe * np.expm1(t)
        return np.where(positive, size if upper else -size, np.where(np.isnan(n), np.nan, at_zero))

    return _by_unique_values(error, n_on)


def cash_upper_limit(n_on, mu_bkg, n_sigma=2.0):
    """Upper limit on the excess: ``n_on - mu_bkg + errp(n_on, n_sigma)``.

    This is continuous in ``n_on``: at ``n_on = 0`` it is ``n_sigma**2 / 2 - mu_bkg``
    (gammapy 2.1 returns ``n_sigma**2 / 2`` there, dropping the background).

    Parameters
    ----------
    n_on : array-like
        Observed counts.
    mu_bkg : array-like
        Known expected background.
    n_sigma : float
        Confidence of the limit in sigma.

    Returns
    -------
    `numpy.ndarray` or float
        Upper limits on the excess counts.

    Examples
    --------
    >>> from skymask.stats import cash_upper_limit
    >>> cash_upper_limit([0, 10], [1, 5], 2).round(4).tolist()
    [1.0, 12.7225]
    """
    excess = np.asarray(n_on, dtype=float) - np.asarray(mu_bkg, dtype=float)
    return excess + cash_errp(n_on, n_sigma)


def cash_excess_matching_significance(mu_bkg, significance=5.0):
    """Excess ``s`` whose Cash significance over ``mu_bkg`` equals ``significance``.

    Solves ``2 [(s + b) ln(1 + s / b) - s] = significance**2`` in closed form,
    ``s = b expm1(W((c / b - 1) / e) + 1)`` with ``c = significance**2 / 2``. NaN where
    ``mu_bkg <= 0`` (any excess is infinitely significant without background).

    Parameters
    ----------
    mu_bkg : array-like
        Expected background counts.
    significance : float
        Target significance in sigma.

    Returns
    -------
    `numpy.ndarray` or float
        The excess counts.

    Examples
    --------
    >>> from skymask.stats import cash_excess_matching_significance, cash_significance
    >>> s = cash_excess_matching_significance(10.0, 5.0)
    >>> round(float(cash_significance(10.0 + s, 10.0)), 10)
    5.0
    """
    b = np.asarray(mu_bkg, dtype=float)
    significance = float(significance)
    c = 0.5 * significance**2
    positive = b > 0
    safe = np.where(positive, b, 1.0)
    branch = 0 if significance > 0 else -1
    argument = (c / safe - 1.0) / np.e
    w = lambertw(argument, k=branch).real
    # A negative excess is at least -b, whose TS is 2 b: deeper deficits have no solution.
    valid = positive & ((branch == 0) | (argument < 0))
    return np.where(valid, safe * np.expm1(w + 1.0), np.nan)
