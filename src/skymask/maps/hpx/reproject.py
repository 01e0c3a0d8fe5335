"""Nearest-pixel reprojection between HEALPix and WCS geometries (both directions).

Every target pixel centre is converted to the source frame and looked up in the source map:
the HEALPix pixel containing it, or the WCS pixel containing it (``-0.5 <= p < n - 0.5``).
Target pixels whose centre is in no source pixel get ``fill_value`` (required for boolean
maps, as in `skymask.maps.reproject`). Boolean maps stay boolean.
"""

from __future__ import annotations

import numpy as np

from ...utils.units import describe
from ..reproject import DEFAULT_FILL_VALUE, REQUIRED, _check_fill
from .pixels import lonlat_to_pix

__all__ = ["hpx_to_geom"]

# Most boundary samples per HEALPix pixel edge (coverage=True).
_MAX_STEP = 64


def _touched(source, mask, wcs_geom) -> np.ndarray:
    """WCS image pixels that touch a True HEALPix pixel (coverage=True), conservatively.

    A WCS pixel overlaps the True area when its centre is inside it (the nearest lookup), when
    a True pixel lies inside it (its centre marks it), or when the boundary of the True area
    crosses it: the edges of the True pixels with a False neighbour are sampled at most half a
    WCS pixel apart and the pixels holding the samples are marked, then grown by one pixel
    (3 x 3), so that a corner cut between two samples is not missed.
    """
    import cdshealpix.nested as cds
    from astropy.coordinates import SkyCoord
    from scipy.ndimage import binary_dilation

    from .pixels import depth_of, neighbours, pix_to_ring, ring_to_pix

    ny, nx = wcs_geom.data_shape
    out = np.zeros((ny, nx), dtype=bool)
    pix = source.ipix[mask]
    if pix.size == 0:
        return out
    nside = int(source.nside[0])
    frame = source.sky_frame

    def mark(lon, lat, grid):
        coords = SkyCoord(lon, lat, unit="deg", frame=frame)
        ix, iy = wcs_geom.coord_to_idx(coords)
        ok = (ix >= 0) & (iy >= 0)
        grid[iy[ok], ix[ok]] = True

    from .pixels import pix_to_lonlat

    mark(*pix_to_lonlat(nside, source.nest, pix), out)
    inside = np.zeros(source.npix_max.flat[0], dtype=bool)
    inside[pix] = True
    nb = neighbours(nside, source.nest, pix)
    edge = pix[((nb >= 0) & ~inside[np.where(nb >= 0, nb, 0)]).any(axis=1)]
    if edge.size:
        nested = edge if source.nest else ring_to_pix(nside, True, pix_to_ring(nside, False, edge))
        hpx_size = np.degrees(np.sqrt(4 * np.pi / (12 * nside * nside))) * 1.5
        wcs_size = float(np.min(wcs_geom.pixel_scales.deg))
        step = int(np.clip(np.ceil(hpx_size / (0.5 * wcs_size)), 1, _MAX_STEP))
        lon, lat = cds.vertices(nested.astype(np.uint64), depth_of(nside), step=step)
        border = np.zeros_like(out)
        mark(lon.to_value("deg").ravel(), lat.to_value("deg").ravel(), border)
        out |= binary_dilation(border, structure=np.ones((3, 3), dtype=bool))
    return out


def _source_index(source, lon, lat):
    """Data index tuple of the spatial pixel holding each position, and a validity mask."""
    if getattr(source, "is_hpx", False):
        ipix = lonlat_to_pix(source._nside, source.nest, lon, lat)
        local = source.global_to_local(ipix)
        good = local >= 0
        return (np.where(good, local, 0),), good
    ix, iy = source.to_image().coord_to_idx((lon, lat))
    good = (ix >= 0) & (iy >= 0)
    return (np.where(good, iy, 0), np.where(good, ix, 0)), good


def hpx_to_geom(m, geom, *, fill_value=REQUIRED, method=None, coverage=False):
    """``m`` (a WCS or HEALPix map) on ``geom`` (a WCS or HEALPix geometry), nearest pixel.

    Parameters
    ----------
    m : `~skymask.maps.Map`
        Source map.
    geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
        Target geometry; it must have the source's non-spatial axes (equal), or the source is
        an image (repeated over the target's axes).
    fill_value : scalar
        Value outside the source pixels; required for boolean maps.
    method : {None, "nearest"}
        Nearest pixel only.
    coverage : bool
        Not available yet (a ValueError if True).

    Returns
    -------
    Map
        On ``geom``; boolean for boolean maps.

    Examples
    --------
    >>> from skymask.maps import HpxGeom, Map, WcsGeom
    >>> mask = HpxGeom.create(nside=64, frame="galactic").region_mask("galactic;circle(0,0,3)")
    >>> wcs = WcsGeom.create(npix=(10, 10), binsz=0.5, frame="galactic")
    >>> int(hpx_to_geom(mask, wcs, fill_value=False).data.sum())
    88
    """
    from ..geom import WcsGeom
    from ..map import Map

    if not (isinstance(geom, WcsGeom) or getattr(geom, "is_hpx", False)):
        raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")
    if method not in (None, "nearest"):
        raise ValueError(
            f"between HEALPix and WCS maps only method='nearest' (or None) exists, got {method!r}"
        )
    if coverage and not (
        m.is_mask and getattr(m.geom, "is_hpx", False) and isinstance(geom, WcsGeom)
    ):
        raise ValueError(
            "coverage=True is for boolean HEALPix maps onto a WCS geometry; use the pixel-centre "
            "lookup (coverage=False) otherwise"
        )
    if fill_value is REQUIRED:
        if m.is_mask:
            raise TypeError(
                "interp_to_geom of a boolean map needs fill_value=True or False: the mask value "
                "of target pixels outside the map's footprint (for an exclusion mask, False "
                "excludes the sky the mask does not describe, True leaves it free)"
            )
        fill_value = DEFAULT_FILL_VALUE
    _check_fill(fill_value, m.data.dtype, "nearest")
    source = m.geom
    if source.axes and not (
        len(source.axes) == len(geom.axes)
        and all(a.is_allclose(b) for a, b in zip(source.axes, geom.axes, strict=True))
    ):
        raise ValueError(
            f"the map's non-spatial axes {source.axes.names} differ from the target's "
            f"{geom.axes.names}: between HEALPix and WCS, give a target with the same axes or "
            "reduce the map to an image first"
        )
    coord = geom.to_image().get_coord(frame=source.frame)
    lon, lat = coord.lon.to_value("deg"), coord.lat.to_value("deg")
    index, good = _source_index(source, lon, lat)
    n_axes = len(source.axes)
    values = m.data[(Ellipsis, *index)] if n_axes else m.data[index]
    values = np.where(good, values, np.asarray(fill_value, dtype=m.data.dtype))
    if coverage:
        planes = values.reshape(-1, *values.shape[-2:]) if values.ndim > 2 else values[None]
        source_planes = m.data.reshape(-1, m.data.shape[-1])
        for plane, source_plane in zip(planes, source_planes, strict=True):
            plane |= _touched(source, source_plane, geom.to_image())
    data = np.broadcast_to(values, geom.data_shape).copy()
    return Map.from_geom(geom, data=data, unit=m.unit, meta=dict(m.meta))
