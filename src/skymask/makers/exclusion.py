"""Exclusion masks on a dataset geometry: the one rule every skymask maker follows.

An exclusion mask is a boolean map, True where background estimation may look and False
where it must not (sources). It may be given on any geometry: it is reprojected onto the
dataset by nearest-pixel lookup (`Map.interp_to_geom`), and the dataset pixels outside its
footprint get ``fill_value``. Every maker takes ``fill_value`` with the same default,
``False``: sky the mask does not describe is treated as excluded, so that background is only
ever estimated where someone has looked for sources. gammapy 2.1 treats it as excluded in
``FoVBackgroundMaker``, turns every pixel NaN in ``RingBackgroundMaker`` and treats it as
free in the reflected-regions finder.
"""

from __future__ import annotations

import numpy as np

from ..maps import Map, WcsGeom
from ..utils.units import describe

__all__ = ["check_exclusion_mask", "check_fill_value", "exclusion_on_geom"]


def check_exclusion_mask(value) -> Map | None:
    """``value`` if it is None or a boolean `Map`; TypeError otherwise.

    Examples
    --------
    >>> check_exclusion_mask(None) is None
    True
    """
    if value is None:
        return None
    if not isinstance(value, Map):
        raise TypeError(
            f"exclusion_mask must be a boolean Map or None, got {describe(value)}; build one "
            "with ~geom.region_mask(regions)"
        )
    if not value.is_mask:
        raise TypeError(
            f"exclusion_mask must be a boolean map (True where background may be estimated), "
            f"got dtype {value.data.dtype}; convert it with a comparison such as 'mask > 0'"
        )
    return value


def check_fill_value(value) -> bool:
    """The exclusion ``fill_value`` as a bool (True or False only).

    Examples
    --------
    >>> check_fill_value(False)
    False
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"fill_value must be True or False, got {describe(value)}: it is the exclusion "
            "value of dataset pixels outside the exclusion mask (False: excluded, True: free)"
        )
    return bool(value)


def exclusion_on_geom(exclusion_mask: Map | None, geom: WcsGeom, fill_value: bool) -> np.ndarray:
    """The exclusion mask on ``geom`` as a bool array of ``geom.data_shape`` (True: usable).

    None gives all True (nothing excluded; ``fill_value`` plays no part).

    Parameters
    ----------
    exclusion_mask : `~skymask.maps.Map` or None
        Bool map, True where pixels may be used (any geometry: it is reprojected).
    geom : `~skymask.maps.WcsGeom`
        Target geometry.
    fill_value : bool
        Value of target pixels outside the mask's footprint.

    Returns
    -------
    `numpy.ndarray` of bool
        Shape ``geom.data_shape``.

    Examples
    --------
    >>> from skymask.maps import Map, WcsGeom
    >>> small = WcsGeom.create(npix=(2, 2), binsz=0.1)
    >>> large = WcsGeom.create(npix=(4, 2), binsz=0.1)
    >>> mask = Map.from_geom(small, data=True)
    >>> exclusion_on_geom(mask, large, fill_value=False).astype(int).tolist()
    [[0, 1, 1, 0], [0, 1, 1, 0]]
    """
    if exclusion_mask is None:
        return np.ones(geom.data_shape, dtype=bool)
    image = geom.to_image()
    if exclusion_mask.geom == image and exclusion_mask.data.dtype == bool:
        # The same sky grid: the nearest-pixel lookup is the identity (no coordinates needed).
        return np.broadcast_to(exclusion_mask.data, geom.data_shape).copy()
    return exclusion_mask.interp_to_geom(geom, fill_value=fill_value, method="nearest").data
