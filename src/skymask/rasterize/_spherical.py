"""Regions defined on the sphere (regions >= 0.12): polygons with great-circle edges and others.

A `PolygonSphericalSkyRegion` is bounded by the great-circle arcs between consecutive
vertices; a pixel belongs to it when its centre is inside. The test is exact on the sphere:
the gnomonic projection around the polygon's centre turns great circles into straight lines,
so the spherical polygon becomes a plane polygon, tested with the even-odd rule. Unlike
`regions` (whose ``contains`` needs convex polygons in clockwise order), vertex order does not
matter and non-convex polygons work; the polygon must fit in a hemisphere (the inside is the
part that does). Spherical circles and annuli are painted as skymask's circles (D5); lunes,
ranges and other spherical shapes use `regions`' own ``contains`` on the pixels of their
bounding circle.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from ..kernels.raster import gnomonic, points_in_polygon, unit_vectors
from ..utils.frames import skycoord_lonlat_deg
from ._tiles import cap_tiles

__all__ = ["paint_contains", "paint_spherical_polygon"]

# Vertices closer than this (cosine) to the hemisphere's edge around the centre are refused.
_MIN_DEPTH = 1e-6


def great_circle_polygon(region, frame):
    """A polygon with great-circle edges in the gnomonic plane around its vertices' mean.

    Returns ``(centre, vx, vy, radius, lon_c, lat_c)``: the centre as a unit vector, the
    vertices in the gnomonic plane, and the cap (radius and centre, radians) holding them.
    A cap of radius < 90 deg is convex on the sphere, so the edges stay within it; polygons
    that do not fit in a hemisphere are a ValueError. WCS grids and HEALPix share this.
    """
    lon, lat = skycoord_lonlat_deg(region.vertices, frame)
    vertices = unit_vectors(np.radians(lon), np.radians(lat))
    mean = vertices.mean(axis=0)
    norm = np.linalg.norm(mean)
    depth = vertices @ (mean / norm) if norm > 0 else np.zeros(len(vertices))
    if norm == 0 or depth.min() <= _MIN_DEPTH:
        raise ValueError(
            f"the polygon with {len(vertices)} vertices does not fit in a hemisphere "
            "around the mean of its vertices; split it into smaller polygons"
        )
    centre = mean / norm
    vx, vy, _ = gnomonic(vertices, centre)
    radius = float(np.arccos(np.clip(depth.min(), -1.0, 1.0)))
    lon_c = np.arctan2(centre[1], centre[0])
    lat_c = np.arcsin(np.clip(centre[2], -1.0, 1.0))
    return centre, vx, vy, radius, lon_c, lat_c


def paint_spherical_polygon(grid, region, out) -> None:
    """OR the pixels whose centres lie inside a great-circle polygon into ``out``."""
    centre, vx, vy, radius, lon_c, lat_c = great_circle_polygon(region, grid.sky_frame)
    for _, ix, iy, pixel_lon, pixel_lat in cap_tiles(grid, [lon_c], [lat_c], [radius]):
        x, y, cos_distance = gnomonic(unit_vectors(pixel_lon, pixel_lat), centre)
        with np.errstate(invalid="ignore"):
            inside = (cos_distance > 0) & points_in_polygon(x, y, vx, vy)
        out[iy[inside], ix[inside]] = True


def paint_contains(grid, region, out) -> None:
    """OR the pixels for which ``region.contains`` is true, within its bounding circle."""
    circle = region.bounding_circle
    lon, lat = skycoord_lonlat_deg(circle.center, grid.sky_frame)
    radius = np.radians(circle.radius.to_value(u.deg)) + 2 * np.radians(
        np.hypot(*grid.pixel_scales_deg)
    )
    for _, ix, iy, pixel_lon, pixel_lat in cap_tiles(
        grid, [np.radians(lon)], [np.radians(lat)], [radius]
    ):
        good = np.isfinite(pixel_lon) & np.isfinite(pixel_lat)
        if not good.any():
            continue
        coords = SkyCoord(pixel_lon[good] * u.rad, pixel_lat[good] * u.rad, frame=grid.sky_frame)
        # regions 0.12's RangeSphericalSkyRegion.contains is wrong for coordinates in another
        # frame than the region's: give them in its frame.
        frame = getattr(region, "frame", None)
        if frame is not None:
            coords = coords.transform_to(frame)
        inside = np.asarray(region.contains(coords), dtype=bool)
        out[iy[good][inside], ix[good][inside]] = True
