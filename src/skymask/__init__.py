"""skymask: mask maps for gamma-ray astronomy.

Subpackages: `skymask.maps` (axes, geometries, maps, FITS, plots).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
