"""`HpxNDMap.smooth`: Gaussian or disk smoothing of HEALPix maps, on the sphere.

gammapy 2.1 smooths through healpy's spherical harmonics (``healpy.smoothing``, band-limited
at ``3 nside - 1``). skymask smooths in direct space, exactly on the sphere (X178): each
pixel takes the weighted mean of the pixel centres around it, with weights
``exp(-d**2 / (2 sigma**2))`` for ``d < 4 sigma`` (Gaussian) or 1 for ``d < r`` (disk), ``d``
the angle between pixel centres; the weights of each pixel are normalised to 1, so a constant
map stays constant. Pixels outside a partial-sky geometry count as 0 (gammapy embeds the map
in an all-sky map of zeros). The neighbours come from the exact ring-interval cone query
(`skymask.kernels.healpix.cones_ring`), in chunks of pixels, shared by all image planes.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ...kernels.healpix import cones_ring, npix_of, ring_centres
from ...utils.units import describe
from .pixels import pix_to_ring

__all__ = ["smooth"]

# Neighbour pairs handled at once (about 50 bytes each).
MAX_PAIRS = 1 << 22
GAUSS_TRUNCATE = 4.0


def _width_rad(geom, width) -> float:
    if isinstance(width, (u.Quantity, str)):
        value = u.Quantity(width).to_value("rad")
    elif isinstance(width, (int, float, np.integer, np.floating)) and not isinstance(width, bool):
        # a number of pixels of size sqrt(pixel area) (healpy's nside2resol)
        value = float(width) * np.sqrt(4 * np.pi / npix_of(int(np.ravel(geom.nside)[0])))
    else:
        raise TypeError(f"width must be an angle or a number of pixels, got {describe(width)}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"width must be a positive angle, got {width!r}")
    return value


def smooth(m, width, kernel="gauss"):
    """See `skymask.maps.HpxNDMap.smooth`."""
    if kernel not in ("gauss", "disk"):
        raise ValueError(f"HEALPix maps are smoothed with kernel 'gauss' or 'disk', got {kernel!r}")
    geom = m.geom
    nside = int(np.ravel(geom.nside)[0])
    sigma = _width_rad(geom, width)
    radius = GAUSS_TRUNCATE * sigma if kernel == "gauss" else sigma
    n = int(np.ravel(geom.npix)[0])
    planes = np.asarray(m.data, dtype=float).reshape(-1, n)
    # The map on the whole sky, ring order (0 outside a partial geometry).
    ring_of_local = pix_to_ring(nside, geom.nest, geom.ipix)
    full = np.zeros((planes.shape[0], npix_of(nside)))
    full[:, ring_of_local] = planes
    lon, lat = ring_centres(nside, ring_of_local)
    per_cone = max(1.0, 2 * np.pi * (1 - np.cos(min(radius, np.pi))) / (4 * np.pi / npix_of(nside)))
    step = max(1, int(MAX_PAIRS // (per_cone + 16)))
    out = np.empty_like(planes)
    for start in range(0, n, step):
        sel = slice(start, min(n, start + step))
        ipix, cone = cones_ring(nside, lon[sel], lat[sel], np.full(lon[sel].size, radius))
        if kernel == "gauss":
            plon, plat = ring_centres(nside, ipix)
            clon, clat = lon[sel][cone], lat[sel][cone]
            # haversine: accurate for small angles
            hav = np.sin((plat - clat) / 2) ** 2 + np.cos(plat) * np.cos(clat) * np.sin(
                (plon - clon) / 2) ** 2  # fmt: skip
            d = 2 * np.arcsin(np.sqrt(np.clip(hav, 0, 1)))
            w = np.exp(-0.5 * (d / sigma) ** 2)
        else:
            w = np.ones(ipix.size)
        size = lon[sel].size
        norm = np.bincount(cone, weights=w, minlength=size)
        for k in range(planes.shape[0]):
            sums = np.bincount(cone, weights=w * full[k, ipix], minlength=size)
            out[k, sel] = np.divide(sums, norm, out=np.zeros(size), where=norm > 0)
    data = out.reshape(m.data.shape)
    return m.__class__(geom, data=data, unit=m.unit, meta=dict(m.meta))
