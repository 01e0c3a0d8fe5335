"""Friendly layer of mask morphology on maps: widths to pixel units, then the kernels."""

from __future__ import annotations

import numpy as np

__all__ = ["binary_dilate", "binary_erode", "fill_holes", "hysteresis_threshold"]


def _require_mask(m, operation: str) -> None:
    if not m.is_mask:
        raise TypeError(
            f"{operation} needs a boolean mask map, got dtype {m.data.dtype}; convert it with "
            "a comparison such as 'mask = m > 0', or with 'm.data = m.data.astype(bool)'"
        )


def _morphology(m, width, kernel, operation):
    from ..kernels import morphology

    _require_mask(m, operation)
    # The width in pixels along lon and lat (plain numbers are pixels), then the kernel.
    radius_x, radius_y = m.geom.width_in_pixels(width)
    if m.is_chunked:
        from .chunked import morphology as chunked_morphology

        data = chunked_morphology(m.data, (radius_x, radius_y), kernel, operation)
    else:
        function = getattr(morphology, operation)
        data = function(m.data, (radius_x, radius_y), kernel=kernel)
    return m.__class__(m.geom, data=data, meta=dict(m.meta))


def binary_erode(m, width, kernel="disk"):
    return _morphology(m, width, kernel, "binary_erode")


def binary_dilate(m, width, kernel="disk"):
    return _morphology(m, width, kernel, "binary_dilate")


def hysteresis_threshold(m, low, high, connectivity=1):
    from ..kernels.components import hysteresis_threshold as kernel

    if m.is_chunked:
        from .chunked import per_plane

        data = per_plane(
            kernel, m.data.astype(float), low=low, high=high, connectivity=connectivity
        )
        return m.__class__(m.geom, data=data, meta=dict(m.meta))
    data = kernel(np.asarray(m.data, dtype=float), low, high, connectivity=connectivity)
    return m.__class__(m.geom, data=data, meta=dict(m.meta))


def fill_holes(m, connectivity=1):
    from ..kernels.components import fill_holes as kernel

    _require_mask(m, "fill_holes")
    if m.is_chunked:
        from .chunked import per_plane

        data = per_plane(kernel, m.data, connectivity=connectivity)
        return m.__class__(m.geom, data=data, meta=dict(m.meta))
    return m.__class__(m.geom, data=kernel(m.data, connectivity=connectivity), meta=dict(m.meta))
