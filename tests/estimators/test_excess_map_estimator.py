"""ExcessMapEstimator: gammapy 2.1's tutorial outputs and a brute-force oracle."""

from __future__ import annotations

import functools

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal

from skymask import stats
from skymask.estimators import ExcessMapEstimator, ExcessMaps, energy_groups
from skymask.maps import Map

from .excess_dataset import REFERENCE_ARRAYS, StandInDataset

pytestmark = pytest.mark.data

FLOAT32_EPS = float(np.finfo(np.float32).eps)


# ---------------------------------------------------------------------- tutorial reference
@pytest.fixture
def tutorial_result(crab_dataset, tutorial_mask_fit):
    crab_dataset.mask_fit = tutorial_mask_fit
    return ExcessMapEstimator("0.4 deg", selection_optional=[]).run(crab_dataset)


def test_tutorial_result_layout(tutorial_result, reference):
    assert isinstance(tutorial_result, ExcessMaps)
    assert tutorial_result.available_quantities == [
        "npred",
        "npred_excess",
        "counts",
        "ts",
        "sqrt_ts",
        "norm",
        "norm_err",
    ]
    sqrt_ts = tutorial_result["sqrt_ts"].data
    assert sqrt_ts.shape == (1, 40, 50) and sqrt_ts.dtype == np.float64
    assert int(np.isnan(sqrt_ts).sum()) == 1100
    assert np.unravel_index(np.nanargmax(sqrt_ts), sqrt_ts.shape) == (0, 19, 24)
    assert_allclose(np.nanmax(sqrt_ts), 151.143231534398, rtol=1e-6)
    assert_array_equal(np.isnan(sqrt_ts), np.isnan(np.load(reference / "sqrt_ts.npy")))
    edges = tutorial_result.energy_axis.edges.to_value("TeV")
    assert_allclose(edges, [0.00999999977648258, 2.0])


@pytest.mark.parametrize("name", ["counts", "npred", "norm_err"])
def test_tutorial_reference_arrays_within_1e6(tutorial_result, reference, name):
    expected = np.load(reference / f"excess_{name}.npy")
    actual = tutorial_result[name].data
    assert_array_equal(np.isnan(actual), np.isnan(expected))
    assert_allclose(actual, expected, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name", ["npred_excess", "ts", "sqrt_ts", "norm"])
def test_tutorial_reference_arrays_up_to_float32_background(tutorial_result, reference, name):
    """gammapy stores the correlated background as float32 (~6e-8 relative). Where the excess
    nearly cancels, that rounding dominates: allow 1e-6 relative plus the change of each
    quantity when the background moves by one float32 ulp."""
    expected = np.load(reference / f"excess_{name}.npy")
    n_on = tutorial_result["counts"].data
    mu = n_on - tutorial_result["npred_excess"].data
    exposure = np.sqrt(n_on) / tutorial_result["norm_err"].data
    delta = FLOAT32_EPS * np.abs(mu)
    with np.errstate(invalid="ignore"):
        quantity = {
            "npred_excess": lambda m: n_on - m,
            "ts": lambda m: stats.cash_ts(n_on, m),
            "sqrt_ts": lambda m: stats.cash_significance(n_on, m),
            "norm": lambda m: (n_on - m) / exposure,
        }[name]
        slack = np.abs(quantity(mu + delta) - quantity(mu - delta))
    actual = tutorial_result[name].data
    assert_array_equal(np.isnan(actual), np.isnan(expected))
    inside = ~np.isnan(expected)
    error = np.abs(actual - expected)[inside]
    assert np.all(error <= 1e-6 * np.abs(expected[inside]) + slack[inside])
    # And most values are within 1e-6 relative anyway (ts: 872 of 900).
    assert np.mean(error <= 1e-6 * np.abs(expected[inside])) > 0.95


def test_tutorial_reference_with_gammapy_float32_storage_emulated(tutorial_result, reference):
    """Rounding the background sum to float32 and subtracting in float32, as gammapy does,
    reproduces every reference array within 1e-6 relative."""
    n_on = tutorial_result["counts"].data
    mu = n_on - tutorial_result["npred_excess"].data
    exposure = np.sqrt(n_on) / tutorial_result["norm_err"].data
    mu32 = mu.astype(np.float32)
    excess32 = n_on.astype(np.float32) - mu32
    with np.errstate(invalid="ignore"):
        ts = stats.cash_ts(n_on, mu32.astype(float))
        emulated = {
            "npred_excess": excess32,
            "ts": ts,
            "sqrt_ts": np.sign(excess32) * np.sqrt(ts),
            "norm": excess32 / exposure.astype(np.float32),
        }
    for name, values in emulated.items():
        expected = np.load(reference / f"excess_{name}.npy")
        assert_allclose(values, expected, rtol=1e-6, equal_nan=True, err_msg=name)


def test_tutorial_energy_part_of_mask_fit_is_irrelevant(crab_dataset, tutorial_mask_fit):
    # Counts are summed with mask_safe weights only: energy & box gives the same as box.
    estimator = ExcessMapEstimator("0.4 deg")
    crab_dataset.mask_fit = tutorial_mask_fit
    with_energy = estimator.run(crab_dataset)
    box = tutorial_mask_fit.data.any(axis=0)
    crab_dataset.mask_fit = Map.from_geom(crab_dataset.counts.geom, data=box)
    box_only = estimator.run(crab_dataset)
    for name in REFERENCE_ARRAYS:
        assert_array_equal(with_energy[name].data, box_only[name].data)


def test_methods_agree(crab_dataset):
    direct = ExcessMapEstimator("0.4 deg", energy_edges="all", method="direct").run(crab_dataset)
    fft = ExcessMapEstimator("0.4 deg", energy_edges="all", method="fft").run(crab_dataset)
    assert_array_equal(direct["counts"].data, fft["counts"].data)
    for name in REFERENCE_ARRAYS:
        assert_allclose(direct[name].data, fft[name].data, rtol=1e-10, atol=1e-10, equal_nan=True)


# ---------------------------------------------------------------------- brute-force oracle
@functools.lru_cache(maxsize=1)
def _gc_raw(path):
    """The arrays of the Galactic-centre file, read with astropy only."""
    with fits.open(path) as hdulist:
        counts = hdulist["COUNTS"].data.astype(float)
        background = hdulist["BACKGROUND"].data.astype(float)
        exposure = hdulist["EXPOSURE"].data.astype(float)  # cm2 s, true energy
        safe = hdulist["MASK_SAFE"].data.astype(bool)
        bands = hdulist["EXPOSURE_BANDS"].data
        true_low = bands["ENERGY_TRUE_MIN"].astype(float) / 1e6  # MeV -> TeV
        true_high = bands["ENERGY_TRUE_MAX"].astype(float) / 1e6
        table = hdulist["EDISP"].data
        order = np.argsort(table["CHANNEL"])
        edisp = table["DATA"][order].astype(float).reshape(12, 11)  # (true, reco)
    return counts, background, exposure, safe, true_low, true_high, edisp


def _shifted_sum(images, offsets):
    """sum over offsets of images[y + dy, x + dx], zero outside, by explicit slicing."""
    _, ny, nx = images.shape
    out = np.zeros(images.shape)
    for dy, dx in offsets:
        out[:, max(0, -dy) : ny - max(0, dy), max(0, -dx) : nx - max(0, dx)] += images[
            :, max(0, dy) : ny - max(0, -dy), max(0, dx) : nx - max(0, -dx)
        ]
    return out


def brute_force(path, radius_pix, groups, fit=None):
    counts, background, exposure, safe, true_low, true_high, edisp = _gc_raw(path)
    # Power law of index 2, 1e-12 cm-2 s-1 TeV-1 at 1 TeV: integral = 1e-12 (1/E1 - 1/E2) TeV.
    flux = 1e-12 * (1 / true_low - 1 / true_high)
    reco_exposure = np.einsum("tr,tyx->ryx", edisp, exposure * flux[:, None, None])
    group = lambda data, f: np.stack([f(data[a:b], axis=0) for a, b in groups])  # noqa: E731
    counts_g = group(counts * safe, np.sum)
    background_g = group(background * safe, np.sum)
    exposure_g = group(reco_exposure * safe, np.sum)
    mask = group(safe, np.any)
    if fit is not None:
        mask &= group(fit, np.any)
    r = int(radius_pix)
    offsets = [
        (dy, dx)
        for dy in range(-r, r + 1)
        for dx in range(-r, r + 1)
        if dy * dy + dx * dx <= radius_pix**2
    ]
    n_on = _shifted_sum(counts_g * mask, offsets)
    mu = _shifted_sum(background_g * mask, offsets)
    n_mask = _shifted_sum(mask.astype(float), offsets)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_exposure = _shifted_sum(exposure_g, offsets) / n_mask
        ts = np.where(n_on > 0, 2 * (n_on * np.log(n_on / mu) - (n_on - mu)), 2 * mu)
        result = {
            "counts": n_on,
            "npred": n_on,
            "npred_excess": n_on - mu,
            "ts": ts,
            "sqrt_ts": np.sign(n_on - mu) * np.sqrt(ts),
            "norm": (n_on - mu) / mean_exposure,
            "norm_err": np.sqrt(n_on) / mean_exposure,
        }
    return {name: np.where(mask, values, np.nan) for name, values in result.items()}


@pytest.mark.parametrize("energy_edges", [None, "all"])
@pytest.mark.parametrize("with_fit", [False, True])
def test_gc_against_brute_force(gc_dataset, gc_dataset_file, energy_edges, with_fit):
    fit = None
    if with_fit:
        fit = np.zeros(gc_dataset.counts.data.shape, dtype=bool)
        fit[2:9, 20:180, 50:350] = True
        gc_dataset.mask_fit = Map.from_geom(gc_dataset.counts.geom, data=fit)
    # 0.3 deg on 0.05 deg pixels: radius 6 pixels, 113 offsets.
    result = ExcessMapEstimator("0.3 deg", energy_edges=energy_edges).run(gc_dataset)
    groups = [(0, 11)] if energy_edges is None else [(i, i + 1) for i in range(11)]
    expected = brute_force(gc_dataset_file, 6, groups, fit)
    assert result["counts"].data.shape == (len(groups), 200, 400)
    for name, values in expected.items():
        actual = result[name].data
        assert_array_equal(np.isnan(actual), np.isnan(values), err_msg=name)
        if name in ("counts", "npred"):
            assert_array_equal(actual, values)
        elif name == "sqrt_ts":
            assert_allclose(actual, values, rtol=1e-9, atol=1e-6, equal_nan=True)
        elif name == "ts":
            assert_allclose(actual, values, rtol=1e-9, atol=1e-11, equal_nan=True)
        else:
            # The oracle takes the true-energy edges from the float32 MIN/MAX columns.
            assert_allclose(actual, values, rtol=1e-6, atol=1e-12, equal_nan=True, err_msg=name)


def test_gc_optional_maps(gc_dataset):
    result = ExcessMapEstimator("0.2 deg", selection_optional="all").run(gc_dataset)
    n_on = result["counts"].data
    inside = ~np.isnan(n_on) & (n_on > 0)
    exposure = np.full(n_on.shape, np.nan)
    exposure[inside] = np.sqrt(n_on[inside]) / result["norm_err"].data[inside]
    assert_allclose(
        result["norm_errn"].data[inside] * exposure[inside], stats.cash_errn(n_on[inside])
    )
    assert_allclose(
        result["norm_errp"].data[inside] * exposure[inside], stats.cash_errp(n_on[inside])
    )
    mu = n_on - result["npred_excess"].data
    ul = stats.cash_upper_limit(n_on[inside], mu[inside], 2.0)
    assert_allclose(result["norm_ul"].data[inside] * exposure[inside], ul)
    assert "norm_sensitivity" in result and "alpha" not in result


# ---------------------------------------------------------------------- behaviour
def test_energy_groups_snap_in_log_pixel_space(crab_dataset):
    axis = crab_dataset.counts.geom.axes["energy"]
    assert energy_groups(axis) == [(0, 5)]
    assert energy_groups(axis, "all") == [(i, i + 1) for i in range(5)]
    assert energy_groups(axis, [10, 100, 2000] * u.GeV) == [(0, 2), (2, 5)]
    assert energy_groups(axis, ["30 GeV", "1 TeV"]) == [(1, 4)]
    result = ExcessMapEstimator("0.4 deg", energy_edges=[10, 100, 2000] * u.GeV).run(crab_dataset)
    assert_allclose(result.energy_axis.edges.to_value("GeV"), [10, 83.25532, 2000], rtol=1e-6)
    with pytest.raises(ValueError, match="snap to the same edge"):
        energy_groups(axis, [11, 12] * u.GeV)


def test_per_bin_sums_to_counts_of_the_default(crab_dataset):
    per_bin = ExcessMapEstimator("0.4 deg", energy_edges="all").run(crab_dataset)
    total = ExcessMapEstimator("0.4 deg").run(crab_dataset)
    assert per_bin["counts"].data.shape == (5, 40, 50)
    # Same mask in every bin (mask_safe is constant in energy): the sums add up.
    assert_allclose(per_bin["counts"].data.sum(axis=0), total["counts"].data[0], equal_nan=True)
    assert_allclose(
        per_bin["npred_excess"].data.sum(axis=0), total["npred_excess"].data[0], equal_nan=True
    )


def test_no_masks_no_exposure_gives_counts_norm():
    from skymask.maps import MapAxis, WcsGeom

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(20, 10), binsz=0.1, axes=[axis])
    counts = Map.from_geom(geom, data=np.full(geom.data_shape, 2.0))
    background = Map.from_geom(geom, data=np.full(geom.data_shape, 1.0))
    result = ExcessMapEstimator("0.1 deg").run(StandInDataset(counts, background))
    assert not np.isnan(result["sqrt_ts"].data).any()
    # Interior pixel: 5 pixels, 2 bins: n_on = 20, mu = 10.
    assert result["counts"].data[0, 5, 10] == 20.0
    assert_allclose(result["norm"].data, result["npred_excess"].data)
    assert_allclose(result["ts"].data[0, 5, 10], 2 * (20 * np.log(2) - 10))


def test_non_integer_counts_are_not_rounded():
    from skymask.maps import MapAxis, WcsGeom

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    geom = WcsGeom.create(npix=(30, 30), binsz=0.1, axes=[axis])
    counts = Map.from_geom(geom, data=np.full(geom.data_shape, 0.25))
    background = Map.from_geom(geom, data=np.full(geom.data_shape, 0.1))
    for method in ("direct", "fft"):
        estimator = ExcessMapEstimator("0.1 deg", method=method)
        result = estimator.run(StandInDataset(counts, background))
        assert_allclose(result["counts"].data[0, 15, 15], 1.25)


def test_selection_optional_all_in_a_list_means_every_optional_map():
    # gammapy's setter tests `"all" in selection`: the string and a list holding it both
    # select every optional map (its _available_selection_optional, pasted from gammapy 2.1).
    available = ["errn-errp", "ul", "sensitivity", "alpha", "acceptance_on", "acceptance_off"]
    assert ExcessMapEstimator(selection_optional="all").selection_optional == available
    assert ExcessMapEstimator(selection_optional=["all"]).selection_optional == available


def test_invalid_settings():
    with pytest.raises(ValueError, match="unknown entries"):
        ExcessMapEstimator(selection_optional=["errn-errp", "flux"])
    with pytest.raises(ValueError, match="energy_edges"):
        ExcessMapEstimator(energy_edges="each")
    with pytest.raises(ValueError, match="n_sigma must be a positive"):
        ExcessMapEstimator(n_sigma=0)
    with pytest.raises(ValueError, match="correlation_radius"):
        ExcessMapEstimator("-0.1 deg")
    with pytest.raises(TypeError, match="spectral_model"):
        ExcessMapEstimator(spectral_model="pl")
    assert ExcessMapEstimator(selection_optional="all").selection_optional[:3] == [
        "errn-errp",
        "ul",
        "sensitivity",
    ]


def test_selection_all_in_a_list_is_accepted_as_every_optional_map():
    # gammapy 2.1: ["all"], "all" and ["all", "errn-errp"] all give this list.
    gammapy_all = ["errn-errp", "ul", "sensitivity", "alpha", "acceptance_on", "acceptance_off"]
    for selection in (["all"], "all", ("all",), ["all", "errn-errp"]):
        assert ExcessMapEstimator(selection_optional=selection).selection_optional == gammapy_all
    assert ExcessMapEstimator(selection_optional="ul").selection_optional == ["ul"]
    assert ExcessMapEstimator(selection_optional=None).selection_optional == []
    with pytest.raises(ValueError, match=r"unknown entries \['everything'\]"):
        ExcessMapEstimator(selection_optional=["all", "everything"])


def test_unknown_result_name(tutorial_result):
    with pytest.raises(KeyError, match="available"):
        tutorial_result["fluxx"]
    with pytest.raises(KeyError, match="selection_optional"):
        tutorial_result["npred_excess_ul"]  # norm_ul was not selected
    with pytest.raises(AttributeError, match="available"):
        _ = tutorial_result.norm_ul


def test_invalid_datasets(crab_dataset):
    estimator = ExcessMapEstimator("0.4 deg")
    bad = StandInDataset(crab_dataset.counts, crab_dataset.background)
    bad.counts = crab_dataset.counts.copy()
    bad.counts.data[2, 20, 20] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        estimator.run(bad)
    bad.counts.data[2, 20, 20] = -1000
    with pytest.raises(ValueError, match=">= 0"):
        estimator.run(bad)
    bad.counts = crab_dataset.counts
    with pytest.raises(TypeError, match="boolean"):  # refused by the MapDataset setter
        bad.mask_safe = crab_dataset.background
    bad.mask_safe = None
    bad.counts_off = crab_dataset.counts  # an on-off dataset without acceptances
    with pytest.raises(ValueError, match=r"dataset\.acceptance must be a map"):
        estimator.run(bad)


def test_kernel_radius_is_rounded_on_the_grid():
    from skymask.maps import WcsGeom

    geom = WcsGeom.create(npix=(40, 40), binsz=0.1)
    # gammapy 2.1 drops the (3, 0) pixels here (25 instead of 29): 0.3/0.1 < 3 in floats.
    assert int(ExcessMapEstimator("0.3 deg").estimate_kernel(geom).sum()) == 29
    assert int(ExcessMapEstimator("0.4 deg").estimate_kernel(geom).sum()) == 49


def test_sensitivity_and_its_threshold(crab_dataset):
    kwargs = {"selection_optional": ["sensitivity"], "energy_edges": "all"}
    plain = ExcessMapEstimator("0.4 deg", **kwargs).run(crab_dataset)
    limited = ExcessMapEstimator("0.4 deg", apply_threshold_sensitivity=True, **kwargs).run(
        crab_dataset
    )
    n_on = plain["counts"].data
    mu = n_on - plain["npred_excess"].data
    inside = ~np.isnan(n_on) & (n_on > 0)
    exposure = np.sqrt(n_on[inside]) / plain["norm_err"].data[inside]
    excess = plain["norm_sensitivity"].data[inside] * exposure
    # The excess that makes the Cash significance over the correlated background 5 sigma.
    assert_allclose(stats.cash_significance(mu[inside] + excess, mu[inside]), 5.0, rtol=1e-9)
    # At least 10 counts and 5 % of the correlated background.
    floor = np.maximum(np.maximum(excess, 10.0), 0.05 * mu[inside])
    assert_allclose(limited["norm_sensitivity"].data[inside] * exposure, floor, rtol=1e-12)


def test_estimate_kernel_accepts_a_dataset(crab_dataset):
    estimator = ExcessMapEstimator("0.4 deg")
    assert_array_equal(
        estimator.estimate_kernel(crab_dataset), estimator.estimate_kernel(crab_dataset.counts.geom)
    )


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_whole_plane_statistics_equal_the_masked_pixels_path(monkeypatch, method):
    # oracle: the path that computes the statistics on the mask's pixels only; the whole-plane
    # path (taken when most pixels are in the mask) must give the same numbers bit for bit,
    # NaN outside the mask, for every optional output
    from skymask.estimators import _core
    from skymask.kernels.footprint import disk_footprint

    rng = np.random.default_rng(23)
    shape = (2, 40, 50)
    counts = rng.poisson(2.0, shape).astype(float)
    npred = rng.uniform(0.0, 3.0, shape)
    npred[0, 5:9, 5:9] = 0.0  # no background there
    mask = np.ones(shape, bool)
    mask[:, :, :6] = False
    mask[1, 20:40, 30:] = False
    exposure = rng.uniform(1e3, 2e3, shape)
    options = dict(selection=("errn-errp", "ul", "sensitivity"), method=method)
    options["sensitivity_threshold"] = (10.0, 0.05)
    monkeypatch.setattr(_core, "_DENSE_FRACTION", 2.0)  # never whole planes
    expected = _core.excess_statistics(
        counts, npred, mask, disk_footprint(3.0), exposure, **options
    )
    monkeypatch.setattr(_core, "_DENSE_FRACTION", 0.0)  # always whole planes
    actual = _core.excess_statistics(counts, npred, mask, disk_footprint(3.0), exposure, **options)
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert_array_equal(actual[name], expected[name])
        assert np.isnan(actual[name][~mask]).all()
