"""Both disk paths of the morphology kernel (bit-packed row spans below
`SPAN_MAX_HALF_HEIGHT`, scipy's feature transform above it) against scipy.ndimage with the
explicit structuring element built by the exact-arithmetic double loop of the main test module.

The threshold is moved with monkeypatch so that each path runs on the same masks, including
ellipses whose rows are too many for the spans (transposed), several planes, word boundaries
(widths around 64 pixels) and maps narrower than the disk.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest

from skymask.kernels import morphology as kernel_module
from skymask.kernels.disk_spans import span_morphology
from skymask.kernels.footprint import disk_footprint

from .test_morphology_erode_dilate import brute_footprint, oracle, random_mask, run

# (radius, pixel sizes, shape (planes, ny, nx))
PATH_CASES = [
    ("5", ("1", "1"), (2, 40, 70)),
    ("25", ("1", "1"), (1, 70, 81)),  # the benchmark's 25-pixel disk
    ("0.5", ("0.02", "0.02"), (1, 60, 90)),  # 0.5 deg at 0.02 deg: 25 pixels, float noise
    ("40", ("1", "1"), (1, 20, 120)),  # taller than the map
    ("70", ("1", "10"), (1, 40, 200)),  # spans wider than one 64-bit word
    ("9", ("3", "1"), (1, 80, 64)),  # ellipse, tall
    ("9", ("1", "3"), (1, 64, 80)),  # ellipse, wide
    ("3", ("1", "1"), (3, 1, 200)),  # single rows
]


@functools.cache
def cached_footprint(radius, pixel_size):
    return brute_footprint(radius, "disk", pixel_size)


PATH_IDS = [f"r{r}-px{p[0]}x{p[1]}-{'x'.join(map(str, s))}" for r, p, s in PATH_CASES]


@pytest.mark.parametrize("erode", [False, True], ids=["dilate", "erode"])
@pytest.mark.parametrize("limit", [0, 6, 10_000], ids=["transform", "mixed", "spans"])
@pytest.mark.parametrize(("radius", "pixel_size", "shape"), PATH_CASES, ids=PATH_IDS)
def test_each_path_matches_scipy(monkeypatch, radius, pixel_size, shape, limit, erode):
    # limit 6: spans along whichever axis has at most 6 offsets, else the transform.
    monkeypatch.setattr(kernel_module, "SPAN_MAX_HALF_HEIGHT", limit)
    rng = np.random.default_rng(zlib.crc32(repr((radius, pixel_size, shape)).encode()))
    footprint = cached_footprint(radius, pixel_size)
    for density in (0.01, 0.8):
        mask = random_mask(rng, shape, density)
        actual = run(mask, radius, "disk", pixel_size, erode=erode)
        assert actual.dtype == bool
        np.testing.assert_array_equal(actual, oracle(mask, footprint, erode=erode))


@pytest.mark.parametrize("erode", [False, True], ids=["dilate", "erode"])
def test_spans_random_footprints_and_sizes(erode):
    # Word boundaries: map widths and span widths on both sides of multiples of 64 pixels.
    rng = np.random.default_rng(19)
    for nx in (1, 63, 64, 65, 127, 129):
        for radius in (0.0, 1.0, 7.3, 31.9, 64.0, 65.5):
            mask = rng.random((2, 17, nx)) < 0.03
            footprint = disk_footprint(radius, radius / 4)
            expected = oracle(mask, footprint, erode=erode)
            np.testing.assert_array_equal(span_morphology(mask, footprint, erode=erode), expected)


def test_spans_keep_the_input():
    mask = np.zeros((1, 8, 8), dtype=bool)
    mask[0, 4, 4] = True
    before = mask.copy()
    span_morphology(mask, disk_footprint(2.0), erode=False)
    np.testing.assert_array_equal(mask, before)
