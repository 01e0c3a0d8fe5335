"""energy_mask (D1), boundary_mask (D10) and the tutorial's region masks against gammapy."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_array_equal
from regions import Regions

from skymask.maps import Map, MapAxis, WcsGeom

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
TUTORIAL_DS9 = "galactic;box(185,-4,1.0,0.5, 45);icrs;circle(83.633083, 22.0145, 0.3)"


@pytest.fixture(scope="module")
def counts_geom(crab_dataset_file):
    return Map.read(crab_dataset_file, hdu="COUNTS").geom


@pytest.fixture(scope="module")
def tutorial_geom():
    return WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")


# ---------------------------------------------------------------------- energy_mask
def test_energy_mask_keeps_the_first_bin_d1(counts_geom, reference):
    # The dataset's first edge is stored in float32 as 0.0099999998 TeV, just below 10 GeV.
    # gammapy compares raw floats and drops that bin ([F,T,T,T,F], reference mask_energy.npy);
    # skymask compares with a 1e-6 relative tolerance and keeps it, as the tutorial text says
    # ("between 10 GeV and 700 GeV") and as the tutorial's coordinate-based mask does.
    mask = counts_geom.energy_mask(10 * u.GeV, 700 * u.GeV)
    per_bin = mask.data.reshape(5, -1)
    assert per_bin.all(axis=1).tolist() == [True, True, True, True, False]
    assert (per_bin.all(axis=1) == per_bin.any(axis=1)).all()  # spatially constant
    gammapy = np.load(reference / "mask_energy.npy")
    assert gammapy.reshape(5, -1).all(axis=1).tolist() == [False, True, True, True, False]
    # Where D1 does not apply (bins 1-4) skymask equals gammapy exactly.
    assert_array_equal(mask.data[1:], gammapy[1:])
    assert_array_equal(mask.data, np.load(reference / "mask_energy_from_coords.npy"))


def test_energy_mask_is_writable_full_map(counts_geom):
    mask = counts_geom.energy_mask(10 * u.GeV, 700 * u.GeV)
    assert mask.geom == counts_geom
    mask.data[0, 0, 0] = False  # gammapy returns a read-only broadcast view
    assert mask.data.flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"energy_min": 30 * u.GeV}, [False, False, True, True, True]),
        ({"energy_min": 30 * u.GeV, "energy_max": 40 * u.GeV}, [False] * 5),
        ({}, [True] * 5),
        ({"energy_max": "0.2402249 TeV"}, [True, True, True, False, False]),
        ({"energy_min": 30 * u.GeV, "round_to_edge": True}, [False, True, True, True, True]),
        (
            {"energy_min": 9 * u.GeV, "energy_max": 700 * u.GeV, "round_to_edge": True},
            [True] * 4 + [False],
        ),
    ],
)
def test_energy_mask_cases(counts_geom, kwargs, expected):
    assert counts_geom.energy_mask(**kwargs).data[:, 0, 0].tolist() == expected


def test_energy_mask_errors(tutorial_geom, counts_geom):
    with pytest.raises(ValueError, match="needs an 'energy' axis"):
        tutorial_geom.energy_mask(10 * u.GeV)
    with pytest.raises(u.UnitConversionError, match="energy_min must be an energy"):
        counts_geom.energy_mask(10 * u.deg)


@pytest.mark.parametrize(
    ("energy_min", "energy_max", "match"),
    [
        (5 * u.TeV, 2 * u.TeV, r"energy_min \(5 TeV\) is above energy_max \(2 TeV\).*swap"),
        ("1 TeV", "100 GeV", r"energy_min \(1 TeV\) is above energy_max \(0.1 TeV\)"),
        (np.nan * u.TeV, 2 * u.TeV, "energy_min is NaN"),
        ("100 GeV", "nan GeV", "energy_max is NaN"),
        (None, np.nan * u.GeV, "energy_max is NaN"),
        ([10, 20] * u.GeV, None, "energy_min must be one energy"),
    ],
)
def test_reversed_or_nan_energy_bounds_are_an_error_not_an_empty_mask(
    counts_geom, energy_min, energy_max, match
):
    # gammapy 2.1 returns an all-False mask for all of these.
    with pytest.raises(ValueError, match=match):
        counts_geom.energy_mask(energy_min, energy_max)
    # Equal bounds are an empty range on purpose, not an error.
    assert not counts_geom.energy_mask(100 * u.GeV, 100 * u.GeV).data.any()


# ---------------------------------------------------------------------- boundary_mask
def test_boundary_mask_tutorial(counts_geom, reference):
    psf_r95_max = np.load(reference / "psf_r95.npy").max() * u.deg
    mask = counts_geom.boundary_mask(psf_r95_max)
    expected = np.load(reference / "boundary.npy")
    assert_array_equal(mask.data, expected)
    assert mask.data.reshape(5, -1).sum(axis=1).tolist() == [1064] * 5
    # gammapy's fit-mask plot sums the planes: values 0 or 5.
    assert_array_equal(mask.sum_over_axes().data, np.load(reference / "boundary_sum_over_axes.npy"))


def _trimmed(mask):
    """(columns, rows) removed on each side of a single rectangular True block."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return cols[0], mask.shape[1] - 1 - cols[-1], rows[0], mask.shape[0] - 1 - rows[-1]


@pytest.mark.parametrize(
    ("width", "trimmed"),
    [
        (0, (0, 0, 0, 0)),
        (0 * u.deg, (0, 0, 0, 0)),
        (0.05 * u.deg, (0, 0, 0, 0)),  # centre of the edge pixel is 0.05 deg from the edge
        (0.0500001 * u.deg, (1, 1, 1, 1)),
        (0.1 * u.deg, (1, 1, 1, 1)),
        (0.15 * u.deg, (1, 1, 1, 1)),
        ((0.1 * u.deg, 0.3 * u.deg), (1, 1, 3, 3)),  # lon trims columns, lat trims rows (D10)
        ((1, 3), (1, 1, 3, 3)),  # plain numbers are pixels
        ("0.25 deg", (2, 2, 2, 2)),  # a centre exactly at the width is kept
        ("0.2500001 deg", (3, 3, 3, 3)),
    ],
)
def test_boundary_mask_widths(width, trimmed):
    geom = WcsGeom.create(npix=(12, 10), binsz=0.1)
    assert _trimmed(geom.boundary_mask(width).data) == trimmed


def test_boundary_mask_errors():
    geom = WcsGeom.create(npix=(12, 10), binsz=0.1)
    with pytest.raises(ValueError, match="non-negative"):
        geom.boundary_mask(-0.1 * u.deg)
    with pytest.raises(u.UnitConversionError, match="angle or a number of pixels"):
        geom.boundary_mask(1 * u.TeV)
    assert not geom.boundary_mask(1 * u.deg).data.any()


# ---------------------------------------------------------------------- tutorial region masks
def test_fit_region_box(counts_geom, reference):
    mask = counts_geom.region_mask("galactic;box(184.55, -5.78, 3.0, 3.0)")
    assert_array_equal(mask.data, np.load(reference / "mask_fit_region.npy"))
    assert mask.data.reshape(5, -1).sum(axis=1).tolist() == [900] * 5


def test_tutorial_exclusion_regions(tutorial_geom, reference):
    regions = Regions.parse(TUTORIAL_DS9, format="ds9")
    assert_array_equal(
        tutorial_geom.region_mask(regions, inside=False).data,
        np.load(reference / "exclusion_regions.npy"),
    )
    assert_array_equal(
        tutorial_geom.region_mask(regions).data,
        np.load(reference / "regions_inside_box_circle.npy"),
    )
    assert_array_equal(
        tutorial_geom.region_mask([regions[0]]).data, np.load(reference / "region_box_only.npy")
    )
    assert_array_equal(
        tutorial_geom.region_mask(regions[1]).data, np.load(reference / "region_circle_only.npy")
    )


def test_region_mask_repeats_over_axes():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    geom = WcsGeom.create(npix=(20, 20), binsz=0.1, axes=[axis])
    mask = geom.region_mask("icrs;circle(0, 0, 0.5)")
    assert mask.data.shape == (3, 20, 20)
    assert_array_equal(mask.data[0], mask.data[2])
    assert mask.data[0].sum() > 0
    assert mask.data.flags.writeable
