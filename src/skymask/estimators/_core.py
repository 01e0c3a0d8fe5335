"""Excess-map statistics on plain arrays: correlated counts, background, TS, significance, norms.

Images are float64 arrays of shape ``(n, ny, nx)`` (a stack of image planes), masks bool arrays
of the same shape. The top-hat sums come from `skymask.kernels.correlation`; the statistics
from `skymask.stats` (Cash).
"""

from __future__ import annotations

import numpy as np

from .. import stats
from ..kernels.correlation import TophatCorrelator

__all__ = ["excess_statistics", "statistics"]

# Above this fraction of mask pixels a plane's statistics are computed on the whole plane.
_DENSE_FRACTION = 0.5


def excess_statistics(
    counts,
    npred,
    mask,
    kernel,
    reco_exposure=None,
    *,
    n_sigma=1.0,
    n_sigma_ul=2.0,
    selection=(),
    n_sigma_sensitivity=5.0,
    sensitivity_threshold=None,
    method="auto",
) -> dict:
    """Correlated counts, background, TS, significance and norms for stacks of image planes.

    Parameters
    ----------
    counts, npred : ndarray, shape (n, ny, nx)
        Counts and predicted background per plane (energy group).
    mask : ndarray of bool, shape (n, ny, nx)
        Pixels that enter the sums; outputs are NaN elsewhere.
    kernel : ndarray of bool
        Top-hat footprint (`skymask.kernels.footprint.disk_footprint`).
    reco_exposure : ndarray, shape (n, ny, nx), optional
        Predicted counts per unit norm. Its correlation is divided by the number of mask
        pixels under the kernel (gammapy's ``conv(exposure) / conv(mask)``). None: norm = counts.
    n_sigma, n_sigma_ul : float
        Confidence of the errors and of the upper limits.
    selection : collection of str
        Optional outputs: ``"errn-errp"``, ``"ul"``, ``"sensitivity"``.
    n_sigma_sensitivity : float
        Significance for ``norm_sensitivity``.
    sensitivity_threshold : (float, float), optional
        ``(gamma_min, bkg_syst_fraction)``: the sensitivity excess is raised to at least
        ``gamma_min`` counts and ``bkg_syst_fraction`` times the correlated background.
    method : {"auto", "direct", "fft"}

    Returns
    -------
    dict of str to float64 ndarray
        ``counts``, ``npred`` (the same values), ``npred_excess``, ``ts``, ``sqrt_ts``,
        ``norm``, ``norm_err`` and the selected optional maps; NaN outside ``mask``.
    """
    counts = np.asarray(counts)
    mask = np.asarray(mask, dtype=bool)
    correlate = TophatCorrelator(kernel, counts.shape[-2:], method)
    options = {"n_sigma": n_sigma, "n_sigma_ul": n_sigma_ul, "selection": selection}
    options.update(
        n_sigma_sensitivity=n_sigma_sensitivity, sensitivity_threshold=sensitivity_threshold
    )
    result = {}
    # One plane at a time: the temporaries stay at a few image sizes.
    for k in range(counts.shape[0]):
        exposure = None if reco_exposure is None else reco_exposure[k]
        values = _plane_statistics(correlate, counts[k], npred[k], mask[k], exposure, **options)
        dense = next(iter(values.values())).ndim == 2
        for name, selected in values.items():
            if name not in result:
                result[name] = np.full(counts.shape, np.nan)
            if dense:
                np.copyto(result[name][k], selected, where=mask[k])
            else:
                result[name][k][mask[k]] = selected
    return result


def _plane_statistics(
    correlate,
    counts,
    npred,
    mask,
    reco_exposure,
    *,
    n_sigma,
    n_sigma_ul,
    selection,
    n_sigma_sensitivity,
    sensitivity_threshold,
) -> dict:
    """Statistics of one plane, as 1-D arrays over the pixels inside ``mask``."""
    # The sums of every quantity in one call: one zero-padded stack, one forward and one
    # inverse FFT call, the kernel's transform shared.
    integer_counts = bool(np.all(counts == np.rint(counts), where=mask))
    nonnegative_npred = bool(np.all(npred >= 0, where=mask))
    images, wheres = [counts, npred], [mask, mask]
    integer, nonnegative = [integer_counts, False], [True, nonnegative_npred]
    if reco_exposure is not None:
        images += [mask, reco_exposure]
        wheres += [None, None]
        integer += [True, False]
        nonnegative += [False, False]
    sums = correlate.many(images, wheres, integer=integer, nonnegative=nonnegative)
    # Mostly inside the mask: the statistics of whole planes (every sum is finite there, the
    # counts' >= 0), kept inside the mask by the caller, cost less than picking the mask's
    # pixels out of four planes and scattering seven results back. The values inside the
    # mask are the same (every statistic is computed pixel by pixel).
    if np.count_nonzero(mask) > _DENSE_FRACTION * mask.size:
        n_on, mu = sums[0], sums[1]
        exposure = None
        if reco_exposure is not None:
            with np.errstate(divide="ignore", invalid="ignore"):  # no mask pixel near: 0 / 0
                exposure = sums[3] / sums[2]
    else:
        n_on, mu = sums[0][mask], sums[1][mask]
        # gammapy's conv(exposure) / conv(mask); no exposure (None): the norm is in counts.
        exposure = None if reco_exposure is None else sums[3][mask] / sums[2][mask]
    return statistics(
        n_on,
        mu,
        exposure,
        n_sigma=n_sigma,
        n_sigma_ul=n_sigma_ul,
        selection=selection,
        n_sigma_sensitivity=n_sigma_sensitivity,
        sensitivity_threshold=sensitivity_threshold,
    )


def statistics(
    n_on,
    mu,
    exposure,
    *,
    n_sigma,
    n_sigma_ul,
    selection,
    n_sigma_sensitivity,
    sensitivity_threshold,
) -> dict:
    """The output maps from the correlated counts ``n_on``, background ``mu`` and mean
    exposure (None: 1), pixel by pixel (1-D arrays; also the chunked path's per-chunk step)."""
    if exposure is None:
        exposure = np.ones(n_on.shape)
    excess = n_on - mu
    ts = stats.cash_ts(n_on, mu)
    values = {
        "counts": n_on,
        "npred": n_on,
        "npred_excess": excess,
        "ts": ts,
        "sqrt_ts": np.sign(excess) * np.sqrt(ts),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        values["norm"] = excess / exposure
        values["norm_err"] = np.sqrt(n_on) * n_sigma / exposure
        if "errn-errp" in selection:
            values["norm_errn"] = stats.cash_errn(n_on, n_sigma) / exposure
            values["norm_errp"] = stats.cash_errp(n_on, n_sigma) / exposure
        if "ul" in selection:
            values["norm_ul"] = stats.cash_upper_limit(n_on, mu, n_sigma_ul) / exposure
        if "sensitivity" in selection:
            sensitivity = stats.cash_excess_matching_significance(mu, n_sigma_sensitivity)
            if sensitivity_threshold is not None:
                gamma_min, fraction = sensitivity_threshold
                # np.maximum keeps NaN (no background: no sensitivity), as gammapy does.
                sensitivity = np.maximum(np.maximum(sensitivity, gamma_min), fraction * mu)
            values["norm_sensitivity"] = sensitivity / exposure
    return values
