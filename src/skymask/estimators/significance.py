"""Li & Ma significance maps of on-off datasets (the statistics of `MapDatasetOnOff`).

The friendly layer: it sums the dataset's maps (over energy unless ``per_energy``), correlates
them with the one top-hat footprint (`skymask.kernels.correlation`, radius through
`WcsGeom.width_in_pixels`) and applies `skymask.stats.li_ma_significance`.
"""

from __future__ import annotations

import numpy as np

from .. import stats
from ..kernels.correlation import TophatCorrelator
from ..kernels.footprint import disk_footprint
from ..maps import Map
from ..utils.units import as_angle

__all__ = ["li_ma_significance_map"]


def li_ma_significance_map(dataset, correlation_radius=None, *, per_energy=False, method="auto"):
    """Li & Ma (1983, eq. 17) significance map of an on-off dataset's ON counts.

    Parameters
    ----------
    dataset : `~skymask.datasets.MapDatasetOnOff`
        ``counts``, ``counts_off``, ``acceptance``, ``acceptance_off`` and its ``mask``.
    correlation_radius : angle, optional
        Sum the four maps over a top-hat of this radius first (plain numbers are degrees);
        then ``alpha = sum(acceptance) / sum(acceptance_off)``. None: no correlation.
    per_energy : bool
        Keyword only. False: the energy bins are summed first (one energy bin out); True: one
        map per bin.
    method : {"auto", "direct", "fft"}
        How the top-hat sums are computed.

    Returns
    -------
    `~skymask.maps.Map`
        Float64 significance; NaN outside ``mask`` and where the OFF acceptance is 0.

    Examples
    --------
    >>> from skymask.datasets import MapDatasetOnOff
    >>> from skymask.maps import Map, WcsGeom
    >>> geom = WcsGeom.create(npix=3, binsz=0.1)
    >>> on_off = MapDatasetOnOff(
    ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
    ...     acceptance=Map.from_geom(geom, data=1.0),
    ...     acceptance_off=Map.from_geom(geom, data=4.0))
    >>> round(float(li_ma_significance_map(on_off).data[1, 1]), 4)
    1.7099
    """
    mask = dataset.mask
    shape = dataset.geom.data_shape
    used = np.ones(shape, bool) if mask is None else mask.data
    arrays = {
        name: np.where(used, np.asarray(getattr(dataset, name).data, dtype=float), 0.0)
        for name in ("counts", "counts_off", "acceptance", "acceptance_off")
    }
    geom = dataset.geom
    if not per_energy and geom.axes:
        arrays = {k: v.reshape(-1, *shape[-2:]).sum(axis=0)[np.newaxis] for k, v in arrays.items()}
        used = used.reshape(-1, *shape[-2:]).any(axis=0)[np.newaxis]
        for axis in geom.axes:
            geom = geom.squash(axis.name)
    else:
        arrays = {k: v.reshape(-1, *shape[-2:]) for k, v in arrays.items()}
        used = used.reshape(-1, *shape[-2:])
    if correlation_radius is not None:
        kernel = _kernel(dataset.geom, correlation_radius)
        correlate = TophatCorrelator(kernel, shape[-2:], method)
        for key, value in arrays.items():
            integer = bool(np.all(value == np.rint(value)))
            arrays[key] = np.stack(
                [correlate(plane, integer=integer, nonnegative=True) for plane in value]
            )
    on, off = arrays["acceptance"], arrays["acceptance_off"]
    valid = used & (off > 0) & (on > 0)
    alpha = np.where(valid, on / np.where(valid, off, 1.0), 1.0)
    significance = stats.li_ma_significance(
        np.where(valid, arrays["counts"], 0.0),
        np.where(valid, arrays["counts_off"], 0.0),
        alpha,
    )
    data = np.where(valid, significance, np.nan).reshape(geom.data_shape)
    return Map.from_geom(geom, data=data)


def _kernel(geom, correlation_radius):
    radius = as_angle(
        correlation_radius,
        name="correlation_radius",
        scalar=True,
        finite=True,
        sign="non-negative",
    )
    return disk_footprint(*geom.width_in_pixels(radius))
