"""Maps on HEALPix geometries: `HpxNDMap`.

The operators, unit rules, reductions and slicing are those of `skymask.maps.Map`; this class
adds what depends on the pixelisation: lookups by global pixel index, nearest-pixel
interpolation, morphology on the sphere, reprojection to and from WCS and plotting through a
WCS projection.
"""

from __future__ import annotations

import numpy as np

from ...utils.units import describe
from ..map import WcsNDMap
from ..reproject import REQUIRED
from .base import HpxMap
from .convolve import HpxNDMapConvolution
from .geom import HpxGeom
from .map_transforms import HpxNDMapTransforms

__all__ = ["HpxNDMap"]


class HpxNDMap(HpxNDMapConvolution, HpxNDMapTransforms, HpxMap):
    """Map on an `HpxGeom`; data shape ``(*reversed axis sizes, npix)``.

    Parameters
    ----------
    geom : `HpxGeom`
        The geometry.
    data : array-like, optional
        Data of shape ``geom.data_shape``: the geometry's pixels in increasing global index
        (default zeros).
    dtype : dtype, optional
        Data type (default float32 for new data).
    meta : dict, optional
        Metadata, written to the FITS header.
    unit : str or `~astropy.units.Unit`
        Unit of the data.

    Raises
    ------
    TypeError
        If ``geom`` is not an `HpxGeom`.

    Examples
    --------
    >>> from skymask.maps import HpxGeom, HpxNDMap, Map
    >>> m = Map.create(nside=16, map_type="hpx", frame="galactic", dtype=bool)
    >>> type(m).__name__, m.data.shape
    ('HpxNDMap', (3072,))
    >>> HpxNDMap(HpxGeom(nside=2, region="DISK(0,0,30)"), unit="sr").data.shape
    (4,)
    """

    def __init__(self, geom, data=None, dtype=None, meta=None, unit=""):
        if not isinstance(geom, HpxGeom):
            raise TypeError(f"geom must be an HpxGeom, got {describe(geom)}")
        super().__init__(geom, data=data, dtype=dtype, meta=meta, unit=unit)

    @classmethod
    def create(
        cls,
        nside=None,
        binsz=None,
        nest=True,
        map_type="hpx",
        frame="icrs",
        data=None,
        skydir=None,
        width=None,
        dtype="float32",
        region=None,
        axes=None,
        meta=None,
        unit="",
    ) -> HpxNDMap:
        """Empty (or ``data``) map on `HpxGeom.create` (gammapy's ``HpxMap.create``).

        Parameters
        ----------
        nside : int, optional
            HEALPix nside; wins over ``binsz``.
        binsz : angle, optional
            Approximate pixel size (plain numbers are degrees): the power-of-two nside closest to
            it (``nside_from_binsz``).
        nest : bool
            Nested (default) or ring ordering.
        map_type : {"hpx"}
            Accepted for gammapy compatibility (`~skymask.maps.Map.create` picks the class by it).
        frame : {"icrs", "galactic", "fk5", "fk4"}
            Sky frame.
        data : array-like or scalar, optional
            Initial values, broadcast to the data shape (default zeros of ``dtype``).
        skydir : `~astropy.coordinates.SkyCoord` or (lon, lat), optional
            Centre of a ``width`` disk; default (0, 0).
        width : angle, optional
            Diameter of a disk region ``DISK(lon, lat, width / 2)`` (when ``region`` is None).
        dtype : str or numpy dtype
            Data type (default float32; ``bool`` for a mask).
        region : str, optional
            Partial-sky region string (see `HpxGeom`).
        axes : list of `~skymask.maps.MapAxis`, optional
            Non-spatial axes.
        meta : dict, optional
            Metadata.
        unit : str or `~astropy.units.Unit`
            Unit of the data.

        Returns
        -------
        HpxNDMap

        Raises
        ------
        ValueError
            Neither ``nside`` nor ``binsz``; a bad region string or nside; another ``map_type``.

        Examples
        --------
        The 4 nside 4 pixel centres within 20 deg of (0, 0) (as gammapy):

        >>> from skymask.maps import HpxNDMap
        >>> m = HpxNDMap.create(nside=4, region="DISK(0,0,20)", dtype=bool)
        >>> m.data.shape, m.geom.ipix
        ((4,), array([67, 70, 73, 76]))
        """
        if map_type != "hpx":
            raise ValueError(f"HpxNDMap.create makes map_type='hpx' maps, got {map_type!r}")
        geom = HpxGeom.create(
            nside=nside,
            binsz=binsz,
            nest=nest,
            frame=frame,
            region=region,
            axes=axes,
            skydir=skydir,
            width=width,
        )
        return cls(geom, data=data, dtype=dtype, meta=meta, unit=unit)

    # ------------------------------------------------------------------ FITS
    @classmethod
    def read(cls, filename, hdu=None, hdu_bands=None, format=None, checksum=True, colname=None):
        """Read a HEALPix map: gammapy's layout (implicit, explicit or sparse) or a
        healpy-style table (``colname`` picks its column; default the first).

        Boolean maps written by skymask come back as bool. See ``skymask.maps.hpx.io``.

        Parameters
        ----------
        filename : str or path
            FITS file.
        hdu : str, optional
            The HEALPix table; default the first one.
        hdu_bands : str, optional
            The axes table; default the header's ``BANDSHDU``.
        format : None
            Accepted for gammapy compatibility (the layout is recognised from the header).
        checksum : bool
            Verify CHECKSUM/DATASUM where present.
        colname : str, optional
            Data column of a healpy-style table.

        Returns
        -------
        HpxNDMap

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from skymask.maps import HpxGeom, HpxNDMap, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = HpxNDMap.create(nside=2, region="DISK(0,0,30)", axes=[axis], unit="cm-2")
        >>> m.data[1] = 5
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "cube.fits"
        >>> m.write(path)
        >>> back = HpxNDMap.read(path)
        >>> back.geom == m.geom, back.unit, back.data.tolist()
        (True, Unit("1 / cm2"), [[0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]])
        """
        from .io import read_hpx_map

        return read_hpx_map(cls, filename, hdu=hdu, hdu_bands=hdu_bands, colname=colname,
                            checksum=checksum)  # fmt: skip

    @classmethod
    def _read_if_healpix(cls, filename, hdu=None, hdu_bands=None, checksum=True):
        from .io import probe_hpx_file

        if not probe_hpx_file(filename, hdu):
            return None
        return cls.read(filename, hdu=hdu, hdu_bands=hdu_bands, checksum=checksum)

    @classmethod
    def from_hdulist(cls, hdulist, hdu=None, hdu_bands=None, format=None, *, filename=None,
                     colname=None):  # fmt: skip
        """HEALPix map from an open HDU list (the layouts of `read`).

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            The open file.
        hdu : str, optional
            The HEALPix table; default the first one.
        hdu_bands : str, optional
            The axes table; default the header's ``BANDSHDU``.
        format : None
            Accepted for gammapy compatibility (the layout is recognised from the header).
        filename : str, optional
            Name of the file, for error messages.
        colname : str, optional
            Data column of a healpy-style table.

        Returns
        -------
        HpxNDMap

        Examples
        --------
        >>> from skymask.maps import HpxNDMap
        >>> mask = HpxNDMap.create(nside=2, region="DISK(0,0,30)", dtype=bool)
        >>> mask.data[:2] = True
        >>> back = HpxNDMap.from_hdulist(mask.to_hdulist(hdu="mask"), hdu="mask")
        >>> back.data.tolist()
        [True, True, False, False]
        """
        from .io import read_hpx_parts

        geom, data, unit, meta = read_hpx_parts(hdulist, hdu, hdu_bands, colname,
                                                filename or "<hdulist>")  # fmt: skip
        return cls(geom, data=data, unit=unit, meta=meta)

    def to_hdulist(self, hdu="SKYMAP", hdu_bands=None, sparse=False, format="gadf"):
        """gammapy's HEALPix layout as an HDU list (see `write`).

        Parameters
        ----------
        hdu : str
            Name of the HEALPix table (gammapy's default "SKYMAP"; written upper case).
        hdu_bands : str, optional
            Name of the axes table of a cube; default ``<HDU>_BANDS``.
        sparse : bool
            Only the pixels with values > 0 (True pixels of a mask): ``INDXSCHM = SPARSE``.
        format : {"gadf"}
            The layout.

        Returns
        -------
        `~astropy.io.fits.HDUList`
            A primary HDU, the HEALPix table, and for a cube the axes table.

        Raises
        ------
        ValueError
            For another ``format``.

        Examples
        --------
        >>> from skymask.maps import HpxNDMap, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> cube = HpxNDMap.create(nside=2, region="DISK(0,0,30)", axes=[axis])
        >>> [h.name for h in cube.to_hdulist(hdu="mask")]
        ['PRIMARY', 'MASK', 'MASK_BANDS']
        """
        from .io import map_to_hdulist

        if format in ("fgst-ccube", "fgst-template"):
            from .io_fermi import fermi_hdulist

            return fermi_hdulist(self, hdu=hdu, sparse=sparse, format=format)
        if format != "gadf":
            raise ValueError(
                f"format must be 'gadf', 'fgst-ccube' or 'fgst-template', got {format!r}"
            )
        return map_to_hdulist(self, hdu=hdu, hdu_bands=hdu_bands, sparse=sparse)

    def write(self, filename, overwrite=False, hdu="SKYMAP", hdu_bands=None, sparse=False,
              checksum=False, format="gadf"):  # fmt: skip
        """Write in gammapy's HEALPix layout, atomically.

        Parameters
        ----------
        filename : str or path
            Output file.
        overwrite : bool
            Replace an existing file.
        hdu : str
            Name of the HEALPix table (gammapy's default "SKYMAP").
        hdu_bands : str, optional
            Name of the axes table; default ``<HDU>_BANDS``.
        sparse : bool
            Write only the pixels with values > 0 (True pixels of a mask): ``INDXSCHM =
            SPARSE``.
        checksum : bool
            Add CHECKSUM/DATASUM.
        format : {"gadf", "fgst-ccube", "fgst-template"}
            The layout; the Fermi ones need one energy axis (``skymask.maps.hpx.io_fermi``).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from skymask.maps import HpxGeom, Map
        >>> mask = HpxGeom(16, region="DISK(10,20,15)").region_mask("icrs;circle(10,20,5)")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "mask.fits"
        >>> mask.write(path)
        >>> back = Map.read(path)
        >>> back.is_mask, bool((back.data == mask.data).all())
        (True, True)
        """
        from .io import write_hpx_map

        if format != "gadf":
            from ...utils.io import check_overwrite, write_fits

            hdulist = self.to_hdulist(hdu=hdu, hdu_bands=hdu_bands, sparse=sparse, format=format)
            write_fits(hdulist, filename, overwrite=check_overwrite(overwrite), checksum=checksum)
            return
        write_hpx_map(self, filename, overwrite=overwrite, hdu=hdu, hdu_bands=hdu_bands,
                      sparse=sparse, checksum=checksum)  # fmt: skip

    def _axes_order(self):
        return [*reversed(self._geom.axes.names), "skycoord"]

    def _stack_overlap(self, other):
        # stack (skymask.maps.smooth): the pixels of another HEALPix map in this one.
        from .stacking import overlap

        return overlap(self._geom, other.geom)

    def _lookup_positions(self, idx):
        # set_by_*, fill_by_* (skymask.maps.lookup): (ipix, axes...) with global pixel numbers.
        from .lookup import local_positions

        return local_positions(self._geom, idx)

    # ------------------------------------------------------------------ lookups
    def get_by_idx(self, idx, fill_value=None):
        """Values at ``(ipix, axis indices...)`` (global pixel indices).

        Parameters
        ----------
        idx : tuple of array-like
            Global pixel indices, then one index array per non-spatial axis (broadcast together).
        fill_value : scalar, optional
            Value where the pixel is not in the geometry (or an axis index is out of range).
            Default: NaN for float maps, False for masks, 0 for integer maps.

        Returns
        -------
        ndarray
            Scalar indices give shape (1,).

        Raises
        ------
        ValueError
            Without exactly one index array per axis.

        Examples
        --------
        Pixel 0 is not in this partial-sky map: it gets the fill value (gammapy 2.1 returns the
        value of the last pixel there):

        >>> import numpy as np
        >>> from skymask.maps import HpxNDMap
        >>> m = HpxNDMap.create(nside=2, region="DISK(0,0,30)")
        >>> m.data[:] = np.arange(4)
        >>> m.geom.ipix
        array([16, 17, 18, 19])
        >>> m.get_by_idx(([16, 19, 0],)).tolist(), m.get_by_idx(([0],), fill_value=-1).tolist()
        ([0.0, 3.0, nan], [-1.0])
        """
        idx = tuple(np.atleast_1d(np.asarray(i)) for i in idx)
        if len(idx) != len(self._geom.axes) + 1:
            raise ValueError(
                f"need {len(self._geom.axes) + 1} indices (ipix, axes...), got {len(idx)}"
            )
        local = self._geom.global_to_local(idx)
        inside = np.all([i >= 0 for i in local], axis=0)
        clipped = tuple(np.where(inside, i, 0) for i in local[::-1])
        values = self._data[clipped]
        if fill_value is None:
            fill_value = False if self.is_mask else (np.nan if values.dtype.kind == "f" else 0)
        return np.where(inside, values, fill_value)

    def interp_by_coord(self, coords, method="linear", fill_value=None, values_scale="lin"):
        """Values at world coordinates: bilinear on the sphere (``"linear"``, gammapy's
        default) or the pixel containing each position (``"nearest"``).

        Parameters
        ----------
        coords : SkyCoord, MapCoord, dict or tuple
            Positions (and axis coordinates for cubes).
        method : {"linear", "nearest"}
            ``"linear"``: healpy's four-pixel ring interpolation, linear between axis bin
            centres (see ``skymask.maps.hpx.interp``); a float result, a mask gives the
            fraction of True. ``"nearest"``: the pixel's value, the map's dtype.
        fill_value : scalar, optional
            Value outside the geometry; default NaN (nearest: False for masks, 0 for
            integers).
        values_scale : {"lin", "log", "sqrt"}
            Interpolate the log or square root of the values (linear method).

        Returns
        -------
        ndarray

        Raises
        ------
        ValueError
            For another ``method``.

        Examples
        --------
        (0, 0) lies in pixel 19, the last of the map; (90, 45) outside it:

        >>> import numpy as np
        >>> from skymask.maps import HpxNDMap
        >>> m = HpxNDMap.create(nside=2, region="DISK(0,0,30)")
        >>> m.data[:] = np.arange(4)
        >>> m.interp_by_coord(([0, 90], [0, 45]), method="nearest").tolist()
        [3.0, nan]
        >>> m.interp_by_coord(([0, 90], [0, 45]), method="nearest", fill_value=0).tolist()
        [3.0, 0.0]

        Linear interpolation at a pixel centre gives that pixel's value:

        >>> centre = m.geom.get_coord()
        >>> m.interp_by_coord((centre.lon[1:2], centre.lat[1:2])).round(9).tolist()
        [1.0]
        """
        if method == "linear":
            from .interp import interp_linear

            return interp_linear(self, coords, fill_value=fill_value, values_scale=values_scale)
        if method != "nearest":
            raise ValueError(
                f"HEALPix maps interpolate with method='linear' or 'nearest', got {method!r}"
            )
        idx = self._geom.coord_to_idx(coords)
        values = self.get_by_idx(idx)
        if fill_value is not None:
            outside = np.any([i < 0 for i in idx], axis=0)
            values = np.where(outside, fill_value, values)
        return values

    # ------------------------------------------------------------------ reprojection
    def interp_to_geom(self, geom, *, fill_value=REQUIRED, method=None, coverage=False):
        """This map at the pixel centres of ``geom`` (WCS or HEALPix), nearest pixel.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or `HpxGeom`
            Target geometry (frames are converted).
        fill_value : scalar
            Value of target pixels whose centre is outside this map's pixels; required for
            boolean maps (False or True: which one is right depends on the use).
        method : {None, "nearest"}
            Nearest pixel (the only method on HEALPix).
        coverage : bool
            Boolean maps onto a WCS geometry: True where any part of the target pixel touches
            a True pixel, the conservative choice for exclusion masks (pixel centres, then the
            boundary of the True area sampled every half target pixel and grown by one target
            pixel; see ``skymask.maps.hpx.reproject``). Default: the pixel centre only.

        Returns
        -------
        Map
            Boolean for boolean maps.

        Examples
        --------
        Three WCS pixels centred at longitudes 10, 0 and 350 deg take the values of the HEALPix
        pixels containing those centres (gammapy's nearest interpolation gives the same):

        >>> import numpy as np
        >>> from skymask.maps import HpxNDMap, WcsGeom
        >>> m = HpxNDMap.create(nside=2, region="DISK(0,0,30)")
        >>> m.data[:] = np.arange(4)
        >>> wcs = WcsGeom.create(npix=(3, 1), binsz=10)
        >>> m.interp_to_geom(wcs, fill_value=np.nan).data.tolist()
        [[1.0, 3.0, 2.0]]
        """
        from .reproject import hpx_to_geom

        return hpx_to_geom(self, geom, fill_value=fill_value, method=method, coverage=coverage)

    def to_wcs(self, sum_bands=False, normalize=True, proj="AIT", oversample=2, width_pix=None,
               hpx2wcs=None, fill_nan=True, fill_value=None) -> WcsNDMap:  # fmt: skip
        """The map on `HpxGeom.to_wcs_geom`: each WCS pixel takes the HEALPix pixel holding
        its centre (gammapy's options, ``skymask.maps.hpx.wcs_view``).

        Parameters
        ----------
        sum_bands : bool
            Sum over the non-spatial axes first (a mask: OR).
        normalize : bool
            Share each HEALPix value evenly among the WCS pixels that take it, keeping sums
            (gammapy's default; float result). Not applied to masks.
        proj : str
            WCS projection, e.g. "AIT", "MOL", "CAR".
        oversample : float
            HEALPix pixel width over WCS pixel width.
        width_pix : int, optional
            Width of the WCS image in pixels.
        hpx2wcs : None
            gammapy's precomputed mapping; not used by skymask (must be None).
        fill_nan : bool
            WCS pixels off the HEALPix geometry get NaN (else 0).
        fill_value : scalar, optional
            Overrides ``fill_nan``; masks get False by default.

        Returns
        -------
        `~skymask.maps.WcsNDMap`

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import HpxNDMap
        >>> m = HpxNDMap.create(nside=4, region="DISK(0,0,30)")
        >>> m.data[:] = 1
        >>> shared = m.to_wcs(oversample=4)
        >>> round(float(np.nansum(shared.data)), 6) == m.data.size
        True
        >>> float(np.nanmax(m.to_wcs(normalize=False, oversample=4).data))
        1.0
        >>> mask = HpxNDMap.create(nside=2, region="DISK(0,0,30)", dtype=bool, data=True)
        >>> wcs_mask = mask.to_wcs()
        >>> wcs_mask.geom.projection, wcs_mask.data.shape, wcs_mask.data.dtype
        ('AIT', (10, 10), dtype('bool'))
        """
        from .wcs_view import to_wcs

        return to_wcs(self, sum_bands=sum_bands, normalize=normalize, proj=proj,
                      oversample=oversample, width_pix=width_pix, hpx2wcs=hpx2wcs,
                      fill_nan=fill_nan, fill_value=fill_value)  # fmt: skip

    # ------------------------------------------------------------------ morphology
    def binary_erode(self, width, kernel="disk", use_fft=None):
        """Shrink a mask on the sphere: keep a pixel if every pixel centre within ``width``
        (angular distance, ``d <= width``) is True; pixels outside a partial-sky geometry count
        as False.

        Parameters
        ----------
        width : angle, str or number
            Radius: an angle, or a plain number of pixels of size sqrt(pixel area).
        kernel : {"disk"}
            Only the disk exists on the sphere.
        use_fft : ignored
            Accepted for gammapy compatibility.

        Returns
        -------
        HpxNDMap
            A boolean map.

        Raises
        ------
        ValueError
            For another ``kernel``.

        Examples
        --------
        The 12 nside 4 pixels within 30 deg of (0, 0); 4 of them have no False pixel centre
        within 15 deg (a brute-force check of all pixel distances gives the same):

        >>> from skymask.maps import HpxGeom
        >>> geom = HpxGeom(nside=4)
        >>> mask = geom.region_mask("icrs;circle(0, 0, 30)")
        >>> int(mask.data.sum()), geom.ipix[mask.binary_erode("15 deg").data]
        (12, array([67, 70, 73, 76]))
        """
        from .morphology import binary_erode

        _check_disk(kernel)
        return binary_erode(self, width)

    def binary_dilate(self, width, kernel="disk", use_fft=None):
        """Grow a mask on the sphere: True where some True pixel centre is within ``width``
        (angular distance, ``d <= width``).

        Parameters
        ----------
        width : angle, str or number
            Radius: an angle, or a plain number of pixels of size sqrt(pixel area).
        kernel : {"disk"}
            Only the disk exists on the sphere.
        use_fft : ignored
            Accepted for gammapy compatibility.

        Returns
        -------
        HpxNDMap
            A boolean map.

        Raises
        ------
        ValueError
            For another ``kernel``.

        Examples
        --------
        The 12 nside 4 pixels within 30 deg of (0, 0) grow to 24 by 15 deg, to 18 by one pixel
        (14.66 deg at nside 4; a brute-force check of all pixel distances gives the same):

        >>> from skymask.maps import HpxGeom
        >>> mask = HpxGeom(nside=4).region_mask("icrs;circle(0, 0, 30)")
        >>> int(mask.binary_dilate("15 deg").data.sum()), int(mask.binary_dilate(1).data.sum())
        (24, 18)
        """
        from .morphology import binary_dilate

        _check_disk(kernel)
        return binary_dilate(self, width)

    def hysteresis_threshold(self, low, high, connectivity=1):
        raise NotImplementedError("hysteresis_threshold is not available on HEALPix maps yet")

    def fill_holes(self, connectivity=1):
        raise NotImplementedError("fill_holes is not available on HEALPix maps yet")

    # ------------------------------------------------------------------ display
    def plot(self, ax=None, fig=None, add_cbar=False, stretch="linear", proj="AIT",
             oversample=2, width_pix=1000, method="raster", **kwargs):  # fmt: skip
        """Plot an image through a WCS projection (`to_wcs`, nearest pixel), or as one
        polygon per pixel (``method="poly"``, ``skymask.maps.hpx.plotting``).

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw on (default: new axes with the projection's WCS).
        fig : `~matplotlib.figure.Figure`, optional
            Figure for the new axes (default: the current figure).
        add_cbar : bool
            Add a colour bar.
        stretch : str
            Stretch of the colour scale, for non-boolean maps.
        proj : str
            WCS projection: gammapy's default "AIT", "MOL" (Mollweide), "CAR", ...
        oversample : float
            WCS pixels per HEALPix pixel size.
        width_pix : int
            Largest number of WCS pixels across the width.
        method : {"raster", "poly"}
            "raster": the map on a WCS grid, drawn with ``imshow``; "poly": one polygon per
            HEALPix pixel (its 4 corners) on the WCS axes of `HpxGeom.to_wcs_geom`
            (``oversample=1``), pixels across the projection's seam cut in two (slow beyond
            some 10,000 pixels; ``stretch``, ``oversample`` and ``width_pix`` do not apply).
        **kwargs
            Passed to ``imshow`` ("raster") or to
            `~matplotlib.collections.PatchCollection` ("poly", e.g. ``cmap``).

        Returns
        -------
        `~astropy.visualization.wcsaxes.WCSAxes`

        Raises
        ------
        ValueError
            For a map with a non-spatial axis of more than one bin (plot one plane), or
            another ``method``.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import HpxGeom
        >>> mask = HpxGeom(nside=4).region_mask("icrs;circle(0, 0, 30)")
        >>> fig = plt.figure()
        >>> ax = mask.plot(fig=fig, proj="MOL", width_pix=100)
        >>> type(ax).__name__
        'WCSAxes'

        With ``method="poly"``, the 192 pixels of nside 4 give 196 polygons: the pixels
        centred on the seam (180 deg), one in each of the rings 5, 7, 9 and 11 (the
        equatorial rings that are not shifted by half a pixel), are cut in two:

        >>> ax = mask.plot(fig=fig, method="poly")
        >>> len(ax.collections[0].get_paths())
        196
        >>> plt.close(fig)
        """
        if method not in ("raster", "poly"):
            raise ValueError(f"method must be 'raster' or 'poly', got {method!r}")
        if not self._geom.is_flat:
            raise ValueError("plot needs an image (or one bin per axis); use get_image_by_idx")
        image = self.get_image_by_idx((0,) * len(self._geom.axes)) if self._geom.axes else self
        if method == "poly":
            from .plotting import plot_poly

            return plot_poly(image, ax=ax, fig=fig, proj=proj, add_cbar=add_cbar, **kwargs)
        wcs_map = image.to_wcs(normalize=False, proj=proj, oversample=oversample,
                               width_pix=width_pix)  # fmt: skip
        data = wcs_map.data.astype(np.float32)
        # Pixels outside the projection (the corners of a Mollweide map) stay blank.
        lon = wcs_map.geom.get_coord().lon.to_value("deg")
        data[~np.isfinite(lon)] = np.nan
        wcs_map = wcs_map.copy(data=data)
        return wcs_map.plot(ax=ax, fig=fig, add_cbar=add_cbar, stretch=stretch, **kwargs)

    def plot_grid(self, figsize=None, ncols=3, proj="AIT", oversample=2, width_pix=1000, **kwargs):
        """Plot every plane of a map with one non-spatial axis, through a WCS projection.

        Parameters
        ----------
        figsize : (float, float), optional
            Figure size in inches.
        ncols : int
            Panels per row.
        proj : str
            WCS projection (gammapy's default "AIT").
        oversample : float
            WCS pixels per HEALPix pixel size.
        width_pix : int
            Largest number of WCS pixels across the width.
        **kwargs
            Passed to `~skymask.maps.Map.plot` for each panel.

        Returns
        -------
        `numpy.ndarray`
            The axes of the panels.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import HpxNDMap, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = HpxNDMap.create(nside=4, axes=[axis])
        >>> len(m.plot_grid(figsize=(4, 2), width_pix=50))
        2
        >>> plt.close("all")
        """
        wcs_map = self.to_wcs(normalize=False, proj=proj, oversample=oversample,
                              width_pix=width_pix)  # fmt: skip
        if wcs_map.is_mask:
            wcs_map = wcs_map.copy(data=wcs_map.data.astype(np.float32))
        return wcs_map.plot_grid(figsize=figsize, ncols=ncols, **kwargs)

    def smooth(self, width, kernel="gauss"):
        """Each image plane smoothed on the sphere with a Gaussian or disk kernel.

        Direct space, exact on the sphere (gammapy: healpy's spherical harmonics; X178):
        each pixel takes the weighted mean of the pixel centres within ``4 width``
        (Gaussian, weights ``exp(-d**2 / (2 width**2))``) or within ``width`` (disk, equal
        weights); pixels outside a partial-sky geometry count as 0. See
        ``skymask.maps.hpx.smooth``.

        Parameters
        ----------
        width : angle, str or number
            Gaussian standard deviation or disk radius; a plain number is pixels of size
            sqrt(pixel area), as gammapy.
        kernel : {"gauss", "disk"}
            The kernel.

        Returns
        -------
        HpxNDMap
            float64, same geometry. A mask gives float fractions (as gammapy); threshold them
            for a mask again.

        Raises
        ------
        ValueError
            For another kernel or a width that is not positive.

        Examples
        --------
        >>> from skymask.maps import HpxNDMap
        >>> m = HpxNDMap.create(nside=16, dtype=float)
        >>> m.data[:] = 2.0
        >>> smoothed = m.smooth("5 deg")
        >>> smoothed.data.dtype, bool(abs(smoothed.data - 2.0).max() < 1e-12)
        (dtype('float64'), True)
        """
        from .smooth import smooth

        return smooth(self, width, kernel=kernel)

    def plot_mask(self, method="raster", ax=None, proj="AIT", oversample=2, width_pix=1000,
                  **kwargs):  # fmt: skip
        """Shade the False pixels of a mask (the excluded sky) through a WCS projection.

        The mask is looked up at the WCS pixel centres (`to_wcs`, the planes ORed), then
        shaded as `skymask.maps.Map.plot_mask` does on WCS maps.

        Parameters
        ----------
        method : {"raster"}
            gammapy's "poly" (one polygon per pixel) is not available.
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw on (default: new WCS axes).
        proj : str
            WCS projection (gammapy's default "AIT"; "MOL" for Mollweide).
        oversample : float
            WCS pixels per HEALPix pixel size.
        width_pix : int
            Largest number of WCS pixels across the width.
        **kwargs
            Passed to `matplotlib.axes.Axes.contourf`.

        Returns
        -------
        `~astropy.visualization.wcsaxes.WCSAxes`

        Raises
        ------
        ValueError
            If the map is not a mask, or for another ``method``.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import HpxGeom
        >>> mask = HpxGeom(16).region_mask("galactic;circle(0,0,20)")
        >>> ax = mask.plot_mask(width_pix=200)
        >>> type(ax).__name__
        'WCSAxes'
        >>> plt.close("all")
        """
        if not self.is_mask:
            raise ValueError("plot_mask needs a boolean map (a mask); compare first, e.g. m > 0")
        if method != "raster":
            raise ValueError(f"HEALPix masks are plotted with method='raster', got {method!r}")
        image = self.to_wcs(sum_bands=True, normalize=False, proj=proj, oversample=oversample,
                            width_pix=width_pix, fill_value=True)  # fmt: skip
        return image.plot_mask(ax=ax, **kwargs)

    # ------------------------------------------------------------------ orderings
    def to_swapped(self) -> HpxNDMap:
        """The same map in the other ordering (nested <-> ring), same pixels and values.

        Returns
        -------
        HpxNDMap
            On `HpxGeom.to_swapped`; every value at the same sky pixel (masks stay masks).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import HpxGeom, HpxNDMap
        >>> ring = HpxNDMap(HpxGeom(2, nest=False), data=np.arange(48.0))
        >>> nested = ring.to_swapped()
        >>> nested.geom.nest, nested.data[:4].tolist()
        (True, [13.0, 5.0, 4.0, 0.0])
        """
        from .ordering import to_swapped

        return to_swapped(self)


def _check_disk(kernel):
    if kernel != "disk":
        raise ValueError(f"HEALPix morphology uses kernel='disk' only, got {kernel!r}")
