"""Energy axes, WCS and HEALPix geometries and maps."""

from .axes import MapAxes, MapAxis
from .coord import MapCoord
from .energy_regions import EnergyDependentCircles
from .geom import WcsGeom
from .hpx import HpxGeom, HpxMap, HpxNDMap  # registers map_type "hpx" with Map (it imports .map)
from .label_axis import LabelMapAxis
from .map import Map, WcsNDMap

__all__ = [  # noqa: RUF022 (HpxMap after Map, see below)
    "EnergyDependentCircles",
    "HpxGeom",
    "HpxNDMap",
    "LabelMapAxis",
    "Map",
    # after Map: the walk of the public API (tests/test_api_docstrings.py) credits the
    # methods HpxMap inherits to the first class listed that has them.
    "HpxMap",
    "MapAxes",
    "MapAxis",
    "MapCoord",
    "WcsGeom",
    "WcsNDMap",
]
