"""One source of a catalog: name, position, spatial extension and the table row."""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord

from .extension import DEFAULT_CONTAINMENT, SpatialComponents

__all__ = ["CatalogSource"]


class CatalogSource:
    """A single catalog source (what ``catalog[name]`` and ``catalog[index]`` return).

    It keeps its table row (`data` is built from it on first use).

    Parameters
    ----------
    name : str
        Source name.
    row_index : int
        Row of the source in its catalog table.
    position : `~astropy.coordinates.SkyCoord`
        Catalog position.
    row : `~astropy.table.Row`
        The table row.
    components : `SpatialComponents`
        The source's spatial components (one row).
    info : callable, optional
        Builds the information page (the catalog's own; default a generic page).
    catalog : `SourceCatalog`, optional
        The catalog the source comes from (HGPS sources look up their components in it).

    Raises
    ------
    ValueError
        ``components`` does not hold exactly one row.

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
    >>> source = catalog["3HWC J0534+220"]
    >>> source.name, source.row_index, source.is_pointlike
    ('3HWC J0534+220', 0, True)

    Attributes
    ----------
    name : str
        Source name (the catalog's name column, stripped).
    row_index : int
        Row of the source in the catalog table it came from.
    position : `~astropy.coordinates.SkyCoord`
        Catalog position, in the catalog's own frame.
    """

    __slots__ = (
        "_catalog",
        "_components",
        "_data",
        "_info",
        "_page_values",
        "_row",
        "name",
        "position",
        "row_index",
    )

    def __init__(
        self, name, row_index, position, row, components: SpatialComponents, info=None, catalog=None
    ):
        if len(components) != 1:
            raise ValueError(f"one source needs one row of components, got {len(components)}")
        self.name = str(name)
        self.row_index = int(row_index)
        self.position = position if isinstance(position, SkyCoord) else SkyCoord(position)
        self._row = row
        self._data = None
        self._page_values = None
        self._components = components
        self._info = info
        self._catalog = catalog

    @property
    def data(self) -> dict:
        """The table row: column name to value.

        A `~astropy.units.Quantity` where the column has a unit (a masked entry is a NaN
        Quantity, so its unit stays readable; gammapy gives 0); other masked entries are
        `None` (X40).

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
        >>> catalog[1].data["spec0_radius"]
        <Quantity 2. deg>
        """
        if self._data is None:
            self._data = {
                name: (
                    u.Quantity(np.nan, self._row.table[name].unit)
                    if value is None and _is_numeric_with_unit(self._row.table[name])
                    else value
                )
                for name, value in self._page_data.items()
            }
        return self._data

    @property
    def _page_data(self) -> dict:
        """The table row as the information pages read it: every masked entry is `None`."""
        if self._page_values is None:
            self._page_values = _row_to_dict(self._row)
        return self._page_values

    @property
    def morphology(self) -> str:
        """Kind of the main spatial model: point, disk, gaussian, shell, ring or template.

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
        >>> catalog[1].morphology
        'disk'
        """
        return str(self._components.morphology[0])

    @property
    def is_pointlike(self) -> bool:
        """True if the main spatial model is a point.

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
        >>> catalog[0].is_pointlike, catalog[1].is_pointlike
        (True, False)
        """
        return self.morphology == "point"

    @property
    def extension(self) -> Angle:
        """Size of the main spatial model (disk radius, Gaussian sigma, shell outer radius...).

        0 deg for point-like sources.

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
        >>> catalog[1].extension
        <Angle 2. deg>
        """
        return Angle(self._components.extension_deg[0], u.deg)

    def extension_radius(self, containment: float = DEFAULT_CONTAINMENT) -> Angle:
        """Radius around `position` that contains the source (0 deg for point sources).

        See `skymask.catalog.extension` for the rule (outer edge of disks and shells,
        ``containment`` radius of Gaussians, largest over all components).

        Parameters
        ----------
        containment : float
            Fraction of a Gaussian source to contain, in (0, 1).

        Returns
        -------
        `~astropy.coordinates.Angle`
            The radius.

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
        >>> catalog[1].extension_radius()
        <Angle 2. deg>
        """
        return Angle(self._components.extension_radius_deg(containment)[0], u.deg)

    def info(self, info: str = "all") -> str:
        """The information page of the source: the sections of gammapy's
        ``SourceCatalogObject.info()`` for its catalog (basic, position, spectral, flux
        points, ...) plus skymask's spatial model.

        Parameters
        ----------
        info : str
            "all", or a comma-separated list of section names (they depend on the catalog:
            for Fermi-LAT catalogs basic, more, position, spatial, spectral, lightcurve; for
            HGPS basic, map, spatial, spec, flux_points, components, associations, id).

        Returns
        -------
        str
            The page.

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
        >>> print(catalog[0].info("basic").strip())
        *** Basic info ***
        <BLANKLINE>
        Catalog row index (zero-based) : 0
        Source name : 3HWC J0534+220
        """
        from .info import generic_info

        page = self._info or (lambda source, info: generic_info(None, source, info))
        return page(self, info)

    def __str__(self) -> str:
        return self.info()

    def __repr__(self) -> str:
        lon, lat = self.position.spherical.lon.deg, self.position.spherical.lat.deg
        shape = self.morphology
        if shape != "point":
            shape += f", extension {self.extension.deg:.3g} deg"
        return (
            f"{type(self).__name__}({self.name!r}, row {self.row_index}, "
            f"({lon:.4f}, {lat:.4f}) deg {self.position.frame.name}, {shape})"
        )


def _is_numeric_with_unit(column) -> bool:
    return column.unit is not None and column.dtype.kind in "iuf"


def _row_to_dict(row) -> dict:
    data = {}
    for name, column in row.table.columns.items():
        value = column[row.index]
        mask = getattr(column, "mask", None)
        numeric = np.asarray(value).dtype.kind in "iuf"
        if numeric and np.ndim(value) > 0:
            # An array cell (flux points...): masked elements are NaN, even all of them.
            value = np.ma.filled(np.ma.asarray(value, dtype=float), np.nan)
        elif mask is not None and np.all(mask[row.index]):
            value = None
        if value is not None and column.unit is not None and numeric:
            value = u.Quantity(np.asarray(value), column.unit)
        data[name] = value
    return data
