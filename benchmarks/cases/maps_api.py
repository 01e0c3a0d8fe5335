"""Map API operations (issue 14: cutout, interp_by_coord of 1e6 points, smooth with a 0.2 deg
Gaussian, downsample by 4, reproject_to_geom of a 1000 x 1000 x 5 map). Empty until that API
exists in skymask; add cases here as in the other modules."""

from __future__ import annotations

CASES: list = []
