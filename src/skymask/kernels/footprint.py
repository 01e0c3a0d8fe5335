"""The one disk footprint of skymask: which whole-pixel offsets lie within a radius.

Used by the morphology kernels (`skymask.kernels.morphology`: erosion and dilation, D4), the
top-hat and ring correlations (`skymask.kernels.correlation`: the excess map estimator, the
ring background, the on-off significance). The rule, in pixel units along x and y:

    an offset ``(dx, dy)`` is inside iff ``(dx / rx)^2 + (dy / ry)^2 <= (1 + 1e-9)^2``,

that is, a length (in the metric where the radius is 1) within a relative `RELATIVE_TOLERANCE`
of the radius counts as inside. Angles divided by pixel sizes carry float noise
(0.3 / 0.1 = 2.9999999999999996); together with the 1e-9 rounding of the ratio
(`skymask.utils.units.RATIO_DECIMALS`), a user who asks for 0.3 deg on a 0.1 deg grid gets
exactly 3 pixels, with the pixels at exactly 3 pixels (and the 3-4-5 triangles of a 5-pixel
radius) inside. This is also gammapy's top-hat (``x^2 + y^2 <= r^2`` at pixel centres) up to
that tolerance, so the excess maps reproduce gammapy's. A radius below one pixel along an axis
keeps only the offset 0 along it (a zero radius: only the centre).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["RELATIVE_TOLERANCE", "SQUARED_LIMIT", "disk_footprint", "half_width"]

RELATIVE_TOLERANCE = 1e-9
"""Offsets longer than the radius by less than this fraction count as inside the disk."""

#: Normalised squared lengths ``(dx / rx)^2 + (dy / ry)^2`` are compared with this limit.
SQUARED_LIMIT = (1.0 + RELATIVE_TOLERANCE) ** 2


def half_width(radius_pixels: float) -> int:
    """Largest whole pixel offset along one axis that lies inside a radius (in pixels).

    Examples
    --------
    >>> half_width(3.0), half_width(2.9999999999999996), half_width(0.5)
    (3, 3, 0)
    """
    return math.floor(radius_pixels * (1.0 + RELATIVE_TOLERANCE))


def disk_footprint(radius_x: float, radius_y: float | None = None) -> np.ndarray:
    """Boolean disk (an ellipse for different radii) of the whole-pixel offsets inside.

    Parameters
    ----------
    radius_x, radius_y : float
        Radius in pixels along x (columns) and y (rows), >= 0; ``radius_y`` defaults to
        ``radius_x``.

    Returns
    -------
    ndarray of bool, shape ``(2 hy + 1, 2 hx + 1)``
        True at the offsets inside (see the module rule), centre at ``[hy, hx]`` with
        ``hx = half_width(radius_x)``, ``hy = half_width(radius_y)``.

    Raises
    ------
    ValueError
        A negative or NaN radius.

    Examples
    --------
    >>> disk_footprint(1.0).astype(int)
    array([[0, 1, 0],
           [1, 1, 1],
           [0, 1, 0]])
    >>> int(disk_footprint(4.0).sum()), disk_footprint(4.0).shape
    (49, (9, 9))
    >>> int(disk_footprint(0.3 / 0.1).sum())  # 2.9999999999999996 pixels: exactly 3
    29
    """
    radius_y = radius_x if radius_y is None else radius_y
    if not (radius_x >= 0 and radius_y >= 0):
        raise ValueError(f"radii must be >= 0 pixels, got {radius_x} and {radius_y}")
    half_x, half_y = half_width(radius_x), half_width(radius_y)
    dy, dx = np.ogrid[-half_y : half_y + 1, -half_x : half_x + 1]
    # Below one pixel only the offset 0 fits along that axis; 0.5 keeps exactly that without
    # dividing by zero.
    radius_x, radius_y = max(radius_x, 0.5), max(radius_y, 0.5)
    return (dx / radius_x) ** 2 + (dy / radius_y) ** 2 <= SQUARED_LIMIT
