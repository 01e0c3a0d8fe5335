"""Map coordinates: lon, lat (deg) and one coordinate array per non-spatial axis.

`MapCoord` follows gammapy 2.1's class: indexing by name (``coords["energy"]``) or by position
(``coords[0]`` is lon), iteration over the coordinate arrays (``lon, lat, *axes``), `flat`,
`apply_mask`, `to_frame` and `MapCoord.create` from tuples, dicts and SkyCoords. A few
dict-like methods (`keys`, `items`, `get`, ``"energy" in coords``) are kept for skymask code.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np

from ..utils.frames import FRAMES, sky_frame, skycoord_lonlat_deg
from ..utils.lazy import coordinates as _coords
from ..utils.lazy import units as u
from ..utils.units import describe

# FRAMES, sky_frame and skycoord_lonlat_deg live in skymask.utils.frames; kept importable here.
__all__ = ["FRAMES", "MapCoord", "sky_frame", "skycoord_lonlat_deg"]


def _frame_name(frame) -> str:
    """skymask's name of an astropy frame ("fk4noeterms" is an FK4 system)."""
    return "fk4" if frame.name == "fk4noeterms" else frame.name


class MapCoord:
    """Coordinates of map positions: ``lon``, ``lat`` and one array per non-spatial axis.

    Parameters
    ----------
    data : dict
        Coordinate arrays by name; must contain ``"lon"`` and ``"lat"`` (degrees or angle
        Quantities). Other entries are non-spatial axis coordinates (Quantities or values in
        the axis unit). Each entry is made at least 1-D, as in gammapy.
    frame : str or astropy frame, optional
        Sky frame of lon/lat; None means the frame of whatever geometry uses the coordinates.
    match_by_name : bool
        Whether a geometry matches the non-spatial entries to its axes by name (True) or by
        position (False: the order of ``data`` after lon and lat).

    Raises
    ------
    TypeError
        If ``data`` is not a dict.
    ValueError
        If ``lon`` or ``lat`` is missing.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.maps import MapCoord
    >>> coords = MapCoord.create({"lon": [0, 1], "lat": [2, 3], "energy": [1, 10] * u.TeV})
    >>> coords[0].tolist(), coords["energy"].unit
    ([0, 1], Unit("TeV"))
    >>> [c.shape for c in coords]
    [(2,), (2,), (2,)]
    """

    def __init__(self, data, frame=None, match_by_name=True):
        if not isinstance(data, Mapping):
            raise TypeError(f"MapCoord data must be a dict of arrays, got {describe(data)}")
        if "lon" not in data or "lat" not in data:
            raise ValueError(
                "data dictionary must contain axes named 'lon' and 'lat'; got the keys "
                f"{list(data)} (use MapCoord.create for tuples and SkyCoords)"
            )
        self._data = {key: np.atleast_1d(value) for key, value in data.items()}
        self._sky_frame = None if frame is None else sky_frame(frame)
        self._match_by_name = bool(match_by_name)

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(cls, data, frame=None, axis_names=None) -> MapCoord:
        """Coordinates from a tuple, a dict, a `~astropy.coordinates.SkyCoord` or a MapCoord.

        Parameters
        ----------
        data : tuple, dict, `~astropy.coordinates.SkyCoord` or `MapCoord`
            A tuple is ``(lon, lat, x_0, ...)`` or ``(skycoord, x_0, ...)``; its non-spatial
            entries are named ``axis_names`` (default ``axis0``, ``axis1``, ...) and matched
            to a geometry's axes by position. A dict has ``lon``/``lat`` or ``skycoord`` plus
            axis names (matched by name). A MapCoord is returned as it is, or converted to
            ``frame``.
        frame : str, optional
            Sky frame of lon/lat. With a SkyCoord input, the positions are converted to it
            (default: the SkyCoord's frame).
        axis_names : list of str, optional
            Names of the non-spatial entries of a tuple.

        Returns
        -------
        MapCoord

        Raises
        ------
        TypeError
            For other inputs.
        ValueError
            For a dict without ``lon``/``lat`` or ``skycoord``.

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create(SkyCoord([1, 2], [2, 3], unit="deg", frame="galactic"))
        >>> coords.frame, coords.axis_names
        ('galactic', ['lon', 'lat'])
        >>> MapCoord.create((0.0, 1.0, 2.0)).axis_names
        ['lon', 'lat', 'axis0']
        """
        if isinstance(data, cls):
            if data.frame is None or frame is None or data._same_frame(frame):
                return data
            return data.to_frame(frame)
        if isinstance(data, Mapping):
            return cls._from_dict(data, frame)
        if isinstance(data, _coords.SkyCoord):
            data = (data,)
        if isinstance(data, (list, tuple)):
            return cls._from_tuple(data, frame, axis_names)
        raise TypeError(
            "MapCoord.create takes a tuple (lon, lat, ...) or (skycoord, ...), a dict with "
            f"'lon'/'lat' or 'skycoord', a SkyCoord or a MapCoord; got {describe(data)}"
        )

    @classmethod
    def _from_dict(cls, data, frame):
        if "lon" in data and "lat" in data:
            return cls(data, frame=frame)
        if "skycoord" in data:
            lon, lat, frame = _skycoord_lonlat(data["skycoord"], frame)
            rest = {key: value for key, value in data.items() if key != "skycoord"}
            return cls({"lon": lon, "lat": lat, **rest}, frame=frame)
        raise ValueError(
            f"coords dict must contain 'lon'/'lat' or 'skycoord'; got the keys {list(data)}"
        )

    @classmethod
    def _from_tuple(cls, data, frame, axis_names):
        if len(data) == 0:
            raise ValueError("MapCoord.create needs at least (lon, lat) or (skycoord,)")
        if isinstance(data[0], _coords.SkyCoord):
            lon, lat, frame = _skycoord_lonlat(data[0], frame)
            data = (lon, lat, *data[1:])
        elif len(data) < 2:
            raise ValueError(f"a coordinate tuple needs (lon, lat, ...), got {describe(data)}")
        n_axes = len(data) - 2
        names = [f"axis{i}" for i in range(n_axes)] if axis_names is None else list(axis_names)
        if len(names) < n_axes:
            raise ValueError(f"axis_names {names} name fewer than the {n_axes} axis entries")
        values = {"lon": data[0], "lat": data[1]}
        values.update(zip(names, data[2:], strict=False))
        return cls(values, frame=frame, match_by_name=False)

    # ------------------------------------------------------------------ access
    def __getitem__(self, key):
        if isinstance(key, str):
            if key in self._data:
                return self._data[key]
            for name, value in self._data.items():
                if name.lower() == key.lower():
                    return value
            raise KeyError(f"no coordinate named {key!r}; the coordinates are {self.axis_names}")
        return list(self._data.values())[key]

    def __setitem__(self, key, value):
        self._data[key] = np.atleast_1d(value)

    def __iter__(self):
        """The coordinate arrays in order (lon, lat, axes...), as in gammapy."""
        return iter(self._data.values())

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def keys(self):
        """The coordinate names (``lon``, ``lat``, axis names).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create({"lon": [0, 1], "lat": [2, 3], "energy": [1, 10] * u.TeV})
        >>> list(coords.keys())
        ['lon', 'lat', 'energy']
        """
        return self._data.keys()

    def values(self):
        """The coordinate arrays, in order (lon, lat, axes).

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> [value.tolist() for value in MapCoord.create({"lon": [0, 1], "lat": [2, 3]}).values()]
        [[0, 1], [2, 3]]
        """
        return self._data.values()

    def items(self):
        """``(name, array)`` pairs, in order (lon, lat, axes).

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create({"lon": [0, 1], "lat": [2, 3]})
        >>> [(name, value.tolist()) for name, value in coords.items()]
        [('lon', [0, 1]), ('lat', [2, 3])]
        """
        return self._data.items()

    def get(self, key, default=None):
        """The coordinate ``key`` (exact name, else case-insensitive), or ``default``.

        Parameters
        ----------
        key : str
            Coordinate name.
        default : object, optional
            What to return if there is no such coordinate.

        Returns
        -------
        `numpy.ndarray` or `~astropy.units.Quantity` or object
            The coordinate array, or ``default``.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create({"lon": [0, 1], "lat": [2, 3], "energy": [1, 10] * u.TeV})
        >>> coords.get("ENERGY")
        <Quantity [ 1., 10.] TeV>
        >>> coords.get("time") is None
        True
        """
        try:
            return self[key]
        except KeyError:
            return default

    # ------------------------------------------------------------------ properties
    @property
    def ndim(self) -> int:
        """Number of coordinates (2 + number of non-spatial axes).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [0, 1], "lat": [2, 3], "energy": [1, 10] * u.TeV}).ndim
        3
        """
        return len(self._data)

    @property
    def axis_names(self) -> list[str]:
        """Names of every coordinate, ``lon`` and ``lat`` included (as gammapy).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [0, 1], "lat": [2, 3], "energy": [1, 10] * u.TeV}).axis_names
        ['lon', 'lat', 'energy']
        """
        return list(self._data)

    @property
    def shape(self) -> tuple[int, ...]:
        """Broadcast shape of the coordinate arrays.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [[0, 1, 2]], "lat": [[0], [1]]}).shape
        (2, 3)
        """
        return np.broadcast_shapes(*(np.shape(value) for value in self._data.values()))

    @property
    def size(self) -> int:
        """Number of positions: the product of `shape`.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [[0, 1, 2]], "lat": [[0], [1]]}).size
        6
        """
        return int(np.prod(self.shape))

    @property
    def frame(self) -> str | None:
        """Name of the sky frame ("icrs", "galactic", "fk5", "fk4"), or None.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create((0.0, 0.0), frame="galactic").frame
        'galactic'
        >>> MapCoord.create((0.0, 0.0)).frame is None
        True
        """
        return None if self._sky_frame is None else _frame_name(self._sky_frame)

    @property
    def match_by_name(self) -> bool:
        """Whether geometries match the axis coordinates by name (else by position).

        A dict input matches by name; a tuple input by position.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": 0, "lat": 0, "energy": 1}).match_by_name
        True
        >>> MapCoord.create((0, 0, 1)).match_by_name
        False
        """
        return self._match_by_name

    @property
    def lon(self):
        """Longitudes, as given (degrees, or an angle Quantity).

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [0, 1], "lat": [2, 3]}).lon
        array([0, 1])
        """
        return self._data["lon"]

    @property
    def lat(self):
        """Latitudes, as given (degrees, or an angle Quantity).

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create({"lon": [0, 1], "lat": [2, 3]}).lat
        array([2, 3])
        """
        return self._data["lat"]

    @property
    def theta(self) -> np.ndarray:
        """Co-latitude in radians.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create(([0.0, 0.0], [90.0, 0.0])).theta.round(6)
        array([0.      , 1.570796])
        """
        return np.pi / 2.0 - u.Quantity(self.lat, u.deg).to_value(u.rad)

    @property
    def phi(self) -> np.ndarray:
        """Longitude in radians.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create(([0.0, 180.0], [0.0, 0.0])).phi.round(6)
        array([0.      , 3.141593])
        """
        return u.Quantity(self.lon, u.deg).to_value(u.rad)

    @property
    def skycoord(self) -> _coords.SkyCoord:
        """The sky positions as a SkyCoord in the coordinates' frame (ICRS if unset).

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> MapCoord.create((10.0, 20.0), frame="galactic").skycoord
        <SkyCoord (Galactic): (l, b) in deg
            [(10., 20.)]>
        """
        frame = _coords.ICRS() if self._sky_frame is None else self._sky_frame
        return _coords.SkyCoord(self.lon, self.lat, unit="deg", frame=frame)

    # ------------------------------------------------------------------ derived coordinates
    def _same_frame(self, frame) -> bool:
        return self._sky_frame is not None and self._sky_frame.is_equivalent_frame(sky_frame(frame))

    def _new(self, data, frame=None):
        frame = self._sky_frame if frame is None else frame
        return self.__class__(data, frame=frame, match_by_name=self._match_by_name)

    def to_frame(self, frame) -> MapCoord:
        """A copy with lon and lat converted to ``frame``.

        Coordinates without a frame are taken as ICRS. Quantities stay Quantities (deg).

        Parameters
        ----------
        frame : str or `~astropy.coordinates.BaseCoordinateFrame`
            Target frame: "icrs", "galactic", "fk5" (J2000), "fk4" (B1950) or a frame instance.

        Returns
        -------
        `MapCoord`
            The converted coordinates (non-spatial entries unchanged).

        Raises
        ------
        ValueError
            For an unsupported frame.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create((0.0, 0.0), frame="galactic").to_frame("icrs")
        >>> round(float(coords.lon[0]), 3), coords.frame
        (266.405, 'icrs')
        """
        target = sky_frame(frame)
        if self._same_frame(target):
            return self.copy()
        lon, lat = skycoord_lonlat_deg(self.skycoord, target)
        data = dict(self._data)
        data["lon"] = u.Quantity(lon, u.deg) if isinstance(self.lon, u.Quantity) else lon
        data["lat"] = u.Quantity(lat, u.deg) if isinstance(self.lat, u.Quantity) else lat
        return self._new(data, frame=target)

    def apply_mask(self, mask) -> MapCoord:
        """The coordinates where ``mask`` is True.

        As in gammapy, entries that cannot take the mask (sparse axis coordinates of shape
        ``(n, 1, 1)`` next to lon/lat images) are squeezed instead.

        Parameters
        ----------
        mask : array-like of bool
            Boolean mask of the coordinates' shape.

        Returns
        -------
        `MapCoord`
            The selected coordinates (1-D), same frame.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create((np.array([0.0, 1.0]), np.array([2.0, 3.0])))
        >>> coords.apply_mask(np.array([False, True])).lat.tolist()
        [3.0]
        """
        mask = np.asarray(mask)
        try:
            data = {key: value[mask] for key, value in self._data.items()}
        except IndexError:
            data = {}
            for key, value in self._data.items():
                if key in ("lon", "lat"):
                    data[key] = np.squeeze(value)[mask]
                else:
                    data[key] = np.squeeze(value, axis=-1)
        return self._new(data)

    @property
    def broadcasted(self) -> MapCoord:
        """The coordinates with every array broadcast to the common shape.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create({"lon": [[0, 1, 2]], "lat": [[0], [1]]})
        >>> [value.shape for value in coords.broadcasted]
        [(2, 3), (2, 3)]
        """
        values = np.broadcast_arrays(*self._data.values(), subok=True)
        return self._new(dict(zip(self._data, values, strict=True)))

    @property
    def flat(self) -> MapCoord:
        """Broadcast, flattened coordinates of the positions with a finite longitude.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create((np.array([[np.nan, 1.0]]), np.array([[2.0, 3.0]])))
        >>> coords.flat.lon.tolist()
        [1.0]
        """
        coords = self.broadcasted
        return coords.apply_mask(np.isfinite(u.Quantity(coords[0]).value))

    def copy(self) -> MapCoord:
        """A deep copy.

        Examples
        --------
        >>> from skymask.maps import MapCoord
        >>> coords = MapCoord.create({"lon": [0, 1], "lat": [2, 3]})
        >>> copied = coords.copy()
        >>> copied.lon[0] = 99
        >>> coords.lon.tolist(), copied.lon.tolist()
        ([0, 1], [99, 1])
        """
        return copy.deepcopy(self)

    def __repr__(self):
        keys = ", ".join(f"{key}: {np.shape(value)}" for key, value in self._data.items())
        return f"MapCoord(frame={self.frame!r}, {keys})"


def _skycoord_lonlat(skycoord, frame):
    """(lon, lat, frame) of a SkyCoord, converted to ``frame`` if given."""
    frame = skycoord.frame.replicate_without_data() if frame is None else sky_frame(frame)
    lon, lat = skycoord_lonlat_deg(skycoord, frame)
    return lon, lat, frame
