"""IRF maps with non-spatial axes beyond their two IRF axes (gammapy's IRFMap keeps any
axes), e.g. an event-type LabelMapAxis, and MapDataset.create on such a geometry."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_allclose

from skymask.datasets import MapDataset
from skymask.irf import EDispKernelMap, EDispMap, PSFMap
from skymask.maps import LabelMapAxis, Map, MapAxis, WcsGeom

LABELS = LabelMapAxis(["a", "b"], name="type")
RAD = MapAxis(nodes=np.linspace(0.0, 1.0, 51), unit="deg", name="rad")
MIGRA = MapAxis(nodes=np.linspace(0.0, 3.0, 51), unit="", name="migra")
E_RECO = MapAxis.from_edges(np.logspace(-1.0, 1.0, 3), name="energy", unit=u.TeV, interp="log")
E_TRUE = MapAxis.from_edges(np.logspace(-1.0, 1.0, 4), name="energy_true", unit=u.TeV, interp="log")


@pytest.fixture
def geom():
    return WcsGeom.create(binsz=0.02, width=(2, 2), axes=[LABELS, E_RECO])


@pytest.fixture
def dataset(geom):
    return MapDataset.create(geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD)


def test_create_high_dimension_shapes_are_gammapys(geom, dataset):
    # gammapy 2.1's test_create_high_dimension (datasets/tests/test_map.py)
    assert dataset.counts.data.shape == (2, 2, 100, 100)
    assert dataset.exposure.data.shape == (2, 3, 100, 100)
    assert dataset.psf.psf_map.data.shape == (2, 3, 50, 10, 10)
    assert dataset.psf.exposure_map.data.shape == (2, 3, 1, 10, 10)
    assert dataset.edisp.edisp_map.data.shape == (2, 3, 2, 10, 10)
    assert dataset.edisp.exposure_map.data.shape == (2, 3, 1, 10, 10)
    assert_allclose(dataset.edisp.edisp_map.data.sum(), 600)
    with_migra = MapDataset.create(
        geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD, migra_axis=MIGRA
    )
    assert isinstance(with_migra.edisp, EDispMap)
    assert with_migra.edisp.edisp_map.data.shape == (2, 3, 50, 10, 10)
    assert with_migra.edisp.exposure_map.data.shape == (2, 3, 1, 10, 10)


def test_diagonal_responses_repeat_over_the_extra_axis_with_gammapys_values(geom, dataset):
    # gammapy 2.1 (/work/venv-gammapy), the same create: edisp_map.data[1, :, :, 0, 0]
    assert_allclose(
        dataset.edisp.edisp_map.data[1, :, :, 0, 0],
        [[1.0, 0.0], [0.31701400876045227, 0.6829859614372253], [0.0, 1.0]],
        rtol=1e-7,
    )
    assert_allclose(dataset.edisp.edisp_map.data[0], dataset.edisp.edisp_map.data[1])
    with_migra = MapDataset.create(
        geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD, migra_axis=MIGRA
    )
    density = with_migra.edisp.edisp_map.data
    # gammapy 2.1: sum 9999.999999999993; data[1, 2, :, 0, 0] non-zero at migra bins 16, 17
    assert_allclose(density.sum(), 9999.999999999993, rtol=1e-12)
    assert np.nonzero(density[1, 2, :, 0, 0])[0].tolist() == [16, 17]
    assert_allclose(density[1, 2, [16, 17], 0, 0], [13.888888888888857, 2.777777777777795])
    assert_allclose(density[0], density[1])


@pytest.mark.parametrize("kind", ["psf", "edisp", "migra"])
def test_slicing_an_extra_axis_slices_the_exposure_too_x183(geom, kind):
    dataset = MapDataset.create(
        geom=geom,
        energy_axis_true=E_TRUE,
        rad_axis=RAD,
        migra_axis=MIGRA if kind == "migra" else None,
    )
    irf = dataset.psf if kind == "psf" else dataset.edisp
    irf.exposure_map.data[1] = 7.0  # tells the event types apart
    irf_map = irf._irf_map_for_stack
    # gammapy 2.1 keeps the exposure map's 2 types in both cases (2, 3, 1, 10, 10)
    kept = irf.slice_by_idx({"type": slice(1, 2)})
    assert kept._irf_map_for_stack.data.shape == (1, *irf_map.data.shape[1:])
    assert kept.exposure_map.data.shape == (1, 3, 1, 10, 10)
    assert_allclose(kept.exposure_map.data, 7.0)
    dropped = irf.slice_by_idx({"type": 1})
    assert dropped._irf_map_for_stack.data.shape == irf_map.data.shape[1:]
    assert dropped.exposure_map.data.shape == (3, 1, 10, 10)
    assert_allclose(dropped.exposure_map.data, 7.0)
    assert type(dropped) is type(irf)


def test_edisp_to_image_sums_reconstructed_energy_x184(dataset):
    # gammapy 2.1 sums over the wrong axis here and raises ValueError (shape mismatch)
    image = dataset.edisp.to_image()
    assert image.edisp_map.data.shape == (2, 3, 1, 10, 10)
    # brute force: the sum over the reconstructed bins of each true-energy row
    assert_allclose(image.edisp_map.data[..., 0, :, :], dataset.edisp.edisp_map.data.sum(axis=2))
    assert_allclose(image.edisp_map.data, 1.0)  # each diagonal row sums to 1 here


def test_evaluating_one_irf_needs_one_bin_of_each_extra_axis(dataset):
    with pytest.raises(ValueError, match=r"also has the axes \['type'\].*slice_by_idx"):
        dataset.psf.containment_radius(0.68, 1 * u.TeV)
    with pytest.raises(ValueError, match=r"also has the axes \['type'\].*slice_by_idx"):
        dataset.edisp.get_edisp_kernel()
    one = dataset.edisp.slice_by_idx({"type": 0}).get_edisp_kernel()
    assert_allclose(one.data, dataset.edisp.edisp_map.data[0, :, :, 5, 5])
    psf = PSFMap.from_gauss(E_TRUE, sigma=0.1 * u.deg, geom=WcsGeom.create(npix=3))
    geom = psf.psf_map.geom.to_image().to_cube([psf.rad_axis, E_TRUE, LABELS])
    data = np.stack([psf.psf_map.data] * 2)
    stacked = PSFMap(Map.from_geom(geom, data=data, unit="sr-1"))
    assert "type        : 2 bins (an extra axis)" in repr(stacked)
    r68 = stacked.slice_by_idx({"type": 1}).containment_radius(0.68, 1 * u.TeV)
    assert_allclose(r68.deg, 0.1 * np.sqrt(-2 * np.log(0.32)), rtol=1e-4)  # 2-D Gaussian


def test_stacking_datasets_with_extra_axes_x185(geom):
    # gammapy 2.1 raises ValueError('type', 'should have only one bin') in mask_safe_psf
    first = MapDataset.create(geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD)
    second = MapDataset.create(geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD)
    first.psf.psf_map.data[...] = 1.0
    first.psf.exposure_map.data[...] = 1.0
    second.psf.psf_map.data[0] = 4.0
    second.psf.psf_map.data[1] = 10.0
    second.psf.exposure_map.data[...] = 2.0
    first.stack(second)
    # brute force: exposure-weighted means (1 + 4 * 2) / 3 and (1 + 10 * 2) / 3 per type
    assert_allclose(first.psf.psf_map.data[0], 3.0)
    assert_allclose(first.psf.psf_map.data[1], 7.0)
    assert_allclose(first.psf.exposure_map.data, 3.0)
    assert first.edisp.edisp_map.data.shape == (2, 3, 2, 10, 10)


def test_extra_axes_must_come_after_the_irf_axes():
    geom = WcsGeom.create(npix=3, axes=[LABELS, E_RECO, E_TRUE])
    with pytest.raises(ValueError, match=r"\['energy', 'energy_true'\] in this order"):
        EDispKernelMap.from_geom(geom)
    geom = WcsGeom.create(npix=3, axes=[MIGRA, LABELS, E_TRUE])
    with pytest.raises(ValueError, match=r"\['migra', 'energy_true'\] in this order"):
        EDispMap.from_geom(geom)
    geom = WcsGeom.create(npix=3, axes=[LABELS, RAD, E_TRUE])
    with pytest.raises(ValueError, match="'rad' and 'energy_true' first"):
        PSFMap(Map.from_geom(geom, unit="sr-1"))


def test_edisp_map_to_kernel_map_keeps_the_extra_axes_x186(geom):
    # gammapy 2.1 raises KeyError: 'type' here
    dataset = MapDataset.create(geom=geom, energy_axis_true=E_TRUE, rad_axis=RAD, migra_axis=MIGRA)
    edisp = dataset.edisp
    edisp.edisp_map.data[1] *= np.linspace(0.5, 1.5, 50)[:, None, None]  # types now differ
    kernel = edisp.to_edisp_kernel_map(E_RECO)
    assert kernel.edisp_map.geom.axes.names == ["energy", "energy_true", "type"]
    assert kernel.edisp_map.data.shape == (2, 3, 2, 10, 10)
    assert kernel.exposure_map.data.shape == (2, 3, 1, 10, 10)
    # oracle: each event type on its own (the 4-D path, checked against gammapy elsewhere)
    for index in range(2):
        one = edisp.slice_by_idx({"type": index}).to_edisp_kernel_map(E_RECO)
        assert_allclose(kernel.edisp_map.data[index], one.edisp_map.data, rtol=1e-12)
    assert not np.allclose(kernel.edisp_map.data[0], kernel.edisp_map.data[1])
