"""Map.interp_to_geom: nearest lookup of masks, linear interpolation, frames, axes, fill."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord

from skymask.maps import Map, MapAxis, WcsGeom
from skymask.maps.reproject import interp_to_geom, linear_stencil, nearest_index

from ..makers.oracles import nearest_lookup, source_pixel_coords

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")


@pytest.fixture(scope="module")
def tutorial_exclusion(reference):
    geom = WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")
    data = np.load(reference / "exclusion_combined.npy")
    assert data.shape == (250, 250) and data.dtype == bool
    return Map.from_geom(geom, data=data)


@pytest.fixture(scope="module")
def dataset_geom(crab_dataset_file):
    return Map.read(crab_dataset_file, hdu="COUNTS").geom


# ---------------------------------------------------------------------- kernel
def test_nearest_index_footprint_is_half_open():
    pix = [-0.5000001, -0.5, 0.4999, 0.5, 3.4999, 3.5, np.nan, np.inf]
    assert nearest_index(pix, 4).tolist() == [-1, 0, 0, 1, 3, -1, -1, -1]


def test_linear_stencil_single_pixel_axis_is_constant():
    i0, i1, weight, inside = linear_stencil([-0.5, 0.0, 0.4, 0.5], 1)
    assert i0.tolist() == [0, 0, 0, 0] and i1.tolist() == [0, 0, 0, 0]
    assert weight.tolist() == [0, 0, 0, 0]
    assert inside.tolist() == [True, True, True, False]


# ---------------------------------------------------------------------- masks (nearest)
@pytest.mark.data
@pytest.mark.parametrize("fill_value", [False, True])
def test_tutorial_exclusion_onto_dataset_image_equals_brute_force(
    tutorial_exclusion, dataset_geom, fill_value
):
    target = dataset_geom.to_image()
    result = tutorial_exclusion.interp_to_geom(target, fill_value=fill_value)
    expected = nearest_lookup(tutorial_exclusion.data, tutorial_exclusion.geom, target, fill_value)
    assert result.geom == target
    assert result.data.dtype == bool
    np.testing.assert_array_equal(result.data, expected)
    # The 250 x 250 mask covers the whole 5 x 4 deg dataset: 72 excluded pixels either way.
    assert int((~result.data).sum()) == 72


@pytest.mark.data
def test_fill_value_decides_pixels_outside_the_footprint(tutorial_exclusion):
    # A 8 x 6 deg target around the 5 x 5 deg mask: its border is outside the footprint.
    target = WcsGeom.create(skydir=CRAB, npix=(80, 60), binsz=0.1, frame="galactic")
    results = {}
    for fill_value in (False, True):
        results[fill_value] = tutorial_exclusion.interp_to_geom(target, fill_value=fill_value)
        expected = nearest_lookup(
            tutorial_exclusion.data, tutorial_exclusion.geom, target, fill_value
        )
        np.testing.assert_array_equal(results[fill_value].data, expected)
    differ = results[False].data != results[True].data
    assert 0 < differ.sum() < differ.size
    # Where they differ the target pixel is outside the mask: False with fill False.
    assert not results[False].data[differ].any()


@pytest.mark.data
def test_image_mask_onto_cube_repeats_over_energy(tutorial_exclusion, dataset_geom):
    result = tutorial_exclusion.interp_to_geom(dataset_geom, fill_value=False)
    assert result.geom == dataset_geom and result.data.shape == (5, 40, 50)
    expected = nearest_lookup(
        tutorial_exclusion.data, tutorial_exclusion.geom, dataset_geom.to_image(), False
    )
    for plane in result.data:
        np.testing.assert_array_equal(plane, expected)
    assert result.data.flags.writeable


@pytest.mark.parametrize("fill_value", [False, True])
def test_icrs_mask_onto_galactic_geometry_equals_brute_force(fill_value):
    source = WcsGeom.create(skydir=CRAB, npix=(150, 120), binsz=0.03, frame="icrs", proj="TAN")
    data = np.random.default_rng(1).random(source.data_shape) > 0.3
    mask = Map.from_geom(source, data=data)
    target = WcsGeom.create(skydir=CRAB, npix=(60, 50), binsz=0.1, frame="galactic")
    result = mask.interp_to_geom(target, fill_value=fill_value)
    np.testing.assert_array_equal(result.data, nearest_lookup(data, source, target, fill_value))
    assert result.data.dtype == bool


def test_cube_mask_matches_energy_bins_by_coordinate():
    axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=3, name="energy")
    source = WcsGeom.create(npix=(10, 8), binsz=0.1, axes=[axis])
    data = np.zeros(source.data_shape, bool)
    data[0, :, :3] = True  # 0.1-1 TeV
    data[2, :, 5:] = True  # 10-100 TeV
    mask = Map.from_geom(source, data=data)
    # Finer target axis: 6 bins, two per source bin, plus a bin above the source range.
    fine = MapAxis.from_energy_edges(np.logspace(-1, 2.5, 8) * u.TeV, name="energy")
    target = source.to_image().to_cube([fine])
    result = mask.interp_to_geom(target, fill_value=False)
    for k in range(6):
        np.testing.assert_array_equal(result.data[k], data[k // 2])
    assert not result.data[6].any()  # 100-316 TeV: outside the source axis, fill_value
    same = mask.interp_to_geom(source, fill_value=True)
    np.testing.assert_array_equal(same.data, data)


def test_target_axis_missing_in_the_source_map_repeats_and_missing_target_axis_raises():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy")
    time = MapAxis.from_edges([0, 1, 2, 3], name="time", unit="s")
    source = WcsGeom.create(npix=(6, 5), binsz=0.1, axes=[energy])
    data = np.random.default_rng(2).random(source.data_shape)
    m = Map.from_geom(source, data=data)
    target = source.to_image().to_cube([time, energy])
    result = m.interp_to_geom(target, fill_value=np.nan)
    assert result.data.shape == (2, 3, 5, 6)
    for t in range(3):
        np.testing.assert_allclose(result.data[:, t], data, rtol=1e-12)
    with pytest.raises(ValueError, match="axis 'energy' that the target geometry lacks"):
        m.interp_to_geom(source.to_image(), fill_value=0.0)


# ---------------------------------------------------------------------- linear
def test_linear_reproduces_a_plane_and_fills_outside():
    source = WcsGeom.create(skydir=CRAB, npix=(40, 30), binsz=0.05, frame="icrs")
    ys, xs = np.indices(source.data_shape)
    m = Map.from_geom(source, data=1.5 + 0.25 * xs - 0.75 * ys, unit="cm-2")
    target = WcsGeom.create(skydir=CRAB, npix=(37, 29), binsz=0.07, frame="galactic")
    result = m.interp_to_geom(target, fill_value=np.nan)
    px, py = source_pixel_coords(source, target)
    inside = (px >= -0.5) & (px < 39.5) & (py >= -0.5) & (py < 29.5)
    assert 0 < inside.sum() < inside.size
    np.testing.assert_allclose(
        result.data[inside], (1.5 + 0.25 * px - 0.75 * py)[inside], rtol=1e-10
    )
    assert np.all(np.isnan(result.data[~inside]))
    assert result.unit == u.Unit("cm-2") and result.data.dtype == np.float64
    zero = m.interp_to_geom(target, fill_value=0.0)
    assert np.all(zero.data[~inside] == 0.0)


def test_linear_along_energy_reproduces_a_function_linear_in_axis_pixels():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4, name="energy")
    source = WcsGeom.create(npix=(5, 4), binsz=0.1, axes=[axis])
    k = np.arange(4.0)[:, None, None]
    ys, xs = np.indices(source.data_shape_image)
    m = Map.from_geom(source, data=2.0 + 3.0 * k + 0.1 * xs + 0.2 * ys)
    target_axis = MapAxis.from_energy_bounds("2 TeV", "50 TeV", nbin=7, name="energy")
    target = source.to_image().to_cube([target_axis])
    result = m.interp_to_geom(target, fill_value=np.nan)
    kt = axis.coord_to_pix(target_axis.center)[:, None, None]
    np.testing.assert_allclose(result.data, 2.0 + 3.0 * kt + 0.1 * xs + 0.2 * ys, rtol=1e-10)


def test_nan_only_reaches_values_that_use_it_and_dtypes():
    geom = WcsGeom.create(npix=(6, 5), binsz=0.1)
    data = np.arange(30, dtype=np.float32).reshape(5, 6)
    data[2, 3] = np.nan
    m = Map.from_geom(geom, data=data)
    same = m.interp_to_geom(geom, fill_value=np.nan)
    assert same.data.dtype == np.float32
    np.testing.assert_array_equal(same.data, data)  # NaN only where it was
    shifted = WcsGeom.create(npix=(6, 5), binsz=0.1, refpix=(3.0, 2.5))  # half a pixel off
    result = m.interp_to_geom(shifted, fill_value=-1.0)
    assert np.isnan(result.data).sum() == 4  # the four interpolations around the NaN
    ints = Map.from_geom(geom, data=np.arange(30).reshape(5, 6))
    assert ints.interp_to_geom(shifted, fill_value=0).data.dtype == np.float64
    nearest = ints.interp_to_geom(shifted, fill_value=-1, method="nearest")
    assert nearest.data.dtype == ints.data.dtype


def test_float_maps_keep_gammapys_default_fill_value_zero_not_a_required_argument():
    # gammapy 2.1: interp_to_geom(geom, preserve_counts=False, fill_value=0), linear; every
    # existing interp_to_geom(geom) call on a float map must keep working.
    source = WcsGeom.create(npix=(4, 3), binsz=0.1)
    data = np.arange(12.0).reshape(3, 4) + 1
    m = Map.from_geom(source, data=data, unit="cm-2")
    # One pixel wider on each side, same pixel centres inside: the values are exact.
    wider = WcsGeom.create(npix=(6, 3), binsz=0.1)
    result = m.interp_to_geom(wider)
    expected = np.zeros((3, 6))
    expected[:, 1:5] = data[:, ::-1][:, ::-1]
    np.testing.assert_allclose(result.data, expected, atol=1e-12)
    assert result.unit == m.unit
    ints = Map.from_geom(source, data=data.astype(np.int64))
    assert ints.interp_to_geom(wider).data.dtype == np.float64  # linear, as gammapy
    np.testing.assert_array_equal(ints.interp_to_geom(wider, method="nearest").data, expected)


# ---------------------------------------------------------------------- errors
def test_fill_value_is_required_and_checked():
    geom = WcsGeom.create(npix=(4, 3), binsz=0.1)
    mask = Map.from_geom(geom, data=True)
    with pytest.raises(TypeError, match="boolean map needs fill_value=True or False"):
        mask.interp_to_geom(geom)
    with pytest.raises(TypeError, match="True or False"):
        mask.interp_to_geom(geom, fill_value=0)
    with pytest.raises(ValueError, match="nearest-pixel lookup only"):
        mask.interp_to_geom(geom, fill_value=False, method="linear")
    with pytest.raises(ValueError, match="method must be"):
        Map.from_geom(geom).interp_to_geom(geom, fill_value=0.0, method="cubic")
    with pytest.raises(TypeError, match="geom must be a WcsGeom"):
        interp_to_geom(mask, "galactic", fill_value=False)
    ints = Map.from_geom(geom, data=np.ones((3, 4), dtype=np.int64))
    with pytest.raises(ValueError, match="cannot be stored"):
        ints.interp_to_geom(geom, fill_value=np.nan, method="nearest")
