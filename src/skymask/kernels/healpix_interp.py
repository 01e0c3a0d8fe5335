"""Bilinear interpolation weights on the HEALPix ring scheme (healpy's ``get_interp_weights``).

For a position (theta, phi) the two rings around it (the one at or above, the one below) each
give the two pixels on either side in longitude, weighted linearly in phi; the two rings are
weighted linearly in theta. Above the first ring (below the last) the four polar pixels of the
first (last) ring stand in for the missing ring, each with a quarter of its weight. This is
the algorithm of ``T_Healpix_Base::get_interpol`` (HEALPix C++), vectorised; indices are
ring-scheme ``int64``, angles in radians. `tests/kernels/test_healpix_interp.py` checks it
against healpy's numbers.
"""

from __future__ import annotations

import numpy as np

from .healpix import npix_of, ring_geometry, ring_start

__all__ = ["interp_weights", "ring_above"]


def ring_above(nside: int, z) -> np.ndarray:
    """The ring at or north of ``z = cos(theta)`` (0 above the first ring)."""
    z = np.asarray(z, dtype=float)
    az = np.abs(z)
    equator = (nside * (2.0 - 1.5 * z)).astype(np.int64)
    with np.errstate(invalid="ignore"):
        polar = (nside * np.sqrt(3.0 * (1.0 - az))).astype(np.int64)
    polar = np.where(z > 0, polar, 4 * nside - polar - 1)
    return np.where(az <= 2.0 / 3.0, equator, polar)


def _ring_pair(nside, ring, phi):
    """The two pixels of ``ring`` around ``phi``, their weights, and the ring's theta."""
    z, sin_theta, phi0, count = ring_geometry(nside, ring)
    theta = np.arctan2(sin_theta, z)
    shift = np.where(phi0 > 0, 0.5, 0.0)
    dphi = 2 * np.pi / count
    i1 = np.floor(phi / dphi - shift).astype(np.int64)
    w1 = (phi - (i1 + shift) * dphi) / dphi
    i2 = i1 + 1
    i1 = np.where(i1 < 0, i1 + count, i1)
    i2 = np.where(i2 >= count, i2 - count, i2)
    start = ring_start(nside, ring)
    return start + i1, start + i2, 1.0 - w1, w1, theta


def interp_weights(nside: int, theta, phi):
    """The four ring-scheme pixels and weights of bilinear interpolation at (theta, phi).

    Parameters
    ----------
    nside : int
        HEALPix resolution.
    theta, phi : array-like
        Colatitude in [0, pi] and longitude (radians), broadcast together.

    Returns
    -------
    pix : ndarray of int64, shape (4, ...)
        Ring-scheme pixel indices.
    weights : ndarray of float, shape (4, ...)
        Weights summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> pix, w = interp_weights(1, np.array([np.pi / 2, 1.0]), np.array([0.0, 1.0]))
    >>> pix[:, 0].tolist(), w[:, 0].tolist()
    ([4, 5, 11, 8], [1.0, 0.0, 0.0, 0.0])
    >>> pix[:, 1].tolist(), w[:, 1].round(4).tolist()
    ([0, 1, 4, 5], [0.6753, 0.1069, 0.0791, 0.1387])
    """
    theta, phi = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
    shape = theta.shape
    theta, phi = theta.ravel(), np.mod(phi.ravel(), 2 * np.pi)
    last = 4 * nside - 1
    ir1 = ring_above(nside, np.cos(theta))
    ir2 = ir1 + 1
    p0, p1, w0, w1, theta1 = _ring_pair(nside, np.clip(ir1, 1, last), phi)
    p2, p3, w2, w3, theta2 = _ring_pair(nside, np.clip(ir2, 1, last), phi)
    north, south = ir1 == 0, ir2 == 4 * nside
    middle = ~north & ~south
    with np.errstate(invalid="ignore", divide="ignore"):
        w_north = theta / theta2
        w_south = (theta - theta1) / (np.pi - theta1)
        w_middle = (theta - theta1) / (theta2 - theta1)
    pix = np.stack([p0, p1, p2, p3])
    weights = np.stack([w0, w1, w2, w3])
    # between two rings
    weights[:2, middle] *= 1.0 - w_middle[middle]
    weights[2:, middle] *= w_middle[middle]
    # above the first ring: the ring's 4 pixels, shifted by 2, stand for the pole side
    if north.any():
        t = w_north[north]
        fac = (1.0 - t) * 0.25
        weights[2:, north] = weights[2:, north] * t + fac
        weights[:2, north] = fac
        pix[0, north] = (pix[2, north] + 2) & 3
        pix[1, north] = (pix[3, north] + 2) & 3
    if south.any():
        t = w_south[south]
        fac = t * 0.25
        weights[:2, south] = weights[:2, south] * (1.0 - t) + fac
        weights[2:, south] = fac
        npix = npix_of(nside)
        pix[2, south] = ((pix[0, south] + 2) & 3) + npix - 4
        pix[3, south] = ((pix[1, south] + 2) & 3) + npix - 4
    return pix.reshape((4, *shape)), weights.reshape((4, *shape))
