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
from astropy import units as u
from astropy.coordinates import SkyCoord

from .core import SourceCatalog
from .extension import SpatialComponents
from .info_hgps import hgps_component_text, hgps_info
from .io import (
    CatalogWarning,
    degrees_column,
    read_fits_tables,
    read_optional_fits_tables,
    require_columns,
    string_column,
)
from .source import CatalogSource, _row_to_dict

__all__ = ["SourceCatalogHGPS", "SourceCatalogObjectHGPS", "SourceCatalogObjectHGPSComponent"]

_MULTI_GAUSSIAN = ("2-gaussian", "3-gaussian")


class SourceCatalogObjectHGPSComponent:
    """One Gaussian component of the HGPS catalog (a row of ``table_components``).

    What `SourceCatalogHGPS.gaussian_component` and `SourceCatalogObjectHGPS.components`
    give, as gammapy's class of the same name (without its spatial model).

    Parameters
    ----------
    data : dict
        The table row: column name to value.
    row_index : int
        Row in ``table_components``.

    Examples
    --------
    >>> from astropy import units as u
    >>> from skymask.catalog import SourceCatalogObjectHGPSComponent
    >>> data = {"Component_ID": "HGPSC 084", "GLON": 17.8 * u.deg, "GLAT": -0.7 * u.deg}
    >>> component = SourceCatalogObjectHGPSComponent(data, row_index=83)
    >>> component.name, float(component.position.l.deg)
    ('HGPSC 084', 17.8)

    Attributes
    ----------
    data : dict
        The table row: column name to value (`~astropy.units.Quantity` where the column has
        a unit).
    row_index : int
        Row in ``table_components`` (component ``HGPSC 084`` is row 83).
    """

    def __init__(self, data: dict, row_index: int):
        self.data = data
        self.row_index = int(row_index)

    @property
    def name(self) -> str:
        """Component name (``Component_ID``, e.g. ``"HGPSC 084"``).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalogHGPS
        >>> sources = Table(
        ...     {"Source_Name": ["HESS J1825-137", "HESS J1826-130"],
        ...      "RAJ2000": [276.26, 276.51], "DEJ2000": [-13.84, -13.09],
        ...      "Spatial_Model": ["3-Gaussian", "Gaussian"], "Size": [0.46, 0.15],
        ...      "Components": ["HGPSC 001, HGPSC 002", ""],
        ...      "Energy_Range_Spec_Min": [0.3, float("nan")],
        ...      "Energy_Range_Spec_Max": [80.0, float("nan")]},
        ...     units={"RAJ2000": "deg", "DEJ2000": "deg", "Size": "deg",
        ...            "Energy_Range_Spec_Min": "TeV", "Energy_Range_Spec_Max": "TeV"},
        ... )
        >>> components = Table(
        ...     {"Component_ID": ["HGPSC 001", "HGPSC 002"], "Source_Name": ["HESS J1825-137"] * 2,
        ...      "GLON": [17.8, 17.2], "GLAT": [-0.7, -0.5], "Size": [0.1, 0.5]},
        ...     units={"GLON": "deg", "GLAT": "deg", "Size": "deg"},
        ... )
        >>> hdus = fits.HDUList(
        ...     [fits.PrimaryHDU(), fits.table_to_hdu(sources), fits.table_to_hdu(components)]
        ... )
        >>> hdus[1].name, hdus[2].name = "HGPS_SOURCES", "HGPS_GAUSS_COMPONENTS"
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the HGPS format
        ...     hdus.writeto(Path(tmp) / "hgps.fits")
        ...     catalog = SourceCatalogHGPS(Path(tmp) / "hgps.fits")
        >>> [component.name for component in catalog["HESS J1825-137"].components]
        ['HGPSC 001', 'HGPSC 002']
        """
        return str(self.data["Component_ID"]).strip()

    @property
    def position(self) -> SkyCoord:
        """Component position (galactic).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalogHGPS
        >>> sources = Table(
        ...     {"Source_Name": ["HESS J1825-137", "HESS J1826-130"],
        ...      "RAJ2000": [276.26, 276.51], "DEJ2000": [-13.84, -13.09],
        ...      "Spatial_Model": ["3-Gaussian", "Gaussian"], "Size": [0.46, 0.15],
        ...      "Components": ["HGPSC 001, HGPSC 002", ""],
        ...      "Energy_Range_Spec_Min": [0.3, float("nan")],
        ...      "Energy_Range_Spec_Max": [80.0, float("nan")]},
        ...     units={"RAJ2000": "deg", "DEJ2000": "deg", "Size": "deg",
        ...            "Energy_Range_Spec_Min": "TeV", "Energy_Range_Spec_Max": "TeV"},
        ... )
        >>> components = Table(
        ...     {"Component_ID": ["HGPSC 001", "HGPSC 002"], "Source_Name": ["HESS J1825-137"] * 2,
        ...      "GLON": [17.8, 17.2], "GLAT": [-0.7, -0.5], "Size": [0.1, 0.5]},
        ...     units={"GLON": "deg", "GLAT": "deg", "Size": "deg"},
        ... )
        >>> hdus = fits.HDUList(
        ...     [fits.PrimaryHDU(), fits.table_to_hdu(sources), fits.table_to_hdu(components)]
        ... )
        >>> hdus[1].name, hdus[2].name = "HGPS_SOURCES", "HGPS_GAUSS_COMPONENTS"
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the HGPS format
        ...     hdus.writeto(Path(tmp) / "hgps.fits")
        ...     catalog = SourceCatalogHGPS(Path(tmp) / "hgps.fits")
        >>> position = catalog["HESS J1825-137"].components[1].position
        >>> position.frame.name, float(position.l.deg), float(position.b.deg)
        ('galactic', 17.2, -0.5)
        """
        return SkyCoord(self.data["GLON"], self.data["GLAT"], frame="galactic")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def __str__(self) -> str:
        return hgps_component_text(self.data)


class SourceCatalogObjectHGPS(CatalogSource):
    """A source of the HGPS catalog (`SourceCatalogHGPS`).

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
    >>> from skymask.catalog import SourceCatalogHGPS
    >>> sources = Table(
    ...     {"Source_Name": ["HESS J1825-137", "HESS J1826-130"],
    ...      "RAJ2000": [276.26, 276.51], "DEJ2000": [-13.84, -13.09],
    ...      "Spatial_Model": ["3-Gaussian", "Gaussian"], "Size": [0.46, 0.15],
    ...      "Components": ["HGPSC 001, HGPSC 002", ""],
    ...      "Energy_Range_Spec_Min": [0.3, float("nan")],
    ...      "Energy_Range_Spec_Max": [80.0, float("nan")]},
    ...     units={"RAJ2000": "deg", "DEJ2000": "deg", "Size": "deg",
    ...            "Energy_Range_Spec_Min": "TeV", "Energy_Range_Spec_Max": "TeV"},
    ... )
    >>> components = Table(
    ...     {"Component_ID": ["HGPSC 001", "HGPSC 002"], "Source_Name": ["HESS J1825-137"] * 2,
    ...      "GLON": [17.8, 17.2], "GLAT": [-0.7, -0.5], "Size": [0.1, 0.5]},
    ...     units={"GLON": "deg", "GLAT": "deg", "Size": "deg"},
    ... )
    >>> hdus = fits.HDUList(
    ...     [fits.PrimaryHDU(), fits.table_to_hdu(sources), fits.table_to_hdu(components)]
    ... )
    >>> hdus[1].name, hdus[2].name = "HGPS_SOURCES", "HGPS_GAUSS_COMPONENTS"
    >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the HGPS format
    ...     hdus.writeto(Path(tmp) / "hgps.fits")
    ...     catalog = SourceCatalogHGPS(Path(tmp) / "hgps.fits")
    >>> source = catalog["HESS J1825-137"]
    >>> type(source).__name__, source.morphology, source.extension
    ('SourceCatalogObjectHGPS', 'gaussian', <Angle 0.46 deg>)
    """

    __slots__ = ()

    @property
    def components(self) -> list[SourceCatalogObjectHGPSComponent]:
        """The Gaussian components of the source (``Components`` column), in order.

        An empty list for sources without components (gammapy has no attribute then).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalogHGPS
        >>> sources = Table(
        ...     {"Source_Name": ["HESS J1825-137", "HESS J1826-130"],
        ...      "RAJ2000": [276.26, 276.51], "DEJ2000": [-13.84, -13.09],
        ...      "Spatial_Model": ["3-Gaussian", "Gaussian"], "Size": [0.46, 0.15],
        ...      "Components": ["HGPSC 001, HGPSC 002", ""],
        ...      "Energy_Range_Spec_Min": [0.3, float("nan")],
        ...      "Energy_Range_Spec_Max": [80.0, float("nan")]},
        ...     units={"RAJ2000": "deg", "DEJ2000": "deg", "Size": "deg",
        ...            "Energy_Range_Spec_Min": "TeV", "Energy_Range_Spec_Max": "TeV"},
        ... )
        >>> components = Table(
        ...     {"Component_ID": ["HGPSC 001", "HGPSC 002"], "Source_Name": ["HESS J1825-137"] * 2,
        ...      "GLON": [17.8, 17.2], "GLAT": [-0.7, -0.5], "Size": [0.1, 0.5]},
        ...     units={"GLON": "deg", "GLAT": "deg", "Size": "deg"},
        ... )
        >>> hdus = fits.HDUList(
        ...     [fits.PrimaryHDU(), fits.table_to_hdu(sources), fits.table_to_hdu(components)]
        ... )
        >>> hdus[1].name, hdus[2].name = "HGPS_SOURCES", "HGPS_GAUSS_COMPONENTS"
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the HGPS format
        ...     hdus.writeto(Path(tmp) / "hgps.fits")
        ...     catalog = SourceCatalogHGPS(Path(tmp) / "hgps.fits")
        >>> catalog["HESS J1825-137"].components  # doctest: +NORMALIZE_WHITESPACE
        [SourceCatalogObjectHGPSComponent('HGPSC 001'),
         SourceCatalogObjectHGPSComponent('HGPSC 002')]
        >>> catalog["HESS J1826-130"].components
        []
        """
        text = self._page_data.get("Components")
        if text is None or not str(text).strip() or self._catalog is None:
            return []
        # "HGPSC 083, HGPSC 084": component n is row n - 1 (gammapy's rule).
        return [
            self._catalog.gaussian_component(int(name.split()[-1]) - 1)
            for name in str(text).split(",")
        ]

    @property
    def energy_range(self) -> u.Quantity:
        """Energy range of the spectral fit: ``[Energy_Range_Spec_Min, Energy_Range_Spec_Max]``
        in TeV, 0.2 and 50 TeV where missing (as gammapy).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalogHGPS
        >>> sources = Table(
        ...     {"Source_Name": ["HESS J1825-137", "HESS J1826-130"],
        ...      "RAJ2000": [276.26, 276.51], "DEJ2000": [-13.84, -13.09],
        ...      "Spatial_Model": ["3-Gaussian", "Gaussian"], "Size": [0.46, 0.15],
        ...      "Components": ["HGPSC 001, HGPSC 002", ""],
        ...      "Energy_Range_Spec_Min": [0.3, float("nan")],
        ...      "Energy_Range_Spec_Max": [80.0, float("nan")]},
        ...     units={"RAJ2000": "deg", "DEJ2000": "deg", "Size": "deg",
        ...            "Energy_Range_Spec_Min": "TeV", "Energy_Range_Spec_Max": "TeV"},
        ... )
        >>> components = Table(
        ...     {"Component_ID": ["HGPSC 001", "HGPSC 002"], "Source_Name": ["HESS J1825-137"] * 2,
        ...      "GLON": [17.8, 17.2], "GLAT": [-0.7, -0.5], "Size": [0.1, 0.5]},
        ...     units={"GLON": "deg", "GLAT": "deg", "Size": "deg"},
        ... )
        >>> hdus = fits.HDUList(
        ...     [fits.PrimaryHDU(), fits.table_to_hdu(sources), fits.table_to_hdu(components)]
        ... )
        >>> hdus[1].name, hdus[2].name = "HGPS_SOURCES", "HGPS_GAUSS_COMPONENTS"
        >>> with tempfile.TemporaryDirectory() as tmp:  # a small catalog in the HGPS format
        ...     hdus.writeto(Path(tmp) / "hgps.fits")
        ...     catalog = SourceCatalogHGPS(Path(tmp) / "hgps.fits")
        >>> catalog["HESS J1825-137"].energy_range, catalog["HESS J1826-130"].energy_range
        (<Quantity [ 0.3, 80. ] TeV>, <Quantity [ 0.2, 50. ] TeV>)
        """
        bounds = []
        for key, default in (("Energy_Range_Spec_Min", 0.2), ("Energy_Range_Spec_Max", 50.0)):
            value = self.data.get(key)
            value = np.nan if value is None else u.Quantity(value, u.TeV).to_value(u.TeV)
            bounds.append(default if np.isnan(value) else value)
        return u.Quantity(bounds, u.TeV)


class SourceCatalogHGPS(SourceCatalog):
    """H.E.S.S. Galactic plane survey (HGPS) catalog, 78 sources.

    Besides `table` (``HGPS_SOURCES``) it keeps ``table_components``
    (``HGPS_GAUSS_COMPONENTS``).

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
    source_object_class = SourceCatalogObjectHGPS

    def _info_page(self, source, info):
        return hgps_info(self, source, info)

    def gaussian_component(self, row_idx: int) -> SourceCatalogObjectHGPSComponent:
        """The Gaussian component in row ``row_idx`` of ``table_components``.

        Parameters
        ----------
        row_idx : int
            Row (component ``HGPSC 084`` is row 83: names count from 1).

        Returns
        -------
        `SourceCatalogObjectHGPSComponent`

        Raises
        ------
        IndexError
            ``row_idx`` is not a row of the components table.

        Examples
        --------
        >>> from skymask.catalog import SourceCatalogHGPS
        >>> SourceCatalogHGPS().gaussian_component(83).name  # doctest: +SKIP
        'HGPSC 084'
        """
        n_rows = len(self.table_components)
        if isinstance(row_idx, (bool, np.bool_)) or not isinstance(row_idx, (int, np.integer)):
            raise TypeError(f"row_idx must be an int, got {row_idx!r}")
        if not -n_rows <= int(row_idx) < n_rows:
            raise IndexError(f"component row {int(row_idx)} is out of range for {n_rows} rows")
        row = self.table_components[int(row_idx)]
        return SourceCatalogObjectHGPSComponent(_row_to_dict(row), int(row_idx) % n_rows)

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
