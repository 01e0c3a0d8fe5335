"""Region painters: the extension point of the rasterizer, keyed by region class.

A painter paints one family of `regions` classes onto a `Grid` (a celestial WCS and an image
shape). `rasterize` looks up each region's painter by the region's class (the nearest class
in its method resolution order that has one), groups the regions by painter and lets each
paint its group at once (thousands of circles are one vectorised call).

The protocol is small:

- ``region_names``: the `regions` class names the painter paints (classes missing from the
  installed `regions` version are skipped);
- ``shape``: the ds9 shape name(s) or a short label, and ``rule``: how a pixel is tested (both
  for the docs' shapes table and the command-line help);
- ``bounding_circle(region)``: ``(centre, radius_deg)``, a circle on the sky that contains the
  shape, or None (pixel regions, shapes without area, compounds): shapes whose circle cannot
  reach the map are skipped before any pixel is looked at;
- ``paint(grid, regions, out)``: OR the pixels whose centres lie inside into ``out``, a
  ``(ny, nx)`` bool array.

`CapPainter` implements ``paint`` for shapes that can say, for pixel centres in the grid's
frame, whether they are inside: it visits only the pixels of the bounding circle (the
rasterizer's cap tiles), seams and poles of all-sky maps included. A new shape is one painter
class registered with `PAINTERS.register`, and its test: the contract tests in
``tests/rasterize/test_painter_contract.py`` (brute force, empty and outside, far side,
seam, finite values) run on every registered painter.
"""

from __future__ import annotations

import numpy as np
import regions as _regions_package
from astropy import units as u

from ..utils.frames import skycoord_lonlat_deg
from ._tiles import cap_tiles

__all__ = ["PAINTERS", "CapPainter", "PainterRegistry", "RegionPainter"]


class RegionPainter:
    """Base class of the painters (see the module notes for the protocol).

    Examples
    --------
    >>> from skymask.rasterize import PAINTERS, RegionPainter
    >>> all(isinstance(painter, RegionPainter) for painter in PAINTERS)
    True
    """

    #: Names of the `regions` classes this painter paints.
    region_names: tuple[str, ...] = ()
    #: ds9 shape name(s) or a short label, for tables and help texts.
    shape: str = ""
    #: How a pixel is tested, one sentence, for the docs' shapes table.
    rule: str = ""
    #: True if ``paint`` itself refuses non-finite positions and sizes (ValueError, with
    #: `check_finite`'s message) in one vectorised test: `rasterize` then skips its per-region
    #: check, which costs more than painting for thousands of circles.
    checks_finite: bool = False

    @property
    def region_types(self) -> tuple[type, ...]:
        """The classes of ``region_names`` that the installed `regions` has.

        Examples
        --------
        >>> from skymask.rasterize import PAINTERS
        >>> from regions import CircleSkyRegion
        >>> CircleSkyRegion in PAINTERS.painter_for_type(CircleSkyRegion).region_types
        True
        """
        found = (getattr(_regions_package, name, None) for name in self.region_names)
        return tuple(cls for cls in found if cls is not None)

    def bounding_circle(self, region):
        """``(centre SkyCoord, radius in deg)`` of a circle containing the shape, or None.

        Parameters
        ----------
        region : `regions.Region`
            A region of this painter's classes.

        Returns
        -------
        tuple or None
            ``(centre, radius_deg)``; None when the shape has no useful bound.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import WcsGeom
        >>> from skymask.rasterize import PAINTERS, Grid, parse_regions
        >>> geom = WcsGeom.create(npix=(5, 4), binsz=1)
        >>> grid = Grid(geom.wcs, geom.data_shape_image)
        >>> [(region, include)] = parse_regions("icrs;circle(0, 0, 1.2)")
        >>> centre, radius_deg = PAINTERS.painter_for(region).bounding_circle(region)
        >>> radius_deg
        1.2
        """
        return None

    def paint(self, grid, regions, out) -> None:
        """OR the pixels of ``grid`` whose centres lie inside any of ``regions`` into ``out``.

        Parameters
        ----------
        grid : `Grid`
            The pixel grid.
        regions : list of `regions.Region`
            Regions of this painter's classes.
        out : `numpy.ndarray` of bool
            Image of shape ``grid.data_shape_image``, updated in place.

        Raises
        ------
        NotImplementedError
            In the base class.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import WcsGeom
        >>> from skymask.rasterize import PAINTERS, Grid, parse_regions
        >>> geom = WcsGeom.create(npix=(5, 4), binsz=1)
        >>> grid = Grid(geom.wcs, geom.data_shape_image)
        >>> [(region, include)] = parse_regions("icrs;circle(0, 0, 1.2)")
        >>> out = np.zeros(geom.data_shape_image, dtype=bool)
        >>> PAINTERS.painter_for(region).paint(grid, [region], out)
        >>> int(out.sum())
        6
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(self.region_names)})"


class CapPainter(RegionPainter):
    """A painter for shapes with a centre and a bounding circle, tested pixel by pixel.

    Subclasses give ``bounding_circle`` and ``contains(region, lon, lat, lon0, lat0)``:
    whether pixel centres at ``lon``, ``lat`` (radians, the grid's frame) are inside the
    shape whose centre is at ``lon0``, ``lat0`` (radians, the grid's frame).

    Examples
    --------
    >>> import numpy as np
    >>> import astropy.units as u
    >>> from astropy.coordinates import SkyCoord
    >>> from regions import CircleSkyRegion
    >>> from skymask.maps import WcsGeom
    >>> from skymask.rasterize import CapPainter, Grid
    >>> class SquarePainter(CapPainter):  # a toy: circles painted as lon-lat squares
    ...     region_names = ("CircleSkyRegion",)
    ...     shape = "square"
    ...     def bounding_circle(self, region):
    ...         return region.center, 1.5 * region.radius.to_value("deg")
    ...     def contains(self, region, lon, lat, lon0, lat0):
    ...         half = region.radius.to_value("rad")
    ...         return (np.abs(lon - lon0) < half) & (np.abs(lat - lat0) < half)
    >>> geom = WcsGeom.create(skydir=(10, 0), npix=(5, 4), binsz=1)
    >>> region = CircleSkyRegion(SkyCoord(10, 0, unit="deg"), 1.2 * u.deg)
    >>> out = np.zeros(geom.data_shape_image, dtype=bool)
    >>> SquarePainter().paint(Grid(geom.wcs, geom.data_shape_image), [region], out)
    >>> out.astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """

    def contains(self, region, lon, lat, lon0, lat0) -> np.ndarray:
        """Whether pixel centres are inside a region (subclasses implement it).

        Parameters
        ----------
        region : `regions.Region`
            The region.
        lon, lat : `numpy.ndarray`
            Pixel centres, in radians, in the grid's frame.
        lon0, lat0 : float
            Centre of the bounding circle, in radians, in the grid's frame.

        Returns
        -------
        `numpy.ndarray` of bool
            True for the pixel centres inside.

        Raises
        ------
        NotImplementedError
            In the base class.

        Examples
        --------
        >>> import numpy as np
        >>> import astropy.units as u
        >>> from astropy.coordinates import SkyCoord
        >>> from regions import CircleSkyRegion
        >>> from skymask.maps import WcsGeom
        >>> from skymask.rasterize import CapPainter, Grid
        >>> class SquarePainter(CapPainter):  # a toy: circles painted as lon-lat squares
        ...     region_names = ("CircleSkyRegion",)
        ...     shape = "square"
        ...     def bounding_circle(self, region):
        ...         return region.center, 1.5 * region.radius.to_value("deg")
        ...     def contains(self, region, lon, lat, lon0, lat0):
        ...         half = region.radius.to_value("rad")
        ...         return (np.abs(lon - lon0) < half) & (np.abs(lat - lat0) < half)
        >>> geom = WcsGeom.create(skydir=(10, 0), npix=(5, 4), binsz=1)
        >>> region = CircleSkyRegion(SkyCoord(10, 0, unit="deg"), 1.2 * u.deg)
        >>> lon, lat = np.radians([10, 11.5]), np.zeros(2)
        >>> SquarePainter().contains(region, lon, lat, np.radians(10), 0.0)
        array([ True, False])
        """
        raise NotImplementedError

    def paint(self, grid, regions, out) -> None:
        """OR the pixels whose centres `contains` accepts, near each region, into ``out``.

        Parameters
        ----------
        grid : `Grid`
            The pixel grid.
        regions : list of `regions.Region`
            Regions of this painter's classes.
        out : `numpy.ndarray` of bool
            Image of shape ``grid.data_shape_image``, updated in place.

        Examples
        --------
        >>> import numpy as np
        >>> import astropy.units as u
        >>> from astropy.coordinates import SkyCoord
        >>> from regions import CircleSkyRegion
        >>> from skymask.maps import WcsGeom
        >>> from skymask.rasterize import CapPainter, Grid
        >>> class SquarePainter(CapPainter):  # a toy: circles painted as lon-lat squares
        ...     region_names = ("CircleSkyRegion",)
        ...     shape = "square"
        ...     def bounding_circle(self, region):
        ...         return region.center, 1.5 * region.radius.to_value("deg")
        ...     def contains(self, region, lon, lat, lon0, lat0):
        ...         half = region.radius.to_value("rad")
        ...         return (np.abs(lon - lon0) < half) & (np.abs(lat - lat0) < half)
        >>> geom = WcsGeom.create(skydir=(10, 0), npix=(5, 4), binsz=1)
        >>> region = CircleSkyRegion(SkyCoord(10, 0, unit="deg"), 1.2 * u.deg)
        >>> out = np.zeros(geom.data_shape_image, dtype=bool)
        >>> SquarePainter().paint(Grid(geom.wcs, geom.data_shape_image), [region], out)
        >>> int(out.sum())
        6
        """
        for region in regions:
            centre, radius_deg = self.bounding_circle(region)
            lon0, lat0 = skycoord_lonlat_deg(centre, grid.sky_frame)
            lon0, lat0 = float(np.radians(lon0)), float(np.radians(lat0))
            reach = [np.radians(radius_deg) + 2 * np.radians(np.hypot(*grid.pixel_scales_deg))]
            for _, ix, iy, lon, lat in cap_tiles(grid, [lon0], [lat0], reach):
                with np.errstate(invalid="ignore"):
                    inside = np.asarray(self.contains(region, lon, lat, lon0, lat0), dtype=bool)
                out[iy[inside], ix[inside]] = True


class PainterRegistry:
    """Painters by region class; a region's painter is that of the nearest class in its MRO.

    Examples
    --------
    >>> from regions import CircleSkyRegion
    >>> from skymask.rasterize import PAINTERS
    >>> PAINTERS.painter_for_type(CircleSkyRegion).shape
    'circle'
    """

    def __init__(self):
        self._painters: list[RegionPainter] = []
        self._by_type: dict[type, RegionPainter] = {}
        self._cache: dict[type, RegionPainter | None] = {}

    def register(self, painter: RegionPainter) -> RegionPainter:
        """Add ``painter`` for its region classes (an instance, or a class to instantiate).

        Parameters
        ----------
        painter : `RegionPainter` or its class
            The painter.

        Returns
        -------
        `RegionPainter`
            The registered instance (keep it for `unregister`).

        Raises
        ------
        TypeError
            If ``painter`` is not a `RegionPainter`.
        ValueError
            If one of its region classes already has a painter.

        Examples
        --------
        >>> from regions import CircleSkyRegion
        >>> from skymask.rasterize import PAINTERS, PainterRegistry
        >>> registry = PainterRegistry()
        >>> painter = registry.register(PAINTERS.painter_for_type(CircleSkyRegion))
        >>> registry.shapes()
        ['circle']
        """
        if isinstance(painter, type):
            painter = painter()
        if not isinstance(painter, RegionPainter):
            raise TypeError(f"a painter must be a RegionPainter, got {painter!r}")
        types = painter.region_types
        taken = [cls.__name__ for cls in types if cls in self._by_type]
        if taken:
            raise ValueError(f"the region classes {taken} already have a painter")
        self._painters.append(painter)
        for cls in types:
            self._by_type[cls] = painter
        self._cache.clear()
        return painter

    def unregister(self, painter: RegionPainter) -> None:
        """Remove ``painter`` (the instance `register` returned).

        Parameters
        ----------
        painter : `RegionPainter`
            A registered painter.

        Raises
        ------
        ValueError
            If it is not registered.

        Examples
        --------
        >>> from regions import CircleSkyRegion
        >>> from skymask.rasterize import PAINTERS, PainterRegistry
        >>> registry = PainterRegistry()
        >>> painter = registry.register(PAINTERS.painter_for_type(CircleSkyRegion))
        >>> registry.unregister(painter)
        >>> len(registry)
        0
        """
        if painter not in self._painters:
            names = sorted({cls.__name__ for p in self._painters for cls in p.region_types})
            raise ValueError(
                f"{painter!r} is not a registered painter (painters are registered for "
                f"{', '.join(names)}); pass the instance register() returned"
            )
        self._painters.remove(painter)
        self._by_type = {cls: p for cls, p in self._by_type.items() if p is not painter}
        self._cache.clear()

    def painter_for_type(self, cls: type) -> RegionPainter | None:
        """The painter of region class ``cls`` (None if no class in its MRO has one).

        Parameters
        ----------
        cls : type
            A region class.

        Returns
        -------
        `RegionPainter` or None
            The painter.

        Examples
        --------
        >>> from regions import CircleSkyRegion
        >>> from skymask.rasterize import PAINTERS
        >>> PAINTERS.painter_for_type(CircleSkyRegion).shape
        'circle'
        """
        if cls not in self._cache:
            self._cache[cls] = next(
                (self._by_type[base] for base in cls.__mro__ if base in self._by_type), None
            )
        return self._cache[cls]

    def painter_for(self, region) -> RegionPainter:
        """The painter of ``region``; TypeError if there is none.

        Parameters
        ----------
        region : `regions.Region`
            A region.

        Returns
        -------
        `RegionPainter`
            Its painter.

        Raises
        ------
        TypeError
            If no painter paints its class.

        Examples
        --------
        >>> from skymask.rasterize import PAINTERS, parse_regions
        >>> [(region, _)] = parse_regions("icrs;annulus(0, 0, 1, 2)")
        >>> PAINTERS.painter_for(region).shape
        'annulus'
        """
        painter = self.painter_for_type(type(region))
        if painter is None:
            raise TypeError(f"no painter for {type(region).__name__} regions")
        return painter

    def __iter__(self):
        return iter(list(self._painters))

    def __len__(self) -> int:
        return len(self._painters)

    def shapes(self) -> list[str]:
        """The shape names of the painters, in registration order.

        Returns
        -------
        list of str
            The shape names.

        Examples
        --------
        >>> from skymask.rasterize import PAINTERS
        >>> PAINTERS.shapes()[:2]
        ['circle', 'annulus']
        """
        return [painter.shape for painter in self._painters if painter.shape]


#: The registry every `rasterize` call uses.
PAINTERS = PainterRegistry()


def radius_deg(value) -> float:
    """A region size (Quantity) in degrees."""
    return float(u.Quantity(value).to_value(u.deg))
