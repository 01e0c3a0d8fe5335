"""Regions onto one window (a rectangle of pixels) of a large grid, for chunked masks.

A chunked mask is painted window by window (`skymask.maps.chunked`): each window is the same
map seen through a WCS whose reference pixel is shifted by the window's corner, so its pixel
centres are the map's pixel centres. Only the regions whose bounding circle can reach the
window are painted there; the others are dropped before any pixel is looked at.

Why the result is the map's: the painters test pixel centres, and the centres of the window
are those of the map (the shifted reference pixel is exact for the reference pixels of
gammapy-style geometries, integers and half-integers, so wcslib computes the same
coordinates). The ds9 exclude rule ("only exclude regions: the include region is the whole
map") is decided once for the whole set, not per window.
"""

from __future__ import annotations

import copy
from fractions import Fraction

import numpy as np
from regions import PixelRegion

from ..utils.units import describe
from ._grid import Grid
from ._high_level import _centres_rad, _paint_include_exclude
from ._parse import parse_regions
from ._tiles import may_reach_map
from .painters import PAINTERS

__all__ = ["WindowPainter"]


class WindowPainter:
    """Paint the regions onto any window ``[y0:y1, x0:x1]`` of a ``(ny, nx)`` grid on ``wcs``.

    The regions are parsed once; `paint` can then be called for each window (in any process:
    the painter pickles). ``paint(0, ny, 0, nx)`` equals ``rasterize(regions, wcs, shape)``,
    and the windows of a partition put together equal it too.

    Parameters
    ----------
    regions : ds9 string or file, `regions.Regions`, list of regions, region or SkyCoord
        Any input `skymask.rasterize.parse_regions` accepts, except pixel regions (their
        coordinates belong to one grid; give sky regions).
    wcs : `~astropy.wcs.WCS`
        Celestial WCS of the whole grid.
    shape : (int, int)
        Shape ``(ny, nx)`` of the whole grid.

    Raises
    ------
    ValueError
        For pixel regions.

    Examples
    --------
    >>> from astropy.wcs import WCS
    >>> from skymask.rasterize import rasterize
    >>> wcs = WCS(naxis=2)
    >>> wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
    >>> wcs.wcs.cdelt = [-0.1, 0.1]
    >>> wcs.wcs.crpix = [10.5, 5.5]
    >>> text = "galactic;circle(0, 0, 0.35)"
    >>> painter = WindowPainter(text, wcs, (10, 20))
    >>> left, right = painter.paint(0, 10, 0, 9), painter.paint(0, 10, 9, 20)
    >>> bool((np.hstack([left, right]) == rasterize(text, wcs, (10, 20))).all())
    True
    """

    def __init__(self, regions, wcs, shape):
        grid = Grid(wcs, shape)
        self.wcs = wcs
        self.shape = grid.data_shape_image
        pairs = parse_regions(regions)
        for region, _ in pairs:
            if isinstance(region, PixelRegion):
                raise ValueError(
                    f"a chunked region mask takes sky regions, got the pixel region "
                    f"{describe(region)}: its pixel coordinates belong to one grid; give it in "
                    "sky coordinates, or build the mask without chunks"
                )
        self.pairs = pairs
        self.only_excluded = bool(pairs) and not any(include for _, include in pairs)
        # Bounding circles in the map frame (radians); None: always painted.
        circles = [PAINTERS.painter_for(region).bounding_circle(region) for region, _ in pairs]
        self._bounded = np.array([c is not None for c in circles], dtype=bool)
        centres = [c[0] for c in circles if c is not None]
        if centres:
            self._lon, self._lat = _centres_rad(grid, centres)
            radius = np.radians([float(c[1]) for c in circles if c is not None])
            # Shapes drawn in the pixel plane (polygons) can stray from their circle: the
            # painters search twice as far, so the selection does too.
            margin = 2 * np.radians(np.hypot(*grid.pixel_scales_deg))
            self._reach = np.minimum(2 * radius + margin, np.pi)
        else:
            self._lon = self._lat = self._reach = np.zeros(0)

    def window_wcs(self, y0: int, x0: int):
        """The WCS of the window whose first pixel is the map's pixel ``(x0, y0)``.

        Raises ValueError when the shifted reference pixel is not exact in float64 (the
        window's pixel centres would then differ from the map's in the last bit).

        Parameters
        ----------
        y0, x0 : int
            The map pixel (row, column) that is the window's first pixel.

        Returns
        -------
        `~astropy.wcs.WCS`
            The window's WCS (the map's, with the reference pixel shifted).

        Raises
        ------
        ValueError
            When the shifted reference pixel is not exact in float64.

        Examples
        --------
        >>> from astropy.wcs import WCS
        >>> from skymask.rasterize import WindowPainter
        >>> wcs = WCS(naxis=2)
        >>> wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
        >>> wcs.wcs.cdelt = [-0.1, 0.1]
        >>> wcs.wcs.crpix = [10.5, 5.5]
        >>> painter = WindowPainter("galactic;circle(0, 0, 0.35)", wcs, (10, 20))
        >>> painter.window_wcs(0, 9).wcs.crpix.tolist()
        [1.5, 5.5]
        """
        wcs = copy.deepcopy(self.wcs)
        crpix = np.array(wcs.wcs.crpix, dtype=float)
        shifted = crpix - np.array([x0, y0], dtype=float)
        for value, start, result in zip(crpix, (x0, y0), shifted, strict=True):
            if Fraction(float(result)) != Fraction(float(value)) - start:
                raise ValueError(
                    f"the reference pixel {tuple(crpix)} cannot be shifted by {(x0, y0)} "
                    "exactly in float64, so a window would not reproduce the map's pixel "
                    "centres; build this mask without chunks"
                )
        wcs.wcs.crpix = shifted
        return wcs

    def paint(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """Boolean ``(y1 - y0, x1 - x0)`` window: True inside the union of the regions.

        Parameters
        ----------
        y0, y1, x0, x1 : int
            Rows ``y0:y1`` and columns ``x0:x1`` of the map.

        Returns
        -------
        ndarray of bool
            A new, writable array.

        Examples
        --------
        >>> from astropy.wcs import WCS
        >>> from skymask.rasterize import WindowPainter
        >>> wcs = WCS(naxis=2)
        >>> wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
        >>> wcs.wcs.cdelt = [-0.1, 0.1]
        >>> wcs.wcs.crpix = [10.5, 5.5]
        >>> painter = WindowPainter("galactic;circle(0, 0, 0.35)", wcs, (10, 20))
        >>> int(painter.paint(0, 10, 0, 10).sum()), int(painter.paint(0, 10, 10, 20).sum())
        (16, 16)
        """
        ny, nx = self.shape
        if not (0 <= y0 < y1 <= ny and 0 <= x0 < x1 <= nx):
            raise ValueError(
                f"the window [{y0}:{y1}, {x0}:{x1}] is not a non-empty part of the {ny} x {nx} grid"
            )
        grid = Grid(self.window_wcs(y0, x0), (y1 - y0, x1 - x0))
        reaches = np.ones(len(self.pairs), dtype=bool)
        if self._bounded.any():
            reaches[self._bounded] = may_reach_map(grid, self._lon, self._lat, self._reach)
        included = [r for (r, inc), go in zip(self.pairs, reaches, strict=True) if go and inc]
        excluded = [r for (r, inc), go in zip(self.pairs, reaches, strict=True) if go and not inc]
        return _paint_include_exclude(grid, included, excluded, only_excluded=self.only_excluded)
