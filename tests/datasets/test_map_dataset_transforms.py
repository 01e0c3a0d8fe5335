"""MapDataset cutout / downsample / pad / resample_energy_axis and the matching IRF and
on/off methods, with gammapy's mask rules (brute-force sums as oracles).

They use the maps' cutout, downsample, pad and resample_axis: skipped until those are in."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_equal

from skymask.datasets import MapDataset, MapDatasetOnOff
from skymask.irf import EDispKernelMap
from skymask.maps import Map, MapAxis, WcsGeom

pytestmark = pytest.mark.skipif(
    not all(hasattr(Map, name) for name in ("cutout", "downsample", "pad", "resample_axis")),
    reason="needs Map.cutout/downsample/pad/resample_axis (maps API, issue 14)",
)


def _dataset(seed=0, nbin=4):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=nbin)
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.1, width=1.2, axes=[axis])
    rng = np.random.default_rng(seed)
    dataset = MapDataset.create(
        geom, background=rng.uniform(1, 2, geom.data_shape), binsz_irf=0.4, name="d"
    )
    dataset.counts.data[...] = rng.poisson(3, geom.data_shape)
    dataset.exposure.data[...] = rng.uniform(1e9, 2e9, dataset.exposure.data.shape)
    dataset.mask_safe = Map.from_geom(geom, data=rng.uniform(size=geom.data_shape) > 0.3)
    dataset.mask_fit = Map.from_geom(geom, data=rng.uniform(size=geom.data_shape) > 0.5)
    return dataset


def _blocks(data, factor):
    n, ny, nx = data.shape
    return data.reshape(n, ny // factor, factor, nx // factor, factor)


def test_downsample_sums_safe_counts_and_ors_masks():
    dataset = _dataset(1)
    safe = dataset.mask_safe.data
    down = dataset.downsample(2, name="down")
    assert down.name == "down"
    expected = _blocks(dataset.counts.data * safe, 2).sum(axis=(2, 4))
    assert_allclose(down.counts.data, expected)
    expected = _blocks(dataset.background.data * safe, 2).sum(axis=(2, 4))
    assert_allclose(down.background.data, expected)
    assert_allclose(down.exposure.data, _blocks(dataset.exposure.data, 2).mean(axis=(2, 4)))
    assert down.mask_safe.is_mask and down.mask_fit.is_mask
    assert_equal(down.mask_safe.data, _blocks(safe, 2).any(axis=(2, 4)))
    assert down.psf is dataset.psf


def test_resample_energy_axis_and_edisp():
    dataset = _dataset(2)
    safe = dataset.mask_safe.data
    coarse = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
    resampled = dataset.resample_energy_axis(coarse)
    pairs = dataset.counts.data * safe
    assert_allclose(resampled.counts.data, pairs[0::2] + pairs[1::2])
    assert resampled.mask_safe.is_mask
    assert_equal(resampled.mask_safe.data, safe[0::2] | safe[1::2])
    assert resampled.edisp.edisp_map.data.shape[1] == 2
    # EDisp alone: the diagonal kernels of gammapy's test_edisp_kernel_map_resample_axis
    e_reco = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=4)
    e_true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=10, name="energy_true")
    edisp = EDispKernelMap.from_diagonal_response(e_reco, e_true)
    grouped = edisp.resample_energy_axis(MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2))
    assert grouped.edisp_map.data.shape == (10, 2, 1, 2)
    assert_allclose(grouped.edisp_map.data[4, :, 0, 0].sum(), 1.0, rtol=1e-5)
    assert_allclose(
        grouped.edisp_map.data[:, 0], edisp.edisp_map.data[:, 0] + edisp.edisp_map.data[:, 1]
    )


def test_cutout_and_pad_keep_masks_and_values():
    dataset = _dataset(3)
    position = dataset.geom.center_skydir
    cut = dataset.cutout(position, width="0.6 deg")
    assert cut.counts.data.shape == (4, 6, 6)
    assert cut.mask_safe.is_mask
    assert_allclose(cut.counts.data, dataset.counts.data[:, 3:9, 3:9])
    assert_equal(cut.mask_safe.data, dataset.mask_safe.data[:, 3:9, 3:9])
    assert cut.psf.psf_map.geom.npix[0] >= 1
    padded = dataset.pad(2)
    assert padded.counts.data.shape == (4, 16, 16)
    assert_allclose(padded.counts.data[:, 2:-2, 2:-2], dataset.counts.data)
    assert padded.mask_safe.is_mask and not padded.mask_safe.data[:, :2].any()


def test_onoff_downsample():
    geom = WcsGeom.create(
        npix=(4, 4), binsz=0.05, axes=[MapAxis.from_energy_bounds(1, 10, 2, unit="TeV")]
    )
    rng = np.random.default_rng(4)
    safe = rng.uniform(size=geom.data_shape) > 0.2
    dataset = MapDatasetOnOff(
        counts=Map.from_geom(geom, data=rng.poisson(5, geom.data_shape).astype(float)),
        counts_off=Map.from_geom(geom, data=rng.poisson(20, geom.data_shape).astype(float) + 1),
        acceptance=Map.from_geom(geom, data=rng.uniform(1, 2, geom.data_shape)),
        acceptance_off=Map.from_geom(geom, data=rng.uniform(5, 10, geom.data_shape)),
        mask_safe=Map.from_geom(geom, data=safe),
    )
    down = dataset.downsample(2)
    background = _blocks(dataset.background.data * safe, 2).sum(axis=(2, 4))
    some = _blocks(safe, 2).any(axis=(2, 4))
    assert_allclose(down.background.data[some], background[some])
    assert_allclose(
        down.counts_off.data, _blocks(dataset.counts_off.data * safe, 2).sum(axis=(2, 4))
    )
    assert down.mask_safe.is_mask
