"""H.E.S.S. Galactic plane survey catalog (HGPS).

Spatial models (``Spatial_Model``): ``Point-Like``; ``Gaussian`` with ``Size`` the Gaussian
sigma (masked, with ``Size_UL``, for sources that are point-like within the upper limit);
``2-Gaussian`` / ``3-Gaussian``, whose ``Size`` describes the combined emission and whose
components (``HGPS_GAUSS_COMPONENTS``) are kept as extra Gaussian components at their own
positions, because they reach further than the combined size; ``Shell`` with ``Size`` the
outer shell radius.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from astropy.coordinates import SkyCoord

from .core import SourceCatalog
from .extension import SpatialComponents
from .info_hgps import hgps_info
from .io import (
    CatalogWarning,
    degrees_column,
    read_fits_tables,
    read_optional_fits_tables,
    require_columns,
    string_column,
)

__all__ = ["SourceCatalogHGPS"]

_MULTI_GAUSSIAN = ("2-gaussian", "3-gaussian")


class SourceCatalogHGPS(SourceCatalog):
    """H.E.S.S. Galactic plane survey (HGPS) catalog, 78 sources.

    Besides `table` (``HGPS_SOURCES``) it keeps ``table_components``
    (``HGPS_GAUSS_COMPONENTS``).

    Parameters
    ----------
    filename : str or path, optional
        Catalog file. Default: the first of ``default_files`` found under ``$GAMMAPY_DATA``.

    Examples
    --------
    ``SourceCatalogHGPS()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalogHGPS
    >>> CATALOG_REGISTRY.get_cls("hgps") is SourceCatalogHGPS
    True
    >>> SourceCatalogHGPS.default_files[0].startswith("catalogs/")
    True
    """

    tag = "hgps"
    name_prefix = "HESS"
    description = "H.E.S.S. Galactic plane survey (HGPS) source catalog"
    default_files = ("catalogs/hgps_catalog_v1.fits.gz",)
    alias_columns = ("Identified_Object",)

    def _info_page(self, source, info):
        return hgps_info(self, source, info)

    def _read(self, path: Path):
        tables = read_fits_tables(
            path, {"main": "HGPS_SOURCES", "components": "HGPS_GAUSS_COMPONENTS"}
        )
        table = tables["main"]
        owner = type(self).__name__
        require_columns(
            table,
            (*self._required_columns(), "Spatial_Model", "Size"),
            owner=owner,
            path=path,
            what="HGPS_SOURCES table",
        )
        require_columns(
            tables["components"],
            ("Source_Name", "GLON", "GLAT", "Size"),
            owner=owner,
            path=path,
            what="HGPS_GAUSS_COMPONENTS table",
        )
        self.table_components = tables["components"]
        # For the information pages, as gammapy's (absent in hand-made files).
        optional = read_optional_fits_tables(
            path, {"associations": "HGPS_ASSOCIATIONS", "identifications": "HGPS_IDENTIFICATIONS"}
        )
        self.table_associations = optional.get("associations")
        self.table_identifications = optional.get("identifications")
        components = hgps_components(table, self.table_components, self._positions_from(table))
        return table, components


def hgps_components(table, table_components, positions: SkyCoord) -> SpatialComponents:
    """Main model per source plus the Gaussian components of multi-Gaussian sources."""
    models = np.char.lower(string_column(table, "Spatial_Model"))
    size = degrees_column(table["Size"])
    has_size = np.isfinite(size) & (size > 0)

    kind = np.full(len(table), "point", dtype=object)
    kind[(models == "shell") & has_size] = "shell"
    gaussian = np.isin(models, ("gaussian", *_MULTI_GAUSSIAN)) & has_size
    kind[gaussian] = "gaussian"
    unknown = ~np.isin(models, ("point-like", "gaussian", "shell", *_MULTI_GAUSSIAN))
    if unknown.any():
        warnings.warn(
            f"HGPS: unknown Spatial_Model {sorted(set(models[unknown]))}, treated as point-like",
            CatalogWarning,
            stacklevel=4,
        )
    main = SpatialComponents.single(kind.astype(str), np.where(kind == "point", 0.0, size))

    # Components of 2- and 3-Gaussian sources, one column per component.
    source_of = string_column(table_components, "Source_Name")
    component_position = SkyCoord(
        degrees_column(table_components["GLON"]),
        degrees_column(table_components["GLAT"]),
        unit="deg",
        frame="galactic",
    )
    component_size = degrees_column(table_components["Size"])
    names = string_column(table, "Source_Name")
    rows = [
        np.flatnonzero(source_of == name) if models[i] in _MULTI_GAUSSIAN else np.array([], int)
        for i, name in enumerate(names)
    ]
    width = max((len(r) for r in rows), default=0)
    extra_kind = np.full((len(table), width), "", dtype=object)
    extra_size = np.full((len(table), width), np.nan)
    extra_offset = np.full((len(table), width), np.nan)
    for i, component_rows in enumerate(rows):
        n = len(component_rows)
        if n == 0:
            continue
        extra_kind[i, :n] = "gaussian"
        extra_size[i, :n] = component_size[component_rows]
        extra_offset[i, :n] = positions[i].separation(component_position[component_rows]).deg
    return main.with_extra(extra_kind.astype(str), extra_size, extra_offset)
