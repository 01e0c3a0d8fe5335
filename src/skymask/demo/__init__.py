"""The end-to-end demo: a simulated Fermi-LAT-like dataset and the mask-maps workflow."""

from .simulate import (
    DEFAULT_SEED,
    SIMULATED_SOURCES,
    SimulatedSource,
    Simulation,
    king_parameters,
    simulate,
    simulate_dataset,
    simulation_geom,
)
from .sources import BUILTIN_SOURCES, BuiltinCatalog, KnownSource
from .workflow import DemoResult, MaskSummary, run_demo

__all__ = [
    "BUILTIN_SOURCES",
    "DEFAULT_SEED",
    "SIMULATED_SOURCES",
    "BuiltinCatalog",
    "DemoResult",
    "KnownSource",
    "MaskSummary",
    "SimulatedSource",
    "Simulation",
    "king_parameters",
    "run_demo",
    "simulate",
    "simulate_dataset",
    "simulation_geom",
]
