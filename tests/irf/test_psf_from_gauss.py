"""PSFMap.from_gauss against the analytic containment of a 2-D Gaussian."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose

from skymask.irf import RAD_AXIS_DEFAULT, PSFMap
from skymask.maps import MapAxis, WcsGeom


@pytest.fixture
def energy_axis():
    return MapAxis.from_nodes([1, 3, 10], name="energy_true", interp="log", unit="TeV")


def _gauss_radius(fraction, sigma):
    # containment of a 2-D Gaussian: 1 - exp(-r^2 / (2 sigma^2))
    return sigma * np.sqrt(-2 * np.log(1 - np.asarray(fraction)))


def test_from_gauss_energy_dependent(energy_axis):
    rad_axis = MapAxis.from_nodes(np.linspace(0, 1.5, 100), name="rad", unit="deg")
    sigma = [0.1, 0.2, 0.4] * u.deg
    psf = PSFMap.from_gauss(energy_axis, rad_axis, sigma)
    assert psf.psf_map.geom.axes[0] == rad_axis
    assert psf.psf_map.unit == "sr-1"
    assert psf.psf_map.data.shape == (3, 100, 1, 2)
    assert psf.exposure_map.geom.axes["rad"].nbin == 1
    assert psf.exposure_map.unit == "m2 s"
    assert_allclose(psf.exposure_map.data, 1)
    # the density at r = 0 is 1 / (2 pi sigma^2) per steradian
    assert_allclose(psf.psf_map.data[:, 0, 0, 0], 1 / (2 * np.pi * sigma.to_value("rad") ** 2))
    for fraction in (0.394, 0.68, 0.95):
        radius = psf.containment_radius(fraction, energy_true=[1, 3, 10] * u.TeV)
        assert_allclose(radius.deg, _gauss_radius(fraction, sigma.value), rtol=2e-3)


def test_from_gauss_constant_sigma_default_rad_axis_and_geom(energy_axis):
    psf = PSFMap.from_gauss(energy_axis, sigma=0.1 * u.deg)
    assert psf.rad_axis == RAD_AXIS_DEFAULT
    assert RAD_AXIS_DEFAULT.nbin == 66 and RAD_AXIS_DEFAULT.edges[-1] == 0.66 * u.deg
    assert psf.psf_map.data.shape == (3, 66, 1, 2)
    radius = psf.containment_radius(0.95, energy_true=2 * u.TeV)
    assert_allclose(radius.deg, _gauss_radius(0.95, 0.1), rtol=2e-3)
    # the same PSF everywhere on a given grid
    geom = WcsGeom.create(npix=(5, 4), binsz=0.5, frame="galactic")
    local = PSFMap.from_gauss(energy_axis, sigma=0.1 * u.deg, geom=geom)
    assert local.psf_map.data.shape == (3, 66, 4, 5)
    elsewhere = local.containment_radius(
        0.68, energy_true=3 * u.TeV, position=SkyCoord(0.5, 0.5, unit="deg", frame="galactic")
    )
    assert_allclose(elsewhere.deg, _gauss_radius(0.68, 0.1), rtol=2e-3)


def test_from_gauss_errors(energy_axis):
    with pytest.raises(ValueError, match="one per true-energy bin \\(3\\)"):
        PSFMap.from_gauss(energy_axis, sigma=[1, 2] * u.deg)
    with pytest.raises(ValueError, match="sigma must be positive"):
        PSFMap.from_gauss(energy_axis, sigma=0 * u.deg)
    with pytest.raises(u.UnitConversionError, match="sigma must be an angle"):
        PSFMap.from_gauss(energy_axis, sigma=1 * u.m)
