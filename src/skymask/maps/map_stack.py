"""`Map.from_stack`: one map from maps on the same sky pixels, joined along a non-spatial axis.

gammapy 2.1's rules: the image geometries (and the axes other than the joined one) must be
the same; the joined axis is the concatenation of the maps' axes (``axis_name``, default the
last axis), or a new axis with one bin per map (``axis``); values are converted to the unit of
the first map. Works for WCS and HEALPix maps (not mixed: their geometries differ). Masks stay
masks: boolean maps give a boolean map.
"""

from __future__ import annotations

import numpy as np

from ..utils.units import describe

__all__ = ["from_stack"]


def _axis_position(m, axis_name, i):
    names = list(m.geom.axes.names)
    if axis_name not in names:
        # gammapy's words ("not in list of axis names"), with the names the map has.
        raise KeyError(f"axis {axis_name!r} not in list of axis names {names} of map {i}")
    return names.index(axis_name)


def _values(m, unit, all_masks):
    if all_masks:
        return m.data
    if m.is_mask:
        raise TypeError(
            "from_stack joins masks with masks and numbers with numbers; map "
            f"{describe(m)} is a mask among numeric maps: convert it first "
            "(m.data.astype(float)) or compare the numeric maps (m > 0)"
        )
    return m.unit.get_converter(unit)(m.data) if m.unit != unit else m.data


def from_stack(cls, maps, axis=None, axis_name=None):
    """See `skymask.maps.Map.from_stack`."""
    maps = list(maps)
    if not maps:
        raise ValueError("from_stack needs at least one map, got an empty list")
    first = maps[0]
    geom = first.geom
    if axis is None and axis_name is None:
        if geom.is_image:
            raise ValueError(
                "Map.from_stack requires that maps have at least one non-spatial axis "
                "(or give axis=MapAxis(...) with one bin per map)"
            )
        axis_name = geom.axes.names[-1]
    all_masks = all(m.is_mask for m in maps)
    unit = first.unit
    if axis_name is not None:
        positions = [_axis_position(m, axis_name, i) for i, m in enumerate(maps)]
        base = geom.drop(axis_name)
        for m in maps[1:]:
            other = m.geom.drop(axis_name)
            if other != base:
                raise ValueError(f"Image geometries not aligned: {m.geom} and {base}")
        joined = type(geom.axes[positions[0]]).from_stack([m.geom.axes[axis_name] for m in maps])
        new_geom = geom.replace_axis(joined)
        # data order is the reverse of the axes: axis i is data axis (n_axes - 1 - i)
        data_axis = len(geom.axes) - 1 - positions[0]
        data = np.concatenate([_values(m, unit, all_masks) for m in maps], axis=data_axis)
    else:
        if axis.nbin != len(maps):
            raise ValueError(
                f"axis {axis.name!r} has {axis.nbin} bins for {len(maps)} maps: give one bin "
                "per map"
            )
        for m in maps[1:]:
            if m.geom != geom:
                raise ValueError(f"Image geometries not aligned: {m.geom} and {geom}")
        new_geom = geom.to_cube([axis])
        data = np.stack([_values(m, unit, all_masks) for m in maps])
    return cls.from_geom(new_geom, data=data, unit=unit)
