"""Energy-dispersion matrices on plain arrays: Gaussian migration, bin overlaps, resampling.

A matrix ``m[i, j]`` is the probability that a photon of true-energy bin ``i`` is
reconstructed in bin ``j``. Energies are floats in one unit chosen by the caller.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erf

__all__ = ["gaussian_migration_matrix", "overlap_matrix"]

#: gammapy 2.1's migration grid for ``EDispKernel.from_gauss``: 200 linear bins of
#: ``migra = E_reco / E_true`` from 1/3 to 3.
MIGRA_EDGES = np.linspace(1.0 / 3.0, 3.0, 201)


def gaussian_migration_matrix(
    energy_true_center,
    energy_edges,
    sigma,
    bias,
    *,
    pdf_threshold: float = 1e-6,
    threshold: float = 1e-8,
    migra_edges=MIGRA_EDGES,
) -> np.ndarray:
    """Migration matrix of a Gaussian in ``migra = E_reco / E_true``, gammapy's way.

    The density of ``migra`` is a Gaussian of mean ``1 + bias`` and width ``sigma`` averaged
    over each bin of ``migra_edges`` (densities below ``pdf_threshold`` are set to 0) and
    normalised over the grid; its cumulative integral, linear between the grid edges and
    constant outside, is differenced at ``energy_edges / energy_true_center``. Entries below
    ``threshold`` are set to 0.

    Parameters
    ----------
    energy_true_center : array, shape (n_true,)
        True energies at which the matrix rows are computed (bin centres).
    energy_edges : array, shape (n_reco + 1,)
        Reconstructed-energy bin edges, in the unit of ``energy_true_center``.
    sigma, bias : float or array of shape (n_true,)
        Relative resolution and bias per true energy.
    pdf_threshold, threshold : float
        Zero suppression of the migration density and of the matrix.
    migra_edges : array
        The migration grid.

    Returns
    -------
    ndarray, shape (n_true, n_reco)
    """
    energy_true = np.asarray(energy_true_center, dtype=float).reshape(-1, 1)
    edges = np.asarray(energy_edges, dtype=float).reshape(1, -1)
    migra = np.asarray(migra_edges, dtype=float)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float).reshape(-1, 1), energy_true.shape)
    bias = np.broadcast_to(np.asarray(bias, dtype=float).reshape(-1, 1), energy_true.shape)

    scale = np.sqrt(2.0) * sigma
    upper = erf((migra[1:] - 1.0 - bias) / scale)
    lower = erf((migra[:-1] - 1.0 - bias) / scale)
    width = np.diff(migra)
    density = (upper - lower) / 2.0 / width
    density[density < pdf_threshold] = 0.0
    cumulative = np.concatenate(
        [np.zeros((len(energy_true), 1)), np.cumsum(density * width, axis=1)], axis=1
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        cumulative = np.nan_to_num(cumulative / cumulative[:, -1:])

    ratio = edges / energy_true
    at_edges = np.stack(
        [
            np.interp(row_ratio, migra, row_cdf)
            for row_ratio, row_cdf in zip(ratio, cumulative, strict=True)
        ]
    )
    matrix = np.clip(np.diff(at_edges, axis=1), 0.0, None)
    matrix[matrix < threshold] = 0.0
    return matrix


def overlap_matrix(true_edges, reco_edges) -> np.ndarray:
    """Fraction of each true-energy bin inside each reconstructed bin (shape (n_true, n_reco)).

    The migration matrix of a perfect resolution: the identity when the edges agree.
    """
    true_edges = np.asarray(true_edges, dtype=float)
    reco_edges = np.asarray(reco_edges, dtype=float)
    low = np.fmax(reco_edges[:-1], true_edges[:-1, np.newaxis])
    high = np.fmin(reco_edges[1:], true_edges[1:, np.newaxis])
    return np.clip(high - low, 0.0, None) / np.diff(true_edges)[:, np.newaxis]
