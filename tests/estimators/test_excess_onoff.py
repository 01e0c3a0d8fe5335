"""ExcessMapEstimator on on-off datasets (WStat), issue 15 item 2.

Oracles: gammapy 2.1's output on the Galactic Centre ring background
(tests/data/gammapy_references/gc_ring_background.npz, made by
scripts/make_gammapy_references.py, see references.json for the recipe) and a brute-force
per-pixel evaluation of gammapy's definitions.
"""

from __future__ import annotations

from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.datasets import MapDataset, MapDatasetOnOff
from skymask.estimators import ExcessMapEstimator
from skymask.makers import RingBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.stats import li_ma_significance, wstat

REFERENCE = Path(__file__).parents[1] / "data" / "gammapy_references" / "gc_ring_background.npz"


def _gc_geom():
    # references.json "geometry": 400 x 200 CAR galactic pixels of 0.05 deg, one energy bin.
    axis = MapAxis.from_energy_edges([0.01, 2.0] * u.TeV)
    return WcsGeom.create(
        npix=(400, 200), binsz=0.05, frame="galactic", proj="CAR", skydir=(0, 0), axes=[axis]
    )


@pytest.fixture(scope="module")
def reference():
    return np.load(REFERENCE)


def test_gc_ring_output_gives_gammapys_significance(reference):
    geom = _gc_geom()

    def m(key):
        return Map.from_geom(geom, data=reference[key].astype(float))

    on_off = MapDatasetOnOff(
        counts=m("counts"),
        counts_off=m("counts_off"),
        acceptance=m("acceptance"),
        acceptance_off=m("acceptance_off"),
        mask_safe=Map.from_geom(geom, data=reference["mask_safe"]),
    )
    result = ExcessMapEstimator("0.1 deg", selection_optional=["alpha"]).run(on_off)
    sqrt_ts = result["sqrt_ts"].data
    assert_allclose(sqrt_ts, reference["excess_sqrt_ts"], rtol=0, atol=1e-9)
    assert np.nanmax(sqrt_ts) == pytest.approx(27.013313579965043, abs=1e-9)
    assert np.unravel_index(np.nanargmax(sqrt_ts), sqrt_ts.shape) == (0, 99, 200)
    assert_allclose(result["alpha"].data, reference["excess_alpha"], rtol=1e-7)
    assert_allclose(result["npred_excess"].data, reference["excess_npred_excess"], rtol=1e-6)
    assert_allclose(result["npred"].data, reference["excess_npred"])
    assert_allclose(
        result["npred_background"].data, reference["excess_npred_background"], rtol=1e-6
    )


@pytest.mark.data
def test_gc_ring_background_made_by_skymask_is_within_1e6_of_gammapy(reference):
    counts = Map.read("$GAMMAPY_DATA/fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz")
    background = Map.read("$GAMMAPY_DATA/fermi-3fhl-gc/fermi-3fhl-gc-background-cube.fits.gz")
    geom = counts.geom.squash("energy")
    # gammapy's dataset.to_image(): the planes summed in float64 (references.json "build").
    image = MapDataset(
        counts=Map.from_geom(geom, data=counts.data.sum(axis=0, keepdims=True).astype(float)),
        background=Map.from_geom(
            geom, data=background.data.astype(float).sum(axis=0, keepdims=True)
        ),
        mask_safe=Map.from_geom(geom, data=True),
        name="fermi-3fhl-gc",
    )
    exclusion = Map.from_geom(geom.to_image(), data=reference["exclusion_mask"])
    on_off = RingBackgroundMaker("0.5 deg", "0.3 deg", exclusion_mask=exclusion).run(image)
    result = ExcessMapEstimator("0.1 deg").run(on_off)
    assert_allclose(result["sqrt_ts"].data, reference["excess_sqrt_ts"], rtol=0, atol=1e-6)
    # The same map through the dataset's shortcut (one implementation).
    assert_allclose(on_off.li_ma_significance("0.1 deg").data, result["sqrt_ts"].data)


def _brute_force(counts, off, acc, acc_off, mask, radius):
    """gammapy's definitions, pixel by pixel with explicit loops over the disk."""
    ny, nx = counts.shape
    out = np.full((ny, nx), np.nan)
    background = np.where(acc_off > 0, acc / np.where(acc_off > 0, acc_off, 1) * off, 0.0)
    for y in range(ny):
        for x in range(nx):
            if not mask[y, x]:
                continue
            n_on = n_off = b = 0.0
            for yy in range(ny):
                for xx in range(nx):
                    if (yy - y) ** 2 + (xx - x) ** 2 <= radius**2 and mask[yy, xx]:
                        n_on += counts[yy, xx]
                        n_off += off[yy, xx]
                        b += background[yy, xx]
            alpha = np.float32(b) / np.float32(n_off)
            excess = n_on - alpha * n_off
            ts = wstat(n_on, n_off, alpha, 0) - wstat(n_on, n_off, alpha, excess)
            out[y, x] = np.sign(excess) * np.sqrt(max(ts, 0))
    return out


def test_alpha_is_the_off_weighted_mean_not_the_ratio_of_sums():
    rng = np.random.default_rng(3)
    ny, nx = 9, 11
    counts = rng.poisson(6, (ny, nx)).astype(float)
    off = rng.poisson(40, (ny, nx)).astype(float)
    acc = np.ones((ny, nx))
    acc_off = rng.uniform(5, 20, (ny, nx))
    acc_off[4, 4] = 0.0  # no OFF acceptance: background 0 there, as gammapy
    mask = np.ones((ny, nx), bool)
    mask[0, :3] = False
    axis = MapAxis.from_energy_edges([1, 10] * u.TeV)
    geom = WcsGeom.create(npix=(nx, ny), binsz=0.1, axes=[axis])

    def m(a):
        return Map.from_geom(geom, data=a[np.newaxis])

    on_off = MapDatasetOnOff(m(counts), m(off), m(acc), m(acc_off), mask_safe=m(mask))
    result = ExcessMapEstimator("0.2 deg", method="direct").run(on_off)
    expected = _brute_force(counts, off, acc, acc_off, mask, 2)
    assert_allclose(result["sqrt_ts"].data[0], expected, rtol=1e-10, atol=1e-12)
    # alpha as the ratio of summed acceptances (skymask's former li_ma_significance) gives
    # another significance next to the pixel without OFF acceptance.
    yy, xx = np.mgrid[:ny, :nx]
    disk = ((yy - 5) ** 2 + (xx - 5) ** 2 <= 4) & mask
    ratio = acc[disk].sum() / acc_off[disk].sum()
    old = li_ma_significance(counts[disk].sum(), off[disk].sum(), ratio)
    assert abs(result["sqrt_ts"].data[0, 5, 5] - float(old)) > 0.05


def test_on_off_image_without_energy_axis_and_optional_maps():
    geom = WcsGeom.create(npix=5, binsz=0.1)
    on_off = MapDatasetOnOff(
        counts=Map.from_geom(geom, data=10.0),
        counts_off=Map.from_geom(geom, data=20.0),
        acceptance=Map.from_geom(geom, data=1.0),
        acceptance_off=Map.from_geom(geom, data=4.0),
    )
    result = ExcessMapEstimator("0 deg", selection_optional="all").run(on_off)
    assert result["sqrt_ts"].geom.data_shape == (5, 5)
    # One pixel: Li & Ma (1983) eq. 17 for (10, 20, 0.25).
    assert_allclose(result["sqrt_ts"].data, float(li_ma_significance(10, 20, 0.25)), rtol=1e-12)
    for name in ("norm_errn", "norm_errp", "norm_ul", "norm_sensitivity", "alpha"):
        assert np.all(np.isfinite(result[name].data)), name
    assert_allclose(result["acceptance_off"].data, 4.0)


def test_correlate_off_false_keeps_the_pixel_off_counts():
    # gammapy's test_excess_map_estimator_map_dataset_on_off_no_correlation, built without
    # MapDatasetOnOff.create: counts 2, counts_off 1, acceptances 1, two bins, first selected.
    axis = MapAxis.from_energy_bounds(0.1, 10, 2, unit="TeV")
    geom = WcsGeom.create(npix=20, binsz=0.02, axes=[axis])
    on_off = MapDatasetOnOff(
        counts=Map.from_geom(geom, data=2.0),
        counts_off=Map.from_geom(geom, data=1.0),
        acceptance=Map.from_geom(geom, data=1.0),
        acceptance_off=Map.from_geom(geom, data=1.0),
        mask_safe=Map.from_geom(geom, data=True),
    )
    estimator = ExcessMapEstimator(0.11 * u.deg, energy_edges=[0.1, 1] * u.TeV, correlate_off=False)
    result = estimator.run(on_off)
    assert result.npred.data.shape == (1, 20, 20)
    assert result.npred.data[0, 10, 10] == 194  # gammapy 2.1
    assert_allclose(result.npred_excess.data[0, 10, 10], 97)
    assert_allclose(result.sqrt_ts.data[0, 10, 10], 0.780125, atol=1e-3)
    correlated = ExcessMapEstimator(0.11 * u.deg, energy_edges=[0.1, 1, 10] * u.TeV)
    result = correlated.run(on_off)
    assert_allclose(result.sqrt_ts.data[:, 10, 10], 5.741116, atol=1e-5)  # gammapy 2.1


def test_on_off_flux_next_to_mask_fit_sums_the_exposure_over_the_whole_top_hat():
    # gammapy's conv(exposure) / conv(mask) for on-off datasets too (as for MapDataset): the
    # exposure under the top-hat is summed over mask_fit holes, the pixel count is not.
    axis = MapAxis.from_energy_bounds(0.1, 10, 2, unit="TeV")
    geom = WcsGeom.create(npix=(12, 10), binsz=0.02, axes=[axis])
    yy, xx = np.mgrid[:10, :12]
    exposure = np.broadcast_to(1e3 * (1 + xx + 2 * yy), (2, 10, 12)).astype(float)
    mask_fit = Map.from_geom(geom, data=True, dtype=bool)
    mask_fit.data[:, 3:6, 4:6] = False
    on_off = MapDatasetOnOff(
        counts=Map.from_geom(geom, data=3.0),
        counts_off=Map.from_geom(geom, data=2.0),
        acceptance=Map.from_geom(geom, data=1.0),
        acceptance_off=Map.from_geom(geom, data=2.0),
        exposure=Map.from_geom(
            geom.to_image().to_cube([axis.copy(name="energy_true")]), data=exposure, unit="m2 s"
        ),
        mask_fit=mask_fit,
        mask_safe=Map.from_geom(geom, data=True, dtype=bool),
    )
    result = ExcessMapEstimator(0.05 * u.deg).run(on_off)
    assert result["flux"].unit == "cm-2 s-1"
    # gammapy 2.1 on the same dataset (float32 maps there, hence rtol 1e-7).
    assert_allclose(result["flux"].data[0, 2, 3], 7.714285734374999e-07, rtol=1e-7)
    assert_allclose(result["flux"].data[0, 6, 6], 3.248120390624999e-07, rtol=1e-7)
    assert_allclose(result["flux"].data[0, 4, 8], 4.941176624999999e-07, rtol=1e-7)
    assert np.isnan(result["flux"].data[0, 4, 4])  # inside the mask_fit hole
