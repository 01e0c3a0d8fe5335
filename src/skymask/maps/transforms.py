"""Map transforms behind the `Map` methods: cutout, pad, crop, down/up-sampling, resampling.

Each function takes a map and returns a new map of the same class (unit and meta kept). The
geometries come from `skymask.maps.geom_transforms`; the block arithmetic from
`skymask.kernels.blocks`.

Boolean maps (masks) stay boolean:

- cutout: pixels outside the parent (``mode="partial"``) are False;
- pad: ``cval`` must be True/False or 0/1 (default False); ``mode="edge"`` repeats the
  border; ``mode="interp"`` takes the nearest pixel;
- down-sampling: "any" by default (a block is True if one of its pixels is, gammapy's result
  too); ``func="all"`` keeps a block only if all its pixels are True. ``func="sum"`` and
  ``func="mean"`` give the count (int64) and the fraction (float64) of True pixels: a map of
  numbers, asked for explicitly;
- up-sampling repeats pixels (``order=0`` only; ``preserve_counts`` does not apply);
- `resample`: a target pixel is True if a True source pixel centre falls in it; gammapy
  gives a float32 map (X81);
- `reproject_to_geom`: nearest-pixel lookup, False outside the source footprint; gammapy
  gives a float32 map of sub-pixel fractions (X81).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from ..kernels.blocks import REDUCTIONS, bin_by_index, block_reduce, block_repeat
from ..utils.frames import skycoord_lonlat_deg
from ..utils.units import as_angle, describe
from . import geom_transforms as gt
from ._pixelisations import resampler_for

__all__ = [
    "crop",
    "cutout",
    "downsample",
    "pad",
    "reproject_to_geom",
    "resample",
    "resample_axis",
    "upsample",
]

_NUMPY_FUNCS = {np.sum: "sum", np.nansum: "sum", np.mean: "mean", np.nanmean: "mean"}
_NUMPY_FUNCS.update({np.any: "any", np.all: "all", np.logical_or: "any", np.logical_and: "all"})
_NUMPY_FUNCS[np.add] = "sum"


def _like(m, geom, data):
    return m.__class__(geom, data=data, unit=m.unit, meta=dict(m.meta))


def _data_axis(m, axis_name) -> int:
    return len(m.geom.axes) - 1 - m.geom.axes.index_of(axis_name)


# ---------------------------------------------------------------------- cutout, pad, crop
def cutout(m, position, width, mode="trim", odd_npix=False, min_npix=1):
    """See `Map.cutout`."""
    geom, parent, cut = gt.cutout_with_slices(m.geom, position, width, mode, odd_npix, min_npix)
    ny, nx = geom.data_shape_image
    if tuple(cut) == (slice(0, ny), slice(0, nx)):  # the whole cutout lies in the map
        data = m.data[(Ellipsis, *parent)].copy()
    else:
        data = np.zeros(geom.data_shape, dtype=m.data.dtype)
        data[(Ellipsis, *cut)] = m.data[(Ellipsis, *parent)]
    return _like(m, geom, data)


def _check_cval(m, cval):
    if m.is_mask:
        if cval not in (0, 1) or isinstance(cval, (str, bytes)):
            raise ValueError(
                f"cval of a boolean map must be True/False (or 0/1), got {describe(cval)}"
            )
        return bool(cval)
    if isinstance(cval, u.Quantity):
        return cval.to_value(m.unit)
    if not np.isscalar(cval) or isinstance(cval, (str, bytes)):
        raise TypeError(f"cval must be a number, got {describe(cval)}")
    return cval


def _pad_array(data, widths, mode, cval, method):
    """np.pad with gammapy's modes: constant, edge, interp (nearest = edge, linear
    continues the slope of the two outermost pixels)."""
    if mode == "constant":
        return np.pad(data, widths, mode="constant", constant_values=cval)
    if mode == "edge" or (mode == "interp" and method == "nearest"):
        return np.pad(data, widths, mode="edge")
    if mode != "interp":
        raise ValueError(f"mode must be 'constant', 'edge' or 'interp', got {mode!r}")
    if method != "linear":
        raise ValueError(f"method must be 'linear' or 'nearest', got {method!r}")
    if data.dtype == bool:
        raise ValueError("a boolean map pads with mode='interp' only with method='nearest'")
    out = np.pad(data.astype(np.result_type(data.dtype, np.float32)), widths, mode="edge")
    for axis, (low, high) in enumerate(widths):
        n = data.shape[axis]
        if n < 2 or (low == 0 and high == 0):
            continue

        def take(i, axis=axis):
            return np.take(data, [i], axis=axis)

        shape = [1] * data.ndim
        if low:
            shape[axis] = low
            steps = np.arange(low, 0, -1).reshape(shape)
            sl = [slice(None)] * data.ndim
            sl[axis] = slice(0, low)
            block = take(0) - steps * (take(1) - take(0))
            out[tuple(sl)] = _core(block, widths, axis)
        if high:
            shape[axis] = high
            steps = np.arange(1, high + 1).reshape(shape)
            sl = [slice(None)] * data.ndim
            sl[axis] = slice(low + n, low + n + high)
            block = take(n - 1) + steps * (take(n - 1) - take(n - 2))
            out[tuple(sl)] = _core(block, widths, axis)
    return out


def _core(block, widths, axis):
    """Pad a block computed on the unpadded extent of the other axes to their padded extent."""
    other = [(0, 0) if i == axis else w for i, w in enumerate(widths)]
    return np.pad(block, other, mode="edge")


def pad(m, pad_width, axis_name=None, mode="constant", cval=0, method="linear"):
    """See `Map.pad`."""
    cval = _check_cval(m, cval)
    geom = m.geom.pad(pad_width, axis_name=axis_name)
    widths = [(0, 0)] * m.data.ndim
    if axis_name is None:
        px, py = gt._pixel_pair(pad_width, "pad_width")
        widths[-1], widths[-2] = (px, px), (py, py)
    else:
        low, high = (pad_width, pad_width) if np.ndim(pad_width) == 0 else tuple(pad_width)
        widths[_data_axis(m, axis_name)] = gt._pixel_pair((low, high), "pad_width")
    return _like(m, geom, _pad_array(m.data, widths, mode, cval, method))


def crop(m, crop_width):
    """See `Map.crop`."""
    if isinstance(crop_width, (u.Quantity, str)) or (
        isinstance(crop_width, tuple) and any(isinstance(c, (u.Quantity, str)) for c in crop_width)
    ):
        deg = as_angle(crop_width, name="crop_width", finite=True, pair=True).deg
        crop_width = tuple(int(v) for v in np.round(deg / m.geom.pixel_scales.deg))
    cx, cy = gt._pixel_pair(crop_width, "crop_width")
    geom = m.geom.crop((cx, cy))
    ny, nx = m.geom.data_shape_image
    return _like(m, geom, m.data[..., cy : ny - cy, cx : nx - cx].copy())


# ---------------------------------------------------------------------- down / up-sampling
def _reduction(m, func, preserve_counts):
    if func is None:
        if m.is_mask:
            return "any"
        return "sum" if preserve_counts else "mean"
    name = _NUMPY_FUNCS.get(func, func)
    if name not in REDUCTIONS:
        raise ValueError(
            f"func must be one of {REDUCTIONS} (or np.sum, np.mean, np.any, np.all), "
            f"got {describe(func)}"
        )
    return name


def downsample(m, factor, preserve_counts=True, axis_name=None, weights=None, func=None):
    """See `Map.downsample`."""
    geom = m.geom.downsample(factor, axis_name=axis_name)
    factor = int(factor)
    block = [1] * m.data.ndim
    if axis_name is None:
        block[-1] = block[-2] = factor
    else:
        block[_data_axis(m, axis_name)] = factor
    name = _reduction(m, func, preserve_counts)
    if weights is not None:
        weights = np.broadcast_to(getattr(weights, "data", weights), m.data.shape)
    data = block_reduce(m.data, tuple(block), name, weights=weights)
    if name in ("any", "all"):
        return _like(m, geom, data)
    if m.is_mask:
        # count of True pixels (int64) or their (weighted) fraction (float64)
        return _like(m, geom, data)
    return _like(m, geom, data.astype(m.data.dtype))


def upsample(m, factor, order=0, preserve_counts=True, axis_name=None):
    """See `Map.upsample`."""
    from scipy import ndimage

    geom = m.geom.upsample(factor, axis_name=axis_name)
    factor = int(factor)
    if m.is_mask and order != 0:
        raise ValueError(f"a boolean map is up-sampled with order=0 only, got order={order}")
    if axis_name is None:
        data = m.data
        if preserve_counts and not m.is_mask:
            data = data / m.geom.solid_angle().to_value("sr")
        if order == 0:
            block = (1,) * (data.ndim - 2) + (factor, factor)
            out = block_repeat(data, block)
        else:
            ny, nx = geom.data_shape_image
            y, x = np.indices((ny, nx), dtype=float)
            pix = [(y - 0.5 * (factor - 1)) / factor, (x - 0.5 * (factor - 1)) / factor]
            out = np.empty(geom.data_shape, dtype=np.float64)
            for idx in np.ndindex(data.shape[:-2]):
                out[idx] = ndimage.map_coordinates(
                    data[idx].astype(float), pix, order=order, mode="nearest"
                )
        if preserve_counts and not m.is_mask:
            out = out * geom.solid_angle().to_value("sr")
        return _like(m, geom, out.astype(m.data.dtype))
    axis_data = _data_axis(m, axis_name)
    old, new = m.geom.axes[axis_name], geom.axes[axis_name]
    shape = [1] * m.data.ndim
    shape[axis_data] = -1
    data = m.data
    if preserve_counts and not m.is_mask:
        data = data / old.bin_width.value.reshape(shape)
    if order == 0:
        out = np.repeat(data, factor, axis=axis_data)
    else:
        pix = (np.arange(new.nbin) - 0.5 * (factor - 1)) / factor
        coords = np.indices(geom.data_shape, dtype=float)
        coords[axis_data] = pix.reshape(shape)
        out = ndimage.map_coordinates(data.astype(float), coords, order=order, mode="nearest")
    if preserve_counts and not m.is_mask:
        out = out * new.bin_width.value.reshape(shape)
    return _like(m, geom, out.astype(m.data.dtype))


def resample_axis(m, axis, weights=None, ufunc=np.add):
    """See `Map.resample_axis`."""
    geom = m.geom.resample_axis(axis)
    _, bounds = gt.axis_groups(m.geom.axes[axis.name], axis)
    data_axis = _data_axis(m, axis.name)
    data = m.data
    if weights is not None:
        data = data * np.broadcast_to(getattr(weights, "data", weights), data.shape)
    if m.is_mask and ufunc is np.add:
        ufunc = np.logical_or  # a mask stays a mask: bool + bool is "or" in numpy
    # new bin j groups the old bins bounds[j] .. bounds[j + 1] - 1
    out = ufunc.reduceat(data, bounds[:-1], axis=data_axis)
    last = [slice(None)] * data.ndim
    last[data_axis] = slice(-1, None)
    tail = [slice(None)] * data.ndim
    tail[data_axis] = slice(bounds[-2], bounds[-1])
    out[tuple(last)] = ufunc.reduce(data[tuple(tail)], axis=data_axis, keepdims=True)
    return _like(m, geom, out.astype(bool) if m.is_mask else out.astype(m.data.dtype))


# ---------------------------------------------------------------------- resample, reproject
def _pix_to_pix(source, target, x, y):
    """Target pixel coordinates of source pixel coordinates (frames converted)."""
    lon, lat = source.wcs.wcs_pix2world(x, y, 0)
    if not source.sky_frame.is_equivalent_frame(target.sky_frame):
        own = SkyCoord(lon, lat, unit="deg", frame=source.sky_frame)
        lon, lat = skycoord_lonlat_deg(own, target.sky_frame)
    return target.wcs.wcs_world2pix(lon, lat, 0)


def _spatial_index(target, tx, ty):
    """Flat target image index of target pixel coordinates (-1 outside)."""
    nx, ny = target.npix
    with np.errstate(invalid="ignore"):
        ix = np.floor(tx + 0.5)
        iy = np.floor(ty + 0.5)
        inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    return np.where(inside, np.nan_to_num(iy) * nx + np.nan_to_num(ix), -1).astype(np.int64)


def _axis_plan(source, target):
    """Per target axis: (source data axis, target bin index of each source bin)."""
    plan = []
    for axis in target.axes:
        if axis.name not in source.axes.names:
            raise ValueError(
                f"the target geometry has an axis {axis.name!r} the map lacks "
                f"(map axes: {source.axes.names})"
            )
        own = source.axes[axis.name]
        plan.append(axis.coord_to_idx(own.center))
    return plan


def resample(m, geom, weights=None, preserve_counts=True, smooth=False):
    """See `Map.resample`."""
    other = resampler_for(m.geom, geom)  # HEALPix on either side: its package's code
    if other is not None:
        return other.resample(m, geom, weights, preserve_counts, smooth)
    source = m.geom
    ny, nx = source.data_shape_image
    y, x = np.indices((ny, nx), dtype=float)
    spatial = _spatial_index(geom, *_pix_to_pix(source, geom, x, y))
    # Full flat target index for every source element (source data order).
    flat = np.broadcast_to(spatial, m.data.shape).astype(np.int64)
    stride = geom.npix[0] * geom.npix[1]
    for i, target_idx in enumerate(_axis_plan(source, geom)):
        name = geom.axes[i].name
        shape = [1] * m.data.ndim
        shape[_data_axis(m, name)] = -1
        target_idx = target_idx.reshape(shape)
        flat = np.where((flat >= 0) & (target_idx >= 0), flat + target_idx * stride, -1)
        stride *= geom.axes[i].nbin
    size = int(np.prod(geom.data_shape))
    if m.is_mask:
        out = bin_by_index(flat.ravel(), m.data.ravel(), size, logical=True)
        return _like(m, geom, out.reshape(geom.data_shape))
    if weights is not None:
        weights = np.broadcast_to(getattr(weights, "data", weights), m.data.shape)
    values = m.data if weights is None else m.data * weights
    flat, values = flat.ravel(), values.ravel()
    out = bin_by_index(flat, values, size, mean=smooth or not preserve_counts)
    if smooth and preserve_counts:
        total = np.nansum(bin_by_index(flat, values, size))
        out *= np.nan_to_num(total / np.nansum(out), nan=0.0, posinf=0.0, neginf=0.0)
    return _like(m, geom, out.reshape(geom.data_shape).astype(m.data.dtype))


def reproject_to_geom(m, geom, preserve_counts=False, precision_factor=10):
    """See `Map.reproject_to_geom`."""
    other = resampler_for(m.geom, geom)
    if other is not None:
        return other.reproject_to_geom(m, geom, preserve_counts, precision_factor)
    if not geom.is_image and geom.axes.names != m.geom.axes.names:
        raise ValueError(
            f"the target axes {geom.axes.names} must be the map's {m.geom.axes.names}, in the "
            "same order (or give an image geometry)"
        )
    same_axes = geom.is_image or geom.axes == m.geom.axes
    target = geom.to_image().to_cube(list(m.geom.axes))
    if m.is_mask:
        from .reproject import interp_to_geom

        return interp_to_geom(m, target if same_axes else geom, fill_value=False, method="nearest")
    base = target.pixel_scales.deg.min() / m.geom.pixel_scales.deg.min()
    factor = 1 if base >= precision_factor else int(np.ceil(precision_factor / base))
    out = _subpixel_reproject(m, target, factor, preserve_counts)
    if same_axes:
        return out
    # gammapy's rule for other bins on the same axes: up-sample each axis until its bins are
    # precision_factor times finer than the target's, then bin into the target.
    for axis, target_axis in zip(m.geom.axes, geom.axes, strict=True):
        ratio = float((axis.bin_width.min() / target_axis.bin_width.min()).to_value(""))
        if ratio < precision_factor:
            factor = int(np.ceil(precision_factor / ratio))
            out = upsample(out, factor, preserve_counts=preserve_counts, axis_name=axis.name)
    return resample(out, geom, preserve_counts=preserve_counts, smooth=True)


def _subpixel_reproject(m, target, factor, preserve_counts):
    """gammapy's upsample(order=0) + resample(smooth=True), without building the up-sampled
    map: the sub-pixel centres are projected row chunk by row chunk, and each plane's values
    are binned with one shared index."""
    source = m.geom
    ny, nx = source.data_shape_image
    size = target.npix[0] * target.npix[1]
    planes = m.data.reshape(-1, ny, nx)
    sums = np.zeros((planes.shape[0], size))
    counts = np.zeros(size)
    sub = (np.arange(factor) - 0.5 * (factor - 1)) / factor
    xs = (np.arange(nx)[:, None] + sub[None, :]).ravel()
    rows = max(1, 4_000_000 // (nx * factor * factor))
    for start in range(0, ny, rows):
        stop = min(ny, start + rows)
        ys = (np.arange(start, stop)[:, None] + sub[None, :]).ravel()
        x, y = np.meshgrid(xs, ys)
        index = _spatial_index(target, *_pix_to_pix(source, target, x, y)).ravel()
        inside = index >= 0
        index = index[inside]
        counts += np.bincount(index, minlength=size)
        block = block_repeat(planes[:, start:stop], (1, factor, factor))
        for k, plane in enumerate(block):
            sums[k] += np.bincount(index, weights=plane.ravel()[inside], minlength=size)
    if preserve_counts:
        sums /= factor * factor
    means = np.zeros_like(sums)
    np.divide(sums, counts, out=means, where=counts > 0)
    if preserve_counts:
        scale = np.nansum(sums) / np.nansum(means)
        means *= np.nan_to_num(scale, nan=0.0, posinf=0.0, neginf=0.0)
    data = means.reshape(target.data_shape).astype(m.data.dtype)
    return _like(m, target, data)
