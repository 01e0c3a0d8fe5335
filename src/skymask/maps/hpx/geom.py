"""HEALPix geometry: all-sky or partial-sky, ring or nested, with non-spatial axes.

gammapy 2.1's `HpxGeom` for one ``nside`` (multi-resolution geometries, one nside per energy
bin, are refused with a clear error). Indices ("idx", "pix") are global HEALPix pixel numbers
in the geometry's ordering followed by the axis indices; the data of a partial-sky map hold
only the geometry's pixels, in increasing global index ("local" index).
"""

from __future__ import annotations

import re

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord

from ...kernels.healpix import cones_ring, npix_of
from ...utils.frames import sky_frame, skycoord_lonlat_deg
from ...utils.units import as_angle_deg, describe
from ..axes import MapAxes
from ..coord import MapCoord
from ..geom import WcsGeom
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


class HpxGeom:
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
        self._axes = MapAxes(axes or ())
        self._region = None
        self._ipix = None
        if isinstance(region, str):
            self._ipix = self._region_pixels(parse_region(region))
            self._region = region
        elif isinstance(region, (tuple, list)):
            pix = np.asarray(region[0], dtype=np.int64).ravel()
            pix = np.unique(pix[pix >= 0])
            if pix.size and pix[-1] >= npix_of(self._nside):
                raise ValueError(
                    f"explicit pixel indices must be below 12 nside^2 = {npix_of(self._nside)}, "
                    f"got {int(pix[-1])}"
                )
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
            ring, _ = cones_ring(
                nside, [np.radians(lon)], [np.radians(lat)], [np.nextafter(np.radians(radius), 4)]
            )
            return np.sort(ring_to_pix(nside, self._nest, ring))
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
            to it (`nside_from_binsz`).
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
        elif isinstance(skydir, SkyCoord):
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
        """nside as a one-element array (gammapy keeps one per band)."""
        return np.array([self._nside])

    @property
    def order(self) -> np.ndarray:
        """HEALPix order (``nside = 2**order``); -1 for a ring nside that is no power of 2."""
        n = self._nside
        return np.array([depth_of(n) if not n & (n - 1) else -1])

    @property
    def nest(self) -> bool:
        return self._nest

    @property
    def ordering(self) -> str:
        return "NESTED" if self._nest else "RING"

    @property
    def frame(self) -> str:
        return self._frame

    @property
    def sky_frame(self):
        return self._sky_frame

    @property
    def projection(self) -> str:
        return "HPX"

    @property
    def region(self):
        """The region string, "explicit" for a list of pixels, or None (all-sky)."""
        return self._region

    @property
    def axes(self) -> MapAxes:
        return self._axes

    @property
    def axes_names(self) -> list[str]:
        return ["skycoord", *self._axes.names]

    @property
    def shape_axes(self) -> tuple[int, ...]:
        return self._axes.shape

    @property
    def is_allsky(self) -> bool:
        return self._ipix is None

    @property
    def is_regular(self) -> bool:
        return self._region != "explicit"

    @property
    def is_image(self) -> bool:
        return len(self._axes) == 0

    @property
    def is_flat(self) -> bool:
        return all(axis.nbin == 1 for axis in self._axes)

    @property
    def npix_max(self) -> np.ndarray:
        """Pixels of the whole sky, per band (shape of the axes)."""
        return np.full(self.shape_axes, npix_of(self._nside), dtype=int)

    @property
    def npix(self) -> np.ndarray:
        """Pixels of the geometry per band (shape of the axes; (1,) for an image)."""
        n = npix_of(self._nside) if self._ipix is None else self._ipix.size
        return np.full(self.shape_axes or (1,), n, dtype=int)

    @property
    def data_shape(self) -> tuple[int, ...]:
        """Shape of the data: ``(*reversed axis sizes, npix)``."""
        return (*self._axes.shape[::-1], int(self.npix.flat[0]))

    @property
    def data_shape_image(self) -> tuple[int]:
        return (int(self.npix.flat[0]),)

    @property
    def data_shape_axes(self) -> tuple[int, ...]:
        return (*self._axes.shape[::-1], 1)

    @property
    def ndim(self) -> int:
        return len(self._axes) + 2

    @property
    def ipix(self) -> np.ndarray:
        """Global indices of the geometry's pixels, increasing (read-only)."""
        if self._ipix is None:
            return np.arange(npix_of(self._nside), dtype=np.int64)
        return self._ipix

    @property
    def pixel_scales(self) -> Angle:
        """Nominal pixel size, gammapy's table (nside 64: 1 deg; 1024: 0.05 deg); the square root
        of the pixel area for other nsides."""
        return Angle([_pixel_size_deg(self._nside)], u.deg)

    @property
    def width(self) -> Angle:
        """180 deg all-sky, else the region radius (gammapy's convention)."""
        if self.is_allsky:
            return Angle(180.0, u.deg)
        if self._region == "explicit":
            lon, lat = pix_to_lonlat(self._nside, self._nest, self._ipix)
            centre = self.center_skydir
            coords = SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)
            return Angle(np.max(coords.separation(centre).deg), u.deg)
        tokens = parse_region(self._region)
        if tokens[0] == "HPX_PIXEL":
            return Angle(2.0 * _pixel_size_deg(tokens[2]), u.deg)
        return Angle(tokens[3], u.deg)

    @property
    def center_skydir(self) -> SkyCoord:
        """Centre: (0, 0) all-sky, the disk centre, or the mean direction of the pixels."""
        if self.is_allsky:
            lon, lat = 0.0, 0.0
        elif self._region != "explicit" and parse_region(self._region)[0] != "HPX_PIXEL":
            lon, lat = parse_region(self._region)[1:3]
        else:
            plon, plat = np.radians(pix_to_lonlat(self._nside, self._nest, self._ipix))
            vec = np.array(
                [np.cos(plat) * np.cos(plon), np.cos(plat) * np.sin(plon), np.sin(plat)]
            ).mean(axis=1)
            lon = np.degrees(np.arctan2(vec[1], vec[0])) % 360
            lat = np.degrees(np.arctan2(vec[2], np.hypot(vec[0], vec[1])))
        return SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)

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
        return HpxGeom(**params)

    def to_image(self) -> HpxGeom:
        """The same pixels without non-spatial axes."""
        return self if self.is_image else self._replace(axes=None)

    def to_cube(self, axes) -> HpxGeom:
        """Append ``axes`` after the existing ones."""
        return self._replace(axes=[*self._axes, *axes])

    def to_nside(self, nside) -> HpxGeom:
        """The same region at another nside."""
        if self._region == "explicit":
            raise ValueError("to_nside needs a region string or all-sky, not explicit pixels")
        return self._replace(nside=nside)

    def to_swapped(self) -> HpxGeom:
        """The other ordering (nested <-> ring), same pixels."""
        if self._region == "explicit":
            pix = ring_to_pix(self._nside, not self._nest, pix_to_ring(self._nside, self._nest,
                                                                        self._ipix))  # fmt: skip
            return self._replace(nest=not self._nest, region=(pix,))
        return self._replace(nest=not self._nest)

    def replace_axis(self, axis) -> HpxGeom:
        """The geometry with the axis of the same name replaced by ``axis``."""
        index = self._axes.index_of(axis.name)
        axes = list(self._axes)
        axes[index] = axis
        return self._replace(axes=axes)

    def drop(self, axis_name: str) -> HpxGeom:
        """The geometry without the named axis."""
        index = self._axes.index_of(axis_name)
        return self._replace(axes=[a for i, a in enumerate(self._axes) if i != index])

    def squash(self, axis_name: str) -> HpxGeom:
        """The geometry with the named axis reduced to one bin spanning its range."""
        return self.replace_axis(self._axes[axis_name].squash())

    def to_wcs_geom(self, proj="AIT", oversample=2, width_pix=None) -> WcsGeom:
        """A WCS geometry covering this one, with pixels ``oversample`` times smaller.

        gammapy's rule: pixel size = HEALPix pixel size / ``oversample`` (or larger, so that
        the width fits in ``width_pix`` pixels); width = 2 x `width` + one pixel, capped at
        360 x 180 deg; centred on `center_skydir`.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom.create(nside=8).to_wcs_geom().data_shape
        (90, 180)
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

        ``idx_global`` is an index array or a tuple ``(ipix, axis indices...)``; the axis
        indices pass through (-1 where the pixel is not in the geometry).
        """
        # gammapy: a tuple of plain ints is a list of pixels, not (ipix, axis index).
        if isinstance(idx_global, tuple) and isinstance(idx_global[0], (int, np.integer)):
            idx_global = np.array(idx_global)
        as_tuple = isinstance(idx_global, tuple)
        parts = idx_global if as_tuple else (idx_global,)
        parts = np.broadcast_arrays(*[np.atleast_1d(np.asarray(p, dtype=np.int64)) for p in parts])
        pix = parts[0]
        if self._ipix is None:
            local = np.where((pix >= 0) & (pix < npix_of(self._nside)), pix, -1)
        else:
            position = np.searchsorted(self._ipix, pix)
            found = position < self._ipix.size
            found[found] = self._ipix[position[found]] == pix[found]
            local = np.where(found & (pix >= 0), position, -1)
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

    def local_to_global(self, idx_local):
        """Global pixel indices of local (data) indices; the axis indices pass through."""
        as_tuple = isinstance(idx_local, tuple)
        parts = idx_local if as_tuple else (idx_local,)
        pix = np.asarray(parts[0], dtype=np.int64)
        glob = pix if self._ipix is None else self._ipix[pix]
        return (glob, *parts[1:]) if as_tuple else glob

    def get_idx(self, idx=None, local=False, flat=False):
        """``(ipix, axis indices...)`` of every data element (global unless ``local``).

        ``idx`` restricts to one image plane (a tuple of axis indices).
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
            lon, lat = skycoord_lonlat_deg(SkyCoord(lon, lat, unit="deg", frame=self._sky_frame),
                                           frame)  # fmt: skip
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
        """World coordinates to ``(ipix, axis pixels...)``: the global pixel containing each
        position (-1 for non-finite positions). Scalars give shape (1,)."""
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
        """``(ipix, axis pixels...)`` to ``(lon, lat, axis coordinates...)`` (Quantities);
        NaN for invalid pixels."""
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
        """Pixel coordinates to integer indices; -1 where the pixel is not in the geometry
        (or an axis index is out of range) unless ``clip``."""
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
        """World coordinates to ``(ipix, axis indices...)``; -1 outside the geometry."""
        lon, lat, rest = self._world(coords)
        ipix = lonlat_to_pix(self._nside, self._nest, lon, lat)
        ipix = self.pix_to_idx((ipix,), clip=clip)[0]
        axis_idx = [a.coord_to_idx(v, clip=clip) for a, v in zip(self._axes, rest, strict=True)]
        return tuple(np.broadcast_arrays(ipix, *axis_idx))

    def contains(self, coords) -> np.ndarray:
        """Whether each position lies in one of the geometry's pixels (and axis ranges).

        A bare `~astropy.coordinates.SkyCoord` is tested against the sky footprint only.
        """
        geom = self.to_image() if isinstance(coords, SkyCoord) else self
        idx = geom.coord_to_idx(coords)
        return np.all([i != -1 for i in idx], axis=0)

    def separation(self, center: SkyCoord) -> Angle:
        """Angular distance of every pixel centre from ``center``, shape (npix,)."""
        if not isinstance(center, SkyCoord):
            raise TypeError(f"center must be a SkyCoord, got {describe(center)}")
        lon, lat = pix_to_lonlat(self._nside, self._nest, self.ipix)
        coords = SkyCoord(lon, lat, unit="deg", frame=self._sky_frame)
        return coords.separation(center)

    # ------------------------------------------------------------------ sky measures
    def solid_angle(self) -> u.Quantity:
        """Solid angle of a pixel (all are equal), shape (1,) as gammapy's, in sr."""
        return u.Quantity([4 * np.pi / npix_of(self._nside)], u.sr)

    def bin_volume(self) -> u.Quantity:
        """Solid angle times the product of the axis bin widths, with the full data shape."""
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
        `skymask.maps.hpx.regions.hpx_region_mask`. PSF-aware
        `~skymask.maps.EnergyDependentCircles` give one sky mask per energy bin (the geometry
        needs an energy axis), as on WCS geometries.

        Examples
        --------
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

        ``width`` is an angle (plain numbers are pixels of size `pixel_scales`). This is the
        erosion of the geometry's footprint on the sphere (see `HpxNDMap.binary_erode`).
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
        """Same nside, frame, ordering and axes."""
        return (
            isinstance(other, HpxGeom)
            and self._nside == other._nside
            and self._frame == other._frame
            and self._nest == other._nest
            and self._axes == other._axes
        )

    def is_allclose(self, other, rtol_axes=1e-6, atol_axes=1e-6) -> bool:
        if not isinstance(other, HpxGeom) or not self.is_aligned_sky(other):
            return False
        return len(self._axes) == len(other._axes) and all(
            a.is_allclose(b, rtol=rtol_axes, atol=atol_axes)
            for a, b in zip(self._axes, other._axes, strict=True)
        )

    def is_aligned_sky(self, other) -> bool:
        """Same pixels: nside, ordering, frame and pixel list."""
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
