"""Smoothing, convolution, stacking, co-adding, iteration and small conversions of maps.

Oracles: astropy's convolution kernels (Tophat2DKernel, Gaussian2DKernel), brute-force box
sums, scipy with explicit parameters, and gammapy 2.1's numbers (pasted with a comment).
"""

import matplotlib
import numpy as np
import pytest
from astropy import units as u
from astropy.convolution import Gaussian2DKernel, Tophat2DKernel
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_equal
from scipy import ndimage

from skymask.kernels.convolution import disk_kernel
from skymask.maps import Map, MapAxis, WcsGeom

matplotlib.use("Agg")


@pytest.fixture
def spike():
    m = Map.create(npix=21, binsz=0.05)
    m.data[10, 10] = 1.0
    m.data[3, 15] = 2.0
    return m


@pytest.mark.parametrize("radius", [0.2, 1, 1.5, 2.5, 3, 4.2])
def test_disk_kernel_is_astropys_tophat(radius):
    tophat = Tophat2DKernel(radius)
    tophat.normalize("integral")
    assert_allclose(disk_kernel(radius, radius), tophat.array, atol=1e-15)


def test_smooth_gauss_and_disk_against_astropy_kernels(spike):
    gauss = spike.smooth(0.1 * u.deg, mode="constant")
    oracle = ndimage.convolve(spike.data.astype(float), Gaussian2DKernel(2).array, mode="constant")
    assert_allclose(gauss.data, oracle, atol=1e-4)  # astropy's kernel is truncated at 8 sigma
    disk = spike.smooth("0.15 deg", kernel="disk", mode="constant")
    tophat = Tophat2DKernel(3)
    tophat.normalize("integral")
    assert_allclose(disk.data, ndimage.convolve(spike.data, tophat.array, mode="constant"))
    assert gauss.data.dtype == np.float64 and gauss.geom == spike.geom


def test_smooth_box_against_brute_force(spike):
    box = spike.smooth(3, kernel="box", mode="constant")  # a plain number is pixels
    padded = np.pad(spike.data.astype(float), 1)
    expected = np.zeros(spike.data.shape)
    for dy in range(3):
        for dx in range(3):
            expected += padded[dy : dy + 21, dx : dx + 21]
    assert_allclose(box.data, expected / 9, atol=1e-12)


def test_smooth_keeps_sums_on_cubes_as_gammapy():
    # gammapy 2.1 test_smooth: 0.2 deg on 1 deg pixels keeps the sum, result float
    axes = [MapAxis(np.logspace(0.0, 3.0, 3), interp="log", name="a")]
    geom = WcsGeom.create(npix=(10, 10), binsz=1, frame="galactic", axes=axes)
    m = Map.from_geom(geom, data=np.ones(geom.data_shape), unit="m2")
    for kernel in ("gauss", "box", "disk"):
        smoothed = m.smooth(0.2 * u.deg, kernel)
        assert_allclose(smoothed.data.sum(), m.data.sum())
        assert smoothed.data.dtype == float and smoothed.unit == m.unit


def test_smooth_non_square_pixels_per_axis():
    m = Map.from_geom(WcsGeom.create(npix=(21, 21), binsz=(0.1, 0.2)))
    m.data[10, 10] = 1
    disk = m.smooth(0.4 * u.deg, kernel="disk")
    # brute force: pixel centres within the 0.4 deg ellipse of 4 x 2 pixels
    y, x = np.mgrid[-10:11, -10:11]
    inside = (x / 4.0) ** 2 + (y / 2.0) ** 2 <= 1
    assert_allclose(disk.data, inside / inside.sum())
    gauss = m.smooth(0.4 * u.deg)
    assert_allclose(gauss.data, ndimage.gaussian_filter(m.data.astype(float), (2, 4)))


def test_smooth_mask_gives_fractions_and_bad_input():
    mask = Map.create(npix=5, binsz=0.1, dtype=bool)
    mask.data[2, 2] = True
    smoothed = mask.smooth(1, kernel="disk")
    assert smoothed.data.dtype == np.float64 and smoothed.data[2, 2] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="kernel must be one of"):
        mask.smooth(1, kernel="tophat")
    with pytest.raises(ValueError, match="positive"):
        mask.smooth(0)


def test_convolve_vs_smooth_as_gammapy():
    axes = [MapAxis(np.logspace(0.0, 3.0, 3), interp="log", name="a")]
    m = Map.create(binsz=0.05 * u.deg, width=1.05 * u.deg, axes=axes)
    m.data[:, 10, 10] = 1.0
    desired = m.smooth(kernel="gauss", width=0.5 * u.deg, mode="constant")
    actual = m.convolve(kernel=Gaussian2DKernel(10).array)
    assert_allclose(actual.data, desired.data, rtol=1e-3, atol=1e-6)
    assert actual.data.dtype == np.float32


def test_convolve_full_mode_and_kernel_maps(spike):
    kernel = np.zeros((5, 3))
    kernel[2, 1] = 1
    full = spike.convolve(kernel, mode="full")
    assert full.data.shape == (25, 23)
    assert_allclose(full.data[2:-2, 1:-1], spike.data, atol=1e-6)  # FFT rounding
    assert_allclose(
        full.geom.pix_to_coord((1, 2))[0].value, spike.geom.pix_to_coord((0, 0))[0].value
    )
    axis = MapAxis.from_edges([1, 2, 3], name="e")
    kernel_geom = WcsGeom.create(npix=3, binsz=0.05, axes=[axis])
    kmap = Map.from_geom(kernel_geom)
    kmap.data[0, 1, 1] = 1
    kmap.data[1] = 1 / 9
    cube = spike.convolve(kmap)
    assert cube.geom.axes.names == ["e"]
    assert_allclose(cube.data[0], spike.data, atol=1e-6)
    assert_allclose(cube.data[1].sum(), 3, rtol=1e-6)
    wrong = Map.from_geom(WcsGeom.create(npix=3, binsz=0.04))
    with pytest.raises(ValueError, match="pixel size"):
        spike.convolve(wrong)
    with pytest.raises(ValueError, match="2-D kernel"):
        spike.convolve(np.ones((2, 3, 3)))


def test_stack_units_nan_and_cutouts():
    # gammapy 2.1 test_stack_unit_handling: 1 m2 s + 1 cm2 s = 1.0001 m2 s
    m = Map.create(npix=(3, 3), unit="m2 s")
    m.data += 1
    other = Map.create(npix=(3, 3), unit="cm2 s")
    other.data += 1
    other.data[0, 0] = np.nan
    m.stack(other)
    assert_allclose(m.data[1:], 1.0001)
    assert m.data[0, 0] == 1
    with pytest.raises(u.UnitConversionError):
        m.stack(Map.create(npix=(3, 3), unit="s"))
    # a cutout goes back where it came from (gammapy's test_double_cutout)
    big = Map.create(width="10 deg")
    big.data = np.arange(10_000, dtype=float).reshape((100, 100))
    position = big.geom.pix_to_coord((60, 60))
    from astropy.coordinates import SkyCoord

    pos = SkyCoord(position[0], position[1], frame="icrs")
    cut = big.cutout(pos, "3 deg").cutout(pos, "2 deg")
    empty = Map.create(width="10 deg")
    empty.stack(cut)
    assert_equal(empty.cutout(pos, "2 deg").data, cut.data)
    assert empty.data.sum() == cut.data.sum()
    with pytest.raises(ValueError, match="aligned"):
        empty.stack(Map.create(npix=10, binsz=0.3))


def test_stack_masks_or_and_int_dtype():
    a = Map.create(npix=6, binsz=1, dtype=bool)
    a.data[0, 0] = True
    b = a.cutout(a.geom.center_skydir, 2)
    b.data[:] = True
    weights = Map.from_geom(b.geom, data=np.array([[True, False], [True, True]]))
    a.stack(b, weights=weights)
    assert a.data.dtype == bool and a.data.sum() == 4 and not a.data[2, 3]
    with pytest.raises(TypeError, match="mask"):
        a.stack(Map.create(npix=6, binsz=1))
    ints = Map.create(npix=3, dtype=int)
    ints.stack(ints.copy())
    assert ints.data.dtype == int


def test_coadd_bins_by_pixel_centre_and_converts_units():
    # gammapy 2.1 test_coadd_unit: ones in m2 + ones in cm2 = 1.0001
    geom = WcsGeom.create(npix=(10, 10), binsz=1, frame="galactic")
    m1 = Map.from_geom(geom, data=np.ones((10, 10)), unit="m2")
    m1.coadd(Map.from_geom(geom, data=np.ones((10, 10)), unit="cm2"))
    assert_allclose(m1.data, 1.0001)
    fine = Map.from_geom(geom.upsample(2), data=np.arange(400.0).reshape(20, 20))
    coarse = Map.from_geom(geom)
    coarse.coadd(fine)
    expected = fine.data.reshape(10, 2, 10, 2).sum((1, 3))
    assert_allclose(coarse.data, expected)
    mask = Map.from_geom(geom, dtype=bool)
    fine_mask = Map.from_geom(geom.upsample(2), data=fine.data == 21)
    mask.coadd(fine_mask)
    assert mask.data.dtype == bool and mask.data.sum() == 1 and mask.data[0, 0]


def test_iteration_splitting_and_conversions():
    energy = MapAxis.from_bounds(1, 100, nbin=4, unit="TeV", name="energy", interp="log")
    time = MapAxis.from_bounds(0, 3, nbin=3, unit="hour", name="time")
    m = Map.create(binsz=0.2, width=(1, 1), frame="galactic", axes=[energy, time])
    m.data[:] = np.arange(12).reshape(3, 4, 1, 1)
    kept = list(m.iter_by_image(keepdims=True))
    assert len(kept) == 12 and kept[5].data.shape == (1, 1, 5, 5)
    assert kept[5].geom.axes.names == ["energy", "time"]
    assert_equal(kept[5].data, m.data[1:2, 1:2])
    flat = list(m.iter_by_image())
    assert flat[5].data.ndim == 2
    by_energy = list(m.iter_by_axis("energy"))
    assert len(by_energy) == 4 and by_energy[2].geom.axes.names == ["time"]
    assert_equal(by_energy[2].data[:, 0, 0], [2, 6, 10])
    assert [x.data.shape for x in m.split_by_axis("time")] == [(4, 5, 5)] * 3
    assert next(m.iter_by_axis("time", keepdims=True)).data.shape == (1, 4, 5, 5)
    cm = Map.create(npix=1, unit="m2")
    cm.data[:] = 2
    converted = cm.to_unit("cm2")
    assert converted.unit == u.cm**2 and converted.data[0, 0] == 20000
    with pytest.raises(u.UnitConversionError):
        cm.to_unit("s")


def test_to_cube_adds_one_bin_axes():
    ax1 = MapAxis.from_nodes([1, 2, 3, 4], name="ax1")
    ax2 = MapAxis.from_edges([5, 6], name="ax2")
    ax3 = MapAxis.from_edges([8, 9], name="ax3")
    m = Map.from_geom(WcsGeom.create(npix=5, axes=[ax1]), dtype=bool)
    cube = m.to_cube([ax2, ax3])
    assert cube.data.shape == (1, 1, 4, 5, 5) and cube.data.dtype == bool
    with pytest.raises(ValueError, match="one bin"):
        m.to_cube([MapAxis.from_edges([8, 9, 10], name="ax4")])


def test_plot_mask_checks():
    import matplotlib.pyplot as plt

    mask = Map.create(npix=20, binsz=0.1, dtype=bool)
    mask.data[5:10, 5:10] = True
    ax = mask.plot_mask()
    assert len(ax.collections) >= 1
    plt.close("all")
    with pytest.raises(ValueError, match="boolean"):
        Map.create(npix=3).plot_mask()
    axis = MapAxis.from_edges([1, 2, 3], name="x")
    with pytest.raises(TypeError, match="one image"):
        Map.create(npix=3, axes=[axis], dtype=bool).plot_mask()


def test_convolve_takes_a_psf_kernel_like_object_and_checks_planes():
    # gammapy's PSFKernel: an object with a psf_kernel_map (one kernel plane per energy)
    class PSFKernelLike:
        def __init__(self, kernel_map):
            self.psf_kernel_map = kernel_map

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    kernel_map = Map.from_geom(WcsGeom.create(npix=3, binsz=0.05, axes=[axis]))
    kernel_map.data[0, 1, 1] = 1
    kernel_map.data[1, 1, :] = 1 / 3
    image = Map.create(npix=7, binsz=0.05)
    image.data[3, 3] = 3
    cube = image.convolve(PSFKernelLike(kernel_map), method="direct")
    assert cube.geom.axes.names == ["energy_true"]
    assert_allclose(cube.data[0], image.data, atol=1e-6)
    assert_allclose(cube.data[1, 3, 2:5], [1, 1, 1], atol=1e-6)
    other = Map.create(npix=7, binsz=0.05, axes=[MapAxis.from_edges([1, 2, 3, 4], name="x")])
    with pytest.raises(ValueError, match="kernel has planes"):
        other.convolve(PSFKernelLike(kernel_map))


def test_new_all_sky_maps_are_zero_off_the_sky_and_coadd_keeps_the_on_sky_sum():
    # X160. gammapy 2.1 (computed in its venv): a new map on this geometry has 944 NaN pixels
    # (centres outside the AIT ellipse), and a new boolean map 944 True ones.
    skydir = SkyCoord(110.0, 75.0, unit="deg", frame="icrs")
    geom = WcsGeom.create(binsz=10.0, skydir=skydir, proj="AIT", frame="galactic").upsample(2)
    off_sky = ~np.isfinite(geom.get_coord().lon.to_value("deg"))
    assert off_sky.sum() == 944
    assert np.all(Map.from_geom(geom).data == 0)
    assert not Map.from_geom(geom, dtype=bool).data.any()
    # Co-adding bins by pixel centre: values in off-sky pixels (no centre) are dropped, the
    # on-sky total is kept (oracle: the sum over pixels with a finite centre).
    fine = Map.from_geom(geom)
    rng = np.random.default_rng(1)
    fine.data[...] = rng.random(fine.data.shape)
    coarse = Map.from_geom(geom.downsample(2))
    coarse.coadd(fine)
    assert_allclose(coarse.data.sum(), fine.data[~off_sky].sum(), rtol=1e-6)


def test_smooth_float32_cube_is_scipy_per_plane_as_gammapy():
    # gammapy 2.1 smooths img.astype(float) plane by plane with scipy; the threaded path must
    # give those numbers exactly (float64 out, computed in double)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    m = Map.from_geom(WcsGeom.create(npix=(211, 157), binsz=0.02, axes=[axis]), dtype="float32")
    m.data[...] = np.random.default_rng(14).poisson(2.0, m.data.shape)
    smoothed = m.smooth(0.1 * u.deg, mode="nearest")
    assert smoothed.data.dtype == np.float64
    for k in range(3):
        oracle = ndimage.gaussian_filter(m.data[k].astype(float), 5.0, mode="nearest")
        assert_equal(smoothed.data[k], oracle)
