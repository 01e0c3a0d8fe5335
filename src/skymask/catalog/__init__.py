"""Source catalogs (Fermi-LAT, H.E.S.S., HAWC, LHAASO) and catalog-based exclusion regions."""

from .core import SourceCatalog, UnknownSourceError
from .exclusion import SELECT_MODES
from .extension import DEFAULT_CONTAINMENT, SpatialComponents
from .fermi import SourceCatalog2FHL, SourceCatalog3FGL, SourceCatalog3FHL, SourceCatalog4FGL
from .hawc import SourceCatalog2HWC, SourceCatalog3HWC
from .hess import SourceCatalogHGPS
from .io import CatalogWarning
from .lhaaso import SourceCatalog1LHAASO
from .registry import CATALOG_REGISTRY, CatalogRegistry, UnknownCatalogError
from .source import CatalogSource

__all__ = [
    "CATALOG_REGISTRY",
    "DEFAULT_CONTAINMENT",
    "SELECT_MODES",
    "CatalogRegistry",
    "CatalogSource",
    "CatalogWarning",
    "SourceCatalog",
    "SourceCatalog1LHAASO",
    "SourceCatalog2FHL",
    "SourceCatalog2HWC",
    "SourceCatalog3FGL",
    "SourceCatalog3FHL",
    "SourceCatalog3HWC",
    "SourceCatalog4FGL",
    "SourceCatalogHGPS",
    "SpatialComponents",
    "UnknownCatalogError",
    "UnknownSourceError",
]
