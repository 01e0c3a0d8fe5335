"""First LHAASO catalog (1LHAASO).

Each source has a component ``a`` (columns without suffix: its position is the catalog
position, ``RAJ2000``/``DECJ2000`` in FK5) and possibly a component ``b`` (suffix ``_b``),
one fitted with KM2A data and one with WCDA data. ``r39`` is the 39 % containment radius,
which is the sigma of a 2-D Gaussian; where only an upper limit ``r39_ul`` is given the
component is point-like. Component ``b`` is kept at its own position, so the extension
radius covers both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .core import SourceCatalog
from .extension import SpatialComponents
from .io import degrees_column, read_fits_tables, require_columns
from .source import CatalogSource

__all__ = ["SourceCatalog1LHAASO", "SourceCatalogObject1LHAASO"]


class SourceCatalogObject1LHAASO(CatalogSource):
    """A source of the 1LHAASO catalog (`SourceCatalog1LHAASO`).

    Parameters
    ----------
    name, row_index, position, row, components, info, catalog
        As `CatalogSource`: the catalog builds its sources (``catalog[name]``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from astropy.io import fits
    >>> from astropy.table import Table
    >>> from skymask.catalog import SourceCatalog1LHAASO
    >>> table = Table(  # r39: the sigma of a Gaussian; only an upper limit r39_ul: point-like
    ...     {"Source_Name": ["1LHAASO J0534+2200u", "1LHAASO J0635+0619"],
    ...      "RAJ2000": [83.62, 98.94], "DECJ2000": [22.01, 6.32], "r39": [0.0, 0.6],
    ...      "r39_ul": [0.03, 0.0]},
    ...     units={"RAJ2000": "deg", "DECJ2000": "deg", "r39": "deg", "r39_ul": "deg"},
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 1LHAASO format
    ...     path = Path(tmp) / "1LHAASO.fits"
    ...     fits.HDUList([fits.PrimaryHDU(), fits.table_to_hdu(table)]).writeto(path)
    ...     catalog = SourceCatalog1LHAASO(path)
    >>> type(catalog[0]).__name__, catalog[0].morphology, catalog[1].morphology
    ('SourceCatalogObject1LHAASO', 'point', 'gaussian')
    >>> round(float(catalog[1].extension_radius(0.68).deg), 4)  # 1.5096 sigma
    0.9058
    """

    __slots__ = ()


class SourceCatalog1LHAASO(SourceCatalog):
    """First LHAASO catalog, 90 sources (Cao et al. 2024).

    Parameters
    ----------
    filename : str or path, optional
        Catalog file. Default: the first of ``default_files`` found under ``$GAMMAPY_DATA``.
    source_name_key, source_name_alias : None
        Only for a catalog built from a table (`SourceCatalog`): a catalog class knows its
        file's columns, and giving either is a `TypeError`.

    Raises
    ------
    FileNotFoundError
        No file (the message names the path, ``GAMMAPY_DATA`` and ``filename=``).
    TypeError
        ``filename`` is a table, or ``source_name_key`` / ``source_name_alias`` is given.

    Examples
    --------
    ``SourceCatalog1LHAASO()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog1LHAASO
    >>> CATALOG_REGISTRY.get_cls("1LHAASO") is SourceCatalog1LHAASO
    True
    >>> SourceCatalog1LHAASO.default_files[0].startswith("catalogs/")
    True
    """

    tag = "1LHAASO"  # gammapy's spelling; the registry ignores letter case
    name_prefix = "1LHAASO"
    description = "First LHAASO catalog (1LHAASO)"
    default_files = ("catalogs/1LHAASO_catalog.fits",)
    source_object_class = SourceCatalogObject1LHAASO
    position_columns = ("RAJ2000", "DECJ2000", "fk5")

    def _read(self, path: Path):
        # The table HDU of this file has no name: it is the first extension.
        table = read_fits_tables(path, {"main": 1})["main"]
        require_columns(table, self._required_columns(), owner=type(self).__name__, path=path)
        return table, self._components_from(table)

    @classmethod
    def _components_from(cls, table) -> SpatialComponents:
        positions = cls._positions_from(table)
        kinds, sizes, offsets = [], [], []
        for suffix in ("", "_b"):
            if f"r39{suffix}" not in table.colnames:
                continue
            sigma = degrees_column(table[f"r39{suffix}"])
            is_gaussian = np.isfinite(sigma) & (sigma > 0)
            if suffix:
                other = cls._positions_from(table, suffix)
                offset = positions.separation(other).deg
                present = np.isfinite(offset)
            else:
                offset = np.zeros(len(table))
                present = np.ones(len(table), dtype=bool)
            kind = np.where(is_gaussian, "gaussian", "point")
            kinds.append(np.where(present, kind, ""))
            sizes.append(np.where(present & is_gaussian, sigma, np.where(present, 0.0, np.nan)))
            offsets.append(np.where(present, offset, np.nan))
        return SpatialComponents(
            np.column_stack(kinds), np.column_stack(sizes), np.column_stack(offsets)
        )
