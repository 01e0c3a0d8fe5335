"""`HpxNDMap.to_swapped`: the same map in the other HEALPix ordering (ring <-> nested)."""

from __future__ import annotations

import numpy as np

from .pixels import pix_to_ring, ring_to_pix

__all__ = ["to_swapped"]


def to_swapped(m):
    """See `skymask.maps.HpxNDMap.to_swapped`."""
    geom = m.geom
    swapped = geom.to_swapped()
    nside = int(np.ravel(geom.nside)[0])
    ring = pix_to_ring(nside, geom.nest, geom.ipix)
    local = swapped.global_to_local(ring_to_pix(nside, swapped.nest, ring))
    if np.any(local < 0) or local.size != int(np.ravel(swapped.npix)[0]):
        raise ValueError(  # a region string selects the same pixel centres in both orderings
            f"the swapped geometry {swapped!r} does not hold the same pixels as {geom!r}"
        )
    data = np.empty_like(m.data)
    data[..., local] = m.data
    return m.__class__(swapped, data=data, unit=m.unit, meta=dict(m.meta))
