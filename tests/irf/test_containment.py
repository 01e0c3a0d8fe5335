"""The plain-array containment kernel against slow, obvious implementations."""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq

from skymask.kernels import containment as core


def _random_profiles(seed, n, k=3):
    """k random integrand profiles on a shared random grid, with zero stretches."""
    rng = np.random.default_rng(seed)
    rad = np.concatenate([[0.0], np.cumsum(rng.uniform(0.1, 1.0, n - 1))])
    integrand = rng.uniform(0.0, 1.0, (k, n))
    integrand[:, 0] = 0.0
    integrand[rng.uniform(size=(k, n)) < 0.2] = 0.0
    integrand[:, -1] = np.maximum(integrand[:, -1], 0.1)
    return rad, integrand


def _slow_containment(rad, integrand, weights, radius):
    """Quadrature of each profile's PCHIP interpolant, mixed with the weights."""
    radius = min(radius, rad[-1])
    total = 0.0
    for profile, weight in zip(integrand, weights, strict=True):
        if weight == 0:
            continue
        interpolant = _interpolant(rad.tobytes(), profile.tobytes())
        value, _ = quad(interpolant, 0.0, radius, points=rad[1:-1], limit=500, epsabs=1e-13)
        total += weight * value
    return total


@functools.lru_cache(maxsize=64)
def _interpolant(rad_bytes, profile_bytes):
    return PchipInterpolator(np.frombuffer(rad_bytes), np.frombuffer(profile_bytes))


def _query(k, m, seed):
    rng = np.random.default_rng(seed + 1)
    index = np.tile(np.arange(k), (m, 1))
    weights = rng.uniform(0, 1, (m, k))
    weights[rng.uniform(size=(m, k)) < 0.3] = 0.0
    weights[:, 0] += 0.1
    return index, weights / weights.sum(axis=1, keepdims=True)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10))
def test_containment_matches_quadrature(seed, n):
    rad, integrand = _random_profiles(seed, n)
    radius = np.linspace(0, rad[-1] * 1.2, 9)
    index, weights = _query(3, radius.size, seed)
    curves = core.containment_curves(rad, integrand)
    actual = core.containment_at_radius(rad, *curves, index, weights, radius)
    expected = [
        _slow_containment(rad, integrand, w, r) for w, r in zip(weights, radius, strict=True)
    ]
    assert_allclose(actual, expected, rtol=1e-9, atol=1e-11)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 10))
def test_radius_is_the_smallest_root(seed, n):
    rad, integrand = _random_profiles(seed, n)
    curves = core.containment_curves(rad, integrand)
    fraction = np.linspace(0.01, 0.99, 5)
    index, weights = _query(3, fraction.size, seed)
    totals = core.containment_at_radius(rad, *curves, index, weights, np.full(5, rad[-1]))
    fraction = fraction * totals
    actual = core.radius_at_containment(rad, *curves, index, weights, fraction)
    for f, w, r in zip(fraction, weights, actual, strict=True):

        def excess(x, f=f, w=w):
            return _slow_containment(rad, integrand, w, x) - f

        root = brentq(excess, 0, rad[-1], xtol=1e-13)
        assert excess(r) == pytest.approx(0, abs=1e-9)
        # The smallest such radius: at most the root found, and below it the curve is lower
        # (brentq may land anywhere on a flat stretch).
        assert r <= root + 1e-9
        if r > 1e-6:
            assert excess(r - 1e-6) < 0


def test_containment_and_radius_are_inverse():
    rad, integrand = _random_profiles(7, 40, k=2)
    radius = np.linspace(0.01, rad[-1], 300)
    index, weights = _query(2, radius.size, 7)
    curves = core.containment_curves(rad, integrand)
    fraction = core.containment_at_radius(rad, *curves, index, weights, radius)
    back = core.radius_at_containment(rad, *curves, index, weights, fraction)
    # Equal except on flat stretches (zero PSF), where the smallest radius is returned.
    flat = (
        np.abs(
            core.containment_at_radius(rad, *curves, index, weights, radius * (1 - 1e-9)) - fraction
        )
        < 1e-15
    )
    assert_allclose(back[~flat], radius[~flat], rtol=1e-12)
    assert np.all(back[flat] <= radius[flat])


def test_containment_never_decreases():
    rad, integrand = _random_profiles(11, 30, k=4)
    curves = core.containment_curves(rad, integrand)
    radius = np.linspace(0, rad[-1], 20001)
    for k in range(4):
        one = (np.full((radius.size, 1), k), np.ones((radius.size, 1)))
        values = core.containment_at_radius(rad, *curves, *one, radius)
        assert np.all(np.diff(values) >= -1e-15)


def test_linear_integrand_is_exact():
    # g(r) = 2 r on any grid: C(r) = r^2 (PCHIP reproduces linear data).
    rad = np.array([0.0, 0.3, 0.4, 1.0, 2.5])
    curves = core.containment_curves(rad, 2 * rad[np.newaxis, :])
    radius = np.linspace(0, 2.5, 11)
    one = (np.zeros((11, 1), dtype=int), np.ones((11, 1)))
    assert_allclose(core.containment_at_radius(rad, *curves, *one, radius), radius**2, atol=1e-14)
    fractions = radius[1:] ** 2
    one = (np.zeros((10, 1), dtype=int), np.ones((10, 1)))
    actual = core.radius_at_containment(rad, *curves, *one, fractions)
    assert_allclose(actual, radius[1:], rtol=1e-13)


def test_unreached_fraction_is_nan_and_tail_is_constant():
    rad = np.array([0.0, 1.0, 2.0])
    curves = core.containment_curves(rad, np.array([[0.0, 0.4, 0.4]]))
    one = (np.zeros((1, 1), dtype=int), np.ones((1, 1)))
    total = core.containment_at_radius(rad, *curves, *one, np.array([2.0]))[0]
    assert core.containment_at_radius(rad, *curves, *one, np.array([5.0]))[0] == total
    assert np.isnan(core.radius_at_containment(rad, *curves, *one, np.array([total + 1e-3]))[0])
    assert core.radius_at_containment(rad, *curves, *one, np.array([total]))[0] == pytest.approx(2)


def test_extend_to_zero():
    rad, integrand = core.extend_to_zero(np.array([1.0, 2.0]), np.array([[2.0, 4.0]]))
    assert rad.tolist() == [0.0, 1.0, 2.0]
    assert integrand.tolist() == [[0.0, 2.0, 4.0]]
    same = core.extend_to_zero(np.array([0.0, 2.0]), np.array([[0.0, 4.0]]))
    assert same[0].tolist() == [0.0, 2.0]


def test_linear_weights():
    index, weights = core.linear_weights(np.array([0.0, 2.0, 3.0]), np.array([0.0, 1.0, 3.0]))
    assert index.tolist() == [[0, 1], [0, 1], [1, 2]]
    assert_allclose(weights, [[1, 0], [0.5, 0.5], [0, 1]])
    index, weights = core.linear_weights(np.array([5.0]), np.array([1.0, 9.0]))
    assert index.tolist() == [[0, 0], [0, 0]]
    assert weights.tolist() == [[1, 0], [1, 0]]


def test_node_search_matches_a_full_scan():
    rad, integrand = _random_profiles(3, 40, k=2)
    cumulative, _ = core.containment_curves(rad, integrand)
    index, weights = _query(2, 200, 3)
    mixed = weights[:, 0, None] * cumulative[0] + weights[:, 1, None] * cumulative[1]
    fraction = np.random.default_rng(5).uniform(0.001, 1.1, 200) * mixed[:, -1]
    reached = mixed >= fraction[:, None]
    expected = np.where(reached[:, -1], np.argmax(reached, axis=1), rad.size)
    assert np.array_equal(core._first_reaching(cumulative, index, weights, fraction), expected)
