"""`resample` and `reproject_to_geom` when the source or the target is HEALPix.

gammapy 2.1's method, for every pair of WCS and HEALPix geometries:

* ``resample(geom)``: each source pixel centre goes to the target pixel containing it (frames
  converted); a target pixel takes the sum of what falls in it, or the mean
  (``preserve_counts=False``). On a WCS target ``smooth=True`` takes the mean and, with
  ``preserve_counts``, scales the map to keep the total; a HEALPix target ignores ``smooth``
  (gammapy's ``HpxNDMap._resample_by_idx`` does).
* ``reproject_to_geom(geom)``: the source is first split into sub-pixels at least
  ``precision_factor`` times smaller than a target pixel (a WCS pixel into ``f x f``, ``f`` the
  ceiling of the ratio; a HEALPix pixel into its ``f**2`` children at ``nside * f``, ``f`` a
  power of two), each carrying its pixel's value (divided by ``f**2`` with
  ``preserve_counts``); then resampled with ``smooth=True``. The sub-pixels are never built
  as a map: their centres are computed chunk by chunk and binned.

Masks stay masks (X81): `resample` marks a target pixel True where a True source centre
falls; reprojection of a mask is a nearest-pixel lookup (``interp_to_geom``, False outside).
Integer maps give float32 maps (means are not integers; gammapy's results are float32).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from ...kernels.healpix import npix_of
from ...utils.frames import skycoord_lonlat_deg
from .geom import HpxGeom
from .pixels import lonlat_to_pix, pix_to_lonlat, ring_to_pix

__all__ = ["reproject_to_geom", "resample", "sample_index"]

# Sub-pixel centres handled at once (each costs about 100 bytes of temporaries).
CHUNK = 1 << 21


def _nside(geom: HpxGeom) -> int:
    return int(np.ravel(geom.nside)[0])


def _n_spatial(geom) -> int:
    if isinstance(geom, HpxGeom):
        return int(np.ravel(geom.npix)[0])
    return int(geom.npix[0]) * int(geom.npix[1])


def _target_index(target, source_frame, lon, lat) -> np.ndarray:
    """Flat image index in ``target`` of positions (degrees, ``source_frame``); -1 outside."""
    if not source_frame.is_equivalent_frame(target.sky_frame):
        lon, lat = skycoord_lonlat_deg(
            SkyCoord(lon, lat, unit="deg", frame=source_frame), target.sky_frame
        )
    finite = np.isfinite(lon) & np.isfinite(lat)
    index = np.full(lon.shape, -1, dtype=np.int64)
    if isinstance(target, HpxGeom):
        ipix = lonlat_to_pix(_nside(target), target.nest, lon[finite], lat[finite])
        index[finite] = target.global_to_local(ipix)
        return index
    nx, ny = (int(n) for n in target.npix)
    tx, ty = target.wcs.wcs_world2pix(lon[finite], lat[finite], 0)
    with np.errstate(invalid="ignore"):
        ix, iy = np.floor(tx + 0.5), np.floor(ty + 0.5)
        inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    index[finite] = np.where(inside, np.nan_to_num(iy) * nx + np.nan_to_num(ix), -1)
    return index


def _hpx_samples(source: HpxGeom, factor: int):
    """Yield ``(source image index, lon, lat)`` of the ``factor**2`` sub-pixels per pixel."""
    nside, n = _nside(source), _n_spatial(source)
    if factor == 1:
        for start in range(0, n, CHUNK):
            local = np.arange(start, min(n, start + CHUNK))
            yield (local, *pix_to_lonlat(nside, source.nest, source.local_to_global(local)))
        return
    fine = nside * factor
    if nside & (nside - 1) == 0:
        # The children of nested pixel p at nside * f are p * f**2 ... p * f**2 + f**2 - 1.
        per = factor * factor
        step = max(1, CHUNK // per)
        for start in range(0, n, step):
            local = np.arange(start, min(n, start + step))
            nested = source.local_to_global(local)
            if not source.nest:
                nested = ring_to_pix(nside, True, nested)
            children = (nested[:, None] * per + np.arange(per)[None, :]).ravel()
            yield (np.repeat(local, per), *pix_to_lonlat(fine, True, children))
        return
    # A ring nside that is not a power of two has no nested children: every pixel of the fine
    # grid whose centre lies in a source pixel (gammapy's upsample: the same rule).
    for start in range(0, npix_of(fine), CHUNK):
        lon, lat = pix_to_lonlat(fine, False, np.arange(start, min(npix_of(fine), start + CHUNK)))
        local = source.global_to_local(lonlat_to_pix(nside, source.nest, lon, lat))
        keep = local >= 0
        yield local[keep], lon[keep], lat[keep]


def _wcs_samples(source, factor: int):
    """Yield ``(source image index, lon, lat)`` of the ``factor x factor`` sub-pixels."""
    ny, nx = source.data_shape_image
    sub = (np.arange(factor) - 0.5 * (factor - 1)) / factor
    rows = max(1, CHUNK // (nx * factor * factor))
    for start in range(0, ny, rows):
        stop = min(ny, start + rows)
        iy, ix = (i.ravel() for i in np.meshgrid(np.arange(start, stop), np.arange(nx),
                                                 indexing="ij"))  # fmt: skip
        local = np.repeat(iy * nx + ix, factor * factor)
        y, x = np.broadcast_arrays(iy[:, None, None] + sub[None, :, None],
                                   ix[:, None, None] + sub[None, None, :])  # fmt: skip
        lon, lat = source.wcs.wcs_pix2world(x.ravel(), y.ravel(), 0)
        yield local, lon, lat


def sample_index(source, target, factor=1):
    """Yield ``(source image index, target image index)`` of the sub-pixel centres of
    ``source`` (``factor`` per side) that fall in ``target``, chunk by chunk.

    Parameters
    ----------
    source, target : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
        Geometries (their images are used; frames are converted).
    factor : int
        Sub-pixels per pixel side (a power of two for a HEALPix source).

    Yields
    ------
    ndarray, ndarray
        Flat image indices (data order: ``iy * nx + ix`` on WCS, the local pixel on HEALPix).

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.maps import HpxGeom, WcsGeom
    >>> from skymask.maps.hpx.resample import sample_index
    >>> wcs = WcsGeom.create(npix=(2, 1), binsz=1)
    >>> hpx = HpxGeom(64, nest=False)
    >>> [(s.size, t.size) for s, t in sample_index(wcs, hpx, factor=2)]
    [(8, 8)]
    """
    samples = _hpx_samples(source, factor) if isinstance(source, HpxGeom) else None
    if samples is None:
        samples = _wcs_samples(source, factor)
    for local, lon, lat in samples:
        index = _target_index(target, source.sky_frame, lon, lat)
        inside = index >= 0
        yield local[inside], index[inside]


def _out_dtype(m):
    return m.data.dtype if m.data.dtype.kind == "f" else np.dtype(np.float32)


def _axis_targets(m, geom) -> np.ndarray:
    """Target image-plane number of every source image plane (-1: dropped)."""
    from ..transforms import _axis_plan, _data_axis

    n_axes = len(m.geom.axes)
    shape = m.data.shape[:n_axes]
    plane = np.zeros(shape, dtype=np.int64)
    stride = 1
    for i, target_idx in enumerate(_axis_plan(m.geom, geom)):
        view = [1] * n_axes
        view[_data_axis(m, geom.axes[i].name)] = -1
        target_idx = target_idx.reshape(view)
        plane = np.where((plane >= 0) & (target_idx >= 0), plane + target_idx * stride, -1)
        stride *= geom.axes[i].nbin
    return plane.ravel()


def resample(m, geom, weights=None, preserve_counts=True, smooth=False):
    """See `skymask.maps.Map.resample` (a HEALPix source or target)."""
    n_source, n_target = _n_spatial(m.geom), _n_spatial(geom)
    planes = m.data.reshape(-1, n_source)
    if weights is not None and not m.is_mask:
        weights = getattr(weights, "data", weights)
        values = m.data * np.broadcast_to(weights, m.data.shape)
        if isinstance(values, u.Quantity):
            # gammapy: data * weights in the map's unit (dimensionless weights keep it).
            values = values.to_value(m.unit if values.unit != u.one else u.one)
        planes = np.asarray(values).reshape(-1, n_source)
    plane_target = _axis_targets(m, geom)
    n_planes = int(np.prod(geom.data_shape)) // n_target
    size = n_planes * n_target
    sums, counts = np.zeros(size), np.zeros(size)
    for local, index in sample_index(m.geom, geom):
        for p, tp in enumerate(plane_target):
            if tp < 0:
                continue
            flat = tp * n_target + index
            sums += np.bincount(flat, weights=planes[p, local], minlength=size)
            counts += np.bincount(flat, minlength=size)
    if m.is_mask:
        out = sums > 0
    else:
        mean = not preserve_counts or (smooth and not isinstance(geom, HpxGeom))
        out = sums
        if mean:
            out = np.zeros(size)
            np.divide(sums, counts, out=out, where=counts > 0)
        if smooth and preserve_counts and not isinstance(geom, HpxGeom):
            out *= np.nan_to_num(np.nansum(sums) / np.nansum(out), nan=0, posinf=0, neginf=0)
        out = out.astype(_out_dtype(m))
    return m.from_geom(geom, data=out.reshape(geom.data_shape), unit=m.unit, meta=dict(m.meta))


def _factor(m, target, precision_factor) -> int:
    base = float(target.pixel_scales.min() / m.geom.pixel_scales.min())
    if base >= precision_factor:
        return 1
    factor = precision_factor / base
    if isinstance(m.geom, HpxGeom):
        return int(2 ** np.ceil(np.log2(factor)))
    return int(np.ceil(factor))


def reproject_to_geom(m, geom, preserve_counts=False, precision_factor=10):
    """See `skymask.maps.Map.reproject_to_geom` (a HEALPix source or target)."""
    if not geom.is_image and geom.axes.names != m.geom.axes.names:
        raise ValueError(
            f"the target axes {geom.axes.names} must be the map's {m.geom.axes.names}, in the "
            "same order (or give an image geometry)"
        )
    if not geom.is_image and geom.axes != m.geom.axes:
        raise TypeError(
            "reprojection onto a geometry with other bins of the axes is not available "
            "between HEALPix and WCS: reproject onto the image (geom.to_image()) and then "
            "use interp_to_geom or resample_axis for the axes"
        )
    target = geom.to_image().to_cube(list(m.geom.axes))
    if m.is_mask:
        return m.interp_to_geom(target, fill_value=False, method="nearest")
    factor = _factor(m, target, precision_factor)
    n_source, n_target = _n_spatial(m.geom), _n_spatial(target)
    planes = m.data.reshape(-1, n_source).astype(float)
    if preserve_counts:
        planes = planes / factor**2
    sums = np.zeros((planes.shape[0], n_target))
    counts = np.zeros(n_target)
    for local, index in sample_index(m.geom, target, factor):
        counts += np.bincount(index, minlength=n_target)
        for k, plane in enumerate(planes):
            sums[k] += np.bincount(index, weights=plane[local], minlength=n_target)
    if preserve_counts and isinstance(target, HpxGeom):
        out = sums  # gammapy's HEALPix binning sums with preserve_counts, smooth or not
    else:
        out = np.zeros_like(sums)
        np.divide(sums, counts, out=out, where=counts > 0)
        if preserve_counts:
            out *= np.nan_to_num(np.nansum(sums) / np.nansum(out), nan=0, posinf=0, neginf=0)
    data = out.reshape(target.data_shape).astype(_out_dtype(m))
    return m.from_geom(target, data=data, unit=m.unit, meta=dict(m.meta))
