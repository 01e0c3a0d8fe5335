"""The kernel layer: top-hat footprint and correlation, against slow obvious sums."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skymask.estimators import _core


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
    kernel = _core.tophat_kernel(radius)
    assert int(kernel.sum()) == n_pixels
    assert kernel.shape == (2 * int(radius) + 1,) * 2


def test_tophat_kernel_includes_the_rim_despite_round_off():
    # 2.9999999999999996 = 0.3 / 0.1 in floating point: the (3, 0) points stay in.
    assert int(_core.tophat_kernel(0.3 / 0.1).sum()) == 29
    assert int(_core.tophat_kernel(2.999).sum()) == 25


def test_tophat_kernel_ellipse_for_non_square_pixels():
    kernel = _core.tophat_kernel(2.0, 1.0)
    assert kernel.shape == (3, 5)
    assert kernel[1].all() and kernel[:, 2].all() and not kernel[0, 0]


@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize(("shape", "radius"), [((30, 41), 3.0), ((7, 5), 6.0), ((1, 20), 2.0)])
def test_correlate_matches_brute_force(method, shape, radius):
    rng = np.random.default_rng(4)
    images = rng.poisson(2.0, (3, *shape)).astype(float)
    kernel = _core.tophat_kernel(radius)
    result = _core.correlate_tophat(images, kernel, method, integer=True, nonnegative=True)
    expected = np.stack([_brute_force(image, kernel) for image in images])
    assert_array_equal(result, expected)  # integer counts are exact


def test_correlate_float_data_methods_agree():
    rng = np.random.default_rng(5)
    image = rng.uniform(0, 3, (60, 50))
    kernel = _core.tophat_kernel(7.5, 6.0)
    expected = _brute_force(image, kernel)
    for method in ("direct", "fft", "auto"):
        assert_allclose(_core.correlate_tophat(image, kernel, method), expected, rtol=1e-12)


def test_choose_method_by_kernel_size():
    assert _core.choose_method((200, 200), (9, 9)) == "direct"
    assert _core.choose_method((200, 200), (41, 41)) == "fft"
    assert _core.choose_method((1000, 1000), (15, 15)) == "direct"
    assert _core.choose_method((1000, 1000), (21, 21)) == "fft"


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        _core.correlate_tophat(np.zeros((3, 3)), _core.tophat_kernel(1.0), "ndimage")
