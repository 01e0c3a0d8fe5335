"""MapDatasetOnOff create / to_image / to_map_dataset / stack / to_masked and
MapDataset.to_image, with gammapy's rules (brute-force sums as oracles)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_equal

from skymask.datasets import MapDataset, MapDatasetOnOff
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
    with pytest.raises(ValueError, match="EDispMap"):
        MapDatasetOnOff.create(geom, migra_axis=MapAxis.from_nodes([0.5, 1, 2], name="migra"))


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
