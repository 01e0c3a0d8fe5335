"""Masks built from a geometry alone: energy ranges, sky regions, map borders.

These are the friendly layer behind `WcsGeom.energy_mask`, `WcsGeom.region_mask` and
`WcsGeom.boundary_mask`; the pixel work happens in `skymask.rasterize` and plain numpy. They
return boolean arrays of the geometry's data shape; the `WcsGeom` methods wrap them in maps.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..utils.units import as_energy, describe
from .energy_regions import EnergyDependentCircles

__all__ = ["boundary_mask", "energy_mask", "region_mask"]

# Relative tolerance when comparing user energies with (often float32) stored edges (D1).
ENERGY_RTOL = 1e-6


def _energy_axis(geom):
    for name in ("energy", "energy_true"):
        if name in [n.lower() for n in geom.axes.names]:
            return geom.axes[name]
    raise ValueError(
        f"energy_mask needs an 'energy' axis, but this geometry has the axes {geom.axes.names}; "
        "build it with axes=[MapAxis.from_energy_bounds(...)]"
    )


def _full_mask(geom, spatial=None, per_axis=None, axis_name=None, chunks=None) -> np.ndarray:
    """Writable bool array of ``geom.data_shape`` from a 2-D spatial mask and/or a 1-D mask
    along an axis (a lazy dask array with ``chunks``)."""
    shape = geom.data_shape
    if chunks is not None:
        from .chunked import broadcast_mask

        position = None
        if per_axis is not None:
            position = len(geom.axes) - 1 - geom.axes.index_of(axis_name)
        return broadcast_mask(spatial, shape, chunks, per_axis=per_axis, axis_position=position)
    data = np.ones(shape, dtype=bool)
    if spatial is not None:
        data &= spatial
    if per_axis is not None:
        n_axes = len(geom.axes)
        index = geom.axes.index_of(axis_name)
        view = [1] * len(shape)
        view[n_axes - 1 - index] = per_axis.size
        data &= per_axis.reshape(view)
    return data


def energy_mask(geom, energy_min=None, energy_max=None, round_to_edge=False, chunks=None):
    """Mask of the energy bins that lie inside ``[energy_min, energy_max]`` (D1).

    A bin is True when its lower edge is >= ``energy_min`` and its upper edge <= ``energy_max``,
    both compared with a relative tolerance of 1e-6, so a bound equal to an edge stored in
    float32 (``10 GeV`` versus ``0.0099999998 TeV``) selects that edge. ``round_to_edge``
    first snaps both bounds to the nearest edge (in the axis' scale). The mask is the same for
    every sky pixel; the returned map is writable. A NaN bound, or ``energy_min`` above
    ``energy_max``, is a ValueError (gammapy returns an all-False mask).
    """
    axis = _energy_axis(geom)
    edges = axis.edges
    low = edges[0] if energy_min is None else as_energy(energy_min, name="energy_min")
    high = edges[-1] if energy_max is None else as_energy(energy_max, name="energy_max")
    for name, value in (("energy_min", low), ("energy_max", high)):
        if not u.Quantity(value).isscalar:
            raise ValueError(f"{name} must be one energy, got {describe(value)}")
        if np.isnan(u.Quantity(value).value):
            raise ValueError(
                f"{name} is NaN: give an energy such as '10 GeV', or None for the axis "
                f"{'start' if name == 'energy_min' else 'end'}"
            )
    if u.Quantity(low) > u.Quantity(high):
        raise ValueError(
            f"energy_min ({u.Quantity(low):.4g}) is above energy_max "
            f"({u.Quantity(high).to(u.Quantity(low).unit):.4g}): an empty energy range; "
            "swap them"
        )
    if round_to_edge:
        low, high = axis.round(u.Quantity([low, high]).to(axis.unit))
    low = u.Quantity(low).to_value(axis.unit)
    high = u.Quantity(high).to_value(axis.unit)
    values = edges.value
    lo_edges, hi_edges = np.minimum(values[:-1], values[1:]), np.maximum(values[:-1], values[1:])
    selected = (lo_edges >= low - ENERGY_RTOL * abs(low)) & (
        hi_edges <= high + ENERGY_RTOL * abs(high)
    )
    return _full_mask(geom, per_axis=selected, axis_name=axis.name, chunks=chunks)


def region_mask(geom, regions, inside=True, chunks=None):
    """Mask of the pixels inside (or, with ``inside=False``, outside) the regions.

    ``regions``: a ds9 string, a ds9 file path, a `regions.Regions`, a list of sky or pixel
    regions, one region, or a SkyCoord of points. See `skymask.rasterize` for the rules (circles
    on the sphere, other shapes in the local pixel plane, ds9 exclude regions honoured). The
    sky mask is computed once and repeated over the non-spatial axes. With ``chunks`` the
    mask is a lazy dask array painted chunk by chunk (`skymask.maps.chunked.region_mask`).
    `EnergyDependentCircles` give one sky mask per energy bin (the geometry needs an energy
    axis).
    """
    from ..rasterize import rasterize
    from .moc import is_moc, mask_from_moc

    if not isinstance(inside, (bool, np.bool_)):
        raise TypeError(f"inside must be True or False, got {describe(inside)}")
    if isinstance(regions, EnergyDependentCircles):
        if chunks is not None:
            raise ValueError(
                "PSF-aware (energy-dependent) regions are painted in memory, plane by plane: "
                "drop chunks= (a chunked version is not available yet)"
            )
        return energy_dependent_mask(geom, regions, inside)
    if chunks is not None:
        from .chunked import region_mask as chunked_region_mask

        return chunked_region_mask(geom, regions, inside, chunks)
    if is_moc(regions):  # a mocpy MOC: the pixels whose centre it contains
        spatial = mask_from_moc(geom, regions)
    else:
        spatial = rasterize(regions, geom.wcs, geom.data_shape_image)
    if not inside:
        np.logical_not(spatial, out=spatial)
    if geom.is_image:
        return spatial
    return _full_mask(geom, spatial=spatial)


def energy_dependent_mask(geom, circles, inside, paint=None):
    """One sky mask per energy bin, each painted with the circles' radii in that bin.

    ``paint(regions)`` gives the sky mask of a list of regions on ``geom``'s image (default:
    the WCS rasterizer); HEALPix geometries pass their own painter.
    """
    if paint is None:
        from ..rasterize import rasterize

        def paint(regions):
            return rasterize(regions, geom.wcs, geom.data_shape_image)

    names = [name.lower() for name in geom.axes.names]
    if "energy" not in names and "energy_true" not in names:
        raise ValueError(
            "PSF-aware (energy-dependent) regions give one mask plane per energy bin, but "
            f"this geometry has the axes {geom.axes.names}: build the geometry with an energy "
            "axis, e.g. geom.to_cube([MapAxis.from_energy_bounds('10 GeV', '1 TeV', nbin=5)])"
        )
    axis = _energy_axis(geom)
    planes = circles.planes(axis)
    shape = geom.data_shape
    n_axes = len(geom.axes)
    energy_dim = n_axes - 1 - geom.axes.index_of(axis.name)
    data = np.empty(shape, dtype=bool)
    for index, regions in enumerate(planes):
        spatial = paint(regions)
        if not inside:
            np.logical_not(spatial, out=spatial)
        view = [slice(None)] * len(shape)
        view[energy_dim] = index
        data[tuple(view)] = spatial
    return data


def boundary_mask(geom, width, chunks=None):
    """Mask that is False for pixels whose centre is closer than ``width`` to the map edge (D10).

    ``width`` is an angle, a number of pixels (plain numbers are pixels), or a (lon, lat) pair
    of either, applied per axis: the lon value trims columns, the lat value rows. 0 keeps
    every pixel. See `WcsGeom.width_in_pixels`.
    """
    wx, wy = geom.width_in_pixels(width)
    nx, ny = geom.npix
    # Distance of pixel centre i to the nearer edge, in pixels: min(i, n - 1 - i) + 0.5.
    keep_x = np.minimum(np.arange(nx), np.arange(nx)[::-1]) + 0.5 >= wx
    keep_y = np.minimum(np.arange(ny), np.arange(ny)[::-1]) + 0.5 >= wy
    if chunks is not None:
        from .chunked import boundary_image

        return _full_mask(geom, spatial=boundary_image(keep_y, keep_x, chunks, geom), chunks=chunks)
    return _full_mask(geom, spatial=keep_y[:, np.newaxis] & keep_x[np.newaxis, :])
