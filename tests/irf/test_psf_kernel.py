"""PSFKernel and PSFMap.get_psf_kernel (they use the maps' to_odd_npix and upsample: skipped
until those are in)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_allclose

from skymask.irf import PSFKernel, PSFMap
from skymask.maps import MapAxis, WcsGeom

pytestmark = pytest.mark.skipif(
    not all(hasattr(WcsGeom, name) for name in ("to_odd_npix", "upsample")),
    reason="needs WcsGeom.to_odd_npix/upsample (maps API, issue 14)",
)


def test_from_gauss_is_gammapys_kernel():
    geom = WcsGeom.create(binsz=0.02, width=4.0)
    kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
    assert kernel.data.shape == (51, 51)  # 5 sigma = 25 pixels each side
    assert_allclose(kernel.data.sum(), 1)
    # gammapy 2.1: PSFKernel.from_gauss(geom, sigma="0.1 deg").data[25, 22:29]
    expected = [0.0053039, 0.00585988, 0.00622107, 0.00634635, 0.00622107, 0.00585988, 0.0053039]
    assert_allclose(kernel.data[25, 22:29], expected, rtol=1e-5)
    # analytic: the pixel integral of a 2-D Gaussian at the centre, sigma = 5 pixels
    from scipy.special import erf

    one_axis = erf(0.5 / (5 * np.sqrt(2)))
    assert_allclose(kernel.data[25, 25], one_axis**2, rtol=2e-3)


def test_get_psf_kernel_of_a_gaussian_psf():
    energy_axis = MapAxis.from_edges(np.logspace(-1.0, 1.0, 4), unit="TeV", name="energy_true")
    geom = WcsGeom.create(binsz=0.02 * u.deg, width=4.0 * u.deg, axes=[energy_axis])
    rad_axis = MapAxis.from_edges(np.linspace(0, 2, 401), unit="deg", name="rad")
    sigma = [0.1, 0.2, 0.3] * u.deg
    psf = PSFMap.from_gauss(energy_axis, rad_axis=rad_axis, sigma=sigma)
    kernel = psf.get_psf_kernel(geom=geom, max_radius="1 deg")
    assert kernel.data.shape == (3, 101, 101)
    assert_allclose(kernel.data.sum(axis=(1, 2)), 1)
    # each plane is the Gaussian kernel of its sigma: the plane is cut at its r99.9 (so
    # normalised 0.1 % higher) and the table is interpolated linearly in radius
    for plane, width in zip(kernel.data, sigma, strict=True):
        direct = PSFKernel.from_gauss(geom.to_image(), sigma=width, max_radius="1 deg").data
        assert_allclose(plane, direct, atol=5e-3 * direct.max())
    # as gammapy 2.1's test_get_psf_kernel_multiscale: each plane is cut to the square of
    # half-width r99.9 = 3.717 sigma (zero beyond its half diagonal, non-zero inside it)
    kernel = psf.get_psf_kernel(geom=geom)
    image_geom = kernel.psf_kernel_map.geom.to_image()
    separation = image_geom.separation(image_geom.center_skydir).deg
    for plane, radius in zip(kernel.data, 3.717 * sigma.value, strict=True):
        assert not plane[separation > np.sqrt(2) * radius + 0.03].any()
        assert plane[separation < radius - 0.03].all()


def test_to_image_and_slice():
    energy_axis = MapAxis.from_edges([1, 2, 4] * u.TeV, name="energy_true")
    geom = WcsGeom.create(binsz=0.02, width=2.0, axes=[energy_axis])
    psf = PSFMap.from_gauss(energy_axis, sigma=[0.1, 0.05] * u.deg)
    kernel = psf.get_psf_kernel(geom=geom, max_radius="0.5 deg")
    # E^-2 weights of the two bins: (1/1 - 1/2) and (1/2 - 1/4), i.e. 2/3 and 1/3
    image = kernel.to_image()
    assert_allclose(image.data[0], 2 / 3 * kernel.data[0] + 1 / 3 * kernel.data[1])
    assert kernel.slice_by_idx({"energy_true": slice(1, 2)}).data.shape == (1, 51, 51)


def test_get_psf_kernel_when_the_table_stops_before_r68():
    # PSFMap.from_gauss tabulates to 0.66 deg: sigma 0.5 and 0.6 deg have no 68 % radius
    # there (NaN, X20); the up-sampling factor then uses the table's edge, as gammapy 2.1,
    # whose kernel for this case (computed in its venv) has shape (2, 41, 41)
    energy = MapAxis.from_bounds(1, 100, unit="TeV", nbin=2, name="energy_true")
    psf = PSFMap.from_gauss(energy_axis_true=energy, sigma=[0.5, 0.6] * u.deg)
    geom = WcsGeom.create(width=5, binsz=0.05, axes=[energy])
    kernel = psf.get_psf_kernel(geom=geom, max_radius=1 * u.deg)
    assert kernel.data.shape == (2, 41, 41)
    assert_allclose(kernel.data.sum(axis=(1, 2)), [1, 1], rtol=1e-12)
