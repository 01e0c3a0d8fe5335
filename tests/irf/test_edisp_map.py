"""EDispMap: energy dispersion in migration (gammapy's EDispMap).

Oracles: gammapy 2.1's arrays for the same calls (computed in its environment, values pasted
with a comment), and a brute-force integral of the migration density over each
reconstructed bin's migra range.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose

from skymask.datasets import MapDataset, MapDatasetOnOff
from skymask.irf import EDispKernelMap, EDispMap
from skymask.maps import Map, MapAxis, WcsGeom


def _gaussian_edisp():
    # The map of the gammapy 2.1 run: Gaussian densities in migra whose width grows with
    # true energy and with the pixel column.
    migra = MapAxis.from_bounds(0.2, 3.0, nbin=40, name="migra", node_type="edges")
    true = MapAxis.from_energy_bounds("0.3 TeV", "30 TeV", nbin=8, name="energy_true")
    geom = WcsGeom.create(npix=(3, 2), binsz=1.0, axes=[migra, true])
    edisp = EDispMap.from_geom(geom)
    m = migra.center.value[None, :, None, None]
    sigma = (
        0.1 + 0.05 * np.arange(8)[:, None, None, None] + 0.02 * np.arange(3)[None, None, None, :]
    )
    density = np.exp(-0.5 * ((m - 1.05) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
    edisp.edisp_map.data = np.broadcast_to(density, geom.data_shape).copy()
    edisp.exposure_map.data += np.arange(8)[:, None, None, None] + 1.0
    return edisp


def test_to_edisp_kernel_map_matches_gammapy():
    edisp = _gaussian_edisp()
    reco = MapAxis.from_energy_bounds("0.5 TeV", "20 TeV", nbin=5)
    kernel = edisp.to_edisp_kernel_map(reco)
    assert isinstance(kernel, EDispKernelMap)
    assert kernel.edisp_map.data.shape == (8, 5, 2, 3)
    assert kernel.exposure_map.data.shape == (8, 1, 2, 3)
    assert_allclose(kernel.exposure_map.data[:, 0, 0, 0], np.arange(8) + 1.0)
    # gammapy 2.1, EDispMap.to_edisp_kernel_map on the same map:
    assert_allclose(kernel.edisp_map.data.sum(), 37.274393617682875, rtol=1e-12)
    assert_allclose(
        kernel.edisp_map.data[3, :, 1, 2],
        [0.019787103869078095, 0.3717786498592067, 0.6058368560108573, 3.565073599481883e-4, 0],
        rtol=1e-9,
        atol=1e-15,
    )
    assert_allclose(
        kernel.edisp_map.data[:, :, 0, 0].sum(axis=1),
        [0.02076121, 0.98901876, 0.99944985, 0.99950166, 0.99774268, 0.99250484, 0.89071682,
         0.33103841],
        rtol=1e-6,
    )  # fmt: skip
    kernel_at = edisp.get_edisp_kernel(reco, position=SkyCoord(1, 0.5, unit="deg"))
    assert_allclose(
        kernel_at.data[5],
        [0.0, 0.009724758684959093, 0.10576661408728288, 0.676117941161025, 0.20089552703455515],
        rtol=1e-9,
    )


def test_kernel_is_the_density_integrated_over_each_bins_migra_range():
    # Brute force: the piecewise-constant density integrated from E_lo / E_true to
    # E_hi / E_true with fine sampling (what gammapy's cumulative interpolation computes).
    edisp = _gaussian_edisp()
    reco = MapAxis.from_energy_bounds("0.5 TeV", "20 TeV", nbin=5)
    kernel = edisp.to_edisp_kernel_map(reco).edisp_map.data
    geom = edisp.edisp_map.geom
    migra_edges = geom.axes["migra"].edges.value
    true_centres = geom.axes["energy_true"].center.to_value("TeV")
    reco_edges = reco.edges.to_value("TeV")
    for i in (0, 4, 7):
        for j in range(5):
            low, high = reco_edges[j] / true_centres[i], reco_edges[j + 1] / true_centres[i]
            samples = np.linspace(low, high, 200001)
            inside = (samples >= migra_edges[0]) & (samples < migra_edges[-1])
            index = np.clip(np.searchsorted(migra_edges, samples, side="right") - 1, 0, 39)
            values = np.where(inside, edisp.edisp_map.data[i, index, 1, 2], 0.0)
            integral = values.mean() * (high - low)
            expected = integral if integral >= 1e-8 else 0.0
            assert_allclose(kernel[i, j, 1, 2], expected, rtol=2e-4, atol=1e-6)


def test_diagonal_response_matches_gammapy_and_its_kernels_sum_to_one():
    true = MapAxis.from_energy_bounds("0.3 TeV", "10 TeV", nbin=31, name="energy_true")
    reco = MapAxis.from_energy_bounds("0.3 TeV", "10 TeV", nbin=31)
    edisp = EDispMap.from_diagonal_response(true)
    # gammapy 2.1: data[0, :, 0, 0] of the default migra axis, float64.
    assert edisp.edisp_map.data.dtype == np.float64
    assert_allclose(
        edisp.edisp_map.data[0, :, 0, 0],
        [1.2490009026951186e-06, 150000.00000026633, 0.0],
        rtol=1e-9,
    )
    assert edisp.exposure_map.unit == "m2 s" and not edisp.exposure_map.data.any()
    for position in ("0d 0d", "180d 0d", "0d 90d", "180d -90d"):
        kernel = edisp.get_edisp_kernel(energy_axis=reco, position=SkyCoord(position))
        assert_allclose(kernel.data.sum(axis=1)[1:-1], 1, rtol=1e-6)
    # gammapy's test_edisp_map_to_edisp_kernel_map: each reco bin spans two true bins.
    true = MapAxis.from_energy_bounds(
        "0.3 TeV", "30 TeV", nbin=10, per_decade=True, name="energy_true"
    )
    migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
    kernel_map = EDispMap.from_diagonal_response(true, migra).to_edisp_kernel_map(
        MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    )
    assert kernel_map.exposure_map.geom.axes[0].name == "energy"
    pdf = kernel_map.get_edisp_kernel(position=SkyCoord(0, 0, unit="deg")).pdf_matrix
    assert_allclose(pdf.sum(axis=0), 2.0, rtol=1e-12)


def test_from_geom_density_and_checks():
    migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
    true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    edisp = EDispMap.from_geom(WcsGeom.create(npix=2, axes=[migra, true]))
    # gammapy 2.1: bins 15..18 of the density are [0, 13.8889, 2.7778, 0] (migra = 1 is at
    # pixel 16.1667: 5/6 and 1/6 of 1 / 0.06).
    assert_allclose(edisp.edisp_map.data[0, 15:19, 0, 0], [0.0, 50 / 3.6, 10 / 3.6, 0.0])
    assert_allclose((edisp.edisp_map.data * 0.06).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="migra"):
        EDispMap.from_geom(WcsGeom.create(npix=2, axes=[true, migra]))
    with pytest.raises(TypeError, match="Map"):
        EDispMap(edisp.edisp_map.data)
    with pytest.raises(ValueError, match="EDispMap"):
        EDispKernelMap(edisp.edisp_map)
    with pytest.raises(TypeError, match="MapAxis"):
        edisp.to_edisp_kernel_map("1 TeV")


def test_stack_cutout_downsample_slice():
    true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    migra = MapAxis.from_bounds(0.2, 5, nbin=10, name="migra", node_type="edges")
    geom = WcsGeom.create(npix=4, binsz=1, axes=[migra, true])
    first, second = EDispMap.from_geom(geom), EDispMap.from_geom(geom)
    first.exposure_map.data += 1.0
    second.exposure_map.data += 3.0
    second.edisp_map.data *= 2.0
    first.stack(second)
    # Exposure-weighted mean: (1 * d + 3 * 2 d) / 4 = 1.75 d.
    assert_allclose(first.edisp_map.data, 1.75 * EDispMap.from_geom(geom).edisp_map.data)
    assert_allclose(first.exposure_map.data, 4.0)
    with pytest.raises(TypeError, match="EDispMap"):
        first.stack(
            EDispKernelMap.from_diagonal_response(
                MapAxis.from_energy_bounds(1, 10, 2, unit="TeV"), true
            )
        )
    assert first.cutout(geom.center_skydir, "2 deg", min_npix=2).edisp_map.data.shape == (
        2,
        10,
        2,
        2,
    )
    assert first.downsample(2).edisp_map.data.shape == (2, 10, 2, 2)
    assert first.slice_by_idx({"energy_true": slice(1, 2)}).exposure_map.data.shape[-2:] == (4, 4)


def test_dataset_with_migra_axis_round_trip_and_reductions(tmp_path):
    # gammapy 2.1's test_create_with_migra: write, read back, still an EDispMap.
    migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
    e_reco = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
    e_true = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3, name="energy_true")
    geom = WcsGeom.create(binsz=0.02, width=(2, 2), axes=[e_reco])
    dataset = MapDataset.create(geom=geom, energy_axis_true=e_true, migra_axis=migra)
    dataset.write(tmp_path / "test.fits")
    back = MapDataset.read(tmp_path / "test.fits")
    assert isinstance(back.edisp, EDispMap)
    assert back.edisp.edisp_map.data.shape == (3, 50, 10, 10)
    assert_allclose(back.edisp.edisp_map.data, dataset.edisp.edisp_map.data)
    # Energy reductions keep the migration densities; sky reductions cut them.
    image = dataset.to_image()
    assert image.edisp is dataset.edisp and image.mask_safe.is_mask
    assert isinstance(dataset.resample_energy_axis(e_reco.squash()).edisp, EDispMap)
    cut = dataset.cutout(geom.center_skydir, "1 deg")
    assert cut.edisp.edisp_map.data.shape[:2] == (3, 50)
    safe = dataset.mask_safe_edisp
    assert safe.is_mask and safe.data.shape == (1, 1, 10, 10)
    other = MapDataset.create(geom=geom, energy_axis_true=e_true, migra_axis=migra)
    other.exposure.data += 1.0
    other.edisp.exposure_map.data += 1.0
    dataset.stack(other)
    assert_allclose(dataset.edisp.exposure_map.data, 1.0)
    on_off = MapDatasetOnOff.create(geom, e_true, migra)
    assert isinstance(on_off.edisp, EDispMap)
    assert isinstance(on_off.to_image().edisp, EDispMap)


def test_reco_exposure_of_a_dataset_with_an_edisp_map_uses_its_kernel():
    from skymask.estimators.exposure import estimate_exposure_reco_energy

    migra = MapAxis(np.linspace(0.0, 3.0, 301), unit="", name="migra")
    e_reco = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    e_true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
    geom = WcsGeom.create(npix=3, binsz=0.2, axes=[e_reco])
    with_map = MapDataset.create(geom, energy_axis_true=e_true, migra_axis=migra)
    with_kernel = MapDataset.create(geom, energy_axis_true=e_true)
    for dataset in (with_map, with_kernel):
        dataset.exposure.data[...] = 1.0
    # A diagonal EDispMap folds like the diagonal kernel map.
    assert_allclose(
        estimate_exposure_reco_energy(with_map).data,
        estimate_exposure_reco_energy(with_kernel).data,
        rtol=1e-6,
    )
    assert isinstance(Map.from_geom(geom), Map)
