"""Circles and annuli on the sphere painted as one column span per image row (cylindrical grids).

On a grid where every pixel row has one latitude and every column one longitude, linear in
the column (CAR maps centred on the equator: the usual survey map), the pixels of a row inside
a cap ``haversine(lon, lat; lon0, lat0) < L`` form one interval of longitude, closed-form on
the sphere: with ``a = sin^2((lat - lat0) / 2)`` and ``c = cos(lat) cos(lat0)`` the haversine
is ``a + c sin^2(dlon / 2)``, so the row is inside where ``|dlon| < 2 arcsin(sqrt((L - a) / c))``
(the whole row when the root is 1 or more, nothing when it is 0 or less). Painting then costs
one slice per row and region instead of a sine and a cosine per pixel.

Exactness: the ends of each span are checked with the very per-pixel test of the general path
(`raster.haversine_sin2_half` on the same longitudes and latitudes), and moved by one column
where rounding put them on the wrong side, so the painted pixels are those of the per-pixel
test. Longitude wraps round (the spans of a cap on the seam of an all-sky map are repeated one
period to either side), and rows at a pole are whole rows.
"""

from __future__ import annotations

import numpy as np

from .raster import haversine_sin2_half

__all__ = ["linear_longitudes", "paint_cap_rows"]

# Spans are filled in batches of at most this many pixels (keeps the index arrays small).
_BATCH_PIXELS = 1 << 16
# Span ends closer than this (in columns) to a pixel centre are checked with the per-pixel
# test. The closed form is exact to ~1e-9 columns, and `linear_longitudes` accepts columns
# 1e-6 of a step off the linear model: far below this margin.
_UNSURE = 1e-4
# Near a whole row (half-width near pi) arcsin amplifies rounding (to ~1e-8 rad): those spans
# are always checked. Below this the half-width is exact to ~1e-12 rad.
_NEAR_PI = np.pi - 1e-3


def linear_longitudes(lon_x):
    """``(start, step)`` (radians) if ``lon_x[i] == start + i * step`` modulo 2 pi, else None.

    Deviations up to 1e-6 of a step are accepted: the model only places the spans, whose ends
    are then checked against ``lon_x`` itself.
    """
    lon_x = np.asarray(lon_x, dtype=float)
    # One column has no step (the general path paints it).
    if lon_x.size < 2 or not np.all(np.isfinite(lon_x)):
        return None
    unwrapped = np.unwrap(lon_x)
    step = (unwrapped[-1] - unwrapped[0]) / (lon_x.size - 1)
    model = unwrapped[0] + step * np.arange(lon_x.size)
    if step == 0 or np.max(np.abs(unwrapped - model)) > 1e-6 * abs(step):
        return None
    return float(unwrapped[0]), float(step)


def _span_ends(lo, hi):
    """Integer columns strictly between ``lo`` and ``hi``: ``[floor(lo) + 1, ceil(hi))``, and
    which ends lie within `_UNSURE` columns of a pixel centre (where rounding may decide)."""
    first, stop = np.floor(lo), np.ceil(hi)
    first += 1
    # An end within _UNSURE of an integer column (the distance to the nearest integer).
    unsure = np.abs(lo - np.rint(lo)) < _UNSURE
    unsure |= np.abs(hi - np.rint(hi)) < _UNSURE
    return first.astype(np.int64), stop.astype(np.int64), unsure


def paint_cap_rows(out, lon_x, lat_y, lon0, lat0, limit_inner, limit_outer):
    """OR ``limit_inner <= haversine < limit_outer`` for every cap into ``out`` (ny, nx).

    Parameters
    ----------
    out : ndarray of bool, shape (ny, nx)
        Painted in place.
    lon_x, lat_y : ndarray
        Longitude of each column and latitude of each row (radians); the longitudes must be
        linear in the column modulo 2 pi (`linear_longitudes`).
    lon0, lat0 : ndarray
        Cap centres (radians).
    limit_inner, limit_outer : ndarray
        Thresholds on `~skymask.kernels.raster.haversine_sin2_half`
        (`~skymask.kernels.raster.circle_limits`).

    Examples
    --------
    >>> import numpy as np
    >>> out = np.zeros((3, 7), bool)
    >>> lon = np.radians(np.arange(3.0, -4.0, -1.0))
    >>> lat = np.radians([-1.0, 0.0, 1.0])
    >>> limit = np.sin(np.radians(2.5) / 2) ** 2
    >>> paint_cap_rows(out, lon, lat, np.zeros(1), np.zeros(1), np.full(1, -1.0), np.full(1, limit))
    >>> out.astype(int)
    array([[0, 1, 1, 1, 1, 1, 0],
           [0, 1, 1, 1, 1, 1, 0],
           [0, 1, 1, 1, 1, 1, 0]])
    """
    nx = out.shape[1]
    lon_x = np.asarray(lon_x, dtype=float)
    lat_y = np.asarray(lat_y, dtype=float)
    start, step = linear_longitudes(lon_x)
    lon0 = np.asarray(lon0, dtype=float).ravel()
    lat0 = np.asarray(lat0, dtype=float).ravel()
    limit_inner = np.asarray(limit_inner, dtype=float).ravel()
    limit_outer = np.asarray(limit_outer, dtype=float).ravel()
    if lon0.size == 0:
        return
    spans = _spans(nx, lon_x, lat_y, start, step, lon0, lat0, limit_inner, limit_outer)
    if spans is not None:
        _fill(out, *spans)


def _spans(nx, lon_x, lat_y, start, step, lon0, lat0, limit_inner, limit_outer):
    """``(row, first, stop)`` of every span (its temporaries freed before the filling)."""
    region, row = _band_rows(lat_y, lat0, limit_outer)
    if region.size == 0:
        return None
    sin_dlat = np.sin((lat_y[row] - lat0[region]) / 2.0)
    a = sin_dlat * sin_dlat
    # cos(lat) once per row and cos(lat0) once per cap, gathered for the (cap, row) pairs.
    c = np.cos(lat_y)[row] * np.cos(lat0)[region]
    with np.errstate(divide="ignore", invalid="ignore"):
        half_outer = _half_width(limit_outer[region], a, c)
        # A limit <= 0 leaves no inner span (haversines are >= 0): circles skip the work.
        if np.any(limit_inner > 0):
            half_inner = _half_width(limit_inner[region], a, c)
        else:
            half_inner = np.full(a.shape, -1.0)
    keep = half_outer >= 0
    region, row = region[keep], row[keep]
    half_outer, half_inner = half_outer[keep], half_inner[keep]
    if region.size == 0:
        return None
    period = 2 * np.pi / abs(step)
    # The centre column of each span, the copy nearest the middle of the map.
    centre = (lon0[region] - start) / step
    centre -= period * np.round((centre - 0.5 * (nx - 1)) / period)
    scale = 1 / abs(step)
    # Copies one period to either side only matter when a span can wrap onto the map.
    shifts = [0.0]
    if nx + 2 * np.max(half_outer) * scale + 4 > period:
        shifts = [0.0, -period, period]
    columns = _Columns(lon_x, lat_y, start, step, lon0, lat0)
    parts = []
    for shift in shifts:
        middle = centre + shift
        o0, o1, unsure = _span_ends(middle - half_outer * scale, middle + half_outer * scale)
        low, high = middle - 0.5 * period, middle + 0.5 * period
        unsure |= half_outer > _NEAR_PI
        columns.refine(o0, o1, unsure, region, row, limit_outer, low, high)
        has_inner = half_inner >= 0
        if has_inner.any():
            i0, i1, unsure = _span_ends(middle - half_inner * scale, middle + half_inner * scale)
            unsure |= half_inner > _NEAR_PI
            columns.refine(i0, i1, unsure & has_inner, region, row, limit_inner, low, high)
            # Outside the inner span (empty where it is empty): [o0, i0) and [i1, o1).
            has_inner &= i0 < i1
            parts.append((row, o0, np.where(has_inner, np.minimum(o1, i0), o1)))
            parts.append((row[has_inner], np.maximum(o0, i1)[has_inner], o1[has_inner]))
        else:
            parts.append((row, o0, o1))
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def _band_rows(lat_y, lat0, limit_outer):
    """(region, row) pairs: every row whose latitude is within a cap's latitude band.

    One row of margin on each side; rows of the margin get empty spans from the closed form.
    """
    radius = 2 * np.arcsin(np.sqrt(np.clip(limit_outer, 0, 1)))
    radius = np.where(limit_outer >= 1, np.pi, radius)
    order = np.argsort(lat_y, kind="stable")
    sorted_lat = lat_y[order]
    first = np.searchsorted(sorted_lat, lat0 - radius, side="left") - 1
    last = np.searchsorted(sorted_lat, lat0 + radius, side="right") + 1
    first = np.clip(first, 0, lat_y.size)
    last = np.clip(last, 0, lat_y.size)
    last = np.where(limit_outer > 0, last, first)  # an empty cap has no row
    count = np.maximum(last - first, 0)
    region = np.repeat(np.arange(lat0.size), count)
    position = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return region, order[np.repeat(first, count) + position]


def _half_width(limit, a, c):
    """Half the longitude interval (radians) where ``a + c sin^2(dlon/2) < limit``; -1: none."""
    s = (limit - a) / c
    half = 2 * np.arcsin(np.sqrt(np.clip(s, 0, 1)))
    # Rows where the root is 1 or more are whole rows (pi each way); at a pole (c = 0) the
    # test does not depend on longitude.
    half = np.where((s > 0) | ((c == 0) & (limit > a)), half, -1.0)
    return np.where(np.isnan(s) & ~(limit > a), -1.0, np.where(np.isnan(half), np.pi, half))


class _Columns:
    """The per-pixel test at given columns, on the grid's own longitudes where on the map."""

    def __init__(self, lon_x, lat_y, start, step, lon0, lat0):
        self.lon_x, self.lat_y, self.start, self.step = lon_x, lat_y, start, step
        self.lon0, self.lat0 = lon0, lat0

    def inside(self, column, region, row, limit):
        on_map = (column >= 0) & (column < self.lon_x.size)
        lon = np.where(
            on_map,
            self.lon_x[np.clip(column, 0, self.lon_x.size - 1)],
            self.start + self.step * column,
        )
        h = haversine_sin2_half(lon, self.lat_y[row], self.lon0[region], self.lat0[region])
        return h < limit[region]

    def refine(self, first, stop, unsure, region, row, limit, low, high):
        """Move the ``unsure`` span ends ``[first, stop)`` (in place) by one column where
        rounding put them on the wrong side of the per-pixel test.

        The span never grows beyond half a period from its centre (``low``, ``high``: columns
        of the antipodal meridian), where the columns belong to the next copy of the span.
        """
        pick = np.flatnonzero(unsure)
        if pick.size == 0:
            return
        f, t, low, high = first[pick], stop[pick], low[pick], high[pick]
        region, row = region[pick], row[pick]
        before = self.inside(f - 1, region, row, limit) & (f - 1 >= low)
        at_first = self.inside(f, region, row, limit)
        first[pick] = np.where(before, f - 1, np.where(at_first, f, f + 1))
        after = self.inside(t, region, row, limit) & (t <= high)
        at_last = self.inside(t - 1, region, row, limit)
        stop[pick] = np.where(after, t + 1, np.where(at_last, t, t - 1))


def _fill(out, row, first, stop):
    """Set ``out[row, first:stop] = True`` for every span (clipped to the image)."""
    nx = out.shape[1]
    first = np.clip(first, 0, nx)
    stop = np.clip(stop, 0, nx)
    length = stop - first
    keep = length > 0
    row, first, length = row[keep], first[keep], length[keep]
    if length.size == 0:
        return
    # Flat pixel indices in int32 where they fit: half the memory traffic of int64 (the
    # index arrays are the cost of filling).
    # (Positions count painted pixels with repeats: their total must fit as well.)
    total = int(length.sum())
    small = max(out.size, total) < np.iinfo(np.int32).max
    dtype = np.int32 if small else np.int64
    flat = out.reshape(-1) if out.flags.c_contiguous else None
    length = length.astype(dtype)
    ends = np.cumsum(length)
    starts = ends - length
    # index = position in the concatenated spans + (flat offset of the span - its start).
    delta = (row.astype(dtype) * dtype(nx) + first.astype(dtype)) - starts
    cuts = np.searchsorted(ends, np.arange(_BATCH_PIXELS, total, _BATCH_PIXELS), side="right")
    bounds = np.unique(np.concatenate(([0], cuts, [length.size])))
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        index = np.repeat(delta[begin:end], length[begin:end])
        index += np.arange(starts[begin], ends[end - 1], dtype=dtype)
        if flat is not None:
            flat[index] = True
        else:
            out[index // nx, index % nx] = True
