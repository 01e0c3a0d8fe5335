"""Nearest-pixel and multi-linear lookups on plain arrays (the kernel of `Map.interp_to_geom`).

Pixel coordinates follow the map convention: the centre of pixel ``i`` is at ``i``, the
footprint of an axis of ``size`` pixels is ``-0.5 <= p < size - 0.5``. See
`skymask.maps.reproject` for the friendly layer and the rules for non-spatial axes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["METHODS", "interpolate_points", "linear_stencil", "nearest_index", "sample"]

METHODS = ("nearest", "linear")


def nearest_index(pix, size: int) -> np.ndarray:
    """Index of the pixel containing each pixel coordinate; -1 outside ``[-0.5, size - 0.5)``.

    Examples
    --------
    >>> nearest_index([-0.6, -0.5, 0.49, 0.5, 2.49, 2.5, float("nan")], 3).tolist()
    [-1, 0, 0, 1, 2, -1, -1]
    """
    pix = np.asarray(pix, dtype=float)
    with np.errstate(invalid="ignore"):
        index = np.floor(pix + 0.5)
        inside = (index >= 0) & (index <= size - 1)
    return np.where(inside, index, -1).astype(np.int64)


def linear_stencil(pix, size: int):
    """Two neighbours and the weight of the second for linear interpolation along one axis.

    Returns ``(i0, i1, weight, inside)``: the value at ``pix`` is
    ``(1 - weight) * v[i0] + weight * v[i1]``. Inside the outermost pixel centres the weight
    is in ``[0, 1)``; in the half pixel beyond them it extrapolates (down to -0.5, up to 1.5).
    ``inside`` is the footprint rule of `nearest_index`. A single-pixel axis is constant.

    Examples
    --------
    >>> i0, i1, w, inside = linear_stencil([-0.5, 0.25, 2.0, 2.4], 3)
    >>> i0.tolist(), i1.tolist(), w.tolist(), inside.tolist()
    ([0, 0, 1, 1], [1, 1, 2, 2], [-0.5, 0.25, 1.0, 1.4], [True, True, True, True])
    """
    pix = np.asarray(pix, dtype=float)
    inside = nearest_index(pix, size) >= 0
    safe = np.where(inside, pix, 0.0)
    if size == 1:
        zero = np.zeros(pix.shape, dtype=np.int64)
        return zero, zero, np.zeros(pix.shape), inside
    i0 = np.clip(np.floor(safe), 0, size - 2).astype(np.int64)
    return i0, i0 + 1, safe - i0, inside


def _lerp(a, b, weight):
    """``(1 - w) a + w b`` where a zero weight really drops the value (NaN stays out)."""
    with np.errstate(invalid="ignore"):
        out = a + weight * (b - a)
    out = np.where(weight == 0, a, out)
    return np.where(weight == 1, b, out)


def sample(data, spatial, axes, method: str, fill_value):
    """Values of ``data`` at target positions, on plain arrays.

    Parameters
    ----------
    data : ndarray, shape ``(n_axis_k, ..., n_axis_1, ny, nx)``
        Source data in data order.
    spatial : (ndarray, ndarray)
        Source pixel coordinates ``(x, y)`` of the target pixel centres, each of shape
        ``(ny_target, nx_target)``.
    axes : list of 1-D ndarray
        For every non-spatial source axis (axis order ``1 .. k``), the source pixel
        coordinates of the target positions along it.
    method : {"nearest", "linear"}
    fill_value : scalar
        Value outside the source footprint.

    Returns
    -------
    ndarray, shape ``(len(axes[k-1]), ..., len(axes[0]), ny_target, nx_target)``

    Examples
    --------
    >>> import numpy as np
    >>> data = np.arange(6.0).reshape(2, 3)
    >>> x = np.array([[0.5, 2.0, 3.0]]); y = np.array([[0.5, 1.0, 0.0]])
    >>> sample(data, (x, y), [], "linear", np.nan).tolist()
    [[2.0, 5.0, nan]]
    """
    data = np.asarray(data)
    x, y = (np.asarray(p, dtype=float) for p in spatial)
    ny, nx = data.shape[-2:]
    if method == "nearest":
        ix, iy = nearest_index(x, nx), nearest_index(y, ny)
        inside = (ix >= 0) & (iy >= 0)
        out = data[..., np.where(inside, iy, 0), np.where(inside, ix, 0)]
        axis_inside = []
        for k, pix in enumerate(axes):
            dim = data.ndim - 3 - k
            index = nearest_index(pix, data.shape[dim])
            axis_inside.append((dim, index >= 0))
            out = np.take(out, np.where(index >= 0, index, 0), axis=dim)
    elif method == "linear":
        x0, x1, wx, inside_x = linear_stencil(x, nx)
        y0, y1, wy, inside_y = linear_stencil(y, ny)
        inside = inside_x & inside_y
        values = np.asarray(data, dtype=np.result_type(data.dtype, np.float32))
        low = _lerp(values[..., y0, x0], values[..., y0, x1], wx)
        high = _lerp(values[..., y1, x0], values[..., y1, x1], wx)
        out = _lerp(low, high, wy)
        axis_inside = []
        for k, pix in enumerate(axes):
            dim = data.ndim - 3 - k
            i0, i1, weight, axis_in = linear_stencil(pix, data.shape[dim])
            axis_inside.append((dim, axis_in))
            shape = [1] * out.ndim
            shape[dim] = weight.size
            out = _lerp(
                np.take(out, i0, axis=dim), np.take(out, i1, axis=dim), weight.reshape(shape)
            )
        # The weights are float64; a float32 map stays float32.
        out = out.astype(values.dtype, copy=False)
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    outside = ~inside
    for dim, axis_in in axis_inside:
        shape = [1] * out.ndim
        shape[dim] = axis_in.size
        outside = outside | ~axis_in.reshape(shape)
    if np.any(outside):
        out = np.where(outside, np.asarray(fill_value).astype(out.dtype), out)
    return out


def _point_offsets(shape, pix, finite, nearest: bool):
    """Flat base offsets and, per interpolated dimension, (element stride, weight)."""
    strides = np.cumprod((1, *shape[::-1][:-1]))  # elements per step, in pix order
    offset = np.zeros(finite.shape, dtype=np.int64)
    corners = []
    for size, stride, p in zip(shape[::-1], strides, pix, strict=True):
        if size == 1:
            continue  # a one-pixel axis is constant along itself (gammapy ignores it)
        safe = np.where(finite, p, 0.0)
        if nearest:
            # Ties go to the lower pixel, as scipy's RegularGridInterpolator (gammapy).
            offset += np.clip(np.ceil(safe - 0.5), 0, size - 1).astype(np.int64) * stride
        else:
            i0 = np.clip(np.floor(safe), 0, size - 2).astype(np.int64)
            offset += i0 * stride
            corners.append((stride, safe - i0))
    return offset, corners


def interpolate_points(data, pix, method: str = "linear"):
    """Values of ``data`` at scattered pixel coordinates (the kernel of `Map.interp_by_pix`).

    Grid nodes are at the integer pixel coordinates (pixel centres). ``"linear"`` is
    multi-linear between the nodes and extrapolates linearly beyond the outermost centres;
    ``"nearest"`` takes the nearest node, clipped to the grid (ties go to the lower index).
    Axes of one pixel are constant along themselves. These are the rules of gammapy's
    ``interp_by_pix`` (scipy's ``RegularGridInterpolator`` with ``fill_value=None``).

    Parameters
    ----------
    data : ndarray
        Values in data order ``(..., n_axis1, ny, nx)``.
    pix : sequence of array-like
        One pixel-coordinate array per dimension in the reverse of data order
        ``(x, y, axis1, ...)``, broadcastable against each other.
    method : {"linear", "nearest"}

    Returns
    -------
    values : ndarray
        ``"nearest"``: ``data``'s dtype; ``"linear"``: float64, non-finite data values
        counting as 0 (as in gammapy) unless every data value is non-finite.
    finite : ndarray of bool
        Whether every coordinate of the point is finite; where not, ``values`` is
        meaningless (the caller fills it).

    Examples
    --------
    >>> import numpy as np
    >>> data = np.arange(6.0).reshape(2, 3)
    >>> values, finite = interpolate_points(data, ([0.5, 3.0, np.nan], [0.5, 0.0, 0.0]))
    >>> values[finite].tolist(), finite.tolist()
    ([2.0, 3.0], [True, True, False])
    >>> interpolate_points(data, ([0.5, 1.5], [0.0, 1.0]), "nearest")[0].tolist()
    [0.0, 4.0]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    data = np.asarray(data)
    if len(pix) != data.ndim:
        raise ValueError(
            f"need {data.ndim} pixel coordinate arrays (x, y, axes...), got {len(pix)}"
        )
    pix = np.broadcast_arrays(*(np.asarray(p, dtype=float) for p in pix))
    finite = np.logical_and.reduce([np.isfinite(p) for p in pix])
    flat = data.reshape(-1)
    offset, corners = _point_offsets(data.shape, pix, finite, method == "nearest")
    if method == "nearest":
        return flat[offset], finite
    # Each corner is a gather at ``offset + shift``: taken from the view ``flat[shift:]`` so
    # that no shifted index array is built; weights multiply up from (1 - t, t) per axis.
    result = np.zeros(finite.shape)
    bad_values = False
    for combination in range(1 << len(corners)):
        shift = 0
        weight = None
        for bit, (stride, t) in enumerate(corners):
            factor = t if combination >> bit & 1 else 1.0 - t
            shift += stride if combination >> bit & 1 else 0
            weight = factor if weight is None else weight * factor
        values = np.take(flat[shift:], offset)
        if values.dtype != np.float64:
            values = values.astype(np.float64)
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            bad_values = True
            values = np.where(np.isfinite(values), values, 0.0)
        if weight is None:
            result += values
        else:
            values *= weight
            result += values
    if bad_values and not np.isfinite(data).any():
        result[...] = np.nan
    return result, finite
