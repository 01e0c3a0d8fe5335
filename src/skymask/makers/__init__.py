"""Background makers that use exclusion masks: FoV normalisation and ring background."""

from ..datasets.map_dataset_onoff import MapDatasetOnOff
from .exclusion import exclusion_on_geom
from .fov import BackgroundNorm, BackgroundNormWarning, FoVBackgroundMaker
from .ring import RingBackgroundMaker

__all__ = [
    "BackgroundNorm",
    "BackgroundNormWarning",
    "FoVBackgroundMaker",
    "MapDatasetOnOff",
    "RingBackgroundMaker",
    "exclusion_on_geom",
]
