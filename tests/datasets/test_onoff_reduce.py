"""MapDatasetOnOff create / to_image / to_map_dataset / stack / to_masked and
MapDataset.to_image, with gammapy's rules (brute-force sums as oracles)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal, assert_equal

from skymask.data import GTI
from skymask.datasets import MapDataset, MapDatasetOnOff
from skymask.irf import EDispMap
from skymask.maps import Map, MapAxis, WcsGeom


def _geom():
    axis = MapAxis.from_energy_bounds(1, 10, 2, unit="TeV")
    return WcsGeom.create(npix=(10, 10), binsz=0.05, axes=[axis])


def _onoff(seed, name=None):
    geom = _geom()
    rng = np.random.default_rng(seed)

    def m(low, high):
        return Map.from_geom(geom, data=rng.uniform(low, high, geom.data_shape))

    safe = Map.from_geom(geom, data=rng.uniform(size=geom.data_shape) > 0.3)
    return MapDatasetOnOff(
        counts=Map.from_geom(geom, data=rng.poisson(5, geom.data_shape).astype(float)),
        counts_off=Map.from_geom(geom, data=rng.poisson(20, geom.data_shape).astype(float)),
        acceptance=m(1, 2),
        acceptance_off=m(5, 10),
        mask_safe=safe,
        name=name,
    )


def test_to_image_gammapy_case():
    # gammapy 2.1's test_map_dataset_on_off_to_image
    geom = _geom()
    ones = np.ones((2, 10, 10))
    dataset = MapDatasetOnOff(
        counts=Map.from_geom(geom, data=ones),
        counts_off=Map.from_geom(geom, data=ones),
        acceptance=Map.from_geom(geom, data=ones),
        acceptance_off=Map.from_geom(geom, data=2 * ones),
    )
    image = dataset.to_image()
    assert image.counts.data.shape == (1, 10, 10)
    assert_allclose(image.acceptance.data, 2)
    assert_allclose(image.acceptance_off.data, 4)
    assert_allclose(image.counts_off.data, 2)
    assert image.name != dataset.name
    safe = np.ones((2, 10, 10), dtype=bool)
    safe[0] = False
    dataset.mask_safe = Map.from_geom(geom, data=safe)
    image = dataset.to_image()
    assert_allclose(image.acceptance.data, 1)
    assert_allclose(image.acceptance_off.data, 2)
    assert image.mask_safe.is_mask and image.mask_safe.data.all()


def test_to_image_keeps_the_summed_background():
    dataset = _onoff(1)
    safe = dataset.mask_safe.data
    image = dataset.to_image(name="image")
    background = (dataset.background.data * safe).sum(axis=0)
    # pixels with no safe bin have no OFF counts left: alpha is 0 / 0 there (as gammapy)
    some = safe.any(axis=0)
    assert_allclose(image.background.data[0][some], background[some])
    assert np.isnan(image.background.data[0][~some]).all()
    assert_allclose(image.counts.data[0], (dataset.counts.data * safe).sum(axis=0))
    assert_equal(image.mask_safe.data[0], safe.any(axis=0))


def test_stack_alpha_is_the_off_weighted_average():
    first, second = _onoff(2, "a"), _onoff(3, "b")
    safe2 = second.mask_safe.data
    off = first.counts_off.data + second.counts_off.data * safe2
    alpha_off = first.background.data + second.background.data * safe2
    counts = first.counts.data + second.counts.data * safe2
    safe1 = first.mask_safe.data.copy()
    first.stack(second)
    assert_allclose(first.counts_off.data, off)
    assert_allclose(first.counts.data, counts)
    # alpha * off of the stack is the sum of alpha * off of the parts
    assert_allclose(first.background.data, alpha_off)
    assert_equal(first.mask_safe.data, safe1 | safe2)
    with pytest.raises(TypeError, match="stacks another one"):
        first.stack(MapDataset.create(_geom()))


def test_to_masked_and_to_map_dataset():
    # gammapy 2.1's test_to_masked: 200 counts of 1, 30 unsafe, give 170
    geom = _geom()
    mask = Map.from_geom(geom, data=True, dtype=bool)
    mask.data[0][5:8] = False
    ones = Map.from_geom(geom, data=1.0)
    dataset = MapDatasetOnOff(
        counts=ones,
        counts_off=ones.copy(),
        acceptance=ones.copy(),
        acceptance_off=Map.from_geom(geom, data=0.1),
        mask_safe=mask,
    )
    assert_allclose(dataset.to_masked().counts.data.sum(), 170)
    # gammapy 2.1's test_to_map_dataset: background alpha * off = 0.5 in 200 bins
    dataset = MapDatasetOnOff(
        counts=ones,
        counts_off=ones.copy(),
        acceptance=ones.copy(),
        acceptance_off=Map.from_geom(geom, data=2.0),
    )
    converted = dataset.to_map_dataset(name="ds")
    assert isinstance(converted, MapDataset)
    assert converted.name == "ds"
    assert_allclose(converted.npred_background().data.sum(), 100)


def test_create_onoff():
    geom = WcsGeom.create(npix=(20, 20), binsz=0.05, axes=_geom().axes)
    rad_axis = MapAxis.from_edges(np.linspace(0.0, 1.0, 51), unit="deg", name="rad")
    empty = MapDatasetOnOff.create(geom, rad_axis=rad_axis, name="empty")
    assert empty.name == "empty"
    for name in ("counts", "counts_off", "acceptance", "acceptance_off"):
        assert_allclose(getattr(empty, name).data, 0)
    assert empty.psf.psf_map.data.shape == (2, 50, 5, 5)
    assert empty.edisp.edisp_map.data.shape == (2, 2, 5, 5)
    assert empty.mask_safe.is_mask and not empty.mask_safe.data.any()
    # gammapy 2.1's test_create_onoff: with 50 migra bins (of 0.06) an EDispMap whose
    # densities sum to 2 true bins x 25 pixels x 1 / 0.06.
    migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
    with_migra = MapDatasetOnOff.create(geom, migra_axis=migra)
    assert isinstance(with_migra.edisp, EDispMap)
    assert with_migra.edisp.edisp_map.data.shape == (2, 50, 5, 5)
    assert_allclose(with_migra.edisp.edisp_map.data.sum(), 2 * 25 / 0.06)


def test_map_dataset_to_image():
    geom = _geom()
    dataset = MapDataset.create(geom, background=np.arange(200.0).reshape(2, 10, 10))
    dataset.counts.data[...] = 2
    safe = np.ones((2, 10, 10), dtype=bool)
    safe[1, :5] = False
    dataset.mask_safe = Map.from_geom(geom, data=safe)
    image = dataset.to_image(name="image")
    assert image.counts.data.shape == (1, 10, 10)
    assert_allclose(image.counts.data[0], (2 * safe).sum(axis=0))
    assert_allclose(image.background.data[0], (dataset.background.data * safe).sum(axis=0))
    assert image.mask_safe.is_mask and image.mask_safe.data.all()
    assert image.exposure is dataset.exposure
    # the EDisp kernels are summed over the safe reconstructed bins
    assert image.edisp.edisp_map.data.shape[1] == 1


def _fake_dataset():
    # Built the same way in gammapy 2.1 to get the values pasted below: acceptances that
    # vary over the sky, one pixel without OFF acceptance.
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(7, 5), binsz=0.1, axes=[axis])
    on_off = MapDatasetOnOff.create(geom)
    yy, xx = np.mgrid[:5, :7]
    on_off.acceptance.data = np.broadcast_to(1.0 + 0.1 * xx, (2, 5, 7)).copy()
    on_off.acceptance_off.data = np.broadcast_to(5.0 + yy, (2, 5, 7)).copy()
    on_off.acceptance_off.data[1, 2, 3] = 0
    background = Map.from_geom(geom, data=np.broadcast_to(0.5 + 3 * xx + yy, (2, 5, 7)) * 1.0)
    return on_off, background


def test_fake_draws_gammapys_counts_for_one_seed():
    on_off, background = _fake_dataset()
    on_off.fake(background, random_state=7)
    # gammapy 2.1, MapDatasetOnOff.fake(background, random_state=7) on the same dataset.
    assert on_off.counts.data.dtype == float
    assert on_off.counts.data.sum() == 817.0
    assert on_off.counts.data[0, 4].tolist() == [6.0, 3.0, 4.0, 16.0, 11.0, 27.0, 24.0]
    assert on_off.counts_off.data.sum() == 4140
    assert on_off.counts_off.data[1, 2].tolist() == [16, 36, 51, 0, 59, 79, 86]
    # gammapy 2.1: npred_background() (WStat, no signal) of the faked dataset.
    npred = on_off.npred_background()
    assert_allclose(npred.data.sum(), 798.5633375310928, rtol=1e-12)
    assert_allclose(npred.data[0, 1, 2], 6.833333333333334, rtol=1e-12)
    assert npred.data[1, 2, 3] == 0.0  # no OFF acceptance
    # Analytic: alpha (n_on + n_off) / (1 + alpha).
    alpha = on_off.acceptance.data / on_off.acceptance_off.data[0, 0, 0]
    expected = alpha[0, 0, 0] * (on_off.counts.data[0, 0, 0] + on_off.counts_off.data[0, 0, 0])
    assert_allclose(npred.data[0, 0, 0], expected / (1 + alpha[0, 0, 0]), rtol=1e-12)


def test_fake_input_checks():
    on_off, background = _fake_dataset()
    with pytest.raises(ValueError, match="random_state"):
        on_off.fake(background, random_state="seed")
    with pytest.raises(ValueError, match="dataset geometry"):
        on_off.fake(background.data)
    negative = background.copy()
    negative.data[0, 0, 0] = -1
    with pytest.raises(ValueError, match=">= 0"):
        on_off.fake(negative)
    state = np.random.RandomState(3)
    on_off.fake(background, random_state=state)
    first = on_off.counts.data.copy()
    on_off.fake(background, random_state=3)
    assert_array_equal(on_off.counts.data, first)


def test_map_dataset_stacks_an_on_off_dataset_with_its_wstat_background():
    on_off, background = _fake_dataset()
    on_off.fake(background, random_state=7)
    on_off.mask_safe.data[...] = True
    on_off.mask_safe.data[0, :, :2] = False
    dataset = MapDataset.create(on_off.geom, gti=GTI.create("0 s", "1 h"))
    dataset.stack(on_off)
    # gammapy 2.1 on the same datasets: npred_background sum 755.01385, counts 771.
    assert_allclose(dataset.npred_background().data.sum(), 755.0138596861383, rtol=1e-6)
    assert dataset.counts.data.sum() == 771.0
    # X19: skymask's create starts all True; the OR keeps every pixel safe (a mask).
    assert dataset.mask_safe.is_mask and dataset.mask_safe.data.all()
    # gammapy's test_stack_dataset_dataset_on_off: alpha 0.2, n_off 1, n_on 0 gives
    # 0.2 * 1 / 1.2 per pixel.
    axis = MapAxis.from_edges([1, 10] * u.TeV, name="energy")
    geom = WcsGeom.create(width=1, axes=[axis])
    empty = MapDataset.create(geom, gti=GTI.create([0] * u.s, [1] * u.h))
    small = MapDatasetOnOff.create(geom, gti=GTI.create([0] * u.s, [1] * u.h))
    small.mask_safe.data += True
    small.acceptance_off += 5
    small.acceptance += 1
    small.counts_off += 1
    empty.stack(small)
    assert_allclose(empty.npred_background().data, 0.2 / 1.2, rtol=1e-12)


def test_on_off_from_geoms_of_a_cutout_stacks_back():
    # gammapy's test_stack_onoff_cutout, checked against sums by hand.
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.02, width=(2, 2), frame="galactic", axes=[axis])
    true_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    dataset = MapDatasetOnOff.create(geom, energy_axis_true=true_axis)
    geoms = {key: g.cutout(geom.center_skydir, 1 * u.deg) for key, g in dataset.geoms.items()}
    cutout = MapDatasetOnOff.from_geoms(**geoms, name="cutout-dataset")
    assert cutout.name == "cutout-dataset" and cutout.mask_safe.is_mask
    assert not cutout.mask_safe.data.any()
    cutout.mask_safe.data[...] = True
    cutout.counts.data += 1
    cutout.counts_off.data += 1
    cutout.exposure.data += 1
    dataset.stack(cutout)
    assert dataset.counts.data.sum() == 50 * 50  # a 1 deg cutout of 0.02 deg pixels
    assert dataset.counts_off.data.sum() == 2500
    assert dataset.exposure.data.sum() == 3 * 2500
