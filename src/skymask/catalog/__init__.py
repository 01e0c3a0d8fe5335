"""Source catalogs (Fermi-LAT, H.E.S.S., HAWC, LHAASO) and catalog-based exclusion regions."""

from .core import SourceCatalog, UnknownSourceError
from .exclusion import SELECT_MODES
from .extension import DEFAULT_CONTAINMENT, SpatialComponents
from .io import CatalogWarning
from .registry import CATALOG_REGISTRY, CatalogRegistry, UnknownCatalogError
from .source import CatalogSource

# The catalog modules: each class registers itself in CATALOG_REGISTRY when it is defined,
# so the order of these imports is the order of CATALOG_REGISTRY.tags.
# isort: split
from .fermi import SourceCatalog2FHL, SourceCatalog3FGL, SourceCatalog3FHL, SourceCatalog4FGL

# isort: split
from .hess import SourceCatalogHGPS

# isort: split
from .hawc import SourceCatalog2HWC, SourceCatalog3HWC

# isort: split
from .lhaaso import SourceCatalog1LHAASO

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
