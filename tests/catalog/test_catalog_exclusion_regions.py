"""Catalog exclusion regions: sizes, selection by a geometry, the tutorial step (checked with
a brute-force rasterisation, so no ``region_mask`` is needed here)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose
from regions import CircleSkyRegion, Regions

from skymask.catalog import CATALOG_REGISTRY, SourceCatalog3FHL, SourceCatalogHGPS
from skymask.maps import MapAxis, WcsGeom

from .fgl4_layout import CRAB

pytestmark = pytest.mark.data  # needs the gammapy-data directory

GAUSS95 = np.sqrt(-2 * np.log(0.05))


@pytest.fixture(scope="module")
def fhl3(gammapy_data):
    return SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")


@pytest.fixture(scope="module")
def hgps(gammapy_data):
    return SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")


def brute_force_inside(geom, regions) -> np.ndarray:
    """Pixels whose centre is closer than the circle radius to a circle centre."""
    inside = np.zeros(geom.data_shape_image, dtype=bool)
    for region in regions:
        inside |= geom.separation(region.center).deg < region.radius.to_value(u.deg)
    return inside


def test_tutorial_catalog_exclusion(fhl3, tutorial_geom, reference):
    """The tutorial: 3FHL sources inside the 5 deg geometry, 0.3 deg circles."""
    inside = tutorial_geom.contains(fhl3.positions)
    assert np.count_nonzero(inside) == 1
    regions = fhl3.exclusion_regions(radius="0.3 deg", geom=tutorial_geom)
    assert isinstance(regions, Regions)
    assert len(regions) == 1
    (crab,) = regions
    assert isinstance(crab, CircleSkyRegion)
    assert crab.radius.to_value(u.deg) == 0.3
    assert crab.center.frame.name == "fk5"  # the file's frame (X35)
    assert_allclose([crab.center.ra.deg, crab.center.dec.deg], [83.63483, 22.01920], atol=1e-5)
    assert crab.center.separation(fhl3["3FHL J0534.5+2201"].position).deg < 1e-10

    expected = np.load(reference / "exclusion_catalog.npy")
    mask = ~brute_force_inside(tutorial_geom, regions)
    assert np.count_nonzero(mask) == np.count_nonzero(expected) == 61791
    assert np.array_equal(mask, expected)


def test_same_circles_as_the_gammapy_tutorial_code(fhl3, tutorial_geom):
    positions = fhl3.positions[tutorial_geom.contains(fhl3.positions)]
    ours = fhl3.exclusion_regions(u.Quantity(0.3, u.deg), geom=tutorial_geom)
    assert [r.center.ra.deg for r in ours] == list(positions.ra.deg)


def test_every_source_without_geometry(fhl3):
    regions = fhl3.exclusion_regions()
    assert len(regions) == len(fhl3)
    radii = np.array([r.radius.to_value(u.deg) for r in regions])
    assert np.all(radii[fhl3.morphology == "point"] == 0.3)
    assert_allclose(radii, np.maximum(0.3, fhl3.extension_radius().deg))
    assert fhl3.to_regions().serialize(format="ds9") == regions.serialize(format="ds9")


def test_circles_grow_to_cover_extended_sources(hgps):
    regions = {
        name: region
        for name, region in zip(hgps.names, hgps.exclusion_regions("0.3 deg"), strict=True)
    }

    def radius(name):
        return regions[name].radius.to_value(u.deg)

    # Gaussian sigma 0.0806 deg: 95 % radius 0.197 deg, smaller than 0.3 deg
    assert radius("HESS J1420-607") == 0.3
    # Gaussian sigma 0.4857 deg: 95 % radius 1.189 deg
    assert_allclose(radius("HESS J1908+063"), 0.4857288 * GAUSS95, rtol=1e-6)
    assert radius("HESS J1713-397") == 0.5  # shell of outer radius 0.5 deg
    assert radius("HESS J1745-290") == 0.3  # point-like

    with_margin = hgps.exclusion_regions("0.3 deg", margin="0.1 deg")
    by_name = dict(zip(hgps.names, with_margin, strict=True))
    assert_allclose(by_name["HESS J1713-397"].radius.to_value(u.deg), 0.6)
    assert_allclose(by_name["HESS J1420-607"].radius.to_value(u.deg), 0.3)  # 0.297 < 0.3
    assert_allclose(
        by_name["HESS J1908+063"].radius.to_value(u.deg), 0.4857288 * GAUSS95 + 0.1, rtol=1e-6
    )

    tighter = hgps.exclusion_regions("0.01 deg", containment=0.68)
    tighter = dict(zip(hgps.names, tighter, strict=True))
    assert_allclose(
        tighter["HESS J1908+063"].radius.to_value(u.deg), 0.4857288 * 1.5095922, rtol=1e-6
    )
    assert tighter["HESS J1745-290"].radius.to_value(u.deg) == 0.01


def test_fermi_disk_and_gaussian(fhl3):
    regions = dict(zip(fhl3.names, fhl3.exclusion_regions("0.3 deg"), strict=True))
    assert_allclose(regions["3FHL J1409.1-6121e"].radius.to_value(u.deg), 0.7331369519233704)
    # IC 443: Model_SemiMajor 0.27 deg is the 68 % radius; sigma = 0.27 / 1.5096
    assert_allclose(
        regions["3FHL J0617.2+2234e"].radius.to_value(u.deg), 0.27 / 1.5095922 * GAUSS95, rtol=1e-6
    )


def test_regions_keep_the_catalog_frame(gammapy_data, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    catalog = CATALOG_REGISTRY.get_cls("1lhaaso")()
    regions = catalog.exclusion_regions()
    assert {r.center.frame.name for r in regions} == {"fk5"}
    assert regions[0].center.equinox == catalog.positions.equinox


# ---------------------------------------------------------------------- selection by geometry
@pytest.fixture
def geom_next_to_crab():
    """0.6 deg wide map centred 0.5 deg from the Crab (in galactic latitude): the Crab is
    0.2 deg outside its edge."""
    crab = CRAB.galactic
    center = SkyCoord(crab.l, crab.b + 0.5 * u.deg, frame="galactic")
    return WcsGeom.create(skydir=center, width="0.6 deg", binsz=0.02, frame="galactic")


def test_overlap_keeps_circles_reaching_into_the_map(fhl3, geom_next_to_crab):
    geom = geom_next_to_crab
    assert len(fhl3.exclusion_regions("0.3 deg", geom=geom)) == 0  # select="inside"
    overlapping = fhl3.exclusion_regions("0.3 deg", geom=geom, select="overlap")
    assert [fhl3.row_index("3FHL J0534.5+2201")] == [
        int(np.argmin(fhl3.positions.separation(r.center))) for r in overlapping
    ]
    assert brute_force_inside(geom, overlapping).any()
    assert len(fhl3.exclusion_regions("0.15 deg", geom=geom, select="overlap")) == 0


def test_overlap_with_a_cube_geometry(fhl3, geom_next_to_crab):
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=3)
    cube = geom_next_to_crab.to_cube([axis])
    assert len(fhl3.exclusion_regions("0.3 deg", geom=cube, select="overlap")) == 1
    assert len(fhl3.exclusion_regions("0.3 deg", geom=cube)) == 0


@pytest.mark.parametrize(
    ("skydir", "frame", "proj", "width"),
    [
        ((0, 0), "galactic", "CAR", (12, 6)),
        ((266.4, -29.0), "icrs", "TAN", (8, 8)),
        ((83.6, 22.0), "icrs", "CAR", (20, 10)),
    ],
)
def test_overlap_against_brute_force(hgps, fhl3, skydir, frame, proj, width):
    """Oracle: a source whose circle covers a pixel centre is always kept; a kept source
    outside the map is at most half a pixel diagonal further away than that."""
    geom = WcsGeom.create(
        skydir=SkyCoord(*skydir, unit="deg", frame=frame),
        width=width,
        binsz=0.1,
        frame=frame,
        proj=proj,
    )
    n_overlapping = 0
    for catalog in (hgps, fhl3):
        near = catalog.positions.separation(geom.center_skydir).deg < 20
        catalog = catalog[near]
        regions = catalog.exclusion_regions("0.3 deg")
        kept = np.zeros(len(catalog), dtype=bool)
        kept[[catalog.row_index(name) for name in _names(catalog, geom, "overlap")]] = True
        inside = geom.contains(catalog.positions)
        nearest = np.array([geom.separation(r.center).deg.min() for r in regions])
        radius = np.array([r.radius.to_value(u.deg) for r in regions])
        covers = nearest < radius
        assert np.all(kept[covers])
        assert np.all(kept[inside])
        half_diagonal = 0.1 * np.sqrt(2) / 2
        assert np.all(nearest[kept] <= radius[kept] + half_diagonal)
        n_overlapping += np.count_nonzero(kept & ~inside)
    assert n_overlapping > 0  # the test exercises the overlap branch


def _names(catalog, geom, select):
    positions = catalog.positions
    regions = catalog.exclusion_regions("0.3 deg", geom=geom, select=select)
    return [catalog.names[int(np.argmin(positions.separation(r.center)))] for r in regions]


def test_all_sky_geometry_keeps_everything(hgps):
    geom = WcsGeom.create(npix=(360, 180), binsz=1.0, frame="galactic")
    assert len(hgps.exclusion_regions(geom=geom)) == len(hgps)
    assert len(hgps.exclusion_regions(geom=geom, select="overlap")) == len(hgps)


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"radius": "-0.1 deg"}, ValueError, r"radius must be an angle > 0 \(positive\)"),
        ({"radius": 0}, ValueError, r"radius must be an angle > 0 \(positive\)"),
        ({"radius": "1 TeV"}, u.UnitConversionError, "radius must be an angle"),
        ({"radius": "1 s"}, ValueError, "radius '1 s' is ambiguous"),
        ({"radius": [0.1, 0.2]}, ValueError, "radius must be one angle"),
        ({"margin": "-1 deg"}, ValueError, r"margin must be an angle >= 0 \(non-negative\)"),
        ({"containment": 1.0}, ValueError, "strictly between 0 and 1"),
        ({"select": "touching"}, ValueError, "select must be one of"),
        ({"geom": "galactic;circle(0, 0, 1)"}, TypeError, "geom must be a skymask.maps.WcsGeom"),
    ],
)
def test_bad_arguments(hgps, tutorial_geom, kwargs, error, match):
    kwargs = {"geom": tutorial_geom, **kwargs} if "geom" not in kwargs else kwargs
    with pytest.raises(error, match=match):
        hgps.exclusion_regions(**kwargs)


def test_plain_numbers_are_degrees(hgps):
    assert hgps.exclusion_regions(0.3)[-1].radius.to_value(u.deg) == 0.3
