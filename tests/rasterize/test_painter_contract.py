"""Every registered region painter passes the contract of `painter_contract.PainterContract`."""

from __future__ import annotations

import numpy as np
import pytest
import regions
from astropy import units as u
from astropy.coordinates import SkyCoord
from matplotlib.path import Path as PlanePath
from regions import (
    CircleAnnulusSkyRegion,
    CirclePixelRegion,
    CircleSkyRegion,
    CompoundSkyRegion,
    EllipseSkyRegion,
    PixCoord,
    PointSkyRegion,
    PolygonSkyRegion,
    RectangleAnnulusSkyRegion,
    RectangleSkyRegion,
    SkyRegion,
    TextSkyRegion,
)

from skymask.rasterize import PAINTERS

from .painter_contract import PainterContract, circle, pixel_lonlat, separation_deg

HAS_SPHERICAL = hasattr(regions, "PolygonSphericalSkyRegion")
spherical_only = pytest.mark.skipif(not HAS_SPHERICAL, reason="regions < 0.12")


def _galactic(lon, lat):
    return SkyCoord(lon, lat, unit="deg", frame="galactic")


def _pixel_centres(g):
    ny, nx = g.data_shape_image
    x, y = np.meshgrid(np.arange(nx, dtype=float), np.arange(ny, dtype=float))
    return PixCoord(x=x, y=y)


def _regions_pixel_shape(region, g):
    """`regions`' own pixel shape: skymask's local shapes equal it on square grids."""
    return np.asarray(region.to_pixel(g.wcs).contains(_pixel_centres(g)), dtype=bool)


class TestCircle(PainterContract):
    region_class = CircleSkyRegion

    def make(self, lon, lat, size):
        return circle(lon, lat, 0.5 * size)

    def oracle(self, region, g):
        centre = region.center
        return separation_deg(g, centre.l.deg, centre.b.deg) < region.radius.to_value("deg")


class TestAnnulus(PainterContract):
    region_class = CircleAnnulusSkyRegion

    def make(self, lon, lat, size):
        return CircleAnnulusSkyRegion(_galactic(lon, lat), 0.2 * size * u.deg, 0.5 * size * u.deg)

    def oracle(self, region, g):
        distance = separation_deg(g, region.center.l.deg, region.center.b.deg)
        inner, outer = region.inner_radius.to_value("deg"), region.outer_radius.to_value("deg")
        return (distance >= inner) & (distance < outer)


class TestEllipse(PainterContract):
    region_class = EllipseSkyRegion

    def make(self, lon, lat, size):
        return EllipseSkyRegion(_galactic(lon, lat), size * u.deg, 0.55 * size * u.deg, 30 * u.deg)

    def oracle(self, region, g):
        return _regions_pixel_shape(region, g)


class TestRectangleAnnulus(PainterContract):
    region_class = RectangleAnnulusSkyRegion

    def make(self, lon, lat, size):
        return RectangleAnnulusSkyRegion(
            _galactic(lon, lat),
            0.41 * size * u.deg,
            size * u.deg,
            0.27 * size * u.deg,
            0.66 * size * u.deg,
            angle=20 * u.deg,
        )

    def oracle(self, region, g):
        return _regions_pixel_shape(region, g)


class TestRectangle(TestEllipse):
    region_class = RectangleSkyRegion

    def make(self, lon, lat, size):
        return RectangleSkyRegion(
            _galactic(lon, lat), size * u.deg, 0.45 * size * u.deg, -25 * u.deg
        )


class TestPolygon(PainterContract):
    region_class = PolygonSkyRegion

    def make(self, lon, lat, size):
        # A non-convex quadrilateral (an arrow head) around the centre.
        offsets = np.array([[-0.5, -0.4], [0.5, -0.45], [0.05, 0.0], [-0.1, 0.5]]) * size
        scale = np.cos(np.radians(lat))
        return PolygonSkyRegion(_galactic(lon + offsets[:, 0] / scale, lat + offsets[:, 1]))

    def oracle(self, region, g):
        # Straight edges between the projected vertices (matplotlib's even-odd path test).
        vertices = region.vertices
        x, y = g.wcs.world_to_pixel_values(vertices.l.deg, vertices.b.deg)
        centres = _pixel_centres(g)
        points = np.column_stack([centres.x.ravel(), centres.y.ravel()])
        inside = PlanePath(np.column_stack([x, y])).contains_points(points)
        return inside.reshape(centres.x.shape)


@spherical_only
class TestSphericalPolygon(PainterContract):
    region_class = getattr(regions, "PolygonSphericalSkyRegion", None)

    def make(self, lon, lat, size):
        offsets = np.array([[-0.5, -0.4], [0.5, -0.45], [0.05, 0.0], [-0.1, 0.5]]) * size
        scale = np.cos(np.radians(lat))
        return self.region_class(_galactic(lon + offsets[:, 0] / scale, lat + offsets[:, 1]))

    def oracle(self, region, g):
        # Great circles are straight lines in the gnomonic projection about the centre.
        def vectors(lon, lat):
            lon, lat = np.radians(lon), np.radians(lat)
            return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)

        corners = vectors(region.vertices.l.deg, region.vertices.b.deg)
        centre = corners.mean(axis=0)
        centre /= np.linalg.norm(centre)
        east = np.cross([0.0, 0.0, 1.0], centre)
        east /= np.linalg.norm(east)
        north = np.cross(centre, east)

        def plane(v):
            depth = v @ centre
            return np.stack([(v @ east) / depth, (v @ north) / depth], -1), depth

        polygon, _ = plane(corners)
        lon, lat = pixel_lonlat(g)
        points, depth = plane(vectors(lon, lat))
        inside = PlanePath(polygon).contains_points(points.reshape(-1, 2)).reshape(lon.shape)
        return inside & (depth > 0)


class TestPoint(PainterContract):
    region_class = PointSkyRegion

    def make(self, lon, lat, size):
        # A point has no size: a NaN size becomes a NaN position (refused as well).
        return PointSkyRegion(_galactic(lon + 0.013 + 0 * size, lat - 0.021))

    def oracle(self, region, g):
        x, y = g.wcs.world_to_pixel_values(region.center.l.deg, region.center.b.deg)
        out = np.zeros(g.data_shape_image, dtype=bool)
        ix, iy = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        if 0 <= ix < g.npix[0] and 0 <= iy < g.npix[1]:
            out[iy, ix] = True
        return out


class TestNoArea(PainterContract):
    region_class = TextSkyRegion
    has_area = False

    def make(self, lon, lat, size):
        return TextSkyRegion(_galactic(lon + 0 * size, lat), "label")

    def oracle(self, region, g):
        return np.zeros(g.data_shape_image, dtype=bool)


class TestCompound(PainterContract):
    region_class = CompoundSkyRegion

    def make(self, lon, lat, size):
        import operator

        return CompoundSkyRegion(
            circle(lon, lat, 0.4 * size), circle(lon + 0.3 * size, lat, 0.3 * size), operator.xor
        )

    def oracle(self, region, g):
        first, second = (
            separation_deg(g, r.center.l.deg, r.center.b.deg) < r.radius.to_value("deg")
            for r in (region.region1, region.region2)
        )
        return first ^ second


@spherical_only
class TestSphericalRange(PainterContract):
    region_class = getattr(regions, "RangeSphericalSkyRegion", None)
    non_finite_message = "Longitude values must be within"  # regions refuses NaN itself

    def make(self, lon, lat, size):
        return self.region_class(
            frame="galactic",
            longitude_range=[lon - 0.4 * size, lon + 0.3 * size] * u.deg,
            latitude_range=[lat - 0.25 * size, lat + 0.35 * size] * u.deg,
        )

    def oracle(self, region, g):
        lon, lat = pixel_lonlat(g)
        return np.asarray(region.contains(SkyCoord(lon, lat, unit="deg", frame="galactic")))


class TestPixelRegion(PainterContract):
    region_class = CirclePixelRegion
    sky = False

    def make(self, lon, lat, size):
        return CirclePixelRegion(PixCoord(25.3, 18.6), radius=8.2 * size)

    def make_outside(self):
        return CirclePixelRegion(PixCoord(-100.0, 18.6), radius=8.2)

    def oracle(self, region, g):
        return np.asarray(region.contains(_pixel_centres(g)), dtype=bool)


class DelegatingCircleSkyRegion(SkyRegion):
    """A sky shape no painter knows: it only converts itself to pixels (`regions` style)."""

    _params = ("center", "radius")

    def __init__(self, center, radius):
        self.center = center
        self.radius = radius
        self.meta = {}
        self.visual = {}

    def to_pixel(self, wcs):
        return CircleSkyRegion(self.center, self.radius).to_pixel(wcs)

    def to_spherical_sky(self, *args, **kwargs):
        raise NotImplementedError


class TestOtherSkyShape(PainterContract):
    region_class = DelegatingCircleSkyRegion
    # regions' own to_pixel: no seam handling (documented in the painter's rule).
    crosses_seam = False

    def make(self, lon, lat, size):
        return DelegatingCircleSkyRegion(_galactic(lon, lat), 0.5 * size * u.deg)

    def oracle(self, region, g):
        return _regions_pixel_shape(region, g)


CONTRACTS = [
    TestCircle,
    TestAnnulus,
    TestEllipse,
    TestRectangle,
    TestRectangleAnnulus,
    TestPolygon,
    TestSphericalPolygon,
    TestPoint,
    TestNoArea,
    TestCompound,
    TestSphericalRange,
    TestPixelRegion,
    TestOtherSkyShape,
]


def test_every_registered_painter_has_a_contract_test():
    tested = {PAINTERS.painter_for_type(c.region_class) for c in CONTRACTS if c.region_class}
    missing = [painter for painter in PAINTERS if painter not in tested]
    if not HAS_SPHERICAL:  # their classes do not exist with regions < 0.12
        missing = [painter for painter in missing if painter.region_types]
    assert missing == []
