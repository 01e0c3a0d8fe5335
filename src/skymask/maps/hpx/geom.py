"""HEALPix geometry: all-sky or partial-sky, ring or nested, with non-spatial axes.

gammapy 2.1's `HpxGeom` for one ``nside`` (multi-resolution geometries, one nside per energy
bin, are refused with a clear error). Indices ("idx", "pix") are global HEALPix pixel numbers
in the geometry's ordering followed by the axis indices; the data of a partial-sky map hold
only the geometry's pixels, in increasing global index ("local" index).
"""

from __future__ import annotations

import re

import numpy as np

from ...kernels.healpix import cones_ring, npix_of
from ...utils.frames import sky_frame, skycoord_lonlat_deg
from ...utils.lazy import coordinates as _coords
from ...utils.lazy import units as u
from ...utils.units import as_angle_deg, describe
from ..axes import MapAxes, MapAxis
from ..coord import MapCoord
from ..geom import WcsGeom
from .disk import disk_nested
from .geom_transforms import HpxGeomTransforms, check_same_pixels_per_plane, unique_sorted
from .pixels import (
    check_nside,
    depth_of,
    lonlat_to_pix,
    pix_to_lonlat,
    pix_to_ring,
    ring_to_pix,
)

__all__ = ["HpxGeom", "nside_from_binsz"]

_FRAME_NAMES = {"icrs": "icrs", "galactic": "galactic", "fk5": "fk5", "fk4": "fk4"}
_REGION = re.compile(r"^\s*(DISK|DISK_INC|HPX_PIXEL)\s*\((.*)\)\s*$", re.IGNORECASE)


def nside_from_binsz(binsz) -> int:
    """The nside among 2, 4, ..., 2**14 whose pixel size (square root of the pixel area) is
    closest to ``binsz`` (gammapy's ``get_nside_from_pix_size``).

    Examples
    --------
    >>> nside_from_binsz(0.1)
    512
    """
    binsz = as_angle_deg(binsz, name="binsz", finite=True)
    if np.ndim(binsz) or binsz <= 0:
        raise ValueError(f"binsz must be one positive angle, got {describe(binsz)}")
    nsides = 2 ** np.arange(1, 15)
    sizes = np.degrees(np.sqrt(4 * np.pi / (12 * nsides.astype(float) ** 2)))
    return int(nsides[np.argmin(np.abs(sizes - binsz))])


# gammapy's nominal pixel sizes (deg) of orders 0-13 (``get_pix_size_from_nside``): round numbers
# close to the square root of the pixel area, used by pixel_scales and to_wcs_geom.
_ORDER_PIXSIZE = (32.0, 16.0, 8.0, 4.0, 2.0, 1.0, 0.50, 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.002)


def _pixel_size_deg(nside: int) -> float:
    if not nside & (nside - 1) and depth_of(nside) < len(_ORDER_PIXSIZE):
        return _ORDER_PIXSIZE[depth_of(nside)]
    return float(np.degrees(np.sqrt(4 * np.pi / npix_of(nside))))


def _frame_name(frame) -> str:
    name = getattr(frame, "name", frame)
    if name not in _FRAME_NAMES:
        raise ValueError(f"frame must be one of {sorted(_FRAME_NAMES)}, got {frame!r}")
    return _FRAME_NAMES[name]


def parse_region(region: str):
    """Tokens of an HPX_REG string: ``("DISK", lon, lat, r)``, ``("DISK_INC", lon, lat, r,
    fact)`` or ``("HPX_PIXEL", ordering, nside, ipix)``."""
    match = _REGION.match(region)
    if match is None:
        raise ValueError(
            f"region must be 'DISK(lon,lat,radius)', 'DISK_INC(lon,lat,radius,fact)' or "
            f"'HPX_PIXEL(NESTED|RING,nside,ipix)' (degrees), got {region!r}"
        )
    kind = match.group(1).upper()
    args = [a.strip() for a in match.group(2).split(",")]
    n_args = {"DISK": 3, "DISK_INC": 4, "HPX_PIXEL": 3}[kind]
    if len(args) != n_args:
        raise ValueError(f"region {kind} takes {n_args} values, got {region!r}")
    try:
        if kind == "HPX_PIXEL":
            return (kind, args[0].upper(), int(args[1]), int(args[2]))
        values = [float(a) for a in args]
    except ValueError:
        raise ValueError(f"region values must be numbers, got {region!r}") from None
    if not np.all(np.isfinite(values)) or values[2] < 0:
        raise ValueError(f"region lon, lat must be finite and the radius >= 0, got {region!r}")
    return (kind, *values)


def _default_axes(axes) -> MapAxes:
    # gammapy's MapAxes.from_default: a plain array is the edges of a linear axis; unnamed axes
    # are named axis0, axis1, ... by position (on copies, X86).
    if axes is None:
        return MapAxes(())
    if isinstance(axes, (MapAxis, np.ndarray)):
        raise TypeError(f"axes must be a list of MapAxis (or edge arrays), got {describe(axes)}")
    result = []
    for i, axis in enumerate(axes):
        if isinstance(axis, np.ndarray):
            axis = MapAxis(axis)
        if isinstance(axis, MapAxis) and not axis.name:
            axis = axis.copy(name=f"axis{i}")
        result.append(axis)
    return MapAxes(result)


class HpxGeom(HpxGeomTransforms):
    """Geometry of a HEALPix map: one nside, ring or nested, all-sky or a part of the sky.

    Parameters
    ----------
    nside : int
        HEALPix nside (``12 nside^2`` pixels on the sky); a power of 2 if ``nest``.
    nest : bool
        Nested (True, the default, as in gammapy) or ring ordering.
    frame : {"icrs", "galactic", "fk5", "fk4"}
        Sky frame of the pixelisation.
    region : str or tuple of arrays, optional
        Partial sky: ``"DISK(lon,lat,radius)"`` (pixels whose centre is within the radius, in
        degrees), ``"DISK_INC(lon,lat,radius,fact)"`` (pixels overlapping the disk),
        ``"HPX_PIXEL(NESTED|RING,nside,ipix)"`` (the pixels inside one coarser pixel), or a
        tuple whose first element lists the pixel indices explicitly. Default all-sky.
    axes : list of `~skymask.maps.MapAxis`, optional
        Non-spatial axes.

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> geom = HpxGeom.create(nside=64, frame="galactic", region="DISK(0,0,5)")
    >>> geom.data_shape, geom.nest
    ((88,), True)
    """

    is_hpx = True
    is_region = False

    def __init__(self, nside, nest=True, frame="icrs", region=None, axes=None):
        if not isinstance(nest, (bool, np.bool_)):
            raise TypeError(f"nest must be True or False, got {describe(nest)}")
        self._nside = check_nside(nside, bool(nest))
        self._nest = bool(nest)
        self._frame = _frame_name(frame)
        self._sky_frame = sky_frame(self._frame)
        self._axes = _default_axes(axes)
        self._region = None
        self._ipix = None
        if isinstance(region, str):
            self._ipix = self._region_pixels(parse_region(region))
            self._region = region
        elif isinstance(region, (tuple, list)):
            pix = np.asarray(region[0], dtype=np.int64).ravel()
            pix = unique_sorted(pix[pix >= 0])  # np.unique is slow here (numpy 2.4)
            if pix.size and pix[-1] >= npix_of(self._nside):
                raise ValueError(
                    f"explicit pixel indices must be below 12 nside^2 = {npix_of(self._nside)}, "
                    f"got {int(pix[-1])}"
                )
            check_same_pixels_per_plane(region, pix, self._axes)
            self._ipix = pix
            self._region = "explicit"
        elif region is not None:
            raise TypeError(
                f"region must be None, an HPX_REG string or a tuple of indices, got "
                f"{describe(region)}"
            )
        if self._ipix is not None:
            self._ipix.flags.writeable = False

    def _region_pixels(self, tokens) -> np.ndarray:
        kind = tokens[0]
        nside = self._nside
        if kind in ("DISK", "DISK_INC"):
            lon, lat, radius = tokens[1:4]
            if kind == "DISK_INC":
                # Pixels overlapping the disk: every centre within radius + the largest
                # centre-to-corner distance (at most 1.4 pixel sizes; 2 is safe).
                radius = radius + 2.0 * np.degrees(np.sqrt(4 * np.pi / npix_of(nside)))
            # DISK keeps centres with d <= radius (healpy's query_disc, gammapy); cones_ring
            # tests d < outer: nudge the radius by one ulp.
            lon, lat, outer = np.radians(lon), np.radians(lat), np.nextafter(np.radians(radius), 4)
            if self._nest:  # sorted by construction, without a conversion of every pixel
                return disk_nested(depth_of(nside), lon, lat, outer)
            pixels, _ = cones_ring(nside, [lon], [lat], [outer])
            pixels.sort()
            return pixels
        ordering, nside_pix, ipix_pix = tokens[1:]
        if ordering not in ("NESTED", "RING"):
            raise ValueError(f"HPX_PIXEL ordering must be NESTED or RING, got {ordering!r}")
        nside_pix = check_nside(nside_pix, ordering == "NESTED")
        if (
            nside_pix > nside
            or nside % nside_pix
            or (nside // nside_pix) & (nside // nside_pix - 1)
        ):
            raise ValueError(
                f"HPX_PIXEL nside {nside_pix} must divide the geometry's nside {nside} by a "
                "power of 2"
            )
        if ordering == "RING":
            ipix_pix = int(ring_to_pix(nside_pix, True, [ipix_pix])[0])
        factor = (nside // nside_pix) ** 2
        nested = ipix_pix * factor + np.arange(factor, dtype=np.int64)
        return np.sort(nested if self._nest else pix_to_ring(nside, True, nested))

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        nside=None,
        binsz=None,
        nest=True,
        frame="icrs",
        region=None,
        axes=None,
        skydir=None,
        width=None,
    ) -> HpxGeom:
        """HEALPix geometry from an nside (or a pixel size), with gammapy's arguments.

        Parameters
        ----------
        nside : int, optional
            HEALPix nside; wins over ``binsz``.
        binsz : angle, optional
            Approximate pixel size (plain numbers are degrees): the power-of-two nside closest
            to it (``nside_from_binsz``).
        nest : bool
            Nested (default) or ring ordering.
        frame : {"icrs", "galactic", "fk5", "fk4"}
            Sky frame.
        region : str, optional
            Partial-sky region string (see `HpxGeom`).
        axes : list of `~skymask.maps.MapAxis`, optional
            Non-spatial axes.
        skydir : `~astropy.coordinates.SkyCoord` or (lon, lat), optional
            Centre of a ``width`` disk; default (0, 0).
        width : angle, optional
            Diameter of a disk region ``DISK(lon, lat, width / 2)`` (when ``region`` is None).

        Returns
        -------
        HpxGeom

        Raises
        ------
        ValueError
            Neither ``nside`` nor ``binsz``; a bad region string or nside.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom.create(binsz=1.0).nside
        array([64])
        """
        if nside is None and binsz is None:
            raise ValueError("give nside or binsz (the approximate pixel size), e.g. nside=256")
        if nside is None:
            nside = nside_from_binsz(binsz)
        frame = _frame_name(frame)
        if skydir is None:
            lon, lat = 0.0, 0.0
        elif isinstance(skydir, _coords.SkyCoord):
            lon, lat = (float(v) for v in skycoord_lonlat_deg(skydir, frame))
        elif isinstance(skydir, (tuple, list)) and len(skydir) == 2:
            lon, lat = (float(as_angle_deg(v, name="skydir")) for v in skydir)
        else:
            raise TypeError(f"skydir must be a SkyCoord or (lon, lat), got {describe(skydir)}")
        if region is None and width is not None:
            radius = float(as_angle_deg(width, name="width", finite=True)) / 2.0
            region = f"DISK({lon},{lat},{radius})"
        return cls(nside, nest=nest, frame=frame, region=region, axes=axes)

    # ------------------------------------------------------------------ attributes
    @property
    def nside(self) -> np.ndarray:
        """HEALPix nside as a one-element array (gammapy keeps one per band).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).nside
        array([2])
        """
        return np.array([self._nside])

    @property
    def order(self) -> np.ndarray:
        """HEALPix order (``nside = 2**order``) as a one-element array.

        -1 for a ring-ordered nside that is no power of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=8).order, HpxGeom(nside=12, nest=False).order
        (array([3]), array([-1]))
        """
        n = self._nside
        return np.array([depth_of(n) if not n & (n - 1) else -1])

    @property
    def nest(self) -> bool:
        """True for nested pixel ordering, False for ring ordering.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).nest, HpxGeom(nside=2, nest=False).nest
        (True, False)
        """
        return self._nest

    @property
    def ordering(self) -> str:
        """The pixel ordering as written in FITS headers (``ORDERING``): "NESTED" or "RING".

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).ordering, HpxGeom(nside=2, nest=False).ordering
        ('NESTED', 'RING')
        """
        return "NESTED" if self._nest else "RING"

    @property
    def frame(self) -> str:
        """Name of the sky frame: "icrs", "galactic", "fk5" or "fk4".

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, frame="galactic").frame
        'galactic'
        """
        return self._frame

    @property
    def sky_frame(self):
        """The sky frame as an astropy frame instance (to build `~astropy.coordinates.SkyCoord`).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> type(HpxGeom(nside=2, frame="galactic").sky_frame).__name__
        'Galactic'
        """
        return self._sky_frame

    @property
    def projection(self) -> str:
        """Always "HPX" (the projection name gammapy gives HEALPix geometries).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).projection
        'HPX'
        """
        return "HPX"

    @property
    def region(self):
        """The region string, "explicit" for a list of pixels, or None (all-sky).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").region
        'DISK(0,0,30)'
        >>> HpxGeom(nside=2, region=([1, 5],)).region, HpxGeom(nside=2).region is None
        ('explicit', True)
        """
        return self._region

    @property
    def axes(self) -> MapAxes:
        """The non-spatial axes, a `~skymask.maps.MapAxes` (empty for an image).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[axis]).axes.names
        ['energy']
        """
        return self._axes

    @property
    def axes_names(self) -> list[str]:
        """Names of all axes: "skycoord" (the HEALPix pixels) then the non-spatial axes.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[axis]).axes_names
        ['skycoord', 'energy']
        """
        return ["skycoord", *self._axes.names]

    @property
    def shape_axes(self) -> tuple[int, ...]:
        """Number of bins of each non-spatial axis, in axis order (``()`` for an image).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[axis]).shape_axes, HpxGeom(nside=2).shape_axes
        ((3,), ())
        """
        return self._axes.shape

    @property
    def is_allsky(self) -> bool:
        """True when the geometry holds every pixel of the sky (no region).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).is_allsky, HpxGeom(nside=2, region="DISK(0,0,30)").is_allsky
        (True, False)
        """
        return self._ipix is None

    @property
    def is_regular(self) -> bool:
        """False for a geometry of explicit pixels (gammapy: they may differ per band); else True.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).is_regular, HpxGeom(nside=2, region=([1, 5],)).is_regular
        (True, False)
        """
        return self._region != "explicit"

    @property
    def is_image(self) -> bool:
        """True when the geometry has no non-spatial axes.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2).is_image, HpxGeom(nside=2, axes=[axis]).is_image
        (True, False)
        """
        return len(self._axes) == 0

    @property
    def is_flat(self) -> bool:
        """True when every non-spatial axis has one bin (an image is flat too).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> one = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> three = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[one]).is_flat, HpxGeom(nside=2, axes=[three]).is_flat
        (True, False)
        """
        return all(axis.nbin == 1 for axis in self._axes)

    @property
    def npix_max(self) -> np.ndarray:
        """Pixels of the whole sky (``12 nside^2``) per band: shape of the axes, (1,) for an image.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").npix_max
        array([48])
        """
        return np.full(self.shape_axes or (1,), npix_of(self._nside), dtype=int)

    @property
    def npix(self) -> np.ndarray:
        """Pixels of the geometry per band: shape of the axes, (1,) for an image.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2).npix, HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis]).npix
        (array([48]), array([4, 4, 4]))
        """
        n = npix_of(self._nside) if self._ipix is None else self._ipix.size
        return np.full(self.shape_axes or (1,), n, dtype=int)

    @property
    def data_shape(self) -> tuple[int, ...]:
        """Shape of the data: ``(*reversed axis sizes, npix)``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis]).data_shape
        (3, 4)
        """
        return (*self._axes.shape[::-1], int(self.npix.flat[0]))

    @property
    def data_shape_image(self) -> tuple[int]:
        """Shape of one image plane of the data: ``(npix,)``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis]).data_shape_image
        (4,)
        """
        return (int(self.npix.flat[0]),)

    @property
    def data_shape_axes(self) -> tuple[int, ...]:
        """Shape that broadcasts one value per band against the data: ``(*reversed axis sizes, 1)``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[axis]).data_shape_axes
        (3, 1)
        """
        return (*self._axes.shape[::-1], 1)

    @property
    def ndim(self) -> int:
        """Number of axes as gammapy counts them: 2 for the sky (lon, lat) plus the other axes.

        The data have one dimension less (the pixels are one axis): see `data_shape`.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2).ndim, HpxGeom(nside=2, axes=[axis]).ndim
        (2, 3)
        """
        return len(self._axes) + 2

    @property
    def ipix(self) -> np.ndarray:
        """Global indices of the geometry's pixels, increasing (read-only).

        Examples
        --------
        Nside 2 pixel centres within 30 deg of (0, 0) (healpy's ``query_disc`` gives the same):

        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").ipix
        array([16, 17, 18, 19])
        """
        if self._ipix is None:
            return np.arange(npix_of(self._nside), dtype=np.int64)
        return self._ipix

    @property
    def pixel_scales(self) -> _coords.Angle:
        """Nominal pixel size as a one-element `~astropy.coordinates.Angle`.

        gammapy's table of round sizes for orders 0-13 (nside 2: 16 deg; 64: 0.5 deg; 1024:
        0.025 deg); the square root of the pixel area for other nsides.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=64).pixel_scales.deg, HpxGeom(nside=1024).pixel_scales.deg
        (array([0.5]), array([0.025]))
        """
        return _coords.Angle([_pixel_size_deg(self._nside)], u.deg)

    @property
    def width(self) -> _coords.Angle:
        """Size of the geometry as gammapy defines it: 180 deg all-sky, else the region radius.

        For a ``DISK`` region its radius; for ``HPX_PIXEL`` twice the nominal pixel size of the
        coarse pixel; for explicit pixels the largest distance of a pixel centre from
        `center_skydir`.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> float(HpxGeom(nside=2).width.deg), float(HpxGeom(2, region="DISK(0,0,30)").width.deg)
        (180.0, 30.0)
        """
        if self.is_allsky:
            return _coords.Angle(180.0, u.deg)
        if self._region == "explicit":
            lon, lat = pix_to_lonlat(self._nside, self._nest, self._ipix)
            centre = self.center_skydir
            coords = _coords.SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)
            return _coords.Angle(np.max(coords.separation(centre).deg), u.deg)
        tokens = parse_region(self._region)
        if tokens[0] == "HPX_PIXEL":
            return _coords.Angle(2.0 * _pixel_size_deg(tokens[2]), u.deg)
        return _coords.Angle(tokens[3], u.deg)

    @property
    def center_skydir(self) -> _coords.SkyCoord:
        """Centre of the geometry, a `~astropy.coordinates.SkyCoord` in its frame.

        (0, 0) all-sky, the disk centre of a ``DISK`` region, the centre of the coarse pixel of an
        ``HPX_PIXEL`` region, the mean direction of explicit pixels (as gammapy).

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> c = HpxGeom(nside=8, frame="galactic", region="DISK(10,20,5)").center_skydir
        >>> c.frame.name, float(c.l.deg), float(c.b.deg)
        ('galactic', 10.0, 20.0)
        >>> c = HpxGeom(nside=8, region="HPX_PIXEL(NESTED,2,0)").center_skydir
        >>> round(float(c.ra.deg), 4), round(float(c.dec.deg), 4)
        (45.0, 19.4712)
        """
        if self.is_allsky:
            lon, lat = 0.0, 0.0
        elif self._region != "explicit" and parse_region(self._region)[0] != "HPX_PIXEL":
            lon, lat = parse_region(self._region)[1:3]
        elif self._region != "explicit":
            # HPX_PIXEL: the centre of the coarse pixel, as gammapy (not the mean direction of
            # its sub-pixels, which lies up to a degree away at low nside).
            _, ordering, nside_pix, ipix_pix = parse_region(self._region)
            lon, lat = (float(v[0]) for v in pix_to_lonlat(nside_pix, ordering == "NESTED",
                                                            [ipix_pix]))  # fmt: skip
        else:
            plon, plat = np.radians(pix_to_lonlat(self._nside, self._nest, self._ipix))
            vec = np.array(
                [np.cos(plat) * np.cos(plon), np.cos(plat) * np.sin(plon), np.sin(plat)]
            ).mean(axis=1)
            lon = np.degrees(np.arctan2(vec[1], vec[0])) % 360
            lat = np.degrees(np.arctan2(vec[2], np.hypot(vec[0], vec[1])))
        return _coords.SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)

    # ------------------------------------------------------------------ derived geometries
    def _replace(self, **kwargs) -> HpxGeom:
        params = {
            "nside": self._nside,
            "nest": self._nest,
            "frame": self._frame,
            "region": self._region if self._region != "explicit" else (self._ipix,),
            "axes": self._axes,
        }
        params.update(kwargs)
        if isinstance(self._region, str) and self._region != "explicit" and set(kwargs) <= {"axes"}:
            # Same pixels: reuse them rather than query the region again (to_image, squash,
            # to_cube are called often, e.g. on every MapDataset.stack).
            new = HpxGeom(**{**params, "region": (self._ipix,)})
            new._region = self._region
            return new
        return HpxGeom(**params)

    def to_image(self) -> HpxGeom:
        """The same pixels without non-spatial axes.

        Returns
        -------
        HpxGeom
            This geometry itself when it is an image already.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis]).to_image().data_shape
        (4,)
        """
        return self if self.is_image else self._replace(axes=None)

    def to_cube(self, axes) -> HpxGeom:
        """The geometry with ``axes`` appended after the existing non-spatial axes.

        Parameters
        ----------
        axes : list of `~skymask.maps.MapAxis`
            Axes to append.

        Returns
        -------
        HpxGeom

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").to_cube([axis]).data_shape
        (3, 4)
        """
        return self._replace(axes=[*self._axes, *axes])

    def to_nside(self, nside) -> HpxGeom:
        """The same region (and axes) at another nside.

        Parameters
        ----------
        nside : int
            The new nside (a power of 2 for nested ordering).

        Returns
        -------
        HpxGeom

        Raises
        ------
        ValueError
            For a geometry of explicit pixels (no region to re-pixelise) or an invalid nside.

        Examples
        --------
        The 30 deg disk holds 4 pixel centres at nside 2, 12 at nside 4 (as gammapy):

        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").to_nside(4).data_shape
        (12,)
        """
        if self._region == "explicit":
            raise ValueError("to_nside needs a region string or all-sky, not explicit pixels")
        return self._replace(nside=nside)

    def to_swapped(self) -> HpxGeom:
        """The other ordering (nested <-> ring), same pixels on the sky.

        Returns
        -------
        HpxGeom

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> ring = HpxGeom(nside=2, region="DISK(0,0,30)").to_swapped()
        >>> ring.ordering, ring.ipix
        ('RING', array([12, 20, 27, 28]))
        """
        if self._region == "explicit":
            pix = ring_to_pix(self._nside, not self._nest, pix_to_ring(self._nside, self._nest,
                                                                        self._ipix))  # fmt: skip
            return self._replace(nest=not self._nest, region=(pix,))
        return self._replace(nest=not self._nest)

    def replace_axis(self, axis) -> HpxGeom:
        """The geometry with the non-spatial axis of the same name replaced by ``axis``.

        Parameters
        ----------
        axis : `~skymask.maps.MapAxis`
            The new axis; its name selects the axis to replace.

        Returns
        -------
        HpxGeom

        Raises
        ------
        KeyError
            If the geometry has no axis of that name.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis])
        >>> geom.replace_axis(MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)).data_shape
        (5, 4)
        """
        index = self._axes.index_of(axis.name)
        axes = list(self._axes)
        axes[index] = axis
        return self._replace(axes=axes)

    def drop(self, axis_name: str) -> HpxGeom:
        """The geometry without the named non-spatial axis.

        Parameters
        ----------
        axis_name : str
            Name of the axis to remove.

        Returns
        -------
        HpxGeom

        Raises
        ------
        KeyError
            If the geometry has no axis of that name.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> HpxGeom(nside=2, axes=[axis]).drop("energy").is_image
        True
        """
        index = self._axes.index_of(axis_name)
        return self._replace(axes=[a for i, a in enumerate(self._axes) if i != index])

    def squash(self, axis_name: str) -> HpxGeom:
        """The geometry with the named axis reduced to one bin spanning its range.

        Parameters
        ----------
        axis_name : str
            Name of the axis to squash.

        Returns
        -------
        HpxGeom

        Raises
        ------
        KeyError
            If the geometry has no axis of that name.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> squashed = HpxGeom(nside=2, axes=[axis]).squash("energy")
        >>> squashed.data_shape, squashed.axes["energy"].edges.to_value("TeV").tolist()
        ((1, 48), [1.0, 10.0])
        """
        return self.replace_axis(self._axes[axis_name].squash())

    def to_wcs_geom(self, proj="AIT", oversample=2, width_pix=None) -> WcsGeom:
        """A WCS geometry covering this one, with pixels ``oversample`` times smaller.

        gammapy's rule: pixel size = HEALPix pixel size (`pixel_scales`) / ``oversample`` (or
        larger, so that the width fits in ``width_pix`` pixels); width = 2 x `width` + one pixel,
        capped at 360 x 180 deg; centred on `center_skydir`; the same frame and non-spatial axes.

        Parameters
        ----------
        proj : str
            WCS projection code ("AIT", gammapy's default; "CAR", "MOL", ...).
        oversample : float
            WCS pixels per HEALPix pixel size.
        width_pix : int, optional
            Largest number of WCS pixels across the width (coarser pixels if needed).

        Returns
        -------
        `~skymask.maps.WcsGeom`

        Examples
        --------
        Nside 8 has a nominal pixel size of 4 deg: 2 deg WCS pixels over 360 x 180 deg, or coarser
        pixels to fit 90 across (the shapes gammapy gives):

        >>> from skymask.maps import HpxGeom
        >>> HpxGeom.create(nside=8).to_wcs_geom().data_shape
        (90, 180)
        >>> HpxGeom.create(nside=8).to_wcs_geom(width_pix=90).data_shape
        (45, 89)
        """
        pix_size = float(self.pixel_scales.deg[0])
        binsz = pix_size / oversample
        width = 2.0 * float(self.width.deg) + pix_size
        if width_pix is not None and int(width / binsz) > width_pix:
            binsz = width / width_pix
        if width > 90.0:
            width = (min(360.0, width), min(180.0, width))
        return WcsGeom.create(
            width=width,
            binsz=binsz,
            frame=self._frame,
            axes=self._axes,
            skydir=self.center_skydir,
            proj=proj,
        )

    # ------------------------------------------------------------------ index conversions
    def global_to_local(self, idx_global, ravel=False):
        """Local (data) indices of global pixel indices; -1 for pixels not in the geometry.

        Parameters
        ----------
        idx_global : array-like or tuple of array-like
            Global pixel indices, or a tuple ``(ipix, axis indices...)`` whose axis indices pass
            through (-1 where the pixel is not in the geometry). A tuple of plain ints is a list of
            pixels, as in gammapy.
        ravel : bool
            Return flat indices into the data array instead (-1 outside).

        Returns
        -------
        ndarray or tuple of ndarray
            The same structure as ``idx_global`` (an array when ``ravel``).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.ipix
        array([16, 17, 18, 19])
        >>> geom.global_to_local([16, 18, 0])
        array([ 0,  2, -1])
        >>> cube = geom.to_cube([MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)])
        >>> cube.global_to_local(([16, 0], [1, 1]), ravel=True)
        array([ 4, -1])
        """
        # gammapy: an int, an array or a tuple of plain ints is a list of indices; with
        # ravel=True and axes they are flat all-sky indices counting through the planes (the
        # data order: all-sky plane after plane), else pixel numbers (X174).
        if isinstance(idx_global, (int, np.integer, np.ndarray, list)) or (
            isinstance(idx_global, tuple) and isinstance(idx_global[0], (int, np.integer))
        ):
            idx_global = np.atleast_1d(np.asarray(idx_global, dtype=np.int64))
            if self._axes and ravel:
                idx_global = self._unravel_global(idx_global)
        as_tuple = isinstance(idx_global, tuple)
        parts = idx_global if as_tuple else (idx_global,)
        parts = np.broadcast_arrays(*[np.atleast_1d(np.asarray(p, dtype=np.int64)) for p in parts])
        local = self._pix_local(parts[0])
        for p, n in zip(parts[1:], self._axes.shape, strict=False):
            local = np.where((p >= 0) & (p < n), local, -1)
        bad = local < 0
        result = (local, *[np.where(bad, -1, p) for p in parts[1:]])
        if ravel:
            if len(result) == 1:
                return result[0]
            shape = self.data_shape
            good = np.all([r >= 0 for r in result], axis=0)
            flat = np.ravel_multi_index(tuple(np.where(good, r, 0) for r in result[::-1]), shape)
            return np.where(good, flat, -1)
        return result if as_tuple else result[0]

    def _unravel_global(self, flat) -> tuple[np.ndarray, ...]:
        """``(ipix, axis indices...)`` of flat indices into all-sky data of this geometry's
        axes (-1 everywhere for indices out of range)."""
        shape = (*self._axes.shape[::-1], npix_of(self._nside))
        valid = (flat >= 0) & (flat < int(np.prod(shape)))
        parts = np.unravel_index(np.where(valid, flat, 0), shape)[::-1]
        return tuple(np.where(valid, p, -1) for p in parts)

    def _pix_local(self, pix) -> np.ndarray:
        """Local (data) indices of global pixel indices (an array); -1 outside the geometry."""
        pix = np.asarray(pix, dtype=np.int64)
        if self._ipix is None:
            return np.where((pix >= 0) & (pix < npix_of(self._nside)), pix, -1)
        position = np.searchsorted(self._ipix, pix)
        found = position < self._ipix.size
        found[found] = self._ipix[position[found]] == pix[found]
        return np.where(found & (pix >= 0), position, -1)

    def local_to_global(self, idx_local):
        """Global pixel indices of local (data) indices; the axis indices pass through.

        Parameters
        ----------
        idx_local : array-like or tuple of array-like
            Local pixel indices (positions in the data), or a tuple ``(pixel, axis indices...)``.

        Returns
        -------
        ndarray or tuple of ndarray
            The same structure as ``idx_local``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2, region="DISK(0,0,30)").local_to_global([0, 3])
        array([16, 19])
        """
        as_tuple = isinstance(idx_local, tuple)
        parts = idx_local if as_tuple else (idx_local,)
        pix = np.asarray(parts[0], dtype=np.int64)
        glob = pix if self._ipix is None else self._ipix[pix]
        return (glob, *parts[1:]) if as_tuple else glob

    def get_idx(self, idx=None, local=False, flat=False):
        """``(ipix, axis indices...)`` of every data element (global pixels unless ``local``).

        Parameters
        ----------
        idx : tuple of int, optional
            Restrict to one image plane (one index per non-spatial axis).
        local : bool
            Local (data) pixel indices instead of global ones.
        flat : bool
            Flatten the arrays.

        Returns
        -------
        tuple of ndarray
            Each of the data shape (one plane if ``idx``).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.get_idx(), geom.get_idx(local=True)
        ((array([16, 17, 18, 19]),), (array([0, 1, 2, 3]),))
        >>> cube = geom.to_cube([MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)])
        >>> cube.get_idx(idx=(1,))
        (array([[16, 17, 18, 19]]), array([[1, 1, 1, 1]]))
        """
        n = int(self.npix.flat[0])
        pix = [np.arange(n, dtype=np.int64)]
        if idx is None:
            pix += [np.arange(axis.nbin, dtype=np.int64) for axis in self._axes]
        else:
            pix += [np.atleast_1d(np.asarray(i, dtype=np.int64)) for i in idx]
        grids = list(np.meshgrid(*pix[::-1], indexing="ij")[::-1])
        if not local:
            grids[0] = self.local_to_global(grids[0])
        if flat:
            grids = [g.ravel() for g in grids]
        return tuple(grids)

    # ------------------------------------------------------------------ coordinates
    def _split_coords(self, coords):
        # The same coordinate inputs as WcsGeom (SkyCoord, MapCoord, dict, tuple).
        return WcsGeom._split_coords(self, coords)

    def get_coord(self, idx=None, flat=False, sparse=False, mode="center", frame=None):
        """Coordinates of every pixel centre (and axis bin centres), as a `MapCoord`.

        Parameters
        ----------
        idx : tuple of int, optional
            One image plane (axis indices).
        flat : bool
            Flatten the arrays.
        sparse : bool
            Axis coordinates broadcastable instead of full arrays.
        mode : {"center"}
            Only pixel centres exist on HEALPix.
        frame : str, optional
            Convert lon/lat to this frame.

        Returns
        -------
        MapCoord
            lon, lat in degrees (lon in [0, 360)), axis coordinates in axis units.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> coord = HpxGeom(nside=1, nest=False).get_coord()
        >>> coord.lat.to_value("deg")[[0, 4, 8]].round(4).tolist()
        [41.8103, 0.0, -41.8103]
        """
        if mode != "center":
            raise ValueError(f"HEALPix geometries have pixel centres only: mode must be 'center', "
                             f"got {mode!r}")  # fmt: skip
        pix = self.ipix
        lon, lat = pix_to_lonlat(self._nside, self._nest, pix)
        if frame is not None and not sky_frame(frame).is_equivalent_frame(self._sky_frame):
            coords = _coords.SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)
            lon, lat = skycoord_lonlat_deg(coords, frame)
        n_axes = len(self._axes)
        planes = self._axes.shape[::-1] if idx is None else (1,) * n_axes
        shape = (*(1,) * n_axes, lon.size)
        data = {
            "lon": u.Quantity(lon.reshape(shape), u.deg, copy=False),
            "lat": u.Quantity(lat.reshape(shape), u.deg, copy=False),
        }
        for i, axis in enumerate(self._axes):
            view = [1] * (n_axes + 1)
            centers = axis.center if idx is None else axis.center[[idx[i]]]
            view[n_axes - 1 - i] = centers.size
            data[axis.name] = centers.reshape(view)
        if not sparse or flat:
            full = (*planes, lon.size)
            data = {key: np.broadcast_to(value, full, subok=True) for key, value in data.items()}
        if flat:
            data = {key: value.ravel() for key, value in data.items()}
        return MapCoord(data, frame=self._sky_frame if frame is None else frame)

    def coord_to_pix(self, coords) -> tuple[np.ndarray, ...]:
        """World coordinates to ``(ipix, axis pixels...)``: the global pixel of each position.

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            ``(lon, lat, axis coordinates...)`` (plain numbers are degrees and axis units),
            ``(skycoord, ...)`` or a dict by axis name; positions in another frame are converted.

        Returns
        -------
        tuple of ndarray
            Global pixel indices (-1 for non-finite positions), whether or not the pixel is in a
            partial-sky geometry, then float axis pixel coordinates. Scalars give shape (1,).

        Raises
        ------
        ValueError
            If the coordinates of a non-spatial axis are missing.

        Examples
        --------
        Nested nside 2 pixels of (0, 0) and (90, 45) (healpy's ``ang2pix`` gives the same):

        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).coord_to_pix(([0, 90], [0, 45]))
        (array([19,  6]),)
        """
        lon, lat, rest = self._world(coords)
        ipix = lonlat_to_pix(self._nside, self._nest, lon, lat)
        axis_pix = [axis.coord_to_pix(v) for axis, v in zip(self._axes, rest, strict=True)]
        return tuple(np.broadcast_arrays(ipix, *axis_pix))

    def _world(self, coords):
        lon, lat, rest = self._split_coords(coords)
        missing = [a.name for a, v in zip(self._axes, rest, strict=True) if v is None]
        if missing:
            raise ValueError(
                f"coordinates for the axes {missing} are missing: give them too "
                "(e.g. {'skycoord': positions, 'energy': energies}) or use geom.to_image()"
            )
        lon, lat = np.broadcast_arrays(
            np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))
        )
        return lon, lat, rest

    def pix_to_coord(self, pix) -> tuple:
        """``(ipix, axis pixels...)`` to ``(lon, lat, axis coordinates...)`` (Quantities).

        Parameters
        ----------
        pix : tuple of array-like
            Global pixel indices (rounded) followed by one pixel coordinate per non-spatial axis.

        Returns
        -------
        tuple of `~astropy.units.Quantity`
            lon in [0, 360) deg and lat at the pixel centres (NaN for indices outside the sky),
            then the axis coordinates.

        Raises
        ------
        ValueError
            Without exactly one array per axis.

        Examples
        --------
        Centres of nested nside 2 pixels 0 and 16 (healpy's ``pix2ang`` gives the same):

        >>> import numpy as np
        >>> from skymask.maps import HpxGeom
        >>> lon, lat = HpxGeom(nside=2).pix_to_coord((np.array([0, 16]),))
        >>> lon.to_value("deg").tolist(), lat.to_value("deg").round(4).tolist()
        ([45.0, 0.0], [19.4712, -19.4712])
        """
        if len(pix) != len(self._axes) + 1:
            raise ValueError(f"need {len(self._axes) + 1} pixel coordinates (ipix, axes...), "
                             f"got {len(pix)}")  # fmt: skip
        ipix = np.asarray(pix[0], dtype=float)
        with np.errstate(invalid="ignore"):
            ipix = np.where(np.isfinite(ipix), np.rint(ipix), -1).astype(np.int64)
        lon, lat = pix_to_lonlat(self._nside, self._nest, ipix)
        result = [u.Quantity(lon, u.deg), u.Quantity(lat, u.deg)]
        result += [axis.pix_to_coord(p) for axis, p in zip(self._axes, pix[1:], strict=True)]
        return tuple(result)

    def pix_to_idx(self, pix, clip=False) -> tuple[np.ndarray, ...]:
        """Pixel coordinates to integer indices; -1 where the pixel is not in the geometry (or an
        axis index is out of range), unless ``clip``.

        Parameters
        ----------
        pix : tuple of array-like
            Global pixel indices, then one pixel coordinate per non-spatial axis (rounded to the
            nearest index).
        clip : bool
            Keep pixels outside the geometry and clip axis indices to the axis range instead of
            giving -1.

        Returns
        -------
        tuple of ndarray

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.pix_to_idx(([16.2, 18.6, 3.0],)), geom.pix_to_idx(([16.2, 18.6, 3.0],), clip=True)
        ((array([16, 19, -1]),), (array([16, 19,  3]),))
        """
        result = []
        sizes = self._axes.shape
        ipix = np.atleast_1d(np.asarray(pix[0], dtype=float))
        with np.errstate(invalid="ignore"):
            ipix = np.where(np.isfinite(ipix), np.floor(ipix + 0.5), -1).astype(np.int64)
        inside = self.global_to_local(ipix) >= 0
        result.append(np.where(inside, ipix, -1) if not clip else np.clip(ipix, 0, None))
        for p, n in zip(pix[1:], sizes, strict=False):
            p = np.atleast_1d(np.asarray(p, dtype=float))
            with np.errstate(invalid="ignore"):
                idx = np.floor(p + 0.5)
            if clip:
                idx = np.clip(np.nan_to_num(idx, nan=0.0), 0, n - 1)
            else:
                idx = np.where(np.isfinite(idx) & (idx >= 0) & (idx <= n - 1), idx, -1)
            result.append(idx.astype(np.int64))
        return tuple(np.broadcast_arrays(*result))

    def coord_to_idx(self, coords, clip=False) -> tuple[np.ndarray, ...]:
        """World coordinates to ``(ipix, axis indices...)``; -1 outside the geometry.

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Positions (and axis coordinates for cubes); see `coord_to_pix`.
        clip : bool
            Keep pixels outside a partial-sky geometry and clip axis indices to the axis range
            instead of giving -1.

        Returns
        -------
        tuple of ndarray
            Global pixel indices, then axis indices.

        Raises
        ------
        ValueError
            If the coordinates of a non-spatial axis are missing.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.coord_to_idx(([0, 90], [0, 45])), geom.coord_to_idx(([0, 90], [0, 45]), clip=True)
        ((array([19, -1]),), (array([19,  6]),))
        >>> cube = geom.to_cube([MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)])
        >>> cube.coord_to_idx((0, 0, 3 * u.TeV))
        (array([19]), array([0]))
        """
        lon, lat, rest = self._world(coords)
        ipix = lonlat_to_pix(self._nside, self._nest, lon, lat)
        ipix = self.pix_to_idx((ipix,), clip=clip)[0]
        axis_idx = [a.coord_to_idx(v, clip=clip) for a, v in zip(self._axes, rest, strict=True)]
        return tuple(np.broadcast_arrays(ipix, *axis_idx))

    def contains(self, coords) -> np.ndarray:
        """Whether each position lies in one of the geometry's pixels (and in the axis ranges).

        Parameters
        ----------
        coords : tuple, dict, `~skymask.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Positions (and axis coordinates for cubes); see `coord_to_pix`. A bare
            `~astropy.coordinates.SkyCoord` is tested against the sky footprint only.

        Returns
        -------
        ndarray of bool

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.contains(SkyCoord([0, 90], [0, 45], unit="deg"))
        array([ True, False])
        """
        geom = self.to_image() if isinstance(coords, _coords.SkyCoord) else self
        idx = geom.coord_to_idx(coords)
        return np.all([i != -1 for i in idx], axis=0)

    def separation(self, center: _coords.SkyCoord) -> _coords.Angle:
        """Angular distance of every pixel centre from ``center``, shape (npix,).

        Parameters
        ----------
        center : `~astropy.coordinates.SkyCoord`
            The reference position (any frame).

        Returns
        -------
        `~astropy.coordinates.Angle`

        Raises
        ------
        TypeError
            If ``center`` is not a SkyCoord.

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> geom.separation(SkyCoord(0, 0, unit="deg")).deg.round(4).tolist()
        [19.4712, 22.5, 22.5, 19.4712]
        """
        if not isinstance(center, _coords.SkyCoord):
            raise TypeError(f"center must be a SkyCoord, got {describe(center)}")
        lon, lat = pix_to_lonlat(self._nside, self._nest, self.ipix)
        coords = _coords.SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)
        return coords.separation(center)

    # ------------------------------------------------------------------ sky measures
    def solid_angle(self) -> u.Quantity:
        """Solid angle of a pixel (all are equal, ``4 pi / (12 nside^2)``), shape (1,) as gammapy's.

        Returns
        -------
        `~astropy.units.Quantity`
            In sr.

        Examples
        --------
        ``4 pi / 48`` sr at nside 2:

        >>> from skymask.maps import HpxGeom
        >>> HpxGeom(nside=2).solid_angle()
        <Quantity [0.26179939] sr>
        """
        return u.Quantity([4 * np.pi / npix_of(self._nside)], u.sr)

    def bin_volume(self) -> u.Quantity:
        """Solid angle of the pixels times the product of the axis bin widths, in the data shape.

        Returns
        -------
        `~astropy.units.Quantity`

        Examples
        --------
        Nside 2 pixels are ``4 pi / 48 = 0.2618`` sr; the bins of 1-10 TeV in 3 log bins are
        1.154, 2.487 and 5.358 TeV wide:

        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> volume = HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis]).bin_volume()
        >>> volume.shape, volume.unit
        ((3, 4), Unit("TeV sr"))
        >>> volume[:, 0].value.round(4).tolist()
        [0.3022, 0.6511, 1.4028]
        """
        volume = self.solid_angle()[0] * np.ones(self.data_shape)
        for i, axis in enumerate(self._axes):
            shape = [1] * (len(self._axes) + 1)
            shape[len(self._axes) - 1 - i] = axis.nbin
            volume = volume * axis.bin_width.reshape(shape)
        return volume

    # ------------------------------------------------------------------ masks
    def energy_mask(self, energy_min=None, energy_max=None, round_to_edge=False):
        """Bool map: True for the energy bins inside ``[energy_min, energy_max]``.

        The rules of `skymask.maps.WcsGeom.energy_mask` (edges compared with a relative
        tolerance of 1e-6).

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity` or str, optional
            Energy bounds (default: open ended).
        round_to_edge : bool
            Round the bounds to the nearest bin edge first, as gammapy does.

        Returns
        -------
        `~skymask.maps.HpxNDMap`
            A bool map with this geometry.

        Raises
        ------
        ValueError
            If the geometry has no energy axis.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)
        >>> geom = HpxGeom.create(nside=2, axes=[axis])
        >>> geom.energy_mask("10 GeV", "700 GeV").data[:, 0].tolist()
        [True, True, True, True, False]
        """
        from ..geom_masks import energy_mask
        from ..map import Map  # maps are built through the registry: no import of .ndmap

        return Map.from_geom(self, data=energy_mask(self, energy_min, energy_max, round_to_edge))

    def region_mask(self, regions, inside=True):
        """Bool map: True where the pixel centre is inside the regions (on the sphere).

        Circles and annuli are exact on the sphere (``inner <= d < outer``, D5); polygons have
        great-circle edges (tested exactly in the gnomonic projection around their centre);
        ellipses, rectangles and other shapes use `regions`' own ``contains`` in the tangent
        plane at the shape centre; points mark the pixel holding them; ds9 exclude regions are
        honoured; pixel regions are refused (HEALPix has no pixel plane). A `mocpy.MOC` is
        accepted too: pixels whose centre lies in the MOC. See
        ``skymask.maps.hpx.regions.hpx_region_mask``. PSF-aware
        `~skymask.maps.EnergyDependentCircles` give one sky mask per energy bin (the geometry
        needs an energy axis), as on WCS geometries.

        Parameters
        ----------
        regions : str, path, region, list of regions, SkyCoord, MOC or EnergyDependentCircles
            A ds9 region string or file, one `regions` sky region or a list of them,
            positions (a `~astropy.coordinates.SkyCoord`), a `mocpy.MOC`, or
            `~skymask.maps.EnergyDependentCircles`.
        inside : bool
            True (default) for True inside the regions, False for True outside (an exclusion
            mask).

        Returns
        -------
        `~skymask.maps.HpxNDMap`
            A bool map with this geometry (the same image in every plane of a cube, except for
            energy-dependent circles).

        Raises
        ------
        TypeError
            If ``inside`` is not a bool or ``regions`` is not an accepted kind.
        ValueError
            For pixel regions, or a ds9 string or file that cannot be parsed.

        Examples
        --------
        56 nside 256 pixel centres lie within 1 deg of (0, 0) (healpy's ``query_disc`` finds
        the same):

        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=256, frame="galactic")
        >>> int(geom.region_mask("galactic;circle(0, 0, 1)").data.sum())
        56
        """
        from ..energy_regions import EnergyDependentCircles
        from ..map import Map
        from .regions import hpx_region_mask

        if not isinstance(inside, (bool, np.bool_)):
            raise TypeError(f"inside must be True or False, got {describe(inside)}")
        if isinstance(regions, EnergyDependentCircles):
            from ..geom_masks import energy_dependent_mask

            data = energy_dependent_mask(
                self, regions, inside, paint=lambda plane: hpx_region_mask(self, plane)
            )
            return Map.from_geom(self, data=data)
        spatial = hpx_region_mask(self, regions)
        if not inside:
            np.logical_not(spatial, out=spatial)
        data = spatial if self.is_image else np.broadcast_to(spatial, self.data_shape).copy()
        return Map.from_geom(self, data=data)

    def boundary_mask(self, width):
        """Bool map: False where a pixel centre lies within ``width`` of the centre of a pixel
        outside a partial-sky geometry (all True for all-sky geometries).

        This is the erosion of the geometry's footprint on the sphere (see
        `HpxNDMap.binary_erode`): the pixels far enough from the edge of a partial-sky map for
        a kernel of radius ``width`` to stay inside it.

        Parameters
        ----------
        width : angle, str or number
            Distance from the edge (``d <= width`` is dropped): an angle, or a plain number of
            pixels of size sqrt(pixel area).

        Returns
        -------
        `~skymask.maps.HpxNDMap`
            A bool map with this geometry (the same image in every plane of a cube).

        Examples
        --------
        Of the 12 nside 4 pixels within 30 deg of (0, 0), 4 lie more than 15 deg from every
        pixel centre outside (a brute-force check of all distances gives the same):

        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom(nside=4, region="DISK(0,0,30)")
        >>> mask = geom.boundary_mask("15 deg")
        >>> geom.ipix[mask.data]
        array([67, 70, 73, 76])
        """
        from ..map import Map
        from .morphology import footprint_boundary

        spatial = footprint_boundary(self, width)
        data = spatial if self.is_image else np.broadcast_to(spatial, self.data_shape).copy()
        return Map.from_geom(self, data=data)

    def _interp_map(self, m, *, fill_value, method):
        """`skymask.maps.Map.interp_to_geom` onto this geometry (nearest pixel)."""
        from .reproject import hpx_to_geom

        return hpx_to_geom(m, self, fill_value=fill_value, method=method)

    # ------------------------------------------------------------------ comparison & repr
    def is_aligned(self, other) -> bool:
        """Whether ``other`` has the same nside, frame, ordering and axes (regions may differ).

        Parameters
        ----------
        other : object
            Another geometry (anything but an `HpxGeom` gives False).

        Returns
        -------
        bool

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> disk = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> disk.is_aligned(HpxGeom(nside=2)), disk.is_aligned(HpxGeom(nside=4))
        (True, False)
        """
        return (
            isinstance(other, HpxGeom)
            and self._nside == other._nside
            and self._frame == other._frame
            and self._nest == other._nest
            and self._axes == other._axes
        )

    def is_allclose(self, other, rtol_axes=1e-6, atol_axes=1e-6) -> bool:
        """Whether ``other`` has the same pixels and axes whose edges agree within the tolerances.

        The test of ``==`` between geometries.

        Parameters
        ----------
        other : object
            Another geometry (anything but an `HpxGeom` gives False).
        rtol_axes, atol_axes : float
            Relative and absolute tolerances on the axis edges (see
            `skymask.maps.MapAxis.is_allclose`).

        Returns
        -------
        bool

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> cube = HpxGeom(nside=2, region="DISK(0,0,30)", axes=[axis])
        >>> cube.is_allclose(cube.to_image()), cube.is_allclose(cube.to_image().to_cube([axis]))
        (False, True)
        """
        if not isinstance(other, HpxGeom) or not self.is_aligned_sky(other):
            return False
        return len(self._axes) == len(other._axes) and all(
            a.is_allclose(b, rtol=rtol_axes, atol=atol_axes)
            for a, b in zip(self._axes, other._axes, strict=True)
        )

    def is_aligned_sky(self, other) -> bool:
        """Whether ``other`` has the same pixels: nside, ordering, frame and pixel list.

        Parameters
        ----------
        other : `HpxGeom`
            Another HEALPix geometry.

        Returns
        -------
        bool

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> disk = HpxGeom(nside=2, region="DISK(0,0,30)")
        >>> same = HpxGeom(nside=2, region=([16, 17, 18, 19],))
        >>> disk.is_aligned_sky(HpxGeom(nside=2)), disk.is_aligned_sky(same)
        (False, True)
        """
        if (self._nside, self._nest, self._frame) != (other._nside, other._nest, other._frame):
            return False
        if (self._ipix is None) != (other._ipix is None):
            return False
        return self._ipix is None or np.array_equal(self._ipix, other._ipix)

    def __eq__(self, other):
        if not isinstance(other, HpxGeom):
            return NotImplemented
        return self.is_allclose(other)

    __hash__ = None

    def __repr__(self):
        axes = ", ".join(f"{a.name}: {a.nbin} bins" for a in self._axes) or "none"
        region = "all-sky" if self._region is None else self._region
        return (
            f"HpxGeom(nside={self._nside}, ordering='{self.ordering}', frame='{self._frame}', "
            f"region={region!r}, npix={int(self.npix.flat[0])}, axes=[{axes}])"
        )
