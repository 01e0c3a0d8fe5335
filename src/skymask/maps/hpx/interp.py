"""Linear interpolation of HEALPix maps (``interp_by_coord(method="linear")``), as gammapy 2.1.

On the sphere: the bilinear ring interpolation of healpy's ``get_interp_weights``
(`skymask.kernels.healpix_interp`), four pixels per position. A neighbour that is not in a
partial-sky geometry is replaced by the pixel holding the position (gammapy's rule); a
position whose own pixel is not in the geometry gets ``fill_value``. Along each non-spatial
axis: linear in the coordinate between the two bin centres around it, extrapolating linearly
beyond the outer centres (an axis of one bin is constant). Non-finite map values count as 0
(``nansum``, as gammapy). Boolean maps give the float fraction of True (True = 1).
"""

from __future__ import annotations

import itertools

import numpy as np
from astropy import units as u

from ...kernels.healpix_interp import interp_weights
from ..lookup import _scale, _unscale
from .pixels import lonlat_to_pix, ring_to_pix

__all__ = ["interp_linear", "interp_pixels"]


def _axis_corners(axis, values):
    """``[(bin index, weight), (bin index, weight)]`` of linear interpolation along an axis."""
    values = u.Quantity(values, axis.unit).to_value(axis.unit)
    centers = axis.center.to_value(axis.unit)
    if axis.nbin == 1:
        zero = np.zeros(values.shape, dtype=np.int64)
        return [(zero, np.ones(values.shape)), (zero, np.zeros(values.shape))]
    low = np.clip(np.searchsorted(centers, values, side="right") - 1, 0, axis.nbin - 2)
    if centers[0] > centers[-1]:  # descending axis
        low = np.clip(axis.nbin - 1 - np.searchsorted(centers[::-1], values, side="left"), 0,
                      axis.nbin - 2)  # fmt: skip
    t = (values - centers[low]) / (centers[low + 1] - centers[low])
    return [(low, 1.0 - t), (low + 1, t)]


def interp_pixels(geom, lon, lat):
    """The four pixels and weights of the linear interpolation at each position.

    Parameters
    ----------
    geom : `~skymask.maps.HpxGeom`
        One nside.
    lon, lat : ndarray
        1-D positions in degrees, in the geometry's frame.

    Returns
    -------
    local : ndarray
        Shape ``(4, n)``: data (local) indices of the pixels; a neighbour outside a partial
        sky is replaced by the pixel holding the position (gammapy's rule); 0 where invalid.
    weights : ndarray
        Shape ``(4, n)``, summing to 1 per position.
    valid : ndarray
        Shape ``(n,)``: the position is finite and its own pixel is in the geometry.

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> local, weights, valid = interp_pixels(HpxGeom(nside=1), [45.0], [0.0])
    >>> sorted(local[:, 0].tolist()), weights.sum(axis=0).tolist(), valid.tolist()
    ([4, 5, 8, 9], [1.0], [True])
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    nside = int(np.ravel(geom.nside)[0])
    finite = np.isfinite(lon) & np.isfinite(lat)
    theta = np.radians(90.0 - np.where(finite, lat, 0.0))
    phi = np.radians(np.where(finite, lon, 0.0))
    ring, weights = interp_weights(nside, theta, phi)
    local = geom.global_to_local(ring_to_pix(nside, geom.nest, ring))
    own = geom.global_to_local(lonlat_to_pix(nside, geom.nest, np.where(finite, lon, 0.0),
                                             np.where(finite, lat, 0.0)))  # fmt: skip
    local = np.where(local >= 0, local, own[None, :])
    valid = finite & (own >= 0)
    local = np.where(valid[None, :], local, 0)
    return local, weights, valid


def interp_linear(m, coords, fill_value=None, values_scale="lin"):
    """See `skymask.maps.HpxNDMap.interp_by_coord`."""
    geom = m.geom
    lon, lat, rest = geom._world(coords)
    arrays = np.broadcast_arrays(lon, lat, *(np.asarray(getattr(v, "value", v)) for v in rest))
    shape = arrays[0].shape
    lon, lat = arrays[0].ravel(), arrays[1].ravel()
    rest = [u.Quantity(v, getattr(orig, "unit", None) or axis.unit).ravel()
            for v, orig, axis in zip(arrays[2:], rest, geom.axes, strict=True)]  # fmt: skip
    local, weights, valid = interp_pixels(geom, lon, lat)

    data = np.asarray(m.data, dtype=float)
    if values_scale != "lin":
        data = _scale(data, values_scale)
    corners = [_axis_corners(axis, values) for axis, values in zip(geom.axes, rest, strict=True)]
    result = np.zeros(lon.shape)
    for choice in itertools.product((0, 1), repeat=len(corners)):
        w_axes = np.ones(lon.shape)
        index = []
        for corner, k in zip(corners, choice, strict=True):
            idx, w = corner[k]
            w_axes = w_axes * w
            index.append(idx)
        # data order: the last axis first, the pixel last
        values = data[(*(i[None, :] for i in index[::-1]), local)]
        result += np.nansum(weights * w_axes[None, :] * values, axis=0)
    if values_scale != "lin":
        result = _unscale(result, values_scale)
    fill = np.nan if fill_value is None else fill_value
    result = np.where(valid, result, fill)
    return result.reshape(shape)
