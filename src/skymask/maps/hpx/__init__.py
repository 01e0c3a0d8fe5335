"""HEALPix geometries and maps: `HpxGeom`, `HpxNDMap` (gammapy 2.1's ``gammapy.maps.hpx``).

Pixel centres come from skymask's ring formulas (`skymask.kernels.healpix`), lookups and
ordering conversions from cdshealpix; region masks and morphology are exact on the sphere.
"""

from ..map import register_map_type
from .geom import HpxGeom
from .ndmap import HpxNDMap

register_map_type("hpx", HpxGeom, HpxNDMap, reader=HpxNDMap._read_if_healpix)

__all__ = ["HpxGeom", "HpxNDMap"]
