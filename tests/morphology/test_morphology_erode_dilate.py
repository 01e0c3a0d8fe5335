"""binary_erode / binary_dilate / structuring_element against slow, obvious oracles.

The oracle footprint is built here by a double loop over offsets in exact rational
arithmetic (radius and pixel sizes are decimal strings, as a user types them), and applied
with scipy's general binary_erosion / binary_dilation (border_value=0), one plane at a time.
"""

from __future__ import annotations

import zlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from skymask.morphology import (
    RELATIVE_TOLERANCE,
    binary_dilate,
    binary_erode,
    structuring_element,
)

# (radius, (pixel size x, pixel size y)) as decimal strings.
CASES = [
    ("0", ("1", "1")),
    ("0.4", ("1", "1")),  # below one pixel: the identity
    ("1", ("1", "1")),
    ("1.5", ("1", "1")),
    ("2.5", ("1", "1")),
    ("3", ("1", "1")),
    ("5", ("1", "1")),  # (3, 4) and (4, 3) lie exactly on the circle
    ("0.3", ("0.1", "0.1")),  # 0.3 / 0.1 = 2.9999999999999996 in floats
    ("0.5", ("0.1", "0.1")),  # 3-4-5 at 0.1 deg pixels
    ("0.7", ("0.1", "0.1")),
    ("0.06", ("0.02", "0.02")),
    ("0.5", ("0.1", "0.3")),  # (4, 1) exactly on the ellipse
    ("1.0", ("0.1", "0.3")),  # (8, 2) exactly on the ellipse
    ("0.25", ("0.05", "0.02")),
    ("2.5", ("2", "1")),
    ("1.0", ("2", "0.5")),  # no offset along x fits, two along y
    ("13", ("1", "1")),  # larger than the small maps
]
CASE_IDS = [f"r{radius}-px{size[0]}x{size[1]}" for radius, size in CASES]


def brute_footprint(radius: str, kernel: str, pixel_size=("1", "1")) -> np.ndarray:
    """Footprint by a double loop in exact arithmetic (with a False frame around it)."""
    radius, size_x, size_y = Fraction(radius), Fraction(pixel_size[0]), Fraction(pixel_size[1])
    reach_x, reach_y = int(radius / size_x) + 1, int(radius / size_y) + 1
    footprint = np.zeros((2 * reach_y + 1, 2 * reach_x + 1), dtype=bool)
    for row, dy in enumerate(range(-reach_y, reach_y + 1)):
        for col, dx in enumerate(range(-reach_x, reach_x + 1)):
            if kernel == "disk":
                inside = (dx * size_x) ** 2 + (dy * size_y) ** 2 <= radius**2
            else:
                inside = abs(dx * size_x) <= radius and abs(dy * size_y) <= radius
            footprint[row, col] = inside
    return footprint


def trim(footprint: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(footprint.any(axis=1))
    cols = np.flatnonzero(footprint.any(axis=0))
    return footprint[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def oracle(mask: np.ndarray, footprint: np.ndarray, *, erode: bool) -> np.ndarray:
    operation = ndimage.binary_erosion if erode else ndimage.binary_dilation
    result = np.empty_like(mask)
    for index in np.ndindex(mask.shape[:-2]):
        result[index] = operation(mask[index], structure=footprint, border_value=0)
    return result


def random_mask(rng: np.random.Generator, shape, density: float) -> np.ndarray:
    return rng.random(shape) < density


def run(mask, radius, kernel, pixel_size, *, erode):
    function = binary_erode if erode else binary_dilate
    return function(mask, float(radius), kernel, tuple(float(size) for size in pixel_size))


# --- structuring element -------------------------------------------------------------------


def test_float_noise_is_real():
    # The premise of the tolerance: these ratios are not whole numbers in floats.
    assert 0.3 / 0.1 != 3
    assert 0.7 / 0.1 != 7


@pytest.mark.parametrize("kernel", ["disk", "box"])
@pytest.mark.parametrize(("radius", "pixel_size"), CASES, ids=CASE_IDS)
def test_structuring_element_matches_brute_force(radius, pixel_size, kernel):
    expected = trim(brute_footprint(radius, kernel, pixel_size))
    actual = structuring_element(float(radius), kernel, tuple(float(s) for s in pixel_size))
    assert actual.dtype == bool
    np.testing.assert_array_equal(actual, expected)


def test_structuring_element_known_sizes():
    assert structuring_element(0).tolist() == [[True]]
    assert structuring_element(3).sum() == 29
    assert structuring_element(5).sum() == 81
    # 0.5 on 0.1 pixels: the 3-4-5 offsets are inside, giving the same 81 as radius 5
    assert structuring_element(0.5, pixel_size=0.1).sum() == 81
    assert structuring_element(2, "box").shape == (5, 5)
    # pixel_size is (x, y): columns follow x
    assert structuring_element(0.3, "box", (0.1, 0.3)).shape == (3, 7)


def test_tolerance_is_relative_1e_9():
    assert RELATIVE_TOLERANCE == 1e-9
    assert structuring_element(3 * (1 - 1e-10)).shape == (7, 7)
    assert structuring_element(3 * (1 - 1e-7)).shape == (5, 5)
    assert structuring_element(5 * (1 - 1e-10)).sum() == 81
    assert structuring_element(5 * (1 - 1e-7)).sum() == 81 - 12  # (5, 0), (3, 4), (4, 3)


# --- erosion and dilation against the oracle -----------------------------------------------


@pytest.mark.parametrize("erode", [False, True], ids=["dilate", "erode"])
@pytest.mark.parametrize("kernel", ["disk", "box"])
@pytest.mark.parametrize(("radius", "pixel_size"), CASES, ids=CASE_IDS)
def test_matches_scipy_with_explicit_footprint(radius, pixel_size, kernel, erode):
    rng = np.random.default_rng(zlib.crc32(repr((radius, pixel_size, kernel, erode)).encode()))
    footprint = brute_footprint(radius, kernel, pixel_size)
    for density in (0.03, 0.3, 0.9, 0.98):
        mask = random_mask(rng, (2, 37, 41), density)
        actual = run(mask, radius, kernel, pixel_size, erode=erode)
        np.testing.assert_array_equal(actual, oracle(mask, footprint, erode=erode))


@settings(max_examples=150, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 24), st.integers(1, 24)),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.02, 0.2, 0.5, 0.85, 0.97, 1.0]),
    case=st.sampled_from(CASES),
    kernel=st.sampled_from(["disk", "box"]),
    erode=st.booleans(),
)
def test_matches_scipy_property(shape, seed, density, case, kernel, erode):
    radius, pixel_size = case
    mask = random_mask(np.random.default_rng(seed), shape, density)
    actual = run(mask, radius, kernel, pixel_size, erode=erode)
    expected = oracle(mask, brute_footprint(radius, kernel, pixel_size), erode=erode)
    np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("erode", [False, True], ids=["dilate", "erode"])
def test_blobs_with_large_radius(erode):
    # Smooth blobs make erosion keep something at large radii, unlike salt-and-pepper masks.
    rng = np.random.default_rng(7)
    image = ndimage.gaussian_filter(rng.normal(size=(90, 110)), 6)
    mask = image > np.quantile(image, 0.35 if erode else 0.9)
    for radius in ("4", "7.5", "11"):
        actual = run(mask, radius, "disk", ("1", "1"), erode=erode)
        expected = oracle(mask, brute_footprint(radius, "disk"), erode=erode)
        np.testing.assert_array_equal(actual, expected)
        assert 0 < actual.sum() < actual.size


def test_planes_are_independent():
    mask = np.zeros((2, 3, 9, 9), dtype=bool)
    mask[0, 1, 4, 4] = True
    mask[1, 2] = True
    dilated = binary_dilate(mask, 1)
    assert dilated[0, 1].sum() == 5
    assert dilated[0, 0].sum() == dilated[0, 2].sum() == dilated[1, 0].sum() == 0
    eroded = binary_erode(mask, 1)
    assert eroded[1, 2].sum() == 7 * 7
    assert eroded.sum() == 7 * 7
    for kernel in ("disk", "box"):
        for function in (binary_dilate, binary_erode):
            whole = function(mask, 2.5, kernel)
            for index in np.ndindex(mask.shape[:-2]):
                np.testing.assert_array_equal(whole[index], function(mask[index], 2.5, kernel))


# --- edge cases ----------------------------------------------------------------------------


@pytest.mark.parametrize("function", [binary_dilate, binary_erode])
@pytest.mark.parametrize("kernel", ["disk", "box"])
def test_radius_zero_returns_a_copy(function, kernel):
    mask = random_mask(np.random.default_rng(1), (6, 7), 0.5)
    result = function(mask, 0, kernel)
    np.testing.assert_array_equal(result, mask)
    assert result is not mask
    assert not np.shares_memory(result, mask)


@pytest.mark.parametrize("kernel", ["disk", "box"])
def test_empty_and_full_masks(kernel):
    empty = np.zeros((2, 8, 9), dtype=bool)
    full = np.ones((2, 8, 9), dtype=bool)
    assert not binary_dilate(empty, 2, kernel).any()
    assert not binary_erode(empty, 2, kernel).any()
    assert binary_dilate(full, 2, kernel).all()
    # Outside the map counts as False: erosion removes a frame as wide as the radius.
    expected = np.zeros_like(full)
    expected[:, 2:-2, 2:-2] = True
    np.testing.assert_array_equal(binary_erode(full, 2, kernel), expected)


@pytest.mark.parametrize("kernel", ["disk", "box"])
def test_erosion_at_the_border(kernel):
    mask = np.zeros((7, 8), dtype=bool)
    mask[:, :5] = True  # touches the top, bottom and left edges
    eroded = binary_erode(mask, 1, kernel)
    expected = np.zeros_like(mask)
    expected[1:-1, 1:4] = True
    np.testing.assert_array_equal(eroded, expected)
    # non-square pixels: the frame is 1 pixel along x and 2 along y
    eroded = binary_erode(np.ones((7, 8), dtype=bool), 0.2, kernel, (0.2, 0.1))
    assert eroded.sum() == 3 * 6
    assert eroded[2:5, 1:7].all()


@pytest.mark.parametrize("function", [binary_dilate, binary_erode])
@pytest.mark.parametrize("shape", [(0, 5, 5), (5, 0), (0, 4), (3, 0, 0)])
def test_zero_size(function, shape):
    result = function(np.zeros(shape, dtype=bool), 2)
    assert result.shape == shape
    assert result.dtype == bool


@pytest.mark.parametrize("kernel", ["disk", "box"])
def test_huge_and_tiny_radii(kernel):
    mask = np.zeros((6, 5), dtype=bool)
    mask[3, 1] = True
    assert binary_dilate(mask, 1000, kernel).all()
    assert binary_dilate(mask, 1e300, kernel).all()
    assert not binary_erode(np.ones((6, 5), dtype=bool), 1e300, kernel).any()
    np.testing.assert_array_equal(binary_dilate(mask, 1e-300, kernel), mask)
    np.testing.assert_array_equal(binary_erode(~mask, 1e-300, kernel), ~mask)


def test_single_row_and_column():
    row = np.array([[False, True, False, False, True, True, True, False]])
    np.testing.assert_array_equal(binary_dilate(row, 1)[0], [1, 1, 1, 1, 1, 1, 1, 1])
    assert not binary_erode(row, 1).any()  # the rows above and below are outside: False
    assert not binary_erode(row, 0.5, pixel_size=(0.5, 0.5)).any()
    # pixels taller than the radius: only the neighbours along x matter
    np.testing.assert_array_equal(
        binary_erode(row, 0.5, pixel_size=(0.5, 1.5))[0], [0, 0, 0, 0, 0, 1, 0, 0]
    )
    np.testing.assert_array_equal(
        binary_erode(row.T, 0.5, pixel_size=(1.5, 0.5)),
        (binary_erode(row, 0.5, pixel_size=(0.5, 1.5)).T),
    )


def test_input_unchanged_and_layouts():
    rng = np.random.default_rng(3)
    base = random_mask(rng, (30, 40), 0.6)
    before = base.copy()
    view = base.T[::2]  # non-contiguous, Fortran-like view
    for kernel in ("disk", "box"):
        for function in (binary_dilate, binary_erode):
            np.testing.assert_array_equal(
                function(view, 2.5, kernel), function(np.ascontiguousarray(view), 2.5, kernel)
            )
    np.testing.assert_array_equal(base, before)
    # lists of booleans work like arrays
    assert binary_dilate([[False, True], [False, False]], 1).tolist() == [
        [True, True],
        [False, True],
    ]


def test_scalar_pixel_size_means_square():
    mask = random_mask(np.random.default_rng(5), (20, 20), 0.3)
    np.testing.assert_array_equal(
        binary_dilate(mask, 0.3, "disk", 0.1), binary_dilate(mask, 0.3, "disk", (0.1, 0.1))
    )


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [binary_dilate, binary_erode])
def test_non_bool_mask_is_a_type_error(function):
    name = function.__name__
    message = (
        f"{name} needs a boolean mask, got dtype int64; convert with mask.astype(bool) "
        "or a comparison such as (image > 0)"
    )
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        function(np.zeros((4, 4), dtype=np.int64), 1)
    with pytest.raises(TypeError, match="got dtype float32"):
        function(np.zeros((4, 4), dtype=np.float32), 1)


@pytest.mark.parametrize("function", [binary_dilate, binary_erode])
def test_bad_shape(function):
    with pytest.raises(ValueError, match=r"at least 2 dimensions \(\.\.\., ny, nx\), got shape"):
        function(np.zeros(5, dtype=bool), 1)


@pytest.mark.parametrize("function", [binary_dilate, binary_erode, structuring_element])
def test_bad_radius(function):
    args = (np.zeros((4, 4), dtype=bool),) if function is not structuring_element else ()
    name = function.__name__
    with pytest.raises(ValueError, match=f"{name} radius must be a finite number >= 0.*-0.1"):
        function(*args, -0.1)
    with pytest.raises(ValueError, match="nan"):
        function(*args, float("nan"))
    with pytest.raises(ValueError, match="inf"):
        function(*args, float("inf"))
    with pytest.raises(TypeError, match=r"plain real number, got '0\.3 deg'"):
        function(*args, "0.3 deg")
    with pytest.raises(TypeError, match="plain real number"):
        function(*args, [1, 2, 3])
    with pytest.raises(TypeError, match="plain real number"):
        function(*args, None)


def test_quantity_radius_says_how_to_convert():
    from astropy import units as u

    with pytest.raises(TypeError, match=r"to_value\('deg'\)"):
        binary_dilate(np.zeros((4, 4), dtype=bool), 0.3 * u.deg, pixel_size=(0.1, 0.1))
    with pytest.raises(TypeError, match=r"pixel_size must be plain numbers"):
        binary_dilate(np.zeros((4, 4), dtype=bool), 3, pixel_size=[0.1, 0.1] * u.deg)


@pytest.mark.parametrize("function", [binary_dilate, binary_erode, structuring_element])
def test_bad_kernel_and_pixel_size(function):
    args = (np.zeros((4, 4), dtype=bool),) if function is not structuring_element else ()
    with pytest.raises(ValueError, match="kernel must be 'disk' or 'box', got 'square'"):
        function(*args, 1, "square")
    with pytest.raises(ValueError, match="kernel must be 'disk' or 'box', got None"):
        function(*args, 1, None)
    with pytest.raises(ValueError, match=r"pixel_size must be positive, got \(0.1, 0\)"):
        function(*args, 1, "disk", (0.1, 0))
    with pytest.raises(ValueError, match=r"one number or a pair \(x, y\)"):
        function(*args, 1, "disk", (0.1, 0.1, 0.1))
    with pytest.raises(ValueError, match="pixel_size must be a finite number"):
        function(*args, 1, "disk", (0.1, float("nan")))


# --- gammapy 2.1 reference arrays (the mask-maps tutorial) ----------------------------------


def test_reference_structure(reference):
    structure = np.load(reference / "structure_disk_0p2deg.npy")
    assert structure.shape == (1, 7, 7)
    assert structure.sum() == 29
    # gammapy's width 0.2 deg acts as a 0.3 deg radius (D4); the same disk here:
    np.testing.assert_array_equal(structuring_element(0.3, "disk", (0.1, 0.1)), structure[0])
    np.testing.assert_array_equal(structuring_element(3), structure[0])


def test_reference_erode_dilate(reference):
    mask = np.load(reference / "significance_mask_inv.npy")
    assert mask.shape == (1, 40, 50)
    assert mask.sum() == 241
    eroded = binary_erode(mask, 0.3, "disk", (0.1, 0.1))
    dilated = binary_dilate(mask, 0.3, "disk", (0.1, 0.1))
    assert eroded.sum() == 105
    assert dilated.sum() == 425
    np.testing.assert_array_equal(eroded, np.load(reference / "eroded.npy"))
    np.testing.assert_array_equal(eroded, np.load(reference / "eroded_nofft.npy"))
    np.testing.assert_array_equal(dilated, np.load(reference / "dilated_nofft.npy"))
    # gammapy's default FFT dilation (count >= 2, D3) gives 391, a subset of ours
    dilated_fft = np.load(reference / "dilated.npy")
    assert dilated_fft.sum() == 391
    assert not (dilated_fft & ~dilated).any()


@pytest.mark.parametrize("kernel", ["disk", "box"])
@pytest.mark.parametrize("erode", [False, True])
@pytest.mark.parametrize(("radius", "pixel_size"), CASES, ids=CASE_IDS)
def test_radius_pair_in_pixels_equals_radius_and_pixel_size(radius, pixel_size, kernel, erode):
    # The map layer passes per-axis pixel radii (WcsGeom.width_in_pixels): (r / sx, r / sy)
    # with the exact ratios is the same kernel as r with pixel sizes (sx, sy).
    exact = [Fraction(radius) / Fraction(size) for size in pixel_size]
    rng = np.random.default_rng(zlib.crc32(repr((radius, pixel_size, kernel)).encode()))
    mask = random_mask(rng, (2, 23, 31), 0.3 if not erode else 0.8)
    function = binary_erode if erode else binary_dilate
    actual = function(mask, tuple(float(r) for r in exact), kernel)
    expected = oracle(mask, brute_footprint(radius, kernel, pixel_size), erode=erode)
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(
        trim(structuring_element(tuple(float(r) for r in exact), kernel)),
        trim(brute_footprint(radius, kernel, pixel_size)),
    )
