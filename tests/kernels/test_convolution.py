"""Threaded smoothing of image stacks (`skymask.kernels.convolution.smooth_images`).

Oracle: scipy.ndimage called once per plane with the same parameters (gaussian_filter on the
float64 plane, convolve with astropy's normalised Tophat2DKernel, uniform_filter). The threaded
passes compute every line with the same scipy code, so the results must be equal bit for bit,
not merely close.
"""

import numpy as np
import pytest
from astropy.convolution import Tophat2DKernel
from numpy.testing import assert_array_equal
from scipy import ndimage

from skymask.kernels.convolution import THREADED_PIXELS, smooth_images


@pytest.fixture(scope="module")
def stack():
    rng = np.random.default_rng(19)
    # 3 x 157 x 211: odd sizes (uneven blocks), above the threading threshold
    data = rng.poisson(3.0, (3, 157, 211)).astype(np.float32)
    data[1, 40:60, 100:130] = 50.0
    assert data.size >= THREADED_PIXELS
    return data


@pytest.mark.parametrize("workers", [2, 3, 7])
@pytest.mark.parametrize(
    "widths, kwargs",
    [
        (4.0, {}),
        ((2.5, 6.0), {"mode": "constant", "cval": 1.5}),
        ((6.0, 0.5), {"mode": "nearest", "truncate": 2.0}),
        ((0.0, 3.0), {"mode": "wrap"}),  # no pass along y, as scipy skips sigma <= 1e-15
    ],
)
def test_threaded_gauss_is_scipy_bit_for_bit(stack, workers, widths, kwargs):
    out = smooth_images(stack, widths, "gauss", workers=workers, **kwargs)
    sigma = np.broadcast_to(widths, (2,))
    for k in range(stack.shape[0]):
        oracle = ndimage.gaussian_filter(stack[k].astype(float), sigma, **kwargs)
        assert_array_equal(out[k], oracle)
    assert out.dtype == np.float64


def test_float32_input_gives_float64_computed_in_double(stack):
    # the dtype rule: float64 out; scipy computes each line in double, so float32 input and
    # its float64 copy give the same numbers
    out = smooth_images(stack, 3.0, workers=2)
    assert_array_equal(out, smooth_images(stack.astype(float), 3.0, workers=2))
    assert out.dtype == np.float64


def test_bool_stack_and_output_argument(stack):
    mask = stack > 4
    output = np.full(mask.shape, np.nan)
    result = smooth_images(mask, (3.0, 2.0), "gauss", output=output, workers=2)
    assert result is output
    for k in range(mask.shape[0]):
        assert_array_equal(output[k], ndimage.gaussian_filter(mask[k].astype(float), (3, 2)))


def test_other_gauss_arguments_fall_back_to_one_call_per_plane(stack):
    out = smooth_images(stack, 2.0, "gauss", workers=2, order=1, mode=["reflect", "constant"])
    for k in range(stack.shape[0]):
        oracle = ndimage.gaussian_filter(
            stack[k].astype(float), 2.0, order=1, mode=["reflect", "constant"]
        )
        assert_array_equal(out[k], oracle)


def test_disk_and_box_by_plane(stack):
    disk = smooth_images(stack, 3.0, "disk", workers=2, mode="constant")
    tophat = Tophat2DKernel(3)
    tophat.normalize("integral")
    box = smooth_images(stack, 5, "box", workers=2)
    for k in range(stack.shape[0]):
        plane = stack[k].astype(float)
        np.testing.assert_allclose(
            disk[k], ndimage.convolve(plane, tophat.array, mode="constant"), rtol=1e-12
        )
        assert_array_equal(box[k], ndimage.uniform_filter(plane, 5))


def test_serial_and_threaded_agree_and_small_stacks(stack):
    assert_array_equal(smooth_images(stack, 5.0, workers=1), smooth_images(stack, 5.0, workers=2))
    small = stack[:, :10, :10]
    assert_array_equal(
        smooth_images(small, 1.0, workers=2)[0], ndimage.gaussian_filter(small[0].astype(float), 1)
    )


def test_bad_input():
    with pytest.raises(ValueError, match=r"stack of shape \(n, ny, nx\)"):
        smooth_images(np.ones((4, 4)), 1.0)
    with pytest.raises(ValueError, match="kernel must be one of"):
        smooth_images(np.ones((1, 4, 4)), 1.0, "tophat")


@pytest.mark.parametrize("workers", [2, 4])
def test_one_image_is_split_into_blocks_of_lines(workers):
    # one plane, more threads than planes: the blocks-of-lines passes, still scipy's numbers
    image = np.random.default_rng(4).random((1, 301, 257))
    for kwargs in ({}, {"mode": "mirror", "truncate": 3.0}):
        out = smooth_images(image, (7.0, 2.5), workers=workers, **kwargs)
        assert_array_equal(out[0], ndimage.gaussian_filter(image[0], (7.0, 2.5), **kwargs))
