"""Exposure in reconstructed energy: true-energy exposure folded through a spectrum and the
energy dispersion (what the norm maps of `ExcessMapEstimator` divide by)."""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.units.utils import is_effectively_unity

from ..irf.edisp import overlap_fraction
from ..maps import Map
from ..utils.units import describe
from .spectral import as_spectral_model

__all__ = ["estimate_exposure_reco_energy"]


def _true_energy_axis(exposure: Map):
    names = [name.lower() for name in exposure.geom.axes.names]
    if names == ["energy_true"]:
        return exposure.geom.axes["energy_true"]
    if names == ["energy"]:
        # gammapy renames an exposure axis called "energy" on reading: it is true energy.
        return exposure.geom.axes["energy"].copy(name="energy_true")
    raise ValueError(
        f"the exposure map needs a single true-energy axis ('energy_true'), got axes {names}"
    )


def _migration_matrix(edisp, energy_axis, energy_axis_true) -> np.ndarray:
    """(n_true, n_reco) matrix from ``edisp.get_edisp_kernel()``, or the diagonal response."""
    if edisp is None:
        return overlap_fraction(energy_axis, energy_axis_true)
    if "migra" in edisp.edisp_map.geom.axes.names:
        # An EDispMap: its kernel for the counts binning at the map centre (gammapy's).
        kernel = edisp.get_edisp_kernel(energy_axis=energy_axis)
    else:
        kernel = edisp.get_edisp_kernel()
    kernel_axis = getattr(kernel, "energy_axis", None)
    if kernel_axis is not None and not kernel_axis.is_allclose(energy_axis):
        raise ValueError(
            f"the energy dispersion's reconstructed axis {kernel_axis!r} differs from the counts "
            f"axis {energy_axis!r}; resample the dataset so that they match"
        )
    matrix = np.asarray(getattr(kernel, "data", kernel), dtype=float)
    expected = (energy_axis_true.nbin, energy_axis.nbin)
    if matrix.shape != expected:
        raise ValueError(
            f"the energy dispersion matrix has shape {matrix.shape}, but the exposure and counts "
            f"axes need {expected} (energy_true, energy)"
        )
    return matrix


def _fold(npred_true, matrix) -> np.ndarray:
    """``reco[j] = sum_i npred_true[i] matrix[i, j]`` for every pixel (one matrix product).

    A diagonal matrix (no energy dispersion, the same bins) with finite values: the terms
    ``0 * npred_true[i]`` of the product are exact zeros, so ``reco[j]`` is the one product
    ``npred_true[j] * matrix[j, j]`` (or ``npred_true`` itself for ones), the same numbers
    without the matrix product over the whole cube. Non-finite values keep the product (a NaN
    times 0 spreads to every reconstructed bin there, as before).
    """
    ny, nx = npred_true.shape[-2:]
    n_true, n_reco = matrix.shape
    if n_true == n_reco:
        off_diagonal = np.array(matrix, dtype=float)
        np.fill_diagonal(off_diagonal, 0.0)
        if not off_diagonal.any() and np.isfinite(npred_true).all():
            diagonal = np.diagonal(matrix)
            if np.all(diagonal == 1):
                return npred_true
            return npred_true * diagonal[:, np.newaxis, np.newaxis]
    return (matrix.T @ npred_true.reshape(n_true, -1)).reshape(-1, ny, nx)


def estimate_exposure_reco_energy(dataset, spectral_model=None, normalize=True) -> Map:
    """Exposure folded with a spectrum and the energy dispersion, on the counts geometry.

    ``npred_true[i] = exposure[i] * integral of the model over true bin i``, then
    ``reco[j] = sum_i npred_true[i] * edisp[i, j]`` with the dataset's migration matrix at the
    centre of its edisp map (as gammapy), or the overlap of the bins without an edisp.

    Parameters
    ----------
    dataset : MapDataset-like
        Needs ``counts`` (axis ``energy``), ``exposure`` (axis ``energy_true``) and ``edisp``
        (an `~skymask.irf.EDispKernelMap`, anything with ``get_edisp_kernel()``, or None).
    spectral_model : None, float or model
        See `~skymask.estimators.spectral.as_spectral_model` (default power law of index 2).
    normalize : bool
        Divide by the model's integral flux in each reconstructed bin (result in ``cm2 s``).
        Otherwise the result is the predicted counts per unit norm (dimensionless).

    Returns
    -------
    `~skymask.maps.Map`
        Axis ``energy`` of the counts, float64; chunked (lazy) if the exposure is.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
    >>> dataset = MapDataset.create(geom, background=2.0)
    >>> dataset.counts.data[...] = 3.0
    >>> from skymask.estimators import estimate_exposure_reco_energy
    >>> dataset.exposure.data[...] = 1e6
    >>> dataset.exposure.unit
    Unit("m2 s")
    >>> estimate_exposure_reco_energy(dataset).quantity[:, 0, 0]
    <Quantity [1.e+10] cm2 s>
    """
    model = as_spectral_model(spectral_model)
    exposure = dataset.exposure
    if exposure is None:
        raise ValueError("the dataset has no exposure: the reconstructed exposure needs one")
    counts_geom = dataset.counts.geom
    if exposure.geom.to_image() != counts_geom.to_image():
        raise ValueError(
            f"the exposure sky grid {exposure.geom.to_image()!r} differs from the counts grid "
            f"{counts_geom.to_image()!r}; reproject the exposure first"
        )
    energy_axis = counts_geom.axes["energy"]
    energy_axis_true = _true_energy_axis(exposure)
    edges = energy_axis_true.edges
    flux = u.Quantity(model.integral(edges[:-1], edges[1:]))
    try:
        scale = (exposure.unit * flux.unit).to(u.dimensionless_unscaled)
    except u.UnitConversionError:
        raise u.UnitConversionError(
            f"exposure ({exposure.unit}) times the model's integral flux ({flux.unit}) must be "
            f"dimensionless; check the exposure unit (e.g. 'cm2 s') and {describe(model)}"
        ) from None
    matrix = _migration_matrix(getattr(dataset, "edisp", None), energy_axis, energy_axis_true)
    if exposure.is_chunked:
        # Lazily, chunk by chunk (each chunk with the whole true-energy axis): the operations
        # of the in-memory branch in the same order (astropy's to_value("") multiplies by the
        # scale only when it is not unity).
        npred_true = exposure.data.rechunk({0: -1}) * flux.value[:, np.newaxis, np.newaxis]
        if not is_effectively_unity(scale):
            npred_true = npred_true * scale
        reco = npred_true.map_blocks(
            _fold, matrix, chunks=((matrix.shape[1],), *npred_true.chunks[1:]), dtype=float
        )
    else:
        # astropy's (exposure.quantity * flux).to_value("") without its Quantity temporaries:
        # the same float64 product, scaled in place
        npred_true = np.multiply(exposure.data, flux.value[:, np.newaxis, np.newaxis])
        if not is_effectively_unity(scale):
            npred_true *= scale
        reco = _fold(npred_true, matrix)
    unit = ""
    if normalize:
        reco_edges = energy_axis.edges
        reference = u.Quantity(model.integral(reco_edges[:-1], reco_edges[1:]))
        with np.errstate(divide="ignore", invalid="ignore"):
            reco = reco / reference.to_value("cm-2 s-1")[:, np.newaxis, np.newaxis]
        unit = "cm2 s"
    return Map.from_geom(counts_geom, data=reco, unit=unit)
