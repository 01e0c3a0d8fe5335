"""Argument checks shared by the morphology kernels.

The kernels take plain ndarrays and floats; these checks turn the common mistakes (an integer
mask read from FITS, an angle Quantity passed where a number is expected, a negative radius)
into errors that name the function, the value and the way out.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["KERNELS", "check_connectivity", "check_kernel", "check_mask", "check_number"]

KERNELS = ("disk", "box")


def _has_unit(value) -> bool:
    # Duck-typed so that the kernel layer never imports astropy.
    return hasattr(value, "unit") and hasattr(value, "value")


def check_mask(mask, function: str) -> np.ndarray:
    """Return ``mask`` as a boolean ndarray of shape (..., ny, nx), or raise."""
    if _has_unit(mask) or hasattr(mask, "geom"):
        raise TypeError(
            f"{function} needs a boolean ndarray, got {type(mask).__name__}; "
            "pass the array itself (e.g. map.data)"
        )
    array = np.asarray(mask)
    if array.dtype != bool:
        raise TypeError(
            f"{function} needs a boolean mask, got dtype {array.dtype}; "
            "convert with mask.astype(bool) or a comparison such as (image > 0)"
        )
    if array.ndim < 2:
        raise ValueError(
            f"{function} needs an array with at least 2 dimensions (..., ny, nx), "
            f"got shape {array.shape}"
        )
    return array


def check_number(value, name: str, *, allow_infinite: bool = False) -> float:
    """Return ``value`` as a float; a Quantity, string, array or NaN raises."""
    if _has_unit(value) or isinstance(value, (bool, np.bool_, str, bytes)) or np.ndim(value) != 0:
        hint = "; convert quantities first, e.g. quantity.to_value('deg')"
        raise TypeError(
            f"{name} must be a plain real number, got {value!r}{hint if _has_unit(value) else ''}"
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a plain real number, got {value!r}") from None
    if math.isnan(number) or (not allow_infinite and math.isinf(number)):
        kind = "a number" if allow_infinite else "a finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return number


def check_radius(radius, function: str) -> float:
    """Return the radius as a float >= 0, or raise naming ``function``."""
    value = check_number(radius, f"{function} radius")
    if value < 0:
        raise ValueError(
            f"{function} radius must be a finite number >= 0 "
            f"(in the unit of pixel_size), got {radius!r}"
        )
    return value


def check_pixel_size(pixel_size, function: str) -> tuple[float, float]:
    """Return (size along x, size along y); a scalar means square pixels."""
    name = f"{function} pixel_size"
    if _has_unit(pixel_size):
        raise TypeError(
            f"{name} must be plain numbers (x, y), got {pixel_size!r}; "
            "convert quantities first, e.g. pixel_size.to_value('deg')"
        )
    if np.ndim(pixel_size) == 0:
        sizes = (pixel_size, pixel_size)
    else:
        sizes = tuple(np.asarray(pixel_size, dtype=object).ravel())
        if len(sizes) != 2 or np.ndim(pixel_size) != 1:
            raise ValueError(f"{name} must be one number or a pair (x, y), got {pixel_size!r}")
    values = tuple(check_number(size, name) for size in sizes)
    if min(values) <= 0:
        raise ValueError(f"{name} must be positive, got {pixel_size!r}")
    return values


def check_kernel(kernel, function: str) -> str:
    """Return the kernel name, or raise listing the accepted ones."""
    if not isinstance(kernel, str) or kernel not in KERNELS:
        raise ValueError(f"{function} kernel must be 'disk' or 'box', got {kernel!r}")
    return kernel


def check_connectivity(connectivity, function: str) -> int:
    """Return 1 (face neighbours) or 2 (also diagonal neighbours), or raise."""
    if (
        isinstance(connectivity, (bool, np.bool_))
        or np.ndim(connectivity) != 0
        or connectivity not in (1, 2)
    ):
        raise ValueError(
            f"{function} connectivity must be 1 (face neighbours) or 2 (with diagonals), "
            f"got {connectivity!r}"
        )
    return int(connectivity)
