"""Masks to and from IVOA MOCs (Multi-Order Coverage maps) through mocpy (optional extra
``moc``: ``pip install skymask[moc]``).

- **HEALPix masks in ICRS, nested or ring, power-of-two nside**: the True pixels are the MOC's
  cells (``MOC.from_healpix_cells``), exact; a ``max_depth`` below the map's depth keeps every
  parent of a True pixel (coarser, conservative).
- **WCS masks and HEALPix masks in other frames** (galactic): space MOCs are ICRS only, so the
  cells cannot be relabelled. Each True pixel becomes a cone around its centre (converted to
  ICRS) whose radius is the largest distance from the centre to the pixel's corners (times
  1.05 for the curved edges), and the MOC is the union of the cells these cones overlap
  (``MOC.from_cones``). This is **conservative**: every True pixel lies entirely inside the
  MOC, so converting the MOC back (`mask_from_moc`, pixel centres) gives every True pixel back,
  plus a margin of up to about one pixel and one MOC cell.
- **Back**: `mask_from_moc` marks the pixels whose centre lies in the MOC
  (``moc.contains_lonlat`` on the centres converted to ICRS).

MOC files are IVOA MOC 2.0 FITS (``write_moc``: written atomically; ``read_moc``).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from ..utils.io import check_overwrite, write_fits
from ..utils.units import describe

__all__ = ["is_moc", "mask_from_moc", "mask_to_moc", "read_moc", "write_moc"]

MAX_DEPTH = 29


def _mocpy():
    try:
        from mocpy import MOC
    except ImportError:
        raise ImportError(
            "MOC support needs mocpy: pip install 'skymask[moc]' (or pip install mocpy)"
        ) from None
    return MOC


def is_moc(value) -> bool:
    """Whether ``value`` is a mocpy MOC (without importing mocpy)."""
    return type(value).__module__.split(".")[0] == "mocpy"


def mask_from_moc(geom, moc) -> np.ndarray:
    """Bool image (``geom.data_shape_image``): pixel centres inside the MOC.

    Examples
    --------
    >>> import mocpy
    >>> import astropy.units as u
    >>> from skymask.maps import WcsGeom
    >>> moc = mocpy.MOC.from_cone(0 * u.deg, 0 * u.deg, radius=1 * u.deg, max_depth=12)
    >>> int(mask_from_moc(WcsGeom.create(npix=10, binsz=0.5), moc).sum())
    12
    """
    if not is_moc(moc):
        raise TypeError(f"moc must be a mocpy.MOC, got {describe(moc)}")
    coord = geom.to_image().get_coord(frame="icrs")
    lon = np.asarray(coord.lon.to_value(u.deg)).ravel()
    lat = np.asarray(coord.lat.to_value(u.deg)).ravel()
    good = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(lon.shape, dtype=bool)
    if good.any():
        inside[good] = moc.contains_lonlat(lon[good] * u.deg, lat[good] * u.deg)
    return inside.reshape(geom.data_shape_image)


def _image_mask(m) -> np.ndarray:
    if not m.is_mask:
        raise TypeError(
            f"to_moc needs a boolean mask map, got dtype {m.data.dtype}; make one first, "
            "e.g. 'mask = m > 0'"
        )
    data = m.data
    # A cube: a sky pixel is in the MOC when it is True in any plane.
    n_lead = data.ndim - len(m.geom.data_shape_image)
    return np.any(data, axis=tuple(range(n_lead))) if n_lead else data


def mask_to_moc(m, max_depth=None):
    """The True pixels of a mask (WCS or HEALPix) as a mocpy MOC (ICRS).

    Parameters
    ----------
    m : `~skymask.maps.Map`
        Boolean map; cubes are collapsed with logical or.
    max_depth : int, optional
        MOC depth (0-29). Default: the HEALPix map's depth, or for a WCS map the first depth
        whose cells are smaller than half a pixel.

    Returns
    -------
    mocpy.MOC

    Raises
    ------
    TypeError
        Not a boolean map.
    ValueError
        ``max_depth`` out of range; a ring-ordered HEALPix map whose nside is no power of 2.
    ImportError
        mocpy is not installed.
    """
    moc_class = _mocpy()
    image = _image_mask(m)
    geom = m.geom
    if max_depth is not None and (
        isinstance(max_depth, bool) or not float(max_depth).is_integer() or
        not 0 <= int(max_depth) <= MAX_DEPTH
    ):  # fmt: skip
        raise ValueError(f"max_depth must be an integer from 0 to 29, got {max_depth!r}")
    if getattr(geom, "is_hpx", False):
        return _hpx_to_moc(moc_class, geom, image, max_depth)
    return _wcs_to_moc(moc_class, geom, image, max_depth)


def _hpx_to_moc(moc_class, geom, image, max_depth):
    from .hpx.pixels import depth_of, pix_to_ring, ring_to_pix

    nside = int(geom.nside[0])
    if nside & (nside - 1):
        raise ValueError(f"a MOC needs a power-of-two nside, got {nside}")
    depth = depth_of(nside)
    max_depth = depth if max_depth is None else int(max_depth)
    pix = geom.ipix[image]
    if not geom.nest:
        pix = ring_to_pix(nside, True, pix_to_ring(nside, False, pix))
    if geom.frame == "icrs":
        cells = np.sort(pix).astype(np.uint64)
        if cells.size == 0:
            return moc_class.new_empty(max_depth)
        # Cells deeper than max_depth become their parents (conservative).
        return moc_class.from_healpix_cells(cells, depth, max_depth)
    import cdshealpix.nested as cds

    lon, lat = cds.healpix_to_lonlat(pix.astype(np.uint64), depth)
    vlon, vlat = cds.vertices(pix.astype(np.uint64), depth)
    centre = SkyCoord(lon, lat, frame=geom.frame)
    corners = SkyCoord(vlon, vlat, frame=geom.frame)
    radius = np.max(centre[:, np.newaxis].separation(corners).deg, axis=1) if pix.size else []
    return _cones_to_moc(moc_class, centre, np.asarray(radius), max_depth)


def _wcs_to_moc(moc_class, geom, image, max_depth):
    if max_depth is None:
        # Cells (sqrt of the area) at most half the smallest pixel side.
        pixel = float(np.min(geom.pixel_scales.deg))
        sizes = np.degrees(np.sqrt(4 * np.pi / (12 * 4.0 ** np.arange(MAX_DEPTH + 1))))
        max_depth = int(np.argmax(sizes <= pixel / 2)) if (sizes <= pixel / 2).any() else 29
    iy, ix = np.nonzero(image)
    if ix.size == 0:
        return moc_class.new_empty(max_depth)
    wcs = geom.wcs
    lon, lat = wcs.pixel_to_world_values(ix.astype(float), iy.astype(float))
    radius = np.zeros(ix.size)
    for dx, dy in ((-0.5, -0.5), (-0.5, 0.5), (0.5, -0.5), (0.5, 0.5)):
        clon, clat = wcs.pixel_to_world_values(ix + dx, iy + dy)
        d = SkyCoord(lon, lat, unit="deg").separation(SkyCoord(clon, clat, unit="deg")).deg
        # A corner outside the projection: fall back to a generous radius.
        radius = np.maximum(radius, np.where(np.isfinite(d), d, 2 * np.max(geom.pixel_scales.deg)))
    centre = SkyCoord(lon, lat, unit="deg", frame=geom.sky_frame)
    return _cones_to_moc(moc_class, centre, radius, max_depth)


def _cones_to_moc(moc_class, centre, radius_deg, max_depth):
    if len(radius_deg) == 0:
        return moc_class.new_empty(max_depth)
    icrs = centre.icrs
    # 1.05: pixel edges are not great circles; their farthest point may lie beyond a corner.
    radius = (np.asarray(radius_deg) * 1.05 + 1e-9) * u.deg
    return moc_class.from_cones(
        icrs.ra, icrs.dec, radius=radius, max_depth=max_depth, union_strategy="small_cones"
    )


def write_moc(moc, filename, overwrite=False) -> None:
    """Write a MOC as IVOA MOC 2.0 FITS, atomically."""
    if not is_moc(moc):
        raise TypeError(f"moc must be a mocpy.MOC, got {describe(moc)}")
    overwrite = check_overwrite(overwrite)
    write_fits(moc.serialize(format="fits"), filename, overwrite=overwrite)


def read_moc(filename):
    """Read an IVOA MOC FITS file (MOC 1.x or 2.0)."""
    moc_class = _mocpy()
    from ..utils.io import make_path

    return moc_class.from_fits(make_path(filename))
