"""The pixel grid a rasterizer paints on: a celestial WCS and an image shape, nothing else.

`skymask.rasterize` sits below `skymask.maps`: it takes ``(regions, wcs, shape)``, not a map
geometry. `Grid` holds what the painters need from the WCS, computed once per call.
"""

from __future__ import annotations

import numpy as np
from astropy.wcs import WCS
from astropy.wcs.utils import proj_plane_pixel_scales

from ..utils.frames import frame_from_wcs
from ..utils.units import describe

__all__ = ["Grid"]


class Grid:
    """A 2-D celestial WCS with an image shape ``(ny, nx)`` (pixel centres at 0-based indices).

    Parameters
    ----------
    wcs : `~astropy.wcs.WCS`
        Celestial WCS with two axes (longitude first).
    shape : (int, int)
        Image shape in numpy order ``(ny, nx)``.

    Examples
    --------
    >>> from skymask.maps import WcsGeom
    >>> from skymask.rasterize import Grid
    >>> grid = Grid(WcsGeom.create(npix=(5, 4), binsz=1).wcs, (4, 5))
    >>> grid.npix, grid.data_shape_image, grid.projection
    ((5, 4), (4, 5), 'CAR')

    Attributes
    ----------
    wcs, npix (nx, ny), data_shape_image (ny, nx), sky_frame (astropy frame), projection
    (FITS code), pixel_scales_deg (pixel size along lon and lat at the reference point).
    """

    def __init__(self, wcs, shape):
        if not isinstance(wcs, WCS) or wcs.naxis != 2:
            raise TypeError(f"wcs must be a 2-axis astropy WCS, got {describe(wcs)}")
        try:
            ny, nx = (int(n) for n in shape)
        except (TypeError, ValueError):
            raise TypeError(f"shape must be (ny, nx), got {describe(shape)}") from None
        if nx < 1 or ny < 1:
            raise ValueError(f"shape must have at least one pixel per axis, got {(ny, nx)}")
        self.wcs = wcs
        self.npix = (nx, ny)
        self.data_shape_image = (ny, nx)
        self.frame, self.sky_frame = frame_from_wcs(wcs)
        self.projection = wcs.wcs.ctype[0][5:]
        self.pixel_scales_deg = np.asarray(proj_plane_pixel_scales(wcs), dtype=float)
