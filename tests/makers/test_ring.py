"""RingBackgroundMaker and MapDatasetOnOff: ring sums, exclusion, partial coverage, Li & Ma."""

from __future__ import annotations

import numpy as np
import pytest

from skymask.datasets import MapDataset
from skymask.kernels.correlation import ring_sums
from skymask.makers import MapDatasetOnOff, RingBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.stats import li_ma_significance

from .oracles import nearest_lookup, ring_offsets, ring_sum

BINSZ = 0.05
NPIX = 101  # the source sits on the centre pixel (50, 50)
BACKGROUND = (2.0, 0.5)  # flat background per pixel, two energy bins
SOURCE = (2000.0, 400.0)  # expected source counts per bin, spread over a 3-pixel disk
R_IN, WIDTH = "0.5 deg", "0.3 deg"  # 10 and 16 pixels
SOURCE_RADIUS_PIX = 3


def _source_disk():
    ys, xs = np.indices((NPIX, NPIX))
    return (xs - 50) ** 2 + (ys - 50) ** 2 <= SOURCE_RADIUS_PIX**2


@pytest.fixture(scope="module")
def simulated():
    """Flat background plus a uniform disk source, Poisson counts with a fixed seed."""
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    geom = WcsGeom.create(npix=NPIX, binsz=BINSZ, frame="galactic", axes=[axis])
    background = np.broadcast_to(np.array(BACKGROUND)[:, None, None], geom.data_shape)
    dataset = MapDataset.create(geom, background=background)
    disk = _source_disk()
    source = np.zeros(geom.data_shape)
    for k, total in enumerate(SOURCE):
        source[k][disk] = total / disk.sum()
    dataset.counts.data = np.random.default_rng(42).poisson(background + source).astype("f4")
    return dataset


@pytest.fixture(scope="module")
def source_exclusion():
    """Exclusion mask on its own finer grid: False within 0.3 deg (6 px) of the source."""
    geom = WcsGeom.create(npix=(300, 300), binsz=0.02, frame="galactic")
    return ~geom.region_mask("galactic;circle(0, 0, 0.3)")


def _off_oracle(dataset, allowed_image):
    r_in, r_out = 10, 16
    return np.stack(
        [
            ring_sum(dataset.counts.data[k], allowed_image, r_in, r_out)
            for k in range(dataset.counts.data.shape[0])
        ]
    )


def test_counts_off_equal_brute_force_ring_sums_that_skip_excluded_pixels(
    simulated, source_exclusion
):
    on_off = RingBackgroundMaker(R_IN, WIDTH, exclusion_mask=source_exclusion).run(simulated)
    allowed = nearest_lookup(
        source_exclusion.data, source_exclusion.geom, simulated.counts.geom.to_image(), False
    )
    assert not allowed[_source_disk()].any()
    np.testing.assert_array_equal(on_off.counts_off.data, _off_oracle(simulated, allowed))
    for k, b in enumerate(BACKGROUND):
        expected = ring_sum(np.full((NPIX, NPIX), b), allowed, 10, 16)
        np.testing.assert_allclose(on_off.acceptance_off.data[k], expected, rtol=1e-12)


def test_excluded_source_does_not_leak_into_neighbouring_off_counts(simulated, source_exclusion):
    with_exclusion = RingBackgroundMaker(R_IN, WIDTH, exclusion_mask=source_exclusion)
    excluded = with_exclusion.run(simulated).counts_off.data[0]
    leaked = RingBackgroundMaker(R_IN, WIDTH).run(simulated).counts_off.data[0]
    # Pixels 13 px from the source: their ring (10-16 px) holds the whole source disk.
    y, x = 50, 63
    n_ring_allowed = int(
        ring_sum(
            np.ones((NPIX, NPIX)), with_exclusion.make_exclusion_mask(simulated).data[0], 10, 16
        )[y, x]
    )
    expected = BACKGROUND[0] * n_ring_allowed
    assert abs(excluded[y, x] - expected) < 5 * np.sqrt(expected)
    assert leaked[y, x] - excluded[y, x] > 0.8 * SOURCE[0]
    # Far from the source both agree exactly (no excluded pixel in their ring).
    assert excluded[10, 10] == leaked[10, 10]


def test_li_ma_significance_at_the_source_matches_the_analytic_expectation(
    simulated, source_exclusion
):
    on_off = RingBackgroundMaker(R_IN, WIDTH, exclusion_mask=source_exclusion).run(simulated)
    significance = on_off.li_ma_significance(correlation_radius=f"{SOURCE_RADIUS_PIX * BINSZ} deg")
    assert significance.data.shape == (1, NPIX, NPIX)
    measured = significance.data[0, 50, 50]
    # Expectation: ON = the 29 disk pixels, each with a full ring of K pixels (no ring pixel of
    # a disk pixel is excluded: they are >= 7 px from the source, the exclusion reaches 6 px).
    n_disk = int(_source_disk().sum())
    n_ring = len(ring_offsets(10, 16))
    assert (n_disk, n_ring) == (29, 492)
    b = sum(BACKGROUND)
    n_on = n_disk * b + sum(SOURCE)
    n_off = n_disk * n_ring * b
    alpha = 1.0 / n_ring
    # Li & Ma (1983) eq. 17.
    total = n_on + n_off
    expected = np.sqrt(2.0) * np.sqrt(
        n_on * np.log((1 + alpha) / alpha * n_on / total)
        + n_off * np.log((1 + alpha) * n_off / total)
    )
    assert expected == pytest.approx(111.78, abs=0.01)
    print(f"Li & Ma at the source: measured {measured:.4f}, analytic {expected:.4f}")
    assert measured == pytest.approx(expected, rel=0.1)
    # Per energy bin: the first bin holds most of the signal.
    per_bin = on_off.li_ma_significance("0.15 deg", per_energy=True)
    assert per_bin.data.shape == (2, NPIX, NPIX)
    assert per_bin.data[0, 50, 50] > per_bin.data[1, 50, 50] > 5
    # Away from the source the significance is noise.
    assert np.abs(significance.data[0, 20:30, 20:30]).max() < 5


def test_partial_exclusion_coverage_follows_fill_value_not_nan(simulated):
    # The exclusion mask covers only the left 40 % of the dataset and excludes nothing.
    left = WcsGeom.create(npix=(40, 101), binsz=BINSZ, frame="galactic", refpix=(51.0, 51.0))
    exclusion = Map.from_geom(left, data=True)
    target = simulated.counts.geom.to_image()
    for fill_value in (False, True):
        maker = RingBackgroundMaker(R_IN, WIDTH, exclusion_mask=exclusion, fill_value=fill_value)
        on_off = maker.run(simulated)
        allowed = nearest_lookup(exclusion.data, left, target, fill_value)
        assert allowed.all() == fill_value and allowed.any()
        assert np.all(np.isfinite(on_off.counts_off.data))
        assert np.all(np.isfinite(on_off.acceptance_off.data))
        np.testing.assert_array_equal(on_off.counts_off.data, _off_oracle(simulated, allowed))
        has_off = ring_sum(np.ones((NPIX, NPIX)), allowed, 10, 16) > 0
        np.testing.assert_array_equal(on_off.mask_safe.data[0], has_off)
        significance = on_off.li_ma_significance()
        # NaN where no OFF counts enter (gammapy's alpha is then undefined).
        with_off_counts = has_off & (on_off.counts_off.data.sum(axis=0) > 0)
        np.testing.assert_array_equal(np.isfinite(significance.data[0]), with_off_counts)
        if not fill_value:
            assert not has_off.all()  # far right: the ring holds no covered pixel


def test_mask_safe_pixels_stay_out_of_the_rings(simulated):
    dataset = MapDataset(
        counts=simulated.counts.copy(),
        background=simulated.background.copy(),
        mask_safe=Map.from_geom(simulated.counts.geom, data=True),
    )
    dataset.mask_safe.data[:, :, :5] = False
    dataset.counts.data[:, :, :5] = np.nan  # unsafe data may be anything
    on_off = RingBackgroundMaker(R_IN, WIDTH).run(dataset)
    allowed = np.ones((NPIX, NPIX), bool)
    allowed[:, :5] = False
    np.testing.assert_array_equal(
        on_off.counts_off.data[0],
        ring_sum(np.nan_to_num(dataset.counts.data[0]), allowed, 10, 16),
    )
    assert not on_off.mask_safe.data[:, :, :5].any()


def test_fft_and_direct_ring_sums_agree():
    rng = np.random.default_rng(5)
    images = rng.poisson(3.0, (2, 60, 70)).astype(float)
    allowed = rng.random((2, 60, 70)) > 0.2
    fft = ring_sums(images, allowed, (7.5, 7.5), (12.0, 12.0), method="fft")
    direct = ring_sums(images, allowed, (7.5, 7.5), (12.0, 12.0), method="direct")
    np.testing.assert_array_equal(fft, direct)
    np.testing.assert_array_equal(fft[1], ring_sum(images[1], allowed[1], 7.5, 12.0))
    floats = rng.random((1, 60, 70))
    np.testing.assert_allclose(
        ring_sums(floats, allowed[:1], (0, 0), (3, 3), method="fft")[0],
        ring_sum(floats[0], allowed[0], 0, 3),
        rtol=1e-12,
    )


def test_ring_edges_are_inclusive():
    geom = WcsGeom.create(npix=11, binsz=0.1)
    kernel = RingBackgroundMaker("0.2 deg", "0.1 deg").kernel(geom)
    dy, dx = np.nonzero(kernel)
    d2 = (dx - kernel.shape[1] // 2) ** 2 + (dy - kernel.shape[0] // 2) ** 2
    assert d2.min() == 4 and d2.max() == 9  # 0.2 / 0.1 and 0.3 / 0.1 pixels, both included
    assert int(kernel.sum()) == len(ring_offsets(2, 3)) == 20


def test_on_off_dataset_maps_and_validation():
    geom = WcsGeom.create(npix=(4, 3), binsz=0.1)
    counts = Map.from_geom(geom, data=5.0)
    off = Map.from_geom(geom, data=np.array([[10.0, 0, 10, 10]] * 3))
    acceptance = Map.from_geom(geom, data=1.0)
    acceptance_off = Map.from_geom(geom, data=np.array([[4.0, 4, 0, 4]] * 3))
    on_off = MapDatasetOnOff(counts, off, acceptance, acceptance_off)
    assert on_off.alpha.data[0].tolist()[:2] == [0.25, 0.25] and np.isnan(on_off.alpha.data[0, 2])
    assert on_off.background.data[0, 0] == 2.5 and on_off.excess.data[0, 0] == 2.5
    significance = on_off.li_ma_significance()
    # gammapy's alpha = C(alpha_pixel n_off) / C(n_off) is undefined without OFF counts (NaN
    # there, as in gammapy) and without OFF acceptance; elsewhere Li & Ma's equation 17.
    assert np.isnan(significance.data[0, 2]) and np.isnan(significance.data[0, 1])
    assert significance.data[0, 0] == pytest.approx(float(li_ma_significance(5, 10, 0.25)))
    assert "counts_off" in repr(on_off)
    with pytest.raises(ValueError, match="counts geometry"):
        MapDatasetOnOff(counts, off, acceptance, Map.from_geom(WcsGeom.create(npix=2), data=1.0))
    with pytest.raises(ValueError, match="angle >= 0"):
        RingBackgroundMaker("-0.1 deg", "0.1 deg")
    with pytest.raises(TypeError, match="True or False"):
        RingBackgroundMaker("0.1 deg", "0.1 deg", fill_value=None)


def test_no_off_acceptance_is_exactly_zero_by_either_check(simulated, monkeypatch):
    # The pixels whose ring holds no allowed background are found exactly, whether the few
    # suspect pixels are checked one by one or (many of them) by one more ring sum.
    from skymask.makers import ring as ring_module

    left = WcsGeom.create(npix=(40, 101), binsz=BINSZ, frame="galactic", refpix=(51.0, 51.0))
    exclusion = Map.from_geom(left, data=True)
    maker = RingBackgroundMaker(R_IN, WIDTH, exclusion_mask=exclusion, fill_value=False)
    one_by_one = maker.run(simulated).acceptance_off.data
    monkeypatch.setattr(ring_module, "_MAX_SUSPECTS", 0)
    by_ring_sum = maker.run(simulated).acceptance_off.data
    allowed = nearest_lookup(exclusion.data, left, simulated.counts.geom.to_image(), False)
    has_off = ring_sum(np.ones((NPIX, NPIX)), allowed, 10, 16) > 0
    for result in (one_by_one, by_ring_sum):
        np.testing.assert_array_equal(result[0] > 0, has_off)
        assert np.all(result[:, ~has_off] == 0.0)
