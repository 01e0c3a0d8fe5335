"""Which pixels a shape can touch: caps on the sphere to pixel tiles, and the map's footprint.

A shape bounded by a cap (a circle on the sphere) only needs the pixels of the cap's pixel
bounding box; shapes whose cap cannot reach the map are dropped before any pixel is looked at
(D6). The boxes come from the cap's rim projected into the map. That is not enough where the
projection is cut: a cap that reaches the longitude seam of an all-sky map is split between its
left and right edges (every column is searched; for pseudo-cylindrical projections such as AIT,
whose seam is curved, the whole map), and a cap around a pole of the projection is not inside
its rim (the whole map).
"""

from __future__ import annotations

import numpy as np

from ..kernels.raster import batched_tiles, boundary_bboxes, circle_boundary, haversine_sin2_half
from ._seam import has_seam, native_lonlat, seam_distance_deg

__all__ = ["cap_tiles", "may_reach_map", "separable_lonlat"]

# Projections whose pixel rows are lines of constant native latitude.
_CYLINDRICAL = {"CYP", "CEA", "CAR", "MER"}


def separable_lonlat(grid):
    """Per-column longitudes and per-row latitudes (radians) if the grid is separable.

    On a plate-carree grid centred on the equator (the usual survey map) longitude depends
    only on the column and latitude only on the row, so two 1-D tables replace a WCS call
    per pixel. The property is checked numerically on a grid of sample pixels; None if it
    does not hold.
    """
    if grid.projection != "CAR":
        return None
    nx, ny = grid.npix
    xs = np.linspace(0, nx - 1, min(nx, 7))
    ys = np.linspace(0, ny - 1, min(ny, 7))
    lon, lat = grid.wcs.pixel_to_world_values(xs[np.newaxis, :], ys[:, np.newaxis])
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        return None
    if np.ptp(lon, axis=0).max() > 1e-10 or np.ptp(lat, axis=1).max() > 1e-10:
        return None
    lon_x, _ = grid.wcs.pixel_to_world_values(np.arange(nx, dtype=float), np.zeros(nx))
    _, lat_y = grid.wcs.pixel_to_world_values(np.zeros(ny), np.arange(ny, dtype=float))
    return np.radians(lon_x), np.radians(lat_y)


def _map_footprint(grid):
    """(lon, lat, radius) in radians of a circle on the sky that contains the whole map.

    Centred on the map centre, through the farthest pixel corner or edge midpoint, plus two
    pixel diagonals. Maps whose corners fall outside the projection get radius pi.
    """
    nx, ny = grid.npix
    x = np.array([-0.5, (nx - 1) / 2, nx - 0.5])
    y = np.array([-0.5, (ny - 1) / 2, ny - 0.5])
    lon, lat = grid.wcs.pixel_to_world_values(*np.meshgrid(x, y))
    lon0, lat0 = np.radians(lon[1, 1]), np.radians(lat[1, 1])
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        return lon0, lat0, np.pi
    distance = 2 * np.arcsin(
        np.sqrt(np.clip(haversine_sin2_half(np.radians(lon), np.radians(lat), lon0, lat0), 0, 1))
    )
    margin = 2 * np.radians(np.hypot(*grid.pixel_scales_deg))
    return lon0, lat0, min(float(distance.max()) + margin, np.pi)


def may_reach_map(grid, lon, lat, radius):
    """Which shapes (centre lon/lat, bounding radius; radians) can touch the map."""
    lon_c, lat_c, reach = _map_footprint(grid)
    if reach >= np.pi:
        return np.ones(np.shape(lon), dtype=bool)
    h = np.clip(haversine_sin2_half(lon, lat, lon_c, lat_c), 0, 1)
    return 2 * np.arcsin(np.sqrt(h)) <= reach + np.asarray(radius)


def cap_tiles(grid, lon0, lat0, radius):
    """Yield ``(index, ix, iy, lon, lat)`` for the pixels near caps (radians).

    ``index`` says which cap each pixel belongs to (a pixel near several caps appears once
    per cap); ``lon``, ``lat`` are the pixel centres in radians. Caps that cannot reach the
    map are skipped; every pixel inside a cap is yielded (more may be).
    """
    ny, nx = grid.data_shape_image
    lon0 = np.asarray(lon0, dtype=float)
    lat0 = np.asarray(lat0, dtype=float)
    radius = np.minimum(np.asarray(radius, dtype=float), np.pi)
    # Caps that cannot reach the map are dropped first: on the far side of a TAN map
    # their rims do not project and would otherwise mean testing every pixel.
    selected = np.flatnonzero(may_reach_map(grid, lon0, lat0, radius))
    if len(selected) == 0:
        return
    boxes = []
    # Rims in chunks of caps keep the temporaries small for many caps.
    for start in range(0, len(selected), 256):
        chunk = selected[start : start + 256]
        blon, blat = circle_boundary(lon0[chunk], lat0[chunk], radius[chunk])
        bx, by = grid.wcs.world_to_pixel_values(np.degrees(blon), np.degrees(blat))
        boxes.append(boundary_bboxes(np.asarray(bx), np.asarray(by), nx, ny))
    ix0, ix1, iy0, iy1 = (np.concatenate(parts) for parts in zip(*boxes, strict=True))
    # A cap around a pole is not bounded by its projected rim in every projection.
    around_pole = (np.pi / 2 - np.abs(lat0[selected])) <= radius[selected]
    if has_seam(grid):
        phi, theta = native_lonlat(grid.wcs, np.degrees(lon0[selected]), np.degrees(lat0[selected]))
        reach = np.degrees(radius[selected]) + 2 * float(np.hypot(*grid.pixel_scales_deg))
        around_pole |= (90.0 - np.abs(theta)) <= reach
        on_seam = seam_distance_deg(phi, theta) <= reach
        if grid.projection in _CYLINDRICAL:
            ix0[on_seam], ix1[on_seam] = 0, nx
        else:
            around_pole |= on_seam
    ix0[around_pole], ix1[around_pole], iy0[around_pole], iy1[around_pole] = 0, nx, 0, ny
    tables = separable_lonlat(grid)
    for index, ix, iy in batched_tiles(ix0, ix1, iy0, iy1):
        if tables is None:
            # wcslib directly, not APE 14's pixel_to_world_values: the same numbers without
            # the distortion layer, about 40 % faster per pixel (the hot loop of the painters).
            lon, lat = grid.wcs.wcs_pix2world(ix.astype(float), iy.astype(float), 0)
            lon, lat = np.radians(lon), np.radians(lat)
        else:
            lon, lat = tables[0][ix], tables[1][iy]
        yield selected[index], ix, iy, lon, lat
