"""The nested pixels of one disk, found hierarchically: sorted without a sort of the pixels.

A disk in the ring scheme (`skymask.kernels.healpix.cones_ring`) costs little, but its nested
indices then need a conversion of every pixel and a sort of the result; on a 10 deg disk at
nside 1024 (24 000 pixels) those two took 1.2 ms of the 1.7 ms of a cutout. Here the disk is
refined from a coarse depth down: a cell whose centre is far enough inside the disk is taken
whole (a range of nested indices at the final depth), one far enough outside is dropped, and
only the cells on the rim are split into their 4 children. The final pixels within `MARGIN` of
the rim get the exact centre test of `cones_ring` (the centres of
`~skymask.kernels.healpix.ring_centres`, the haversine threshold of
`~skymask.kernels.raster.circle_limits`), so the answer equals the ring query's pixel for
pixel, and only the starts of a few thousand ranges are sorted.

"Far enough" uses a bound on the distance between a cell's centre and any point of the cell:
healpix's ``max_pixrad`` (the centre-to-corner distance of the largest cell at a depth; the
descendant centres of every cell of depths 0 to 5 stay within 0.97 of it, 5 depths down, as
`tests/maps/hpx/test_disk.py` checks) plus `MARGIN` for the rounding of the coarse distances.
healpy's nested ``query_disc`` refines the same way; cdshealpix's ``cone_search`` does too, but
its "fully covered" flag is wrong for disks centred on corners of base cells, so it is not
used. The nested -> ring arithmetic is our own (healpix's ``xyf2ring``, then the ring formulas
of `~skymask.kernels.healpix.ring_geometry`): cdshealpix's conversions cost ~0.1 ms a call
whatever the size (measured: 10 pixels 110 us), and a disk needs one per depth. Nothing is
tabulated per depth (tables of every depth cost ~1 ms to build on first use, more than they
save on one disk).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ...kernels.healpix import (
    _ring_table,
    concat_ranges,
    npix_of,
    ring_geometry,
)
from ...kernels.raster import circle_limits, haversine_sin2_half

__all__ = ["disk_nested", "max_pixrad", "nested_centres"]

# Cells of the coarse depth are about a third of the radius: a few dozen cells to start with.
START_CELLS_PER_RADIUS = 3.0
# Deepest coarse start: the cells of the disk's latitude band there are tested (3072 cells at
# depth 4, centres cached); shallower depths start at their own depth.
MAX_START = 4
# Radians added to every cell radius. The coarse distances come from cos(d), whose rounding
# (a few 1e-16) moves d by at most 3e-8 rad near d = 0.
MARGIN = 1e-7

# Ring geometry from the cached ring tables of kernels.healpix up to this nside (32767 rings);
# deeper, from the same formulas per pixel (ring_geometry: the same bits as the tables).
TABLE_NSIDE = 1 << 13

# healpix's xyf2ring: a cell's ring number is jrll[face] * nside - x - y - 1, its position
# in the ring (jpll[face] * nr + x - y + 1 + kshift) / 2.
_JRLL = np.array([2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4], dtype=np.int64)
_JPLL = np.array([1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7], dtype=np.int64)


@functools.cache
def _even_bits() -> np.ndarray:
    """For every 16-bit value, its even bits (0, 2, .., 14) packed into 8 bits (int16: a
    128 kB table stays in cache where an int64 one would not)."""
    bits = np.arange(1 << 16, dtype=np.int32) & 0x5555
    bits = (bits | (bits >> 1)) & 0x3333
    bits = (bits | (bits >> 2)) & 0x0F0F
    return ((bits | (bits >> 4)) & 0x00FF).astype(np.int16)


def _face_xy(depth: int, cells):
    """Base cell and (x, y) inside it of nested indices (healpix's nest2xyf)."""
    face = cells >> (2 * depth)
    local = cells & ((1 << (2 * depth)) - 1)
    table = _even_bits()
    if depth <= 8:  # local < 2**16: one look-up each
        return face, table[local], table[local >> 1]
    x = table[local & 0xFFFF].astype(np.int64)
    y = table[(local >> 1) & 0x7FFF].astype(np.int64)
    for chunk in range(1, (2 * depth + 15) // 16):
        x |= table[(local >> (16 * chunk)) & 0xFFFF].astype(np.int64) << (8 * chunk)
        y |= table[(local >> (16 * chunk + 1)) & 0xFFFF].astype(np.int64) << (8 * chunk)
    return face, x, y


def _rings(depth: int, cells):
    """``(face, ring number, x - y)`` of nested indices: healpix's ``xyf2ring`` up to the
    ring geometry."""
    face, x, y = _face_xy(depth, cells)
    return face, (_JRLL * (1 << depth) - 1)[face] - x - y, x - y


def nested_centres(depth: int, cells):
    """Ring number, position in the ring and ring geometry of nested indices at ``depth``.

    Returns ``(ring, position, z, sin_theta, phi)``: the ring-scheme index is
    ``ring_start(nside, ring) + position``; the centre is at longitude ``phi`` and latitude
    ``arctan2(z, sin_theta)``, with the arithmetic and the bits of
    `~skymask.kernels.healpix.ring_centres`.

    Parameters
    ----------
    depth : int
        HEALPix depth (nside ``2**depth``).
    cells : array_like of int
        Nested indices at ``depth``, in ``[0, 12 * 4**depth)`` (not checked: an internal
        kernel; `skymask.maps.hpx.pixels.pix_to_ring` is the checked conversion).

    Returns
    -------
    tuple of ndarray

    Examples
    --------
    >>> ring, position, *_ = nested_centres(1, np.arange(4))
    >>> ring.tolist(), position.tolist()
    ([3, 2, 2, 1], [1, 1, 0, 0])
    """
    cells = np.asarray(cells, dtype=np.int64)
    nside = 1 << depth
    face, ring, x_minus_y = _rings(depth, cells)
    if nside <= TABLE_NSIDE:
        z_t, sin_t, phi0_t, count_t, _, _ = _ring_table(nside)
        z, sin_theta, phi0, count = (
            z_t[ring - 1],
            sin_t[ring - 1],
            phi0_t[ring - 1],
            count_t[ring - 1],
        )
    else:
        z, sin_theta, phi0, count = ring_geometry(nside, ring)
    # kshift: 1 on the equatorial rings whose first pixel is at phi = 0, 0 elsewhere.
    kshift = ((ring - nside) & 1) & (count == 4 * nside)
    position = ((_JPLL[face] * (count >> 2) + x_minus_y + kshift - 1) >> 1) % count
    phi = phi0 + position * (2 * np.pi / count)  # ring_centres' expression: the same bits
    return ring, position, z, sin_theta, phi


def _coarse_centres(depth: int, cells, final: int):
    """``(z, sin_theta, phi)`` of nested cells at ``depth``, to a few 1e-16 (not bit for bit).

    The ring geometry comes from the cached ring table of the ``final`` depth: ring ``r`` of
    ``depth`` is ring ``r * 2**(final - depth)`` there (the rings of a depth are every other
    ring of the next). The longitude is healpix's ``(jpll nr + x - y) pi / (4 nr)``, up to
    turns of 2 pi.
    """
    face, ring, x_minus_y = _rings(depth, cells)
    if (1 << final) <= TABLE_NSIDE:
        z_t, sin_t, _, count_t, _, _ = _ring_table(1 << final)
        row = (ring << (final - depth)) - 1
        z, sin_theta, per_quarter = z_t[row], sin_t[row], count_t[row] >> (final - depth + 2)
    else:
        z, sin_theta, _, count = ring_geometry(1 << depth, ring)
        per_quarter = count >> 2
    return z, sin_theta, (_JPLL[face] * per_quarter + x_minus_y) * (np.pi / 4 / per_quarter)


@functools.lru_cache(maxsize=MAX_START + 1)
def _all_centres(depth: int):
    """Every cell at a coarse ``depth`` by increasing z: ``(cells, z, sin_theta, phi)``."""
    cells = np.arange(npix_of(1 << depth), dtype=np.int64)
    z, sin_theta, phi = _coarse_centres(depth, cells, depth)
    order = np.argsort(z, kind="stable")
    return cells[order], z[order], sin_theta[order], phi[order]


def _start_cells(depth: int, lon: float, lat: float, radius: float) -> np.ndarray:
    """Nested indices (sorted) of the cells at a coarse ``depth`` whose centre is within
    ``radius`` (+- the rounding of cos(d)): every cell of the latitude band, tested at once."""
    if radius >= np.pi:
        return np.arange(npix_of(1 << depth), dtype=np.int64)
    cells, z, sin_theta, phi = _all_centres(depth)
    # A centre within radius is within radius in latitude (1e-12: rounding of the sines).
    band = (
        math.sin(max(lat - radius, -np.pi / 2)) - 1e-12,
        math.sin(min(lat + radius, np.pi / 2)) + 1e-12,
    )
    lo, hi = np.searchsorted(z, band)
    cos_d = z[lo:hi] * math.sin(lat) + sin_theta[lo:hi] * math.cos(lat) * np.cos(phi[lo:hi] - lon)
    return np.sort(cells[lo:hi][cos_d > math.cos(radius)])


@functools.lru_cache(maxsize=64)
def max_pixrad(nside: int) -> float:
    """Largest angular distance (radians) from a pixel's centre to one of its corners.

    The pixel with the largest radius lies where the polar caps meet the equatorial band:
    its centre at ``z = 2/3, phi = pi / (4 nside)``, its corner at
    ``z = 1 - (1 - 1/nside)^2 / 3, phi = 0`` (Gorski et al. 2005; healpix's ``max_pixrad``).

    Parameters
    ----------
    nside : int
        HEALPix nside.

    Returns
    -------
    float

    Examples
    --------
    >>> round(math.degrees(max_pixrad(1)), 4)  # base cell: centre to pole
    48.1897
    """
    z_a, phi_a = 2.0 / 3.0, math.pi / (4 * nside)
    z_b = 1.0 - (1.0 - 1.0 / nside) ** 2 / 3.0
    s_a, s_b = math.sqrt(1.0 - z_a * z_a), math.sqrt(1.0 - z_b * z_b)
    a = (s_a * math.cos(phi_a), s_a * math.sin(phi_a), z_a)
    b = (s_b, 0.0, z_b)
    cross = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    return math.atan2(math.hypot(*cross), a[0] * b[0] + a[1] * b[1] + a[2] * b[2])


def disk_nested(depth: int, lon: float, lat: float, outer: float) -> np.ndarray:
    """Sorted nested indices at ``depth`` of the pixel centres at a distance below ``outer``.

    The pixels of `~skymask.kernels.healpix.cones_ring` for one cone (``d < outer``), in the
    nested scheme and in increasing order.

    Parameters
    ----------
    depth : int
        HEALPix depth (nside ``2**depth``).
    lon, lat : float
        Centre of the disk, radians.
    outer : float
        Radius, radians (above pi: the whole sky).

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> disk_nested(4, 0.0, np.pi / 2, np.radians(5.0)).tolist()
    [255, 511, 767, 1023]
    """
    nside = 1 << depth
    if outer > np.pi:
        return np.arange(npix_of(nside), dtype=np.int64)
    if not outer > 0:  # as cones_ring: no centre is at a distance below 0
        return np.zeros(0, dtype=np.int64)
    # Base cells are sqrt(4 pi / 12) = 1.0233 rad wide; each depth halves them.
    start = math.log2(1.0233 * START_CELLS_PER_RADIUS / max(outer, 1e-300))
    start = int(min(max(math.floor(start), 0), depth, MAX_START))
    # Every cell that can hold a centre inside: its own centre within outer + its radius.
    cells = _start_cells(start, lon, lat, outer + max_pixrad(1 << start) + MARGIN)
    z0, sin0 = math.sin(lat), math.cos(lat)
    starts, shifts = [], []
    for level in range(start, depth + 1):
        z, sin_theta, phi = _coarse_centres(level, cells, depth)
        # cos(d) is enough to sort the cells: its rounding moves d by less than MARGIN.
        cos_d = z * z0 + sin_theta * sin0 * np.cos(phi - lon)
        # Final depth: the pixel centre itself (reach 0), only the margin of rounding.
        reach = (max_pixrad(1 << level) if level < depth else 0.0) + MARGIN
        if outer > reach:
            whole = cos_d > math.cos(outer - reach)
        else:
            whole = np.zeros(cells.size, dtype=bool)
        rim = ~whole
        if outer + reach < np.pi:
            rim &= cos_d > math.cos(outer + reach)
        starts.append(cells[whole])
        shifts.append(2 * (depth - level))
        if level == depth:
            # The pixels within MARGIN of the rim (rarely any): the exact test of cones_ring,
            # bit for bit (the centre of ring_centres, the haversine threshold of
            # circle_limits).
            rim_cells = cells[rim]
            if rim_cells.size:
                _, _, z, sin_theta, phi = nested_centres(depth, rim_cells)
                sin2 = haversine_sin2_half(phi, np.arctan2(z, sin_theta), lon, lat)
                starts.append(rim_cells[sin2 < circle_limits(0.0, outer)[1]])
                shifts.append(0)
            break
        cells = ((cells[rim] << 2)[:, None] + np.arange(4, dtype=np.int64)).ravel()
        if not cells.size:
            break
    sizes = [part.size for part in starts]
    starts = np.concatenate([part << shift for part, shift in zip(starts, shifts, strict=True)])
    counts = np.repeat(np.left_shift(1, shifts, dtype=np.int64), sizes)
    order = np.argsort(starts, kind="stable")
    return concat_ranges(starts[order], counts[order])
