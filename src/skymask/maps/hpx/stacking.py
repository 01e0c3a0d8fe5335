"""Where one HEALPix map lies in another: the index pairs `skymask.maps.Map.stack` adds at.

gammapy 2.1's ``HpxNDMap.stack`` takes the same geometry or an aligned one (same nside,
ordering, frame and axes; a cutout or another partial sky) and adds the other map's pixels at
their place in this map. Pixels of the other map that this map does not have are left out
here (gammapy writes them into this map's last pixel, through index -1).
"""

from __future__ import annotations

import numpy as np

from .geom import HpxGeom

__all__ = ["overlap"]


def overlap(geom: HpxGeom, other) -> tuple[tuple, tuple]:
    """``(this map's index, the other map's index)`` of the pixels both geometries have.

    Parameters
    ----------
    geom : `~skymask.maps.HpxGeom`
        The geometry stacked into.
    other : `~skymask.maps.HpxGeom` or `~skymask.maps.WcsGeom`
        The geometry of the map stacked.

    Returns
    -------
    tuple, tuple
        Numpy indices into the data of this map and of the other map, ``(Ellipsis, pixels)``.

    Raises
    ------
    ValueError
        If ``other`` is not an aligned HEALPix geometry (same nside, ordering, frame, axes).

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> from skymask.maps.hpx.stacking import overlap
    >>> allsky = HpxGeom(2, nest=False)
    >>> part = HpxGeom(2, nest=False, region="DISK(0,0,40)")
    >>> part.ipix.tolist()
    [12, 20, 27, 28]
    >>> mine, theirs = overlap(allsky, part)
    >>> mine[1].tolist(), theirs[1].tolist()
    ([12, 20, 27, 28], [0, 1, 2, 3])
    """
    if geom == other:
        return (Ellipsis,), (Ellipsis,)
    if not geom.is_aligned(other):
        raise ValueError(
            "stack needs the same HEALPix geometry or an aligned one (same nside, ordering, "
            f"frame and axes; any pixels):\n  this : {geom!r}\n  other: {other!r}\n"
            "reproject the other map first (interp_to_geom)"
        )
    local = geom.global_to_local(other.ipix)
    shared = np.flatnonzero(local >= 0)
    return (Ellipsis, local[shared]), (Ellipsis, shared)
