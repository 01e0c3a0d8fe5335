"""N-dimensional maps on a WCS geometry: data, unit, meta, operators and reductions."""

from __future__ import annotations

import operator

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from ..utils.arrays import array_protocol
from ..utils.lazy import units as u
from ..utils.memory import check_allocation
from ..utils.units import describe
from .chunked import as_array as _as_array
from .chunked import is_dask
from .geom import WcsGeom
from .map_lookup import LookupMixin
from .reproject import REQUIRED

__all__ = ["Map", "WcsNDMap"]

_ARITHMETIC = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "pow": operator.pow,
}
_COMPARISON = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}
_LOGICAL = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}
_REFLECTED_COMPARISON = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}
# The ufuncs behind Python's operators (numpy.lib.mixins.NDArrayOperatorsMixin calls them) and
# their direct calls: a Map on either side gives a Map with the unit and bool rules below.
_BINARY_UFUNCS = {
    np.add: "add",
    np.subtract: "sub",
    np.multiply: "mul",
    np.true_divide: "truediv",
    np.floor_divide: "floordiv",
    np.power: "pow",
    np.less: "lt",
    np.less_equal: "le",
    np.greater: "gt",
    np.greater_equal: "ge",
    np.equal: "eq",
    np.not_equal: "ne",
    np.logical_and: "and",
    np.logical_or: "or",
    np.logical_xor: "xor",
    np.bitwise_and: "and",
    np.bitwise_or: "or",
    np.bitwise_xor: "xor",
}
_UNARY_UFUNCS = {
    np.negative: "neg",
    np.positive: "pos",
    np.absolute: "abs",
    np.invert: "invert",
    np.logical_not: "invert",
}


class Map(LookupMixin, NDArrayOperatorsMixin):
    """Base class of skymask maps; `Map.from_geom` and `Map.read` build the right subclass.

    A map is a geometry, a numpy array in data order (``(..., n_axis1, ny, nx)``), a unit and a
    meta dict. Boolean maps are masks.

    Operators (``+ - * / // ** < <= > >= == != & | ^ ~``, their in-place forms, ``-m`` and
    ``abs(m)``) come from `numpy.lib.mixins.NDArrayOperatorsMixin`: each calls its ufunc, and
    `__array_ufunc__` applies the map rules (units, bool rules, geometry alignment), also for
    numpy scalars on the left and direct ufunc calls such as ``np.logical_and(a, b)``.

    Parameters
    ----------
    geom : `WcsGeom`
        The geometry.
    data : array-like, optional
        Data of shape ``geom.data_shape`` (default zeros).
    dtype : dtype, optional
        Data type (default float32 for new data).
    meta : dict, optional
        Metadata, written to the FITS header.
    unit : str or `~astropy.units.Unit`
        Unit of the data.

    Examples
    --------
    >>> from skymask.maps import Map, WcsGeom
    >>> m = Map.from_geom(WcsGeom.create(npix=(3, 2), binsz=1), unit="cm-2 s-1")
    >>> type(m).__name__, m.data.shape, m.unit
    ('WcsNDMap', (2, 3), Unit("1 / (s cm2)"))
    >>> mask = m.geom.region_mask("icrs;circle(0, 0, 0.6)")
    >>> (mask & ~mask).is_mask, int((mask | ~mask).data.sum())
    (True, 6)
    """

    def __init__(self, geom, data=None, dtype=None, meta=None, unit=""):
        if not isinstance(geom, _geom_classes()):
            raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")
        self._geom = geom
        if isinstance(data, Map) and unit in ("", None):
            unit = data.unit
        self._unit = u.Unit(unit)
        self._data = None
        if data is None:
            dtype = np.dtype(dtype or np.float32)
            check_allocation(geom.data_shape, dtype, what=f"a map of shape {geom.data_shape}")
            data = np.zeros(geom.data_shape, dtype=dtype)
            self._data = data
        else:
            self.data = data
            if dtype is not None and self._data.dtype != np.dtype(dtype):
                self._data = self._data.astype(dtype)
        self.meta = {} if meta is None else dict(meta)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_geom(cls, geom, meta=None, data=None, unit="", dtype=None) -> Map:
        """Map on ``geom``: zeros of ``dtype`` (default float32), or the given ``data``.

        An array of the full shape is used as it is (not copied); a scalar or a broadcastable
        array is expanded to a new writable array. ``dtype`` casts the data if given. A Quantity
        sets the unit.

        Parameters
        ----------
        geom : `WcsGeom`
            The geometry.
        meta : dict, optional
            Metadata.
        data : array-like, scalar or `~astropy.units.Quantity`, optional
            The data (default zeros).
        unit : str or `~astropy.units.Unit`
            Unit of the data (a Quantity ``data`` sets it).
        dtype : dtype, optional
            Data type (default float32 for new data).

        Returns
        -------
        `Map`
            A `WcsNDMap`, or an instance of ``cls`` for a subclass.

        Examples
        --------
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=(4, 3), binsz=0.1)
        >>> mask = Map.from_geom(geom, data=True)
        >>> mask.data.sum()
        np.int64(12)
        """
        for geom_class, map_class in _MAP_TYPES.values():
            if isinstance(geom, geom_class):
                return map_class(geom, data=data, dtype=dtype, meta=meta, unit=unit)
        raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")

    @classmethod
    def create(
        cls,
        npix=None,
        binsz=0.1,
        width=None,
        proj="CAR",
        frame="icrs",
        refpix=None,
        axes=None,
        skydir=None,
        dtype="float32",
        meta=None,
        unit="",
        map_type="wcs",
        **kwargs,
    ) -> Map:
        """Empty map on a new `WcsGeom` (see `WcsGeom.create`; ``binsz`` defaults to 0.1 deg).

        Parameters
        ----------
        npix, binsz, width, proj, frame, refpix, axes, skydir
            The geometry, as for `WcsGeom.create`.
        dtype : dtype
            Data type of the zeros.
        meta : dict, optional
            Metadata.
        unit : str or `~astropy.units.Unit`
            Unit of the data.
        map_type : {"wcs", "hpx"}
            ``"hpx"`` builds an `~skymask.maps.HpxNDMap` on `~skymask.maps.HpxGeom.create`
            (``nside``, ``nest``, ``region`` as keywords; ``binsz`` is used only without
            ``nside``).
        **kwargs
            The `~skymask.maps.HpxGeom.create` keywords for ``map_type="hpx"`` (``nside``,
            ``nest``, ``region``); none for ``"wcs"``.

        Returns
        -------
        `Map`
            A map of zeros.

        Raises
        ------
        ValueError
            For an unknown ``map_type``.
        TypeError
            For keywords that ``map_type="wcs"`` does not take.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(4, 3), binsz=0.5, frame="galactic", dtype=bool)
        >>> m.data.shape, m.is_mask
        ((3, 4), True)
        >>> Map.create(map_type="hpx", nside=4).data.shape
        (192,)
        >>> Map.create(npix=3, nside=4)
        Traceback (most recent call last):
        ...
        TypeError: unexpected arguments for map_type='wcs': ['nside']
        """
        if map_type != "wcs":
            if map_type not in _MAP_TYPES:
                raise ValueError(f"map_type must be one of {sorted(_MAP_TYPES)}, got {map_type!r}")
            geom = _MAP_TYPES[map_type][0].create(
                binsz=binsz, width=width, frame=frame, axes=axes, skydir=skydir, **kwargs
            )
            return cls.from_geom(geom, meta=meta, unit=unit, dtype=dtype)
        if kwargs:
            raise TypeError(f"unexpected arguments for map_type='wcs': {sorted(kwargs)}")
        geom = WcsGeom.create(
            npix=npix,
            binsz=binsz,
            width=width,
            proj=proj,
            frame=frame,
            refpix=refpix,
            axes=axes,
            skydir=skydir,
        )
        return cls.from_geom(geom, meta=meta, unit=unit, dtype=dtype)

    @classmethod
    def read(
        cls,
        filename,
        hdu=None,
        hdu_bands=None,
        map_type="auto",
        format=None,
        checksum=True,
        *,
        chunks=None,
        colname=None,
    ) -> Map:
        """Read a map from FITS (gammapy "gadf" layout, sparse tables, Fermi ``EBOUNDS`` /
        ``ENERGIES`` cubes).

        Boolean maps written by skymask, and integer masks in HDUs whose name contains "mask",
        come back as bool. With ``checksum``, CHECKSUM/DATASUM are verified where present (a
        `~skymask.utils.exceptions.ChecksumWarning` if wrong; X60). A truncated file, or one
        that is not a regular file, is an error. ``Map.read`` gives a `WcsNDMap`; a subclass's
        ``read`` gives that subclass. ``chunks`` (dask chunk sizes, e.g. ``"auto"`` or
        ``(1, 500, 4000)``) reads the data lazily, chunk by chunk, from an uncompressed file:
        see `skymask.maps.io_chunked.read_chunked_map_parts`. ``map_type`` "auto" recognises
        HEALPix tables (`HpxNDMap`) and images (`WcsNDMap`); "wcs" or "hpx" asks for one kind
        ("region" is a ValueError: skymask has no region maps).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Map file (``.gz`` files are decompressed).
        hdu : str, optional
            Name of the image HDU (default: the first image HDU with data).
        hdu_bands : str, optional
            Name of the axes table (default from the header's ``BANDSHDU``).
        map_type : {"auto", "wcs"}
            Kind of map; skymask reads WCS maps only ("hpx" and "region" are refused).
        format : {"gadf", "fgst-ccube", "fgst-template"}, optional
            Layout of the axes table (default: detected).
        checksum : bool
            Verify CHECKSUM/DATASUM where present.
        chunks : tuple of int or "auto", optional
            Dask chunk sizes: read the data lazily (uncompressed files only).
        colname : str, optional
            Data column of a healpy-style HEALPix table (default: the first).

        Returns
        -------
        `Map`
            The map (a `WcsNDMap` or `HpxNDMap`, or ``cls``).

        Raises
        ------
        FileNotFoundError
            If there is no such file.
        ValueError
            If the file is truncated or damaged (the message names it and says how), or
            ``map_type`` is not "auto" or "wcs".

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.maps import Map, WcsGeom
        >>> mask = WcsGeom.create(npix=(5, 4), binsz=1).region_mask("icrs;circle(0, 0, 1.2)")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     mask.write(Path(tmp) / "mask.fits")
        ...     again = Map.read(Path(tmp) / "mask.fits")
        >>> again.is_mask, bool((again.data == mask.data).all())
        (True, True)
        """
        _check_map_type(map_type)
        if cls is Map and map_type not in ("auto", "wcs", None):
            if chunks is not None:
                raise ValueError(
                    f"chunks= reads WCS images lazily; map_type={map_type!r} maps are read in "
                    "memory: drop chunks="
                )
            return _MAP_TYPES[map_type][1].read(
                filename, hdu=hdu, hdu_bands=hdu_bands, format=format, checksum=checksum,
                colname=colname,
            )  # fmt: skip
        if chunks is not None:
            from .io_chunked import read_chunked_map_parts

            parts = read_chunked_map_parts(
                filename, hdu=hdu, hdu_bands=hdu_bands, format=format, chunks=chunks
            )
            return cls._reading_class()(
                parts.geom, data=parts.data, unit=parts.unit, meta=parts.meta
            )
        from .io_fits import read_map_parts

        if cls is Map and map_type != "wcs":
            # Other pixelisations (HEALPix tables) first: each reader returns None if the file
            # is not of its kind.
            for reader in _MAP_READERS:
                found = reader(filename, hdu=hdu, hdu_bands=hdu_bands, checksum=checksum)
                if found is not None:
                    return found
        parts = read_map_parts(
            filename,
            hdu=hdu,
            hdu_bands=hdu_bands,
            format=format,
            checksum=checksum,
            geom_class=WcsGeom,
        )
        return cls._reading_class()(parts.geom, data=parts.data, unit=parts.unit, meta=parts.meta)

    @classmethod
    def from_hdulist(
        cls, hdulist, hdu=None, hdu_bands=None, format=None, *, filename=None, map_type="auto"
    ) -> Map:
        """Map from an open FITS HDU list (the image HDU ``hdu`` and its axes table).

        See `read`; ``Map.from_hdulist`` gives a `WcsNDMap` or, for a HEALPix table, an
        `HpxNDMap`; a subclass's gives the subclass. ``filename`` names the file in error
        messages (default: the HDU list's own).

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            The open file.
        hdu, hdu_bands, format
            As for `read`.
        filename : str, optional
            The file's name, for error messages.
        map_type : {"auto", "wcs", "hpx"}
            As for `read`.

        Returns
        -------
        `Map`
            The map (a `WcsNDMap` or `HpxNDMap`, or ``cls``).

        Examples
        --------
        >>> from astropy.io import fits
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=(3, 2), binsz=1)
        >>> hdu = fits.PrimaryHDU(data=[[1, 2, 3], [4, 5, 6]], header=geom.to_header())
        >>> hdulist = fits.HDUList([hdu])
        >>> Map.from_hdulist(hdulist).data.tolist()
        [[1, 2, 3], [4, 5, 6]]
        """
        from .io_fits import map_parts_from_hdulist

        _check_map_type(map_type)
        if filename is None:
            filename = getattr(hdulist, "filename", lambda: None)() or "<hdulist>"
        if cls is Map and map_type not in ("wcs", None):
            for kind, reader in _HDULIST_READERS.items():
                if map_type == kind or (map_type == "auto" and reader.probe(hdulist, hdu)):
                    return reader.read(hdulist, hdu=hdu, hdu_bands=hdu_bands, format=format,
                                       filename=filename)  # fmt: skip
        parts = map_parts_from_hdulist(
            hdulist,
            hdu=hdu,
            hdu_bands=hdu_bands,
            format=format,
            filename=filename,
            geom_class=WcsGeom,
        )
        return cls._reading_class()(parts.geom, data=parts.data, unit=parts.unit, meta=parts.meta)

    @classmethod
    def _reading_class(cls):
        """The class a reader builds: `WcsNDMap` for the base class, else ``cls`` itself."""
        return WcsNDMap if cls is Map else cls

    def write(
        self,
        filename,
        overwrite=False,
        hdu=None,
        hdu_bands=None,
        sparse=False,
        format="gadf",
        checksum=False,
    ):
        """Write to FITS, atomically (see `to_hdulist` for the layouts).

        A chunked (dask) map is computed and written chunk by chunk, never whole (gadf
        images only: see `skymask.maps.io_chunked.write_chunked_map`).

        Parameters
        ----------
        filename : str or path
            Output file; ``.gz`` names are compressed.
        overwrite : bool
            Replace an existing file. True, False, or the strings "True"/"False" (X4).
        hdu : str, optional
            HDU name; default the primary HDU ("MASK" for masks, D2; "SKYMAP" if sparse).
        hdu_bands : str, optional
            Name of the axes table; default ``<HDU>_BANDS``.
        sparse : bool
            Write only the non-zero pixels, as a table (gammapy's sparse layout).
        format : {"gadf", "fgst-ccube", "fgst-template"}
            Layout of the axes table.
        checksum : bool
            Add CHECKSUM/DATASUM keywords.

        Raises
        ------
        FileExistsError
            If the file exists and ``overwrite`` is False.
        ValueError
            For a chunked map with ``sparse`` or a Fermi format, or axes the format cannot
            hold.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=3, axes=[axis])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     m.write(Path(tmp) / "ccube.fits", format="fgst-ccube")
        ...     names = Map.read(Path(tmp) / "ccube.fits").geom.axes.names
        >>> names
        ['energy']
        """
        if is_dask(self._data):
            if sparse or format != "gadf":
                raise ValueError(
                    "a chunked (dask) map is written as a gadf image only: use m.compute() "
                    "first for sparse=True or the Fermi formats"
                )
            from .io_chunked import write_chunked_map

            write_chunked_map(
                self, filename, overwrite=overwrite, hdu=hdu, hdu_bands=hdu_bands, checksum=checksum
            )
            return
        from .io_hdu import write

        write(
            self,
            filename,
            overwrite=overwrite,
            hdu=hdu,
            hdu_bands=hdu_bands,
            sparse=sparse,
            format=format,
            checksum=checksum,
        )

    def to_hdulist(self, hdu=None, hdu_bands=None, sparse=False, format="gadf"):
        """The map as a FITS HDU list: the image (or sparse table) and its axes table.

        Parameters
        ----------
        hdu : str, optional
            HDU name; default the primary HDU ("MASK" for masks, D2; "SKYMAP" if sparse).
        hdu_bands : str, optional
            Name of the axes table; default ``<HDU>_BANDS`` ("gadf"); "EBOUNDS"
            ("fgst-ccube") and "ENERGIES" ("fgst-template") are fixed.
        sparse : bool
            The non-zero pixels only, as a table (``PIX``, ``CHANNEL``, ``VALUE``).
        format : {"gadf", "fgst-ccube", "fgst-template"}
            gammapy's layouts; the Fermi ones take one axis named "energy" (or
            "energy_true" for templates).

        Returns
        -------
        `~astropy.io.fits.HDUList`
            Unnamed axes are written as ``axis0``, ``axis1``, ... (as gammapy names them).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> [h.name for h in Map.create(npix=3).to_hdulist(hdu="counts")]
        ['PRIMARY', 'COUNTS']
        """
        from .io_hdu import map_to_hdulist

        return map_to_hdulist(self, hdu=hdu, hdu_bands=hdu_bands, sparse=sparse, format=format)

    def to_hdu(self, hdu="SKYMAP", hdu_bands=None, sparse=False):
        """The map's image HDU (or sparse table) named ``hdu``, without the axes table.

        Parameters
        ----------
        hdu : str
            HDU name (written upper case).
        hdu_bands : str, optional
            Name of the axes table, written as ``BANDSHDU`` in the header (default: no keyword).
        sparse : bool
            The non-zero pixels only, as a table (``PIX``, ``CHANNEL``, ``VALUE``).

        Returns
        -------
        `~astropy.io.fits.ImageHDU` or `~astropy.io.fits.BinTableHDU`

        Raises
        ------
        ValueError
            For a sparse table named "PRIMARY".

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=3).to_hdu().name
        'SKYMAP'
        >>> Map.create(npix=3).to_hdu(hdu="mask", sparse=True).columns.names
        ['PIX', 'VALUE']
        """
        from .io_hdu import map_to_hdu

        return map_to_hdu(self, hdu=hdu, hdu_bands=hdu_bands, sparse=sparse)

    # ------------------------------------------------------------------ attributes
    @property
    def geom(self) -> WcsGeom:
        """The geometry (`WcsGeom`).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=(3, 2), binsz=1).geom.npix
        (3, 2)
        """
        return self._geom

    @property
    def data(self) -> np.ndarray:
        """The data array, in data order ``(..., n_axis1, ny, nx)``.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(3, 2), binsz=1)
        >>> m.data[0, 1] = 5
        >>> m.data.tolist()
        [[0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]
        """
        return self._data

    @data.setter
    def data(self, value):
        if isinstance(value, u.Quantity):
            self._unit = value.unit
            value = value.value
        if isinstance(value, Map):
            same_sky = value.geom.is_image and value.geom == self._geom.to_image()
            if value.geom != self._geom and not same_sky:
                raise ValueError(
                    f"the data map's geometry differs from this map's:\n  data: {value.geom!r}"
                    f"\n  map : {self._geom!r}\nreproject it first with interp_to_geom"
                )
            value = value.data
        if is_dask(value):
            from .chunked import chunked_data

            self._data = chunked_data(value, self._geom.data_shape)
            return
        array = np.asarray(value)
        if array.dtype == object:
            raise TypeError(f"map data must be numeric or bool, got {describe(value)}")
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        shape = self._geom.data_shape
        if array.shape != shape:
            try:
                array = np.broadcast_to(array, shape)
            except ValueError:
                raise ValueError(
                    f"data of shape {array.shape} does not fit the geometry's data shape {shape} "
                    "(numpy order: non-spatial axes first, then lat, lon)"
                ) from None
            check_allocation(shape, array.dtype, what=f"a map of shape {shape}")
            array = array.copy()
        self._data = array

    @property
    def unit(self) -> u.UnitBase:
        """The unit of the data (dimensionless by default).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=2, unit="TeV").unit
        Unit("TeV")
        """
        return self._unit

    @unit.setter
    def unit(self, value):
        self._unit = u.Unit(value)

    @property
    def quantity(self) -> u.Quantity:
        """The data as a `~astropy.units.Quantity` in `unit` (a view, not a copy).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=(2, 1), unit="TeV").quantity
        <Quantity [[0., 0.]] TeV>
        """
        return u.Quantity(self._data, self._unit, copy=False)

    @quantity.setter
    def quantity(self, value):
        self.data = u.Quantity(value)

    @property
    def is_mask(self) -> bool:
        """True if the data are boolean (the map is a mask).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=2, dtype=bool).is_mask, Map.create(npix=2).is_mask
        (True, False)
        """
        return self._data.dtype == bool

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(map)`` is the data itself; ``np.array(map)`` (``copy=True``) a copy;
        ``copy=False`` with a dtype conversion raises ValueError (the NumPy 2 contract)."""
        return array_protocol(self._data, dtype, copy, owner="map")

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        """The map rules for the operator ufuncs (a Map on either side gives a Map; ``out=``
        this map is the in-place form); any other ufunc works on the plain data, as before."""
        if method == "__call__" and not kwargs:
            name = _BINARY_UFUNCS.get(ufunc) if len(inputs) == 2 else None
            if name is not None:
                left, right = inputs
                if out is not None:
                    if len(out) == 1 and out[0] is self and left is self:
                        return self._binary_inplace(name, right)
                elif left is self:
                    return self._binary(name, right)
                elif right is self:
                    return self._binary(name, left, reflected=True)
            name = _UNARY_UFUNCS.get(ufunc) if len(inputs) == 1 else None
            if name is not None and out is None and inputs[0] is self:
                return self._unary(name)
        arrays = [x.data if isinstance(x, Map) else x for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(x.data if isinstance(x, Map) else x for x in out)
        return getattr(ufunc, method)(*arrays, **kwargs)

    def _binary(self, name, other, reflected=False):
        if name in _LOGICAL:
            return self._logical(name, other)
        if name in _COMPARISON:
            return self._compare(_REFLECTED_COMPARISON[name] if reflected else name, other)
        return self._arithmetic(name, other, reflected=reflected)

    def __bool__(self):
        raise TypeError(
            "the truth value of a Map is ambiguous: use map.data.any() or map.data.all(), "
            "or 'map is not None' to test for presence"
        )

    def copy(self, **kwargs) -> Map:
        """Copy (the data too), with any of ``geom``, ``data``, ``unit``, ``meta`` replaced.

        Parameters
        ----------
        **kwargs
            Replacements for ``geom``, ``data``, ``unit`` or ``meta``.

        Returns
        -------
        `Map`
            A new map of the same class.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=2, unit="TeV")
        >>> m.copy(unit="GeV").unit, m.unit
        (Unit("GeV"), Unit("TeV"))
        """
        params = {
            "geom": self._geom,
            "unit": self._unit,
            "meta": dict(self.meta),
        }
        params.update(kwargs)
        if "data" not in kwargs:
            shape = getattr(params["geom"], "data_shape", None)
            if "geom" in kwargs and shape is not None and tuple(shape) != self._data.shape:
                # As gammapy (a ValueError), before the constructor's check of the geometry's
                # kind: the data cannot follow a geometry of another size.
                raise ValueError(
                    f"copy(geom=...) keeps the data, of shape {self._data.shape}, and the new "
                    f"geometry's data shape is {tuple(shape)}: give data= of that shape too, or "
                    "change the geometry with interp_to_geom or reproject_to_geom"
                )
            params["data"] = self._data.copy()
        return self.__class__(**params)

    @property
    def is_chunked(self) -> bool:
        """Whether the data is a dask array (lazy, chunked; see `skymask.maps.chunked`).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> Map.create(npix=3).is_chunked
        False
        """
        return is_dask(self._data)

    def compute(self, **kwargs) -> Map:
        """This map with its data computed into a numpy array (``kwargs`` go to dask's
        ``compute``, e.g. ``scheduler="threads"``); an in-memory map is returned as it is.

        Parameters
        ----------
        **kwargs
            Passed to dask's ``compute`` (``scheduler="threads"``, ...).

        Returns
        -------
        `Map`
            A map with a numpy array.

        Examples
        --------
        >>> import dask.array as da
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=(4, 3), binsz=0.1)
        >>> lazy = Map.from_geom(geom, data=da.ones((3, 4), chunks=2)) > 0
        >>> lazy.is_chunked, lazy.compute().is_chunked, int(lazy.compute().data.sum())
        (True, False, 12)
        """
        if not self.is_chunked:
            return self
        return self.__class__(
            self._geom, data=self._data.compute(**kwargs), meta=dict(self.meta), unit=self._unit
        )

    # ------------------------------------------------------------------ operator helpers
    def _operand(self, other):
        """(array broadcastable to this map's data, unit, result geom) for a binary operator."""
        if isinstance(other, Map):
            data, geom = _align(self, other)
            return data, other.unit, geom
        if isinstance(other, u.Quantity):
            return other.value, other.unit, self._geom
        return _as_array(other), u.dimensionless_unscaled, self._geom

    def _arithmetic(self, name, other, reflected=False):
        other_data, other_unit, geom = self._operand(other)
        self_data = _numeric(self._data)
        other_data = _numeric(other_data)
        scale = 1.0
        if name == "pow":
            unit = (
                _power_unit(other_unit, self_data, self._unit)
                if reflected
                else _power_unit(self._unit, other_data, other_unit)
            )
        elif name == "floordiv":
            # As for Quantities: both sides in one unit, the quotient is a pure number.
            scale = _conversion_scale(other_unit, self._unit, name)
            unit = u.dimensionless_unscaled
        elif name in ("mul", "truediv"):
            op = _ARITHMETIC[name]
            unit = op(other_unit, self._unit) if reflected else op(self._unit, other_unit)
        else:
            scale = _conversion_scale(other_unit, self._unit, name)
            unit = self._unit
        if scale != 1.0:
            other_data = other_data * scale
        op = _ARITHMETIC[name]
        result = op(other_data, self_data) if reflected else op(self_data, other_data)
        return self._new(geom, result, unit)

    def _compare(self, name, other):
        other_data, other_unit, geom = self._operand(other)
        scale = _conversion_scale(other_unit, self._unit, name)
        if scale != 1.0:
            other_data = other_data * scale
        with np.errstate(invalid="ignore"):
            result = _COMPARISON[name](self._data, other_data)
        return self._new(geom, _as_array(result, dtype=bool), u.dimensionless_unscaled)

    def _logical(self, name, other, inplace=False):
        _require_bool(self._data, _SYMBOL[name], "left")
        other_data, _, geom = self._operand(other)
        _require_bool(other_data, _SYMBOL[name], "right")
        result = _LOGICAL[name](self._data, other_data)
        if inplace:
            if result.shape != self._data.shape:
                raise ValueError(
                    f"cannot combine in place: the result shape {result.shape} differs from this "
                    f"map's shape {self._data.shape}; use 'a = a {_SYMBOL[name]} b' instead"
                )
            self._data = result
            self._unit = u.dimensionless_unscaled
            return self
        return self._new(geom, result, u.dimensionless_unscaled)

    def _new(self, geom, data, unit):
        return self.__class__(geom, data=_as_array(data), meta=dict(self.meta), unit=unit)

    def _inplace(self, result: Map):
        if result.geom.data_shape != self._geom.data_shape:
            raise ValueError(
                f"cannot update in place: the result has shape {result.data.shape}, this map "
                f"{self._data.shape}"
            )
        self._data = result.data
        self._unit = result.unit
        return self

    def _binary_inplace(self, name, other):
        if name in _LOGICAL:
            return self._logical(name, other, inplace=True)
        if name in ("add", "mul") and self._data.dtype == bool and _is_bool_operand(other):
            # In place, a mask stays a mask (numpy's and gammapy's in-place rule, X3):
            # ``mask += bools`` is OR, ``mask *= bools`` is AND. ``mask + mask`` still counts.
            return self._logical("or" if name == "add" else "and", other, inplace=True)
        return self._inplace(self._binary(name, other))

    def _unary(self, name):
        if name == "invert":
            _require_bool(self._data, "~", "")
            return self._new(self._geom, np.logical_not(self._data), u.dimensionless_unscaled)
        data = _numeric(self._data)
        if name == "neg":
            data = -data
        elif name == "abs":
            data = np.abs(data)
        else:
            data = data.copy()
        return self._new(self._geom, data, self._unit)

    __hash__ = None

    # ------------------------------------------------------------------ reductions
    def reduce(self, axis_name, func=np.add, keepdims=False, weights=None) -> Map:
        """Reduce along one non-spatial axis with a ufunc, skipping NaN values.

        ``func=np.logical_or`` collapses a mask (True where any bin is True). With
        ``keepdims`` the axis stays, squashed to one bin spanning its range.

        Parameters
        ----------
        axis_name : str
            Name of the non-spatial axis.
        func : `numpy.ufunc`
            The reduction (``np.add``, ``np.logical_or``, ``np.maximum``, ...).
        keepdims : bool
            Keep the axis with one bin.
        weights : `Map` or array, optional
            Multiplies the data before the reduction.

        Returns
        -------
        `Map`
            The reduced map (bool for a logical ufunc on a mask).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> mask = Map.create(npix=(2, 1), axes=[axis], dtype=bool)
        >>> mask.data[1, 0, 0] = True
        >>> mask.reduce("energy", func=np.logical_or).data.tolist()
        [[True, False]]
        """
        index = self._geom.axes.index_of(axis_name)
        data_axis = len(self._geom.axes) - 1 - index
        data = self._data
        if weights is not None:
            weights = weights.data if isinstance(weights, Map) else np.asarray(weights)
            data = data * weights
        if is_dask(data):
            from .chunked import nan_reduce

            result = nan_reduce(func, data, data_axis, keepdims, _nan_reduce)
        else:
            result = _nan_reduce(func, data, data_axis, keepdims)
        geom = self._geom.squash(axis_name) if keepdims else self._geom.drop(axis_name)
        return self.__class__(geom, data=result, meta=dict(self.meta), unit=self._unit)

    def reduce_over_axes(self, func=np.add, keepdims=False, axes_names=None, weights=None) -> Map:
        """Reduce over several (default all) non-spatial axes; see `reduce`.

        Parameters
        ----------
        func : `numpy.ufunc`
            The reduction.
        keepdims : bool
            Keep the axes with one bin each.
        axes_names : list of str, optional
            The axes to reduce (default all non-spatial ones).
        weights : `Map` or array, optional
            Multiplies the data before the reduction.

        Returns
        -------
        `Map`
            The reduced map.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=(2, 1), axes=[axis])
        >>> m.data += 1
        >>> m.reduce_over_axes().data.tolist()
        [[2.0, 2.0]]
        """
        names = self._geom.axes.names if axes_names is None else list(axes_names)
        result = self
        for i, name in enumerate(names):
            result = result.reduce(
                name, func=func, keepdims=keepdims, weights=weights if i == 0 else None
            )
        return result

    def sum_over_axes(self, axes_names=None, keepdims=True, weights=None) -> Map:
        """Sum over non-spatial axes, NaN skipped (a mask gives integer counts).

        Parameters
        ----------
        axes_names : list of str, optional
            The axes to sum over (default all non-spatial ones).
        keepdims : bool
            Keep the axes with one bin each (the default, as in gammapy).
        weights : `Map` or array, optional
            Multiplies the data before summing.

        Returns
        -------
        `Map`
            The summed map.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> mask = Map.create(npix=(2, 1), axes=[axis], dtype=bool)
        >>> mask.data[:, 0, 0] = True
        >>> counts = mask.sum_over_axes(keepdims=False)
        >>> counts.data.tolist()
        [[3, 0]]
        """
        return self.reduce_over_axes(
            func=np.add, keepdims=keepdims, axes_names=axes_names, weights=weights
        )

    # ------------------------------------------------------------------ slicing
    def slice_by_idx(self, slices: dict) -> Map:
        """Sub-map from ``{axis_name: slice or int}``; an int drops the axis, a slice keeps it.

        Parameters
        ----------
        slices : dict
            ``{axis_name: slice or int}`` for non-spatial axes.

        Returns
        -------
        `Map`
            The sub-map (a view of the data where numpy gives one).

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
        >>> m = Map.create(npix=(2, 1), axes=[axis])
        >>> m.slice_by_idx({"energy": slice(1, 3)}).geom.axes["energy"].nbin
        2
        >>> m.slice_by_idx({"energy": 0}).geom.is_image
        True
        """
        geom = self._geom
        data_index = [slice(None)] * self._data.ndim
        n_axes = len(self._geom.axes)
        for name, index in slices.items():
            position = self._geom.axes.index_of(name)
            axis = self._geom.axes[position]
            data_index[n_axes - 1 - position] = index
            if isinstance(index, slice):
                geom = geom.replace_axis(axis.slice(index))
            elif isinstance(index, (int, np.integer)):
                geom = geom.drop(axis.name)
            else:
                raise TypeError(f"slice_by_idx takes slices or integers, got {describe(index)}")
        return self.__class__(
            geom, data=self._data[tuple(data_index)], meta=dict(self.meta), unit=self._unit
        )

    def iter_by_image_index(self):
        """Yield the non-spatial index tuple (axis order) of every image plane.

        Yields
        ------
        tuple of int
            The indices, one per non-spatial axis.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> list(Map.create(npix=2, axes=[axis]).iter_by_image_index())
        [(0,), (1,)]
        """
        for idx in np.ndindex(self._geom.axes.shape[::-1] or ()):
            yield idx[::-1]

    def iter_by_image_data(self):
        """Yield ``(image_data, data_index)`` for every image plane; the data are views.

        Yields
        ------
        tuple
            ``(image_data, data_index)``: a 2-D view and its index into ``data``.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=(2, 1), axes=[axis])
        >>> [(image.shape, index) for image, index in m.iter_by_image_data()]
        [((1, 2), (0,)), ((1, 2), (1,))]
        """
        for idx in self.iter_by_image_index():
            yield self._data[idx[::-1]], idx[::-1]

    def iter_by_image(self, keepdims=False):
        """Yield every image plane as a map sharing the data.

        Parameters
        ----------
        keepdims : bool
            Keep every non-spatial axis as one bin (default: 2-D maps).

        Yields
        ------
        `Map`
            One map per image plane.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> [image.geom.is_image for image in Map.create(npix=2, axes=[axis]).iter_by_image()]
        [True, True]
        """
        for idx in self.iter_by_image_index():
            if keepdims:
                names = self._geom.axes.names
                yield self.slice_by_idx(
                    {n: slice(i, i + 1) for n, i in zip(names, idx, strict=True)}
                )
            else:
                yield self.get_image_by_idx(idx)

    # ------------------------------------------------------------------ lookups
    # get_by_*, set_by_*, fill_by_*, interp_by_*, get_image_by_*: see map_lookup.py.
    def rename_axes(self, names, new_names) -> Map:
        """A copy on the geometry with non-spatial axes renamed (see `WcsGeom.rename_axes`).

        Parameters
        ----------
        names : str or list of str
            Current axis names.
        new_names : str or list of str
            The new names, in the same order.

        Returns
        -------
        `Map`

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=2, axes=[axis])
        >>> m.rename_axes("energy", "energy_true").geom.axes.names
        ['energy_true']
        """
        return self.copy(geom=self._geom.rename_axes(names, new_names))

    def interp_to_geom(self, geom, *, fill_value=REQUIRED, method=None) -> Map:
        """This map evaluated at the pixel centres of ``geom`` (frames converted).

        Boolean maps: nearest-pixel lookup, the result stays bool; a 2-D mask onto a cube
        repeats over the non-spatial axes. Other maps: linear interpolation (or
        ``method="nearest"``); non-spatial axes are matched by name and bin centre.

        ``fill_value`` (keyword only) is the value of target pixels outside this map's
        footprint. Non-boolean maps default to 0, as in gammapy. Boolean maps require it:
        for an exclusion mask ``False`` treats them as excluded, ``True`` as free, and the
        right choice depends on the use. See `skymask.maps.reproject.interp_to_geom`.

        Parameters
        ----------
        geom : `WcsGeom`
            Target geometry.
        fill_value : scalar
            Value outside this map's footprint (required for boolean maps).
        method : {"linear", "nearest"}, optional
            Interpolation of non-boolean maps (default linear).

        Returns
        -------
        `Map`
            A map on ``geom``.

        Raises
        ------
        TypeError
            If a boolean map is given no ``fill_value``.

        Examples
        --------
        >>> from skymask.maps import Map, WcsGeom
        >>> mask = Map.from_geom(WcsGeom.create(npix=(2, 2), binsz=0.1), data=True)
        >>> wider = WcsGeom.create(npix=(4, 2), binsz=0.1)
        >>> mask.interp_to_geom(wider, fill_value=False).data.astype(int).tolist()
        [[0, 1, 1, 0], [0, 1, 1, 0]]
        """
        from .reproject import interp_to_geom

        return interp_to_geom(self, geom, fill_value=fill_value, method=method)

    # ------------------------------------------------------------------ geometry transforms
    # Thin delegations to skymask.maps.transforms (bool rules in its module docstring).
    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1) -> Map:
        """The map cut out around ``position`` (see `WcsGeom.cutout`); the data are copied.

        With ``mode="partial"`` pixels outside this map are 0 (False for a mask), as in
        gammapy. A mask stays a mask.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle or (lon, lat) pair of angles
            Size; plain numbers are degrees.
        mode : {"trim", "partial", "strict"}
            As `~astropy.nddata.Cutout2D`: "trim" cuts at this map's border, "partial" keeps
            the full size, "strict" raises if the cutout leaves the map.
        odd_npix : bool
            Round the size in pixels up to an odd number.
        min_npix : int
            Smallest size in pixels.

        Returns
        -------
        `Map`
            On the cutout geometry, aligned with this map's pixel grid.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=10, binsz=1, dtype=bool)
        >>> cut = m.cutout(m.geom.center_skydir, 4)
        >>> cut.data.shape, cut.data.dtype
        ((4, 4), dtype('bool'))
        """
        from .transforms import cutout

        return cutout(self, position, width, mode=mode, odd_npix=odd_npix, min_npix=min_npix)

    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method="linear") -> Map:
        """The map extended by ``pad_width`` pixels per side (or bins of ``axis_name``).

        Parameters
        ----------
        pad_width : int or (int, int)
            Pixels per side (one count or ``(x, y)``), or ``(low, high)`` bins of the axis.
        axis_name : str, optional
            Pad this non-spatial axis instead of the image.
        mode : {"constant", "edge", "interp"}
            "constant": ``cval``; "edge": the nearest border value; "interp": extrapolated
            from the border, ``method="linear"`` (the slope of the two outermost pixels) or
            "nearest". gammapy 2.1 pads the image with ``cval`` whatever the mode (X80).
        cval : number or bool
            Value of the new pixels in "constant" mode; a mask takes True/False (0/1),
            default False.
        method : {"linear", "nearest"}
            For ``mode="interp"``; a mask takes "nearest" only.

        Returns
        -------
        Map
            A mask stays a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(2, 1), binsz=1, dtype=bool)
        >>> m.pad(1, cval=True).data.astype(int).tolist()
        [[1, 1, 1, 1], [1, 0, 0, 1], [1, 1, 1, 1]]
        """
        from .transforms import pad

        return pad(self, pad_width, axis_name=axis_name, mode=mode, cval=cval, method=method)

    def crop(self, crop_width) -> Map:
        """The map with ``crop_width`` removed per side. A mask stays a mask.

        Parameters
        ----------
        crop_width : int, (int, int), angle or pair of angles
            Pixels per side (one count or ``(x, y)``), or an angle (rounded to whole pixels).

        Returns
        -------
        `Map`

        Examples
        --------
        One 0.1 deg pixel off each side of a 6 x 5 map:

        >>> from skymask.maps import Map
        >>> Map.create(npix=(6, 5), binsz=0.1).crop("0.1 deg").data.shape
        (3, 4)
        """
        from .transforms import crop

        return crop(self, crop_width)

    def downsample(
        self, factor, preserve_counts=True, axis_name=None, weights=None, func=None
    ) -> Map:
        """Blocks of ``factor`` x ``factor`` pixels (or ``factor`` bins of an axis) merged.

        Parameters
        ----------
        factor : int
            Block size; the image (or axis) size must be divisible by it.
        preserve_counts : bool
            With ``func=None``: True sums the block (counts), False averages it (weighted by
            ``weights``), as in gammapy. NaN counts as 0 in sums.
        axis_name : str, optional
            Merge bins of this non-spatial axis instead of pixels.
        weights : `Map` or ndarray, optional
            Multiplied into the data before the sum; the mean divides by their block sum.
        func : {None, "sum", "mean", "any", "all"}
            The reduction (skymask extension). None: "sum"/"mean" by ``preserve_counts``, and
            "any" for a mask. A mask stays a mask with "any" (True if one pixel of the block
            is, gammapy's result too) and "all"; "sum" and "mean" on a mask give the count
            (int64) and the fraction (float64) of True pixels. Numeric maps keep their dtype.

        Returns
        -------
        Map

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=4, binsz=1, dtype=bool)
        >>> m.data[0, :3] = True
        >>> m.downsample(2).data.tolist(), m.downsample(2, func="all").data.tolist()
        ([[True, True], [False, False]], [[False, False], [False, False]])
        """
        from .transforms import downsample

        return downsample(self, factor, preserve_counts, axis_name, weights, func)

    def upsample(self, factor, order=0, preserve_counts=True, axis_name=None) -> Map:
        """Pixels (or bins of ``axis_name``) split ``factor`` times, values interpolated.

        Parameters
        ----------
        factor : int
            Up-sampling factor.
        order : int
            Spline order (`scipy.ndimage.map_coordinates`); 0 repeats the values.
        preserve_counts : bool
            Divide by the pixel solid angle (or bin width) before and multiply after, so sums
            are kept (gammapy's rule, with skymask's exact pixel areas).
        axis_name : str, optional
            Up-sample this non-spatial axis instead of the image.

        Returns
        -------
        Map
            A mask is repeated (``order=0`` only) and stays a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(2, 1), binsz=0.1, dtype=bool)
        >>> m.data[0, 0] = True
        >>> m.upsample(2).data.astype(int).tolist()
        [[1, 1, 0, 0], [1, 1, 0, 0]]
        """
        from .transforms import upsample

        return upsample(self, factor, order, preserve_counts, axis_name)

    def resample_axis(self, axis, weights=None, ufunc=np.add) -> Map:
        """The map with bins of the axis named like ``axis`` grouped into ``axis``'s bins.

        Parameters
        ----------
        axis : `MapAxis`
            New binning (each edge snaps to the nearest old edge, see
            `WcsGeom.resample_axis`).
        weights : `Map` or ndarray, optional
            Multiplied into the data first.
        ufunc : `numpy.ufunc`
            Reduction of each group: `numpy.add` (default), `numpy.logical_and`,
            `numpy.logical_or`, ... On a mask `numpy.add` acts as `numpy.logical_or`, so a
            mask stays a mask.

        Returns
        -------
        Map

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_edges([1, 2, 3, 4, 5], name="x")
        >>> m = Map.create(npix=1, axes=[axis], dtype=bool)
        >>> m.data[:3] = True
        >>> new = MapAxis.from_edges([1, 3, 5], name="x")
        >>> m.resample_axis(new, ufunc=np.logical_and).data.ravel().tolist()
        [True, False]
        """
        from .transforms import resample_axis

        return resample_axis(self, axis, weights=weights, ufunc=ufunc)

    def resample(self, geom, weights=None, preserve_counts=True, smooth=False) -> Map:
        """Every pixel of this map binned into the ``geom`` pixel containing its centre.

        Parameters
        ----------
        geom : `WcsGeom` or `HpxGeom`
            Target geometry; each of its non-spatial axes must be an axis of this map.
            Between HEALPix and WCS see ``skymask.maps.hpx.resample`` (a HEALPix target
            ignores ``smooth``, as gammapy).
        weights : ndarray, optional
            Multiplied into the data (broadcast to its shape).
        preserve_counts : bool
            Sum the values falling in a target pixel (True) or average them (False).
        smooth : bool
            Average, then (with ``preserve_counts``) scale all pixels by one factor that
            keeps the total, as gammapy.

        Returns
        -------
        Map
            A mask gives a mask: True where a True pixel centre falls (gammapy: float32, X81).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=4, binsz=1)
        >>> m.data += 1
        >>> m.resample(m.geom.downsample(2)).data.tolist()
        [[4.0, 4.0], [4.0, 4.0]]
        """
        from .transforms import resample

        return resample(self, geom, weights, preserve_counts, smooth)

    def reproject_to_geom(self, geom, preserve_counts=False, precision_factor=10) -> Map:
        """The map on ``geom`` by sub-pixel averaging (gammapy's method, made cheaper).

        Every source pixel is split into ``f x f`` sub-pixels (``f`` makes them at least
        ``precision_factor`` times smaller than a target pixel), each carrying its pixel's
        value, and each target pixel takes the mean of the sub-pixels whose centre falls in
        it; with ``preserve_counts`` the result is scaled by one factor keeping the total.
        This is gammapy's ``upsample(order=0)`` followed by ``resample(smooth=True)``
        without building the up-sampled map; gammapy's sub-pixels carry the bin-volume
        share, skymask's ``1 / f**2`` (the same on small pixels).

        Parameters
        ----------
        geom : `WcsGeom` or `HpxGeom`
            Target; an image geometry, or one with this map's non-spatial axes (same names
            and order; other bins are reached as gammapy does: up-sampling each axis, then
            `resample`; between HEALPix and WCS a TypeError, as gammapy). A HEALPix source
            is split into its children at ``nside * 2**k`` (``skymask.maps.hpx.resample``).
        preserve_counts : bool
            Keep the total (counts maps) instead of the surface values.
        precision_factor : int
            Minimum ratio of target pixel size to sub-pixel size.

        Returns
        -------
        Map
            On ``geom``'s sky grid with this map's axes; 0 outside the source. A mask is
            reprojected by nearest pixel and stays a mask, False outside (gammapy: float32
            fractions, X81).

        Raises
        ------
        ValueError
            If ``geom`` has other axis names than this map.

        Examples
        --------
        >>> from skymask.maps import Map, WcsGeom
        >>> m = Map.create(npix=4, binsz=1)
        >>> m.data += 1
        >>> big = WcsGeom.create(npix=2, binsz=2, frame="galactic")
        >>> m.reproject_to_geom(big).data.shape
        (2, 2)
        """
        from .transforms import reproject_to_geom

        return reproject_to_geom(self, geom, preserve_counts, precision_factor)

    def reproject_by_image(self, geom, preserve_counts=False, precision_factor=10) -> Map:
        """Each image plane reprojected onto the image geometry ``geom`` (see
        `reproject_to_geom`, which gives the same: the planes are reprojected independently).

        Parameters
        ----------
        geom : `WcsGeom` or `HpxGeom`
            Target image geometry (no non-spatial axes).
        preserve_counts : bool
            Keep the total (counts maps) instead of the surface values.
        precision_factor : int
            Minimum ratio of target pixel size to sub-pixel size.

        Returns
        -------
        Map
            On ``geom`` with this map's axes.

        Raises
        ------
        TypeError
            If ``geom`` has non-spatial axes (as gammapy).

        Examples
        --------
        >>> from skymask.maps import HpxGeom, Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> m = Map.create(npix=4, binsz=1, axes=[axis])
        >>> m.reproject_by_image(HpxGeom(64, region="DISK(0,0,3)")).data.shape
        (2, 34)
        """
        if not geom.is_image:
            raise TypeError(
                f"reproject_by_image takes an image geometry, got one with the axes "
                f"{geom.axes.names}: give geom.to_image(), or use reproject_to_geom"
            )
        return self.reproject_to_geom(geom, preserve_counts, precision_factor)

    # ------------------------------------------------------------------ smoothing, stacking
    # Thin delegations to skymask.maps.smooth (bool rules in its module docstring).
    def smooth(self, width, kernel="gauss", **kwargs) -> Map:
        """Each image plane smoothed with a Gaussian, disk or box kernel.

        Parameters
        ----------
        width : angle, number of pixels, or (lon, lat) pair
            Gaussian standard deviation, disk radius or box side length. Plain numbers are
            pixels (as in gammapy); angles are divided by the pixel size of each axis, so
            non-square pixels get an elliptical kernel (gammapy: the mean pixel size, X83).
        kernel : {"gauss", "disk", "box"}
            `scipy.ndimage.gaussian_filter`, a normalised top-hat (astropy's
            ``Tophat2DKernel``) through `scipy.ndimage.convolve`, or
            `scipy.ndimage.uniform_filter` (fractional sides truncated, as scipy does).
        **kwargs
            Passed to the scipy function, e.g. ``mode="constant"``.

        Returns
        -------
        Map
            float64 whatever the input dtype, same geometry (as gammapy). scipy computes every
            line in double precision, so a float32 map gives the numbers of its float64 copy.
            The planes are smoothed on every usable CPU, with the same numbers, bit for bit,
            as one scipy call per plane. A mask gives float fractions (as gammapy); threshold
            them for a mask again.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=5, binsz=0.1)
        >>> m.data[2, 2] = 1
        >>> m.smooth("0.1 deg", kernel="disk").data[2].round(2).tolist()
        [0.0, 0.2, 0.2, 0.2, 0.0]
        """
        from .smooth import smooth

        return smooth(self, width, kernel=kernel, **kwargs)

    def convolve(self, kernel, method="fft", mode="same") -> Map:
        """Each image plane convolved with ``kernel`` (`scipy.signal.convolve`).

        Parameters
        ----------
        kernel : ndarray, `Map` or PSF kernel
            A 2-D array is applied to every plane; an N-D array or kernel map with one plane
            per map plane applies plane by plane. A kernel map (or an object with a
            ``psf_kernel_map``, such as gammapy's ``PSFKernel``) must have the map's pixel
            size; on an image map its axes are added to the result.
        method : {"fft", "direct", "auto"}
            As `scipy.signal.convolve`.
        mode : {"same", "full"}
            "full" pads the geometry by half the kernel size.

        Returns
        -------
        Map
            float32 (as gammapy); a mask gives float values.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=3, binsz=0.1)
        >>> m.data[1, 1] = 1
        >>> m.convolve(np.ones((3, 3)) / 9).data.sum().round(6)
        np.float32(1.0)
        """
        from .smooth import convolve

        return convolve(self, kernel, method=method, mode=mode)

    @classmethod
    def from_stack(cls, maps, axis=None, axis_name=None) -> Map:
        """One map from maps on the same sky pixels, joined along a non-spatial axis.

        Parameters
        ----------
        maps : list of `Map`
            WCS or HEALPix maps (not mixed) with the same image geometry and, apart from the
            joined axis, the same axes.
        axis : `~skymask.maps.MapAxis`, optional
            A new axis with one bin per map, added after the maps' axes.
        axis_name : str, optional
            Join the maps' axes of this name (bins concatenated in order); default, without
            ``axis``, the last axis. The joined axis keeps its place among the axes.

        Returns
        -------
        `Map`
            Values in the unit of the first map; boolean if all maps are masks.

        Raises
        ------
        ValueError
            If the maps are images and no ``axis`` is given, if the image geometries differ,
            or if ``axis`` has not one bin per map.
        KeyError
            If a map has no axis ``axis_name``.
        TypeError
            Mixing masks and numeric maps.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> low = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> high = MapAxis.from_energy_bounds("10 TeV", "100 TeV", nbin=2)
        >>> a = Map.create(npix=3, binsz=1, axes=[low], dtype=bool)
        >>> b = Map.create(npix=3, binsz=1, axes=[high], dtype=bool)
        >>> cube = Map.from_stack([a, b])
        >>> cube.geom.axes["energy"].nbin, cube.is_mask
        (3, True)
        """
        from .map_stack import from_stack

        return from_stack(cls, maps, axis=axis, axis_name=axis_name)

    def stack(self, other, weights=None, nan_to_num=True) -> None:
        """Add ``other`` (same geometry, or a cutout of it) into this map, in place.

        Parameters
        ----------
        other : `Map`
            Same geometry, or aligned with it (same pixel grid and axes, any size).
        weights : `Map`, optional
            Multiplied into ``other`` (a mask: ANDed).
        nan_to_num : bool
            Non-finite values of ``other`` count as 0.

        Raises
        ------
        ValueError
            If the grids are not aligned.
        TypeError
            Mixing a mask and a numeric map.

        Notes
        -----
        Units are converted to this map's. Masks are ORed (``|``): a mask stays a mask.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> a = Map.create(npix=4, binsz=1, dtype=bool)
        >>> b = a.cutout(a.geom.center_skydir, 2)
        >>> b.data[:] = True
        >>> a.stack(b)
        >>> int(a.data.sum())
        4
        """
        from .smooth import stack

        stack(self, other, weights=weights, nan_to_num=nan_to_num)

    def coadd(self, map_in, weights=None) -> None:
        """Add the contents of ``map_in`` into this map, in place, binned by pixel centre.

        Each pixel of ``map_in`` goes to the pixel of this map containing its centre (and the
        bins of its axes' centres), converted to this map's unit; masks are ORed. See
        `resample`.

        Parameters
        ----------
        map_in : `Map`
            The map to add (any geometry; the same kind, mask or numeric, as this one).
        weights : `Map` or array-like, optional
            Multiplied into ``map_in`` first.

        Raises
        ------
        TypeError
            Mixing a mask and a numeric map.
        astropy.units.UnitConversionError
            If the units are not convertible.

        Examples
        --------
        Each 1 deg pixel receives four 0.5 deg pixels of value 1:

        >>> from skymask.maps import Map
        >>> a = Map.create(npix=2, binsz=1)
        >>> b = Map.from_geom(a.geom.upsample(2), data=1.0)
        >>> a.coadd(b)
        >>> a.data.tolist()
        [[4.0, 4.0], [4.0, 4.0]]
        """
        from .smooth import coadd

        coadd(self, map_in, weights=weights)

    def iter_by_axis(self, axis_name, keepdims=False):
        """Yield the map at each bin of ``axis_name`` (the axis dropped, or kept as one bin).

        Parameters
        ----------
        axis_name : str
            Name of a non-spatial axis.
        keepdims : bool
            Keep the axis with one bin instead of dropping it.

        Yields
        ------
        `Map`

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_edges([1, 2, 3], name="x")
        >>> [m.data.shape for m in Map.create(npix=2, axes=[axis]).iter_by_axis("x")]
        [(2, 2), (2, 2)]
        >>> [m.data.shape for m in Map.create(npix=2, axes=[axis]).iter_by_axis("x", keepdims=True)]
        [(1, 2, 2), (1, 2, 2)]
        """
        for idx in range(self._geom.axes[axis_name].nbin):
            yield self.slice_by_idx({axis_name: slice(idx, idx + 1) if keepdims else idx})

    def split_by_axis(self, axis_name) -> list:
        """The maps at each bin of ``axis_name`` (that axis dropped), as a list.

        Parameters
        ----------
        axis_name : str
            Name of a non-spatial axis.

        Returns
        -------
        list of `Map`

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_edges([1, 2, 3], name="x")
        >>> len(Map.create(npix=2, axes=[axis]).split_by_axis("x"))
        2
        """
        return list(self.iter_by_axis(axis_name))

    def to_unit(self, unit) -> Map:
        """A copy in ``unit``.

        Parameters
        ----------
        unit : str or `~astropy.units.Unit`
            Target unit, convertible from the map's.

        Returns
        -------
        `Map`

        Raises
        ------
        astropy.units.UnitConversionError
            If the units are not convertible.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=1, unit="m2")
        >>> m.data[:] = 1
        >>> m = m.to_unit("cm2")
        >>> m.unit, m.data.tolist()
        (Unit("cm2"), [[10000.0]])
        """
        unit = u.Unit(unit)
        converter = self._unit.get_converter(unit)
        return self.copy(data=converter(self._data), unit=unit)

    def to_cube(self, axes) -> Map:
        """The map with one-bin ``axes`` appended (a mask stays a mask).

        Parameters
        ----------
        axes : list of `MapAxis`
            Axes of one bin each.

        Returns
        -------
        `Map`

        Raises
        ------
        ValueError
            If an axis has more than one bin.

        Examples
        --------
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> Map.create(npix=3, dtype=bool).to_cube([axis]).data.shape
        (1, 3, 3)
        """
        for axis in axes:
            if axis.nbin > 1:
                raise ValueError(
                    f"to_cube appends axes of one bin; axis {axis.name!r} has {axis.nbin}"
                )
        geom = self._geom.to_cube(axes)
        data = self._data.reshape((1,) * len(axes) + self._data.shape)
        return self.copy(geom=geom, data=data.copy())

    def plot_mask(self, ax=None, **kwargs):
        """Shade the False pixels of a mask image (for an exclusion mask, the excluded sky),
        as gammapy: ``contourf`` between levels 0 and 0.5, default white at alpha 0.5.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw on (default: new WCS axes).
        **kwargs
            Passed to `matplotlib.axes.Axes.contourf`.

        Returns
        -------
        `~astropy.visualization.wcsaxes.WCSAxes`

        Raises
        ------
        TypeError
            If the map is not one image (use ``plot_grid``).
        ValueError
            If the map is not a mask.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import Map
        >>> mask = Map.create(npix=(4, 3), binsz=1, dtype=bool)
        >>> mask.data[:, 2:] = True
        >>> fig = plt.figure()
        >>> ax = mask.plot(fig=fig)
        >>> ax = mask.plot_mask(ax=ax, colors="k")
        >>> type(ax).__name__
        'WCSAxes'
        >>> plt.close(fig)
        """
        from . import plotting

        return plotting.plot_mask(self, ax=ax, **kwargs)

    # ------------------------------------------------------------------ MOC
    @classmethod
    def from_moc(cls, moc, geom) -> Map:
        """Bool map on ``geom`` (WCS or HEALPix): True where the pixel centre is in the MOC.

        See ``skymask.maps.moc`` (mocpy is the optional extra ``moc``).

        Parameters
        ----------
        moc : `mocpy.MOC`
            The coverage (ICRS; pixel centres in other frames are converted).
        geom : `WcsGeom` or `HpxGeom`
            Geometry of the result.

        Returns
        -------
        `Map`
            A bool map on ``geom`` (the same image in every plane of a cube).

        Examples
        --------
        The MOC of an ICRS HEALPix mask gives the mask back exactly:

        >>> from skymask.maps import HpxGeom, Map
        >>> mask = HpxGeom(nside=4).region_mask("icrs;circle(0, 0, 30)")
        >>> back = Map.from_moc(mask.to_moc(), mask.geom)
        >>> int(back.data.sum()), bool((back.data == mask.data).all())
        (12, True)
        """
        return geom.region_mask(moc)

    def to_moc(self, max_depth=None):
        """The True pixels of a mask as a `mocpy.MOC` (ICRS).

        Exact for ICRS HEALPix masks; conservative for WCS and non-ICRS HEALPix masks (every
        True pixel inside the MOC). See ``skymask.maps.moc.mask_to_moc``.

        Parameters
        ----------
        max_depth : int, optional
            MOC depth (0-29). Default: the HEALPix map's depth, or for a WCS map the first depth
            whose cells are smaller than half a pixel.

        Returns
        -------
        `mocpy.MOC`

        Raises
        ------
        TypeError
            If the map is not a mask.
        ValueError
            For ``max_depth`` out of range.
        ImportError
            If mocpy is not installed.

        Examples
        --------
        12 True pixels of nside 4 (depth 2) out of 192 cover 1/16 of the sky:

        >>> from skymask.maps import HpxGeom
        >>> mask = HpxGeom(nside=4).region_mask("icrs;circle(0, 0, 30)")
        >>> moc = mask.to_moc()
        >>> moc.max_order, float(moc.sky_fraction)
        (2, 0.0625)
        """
        from .moc import mask_to_moc

        return mask_to_moc(self, max_depth=max_depth)

    # ------------------------------------------------------------------ mask morphology
    def binary_erode(self, width, kernel="disk", use_fft=None):
        """Shrink a mask: keep a pixel if every pixel centre within ``width`` is True.

        Pixels outside the map count as False, so True regions touching the border shrink
        from it. Each image plane is treated separately; the cost stays bounded as ``width`` grows.

        Parameters
        ----------
        width : angle, str, number, or a (lon, lat) pair of these
            Kernel radius: an angle (``0.3 * u.deg``, ``"0.3 deg"``) or a number of pixels
            (a plain number is pixels, as in gammapy; ``3 * u.pix`` and ``"3 pix"`` too: see
            `skymask.utils.units.as_width`). Angles become pixels through
            `WcsGeom.width_in_pixels`. For ``kernel="box"`` it is the half-width of the box.
        kernel : {"disk", "box"}
            Disk (Euclidean distance in the pixel plane) or box (per axis).
        use_fft : ignored
            Accepted for gammapy compatibility; the result is always exact.

        Returns
        -------
        `Map`
            The eroded mask.

        Raises
        ------
        TypeError
            If the map is not boolean.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> mask = Map.create(npix=(5, 5), binsz=0.1, dtype=bool)
        >>> mask.data[1:4, 1:4] = True
        >>> mask.binary_erode(1).data.astype(int)
        array([[0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0],
               [0, 0, 1, 0, 0],
               [0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0]])
        """
        from .map_morphology import binary_erode

        return binary_erode(self, width, kernel)

    def binary_dilate(self, width, kernel="disk", use_fft=None):
        """Grow a mask: a pixel becomes True if some True pixel centre is within ``width``.

        See `binary_erode` for the parameters. Unlike gammapy's default FFT path, a single
        True pixel grows into a full disk (exact morphology).

        Parameters
        ----------
        width : angle, str, number, or a (lon, lat) pair of these
            Kernel radius; see `binary_erode` (a plain number is pixels).
        kernel : {"disk", "box"}
            Disk or box.
        use_fft : ignored
            Accepted for gammapy compatibility.

        Returns
        -------
        `Map`
            The dilated mask.

        Raises
        ------
        TypeError
            If the map is not boolean.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import Map
        >>> mask = Map.create(npix=(5, 5), binsz=0.1, dtype=bool)
        >>> mask.data[2, 2] = True
        >>> mask.binary_dilate(0.2 * u.deg).data.astype(int)
        array([[0, 0, 1, 0, 0],
               [0, 1, 1, 1, 0],
               [1, 1, 1, 1, 1],
               [0, 1, 1, 1, 0],
               [0, 0, 1, 0, 0]])
        """
        from .map_morphology import binary_dilate

        return binary_dilate(self, width, kernel)

    def hysteresis_threshold(self, low, high, connectivity=1):
        """Bool map: pixels above ``low`` whose connected region reaches above ``high``.

        Comparisons are strict and NaN never passes. Regions are found within each image plane,
        with face neighbours (``connectivity=1``) or face and corner neighbours (2). This is
        scikit-image's ``apply_hysteresis_threshold`` without the dependency.

        Parameters
        ----------
        low, high : float
            The two thresholds (``low <= high``).
        connectivity : {1, 2}
            Face neighbours only, or face and corner neighbours.

        Returns
        -------
        `Map`
            A bool map.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import Map
        >>> m = Map.create(npix=(5, 1), binsz=1)
        >>> m.data[0] = [3, 1.5, 0, 1.5, 1.5]
        >>> m.hysteresis_threshold(1, 2).data.tolist()
        [[True, True, False, False, False]]
        """
        from .map_morphology import hysteresis_threshold

        return hysteresis_threshold(self, low, high, connectivity)

    def fill_holes(self, connectivity=1):
        """Bool map with the holes (False regions not connected to the border) filled.

        Parameters
        ----------
        connectivity : {1, 2}
            Neighbours that connect a False region to the border: faces, or faces and corners.

        Returns
        -------
        `Map`
            A bool map.

        Raises
        ------
        TypeError
            If the map is not boolean.

        Examples
        --------
        >>> from skymask.maps import Map
        >>> mask = Map.create(npix=(3, 3), binsz=1, dtype=bool)
        >>> mask.data[:] = True
        >>> mask.data[1, 1] = False
        >>> bool(mask.fill_holes().data.all())
        True
        """
        from .map_morphology import fill_holes

        return fill_holes(self, connectivity)

    # ------------------------------------------------------------------ display
    def plot(self, ax=None, fig=None, add_cbar=False, stretch="linear", **kwargs):
        """Plot an image (or a map whose non-spatial axes have one bin) on WCSAxes.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw on (default: new axes with this map's WCS).
        fig : `~matplotlib.figure.Figure`, optional
            Figure for the new axes (default: the current figure).
        add_cbar : bool
            Add a colour bar.
        stretch : str
            Stretch of the colour scale (`~astropy.visualization.simple_norm`), for non-boolean
            maps.
        **kwargs
            Passed to ``imshow``.

        Returns
        -------
        `~astropy.visualization.wcsaxes.WCSAxes`
            The axes.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import Map
        >>> fig = plt.figure()
        >>> ax = Map.create(npix=(3, 2), binsz=1, dtype=bool).plot(fig=fig)
        >>> plt.close(fig)
        """
        from . import plotting

        return plotting.plot_image(
            self, ax=ax, fig=fig, add_cbar=add_cbar, stretch=stretch, **kwargs
        )

    def plot_grid(self, figsize=None, ncols=3, **kwargs):
        """Plot every plane of a map with one non-spatial axis in a grid of panels.

        Parameters
        ----------
        figsize : (float, float), optional
            Figure size in inches.
        ncols : int
            Panels per row.
        **kwargs
            Passed to `plot` for each panel.

        Returns
        -------
        `numpy.ndarray`
            The axes of the panels.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.maps import Map, MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> axes = Map.create(npix=(3, 2), binsz=1, axes=[axis]).plot_grid(figsize=(4, 2))
        >>> len(axes)
        2
        >>> plt.close("all")
        """
        from . import plotting

        return plotting.plot_grid(self, figsize=figsize, ncols=ncols, **kwargs)

    def is_allclose(self, other, rtol_axes=1e-3, atol_axes=1e-6, **kwargs) -> bool:
        """Whether ``other`` has the same data shape, close axes and close values (gammapy's
        comparison: the sky geometry itself is not compared).

        Parameters
        ----------
        other : `Map`
            A map of the same class.
        rtol_axes, atol_axes : float
            Tolerances of the axes' comparison (`MapAxes.is_allclose`).
        **kwargs
            Passed to `numpy.allclose` for the values (as Quantities: units are converted).

        Returns
        -------
        bool

        Raises
        ------
        TypeError
            If ``other`` is not a map of this class (gammapy returns the TypeError instead).

        Examples
        --------
        >>> from skymask.maps import Map
        >>> a = Map.create(npix=3, binsz=1, unit="m2")
        >>> b = a.copy(data=a.data + 1e-9)
        >>> a.is_allclose(b), a.is_allclose(b.to_unit("cm2")), a.is_allclose(a + 1 * a.unit)
        (True, True, False)
        """
        if not isinstance(other, self.__class__):
            raise TypeError(f"cannot compare {describe(self)} with {describe(other)}")
        if self._data.shape != other.data.shape:
            return False
        axes_eq = self._geom.axes.is_allclose(other.geom.axes, rtol=rtol_axes, atol=atol_axes)
        try:
            data_eq = np.allclose(self.quantity, other.quantity, **kwargs)
        except u.UnitConversionError:
            return False
        return bool(axes_eq and data_eq)

    def __repr__(self):
        lines = [
            f"{self.__class__.__name__}",
            f"    geom  : {self._geom!r}",
            f"    shape : {self._data.shape} (data order: {', '.join(self._axes_order())})",
            f"    dtype : {self._data.dtype}",
            f"    unit  : '{self._unit}'",
        ]
        lines.append(f"    {_summary(self._data)}")
        return "\n".join(lines)

    def _axes_order(self):
        return [*reversed(self._geom.axes.names), "lat", "lon"]


class WcsNDMap(Map):
    """Map on a `WcsGeom` (every skymask map is one).

    Parameters
    ----------
    geom : `WcsGeom`
        The geometry.
    data : array-like, optional
        Data of shape ``geom.data_shape`` (default zeros).
    dtype : dtype, optional
        Data type (default float32 for new data).
    meta : dict, optional
        Metadata, written to the FITS header.
    unit : str or `~astropy.units.Unit`
        Unit of the data.

    Examples
    --------
    >>> from skymask.maps import WcsGeom, WcsNDMap
    >>> WcsNDMap(WcsGeom.create(npix=(3, 2), binsz=1), data=1.5).data.tolist()
    [[1.5, 1.5, 1.5], [1.5, 1.5, 1.5]]
    """


# map_type -> (geometry class, map class). skymask.maps.hpx adds "hpx" when it is imported
# (skymask.maps imports it), so this module needs no import of the package built on it.
_MAP_TYPES: dict[str, tuple[type, type]] = {"wcs": (WcsGeom, WcsNDMap)}


# Readers tried by Map.read before the WCS reader: reader(filename, hdu=, hdu_bands=,
# checksum=) -> Map, or None when the file is not of its kind.
_MAP_READERS: list = []
# map_type -> an object with probe(hdulist, hdu) -> bool and read(hdulist, hdu=, hdu_bands=,
# format=, filename=) -> Map: what Map.from_hdulist tries before the WCS reader.
_HDULIST_READERS: dict = {}


def register_map_type(
    map_type: str, geom_class: type, map_class: type, reader=None, hdulist_reader=None
) -> None:
    """Make `Map.from_geom` and ``Map.create(map_type=...)`` build ``map_class`` maps, and
    `Map.read` (`Map.from_hdulist`) try ``reader`` (``hdulist_reader``) first."""
    _MAP_TYPES[map_type] = (geom_class, map_class)
    if reader is not None and reader not in _MAP_READERS:
        _MAP_READERS.append(reader)
    if hdulist_reader is not None:
        _HDULIST_READERS[map_type] = hdulist_reader


def _geom_classes() -> tuple[type, ...]:
    return tuple(geom_class for geom_class, _ in _MAP_TYPES.values())


_SYMBOL = {"and": "&", "or": "|", "xor": "^"}


def _check_map_type(map_type):
    if map_type not in ("auto", None) and map_type not in _MAP_TYPES:
        raise ValueError(
            f"map_type {map_type!r} is not supported: skymask reads "
            f"{', '.join(repr(k) for k in ('auto', *_MAP_TYPES))} maps"
        )


def _require_bool(data, symbol, side):
    """Logical operators take masks only: a float map's NaN and 0.5 would count as True."""
    data = _as_array(data)
    if data.dtype == bool:
        return
    where = f"the {side} operand of '{symbol}'" if side else f"'{symbol}'"
    raise TypeError(
        f"{where} must be a boolean map (a mask), got {data.dtype} values: logical operators "
        "on numbers would count NaN, 0.5 and -1 as True. Make a mask first, e.g. "
        "'m > 0' or 'm != 0', or Map.from_geom(m.geom, data=m.data.astype(bool)) to keep "
        "numpy's truth rule"
    )


def _numeric(data):
    """Booleans count as integers in arithmetic (True = 1)."""
    data = _as_array(data)
    return data.astype(np.int64) if data.dtype == bool else data


def _power_unit(unit, exponent, exponent_unit):
    if exponent_unit != u.dimensionless_unscaled:
        raise u.UnitsError(f"an exponent must be dimensionless, got unit '{exponent_unit}'")
    if unit == u.dimensionless_unscaled:
        return u.dimensionless_unscaled
    if np.ndim(exponent) != 0:
        raise u.UnitsError(f"a map in '{unit}' can only be raised to a single (scalar) power")
    return unit ** float(exponent)


def _conversion_scale(from_unit, to_unit, name):
    if from_unit == to_unit:
        return 1.0
    try:
        return from_unit.to(to_unit)
    except u.UnitConversionError:
        raise u.UnitConversionError(
            f"cannot apply '{name}' between a map in '{to_unit}' and a value in '{from_unit}': "
            f"the units are not compatible; give the value as a Quantity in '{to_unit}'"
        ) from None


def _align(this: Map, other: Map):
    """Other's data ready to combine with this map, and the geometry of the result.

    Equal geometries combine directly. An image map combines with a cube on the same sky grid
    by repeating over the non-spatial axes.
    """
    a, b = this.geom, other.geom
    if a == b:
        return other.data, a
    if a.to_image() == b.to_image() and (a.is_image or b.is_image):
        return other.data, (b if a.is_image else a)
    raise ValueError(
        f"map geometries differ:\n  left : {a!r}\n  right: {b!r}\n"
        "maps combine only on the same geometry (or an image with a cube on the same sky grid); "
        "reproject one of them first"
    )


def _nan_reduce(func, data, axis, keepdims):
    if data.dtype.kind == "f":
        if func is np.maximum:
            return np.fmax.reduce(data, axis=axis, keepdims=keepdims)
        if func is np.minimum:
            return np.fmin.reduce(data, axis=axis, keepdims=keepdims)
        if getattr(func, "identity", None) is not None:
            return func.reduce(data, axis=axis, keepdims=keepdims, where=~np.isnan(data))
    return func.reduce(data, axis=axis, keepdims=keepdims)


def _summary(data: np.ndarray) -> str:
    if is_dask(data):
        from .chunked import summary

        return summary(data)
    if data.dtype == bool:
        n_true = int(np.count_nonzero(data))
        fraction = 100.0 * n_true / data.size if data.size else 0.0
        return f"mask  : {n_true} of {data.size} True ({fraction:.1f} %)"
    if data.size == 0:
        return "values: empty"
    finite = np.isfinite(data) if data.dtype.kind in "fc" else np.ones(data.shape, bool)
    n_bad = int(data.size - np.count_nonzero(finite))
    if not finite.any():
        return f"values: all {data.size} non-finite"
    values = data[finite] if n_bad else data
    text = f"values: min {values.min():.6g}, max {values.max():.6g}, sum {values.sum():.6g}"
    if n_bad:
        text += f", {n_bad} non-finite"
    return text


def _is_bool_operand(other) -> bool:
    """Whether ``other`` is a boolean map, array or scalar (for the in-place mask rule)."""
    if isinstance(other, Map):
        return other.data.dtype == bool
    if isinstance(other, (bool, np.bool_)):
        return True
    return isinstance(other, np.ndarray) and other.dtype == bool
