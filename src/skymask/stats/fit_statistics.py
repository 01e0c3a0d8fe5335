"""Fit statistics per bin, as gammapy's ``gammapy.stats.fit_statistics``: Cash, C and WStat.

The formulas and the handling of empty bins are gammapy 2.1's, so values agree to rounding:

* ``cash(n_on, mu_on) = 2 (mu_on - n_on ln mu_on)``, ``mu_on`` truncated from below to
  ``truncation_value`` (1e-25 by default);
* ``cstat(n_on, mu_on) = 2 (mu_on - n_on + n_on (ln n_on - ln mu_on))``, both truncated;
* ``wstat(n_on, n_off, alpha, mu_sig)``: the Poisson likelihood of on and off counts with the
  background ``mu_bkg`` profiled out (`get_wstat_mu_bkg`), plus the goodness-of-fit terms
  (`get_wstat_gof_terms`) so that a perfect model gives 0.

Unlike gammapy, a truncation value ``<= 0`` anywhere is refused (gammapy's check
``np.any(value) <= 0`` only catches an all-zero value).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CASH_MU_MIN",
    "cash",
    "cstat",
    "get_wstat_gof_terms",
    "get_wstat_mu_bkg",
    "wstat",
]

#: Lower truncation of the expected counts in `cash` and `cstat` (gammapy's value).
CASH_MU_MIN = 1e-25


def _truncation(value, name):
    value = np.asarray(CASH_MU_MIN if value is None else value, dtype=float)
    if np.any(~(value > 0)):
        raise ValueError(
            f"{name} truncation_value must be > 0, got {value!r}; "
            f"leave it None for the default {CASH_MU_MIN}"
        )
    return value


def _truncated(values, floor):
    """``values`` as floats, those ``<= floor`` replaced by ``floor`` (gammapy's truncation)."""
    values = np.asarray(values, dtype=float)
    return np.where(values <= floor, floor, values)


def cash(n_on, mu_on, truncation_value=None):
    """Cash statistic ``2 (mu_on - n_on ln mu_on)`` per bin (Cash 1979).

    Parameters
    ----------
    n_on : array-like
        Observed counts.
    mu_on : array-like
        Expected counts; values ``<= truncation_value`` are replaced by it.
    truncation_value : float or array-like, optional
        Lower truncation of ``mu_on`` (> 0). Default 1e-25 (gammapy's).

    Returns
    -------
    ndarray
        The statistic per bin.

    Raises
    ------
    ValueError
        If ``truncation_value`` is not positive.

    Examples
    --------
    >>> from skymask.stats import cash
    >>> float(cash(0, 2))
    4.0
    >>> round(float(cash(13, 9.13666449)), 6)
    -39.246351
    """
    truncation_value = _truncation(truncation_value, "cash")
    n_on = np.asarray(n_on, dtype=float)
    mu_on = _truncated(mu_on, truncation_value)
    return 2.0 * (mu_on - n_on * np.log(mu_on))


def cstat(n_on, mu_on, truncation_value=None):
    """C statistic ``2 (mu_on - n_on + n_on (ln n_on - ln mu_on))`` per bin.

    Parameters
    ----------
    n_on : array-like
        Observed counts; values ``<= truncation_value`` are replaced by it.
    mu_on : array-like
        Expected counts; values ``<= truncation_value`` are replaced by it.
    truncation_value : float or array-like, optional
        Lower truncation (> 0). Default 1e-25 (gammapy's).

    Returns
    -------
    ndarray
        The statistic per bin (0 for a perfect model).

    Raises
    ------
    ValueError
        If ``truncation_value`` is not positive.

    Examples
    --------
    >>> from skymask.stats import cstat
    >>> float(cstat(5, 5))
    0.0
    >>> round(float(cstat(13, 9.13666449)), 6)
    1.442332
    """
    truncation_value = _truncation(truncation_value, "cstat")
    n_on = _truncated(n_on, truncation_value)
    mu_on = _truncated(mu_on, truncation_value)
    return 2.0 * (mu_on - n_on + n_on * (np.log(n_on) - np.log(mu_on)))


def get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig):
    """Profile-likelihood background ``mu_bkg`` of WStat (in the off-region scale).

    ``mu_bkg = (C + D) / (2 alpha (alpha + 1))`` with ``C = alpha (n_on + n_off) - (1 + alpha)
    mu_sig`` and ``D = sqrt(C**2 + 4 alpha (alpha + 1) n_off mu_sig)``; this formula covers the
    corner cases ``n_on = 0`` and ``n_off = 0`` too.

    Parameters
    ----------
    n_on, n_off : array-like
        Counts in the on and off regions.
    alpha : array-like
        On/off exposure ratio.
    mu_sig : array-like
        Expected signal counts in the on region.

    Returns
    -------
    ndarray
        The background that maximises the likelihood for the given signal.

    Examples
    --------
    >>> from skymask.stats import get_wstat_mu_bkg
    >>> float(get_wstat_mu_bkg(n_on=0, n_off=5, alpha=0.5, mu_sig=2.3))  # n_off / (1 + alpha)
    3.3333333333333335
    """
    n_on = np.asarray(n_on, dtype=float)
    n_off = np.asarray(n_off, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    mu_sig = np.asarray(mu_sig, dtype=float)
    c = alpha * (n_on + n_off) - (1 + alpha) * mu_sig
    with np.errstate(invalid="ignore"):
        d = np.sqrt(c**2 + 4 * alpha * (alpha + 1) * n_off * mu_sig)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (c + d) / (2 * alpha * (alpha + 1))


def get_wstat_gof_terms(n_on, n_off):
    """Goodness-of-fit terms of WStat: ``2 [n (ln n - 1)]`` summed over on and off (0 at 0).

    Parameters
    ----------
    n_on, n_off : array-like
        Counts in the on and off regions.

    Returns
    -------
    ndarray
        The model-independent terms added by ``wstat(..., extra_terms=True)``.

    Examples
    --------
    >>> from skymask.stats import get_wstat_gof_terms
    >>> get_wstat_gof_terms([0, 1], [0, 0]).tolist()
    [0.0, -2.0]
    """
    n_on = np.asarray(n_on, dtype=float)
    n_off = np.asarray(n_off, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        term_on = np.where(n_on == 0, 0.0, -n_on * (1 - np.log(n_on)))
        term_off = np.where(n_off == 0, 0.0, -n_off * (1 - np.log(n_off)))
    return 2.0 * (term_on + term_off)


def wstat(n_on, n_off, alpha, mu_sig, mu_bkg=None, extra_terms=True):
    """WStat: Poisson statistic for on counts with a Poisson-measured (off) background.

    Parameters
    ----------
    n_on, n_off : array-like
        Counts in the on and off regions.
    alpha : array-like
        On/off exposure ratio.
    mu_sig : array-like
        Expected signal counts in the on region.
    mu_bkg : array-like, optional
        Expected background counts (off-region scale); by default the profile-likelihood
        value `get_wstat_mu_bkg`.
    extra_terms : bool, optional
        Add `get_wstat_gof_terms` so that the statistic is a goodness of fit. Default True.

    Returns
    -------
    ndarray
        The statistic per bin.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.stats import wstat
    >>> round(float(wstat(n_on=13, n_off=7, alpha=0.17003354, mu_sig=9.13666449)), 6)
    0.625312
    >>> # n_on = 0: 2 (mu_sig + n_off ln(1 + alpha))
    >>> bool(np.isclose(wstat(0, 5, 0.5, 2.3), 2 * (2.3 + 5 * np.log(1.5))))
    True
    """
    n_on = np.asarray(n_on, dtype=float)
    n_off = np.asarray(n_off, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    mu_sig = np.asarray(mu_sig, dtype=float)
    if mu_bkg is None:
        mu_bkg = get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig)
    mu_bkg = np.asarray(mu_bkg, dtype=float)
    term1 = mu_sig + (1 + alpha) * mu_bkg
    with np.errstate(divide="ignore", invalid="ignore"):
        term2 = np.where(n_on == 0, 0.0, -n_on * np.log(mu_sig + alpha * mu_bkg))
        term3 = np.where(n_off == 0, 0.0, -n_off * np.log(mu_bkg))
    stat = 2.0 * (term1 + term2 + term3)
    if extra_terms:
        stat = stat + get_wstat_gof_terms(n_on, n_off)
    return stat
