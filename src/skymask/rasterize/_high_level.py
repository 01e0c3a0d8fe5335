"""Sky and pixel regions onto a geometry's image grid.

Circles and circle annuli are tested on the sphere: a pixel is inside when the angular distance
of its centre from the region centre is below the radius (D5). Ellipses, rectangles and their
annuli are tested in the tangent plane at the shape centre mapped onto the pixel grid by the
local WCS Jacobian (see `_shapes`; angles follow the shape frame's north, D12). Polygons are
tested in the pixel plane between their projected vertices. A point marks the pixel that
contains it (D9). Each shape only touches the pixels of its bounding box, and shapes that
cannot reach the map are dropped before any pixel is looked at (D6).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord, SphericalRepresentation, UnitSphericalRepresentation
from regions import (
    CircleAnnulusSkyRegion,
    CircleSkyRegion,
    CompoundPixelRegion,
    CompoundSkyRegion,
    LineSkyRegion,
    PixCoord,
    PixelRegion,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
    PolygonSkyRegion,
    SkyRegion,
    TextPixelRegion,
    TextSkyRegion,
)

from ..maps.coord import skycoord_lonlat_deg
from ..utils.units import describe
from ._core import (
    batched_tiles,
    boundary_bboxes,
    circle_boundary,
    haversine_sin2_half,
    pixel_index,
)
from ._parse import parse_regions
from ._shapes import LOCAL_SHAPES, paint_local_shape, shape_outer_radius_deg

__all__ = ["rasterize_regions"]

_LABELS = (TextSkyRegion, TextPixelRegion)


def rasterize_regions(geom, regions) -> np.ndarray:
    """Boolean (ny, nx) image: True inside the union of the regions.

    ds9 exclude regions (``-circle(...)``) are removed from the union of the include regions;
    when only exclude regions are given, the include region is the whole image (the ds9 and
    funtools convention). Text labels have no area and are ignored.
    """
    geom = geom.to_image()
    pairs = parse_regions(regions)
    shape = geom.data_shape_image
    included = [region for region, include in pairs if include]
    excluded = [region for region, include in pairs if not include]
    if excluded and not included:
        mask = np.ones(shape, dtype=bool)
    else:
        mask = np.zeros(shape, dtype=bool)
        _paint(geom, included, mask)
    if excluded:
        removed = np.zeros(shape, dtype=bool)
        _paint(geom, excluded, removed)
        mask &= ~removed
    return mask


def _paint(geom, regions, out) -> None:
    """OR every region into ``out`` (a (ny, nx) bool array)."""
    circles, annuli, points, others = [], [], [], []
    for region in regions:
        if isinstance(region, CircleSkyRegion):
            circles.append(region)
        elif isinstance(region, CircleAnnulusSkyRegion):
            annuli.append(region)
        elif isinstance(region, (PointSkyRegion, PointPixelRegion)):
            points.append(region)
        elif isinstance(region, _LABELS):
            continue
        else:
            others.append(region)
    if circles:
        lon, lat = _centres_rad(geom, [r.center for r in circles])
        radius = np.radians([r.radius.to_value(u.deg) for r in circles])
        _paint_circles(geom, lon, lat, np.zeros_like(radius), radius, out)
    if annuli:
        lon, lat = _centres_rad(geom, [r.center for r in annuli])
        inner = np.radians([r.inner_radius.to_value(u.deg) for r in annuli])
        outer = np.radians([r.outer_radius.to_value(u.deg) for r in annuli])
        _paint_circles(geom, lon, lat, inner, outer, out)
    if points:
        _paint_points(geom, points, out)
    for region in others:
        _paint_other(geom, region, out)


def _centres_rad(geom, centres):
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
        glon, glat = skycoord_lonlat_deg(coords, geom.sky_frame)
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


def _paint_circles(geom, lon0, lat0, inner, outer, out) -> None:
    """Annuli ``inner <= distance < outer`` on the sphere (inner 0: circles ``distance < r``)."""
    ny, nx = out.shape
    # Circles that cannot reach the map are dropped first: on the far side of a TAN map
    # their rims do not project and would otherwise mean testing every pixel.
    near = _may_reach_map(geom, lon0, lat0, outer)
    if not near.all():
        lon0, lat0, inner, outer = lon0[near], lat0[near], inner[near], outer[near]
    if len(lon0) == 0:
        return
    boxes = []
    # Boundaries in chunks of circles keep the temporaries small for many circles.
    for start in range(0, len(lon0), 256):
        sel = slice(start, start + 256)
        blon, blat = circle_boundary(lon0[sel], lat0[sel], outer[sel])
        bx, by = geom.wcs.wcs_world2pix(np.degrees(blon), np.degrees(blat), 0)
        boxes.append(boundary_bboxes(np.asarray(bx), np.asarray(by), nx, ny))
    ix0, ix1, iy0, iy1 = (np.concatenate(parts) for parts in zip(*boxes, strict=True))
    # A circle around a pole is not bounded by its projected rim in every projection.
    around_pole = (np.pi / 2 - np.abs(lat0)) <= outer
    ix0[around_pole], ix1[around_pole], iy0[around_pole], iy1[around_pole] = 0, nx, 0, ny
    limit_outer = np.sin(outer / 2.0) ** 2
    limit_inner = np.where(inner > 0, np.sin(inner / 2.0) ** 2, -1.0)
    tables = _separable_lonlat(geom)
    for index, ix, iy in batched_tiles(ix0, ix1, iy0, iy1):
        if tables is None:
            lon, lat = geom.wcs.wcs_pix2world(ix.astype(float), iy.astype(float), 0)
            lon, lat = np.radians(lon), np.radians(lat)
        else:
            lon, lat = tables[0][ix], tables[1][iy]
        with np.errstate(invalid="ignore"):
            h = haversine_sin2_half(lon, lat, lon0[index], lat0[index])
            inside = (h < limit_outer[index]) & (h >= limit_inner[index])
        out[iy[inside], ix[inside]] = True


def _separable_lonlat(geom):
    """Per-column longitudes and per-row latitudes (radians) if the grid is separable.

    On a plate-carree grid centred on the equator (the usual survey map) longitude depends
    only on the column and latitude only on the row, so two 1-D tables replace a WCS call
    per pixel. The property is checked numerically on a grid of sample pixels; None if it
    does not hold.
    """
    if geom.projection != "CAR":
        return None
    nx, ny = geom.npix
    xs = np.linspace(0, nx - 1, min(nx, 7))
    ys = np.linspace(0, ny - 1, min(ny, 7))
    lon, lat = geom.wcs.wcs_pix2world(xs[np.newaxis, :], ys[:, np.newaxis], 0)
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        return None
    if np.ptp(lon, axis=0).max() > 1e-10 or np.ptp(lat, axis=1).max() > 1e-10:
        return None
    lon_x, _ = geom.wcs.wcs_pix2world(np.arange(nx, dtype=float), np.zeros(nx), 0)
    _, lat_y = geom.wcs.wcs_pix2world(np.zeros(ny), np.arange(ny, dtype=float), 0)
    return np.radians(lon_x), np.radians(lat_y)


def _map_footprint(geom):
    """(lon, lat, radius) in radians of a circle on the sky that contains the whole map.

    Centred on the map centre, through the farthest pixel corner or edge midpoint, plus two
    pixel diagonals. Maps whose corners fall outside the projection get radius pi.
    """
    nx, ny = geom.npix
    x = np.array([-0.5, (nx - 1) / 2, nx - 0.5])
    y = np.array([-0.5, (ny - 1) / 2, ny - 0.5])
    lon, lat = geom.wcs.wcs_pix2world(*np.meshgrid(x, y), 0)
    lon0, lat0 = np.radians(lon[1, 1]), np.radians(lat[1, 1])
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        return lon0, lat0, np.pi
    distance = 2 * np.arcsin(
        np.sqrt(np.clip(haversine_sin2_half(np.radians(lon), np.radians(lat), lon0, lat0), 0, 1))
    )
    margin = 2 * np.radians(np.hypot(*geom.pixel_scales.deg))
    return lon0, lat0, min(float(distance.max()) + margin, np.pi)


def _may_reach_map(geom, lon, lat, radius):
    """Which shapes (centre lon/lat, bounding radius; radians) can touch the map."""
    lon_c, lat_c, reach = _map_footprint(geom)
    if reach >= np.pi:
        return np.ones(np.shape(lon), dtype=bool)
    h = np.clip(haversine_sin2_half(lon, lat, lon_c, lat_c), 0, 1)
    return 2 * np.arcsin(np.sqrt(h)) <= reach + np.asarray(radius)


def _paint_points(geom, points, out) -> None:
    ny, nx = out.shape
    xs, ys = [], []
    sky = [p for p in points if isinstance(p, PointSkyRegion)]
    if sky:
        lon, lat = _centres_rad(geom, [p.center for p in sky])
        x, y = geom.wcs.wcs_world2pix(np.degrees(lon), np.degrees(lat), 0)
        xs.append(x)
        ys.append(y)
    pix = [p for p in points if isinstance(p, PointPixelRegion)]
    if pix:
        xs.append(np.array([p.center.x for p in pix], dtype=float))
        ys.append(np.array([p.center.y for p in pix], dtype=float))
    ix, iy, valid = pixel_index(np.concatenate(xs), np.concatenate(ys), nx, ny)
    out[iy[valid], ix[valid]] = True


def _sky_to_pixel(geom, region: SkyRegion) -> PixelRegion | None:
    """Pixel version of a polygon or another sky shape; None if it cannot reach the map."""
    if isinstance(region, PolygonSkyRegion):
        lon, lat = skycoord_lonlat_deg(region.vertices, geom.sky_frame)
        x, y = geom.wcs.wcs_world2pix(lon, lat, 0)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            # A polygon around its first vertex, as far as its farthest vertex.
            lon_r, lat_r = np.radians(lon), np.radians(lat)
            h = np.clip(haversine_sin2_half(lon_r, lat_r, lon_r[0], lat_r[0]), 0, 1)
            size = 2 * np.arcsin(np.sqrt(h)).max()
            if not _may_reach_map(geom, lon_r[:1], lat_r[:1], size)[0]:
                return None
            raise ValueError(
                f"the polygon {describe(region)} reaches the map but some of its vertices are "
                f"outside the {geom.projection} projection; use a projection that covers them"
            )
        return PolygonPixelRegion(vertices=PixCoord(x=x, y=y))
    if isinstance(region, LineSkyRegion):
        raise TypeError("a line region has no area and cannot be part of a mask")
    # Anything else: the regions package's own conversion.
    return region.to_pixel(geom.wcs)


def _paint_other(geom, region, out) -> None:
    if isinstance(region, (CompoundSkyRegion, CompoundPixelRegion)):
        first = np.zeros_like(out)
        second = np.zeros_like(out)
        _paint(geom, [region.region1], first)
        _paint(geom, [region.region2], second)
        out |= region.operator(first, second)
        return
    if isinstance(region, LOCAL_SHAPES):
        lon, lat = _centres_rad(geom, [region.center])
        if _may_reach_map(geom, lon, lat, np.radians(shape_outer_radius_deg(region)))[0]:
            paint_local_shape(geom, region, out)
        return
    pixel = region if isinstance(region, PixelRegion) else _sky_to_pixel(geom, region)
    if pixel is None:
        return
    ny, nx = out.shape
    bbox = pixel.bounding_box
    ix0, ix1 = max(bbox.ixmin, 0), min(bbox.ixmax, nx)
    iy0, iy1 = max(bbox.iymin, 0), min(bbox.iymax, ny)
    if ix0 >= ix1 or iy0 >= iy1:
        return
    y, x = np.mgrid[iy0:iy1, ix0:ix1]
    out[iy0:iy1, ix0:ix1] |= np.asarray(pixel.contains(PixCoord(x=x, y=y)), dtype=bool)
