"""Derived HEALPix geometries and the geometry's FITS header: the methods `HpxGeom` inherits
from `HpxGeomTransforms` (gammapy 2.1's ``upsample``, ``downsample``, ``cutout``,
``to_binsz``, ``to_wcs_tiles``, ``from_header``, ``to_header``, ``to_bands_hdu``).

Kept apart from ``geom.py`` so that the geometry's core (pixels, coordinates, masks) stays
readable. Sub- and super-pixels are computed in the nested scheme (children of nested pixel
``p`` at ``factor`` times the nside are ``p * factor**2 + 0 ... factor**2 - 1``), so ring
geometries need a power-of-two nside for them.
"""

from __future__ import annotations

import numpy as np

from ...kernels.healpix import npix_of
from ...utils.frames import skycoord_lonlat_deg
from ...utils.lazy import coordinates as _coords
from ...utils.units import as_angle_deg, describe
from .pixels import (
    check_nside,
    depth_of,
    neighbours,
    pix_to_lonlat,
    pix_to_ring,
    ring_to_pix,
)

__all__ = ["HpxGeomTransforms"]


def _power_of_two_factor(factor, what: str) -> int:
    if isinstance(factor, (bool, np.bool_)) or not isinstance(factor, (int, np.integer)):
        raise TypeError(f"{what} factor must be an integer power of 2, got {describe(factor)}")
    factor = int(factor)
    if factor < 1 or factor & (factor - 1):
        raise ValueError(f"{what} factor must be a power of 2 (1, 2, 4, ...), got {factor}")
    return factor


def _to_nested(geom, ipix) -> np.ndarray:
    ipix = np.asarray(ipix, dtype=np.int64)
    return ipix if geom._nest else ring_to_pix(geom._nside, True, ipix)


def _from_nested(nside: int, nest: bool, nested) -> np.ndarray:
    nested = np.asarray(nested, dtype=np.int64)
    return nested if nest else pix_to_ring(nside, True, nested)


def _check_power_of_two(geom, what: str):
    if geom._nside & (geom._nside - 1):
        raise ValueError(
            f"{what} of a partial-sky geometry needs nside a power of 2, got {geom._nside} "
            "(ring ordering); regrid it first with to_nside(2**k)"
        )


def unique_sorted(values) -> np.ndarray:
    # Sort-based unique: numpy 2.4's hash-based np.unique takes seconds on a few million
    # pixel indices (13 s for 4M here) where a sort takes 0.1 s.
    values = np.sort(np.asarray(values).ravel())
    if values.size > 1:
        keep = np.empty(values.size, dtype=bool)
        keep[0] = True
        np.not_equal(values[1:], values[:-1], out=keep[1:])
        values = values[keep]
    return values


def _member(values, sorted_set) -> np.ndarray:
    """Whether each value is in ``sorted_set`` (sorted, unique), by binary search."""
    values = np.asarray(values)
    if sorted_set.size == 0:
        return np.zeros(values.shape, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[position] == values


def _steps(width, name: str) -> int:
    if isinstance(width, (bool, np.bool_)) or not isinstance(width, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number of pixel steps, got {describe(width)}")
    if width < 0:
        raise ValueError(f"{name} must be >= 0, got {width}")
    return int(width)


def pixel_corners(nside: int, nest: bool, ipix) -> tuple[np.ndarray, np.ndarray]:
    """Degrees (lon, lat) of the 4 corners of each pixel, shape (N, 4) (cdshealpix, nested
    scheme: needs ``nside`` a power of 2)."""
    from cdshealpix import nested

    cells = np.asarray(ipix, dtype=np.int64).ravel()
    if not nest:
        cells = ring_to_pix(nside, True, cells)
    lon, lat = nested.vertices(cells.astype(np.uint64), depth_of(nside))
    return np.asarray(lon.deg), np.asarray(lat.deg)


def check_same_pixels_per_plane(region, pix, axes) -> None:
    """Refuse an explicit ``(ipix, axis indices...)`` region whose image planes hold different
    pixels (gammapy's irregular geometries, X170): ``pix`` are the unique valid pixels."""
    n_axes = len(region) - 1
    if n_axes == 0 or not axes or pix.size == 0:
        return
    if n_axes != len(axes):
        raise ValueError(
            f"an explicit region (ipix, axis indices...) needs {len(axes) + 1} index arrays for "
            f"this geometry's {len(axes)} axes, got {len(region)}"
        )
    parts = np.broadcast_arrays(*[np.asarray(r, dtype=np.int64).ravel() for r in region])
    good = parts[0] >= 0
    for index, axis in zip(parts[1:], axes, strict=True):
        if np.any(good & ((index < 0) | (index >= axis.nbin))):
            raise ValueError(
                f"explicit region: indices of axis {axis.name!r} must be in [0, {axis.nbin}), "
                f"got {index[good].min()} to {index[good].max()}"
            )
    planes = np.ravel_multi_index(tuple(p[good] for p in parts[1:]), axes.shape)
    pairs = unique_sorted(planes * (int(pix[-1]) + 1) + parts[0][good])
    if pairs.size != pix.size * int(np.prod(axes.shape)):
        raise ValueError(
            "explicit region: every image plane must hold the same pixels (one pixelisation "
            "per map, so that a mask means the same sky in every plane); got different pixel "
            "lists per plane. Give the pixels alone, region=(ipix,), for their union, or "
            "build one map per plane"
        )


_COORDSYS = {"icrs": "C", "galactic": "G", "fk5": "C", "fk4": "C"}
_FRAMES = {"C": "icrs", "CEL": "icrs", "EQ": "icrs", "G": "galactic", "GAL": "galactic"}


def hpx_header(geom, sparse=False):
    """gammapy's HEALPix header cards for a geometry (``INDXSCHM`` SPARSE if ``sparse``)."""
    from astropy.io import fits

    header = fits.Header()
    header["COORDSYS"] = _COORDSYS[geom.frame]
    header["PIXTYPE"] = "HEALPIX"
    header["ORDERING"] = geom.ordering
    if sparse:
        header["INDXSCHM"] = "SPARSE"
    else:
        header["INDXSCHM"] = "IMPLICIT" if geom.is_allsky else "EXPLICIT"
    header["ORDER"] = int(geom.order[0])
    header["NSIDE"] = int(geom.nside[0])
    header["FIRSTPIX"] = 0
    header["LASTPIX"] = int(geom.npix_max.flat[0]) - 1
    header["HPX_CONV"] = "GADF"
    if geom.frame == "icrs":
        header["EQUINOX"] = (2000.0, "Equinox of RA & DEC specifications")
    if geom.region and geom.region != "explicit":
        header["HPX_REG"] = geom.region
    return header


def geom_args_from_header(header) -> dict:
    """``nside``, ``nest``, ``frame`` and ``region`` of a HEALPix table header (gammapy's or
    healpy's cards)."""
    ordering = str(header.get("ORDERING", "RING")).strip().upper()
    if ordering not in ("RING", "NESTED"):
        raise ValueError(f"ORDERING must be RING or NESTED, got {ordering!r}")
    if "NSIDE" in header:
        nside = int(header["NSIDE"])
    elif "ORDER" in header:
        nside = 2 ** int(header["ORDER"])
    else:
        raise ValueError("the HEALPix header has neither NSIDE nor ORDER")
    coordsys = str(header.get("COORDSYS", "C")).strip().upper()
    region = header.get("HPX_REG", header.get("HPXREGION"))
    return {
        "nside": nside,
        "nest": ordering == "NESTED",
        "frame": _FRAMES.get(coordsys, "icrs"),
        "region": region,
    }


class HpxGeomTransforms:
    """Derived geometries and FITS headers of `~skymask.maps.HpxGeom` (a mixin: every method
    is an `HpxGeom` method).

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> HpxGeom.create(nside=8).upsample(2).nside
    array([16])
    """

    # ------------------------------------------------------------------ resolution
    def upsample(self, factor, axis_name=None):
        """The geometry at ``factor`` times the nside, covering the same sky.

        A partial-sky geometry becomes the explicit list of the sub-pixels of its pixels
        (``factor**2`` each, as gammapy), so the footprint is unchanged.

        Parameters
        ----------
        factor : int
            Power of 2 (any positive integer with ``axis_name``).
        axis_name : str, optional
            Split the bins of this non-spatial axis instead (skymask extension).

        Returns
        -------
        HpxGeom

        Raises
        ------
        TypeError
            ``factor`` is not an integer.
        ValueError
            ``factor`` is not a power of 2; a partial ring geometry whose nside is no power
            of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=64, region="DISK(0,0,5)")
        >>> up = geom.upsample(2)
        >>> int(up.nside[0]), int(up.npix[0]) == 4 * int(geom.npix[0])
        (128, True)
        """
        if axis_name is not None:
            return self.replace_axis(self._axes[axis_name].upsample(factor))
        factor = _power_of_two_factor(factor, "upsample")
        nside = self._nside * factor
        check_nside(nside, self._nest)
        if self.is_allsky:
            return self._replace(nside=nside, region=None)
        _check_power_of_two(self, "upsample")
        children = _to_nested(self, self._ipix)[:, None] * factor**2 + np.arange(factor**2)
        return self._replace(nside=nside, region=(_from_nested(nside, self._nest, children),))

    def downsample(self, factor, axis_name=None):
        """The geometry at the nside divided by ``factor``: the pixels containing this one's.

        A partial-sky geometry becomes the explicit list of the super-pixels of its pixels
        (every coarse pixel holding at least one of them, as gammapy).

        Parameters
        ----------
        factor : int
            Power of 2, at most the nside.
        axis_name : str, optional
            Merge every ``factor`` bins of this non-spatial axis instead (skymask extension:
            gammapy takes None only).

        Returns
        -------
        HpxGeom

        Raises
        ------
        TypeError
            ``factor`` is not an integer.
        ValueError
            ``factor`` is not a power of 2 or exceeds the nside; a partial ring geometry
            whose nside is no power of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> HpxGeom.create(nside=64, region="DISK(0,0,5)").downsample(4).npix.tolist()
        [12]
        """
        if axis_name is not None:
            return self.replace_axis(self._axes[axis_name].downsample(factor))
        factor = _power_of_two_factor(factor, "downsample")
        if factor > self._nside or self._nside % factor:
            raise ValueError(
                f"downsample factor {factor} must divide the nside {self._nside} (the result "
                "needs nside >= 1)"
            )
        nside = self._nside // factor
        if self.is_allsky:
            return self._replace(nside=nside, region=None)
        _check_power_of_two(self, "downsample")
        parents = unique_sorted(_to_nested(self, self._ipix) // factor**2)
        return self._replace(nside=nside, region=(_from_nested(nside, self._nest, parents),))

    def pad(self, pad_width, axis_name=None):
        """The partial-sky geometry grown by ``pad_width`` rings of neighbouring pixels.

        Each step adds every pixel sharing an edge or a corner with the geometry (its 8, or
        7, HEALPix neighbours), as gammapy; the result is an explicit pixel list.

        Parameters
        ----------
        pad_width : int
            Number of steps (0 keeps the geometry); with ``axis_name``, bins added on each
            side or ``(low, high)``.
        axis_name : str, optional
            Pad this non-spatial axis instead of the sky.

        Returns
        -------
        HpxGeom

        Raises
        ------
        ValueError
            An all-sky geometry; a negative ``pad_width``; an nside that is no power of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=16, frame="galactic", region="DISK(110.,75.,10.)")
        >>> geom.npix.tolist(), geom.pad(1).npix.tolist(), geom.pad(2).npix.tolist()
        ([25], [53], [89])
        """
        if axis_name is not None:
            return self.replace_axis(self._axes[axis_name].pad(pad_width))
        steps = _steps(pad_width, "pad_width")
        if self.is_allsky:
            raise ValueError("an all-sky geometry cannot be padded: it has no border")
        _check_power_of_two(self, "pad")
        pix = self._ipix
        edge = pix
        for _ in range(steps):
            table = neighbours(self._nside, self._nest, edge)
            candidates = unique_sorted(table[table >= 0])
            edge = candidates[~_member(candidates, pix)]
            pix = np.sort(np.concatenate([pix, edge]))
        return self._replace(region=(pix,))

    def resample_axis(self, axis):
        """The geometry with the axis named like ``axis`` regrouped to ``axis``'s bins.

        The pixels are unchanged; the axis follows `~skymask.maps.WcsGeom.resample_axis`
        (each new edge snaps to the nearest old edge, clipped to the old range, as gammapy).

        Parameters
        ----------
        axis : `~skymask.maps.MapAxis`
            The new binning; its name selects the axis to regroup.

        Returns
        -------
        HpxGeom

        Raises
        ------
        TypeError
            If ``axis`` is not a `~skymask.maps.MapAxis`.
        KeyError
            If the geometry has no axis of that name.
        ValueError
            If the geometry's axis has centre nodes, or the new axis does not span one of
            its bins.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_edges([1, 2, 3, 4, 5], name="x")
        >>> geom = HpxGeom.create(nside=2, axes=[axis])
        >>> geom.resample_axis(MapAxis.from_edges([1, 3, 5], name="x")).axes["x"].edges.value
        array([1., 3., 5.])
        """
        from ..geom_transforms import resample_axis

        return resample_axis(self, axis)

    def crop(self, crop_width):
        """The partial-sky geometry shrunk by ``crop_width`` rings of border pixels.

        Each step removes every pixel with a neighbour (edge or corner) outside the
        geometry, as gammapy; the result is an explicit pixel list.

        Parameters
        ----------
        crop_width : int
            Number of steps (0 keeps the geometry).

        Returns
        -------
        HpxGeom

        Raises
        ------
        ValueError
            An all-sky geometry; a negative ``crop_width``; an nside that is no power of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=16, frame="galactic", region="DISK(110.,75.,10.)")
        >>> geom.crop(1).npix.tolist()
        [6]
        """
        steps = _steps(crop_width, "crop_width")
        if self.is_allsky:
            raise ValueError("an all-sky geometry cannot be cropped: it has no border")
        _check_power_of_two(self, "crop")
        pix = self._ipix
        for _ in range(steps):
            table = neighbours(self._nside, self._nest, pix)
            inside = _member(np.where(table >= 0, table, pix[:, None]), pix)
            pix = pix[inside.all(axis=1)]
        return self._replace(region=(pix,))

    def to_binsz(self, binsz):
        """The geometry with the nside whose pixel size is closest to ``binsz``.

        The nside follows ``nside_from_binsz``. The ordering, frame, axes and region string
        are kept (an explicit pixel list becomes the disk around
        `~skymask.maps.HpxGeom.center_skydir` holding all its pixel centres). gammapy 2.1
        makes the result nested and halves a disk region (its ``width`` is the disk radius,
        passed on as a diameter): X172.

        Parameters
        ----------
        binsz : angle
            Pixel size; plain numbers are degrees.

        Returns
        -------
        HpxGeom

        Raises
        ------
        ValueError
            ``binsz`` is not one positive angle.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=32, frame="galactic", region="DISK(110,75,10)")
        >>> new = geom.to_binsz("1 deg")
        >>> int(new.nside[0]), new.region
        (64, 'DISK(110,75,10)')
        """
        # create's nside rule (nside_from_binsz) through the class: no import of .geom here,
        # which imports this module.
        nside = int(type(self).create(binsz=binsz, frame=self._frame).nside[0])
        if self._region == "explicit":
            centre = self.center_skydir
            lon, lat = (float(v) for v in skycoord_lonlat_deg(centre, self._frame))
            radius = float(self.width.deg)
            # The radius reaches the farthest pixel centre exactly: nudge it up so that the
            # disk test (d <= radius) keeps that centre despite rounding.
            return self._replace(
                nside=nside, region=f"DISK({lon!r},{lat!r},{float(np.nextafter(radius, 360))!r})"
            )
        return self._replace(nside=nside)

    # ------------------------------------------------------------------ sub-geometries
    def cutout(self, position, width, **kwargs):
        """The disk of diameter ``width`` around ``position``, at this nside and ordering.

        As gammapy: every pixel whose centre lies within ``width / 2`` of ``position``
        (the region ``DISK(lon, lat, width / 2)``), whether or not it is in this geometry;
        the axes are kept. `~skymask.maps.HpxNDMap.cutout` fills the pixels outside a
        partial-sky map with 0 (X171).

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord` or (lon, lat)
            Centre of the cutout; a pair is in the geometry's frame (plain numbers are
            degrees), as gammapy.
        width : angle
            Diameter of the disk; plain numbers are degrees.
        **kwargs
            Not used (WCS cutout options such as ``mode``, accepted as gammapy does).

        Returns
        -------
        HpxGeom

        Raises
        ------
        TypeError
            ``position`` is neither a SkyCoord nor a (lon, lat) pair.
        ValueError
            ``width`` is not one non-negative angle.

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom.create(nside=8, frame="galactic")
        >>> geom.cutout(SkyCoord("0d", "0d"), width="30 deg").data_shape
        (14,)
        """
        if isinstance(position, _coords.SkyCoord):
            lon, lat = (float(v) for v in skycoord_lonlat_deg(position, self._frame))
        elif isinstance(position, (tuple, list)) and len(position) == 2:
            lon, lat = (float(as_angle_deg(v, name="position", finite=True)) for v in position)
        else:
            raise TypeError(
                f"position must be a SkyCoord or (lon, lat) in the geometry's frame, got "
                f"{describe(position)}"
            )
        width = as_angle_deg(width, name="width", finite=True)
        if np.ndim(width) or width < 0:
            raise ValueError(f"width must be one angle >= 0 (the diameter), got {width!r}")
        region = f"DISK({lon!r},{lat!r},{float(width) / 2!r})"
        return self._replace(region=region)

    def to_wcs_tiles(self, nside_tiles=4, margin="0 deg"):
        """WCS geometries (TAN) tiling an all-sky geometry: one per pixel at ``nside_tiles``.

        Tile ``i`` is centred on pixel ``i`` of the coarse pixelisation (this geometry's
        ordering and frame); its width is the largest distance between two corners of that
        pixel plus ``margin``, its pixel size the square root of this geometry's pixel area;
        the axes are kept (gammapy's rule).

        Parameters
        ----------
        nside_tiles : int
            nside of the tiling, below this geometry's (a power of 2 for nested ordering).
        margin : angle
            Added to the width of every tile; plain numbers are degrees.

        Returns
        -------
        list of `~skymask.maps.WcsGeom`
            ``12 * nside_tiles**2`` geometries.

        Raises
        ------
        ValueError
            A partial-sky geometry; ``nside_tiles`` not below the nside or not a power of 2.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> tiles = HpxGeom.create(nside=8, frame="galactic").to_wcs_tiles(nside_tiles=2)
        >>> len(tiles), tiles[0].projection, tiles[0].data_shape
        (48, 'TAN', (6, 6))
        """
        from ..geom import WcsGeom

        if not self.is_allsky:
            raise ValueError(
                "to_wcs_tiles needs an all-sky geometry; use to_wcs_geom for a partial-sky one"
            )
        nside_tiles = check_nside(nside_tiles, True)
        if nside_tiles >= self._nside:
            raise ValueError(
                f"nside_tiles must be below the nside {self._nside}, got {nside_tiles}"
            )
        margin = float(as_angle_deg(margin, name="margin", finite=True))
        binsz = float(np.degrees(np.sqrt(4 * np.pi / npix_of(self._nside))))
        pix = np.arange(npix_of(nside_tiles), dtype=np.int64)
        lon, lat = pix_to_lonlat(nside_tiles, self._nest, pix)
        corner_lon, corner_lat = np.radians(pixel_corners(nside_tiles, self._nest, pix))
        # Largest corner-to-corner distance per pixel (haversine: accurate at small angles).
        dlon = corner_lon[:, :, None] - corner_lon[:, None, :]
        dlat = corner_lat[:, :, None] - corner_lat[:, None, :]
        hav = (
            np.sin(dlat / 2) ** 2
            + np.cos(corner_lat[:, :, None])
            * np.cos(corner_lat[:, None, :])
            * np.sin(dlon / 2) ** 2
        )
        widths = np.degrees(2 * np.arcsin(np.sqrt(np.clip(hav, 0, 1)))).max(axis=(1, 2))
        return [
            WcsGeom.create(
                skydir=(float(lon[i]), float(lat[i])),
                width=float(widths[i]) + margin,
                binsz=binsz,
                frame=self._frame,
                proj="TAN",
                axes=self._axes,
            )
            for i in range(pix.size)
        ]

    # ------------------------------------------------------------------ FITS header
    @classmethod
    def from_header(cls, header, hdu_bands=None, format=None):
        """The geometry of a HEALPix table header (and its BANDS table).

        Reads gammapy's cards (``PIXTYPE``, ``ORDERING``, ``NSIDE`` or ``ORDER``,
        ``COORDSYS``, ``HPX_REG``) and healpy-style ones; an explicit pixel list is in the
        table data, not the header (read the map with `~skymask.maps.Map.read`).

        Parameters
        ----------
        header : `~astropy.io.fits.Header`
            Header of the HEALPix table.
        hdu_bands : `~astropy.io.fits.BinTableHDU`, optional
            The BANDS table of the non-spatial axes.
        format : {None, "gadf", "fgst-ccube", "fgst-template"}
            Layout of the BANDS table; None guesses it from the table name.

        Returns
        -------
        HpxGeom

        Raises
        ------
        TypeError
            ``header`` is not a FITS header.
        ValueError
            ``PIXTYPE`` is not HEALPIX; bad ``ORDERING``; neither ``NSIDE`` nor ``ORDER``.

        Examples
        --------
        >>> from astropy.io import fits
        >>> from skymask.maps import HpxGeom
        >>> header = fits.Header({"PIXTYPE": "HEALPIX", "ORDERING": "RING", "NSIDE": 64,
        ...                       "COORDSYS": "G", "HPX_REG": "DISK(110.,75.,2.)"})
        >>> geom = HpxGeom.from_header(header)
        >>> geom.frame, geom.nest, int(geom.npix[0])
        ('galactic', False, 16)
        """
        from astropy.io import fits

        from ..io_fits import axes_from_bands_hdu

        if not isinstance(header, fits.Header):
            raise TypeError(f"header must be an astropy.io.fits.Header, got {describe(header)}")
        pixtype = str(header.get("PIXTYPE", "")).strip().upper()
        if pixtype != "HEALPIX":
            raise ValueError(
                f"PIXTYPE must be HEALPIX, got {header.get('PIXTYPE')!r}: not a HEALPix header "
                "(read WCS images with WcsGeom.from_header)"
            )
        axes = None
        if hdu_bands is not None:
            axes = axes_from_bands_hdu(hdu_bands, header, format=format)
        return cls(**geom_args_from_header(header), axes=axes)

    def to_header(self, format="gadf"):
        """gammapy's HEALPix header cards of this geometry.

        ``PIXTYPE``, ``ORDERING``, ``INDXSCHM`` (IMPLICIT all-sky, EXPLICIT partial-sky),
        ``ORDER``, ``NSIDE``, ``FIRSTPIX``, ``LASTPIX``, ``COORDSYS``, ``HPX_CONV`` and
        ``HPX_REG`` for a region string.

        Parameters
        ----------
        format : {"gadf"}
            Only gammapy's layout is written.

        Returns
        -------
        `~astropy.io.fits.Header`

        Raises
        ------
        ValueError
            Another ``format``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom
        >>> header = HpxGeom.create(nside=64, frame="galactic", nest=False).to_header()
        >>> header["NSIDE"], header["ORDERING"], header["COORDSYS"]
        (64, 'RING', 'G')
        """
        if format != "gadf":
            raise ValueError(f"only format='gadf' is written, got {format!r}")
        return hpx_header(self)

    def to_bands_hdu(self, hdu_bands=None, format="gadf"):
        """The BANDS table of the non-spatial axes (gammapy's gadf layout).

        Parameters
        ----------
        hdu_bands : str, optional
            Name of the HDU; default "BANDS".
        format : {"gadf"}
            Only gammapy's layout is written.

        Returns
        -------
        `~astropy.io.fits.BinTableHDU`
            One row per image plane (a single row without axes).

        Raises
        ------
        ValueError
            Another ``format``.

        Examples
        --------
        >>> from skymask.maps import HpxGeom, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> hdu = HpxGeom.create(nside=4, axes=[axis]).to_bands_hdu(hdu_bands="EBANDS")
        >>> hdu.name, len(hdu.data)
        ('EBANDS', 3)
        """
        from ..io_fits import axes_to_bands_hdu

        if format != "gadf":
            raise ValueError(f"only format='gadf' is written, got {format!r}")
        return axes_to_bands_hdu(self._axes, "BANDS" if hdu_bands is None else hdu_bands)
