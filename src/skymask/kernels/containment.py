"""PSF containment on plain arrays: the kernel layer under `skymask.irf.PSFMap`.

No astropy objects here: radii are floats in radians, PSF values floats in sr^-1.

The model
---------
A PSF table gives profiles ``psf[k, i]`` (one per energy node and sky pixel) sampled at the
radius nodes ``rad[i]`` (increasing, starting at 0). The containment within ``r`` is, in the
small-angle (flat-sky) approximation that gammapy and the Fermi tools use,

    C(r) = integral_0^r g(r') dr',    g(r) = 2 pi r PSF(r).

Between nodes, ``g`` is the monotone piecewise-cubic Hermite interpolant of its node values
(PCHIP, Fritsch & Carlson 1980; `scipy.interpolate.PchipInterpolator`'s algorithm, in
`skymask.kernels.pchip`), and ``C`` is its exact
integral: a quartic in each interval. PCHIP stays between the two node values of each interval,
so ``g >= 0`` there and ``C`` never decreases; it is third-order accurate for smooth profiles
(100 times closer than the trapezoid rule on the Fermi tables' radius grid for King-function
PSFs), and it adds no wiggles at the PSF core or in flat zero tails.

Interpolation in energy or sky position is a weighted sum of the containment curves of the
table's profiles: ``C(r) = sum_j w_j C_j(r)``. Being a non-negative combination it is still
non-decreasing, and within an interval it is the quartic whose coefficients are the weighted
sums of the profiles' coefficients, which `radius_at_containment` inverts by bisection to
machine precision. So `containment_at_radius` and `radius_at_containment` are inverses.

Nothing is renormalised: beyond the last node ``C`` stays at the table's total.
"""

from __future__ import annotations

import numpy as np

from .pchip import pchip_antiderivative

__all__ = [
    "containment_at_radius",
    "containment_curves",
    "extend_to_zero",
    "linear_weights",
    "radius_at_containment",
]

# Bisection halves the interval 64 times: below the spacing of doubles for any interval.
_BISECTIONS = 64


def extend_to_zero(rad: np.ndarray, integrand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prepend a node at r = 0 (where ``2 pi r PSF`` is 0) when the first node is above 0.

    Parameters
    ----------
    rad : ndarray, shape (n,)
        Increasing, non-negative radius nodes.
    integrand : ndarray, shape (k, n)
        ``2 pi r PSF(r)`` at the nodes.
    """
    if rad[0] == 0:
        return rad, integrand
    zeros = np.zeros((integrand.shape[0], 1))
    return np.concatenate([[0.0], rad]), np.concatenate([zeros, integrand], axis=-1)


def containment_curves(rad: np.ndarray, integrand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Containment of each profile: values at the nodes and quartic coefficients per interval.

    Parameters
    ----------
    rad : ndarray, shape (n,)
        Increasing radius nodes starting at 0 (see `extend_to_zero`), n >= 2.
    integrand : ndarray, shape (k, n)
        ``2 pi r PSF(r)`` at the nodes, non-negative.

    Returns
    -------
    cumulative : ndarray, shape (k, n)
        Containment at the nodes (0 at the first).
    coefficients : ndarray, shape (k, n - 1, 5)
        ``C(r) = sum_p coefficients[..., p] * t ** (4 - p)`` with ``t = r - rad[i]`` in
        interval i (so the last coefficient is the containment at ``rad[i]``).

    Examples
    --------
    >>> import numpy as np
    >>> rad = np.array([0.0, 1.0, 2.0])
    >>> cumulative, _ = containment_curves(rad, np.array([[0.0, 1.0, 2.0]]))
    >>> cumulative.round(12).tolist()  # g(r) = r: C(r) = r^2 / 2
    [[0.0, 0.5, 2.0]]
    """
    # scipy's PchipInterpolator(rad, integrand, axis=-1).antiderivative(), bit for bit,
    # without importing scipy.interpolate (slow to import)
    coefficients = pchip_antiderivative(rad, integrand)
    last = _horner(coefficients[:, -1, :], rad[-1] - rad[-2])
    cumulative = np.concatenate([coefficients[:, :, -1], last[:, np.newaxis]], axis=1)
    return cumulative, coefficients


def _horner(coefficients, t):
    """Evaluate polynomials (highest power first, along the last axis) at ``t``."""
    result = np.zeros(np.broadcast_shapes(coefficients.shape[:-1], np.shape(t)))
    for p in range(coefficients.shape[-1]):
        result = result * t + coefficients[..., p]
    return result


def _mixed_in_interval(coefficients, index, weights, interval):
    """The quartic of each query's mixed curve in its interval, shape (m, 5)."""
    result = np.zeros((index.shape[0], coefficients.shape[-1]))
    for j in range(index.shape[1]):
        result += weights[:, j, np.newaxis] * coefficients[index[:, j], interval]
    return result


def containment_at_radius(rad, cumulative, coefficients, index, weights, radius) -> np.ndarray:
    """Containment of mixed curves: query q uses ``sum_j weights[q, j] * curve[index[q, j]]``.

    Parameters
    ----------
    rad : ndarray, shape (n,)
        The radius nodes (starting at 0).
    cumulative, coefficients : ndarray
        From `containment_curves`.
    index, weights : ndarray, shape (m, J)
        Curves and non-negative weights of each query.
    radius : ndarray, shape (m,)
        Non-negative radii; beyond the last node the containment stays at the total.

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> rad = np.array([0.0, 1.0])
    >>> curves = containment_curves(rad, np.array([[0.0, 2.0]]))  # g = 2 r: C = r^2
    >>> one = (np.zeros((2, 1), dtype=int), np.ones((2, 1)))
    >>> containment_at_radius(rad, *curves, *one, np.array([0.5, 3.0])).round(12).tolist()
    [0.25, 1.0]
    """
    radius = np.minimum(np.asarray(radius, dtype=float), rad[-1])
    interval = np.clip(np.searchsorted(rad, radius, side="right") - 1, 0, rad.size - 2)
    polynomial = _mixed_in_interval(coefficients, index, weights, interval)
    return _horner(polynomial, radius - rad[interval])


def _first_reaching(cumulative, index, weights, fraction):
    """For each query, the first node whose mixed containment reaches the fraction (or n).

    Binary search over the nodes: the mixed node containments never decrease, and only the
    nodes visited are mixed (log2(n) steps of m x J values).
    """
    low = np.zeros(fraction.size, dtype=np.int64)  # containment 0 < fraction at node 0
    high = np.full(fraction.size, cumulative.shape[1], dtype=np.int64)  # n: not reached
    while np.any(high - low > 1):
        middle = (low + high) // 2
        value = np.sum(weights * cumulative[index, middle[:, np.newaxis]], axis=1)
        below = value < fraction
        low = np.where(below, middle, low)
        high = np.where(below, high, middle)
    return high


def radius_at_containment(rad, cumulative, coefficients, index, weights, fraction) -> np.ndarray:
    """Smallest radius at which each mixed curve reaches its fraction (see `containment_at_radius`).

    Returns
    -------
    ndarray, shape (m,)
        Radii; NaN where the curve's total stays below the fraction.

    Examples
    --------
    >>> import numpy as np
    >>> rad = np.array([0.0, 1.0])
    >>> curves = containment_curves(rad, np.array([[0.0, 2.0]]))  # C = r^2 up to r = 1
    >>> one = (np.zeros((2, 1), dtype=int), np.ones((2, 1)))
    >>> radius_at_containment(rad, *curves, *one, np.array([0.25, 1.5])).tolist()
    [0.5, nan]
    """
    fraction = np.asarray(fraction, dtype=float)
    upper = _first_reaching(cumulative, index, weights, fraction)
    found = upper < rad.size
    # The first node has containment 0 < fraction, so upper >= 1 where found.
    interval = np.clip(upper - 1, 0, rad.size - 2)
    polynomial = _mixed_in_interval(coefficients, index, weights, interval)
    low = np.zeros(fraction.size)
    high = rad[interval + 1] - rad[interval]
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        below = _horner(polynomial, middle) < fraction
        low = np.where(below, middle, low)
        high = np.where(below, high, middle)
    return np.where(found, rad[interval] + high, np.nan)


def linear_weights(nodes: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices and weights of linear interpolation between increasing ``nodes``.

    ``x`` is clipped to the node range (callers check the range first). A single node gets
    weight 1 everywhere.

    Returns
    -------
    index, weights : ndarray, shape ``x.shape + (2,)``

    Examples
    --------
    >>> import numpy as np
    >>> index, weights = linear_weights(np.array([0.0, 1.0, 2.0]), np.array(1.25))
    >>> index.tolist(), weights.tolist()
    ([1, 2], [0.75, 0.25])
    """
    x = np.asarray(x, dtype=float)
    if nodes.size == 1:
        index = np.zeros((*x.shape, 2), dtype=np.int64)
        weights = np.zeros((*x.shape, 2))
        weights[..., 0] = 1.0
        return index, weights
    x = np.clip(x, nodes[0], nodes[-1])
    lower = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, nodes.size - 2)
    upper_weight = (x - nodes[lower]) / (nodes[lower + 1] - nodes[lower])
    index = np.stack([lower, lower + 1], axis=-1)
    weights = np.stack([1.0 - upper_weight, upper_weight], axis=-1)
    return index, weights
