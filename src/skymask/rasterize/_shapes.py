"""Ellipses and rectangles (and their annuli) in the local tangent plane of the shape centre.

A sky shape is defined on the sky around its centre: ``width`` along a direction turned by
``angle`` from the west-east line towards north, ``height`` across it (the `regions`
convention for a map with north up and east left). The local plane is mapped onto the pixel
grid by the Jacobian of the WCS at the centre, measured with 1 arcsec steps to the west and
to the north *in the shape's own frame*: shape angles given in another frame are turned by
the local angle between the frames (D12), non-square pixels and grids whose pixels are not
square on the sky (plate carree far from its reference latitude) keep the shape's true size,
and mirrored grids (longitude increasing to the right) keep its orientation. On a square
grid this is exactly the `regions` package's pixel shape. Pixel centres are tested with the
same strict inequalities as `regions` (``|u| < width/2``, ``(2u/w)^2 + (2v/h)^2 < 1``).

A shape that runs off the projection in the map's pixel plane (some of 32 points along its
outline have no sky position: it crosses the longitude seam of an all-sky CAR, AIT, ... map) is
evaluated the same way in the projection re-centred on its longitude (`_seam.RecentredPlane`),
so it is painted on both sides of the seam; on CAR maps this is exactly the pixel shape
continued across the map edge.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from regions import (
    EllipseAnnulusSkyRegion,
    EllipseSkyRegion,
    RectangleAnnulusSkyRegion,
    RectangleSkyRegion,
)

from ..utils.frames import skycoord_lonlat_deg
from ..utils.units import describe
from ._seam import RecentredPlane, has_seam, native_lonlat
from ._tiles import cap_tiles

__all__ = ["LOCAL_SHAPES", "local_jacobian", "paint_local_shape", "shape_outer_radius_deg"]

LOCAL_SHAPES = (
    EllipseSkyRegion,
    RectangleSkyRegion,
    EllipseAnnulusSkyRegion,
    RectangleAnnulusSkyRegion,
)
_STEP_DEG = 1.0 / 3600.0


def _sizes(region):
    """(kind, (outer width, outer height), (inner width, inner height) or None) in degrees."""
    kind = "ellipse" if isinstance(region, (EllipseSkyRegion, EllipseAnnulusSkyRegion)) else "box"
    if isinstance(region, (EllipseSkyRegion, RectangleSkyRegion)):
        return kind, (region.width.to_value(u.deg), region.height.to_value(u.deg)), None
    outer = (region.outer_width.to_value(u.deg), region.outer_height.to_value(u.deg))
    inner = (region.inner_width.to_value(u.deg), region.inner_height.to_value(u.deg))
    return kind, outer, inner


def shape_outer_radius_deg(region) -> float:
    """Angular radius of a circle around the shape centre that contains the whole shape."""
    kind, (width, height), _ = _sizes(region)
    return 0.5 * (np.hypot(width, height) if kind == "box" else max(width, height))


def local_jacobian(grid, centre: SkyCoord, project=None):
    """Pixel position of ``centre`` and d(pixel)/d(west, north) there, in pixels per degree.

    ``project(lon, lat)`` (degrees in the map frame to plane coordinates) defaults to the map's
    own pixels.
    """
    west = centre.directional_offset_by(270 * u.deg, _STEP_DEG * u.deg)
    north = centre.directional_offset_by(0 * u.deg, _STEP_DEG * u.deg)
    lon, lat = skycoord_lonlat_deg(SkyCoord([centre, west, north]), grid.sky_frame)
    if project is None:
        x, y = grid.wcs.world_to_pixel_values(lon, lat)
    else:
        x, y = project(lon, lat)
    jacobian = np.array([[x[1] - x[0], x[2] - x[0]], [y[1] - y[0], y[2] - y[0]]]) / _STEP_DEG
    return float(x[0]), float(y[0]), jacobian


def _inside(kind, u_coord, v_coord, width, height):
    if kind == "box":
        return (np.abs(u_coord) < 0.5 * width) & (np.abs(v_coord) < 0.5 * height)
    return (2 * u_coord / width) ** 2 + (2 * v_coord / height) ** 2 < 1.0


def _to_local(region, jacobian):
    """Matrix from plane offsets to (u, v): u along the width, v along the height (deg)."""
    angle = region.angle.to_value(u.rad)
    cos_a, sin_a = np.cos(angle), np.sin(angle)
    # (u, v) = rotation(angle) . J^-1 . (pixel offset)
    return np.array([[cos_a, sin_a], [-sin_a, cos_a]]) @ np.linalg.inv(jacobian)


def _outline(kind, width, height):
    """Points (u, v) along the outline of a box (corners and edges) or an ellipse."""
    if kind == "box":
        t = np.linspace(-1.0, 1.0, 9)[:-1]
        half_w, half_h = 0.5 * width, 0.5 * height
        u_coord = np.concatenate([t * half_w, np.full(8, half_w), -t * half_w, np.full(8, -half_w)])
        v_coord = np.concatenate([np.full(8, -half_h), t * half_h, np.full(8, half_h), -t * half_h])
        return u_coord, v_coord
    t = np.linspace(0.0, 2.0 * np.pi, 32, endpoint=False)
    return 0.5 * width * np.cos(t), 0.5 * height * np.sin(t)


def _leaves_projection(grid, region, x0, y0, jacobian) -> bool:
    """Whether the shape, drawn in the map's pixel plane, runs off the projection.

    On an all-sky map that happens where it crosses the longitude seam (or a pole): some
    points of its outline (32 of them) have no sky position.
    """
    if not (np.isfinite(x0) and np.isfinite(y0) and np.all(np.isfinite(jacobian))):
        return True
    kind, (width, height), _ = _sizes(region)
    u_coord, v_coord = _outline(kind, width, height)
    to_pixel = np.linalg.inv(_to_local(region, jacobian))
    x = x0 + to_pixel[0, 0] * u_coord + to_pixel[0, 1] * v_coord
    y = y0 + to_pixel[1, 0] * u_coord + to_pixel[1, 1] * v_coord
    lon, lat = grid.wcs.pixel_to_world_values(x, y)
    return not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat)))


def _paint_recentred(grid, region, out, phi) -> None:
    """The shape in the projection re-centred on its native longitude ``phi``."""
    plane = RecentredPlane(grid, phi)
    x0, y0, jacobian = local_jacobian(grid, region.center, project=plane.plane)
    to_local = _to_local(region, jacobian)
    kind, (width, height), inner = _sizes(region)
    lon, lat = skycoord_lonlat_deg(region.center, grid.sky_frame)
    margin = 2 * np.radians(np.hypot(*grid.pixel_scales_deg))
    reach = min(np.radians(3 * shape_outer_radius_deg(region)) + margin, np.pi)
    centre = ([np.radians(lon)], [np.radians(lat)])
    for _, ix, iy, pixel_lon, pixel_lat in cap_tiles(grid, *centre, [reach]):
        x, y = plane.plane(np.degrees(pixel_lon), np.degrees(pixel_lat))
        dx, dy = x - x0, y - y0
        u_coord = to_local[0, 0] * dx + to_local[0, 1] * dy
        v_coord = to_local[1, 0] * dx + to_local[1, 1] * dy
        with np.errstate(invalid="ignore"):
            inside = _inside(kind, u_coord, v_coord, width, height)
            if inner is not None:
                inside &= ~_inside(kind, u_coord, v_coord, *inner)
        out[iy[inside], ix[inside]] = True


def paint_local_shape(grid, region, out) -> None:
    """OR the pixels whose centres lie inside ``region`` (a `LOCAL_SHAPES` sky region)."""
    x0, y0, jacobian = local_jacobian(grid, region.center)
    if has_seam(grid) and _leaves_projection(grid, region, x0, y0, jacobian):
        lon, lat = skycoord_lonlat_deg(region.center, grid.sky_frame)
        phi, _ = native_lonlat(grid.wcs, np.atleast_1d(lon), np.atleast_1d(lat))
        _paint_recentred(grid, region, out, float(phi[0]))
        return
    if not (np.isfinite(x0) and np.isfinite(y0) and np.all(np.isfinite(jacobian))):
        raise ValueError(
            f"the region {describe(region)} reaches the map but its centre is outside the "
            f"{grid.projection} projection; use a projection that covers it (CAR, AIT)"
        )
    to_local = _to_local(region, jacobian)
    to_pixel = np.linalg.inv(to_local)
    kind, (width, height), inner = _sizes(region)
    half = np.array([0.5 * width, 0.5 * height])
    if kind == "box":
        extent = np.abs(to_pixel) @ half
    else:
        extent = np.hypot(to_pixel[:, 0] * half[0], to_pixel[:, 1] * half[1])
    ny, nx = out.shape
    ix0 = max(int(np.floor(x0 - extent[0])) - 1, 0)
    ix1 = min(int(np.ceil(x0 + extent[0])) + 2, nx)
    iy0 = max(int(np.floor(y0 - extent[1])) - 1, 0)
    iy1 = min(int(np.ceil(y0 + extent[1])) + 2, ny)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    dx = np.arange(ix0, ix1, dtype=float)[np.newaxis, :] - x0
    dy = np.arange(iy0, iy1, dtype=float)[:, np.newaxis] - y0
    u_coord = to_local[0, 0] * dx + to_local[0, 1] * dy
    v_coord = to_local[1, 0] * dx + to_local[1, 1] * dy
    inside = _inside(kind, u_coord, v_coord, width, height)
    if inner is not None:
        inside &= ~_inside(kind, u_coord, v_coord, *inner)
    out[iy0:iy1, ix0:ix1] |= inside
