"""PSF-aware (energy-dependent) exclusion circles and their cube masks (issue 17, item 1).

Oracles: the analytic containment of 2-D Gaussian PSFs (mixed between energy nodes and solved
with brentq), the Crab PSF table read with astropy.io.fits and integrated numerically here,
gammapy 2.1's radii (tests/data/gammapy_references/crab_psf_containment.npz), and masks by the
angular separation of every pixel centre (astropy's SkyCoord.separation).
"""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose
from regions import CircleSkyRegion, RectangleSkyRegion
from scipy.integrate import cumulative_trapezoid
from scipy.optimize import brentq

from skymask.maps import EnergyDependentCircles, Map, MapAxis, WcsGeom

from ..irf.test_psf import R95, gauss_containment, gauss_psf_map

REFERENCES = __import__("pathlib").Path(__file__).parents[1] / "data" / "gammapy_references"

# Gaussian PSF nodes: sigma 0.2, 0.1, 0.05 deg at 10, 100, 1000 GeV (see irf/test_psf.py).
SIGMA_DEG = {10.0: 0.2, 100.0: 0.1, 1000.0: 0.05}


def brute_force_planes(geom, centers, radii_deg):
    """Per plane, True where a pixel centre is closer than the plane's radius to a centre."""
    coords = geom.to_image().get_coord().skycoord
    planes = []
    for j in range(radii_deg.shape[1]):
        plane = np.zeros(coords.shape, dtype=bool)
        for center, radius in zip(centers, radii_deg[:, j], strict=True):
            plane |= coords.separation(center).deg < radius
        planes.append(plane)
    return np.array(planes)


def separation_margin(geom, centers, radii_deg):
    """Per plane, the smallest |distance - radius| over all pixels and circles (deg)."""
    coords = geom.to_image().get_coord().skycoord
    margins = []
    for j in range(radii_deg.shape[1]):
        margins.append(
            min(
                np.abs(coords.separation(c).deg - r).min()
                for c, r in zip(centers, radii_deg[:, j], strict=True)
            )
        )
    return np.array(margins)


@pytest.fixture(scope="module")
def gauss_psf():
    return gauss_psf_map()


@pytest.fixture(scope="module")
def cube_geom():
    axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2, name="energy")
    return WcsGeom.create(
        skydir=(0, 0), binsz=0.05, width=(4, 3), frame="icrs", proj="TAN", axes=[axis]
    )


# Inside the Gaussian PSF map's one 2 deg sky pixel (centred on ra, dec = 0, 0).
CENTERS = SkyCoord([359.5, 0.8, 0.0], [-0.4, 0.5, 0.9], unit="deg", frame="icrs")


# ---------------------------------------------------------------------- radii
def test_radii_at_the_lowest_edges_are_the_quadrature_sum_of_gaussian_radii(gauss_psf, cube_geom):
    circles = EnergyDependentCircles(CENTERS, [0.3, 0.1, 0.2], gauss_psf, containment=0.95)
    radii = circles.radii_for_axis(cube_geom.axes["energy"]).deg
    # Lowest edges 10 and 100 GeV are PSF nodes: r_psf = 2.4477 sigma exactly.
    psf = np.array([SIGMA_DEG[10.0], SIGMA_DEG[100.0]]) * R95
    expected = np.hypot(np.array([0.3, 0.1, 0.2])[:, None], psf[None, :])
    assert_allclose(radii, expected, rtol=1e-5)


def test_radii_at_bin_centres_solve_the_mixed_gaussian_containment(gauss_psf, cube_geom):
    circles = EnergyDependentCircles(CENTERS[:1], 0.3, gauss_psf, energy_point="center")
    radii = circles.radii_for_axis(cube_geom.axes["energy"]).deg[0]
    # Centre of 10-100 GeV is 31.6 GeV, half way in log energy: the containment curves of
    # the two nodes are mixed 50/50 (the documented rule), solved here by brentq.
    expected = []
    for low, high in ((10.0, 100.0), (100.0, 1000.0)):

        def mixed(r, low=low, high=high):
            return (
                0.5 * gauss_containment(r * u.deg, SIGMA_DEG[low] * u.deg)
                + 0.5 * gauss_containment(r * u.deg, SIGMA_DEG[high] * u.deg)
                - 0.95
            )

        expected.append(np.hypot(0.3, brentq(mixed, 1e-4, 2.0, xtol=1e-12)))
    assert_allclose(radii, expected, rtol=1e-5)


def test_lower_edge_default_gives_the_larger_radius(gauss_psf, cube_geom):
    axis = cube_geom.axes["energy"]
    lower = EnergyDependentCircles(CENTERS, 0.1, gauss_psf)
    center = EnergyDependentCircles(CENTERS, 0.1, gauss_psf, energy_point="center")
    assert lower.energy_point == "lower"
    assert np.all(lower.radii_for_axis(axis).deg > center.radii_for_axis(axis).deg)


# ---------------------------------------------------------------------- masks
@pytest.mark.parametrize("energy_point", ["lower", "center"])
def test_cube_mask_planes_equal_brute_force_separation(gauss_psf, cube_geom, energy_point):
    source = np.array([0.3, 0.1, 0.2])
    circles = EnergyDependentCircles(CENTERS, source, gauss_psf, energy_point=energy_point)
    mask = cube_geom.region_mask(circles)
    assert mask.data.dtype == bool
    assert mask.data.shape == cube_geom.data_shape
    radii = circles.radii_for_axis(cube_geom.axes["energy"]).deg
    assert separation_margin(cube_geom, CENTERS, radii).min() > 1e-7  # no pixel on a rim
    expected = brute_force_planes(cube_geom, CENTERS, radii)
    np.testing.assert_array_equal(mask.data, expected)
    # The planes differ: the low-energy plane excludes more sky.
    assert mask.data[0].sum() > mask.data[1].sum()
    inverse = cube_geom.region_mask(circles, inside=False)
    np.testing.assert_array_equal(inverse.data, ~expected)


def test_cube_mask_with_another_axis_repeats_the_planes(gauss_psf):
    energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2, name="energy")
    other = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.1, width=3, frame="icrs", axes=[energy, other])
    circles = EnergyDependentCircles(CENTERS, 0.2, gauss_psf)
    mask = geom.region_mask(circles).data  # (offset, energy, y, x)
    radii = circles.radii_for_axis(energy).deg
    expected = brute_force_planes(geom, CENTERS, radii)
    for k in range(3):
        np.testing.assert_array_equal(mask[k], expected)


def test_mask_of_a_geometry_without_energy_axis_says_how_to_add_one(gauss_psf):
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.1, width=3, frame="icrs")
    circles = EnergyDependentCircles(CENTERS, 0.2, gauss_psf)
    with pytest.raises(ValueError, match=r"energy axis.*to_cube"):
        geom.region_mask(circles)


def test_regions_at_one_energy_paint_the_same_plane(gauss_psf, cube_geom):
    circles = EnergyDependentCircles(CENTERS, 0.2, gauss_psf)
    plane = cube_geom.to_image().region_mask(circles.regions_at(10 * u.GeV)).data
    np.testing.assert_array_equal(plane, cube_geom.region_mask(circles).data[0])


def test_from_regions_grows_circles_and_refuses_other_shapes(gauss_psf, cube_geom):
    circle = CircleSkyRegion(CENTERS[0], Angle(0.3, "deg"))
    grown = EnergyDependentCircles.from_regions([circle], gauss_psf)
    assert_allclose(grown.radii("10 GeV").deg, [[np.hypot(0.3, 0.2 * R95)]], rtol=1e-5)
    box = RectangleSkyRegion(CENTERS[0], Angle(1, "deg"), Angle(1, "deg"))
    with pytest.raises(TypeError, match=r"RectangleSkyRegion.*dilate"):
        EnergyDependentCircles.from_regions([circle, box], gauss_psf)
    empty = EnergyDependentCircles.from_regions([], gauss_psf)
    assert not cube_geom.region_mask(empty).data.any()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"containment": 1.0}, ValueError, r"containment must be in \(0, 1\)"),
        ({"containment": "0.95"}, TypeError, "containment must be a number"),
        ({"energy_point": "upper"}, ValueError, "energy_point must be one of"),
        ({"psf": object()}, TypeError, "containment_radius"),
        ({"centers": [1, 2]}, TypeError, "centers must be a SkyCoord"),
    ],
)
def test_bad_arguments_are_named(gauss_psf, kwargs, error, match):
    arguments = {"centers": CENTERS, "radius_source": 0.2, "psf": gauss_psf}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        EnergyDependentCircles(**arguments)


def test_a_psf_without_the_fraction_names_the_way_out(cube_geom):
    # A table cut at 0.15 deg holds less than 95 % of a 0.2 deg Gaussian.
    psf = gauss_psf_map(rad_max=0.15 * u.deg, n_rad=301)
    circles = EnergyDependentCircles(CENTERS, 0.2, psf)
    with pytest.raises(ValueError, match=r"(?s)no 95% containment radius.*lower the containment"):
        cube_geom.region_mask(circles)


# ---------------------------------------------------------------------- real data
def _table_r95(filename, energy_gev):
    """r95 of the Crab PSF table at energies, integrated here: ``2 pi r PSF(r)`` by the
    trapezoid rule on the table's radius nodes, the cumulative curve linear between nodes,
    the curves of the two neighbouring energy nodes mixed linearly in log energy, the radius
    by brentq. (skymask integrates a PCHIP interpolant exactly; the trapezoid rule is
    documented to be up to 1.5e-3 off on this grid, hence the tolerance below.)"""
    with fits.open(filename) as hdus:
        psf = hdus["PSF"].data.astype(float)  # (energy_true, rad, y, x), sr^-1
        assert hdus["PSF"].header["BUNIT"].strip() == "sr-1"
        bands = hdus["PSF_BANDS"].data
    rad = np.unique(bands["THETA"].astype(float))  # the nodes, in rad (sorted)
    energy = np.unique(bands["ENERGY_TRUE"].astype(float))  # GeV
    assert psf.shape[:2] == (energy.size, rad.size)
    # Both sky pixels of this all-sky PSF hold the same profiles.
    np.testing.assert_array_equal(psf[..., 0, 0], psf[..., 0, 1])
    curves = [
        cumulative_trapezoid(2 * np.pi * rad * profile, rad, initial=0)
        for profile in psf[..., 0, 0]
    ]
    radii = []
    for e in energy_gev:
        k = int(
            np.clip(np.searchsorted(energy, e * (1 + 1e-6), side="right") - 1, 0, energy.size - 2)
        )
        w = np.clip(np.log(e / energy[k]) / np.log(energy[k + 1] / energy[k]), 0, 1)
        curve = (1 - w) * curves[k] + w * curves[k + 1]

        def excess(r, curve=curve):
            return np.interp(r, rad, curve) - 0.95

        radii.append(np.degrees(brentq(excess, rad[1], rad[-1], xtol=1e-14)))
    return np.array(radii)


@pytest.fixture(scope="module")
def crab(gammapy_data):
    from skymask.datasets import MapDataset

    filename = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    return filename, MapDataset.read(filename)


@pytest.mark.parametrize("energy_point", ["lower", "center"])
def test_crab_psf_radii_match_numerical_integration_and_gammapy(crab, energy_point):
    filename, dataset = crab
    axis = dataset.counts.geom.axes["energy"]
    center = dataset.counts.geom.center_skydir
    circles = EnergyDependentCircles(center, 1e-9, dataset.psf, energy_point=energy_point)
    radii = circles.radii_for_axis(axis).deg[0]
    energies = (axis.edges[:-1] if energy_point == "lower" else axis.center).to_value("GeV")
    # Independent integration of the table (trapezoid rule): within 1.5e-3 (relative).
    assert_allclose(radii, _table_r95(filename, energies), rtol=1.5e-3)
    # gammapy 2.1 (its nearest-grid-radius rule is up to ~0.07 % off, documented in PSFMap).
    key = "r95_reco_low_edge" if energy_point == "lower" else "r95_reco_center"
    reference = np.load(REFERENCES / "crab_psf_containment.npz")[key]
    assert_allclose(radii, reference, rtol=1e-3)
    # The PSF shrinks with energy, so the lowest-edge radii are the largest.
    assert np.all(np.diff(radii) < 0)


def test_crab_catalog_exclusion_cube_equals_brute_force(crab, gammapy_data):
    from skymask.catalog import CATALOG_REGISTRY

    _, dataset = crab
    geom = dataset.counts.geom
    catalog = CATALOG_REGISTRY.get_cls("3fhl")(
        gammapy_data / "catalogs" / "fermi" / "gll_psch_v13.fit.gz"
    )
    plain = catalog.exclusion_regions("0.3 deg", geom=geom, select="overlap")
    circles = catalog.exclusion_regions("0.3 deg", geom=geom, select="overlap", psf=dataset.psf)
    assert isinstance(circles, EnergyDependentCircles)
    assert len(circles) >= len(plain)
    mask = geom.region_mask(circles, inside=False)
    radii = circles.radii_for_axis(geom.axes["energy"]).deg
    # r_source is the plain exclusion radius (0.3 deg, or larger for extended sources).
    assert_allclose(circles.radius_source.deg[: len(plain)], [r.radius.deg for r in plain])
    assert_allclose(radii, np.hypot(circles.radius_source.deg[:, None], _psf_r95(dataset, circles)))
    expected = ~brute_force_planes(geom, circles.centers, radii)
    np.testing.assert_array_equal(mask.data, expected)
    # More sky excluded at low energy than at high energy, and more than the plain mask.
    excluded = (~mask.data).sum(axis=(1, 2))
    assert np.all(np.diff(excluded) <= 0) and excluded[0] > excluded[-1]
    plain_excluded = (~geom.to_image().region_mask(plain, inside=False).data).sum()
    assert excluded[-1] >= plain_excluded


def _psf_r95(dataset, circles):
    axis = dataset.counts.geom.axes["energy"]
    return np.array(
        [
            dataset.psf.containment_radius(0.95, axis.edges[:-1], position=c).deg
            for c in circles.centers
        ]
    )


def test_overlap_selection_uses_the_largest_psf_radius(gauss_psf):
    # A source 0.45 deg outside the map's edge: a 0.3 deg circle misses the map, the same
    # circle grown by the 10 GeV PSF (r95 = 0.49 deg -> 0.57 deg) reaches it.
    axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2, name="energy")
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.05, width=1, frame="icrs", axes=[axis])
    from skymask.catalog.exclusion import exclusion_circles

    position = SkyCoord([0.95], [0.0], unit="deg", frame="icrs")
    plain = exclusion_circles(position, np.zeros(1), "0.3 deg", geom=geom, select="overlap")
    grown = exclusion_circles(
        position, np.zeros(1), "0.3 deg", geom=geom, select="overlap", psf=gauss_psf
    )
    assert len(plain) == 0
    assert len(grown) == 1
    mask = geom.region_mask(grown).data
    assert mask[0].any() and not mask[1].any()  # 100 GeV: 0.3 (+) 0.24 = 0.38 deg, misses


def test_psf_map_containment_map_is_a_mask_source(gauss_psf, cube_geom):
    # The cube mask is an ordinary boolean Map: combine it with a plain sky mask.
    circles = EnergyDependentCircles(CENTERS, 0.2, gauss_psf)
    cube = cube_geom.region_mask(circles, inside=False)
    sky = Map.from_geom(cube_geom, data=np.ones(cube_geom.data_shape, dtype=bool))
    combined = cube & sky
    assert combined.data.dtype == bool
    np.testing.assert_array_equal(combined.data, cube.data)


# ---------------------------------------------------------------------- HEALPix
@pytest.mark.parametrize("nest", [True, False])
def test_healpix_cube_mask_planes_equal_brute_force_separation(gauss_psf, nest):
    from skymask.maps import HpxGeom

    energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2, name="energy")
    geom = HpxGeom.create(nside=512, frame="icrs", nest=nest, skydir=(0, 0), width=4, axes=[energy])
    source = np.array([0.3, 0.1, 0.2])
    circles = EnergyDependentCircles(CENTERS, source, gauss_psf)
    mask = geom.region_mask(circles)
    assert mask.data.dtype == bool
    assert mask.data.shape == geom.data_shape
    radii = circles.radii_for_axis(energy).deg
    assert separation_margin(geom, CENTERS, radii).min() > 1e-7  # no pixel centre on a rim
    expected = brute_force_planes(geom, CENTERS, radii)
    np.testing.assert_array_equal(mask.data, expected)
    assert mask.data[0].sum() > mask.data[1].sum() > 0
    np.testing.assert_array_equal(geom.region_mask(circles, inside=False).data, ~expected)
    with pytest.raises(ValueError, match=r"energy axis.*to_cube"):
        geom.to_image().region_mask(circles)
