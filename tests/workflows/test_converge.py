"""Converged exclusion masks (issue 17, item 2).

Oracles: a synthetic field whose answer is known in closed form (a point source on a flat
background: the excluded pixels are the pixel centres within the correlation radius,
counted by brute force; norms from the sums), scipy.ndimage with an explicit disk for the
dilation, and on real data one more step done by hand with the makers and the estimator.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import ndimage

from skymask.datasets import MapDataset
from skymask.estimators import ExcessMapEstimator
from skymask.makers import FoVBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.workflows import ExclusionNotConvergedWarning, make_exclusion_mask
from skymask.workflows import converge as converge_module

NPIX, BINSZ, BKG, SOURCE = 40, 0.02, 10.0, 1000.0
SOURCE_PIX = (22, 17)  # (y, x)


def disk(radius_pix):
    """Offsets within radius (pixel centres, distance <= radius) as a bool footprint."""
    n = int(np.ceil(radius_pix))
    y, x = np.mgrid[-n : n + 1, -n : n + 1]
    return x**2 + y**2 <= radius_pix**2


def brute_force_disk(center, radius_pix, shape=(NPIX, NPIX)):
    y, x = np.indices(shape)
    return (x - center[1]) ** 2 + (y - center[0]) ** 2 <= radius_pix**2


@pytest.fixture
def point_source():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=NPIX, binsz=BINSZ, axes=[axis], frame="galactic")
    dataset = MapDataset.create(geom, background=BKG / 2)
    dataset.counts.data[...] = BKG / 2
    dataset.counts.data[:, SOURCE_PIX[0], SOURCE_PIX[1]] += SOURCE / 2
    return dataset


def test_point_source_gives_the_disk_of_the_correlation_radius(point_source):
    result = make_exclusion_mask(point_source, threshold=5, correlation_radius="0.05 deg")
    # 0.05 deg on 0.02 deg pixels = 2.5 pixels: every pixel whose top-hat holds the source.
    expected = ~brute_force_disk(SOURCE_PIX, 2.5)
    assert result.converged and result.reason == "converged"
    assert result.mask.data.dtype == bool
    assert result.mask.geom == point_source.counts.geom.to_image()
    np.testing.assert_array_equal(result.mask.data, expected)
    n_disk = int((~expected).sum())
    assert n_disk == 21
    # Step 1 normalises with the source inside: (N + S) / B; step 2 without it: exactly 1.
    total = NPIX * NPIX * BKG
    assert_allclose(result.history["norm"], [(total + SOURCE) / total, 1.0], rtol=1e-12)
    assert result.history["n_changed"].tolist() == [n_disk, 0]
    assert result.history["n_excluded"].tolist() == [n_disk, n_disk]


def test_dilation_grows_the_disk_like_ndimage(point_source):
    result = make_exclusion_mask(
        point_source, threshold=5, correlation_radius="0.05 deg", dilate="0.04 deg"
    )
    significant = brute_force_disk(SOURCE_PIX, 2.5)
    expected = ~ndimage.binary_dilation(significant, structure=disk(2.0))
    assert result.converged
    np.testing.assert_array_equal(result.mask.data, expected)


def test_initial_exclusion_is_kept_and_can_converge_at_once(point_source):
    image = point_source.counts.geom.to_image()
    # An initial exclusion disk of 4 pixels around the source (True: free) and a far box.
    initial = ~brute_force_disk(SOURCE_PIX, 4.0) & ~brute_force_disk((5, 5), 1.5)
    result = make_exclusion_mask(
        point_source,
        correlation_radius="0.05 deg",
        initial=Map.from_geom(image, data=initial),
    )
    np.testing.assert_array_equal(result.mask.data, initial)
    assert result.history["norm"].tolist() == [1.0]
    assert result.history["n_changed"].tolist() == [0]
    # Regions work as an initial exclusion too (excluded inside).
    regions = image.to_image().region_mask("galactic;circle(0.1, 0.1, 0.03)")
    with_regions = make_exclusion_mask(
        point_source, correlation_radius="0.05 deg", initial="galactic;circle(0.1, 0.1, 0.03)"
    )
    expected = ~brute_force_disk(SOURCE_PIX, 2.5) & ~regions.data
    np.testing.assert_array_equal(with_regions.mask.data, expected)


def test_max_iter_and_oscillation_are_reported(point_source, monkeypatch):
    with pytest.warns(ExclusionNotConvergedWarning, match="still changed in step 1"):
        result = make_exclusion_mask(point_source, correlation_radius="0.05 deg", max_iter=1)
    assert not result.converged and result.reason == "max_iter"

    # An estimator whose significant pixel alternates between two places: A, B, A, ...
    class Alternating:
        calls = 0

        def __init__(self, *args, **kwargs):
            pass

        def run(self, dataset):
            geom = dataset.counts.geom
            data = np.zeros(geom.data_shape)
            y = 3 if Alternating.calls % 2 == 0 else 30
            data[:, y, 3] = 10.0
            Alternating.calls += 1
            return {"sqrt_ts": Map.from_geom(geom, data=data)}

    monkeypatch.setattr(converge_module, "ExcessMapEstimator", Alternating)
    with pytest.warns(ExclusionNotConvergedWarning, match="repeats that of step 1.*oscillates"):
        result = make_exclusion_mask(point_source, max_iter=10)
    assert result.reason == "oscillation" and not result.converged
    assert result.n_iter == 3  # A, B, then A again


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"background": "rings"}, ValueError, "background must be one of"),
        ({"background": "ring"}, ValueError, r"needs ring=\(r_in, width\)"),
        ({"ring": ("0.5 deg", "0.3 deg")}, ValueError, "only used with background='ring'"),
        ({"max_iter": 0}, ValueError, "at least 1"),
        ({"max_iter": 2.5}, TypeError, "positive integer"),
        ({"threshold": "5"}, TypeError, "threshold must be a finite number"),
        ({"low": 6}, ValueError, "must not exceed threshold"),
        ({"initial": 3}, TypeError, "initial must be a boolean Map"),
    ],
)
def test_bad_arguments_are_named(point_source, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_exclusion_mask(point_source, **kwargs)


# ---------------------------------------------------------------------- real data
def one_more_step(dataset, mask, threshold, radius, dilate=None):
    """The step by hand: FoV norm with the mask, sqrt(TS), threshold, dilate, exclude."""
    normalised = FoVBackgroundMaker(exclusion_mask=mask).run(dataset)
    sqrt_ts = ExcessMapEstimator(radius, selection_optional=[]).run(normalised)["sqrt_ts"]
    with np.errstate(invalid="ignore"):
        significant = np.any(sqrt_ts.data >= threshold, axis=0)
    if dilate is not None:
        image = dataset.counts.geom.to_image()
        significant = Map.from_geom(image, data=significant).binary_dilate(dilate).data
    return ~significant


@pytest.mark.parametrize(
    ("path", "radius", "dilate"),
    [
        ("fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", "0.4 deg", None),
        ("fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", "0.4 deg", "0.2 deg"),
        ("fermi-3fhl-gc/fermi-3fhl-gc.fits.gz", "0.2 deg", None),
    ],
)
def test_real_datasets_converge_to_a_fixed_point(gammapy_data, path, radius, dilate):
    dataset = MapDataset.read(gammapy_data / path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExclusionNotConvergedWarning)
        result = make_exclusion_mask(dataset, threshold=5, correlation_radius=radius, dilate=dilate)
    assert result.converged
    assert 2 <= result.n_iter <= 6  # a handful of steps
    assert result.history["n_changed"][-1] == 0
    assert 0 < (~result.mask.data).sum() < result.mask.data.size
    # One more step, done by hand, changes nothing.
    np.testing.assert_array_equal(
        one_more_step(dataset, result.mask, 5, radius, dilate), result.mask.data
    )


def test_ring_background_converges_to_a_fixed_point(gammapy_data):
    from skymask.makers import RingBackgroundMaker

    dataset = MapDataset.read(gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExclusionNotConvergedWarning)
        result = make_exclusion_mask(
            dataset, correlation_radius="0.2 deg", background="ring", ring=("0.5 deg", "0.3 deg")
        )
    assert result.converged and result.n_iter <= 10
    # The record's norm is the mean ring alpha (acceptance on / off), well below 1 here.
    assert 0 < result.history["norm"][-1] < 1
    # One more step by hand: the ring background with this mask, sqrt(TS), threshold.
    on_off = RingBackgroundMaker("0.5 deg", "0.3 deg", exclusion_mask=result.mask).run(dataset)
    sqrt_ts = ExcessMapEstimator("0.2 deg", selection_optional=[]).run(on_off)["sqrt_ts"]
    with np.errstate(invalid="ignore"):
        significant = np.any(sqrt_ts.data >= 5, axis=0)
    np.testing.assert_array_equal(result.mask.data, ~significant)
