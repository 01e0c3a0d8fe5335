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
from astropy import units as u
from astropy.coordinates import SkyCoord, SphericalRepresentation, UnitSphericalRepresentation
from regions import (
    PixCoord,
    PixelRegion,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
)

from ..kernels.raster import circle_limits, haversine_sin2_half, pixel_index, points_in_polygon
from ..kernels.row_spans import linear_longitudes, paint_cap_rows
from ..utils.frames import skycoord_lonlat_deg
from ..utils.units import describe
from ._grid import Grid
from ._parse import check_finite, parse_regions_unchecked
from ._seam import RecentredPlane, has_seam, native_lonlat
from ._shapes import paint_local_shape, shape_outer_radius_deg
from ._spherical import paint_contains, paint_spherical_polygon
from ._tiles import cap_tiles, may_reach_map, separable_lonlat
from .painters import PAINTERS, RegionPainter, radius_deg

__all__ = ["rasterize", "rasterize_regions"]


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
    pairs = parse_regions_unchecked(regions)
    checks_finite: dict[type, bool] = {}
    for region, _ in pairs:
        cls = type(region)
        if cls not in checks_finite:
            checks_finite[cls] = PAINTERS.painter_for(region).checks_finite
        if not checks_finite[cls]:
            check_finite(region)
    included = [region for region, include in pairs if include]
    excluded = [region for region, include in pairs if not include]
    return _paint_include_exclude(
        grid, included, excluded, only_excluded=bool(excluded) and not included
    )


def rasterize_regions(geom, regions) -> np.ndarray:
    """`rasterize` on the sky grid of a geometry: ``rasterize(regions, geom.wcs, (ny, nx))``.

    ``geom`` is anything with ``wcs`` and ``data_shape_image`` (a `~skymask.maps.WcsGeom`).

    Parameters
    ----------
    geom : `~skymask.maps.WcsGeom`
        The geometry (its sky grid).
    regions : str, path, region or list of regions
        Anything `parse_regions` accepts.

    Returns
    -------
    `numpy.ndarray` of bool
        Image of shape ``geom.data_shape_image``.

    Examples
    --------
    >>> from skymask.maps import WcsGeom
    >>> from skymask.rasterize import rasterize_regions
    >>> geom = WcsGeom.create(npix=(5, 4), binsz=1)
    >>> rasterize_regions(geom, "icrs;circle(0, 0, 1.2)").astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """
    return rasterize(regions, geom.wcs, geom.data_shape_image)


def _paint(grid, regions, out) -> None:
    """OR every region into ``out`` (a (ny, nx) bool array), each group by its painter."""
    by_type: dict[type, list] = {}
    for region in regions:
        members = by_type.get(type(region))
        if members is None:
            members = by_type[type(region)] = []
        members.append(region)
    groups: dict[int, tuple] = {}
    for members in by_type.values():
        painter = PAINTERS.painter_for(members[0])
        groups.setdefault(id(painter), (painter, []))[1].extend(members)
    for painter, group in groups.values():
        painter.paint(grid, group, out)


def _paint_include_exclude(grid, included, excluded, *, only_excluded: bool) -> np.ndarray:
    """The ds9 rule: True in the union of ``included`` minus the union of ``excluded``.

    With ``only_excluded`` (a region set without include regions) the include region is
    the whole grid. The caller decides it over the whole set, so a window of a chunked
    mask that no include region reaches still follows the set's rule.
    """
    shape = grid.data_shape_image
    if only_excluded:
        mask = np.ones(shape, dtype=bool)
    else:
        mask = np.zeros(shape, dtype=bool)
        _paint(grid, included, mask)
    if excluded:
        removed = np.zeros(shape, dtype=bool)
        _paint(grid, excluded, removed)
        mask &= ~removed
    return mask


def _centres_rad(grid, centres, regions=None):
    """Longitudes and latitudes (radians, geometry frame) of SkyCoords, grouped by frame.

    With ``regions`` (the regions of the centres), a non-finite centre raises `check_finite`'s
    ValueError for its region.
    """
    lon = np.empty(len(centres))
    lat = np.empty(len(centres))
    groups: dict = {}
    for index, centre in enumerate(centres):
        groups.setdefault(_frame_key(centre), []).append(index)
    for indices in groups.values():
        first = centres[indices[0]]
        group_lon, group_lat = np.array([_lonlat_deg(centres[i]) for i in indices]).T
        if regions is not None:
            _refuse_non_finite([regions[i] for i in indices], group_lon, group_lat)
        coords = SkyCoord(group_lon * u.deg, group_lat * u.deg, frame=first.frame)
        glon, glat = skycoord_lonlat_deg(coords, grid.sky_frame)
        lon[indices] = np.radians(glon)
        lat[indices] = np.radians(glat)
    return lon, lat


def _refuse_non_finite(regions, *values) -> None:
    """`check_finite`'s ValueError for the first region with a non-finite value, if any."""
    finite = np.logical_and.reduce([np.isfinite(v) for v in values])
    for index in np.flatnonzero(~finite)[:1]:
        check_finite(regions[index])
        raise ValueError(f"the region {describe(regions[index])} has a non-finite position or size")


def _centres_sizes(grid, regions, size_names):
    """Centres (lon, lat: radians in the grid frame) and sizes (degrees) of sky regions.

    A non-finite centre raises `check_finite`'s ValueError for its region (sizes are the
    caller's to check).
    """
    fast = _read_centres_sizes(regions, size_names)
    if fast is None:
        lon, lat = _centres_rad(grid, [r.center for r in regions], regions)
        return lon, lat, [_radii_deg(regions, name) for name in size_names]
    frame, lon_deg, lat_deg, sizes = fast
    _refuse_non_finite(regions, lon_deg, lat_deg)
    coords = SkyCoord(lon_deg * u.deg, lat_deg * u.deg, frame=frame)
    glon, glat = skycoord_lonlat_deg(coords, grid.sky_frame)
    return np.radians(glon), np.radians(glat), list(sizes)


_DEG = u.deg
_SPHERICAL_DATA = (UnitSphericalRepresentation, SphericalRepresentation)


def _read_centres_sizes(regions, size_names):
    """``(frame, lon_deg, lat_deg, sizes)`` read from the attributes as stored, or None.

    Reading ``region.center`` and ``region.radius`` through the public properties costs
    ~4 us a region in a fresh process (descriptors, `~astropy.units.Quantity.to_value`, frame
    properties): 4 ms of a 20 ms mask of 1000 circles. This reads what regions (0.10 to
    0.12) keeps in the instance dict and what astropy keeps in ``SkyCoord._sky_coord_frame``
    and ``frame._data``, checking that every region has the first one's units and converting
    the arrays once: ~1 us a region. Anything else (another layout, mixed frames or units,
    frames with attributes such as FK5's equinox, array centres) gives None and the caller
    takes the public path, which gives the same values.
    """
    lon: list[float] = []
    lat: list[float] = []
    sizes: list[list[float]] = [[] for _ in size_names]
    size_units: list = [None] * len(size_names)
    named = list(zip(size_names, sizes, strict=True))
    item = np.ndarray.item  # the stored number, no Quantity view
    frame_type = data_type = first_frame = lon_unit = lat_unit = None
    try:
        for region in regions:
            stored = region.__dict__
            frame = stored["center"]._sky_coord_frame
            data = frame._data
            lon_q, lat_q = data._lon, data._lat
            if (
                type(frame) is not frame_type
                or type(data) is not data_type
                or lon_q._unit is not lon_unit
                or lat_q._unit is not lat_unit
            ):
                # The first region sets the frame and representation types and the units; a
                # region that differs takes the whole group to the public path.
                if first_frame is not None or type(frame).frame_attributes:
                    return None
                if type(data) not in _SPHERICAL_DATA:
                    return None
                frame_type, data_type, first_frame = type(frame), type(data), frame
                lon_unit, lat_unit = lon_q.unit, lat_q.unit
                size_units = [stored[name].unit for name in size_names]
            lon.append(item(lon_q))
            lat.append(item(lat_q))
            for (name, values), unit in zip(named, size_units, strict=True):
                size = stored[name]
                if size._unit is not unit or type(size) is not u.Quantity:
                    return None
                values.append(item(size))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if first_frame is None:
        return None
    try:
        lon_deg = np.array(lon) * lon_unit.to(_DEG)
        lat_deg = np.array(lat) * lat_unit.to(_DEG)
        size_deg = [np.array(v) * unit.to(_DEG) for v, unit in zip(sizes, size_units, strict=True)]
    except u.UnitsError:
        return None  # the public path raises the error users see
    return first_frame.replicate_without_data(), lon_deg, lat_deg, size_deg


def _radii_deg(regions, name):
    """The ``name`` size (an angle) of each region, in degrees."""
    values = (getattr(region, name) for region in regions)
    return np.fromiter(
        (v.to_value(u.deg) if isinstance(v, u.Quantity) else radius_deg(v) for v in values),
        dtype=float,
        count=len(regions),
    )


def _lonlat_deg(coord: SkyCoord) -> tuple[float, float]:
    """(lon, lat) in degrees of a scalar SkyCoord in its own frame.

    Reads the stored spherical representation directly when it has one: going through
    ``coord.spherical`` costs ~0.2 ms per coordinate, which adds up for thousands of regions.
    """
    data = coord.frame.data  # not coord.data: SkyCoord.__getattr__ costs ~5 us a call
    if isinstance(data, (UnitSphericalRepresentation, SphericalRepresentation)):
        return data.lon.to_value(u.deg), data.lat.to_value(u.deg)
    spherical = coord.spherical
    return spherical.lon.to_value(u.deg), spherical.lat.to_value(u.deg)


def _frame_key(coord: SkyCoord):
    frame = coord.frame
    # Only the attributes the frame has: a failed getattr on a frame costs ~20 us.
    attributes = frame.frame_attributes
    return (
        frame.name,
        frame.equinox if "equinox" in attributes else None,
        frame.obstime if "obstime" in attributes else None,
    )


def _paint_circles(grid, lon0, lat0, inner, outer, out) -> None:
    """Annuli ``inner <= distance < outer`` on the sphere (inner 0: circles ``distance < r``)."""
    limit_inner, limit_outer = circle_limits(inner, outer)
    tables = separable_lonlat(grid)
    if tables is not None and linear_longitudes(tables[0]) is not None:
        # Rows of one latitude (CAR in the map frame): one closed-form span per row and cap,
        # the same pixels as the per-pixel test below (`skymask.kernels.row_spans`).
        paint_cap_rows(out, *tables, lon0, lat0, limit_inner, limit_outer)
        return
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
        x, y = grid.wcs.world_to_pixel_values(np.degrees(lon), np.degrees(lat))
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
    x, y = grid.wcs.world_to_pixel_values(lon, lat)
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


# ---------------------------------------------------------------------- built-in painters
class CirclePainter(RegionPainter):
    region_names = ("CircleSkyRegion", "CircleSphericalSkyRegion")
    shape = "circle"
    rule = (
        "on the sphere: the angular distance of the pixel centre from the centre is below the "
        "radius (D5); 180 deg or more is the whole sky (X57)"
    )

    def bounding_circle(self, region):
        return region.center, radius_deg(region.radius)

    checks_finite = True

    def paint(self, grid, regions, out) -> None:
        lon, lat, (radius,) = _centres_sizes(grid, regions, ("radius",))
        _refuse_non_finite(regions, radius)
        radius = np.radians(radius)
        _paint_circles(grid, lon, lat, np.zeros_like(radius), radius, out)


class AnnulusPainter(RegionPainter):
    region_names = ("CircleAnnulusSkyRegion", "CircleAnnulusSphericalSkyRegion")
    shape = "annulus"
    rule = "on the sphere: inner radius <= angular distance of the pixel centre < outer radius"

    def bounding_circle(self, region):
        return region.center, radius_deg(region.outer_radius)

    checks_finite = True

    def paint(self, grid, regions, out) -> None:
        lon, lat, (inner, outer) = _centres_sizes(grid, regions, ("inner_radius", "outer_radius"))
        _refuse_non_finite(regions, inner, outer)
        _paint_circles(grid, lon, lat, np.radians(inner), np.radians(outer), out)


class LocalShapePainter(RegionPainter):
    region_names = (
        "EllipseSkyRegion",
        "RectangleSkyRegion",
        "EllipseAnnulusSkyRegion",
        "RectangleAnnulusSkyRegion",
    )
    shape = "ellipse, box"
    rule = (
        "in the plane tangent to the sky at the shape centre, mapped onto the pixel grid by the "
        "local WCS Jacobian; angles follow the shape frame's north (D12); across the seam of an "
        "all-sky map in the projection re-centred on the shape (X54)"
    )

    def bounding_circle(self, region):
        return region.center, shape_outer_radius_deg(region)

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            lon, lat = _centres_rad(grid, [region.center])
            if may_reach_map(grid, lon, lat, np.radians(shape_outer_radius_deg(region)))[0]:
                paint_local_shape(grid, region, out)


class SkyPolygonPainter(RegionPainter):
    region_names = ("PolygonSkyRegion",)
    shape = "polygon"
    rule = (
        "in the pixel plane between the projected vertices, each edge the shorter way in "
        "longitude; across the seam of an all-sky map in the re-centred projection (X54)"
    )

    def bounding_circle(self, region):
        return _polygon_circle(region)

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            _paint_sky_polygon(grid, region, out)


class SphericalPolygonPainter(RegionPainter):
    region_names = ("PolygonSphericalSkyRegion",)
    shape = "spherical polygon"
    rule = "on the sphere: great-circle edges, any vertex order, within a hemisphere (X55)"

    def bounding_circle(self, region):
        return _polygon_circle(region)

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            paint_spherical_polygon(grid, region, out)


class PointPainter(RegionPainter):
    region_names = ("PointSkyRegion", "PointPixelRegion")
    shape = "point"
    rule = "the one pixel that contains the point (D9)"

    def bounding_circle(self, region):
        return (region.center, 0.0) if isinstance(region, PointSkyRegion) else None

    def paint(self, grid, regions, out) -> None:
        _paint_points(grid, regions, out)


class NoAreaPainter(RegionPainter):
    region_names = ("TextSkyRegion", "TextPixelRegion", "LineSkyRegion", "LinePixelRegion")
    shape = "text, line"
    rule = "no pixel: annotations have no area (X53)"

    def paint(self, grid, regions, out) -> None:
        return


class CompoundPainter(RegionPainter):
    region_names = ("CompoundSkyRegion", "CompoundPixelRegion", "CompoundSphericalSkyRegion")
    shape = "compound"
    rule = "each member painted by its own painter, combined with the region's operator"

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            first = np.zeros_like(out)
            second = np.zeros_like(out)
            _paint(grid, [region.region1], first)
            _paint(grid, [region.region2], second)
            out |= region.operator(first, second)


class SphericalContainsPainter(RegionPainter):
    region_names = ("SphericalSkyRegion",)
    shape = "other spherical"
    rule = "`regions`' own `contains` on the pixel centres within the bounding circle (X55)"

    def bounding_circle(self, region):
        circle = region.bounding_circle
        return circle.center, radius_deg(circle.radius)

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            paint_contains(grid, region, out)


class PixelRegionPainter(RegionPainter):
    region_names = ("PixelRegion",)
    shape = "image-frame shapes"
    rule = "`regions`' own `contains` on the pixel centres of the bounding box"

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            _paint_pixel_region(region, out)


class OtherSkyPainter(RegionPainter):
    region_names = ("SkyRegion",)
    shape = "other sky shapes"
    rule = (
        "`regions`' own conversion to the pixel plane (`to_pixel`), then `contains` (no seam "
        "handling; shapes that do not project onto the map mark nothing)"
    )

    def paint(self, grid, regions, out) -> None:
        for region in regions:
            pixel = region.to_pixel(grid.wcs)
            try:
                pixel.bounding_box  # noqa: B018  (NaN where the shape does not project)
            except ValueError:
                continue
            _paint_pixel_region(pixel, out)


def _polygon_circle(region):
    lon, lat = _lonlat_of(region.vertices)
    lon_c, lat_c, size = _polygon_cap(lon, lat)
    centre = SkyCoord(
        np.degrees(lon_c) * u.deg, np.degrees(lat_c) * u.deg, frame=region.vertices.frame
    )
    return centre, float(np.degrees(size))


def _lonlat_of(coords):
    spherical = coords.spherical
    return spherical.lon.to_value(u.deg), spherical.lat.to_value(u.deg)


for _painter in (
    CirclePainter,
    AnnulusPainter,
    LocalShapePainter,
    SkyPolygonPainter,
    SphericalPolygonPainter,
    PointPainter,
    NoAreaPainter,
    CompoundPainter,
    SphericalContainsPainter,
    PixelRegionPainter,
    OtherSkyPainter,
):
    PAINTERS.register(_painter)
