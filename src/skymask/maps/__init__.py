"""Energy axes, WCS geometries and maps."""

from .axes import MapAxes, MapAxis
from .coord import MapCoord
from .energy_regions import EnergyDependentCircles
from .geom import WcsGeom
from .label_axis import LabelMapAxis
from .map import Map, WcsNDMap

__all__ = [
    "EnergyDependentCircles",
    "LabelMapAxis",
    "Map",
    "MapAxes",
    "MapAxis",
    "MapCoord",
    "WcsGeom",
    "WcsNDMap",
]
