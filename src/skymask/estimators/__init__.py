"""Estimators on map datasets: the excess / significance map estimator, Li & Ma maps."""

from .excess_map import ExcessMapEstimator, energy_groups
from .exposure import estimate_exposure_reco_energy
from .result import ExcessMaps
from .significance import li_ma_significance_map
from .spectral import PowerLawSpectralModel

__all__ = [
    "ExcessMapEstimator",
    "ExcessMaps",
    "PowerLawSpectralModel",
    "energy_groups",
    "estimate_exposure_reco_energy",
    "li_ma_significance_map",
]
