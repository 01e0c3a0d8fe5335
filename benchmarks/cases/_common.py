"""Helpers shared by the case modules (parent side only: they never run in gammapy's env)."""

from __future__ import annotations

import numpy as np
from astropy.wcs import WCS


def car_pixel_centres(npix, binsz, rows, columns):
    """Galactic longitude and latitude (deg) of pixel centres of a CAR map centred on (0, 0),
    as ``WcsGeom.create(npix=npix, binsz=binsz, frame="galactic")`` lays it out in both
    libraries (reference pixel at the map centre), from astropy's WCS directly."""
    nx, ny = npix
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
    wcs.wcs.crval = [0.0, 0.0]
    wcs.wcs.cdelt = [-binsz, binsz]
    wcs.wcs.crpix = [(nx + 1) / 2, (ny + 1) / 2]
    lon, lat = wcs.wcs_pix2world(np.asarray(columns, float), np.asarray(rows, float), 0)
    return (lon + 180) % 360 - 180, lat


def angular_separation(lon1, lat1, lon2, lat2):
    """Vincenty's formula in degrees (broadcasting), as astropy uses."""
    lon1, lat1, lon2, lat2 = (np.radians(v) for v in (lon1, lat1, lon2, lat2))
    dlon = lon2 - lon1
    sin_dlon, cos_dlon = np.sin(dlon), np.cos(dlon)
    sin1, cos1, sin2, cos2 = np.sin(lat1), np.cos(lat1), np.sin(lat2), np.cos(lat2)
    numerator = np.hypot(cos2 * sin_dlon, cos1 * sin2 - sin1 * cos2 * cos_dlon)
    return np.degrees(np.arctan2(numerator, sin1 * sin2 + cos1 * cos2 * cos_dlon))


def check_circles_on_sphere(ours, theirs, *, npix, binsz, lon, lat, radius, label="result"):
    """D5: where the masks differ, skymask's answer is the angular-separation test (brute force
    at those pixels) and the pixel centre lies near a circle's rim: within one pixel plus
    the CAR stretch of a pixel-plane circle, r (1 - cos |b|) at the circle's farthest
    latitude (gammapy tests circles in the pixel plane).

    ``ours``/``theirs`` are the image masks (ny, nx) or cubes (..., ny, nx) whose planes are
    all the same image. Returns (ok, note).
    """
    ours, theirs = np.asarray(ours[label]), np.asarray(theirs[label]).astype(bool)
    if ours.shape != theirs.shape:
        return False, f"shapes differ: {ours.shape} vs {theirs.shape}"
    if ours.ndim > 2:
        planes = ours.reshape(-1, *ours.shape[-2:])
        if not all(np.array_equal(planes[0], p) for p in planes[1:]):
            return False, "skymask's planes differ from each other"
        their_planes = theirs.reshape(-1, *theirs.shape[-2:])
        if not all(np.array_equal(their_planes[0], p) for p in their_planes[1:]):
            return False, "gammapy's planes differ from each other"
        ours, theirs = planes[0], their_planes[0]
    rows, columns = np.nonzero(ours != theirs)
    note = f"True pixels: skymask {int(ours.sum())}, gammapy {int(theirs.sum())}; "
    if rows.size == 0:
        return True, note + "identical"
    pixel_lon, pixel_lat = car_pixel_centres(npix, binsz, rows, columns)
    inside = np.zeros(rows.size, dtype=bool)
    rim_distance = np.full(rows.size, np.inf)
    lon, lat, radius = (np.asarray(v, float) for v in (lon, lat, radius))
    for start in range(0, rows.size, 2000):
        part = slice(start, start + 2000)
        separation = angular_separation(
            pixel_lon[part, None], pixel_lat[part, None], lon[None, :], lat[None, :]
        )
        inside[part] = (separation <= radius).any(axis=1)
        rim_distance[part] = np.abs(separation - radius).min(axis=1)
    right = np.array_equal(inside, ours[rows, columns])
    worst = float(rim_distance.max())
    stretch = float(np.max(radius * (1 - np.cos(np.radians(np.abs(lat) + radius)))))
    limit = binsz + stretch
    note += (
        f"{rows.size} pixels differ, all within {worst:.4f} deg of a circle rim "
        f"(limit {limit:.4f} deg: one pixel + CAR stretch); skymask right at "
        f"{int((inside == ours[rows, columns]).sum())} of them by brute-force separation"
    )
    return bool(right and worst <= limit), note
