"""HpxNDMap.convolve / convolve_wcs / convolve_full against brute force on the sphere and
gammapy 2.1's numbers."""

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.irf import PSFKernel, PSFMap
from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis, WcsGeom


def _delta(geom, lon, lat, value=1.0):
    m = Map.from_geom(geom)
    m.set_by_coord((lon, lat), value)
    return m


def _gauss_oracle(geom, m, sigma_deg):
    """The normalised Gaussian of the angle between every pixel centre and the delta's."""
    coords = geom.get_coord().skycoord
    centre = coords[m.data != 0][0]
    d = coords.separation(centre).deg
    ref = np.exp(-0.5 * (d / sigma_deg) ** 2)
    return ref / ref.sum()


@pytest.mark.parametrize("nest", [False, True])
def test_convolve_full_of_a_delta_is_the_gaussian_of_the_angle_x200(nest):
    geom = HpxGeom.create(nside=256, region="DISK(30,-20,4)", nest=nest)
    m = _delta(geom, 30.3, -19.8)
    kernel = PSFKernel.from_gauss(WcsGeom.create(width=5, binsz=0.02), 0.4 * u.deg)
    out = m.convolve(kernel, convolution_method="")
    ref = _gauss_oracle(geom, m, 0.4)
    assert_allclose(out.data.sum(), 1.0, rtol=1e-12)
    assert np.abs(out.data - ref).max() < 1e-3 * ref.max()
    assert out.data.dtype == np.float64


def test_convolve_full_keeps_all_sky_sums_and_applies_one_profile_per_plane():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    geom = HpxGeom.create(nside=256, axes=[energy], nest=True)
    m = Map.from_geom(geom)
    m.set_by_coord((0, 0, [2, 5]), 3.0)
    m.set_by_coord((120, 60, [2, 5]), 1.0)
    rad = MapAxis.from_bounds(0, 4, nbin=400, unit="deg", name="rad")
    psf = PSFMap.from_gauss(energy_axis_true=energy, rad_axis=rad, sigma=[0.3, 0.6] * u.deg)
    kernel = psf.get_psf_kernel(geom=WcsGeom.create(width=8, binsz=0.02, axes=[energy]))
    out = m.convolve_full(kernel)
    assert_allclose(out.data.sum(axis=1), [4.0, 4.0], rtol=1e-12)
    # each plane is the Gaussian of its own sigma (3 x the one around (0, 0) there)
    image = geom.to_image()
    single = Map.from_geom(image)
    single.set_by_coord((0, 0), 1.0)
    near = image.get_coord().skycoord.separation(
        image.get_coord().skycoord[single.data != 0][0]).deg < 5  # fmt: skip
    for k, sigma in enumerate([0.3, 0.6]):
        ref = 3.0 * _gauss_oracle(image, single, sigma)
        assert np.abs(out.data[k][near] - ref[near]).max() < 3e-3 * ref.max()


def test_convolve_wcs_of_a_delta_is_the_gaussian_of_the_angle_x199():
    geom = HpxGeom.create(nside=256, region="DISK(0,0,6)")
    m = _delta(geom, 0.3, 0.2)
    kernel = PSFKernel.from_gauss(WcsGeom.create(width=9, binsz=0.05), 1 * u.deg)
    out = m.convolve(kernel)
    # the footprint of the pixel (the projection spreads the delta over it, the way back
    # averages over it) adds about twice the variance of a square of the pixel's area
    sigma = np.hypot(1.0, np.sqrt(2 / 12 * geom.solid_angle().to_value("deg2").mean()))
    ref = _gauss_oracle(geom, m, sigma)
    assert_allclose(out.data.sum(), 1.0, rtol=1e-6)
    assert np.abs(out.data - ref).max() < 1e-2 * ref.max()


def test_convolve_wcs_and_full_on_gammapys_test_case():
    # gammapy 2.1's test_convolve_wcs setup. Numbers from gammapy 2.1 (computed in its venv):
    # sum per plane 0.99933452, peak 0.04866776, value at (0.5, 0.3) deg 0.03049915.
    # skymask (X199) keeps the sum (1) and gives (0.5, 0.3) deg 0.02031, the analytic
    # Gaussian's 0.02041 (gammapy's count x one WCS pixel gives 0.0305); peak 0.04949.
    energy = MapAxis.from_bounds(1, 100, unit="TeV", nbin=2, name="energy")
    geom = HpxGeom.create(nside=256, axes=[energy], region="DISK(0,0,2.5)")
    m = Map.from_geom(geom)
    m.set_by_coord((0, 0, [2, 90]), 1)
    kernel = PSFKernel.from_gauss(WcsGeom.create(width=5, binsz=0.04, axes=[energy]), 0.4 * u.deg)
    out = m.convolve_wcs(kernel)
    assert_allclose(out.data.sum(axis=1), 0.99933452, rtol=1e-3)
    assert_allclose(out.data.max(axis=1), 0.04866776, rtol=2e-2)
    ref = _gauss_oracle(geom.to_image(), m.get_image_by_idx((0,)), 0.4)
    at = out.get_by_coord((0.5, 0.3, [2, 90]))
    i = geom.to_image().global_to_local(geom.to_image().coord_to_idx((0.5, 0.3))[0])
    assert_allclose(at, [ref[i][0]] * 2, rtol=1e-2)


def test_convolve_full_on_gammapys_test_case_x200():
    # gammapy 2.1's test_convolve_full setup (region None). gammapy 2.1's numbers (computed in
    # its venv): sums per plane 1.00004779, 1.00004761; peaks 0.05604238, 0.05040095 (band-
    # limited spherical harmonics lower the peak). skymask: sums exactly 1, and the peak is
    # that of the kernel's profile, 0.05998 / 0.05379 (a few % above gammapy's).
    energy = MapAxis.from_bounds(1, 100, unit="TeV", nbin=2, name="energy_true")
    geom = HpxGeom(nside=256, axes=[energy], nest=False, frame="icrs")
    m = Map.from_geom(geom)
    m.set_by_coord((0, 0, [2, 90]), 1)
    psf = PSFMap.from_gauss(energy_axis_true=energy, sigma=[0.5, 0.6] * u.deg)
    kernel = psf.get_psf_kernel(geom=WcsGeom.create(width=5, binsz=0.05, axes=[energy]),
                                max_radius=1 * u.deg)  # fmt: skip
    out = m.convolve_full(kernel)
    assert_allclose(out.data.sum(axis=1), [1.00004779, 1.00004761], rtol=1e-4)
    assert_allclose(out.data.max(axis=1), [0.05604238, 0.05040095], rtol=0.08)


def test_convolve_of_a_mask_gives_float_fractions():
    geom = HpxGeom.create(nside=64, region="DISK(0,0,10)")
    mask = Map.from_geom(geom, dtype=bool)
    mask.set_by_coord((0, 0), True)
    kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 0.5 * u.deg)
    for method in ("wcs-tan", ""):
        out = mask.convolve(kernel, convolution_method=method)
        assert out.data.dtype == np.float64
        assert_allclose(out.data.sum(), 1.0, rtol=1e-6)
        assert 0 < out.data.max() < 1


def test_image_map_with_a_kernel_cube_gets_the_kernel_axes():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    m = _delta(HpxGeom.create(nside=64, region="DISK(0,0,10)"), 0, 0)
    kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5, axes=[energy]), 1 * u.deg)
    for method in ("wcs-tan", ""):
        out = m.convolve(kernel, convolution_method=method)
        assert out.geom.axes.names == ["energy_true"]
        assert_allclose(out.data.sum(axis=1), [1.0] * 3, rtol=1e-6)


def test_convolve_errors_name_the_value_and_the_way_out():
    allsky = _delta(HpxGeom.create(nside=32), 0, 0)
    partial = _delta(HpxGeom.create(nside=32, region="DISK(0,0,10)"), 0, 0)
    kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5), 1 * u.deg)
    with pytest.raises(ValueError, match="convolve_full"):
        allsky.convolve_wcs(kernel)
    coarse = PSFKernel.from_gauss(WcsGeom.create(binsz=1.5, width=9), 2 * u.deg)
    with pytest.raises(ValueError, match="at most half the HEALPix pixel size"):
        partial.convolve_wcs(coarse)
    with pytest.raises(ValueError, match=r"'wcs-tan'.*'fft'"):
        partial.convolve(kernel, convolution_method="fft")
    with pytest.raises(TypeError, match="PSF kernel"):
        partial.convolve_full(np.ones((3, 3)))
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    cube = HpxNDMap.create(nside=32, axes=[energy], region="DISK(0,0,10)")
    axis3 = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    kernel3 = PSFKernel.from_gauss(WcsGeom.create(binsz=0.2, width=5, axes=[axis3]), 1 * u.deg)
    with pytest.raises(ValueError, match="one kernel plane per map plane"):
        cube.convolve_full(kernel3)


def test_tan_pixel_solid_angles_equal_the_exact_ones():
    from skymask.maps.hpx.convolve import _tan_solid_angles

    geom = HpxGeom.create(nside=256, region="DISK(20,-30,2.5)")
    image = geom.to_wcs_geom(proj="TAN").to_image().to_binsz(0.04)
    assert_allclose(_tan_solid_angles(image), image.solid_angle().to_value("sr"), rtol=1e-6)


@pytest.mark.parametrize("nest", [False, True])
@pytest.mark.parametrize("fill", [1.0, 0.05])
def test_convolve_full_equals_a_brute_force_spread_dense_and_sparse(nest, fill):
    # every pair of pixel centres: weights = the kernel row interpolated at their angle,
    # normalised per source pixel (dense maps take the quarter-turn path, sparse the other)
    from skymask.maps.hpx.convolve import radial_profiles

    geom = HpxGeom.create(nside=16, nest=nest, frame="galactic")
    rng = np.random.default_rng(3)
    data = rng.uniform(0, 1, geom.data_shape) * (rng.uniform(0, 1, geom.data_shape) < fill)
    m = HpxNDMap(geom, data=data)
    kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=1, width=40), 4 * u.deg)
    out = m.convolve_full(kernel)
    angles, profiles = radial_profiles(kernel.psf_kernel_map)
    coords = geom.get_coord().skycoord
    d = coords[:, None].separation(coords[None, :]).rad
    w = np.interp(d, angles, profiles[0], right=0.0)
    w /= w.sum(axis=0, keepdims=True)
    assert_allclose(out.data, w @ data, rtol=1e-9, atol=1e-12)


def test_ring_to_nested_refuses_negative_ring_indices():
    """cdshealpix takes unsigned indices: a negative one would wrap to a huge pixel number."""
    import pytest

    from skymask.maps.hpx.pixels import pix_to_ring, ring_to_pix

    # The polar pixels: the last sub-pixel of face 0 and the first of face 11 (nside 4).
    assert ring_to_pix(4, True, [0, 191]).tolist() == [15, 176]
    with pytest.raises(
        ValueError, match=r"ring pixel indices must be in \[0, 192\) at nside 4, got -1"
    ):
        ring_to_pix(4, True, [3, -1])
    with pytest.raises(ValueError, match=r"nested pixel indices must be in \[0, 192\).*got 192"):
        pix_to_ring(4, True, [[3], [192]])


@pytest.mark.parametrize("n", [1000, 300_000])  # one thread / cdshealpix's thread pool
def test_ring_nested_conversions_equal_cdshealpix_wrappers(n):
    import cdshealpix

    from skymask.maps.hpx.pixels import pix_to_ring, ring_to_pix

    rng = np.random.default_rng(n)
    nested = rng.integers(0, 12 * 1024**2, n).reshape(-1, 2)
    ring = pix_to_ring(1024, True, nested)
    assert ring.dtype == np.int64 and ring.shape == nested.shape
    expected = cdshealpix.to_ring(nested.ravel().astype(np.uint64), 10).astype(np.int64)
    np.testing.assert_array_equal(ring.ravel(), expected)
    np.testing.assert_array_equal(ring_to_pix(1024, True, ring), nested)


@pytest.mark.parametrize("nest", [False, True])
def test_dense_all_sky_path_equals_the_plain_spread_of_its_parts(nest, monkeypatch):
    # A dense all-sky map takes the band (one stencil per ring, turned along it) and
    # quarter-turn paths; maps with fewer than 1/8 of the pixels non-zero take the plain
    # pixel-by-pixel spread. Convolution is linear: the dense result is the sum of the sparse
    # results of its parts.
    from skymask.maps.hpx import convolve

    band_starts = []
    band = convolve._band_convolve
    monkeypatch.setattr(
        convolve, "_band_convolve", lambda *a: band_starts.append(band(*a)) or band_starts[-1]
    )
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    geom = HpxGeom.create(nside=64, axes=[energy], nest=nest)
    rad = MapAxis.from_bounds(0, 6, nbin=300, unit="deg", name="rad")
    psf = PSFMap.from_gauss(energy_axis_true=energy, rad_axis=rad, sigma=[1.0, 2.0] * u.deg)
    kernel = psf.get_psf_kernel(
        geom=WcsGeom.create(width=12, binsz=0.2, axes=[energy]), max_radius=5 * u.deg
    )
    rng = np.random.default_rng(7)
    data = rng.poisson(2.0, geom.data_shape).astype(float)
    dense = HpxNDMap(geom, data=data).convolve_full(kernel)
    assert band_starts and 64 < band_starts[0] < 100  # the band path ran, on part of the band
    parts = rng.integers(0, 10, geom.data_shape[-1])
    total = np.zeros(geom.data_shape)
    for i in range(10):
        m = HpxNDMap(geom, data=np.where(parts == i, data, 0.0))
        total += m.convolve_full(kernel).data
    assert len(band_starts) == 1  # the parts took the plain path
    assert_allclose(dense.data, total, rtol=1e-11, atol=1e-12)
    assert_allclose(dense.data.sum(axis=1), data.sum(axis=1), rtol=1e-12)


def test_dense_all_sky_path_spreads_a_nan_as_far_as_the_kernel_reaches():
    # One NaN in a dense all-sky map (at the equator, in the band of one stencil per ring)
    # makes NaN exactly the pixels the plain path reaches from it, no further.
    geom = HpxGeom.create(nside=64, nest=False)
    kernel = PSFKernel.from_gauss(WcsGeom.create(width=8, binsz=0.2), 1.0 * u.deg)
    nan_pixel = int(np.ravel(geom.coord_to_idx((30.0, 0.0))[0])[0])
    data = np.random.default_rng(11).uniform(1, 2, geom.data_shape)
    data[nan_pixel] = np.nan
    dense = HpxNDMap(geom, data=data).convolve_full(kernel)
    alone = np.zeros(geom.data_shape)
    alone[nan_pixel] = np.nan
    reach = np.isnan(HpxNDMap(geom, data=alone).convolve_full(kernel).data)
    assert 10 < reach.sum() < 200
    np.testing.assert_array_equal(np.isnan(dense.data), reach)
