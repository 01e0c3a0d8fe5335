"""Non-spatial map axes (energy, true energy, offset, ...) and their ordered container."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from itertools import pairwise

import numpy as np

from ..utils.lazy import units as u
from ..utils.memory import check_allocation
from ..utils.units import as_count, as_energy, describe
from .label_axis import LabelMapAxis

__all__ = ["MapAxes", "MapAxis"]

_INTERPS = ("lin", "log", "sqrt")
_NODE_TYPES = ("edges", "center")
_BOUNDARY_TYPES = ("monotonic", "periodic")
# gammapy's plot labels of the usual axis names.
_PLOT_LABELS = {
    "energy": "Energy",
    "energy_true": "True Energy",
    "offset": "FoV Offset",
    "rad": "Source Offset",
    "migra": "Energy / True Energy",
    "fov_lon": "FoV Lon.",
    "fov_lat": "FoV Lat.",
    "time": "Time",
}
_ENERGY_NAMES = ("energy", "energy_true")

# Forward and inverse scale functions: pixel coordinates are linear in the scaled value.
_SCALES = {
    "lin": (lambda x: x, lambda s: s),
    "log": (np.log, np.exp),
    "sqrt": (np.sqrt, np.square),
}


def _interp_linear(x, xp, fp):
    """Piecewise-linear interpolation of ``fp(xp)`` at ``x``, extrapolating linearly at both ends.

    ``xp`` must be strictly monotonic (either direction) with at least two points.
    """
    if xp[0] > xp[-1]:
        xp, fp = xp[::-1], fp[::-1]
    x = np.asarray(x, dtype=float)
    # numpy.interp inside (several times faster than a searchsorted stencil on 1e6 values),
    # the outer segments continued beyond the ends.
    result = np.asarray(np.interp(x, xp, fp), dtype=float)
    with np.errstate(invalid="ignore"):
        below, above = x < xp[0], x > xp[-1]
    if below.any():
        result[below] = fp[0] + (x[below] - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0])
    if above.any():
        result[above] = fp[-1] + (x[above] - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    return result


class MapAxis:
    """A binned or sampled non-spatial axis (energy, true energy, offset, time, ...).

    Parameters
    ----------
    nodes : array-like or `~astropy.units.Quantity`
        Bin edges (``node_type="edges"``) or bin centres (``node_type="center"``), strictly
        monotonic.
    interp : {"lin", "log", "sqrt"}
        Scale in which pixel coordinates are linear. Log axes have geometric bin centres.
    name : str
        Axis name, e.g. ``"energy"``. Names are compared case-insensitively.
    node_type : {"edges", "center"}
        Whether ``nodes`` are bin edges or bin centres.
    unit : str or `~astropy.units.Unit`
        Unit of the nodes (taken from ``nodes`` when it is a Quantity).
    boundary_type : {"monotonic", "periodic"}
        ``"periodic"`` wraps coordinates into the axis range (linear axes only; see
        `wrap_coord`).

    Raises
    ------
    ValueError
        For nodes that are too few, not finite or not strictly monotonic, non-positive nodes
        of a log axis, or an unknown ``interp``, ``node_type`` or ``boundary_type``.
    TypeError
        If ``name`` is not a str.

    Examples
    --------
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)
    >>> axis.nbin
    5
    >>> round(float(axis.center[0].to_value("GeV")), 2)
    16.99
    >>> MapAxis([0, 1, 3], name="offset", unit="deg").center
    <Quantity [0.5, 2. ] deg>
    """

    def __init__(
        self, nodes, interp="lin", name="", node_type="edges", unit="", boundary_type="monotonic"
    ):
        if boundary_type not in _BOUNDARY_TYPES:
            raise ValueError(
                f"Invalid boundary_type: {boundary_type}; boundary_type must be one of "
                f"{_BOUNDARY_TYPES}"
            )
        if boundary_type == "periodic" and interp != "lin":
            raise ValueError(
                f"Periodic Axis only supports linear interpolation, got interp={interp!r}"
            )
        if not isinstance(name, str):
            raise TypeError(f"axis name must be a str, got {describe(name)}")
        if interp not in _INTERPS:
            raise ValueError(f"interp must be one of {_INTERPS}, got {describe(interp)}")
        if node_type not in _NODE_TYPES:
            raise ValueError(f"node_type must be one of {_NODE_TYPES}, got {describe(node_type)}")
        if isinstance(nodes, u.Quantity):
            unit = nodes.unit if unit in ("", None) else u.Unit(unit)
            values = nodes.to_value(unit)
        else:
            values = nodes
        values = np.array(values, dtype=float).ravel()
        minimum = 2 if node_type == "edges" else 1
        if values.size < minimum:
            # gammapy's phrases first (its tests match them), then skymask's rule.
            phrase = (
                "Edges array must have at least two elements."
                if node_type == "edges"
                else "Nodes array must have at least one element."
            )
            raise ValueError(
                f"{phrase} A MapAxis with node_type='{node_type}' needs at least {minimum} "
                f"node(s), got {values.size}"
            )
        if not np.all(np.isfinite(values)):
            raise ValueError(f"axis nodes must be finite, got {values.tolist()}")
        steps = np.diff(values)
        if values.size > 1 and not (np.all(steps > 0) or np.all(steps < 0)):
            phrase = "unique" if np.any(steps == 0) else "sorted"
            raise ValueError(
                f"MapAxis: node values must be {phrase}: axis nodes must be strictly "
                f"increasing or decreasing, got {values.tolist()}"
            )
        if interp == "log" and np.any(values <= 0):
            raise ValueError(f"a log axis needs positive nodes, got {values.tolist()}")
        if interp == "sqrt" and np.any(values < 0):
            raise ValueError(f"a sqrt axis needs non-negative nodes, got {values.tolist()}")
        values.flags.writeable = False
        self._nodes = values
        self._interp = interp
        self._name = name
        self._node_type = node_type
        self._unit = u.Unit(unit)
        self._boundary_type = boundary_type
        self._use_center_as_plot_labels = None
        forward, _ = _SCALES[interp]
        with np.errstate(divide="ignore"):
            self._scaled_nodes = forward(values)
        offset = -0.5 if node_type == "edges" else 0.0
        self._pix_nodes = np.arange(values.size, dtype=float) + offset

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, edges, interp="lin", name="", unit=""):
        """Axis from bin edges (at least two).

        Parameters
        ----------
        edges : array-like or `~astropy.units.Quantity`
            Bin edges, strictly monotonic.
        interp : {"lin", "log", "sqrt"}
            Scale in which pixel coordinates are linear.
        name : str
            Axis name.
        unit : str or `~astropy.units.Unit`
            Unit of plain-number edges.

        Returns
        -------
        `MapAxis`
            An axis of ``len(edges) - 1`` bins.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 1, 3], name="offset", unit="deg")
        >>> axis.nbin, axis.edges
        (2, <Quantity [0., 1., 3.] deg>)
        """
        return cls(edges, interp=interp, name=name, node_type="edges", unit=unit)

    @classmethod
    def from_nodes(cls, nodes, interp="lin", name="", unit=""):
        """Axis from bin centres (at least one).

        Parameters
        ----------
        nodes : array-like or `~astropy.units.Quantity`
            Bin centres, strictly monotonic.
        interp : {"lin", "log", "sqrt"}
            Scale in which pixel coordinates are linear.
        name : str
            Axis name.
        unit : str or `~astropy.units.Unit`
            Unit of plain-number nodes.

        Returns
        -------
        `MapAxis`
            An axis with ``node_type="center"``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_nodes([1, 2, 3], name="x").nbin
        3
        """
        return cls(nodes, interp=interp, name=name, node_type="center", unit=unit)

    @classmethod
    def from_bounds(
        cls,
        lo_bnd,
        hi_bnd,
        nbin,
        interp="lin",
        node_type="edges",
        name="",
        unit="",
        boundary_type="monotonic",
    ):
        """Axis of ``nbin`` bins between two bounds, evenly spaced in the ``interp`` scale.

        ``boundary_type="periodic"`` (linear axes only) wraps coordinates into the range
        (see `wrap_coord`).

        Parameters
        ----------
        lo_bnd, hi_bnd : float or `~astropy.units.Quantity`
            First and last node.
        nbin : int
            Number of bins (at least 1).
        interp : {"lin", "log", "sqrt"}
            Scale in which the nodes are evenly spaced.
        node_type : {"edges", "center"}
            Whether the bounds are the outer edges (``nbin + 1`` nodes) or the first and last
            bin centres (``nbin`` nodes).
        name : str
            Axis name.
        unit : str or `~astropy.units.Unit`
            Unit of the bounds (default: that of the Quantity bounds).
        boundary_type : {"monotonic", "periodic"}
            Whether coordinates wrap into the axis range.

        Returns
        -------
        `MapAxis`
            The axis.

        Raises
        ------
        ValueError
            If ``nbin`` is below 1, or a log axis has a non-positive bound.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_bounds(0, 3, 3, name="x", unit="deg").edges
        <Quantity [0., 1., 2., 3.] deg>
        >>> MapAxis.from_bounds(1, 100, 2, interp="log").edges.value.round(9).tolist()
        [1.0, 10.0, 100.0]
        >>> axis = MapAxis.from_bounds(-0.5, 0.5, 5, boundary_type="periodic")
        >>> axis.coord_to_idx([1.2, -0.7]).tolist()
        [3, 4]
        """
        nbin = int(nbin)
        if nbin < 1:
            raise ValueError(f"nbin must be at least 1, got {nbin}")
        if isinstance(lo_bnd, u.Quantity) or isinstance(hi_bnd, u.Quantity):
            unit = u.Quantity(hi_bnd).unit if unit in ("", None) else u.Unit(unit)
            lo_bnd = u.Quantity(lo_bnd, unit).to_value(unit)
            hi_bnd = u.Quantity(hi_bnd, unit).to_value(unit)
        n_nodes = nbin + 1 if node_type == "edges" else nbin
        # 10**9 bins: numpy's spacing and the axis' own arrays would take tens of GB (the
        # process is killed by the system, not given a MemoryError): refuse with the size.
        check_allocation(
            (n_nodes,),
            np.float64,
            copies=4,
            what=f"the nodes of a {nbin}-bin axis",
            hint="use fewer bins (nbin, or a smaller per_decade)",
        )
        if interp == "log" and not (lo_bnd > 0 and hi_bnd > 0):
            raise ValueError(
                f"a log axis needs positive bounds, got {lo_bnd} and {hi_bnd} (gammapy reports "
                "this as 'MapAxis: node values must be unique')"
            )
        if interp == "log":
            nodes = np.geomspace(lo_bnd, hi_bnd, n_nodes)
        elif interp == "sqrt":
            nodes = np.linspace(np.sqrt(lo_bnd), np.sqrt(hi_bnd), n_nodes) ** 2
        else:
            nodes = np.linspace(lo_bnd, hi_bnd, n_nodes)
        return cls(
            nodes,
            interp=interp,
            name=name,
            node_type=node_type,
            unit=unit,
            boundary_type=boundary_type,
        )

    @classmethod
    def from_energy_edges(cls, energy_edges, unit=None, name=None, interp="log"):
        """Energy axis from edges given as a Quantity (or numbers with ``unit``).

        Parameters
        ----------
        energy_edges : `~astropy.units.Quantity` or array-like
            Bin edges (an energy unit).
        unit : str or `~astropy.units.Unit`, optional
            Unit of plain-number edges.
        name : str, optional
            Axis name (default ``"energy"``).
        interp : {"log", "lin", "sqrt"}
            Scale in which pixel coordinates are linear.

        Returns
        -------
        `MapAxis`
            The energy axis.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_edges([1, 10, 100] * u.TeV, name="energy_true").name
        'energy_true'
        """
        name = _energy_name(name)
        with _energy_unit_phrase(energy_edges, unit):
            edges = as_energy(energy_edges, name="energy_edges", unit=unit)
        if unit is not None:
            edges = edges.to(unit)
        return cls.from_edges(edges, interp=interp, name=name)

    @classmethod
    def from_energy_bounds(
        cls,
        energy_min,
        energy_max,
        nbin,
        unit=None,
        per_decade=False,
        name=None,
        node_type="edges",
        strict_bounds=True,
    ):
        """Log-spaced energy axis between two energies (``"10 GeV"`` strings work).

        With ``per_decade=True``, ``nbin`` is a number of bins per decade: the total is rounded
        up when ``strict_bounds`` (the bounds are kept), otherwise rounded down and the upper
        bound lowered to match.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity` or str
            The bounds.
        nbin : int
            Number of bins (per decade with ``per_decade``).
        unit : str or `~astropy.units.Unit`, optional
            Unit of plain-number bounds and of the axis.
        per_decade : bool
            ``nbin`` is per decade.
        name : str, optional
            Axis name (default ``"energy"``).
        node_type : {"edges", "center"}
            Whether the bounds are the outer edges or the outer bin centres.
        strict_bounds : bool
            With ``per_decade``, keep both bounds (round the bin count up).

        Returns
        -------
        `MapAxis`
            A log axis.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).edges
        <Quantity [  1.,  10., 100.] TeV>
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=3, per_decade=True).nbin
        6
        """
        name = _energy_name(name)
        with _energy_unit_phrase(energy_max, unit):
            energy_max = as_energy(energy_max, name="energy_max", unit=unit)
        unit = energy_max.unit if unit is None else u.Unit(unit)
        energy_max = energy_max.to_value(unit)
        energy_min = as_energy(energy_min, name="energy_min", unit=unit).to_value(unit)
        if not 0 < energy_min < energy_max:
            raise ValueError(
                f"need 0 < energy_min < energy_max, got {energy_min} {unit} and {energy_max} {unit}"
            )
        if per_decade:
            decades = np.log10(energy_max / energy_min)
            if strict_bounds:
                nbin = int(np.ceil(decades * nbin))
            else:
                per = nbin
                nbin = int(np.floor(decades * per))
                energy_max = energy_min * 10 ** (nbin / per)
        return cls.from_bounds(
            energy_min, energy_max, nbin, interp="log", node_type=node_type, name=name, unit=unit
        )

    # ------------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """The axis name (compared case-insensitively).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1).name
        'energy'
        """
        return self._name

    @property
    def interp(self) -> str:
        """The scale in which pixel coordinates are linear: ``"lin"``, ``"log"`` or ``"sqrt"``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1).interp
        'log'
        """
        return self._interp

    @property
    def node_type(self) -> str:
        """Whether the nodes are bin edges (``"edges"``) or bin centres (``"center"``).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_nodes([1, 2, 3]).node_type
        'center'
        """
        return self._node_type

    @property
    def unit(self) -> u.UnitBase:
        """The unit of the axis coordinates.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1).unit
        Unit("TeV")
        """
        return self._unit

    @property
    def nodes(self) -> np.ndarray:
        """The stored nodes (edges or centres) as a plain array in ``unit``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").nodes
        array([0., 1., 3.])
        """
        return self._nodes

    @property
    def nbin(self) -> int:
        """Number of bins.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3]).nbin, MapAxis.from_nodes([0, 1, 3]).nbin
        (2, 3)
        """
        return self._nodes.size - 1 if self._node_type == "edges" else self._nodes.size

    @property
    def is_energy_axis(self) -> bool:
        """True for the names gammapy treats as energy axes (``"energy"``, ``"energy_true"``).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1).is_energy_axis
        True
        """
        return self._name.lower() in _ENERGY_NAMES

    @property
    def edges(self) -> u.Quantity:
        """Bin edges (``nbin + 1`` values).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).edges
        <Quantity [  1.,  10., 100.] TeV>
        """
        if self._node_type == "edges":
            values = self._nodes
        else:
            # (A single-node axis has edges [v, v], as in gammapy.)
            values = self.pix_to_coord_value(np.arange(self.nbin + 1) - 0.5)
        return u.Quantity(values, self._unit, copy=False)

    @property
    def edges_min(self) -> u.Quantity:
        """Lower edge of every bin.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).edges_min
        <Quantity [ 1., 10.] TeV>
        """
        return self.edges[:-1]

    @property
    def edges_max(self) -> u.Quantity:
        """Upper edge of every bin.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).edges_max
        <Quantity [ 10., 100.] TeV>
        """
        return self.edges[1:]

    @property
    def center(self) -> u.Quantity:
        """Bin centres: arithmetic (lin), geometric (log) or in the sqrt scale (sqrt).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).center
        <Quantity [ 3.16227766, 31.6227766 ] TeV>
        """
        if self._node_type == "center":
            values = self._nodes
        else:
            values = self.pix_to_coord_value(np.arange(self.nbin, dtype=float))
        return u.Quantity(values, self._unit, copy=False)

    @property
    def bin_width(self) -> u.Quantity:
        """Width of every bin (upper minus lower edge).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).bin_width
        <Quantity [ 9., 90.] TeV>
        """
        return np.diff(self.edges)

    @property
    def bounds(self) -> u.Quantity:
        """First and last edge (edge type) or first and last centre (centre type).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).bounds
        <Quantity [  1., 100.] TeV>
        """
        values = self._nodes
        return u.Quantity([values[0], values[-1]], self._unit)

    # ------------------------------------------------------------------ transforms
    def _to_value(self, coord) -> np.ndarray:
        if isinstance(coord, str):
            # "10 TeV" or "10" (in the axis unit), as gammapy's u.Quantity(coord, unit).
            try:
                coord = u.Quantity(coord, self._unit)
            except u.UnitsError:
                raise u.UnitConversionError(
                    f"coordinate {coord!r} cannot be converted to the unit '{self._unit}' of "
                    f"axis '{self._name}'"
                ) from None
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"coordinate {coord!r} of axis '{self._name}' is neither a number nor a "
                    f"quantity: give e.g. '10 {self._unit}' or a Quantity ({exc})"
                ) from None
        if isinstance(coord, u.Quantity):
            try:
                return np.asarray(coord.to_value(self._unit), dtype=float)
            except u.UnitConversionError:
                raise u.UnitConversionError(
                    f"coordinate {describe(coord)} cannot be converted to the unit "
                    f"'{self._unit}' of axis '{self._name}'"
                ) from None
        return np.asarray(coord, dtype=float)

    def coord_to_pix(self, coord) -> np.ndarray:
        """Axis coordinate (Quantity or value in ``unit``) to pixel coordinate.

        A scalar gives shape (1,), as in gammapy.

        Parameters
        ----------
        coord : `~astropy.units.Quantity` or array-like
            Axis coordinates (plain numbers are in ``unit``).

        Returns
        -------
        `numpy.ndarray`
            Pixel coordinates (bin centres at integers).

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).coord_to_pix(10 * u.TeV)
        array([0.5])
        """
        values = self._wrapped(np.atleast_1d(self._to_value(coord)))
        if self._nodes.size == 1:
            return np.zeros_like(values)
        forward, _ = _SCALES[self._interp]
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = forward(values)
        return _interp_linear(scaled, self._scaled_nodes, self._pix_nodes)

    def pix_to_coord_value(self, pix) -> np.ndarray:
        """Pixel coordinate to axis coordinate, as plain values in ``unit``.

        Parameters
        ----------
        pix : float or array-like
            Pixel coordinates.

        Returns
        -------
        `numpy.ndarray`
            Coordinates in ``unit``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").pix_to_coord_value([-0.5, 0.5, 1.5])
        array([0., 1., 3.])
        """
        pix = np.asarray(pix, dtype=float)
        if self._nodes.size == 1:
            return np.full(pix.shape, self._nodes[0])
        _, inverse = _SCALES[self._interp]
        return inverse(_interp_linear(pix, self._pix_nodes, self._scaled_nodes))

    def pix_to_coord(self, pix) -> u.Quantity:
        """Pixel coordinate to axis coordinate (Quantity).

        Parameters
        ----------
        pix : float or array-like
            Pixel coordinates (bin centres at integers).

        Returns
        -------
        `~astropy.units.Quantity`
            Coordinates in ``unit``, interpolated in the ``interp`` scale.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").pix_to_coord([0, 1])
        <Quantity [0.5, 2. ] deg>
        """
        return u.Quantity(np.asarray(self.pix_to_coord_value(pix)), self._unit, copy=False)

    def pix_to_idx(self, pix, clip=False) -> np.ndarray:
        """Pixel coordinate to bin index; -1 outside the axis unless ``clip``.

        Parameters
        ----------
        pix : float or array-like
            Pixel coordinates.
        clip : bool
            Clip to the first or last bin instead of -1.

        Returns
        -------
        `numpy.ndarray`
            Integer bin indices.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 1, 3], unit="deg")
        >>> axis.pix_to_idx([0.4, 1.6]), axis.pix_to_idx([0.4, 1.6], clip=True)
        (array([ 0, -1]), array([0, 1]))
        """
        pix = np.asarray(pix, dtype=float)
        with np.errstate(invalid="ignore"):
            idx = np.floor(pix + 0.5)
        if clip:
            return np.clip(np.nan_to_num(idx, nan=0), 0, self.nbin - 1).astype(np.int64)
        invalid = ~np.isfinite(idx) | (idx < 0) | (idx > self.nbin - 1)
        return np.where(invalid, -1, np.nan_to_num(idx)).astype(np.int64)

    def coord_to_idx(self, coord, clip=False) -> np.ndarray:
        """Bin index of each coordinate; bins are half-open ``[lo, hi)``.

        Values outside the axis (the last edge included) and non-finite values give -1, or the
        nearest bin with ``clip=True``. A scalar gives shape (1,), as in gammapy.

        Parameters
        ----------
        coord : `~astropy.units.Quantity` or array-like
            Axis coordinates (plain numbers are in ``unit``).
        clip : bool
            Give the nearest bin instead of -1.

        Returns
        -------
        `numpy.ndarray`
            Integer bin indices.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> axis.coord_to_idx([5, 10, 100] * u.TeV)
        array([ 0,  1, -1])
        """
        values = self._wrapped(np.atleast_1d(self._to_value(coord)))
        edges = self.edges.value
        ascending = edges[0] < edges[-1]
        if ascending:
            idx = np.searchsorted(edges, values, side="right") - 1
        else:
            idx = self.nbin - np.searchsorted(edges[::-1], values, side="left")
        with np.errstate(invalid="ignore"):
            inside = (idx >= 0) & (idx < self.nbin) & np.isfinite(values)
        if clip:
            return np.clip(idx, 0, self.nbin - 1).astype(np.int64)
        return np.where(inside, idx, -1).astype(np.int64)

    def round(self, coord, clip=False) -> u.Quantity:
        """Snap coordinates to the nearest bin edge (nearest in pixel space).

        Parameters
        ----------
        coord : `~astropy.units.Quantity` or array-like
            Axis coordinates.
        clip : bool
            Clip to the axis range first.

        Returns
        -------
        `~astropy.units.Quantity`
            The nearest edges.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).round([3, 20] * u.TeV)
        <Quantity [ 1., 10.] TeV>
        """
        pix = self.coord_to_pix(coord)
        edge_pix = np.round(pix + 0.5) - 0.5
        if clip:
            edge_pix = np.clip(edge_pix, -0.5, self.nbin - 0.5)
        return self.pix_to_coord(edge_pix)

    # ------------------------------------------------------------------ derived axes
    def copy(self, **kwargs) -> MapAxis:
        """Copy with some of ``nodes``, ``interp``, ``name``, ``node_type``, ``unit`` replaced.

        Parameters
        ----------
        **kwargs
            Replacements for ``nodes``, ``interp``, ``name``, ``node_type`` or ``unit``.

        Returns
        -------
        `MapAxis`
            A new axis.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> axis.copy(name="energy_true").name
        'energy_true'
        """
        params = dict(
            nodes=self._nodes,
            interp=self._interp,
            name=self._name,
            node_type=self._node_type,
            unit=self._unit,
            boundary_type=self._boundary_type,
        )
        params.update(kwargs)
        return MapAxis(**params)

    def squash(self) -> MapAxis:
        """A single bin from the first to the last edge (a one-bin axis is returned as is).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).squash().edges
        <Quantity [  1., 100.] TeV>
        """
        if self.nbin == 1:
            return self
        edges = self.edges.value
        return MapAxis.from_edges(
            [edges[0], edges[-1]], interp=self._interp, name=self._name, unit=self._unit
        )

    def upsample(self, factor: int) -> MapAxis:
        """``factor`` times finer binning (edges type) or node spacing (centre type).

        Parameters
        ----------
        factor : int
            Positive integer.

        Returns
        -------
        `MapAxis`
            The finer axis, with the same bounds.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").upsample(2).edges
        <Quantity [0. , 0.5, 1. , 2. , 3. ] deg>
        """
        factor = as_count(factor, name="factor", minimum=1)
        if self._node_type == "edges":
            pix = np.linspace(-0.5, self.nbin - 0.5, self.nbin * factor + 1)
        else:
            pix = np.linspace(0, self.nbin - 1, (self.nbin - 1) * factor + 1)
        return self.copy(nodes=self.pix_to_coord_value(pix))

    def slice(self, idx) -> MapAxis:
        """Sub-axis for a slice of bins (an integer gives a one-bin axis).

        Parameters
        ----------
        idx : slice or int
            Contiguous bins (step 1).

        Returns
        -------
        `MapAxis`
            The sub-axis.

        Raises
        ------
        ValueError
            For a slice with a step other than 1.
        IndexError
            For an index outside the axis or an empty slice.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2).slice(slice(1, 2)).edges
        <Quantity [ 10., 100.] TeV>
        """
        if isinstance(idx, (int, np.integer)):
            idx = slice(int(idx), int(idx) + 1)
        start, stop, step = idx.indices(self.nbin)
        if step != 1:
            raise ValueError(f"only contiguous axis slices are supported, got step {step}")
        if stop <= start:
            raise IndexError(
                f"{idx} selects no bin of the axis '{self._name}' ({self.nbin} bins, 0-based)"
            )
        if self._node_type == "edges":
            return self.copy(nodes=self._nodes[start : stop + 1])
        return self.copy(nodes=self._nodes[start:stop])

    # ------------------------------------------------------------------ gammapy API (issue 14)
    @property
    def boundary_type(self) -> str:
        """``"monotonic"``, or ``"periodic"`` (coordinates wrap into the axis range).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_bounds(0, 360, 4, unit="deg", boundary_type="periodic").boundary_type
        'periodic'
        >>> MapAxis.from_edges([0, 1]).boundary_type
        'monotonic'
        """
        return self._boundary_type

    def wrap_coord(self, coord):
        """Coordinates wrapped into ``[first edge, last edge)`` (for periodic axes).

        Parameters
        ----------
        coord : `~astropy.units.Quantity` or array-like
            Coordinates (plain numbers are in ``unit``).

        Returns
        -------
        `~astropy.units.Quantity` or `numpy.ndarray`
            The wrapped coordinates (a Quantity for an axis with a unit or a Quantity input).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_bounds(-0.5, 0.5, 5, boundary_type="periodic")
        >>> [round(float(v), 6) for v in axis.wrap_coord(np.array([-1.0, -0.7, 0.1, 1.2]))]
        [0.0, 0.3, 0.1, 0.2]
        """
        edges = self.edges
        low, high = edges[0], edges[-1]
        if isinstance(coord, u.Quantity) or self._unit != u.dimensionless_unscaled:
            coord = u.Quantity(coord, self._unit)
        else:
            low, high = low.value, high.value
        outside = (coord >= high) | (coord < low)
        return np.where(outside, (coord - low) % (high - low) + low, coord)

    def _wrapped(self, values: np.ndarray) -> np.ndarray:
        if self._boundary_type != "periodic":
            return values
        low, high = self.edges.value[[0, -1]]
        return np.where(
            (values >= high) | (values < low), (values - low) % (high - low) + low, values
        )

    def rename(self, new_name: str) -> MapAxis:
        """A copy named ``new_name``.

        Parameters
        ----------
        new_name : str
            The new axis name.

        Returns
        -------
        `MapAxis`
            The renamed copy.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2).rename("energy_true").name
        'energy_true'
        """
        return self.copy(name=new_name)

    def assert_name(self, required_name: str) -> None:
        """Raise ValueError unless the axis is called ``required_name``.

        Parameters
        ----------
        required_name : str
            The expected name.

        Raises
        ------
        ValueError
            If the axis has another name.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> axis.assert_name("energy")
        >>> axis.assert_name("energy_true")
        Traceback (most recent call last):
        ...
        ValueError: Unexpected axis name, expected "energy_true", got: "energy"
        """
        if self._name != required_name:
            raise ValueError(
                f'Unexpected axis name, expected "{required_name}", got: "{self._name}"'
            )

    def to_node_type(self, node_type: str) -> MapAxis:
        """The axis described by its edges (``"edges"``) or its centres (``"center"``).

        Parameters
        ----------
        node_type : {"edges", "center"}
            The node type of the result.

        Returns
        -------
        `MapAxis`
            This axis if it already has that node type, else a new axis whose nodes are this
            axis' centres (or edges).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 2, 4], name="x").to_node_type("center")
        >>> axis.node_type, axis.center.value.tolist()
        ('center', [1.0, 3.0])
        """
        if node_type == self._node_type:
            return self
        nodes = self.center if node_type == "center" else self.edges
        return MapAxis(nodes, interp=self._interp, name=self._name, node_type=node_type)

    def is_aligned(self, other, atol=2e-2) -> bool:
        """Whether each axis's bin centres fall on whole pixels of the other.

        Parameters
        ----------
        other : `MapAxis`
            The axis to compare with.
        atol : float
            Tolerance in pixels.

        Returns
        -------
        bool
            True if the centres align within ``atol`` and both axes interpolate in the same
            scale.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 1, 2, 3])
        >>> axis.is_aligned(MapAxis.from_edges([1, 2, 3]))
        True
        >>> axis.is_aligned(MapAxis.from_edges([0.5, 1.5, 2.5]))
        False
        """
        pix = np.append(self.coord_to_pix(other.center), other.coord_to_pix(self.center))
        aligned = np.allclose(np.round(pix) - pix, 0, atol=atol)
        return bool(aligned and self._interp == other.interp)

    def pad(self, pad_width) -> MapAxis:
        """The axis extended by whole bins, extrapolated in its ``interp`` scale.

        Parameters
        ----------
        pad_width : int or (int, int)
            Bins added at both ends, or ``(low, high)``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> axis.pad(1).edges.to_value("TeV").round(6).tolist()
        [0.1, 1.0, 10.0, 100.0]
        """
        pair = np.ndim(pad_width) == 1 and len(pad_width) == 2
        low, high = pad_width if pair else (pad_width, pad_width)
        low, high = as_count(low, name="pad_width"), as_count(high, name="pad_width")
        if self._node_type == "edges":
            pix = np.arange(-low, self.nbin + high + 1) - 0.5
        else:
            pix = np.arange(-low, self.nbin + high, dtype=float)
        return self.copy(nodes=self.pix_to_coord_value(pix), boundary_type="monotonic")

    def concatenate(self, axis) -> MapAxis:
        """This axis followed by ``axis`` (same name, node type and interp; edges contiguous).

        Parameters
        ----------
        axis : `MapAxis`
            The axis to append.

        Returns
        -------
        `MapAxis`
            The concatenated axis (``boundary_type="monotonic"``).

        Raises
        ------
        ValueError
            If the node types, names or interpolation scales differ, or the edges are not
            contiguous.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_bounds(0, 1, 2, name="x").concatenate(
        ...     MapAxis.from_bounds(1, 2, 1, name="x")
        ... ).edges.value.tolist()
        [0.0, 0.5, 1.0, 2.0]
        """
        if self._node_type != axis.node_type:
            raise ValueError(f"Node type must agree, got {self._node_type} and {axis.node_type}")
        if self._name != axis.name:
            raise ValueError(f"Names must agree, got {self._name} and {axis.name}")
        if self._interp != axis.interp:
            raise ValueError(f"Interp type must agree, got {self._interp} and {axis.interp}")
        if self._node_type == "edges":
            other = axis.edges.to_value(self._unit)
            if not np.isclose(other[0], self._nodes[-1], rtol=1e-9, atol=0):
                raise ValueError(
                    f"edges must be contiguous: this axis ends at {self._nodes[-1]} {self._unit}"
                    f", the other starts at {other[0]} {self._unit}"
                )
            nodes = np.append(self._nodes, other[1:])
        else:
            nodes = np.append(self._nodes, axis.center.to_value(self._unit))
        return self.copy(nodes=nodes, boundary_type="monotonic")

    @classmethod
    def from_stack(cls, axes) -> MapAxis:
        """One axis from a list of axes, concatenated in order (see `concatenate`).

        Parameters
        ----------
        axes : sequence of `MapAxis`
            Axes with the same name, node type and interp, and contiguous edges.

        Returns
        -------
        `MapAxis`
            The stacked axis.

        Raises
        ------
        ValueError
            If two neighbouring axes cannot be concatenated.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axes = [MapAxis.from_edges(edges, name="x") for edges in ([0, 1], [1, 3], [3, 4])]
        >>> MapAxis.from_stack(axes).edges.value.tolist()
        [0.0, 1.0, 3.0, 4.0]
        """
        stacked = axes[0]
        for axis in axes[1:]:
            stacked = stacked.concatenate(axis)
        return stacked

    def downsample(self, factor: int, strict=True) -> MapAxis:
        """Every ``factor``-th edge (or centre), keeping the axis limits.

        Parameters
        ----------
        factor : int
            Downsampling factor.
        strict : bool
            If True, ``nbin`` (centres: ``nbin - 1``) must be divisible by ``factor``;
            otherwise the remaining bins join the last one.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3, 7, 13]).downsample(2).edges.value.tolist()
        [0.0, 3.0, 13.0]
        """
        factor = as_count(factor, name="factor", minimum=1)
        nodes = self._nodes[::factor]
        if nodes[-1] != self._nodes[-1]:
            if strict:
                count = self.nbin if self._node_type == "edges" else self.nbin - 1
                what = "bins" if self._node_type == "edges" else "bins - 1"
                # gammapy's exact text (its tests compare it); strict=False is the way out.
                raise ValueError(
                    f"Number of {self._name} {what} ({count}) is not divisible by {factor}"
                )
            nodes = np.append(nodes, self._nodes[-1])
        return self.copy(nodes=nodes)

    def group_table(self, edges):
        """Groups of bins for coarser ``edges``, as a table (as gammapy's).

        The target edges snap to the nearest edges of the axis. Columns: ``group_idx``,
        ``<name>_min``, ``<name>_max``, ``idx_min``, ``idx_max`` (inclusive bin indices) and
        ``bin_type`` (``"normal"``, ``"underflow"`` below the first target edge, ``"overflow"``
        above the last).

        Parameters
        ----------
        edges : `~astropy.units.Quantity`
            The coarser bin edges.

        Returns
        -------
        `~astropy.table.Table`
            One row per group.

        Raises
        ------
        ValueError
            For a centre-type axis, or when the edges do not overlap the axis.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_edges([1, 2, 5, 10] * u.TeV)
        >>> groups = axis.group_table([2, 10] * u.TeV)
        >>> groups["idx_min"].tolist(), groups["idx_max"].tolist(), groups["bin_type"].tolist()
        ([0, 1], [0, 2], ['underflow', 'normal   '])
        """
        from .axis_tables import group_table

        return group_table(self, edges)

    def to_header(self, format="ogip", idx=0):
        """FITS header cards of the axis (OGIP ``EBOUNDS`` keywords or gadf ``AXCOLS``).

        Parameters
        ----------
        format : {"ogip", "ogip-sherpa", "gadf", "fgst-ccube", "fgst-template"}
            ``"ogip"`` and ``"ogip-sherpa"`` give the ``EBOUNDS`` keywords; the others the
            ``AXCOLS{idx}`` and ``INTERP{idx}`` cards.
        idx : int
            Index in the ``AXCOLS`` and ``INTERP`` keys.

        Returns
        -------
        `~astropy.io.fits.Header`
            The header.

        Raises
        ------
        ValueError
            For an unknown ``format``.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> axis.to_header()["DETCHANS"]
        2
        >>> header = axis.to_header(format="gadf", idx=1)
        >>> header["AXCOLS1"], header["INTERP1"]
        ('E_MIN,E_MAX', 'log')
        """
        from .axis_tables import axis_to_header

        return axis_to_header(self, format=format, idx=idx)

    def to_table(self, format="ogip"):
        """The axis as a table in one of gammapy's formats.

        Parameters
        ----------
        format : str
            ``"ogip"`` (an ``energy`` axis; ``"ogip-sherpa"`` in keV), ``"ogip-arf"`` (an
            ``energy_true`` axis; ``"ogip-arf-sherpa"`` in keV), ``"gadf-dl3"`` (the DL3 IRF
            axes), ``"gadf-sed"`` or ``"gtpsf"`` (``energy_true`` or ``rad`` axis).

        Returns
        -------
        `~astropy.table.Table`
            The table.

        Raises
        ------
        ValueError
            For an unknown ``format``, or an axis whose name the format does not allow.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> table = axis.to_table()
        >>> table.colnames, table["CHANNEL"].tolist(), str(table["E_MIN"].unit)
        (['CHANNEL', 'E_MIN', 'E_MAX'], [0, 1], 'TeV')
        >>> str(axis.to_table("ogip-sherpa")["E_MIN"].unit)
        'keV'
        """
        from .axis_tables import axis_to_table

        return axis_to_table(self, format=format)

    def to_table_hdu(self, format="ogip"):
        """`to_table` as a FITS binary table HDU (with the OGIP header for ``"ogip"``).

        Parameters
        ----------
        format : str
            One of the formats of `to_table`.

        Returns
        -------
        `~astropy.io.fits.BinTableHDU`
            The HDU.

        Raises
        ------
        ValueError
            As `to_table`.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> hdu = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2).to_table_hdu()
        >>> hdu.name, len(hdu.data)
        ('EBOUNDS', 2)
        """
        from .axis_tables import axis_to_table_hdu

        return axis_to_table_hdu(self, format=format)

    @classmethod
    def from_table(cls, table, format="ogip", idx=0, column_prefix=""):
        """Axis from a table in one of gammapy's formats.

        Parameters
        ----------
        table : `~astropy.table.Table`
            The table.
        format : str
            ``"ogip"``/``"fgst-ccube"`` (``E_MIN``/``E_MAX`` columns), ``"ogip-arf"``
            (``ENERG_LO``/``ENERG_HI``), ``"fgst-template"``/``"fgst-bexpcube"`` (an energy
            column in MeV), ``"gadf"`` (``AXCOLS`` keywords), ``"gadf-dl3"`` (``<prefix>_LO``
            and ``<prefix>_HI`` columns) or ``"gtpsf"``.
        idx : int
            0-based index of the axis, for ``"gadf"`` (its keys are ``AXCOLS{idx + 1}``).
        column_prefix : str
            Column prefix for ``"gadf-dl3"``, such as ``"THETA"`` or ``"ENERG"``.

        Returns
        -------
        `MapAxis`
            The axis.

        Raises
        ------
        ValueError
            For an unknown format or prefix, or a missing column or keyword.

        Examples
        --------
        >>> import astropy.units as u
        >>> from astropy.table import Table
        >>> from skymask.maps import MapAxis
        >>> table = Table({"THETA_LO": [[0.0, 1.0]] * u.deg, "THETA_HI": [[1.0, 2.0]] * u.deg})
        >>> axis = MapAxis.from_table(table, format="gadf-dl3", column_prefix="THETA")
        >>> axis.name, axis.edges.value.tolist()
        ('offset', [0.0, 1.0, 2.0])
        """
        from .axis_tables import axis_from_table

        return axis_from_table(cls, table, format=format, idx=idx, column_prefix=column_prefix)

    # plot helpers (gammapy's names)
    @property
    def use_center_as_plot_labels(self) -> bool:
        """Label bins by their centre (default for centre-type axes) or their edges; settable.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 1, 3], unit="deg")
        >>> axis.use_center_as_plot_labels
        False
        >>> axis.use_center_as_plot_labels = True
        >>> axis.as_plot_labels
        ['5.00e-01 deg', '2.00e+00 deg']
        """
        if self._use_center_as_plot_labels is not None:
            return self._use_center_as_plot_labels
        return self._node_type == "center"

    @use_center_as_plot_labels.setter
    def use_center_as_plot_labels(self, value):
        self._use_center_as_plot_labels = bool(value)

    @property
    def iter_by_edges(self):
        """Iterate over ``(edge_min, edge_max)`` pairs.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> list(MapAxis.from_edges([0, 1, 3], unit="deg").iter_by_edges)
        [(<Quantity 0. deg>, <Quantity 1. deg>), (<Quantity 1. deg>, <Quantity 3. deg>)]
        """
        yield from pairwise(self.edges)

    @property
    def as_plot_labels(self) -> list[str]:
        """Bin labels such as ``"1.00e+00 TeV - 1.00e+01 TeV"`` (or the centre).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_nodes([0, 1], unit="deg").as_plot_labels
        ['0.00e+00 deg', '1.00e+00 deg']
        """
        if self.use_center_as_plot_labels:
            return [f"{value:.2e}" for value in self.center]
        return [f"{low:.2e} - {high:.2e}" for low, high in self.iter_by_edges]

    @property
    def as_plot_edges(self) -> u.Quantity:
        """Bin edges for plots (the `edges`).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").as_plot_edges
        <Quantity [0., 1., 3.] deg>
        """
        return self.edges

    @property
    def as_plot_center(self) -> u.Quantity:
        """Bin positions for plots (the `center`).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").as_plot_center
        <Quantity [0.5, 2. ] deg>
        """
        return self.center

    @property
    def as_plot_scale(self) -> str:
        """Matplotlib axis scale: "log" for log axes, else "linear".

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2).as_plot_scale
        'log'
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").as_plot_scale
        'linear'
        """
        return "log" if self._interp == "log" else "linear"

    @property
    def as_plot_xerr(self):
        """``(center - low edge, high edge - center)`` for `matplotlib.pyplot.errorbar`.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> MapAxis.from_edges([0, 1, 3], unit="deg").as_plot_xerr
        (<Quantity [0.5, 1. ] deg>, <Quantity [0.5, 1. ] deg>)
        """
        return self.center - self.edges_min, self.edges_max - self.center

    def format_plot_xaxis(self, ax):
        r"""Set the x scale, label (e.g. "True Energy [TeV]") and limits of ``ax``.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`
            The axes to format.

        Returns
        -------
        `~matplotlib.axes.Axes`
            The same axes.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> ax = axis.format_plot_xaxis(Figure().add_subplot())
        >>> ax.get_xscale(), ax.get_xlim() == (1.0, 10.0)
        ('log', True)
        >>> print(ax.get_xlabel())
        Energy [$\mathrm{TeV}$]
        """
        ax.set_xscale(self.as_plot_scale)
        unit = ax.xaxis.units if ax.xaxis.units is not None else self._unit
        quantity = _PLOT_LABELS.get(self._name, self._name.capitalize())
        ax.set_xlabel(f"{quantity} [{u.Unit(unit).to_string('latex_inline')}]")
        low, high = self.bounds
        if low != high:
            # Quantities with astropy's quantity_support (gammapy's use), else plain values.
            ax.set_xlim(self.bounds if ax.xaxis.units is not None else self.bounds.value)
        return ax

    # ------------------------------------------------------------------ comparison
    def is_allclose(self, other, rtol=1e-6, atol=1e-6) -> bool:
        """Same kind of axis with edges equal within ``rtol`` and ``atol`` (in this unit).

        Parameters
        ----------
        other : object
            Any object (False unless it is a `MapAxis`).
        rtol, atol : float
            Tolerances of the edges.

        Returns
        -------
        bool
            True if the axes agree.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_edges([0, 1, 3], unit="deg")
        >>> axis.is_allclose(MapAxis.from_edges([0, 1, 3 + 1e-9], unit="deg"))
        True
        """
        if not isinstance(other, MapAxis):
            return False
        if (
            self._node_type != other._node_type
            or self._interp != other._interp
            or self.nbin != other.nbin
            or self._name.lower() != other._name.lower()
            or not self._unit.is_equivalent(other._unit)
        ):
            return False
        other_nodes = u.Quantity(other._nodes, other._unit).to_value(self._unit)
        return bool(np.allclose(self._nodes, other_nodes, rtol=rtol, atol=atol))

    def __eq__(self, other):
        if not isinstance(other, MapAxis):
            return NotImplemented
        return self.is_allclose(other)

    __hash__ = None

    def __repr__(self):
        label = "edges" if self._node_type == "edges" else "center"
        values = np.array2string(
            self.edges.value if label == "edges" else self.center.value,
            precision=4,
            separator=", ",
            threshold=8,
        )
        return (
            f"MapAxis(name={self._name!r}, nbin={self.nbin}, node_type={self._node_type!r}, "
            f"interp={self._interp!r}, unit='{self._unit}', {label}={values})"
        )


@contextmanager
def _energy_unit_phrase(value, unit):
    """Prefix gammapy's phrase to a wrong-unit error (its tests match the phrase)."""
    try:
        yield
    except u.UnitsError as exc:
        given = u.Unit(unit) if unit is not None else getattr(value, "unit", None)
        raise u.UnitConversionError(
            f"Please provide a valid energy unit, got {given} instead. {exc}"
        ) from None


def _energy_name(name):
    name = "energy" if name is None else name
    if not isinstance(name, str) or name.lower() not in _ENERGY_NAMES:
        raise ValueError(f"an energy axis must be named 'energy' or 'energy_true', got {name!r}")
    return name


class MapAxes(tuple):
    """Ordered, immutable collection of `MapAxis`, indexable by position or by name.

    Parameters
    ----------
    axes : iterable of `MapAxis`
        The axes, in order; names must be unique (case-insensitively).

    Examples
    --------
    >>> from skymask.maps import MapAxes, MapAxis
    >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
    >>> axes = MapAxes([energy, offset])
    >>> axes["offset"].nbin, axes[0].name
    (3, 'energy')
    """

    def __new__(cls, axes: Iterable[MapAxis] = ()):
        axes = tuple(axes)
        for axis in axes:
            if not isinstance(axis, (MapAxis, LabelMapAxis)):
                raise TypeError(
                    f"axes must be MapAxis or LabelMapAxis objects, got {describe(axis)}"
                )
        names = [axis.name.lower() for axis in axes]
        duplicates = {n for n in names if names.count(n) > 1 and n}
        if duplicates:
            raise ValueError(f"axis names must be unique, got {sorted(duplicates)} more than once")
        return super().__new__(cls, axes)

    def __getitem__(self, key):
        if isinstance(key, str):
            return super().__getitem__(self.index_of(key))
        if isinstance(key, list):
            # gammapy: a list of names selects those axes, in that order.
            return MapAxes([self[name] for name in key])
        result = super().__getitem__(key)
        return MapAxes(result) if isinstance(key, slice) else result

    def index_of(self, name: str) -> int:
        """Position of the axis called ``name`` (case-insensitive).

        Parameters
        ----------
        name : str
            Axis name.

        Returns
        -------
        int
            Position in the collection.

        Raises
        ------
        KeyError
            If there is no such axis (the message lists the names).

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).index_of("OFFSET")
        1
        """
        for i, axis in enumerate(self):
            if axis.name.lower() == name.lower():
                return i
        raise KeyError(f"no axis named {name!r}; the axes are {self.names}")

    def index(self, axis_name, *args) -> int:
        """Position of the axis called ``axis_name`` (gammapy's meaning; case-insensitive).

        An axis object is looked up by equality, as `tuple.index` does.

        Parameters
        ----------
        axis_name : str or `MapAxis`
            Axis name, or an axis object.
        *args
            ``start`` and ``stop`` of the search, for an axis object (as `tuple.index`).

        Returns
        -------
        int
            Position in the collection.

        Raises
        ------
        ValueError
            If there is no such axis (the message lists the names).

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> a, b = (MapAxis.from_edges([0, 1], name=n) for n in "ab")
        >>> axes = MapAxes([a, b])
        >>> axes.index("b"), axes.index("B"), axes.index(a)
        (1, 1, 0)
        >>> axes.index("c")
        Traceback (most recent call last):
        ...
        ValueError: no axis named 'c'; the axes are ['a', 'b']
        """
        if not isinstance(axis_name, str):
            return super().index(axis_name, *args)
        try:
            return self.index_of(axis_name)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None

    def index_data(self, axis_name: str) -> int:
        """Position of the named axis in the data array (axes are reversed there).

        Parameters
        ----------
        axis_name : str
            Axis name (case-insensitive).

        Returns
        -------
        int
            Index of the data array dimension, counted from the first non-spatial one.

        Raises
        ------
        ValueError
            If there is no such axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> axes = MapAxes([energy, offset])
        >>> axes.index_data("energy"), axes.index_data("offset")
        (1, 0)
        """
        return len(self) - self.index(axis_name) - 1

    def _replace(self, axis_name, function) -> MapAxes:
        index = self.index(axis_name)
        return MapAxes([function(a) if i == index else a for i, a in enumerate(self)])

    def pad(self, axis_name: str, pad_width) -> MapAxes:
        """The axes with the named one padded (see `MapAxis.pad`).

        Parameters
        ----------
        axis_name : str
            Name of the axis to pad.
        pad_width : int or (int, int)
            Bins added at both ends, or ``(low, high)``.

        Returns
        -------
        `MapAxes`
            The new axes.

        Raises
        ------
        ValueError
            If there is no such axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> axes = MapAxes([MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)])
        >>> axes.pad("energy", 1)["energy"].nbin
        3
        """
        return self._replace(axis_name, lambda axis: axis.pad(pad_width))

    def upsample(self, factor: int, axis_name: str) -> MapAxes:
        """The axes with the named one upsampled (see `MapAxis.upsample`).

        Parameters
        ----------
        factor : int
            Upsampling factor.
        axis_name : str
            Name of the axis to upsample.

        Returns
        -------
        `MapAxes`
            The new axes.

        Raises
        ------
        ValueError
            If there is no such axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).upsample(2, "offset").shape
        (2, 6)
        """
        return self._replace(axis_name, lambda axis: axis.upsample(factor))

    def downsample(self, factor: int, axis_name: str) -> MapAxes:
        """The axes with the named one downsampled (see `MapAxis.downsample`).

        Parameters
        ----------
        factor : int
            Downsampling factor (must divide the number of bins).
        axis_name : str
            Name of the axis to downsample.

        Returns
        -------
        `MapAxes`
            The new axes.

        Raises
        ------
        ValueError
            If there is no such axis or ``factor`` does not divide its bins.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).downsample(3, "offset")["offset"].edges
        <Quantity [0., 3.] deg>
        """
        return self._replace(axis_name, lambda axis: axis.downsample(factor))

    def squash(self, axis_name: str) -> MapAxes:
        """The axes with the named one squashed to one bin.

        Parameters
        ----------
        axis_name : str
            Name of the axis to squash.

        Returns
        -------
        `MapAxes`
            The new axes.

        Raises
        ------
        ValueError
            If there is no such axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).squash("energy")["energy"].edges
        <Quantity [  1., 100.] TeV>
        """
        return self._replace(axis_name, lambda axis: axis.squash())

    def rename_axes(self, names, new_names) -> MapAxes:
        """The axes with ``names`` (a name or a list) renamed to ``new_names``.

        Parameters
        ----------
        names : str or list of str
            Names of the axes to rename.
        new_names : str or list of str
            Their new names, in the same order.

        Returns
        -------
        `MapAxes`
            The new axes.

        Raises
        ------
        ValueError
            If the lists differ in length or a name is not an axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> a, b = (MapAxis.from_edges([0, 1], name=n) for n in "ab")
        >>> axes = MapAxes([a, b])
        >>> axes.rename_axes(["a", "b"], ["x", "y"]).names
        ['x', 'y']
        >>> axes.rename_axes("a", "z").names
        ['z', 'b']
        """
        names = [names] if isinstance(names, str) else list(names)
        new_names = [new_names] if isinstance(new_names, str) else list(new_names)
        if len(names) != len(new_names):
            raise ValueError(
                f"names and new_names must have the same length, got {names} and {new_names}"
            )
        axes = list(self)
        for name, new_name in zip(names, new_names, strict=True):
            index = self.index(name)
            axes[index] = axes[index].rename(new_name)
        return MapAxes(axes)

    def coord_to_idx(self, coord, clip=True) -> tuple[np.ndarray, ...]:
        """Bin indices of coordinates given by axis name, one array per axis.

        Parameters
        ----------
        coord : dict or `MapCoord`
            Coordinates by axis name (Quantities, or numbers in each axis' unit).
        clip : bool
            Clip to the first or last bin (the default, as gammapy) instead of -1 outside.

        Returns
        -------
        tuple of `numpy.ndarray`
            Integer bin indices, in axis order.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> axes = MapAxes([energy, offset])
        >>> coord = {"energy": [5, 50] * u.TeV, "offset": [0.5, 7] * u.deg}
        >>> [idx.tolist() for idx in axes.coord_to_idx(coord)]
        [[0, 1], [0, 2]]
        >>> [idx.tolist() for idx in axes.coord_to_idx(coord, clip=False)]
        [[0, 1], [0, -1]]
        """
        return tuple(axis.coord_to_idx(coord[axis.name], clip=clip) for axis in self)

    def coord_to_pix(self, coord) -> tuple[np.ndarray, ...]:
        """Pixel coordinates of coordinates given by axis name, one array per axis.

        Parameters
        ----------
        coord : dict or `MapCoord`
            Coordinates by axis name (Quantities, or numbers in each axis' unit).

        Returns
        -------
        tuple of `numpy.ndarray`
            Pixel coordinates (bin centres at integers), in axis order.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> axes = MapAxes([energy, offset])
        >>> coord = {"energy": [1, 10] * u.TeV, "offset": [0.5, 2] * u.deg}
        >>> [pix.round(9).tolist() for pix in axes.coord_to_pix(coord)]
        [[-0.5, 0.5], [0.0, 1.5]]
        """
        return tuple(axis.coord_to_pix(coord[axis.name]) for axis in self)

    def pix_to_coord(self, pix) -> tuple:
        """Axis coordinates of pixel coordinates given in axis order.

        Parameters
        ----------
        pix : sequence of array-like
            One array of pixel coordinates per axis, in axis order.

        Returns
        -------
        tuple of `~astropy.units.Quantity`
            Coordinates, in axis order.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> energies, offsets = MapAxes([energy, offset]).pix_to_coord([[-0.5, 1.5], [0, 1]])
        >>> energies.to_value("TeV").round(9).tolist(), offsets
        ([1.0, 100.0], <Quantity [0.5, 1.5] deg>)
        """
        return tuple(axis.pix_to_coord(p) for axis, p in zip(self, pix, strict=True))

    def pix_to_idx(self, pix, clip=False) -> tuple[np.ndarray, ...]:
        """Bin indices of pixel coordinates given in axis order (-1 outside unless ``clip``).

        Parameters
        ----------
        pix : sequence of array-like
            One array of pixel coordinates per axis, in axis order.
        clip : bool
            Clip to the first or last bin instead of -1.

        Returns
        -------
        tuple of `numpy.ndarray`
            Integer bin indices, in axis order.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> axes = MapAxes([energy, offset])
        >>> [idx.tolist() for idx in axes.pix_to_idx([[0, 5], [-1, 2.2]])]
        [[0, -1], [-1, 2]]
        >>> [idx.tolist() for idx in axes.pix_to_idx([[0, 5], [-1, 2.2]], clip=True)]
        [[0, 1], [0, 2]]
        """
        return tuple(axis.pix_to_idx(p, clip=clip) for axis, p in zip(self, pix, strict=True))

    @property
    def center_coord(self) -> tuple:
        """Coordinate of the middle pixel ``(nbin - 1) / 2`` of every axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> energy_center, offset_center = MapAxes([energy, offset]).center_coord
        >>> round(float(energy_center.to_value("TeV")), 9), offset_center
        (10.0, <Quantity 1.5 deg>)
        """
        return tuple(axis.pix_to_coord((axis.nbin - 1) / 2.0) for axis in self)

    def drop(self, axis_name: str) -> MapAxes:
        """The axes without the named one.

        Parameters
        ----------
        axis_name : str
            Name of the axis to drop.

        Returns
        -------
        `MapAxes`
            The remaining axes.

        Raises
        ------
        ValueError
            If there is no such axis.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).drop("energy").names
        ['offset']
        """
        index = self.index(axis_name)
        return MapAxes(axis for i, axis in enumerate(self) if i != index)

    def is_allclose(self, other, **kwargs) -> bool:
        """Same number of axes, each `MapAxis.is_allclose` to the other's.

        Parameters
        ----------
        other : `MapAxes` or sequence of `MapAxis`
            The axes to compare with.
        **kwargs
            ``rtol`` and ``atol``, passed to `MapAxis.is_allclose`.

        Returns
        -------
        bool
            True if all axes agree.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> axes = MapAxes([MapAxis.from_edges([0, 1, 2], name="x")])
        >>> axes.is_allclose(MapAxes([MapAxis.from_edges([0, 1, 2.000001], name="x")]), atol=1e-3)
        True
        >>> axes.is_allclose(MapAxes([MapAxis.from_edges([0, 1, 3], name="x")]))
        False
        """
        return len(self) == len(other) and all(
            a.is_allclose(b, **kwargs) for a, b in zip(self, other, strict=True)
        )

    def copy(self) -> MapAxes:
        """The axes themselves (axes are immutable).

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> axes = MapAxes([MapAxis.from_edges([0, 1], name="x")])
        >>> axes.copy() is axes
        True
        """
        return self

    def assert_names(self, required_names, allow_extra=False) -> None:
        """Raise ValueError unless the axes are ``required_names``, in that order.

        Parameters
        ----------
        required_names : list of str
            The expected axis names, in order.
        allow_extra : bool
            Allow further axes after the required ones.

        Raises
        ------
        ValueError
            If the names or their order differ.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> axes = MapAxes([energy, offset])
        >>> axes.assert_names(["energy", "offset"])
        >>> axes.assert_names(["energy"], allow_extra=True)
        >>> axes.assert_names(["offset", "energy"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Incorrect axis order or names. Expected axis order: ['offset', 'energy'], ...
        """
        message = (
            "Incorrect axis order or names. Expected axis "
            f"order: {list(required_names)}, got: {self.names}."
        )
        if not allow_extra and len(self) != len(required_names):
            raise ValueError(message)
        if len(self) < len(required_names) or any(
            axis.name != name for axis, name in zip(self, required_names, strict=False)
        ):
            raise ValueError(message)

    @property
    def names(self) -> list[str]:
        """The axis names, in order.

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).names
        ['energy', 'offset']
        """
        return [axis.name for axis in self]

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of bins per axis, in axis order (the reverse of numpy data order).

        Examples
        --------
        >>> from skymask.maps import MapAxes, MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> offset = MapAxis.from_edges([0, 1, 2, 3], name="offset", unit="deg")
        >>> MapAxes([energy, offset]).shape
        (2, 3)
        """
        return tuple(axis.nbin for axis in self)

    def __eq__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None

    def __repr__(self):
        return "MapAxes([" + ", ".join(repr(axis) for axis in self) + "])"
