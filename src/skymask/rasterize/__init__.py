"""Sky and pixel regions (ds9 strings and files, `regions` objects) onto a geometry."""

from ._high_level import rasterize_regions
from ._parse import parse_regions

__all__ = ["parse_regions", "rasterize_regions"]
