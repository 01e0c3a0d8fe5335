"""The numpy PCHIP antiderivative against its oracle, `scipy.interpolate.PchipInterpolator`.

The operations are scipy's, in scipy's order, so the coefficients agree to the last bit on
the scipy this was written against (1.17); the test allows 1e-13 relative so that another
scipy build's rounding of the same formulas does not fail it.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.interpolate import PchipInterpolator

from skymask.kernels.pchip import pchip_antiderivative


def scipy_coefficients(x, y):
    return np.transpose(PchipInterpolator(x, y, axis=-1).antiderivative().c, (2, 1, 0))


def cases():
    rng = np.random.default_rng(11)
    for trial in range(60):
        n, k = int(rng.integers(2, 30)), int(rng.integers(1, 5))
        x = np.cumsum(rng.uniform(0.01, 2.0, n)) - (trial % 2) * 0.005
        y = rng.normal(size=(k, n)) * [1.0, 1e-8, 1e5][trial % 3]
        if trial % 4 == 0:
            y[:, n // 2 :] = 0.0  # flat zero tail (PSF profiles)
        if trial % 5 == 0:
            y = np.abs(y)  # non-negative, with local extrema
        if trial % 7 == 0:
            y[:, :3] = 1.0  # flat start
        yield x, y


@pytest.mark.parametrize("x, y", list(cases()))
def test_antiderivative_is_scipys(x, y):
    ours = pchip_antiderivative(x, y)
    expected = scipy_coefficients(x, y)
    assert ours.shape == expected.shape
    assert_allclose(ours, expected, rtol=1e-13, atol=1e-13 * np.abs(expected).max())


def test_king_like_profile_integrates_and_evaluates_as_scipy():
    # a PSF-like integrand 2 pi r PSF(r) on an uneven radius grid: F at arbitrary radii
    rad = np.concatenate([[0.0], np.geomspace(1e-4, 0.2, 40)])
    integrand = 2 * np.pi * rad * (1 + (rad / 0.01) ** 2) ** -2.5 * np.array([[1.0], [0.3]])
    coefficients = pchip_antiderivative(rad, integrand)
    antiderivative = PchipInterpolator(rad, integrand, axis=-1).antiderivative()
    r = np.array([0.0, 2e-4, 0.011, 0.1999])
    i = np.searchsorted(rad, r, side="right") - 1
    t = r - rad[i]
    ours = sum(coefficients[:, i, p] * t ** (4 - p) for p in range(5))
    assert_allclose(ours, antiderivative(r), rtol=1e-12, atol=1e-18)


def test_bad_nodes():
    with pytest.raises(ValueError, match="strictly increasing"):
        pchip_antiderivative([0.0, 1.0, 1.0], np.ones((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        pchip_antiderivative([0.0, 1.0], np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="n >= 2"):
        pchip_antiderivative([0.0], np.ones((1, 1)))
