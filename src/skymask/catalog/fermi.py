"""Fermi-LAT catalogs: 4FGL (any data release), 3FGL, 2FHL and 3FHL.

Extended sources: a source is extended when its ``Extended_Source_Name`` is not blank (2FHL
has no such column: its extended sources have names ending in ``e`` and are listed under that
name). The shape comes from the extended-sources HDU: ``Model_Form`` (Disk, 2D Gaussian,
Ring, Map, elliptical variants) and ``Model_SemiMajor``. For disks ``Model_SemiMajor`` is the
radius; for Gaussians it is the 68 % containment radius, so sigma is
``Model_SemiMajor / 1.5096`` (as the LAT collaboration's fermipy reads these files; gammapy 2.1
uses it as sigma directly). Ring and Map sizes are taken as the outer radius.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from astropy.table import Table

from .columns import read_columns
from .core import SourceCatalog
from .extension import SpatialComponents, gaussian_containment_factor
from .info_fermi import fermi_info
from .io import (
    CatalogWarning,
    degrees_column,
    read_fits_tables,
    require_columns,
    string_column,
)
from .source import CatalogSource

__all__ = [
    "SourceCatalog2FHL",
    "SourceCatalog3FGL",
    "SourceCatalog3FHL",
    "SourceCatalog4FGL",
    "SourceCatalogObject2FHL",
    "SourceCatalogObject3FGL",
    "SourceCatalogObject3FHL",
    "SourceCatalogObject4FGL",
]

#: Fermi ``Model_Form`` (lower case) to component kind.
MODEL_FORMS = {
    "disk": "disk",
    "elliptical disk": "disk",
    "2d gaussian": "gaussian",
    "elliptical 2d gaussian": "gaussian",
    "2d gaussian x2": "gaussian",
    "ring": "ring",
    "map": "template",
}

#: Fermi catalogs give Gaussian sizes as the 68 % containment radius: this many sigma.
GAUSSIAN_R68_IN_SIGMA = gaussian_containment_factor(0.68)

_FERMI_DIR = "catalogs/fermi"
# 4FGL releases, gammapy 2.1's default (DR4 v32) first, then newest to oldest:
# DR4 v32-v35, DR3 v28-v31, DR2 v26-v27, DR1 v18-v22 (FSSC files are .fit, gammapy-data .fit.gz).
_4FGL_VERSIONS = (32, 35, 34, 33, 31, 30, 29, 28, 27, 26, 22, 21, 20, 19, 18)
_4FGL_FILES = tuple(
    f"{_FERMI_DIR}/gll_psc_v{version}{suffix}"
    for version in _4FGL_VERSIONS
    for suffix in (".fit.gz", ".fit")
)


class _FermiCatalog(SourceCatalog):
    """Shared reader: a main table HDU plus an extended-sources HDU."""

    main_hdu = "LAT_Point_Source_Catalog"
    extended_hdu = ("ExtendedSources", "Extended Sources")

    def _read_tables(self, path: Path) -> dict[str, Table]:
        tables = read_fits_tables(path, {"main": self.main_hdu, "extended": self.extended_hdu})
        owner = type(self).__name__
        require_columns(
            tables["main"], self._required_columns(), owner=owner, path=path, what="main table"
        )
        require_columns(
            tables["extended"],
            ("Source_Name", "Model_Form", "Model_SemiMajor"),
            owner=owner,
            path=path,
            what="extended-sources table",
        )
        self._tables = tables
        return tables

    def _read(self, path: Path):
        tables = self._read_tables(path)
        components = fermi_components(tables["main"], tables["extended"], path)
        return tables["main"], components

    def _read_columns(self, path: Path):
        """Names, positions and extension shapes straight from the file's bytes
        (`skymask.catalog.columns`); the tables are read when first asked for."""
        lon, lat, _ = self.position_columns
        read = read_columns(
            path,
            {
                "main": (
                    _names(self.main_hdu),
                    (self.name_column, lon, lat),
                    ("RADESYS", "RADECSYS", "EQUINOX"),
                    ("Extended_Source_Name",),
                ),
                "extended": (
                    _names(self.extended_hdu),
                    ("Source_Name", "Model_Form", "Model_SemiMajor"),
                    (),
                    (),
                ),
            },
        )
        if read is None:
            return None
        main, extended = read["main"], read["extended"]
        # Angles in degrees only (other units: the table reader converts them).
        angles = ((main, lon), (main, lat), (extended, "Model_SemiMajor"))
        if any(part["units"][name] not in (None, "deg") for part, name in angles):
            return None
        keys = main["columns"].get("Extended_Source_Name")
        components = _fermi_components(
            _decoded(main["columns"][self.name_column]),
            None if keys is None else _decoded(keys),
            _decoded(extended["columns"]["Source_Name"]),
            _decoded(extended["columns"]["Model_Form"]),
            np.asarray(extended["columns"]["Model_SemiMajor"], dtype=float),
            path,
            stacklevel=4,  # _read_columns <- SourceCatalog.__init__ <- the caller
        )
        columns = {
            "rows": main["rows"],
            "names": main["columns"][self.name_column],
            "lon": main["columns"][lon],
            "lat": main["columns"][lat],
            "header": main["header"],
        }
        return columns, components, lambda: self._read_tables(path)["main"]

    @property
    def extended_sources_table(self) -> Table:
        """The extended-sources HDU (shapes of the extended sources), as in gammapy.

        Read from the catalog file when first asked for (the file must still be there).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalog2FHL
        >>> main = Table(
        ...     {"Source_Name": ["2FHL J0534.5+2201", "2FHL J0617.2+2234e"],
        ...      "RAJ2000": [83.63, 94.31], "DEJ2000": [22.02, 22.58]},
        ...     units={"RAJ2000": "deg", "DEJ2000": "deg"},
        ... )
        >>> extended = Table(
        ...     {"Source_Name": ["2FHL J0617.2+2234e"], "Model_Form": ["2D Gaussian"],
        ...      "Model_SemiMajor": [0.27]},
        ...     units={"Model_SemiMajor": "deg"},
        ... )
        >>> hdus = fits.HDUList(
        ...     [fits.PrimaryHDU(), fits.table_to_hdu(main), fits.table_to_hdu(extended)]
        ... )
        >>> hdus[1].name, hdus[2].name = "2FHL Source Catalog", "ExtendedSources"
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 2FHL format
        ...     hdus.writeto(Path(tmp) / "2FHL.fits")
        ...     table = SourceCatalog2FHL(Path(tmp) / "2FHL.fits").extended_sources_table
        >>> table["Source_Name"].tolist(), table["Model_SemiMajor"].unit
        (['2FHL J0617.2+2234e'], Unit("deg"))
        """
        if getattr(self, "_tables", None) is None:
            self._read_tables(self.filename)
        return self._tables["extended"]


def _fermi_info_page(self, source, info):
    return fermi_info(self, source, info)


_FermiCatalog._info_page = _fermi_info_page


def _names(hdu) -> tuple:
    return (hdu,) if isinstance(hdu, (str, int)) else tuple(hdu)


def _decoded(values) -> np.ndarray:
    """A bytes column as `string_column` gives it (stripped str)."""
    return np.char.strip(np.char.decode(values, "ascii", errors="replace").astype(str))


def fermi_components(table: Table, extended: Table, path) -> SpatialComponents:
    """Spatial components of a Fermi catalog from its main and extended-sources tables."""
    names = string_column(table, "Source_Name")
    keys = None
    if "Extended_Source_Name" in table.colnames:
        keys = string_column(table, "Extended_Source_Name")
    return _fermi_components(
        names,
        keys,
        string_column(extended, "Source_Name"),
        string_column(extended, "Model_Form"),
        degrees_column(extended["Model_SemiMajor"]),
        path,
        stacklevel=5,  # fermi_components <- _read <- SourceCatalog.__init__ <- the caller
    )


def _fermi_components(names, keys, extended_names, forms, semi_major, path, stacklevel=4):
    """`fermi_components` from the columns (stripped str arrays; sizes in degrees)."""
    if keys is not None:
        is_extended = (keys != "") & (keys != "--")
    else:
        keys = names
        is_extended = np.char.endswith(names, "e")

    row_of = {name: i for i, name in enumerate(extended_names)}
    forms = np.char.lower(forms)

    kind = np.full(len(names), "point", dtype=object)
    size = np.zeros(len(names))
    problems = []
    for i in np.flatnonzero(is_extended):
        key, form = str(keys[i]), str(forms[row_of.get(keys[i], 0)])
        j = row_of.get(key)
        if j is None:
            problems.append(f"{names[i]} ({key!r} is not in the extended-sources HDU)")
            continue
        form_kind = MODEL_FORMS.get(form)
        if form_kind is None or not np.isfinite(semi_major[j]) or semi_major[j] <= 0:
            problems.append(f"{names[i]} (Model_Form {form!r}, size {semi_major[j]:.4g} deg)")
            continue
        kind[i] = form_kind
        size[i] = semi_major[j] / (GAUSSIAN_R68_IN_SIGMA if form_kind == "gaussian" else 1)
    if problems:
        warnings.warn(
            f"{path}: {len(problems)} extended source(s) have no usable shape and are treated "
            f"as point-like: {'; '.join(problems[:5])}" + ("; ..." if len(problems) > 5 else ""),
            CatalogWarning,
            stacklevel=stacklevel,
        )
    return SpatialComponents.single(kind.astype(str), size)


class SourceCatalogObject4FGL(CatalogSource):
    """A source of the 4FGL catalog (`SourceCatalog4FGL`).

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
    >>> from skymask.catalog import SourceCatalog4FGL
    >>> main = Table(
    ...     {"Source_Name": ["4FGL J0534.5+2201", "4FGL J0617.2+2234e"],
    ...      "RAJ2000": [83.63, 94.31], "DEJ2000": [22.02, 22.58],
    ...      "Extended_Source_Name": ["", "IC 443"]},
    ...     units={"RAJ2000": "deg", "DEJ2000": "deg"},
    ... )
    >>> extended = Table(
    ...     {"Source_Name": ["IC 443"], "Model_Form": ["2D Gaussian"], "Model_SemiMajor": [0.27]},
    ...     units={"Model_SemiMajor": "deg"},
    ... )
    >>> tables = [fits.table_to_hdu(main), fits.table_to_hdu(extended)]
    >>> hdus = fits.HDUList([fits.PrimaryHDU(), *tables])
    >>> hdus[1].name, hdus[2].name = "LAT_Point_Source_Catalog", "ExtendedSources"
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 4FGL format
    ...     hdus.writeto(Path(tmp) / "4FGL.fits")
    ...     # found by its Extended_Source_Name (which reads the whole table from the file)
    ...     source = SourceCatalog4FGL(Path(tmp) / "4FGL.fits")["IC 443"]
    >>> type(source).__name__, source.name, source.morphology
    ('SourceCatalogObject4FGL', '4FGL J0617.2+2234e', 'gaussian')
    >>> round(float(source.extension.deg), 4)  # sigma = Model_SemiMajor (r68) / 1.5096
    0.1789
    """

    __slots__ = ()


class SourceCatalogObject3FGL(CatalogSource):
    """A source of the 3FGL catalog (`SourceCatalog3FGL`).

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
    >>> from skymask.catalog import SourceCatalog3FGL
    >>> main = Table(
    ...     {"Source_Name": ["3FGL J0534.5+2201", "3FGL J0617.2+2234e"],
    ...      "RAJ2000": [83.63, 94.31], "DEJ2000": [22.02, 22.58],
    ...      "Extended_Source_Name": ["", "IC 443"]},
    ...     units={"RAJ2000": "deg", "DEJ2000": "deg"},
    ... )
    >>> extended = Table(
    ...     {"Source_Name": ["IC 443"], "Model_Form": ["2D Gaussian"], "Model_SemiMajor": [0.27]},
    ...     units={"Model_SemiMajor": "deg"},
    ... )
    >>> tables = [fits.table_to_hdu(main), fits.table_to_hdu(extended)]
    >>> hdus = fits.HDUList([fits.PrimaryHDU(), *tables])
    >>> hdus[1].name, hdus[2].name = "LAT_Point_Source_Catalog", "ExtendedSources"
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 3FGL format
    ...     hdus.writeto(Path(tmp) / "3FGL.fits")
    ...     # found by its Extended_Source_Name (which reads the whole table from the file)
    ...     source = SourceCatalog3FGL(Path(tmp) / "3FGL.fits")["IC 443"]
    >>> type(source).__name__, source.name, source.morphology
    ('SourceCatalogObject3FGL', '3FGL J0617.2+2234e', 'gaussian')
    >>> round(float(source.extension.deg), 4)  # sigma = Model_SemiMajor (r68) / 1.5096
    0.1789
    """

    __slots__ = ()


class SourceCatalogObject2FHL(CatalogSource):
    """A source of the 2FHL catalog (`SourceCatalog2FHL`).

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
    >>> from skymask.catalog import SourceCatalog2FHL
    >>> main = Table(  # 2FHL names its extended sources with a final "e"
    ...     {"Source_Name": ["2FHL J0534.5+2201", "2FHL J0617.2+2234e"],
    ...      "RAJ2000": [83.63, 94.31], "DEJ2000": [22.02, 22.58]},
    ...     units={"RAJ2000": "deg", "DEJ2000": "deg"},
    ... )
    >>> extended = Table(
    ...     {"Source_Name": ["2FHL J0617.2+2234e"], "Model_Form": ["2D Gaussian"],
    ...      "Model_SemiMajor": [0.27]},
    ...     units={"Model_SemiMajor": "deg"},
    ... )
    >>> tables = [fits.table_to_hdu(main), fits.table_to_hdu(extended)]
    >>> hdus = fits.HDUList([fits.PrimaryHDU(), *tables])
    >>> hdus[1].name, hdus[2].name = "2FHL Source Catalog", "ExtendedSources"
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 2FHL format
    ...     hdus.writeto(Path(tmp) / "2FHL.fits")
    ...     source = SourceCatalog2FHL(Path(tmp) / "2FHL.fits")[1]  # reads the row from the file
    >>> type(source).__name__, source.morphology
    ('SourceCatalogObject2FHL', 'gaussian')
    >>> round(float(source.extension_radius(0.68).deg), 4)  # Model_SemiMajor is r68
    0.27
    """

    __slots__ = ()


class SourceCatalogObject3FHL(CatalogSource):
    """A source of the 3FHL catalog (`SourceCatalog3FHL`).

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
    >>> from skymask.catalog import SourceCatalog3FHL
    >>> main = Table(
    ...     {"Source_Name": ["3FHL J0534.5+2201", "3FHL J0617.2+2234e"],
    ...      "RAJ2000": [83.63, 94.31], "DEJ2000": [22.02, 22.58],
    ...      "Extended_Source_Name": ["", "IC 443"]},
    ...     units={"RAJ2000": "deg", "DEJ2000": "deg"},
    ... )
    >>> extended = Table(
    ...     {"Source_Name": ["IC 443"], "Model_Form": ["2D Gaussian"], "Model_SemiMajor": [0.27]},
    ...     units={"Model_SemiMajor": "deg"},
    ... )
    >>> tables = [fits.table_to_hdu(main), fits.table_to_hdu(extended)]
    >>> hdus = fits.HDUList([fits.PrimaryHDU(), *tables])
    >>> hdus[1].name, hdus[2].name = "LAT_Point_Source_Catalog", "ExtendedSources"
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the 3FHL format
    ...     hdus.writeto(Path(tmp) / "3FHL.fits")
    ...     # found by its Extended_Source_Name (which reads the whole table from the file)
    ...     source = SourceCatalog3FHL(Path(tmp) / "3FHL.fits")["IC 443"]
    >>> type(source).__name__, source.name, source.morphology
    ('SourceCatalogObject3FHL', '3FHL J0617.2+2234e', 'gaussian')
    >>> round(float(source.extension.deg), 4)  # sigma = Model_SemiMajor (r68) / 1.5096
    0.1789
    """

    __slots__ = ()


class SourceCatalog4FGL(_FermiCatalog):
    """Fermi-LAT 4FGL catalog, any data release (DR1 to DR4).

    The default is the first release file found under ``$GAMMAPY_DATA/catalogs/fermi``:
    ``gll_psc_v32`` (DR4, gammapy's default), then newer to older (v35 ... v18), each as
    ``.fit.gz`` or ``.fit``.

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
    ``SourceCatalog4FGL()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog4FGL
    >>> CATALOG_REGISTRY.get_cls("4fgl") is SourceCatalog4FGL
    True
    >>> SourceCatalog4FGL.default_files[0].startswith("catalogs/")
    True
    """

    tag = "4fgl"
    name_prefix = "4FGL"
    description = "Fermi-LAT 4FGL point source catalog (DR1-DR4)"
    default_files = _4FGL_FILES
    source_object_class = SourceCatalogObject4FGL
    default_files_hint = (
        "a 4FGL release file gll_psc_vNN.fit.gz or gll_psc_vNN.fit "
        f"(NN = {', '.join(map(str, _4FGL_VERSIONS))})"
    )
    alias_columns = (
        "Extended_Source_Name",
        "ASSOC_FGL",
        "ASSOC_FHL",
        "ASSOC_GAM1",
        "ASSOC_GAM2",
        "ASSOC_GAM3",
        "ASSOC_TEV",
        "ASSOC1",
        "ASSOC2",
    )


class SourceCatalog3FGL(_FermiCatalog):
    """Fermi-LAT 3FGL catalog (4 years, 100 MeV - 300 GeV).

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
    ``SourceCatalog3FGL()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog3FGL
    >>> CATALOG_REGISTRY.get_cls("3fgl") is SourceCatalog3FGL
    True
    >>> SourceCatalog3FGL.default_files[0].startswith("catalogs/")
    True
    """

    tag = "3fgl"
    name_prefix = "3FGL"
    description = "Fermi-LAT 3FGL 4-year point source catalog"
    default_files = (f"{_FERMI_DIR}/gll_psc_v16.fit.gz",)
    source_object_class = SourceCatalogObject3FGL
    alias_columns = (
        "Extended_Source_Name",
        "0FGL_Name",
        "1FGL_Name",
        "2FGL_Name",
        "1FHL_Name",
        "ASSOC_TEV",
        "ASSOC1",
        "ASSOC2",
    )


class SourceCatalog2FHL(_FermiCatalog):
    """Fermi-LAT 2FHL catalog (above 50 GeV); default file v09, else v08.

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
    ``SourceCatalog2FHL()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog2FHL
    >>> CATALOG_REGISTRY.get_cls("2fhl") is SourceCatalog2FHL
    True
    >>> SourceCatalog2FHL.default_files[0].startswith("catalogs/")
    True
    """

    tag = "2fhl"
    name_prefix = "2FHL"
    description = "Fermi-LAT 2FHL second high-energy source catalog"
    default_files = (f"{_FERMI_DIR}/gll_psch_v09.fit.gz", f"{_FERMI_DIR}/gll_psch_v08.fit.gz")
    source_object_class = SourceCatalogObject2FHL
    main_hdu = "2FHL Source Catalog"
    alias_columns = ("ASSOC", "3FGL_Name", "1FHL_Name", "TeVCat_Name")


class SourceCatalog3FHL(_FermiCatalog):
    """Fermi-LAT 3FHL catalog (above 10 GeV).

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
    ``SourceCatalog3FHL()`` reads the default file under ``$GAMMAPY_DATA``; the class
    is registered under its tag:

    >>> from skymask.catalog import CATALOG_REGISTRY, SourceCatalog3FHL
    >>> CATALOG_REGISTRY.get_cls("3fhl") is SourceCatalog3FHL
    True
    >>> SourceCatalog3FHL.default_files[0].startswith("catalogs/")
    True
    """

    tag = "3fhl"
    name_prefix = "3FHL"
    description = "Fermi-LAT 3FHL third high-energy source catalog"
    default_files = (f"{_FERMI_DIR}/gll_psch_v13.fit.gz",)
    source_object_class = SourceCatalogObject3FHL
    alias_columns = ("Extended_Source_Name", "ASSOC1", "ASSOC2", "ASSOC_TEV", "ASSOC_GAM")
