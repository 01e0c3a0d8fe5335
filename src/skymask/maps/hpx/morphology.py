"""Mask morphology on the sphere for HEALPix maps: dilation and erosion by an angle.

``binary_dilate(r)``: a pixel becomes True when some True pixel centre lies within angular
distance ``r`` (``d <= r``) of its centre. ``binary_erode(r)``: a pixel stays True when every
pixel centre within ``r`` is True; pixels outside a partial-sky geometry count as False (as
pixels outside a WCS image do). Both are exact on the sphere, not approximations in a
projection.

How: only the True pixels with a False neighbour (dilation), or the False pixels with a True
neighbour (erosion), can be the nearest pixel of the other kind to any pixel beyond the
neighbourhood, so cones of radius ``r`` around those boundary pixels' centres (the ring-interval
query of `skymask.kernels.healpix`, in batches) give the answer; brute-force tests of every
pixel pair check it (`tests/maps/hpx/test_morphology.py`). The work grows with the boundary
length times the cone area, not with the sky.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ...kernels.healpix import cones_ring, npix_of, ring_centres
from ...utils.units import as_width
from .pixels import neighbours, pix_to_ring

__all__ = ["binary_dilate", "binary_erode", "footprint_boundary", "width_to_radians"]

# Cone hits per batch (each costs about 100 bytes of temporaries).
_MAX_HITS = 1 << 22


def width_to_radians(geom, width) -> float:
    """A morphology width in radians: an angle, or pixels of size sqrt(pixel area)."""
    value = as_width(width)
    if value.unit == u.pix:
        return float(value.value) * np.sqrt(4 * np.pi / npix_of(geom._nside))
    return float(value.to_value(u.rad))


def _full_sky_ring(geom, local_mask) -> np.ndarray:
    """The image mask as a full-sky bool array in ring order (outside the geometry False)."""
    full = np.zeros(npix_of(geom._nside), dtype=bool)
    pix = geom.ipix[local_mask]
    full[pix_to_ring(geom._nside, geom.nest, pix)] = True
    return full


def _grow(nside, source, radius) -> np.ndarray:
    """Full-sky ring-order bool: ``source`` plus every centre within ``radius`` (d <= radius)
    of a ``source`` pixel that has a non-source neighbour."""
    ipix = np.flatnonzero(source)
    out = source.copy()
    if ipix.size == 0 or radius <= 0:
        return out
    nb = neighbours(nside, False, ipix)
    edge = ((nb >= 0) & ~source[np.where(nb >= 0, nb, 0)]).any(axis=1)
    centres = ipix[edge]
    if centres.size == 0:
        return out
    lon, lat = ring_centres(nside, centres)
    # d <= radius: the kernel's test is d < outer, so nudge the radius up by one ulp.
    outer = np.nextafter(radius, 4.0)
    per_cone = 2 * np.pi * (1 - np.cos(min(radius, np.pi))) / (4 * np.pi / npix_of(nside)) + 16
    step = max(1, int(_MAX_HITS // per_cone))
    for start in range(0, centres.size, step):
        sel = slice(start, start + step)
        hits, _ = cones_ring(nside, lon[sel], lat[sel], outer)
        out[hits] = True
    return out


def _apply(m, width, erode: bool):
    if not m.is_mask:
        raise TypeError(
            f"binary_{'erode' if erode else 'dilate'} needs a boolean mask map, got dtype "
            f"{m.data.dtype}; make one with a comparison such as 'mask = m > 0'"
        )
    geom = m.geom
    radius = width_to_radians(geom, width)
    nside = geom._nside
    image = geom.to_image()
    data = np.empty_like(m.data)
    local_ring = pix_to_ring(nside, geom.nest, geom.ipix)
    for plane, index in _planes(m.data):
        full = _full_sky_ring(image, plane)
        result = ~_grow(nside, ~full, radius) if erode else _grow(nside, full, radius)
        data[index] = result[local_ring]
    return m.__class__(geom, data=data, meta=dict(m.meta))


def _planes(data):
    for index in np.ndindex(data.shape[:-1]):
        yield data[index], index


def binary_dilate(m, width):
    """Dilated mask (see the module docstring); a new boolean map."""
    return _apply(m, width, erode=False)


def binary_erode(m, width):
    """Eroded mask (see the module docstring); a new boolean map."""
    return _apply(m, width, erode=True)


def footprint_boundary(geom, width) -> np.ndarray:
    """Image mask of a geometry: False within ``width`` of a pixel outside it."""
    n = int(geom.npix.flat[0])
    if geom.is_allsky:
        return np.ones(n, dtype=bool)
    nside = geom._nside
    inside = np.zeros(npix_of(nside), dtype=bool)
    ring = pix_to_ring(nside, geom.nest, geom.ipix)
    inside[ring] = True
    kept = ~_grow(nside, ~inside, width_to_radians(geom, width))
    return kept[ring]
