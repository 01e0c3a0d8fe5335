"""Smoothing, convolution, stacking and co-adding of maps (behind the `Map` methods).

Bool rules: smoothing or convolving a mask gives float fractions (as gammapy: threshold the
result, e.g. ``m.smooth(...) > 0.5``, for a mask); stacking or co-adding masks ORs them (a
mask stays a mask); a mask cannot be stacked into a numeric map or the reverse.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..kernels.convolution import KERNELS, convolve_image, smooth_images
from ..utils.units import as_width, describe

__all__ = ["coadd", "convolve", "smooth", "stack"]


def _width_pixels(geom, width) -> tuple[float, float]:
    """A width in pixels ``(y, x)``: plain numbers are pixels (gammapy's smooth rule)."""
    if isinstance(width, (u.Quantity, str)) or (
        isinstance(width, tuple) and any(isinstance(w, (u.Quantity, str)) for w in width)
    ):
        as_width(width, pair=True)  # the friendly error for bad strings
    wx, wy = geom.width_in_pixels(width)
    if not (np.isfinite(wx) and np.isfinite(wy)) or wx <= 0 or wy <= 0:
        raise ValueError(f"width must be positive and finite, got {describe(width)}")
    return float(wy), float(wx)


def smooth(m, width, kernel="gauss", **kwargs):
    """See `Map.smooth`."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    widths = _width_pixels(m.geom, width)
    out = np.empty(m.data.shape, dtype=np.float64)
    ny, nx = m.data.shape[-2:]
    # float64 out whatever the input (gammapy: img.astype(float)); the same numbers as one
    # scipy call per plane, computed on every usable CPU
    smooth_images(
        m.data.reshape(-1, ny, nx), widths, kernel, output=out.reshape(-1, ny, nx), **kwargs
    )
    return m.__class__(m.geom, data=out, unit=m.unit, meta=dict(m.meta))


def _kernel_array(m, kernel):
    """The kernel as an array, and the geometry axes it brings (PSF kernels on an image)."""
    axes = None
    kernel_map = getattr(kernel, "psf_kernel_map", None)
    if kernel_map is None and hasattr(kernel, "geom") and hasattr(kernel, "data"):
        kernel_map = kernel  # a Map (duck-typed: this module sits below map.py)
    if kernel_map is not None:
        scales, kernel_scales = m.geom.pixel_scales.deg, kernel_map.geom.pixel_scales.deg
        if not np.allclose(scales, kernel_scales, rtol=1e-5):
            raise ValueError(
                f"the kernel's pixel size {kernel_scales.tolist()} deg differs from the map's "
                f"{scales.tolist()} deg: make the kernel on the map's pixel size"
            )
        if m.geom.is_image and not kernel_map.geom.is_image:
            axes = list(kernel_map.geom.axes)
        return np.asarray(kernel_map.data, dtype=np.float32), axes
    array = np.asarray(kernel)
    if array.dtype == object or array.ndim < 2:
        raise TypeError(f"kernel must be a 2-D (or N-D) array or a map, got {describe(kernel)}")
    if m.geom.is_image and array.ndim > 2:
        raise ValueError(
            "an image map takes a 2-D kernel array; a kernel per plane needs a kernel map "
            "with the planes' axes"
        )
    return array, axes


def convolve(m, kernel, method="fft", mode="same"):
    """See `Map.convolve`."""
    if mode not in ("same", "full"):
        raise ValueError(f"mode must be 'same' or 'full', got {mode!r}")
    array, axes = _kernel_array(m, kernel)
    geom = m.geom if axes is None else m.geom.to_cube(axes)
    if mode == "full":
        geom = geom.pad(tuple((n - 1) // 2 for n in array.shape[-2:][::-1]))
    kernel_planes = array.shape[:-2]
    if kernel_planes and kernel_planes != geom.data_shape[:-2]:
        raise ValueError(
            f"the kernel has planes {kernel_planes}, the map {geom.data_shape[:-2]}: give "
            "one kernel plane per map plane, or a 2-D kernel"
        )
    out = np.empty(geom.data_shape, dtype=np.float32)
    image = m.data.astype(np.float32)
    for idx in np.ndindex(geom.data_shape[:-2]):
        plane = image if m.geom.is_image else image[idx]
        k = array[idx] if kernel_planes else array
        out[idx] = convolve_image(plane, k, method=method, mode=mode)
    return m.__class__(geom, data=out, unit=m.unit, meta=dict(m.meta))


def _overlap(m, other):
    """(this map's slices, other's slices) where ``other`` lies on this map's grid."""
    own = getattr(m, "_stack_overlap", None)  # pixelisations other than WCS (HEALPix)
    if own is not None:
        return own(other)
    if m.geom == other.geom:
        return (Ellipsis,), (Ellipsis,)
    if m.geom.is_aligned(other.geom):
        info = other.geom.cutout_slices(m.geom, mode="partial")
        return (Ellipsis, *info["parent-slices"]), (Ellipsis, *info["cutout-slices"])
    raise ValueError(
        "stack needs the same geometry or a cutout of it (an aligned grid with the same "
        f"axes):\n  this : {m.geom!r}\n  other: {other.geom!r}\nreproject the other map first"
    )


def _check_kinds(m, other, what):
    if m.is_mask != other.is_mask:
        kind = "a mask" if m.is_mask else "a numeric map"
        raise TypeError(
            f"cannot {what} a {'mask' if other.is_mask else 'numeric map'} into {kind}: "
            "convert one of them first (m > 0 for a mask, m.data.astype(float) for numbers)"
        )


def stack(m, other, weights=None, nan_to_num=True):
    """See `Map.stack`."""
    _check_kinds(m, other, "stack")
    parent, cut = _overlap(m, other)
    if weights is not None:
        if weights.geom.to_image() != other.geom.to_image():
            raise ValueError("the weights must be on the other map's sky grid")
        weights = weights.data[cut]
    if m.is_mask:
        data = other.data[cut]
        if weights is not None:
            data = data & np.asarray(weights, dtype=bool)
        m.data[parent] |= data
        return
    data = other.unit.get_converter(m.unit)(other.data[cut]).astype(m.data.dtype)
    if nan_to_num:
        bad = ~np.isfinite(data)
        if bad.any():
            data = np.where(bad, 0, data)
    if weights is not None:
        data = data * weights
    m.data[parent] += data


def coadd(m, map_in, weights=None):
    """See `Map.coadd`."""
    _check_kinds(m, map_in, "co-add")
    if not m.is_mask and not m.unit.is_equivalent(map_in.unit):
        raise u.UnitConversionError(
            f"cannot co-add a map in '{map_in.unit}' into one in '{m.unit}'"
        )
    if weights is not None:
        map_in = map_in.copy(data=map_in.data * getattr(weights, "data", weights))
    if m.geom == map_in.geom:
        binned = map_in.data
    else:
        binned = map_in.resample(m.geom, preserve_counts=True).data
    if m.is_mask:
        m.data |= binned
    else:
        m.data += map_in.unit.get_converter(m.unit)(binned).astype(m.data.dtype)
