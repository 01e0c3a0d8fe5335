"""Sky and pixel regions (ds9 strings and files, `regions` objects) onto a WCS pixel grid.

`rasterize` takes ``(regions, wcs, shape)`` and returns a boolean image; it sits below
`skymask.maps` (which calls it from `WcsGeom.region_mask`) and imports no map or geometry.
Each region class is painted by the painter registered for it in `PAINTERS` (see
`skymask.rasterize.painters`).
"""

from ._grid import Grid
from ._high_level import rasterize, rasterize_regions
from ._parse import parse_regions
from ._windows import WindowPainter
from .painters import PAINTERS, CapPainter, PainterRegistry, RegionPainter

__all__ = [
    "PAINTERS",
    "CapPainter",
    "Grid",
    "PainterRegistry",
    "RegionPainter",
    "WindowPainter",
    "parse_regions",
    "rasterize",
    "rasterize_regions",
]
