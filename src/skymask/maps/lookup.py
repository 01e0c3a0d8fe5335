"""Pointwise map lookups: get, set, fill and interpolate at indices, pixels or coordinates.

The functions take a map (its ``geom``, ``data`` and ``unit``) and plain index, pixel or
coordinate tuples; `skymask.maps.map_lookup.LookupMixin` gives `~skymask.maps.Map` its
gammapy-named methods. One set
of rules serves every entry point:

* indices are integers, ``(ix, iy, axis indices...)``; pixel coordinates are rounded to the
  nearest index (``floor(p + 0.5)``); world coordinates go through ``geom.coord_to_idx``
  (half-open bins of the non-spatial axes), so ``set_by_coord`` and ``get_by_coord`` agree;
* a position outside the map (index -1, any index out of range, a NaN pixel) is skipped by
  ``set``/``fill`` and gives the fill value in ``get`` (X37: NaN for float maps, False for
  masks, 0 for integer maps, unless ``fill_value`` is given);
* masks stay masks: ``set`` on a boolean map takes booleans (or exact 0/1), ``fill`` ORs.
"""

from __future__ import annotations

import numpy as np

from ..kernels.sampling import interpolate_points
from ..utils.lazy import units as u
from ..utils.units import describe
from .chunked import is_dask

__all__ = [
    "fill_by_idx",
    "get_by_idx",
    "get_image_by_coord",
    "get_image_by_idx",
    "get_image_by_pix",
    "interp_by_pix",
    "pix_to_idx",
    "set_by_idx",
]

_VALUE_SCALES = ("lin", "log", "sqrt")


# ---------------------------------------------------------------------- index helpers
def _check_count(geom, entries, what):
    if isinstance(entries, (str, bytes)) or not hasattr(entries, "__len__"):
        raise TypeError(
            f"{what} must be a tuple of arrays (x, y, axes...), got {describe(entries)}"
        )
    if len(entries) != geom.ndim:
        raise ValueError(
            f"{what} needs {geom.ndim} arrays for the axes {geom.axes_names}, got {len(entries)}"
        )


def pix_to_idx(pix) -> tuple[np.ndarray, ...]:
    """Round pixel coordinates to indices (``floor(p + 0.5)``; non-finite gives -1).

    Integer arrays are kept as they are, as gammapy's ``pix_tuple_to_idx``.
    """
    result = []
    for p in pix:
        p = np.atleast_1d(np.asarray(p.value if isinstance(p, u.Quantity) else p))
        if p.dtype.kind in "iu":
            result.append(p.astype(np.int64, copy=False))
            continue
        p = p.astype(float)
        with np.errstate(invalid="ignore"):
            idx = np.floor(p + 0.5)
        result.append(np.where(np.isfinite(idx), idx, -1).astype(np.int64))
    return tuple(result)


def _valid(geom, idx):
    """Broadcast indices and whether each position lies inside the map."""
    idx = np.broadcast_arrays(*(np.atleast_1d(np.asarray(i)) for i in idx))
    sizes = (*geom.npix, *geom.axes.shape)
    inside = np.ones(idx[0].shape, dtype=bool)
    for i, n in zip(idx, sizes, strict=True):
        if i.dtype.kind not in "iu":
            raise TypeError(f"indices must be integers, got {i.dtype} (use the _by_pix form)")
        inside &= (i >= 0) & (i < n)
    return idx, inside


def _positions(m, idx):
    """Data indices (axis order) of index tuples and whether each lies inside the map.

    A map whose pixels are not a grid (HEALPix: global pixel numbers, partial skies) gives
    its own conversion as ``m._lookup_positions``.
    """
    own = getattr(m, "_lookup_positions", None)
    if own is not None:
        return own(idx)
    _check_count(m.geom, idx, "idx")
    return _valid(m.geom, pix_to_idx(idx))


def _data_index(idx, inside):
    """Numpy index into the data (data order) of the positions inside."""
    return tuple(i[inside] for i in idx[::-1])


def _default_fill(dtype):
    if dtype.kind == "b":
        return False
    return np.nan if dtype.kind in "fc" else 0


def _plain_values(m, values, what):
    """Values (or weights) as a plain array in the map's unit."""
    if isinstance(values, u.Quantity):
        if m.unit == u.dimensionless_unscaled and what == "vals":
            # As gammapy (numpy assignment): a unit-less map takes the numbers.
            return np.asarray(values.value)
        try:
            return np.asarray(values.to_value(m.unit))
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"{what} in '{values.unit}' cannot be converted to the map's unit '{m.unit}'"
            ) from None
    return np.asarray(values)


def _as_mask_values(values, what):
    """Values for a boolean map: booleans, or numbers that are exactly 0 or 1."""
    if values.dtype == bool:
        return values
    if values.dtype.kind not in "iuf" or not np.all(np.isin(values, (0, 1))):
        raise ValueError(
            f"a boolean map (a mask) takes True/False {what}, or numbers that are exactly "
            f"0 or 1; got {describe(values)}: numpy would turn NaN and 0.5 into True. "
            "Compare first (e.g. 'values > 0') or convert the map with m.data.astype(float)"
        )
    return values.astype(bool)


# ---------------------------------------------------------------------- get / set / fill
def _in_memory(m, operation):
    """The data of an in-memory map; a chunked (dask) map is refused with the way out."""
    if is_dask(m.data):
        raise TypeError(
            f"{operation} needs the data in memory, and this map is chunked (dask): call "
            f"m = m.compute() first, or use get_by_coord/get_by_idx (they work on chunks)"
        )
    return m.data


def get_by_idx(m, idx, fill_value=None):
    idx, inside = _positions(m, idx)
    data = m.data
    if is_dask(data):
        # dask indexes point lists through vindex (numpy-style fancy indexing).
        values = np.asarray(data.vindex[_data_index(idx, inside)])
        dtype = data.dtype if fill_value is None else np.result_type(data.dtype, fill_value)
        fill = _default_fill(data.dtype) if fill_value is None else fill_value
        out = np.full(inside.shape, fill, dtype=dtype)
        out[inside] = values
        return out
    if fill_value is None:
        fill, dtype = _default_fill(data.dtype), data.dtype
    else:
        fill, dtype = fill_value, np.result_type(data.dtype, fill_value)
    out = np.full(inside.shape, fill, dtype=dtype)
    out[inside] = data[_data_index(idx, inside)]
    return out


def set_by_idx(m, idx, vals):
    idx, inside = _positions(m, idx)
    vals = _plain_values(m, vals, "vals")
    try:
        vals = np.broadcast_to(vals, inside.shape)
    except ValueError:
        raise ValueError(
            f"vals of shape {vals.shape} do not match the {inside.shape} positions"
        ) from None
    if m.is_mask:
        vals = _as_mask_values(vals, "values")
    _in_memory(m, "set_by_*")[_data_index(idx, inside)] = vals[inside]


def fill_by_idx(m, idx, weights=None):
    idx, inside = _positions(m, idx)
    data = _in_memory(m, "fill_by_*")
    flat = np.ravel_multi_index(_data_index(idx, inside), data.shape)
    if weights is None:
        w = None
    else:
        w = _plain_values(m, weights, "weights")
        try:
            w = np.broadcast_to(w, inside.shape)[inside]
        except ValueError:
            raise ValueError(
                f"weights of shape {np.shape(w)} do not match the {inside.shape} positions"
            ) from None
        if m.is_mask and not np.all(np.isfinite(w)):
            raise ValueError("weights filled into a boolean map must be finite, got NaN/inf")
    # Sum per pixel first (np.add.at semantics), then add once: as gammapy, an integer map
    # receives the truncated sum of float weights.
    pixels, inverse = np.unique(flat, return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=w, minlength=pixels.size)
    where = np.unravel_index(pixels, data.shape)
    if m.is_mask:
        data[where] |= sums != 0
    else:
        data[where] += sums.astype(data.dtype)


# ---------------------------------------------------------------------- interpolation
def _scale(values, scale):
    if scale == "log":
        tiny = np.finfo(values.dtype if values.dtype.kind == "f" else np.float32).tiny
        return np.log(np.clip(values, tiny, np.inf))
    if scale == "sqrt":
        return np.sign(values) * np.sqrt(np.abs(values))
    return values


def _unscale(values, scale):
    if scale == "log":
        out = np.exp(values)
        tiny = np.finfo(out.dtype).tiny
        return np.where(np.abs(out) - tiny <= tiny, 0, out)
    if scale == "sqrt":
        return values**2
    return values


def interp_by_pix(m, pix, method="linear", fill_value=None, values_scale="lin"):
    geom = m.geom
    _check_count(geom, pix, "pix")
    if values_scale not in _VALUE_SCALES:
        raise ValueError(f"values_scale must be one of {_VALUE_SCALES}, got {values_scale!r}")
    pix = tuple(np.asarray(p.value if isinstance(p, u.Quantity) else p, float) for p in pix)
    data = _in_memory(m, "interp_by_*")
    if values_scale != "lin" and method == "linear":
        data = _scale(np.asarray(data, dtype=float), values_scale)
    values, finite = interpolate_points(data, pix, method)
    if values_scale != "lin" and method == "linear":
        values = _unscale(values, values_scale)
    if fill_value is None:
        if not finite.all():
            fill = _default_fill(values.dtype)
            values = values.astype(np.result_type(values.dtype, fill), copy=False)
            values[~finite] = fill
        return values
    outside = ~finite
    for p, n in zip(pix, (*geom.npix, *geom.axes.shape), strict=True):
        with np.errstate(invalid="ignore"):
            outside = outside | (p < -0.5) | (p >= n - 0.5)
    values = values.astype(np.result_type(values.dtype, fill_value), copy=False)
    if values.dtype.kind in "fc":
        outside |= ~np.isfinite(values)
    values[outside] = fill_value
    return values


# ---------------------------------------------------------------------- image planes
def get_image_by_idx(m, idx):
    idx = tuple(np.atleast_1d(idx))
    axes = m.geom.axes
    if len(idx) != len(axes):
        raise ValueError(
            "Tuple length must equal number of non-spatial dimensions: need one index per "
            f"non-spatial axis {axes.names}, got {tuple(int(i) for i in idx)}"
        )
    result = []
    for i, (j, axis) in enumerate(zip(idx, axes, strict=True)):
        if np.size(j) != 1 or np.asarray(j).dtype.kind not in "iu":
            raise TypeError(f"index {i} must be one integer, got {describe(j)}")
        j = int(np.asarray(j).item())
        if not -axis.nbin <= j < axis.nbin:
            raise IndexError(
                f"index {j} out of range for axis {i} '{axis.name}' ({axis.nbin} bins)"
            )
        result.append(j)
    data = m.data[tuple(result[::-1])]
    return m.__class__(m.geom.to_image(), data=data, meta=dict(m.meta), unit=m.unit)


def get_image_by_pix(m, pix):
    pix = tuple(np.atleast_1d(pix))
    if any(np.size(p) != 1 for p in pix):
        raise ValueError(f"pix must hold one pixel coordinate per axis, got {describe(pix)}")
    idx = pix_to_idx(pix)
    for i, (j, axis) in enumerate(zip(idx, m.geom.axes, strict=False)):
        if not 0 <= j[0] < axis.nbin:
            raise IndexError(
                f"pixel {float(pix[i])} is outside axis {i} '{axis.name}' "
                f"(pixels -0.5 to {axis.nbin - 0.5})"
            )
    return get_image_by_idx(m, tuple(int(j[0]) for j in idx))


def get_image_by_coord(m, coords):
    axes = m.geom.axes
    if isinstance(coords, (tuple, list)):
        if len(coords) != len(axes):
            raise ValueError(f"need one coordinate per axis {axes.names}, got {describe(coords)}")
        coords = dict(zip(axes.names, coords, strict=True))
    if not hasattr(coords, "get"):
        raise TypeError(f"coords must be a tuple or a dict by axis name, got {describe(coords)}")
    idx = []
    for axis in axes:
        value = coords.get(axis.name)
        if value is None:
            raise ValueError(f"no coordinate for the axis '{axis.name}' in {describe(coords)}")
        if isinstance(value, str):
            value = u.Quantity(value)
        index = axis.coord_to_idx(value, clip=True)
        if index.size != 1:
            raise ValueError(f"one coordinate per axis, got {describe(value)} for '{axis.name}'")
        idx.append(int(index[0]))
    return get_image_by_idx(m, tuple(idx))
