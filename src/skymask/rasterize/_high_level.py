"""Sky and pixel regions onto a geometry's image grid.

Circles and circle annuli (planar or spherical classes) are tested on the sphere: a pixel is
inside when the angular distance of its centre from the region centre is below the radius
(D5); a radius of 180 deg or more takes the whole sky. Ellipses, rectangles and their annuli
are tested in the tangent plane at the shape centre mapped onto the pixel grid by the local
WCS Jacobian (see `_shapes`; angles follow the shape frame's north, D12). Polygons are tested
in the pixel plane between their projected vertices, each edge taking the shorter way in
longitude; shapes in the pixel plane that cross the longitude seam of an all-sky map are
evaluated in the projection re-centred on them (see `_seam`). Spherical polygons have
great-circle edges (see `_spherical`). A point marks the pixel that contains it (D9); text and
line regions have no area and mark nothing. Each shape only touches the pixels of its bounding
box, and shapes that cannot reach the map are dropped before any pixel is looked at (D6).
"""

from __future__ import annotations

import numpy as np
import regions as _regions_package
from astropy import units as u
from astropy.coordinates import SkyCoord, SphericalRepresentation, UnitSphericalRepresentation
from regions import (
    CircleAnnulusSkyRegion,
    CircleSkyRegion,
    CompoundPixelRegion,
    CompoundSkyRegion,
    LinePixelRegion,
    LineSkyRegion,
    PixCoord,
    PixelRegion,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
    PolygonSkyRegion,
    TextPixelRegion,
    TextSkyRegion,
)

from ..kernels.raster import circle_limits, haversine_sin2_half, pixel_index, points_in_polygon
from ..utils.frames import skycoord_lonlat_deg
from ..utils.units import describe
from ._grid import Grid
from ._parse import SPHERICAL_REGION, parse_regions
from ._seam import RecentredPlane, has_seam, native_lonlat
from ._shapes import LOCAL_SHAPES, paint_local_shape, shape_outer_radius_deg
from ._spherical import paint_contains, paint_spherical_polygon
from ._tiles import cap_tiles, may_reach_map

__all__ = ["rasterize", "rasterize_regions"]

# Shapes without area: no pixel centre is inside them. (Text regions are points in `regions`,
# so they must be recognised before points are.)
_NO_AREA = (TextSkyRegion, TextPixelRegion, LineSkyRegion, LinePixelRegion)


def _spherical(name: str):
    return getattr(_regions_package, name, None) or type(name, (), {})


_SPHERICAL_CIRCLE = _spherical("CircleSphericalSkyRegion")
_SPHERICAL_ANNULUS = _spherical("CircleAnnulusSphericalSkyRegion")
_SPHERICAL_POLYGON = _spherical("PolygonSphericalSkyRegion")
_SPHERICAL_COMPOUND = _spherical("CompoundSphericalSkyRegion")


def rasterize(regions, wcs, shape) -> np.ndarray:
    """Boolean ``shape`` (ny, nx) image on ``wcs``: True inside the union of the regions.

    ds9 exclude regions (``-circle(...)``) are removed from the union of the include regions;
    when only exclude regions are given, the include region is the whole image (the ds9 and
    funtools convention). Text labels and lines have no area and are ignored.

    Parameters
    ----------
    regions : ds9 string or file, `regions.Regions`, list of regions, region or SkyCoord
        Any input `parse_regions` accepts.
    wcs : `~astropy.wcs.WCS`
        Celestial WCS (ICRS, FK5, FK4 or galactic) of the image.
    shape : (int, int)
        Image shape ``(ny, nx)``.

    Returns
    -------
    ndarray of bool, shape ``(ny, nx)``
        A new, writable array.

    Examples
    --------
    >>> from astropy.wcs import WCS
    >>> wcs = WCS(naxis=2)
    >>> wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
    >>> wcs.wcs.cdelt = [-0.1, 0.1]
    >>> wcs.wcs.crpix = [5.5, 5.5]
    >>> int(rasterize("galactic;circle(0, 0, 0.25)", wcs, (10, 10)).sum())
    16
    """
    grid = Grid(wcs, shape)
    pairs = parse_regions(regions)
    shape = grid.data_shape_image
    included = [region for region, include in pairs if include]
    excluded = [region for region, include in pairs if not include]
    if excluded and not included:
        mask = np.ones(shape, dtype=bool)
    else:
        mask = np.zeros(shape, dtype=bool)
        _paint(grid, included, mask)
    if excluded:
        removed = np.zeros(shape, dtype=bool)
        _paint(grid, excluded, removed)
        mask &= ~removed
    return mask


def rasterize_regions(geom, regions) -> np.ndarray:
    """`rasterize` on the sky grid of a geometry: ``rasterize(regions, geom.wcs, (ny, nx))``.

    ``geom`` is anything with ``wcs`` and ``data_shape_image`` (a `~skymask.maps.WcsGeom`).
    """
    return rasterize(regions, geom.wcs, geom.data_shape_image)


def _paint(grid, regions, out) -> None:
    """OR every region into ``out`` (a (ny, nx) bool array)."""
    circles, annuli, points, others = [], [], [], []
    for region in regions:
        if isinstance(region, (CircleSkyRegion, _SPHERICAL_CIRCLE)):
            circles.append(region)
        elif isinstance(region, (CircleAnnulusSkyRegion, _SPHERICAL_ANNULUS)):
            annuli.append(region)
        elif isinstance(region, _NO_AREA):
            continue
        elif isinstance(region, (PointSkyRegion, PointPixelRegion)):
            points.append(region)
        else:
            others.append(region)
    if circles:
        lon, lat = _centres_rad(grid, [r.center for r in circles])
        radius = np.radians([r.radius.to_value(u.deg) for r in circles])
        _paint_circles(grid, lon, lat, np.zeros_like(radius), radius, out)
    if annuli:
        lon, lat = _centres_rad(grid, [r.center for r in annuli])
        inner = np.radians([r.inner_radius.to_value(u.deg) for r in annuli])
        outer = np.radians([r.outer_radius.to_value(u.deg) for r in annuli])
        _paint_circles(grid, lon, lat, inner, outer, out)
    if points:
        _paint_points(grid, points, out)
    for region in others:
        _paint_other(grid, region, out)


def _centres_rad(grid, centres):
    """Longitudes and latitudes (radians, geometry frame) of SkyCoords, grouped by frame."""
    lon = np.empty(len(centres))
    lat = np.empty(len(centres))
    groups: dict = {}
    for index, centre in enumerate(centres):
        groups.setdefault(_frame_key(centre), []).append(index)
    for indices in groups.values():
        first = centres[indices[0]]
        group_lon, group_lat = np.array([_lonlat_deg(centres[i]) for i in indices]).T
        coords = SkyCoord(group_lon * u.deg, group_lat * u.deg, frame=first.frame)
        glon, glat = skycoord_lonlat_deg(coords, grid.sky_frame)
        lon[indices] = np.radians(glon)
        lat[indices] = np.radians(glat)
    return lon, lat


def _lonlat_deg(coord: SkyCoord) -> tuple[float, float]:
    """(lon, lat) in degrees of a scalar SkyCoord in its own frame.

    Reads the stored spherical representation directly when it has one: going through
    ``coord.spherical`` costs ~0.2 ms per coordinate, which adds up for thousands of regions.
    """
    data = coord.data
    if isinstance(data, (UnitSphericalRepresentation, SphericalRepresentation)):
        return data.lon.to_value(u.deg), data.lat.to_value(u.deg)
    spherical = coord.spherical
    return spherical.lon.to_value(u.deg), spherical.lat.to_value(u.deg)


def _frame_key(coord: SkyCoord):
    frame = coord.frame
    return (frame.name, getattr(frame, "equinox", None), getattr(frame, "obstime", None))


def _paint_circles(grid, lon0, lat0, inner, outer, out) -> None:
    """Annuli ``inner <= distance < outer`` on the sphere (inner 0: circles ``distance < r``)."""
    limit_inner, limit_outer = circle_limits(inner, outer)
    for index, ix, iy, lon, lat in cap_tiles(grid, lon0, lat0, outer):
        with np.errstate(invalid="ignore"):
            h = haversine_sin2_half(lon, lat, lon0[index], lat0[index])
            inside = (h < limit_outer[index]) & (h >= limit_inner[index])
        out[iy[inside], ix[inside]] = True


def _paint_points(grid, points, out) -> None:
    ny, nx = out.shape
    xs, ys = [], []
    sky = [p for p in points if isinstance(p, PointSkyRegion)]
    if sky:
        lon, lat = _centres_rad(grid, [p.center for p in sky])
        x, y = grid.wcs.wcs_world2pix(np.degrees(lon), np.degrees(lat), 0)
        xs.append(x)
        ys.append(y)
    pix = [p for p in points if isinstance(p, PointPixelRegion)]
    if pix:
        xs.append(np.array([p.center.x for p in pix], dtype=float))
        ys.append(np.array([p.center.y for p in pix], dtype=float))
    ix, iy, valid = pixel_index(np.concatenate(xs), np.concatenate(ys), nx, ny)
    out[iy[valid], ix[valid]] = True


def _polygon_cap(lon_deg, lat_deg):
    """(lon, lat, radius) in radians of a cap around a polygon's vertices."""
    lon_r, lat_r = np.radians(lon_deg), np.radians(lat_deg)
    cos_lat = np.cos(lat_r)
    mean = np.array(
        [np.mean(cos_lat * np.cos(lon_r)), np.mean(cos_lat * np.sin(lon_r)), np.mean(np.sin(lat_r))]
    )
    lon_c = float(np.arctan2(mean[1], mean[0]))
    lat_c = float(np.arctan2(mean[2], np.hypot(mean[0], mean[1])))
    h = np.clip(haversine_sin2_half(lon_r, lat_r, lon_c, lat_c), 0, 1)
    return lon_c, lat_c, float(2 * np.arcsin(np.sqrt(h)).max())


def _paint_sky_polygon(grid, region, out) -> None:
    """A sky polygon between its projected vertices; re-centred if it crosses the seam."""
    lon, lat = skycoord_lonlat_deg(region.vertices, grid.sky_frame)
    lon_c, lat_c, size = _polygon_cap(lon, lat)
    margin = 2 * np.radians(np.hypot(*grid.pixel_scales_deg))
    # Straight edges in the plane can stray from the vertices' cap: search twice as far.
    reach = min(2 * size + margin, np.pi)
    if not may_reach_map(grid, np.array([lon_c]), np.array([lat_c]), reach)[0]:
        return
    if has_seam(grid):
        phi, theta = native_lonlat(grid.wcs, lon, lat)
        direct = np.diff(np.append(phi, phi[0]))
        step = direct.copy()
        step[step > 180] -= 360
        step[step < -180] += 360
        if abs(step.sum()) > 180:
            raise ValueError(
                f"the polygon {describe(region)} goes round a pole of the {grid.projection} "
                "projection, where the map's pixel plane cannot hold it; use a "
                "PolygonSphericalSkyRegion (regions >= 0.12), a circle, or a map projected "
                "around the pole (TAN, ZEA)"
            )
        if np.any(step != direct):
            unwrapped = phi[0] + np.concatenate([[0.0], np.cumsum(step[:-1])])
            plane = RecentredPlane(grid, 0.5 * (unwrapped.min() + unwrapped.max()))
            vx, vy = plane.from_native(unwrapped, theta)
            for _, ix, iy, pixel_lon, pixel_lat in cap_tiles(grid, [lon_c], [lat_c], [reach]):
                x, y = plane.plane(np.degrees(pixel_lon), np.degrees(pixel_lat))
                with np.errstate(invalid="ignore"):
                    inside = points_in_polygon(x, y, vx, vy)
                out[iy[inside], ix[inside]] = True
            return
    x, y = grid.wcs.wcs_world2pix(lon, lat, 0)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(
            f"the polygon {describe(region)} reaches the map but some of its vertices are "
            f"outside the {grid.projection} projection; use a projection that covers them"
        )
    _paint_pixel_region(PolygonPixelRegion(vertices=PixCoord(x=x, y=y)), out)


def _paint_pixel_region(pixel: PixelRegion, out) -> None:
    ny, nx = out.shape
    bbox = pixel.bounding_box
    ix0, ix1 = max(bbox.ixmin, 0), min(bbox.ixmax, nx)
    iy0, iy1 = max(bbox.iymin, 0), min(bbox.iymax, ny)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    y, x = np.mgrid[iy0:iy1, ix0:ix1]
    out[iy0:iy1, ix0:ix1] |= np.asarray(pixel.contains(PixCoord(x=x, y=y)), dtype=bool)


def _paint_other(grid, region, out) -> None:
    if isinstance(region, (CompoundSkyRegion, CompoundPixelRegion, _SPHERICAL_COMPOUND)):
        first = np.zeros_like(out)
        second = np.zeros_like(out)
        _paint(grid, [region.region1], first)
        _paint(grid, [region.region2], second)
        out |= region.operator(first, second)
        return
    if isinstance(region, LOCAL_SHAPES):
        lon, lat = _centres_rad(grid, [region.center])
        if may_reach_map(grid, lon, lat, np.radians(shape_outer_radius_deg(region)))[0]:
            paint_local_shape(grid, region, out)
        return
    if isinstance(region, PolygonSkyRegion):
        _paint_sky_polygon(grid, region, out)
        return
    if isinstance(region, _SPHERICAL_POLYGON):
        paint_spherical_polygon(grid, region, out)
        return
    if SPHERICAL_REGION is not None and isinstance(region, SPHERICAL_REGION):
        paint_contains(grid, region, out)
        return
    if isinstance(region, PixelRegion):
        _paint_pixel_region(region, out)
        return
    # Any other sky shape: the regions package's own conversion.
    _paint_pixel_region(region.to_pixel(grid.wcs), out)
