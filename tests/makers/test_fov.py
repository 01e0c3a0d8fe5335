"""FoVBackgroundMaker: scale and fit norms, exclusion handling, masks untouched, failures."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from scipy.special import lambertw

from skymask import stats
from skymask.datasets import MapDataset
from skymask.makers import BackgroundNormWarning, FoVBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.utils.exceptions import SkymaskWarning

from .oracles import nearest_lookup

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
# gammapy 2.1 FoVBackgroundMaker(method="scale", exclusion_mask=<exclusion_combined.npy on the
# 250 x 250 0.02 deg tutorial geometry>).run(<Fermi-LAT 3FHL Crab dataset>), measured with
# scripts/check_fov_gammapy.py: norm 2.4201769639508695 +- 0.0956658943344496, and with the
# tutorial's mask_fit (energy 10-700 GeV & 3 x 3 deg box) 3.241422052911803 +- 0.3435900504292374.
# gammapy's method="fit" (iminuit) gives 2.419417850371642 +- 0.09563585859501013.
GAMMAPY_SCALE_NORM = 2.4201769639508695
GAMMAPY_SCALE_ERROR = 0.0956658943344496
GAMMAPY_SCALE_NORM_MASK_FIT = 3.241422052911803


@pytest.fixture(scope="module")
def _crab(crab_dataset_file):
    return MapDataset.read(crab_dataset_file, name="Fermi-LAT")


@pytest.fixture
def crab(_crab):
    """A fresh copy of the tutorial dataset (the tests must not share changes)."""
    return MapDataset(
        counts=_crab.counts.copy(),
        background=_crab.background.copy(),
        exposure=_crab.exposure.copy(),
        mask_safe=_crab.mask_safe.copy(),
        name=_crab.name,
    )


@pytest.fixture(scope="module")
def tutorial_exclusion(reference):
    geom = WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")
    return Map.from_geom(geom, data=np.load(reference / "exclusion_combined.npy"))


def _independent_norm(dataset, exclusion_image, mask_fit=None):
    allowed = dataset.mask_safe.data & exclusion_image[np.newaxis]
    if mask_fit is not None:
        allowed = allowed & mask_fit
    allowed &= np.isfinite(dataset.background.data)
    n = dataset.counts.data[allowed].astype(float).sum()
    b = dataset.background.data[allowed].sum()
    return n / b, np.sqrt(n) / b


@pytest.mark.data
def test_scale_norm_on_the_tutorial_dataset(crab, tutorial_exclusion):
    exclusion = nearest_lookup(
        tutorial_exclusion.data, tutorial_exclusion.geom, crab.counts.geom.to_image(), False
    )
    expected, expected_error = _independent_norm(crab, exclusion)
    safe_before = crab.mask_safe.data.copy()
    background_before = crab.background.data.copy()

    result = FoVBackgroundMaker(method="scale", exclusion_mask=tutorial_exclusion).run(crab)

    assert result.meta["BKG_NORM"] == pytest.approx(expected, rel=1e-12)
    assert result.meta["BKG_ERR"] == pytest.approx(expected_error, rel=1e-12)
    assert result.meta["BKG_NORM"] == pytest.approx(GAMMAPY_SCALE_NORM, rel=1e-12)
    assert result.meta["BKG_ERR"] == pytest.approx(GAMMAPY_SCALE_ERROR, rel=1e-12)
    assert result.meta["BKG_METH"] == "scale" and result.meta["BKG_OK"] is True
    # The returned dataset carries the norm in its background model (gammapy's place), the
    # template unchanged, npred_background() scaled, and the input's masks.
    bkg_model = result.background_model
    assert bkg_model.name == f"{crab.name}-bkg"
    assert bkg_model.spectral_model.norm.value == pytest.approx(GAMMAPY_SCALE_NORM, rel=1e-12)
    assert bkg_model.spectral_model.norm.error == pytest.approx(GAMMAPY_SCALE_ERROR, rel=1e-12)
    np.testing.assert_array_equal(result.background.data, background_before)
    np.testing.assert_allclose(
        result.npred_background().data, expected * background_before, rtol=1e-12
    )
    np.testing.assert_array_equal(result.mask_safe.data, safe_before)
    assert result.mask_fit is None
    # The input is left as it was.
    assert result is not crab
    np.testing.assert_array_equal(crab.mask_safe.data, safe_before)
    np.testing.assert_array_equal(crab.background.data, background_before)
    assert crab.mask_fit is None and "BKG_NORM" not in crab.meta


@pytest.mark.data
def test_scale_norm_with_the_tutorial_mask_fit(crab, tutorial_exclusion, reference):
    mask_fit = np.load(reference / "mask_fit_combined.npy")
    crab.mask_fit = Map.from_geom(crab.counts.geom, data=mask_fit.copy())
    fit_object = crab.mask_fit
    exclusion = nearest_lookup(
        tutorial_exclusion.data, tutorial_exclusion.geom, crab.counts.geom.to_image(), False
    )
    expected, _ = _independent_norm(crab, exclusion, mask_fit)
    result = FoVBackgroundMaker("scale", tutorial_exclusion).run(crab)
    assert result.meta["BKG_NORM"] == pytest.approx(expected, rel=1e-12)
    assert result.meta["BKG_NORM"] == pytest.approx(GAMMAPY_SCALE_NORM_MASK_FIT, rel=1e-12)
    assert crab.mask_fit is fit_object
    np.testing.assert_array_equal(crab.mask_fit.data, mask_fit)
    np.testing.assert_array_equal(result.mask_fit.data, mask_fit)


@pytest.mark.data
def test_norm_survives_a_write_read_cycle(crab, tutorial_exclusion, tmp_path):
    result = FoVBackgroundMaker("fit", tutorial_exclusion).run(crab)
    result.write(tmp_path / "normed.fits")
    back = MapDataset.read(tmp_path / "normed.fits")
    for key in ("BKG_NORM", "BKG_ERR", "BKG_ERRN", "BKG_ERRP", "BKG_METH", "BKG_OK"):
        assert back.meta[key] == result.meta[key]


# ---------------------------------------------------------------------- synthetic
def _synthetic(seed=3, zero_background_counts=0.0):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(30, 20), binsz=0.1, axes=[axis])
    rng = np.random.default_rng(seed)
    background = rng.uniform(0.5, 3.0, geom.data_shape)
    dataset = MapDataset.create(geom, background=background)
    dataset.counts.data = rng.poisson(1.3 * background).astype(np.float32)
    if zero_background_counts:
        dataset.background.data[:, 0, :] = 0.0
        dataset.counts.data[:, 0, :] = zero_background_counts
    return dataset


def test_fit_norm_is_the_likelihood_maximum_with_analytic_errors():
    dataset = _synthetic()
    result = FoVBackgroundMaker(method="fit").run(dataset)
    n = dataset.counts.data.astype(float)
    b = dataset.background.data
    n_total, b_total = n.sum(), b.sum()
    norm = result.meta["BKG_NORM"]
    # Single scale factor: the ML norm is the "scale" norm N / B.
    assert norm == pytest.approx(n_total / b_total, rel=1e-12)
    scale = FoVBackgroundMaker(method="scale").run(dataset)
    assert scale.meta["BKG_NORM"] == pytest.approx(norm, rel=1e-12)

    def total_cash(value):
        return float(stats.cash(n, value * b).sum())

    step = 1e-3 * norm
    assert total_cash(norm) < total_cash(norm - step)
    assert total_cash(norm) < total_cash(norm + step)
    # Error from the curvature: sigma^2 = 2 / C''(norm) = norm^2 / N.
    curvature = (total_cash(norm + step) - 2 * total_cash(norm) + total_cash(norm - step)) / step**2
    assert result.meta["BKG_ERR"] == pytest.approx(np.sqrt(2 / curvature), rel=1e-4)
    assert result.meta["BKG_ERR"] == pytest.approx(np.sqrt(n_total) / b_total, rel=1e-12)
    # Profile errors: C(norm t) - C(norm) = 2 N (t - 1 - ln t) = 1, solved with Lambert W.
    z = -np.exp(-1.0 - 1.0 / (2.0 * n_total))
    t_low = -lambertw(z, 0).real
    t_high = -lambertw(z, -1).real
    assert result.meta["BKG_ERRN"] == pytest.approx(norm * (1 - t_low), rel=1e-9)
    assert result.meta["BKG_ERRP"] == pytest.approx(norm * (t_high - 1), rel=1e-9)
    assert total_cash(norm * t_high) - total_cash(norm) == pytest.approx(1.0, rel=1e-6)


def test_fit_ignores_counts_that_no_background_can_explain():
    dataset = _synthetic(zero_background_counts=4.0)
    fit = FoVBackgroundMaker(method="fit").estimate_norm(dataset)
    scale = FoVBackgroundMaker(method="scale").estimate_norm(dataset)
    modelled = dataset.background.data > 0
    n = dataset.counts.data.astype(float)
    b_total = dataset.background.data.sum()
    assert fit.value == pytest.approx(n[modelled].sum() / b_total, rel=1e-12)
    assert scale.value == pytest.approx(n.sum() / b_total, rel=1e-12)
    assert scale.value > fit.value


def test_exclusion_fill_value_outside_the_mask_footprint():
    dataset = _synthetic()
    geom = dataset.counts.geom
    # The exclusion mask covers the left half of the dataset only, and excludes nothing.
    half = WcsGeom.create(npix=(15, 20), binsz=0.1, refpix=(15.5, 10.5))
    exclusion = Map.from_geom(half, data=True)
    covered = nearest_lookup(exclusion.data, half, geom.to_image(), False)
    assert 0 < covered.sum() < covered.size
    n = dataset.counts.data.astype(float)
    b = dataset.background.data
    outside_excluded = FoVBackgroundMaker(exclusion_mask=exclusion).estimate_norm(dataset)
    assert outside_excluded.value == pytest.approx(n[:, covered].sum() / b[:, covered].sum())
    assert outside_excluded.n_pixels == 3 * covered.sum()
    outside_free = FoVBackgroundMaker(exclusion_mask=exclusion, fill_value=True)
    assert outside_free.estimate_norm(dataset).value == pytest.approx(n.sum() / b.sum())


@pytest.mark.parametrize("method", ["scale", "fit"])
def test_undeterminable_norm_warns_and_marks_the_dataset_unusable(method):
    dataset = _synthetic()
    everything_excluded = Map.from_geom(dataset.counts.geom.to_image(), data=False)
    maker = FoVBackgroundMaker(method=method, exclusion_mask=everything_excluded)
    with pytest.warns(BackgroundNormWarning, match="only 0 background counts"):
        result = maker.run(dataset)
    assert issubclass(BackgroundNormWarning, SkymaskWarning)
    assert not result.mask_safe.data.any()
    assert dataset.mask_safe.data.all()  # the input is untouched
    assert result.meta["BKG_OK"] is False and "BKG_NORM" not in result.meta
    np.testing.assert_array_equal(result.npred_background().data, dataset.background.data)
    assert result.background_model.spectral_model.norm.value == 1.0

    no_counts = _synthetic()
    no_counts.counts.data[...] = 0
    with pytest.warns(BackgroundNormWarning, match="only 0 counts"):
        FoVBackgroundMaker(method=method).run(no_counts)


def test_min_counts_requirement():
    dataset = _synthetic()
    n_total = float(dataset.counts.data.sum())
    with pytest.warns(BackgroundNormWarning, match="need more than"):
        FoVBackgroundMaker(min_counts=n_total).run(dataset)
    assert FoVBackgroundMaker(min_counts=n_total - 1).estimate_norm(dataset).success


def test_invalid_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        FoVBackgroundMaker(method="fitt")
    geom = WcsGeom.create(npix=3)
    with pytest.raises(TypeError, match="boolean map"):
        FoVBackgroundMaker(exclusion_mask=Map.from_geom(geom, data=1.0))
    with pytest.raises(TypeError, match="True or False"):
        FoVBackgroundMaker(fill_value=0)
    with pytest.raises(TypeError, match="MapDataset"):
        FoVBackgroundMaker().run("dataset")
    dataset = _synthetic()
    dataset.background = None
    with pytest.raises(ValueError, match="no background map"):
        FoVBackgroundMaker().run(dataset)
    dataset = _synthetic()
    dataset.counts.data[0, 5, 5] = np.nan
    with pytest.raises(ValueError, match="non-finite counts"):
        FoVBackgroundMaker().run(dataset)


def test_float_exclusion_mask_is_refused_not_interpolated_to_fractions():
    # gammapy 2.1 accepts a float exclusion mask, interpolates it linearly onto the dataset
    # (fractional values near edges) and multiplies it into the fit mask.
    from skymask.makers import RingBackgroundMaker

    geom = WcsGeom.create(npix=3)
    for data in (1.0, np.ones((3, 3), dtype=np.int64)):
        mask = Map.from_geom(geom, data=data)
        with pytest.raises(TypeError, match=r"exclusion_mask must be a boolean map.*'mask > 0'"):
            FoVBackgroundMaker(exclusion_mask=mask)
        with pytest.raises(TypeError, match="exclusion_mask must be a boolean map"):
            RingBackgroundMaker("0.3 deg", "0.2 deg", exclusion_mask=mask)
    assert FoVBackgroundMaker(exclusion_mask=Map.from_geom(geom, data=True)).exclusion_mask.is_mask
