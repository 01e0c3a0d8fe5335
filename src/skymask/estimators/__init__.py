"""Estimators on map datasets: the excess / significance map estimator."""

from .excess_map import ExcessMapEstimator, energy_groups
from .exposure import estimate_exposure_reco_energy
from .result import ExcessMaps
from .spectral import PowerLawSpectralModel

__all__ = [
    "ExcessMapEstimator",
    "ExcessMaps",
    "PowerLawSpectralModel",
    "energy_groups",
    "estimate_exposure_reco_energy",
]
