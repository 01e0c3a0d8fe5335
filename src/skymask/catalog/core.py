"""`SourceCatalog`: the table of a source catalog with positions, names and extensions."""

from __future__ import annotations

import copy
import difflib
import numbers
import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.table import Table

from ..utils.units import describe
from .exclusion import exclusion_circles
from .extension import DEFAULT_CONTAINMENT, SpatialComponents
from .io import (
    CatalogWarning,
    degrees_column,
    position_frame,
    resolve_catalog_file,
    string_column,
)
from .registry import CATALOG_REGISTRY
from .source import CatalogSource

__all__ = ["SourceCatalog", "UnknownSourceError"]


class UnknownSourceError(KeyError):
    """No source (or more than one) has the name asked for: a `KeyError`.

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
    >>> from skymask.catalog import UnknownSourceError
    >>> try:
    ...     catalog["Crab"]
    ... except UnknownSourceError as error:
    ...     print(type(error).__name__, isinstance(error, KeyError))
    UnknownSourceError True
    """

    def __str__(self) -> str:
        # KeyError would show the message in quotes.
        return str(self.args[0]) if self.args else ""


class SourceCatalog:
    """Base class of the catalogs: a table plus positions, names and spatial extensions.

    Subclasses set the class attributes and implement `_read`. Build one with its
    no-argument constructor (the default file under ``$GAMMAPY_DATA``) or with
    ``filename=``.

    Parameters
    ----------
    filename : str, path or `~astropy.table.Table`, optional
        Catalog file (a catalog class). Default: the first of ``default_files`` found under
        ``$GAMMAPY_DATA``. ``SourceCatalog`` itself takes a table, as gammapy's
        ``SourceCatalog(table)``: every source point-like, positions from the first pair
        of ``RAJ2000`` / ``DEJ2000`` (or ``DECJ2000``), ``RA`` / ``DEC``, ``ra`` / ``dec``,
        ``RAJD`` / ``DECJD`` in the table (``...J2000`` columns are FK5 J2000, the others
        ICRS, unless the table header says otherwise).
    source_name_key : str, optional
        With a table: the column of source names. Default ``"Source_Name"``.
    source_name_alias : sequence of str, optional
        With a table: columns whose values also find a source by name.

    Raises
    ------
    FileNotFoundError
        No file (the message names the path, ``GAMMAPY_DATA`` and ``filename=``).
    TypeError
        A table given to a catalog class, or ``source_name_key`` / ``source_name_alias``
        without a table.
    ValueError
        ``source_name_key`` or a ``source_name_alias`` is not a column of the table.

    Examples
    --------
    From a table in memory:

    >>> from astropy.table import Table
    >>> from skymask.catalog import SourceCatalog
    >>> table = Table(
    ...     {"name": ["J0534+220", "J0631+169"], "other": ["Crab", "Geminga"],
    ...      "RA": [83.63, 97.99], "DEC": [22.02, 17.02]}
    ... )
    >>> catalog = SourceCatalog(table, source_name_key="name", source_name_alias=["other"])
    >>> catalog["Geminga"].name, catalog["Geminga"].is_pointlike
    ('J0631+169', True)

    A catalog class reads its file; here a small file in the 3HWC format:

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
    >>> len(catalog), catalog.tag
    (2, '3hwc')
    """

    #: Registry tag, spelled as in gammapy (`CATALOG_REGISTRY.get_cls` ignores case).
    tag: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Default files relative to ``$GAMMAPY_DATA``, in order of preference.
    default_files: ClassVar[tuple[str, ...]] = ()
    #: Short description of several ``default_files`` for error messages (optional).
    default_files_hint: ClassVar[str | None] = None
    #: Column with the source names.
    name_column: ClassVar[str] = "Source_Name"
    #: Columns whose (comma-separated) values also find a source by name.
    alias_columns: ClassVar[tuple[str, ...]] = ()
    #: Longitude column, latitude column and the frame used when the file does not say
    #: (see `skymask.catalog.io.position_frame`: RADESYS/EQUINOX in the table header win,
    #: then columns named ``...J2000`` are FK5 J2000).
    position_columns: ClassVar[tuple[str, str, str]] = ("RAJ2000", "DEJ2000", "fk5")
    #: Class of the sources ``catalog[name]`` returns (gammapy's ``source_object_class``).
    source_object_class: ClassVar[type] = CatalogSource
    #: First word of the source names in this catalog's files ("3FHL" in "3FHL J0534.5+2201"),
    #: to recognise another catalog's file given under this tag.
    name_prefix: ClassVar[str] = ""

    def __init_subclass__(cls, register: bool = True, **kwargs):
        """Register a subclass that defines its own ``tag`` in `CATALOG_REGISTRY`."""
        super().__init_subclass__(**kwargs)
        if register and cls.__dict__.get("tag"):
            CATALOG_REGISTRY.register(cls)

    def __init__(self, filename=None, source_name_key=None, source_name_alias=None):
        if isinstance(filename, Table):
            self._init_from_table(filename, source_name_key, source_name_alias)
            return
        if source_name_key is not None or source_name_alias is not None:
            raise TypeError(
                f"{type(self).__name__}: source_name_key and source_name_alias apply to a "
                "catalog built from a table, SourceCatalog(table, source_name_key=...); a "
                "catalog read from its file knows its columns"
            )
        if not self.default_files:
            raise TypeError(
                f"{type(self).__name__} has no catalog file: build it from an astropy Table, "
                f"{type(self).__name__}(table), or use a catalog class such as "
                f"SourceCatalog3FHL (CATALOG_REGISTRY.get_cls(tag)); got {describe(filename)}"
            )
        path = resolve_catalog_file(
            type(self).__name__, filename, self.default_files, self.default_files_hint
        )
        self.filename = path
        fast = self._read_columns(path)
        if fast is None:
            self._set(*self._read(path))
        else:
            self._set_columns(*fast)
        self._check_identity()
        self._check_positions()

    def _init_from_table(self, table: Table, source_name_key, source_name_alias) -> None:
        """A catalog made from a table in memory, as gammapy's ``SourceCatalog(table)``.

        Every source is point-like: a plain table has no spatial model columns that skymask
        knows how to read (a catalog class reads its own file's).
        """
        if self.default_files:
            raise TypeError(
                f"{type(self).__name__} reads its catalog file (filename=...); its sources' "
                "extensions come from the file's own tables. To build a catalog from a table "
                "use SourceCatalog(table) (every source point-like)"
            )
        key = "Source_Name" if source_name_key is None else source_name_key
        if not isinstance(key, str) or key not in table.colnames:
            raise ValueError(
                f"source_name_key {key!r} is not a column of the table (its columns: "
                f"{', '.join(table.colnames[:12])}); pass source_name_key='<name column>'"
            )
        aliases = () if source_name_alias is None else tuple(source_name_alias)
        missing = [name for name in aliases if name not in table.colnames]
        if missing:
            raise ValueError(f"source_name_alias columns {missing} are not in the table")
        self.name_column = key
        self.alias_columns = aliases
        self.position_columns = table_position_columns(table)
        self._set(
            table, SpatialComponents.single(np.full(len(table), "point"), np.zeros(len(table)))
        )
        self.filename = None
        self._check_positions()

    def _read(self, path: Path) -> tuple[Table, SpatialComponents]:
        """Read the main table and build the sources' spatial components."""
        raise NotImplementedError

    def _read_columns(self, path: Path):
        """The columns that names, positions and extensions need, read without building the
        table: ``(columns, components, load_table)`` or None (then `_read` reads the table).

        ``columns`` is a dict with ``"rows"``, ``"names"`` (bytes or str array),
        ``"lon"``, ``"lat"`` (degrees) and ``"header"`` (keywords for `position_frame`);
        ``load_table()`` reads the full table when ``catalog.table`` is first asked for.
        """
        return None

    def _set(self, table: Table, components: SpatialComponents) -> None:
        if len(table) != len(components):
            raise ValueError(
                f"{len(table)} table rows but {len(components)} rows of spatial components"
            )
        self._table_value = table
        self._columns = None
        self._table_loader = None
        self._components = components
        self._lookup = None
        self._names = None
        self._positions = None

    def _set_columns(self, columns: dict, components: SpatialComponents, load_table) -> None:
        """Like `_set`, with the table read by ``load_table()`` when first needed."""
        if columns["rows"] != len(components):
            raise ValueError(
                f"{columns['rows']} table rows but {len(components)} rows of spatial components"
            )
        self._table_value = None
        self._columns = columns
        self._table_loader = load_table
        self._components = components
        self._lookup = None
        self._names = None
        self._positions = None

    @property
    def _table(self) -> Table:
        """The catalog table, read from the file on first use when the catalog was built
        from a few of its columns (`_read_columns`)."""
        if self._table_value is None:
            try:
                table = self._table_loader()
            except FileNotFoundError:
                raise FileNotFoundError(
                    f"{type(self).__name__}: {self.filename} is gone since the catalog was "
                    "read (only the columns for positions and names were read then; this "
                    "needs the whole table): build the catalog again from the file's new "
                    "location with filename=..."
                ) from None
            # The file must still be the one the columns came from.
            if len(table) != self._columns["rows"] or not np.array_equal(
                string_column(table, self.name_column), self.names
            ):
                raise RuntimeError(
                    f"{type(self).__name__}: {self.filename} changed since the catalog was "
                    "read; build the catalog again to read its table"
                )
            self._table_value = table
        return self._table_value

    # ------------------------------------------------------------------ table and columns
    @property
    def table(self) -> Table:
        """The catalog table (main HDU) as read from the file.

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
        >>> catalog.table.colnames
        ['source_name', 'ra', 'dec', 'spec0_radius']
        """
        return self._table

    @table.setter
    def table(self, value):
        raise AttributeError(
            "the catalog table cannot be replaced (its positions and extensions are read "
            "with it); select sources with catalog[mask] instead"
        )

    def __len__(self) -> int:
        if self._table_value is None:
            return self._columns["rows"]
        return len(self._table_value)

    @property
    def names(self) -> np.ndarray:
        """Source names (stripped str), read from the table once.

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
        >>> catalog.names.tolist()
        ['3HWC J0534+220', '3HWC J0631+169']
        """
        if self._names is None:
            if self._table_value is None:
                self._names = _strip_names(self._columns["names"])
            else:
                self._names = string_column(self._table, self.name_column)
            self._names.flags.writeable = False
        return self._names

    @property
    def positions(self) -> SkyCoord:
        """Source positions from the catalog's own position columns and frame (read once).

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
        >>> catalog.positions.ra.deg
        array([83.63, 97.99])
        """
        if self._positions is None:
            lon, lat, default = self.position_columns
            if self._table_value is None:
                frame = position_frame(self._columns["header"], lon, default)
                lon_deg = np.asarray(self._columns["lon"], dtype=float)
                lat_deg = np.asarray(self._columns["lat"], dtype=float)
            else:
                frame = position_frame(self._table, lon, default)
                lon_deg = degrees_column(self._table[lon])
                lat_deg = degrees_column(self._table[lat])
            self._positions = SkyCoord(lon_deg, lat_deg, unit="deg", frame=frame)
        return self._positions

    @classmethod
    def _positions_from(cls, table: Table, suffix: str = "") -> SkyCoord:
        """Positions from ``position_columns`` (names with ``suffix`` appended), in the
        frame the file gives (`skymask.catalog.io.position_frame`)."""
        lon_name, lat_name, default = cls.position_columns
        lon_name, lat_name = lon_name + suffix, lat_name + suffix
        frame = position_frame(table, lon_name, default)
        lon, lat = table[lon_name], table[lat_name]
        return SkyCoord(degrees_column(lon), degrees_column(lat), unit="deg", frame=frame)

    @classmethod
    def _required_columns(cls) -> tuple[str, ...]:
        """Columns every file of this catalog has (names and positions)."""
        return (cls.name_column, *cls.position_columns[:2])

    def _check_identity(self) -> None:
        """Refuse another catalog's file given under this tag (a 3FGL file read as 3FHL has
        the same HDUs and columns): the source names say which catalog a file is."""
        if not self.name_prefix or len(self) == 0:
            return
        prefixes = np.array([name.split(" ", 1)[0] for name in self.names])
        if np.any(prefixes == self.name_prefix):
            return
        found = prefixes[0]
        other = next(
            (cls for cls in CATALOG_REGISTRY if cls.name_prefix and cls.name_prefix == found),
            None,
        )
        hint = (
            f"; it is the {other.tag} catalog: use {other.__name__}"
            f" (CATALOG_REGISTRY.get_cls({other.tag!r}))"
            if other is not None
            else ""
        )
        raise ValueError(
            f"{type(self).__name__}: {self.filename} is not a {self.tag} catalog file: its "
            f"sources are named like {str(self.names[0])!r}, not '{self.name_prefix} J...'{hint}"
        )

    def _check_positions(self) -> None:
        """Warn about sources without a finite position (NaN or masked in the file)."""
        spherical = self.positions.spherical
        bad = ~(np.isfinite(spherical.lon.deg) & np.isfinite(spherical.lat.deg))
        if bad.any():
            names = ", ".join(repr(str(n)) for n in self.names[bad][:5])
            more = ", ..." if bad.sum() > 5 else ""
            warnings.warn(
                f"{type(self).__name__}: {int(bad.sum())} of {len(self)} sources in "
                f"{self.filename} have no finite position ({names}{more}); geometry "
                "selections and exclusion regions leave them out",
                CatalogWarning,
                stacklevel=3,
            )

    # ------------------------------------------------------------------ spatial extension
    @property
    def morphology(self) -> np.ndarray:
        """Kind of each source's main spatial model.

        One of point, disk, gaussian, shell, ring, template (see `skymask.catalog.extension`).

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
        >>> catalog.morphology.tolist()
        ['point', 'disk']
        """
        return self._components.morphology.copy()

    @property
    def extension(self) -> Angle:
        """Size of each source's main spatial model: disk radius, Gaussian sigma, shell outer
        radius, template radius; 0 deg for point-like sources.

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
        >>> catalog.extension.deg
        array([0., 2.])
        """
        return Angle(self._components.extension_deg, u.deg)

    def extension_radius(self, containment: float = DEFAULT_CONTAINMENT) -> Angle:
        """Radius around each position that contains the source (0 deg for point sources).

        The outer edge of disks, shells, rings and templates; the radius containing the
        fraction ``containment`` of a Gaussian; the largest over a source's components. See
        `skymask.catalog.extension`.

        Parameters
        ----------
        containment : float
            Fraction of a Gaussian source to contain, in (0, 1).

        Returns
        -------
        `~astropy.coordinates.Angle`
            One radius per source.

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
        >>> catalog.extension_radius(0.68).deg
        array([0., 2.])
        """
        return Angle(self._components.extension_radius_deg(containment), u.deg)

    def exclusion_regions(
        self,
        radius="0.3 deg",
        *,
        geom=None,
        margin="0 deg",
        containment: float = DEFAULT_CONTAINMENT,
        select: str = "inside",
        psf=None,
        energy_point: str = "lower",
    ):
        """One circle per source, to exclude the sources from background estimation.

        Each circle is centred on the catalog position with radius
        ``max(radius, extension_radius(containment) + margin)``: at least ``radius``, grown to
        cover the source's extension where the catalog gives one.

        Parameters
        ----------
        radius : angle, default "0.3 deg"
            Smallest circle radius (all point-like sources get this); must be positive.
        geom : `~skymask.maps.WcsGeom`, optional
            Keep only the sources this geometry selects (see ``select``).
        margin : angle, default "0 deg"
            Added to the extension radius of extended sources.
        containment : float, default 0.95
            Fraction of a Gaussian source inside its extension radius, and with ``psf`` the
            fraction of the PSF inside the PSF radius.
        select : {"inside", "overlap"}
            With ``geom``: ``"inside"`` keeps sources whose position is inside the geometry
            (``geom.contains``, as in the gammapy tutorial); ``"overlap"`` also keeps sources
            outside it whose circle reaches the map's footprint (the outer edges of its border
            pixels, sampled every half pixel, so a kept circle may just touch a border pixel
            without covering its centre).

        psf : `~skymask.irf.PSFMap`, optional
            Make the radius follow the PSF: each source's radius at energy E becomes
            ``sqrt(r**2 + r_psf(E)**2)``, with ``r`` the radius above and ``r_psf`` the
            ``containment`` radius of the PSF at the source position. The result is then an
            `~skymask.maps.EnergyDependentCircles`, which ``geom.region_mask`` paints into a
            cube (one plane per energy bin). With ``geom`` and ``select="overlap"`` a source is
            kept when its largest radius over the geometry's energy bins reaches the map.
        energy_point : {"lower", "center"}, default "lower"
            With ``psf``: where in each energy bin the PSF radius is taken. The lowest edge
            (default) has the bin's largest radius, so every photon energy of the bin is
            covered; see `~skymask.maps.EnergyDependentCircles`.

        Returns
        -------
        `~regions.Regions` or `~skymask.maps.EnergyDependentCircles`
            `~regions.CircleSkyRegion` objects in the catalog frame, in catalog order (with
            ``psf``: the energy-dependent circles of the same sources). With
            ``geom.region_mask(regions)`` they give the catalog exclusion mask.

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
        >>> from skymask.maps import WcsGeom
        >>> geom = WcsGeom.create(skydir=(83.63, 22.02), width=2, binsz=0.1)
        >>> regions = catalog.exclusion_regions("0.3 deg", geom=geom)
        >>> len(regions), regions[0].radius
        (1, <Angle 0.3 deg>)
        >>> int(geom.region_mask(regions).data.sum())
        32
        """
        return exclusion_circles(
            self.positions,
            self._components.extension_radius_deg(containment),
            radius,
            geom=geom,
            margin=margin,
            select=select,
            psf=psf,
            containment=containment,
            energy_point=energy_point,
        )

    #: Alias of `exclusion_regions`.
    to_regions = exclusion_regions

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, key):
        """``catalog[name]`` and ``catalog[int]`` give a `CatalogSource`; a boolean mask, an
        integer array or a slice gives a catalog of the selected sources."""
        if isinstance(key, str):
            return self._source(self.row_index(key))
        if isinstance(key, (bool, np.bool_)):
            raise TypeError(f"cannot index a catalog with a bool ({key!r}); use a mask array")
        if isinstance(key, numbers.Integral):
            index = int(key)
            if not -len(self) <= index < len(self):
                raise IndexError(f"row {index} is out of range for {len(self)} sources")
            return self._source(index % len(self))
        if isinstance(key, slice):
            return self._subset(key)
        array = np.asarray(key)
        if array.dtype == bool:
            if array.shape != (len(self),):
                raise IndexError(
                    f"a boolean mask must have shape ({len(self)},), got {array.shape}"
                )
            return self._subset(array)
        if array.dtype.kind in "iu" and array.ndim == 1:
            return self._subset(array)
        raise TypeError(
            "a catalog is indexed by a source name, a row number, a boolean mask, an integer "
            f"array or a slice, got {describe(key)} ({type(key).__name__})"
        )

    def __iter__(self):
        for index in range(len(self)):
            yield self._source(index)

    def _subset(self, index) -> SourceCatalog:
        table = self._table[index]  # first: a table read now is the copy's too
        new = copy.copy(self)
        new._set(table, self._components[index])
        return new

    def _source(self, index: int) -> CatalogSource:
        return self.source_object_class(
            name=self.names[index],
            row_index=index,
            position=self.positions[index],
            row=self._table[index],
            components=self._components[index : index + 1],
            info=self._info_page,
            catalog=self,
        )

    def _info_page(self, source, info: str) -> str:
        """The information page of ``source`` (see `CatalogSource.info`)."""
        from .info import generic_info

        return generic_info(self, source, info)

    # ------------------------------------------------------------------ names
    def row_index(self, name: str) -> int:
        """Row of the source called ``name`` (its catalog name, or an alias listed below).

        Exact source names always win; alias columns (``alias_columns``, comma-separated
        lists allowed) are searched next.

        Parameters
        ----------
        name : str
            Source name or alias (surrounding spaces ignored).

        Returns
        -------
        int
            Row in `table`.

        Raises
        ------
        UnknownSourceError
            (a `KeyError`) for an unknown name, or an alias shared by several sources (the
            message lists them).

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
        >>> catalog.row_index("3HWC J0631+169")
        1
        """
        if not isinstance(name, str):
            raise TypeError(f"a source name must be a str, got {describe(name)}")
        primary, aliases = self._name_lookup()
        key = name.strip()
        if key in primary:
            return primary[key]
        rows = aliases.get(key, ())
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            candidates = ", ".join(repr(str(self.names[i])) for i in sorted(rows))
            raise UnknownSourceError(
                f"{name!r} names {len(rows)} sources of {type(self).__name__} "
                f"({candidates}); use one of these source names"
            )
        close = difflib.get_close_matches(key, [str(n) for n in primary], n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise UnknownSourceError(f"no source called {name!r} in {type(self).__name__}{hint}")

    def source_name(self, index) -> str:
        """Name of the source in row ``index`` (stripped), as gammapy's ``source_name``.

        Parameters
        ----------
        index : int
            Row of the source (negative counts from the end).

        Returns
        -------
        str
            The source name.

        Raises
        ------
        IndexError
            ``index`` is not a row of the catalog (or not an integer, as gammapy).

        Examples
        --------
        >>> from astropy.table import Table
        >>> from skymask.catalog import SourceCatalog
        >>> table = Table({"Source_Name": ["a", "bb"], "RA": [1.0, 2.0], "DEC": [0.0, 1.0]})
        >>> SourceCatalog(table).source_name(1)
        'bb'
        """
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, numbers.Integral):
            raise IndexError(
                f"source_name takes a row number (int), got {describe(index)}; "
                "row_index(name) gives the row of a name"
            )
        if not -len(self) <= int(index) < len(self):
            raise IndexError(f"row {int(index)} is out of range for {len(self)} sources")
        return str(self.names[int(index)])

    def _name_lookup(self):
        if self._lookup is None:
            names = self.names
            primary: dict[str, int] = {}
            for i, name in enumerate(names):
                if name:
                    primary.setdefault(name, i)
            aliases: dict[str, list[int]] = {}
            for column in self.alias_columns:
                if column not in self._table.colnames:
                    continue
                for i, value in enumerate(string_column(self._table, column)):
                    for alias in value.split(","):
                        alias = alias.strip()
                        if alias and alias != "--" and i not in aliases.setdefault(alias, []):
                            aliases[alias].append(i)
            self._lookup = (primary, aliases)
        return self._lookup

    # ------------------------------------------------------------------ repr
    def __repr__(self) -> str:
        n_extended = int(np.count_nonzero(self._components.morphology != "point"))
        filename = getattr(self, "filename", None)
        return (
            f"{type(self).__name__}(tag={self.tag!r}, {len(self)} sources, "
            f"{n_extended} extended, file={str(filename)!r})"
        )

    def __str__(self) -> str:
        # gammapy's summary (repr() gives skymask's one line with the file).
        return (
            f"{type(self).__name__}:\n"
            f"    name: {self.tag}\n"
            f"    description: {self.description}\n"
            f"    sources: {len(self)}\n"
        )


#: Position columns of a table given to ``SourceCatalog(table)``, in gammapy's order of
#: preference, with the frame used when the table header does not say (see
#: `skymask.catalog.io.position_frame`: ``...J2000`` columns are FK5 J2000, X35).
_TABLE_POSITION_COLUMNS = (
    ("RAJ2000", "DEJ2000"),
    ("RAJ2000", "DECJ2000"),
    ("RA", "DEC"),
    ("ra", "dec"),
    ("RAJD", "DECJD"),
)


def _strip_names(values) -> np.ndarray:
    """Names as `string_column` gives them, from a bytes or str array."""
    values = np.asarray(values)
    if values.dtype.kind == "S":
        values = np.char.decode(values, "ascii", errors="replace")
    return np.char.strip(values.astype(str))


def table_position_columns(table: Table) -> tuple[str, str, str]:
    """Longitude and latitude columns of a plain table, and the default frame."""
    for lon, lat in _TABLE_POSITION_COLUMNS:
        if lon in table.colnames and lat in table.colnames:
            return (lon, lat, "icrs")
    raise ValueError(
        "a catalog table needs position columns: one of "
        + ", ".join(f"{lon}/{lat}" for lon, lat in _TABLE_POSITION_COLUMNS)
        + f"; its columns are {', '.join(table.colnames[:12])}"
    )
