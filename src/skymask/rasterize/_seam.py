"""The longitude seam of all-sky projections, and the same projection re-centred on a shape.

Cylindrical and pseudo-cylindrical projections (CAR, AIT, MOL, ...) cut the sky along the half
meridian at native longitude 180 deg: on an all-sky map centred on longitude 0, a shape at
longitude 180 is split between the left and right edges, and straight lines in the pixel
plane cannot join its two halves. Shapes defined in the pixel plane (polygons between their
projected vertices, boxes and ellipses through the local WCS Jacobian) that cross the seam are
therefore evaluated in the same projection re-centred on the shape: the native longitude is
turned so that the shape sits in the middle of the plane. For CAR this is exactly the pixel
shape continued across the edge of the map (the plane is periodic in longitude); for the other
projections it is the shape drawn where the projection has the least distortion.

Zenithal projections (TAN, SIN, ARC, ZEA, STG, ...) have no such seam.
"""

from __future__ import annotations

import numpy as np
from astropy.wcs import WCS

__all__ = ["RecentredPlane", "has_seam", "native_lonlat", "seam_distance_deg"]

_ZENITHAL = {"AZP", "SZP", "TAN", "STG", "SIN", "ARC", "ZPN", "ZEA", "AIR"}


def has_seam(grid) -> bool:
    """Whether the projection cuts the sky at native longitude 180 deg."""
    return grid.projection not in _ZENITHAL


def native_lonlat(wcs, lon_deg, lat_deg):
    """Native longitude (-180..180) and latitude (deg) of sky positions in the map frame."""
    lon_deg = np.asarray(lon_deg, dtype=float)
    lat_deg = np.asarray(lat_deg, dtype=float)
    phi = np.full(lon_deg.shape, np.nan)
    theta = np.full(lon_deg.shape, np.nan)
    good = np.isfinite(lon_deg) & np.isfinite(lat_deg)
    if good.any():
        world = np.zeros((int(good.sum()), 2))
        world[:, wcs.wcs.lng] = lon_deg[good]
        world[:, wcs.wcs.lat] = lat_deg[good]
        result = wcs.wcs.s2p(world, 0)
        phi[good] = result["phi"]
        theta[good] = result["theta"]
    return (phi + 180.0) % 360.0 - 180.0, theta


def seam_distance_deg(phi, theta):
    """Angular distance (deg) from native positions to the seam (native longitude 180 deg)."""
    phi = np.radians(phi)
    theta = np.radians(theta)
    # Towards the seam side the nearest seam point is on the seam meridian, otherwise a pole.
    across = np.degrees(np.arcsin(np.clip(np.abs(np.cos(theta) * np.sin(phi)), 0, 1)))
    via_pole = 90.0 - np.degrees(np.abs(theta))
    return np.where(np.cos(phi) <= 0, across, via_pole)


class RecentredPlane:
    """The map's projection plane with native longitude turned by ``shift`` degrees.

    ``plane(lon, lat)`` gives plane coordinates (deg) of sky positions in the map frame, in a
    plane where native longitude ``shift`` is at the centre. The map's pixels are an affine
    image of its own plane, so straight lines and the local Jacobian of a shape are the same in
    either; only the seam moves away from the shape.
    """

    def __init__(self, grid, shift_deg: float):
        self._wcs = grid.wcs
        self.shift = float(shift_deg)
        aux = WCS(naxis=2)
        aux.wcs.ctype = [f"RA---{grid.projection}", f"DEC--{grid.projection}"]
        aux.wcs.crval = [0.0, 0.0]
        aux.wcs.crpix = [0.0, 0.0]
        aux.wcs.cdelt = [1.0, 1.0]
        # Projection parameters (PVi_m of the latitude axis) shape the plane; keep them.
        lat_axis = grid.wcs.wcs.lat + 1
        aux.wcs.set_pv([(2, m, value) for i, m, value in grid.wcs.wcs.get_pv() if i == lat_axis])
        aux.wcs.set()
        # The auxiliary sky must be the native sphere itself (projections with theta_0 = 0).
        probe = np.array([[30.0, 20.0], [-150.0, -40.0], [100.0, 60.0]])
        native = aux.wcs.s2p(probe, 0)
        if not (
            np.allclose(native["phi"], probe[:, 0], atol=1e-9)
            and np.allclose(native["theta"], probe[:, 1], atol=1e-9)
        ):
            raise ValueError(
                f"shapes crossing the longitude seam of a {grid.projection} map are not "
                "supported; use a CAR or AIT map centred elsewhere, or a zenithal projection"
            )
        self._aux = aux

    def from_native(self, phi, theta):
        """Plane coordinates (deg) of native positions."""
        phi = np.asarray(phi, dtype=float)
        theta = np.asarray(theta, dtype=float)
        x = np.full(phi.shape, np.nan)
        y = np.full(phi.shape, np.nan)
        good = np.isfinite(phi) & np.isfinite(theta)
        if good.any():
            turned = (phi[good] - self.shift + 180.0) % 360.0 - 180.0
            result = self._aux.wcs.s2p(np.column_stack([turned, theta[good]]), 0)
            x[good] = result["imgcrd"][:, 0]
            y[good] = result["imgcrd"][:, 1]
        return x, y

    def plane(self, lon_deg, lat_deg):
        """Plane coordinates (deg) of sky positions in the map frame."""
        return self.from_native(*native_lonlat(self._wcs, lon_deg, lat_deg))
