"""Index rules of HEALPix map lookups (``get/set/fill_by_idx``, ``_by_pix``, ``_by_coord``).

A position is ``(ipix, axis indices...)`` with ``ipix`` the *global* HEALPix pixel number (as
gammapy's ``HpxGeom.get_idx``); the shared lookup code (`skymask.maps.lookup`) asks the map
for the data indices through `local_positions`, and then applies the same rules as on WCS
maps (positions outside are skipped or filled, masks stay masks).
"""

from __future__ import annotations

import numpy as np

from ...utils.units import describe
from ..lookup import pix_to_idx

__all__ = ["local_positions"]


def local_positions(geom, idx):
    """Data indices of ``(ipix, axis indices...)`` and whether each lies in the geometry.

    Parameters
    ----------
    geom : `~skymask.maps.HpxGeom`
        The map's geometry.
    idx : tuple of array-like
        Global pixel numbers, then one index array per non-spatial axis (broadcast
        together); float arrays are rounded to the nearest integer.

    Returns
    -------
    local : tuple of ndarray
        ``(local pixel, axis indices...)``, broadcast; meaningful where ``inside``.
    inside : ndarray of bool
        The pixel is one of the geometry's and every axis index is in range.

    Raises
    ------
    TypeError
        If ``idx`` is not a tuple of arrays.
    ValueError
        Without exactly one array per axis (the pixel, then the non-spatial axes).

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> from skymask.maps.hpx.lookup import local_positions
    >>> geom = HpxGeom(nside=2, region="DISK(0,0,40)", nest=False)
    >>> geom.ipix.tolist()
    [12, 20, 27, 28]
    >>> local, inside = local_positions(geom, ([20, 21, 28],))
    >>> local[0].tolist(), inside.tolist()
    ([1, -1, 3], [True, False, True])
    """
    n_axes = len(geom.axes)
    if isinstance(idx, (str, bytes)) or not hasattr(idx, "__len__"):
        raise TypeError(
            f"idx must be a tuple of arrays (ipix, axis indices...), got {describe(idx)}"
        )
    if len(idx) != n_axes + 1:
        raise ValueError(
            f"idx needs {n_axes + 1} arrays (ipix, then the axes {geom.axes.names}) on a "
            f"HEALPix map, got {len(idx)}"
        )
    idx = np.broadcast_arrays(*pix_to_idx(idx))
    local = geom.global_to_local(tuple(idx))
    inside = local[0] >= 0
    for i, axis in zip(idx[1:], geom.axes, strict=True):
        inside &= (i >= 0) & (i < axis.nbin)
    return tuple(np.where(inside, i, -1) for i in local), inside
