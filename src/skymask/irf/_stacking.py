"""Stacking and slicing IRF maps (a PSF or EDisp map with its exposure map), as gammapy's
``IRFMap.stack`` and ``IRFMap.slice_by_idx``."""

from __future__ import annotations

import numpy as np

from ..maps import Map
from ..maps.hpx.stacking import overlap

__all__ = [
    "cutout_irf_maps",
    "downsample_irf_maps",
    "slice_irf_maps",
    "stack_irf_maps",
    "weights_data",
]


def _exposure_follows(irf_map, exposure_map, name) -> bool:
    """Whether the exposure map has the IRF map's axis ``name`` unsquashed (the energy axis
    and any extra axis such as an event type; not ``rad``, ``migra`` or ``energy`` of an
    EDisp kernel, which the exposure has as one bin)."""
    if name not in exposure_map.geom.axes.names or name not in irf_map.geom.axes.names:
        return False
    return exposure_map.geom.axes[name].nbin == irf_map.geom.axes[name].nbin


def slice_irf_maps(irf_map, exposure_map, slices, energy_name="energy_true"):
    """The IRF map sliced along the axes it has (other keys are ignored); the exposure map
    along the same axes where it has them unsquashed (``energy_name`` and any extra axis),
    as gammapy for ``energy_true``."""
    if not isinstance(slices, dict):
        raise TypeError(f"slices must be a dict of axis name to slice or int, got {slices!r}")

    def cut(m):
        if m is None:
            return None
        names = [axis.name for axis in m.geom.axes]
        own = {key: value for key, value in slices.items() if key in names}
        return m.slice_by_idx(own) if own else m.copy()

    exposure_slices = {}
    if exposure_map is not None:
        exposure_slices = {
            k: v
            for k, v in slices.items()
            if k == energy_name or _exposure_follows(irf_map, exposure_map, k)
        }
    if exposure_map is not None and exposure_slices:
        exposure_map = exposure_map.slice_by_idx(exposure_slices)
    return cut(irf_map), exposure_map


def weights_data(weights, geom) -> np.ndarray:
    data = weights.data if isinstance(weights, Map) else np.asarray(weights)
    try:
        return np.broadcast_to(data, geom.data_shape)
    except ValueError:
        raise ValueError(
            f"weights of shape {np.shape(data)} do not match the map's shape {geom.data_shape}"
        ) from None


def _sky_overlap(irf, other_irf, exposure, other_exposure, what) -> tuple[tuple, tuple]:
    """``(this map's index, the other map's index)`` of the sky pixels both IRF maps have:
    everything for equal geometries; on HEALPix also an aligned part of the sky (gammapy's
    ``HpxNDMap.stack``), with the same non-spatial axes."""
    if irf.geom == other_irf.geom and exposure.geom == other_exposure.geom:
        return (Ellipsis,), (Ellipsis,)
    if (
        getattr(irf.geom, "is_hpx", False)
        and getattr(other_irf.geom, "is_hpx", False)
        and irf.geom.axes == other_irf.geom.axes
        and exposure.geom.axes == other_exposure.geom.axes
    ):
        return overlap(irf.geom.to_image(), other_irf.geom.to_image())
    raise ValueError(
        f"cannot stack {what} on another sky grid or axes: {other_irf.geom!r} vs {irf.geom!r}"
        "; a HEALPix IRF map takes the same nside, ordering, frame and axes (any pixels)"
    )


def stack_irf_maps(this, other, weights, nan_to_num) -> None:
    """gammapy's ``IRFMap.stack`` (``this`` is changed in place): equal geometries, or on
    HEALPix an aligned part of the sky, whose pixels are added at their place (pixels this
    map lacks are left out).

    The exposure is stacked with the weights OR-reduced over the axes the exposure map has
    squashed (gammapy reduces an EDisp mask over reconstructed energy). ``weights`` are on
    the other map's grid.
    """
    irf, other_irf = this._irf_map_for_stack, other._irf_map_for_stack
    mine, theirs = _sky_overlap(
        irf, other_irf, this.exposure_map, other.exposure_map, type(other).__name__
    )
    exposure = this.exposure_map.data.astype(float)
    other_exposure = other.exposure_map.data.astype(float)
    added = other_irf.data * other_exposure
    exposure_weight = 1.0
    if weights is not None:
        weight = weights_data(weights, other_irf.geom)
        added = added * weight
        squashed = tuple(
            i
            for i, (n_irf, n_exposure) in enumerate(
                zip(weight.shape, other_exposure.shape, strict=True)
            )
            if n_exposure == 1 and n_irf > 1
        )
        exposure_weight = np.any(weight, axis=squashed, keepdims=True) if squashed else weight
    if nan_to_num:
        added = np.nan_to_num(added)
    other_added = np.broadcast_to(other_exposure * exposure_weight, other_exposure.shape)
    if nan_to_num:
        other_added = np.nan_to_num(other_added)
    if mine == (Ellipsis,):
        _average(irf.data, exposure, added, other_added, this.exposure_map.data)
        return
    # Only the shared pixels change; gammapy multiplies and divides the whole map by the
    # exposure, which elsewhere only zeroes the IRF where there is no exposure.
    irf_shared, exposure_map_shared = irf.data[mine], this.exposure_map.data[mine]
    _average(irf_shared, exposure[mine], added[theirs], other_added[theirs], exposure_map_shared)
    irf.data[mine], this.exposure_map.data[mine] = irf_shared, exposure_map_shared
    # (whole-map passes only where needed: most maps have exposure and finite values)
    no_exposure = exposure == 0
    no_exposure[..., mine[-1]] = False
    if no_exposure.any():
        irf.data[...] = np.where(no_exposure, 0, irf.data)
    if not np.all(np.isfinite(irf.data)):
        irf.data[...] = np.nan_to_num(irf.data)


def _average(irf_data, exposure, added, other_exposure, exposure_out) -> None:
    """In place: ``irf = (irf * exposure + added) / (exposure + other_exposure)`` (0 where
    the new exposure is 0 or the result not finite), ``exposure_out`` the new exposure."""
    total = irf_data * exposure + added
    new_exposure = exposure + other_exposure
    exposure_out[...] = new_exposure
    with np.errstate(invalid="ignore", divide="ignore"):
        irf_data[...] = np.nan_to_num(total / new_exposure)


def cutout_irf_maps(irf_map, exposure_map, position, width, mode="trim", min_npix=3):
    """Both maps cut out around ``position`` (at least ``min_npix`` IRF pixels, as gammapy)."""
    cut = irf_map.cutout(position, width, mode=mode, min_npix=min_npix)
    exposure = None
    if exposure_map is not None:
        exposure = exposure_map.cutout(position, width, mode=mode, min_npix=min_npix)
    return cut, exposure


def downsample_irf_maps(
    irf_map, exposure_map, factor, axis_name=None, weights=None, energy_name="energy_true"
):
    """gammapy's ``IRFMap.downsample``: sky pixels averaged, axis bins summed (weighted); the
    exposure follows the sky pixels and ``energy_name``."""
    preserve_counts = axis_name is not None
    down = irf_map.downsample(
        factor=factor, axis_name=axis_name, preserve_counts=preserve_counts, weights=weights
    )
    exposure = None
    if exposure_map is not None:
        if axis_name in (None, energy_name) or _exposure_follows(irf_map, exposure_map, axis_name):
            exposure = exposure_map.downsample(
                factor=factor, axis_name=axis_name, preserve_counts=preserve_counts
            )
        else:
            exposure = exposure_map.copy()
    return down, exposure
