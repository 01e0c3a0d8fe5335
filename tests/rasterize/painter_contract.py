"""The contract every registered region painter passes (as `regions`' ``BaseTestRegion``).

A test class per painter subclasses `PainterContract` and gives:

- ``region_class``: the `regions` class it tests (its painter is looked up in `PAINTERS`);
- ``make(lon, lat, size)``: a region of that class centred at (lon, lat) degrees in the
  galactic frame, about ``size`` degrees across;
- ``oracle(region, grid)``: the slow, obvious truth for every pixel centre of ``grid`` (an
  ``(ny, nx)`` bool array), computed without the painter;
- ``sky``: False for pixel regions (the sky-only checks are skipped).

The checks: the painter is registered; it matches the oracle on a TAN map centred on the
shape and on a small CAR survey map; every painted pixel lies in the painter's bounding
circle; a region outside the map paints nothing and never clears pixels already set; a
region on the far side of a TAN map paints nothing (no error); across the longitude seam of an
all-sky CAR map the shape is the same as in the middle of a map centred on it; non-finite
sizes are refused.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.wcs import WCS

from skymask.rasterize import PAINTERS, Grid, rasterize


def grid(proj="TAN", centre=(30.0, 20.0), binsz=0.05, npix=(80, 60)) -> Grid:
    """A galactic grid: (nx, ny) pixels of ``binsz`` degrees around ``centre``."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = [f"GLON-{proj}", f"GLAT-{proj}"]
    wcs.wcs.crval = centre
    wcs.wcs.cdelt = [-binsz, binsz]
    wcs.wcs.crpix = [(npix[0] + 1) / 2, (npix[1] + 1) / 2]
    wcs.wcs.set()
    return Grid(wcs, npix[::-1])


def pixel_lonlat(g: Grid):
    """(lon, lat) in degrees of every pixel centre, each (ny, nx); NaN outside the projection."""
    ny, nx = g.data_shape_image
    x, y = np.meshgrid(np.arange(nx, dtype=float), np.arange(ny, dtype=float))
    return g.wcs.pixel_to_world_values(x, y)


def separation_deg(g: Grid, lon0, lat0):
    """Angular distance (deg) of every pixel centre from (lon0, lat0), by astropy."""
    lon, lat = pixel_lonlat(g)
    centre = SkyCoord(lon0, lat0, unit="deg", frame="galactic")
    good = np.isfinite(lon) & np.isfinite(lat)
    out = np.full(lon.shape, np.inf)
    out[good] = SkyCoord(lon[good], lat[good], unit="deg", frame="galactic").separation(centre).deg
    return out


class PainterContract:
    region_class: type = None
    sky = True
    has_area = True
    crosses_seam = True
    far_side = True
    size = 1.0
    non_finite_message = r"not finite|must be finite|positive|[nN]a[nN]"

    def make(self, lon, lat, size):
        raise NotImplementedError

    def oracle(self, region, g: Grid) -> np.ndarray:
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers
    def paint(self, region, g: Grid) -> np.ndarray:
        return rasterize([region], g.wcs, g.data_shape_image)

    @property
    def painter(self):
        return PAINTERS.painter_for_type(self.region_class)

    # ------------------------------------------------------------------ the contract
    def test_is_registered(self):
        assert self.painter is not None
        assert issubclass(self.region_class, self.painter.region_types)
        assert self.painter.shape and self.painter.rule

    def test_matches_brute_force_on_a_tan_map(self):
        g = grid("TAN", centre=(30.0, 20.0))
        region = self.make(30.0, 20.0, self.size)
        expected = self.oracle(region, g)
        assert expected.any() == self.has_area and not expected.all()
        np.testing.assert_array_equal(self.paint(region, g), expected)

    def test_matches_brute_force_off_centre_on_a_car_survey_map(self):
        g = grid("CAR", centre=(0.0, 0.0), binsz=0.1, npix=(60, 40))
        region = self.make(0.7, -0.4, self.size)
        np.testing.assert_array_equal(self.paint(region, g), self.oracle(region, g))

    def test_bounding_circle_contains_every_painted_pixel(self):
        if not self.sky:
            pytest.skip("pixel regions have no bounding circle on the sky")
        region = self.make(30.1, 20.05, self.size)
        bounds = self.painter.bounding_circle(region)
        painted = self.paint(region, grid("TAN"))
        if bounds is None:
            return
        centre, radius = bounds
        distance = separation_deg(grid("TAN"), centre.galactic.l.deg, centre.galactic.b.deg)
        # A pixel is painted when its centre is inside (a point: the pixel containing it).
        half_pixel = 0.5 * np.hypot(0.05, 0.05)
        assert np.all(distance[painted] <= radius + half_pixel)

    def test_outside_the_map_paints_nothing_and_keeps_what_is_set(self):
        g = grid("TAN")
        region = self.make(120.0, -40.0, self.size) if self.sky else self.make_outside()
        assert not self.paint(region, g).any()
        out = np.random.default_rng(0).random(g.data_shape_image) < 0.3
        before = out.copy()
        self.painter.paint(g, [region], out)
        np.testing.assert_array_equal(out, before)

    def test_far_side_of_a_tan_map_paints_nothing(self):
        if not (self.sky and self.far_side):
            pytest.skip("pixel regions have no far side")
        region = self.make(210.0, -20.0, self.size)  # the antipode of the map centre
        assert not self.paint(region, grid("TAN")).any()

    def test_across_the_seam_of_an_allsky_car_map(self):
        if not (self.sky and self.crosses_seam):
            pytest.skip("this painter does not handle the seam")
        # The same sky grid centred on 0 (the shape on the seam) and on 180 (in the middle).
        seam = grid("CAR", centre=(0.0, 0.0), binsz=1.0, npix=(360, 180))
        middle = grid("CAR", centre=(180.0, 0.0), binsz=1.0, npix=(360, 180))
        region = self.make(180.0, 10.0, 6 * self.size)
        on_seam = self.paint(region, seam)
        expected = np.roll(self.paint(region, middle), 180, axis=1)
        assert expected.any() == self.has_area
        np.testing.assert_array_equal(on_seam, expected)

    def test_non_finite_size_is_refused(self):
        # Refused by the region class itself, or by skymask before any painting.
        with pytest.raises(ValueError, match=self.non_finite_message):
            self.paint(self.make(30.0, 20.0, np.nan), grid("TAN"))


def circle(lon, lat, radius):
    from regions import CircleSkyRegion

    return CircleSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic"), radius * u.deg)


__all__ = ["PainterContract", "circle", "grid", "pixel_lonlat", "separation_deg"]
