"""Plain-array kernels for rasterising shapes: angles in radians, pixels in 0-based pix."""

from __future__ import annotations

import numpy as np

__all__ = [
    "batched_tiles",
    "boundary_bboxes",
    "circle_boundary",
    "circle_limits",
    "gnomonic",
    "haversine_sin2_half",
    "pixel_index",
    "points_in_polygon",
    "unit_vectors",
]

# Points sampled on each circle to find its pixel bounding box.
N_BOUNDARY = 64


def haversine_sin2_half(lon, lat, lon0, lat0):
    """``sin^2(d/2)`` of the angular distance ``d`` between points: accurate at small angles.

    ``d < r`` is then ``haversine_sin2_half(...) < sin(r/2)**2`` (both sides monotonic in
    ``d`` on [0, pi]).
    """
    sin_dlat = np.sin((lat - lat0) / 2.0)
    sin_dlon = np.sin((lon - lon0) / 2.0)
    return sin_dlat * sin_dlat + np.cos(lat) * np.cos(lat0) * sin_dlon * sin_dlon


def circle_limits(inner, outer):
    """Thresholds on `haversine_sin2_half` for ``inner <= d < outer`` (radians, any size).

    ``sin^2(r/2)`` grows with ``r`` only up to ``r = pi``: a radius beyond 180 deg would wrap
    round and shrink the circle. Every point of the sphere is within 180 deg of the centre, so an
    outer radius above pi takes everything (limit above 1) and an inner radius above pi takes
    nothing; a radius of exactly pi keeps the strict inequality (only the antipode is out).
    An inner radius of 0 keeps the centre (limit -1).
    """
    inner = np.asarray(inner, dtype=float)
    outer = np.asarray(outer, dtype=float)
    limit_outer = np.where(outer > np.pi, 2.0, np.sin(np.minimum(outer, np.pi) / 2.0) ** 2)
    limit_inner = np.where(
        inner > 0, np.where(inner > np.pi, 2.0, np.sin(np.minimum(inner, np.pi) / 2.0) ** 2), -1.0
    )
    return limit_inner, limit_outer


def unit_vectors(lon, lat):
    """Cartesian unit vectors (..., 3) of directions given in radians."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def gnomonic(vectors, centre):
    """Gnomonic (tangent-plane) coordinates of unit ``vectors`` (..., 3) around unit ``centre``.

    Great circles become straight lines. Returns ``(x, y, cos_distance)``; the coordinates only
    mean something where ``cos_distance > 0`` (the hemisphere around ``centre``).
    """
    centre = np.asarray(centre, dtype=float)
    # Any vector not parallel to the centre gives the first axis of the tangent plane.
    helper = np.array([0.0, 0.0, 1.0]) if abs(centre[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    east = np.cross(helper, centre)
    east /= np.linalg.norm(east)
    north = np.cross(centre, east)
    vectors = np.asarray(vectors, dtype=float)
    depth = vectors @ centre
    with np.errstate(divide="ignore", invalid="ignore"):
        return (vectors @ east) / depth, (vectors @ north) / depth, depth


def points_in_polygon(x, y, vx, vy):
    """Even-odd rule: which points ``(x, y)`` lie inside the polygon with vertices ``(vx, vy)``.

    The polygon is closed implicitly (last vertex to first); vertex order and self-intersections
    follow the even-odd rule, as in `regions` and matplotlib. Loops over the edges, vectorised
    over the points.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    inside = np.zeros(np.broadcast(x, y).shape, dtype=bool)
    n = len(vx)
    for i in range(n):
        x1, y1 = vx[i - 1], vy[i - 1]
        x2, y2 = vx[i], vy[i]
        if y1 == y2:
            continue  # a horizontal edge never changes the crossing parity
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(invalid="ignore"):
            x_edge = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < x_edge)
    return inside


def circle_boundary(lon0, lat0, radius, n=N_BOUNDARY):
    """Points at angular distance ``radius`` around each centre: arrays of shape (N, n)."""
    lon0 = np.asarray(lon0, dtype=float)[:, np.newaxis]
    lat0 = np.asarray(lat0, dtype=float)[:, np.newaxis]
    radius = np.asarray(radius, dtype=float)[:, np.newaxis]
    bearing = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)[np.newaxis, :]
    sin_lat = np.sin(lat0) * np.cos(radius) + np.cos(lat0) * np.sin(radius) * np.cos(bearing)
    lat = np.arcsin(np.clip(sin_lat, -1.0, 1.0))
    lon = lon0 + np.arctan2(
        np.sin(bearing) * np.sin(radius) * np.cos(lat0),
        np.cos(radius) - np.sin(lat0) * sin_lat,
    )
    return lon, lat


def boundary_bboxes(x, y, nx, ny):
    """Pixel index ranges ``(ix0, ix1, iy0, iy1)`` (end exclusive) covering closed curves.

    ``x``, ``y``: (N, n) pixel coordinates of points sampled along each curve. The box is grown
    by half the largest gap between consecutive samples plus one pixel, so the curve between
    samples stays inside. Curves with a non-finite sample get the whole image.
    """
    gaps = np.hypot(np.diff(x, axis=1, append=x[:, :1]), np.diff(y, axis=1, append=y[:, :1]))
    margin = 0.5 * np.max(gaps, axis=1) + 1.0
    with np.errstate(invalid="ignore"):
        ix0 = np.floor(np.min(x, axis=1) - margin + 0.5)
        ix1 = np.floor(np.max(x, axis=1) + margin + 0.5) + 1
        iy0 = np.floor(np.min(y, axis=1) - margin + 0.5)
        iy1 = np.floor(np.max(y, axis=1) + margin + 0.5) + 1
    bad = ~(np.isfinite(ix0) & np.isfinite(ix1) & np.isfinite(iy0) & np.isfinite(iy1))
    ix0 = np.where(bad, 0, np.clip(ix0, 0, nx))
    ix1 = np.where(bad, nx, np.clip(ix1, 0, nx))
    iy0 = np.where(bad, 0, np.clip(iy0, 0, ny))
    iy1 = np.where(bad, ny, np.clip(iy1, 0, ny))
    return ix0.astype(np.int64), ix1.astype(np.int64), iy0.astype(np.int64), iy1.astype(np.int64)


def pixel_index(x, y, nx, ny):
    """Integer indices of the pixels containing pix ``(x, y)``, and which lie on the image."""
    with np.errstate(invalid="ignore"):
        ix = np.floor(np.asarray(x, dtype=float) + 0.5)
        iy = np.floor(np.asarray(y, dtype=float) + 0.5)
        inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    return (
        np.where(inside, ix, 0).astype(np.int64),
        np.where(inside, iy, 0).astype(np.int64),
        inside,
    )


def batched_tiles(ix0, ix1, iy0, iy1, max_pixels=16384):
    """Yield ``(shape_index, ix, iy)`` pixel-index arrays covering every box, in batches.

    Boxes (end-exclusive ranges, one per shape) are cut into row chunks of at most
    ``max_pixels`` and grouped so each batch holds at most about ``max_pixels`` pixels. This
    keeps temporaries small (memory) while evaluating many small shapes per numpy call (speed).
    """
    width = np.maximum(ix1 - ix0, 0)
    height = np.maximum(iy1 - iy0, 0)
    # Cut tall boxes into row chunks of at most max_pixels pixels.
    rows_per_chunk = np.maximum(max_pixels // np.maximum(width, 1), 1)
    n_chunks = np.where(width * height > 0, -(-height // rows_per_chunk), 0)
    shape_index = np.repeat(np.arange(len(ix0)), n_chunks)
    chunk = np.arange(n_chunks.sum()) - np.repeat(np.cumsum(n_chunks) - n_chunks, n_chunks)
    tile_y0 = iy0[shape_index] + chunk * rows_per_chunk[shape_index]
    tile_y1 = np.minimum(tile_y0 + rows_per_chunk[shape_index], iy1[shape_index])
    tile_x0 = ix0[shape_index]
    tile_w = width[shape_index]
    sizes = tile_w * (tile_y1 - tile_y0)
    ends = np.cumsum(sizes)
    start = 0
    while start < len(sizes):
        stop = max(
            int(np.searchsorted(ends, ends[start] - sizes[start] + max_pixels, "right")), start + 1
        )
        sel = slice(start, stop)
        n = sizes[sel]
        k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        w = np.repeat(tile_w[sel], n)
        ix = np.repeat(tile_x0[sel], n) + k % w
        iy = np.repeat(tile_y0[sel], n) + k // w
        yield np.repeat(shape_index[sel], n), ix, iy
        start = stop
