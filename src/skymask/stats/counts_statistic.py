"""Counts statistics objects, as gammapy's ``CashCountsStatistic`` and ``WStatCountsStatistic``.

Both hold arrays (any shape, broadcast) and compute excess, TS, significance, p-value, errors
and upper limits element-wise. The profile-likelihood roots are found by bisection on whole
arrays at once (gammapy loops over the elements with ``brentq`` on the same brackets), so maps
of millions of pixels take seconds, not hours; where gammapy's bracket holds no root the result
is gammapy's (NaN, or ``n_on`` for ``compute_errn``).

Cash (known background) uses the closed forms of `skymask.stats` (Lambert W, polished), whose
upper limit is continuous at ``n_on = 0`` (gammapy returns ``n_sigma**2 / 2`` there, dropping
the background: difference X28).
"""

from __future__ import annotations

import numpy as np
from scipy.special import chdtrc

from ._counts import (
    cash_errn,
    cash_errp,
    cash_excess_matching_significance,
    cash_ts,
    cash_upper_limit,
)
from .fit_statistics import cash, wstat

__all__ = ["CashCountsStatistic", "CountsStatistic", "WStatCountsStatistic"]

# Bisection halves the bracket each step: 200 steps reach the spacing of doubles for any
# bracket a float can hold.
_BISECTION_STEPS = 200


def _bisect(function, lower, upper):
    """Roots of ``function`` in ``[lower, upper]`` element-wise; NaN where the signs agree."""
    lower, upper = np.broadcast_arrays(np.asarray(lower, float), np.asarray(upper, float))
    lower, upper = lower.copy(), upper.copy()
    f_lower = function(lower)
    f_upper = function(upper)
    with np.errstate(invalid="ignore"):
        valid = f_lower * f_upper <= 0
    sign_lower = np.sign(f_lower)
    for _ in range(_BISECTION_STEPS):
        middle = 0.5 * (lower + upper)
        done = (middle == lower) | (middle == upper)
        if np.all(done | ~valid):
            break
        same = np.sign(function(middle)) == sign_lower
        lower = np.where(same, middle, lower)
        upper = np.where(same, upper, middle)
    root = np.where(f_lower == 0, lower, 0.5 * (lower + upper))
    return np.where(valid, root, np.nan)


class CountsStatistic:
    """Base class: TS, significance, p-value and the summary of a counts statistic.

    Subclasses define ``n_on``, ``n_sig``, ``n_bkg``, ``error``, ``stat_null`` and
    ``stat_max``.

    Examples
    --------
    >>> from skymask.stats import CountsStatistic, WStatCountsStatistic
    >>> isinstance(WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3), CountsStatistic)
    True
    """

    @property
    def ts(self):
        """Test statistic of the measured excess against no excess (clipped at 0).

        ``stat_null - stat_max``; its square root is the Li & Ma (1983, eq. 17) significance
        for on/off counts.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> round(float(WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3).ts), 6)
        12.854959
        """
        return np.clip(self.stat_null - self.stat_max, 0, None)

    @property
    def sqrt_ts(self):
        """Significance: ``sign(n_sig) sqrt(ts)``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> stat = CashCountsStatistic(n_on=[10, 2], mu_bkg=5)
        >>> stat.sqrt_ts.round(6)  # sqrt(20 ln 2 - 10); sqrt(4 ln 0.4 + 6), a deficit
        array([ 1.965437, -1.528017])
        """
        return np.sign(self.n_sig) * np.sqrt(self.ts)

    @property
    def p_value(self):
        """One-sided p-value of the excess, ``chi2.sf(ts, 1) / 2``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> round(float(CashCountsStatistic(n_on=10, mu_bkg=5).p_value), 6)  # norm.sf(1.965437)
        0.024682
        """
        return 0.5 * chdtrc(1, self.ts)

    def info_dict(self):
        """The summary as a dict: n_on, background, excess, significance, p_value.

        Returns
        -------
        dict
            The values as arrays (the shape of the counts); subclasses add their inputs.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> info = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3).info_dict()
        >>> list(info)
        ['n_on', 'background', 'excess', 'significance', 'p_value', 'n_off', 'alpha', 'mu_sig']
        >>> float(info["background"]), float(info["excess"])
        (1.5, 8.5)
        """
        return {
            "n_on": self.n_on,
            "background": self.n_bkg,
            "excess": self.n_sig,
            "significance": self.sqrt_ts,
            "p_value": self.p_value,
        }

    def __str__(self):
        info = self.info_dict()
        rows = [
            f"{type(self).__name__}",
            "\t{:32}: {:.2f} ".format("Total counts", info["n_on"]),
            "\t{:32}: {:.2f}".format("Total background counts", info["background"]),
            "\t{:32}: {:.2f}".format("Total excess counts", info["excess"]),
            "\t{:32}: {:.2f}".format("Total significance", info["significance"]),
            "\t{:32}: {:.3f}".format("p - value", info["p_value"]),
            "\t{:32}: {:.0f}".format("Total number of bins", np.asarray(self.n_on).size),
        ]
        rows += [f"\t{name:32}: {value:.2f} " for name, value in self._extra_rows()]
        return ("\n".join(rows) + "\n").expandtabs(tabsize=2)


class CashCountsStatistic(CountsStatistic):
    """Poisson counts with a known background (Cash statistic).

    Parameters
    ----------
    n_on : array-like
        Measured counts.
    mu_bkg : array-like
        Known background level (broadcast with ``n_on``).

    Examples
    --------
    >>> from skymask.stats import CashCountsStatistic
    >>> stat = CashCountsStatistic(n_on=10, mu_bkg=5)
    >>> float(stat.n_sig), round(float(stat.sqrt_ts), 6)
    (5.0, 1.965437)
    >>> round(float(stat.compute_errn()), 6), round(float(stat.compute_errp()), 6)
    (2.838105, 3.504033)
    >>> round(float(stat.compute_upper_limit()), 5)
    17.69606
    """

    def __init__(self, n_on, mu_bkg):
        self.n_on = np.asanyarray(n_on)
        self.mu_bkg = np.asanyarray(mu_bkg)

    @property
    def n_bkg(self):
        """Expected background counts (``mu_bkg``).

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> CashCountsStatistic(n_on=[10, 3], mu_bkg=[5, 1]).n_bkg
        array([5, 1])
        """
        return self.mu_bkg

    @property
    def n_sig(self):
        """Excess ``n_on - mu_bkg``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> CashCountsStatistic(n_on=[10, 3], mu_bkg=[5, 4.5]).n_sig
        array([ 5. , -1.5])
        """
        return self.n_on - self.n_bkg

    @property
    def error(self):
        """Approximate error on the excess, ``sqrt(n_on)``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> CashCountsStatistic(n_on=[16, 0], mu_bkg=5).error
        array([4., 0.])
        """
        return np.sqrt(self.n_on)

    @property
    def stat_null(self):
        """Cash value without signal: ``2 (mu_bkg - n_on ln mu_bkg)``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> round(float(CashCountsStatistic(n_on=10, mu_bkg=5).stat_null), 6)  # 10 - 20 ln 5
        -22.188758
        """
        return cash(self.n_on, self.mu_bkg + 0)

    @property
    def stat_max(self):
        """Cash value at the best fit (``mu = n_on``): ``2 (n_on - n_on ln n_on)``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> round(float(CashCountsStatistic(n_on=10, mu_bkg=5).stat_max), 6)  # 20 - 20 ln 10
        -26.051702
        """
        return cash(self.n_on, self.n_on)

    @property
    def ts(self):
        """Test statistic, computed without the cancellation of ``stat_null - stat_max``.

        ``2 (n_on ln(n_on / mu_bkg) - (n_on - mu_bkg))``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> round(float(CashCountsStatistic(n_on=10, mu_bkg=5).ts), 6)  # 20 ln 2 - 10
        3.862944
        """
        return cash_ts(self.n_on, self.mu_bkg)

    def info_dict(self):
        """The summary as a dict (with ``mu_bkg``).

        Returns
        -------
        dict
            n_on, background, excess, significance, p_value and mu_bkg.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> info = CashCountsStatistic(n_on=10, mu_bkg=5).info_dict()
        >>> list(info)
        ['n_on', 'background', 'excess', 'significance', 'p_value', 'mu_bkg']
        >>> round(float(info["significance"]), 6)
        1.965437
        """
        return {**super().info_dict(), "mu_bkg": self.mu_bkg}

    def _extra_rows(self):
        return [("Predicted background counts", self.mu_bkg)]

    def compute_errn(self, n_sigma=1.0):
        """Downward error on the excess at ``n_sigma`` (0 where ``n_on = 0``).

        The distance below ``n_on`` at which the Cash statistic rises by ``n_sigma**2``.

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 1.

        Returns
        -------
        ndarray
            The error, shaped as ``n_sig``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> stat = CashCountsStatistic(n_on=[10, 0], mu_bkg=5)
        >>> stat.compute_errn().round(6)
        array([2.838105, 0.      ])
        """
        return np.broadcast_to(cash_errn(self.n_on, n_sigma), np.shape(self.n_sig)).copy()

    def compute_errp(self, n_sigma=1.0):
        """Upward error on the excess at ``n_sigma`` (``n_sigma**2 / 2`` where ``n_on = 0``).

        The distance above ``n_on`` at which the Cash statistic rises by ``n_sigma**2``.

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 1.

        Returns
        -------
        ndarray
            The error, shaped as ``n_sig``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> stat = CashCountsStatistic(n_on=[10, 0], mu_bkg=5)
        >>> stat.compute_errp().round(6)
        array([3.504033, 0.5     ])
        """
        return np.broadcast_to(cash_errp(self.n_on, n_sigma), np.shape(self.n_sig)).copy()

    def compute_upper_limit(self, n_sigma=3):
        """Upper limit on the excess at ``n_sigma``: ``n_sig + errp``.

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 3.

        Returns
        -------
        ndarray
            The upper limit on the excess counts.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> stat = CashCountsStatistic(n_on=10, mu_bkg=5)
        >>> round(float(stat.compute_upper_limit()), 5)  # 5 + compute_errp(3)
        17.69606
        """
        return cash_upper_limit(self.n_on, self.mu_bkg, n_sigma)

    def n_sig_matching_significance(self, significance):
        """Excess that gives ``significance`` over ``mu_bkg`` (NaN where ``mu_bkg <= 0``).

        Parameters
        ----------
        significance : float
            The significance to reach, in Gaussian sigmas.

        Returns
        -------
        ndarray
            The excess counts, shaped as ``mu_bkg``.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> stat = CashCountsStatistic(n_on=10, mu_bkg=5)
        >>> excess = stat.n_sig_matching_significance(3)
        >>> round(float(excess), 5)
        8.08173
        >>> round(float(CashCountsStatistic(5 + excess, 5).sqrt_ts), 6)
        3.0
        """
        return cash_excess_matching_significance(self.mu_bkg, significance)

    def sum(self, axis=None):
        """Counts and background summed over ``axis`` (all by default).

        Parameters
        ----------
        axis : int or tuple of int, optional
            Axes to sum over; default all.

        Returns
        -------
        CashCountsStatistic
            The statistic of the summed counts.

        Examples
        --------
        >>> from skymask.stats import CashCountsStatistic
        >>> total = CashCountsStatistic(n_on=[3, 4, 5], mu_bkg=[1, 2, 1.5]).sum()
        >>> int(total.n_on), float(total.n_bkg)
        (12, 4.5)
        """
        return CashCountsStatistic(self.n_on.sum(axis=axis), self.n_bkg.sum(axis=axis))

    def __getitem__(self, key):
        return CashCountsStatistic(self.n_on[key], self.n_bkg[key])


class WStatCountsStatistic(CountsStatistic):
    """On/off Poisson counts, the background measured in the off region (WStat).

    Parameters
    ----------
    n_on, n_off : array-like
        Counts in the on and off regions.
    alpha : array-like
        On/off exposure ratio.
    mu_sig : array-like, optional
        Expected signal in the on region (the null hypothesis); default 0.

    Examples
    --------
    >>> from skymask.stats import WStatCountsStatistic
    >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
    >>> float(stat.n_sig), round(float(stat.sqrt_ts), 6)
    (8.5, 3.585381)
    >>> round(float(stat.compute_errn()), 5), round(float(stat.compute_errp()), 5)
    (2.93247, 3.55926)
    """

    def __init__(self, n_on, n_off, alpha, mu_sig=None):
        self.n_on = np.asanyarray(n_on)
        self.n_off = np.asanyarray(n_off)
        self.alpha = np.asanyarray(alpha)
        self.mu_sig = np.zeros_like(self.n_on) if mu_sig is None else np.asanyarray(mu_sig)

    @property
    def n_bkg(self):
        """Background ``alpha * n_off``.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> WStatCountsStatistic(n_on=[10, 3], n_off=[5, 20], alpha=0.3).n_bkg
        array([1.5, 6. ])
        """
        return self.alpha * self.n_off

    @property
    def n_sig(self):
        """Excess ``n_on - alpha n_off - mu_sig``.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> WStatCountsStatistic(n_on=[10, 3], n_off=[5, 20], alpha=0.3).n_sig
        array([ 8.5, -3. ])
        """
        return self.n_on - self.n_bkg - self.mu_sig

    @property
    def error(self):
        """Approximate error on the excess, ``sqrt(n_on + alpha**2 n_off)``.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> float(WStatCountsStatistic(n_on=9, n_off=64, alpha=0.5).error)  # sqrt(9 + 16)
        5.0
        """
        return np.sqrt(self.n_on + self.alpha**2 * self.n_off)

    @property
    def stat_null(self):
        """WStat value for the signal ``mu_sig``.

        With the goodness-of-fit terms (`skymask.stats.wstat`), so ``stat_null - stat_max``
        is the test statistic.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
        >>> round(float(stat.stat_null), 6)  # the Li & Ma significance squared
        12.854959
        """
        return wstat(self.n_on, self.n_off, self.alpha, self.mu_sig)

    @property
    def stat_max(self):
        """WStat value at the best fit (signal ``n_on - alpha n_off``).

        Zero where the counts are positive: the best fit reproduces them.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> float(WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3).stat_max)
        0.0
        """
        return wstat(self.n_on, self.n_off, self.alpha, self.n_sig + self.mu_sig)

    def info_dict(self):
        """The summary as a dict (with ``n_off``, ``alpha``, ``mu_sig``).

        Returns
        -------
        dict
            n_on, background, excess, significance, p_value, n_off, alpha and mu_sig.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> info = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3).info_dict()
        >>> round(float(info["significance"]), 6), round(float(info["p_value"]), 8)
        (3.585381, 0.00016829)
        """
        info = super().info_dict()
        info.update(n_off=self.n_off, alpha=self.alpha, mu_sig=self.mu_sig)
        return info

    def _extra_rows(self):
        return [
            ("Off counts", self.n_off),
            ("alpha ", self.alpha),
            ("Predicted signal counts", self.mu_sig),
        ]

    def _stat(self, mu):
        return wstat(self.n_on, self.n_off, self.alpha, mu + self.mu_sig)

    def compute_errn(self, n_sigma=1.0):
        """Downward error on the excess: the TS rises by ``n_sigma**2`` below the best fit.

        Searched in gammapy's bracket ``n_sig - 2 n_sigma (error + 1)``; ``n_on`` where it
        holds no root (as gammapy).

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 1.

        Returns
        -------
        ndarray
            The error on the excess.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
        >>> round(float(stat.compute_errn()), 5)
        2.93247
        """
        n_sig = self.n_sig
        target = self.stat_max + n_sigma**2
        low = n_sig - 2 * n_sigma * (self.error + 1)
        root = _bisect(lambda mu: self._stat(mu) - target, low, n_sig)
        return np.where(np.isnan(root), self.n_on, n_sig - root).astype(float)

    def compute_errp(self, n_sigma=1.0):
        """Upward error on the excess (NaN where gammapy's bracket holds no root).

        Where the statistic rises by ``n_sigma**2`` above the best fit, searched up to
        ``n_sig + 2 n_sigma (error + 1)``.

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 1.

        Returns
        -------
        ndarray
            The error on the excess.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
        >>> round(float(stat.compute_errp()), 5)
        3.55926
        """
        n_sig = self.n_sig
        target = self.stat_max + n_sigma**2
        high = n_sig + 2 * n_sigma * (self.error + 1)
        return _bisect(lambda mu: self._stat(mu) - target, n_sig, high) - n_sig

    def compute_upper_limit(self, n_sigma=3):
        """Upper limit on the signal: where the statistic rises by ``n_sigma**2``.

        Above the best fit, searched up to ``n_sig + 2 n_sigma (error + 1)`` (NaN where that
        bracket holds no root, as gammapy).

        Parameters
        ----------
        n_sigma : float, optional
            Confidence level in Gaussian sigmas. Default 3.

        Returns
        -------
        ndarray
            The upper limit on the signal counts.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
        >>> round(float(stat.compute_upper_limit()), 5)
        21.30923
        """
        n_sig = self.n_sig
        target = self._stat(n_sig) + n_sigma**2
        high = n_sig + 2 * n_sigma * (self.error + 1)
        return _bisect(lambda mu: self._stat(mu) - target, n_sig, high)

    def _significance_of(self, excess):
        n_on = excess + self.n_bkg
        stat0 = wstat(n_on, self.n_off, self.alpha, 0)
        stat1 = wstat(n_on, self.n_off, self.alpha, excess)
        return np.sign(excess) * np.sqrt(np.clip(stat0 - stat1, 0, None))

    def n_sig_matching_significance(self, significance):
        """Excess whose significance over ``alpha n_off`` is ``significance`` (NaN if none).

        A deficit cannot be deeper than ``-alpha n_off`` (no on counts at all).

        Parameters
        ----------
        significance : float
            The significance to reach, in Gaussian sigmas (negative for a deficit).

        Returns
        -------
        ndarray
            The excess counts, shaped as ``alpha * n_off``.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=10, n_off=5, alpha=0.3)
        >>> excess = stat.n_sig_matching_significance(3)
        >>> round(float(excess), 5)
        6.62107
        >>> n_on = 1.5 + excess  # the Li & Ma significance of that excess is 3
        >>> round(float(WStatCountsStatistic(n_on=n_on, n_off=5, alpha=0.3).sqrt_ts), 6)
        3.0
        """
        n_bkg = np.asarray(self.n_bkg, dtype=float)
        shape = np.broadcast_shapes(n_bkg.shape, np.shape(self.n_off), np.shape(self.alpha))
        n_bkg = np.broadcast_to(n_bkg, shape)
        if significance == 0:
            return np.zeros(shape)

        def residual(excess):
            return self._significance_of(excess) - significance

        if significance > 0:
            high = np.sqrt(n_bkg) * significance + significance**2 + 1.0
            for _ in range(64):
                short = residual(high) < 0
                if not np.any(short):
                    break
                high = np.where(short, 2 * high, high)
            return _bisect(residual, np.zeros(shape), high)
        return _bisect(residual, -n_bkg, np.zeros(shape))

    def sum(self, axis=None):
        """On and off counts summed over ``axis``; alpha the ratio of the summed background.

        Parameters
        ----------
        axis : int or tuple of int, optional
            Axes to sum over; default all.

        Returns
        -------
        WStatCountsStatistic
            The statistic of the summed counts, ``alpha = sum(alpha n_off) / sum(n_off)``.

        Examples
        --------
        >>> from skymask.stats import WStatCountsStatistic
        >>> stat = WStatCountsStatistic(n_on=[3, 4], n_off=[10, 20], alpha=[0.1, 0.2])
        >>> total = stat.sum()
        >>> int(total.n_on), int(total.n_off), float(total.n_bkg)
        (7, 30, 5.0)
        """
        n_on = self.n_on.sum(axis=axis)
        n_off = self.n_off.sum(axis=axis)
        alpha = self.n_bkg.sum(axis=axis) / n_off
        return WStatCountsStatistic(n_on=n_on, n_off=n_off, alpha=alpha)

    def __getitem__(self, key):
        return WStatCountsStatistic(self.n_on[key], self.n_off[key], self.alpha[key])
