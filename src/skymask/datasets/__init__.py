"""MapDataset, Datasets (gammapy YAML + FITS), their masks and energy ranges."""

from .datasets import Datasets
from .energy_range import EnergyBounds, EnergyRange
from .map_dataset import MapDataset
from .map_dataset_onoff import MapDatasetOnOff
from .models import FoVBackgroundModel, ModelNotEvaluatedWarning, Models, PowerLawNormSpectralModel

__all__ = [
    "Datasets",
    "EnergyBounds",
    "EnergyRange",
    "FoVBackgroundModel",
    "MapDataset",
    "MapDatasetOnOff",
    "ModelNotEvaluatedWarning",
    "Models",
    "PowerLawNormSpectralModel",
]
