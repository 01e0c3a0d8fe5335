"""Map.binary_erode / binary_dilate / hysteresis_threshold: the tutorial numbers and oracles."""

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_array_equal
from scipy import ndimage

from skymask.maps import Map, MapAxis, WcsGeom


@pytest.fixture(scope="module")
def image_geom(crab_dataset_file):
    return Map.read(crab_dataset_file, hdu="COUNTS").geom.squash("energy")


@pytest.fixture
def significance_mask_inv(image_geom, reference):
    return Map.from_geom(image_geom, data=np.load(reference / "significance_mask_inv.npy"))


def test_erode_matches_gammapy(significance_mask_inv, reference):
    # gammapy's width=0.2 deg on 0.1 deg pixels acts as a 3-pixel radius (D4): same as
    # skymask's radius 0.3 deg. Erosion is also where gammapy is right (D3 only affects dilate).
    eroded = significance_mask_inv.binary_erode(width=0.3 * u.deg, kernel="disk")
    assert_array_equal(eroded.data, np.load(reference / "eroded.npy"))
    assert eroded.data.sum() == 105
    assert_array_equal(significance_mask_inv.binary_erode("0.3 deg").data, eroded.data)
    assert_array_equal(significance_mask_inv.binary_erode(3).data, eroded.data)  # pixels


def test_dilate_is_exact_d3(significance_mask_inv, reference):
    dilated = significance_mask_inv.binary_dilate(width=0.3 * u.deg)
    assert_array_equal(dilated.data, np.load(reference / "dilated_nofft.npy"))
    assert dilated.data.sum() == 425
    # gammapy's default FFT result (391 pixels) loses pixels an exact dilation keeps.
    fft = np.load(reference / "dilated.npy")
    assert fft.sum() == 391 and not (fft & ~dilated.data).any()


def test_single_pixel_dilates_to_a_disk():
    geom = WcsGeom.create(npix=(21, 21), binsz=0.1)
    mask = Map.from_geom(geom, data=False)
    mask.data[10, 10] = True
    dilated = mask.binary_dilate(0.2 * u.deg)
    y, x = np.indices((21, 21))
    assert_array_equal(dilated.data, (x - 10) ** 2 + (y - 10) ** 2 <= 4)
    box = mask.binary_dilate(0.2 * u.deg, kernel="box")
    assert box.data.sum() == 25


def test_non_square_pixels_against_scipy():
    geom = WcsGeom.create(npix=(60, 40), binsz=(0.1, 0.25))
    rng = np.random.default_rng(5)
    data = rng.random(geom.data_shape) > 0.9
    mask = Map.from_geom(geom, data=data)
    # Explicit structuring element: offsets (dy, dx) with (0.1 dx)^2 + (0.25 dy)^2 <= 0.5^2.
    dy, dx = np.mgrid[-2:3, -5:6]
    structure = (0.1 * dx) ** 2 + (0.25 * dy) ** 2 <= 0.5**2 + 1e-12
    assert_array_equal(
        mask.binary_dilate(0.5 * u.deg).data, ndimage.binary_dilation(data, structure)
    )
    dense = rng.random(geom.data_shape) > 0.1
    assert_array_equal(
        Map.from_geom(geom, data=dense).binary_erode(0.5 * u.deg).data,
        ndimage.binary_erosion(dense, structure, border_value=0),
    )


def test_cube_is_processed_per_plane():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    geom = WcsGeom.create(npix=(15, 15), binsz=0.1, axes=[axis])
    mask = Map.from_geom(geom, data=False)
    mask.data[0, 7, 7] = True
    dilated = mask.binary_dilate(1)
    assert dilated.data[0].sum() == 5
    assert not dilated.data[1].any()


def test_errors(image_geom):
    values = Map.from_geom(image_geom, data=1.0)
    with pytest.raises(TypeError, match=r"needs a boolean mask map.*m > 0"):
        values.binary_erode(0.1 * u.deg)
    mask = values > 0
    with pytest.raises(ValueError, match="non-negative"):
        mask.binary_dilate(-1 * u.deg)
    with pytest.raises(u.UnitConversionError, match="angle or a number of pixels"):
        mask.binary_dilate(1 * u.TeV)
    with pytest.raises(ValueError, match="kernel"):
        mask.binary_dilate(1, kernel="star")
    assert_array_equal(mask.binary_erode(0).data, mask.data)


def test_hysteresis_matches_reference(image_geom, reference):
    sqrt_ts = Map.from_geom(image_geom, data=np.load(reference / "sqrt_ts.npy"))
    result = sqrt_ts.hysteresis_threshold(low=3, high=5)
    assert result.is_mask
    assert_array_equal(result.data, np.load(reference / "hysteresis_sqrt_ts_3_5.npy"))
    assert result.data.sum() == 347


def test_fill_holes():
    geom = WcsGeom.create(npix=(7, 7), binsz=0.1)
    ring = np.zeros((7, 7), bool)
    ring[1:6, 1:6] = True
    ring[3, 3] = False
    filled = Map.from_geom(geom, data=ring).fill_holes()
    assert filled.data[3, 3]


def test_lon_lat_width_pair_is_applied_per_axis_as_boundary_mask_takes_it():
    # (lon, lat) = (0.2 deg, 0.4 deg) on 0.1 deg pixels: a 2 x 4 pixel ellipse (disk) or a
    # 5 x 9 box. Oracle: scipy.ndimage with the explicit structuring element.
    geom = WcsGeom.create(npix=(30, 25), binsz=0.1)
    rng = np.random.default_rng(7)
    mask = Map.from_geom(geom, data=rng.random(geom.data_shape) > 0.3)
    dy, dx = np.mgrid[-4:5, -2:3]
    disk = (dx / 2.0) ** 2 + (dy / 4.0) ** 2 <= 1 + 1e-9
    box = np.ones((9, 5), dtype=bool)
    width = (0.2 * u.deg, "0.4 deg")
    for kernel, footprint in (("disk", disk), ("box", box)):
        dilated = mask.binary_dilate(width, kernel=kernel)
        assert_array_equal(dilated.data, ndimage.binary_dilation(mask.data, footprint))
        eroded = mask.binary_erode(width, kernel=kernel)
        # pixels outside the map count as False
        oracle = ndimage.binary_erosion(mask.data, footprint, border_value=0)
        assert_array_equal(eroded.data, oracle)
        assert eroded.is_mask and dilated.is_mask
    # the same pair trims the border as boundary_mask does: 2 columns, 4 rows
    full = Map.from_geom(geom, data=True)
    assert_array_equal(full.binary_erode(width, kernel="box").data, geom.boundary_mask(width).data)
