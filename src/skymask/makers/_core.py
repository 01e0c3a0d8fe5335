"""Background-maker arithmetic on plain arrays: the FoV norm (the ring sums are
`skymask.kernels.correlation.ring_sums`).

Ring sums (in `skymask.kernels.correlation`)
    The ring around a pixel is every pixel whose centre offset ``(dx, dy)`` satisfies
    ``r_in <= d <= r_out`` with ``d^2 = (dx sx)^2 + (dy sy)^2`` (both edges inclusive, with a
    relative slack of about 1e-9 so that a radius of exactly n pixels includes the pixels at
    distance n). It is the closed disk of radius ``r_out`` minus the open disk of radius
    ``r_in``, so each ring sum is the difference of two top-hat sums from
    `skymask.kernels.correlation.TophatCorrelator`: FFT (cost independent of the ring size) or
    running row sums (cost growing with the radius, not the ring area), whichever is faster.
    Outside the image counts as zero.

FoV norm
    With one scale factor ``norm`` for the background ``b_i`` in the allowed pixels, the Cash
    statistic ``C(norm) = 2 sum(norm b_i - n_i ln(norm b_i))`` has its minimum at
    ``norm = N / B`` with ``N`` the counts in pixels with ``b_i > 0`` and ``B = sum b_i``, and its
    curvature gives ``sigma = sqrt(N) / B``. Pixels with counts but no background cannot be
    fitted by scaling and do not move the minimum.
"""

from __future__ import annotations

import numpy as np

from .. import stats

__all__ = ["fit_norm", "scale_norm"]


def scale_norm(n_total: float, b_total: float) -> tuple[float, float]:
    """gammapy's "scale" norm ``N / B`` and its error ``sqrt(N) / B``.

    Examples
    --------
    >>> scale_norm(100.0, 50.0)
    (2.0, 0.2)
    """
    n_total, b_total = np.float64(n_total), np.float64(b_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(n_total / b_total), float(np.sqrt(n_total) / b_total)


def fit_norm(counts, background, n_sigma: float = 1.0) -> dict:
    """Maximum-likelihood (Cash) norm of ``background`` for ``counts``, with its errors.

    Parameters
    ----------
    counts, background : 1-D ndarray
        Counts and background of the allowed pixels (background >= 0).
    n_sigma : float
        Confidence of the errors.

    Returns
    -------
    dict
        ``norm`` (N / B over pixels with background > 0), ``error`` (from the curvature of
        the Cash statistic, ``sqrt(N) / B``), ``errn`` and ``errp`` (where the profile rises
        by ``n_sigma**2``), ``counts`` N and ``background`` B.

    Examples
    --------
    >>> import numpy as np
    >>> result = fit_norm(np.array([3.0, 5.0, 2.0]), np.array([1.0, 4.0, 0.0]))
    >>> result["norm"], result["counts"]
    (1.6, 8.0)
    """
    counts = np.asarray(counts, dtype=float)
    background = np.asarray(background, dtype=float)
    modelled = background > 0
    n_total = float(counts[modelled].sum())
    b_total = float(background[modelled].sum())
    norm, _ = scale_norm(n_total, b_total)
    # The Cash curvature d2C/dnorm2 = 2 N / norm^2 gives sigma = norm / sqrt(N).
    error = n_sigma * np.sqrt(n_total) / b_total if b_total > 0 else np.nan
    errn = float(stats.cash_errn(n_total, n_sigma)) / b_total if b_total > 0 else np.nan
    errp = float(stats.cash_errp(n_total, n_sigma)) / b_total if b_total > 0 else np.nan
    return {
        "norm": norm,
        "error": float(error),
        "errn": errn,
        "errp": errp,
        "counts": n_total,
        "background": b_total,
    }
