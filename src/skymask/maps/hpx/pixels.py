"""HEALPix pixel arithmetic for both orderings: cdshealpix where a formula is not enough.

Pixel centres always come from the ring formulas of `skymask.kernels.healpix` (nested indices
are converted to ring first), so centres, region masks and morphology agree bit for bit in
both orderings. cdshealpix gives lon/lat -> pixel, ring <-> nested and neighbours; the nested
scheme needs ``nside`` a power of two.
"""

from __future__ import annotations

import numpy as np

from ...kernels.healpix import npix_of, ring_centres
from ...utils.lazy import coordinates as _coords
from ...utils.lazy import units as u

__all__ = [
    "check_nside",
    "depth_of",
    "lonlat_to_pix",
    "neighbours",
    "pix_to_lonlat",
    "pix_to_ring",
    "ring_to_pix",
]

MAX_NSIDE = 2**29


def check_nside(nside, nest: bool) -> int:
    """``nside`` as an int, checked: positive, at most 2**29, a power of two if nested."""
    value = np.asarray(nside)
    if value.size != 1:
        raise ValueError(
            f"nside must be a single number, got {value.tolist()}: multi-resolution HEALPix "
            "geometries (one nside per energy bin) are not supported; use one nside"
        )
    value = value.ravel()[0]
    if isinstance(value, (bool, np.bool_)) or not float(value).is_integer():
        raise ValueError(f"nside must be a positive integer, got {nside!r}")
    value = int(value)
    if not 1 <= value <= MAX_NSIDE:
        raise ValueError(f"nside must be between 1 and 2**29, got {value}")
    if nest and value & (value - 1):
        raise ValueError(
            f"nside must be a power of 2 for nested ordering, got {value}; use nest=False "
            "(ring ordering) or a power of 2"
        )
    return value


def depth_of(nside: int) -> int:
    """HEALPix depth (order) of a power-of-two nside."""
    return int(nside).bit_length() - 1


def _cds():
    import cdshealpix  # noqa: F401  (imported here: 2 ms after astropy, only when needed)
    from cdshealpix import nested, ring

    return nested, ring


# Below this many pixels cdshealpix's conversions run on one thread: starting its thread
# pool costs ~0.1 ms a call, more than the conversion of a disk of a few 10k pixels
# (measured: 816 pixels 169 -> 58 us, 24000 293 -> 216 us; all-sky nside 1024 48 ms on two
# threads against 95 ms on one).
THREADED_FROM = 100_000


def _convert(name: str, nside: int, ipix, scheme: str) -> np.ndarray:
    """cdshealpix's ``to_ring`` / ``from_ring`` of int64 indices, as int64."""
    import cdshealpix

    ipix = np.asarray(ipix, dtype=np.int64)
    flat = np.ascontiguousarray(ipix.ravel())
    if flat.size and (flat.min() < 0 or flat.max() >= npix_of(nside)):
        bad = flat[(flat < 0) | (flat >= npix_of(nside))][0]
        raise ValueError(
            f"{scheme} pixel indices must be in [0, {npix_of(nside)}) at nside {nside}, got "
            f"{int(bad)}"
        )
    threads = 0 if flat.size >= THREADED_FROM else 1  # 0: all cores
    out = getattr(cdshealpix, name)(flat.view(np.uint64), depth_of(nside), num_threads=threads)
    return np.asarray(out).view(np.int64).reshape(ipix.shape)


def pix_to_ring(nside: int, nest: bool, ipix) -> np.ndarray:
    """Ring-scheme indices of pixels given in the geometry's ordering."""
    ipix = np.asarray(ipix, dtype=np.int64)
    if not nest or ipix.size == 0:
        return ipix
    return _convert("to_ring", nside, ipix, "nested")


def ring_to_pix(nside: int, nest: bool, ipix) -> np.ndarray:
    """Indices in the geometry's ordering of ring-scheme pixels."""
    ipix = np.asarray(ipix, dtype=np.int64)
    if not nest or ipix.size == 0:
        return ipix
    return _convert("from_ring", nside, ipix, "ring")


def pix_to_lonlat(nside: int, nest: bool, ipix) -> tuple[np.ndarray, np.ndarray]:
    """Degrees (lon in [0, 360), lat) of pixel centres; NaN for indices outside the sky."""
    ipix = np.asarray(ipix, dtype=np.int64)
    valid = (ipix >= 0) & (ipix < npix_of(nside))
    safe = np.where(valid, ipix, 0)
    lon, lat = ring_centres(nside, pix_to_ring(nside, nest, safe))
    lon, lat = np.degrees(lon), np.degrees(lat)
    if not valid.all():
        lon = np.where(valid, lon, np.nan)
        lat = np.where(valid, lat, np.nan)
    return lon, lat


def lonlat_to_pix(nside: int, nest: bool, lon_deg, lat_deg) -> np.ndarray:
    """Pixel index (geometry ordering) containing each position; -1 for non-finite ones."""
    lon, lat = np.broadcast_arrays(np.asarray(lon_deg, float), np.asarray(lat_deg, float))
    good = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
    out = np.full(lon.shape, -1, dtype=np.int64)
    if not good.any():
        return out
    nested, ring = _cds()
    lon_q = _coords.Longitude(lon[good] * u.deg)
    lat_q = _coords.Latitude(lat[good] * u.deg)
    if nest:
        pix = nested.lonlat_to_healpix(lon_q, lat_q, depth_of(nside))
    else:
        pix = ring.lonlat_to_healpix(lon_q, lat_q, nside)
    out[good] = np.asarray(pix, dtype=np.int64)
    return out


def neighbours(nside: int, nest: bool, ipix) -> np.ndarray:
    """The (up to) 8 neighbours of each pixel, shape (N, 8), -1 where a pixel has only 7.

    Needs a power-of-two nside (cdshealpix works in the nested scheme).
    """
    nested, _ = _cds()
    ipix = np.asarray(ipix, dtype=np.int64).ravel()
    if nside & (nside - 1):
        raise ValueError(
            f"HEALPix neighbours need nside a power of 2, got {nside}: regrid the map first"
        )
    depth = depth_of(nside)
    cells = ring_to_pix(nside, True, ipix) if not nest else ipix
    table = np.asarray(nested.neighbours(cells.astype(np.uint64), depth)).astype(np.int64)
    # Column 4 is the pixel itself (cdshealpix's 3 x 3 layout).
    table = np.delete(table, 4, axis=1)
    missing = table < 0
    table = np.where(missing, 0, table)
    if not nest:
        table = ring_to_pix(nside, False, pix_to_ring(nside, True, table))
    return np.where(missing, -1, table)
