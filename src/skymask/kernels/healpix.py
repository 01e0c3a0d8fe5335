"""HEALPix ring scheme on plain arrays: pixel centres and exact cone queries at pixel centres.

The ring formulas are those of Gorski et al. (2005, eqs. 4-9); they hold for any ``nside``
(powers of two are only needed by the nested scheme, which the layers above convert with
cdshealpix). Angles are in radians; indices are ring-scheme ``int64``.

`cones_ring` is the ring-interval cone query (the algorithm of healpy's ``query_disc``,
vectorised over many cones at once): for every (cone, ring) pair the analytic longitude
interval of the centres inside, widened by one pixel on each side, gives candidates; then the
exact centre test of `skymask.kernels.raster.circle_limits` (``inner <= d < outer``, the rule of
the WCS rasterizer, D5) keeps the answer. The result therefore equals a brute-force test of
every pixel centre wherever the interval is right to within a pixel, which it is by
construction (and `tests/kernels/test_healpix.py` checks it against the brute force). Memory
is proportional to the candidate count, never to the sky: cones are processed in batches.
"""

from __future__ import annotations

import functools

import numpy as np

from .raster import circle_limits, haversine_sin2_half

__all__ = [
    "concat_ranges",
    "cones_ring",
    "npix_of",
    "ring_centres",
    "ring_geometry",
    "ring_length",
    "ring_of_index",
    "ring_start",
]

# Candidates per batch of cones (each candidate costs about 100 bytes of temporaries).
MAX_CANDIDATES = 1 << 21
# Pixels tested at each end of a long window of candidates (see _cones_batch).
EDGE = 4


def npix_of(nside: int) -> int:
    """Number of pixels of the whole sky, ``12 nside^2``."""
    return 12 * int(nside) * int(nside)


def ring_start(nside: int, ring) -> np.ndarray:
    """First ring-scheme index of each ring (rings are numbered 1 .. 4 nside - 1)."""
    ring = np.asarray(ring, dtype=np.int64)
    npix = npix_of(nside)
    north = 2 * ring * (ring - 1)
    equator = 2 * nside * (nside - 1) + (ring - nside) * 4 * nside
    south_ring = 4 * nside - ring
    south = npix - 2 * south_ring * (south_ring + 1)
    return np.where(ring < nside, north, np.where(ring <= 3 * nside, equator, south))


def ring_length(nside: int, ring) -> np.ndarray:
    """Number of pixels in each ring."""
    ring = np.asarray(ring, dtype=np.int64)
    return 4 * np.minimum(np.minimum(ring, 4 * nside - ring), nside)


def ring_geometry(nside: int, ring):
    """``(z, sin(theta), phi of the first pixel, pixel count)`` of each ring."""
    ring = np.asarray(ring, dtype=np.int64)
    north_cap = ring < nside
    south_cap = ring > 3 * nside
    polar_ring = np.where(north_cap, ring, 4 * nside - ring)
    # 1 - |z| in the caps is polar_ring^2 / (3 nside^2): formed first so that sin(theta) near
    # the poles keeps its digits.
    one_minus_abs_z = polar_ring.astype(float) ** 2 / (3.0 * nside * nside)
    z_cap = 1.0 - one_minus_abs_z
    z_equator = (2 * nside - ring) * (2.0 / (3.0 * nside))
    z = np.where(north_cap, z_cap, np.where(south_cap, -z_cap, z_equator))
    sin_theta = np.where(
        north_cap | south_cap,
        np.sqrt(np.clip(one_minus_abs_z * (2.0 - one_minus_abs_z), 0.0, None)),
        np.sqrt(np.clip((1.0 - z_equator) * (1.0 + z_equator), 0.0, None)),
    )
    count = ring_length(nside, ring)
    shifted = north_cap | south_cap | ((ring - nside) % 2 == 0)
    phi0 = np.where(shifted, np.pi / count, 0.0)
    return z, sin_theta, phi0, count


def ring_of_index(nside: int, ipix) -> np.ndarray:
    """Ring number (1 .. 4 nside - 1) of ring-scheme pixel indices."""
    ipix = np.asarray(ipix, dtype=np.int64)
    npix = npix_of(nside)
    ncap = 2 * nside * (nside - 1)
    # sqrt of exact integers below 2**53 is correctly rounded: floor() gives the ring.
    with np.errstate(invalid="ignore"):
        north = ((1 + np.sqrt(1.0 + 2.0 * ipix)) // 2).astype(np.int64)
        equator = (ipix - ncap) // (4 * nside) + nside
        south = 4 * nside - ((1 + np.sqrt(2.0 * (npix - ipix) - 1.0)) // 2).astype(np.int64)
    return np.where(ipix < ncap, north, np.where(ipix < npix - ncap, equator, south))


def ring_centres(nside: int, ipix, chunk: int = 1 << 20):
    """Longitude and latitude (radians) of ring-scheme pixel centres; lon in [0, 2 pi).

    Computed in chunks of ``chunk`` pixels, so the temporaries stay small next to the 16 bytes
    per pixel of output.

    Examples
    --------
    >>> import numpy as np
    >>> lon, lat = ring_centres(1, np.arange(12))
    >>> np.degrees(lat[[0, 4, 8]]).round(4).tolist()
    [41.8103, 0.0, -41.8103]
    """
    ipix = np.asarray(ipix, dtype=np.int64)
    flat = ipix.ravel()
    lon = np.empty(flat.shape)
    lat = np.empty(flat.shape)
    for start in range(0, flat.size, chunk):
        part = flat[start : start + chunk]
        ring = ring_of_index(nside, part)
        z, sin_theta, phi0, count = ring_geometry(nside, ring)
        lon[start : start + chunk] = phi0 + (part - ring_start(nside, ring)) * (2 * np.pi / count)
        lat[start : start + chunk] = np.arctan2(z, sin_theta)
    return lon.reshape(ipix.shape), lat.reshape(ipix.shape)


# concat_ranges adds a shared read-only 0, 1, 2, .. up to this length instead of a new arange:
# a new array of 100s of kB costs its page faults on every call (~0.1 ms for 24k pixels in a
# fresh process), more than the addition.
SHARED_ARANGE = 1 << 18


@functools.cache
def _shared_arange() -> np.ndarray:
    out = np.arange(SHARED_ARANGE, dtype=np.int64)
    out.flags.writeable = False
    return out


def concat_ranges(starts, counts) -> np.ndarray:
    """``concatenate([arange(s, s + c) for s, c in zip(starts, counts)])`` without the loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    out = np.repeat(np.asarray(starts, dtype=np.int64) - np.cumsum(counts) + counts, counts)
    out += _shared_arange()[:total] if total <= SHARED_ARANGE else np.arange(total)
    return out


@functools.lru_cache(maxsize=8)
def _ring_table(nside: int):
    """Geometry of all 4 nside - 1 rings (latitudes decreasing with the ring number)."""
    rings = np.arange(1, 4 * nside, dtype=np.int64)
    z, sin_theta, phi0, count = ring_geometry(nside, rings)
    lat = np.arctan2(z, sin_theta)
    table = (z, sin_theta, phi0, count, ring_start(nside, rings), lat)
    for array in table:
        array.flags.writeable = False
    return table


def cones_ring(
    nside: int,
    lon,
    lat,
    outer,
    inner=None,
    max_candidates=MAX_CANDIDATES,
    with_ring=False,
    exact=True,
):
    """Ring indices of the pixel centres inside cones (or annuli), vectorised over cones.

    A centre at angular distance ``d`` from a cone's centre is inside when
    ``inner <= d < outer``.

    Parameters
    ----------
    nside : int
        HEALPix nside (any positive integer).
    lon, lat : array_like
        Cone centres in radians, shape (N,).
    outer : array_like
        Outer radii in radians, shape (N,); radii above pi take the whole sky.
    inner : array_like, optional
        Inner radii in radians (annuli); default none.
    max_candidates : int
        Candidate pixels per batch of cones (memory bound).
    with_ring : bool
        Also return the ring number of every pixel (what `ring_of_index` would compute).
    exact : bool
        False: skip the test of the centres and return each cone's candidate windows, a
        superset of its pixels (every centre inside, and a few just outside, each once). For
        callers that compute the distances anyway and give the pixels outside zero weight.

    Returns
    -------
    ipix, cone : ndarray of int64
        The ring index of every (pixel, cone) pair with the pixel centre inside; a pixel inside
        several cones appears once per cone.
    ring : ndarray of int64
        With ``with_ring``: the ring number (1 .. 4 nside - 1) of each pixel.

    Examples
    --------
    >>> import numpy as np
    >>> ipix, cone = cones_ring(16, [0.0], [np.pi / 2], [np.radians(5.0)])
    >>> sorted(ipix.tolist())
    [0, 1, 2, 3]
    """
    lon, lat, outer = (np.atleast_1d(np.asarray(a, dtype=float)) for a in (lon, lat, outer))
    lon, lat, outer = np.broadcast_arrays(lon, lat, outer)
    inner = np.zeros(lon.shape) if inner is None else np.broadcast_to(inner, lon.shape)
    keep = outer > np.maximum(inner, 0.0)
    # The candidate count of a cone: the pixels of its cap plus a border of its perimeter.
    pixel_size = np.sqrt(4 * np.pi / npix_of(nside))
    r = np.minimum(outer, np.pi)
    estimate = (2 * np.pi * (1 - np.cos(r))) / pixel_size**2 + 8 * np.sin(r) / pixel_size + 16
    estimate = np.where(keep, estimate, 0.0)
    ends = np.cumsum(estimate)
    out_ipix, out_cone, out_ring = [], [], []
    start = 0
    while start < lon.size:
        stop = int(np.searchsorted(ends, ends[start] - estimate[start] + max_candidates, "right"))
        stop = max(stop, start + 1)
        sel = np.arange(start, stop)[keep[start:stop]]
        if sel.size:
            ipix, cone, ring = _cones_batch(
                nside, lon[sel], lat[sel], outer[sel], inner[sel], with_ring, exact
            )
            out_ipix.append(ipix)
            out_cone.append(cone if sel.size == lon.size else sel[cone])  # sel: all, in order
            out_ring.append(ring)
        start = stop
    parts = (out_ipix, out_cone, out_ring) if with_ring else (out_ipix, out_cone)
    if not out_ipix:
        return tuple(np.zeros(0, dtype=np.int64) for _ in parts)
    if len(out_ipix) == 1:
        return tuple(part[0] for part in parts)
    return tuple(np.concatenate(part) for part in parts)


def _cones_batch(nside, lons, lats, outer, inner, with_ring=False, exact=True):
    z_all, sin_all, phi0_all, count_all, start_all, lat_all = _ring_table(nside)
    margin = 1e-9
    # lat_all decreases with the ring number: search on -lat.
    first_ring = np.searchsorted(-lat_all, -(lats + outer + margin), side="left")
    end_ring = np.searchsorted(-lat_all, -(lats - outer - margin), side="right")
    n_rings = np.maximum(end_ring - first_ring, 0)
    pair_ring = concat_ranges(first_ring, n_rings)
    pair_cone = np.repeat(np.arange(lons.size), n_rings)
    z, sin_theta = z_all[pair_ring], sin_all[pair_ring]
    phi0, count = phi0_all[pair_ring], count_all[pair_ring]
    theta0 = (np.pi / 2 - lats)[pair_cone]
    cos_r = np.cos(np.minimum(outer, np.pi))[pair_cone]
    with np.errstate(divide="ignore", invalid="ignore"):
        cos_dphi = (cos_r - z * np.cos(theta0)) / (sin_theta * np.sin(theta0))
    # A cone around a pole (sin(theta0) = 0) or a whole-sky cone: whole rings.
    cos_dphi = np.nan_to_num(cos_dphi, nan=-2.0, posinf=2.0, neginf=-2.0)
    cos_dphi = np.where(outer[pair_cone] >= np.pi, -2.0, cos_dphi)
    dphi = np.arccos(np.clip(cos_dphi, -1, 1))
    step = 2 * np.pi / count
    phi_centre = lons[pair_cone]
    first = np.floor((phi_centre - dphi - phi0) / step).astype(np.int64) - 1
    last = np.ceil((phi_centre + dphi - phi0) / step).astype(np.int64) + 1
    whole = (cos_dphi <= -1) | (last - first + 1 >= count)
    first = np.where(whole, 0, first)
    n = np.where(whole, count, last - first + 1)
    # cos_dphi > 1: the ring passes outside the cone (beyond the margin of the band search).
    n = np.where(cos_dphi > 1 + 1e-12, 0, n)
    limit_inner, limit_outer = circle_limits(inner, outer)
    # Long windows of a cone without a hole: the centres inside form one run of the window
    # (the distance grows with |dphi| along a ring), so only EDGE pixels at each end are
    # tested; the run between the two edges is inside. A window whose edges do not show the
    # expected outside-then-inside pattern is tested whole, as are short windows, whole rings
    # and annuli: the answer is the full test's, pixel for pixel and in the same order.
    edge_test = (n >= 2 * EDGE + 1) & ~whole & (limit_inner[pair_cone] < 0)
    if not exact:
        edge_test[:] = True  # nothing is tested: the windows are the answer
    elif edge_test.any():
        sel = np.flatnonzero(edge_test)
        offsets = np.r_[np.arange(EDGE), np.arange(-EDGE, 0)]
        k = (first[sel, None] + np.where(offsets < 0, n[sel, None], 0) + offsets) % count[sel, None]
        hit = _inside(k, sel[:, None], phi0, step, lat_all[pair_ring], pair_cone, lons, lats,
                      limit_inner, limit_outer)  # fmt: skip
        left, right = hit[:, :EDGE], hit[:, EDGE:]
        clean = (
            left[:, -1]
            & right[:, 0]
            & np.all(left[:, 1:] >= left[:, :-1], axis=1)
            & np.all(right[:, 1:] <= right[:, :-1], axis=1)
        )
        sel = sel[clean]
        skip_left = EDGE - left[clean].sum(axis=1)
        first[sel] += skip_left
        n[sel] -= skip_left + EDGE - right[clean].sum(axis=1)
        edge_test[:] = False
        edge_test[sel] = True
    # Each window [first, first + n) of a ring, wrapping round, is one or two ranges of ring
    # indices: the pixels come out in the same order as testing them one by one would give.
    # Few full-size temporaries: on this path fresh memory (page faults) costs more than the
    # arithmetic.
    first %= count
    first_ipix = start_all[pair_ring] + first
    wrap = np.minimum(n, count - first)
    ranges = np.column_stack((first_ipix, start_all[pair_ring])).ravel()
    ipix = concat_ranges(ranges, np.column_stack((wrap, n - wrap)).ravel())
    # One cone: its index is 0 everywhere, made after the test (zeros cost no pages until read).
    cone = np.repeat(pair_cone, n) if lons.size > 1 else None
    ring = np.repeat(pair_ring + 1, n) if with_ring else None  # the tables start at ring 1
    # The windows not settled by their edges: the per-pixel test.
    tested_pairs = np.flatnonzero(~edge_test & (n > 0))
    if tested_pairs.size:
        offset = np.cumsum(n) - n
        position = concat_ranges(offset[tested_pairs], n[tested_pairs])
        pair = np.repeat(tested_pairs, n[tested_pairs])
        local = ipix[position] - start_all[pair_ring][pair]
        limits = (limit_inner, limit_outer)
        hit = _inside(local, pair, phi0, step, lat_all[pair_ring], pair_cone, lons, lats, *limits)
        drop = position[~hit]
        if drop.size:
            ipix = np.delete(ipix, drop)
            cone = None if cone is None else np.delete(cone, drop)
            ring = None if ring is None else np.delete(ring, drop)
    if cone is None:
        cone = np.zeros(ipix.size, dtype=np.int64)
    return ipix, cone, ring


def _inside(local, pair, phi0, step, lat_pair, pair_cone, lons, lats, limit_inner, limit_outer):
    """The exact centre test of pixels ``local`` (index in ring) of (cone, ring) pairs ``pair``."""
    # The same arithmetic as ring_centres (phi0 + offset in ring * step): bitwise equal.
    phi = phi0[pair] + local * step[pair]
    cone = pair_cone[pair]
    sin2 = haversine_sin2_half(phi, lat_pair[pair], lons[cone], lats[cone])
    return (sin2 < limit_outer[cone]) & (sin2 >= limit_inner[cone])
