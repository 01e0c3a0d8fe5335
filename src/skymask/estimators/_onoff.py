"""On-off excess-map statistics on plain arrays (WStat), as gammapy's ``ExcessMapEstimator``.

Per image plane, with ``C`` the top-hat sum (zero outside the image) over the pixels of the
mask:

* ``n_on = rint(C(counts))``, ``n_off = C(counts_off)``;
* ``alpha = C(alpha_pixel * counts_off) / n_off`` (the background is 0 where the OFF acceptance
  is 0): the OFF-count-weighted mean of the pixels' ``alpha``, gammapy's definition, not
  ``C(acceptance) / C(acceptance_off)``;
* `skymask.stats.WStatCountsStatistic` of ``(n_on, n_off, alpha)`` gives the excess, TS,
  significance, errors, limits and sensitivity.

gammapy stores every correlated map as float32 (its ``Map.convolve``); the significance
depends on those roundings at the 1e-7 level, so the sums are rounded to float32 here too and
the statistics are then computed in float64: the results equal gammapy's to ~1e-11 (the sums
themselves are exact, not FFT round-off).
"""

from __future__ import annotations

import numpy as np

from ..kernels.correlation import TophatCorrelator
from ..stats import WStatCountsStatistic

__all__ = ["onoff_statistics"]


def onoff_statistics(
    counts,
    counts_off,
    background,
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
    correlate_off=True,
    acceptance=None,
    acceptance_off=None,
) -> dict:
    """WStat excess maps of stacks of image planes ``(n, ny, nx)``; NaN outside ``mask``.

    Parameters
    ----------
    counts, counts_off : ndarray
        ON and OFF counts per plane.
    background : ndarray
        ``alpha * counts_off`` per pixel, 0 where the OFF acceptance is 0.
    mask : ndarray of bool
        Pixels that enter the sums; outputs are NaN elsewhere.
    kernel : ndarray of bool
        Top-hat footprint.
    reco_exposure : ndarray, optional
        As in `skymask.estimators._core.excess_statistics`.
    n_sigma, n_sigma_ul, selection, n_sigma_sensitivity, sensitivity_threshold, method
        As in `skymask.estimators._core.excess_statistics`; ``selection`` may also hold
        ``"alpha"`` (the correlated alpha).
    correlate_off : bool
        False: gammapy's ``correlate_off=False``, ``n_off`` is the pixel's own OFF counts and
        ``alpha = C(acceptance) / acceptance_off`` (needs ``acceptance`` and
        ``acceptance_off``).
    acceptance, acceptance_off : ndarray, optional
        Per plane, for ``correlate_off=False``.

    Returns
    -------
    dict of str to float64 ndarray
        ``counts``, ``npred``, ``npred_excess``, ``ts``, ``sqrt_ts``, ``norm``, ``norm_err``,
        and the selected optional maps.
    """
    mask = np.asarray(mask, dtype=bool)
    correlate = TophatCorrelator(kernel, mask.shape[-2:], method)
    result = {}
    for k in range(mask.shape[0]):
        values = _plane(
            correlate,
            counts[k],
            counts_off[k],
            background[k],
            mask[k],
            None if reco_exposure is None else reco_exposure[k],
            n_sigma=n_sigma,
            n_sigma_ul=n_sigma_ul,
            selection=selection,
            n_sigma_sensitivity=n_sigma_sensitivity,
            sensitivity_threshold=sensitivity_threshold,
            uncorrelated=None if correlate_off else (acceptance[k], acceptance_off[k]),
        )
        for name, selected in values.items():
            if name not in result:
                result[name] = np.full(mask.shape, np.nan)
            result[name][k][mask[k]] = selected
    return result


def _sum32(correlate, image, mask, **flags):
    """The top-hat sum over the mask, rounded to float32 as gammapy stores it."""
    return correlate(np.where(mask, image, 0.0), **flags).astype(np.float32)


def _plane(
    correlate,
    counts,
    counts_off,
    background,
    mask,
    reco_exposure,
    *,
    n_sigma,
    n_sigma_ul,
    selection,
    n_sigma_sensitivity,
    sensitivity_threshold,
    uncorrelated=None,
) -> dict:
    integer = bool(np.all(counts == np.rint(counts)))
    n_on = np.rint(_sum32(correlate, counts, mask, integer=integer, nonnegative=True))[mask]
    if uncorrelated is None:
        n_off = _sum32(correlate, counts_off, mask, nonnegative=True)[mask]
        background_sum = _sum32(correlate, background, mask, nonnegative=True)[mask]
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = background_sum / n_off  # float32 / float32, as gammapy
    else:
        acceptance, acceptance_off = uncorrelated
        n_off = counts_off[mask].astype(np.float32)
        acceptance_sum = _sum32(correlate, acceptance, mask, nonnegative=True)[mask]
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = (acceptance_sum / acceptance_off[mask]).astype(np.float32)
    # float32 arrays, as gammapy hands them over: its excess n_on - alpha n_off (and so the
    # signal at the likelihood maximum) is computed in float32.
    stat = WStatCountsStatistic(n_on, n_off, alpha, np.zeros(n_on.shape, np.float32))
    if reco_exposure is None:
        exposure = np.ones(n_on.shape)
    else:
        # gammapy's conv(exposure) / conv(mask), as for MapDataset: the exposure is summed
        # over the whole top-hat (pixels outside mask_fit too), the count over the mask.
        n_mask = correlate(mask.astype(float), integer=True)[mask]
        exposure = correlate(reco_exposure)[mask] / n_mask
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = stat.n_sig.astype(float)
        values = {
            "counts": n_on.astype(float),
            "npred": n_on.astype(float),
            "npred_excess": excess,
            "ts": stat.ts,
            "sqrt_ts": stat.sqrt_ts,
            "norm": excess / exposure,
            "norm_err": stat.error.astype(float) * n_sigma / exposure,
        }
        if "errn-errp" in selection:
            values["norm_errn"] = stat.compute_errn(n_sigma) / exposure
            values["norm_errp"] = stat.compute_errp(n_sigma) / exposure
        if "ul" in selection:
            values["norm_ul"] = stat.compute_upper_limit(n_sigma_ul) / exposure
        if "sensitivity" in selection:
            sensitivity = stat.n_sig_matching_significance(n_sigma_sensitivity)
            if sensitivity_threshold is not None:
                gamma_min, fraction = sensitivity_threshold
                sensitivity = np.maximum(np.maximum(sensitivity, gamma_min), fraction * stat.n_bkg)
            values["norm_sensitivity"] = sensitivity / exposure
        if "alpha" in selection:
            values["alpha"] = alpha.astype(float)
    return values
