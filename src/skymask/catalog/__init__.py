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
from .fermi import (
    SourceCatalog2FHL,
    SourceCatalog3FGL,
    SourceCatalog3FHL,
    SourceCatalog4FGL,
    SourceCatalogObject2FHL,
    SourceCatalogObject3FGL,
    SourceCatalogObject3FHL,
    SourceCatalogObject4FGL,
)

# isort: split
from .hess import SourceCatalogHGPS, SourceCatalogObjectHGPS, SourceCatalogObjectHGPSComponent

# isort: split
from .hawc import (
    SourceCatalog2HWC,
    SourceCatalog3HWC,
    SourceCatalogObject2HWC,
    SourceCatalogObject3HWC,
)

# isort: split
from .lhaaso import SourceCatalog1LHAASO, SourceCatalogObject1LHAASO

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
    "SourceCatalogObject1LHAASO",
    "SourceCatalogObject2FHL",
    "SourceCatalogObject2HWC",
    "SourceCatalogObject3FGL",
    "SourceCatalogObject3FHL",
    "SourceCatalogObject3HWC",
    "SourceCatalogObject4FGL",
    "SourceCatalogObjectHGPS",
    "SourceCatalogObjectHGPSComponent",
    "SpatialComponents",
    "UnknownCatalogError",
    "UnknownSourceError",
]
