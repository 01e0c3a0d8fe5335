"""skymask: mask maps for gamma-ray astronomy.

Subpackages: `skymask.maps` (axes, geometries, maps, FITS, plots), `skymask.rasterize`,
`skymask.morphology`, `skymask.datasets`, `skymask.irf`, `skymask.catalog`,
`skymask.estimators`, `skymask.makers`, `skymask.cli`; the plain-array kernels in
`skymask.kernels`. The layers are described in ``docs/developer.md``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one version string is pyproject.toml's, read from the installed metadata.
    __version__ = version("skymask")
except PackageNotFoundError:  # a source tree on sys.path without an installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
