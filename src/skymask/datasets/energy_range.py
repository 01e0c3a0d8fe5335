"""Per-pixel energy ranges of a mask, with readable reprs (D8)."""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..maps import Map
from ..maps.plotting import format_energy

__all__ = ["EnergyBounds", "EnergyRange", "energy_range_of_mask"]


class EnergyBounds(tuple):
    """``(energy_min, energy_max)`` as Quantities, printed as ``10.0 GeV - 2.00 TeV``.

    Parameters
    ----------
    energy_min, energy_max : `~astropy.units.Quantity`
        The bounds.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.datasets import EnergyBounds
    >>> bounds = EnergyBounds(10 * u.GeV, 2 * u.TeV)
    >>> bounds
    EnergyBounds(10.0 GeV - 2.00 TeV)
    >>> energy_min, energy_max = bounds
    >>> energy_max
    <Quantity 2. TeV>
    """

    def __new__(cls, energy_min, energy_max):
        return super().__new__(cls, (energy_min, energy_max))

    @property
    def min(self) -> u.Quantity:
        """The lower bound.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.datasets import EnergyBounds
        >>> EnergyBounds(10 * u.GeV, 2 * u.TeV).min
        <Quantity 10. GeV>
        """
        return self[0]

    @property
    def max(self) -> u.Quantity:
        """The upper bound.

        Examples
        --------
        >>> import astropy.units as u
        >>> from skymask.datasets import EnergyBounds
        >>> EnergyBounds(10 * u.GeV, 2 * u.TeV).max
        <Quantity 2. TeV>
        """
        return self[1]

    def __repr__(self):
        if not (np.isfinite(self[0]) and np.isfinite(self[1])):
            return "EnergyBounds(no valid energy bin)"
        return f"EnergyBounds({format_energy(self[0])} - {format_energy(self[1])})"

    __str__ = __repr__


class EnergyRange(tuple):
    """``(energy_min_map, energy_max_map)``: the energy range of every sky pixel.

    A pixel's range runs from the lower edge of its first valid bin to the upper edge of its
    last; pixels with no valid bin are NaN. Unpacks like gammapy's tuple of two maps and
    prints as a summary instead of object addresses.

    Parameters
    ----------
    energy_min, energy_max : `~skymask.maps.Map`
        Image maps of the lower and upper energy of every pixel (NaN where none).

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
    >>> energy_range = dataset.energy_range
    >>> energy_range
    EnergyRange(1.00 TeV - 100 TeV, valid in 6 of 6 pixels)
    >>> energy_min, energy_max = energy_range
    >>> energy_max.data
    array([[100., 100., 100.],
           [100., 100., 100.]])
    """

    def __new__(cls, energy_min: Map, energy_max: Map):
        return super().__new__(cls, (energy_min, energy_max))

    @property
    def min(self) -> Map:
        """The map of lower energies.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.energy_range.min.unit
        Unit("TeV")
        """
        return self[0]

    @property
    def max(self) -> Map:
        """The map of upper energies.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.energy_range.max.geom.is_image
        True
        """
        return self[1]

    @property
    def total(self) -> EnergyBounds:
        """The widest range over all pixels.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.energy_range.total
        EnergyBounds(1.00 TeV - 100 TeV)
        """
        low, high = self[0].quantity, self[1].quantity
        if np.all(np.isnan(low.value)):
            nan = np.nan * low.unit
            return EnergyBounds(nan, nan)
        return EnergyBounds(np.nanmin(low), np.nanmax(high))

    def __repr__(self):
        low, high = self[0].quantity, self[1].quantity
        valid = np.isfinite(low.value)
        n_valid, n_pixels = int(valid.sum()), valid.size
        if n_valid == 0:
            return f"EnergyRange(no pixel has a valid energy bin; {n_pixels} pixels)"
        lows, highs = low[valid], high[valid]
        low_text = _span(lows.min(), lows.max())
        high_text = _span(highs.min(), highs.max())
        return f"EnergyRange({low_text} - {high_text}, valid in {n_valid} of {n_pixels} pixels)"

    __str__ = __repr__


def _span(a, b) -> str:
    if np.isclose(a.value, b.to_value(a.unit), rtol=1e-9):
        return format_energy(a)
    return f"[{format_energy(a)} .. {format_energy(b)}]"


def energy_range_of_mask(mask: Map | None, geom) -> EnergyRange:
    """Energy range per sky pixel of ``mask`` (None: the full axis everywhere)."""
    axis = geom.axes["energy"]
    edges = axis.edges
    image_geom = geom.to_image()
    shape = image_geom.data_shape
    if mask is None:
        low = np.full(shape, edges[0].value)
        high = np.full(shape, edges[-1].value)
    else:
        index = geom.axes.index_of("energy")
        data_axis = len(geom.axes) - 1 - index
        data = np.moveaxis(mask.data, data_axis, 0)
        # Other non-spatial axes: a bin counts if it is valid anywhere along them.
        data = data.reshape(axis.nbin, -1, *shape).any(axis=1)
        valid = data.any(axis=0)
        first = np.argmax(data, axis=0)
        last = axis.nbin - 1 - np.argmax(data[::-1], axis=0)
        low = np.where(valid, edges.value[first], np.nan)
        high = np.where(valid, edges.value[last + 1], np.nan)
    unit = axis.unit
    return EnergyRange(
        Map.from_geom(image_geom, data=low, unit=unit),
        Map.from_geom(image_geom, data=high, unit=unit),
    )
