"""`HpxNDMap.to_wcs`: a HEALPix map on a WCS grid, as gammapy 2.1's ``to_wcs`` options.

Every WCS pixel takes the value of the HEALPix pixel holding its centre (nearest pixel);
``normalize`` splits each HEALPix value evenly over the WCS pixels that take it (so sums are
kept, gammapy's default), ``sum_bands`` sums over the non-spatial axes first. Masks stay masks
(``normalize`` does not apply to them: a mask has no integral).
"""

from __future__ import annotations

import numpy as np

__all__ = ["to_wcs"]


def to_wcs(m, sum_bands=False, normalize=True, proj="AIT", oversample=2, width_pix=None,
           hpx2wcs=None, fill_nan=True, fill_value=None):  # fmt: skip
    """See `skymask.maps.HpxNDMap.to_wcs`."""
    if hpx2wcs is not None:
        raise ValueError(
            "hpx2wcs (a gammapy HpxToWcsMapping) is not used by skymask: give proj, "
            "oversample and width_pix instead"
        )
    if sum_bands and m.geom.axes:
        m = m.reduce_over_axes(np.logical_or if m.is_mask else np.add, keepdims=False)
    geom = m.geom.to_wcs_geom(proj=proj, oversample=oversample, width_pix=width_pix)
    if geom.axes.names != m.geom.axes.names:
        # WCS geometries name unnamed axes by position (axis0, ...), as gammapy does.
        axes = [a.copy(name=n) for a, n in zip(m.geom.axes, geom.axes.names, strict=True)]
        m = m.copy(geom=m.geom.to_image().to_cube(axes), data=m.data)
    if fill_value is None:
        if m.is_mask:
            fill_value = False
        elif fill_nan:
            fill_value = np.nan if m.data.dtype.kind == "f" or normalize else 0
        else:
            fill_value = 0
    if not normalize or m.is_mask:
        return m.interp_to_geom(geom, fill_value=fill_value)
    # How many WCS pixel centres fall in each HEALPix pixel: its value is shared among them.
    image = geom.to_image()
    local = m.geom.to_image().coord_to_idx(image.get_coord().skycoord)[0]
    local = m.geom.global_to_local(local)
    counts = np.bincount(local[local >= 0], minlength=int(np.ravel(m.geom.npix)[0]))
    shared = m.copy(data=np.asarray(m.data, dtype=float) / np.maximum(counts, 1))
    return shared.interp_to_geom(geom, fill_value=fill_value)
