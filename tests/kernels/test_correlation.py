"""The kernel layer: the disk footprint and the top-hat correlation, against slow obvious sums."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skymask.kernels import correlation
from skymask.kernels.footprint import disk_footprint


def _brute_force(image, kernel):
    """Sum over the footprint by explicit shifted copies (zero outside the image)."""
    ny, nx = image.shape
    half_y, half_x = kernel.shape[0] // 2, kernel.shape[1] // 2
    padded = np.zeros((ny + 2 * half_y, nx + 2 * half_x))
    padded[half_y : half_y + ny, half_x : half_x + nx] = image
    out = np.zeros((ny, nx))
    for dy, dx in zip(*np.nonzero(kernel), strict=True):
        out += padded[dy : dy + ny, dx : dx + nx]
    return out


@pytest.mark.parametrize(
    ("radius", "n_pixels"),
    [(0.0, 1), (1.0, 5), (2.0, 13), (3.0, 29), (4.0, 49), (5.0, 81), (20.0, 1257)],
)
def test_tophat_kernel_counts(radius, n_pixels):
    # Integer points with x^2 + y^2 <= r^2 (Gauss circle problem: 1, 5, 13, 29, 49, 81, ...).
    kernel = disk_footprint(radius)
    assert int(kernel.sum()) == n_pixels
    assert kernel.shape == (2 * int(radius) + 1,) * 2


def test_tophat_kernel_includes_the_rim_despite_round_off():
    # 2.9999999999999996 = 0.3 / 0.1 in floating point: the (3, 0) points stay in.
    assert int(disk_footprint(0.3 / 0.1).sum()) == 29
    assert int(disk_footprint(2.999).sum()) == 25


def test_tophat_kernel_ellipse_for_non_square_pixels():
    kernel = disk_footprint(2.0, 1.0)
    assert kernel.shape == (3, 5)
    assert kernel[1].all() and kernel[:, 2].all() and not kernel[0, 0]


@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize(("shape", "radius"), [((30, 41), 3.0), ((7, 5), 6.0), ((1, 20), 2.0)])
def test_correlate_matches_brute_force(method, shape, radius):
    rng = np.random.default_rng(4)
    images = rng.poisson(2.0, (3, *shape)).astype(float)
    kernel = disk_footprint(radius)
    result = correlation.correlate_tophat(images, kernel, method, integer=True, nonnegative=True)
    expected = np.stack([_brute_force(image, kernel) for image in images])
    assert_array_equal(result, expected)  # integer counts are exact


def test_correlate_float_data_methods_agree():
    rng = np.random.default_rng(5)
    image = rng.uniform(0, 3, (60, 50))
    kernel = disk_footprint(7.5, 6.0)
    expected = _brute_force(image, kernel)
    for method in ("direct", "fft", "auto"):
        assert_allclose(correlation.correlate_tophat(image, kernel, method), expected, rtol=1e-12)


def test_choose_method_by_kernel_size():
    assert correlation.choose_method((200, 200), (9, 9)) == "direct"
    assert correlation.choose_method((200, 200), (41, 41)) == "fft"
    assert correlation.choose_method((1000, 1000), (15, 15)) == "direct"
    assert correlation.choose_method((1000, 1000), (21, 21)) == "fft"


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        correlation.correlate_tophat(np.zeros((3, 3)), disk_footprint(1.0), "ndimage")


@pytest.mark.parametrize(
    ("radius_x", "radius_y"),
    [
        (0.0, 0.0),
        (0.4, 3.0),
        (1.0, 1.0),
        (2.5, 1.2),
        (3.0, 3.0),
        (0.3 / 0.1, 0.5 / 0.1),
        (7.2, 7.2),
    ],
)
def test_one_disk_footprint_for_morphology_and_correlation(radius_x, radius_y):
    # The morphology structuring element, the excess top-hat and the ring's outer disk are
    # the same footprint, and it is the brute-force rule on whole-pixel offsets.
    from skymask.estimators import ExcessMapEstimator
    from skymask.maps import WcsGeom
    from skymask.morphology import structuring_element

    footprint = disk_footprint(radius_x, radius_y)
    hy, hx = footprint.shape[0] // 2, footprint.shape[1] // 2
    dy, dx = np.mgrid[-hy : hy + 1, -hx : hx + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = (
            np.where(dx == 0, 0, (dx / radius_x) ** 2) + np.where(dy == 0, 0, (dy / radius_y) ** 2)
            <= (1 + 1e-9) ** 2
        )
    assert_array_equal(footprint, expected)
    assert hx == int(np.floor(radius_x + 1e-6)) and hy == int(np.floor(radius_y + 1e-6))
    assert_array_equal(structuring_element((radius_x, radius_y)), footprint)
    ring = correlation.RingCorrelator((0, 0), (radius_x, radius_y), (1, 1))
    assert_array_equal(ring.kernel, footprint)
    if radius_x == radius_y:
        geom = WcsGeom.create(npix=(30, 20), binsz=0.1)
        kernel = ExcessMapEstimator(f"{radius_x * 0.1} deg").estimate_kernel(geom)
        assert_array_equal(kernel, footprint)


def test_fft_threads_give_the_same_numbers(monkeypatch):
    # Issue 19: the FFTs use every usable CPU; the 1-D transforms are independent, so the sums
    # must not depend on the number of threads, bit for bit.
    rng = np.random.default_rng(7)
    image = rng.poisson(2.0, (601, 557)).astype(float)  # large enough to be threaded
    kernel = disk_footprint(12.0)
    results = []
    for workers in (1, 2, 3):
        monkeypatch.setattr(correlation, "FFT_WORKERS", workers)
        correlate = correlation.TophatCorrelator(kernel, image.shape, method="fft")
        assert correlate._workers == workers
        results.append(correlate(image))
    assert correlation.TophatCorrelator(kernel, image.shape).method == "fft"
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])
    # and they are the sums: brute force at a few pixels
    radius = kernel.shape[0] // 2
    padded = np.pad(image, radius)
    for y, x in [(0, 0), (150, 128), (600, 556), (10, 200)]:
        window = padded[y : y + kernel.shape[0], x : x + kernel.shape[1]]
        assert results[0][y, x] == pytest.approx(window[kernel].sum(), abs=1e-8)


@pytest.mark.parametrize("shape", [(1080, 1040), (375, 243), (64, 64), (7, 9)])
def test_irfft2_is_scipys_bit_for_bit(shape):
    # the oracle is scipy.fft.irfft2 itself: the two 1-D inverses and the one scaling must
    # reproduce its numbers exactly, also where 1 / (ny nx) is not a power of two
    from scipy.fft import irfft2, rfft2

    from skymask.kernels.correlation import _irfft2

    images = np.random.default_rng(5).normal(size=(3, *shape))
    transform = rfft2(images)
    expected = irfft2(transform, s=shape)
    assert np.array_equal(_irfft2(transform.copy(), shape, 2), expected)
    rows = shape[0] // 2 + 1
    assert np.array_equal(_irfft2(transform.copy(), shape, 1, rows=rows), expected[:, :rows])
