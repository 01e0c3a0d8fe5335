"""HAWC catalogs 2HWC and 3HWC (ECSV tables).

Each ``spec{i}_radius`` column is the radius of the disk assumed for a spectral fit (0 for the
point-source assumption). The main model comes from ``spec0_radius``; 2HWC also has
``spec1_radius`` (the extended-source fit), kept as a second disk component so that the
extension radius covers it: 2HWC J0631+169 is point-like in the main fit but also fitted as a
2-degree disk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy import units as u

from .core import SourceCatalog
from .extension import SpatialComponents
from .info import info_sections
from .io import degrees_column, read_ecsv_table, require_columns
from .source import CatalogSource

__all__ = [
    "SourceCatalog2HWC",
    "SourceCatalog3HWC",
    "SourceCatalogObject2HWC",
    "SourceCatalogObject3HWC",
]


class SourceCatalogObject2HWC(CatalogSource):
    """A source of the 2HWC catalog (`SourceCatalog2HWC`): one or two spectral fits.

    Parameters
    ----------
    name, row_index, position, row, components, info, catalog
        As `CatalogSource`: the catalog builds its sources (``catalog[name]``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from astropy.table import Table
    >>> from skymask.catalog import SourceCatalog2HWC
    >>> nan = float("nan")
    >>> table = Table(  # the second source also fitted as a 2-degree disk (spec1)
    ...     {"source_name": ["2HWC J0534+220", "2HWC J0631+169"], "ra": [83.63, 97.99],
    ...      "dec": [22.02, 16.91], "spec0_radius": [0.0, 0.0], "spec1_radius": [nan, 2.0],
    ...      "spec1_dnde": [nan, 1e-14]},
    ...     units={"ra": "deg", "dec": "deg", "spec0_radius": "deg", "spec1_radius": "deg",
    ...            "spec1_dnde": "cm-2 s-1 TeV-1"},
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 2HWC format
    ...     table.write(Path(tmp) / "2HWC.ecsv")
    ...     catalog = SourceCatalog2HWC(Path(tmp) / "2HWC.ecsv")
    >>> source = catalog["2HWC J0631+169"]
    >>> type(source).__name__, source.morphology, source.n_models
    ('SourceCatalogObject2HWC', 'point', 2)
    >>> source.extension_radius()  # covers the disk of the second fit
    <Angle 2. deg>
    """

    __slots__ = ()

    @property
    def n_models(self) -> int:
        """Number of spectral fits: 2 where the extended-source fit (``spec1``) exists.

        Examples
        --------
        >>> from skymask.catalog import SourceCatalog2HWC
        >>> catalog = SourceCatalog2HWC()  # doctest: +SKIP
        >>> catalog["2HWC J0631+169"].n_models  # doctest: +SKIP
        2
        """
        value = self.data.get("spec1_dnde")
        if value is None:
            return 1
        return 1 if np.isnan(u.Quantity(value).value) else 2

    def _spectrum_lines(self, idx: int) -> str:
        d = self.data
        val, err = d[f"spec{idx}_dnde"].value, d[f"spec{idx}_dnde_err"].value
        ss = f"Spectrum {idx}:\n"
        ss += f"Flux at 7 TeV: {val:.3} +- {err:.3} cm-2 s-1 TeV-1\n"
        val, err = _plain(d[f"spec{idx}_index"]), _plain(d[f"spec{idx}_index_err"])
        ss += f"Spectral index: {val:.3f} +- {err:.3f}\n"
        ss += f"Test Radius: {d[f'spec{idx}_radius']:1}\n\n"
        return ss


class SourceCatalogObject3HWC(SourceCatalogObject2HWC):
    """A source of the 3HWC catalog (`SourceCatalog3HWC`): one spectral fit.

    Parameters
    ----------
    name, row_index, position, row, components, info, catalog
        As `CatalogSource`: the catalog builds its sources (``catalog[name]``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from astropy.table import Table
    >>> from skymask.catalog import SourceCatalog3HWC
    >>> table = Table(
    ...     {"source_name": ["3HWC J0534+220", "3HWC J0631+169"], "ra": [83.63, 97.99],
    ...      "dec": [22.02, 17.02], "spec0_radius": [0.0, 2.0]},
    ...     units={"ra": "deg", "dec": "deg", "spec0_radius": "deg"},
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 3HWC format
    ...     table.write(Path(tmp) / "3HWC.ecsv")
    ...     catalog = SourceCatalog3HWC(Path(tmp) / "3HWC.ecsv")
    >>> source = catalog["3HWC J0631+169"]
    >>> type(source).__name__, source.morphology, source.extension
    ('SourceCatalogObject3HWC', 'disk', <Angle 2. deg>)
    """

    __slots__ = ()

    @property
    def n_models(self) -> int:
        """Number of spectral fits: always 1 in 3HWC.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalog3HWC
        >>> table = Table(
        ...     {"source_name": ["3HWC J0534+220", "3HWC J0631+169"], "ra": [83.63, 97.99],
        ...      "dec": [22.02, 17.02], "spec0_radius": [0.0, 2.0]},
        ...     units={"ra": "deg", "dec": "deg", "spec0_radius": "deg"},
        ... )
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 3HWC format
        ...     table.write(Path(tmp) / "3HWC.ecsv")
        ...     catalog = SourceCatalog3HWC(Path(tmp) / "3HWC.ecsv")
        >>> catalog["3HWC J0631+169"].n_models
        1
        """
        return 1

    def _spectrum_lines(self, idx: int) -> str:
        d = self.data
        val, errn, errp = (
            d[f"spec{idx}_dnde"].value,
            d[f"spec{idx}_dnde_errn"].value,
            d[f"spec{idx}_dnde_errp"].value,
        )
        ss = f"Spectrum {idx}:\n"
        ss += f"Flux at 7 TeV: {val:.3} {errn:.3} + {errp:.3} cm-2 s-1 TeV-1\n"
        val, errn, errp = (
            _plain(d[f"spec{idx}_index"]),
            _plain(d[f"spec{idx}_index_errn"]),
            _plain(d[f"spec{idx}_index_errp"]),
        )
        ss += f"Spectral index: {val:.3f} {errn:.3f} + {errp:.3f}\n"
        ss += f"Test Radius: {d[f'spec{idx}_radius']:1}\n\n"
        return ss


def _plain(value) -> float:
    return float("nan") if value is None else float(u.Quantity(value).value)


def hawc_info(catalog, source, info: str = "all") -> str:
    """gammapy 2.1's HAWC page: basic, position, spectrum (``spatial``: skymask's section)."""
    from .info import InfoPage, spatial_section

    ops = info_sections(info, "basic,position,spectrum,spatial", optional=("spatial",))
    ss = ""
    if "basic" in ops:
        ss += (
            "\n*** Basic info ***\n\n"
            f"Catalog row index (zero-based) : {source.row_index}\n"
            f"Source name : {source.name}\n"
        )
    if "position" in ops:
        d = source.data
        ss += (
            "\n*** Position info ***\n\n"
            f"RA: {d['ra']:.3f}\n"
            f"DEC: {d['dec']:.3f}\n"
            f"GLON: {d['glon']:.3f}\n"
            f"GLAT: {d['glat']:.3f}\n"
            f"Position error: {d['pos_err']:.3f}\n"
        )
    if "spectrum" in ops:
        ss += "\n*** Spectral info ***\n\n"
        ss += source._spectrum_lines(0)
        ss += source._spectrum_lines(1) if source.n_models == 2 else "No second spectrum available"
    if "spatial" in ops:
        page = InfoPage(source._page_data)
        spatial_section(page, source)
        ss += page.render()
    return ss


class _HawcCatalog(SourceCatalog):
    name_column = "source_name"
    position_columns = ("ra", "dec", "icrs")

    def _info_page(self, source, info):
        return hawc_info(self, source, info)

    def _read(self, path: Path):
        table = read_ecsv_table(path, owner=type(self).__name__)
        require_columns(
            table,
            (*self._required_columns(), "spec0_radius"),
            owner=type(self).__name__,
            path=path,
        )
        return table, hawc_components(table)


def hawc_components(table) -> SpatialComponents:
    """A disk (or point, for radius 0) per ``spec{i}_radius`` column, all at the position."""
    columns = [f"spec{i}_radius" for i in range(10) if f"spec{i}_radius" in table.colnames]
    if not columns:
        raise ValueError("a HAWC catalog table needs spec0_radius (the spectral-fit radius)")
    radius = np.column_stack([degrees_column(table[name]) for name in columns])
    is_disk = np.isfinite(radius) & (radius > 0)
    kind = np.where(is_disk, "disk", "").astype(object)
    kind[:, 0] = np.where(is_disk[:, 0], "disk", "point")
    kind = kind.astype(str)
    size = np.where(is_disk, radius, np.where(kind == "point", 0.0, np.nan))
    offset = np.where(kind == "", np.nan, 0.0)
    return SpatialComponents(kind, size, offset)


class SourceCatalog2HWC(_HawcCatalog):
    """HAWC 2HWC catalog, 40 sources (Abeysekara et al. 2017).

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
    ``SourceCatalog2HWC()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog2HWC
    >>> CATALOG_REGISTRY.get_cls("2hwc") is SourceCatalog2HWC
    True
    >>> SourceCatalog2HWC.default_files[0].startswith("catalogs/")
    True
    """

    tag = "2hwc"
    name_prefix = "2HWC"
    description = "HAWC 2HWC catalog"
    default_files = ("catalogs/2HWC.ecsv",)
    source_object_class = SourceCatalogObject2HWC


class SourceCatalog3HWC(_HawcCatalog):
    """HAWC 3HWC catalog, 65 sources (Albert et al. 2020).

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
    ``SourceCatalog3HWC()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog3HWC
    >>> CATALOG_REGISTRY.get_cls("3hwc") is SourceCatalog3HWC
    True
    >>> SourceCatalog3HWC.default_files[0].startswith("catalogs/")
    True
    """

    tag = "3hwc"
    name_prefix = "3HWC"
    description = "HAWC 3HWC catalog"
    default_files = ("catalogs/3HWC.ecsv",)
    source_object_class = SourceCatalogObject3HWC
