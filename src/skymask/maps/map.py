"""N-dimensional maps on a WCS geometry: data, unit, meta, operators and reductions."""

from __future__ import annotations

import operator

import numpy as np
from astropy import units as u
from numpy.lib.mixins import NDArrayOperatorsMixin

from ..utils.arrays import array_protocol
from ..utils.memory import check_allocation
from ..utils.units import describe
from .chunked import as_array as _as_array
from .chunked import is_dask
from .geom import WcsGeom
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


class Map(NDArrayOperatorsMixin):
    """Base class of skymask maps; `Map.from_geom` and `Map.read` build the right subclass.

    A map is a geometry, a numpy array in data order (``(..., n_axis1, ny, nx)``), a unit and a
    meta dict. Boolean maps are masks.

    Operators (``+ - * / // ** < <= > >= == != & | ^ ~``, their in-place forms, ``-m`` and
    ``abs(m)``) come from `numpy.lib.mixins.NDArrayOperatorsMixin`: each calls its ufunc, and
    `__array_ufunc__` applies the map rules (units, bool rules, geometry alignment), also for
    numpy scalars on the left and direct ufunc calls such as ``np.logical_and(a, b)``.
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

        ``map_type="hpx"`` builds an `~skymask.maps.HpxNDMap` on `~skymask.maps.HpxGeom.create`
        (``nside``, ``nest``, ``region`` as keywords; ``binsz`` is used only without
        ``nside``).
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
        cls, filename, hdu=None, hdu_bands=None, format=None, checksum=True, *, chunks=None
    ) -> Map:
        """Read a map from FITS (gammapy "gadf" layout, Fermi ``EBOUNDS``/``ENERGIES`` cubes).

        Boolean maps written by skymask, and integer masks in HDUs whose name contains "mask",
        come back as bool. With ``checksum``, CHECKSUM/DATASUM are verified where present (a
        `~skymask.utils.exceptions.ChecksumWarning` if wrong; X60). A truncated file, or one
        that is not a regular file, is an error. ``Map.read`` gives a `WcsNDMap`; a subclass's
        ``read`` gives that subclass. ``chunks`` (dask chunk sizes, e.g. ``"auto"`` or
        ``(1, 500, 4000)``) reads the data lazily, chunk by chunk, from an uncompressed file:
        see `skymask.maps.io_chunked.read_chunked_map_parts`.
        """
        if chunks is not None:
            from .io_chunked import read_chunked_map_parts

            parts = read_chunked_map_parts(
                filename, hdu=hdu, hdu_bands=hdu_bands, format=format, chunks=chunks
            )
            return cls._reading_class()(
                parts.geom, data=parts.data, unit=parts.unit, meta=parts.meta
            )
        from .io_fits import read_map_parts

        if cls is Map:
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
    def from_hdulist(cls, hdulist, hdu=None, hdu_bands=None, format=None, *, filename=None) -> Map:
        """Map from an open FITS HDU list (the image HDU ``hdu`` and its axes table).

        See `read`; ``Map.from_hdulist`` gives a `WcsNDMap`, a subclass's gives the subclass.
        ``filename`` names the file in error messages (default: the HDU list's own).
        """
        from .io_fits import map_parts_from_hdulist

        if filename is None:
            filename = getattr(hdulist, "filename", lambda: None)() or "<hdulist>"
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

    def write(self, filename, overwrite=False, hdu=None, hdu_bands=None, checksum=False):
        """Write to FITS in gammapy's "gadf" layout, atomically.

        Parameters
        ----------
        filename : str or path
            Output file; ``.gz`` names are compressed.
        overwrite : bool
            Replace an existing file. True, False, or the strings "True"/"False" (X4).
        hdu : str, optional
            HDU name; default the primary HDU.
        hdu_bands : str, optional
            Name of the axes table; default ``<HDU>_BANDS``.
        checksum : bool
            Add CHECKSUM/DATASUM keywords.

        A chunked (dask) map is computed and written chunk by chunk, never whole: see
        `skymask.maps.io_chunked.write_chunked_map`.
        """
        if is_dask(self._data):
            from .io_chunked import write_chunked_map

            write_chunked_map(
                self, filename, overwrite=overwrite, hdu=hdu, hdu_bands=hdu_bands, checksum=checksum
            )
            return
        from .io_fits import write_map

        write_map(
            self, filename, overwrite=overwrite, hdu=hdu, hdu_bands=hdu_bands, checksum=checksum
        )

    # ------------------------------------------------------------------ attributes
    @property
    def geom(self) -> WcsGeom:
        return self._geom

    @property
    def data(self) -> np.ndarray:
        """The data array, in data order ``(..., n_axis1, ny, nx)``."""
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
        return self._unit

    @unit.setter
    def unit(self, value):
        self._unit = u.Unit(value)

    @property
    def quantity(self) -> u.Quantity:
        return u.Quantity(self._data, self._unit, copy=False)

    @quantity.setter
    def quantity(self, value):
        self.data = u.Quantity(value)

    @property
    def is_mask(self) -> bool:
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
        """Copy (the data too), with any of ``geom``, ``data``, ``unit``, ``meta`` replaced."""
        params = {
            "geom": self._geom,
            "unit": self._unit,
            "meta": dict(self.meta),
        }
        params.update(kwargs)
        if "data" not in kwargs:
            params["data"] = self._data.copy()
        return self.__class__(**params)

    @property
    def is_chunked(self) -> bool:
        """Whether the data is a dask array (lazy, chunked; see `skymask.maps.chunked`)."""
        return is_dask(self._data)

    def compute(self, **kwargs) -> Map:
        """This map with its data computed into a numpy array (``kwargs`` go to dask's
        ``compute``, e.g. ``scheduler="threads"``); an in-memory map is returned as it is.

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
        """Reduce over several (default all) non-spatial axes; see `reduce`."""
        names = self._geom.axes.names if axes_names is None else list(axes_names)
        result = self
        for i, name in enumerate(names):
            result = result.reduce(
                name, func=func, keepdims=keepdims, weights=weights if i == 0 else None
            )
        return result

    def sum_over_axes(self, axes_names=None, keepdims=True, weights=None) -> Map:
        """Sum over non-spatial axes, NaN skipped (a mask gives integer counts)."""
        return self.reduce_over_axes(
            func=np.add, keepdims=keepdims, axes_names=axes_names, weights=weights
        )

    # ------------------------------------------------------------------ slicing
    def get_image_by_idx(self, idx) -> Map:
        """The image plane at non-spatial index tuple ``idx`` (axis order); a view of the data."""
        idx = tuple(int(i) for i in np.atleast_1d(idx))
        if len(idx) != len(self._geom.axes):
            raise ValueError(
                f"need one index per non-spatial axis {self._geom.axes.names}, got {idx}"
            )
        for i, (j, axis) in enumerate(zip(idx, self._geom.axes, strict=True)):
            if not -axis.nbin <= j < axis.nbin:
                raise IndexError(
                    f"index {j} out of range for axis {i} '{axis.name}' ({axis.nbin} bins)"
                )
        return self.__class__(
            self._geom.to_image(), data=self._data[idx[::-1]], meta=dict(self.meta), unit=self._unit
        )

    def slice_by_idx(self, slices: dict) -> Map:
        """Sub-map from ``{axis_name: slice or int}``; an int drops the axis, a slice keeps it."""
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
        """Yield the non-spatial index tuple (axis order) of every image plane."""
        for idx in np.ndindex(self._geom.axes.shape[::-1] or ()):
            yield idx[::-1]

    def iter_by_image_data(self):
        """Yield ``(image_data, data_index)`` for every image plane; the data are views."""
        for idx in self.iter_by_image_index():
            yield self._data[idx[::-1]], idx[::-1]

    def iter_by_image(self):
        """Yield every image plane as a 2-D map (sharing the data)."""
        for idx in self.iter_by_image_index():
            yield self.get_image_by_idx(idx)

    # ------------------------------------------------------------------ lookups
    def get_by_idx(self, idx):
        """Values at integer indices ``(ix, iy, axis indices...)``; NaN (or False/0) outside.

        Scalar indices give shape (1,), as in gammapy.
        """
        idx = np.broadcast_arrays(*[np.atleast_1d(np.asarray(i)) for i in idx])
        inside = np.all([i != -1 for i in idx], axis=0)
        clipped = tuple(np.where(inside, i, 0) for i in idx[::-1])
        # dask indexes point lists through vindex (numpy-style fancy indexing).
        values = (
            np.asarray(self._data.vindex[clipped]) if is_dask(self._data) else self._data[clipped]
        )
        fill = False if self.is_mask else (np.nan if values.dtype.kind == "f" else 0)
        return np.where(inside, values, fill)

    def get_by_coord(self, coords):
        """Values at world coordinates (nearest pixel); NaN (or False/0) outside the map."""
        return self.get_by_idx(self._geom.coord_to_idx(coords))

    def interp_to_geom(self, geom, *, fill_value=REQUIRED, method=None) -> Map:
        """This map evaluated at the pixel centres of ``geom`` (frames converted).

        Boolean maps: nearest-pixel lookup, the result stays bool; a 2-D mask onto a cube
        repeats over the non-spatial axes. Other maps: linear interpolation (or
        ``method="nearest"``); non-spatial axes are matched by name and bin centre.

        ``fill_value`` (keyword only) is the value of target pixels outside this map's
        footprint. Non-boolean maps default to 0, as in gammapy. Boolean maps require it:
        for an exclusion mask ``False`` treats them as excluded, ``True`` as free, and the
        right choice depends on the use. See `skymask.maps.reproject.interp_to_geom`.

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

    # ------------------------------------------------------------------ MOC
    @classmethod
    def from_moc(cls, moc, geom) -> Map:
        """Bool map on ``geom`` (WCS or HEALPix): True where the pixel centre is in the MOC.

        See `skymask.maps.moc` (mocpy is the optional extra ``moc``).
        """
        return geom.region_mask(moc)

    def to_moc(self, max_depth=None):
        """The True pixels of a mask as a `mocpy.MOC` (ICRS); conservative for WCS and
        non-ICRS HEALPix masks (every True pixel inside the MOC). See
        `skymask.maps.moc.mask_to_moc`.
        """
        from .moc import mask_to_moc

        return mask_to_moc(self, max_depth=max_depth)

    # ------------------------------------------------------------------ mask morphology
    def binary_erode(self, width, kernel="disk", use_fft=None):
        """Shrink a mask: keep a pixel if every pixel centre within ``width`` is True.

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

        Pixels outside the map count as False, so True regions touching the border shrink
        from it. Each image plane is treated separately; the cost does not grow with ``width``.
        """
        from .map_morphology import binary_erode

        return binary_erode(self, width, kernel)

    def binary_dilate(self, width, kernel="disk", use_fft=None):
        """Grow a mask: a pixel becomes True if some True pixel centre is within ``width``.

        See `binary_erode` for the parameters. Unlike gammapy's default FFT path, a single
        True pixel grows into a full disk (exact morphology).
        """
        from .map_morphology import binary_dilate

        return binary_dilate(self, width, kernel)

    def hysteresis_threshold(self, low, high, connectivity=1):
        """Bool map: pixels above ``low`` whose connected region reaches above ``high``.

        Comparisons are strict and NaN never passes. Regions are found within each image plane,
        with face neighbours (``connectivity=1``) or face and corner neighbours (2). This is
        scikit-image's ``apply_hysteresis_threshold`` without the dependency.
        """
        from .map_morphology import hysteresis_threshold

        return hysteresis_threshold(self, low, high, connectivity)

    def fill_holes(self, connectivity=1):
        """Bool map with the holes (False regions not connected to the border) filled."""
        from .map_morphology import fill_holes

        return fill_holes(self, connectivity)

    # ------------------------------------------------------------------ display
    def plot(self, ax=None, fig=None, add_cbar=False, stretch="linear", **kwargs):
        """Plot an image (or a map whose non-spatial axes have one bin) on WCSAxes."""
        from . import plotting

        return plotting.plot_image(
            self, ax=ax, fig=fig, add_cbar=add_cbar, stretch=stretch, **kwargs
        )

    def plot_grid(self, figsize=None, ncols=3, **kwargs):
        """Plot every plane of a map with one non-spatial axis in a grid of panels."""
        from . import plotting

        return plotting.plot_grid(self, figsize=figsize, ncols=ncols, **kwargs)

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
    """Map on a `WcsGeom`."""


# map_type -> (geometry class, map class). skymask.maps.hpx adds "hpx" when it is imported
# (skymask.maps imports it), so this module needs no import of the package built on it.
_MAP_TYPES: dict[str, tuple[type, type]] = {"wcs": (WcsGeom, WcsNDMap)}


# Readers tried by Map.read before the WCS reader: reader(filename, hdu=, hdu_bands=,
# checksum=) -> Map, or None when the file is not of its kind.
_MAP_READERS: list = []


def register_map_type(map_type: str, geom_class: type, map_class: type, reader=None) -> None:
    """Make `Map.from_geom` and ``Map.create(map_type=...)`` build ``map_class`` maps, and
    `Map.read` try ``reader`` first."""
    _MAP_TYPES[map_type] = (geom_class, map_class)
    if reader is not None and reader not in _MAP_READERS:
        _MAP_READERS.append(reader)


def _geom_classes() -> tuple[type, ...]:
    return tuple(geom_class for geom_class, _ in _MAP_TYPES.values())


_SYMBOL = {"and": "&", "or": "|", "xor": "^"}


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
