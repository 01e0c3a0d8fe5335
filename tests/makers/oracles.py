"""Slow, obvious reference implementations for the maker and reprojection tests.

They use astropy's high-level WCS API and plain loops, nothing from `skymask.maps.reproject`
or `skymask.makers`.
"""

from __future__ import annotations

import numpy as np


def nearest_lookup(source_data, source_geom, target_geom, fill_value):
    """Source image value at each target image pixel centre (nearest pixel), else fill_value.

    For every target pixel: its world coordinate (a SkyCoord in the target frame), then
    ``WCS.world_to_pixel`` on the source WCS (which converts frames), then
    ``floor(pix + 0.5)``; inside the source image its value, otherwise ``fill_value``.
    """
    source_data = np.asarray(source_data)
    ny, nx = target_geom.data_shape_image
    src_ny, src_nx = source_data.shape
    out = np.full((ny, nx), fill_value, dtype=source_data.dtype)
    y, x = np.indices((ny, nx))
    sky = target_geom.wcs.pixel_to_world(x.ravel(), y.ravel())
    px, py = source_geom.wcs.world_to_pixel(sky)
    for k, (xk, yk) in enumerate(zip(px, py, strict=True)):
        if not (np.isfinite(xk) and np.isfinite(yk)):
            continue
        i, j = int(np.floor(xk + 0.5)), int(np.floor(yk + 0.5))
        if 0 <= i < src_nx and 0 <= j < src_ny:
            out.flat[k] = source_data[j, i]
    return out


def source_pixel_coords(source_geom, target_geom):
    """Source pixel coordinates (x, y) of the target pixel centres, via SkyCoord."""
    ny, nx = target_geom.data_shape_image
    y, x = np.indices((ny, nx))
    sky = target_geom.wcs.pixel_to_world(x, y)
    px, py = source_geom.wcs.world_to_pixel(sky)
    return np.asarray(px), np.asarray(py)


def ring_offsets(r_in_pix, r_out_pix):
    """Integer offsets (dx, dy) with r_in <= sqrt(dx^2 + dy^2) <= r_out (square pixels)."""
    n = int(np.ceil(r_out_pix))
    return [
        (dx, dy)
        for dy in range(-n, n + 1)
        for dx in range(-n, n + 1)
        if r_in_pix**2 <= dx * dx + dy * dy <= r_out_pix**2
    ]


def ring_sum(image, allowed, r_in_pix, r_out_pix):
    """Sum of image over the allowed pixels of the ring around every pixel (one 2-D plane)."""
    values = np.where(allowed, image, 0).astype(float)
    ny, nx = values.shape
    out = np.zeros((ny, nx))
    for dx, dy in ring_offsets(r_in_pix, r_out_pix):
        # out[y, x] += values[y + dy, x + dx] where inside the image
        ys = slice(max(0, -dy), min(ny, ny - dy))
        xs = slice(max(0, -dx), min(nx, nx - dx))
        ys_src = slice(ys.start + dy, ys.stop + dy)
        xs_src = slice(xs.start + dx, xs.stop + dx)
        out[ys, xs] += values[ys_src, xs_src]
    return out
