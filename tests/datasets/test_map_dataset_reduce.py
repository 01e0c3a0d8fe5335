"""MapDataset reductions with gammapy's mask rules: stack, to_masked, slice_by_idx,
slice_by_energy, create with IRF maps, geoms, data_shape, info_dict."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_allclose, assert_equal

from skymask.datasets import MapDataset
from skymask.irf import EDispKernelMap, EDispMap, PSFMap
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.stats import cash_significance


def _geom(nbin=3, npix=6):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=nbin)
    return WcsGeom.create(skydir=(0, 0), binsz=0.1, width=npix * 0.1, axes=[axis])


def _dataset(seed, geom=None, name=None):
    geom = geom or _geom()
    rng = np.random.default_rng(seed)
    dataset = MapDataset.create(geom, name=name, background=rng.uniform(1, 2, geom.data_shape))
    dataset.counts.data[...] = rng.poisson(3, geom.data_shape)
    dataset.exposure.data[...] = rng.uniform(1e9, 2e9, dataset.exposure.data.shape)
    safe = rng.uniform(size=geom.data_shape) > 0.3
    dataset.mask_safe = Map.from_geom(geom, data=safe)
    return dataset


def test_stack_adds_only_safe_data_and_ors_masks():
    first, second = _dataset(1, name="a"), _dataset(2, name="b")
    counts1, counts2 = first.counts.data.copy(), second.counts.data.copy()
    background1, background2 = first.background.data.copy(), second.background.data.copy()
    exposure1, exposure2 = first.exposure.data.copy(), second.exposure.data.copy()
    safe1, safe2 = first.mask_safe.data.copy(), second.mask_safe.data.copy()
    first.stack(second)
    # brute force, gammapy's rules: the other's data where its mask is True
    assert_allclose(first.counts.data, counts1 + counts2 * safe2)
    assert_allclose(first.background.data, background1 + background2 * safe2)
    assert_allclose(first.exposure.data, exposure1 + exposure2 * safe2.any(axis=0))
    assert first.mask_safe.is_mask
    assert_equal(first.mask_safe.data, safe1 | safe2)
    # no mask_fit in the first: the other's is taken
    second.mask_fit = Map.from_geom(second.geom, data=~safe2)
    first.stack(second)
    assert first.mask_fit.is_mask
    assert_equal(first.mask_fit.data, ~safe2)


def test_stack_averages_the_irfs_with_the_exposure():
    geom = _geom()
    first, second = _dataset(3, geom), _dataset(4, geom)
    energy_true = geom.axes["energy"].copy(name="energy_true")
    psf_geom = first.psf.psf_map.geom.to_image()
    first.psf = PSFMap.from_gauss(energy_true, sigma=0.1 * u.deg, geom=psf_geom)
    second.psf = PSFMap.from_gauss(energy_true, sigma=0.2 * u.deg, geom=psf_geom)
    second.psf.exposure_map.data[...] = 3.0
    psf1, psf2 = first.psf.psf_map.data.copy(), second.psf.psf_map.data.copy()
    second.mask_safe.data[...] = True
    first.stack(second)
    # exposures 1 and 3 (every pixel safe): (1 * psf1 + 3 * psf2) / 4
    assert_allclose(first.psf.psf_map.data, (psf1 + 3 * psf2) / 4)
    assert_allclose(first.psf.exposure_map.data, 4.0)
    other = _dataset(5, _geom(npix=4))
    with pytest.raises(ValueError, match="same geometry"):
        first.stack(other)


def test_to_masked_zeroes_unsafe_data():
    # gammapy 2.1's test_to_masked: 200 counts of 1, 30 unsafe, give 170
    axis = MapAxis.from_energy_bounds(1, 10, 2, unit="TeV")
    geom = WcsGeom.create(npix=(10, 10), binsz=0.05, axes=[axis])
    mask = Map.from_geom(geom, data=True, dtype=bool)
    mask.data[0][5:8] = False
    dataset = MapDataset(counts=Map.from_geom(geom, data=1.0), mask_safe=mask)
    masked = dataset.to_masked(name="masked")
    assert_allclose(masked.counts.data.sum(), 170)
    assert masked.name == "masked"
    assert_equal(masked.mask_safe.data, mask.data)
    full = _dataset(6)
    masked = full.to_masked()
    assert_allclose(masked.counts.data, full.counts.data * full.mask_safe.data)
    assert_allclose(masked.background.data, full.background.data * full.mask_safe.data)


def test_create_with_irf_maps_and_geoms():
    rad_axis = MapAxis.from_edges(np.linspace(0.0, 1.0, 51), unit="deg", name="rad")
    e_reco = MapAxis.from_edges(np.logspace(-1.0, 1.0, 3), name="energy", unit="TeV", interp="log")
    e_true = MapAxis.from_edges(
        np.logspace(-1.0, 1.0, 4), name="energy_true", unit="TeV", interp="log"
    )
    geom = WcsGeom.create(binsz=0.02, width=(2, 2), axes=[e_reco])
    dataset = MapDataset.create(geom=geom, energy_axis_true=e_true, rad_axis=rad_axis)
    # gammapy 2.1's test_create numbers
    assert dataset.counts.data.shape == (2, 100, 100)
    assert dataset.data_shape == (2, 100, 100)
    assert dataset.exposure.data.shape == (3, 100, 100)
    assert dataset.psf.psf_map.data.shape == (3, 50, 10, 10)
    assert dataset.psf.exposure_map.data.shape == (3, 1, 10, 10)
    assert isinstance(dataset.edisp, EDispKernelMap)
    assert dataset.edisp.edisp_map.data.shape == (3, 2, 10, 10)
    assert dataset.edisp.exposure_map.data.shape == (3, 1, 10, 10)
    assert_allclose(dataset.edisp.edisp_map.data.sum(), 300)
    # the IRF grid: same centre and width, 0.2 deg pixels
    irf_image = dataset.psf.psf_map.geom.to_image()
    assert_allclose(irf_image.pixel_scales.to_value("deg"), 0.2)
    assert irf_image.center_skydir.separation(geom.center_skydir).deg < 1e-9
    geoms = dataset.geoms
    assert set(geoms) == {"geom", "geom_exposure", "geom_psf", "geom_edisp"}
    assert geoms["geom_psf"] == dataset.psf.psf_map.geom
    # A migra axis gives an EDispMap (gammapy 2.1's test_create_with_migra: 50 migra bins
    # of 0.06, density sum 5000 = 3 true bins x 100 pixels x 1 / 0.06).
    migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
    with_migra = MapDataset.create(geom, energy_axis_true=e_true, migra_axis=migra)
    assert isinstance(with_migra.edisp, EDispMap)
    assert with_migra.edisp.edisp_map.data.shape == (3, 50, 10, 10)
    assert with_migra.edisp.exposure_map.data.shape == (3, 1, 10, 10)
    assert_allclose(with_migra.edisp.edisp_map.data.sum(), 5000)
    # reco_psf=True: a RecoPSFMap on the reconstructed energy axis (tests/irf/test_psf_reco.py)
    assert MapDataset.create(geom, reco_psf=True).psf.psf_map.geom.axes.names == ["rad", "energy"]


def test_slice_by_idx_and_energy():
    # gammapy 2.1's test_slice_by_idx shapes
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=17)
    axis_true = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=31, name="energy_true")
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.5, width=(2, 2), frame="icrs", axes=[axis])
    dataset = MapDataset.create(geom=geom, energy_axis_true=axis_true, binsz_irf=0.5)
    sub = dataset.slice_by_idx({"energy": slice(5, 10)})
    assert sub.counts.geom.data_shape == (5, 4, 4)
    assert sub.mask_safe.is_mask and sub.mask_safe.geom.data_shape == (5, 4, 4)
    assert sub.exposure.geom.data_shape == (31, 4, 4)
    assert sub.edisp.edisp_map.geom.data_shape == (31, 5, 4, 4)
    assert sub.psf.psf_map.geom.data_shape == (31, 66, 4, 4)
    assert_allclose(sub.counts.geom.axes["energy"].edges[0].value, 0.387468, rtol=1e-5)
    sub = dataset.slice_by_idx({"energy_true": slice(5, 10)})
    assert sub.exposure.geom.data_shape == (5, 4, 4)
    assert sub.edisp.edisp_map.geom.data_shape == (5, 17, 4, 4)
    assert sub.edisp.exposure_map.geom.data_shape == (5, 1, 4, 4)
    # by energy: edges snapped, the bins in between kept
    edges = axis.edges
    sub = dataset.slice_by_energy(edges[3], edges[8] * 1.01)
    assert_allclose(sub.counts.geom.axes["energy"].edges, edges[3:9])
    with pytest.raises(ValueError, match="below energy_max"):
        dataset.slice_by_energy(2 * u.TeV, 1 * u.TeV)


def test_info_dict_inside_the_safe_mask():
    dataset = _dataset(7)
    dataset.exposure.meta["livetime"] = 100 * u.s
    info = dataset.info_dict()
    safe = dataset.mask_safe.data
    counts = dataset.counts.data[safe].sum()
    background = dataset.background.data[safe].sum()
    assert info["counts"] == int(counts)
    assert_allclose(info["background"], background)
    assert_allclose(info["excess"], counts - background)
    assert_allclose(info["sqrt_ts"], cash_significance(counts, background))
    assert_allclose(info["counts_rate"].to_value("s-1"), counts / 100)
    assert info["n_bins"] == safe.size
    assert info["n_fit_bins"] == safe.sum()
    everything = dataset.info_dict(in_safe_data_range=False)
    assert everything["counts"] == int(dataset.counts.data.sum())


def test_datasets_stack_reduce_and_info_table():
    from skymask.datasets import Datasets

    first, second, third = (_dataset(seed, name=n) for seed, n in ((8, "a"), (9, "b"), (10, "c")))
    datasets = Datasets([first, second, third])
    stacked = datasets.stack_reduce(name="all")
    assert stacked.name == "all"
    expected = sum(d.counts.data * d.mask_safe.data for d in (first, second, third))
    assert_allclose(stacked.counts.data, expected)
    assert_equal(
        stacked.mask_safe.data, first.mask_safe.data | second.mask_safe.data | third.mask_safe.data
    )
    table = datasets.info_table()
    assert list(table["name"]) == ["a", "b", "c"]
    assert list(table["counts"]) == [
        int((d.counts.data * d.mask_safe.data).sum()) for d in datasets
    ]
    cumulative = datasets.info_table(cumulative=True)
    assert list(cumulative["name"]) == ["stacked"] * 3
    assert cumulative["counts"][-1] == int(expected.sum())
    with pytest.raises(ValueError, match="at least one dataset"):
        Datasets().stack_reduce()


def test_datasets_write_creates_missing_folders(tmp_path):
    from skymask.datasets import Datasets

    datasets = Datasets([_dataset(11, name="a")])
    target = tmp_path / "new" / "deeper" / "datasets.yaml"
    datasets.write(target)
    assert target.is_file() and (target.parent / "a.fits").is_file()
    back = Datasets.read(target)
    assert_allclose(back["a"].counts.data, datasets["a"].counts.data)
