"""Plain-array kernels: the arithmetic of skymask on ndarrays and floats (numpy and scipy only).

No astropy, regions, matplotlib or YAML here, no I/O, no skymask object: every function takes
arrays and numbers (angles in radians or pixels as each module says) and returns arrays. The
friendly layers above (`skymask.maps`, `skymask.rasterize`, `skymask.estimators`, ...) turn
Quantities, SkyCoords, regions and geometries into those numbers once and call these.

Modules: `footprint` (the one disk footprint), `morphology` (erosion, dilation),
`components` (hysteresis, hole filling), `correlation` (top-hat and ring sums), `sampling`
(nearest and linear lookups), `containment` (PSF containment integrals), `raster` (the
rasterizer core: haversine, circle limits, point in polygon, pixel tiles), `row_spans`
(circles and annuli as one span per row on cylindrical grids), `solid_angle` (pixel areas on
the sphere), `migration` (energy-dispersion matrices). An import contract
(``pyproject.toml``) keeps them this way.
"""

__all__: list[str] = []
