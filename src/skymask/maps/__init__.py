"""Energy axes, WCS and HEALPix geometries and maps."""

from .axes import MapAxes, MapAxis
from .coord import MapCoord
from .energy_regions import EnergyDependentCircles
from .geom import WcsGeom
from .hpx import HpxGeom, HpxMap, HpxNDMap  # registers map_type "hpx" with Map (it imports .map)
from .label_axis import LabelMapAxis
from .map import Map, WcsNDMap

__all__ = [
    "EnergyDependentCircles",
    "HpxGeom",
    "HpxMap",
    "HpxNDMap",
    "LabelMapAxis",
    "Map",
    "MapAxes",
    "MapAxis",
    "MapCoord",
    "WcsGeom",
    "WcsNDMap",
]
