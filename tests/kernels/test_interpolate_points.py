"""kernels.sampling.interpolate_points against scipy's RegularGridInterpolator."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.interpolate import RegularGridInterpolator

from skymask.kernels.sampling import interpolate_points


@pytest.mark.parametrize("shape", [(7,), (4, 9), (3, 5, 6), (2, 1, 4, 3)])
@pytest.mark.parametrize("method", ["linear", "nearest"])
def test_matches_regular_grid_interpolator_with_extrapolation(shape, method):
    rng = np.random.default_rng(sum(shape))
    data = rng.normal(size=shape)
    pix = [rng.uniform(-2.0, n + 1.0, 400) for n in shape[::-1]]
    values, finite = interpolate_points(data, pix, method)
    assert finite.all()
    # scipy on the axes longer than one pixel (gammapy drops the others the same way)
    keep = [k for k, n in enumerate(shape) if n > 1]
    squeezed = data.reshape([shape[k] for k in keep])
    grid = [np.arange(shape[k], dtype=float) for k in keep]
    points = np.stack([pix[len(shape) - 1 - k] for k in keep], axis=-1)
    oracle = RegularGridInterpolator(
        grid, squeezed, method=method, bounds_error=False, fill_value=None
    )
    assert_allclose(values, oracle(points), rtol=1e-12, atol=1e-12)


def test_non_finite_coordinates_are_flagged_and_values_keep_dtype_for_nearest():
    data = np.array([[True, False], [False, True]])
    values, finite = interpolate_points(data, ([0.0, np.nan, 1.2], [0.0, 0.0, 0.9]), "nearest")
    assert values.dtype == bool
    assert_array_equal(finite, [True, False, True])
    assert values[finite].tolist() == [True, True]


def test_non_finite_data_count_as_zero_in_linear_unless_all_are_non_finite():
    data = np.array([np.nan, 2.0, 4.0])
    assert_allclose(interpolate_points(data, ([0.5, 1.5],), "linear")[0], [1.0, 3.0])
    all_nan = np.full(3, np.nan)
    assert np.isnan(interpolate_points(all_nan, ([1.0],), "linear")[0]).all()


def test_wrong_arguments_are_named():
    with pytest.raises(ValueError, match="need 2 pixel coordinate arrays"):
        interpolate_points(np.zeros((2, 2)), ([0.0],))
    with pytest.raises(ValueError, match="method must be one of"):
        interpolate_points(np.zeros(2), ([0.0],), "cubic")
