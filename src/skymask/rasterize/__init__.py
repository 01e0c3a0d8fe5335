"""Sky and pixel regions (ds9 strings and files, `regions` objects) onto a WCS pixel grid.

`rasterize` takes ``(regions, wcs, shape)`` and returns a boolean image; it sits below
`skymask.maps` (which calls it from `WcsGeom.region_mask`) and imports no map or geometry.
"""

from ._high_level import rasterize, rasterize_regions
from ._parse import parse_regions

__all__ = ["parse_regions", "rasterize", "rasterize_regions"]
