"""RecoPSFMap: a PSF map in reconstructed energy (gammapy's RecoPSFMap)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from numpy.testing import assert_allclose

from skymask.datasets import MapDataset
from skymask.irf import PSFMap, RecoPSFMap
from skymask.maps import MapAxis, WcsGeom


@pytest.fixture
def energy():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy")


@pytest.fixture
def psf(energy):
    return RecoPSFMap.from_gauss(
        energy, sigma=[0.2, 0.1] * u.deg, geom=WcsGeom.create(npix=5, binsz=1)
    )


def test_axes_and_energy_name(psf):
    assert psf.energy_name == "energy" and PSFMap.energy_name == "energy_true"
    assert psf.psf_map.geom.axes.names == ["rad", "energy"]
    assert psf.exposure_map.data.shape == (2, 1, 5, 5)  # as gammapy's from_gauss


def test_containment_is_the_analytic_gaussian(psf, energy):
    sigma = np.array([0.2, 0.1])
    # 2-D Gaussian: containment 1 - exp(-r^2 / 2 sigma^2); radius sigma sqrt(-2 ln(1 - f))
    assert_allclose(
        psf.containment(0.15 * u.deg, energy.center).value,
        1 - np.exp(-0.5 * (0.15 / sigma) ** 2),
        rtol=1e-4,
    )
    assert_allclose(
        psf.containment_radius(0.68, energy.center).deg,
        sigma * np.sqrt(-2 * np.log(0.32)),
        rtol=1e-4,
    )


def test_energies_are_checked_by_their_name(psf):
    with pytest.raises(ValueError, match=r"energy .* outside the PSF table"):
        psf.containment_radius(0.68, 100 * u.TeV)


def test_axis_names_are_checked_with_a_way_out(energy):
    true = PSFMap.from_gauss(energy.copy(name="energy_true"))
    with pytest.raises(ValueError, match=r"needs the axes 'rad' and 'energy'.*use PSFMap"):
        RecoPSFMap(true.psf_map)
    with pytest.raises(ValueError, match=r"'energy_true'.*use RecoPSFMap"):
        PSFMap(RecoPSFMap.from_gauss(energy).psf_map)


def test_psf_kernel_has_an_energy_axis_and_gammapys_values(psf, energy):
    geom = WcsGeom.create(npix=21, binsz=0.05, axes=[energy])
    kernel = psf.get_psf_kernel(geom=geom, max_radius=0.5 * u.deg)
    assert kernel.psf_kernel_map.geom.axes.names == ["energy"]
    assert kernel.data.shape == (2, 21, 21)
    # gammapy 2.1 (/work/venv-gammapy): RecoPSFMap.from_gauss(same).get_psf_kernel(same)
    # .psf_kernel_map.data[1, 10, 10]
    assert_allclose(kernel.data[1, 10, 10], 0.03911517560482025, rtol=1e-6)
    assert kernel.to_image().psf_kernel_map.geom.axes.names == ["energy"]


def test_slice_and_downsample_keep_the_exposure_on_the_same_energies_x181(psf):
    # gammapy 2.1 keeps the exposure map's 2 energy bins here: (1, 66, 5, 5) vs (2, 1, 5, 5)
    sliced = psf.slice_by_idx({"energy": slice(1, 2)})
    assert sliced.psf_map.data.shape == (1, 66, 5, 5)
    assert sliced.exposure_map.data.shape == (1, 1, 5, 5)
    assert_allclose(sliced.psf_map.data[0], psf.psf_map.data[1])
    down = psf.downsample(2, axis_name="energy")
    assert down.psf_map.data.shape == (1, 66, 5, 5)
    assert down.exposure_map.data.shape == (1, 1, 5, 5)
    assert isinstance(sliced, RecoPSFMap) and isinstance(down, RecoPSFMap)


def test_write_read_gives_back_a_reco_psf_map(psf, tmp_path):
    psf.write(tmp_path / "psf.fits")
    with fits.open(tmp_path / "psf.fits") as hdulist:
        # gammapy 2.1 writes the same HDUs for a RecoPSFMap
        assert [hdu.name for hdu in hdulist] == [
            "PRIMARY",
            "PSF",
            "PSF_BANDS",
            "PSF_EXPOSURE",
            "PSF_EXPOSURE_BANDS",
        ]
    again = PSFMap.read(tmp_path / "psf.fits")
    assert type(again) is RecoPSFMap
    assert_allclose(again.psf_map.data, psf.psf_map.data)


def test_dataset_create_reco_psf_round_trip_and_stack_x182(tmp_path):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(binsz=0.02, width=2, axes=[axis])
    dataset = MapDataset.create(geom, reco_psf=True)
    assert type(dataset.psf) is RecoPSFMap
    # gammapy 2.1: the same shapes and axes
    assert dataset.psf.psf_map.data.shape == (2, 66, 10, 10)
    assert dataset.psf.psf_map.geom.axes["energy"] == axis
    assert dataset.psf.exposure_map.data.shape == (2, 1, 10, 10)
    dataset.write(tmp_path / "d.fits")
    assert type(MapDataset.read(tmp_path / "d.fits").psf) is RecoPSFMap
    # gammapy 2.1 raises ValueError('energy', 'should have only one bin') in mask_safe_psf
    dataset.psf.psf_map.data[...] = 1.0
    dataset.psf.exposure_map.data[...] = 2.0
    other = MapDataset.create(geom, reco_psf=True)
    other.psf.psf_map.data[...] = 3.0
    other.psf.exposure_map.data[...] = 1.0
    dataset.stack(other)
    assert type(dataset.psf) is RecoPSFMap
    # exposure-weighted mean (1 * 2 + 3 * 1) / 3 by brute force
    assert_allclose(dataset.psf.psf_map.data, 5 / 3)
    assert_allclose(dataset.psf.exposure_map.data, 3.0)


def test_default_create_keeps_a_true_energy_psf():
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
    dataset = MapDataset.create(WcsGeom.create(npix=5, binsz=1, axes=[axis]))
    assert type(dataset.psf) is PSFMap
    assert dataset.psf.psf_map.geom.axes.names == ["rad", "energy_true"]
