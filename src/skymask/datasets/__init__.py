"""MapDataset, Datasets (gammapy YAML + FITS), their masks and energy ranges."""

from .datasets import Datasets, Models
from .energy_range import EnergyBounds, EnergyRange
from .map_dataset import MapDataset
from .map_dataset_onoff import MapDatasetOnOff

__all__ = ["Datasets", "EnergyBounds", "EnergyRange", "MapDataset", "MapDatasetOnOff", "Models"]
