"""A small built-in list of well-known gamma-ray sources, used when no catalog file is at hand.

The demo runs without a data directory, so it cannot read a Fermi-LAT catalog. This list
stands in for one: a handful of famous sources with their positions and sizes, and the same
``exclusion_regions`` method as the catalog classes of `skymask.catalog`, so the catalog step
of the workflow does not care which one it gets. The sources simulated by
`skymask.demo.simulate` are among them, so that step finds them in the simulated field.

Positions are those of the catalog named in each entry (ICRS degrees). Sizes follow the
conventions of `skymask.catalog.extension`: a Gaussian's sigma, a disk's radius, 0 for points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from regions import Regions

from ..catalog import DEFAULT_CONTAINMENT, SpatialComponents, UnknownSourceError
from ..catalog.exclusion import exclusion_circles

__all__ = ["BUILTIN_SOURCES", "BuiltinCatalog", "KnownSource"]

_MORPHOLOGIES = ("point", "gaussian", "disk")


@dataclass(frozen=True)
class KnownSource:
    """One source of the built-in list.

    Parameters
    ----------
    name : str
        Common name.
    ra, dec : float
        ICRS position in degrees.
    morphology : {"point", "gaussian", "disk"}
        Spatial model.
    size : float
        Gaussian sigma or disk radius in degrees; 0 for point sources.
    reference : str
        Where the position and size come from.

    Examples
    --------
    >>> from skymask.demo import KnownSource
    >>> source = KnownSource("my source", 83.6, 22.0, morphology="disk", size=0.2)
    >>> source.position.dec.deg
    np.float64(22.0)
    """

    name: str
    ra: float
    dec: float
    morphology: str = "point"
    size: float = 0.0
    reference: str = ""

    def __post_init__(self):
        if self.morphology not in _MORPHOLOGIES:
            raise ValueError(
                f"{self.name}: morphology must be one of {_MORPHOLOGIES}, got {self.morphology!r}"
            )
        if (self.morphology == "point") != (self.size == 0):
            raise ValueError(
                f"{self.name}: a point source has size 0 and an extended one a positive size, "
                f"got {self.morphology!r} with size {self.size!r} deg"
            )

    @property
    def position(self) -> SkyCoord:
        """The ICRS position.

        Examples
        --------
        >>> from skymask.demo import KnownSource
        >>> KnownSource("my source", 83.6, 22.0).position.frame.name
        'icrs'
        """
        return SkyCoord(self.ra, self.dec, unit="deg", frame="icrs")


#: The built-in sources: the five of the simulated Crab field first, then famous ones elsewhere.
BUILTIN_SOURCES: tuple[KnownSource, ...] = (
    KnownSource("Crab Nebula", 83.633083, 22.0145, reference="gammapy tutorial position"),
    KnownSource("TXS 0518+211", 80.4417, 21.2134, reference="3FHL J0521.7+2112"),
    KnownSource("3FGL J0526.4+2247", 81.6091, 22.7980, reference="3FGL"),
    # 1LHAASO measures r39 = 0.98 deg above 25 TeV; the demo uses a compact 0.3 deg Gaussian
    # so that the halo fits in the simulated field.
    KnownSource(
        "PSR B0540+23 halo",
        85.7812,
        23.1150,
        "gaussian",
        0.3,
        reference="3HWC J0543+231 position; size chosen for the demo",
    ),
    KnownSource("Geminga", 98.4785, 17.7743, reference="3FHL J0633.9+1746"),
    KnownSource("IC 443", 94.3100, 22.5800, "gaussian", 0.179, reference="3FHL J0617.2+2234e"),
    KnownSource("Vela pulsar", 128.8370, -45.1752, reference="3FHL J0835.3-4510"),
    KnownSource("Vela X", 128.2870, -45.1901, "disk", 0.91, reference="3FHL J0833.1-4511e"),
    KnownSource("Mkn 421", 166.1208, 38.2052, reference="3FHL J1104.4+3812"),
    KnownSource("Mkn 501", 253.4711, 39.7582, reference="3FHL J1653.8+3945"),
    KnownSource("PKS 2155-304", 329.7169, -30.2242, reference="3FHL J2158.8-3013"),
)


class BuiltinCatalog:
    """The built-in source list with the catalog interface the mask workflow uses.

    Parameters
    ----------
    sources : sequence of `KnownSource`, optional
        Default `BUILTIN_SOURCES`.

    Examples
    --------
    >>> from skymask.demo import BuiltinCatalog
    >>> catalog = BuiltinCatalog()
    >>> catalog["IC 443"].morphology
    'gaussian'
    >>> round(float(catalog.extension_radius()[catalog.row_index("IC 443")].deg), 3)
    0.438
    """

    tag = "builtin"
    description = "built-in list of well-known gamma-ray sources"

    def __init__(self, sources=BUILTIN_SOURCES):
        self._sources = tuple(sources)
        names = [source.name for source in self._sources]
        if len(set(names)) != len(names):
            raise ValueError(f"source names must be unique, got {names}")
        self._components = SpatialComponents.single(
            [source.morphology for source in self._sources],
            [source.size for source in self._sources],
        )

    def __len__(self) -> int:
        return len(self._sources)

    def __iter__(self):
        return iter(self._sources)

    def __getitem__(self, name: str) -> KnownSource:
        return self._sources[self.row_index(name)]

    def row_index(self, name: str) -> int:
        """Position of the source called ``name`` in the list.

        Parameters
        ----------
        name : str
            Source name.

        Returns
        -------
        int
            Index in the list.

        Raises
        ------
        UnknownSourceError
            (a `KeyError`) naming the known sources.

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog
        >>> BuiltinCatalog().row_index("Crab Nebula")
        0
        """
        for index, source in enumerate(self._sources):
            if source.name == name:
                return index
        raise UnknownSourceError(
            f"no source called {name!r} in the built-in list; it has {self.names.tolist()}"
        )

    @property
    def names(self) -> np.ndarray:
        """Source names, in list order.

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog
        >>> BuiltinCatalog().names[:2].tolist()
        ['Crab Nebula', 'TXS 0518+211']
        """
        return np.array([source.name for source in self._sources])

    @property
    def positions(self) -> SkyCoord:
        """ICRS positions of all sources.

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog
        >>> BuiltinCatalog().positions[0].ra.deg
        np.float64(83.633083)
        """
        ra = [source.ra for source in self._sources]
        dec = [source.dec for source in self._sources]
        return SkyCoord(ra, dec, unit="deg", frame="icrs")

    @property
    def morphology(self) -> np.ndarray:
        """Kind of each source's spatial model: point, gaussian or disk.

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog
        >>> catalog = BuiltinCatalog()
        >>> catalog.morphology[catalog.row_index("IC 443")]
        np.str_('gaussian')
        """
        return self._components.morphology.copy()

    @property
    def extension(self) -> Angle:
        """Gaussian sigma or disk radius of each source (0 deg for points).

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog
        >>> BuiltinCatalog().extension[0]
        <Angle 0. deg>
        """
        return Angle(self._components.extension_deg, u.deg)

    def extension_radius(self, containment: float = DEFAULT_CONTAINMENT) -> Angle:
        """Radius containing each source (see `skymask.catalog.extension`).

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
        >>> from skymask.demo import BuiltinCatalog
        >>> catalog = BuiltinCatalog()
        >>> round(float(catalog.extension_radius(0.68)[catalog.row_index("IC 443")].deg), 3)
        0.27
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
    ) -> Regions:
        """One circle per source, as `skymask.catalog.SourceCatalog.exclusion_regions`.

        Each circle has the radius ``max(radius, extension_radius(containment) + margin)``;
        with ``geom`` only the sources it selects are kept.

        Parameters
        ----------
        radius : angle
            Smallest circle radius (plain numbers are degrees).
        geom : `~skymask.maps.WcsGeom`, optional
            Keep only the sources this geometry selects.
        margin : angle
            Added to the extension radius of extended sources.
        containment : float
            Fraction of a Gaussian source to contain.
        select : {"inside", "overlap"}
            Sources whose centre is inside ``geom``, or whose circle overlaps it.

        Returns
        -------
        `regions.Regions`
            The circles.

        Examples
        --------
        >>> from skymask.demo import BuiltinCatalog, simulation_geom
        >>> regions = BuiltinCatalog().exclusion_regions("0.3 deg", geom=simulation_geom())
        >>> len(regions)
        4
        """
        return exclusion_circles(
            self.positions,
            self._components.extension_radius_deg(containment),
            radius,
            geom=geom,
            margin=margin,
            select=select,
        )

    def __repr__(self) -> str:
        n_extended = int(np.count_nonzero(self._components.morphology != "point"))
        return f"BuiltinCatalog({len(self)} sources, {n_extended} extended)"
