"""hysteresis_threshold and fill_holes against slow, obvious oracles."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from skymask.morphology import fill_holes, hysteresis_threshold

FACE = [(-1, 0), (1, 0), (0, -1), (0, 1)]
DIAGONAL = [*FACE, (-1, -1), (-1, 1), (1, -1), (1, 1)]


def flood_fill_hysteresis(image: np.ndarray, low: float, high: float, connectivity=1):
    """Breadth-first search from every pixel above high through pixels above low."""
    low = min(low, high)
    steps = FACE if connectivity == 1 else DIAGONAL
    result = np.zeros(image.shape, dtype=bool)
    for index in np.ndindex(image.shape[:-2]):
        plane, kept = image[index], result[index]
        ny, nx = plane.shape
        queue = deque(
            (y, x) for y in range(ny) for x in range(nx) if plane[y, x] > high and plane[y, x] > low
        )
        for y, x in queue:
            kept[y, x] = True
        while queue:
            y, x = queue.popleft()
            for dy, dx in steps:
                yy, xx = y + dy, x + dx
                if 0 <= yy < ny and 0 <= xx < nx and not kept[yy, xx] and plane[yy, xx] > low:
                    kept[yy, xx] = True
                    queue.append((yy, xx))
    return result


def random_image(rng, shape, nan_fraction=0.1):
    image = ndimage.gaussian_filter(rng.normal(size=shape), (0,) * (len(shape) - 2) + (1, 1))
    image /= image.std() or 1
    image[rng.random(shape) < nan_fraction] = np.nan
    return image


# --- hysteresis ------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 20), st.integers(1, 20)),
    seed=st.integers(0, 2**32 - 1),
    low=st.floats(-1.5, 1.5),
    high=st.floats(-1.5, 2.5),
    connectivity=st.sampled_from([1, 2]),
)
def test_hysteresis_matches_flood_fill(shape, seed, low, high, connectivity):
    image = random_image(np.random.default_rng(seed), shape)
    actual = hysteresis_threshold(image, low, high, connectivity)
    np.testing.assert_array_equal(actual, flood_fill_hysteresis(image, low, high, connectivity))


@pytest.mark.parametrize("connectivity", [1, 2])
def test_hysteresis_larger_images(connectivity):
    rng = np.random.default_rng(11)
    image = random_image(rng, (2, 60, 70), nan_fraction=0.02)
    for low, high in [(0.3, 1.5), (0.0, 2.0), (1.0, 0.5), (-np.inf, 2.0), (0.5, np.inf)]:
        actual = hysteresis_threshold(image, low, high, connectivity)
        expected = flood_fill_hysteresis(image, low, high, connectivity)
        np.testing.assert_array_equal(actual, expected)


def test_hysteresis_matches_scikit_image():
    filters = pytest.importorskip("skimage.filters")
    rng = np.random.default_rng(5)
    for _ in range(20):
        image = random_image(rng, (45, 38), nan_fraction=0.05)
        image = np.nan_to_num(image, nan=-np.inf)
        low, high = rng.uniform(-1, 2, size=2)
        np.testing.assert_array_equal(
            hysteresis_threshold(image, low, high),
            filters.apply_hysteresis_threshold(image, low, high),
        )


def test_hysteresis_rules():
    image = np.array([[3.0, 4.0, 5.0, 5.1], [np.nan, 3.5, 1.0, 9.0]])
    # strict comparisons: 3 is not above 3, 5 is not above 5
    expected = [[False, True, True, True], [False, True, False, True]]
    assert hysteresis_threshold(image, 3, 5).tolist() == expected
    assert hysteresis_threshold(image, 3, 9.0).tolist() == [[False] * 4] * 2
    # low above high is lowered to high
    np.testing.assert_array_equal(hysteresis_threshold(image, 6, 5), image > 5)
    # NaN never passes, even with infinite thresholds
    assert not hysteresis_threshold(image, -np.inf, -np.inf)[1, 0]
    # integer and boolean images
    assert hysteresis_threshold(np.array([[0, 2, 7]]), 1, 5).tolist() == [[False, True, True]]
    assert hysteresis_threshold(np.array([[False, True]]), 0, 0).tolist() == [[False, True]]


def test_hysteresis_components_stay_in_their_plane():
    image = np.zeros((2, 5, 5))
    image[0, 2, 2] = 10  # a seed in plane 0 only
    image[1, 1:4, 1:4] = 4  # a low-only component in plane 1, under the seed
    result = hysteresis_threshold(image, 3, 5)
    assert result[0].sum() == 1
    assert not result[1].any()
    # leading axes of any number
    stacked = np.stack([image, image[::-1]])
    np.testing.assert_array_equal(hysteresis_threshold(stacked, 3, 5)[1], result[::-1])


def test_hysteresis_reference(reference):
    sqrt_ts = np.load(reference / "sqrt_ts.npy")
    expected = np.load(reference / "hysteresis_sqrt_ts_3_5.npy")
    assert sqrt_ts.shape == expected.shape == (1, 40, 50)
    assert expected.sum() == 347
    actual = hysteresis_threshold(np.nan_to_num(sqrt_ts, nan=-np.inf), 3, 5)
    assert actual.sum() == 347
    np.testing.assert_array_equal(actual, expected)
    # NaN needs no replacing: it never passes
    np.testing.assert_array_equal(hysteresis_threshold(sqrt_ts, 3, 5), expected)


def test_hysteresis_errors():
    with pytest.raises(TypeError, match="needs a real-valued image, got dtype complex128"):
        hysteresis_threshold(np.zeros((3, 3), dtype=complex), 1, 2)
    with pytest.raises(TypeError, match="got dtype <U1"):
        hysteresis_threshold(np.array([["a"]]), 1, 2)
    with pytest.raises(ValueError, match=r"at least 2 dimensions .* got shape \(4,\)"):
        hysteresis_threshold(np.zeros(4), 1, 2)
    with pytest.raises(ValueError, match="hysteresis_threshold low must be a number, got nan"):
        hysteresis_threshold(np.zeros((3, 3)), float("nan"), 2)
    with pytest.raises(TypeError, match="high must be a plain real number, got '5'"):
        hysteresis_threshold(np.zeros((3, 3)), 1, "5")
    with pytest.raises(ValueError, match=r"connectivity must be 1 .* or 2 .*, got 3"):
        hysteresis_threshold(np.zeros((3, 3)), 1, 2, connectivity=3)


# --- fill_holes ------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 18), st.integers(1, 18)),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.3, 0.5, 0.7, 0.9]),
    connectivity=st.sampled_from([1, 2]),
)
def test_fill_holes_matches_scipy_per_plane(shape, seed, density, connectivity):
    mask = np.random.default_rng(seed).random(shape) < density
    structure = ndimage.generate_binary_structure(2, connectivity)
    expected = np.stack([ndimage.binary_fill_holes(plane, structure) for plane in mask])
    np.testing.assert_array_equal(fill_holes(mask, connectivity), expected)


def test_fill_holes_connectivity_and_planes():
    mask = np.array(
        [
            [1, 1, 1, 1, 1],
            [1, 0, 1, 1, 1],
            [1, 1, 1, 1, 1],
            [1, 1, 1, 0, 1],
            [1, 1, 1, 1, 0],
        ],
        dtype=bool,
    )
    # (1, 1) is enclosed either way; (3, 3) reaches the border only through the corner at (4, 4)
    with_face = mask.copy()
    with_face[1, 1] = with_face[3, 3] = True
    with_diagonals = mask.copy()
    with_diagonals[1, 1] = True
    np.testing.assert_array_equal(fill_holes(mask), with_face)
    np.testing.assert_array_equal(fill_holes(mask, connectivity=2), with_diagonals)
    stacked = np.stack([mask, np.zeros_like(mask), ~mask])
    filled = fill_holes(stacked)
    np.testing.assert_array_equal(filled[0], with_face)
    assert not filled[1].any()
    np.testing.assert_array_equal(filled[2], ~mask)
    assert fill_holes(np.zeros((0, 3, 3), dtype=bool)).shape == (0, 3, 3)


def test_fill_holes_errors():
    with pytest.raises(TypeError, match="fill_holes needs a boolean mask, got dtype int64"):
        fill_holes(np.zeros((3, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="fill_holes connectivity must be 1"):
        fill_holes(np.zeros((3, 3), dtype=bool), connectivity=0)
