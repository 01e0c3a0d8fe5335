"""Monotone piecewise-cubic Hermite interpolation (PCHIP) and its antiderivative, in numpy.

The algorithm of `scipy.interpolate.PchipInterpolator` (Fritsch & Carlson 1980, with the
one-sided three-point end slopes of Moler's ``pchiptx``) and of its ``antiderivative()``,
operation for operation, so that the coefficients are scipy's, bit for bit, without
importing `scipy.interpolate` (about 0.3 s of a process's start-up, for the PSF containment
of a tutorial). ``tests/kernels/test_pchip.py`` checks it against scipy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pchip_antiderivative", "pchip_derivatives"]


def _edge_slope(h0, h1, m0, m1):
    """One-sided three-point slope at an end, limited to keep the shape (scipy's rule)."""
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    mask = np.sign(d) != np.sign(m0)
    mask2 = (np.sign(m0) != np.sign(m1)) & (np.abs(d) > 3.0 * np.abs(m0))
    mmm = (~mask) & mask2
    d[mask] = 0.0
    d[mmm] = 3.0 * m0[mmm]
    return d


def pchip_derivatives(x, y) -> np.ndarray:
    """PCHIP slopes at the nodes.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Strictly increasing nodes, n >= 2.
    y : ndarray, shape (n, k)
        Values at the nodes (k curves).

    Returns
    -------
    ndarray, shape (n, k)
        0 at local extrema and flat segments, else the weighted harmonic mean of the two
        adjacent secant slopes; shape-preserving one-sided slopes at both ends.

    Examples
    --------
    >>> import numpy as np
    >>> pchip_derivatives(np.array([0.0, 1.0, 2.0]), np.array([[0.0], [1.0], [0.0]])).ravel()
    array([ 2.,  0., -2.])
    """
    xv = x[:, np.newaxis]
    hk = xv[1:] - xv[:-1]
    mk = (y[1:] - y[:-1]) / hk
    if y.shape[0] == 2:
        dk = np.zeros_like(y)
        dk[0] = mk
        dk[1] = mk
        return dk
    smk = np.sign(mk)
    condition = (smk[1:] != smk[:-1]) | (mk[1:] == 0) | (mk[:-1] == 0)
    w1 = 2 * hk[1:] + hk[:-1]
    w2 = hk[1:] + 2 * hk[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # infinite or NaN where a slope is 0: those nodes are in `condition` (slope 0)
        whmean = (w1 / mk[:-1] + w2 / mk[1:]) / (w1 + w2)
    dk = np.zeros_like(y)
    dk[1:-1][~condition] = 1.0 / whmean[~condition]
    dk[0] = _edge_slope(hk[0], hk[1], mk[0], mk[1])
    dk[-1] = _edge_slope(hk[-1], hk[-2], mk[-1], mk[-2])
    return dk


def pchip_antiderivative(x, y) -> np.ndarray:
    """Coefficients of the antiderivative of the PCHIP interpolant, 0 at ``x[0]``.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Strictly increasing finite nodes, n >= 2.
    y : ndarray, shape (k, n)
        Finite values at the nodes, one curve per row.

    Returns
    -------
    ndarray, shape (k, n - 1, 5)
        In interval i, ``F(r) = sum_p c[..., i, p] * t ** (4 - p)`` with ``t = r - x[i]``:
        ``np.transpose(PchipInterpolator(x, y, axis=-1).antiderivative().c, (2, 1, 0))``.

    Raises
    ------
    ValueError
        If ``x`` is not strictly increasing with at least 2 nodes, or a value is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> c = pchip_antiderivative(np.array([0.0, 1.0, 2.0]), np.array([[0.0, 1.0, 2.0]]))
    >>> c[0, 1].tolist()  # y = r is reproduced: F = t**2 / 2 + t + 1/2 on [1, 2]
    [0.0, 0.0, 0.5, 1.0, 0.5]
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.size < 2 or y.shape[-1] != x.size:
        raise ValueError(
            f"need n >= 2 nodes and values of shape (k, n): got nodes of shape {x.shape} and "
            f"values of shape {y.shape}"
        )
    dx = np.diff(x)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))) or np.any(dx <= 0):
        raise ValueError("PCHIP nodes must be finite and strictly increasing, values finite")
    values = np.moveaxis(y.reshape(-1, x.size), -1, 0)  # (n, k), as scipy's axis 0
    slopes = pchip_derivatives(x, values)
    # CubicHermiteSpline's coefficients (highest power first) ...
    dxr = dx[:, np.newaxis]
    slope = np.diff(values, axis=0) / dxr
    t = (slopes[:-1] + slopes[1:] - 2 * slope) / dxr
    coefficients = np.zeros((5, x.size - 1, values.shape[1]))
    coefficients[:-1] = np.stack(
        (t / dxr, (slope - slopes[:-1]) / dxr - t, slopes[:-1], values[:-1])
    )
    # ... integrated term by term (PPoly.antiderivative divides by 4, 3, 2, 1) ...
    coefficients[:-1] /= np.array([4.0, 3.0, 2.0, 1.0])[:, np.newaxis, np.newaxis]
    # ... and the constants chained so that F is continuous: F at the end of the previous
    # interval, summed from the constant term up as scipy's fix_continuity does
    for interval in range(1, x.size - 1):
        s = x[interval] - x[interval - 1]
        res, z = 0.0, 1.0
        for power in range(5):
            res = res + coefficients[4 - power, interval - 1] * z * 1.0
            if power < 4:
                z *= s
        coefficients[4, interval] = res
    return np.ascontiguousarray(
        np.transpose(coefficients, (2, 1, 0)).reshape(*y.shape[:-1], x.size - 1, 5)
    )
