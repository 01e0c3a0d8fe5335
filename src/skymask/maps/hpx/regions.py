"""Sky regions onto HEALPix pixels: a pixel is inside when its centre is.

Every shape first asks the ring-interval cone query of `skymask.kernels.healpix` for the pixels
whose centres lie in a cap around it (only those pixels are ever looked at, never the whole
sky), then tests them:

- circles and circle annuli (sky or spherical): the cone query is the exact answer
  (``inner <= d < outer`` on the sphere, D5), all circles in one vectorised call;
- polygons (`~regions.PolygonSkyRegion` and spherical polygons): great-circle edges, tested
  exactly in the gnomonic projection around the polygon's centre, where great circles are
  straight lines (even-odd rule; the polygon must fit in a hemisphere);
- ellipses, rectangles, their annuli and other sky shapes: `regions`' own ``contains`` through
  a gnomonic (TAN) projection centred on the shape, in the shape's frame (the tangent-plane rule
  of the WCS rasterizer; what gammapy's `RegionGeom` does too);
- points mark the pixel that holds them; text and lines mark nothing.

ds9 exclude regions (``-circle``) are removed from the union of the include regions; pixel
regions are refused, since HEALPix has no pixel plane.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.wcs import WCS
from regions import (
    CircleAnnulusSkyRegion,
    CircleSkyRegion,
    LineSkyRegion,
    PixelRegion,
    PointSkyRegion,
    PolygonSkyRegion,
    TextSkyRegion,
)

from ...kernels.healpix import cones_ring, ring_centres
from ...kernels.raster import gnomonic, points_in_polygon, unit_vectors
from ...rasterize import parse_regions
from ...rasterize._high_level import _centres_rad
from ...rasterize._shapes import shape_outer_radius_deg
from ...rasterize._spherical import great_circle_polygon
from ...utils.frames import skycoord_lonlat_deg
from ...utils.units import describe
from .pixels import lonlat_to_pix, pix_to_ring, ring_to_pix

__all__ = ["hpx_region_mask", "region_ring_pixels"]

try:  # regions >= 0.12
    from regions import (
        CircleAnnulusSphericalSkyRegion,
        CircleSphericalSkyRegion,
        PolygonSphericalSkyRegion,
    )
except ImportError:  # regions 0.10, 0.11
    CircleSphericalSkyRegion = CircleAnnulusSphericalSkyRegion = PolygonSphericalSkyRegion = ()

_CIRCLES = (CircleSkyRegion, CircleSphericalSkyRegion)
_ANNULI = (CircleAnnulusSkyRegion, CircleAnnulusSphericalSkyRegion)
_POLYGONS = (PolygonSkyRegion, PolygonSphericalSkyRegion)
_NO_AREA = (TextSkyRegion, LineSkyRegion)


def hpx_region_mask(geom, regions) -> np.ndarray:
    """Boolean array of the geometry's pixels (shape ``geom.data_shape_image``): True where
    the pixel centre is inside the union of the regions (minus ds9 exclude regions).

    Parameters
    ----------
    geom : `~skymask.maps.HpxGeom`
        The HEALPix geometry.
    regions : ds9 string or file, regions, list of regions, SkyCoord, or a `mocpy.MOC`
        Any input of `skymask.rasterize.parse_regions`; a MOC selects the pixels whose centre
        lies in it.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> from skymask.maps import HpxGeom
    >>> geom = HpxGeom.create(nside=64, frame="galactic", nest=False)
    >>> int(hpx_region_mask(geom, "galactic;circle(0, 90, 2.5)").sum())
    24
    """
    from ..moc import is_moc, mask_from_moc

    if is_moc(regions):
        return mask_from_moc(geom, regions)
    pairs = parse_regions(regions)
    included = [region for region, include in pairs if include]
    excluded = [region for region, include in pairs if not include]
    shape = geom.data_shape_image
    mask = np.ones(shape, dtype=bool) if excluded and not included else np.zeros(shape, bool)
    if included:
        _mark(geom, region_ring_pixels(geom, included), mask, True)
    if excluded:
        _mark(geom, region_ring_pixels(geom, excluded), mask, False)
    return mask


def _mark(geom, ring_pixels, mask, value):
    pix = ring_to_pix(geom._nside, geom.nest, ring_pixels)
    local = geom.global_to_local(pix)
    mask[local[local >= 0]] = value


def region_ring_pixels(geom, regions) -> np.ndarray:
    """Ring-scheme indices (at the geometry's nside, in its frame) of the pixel centres inside
    any of the sky regions; may contain repeats."""
    nside = geom._nside
    frame = geom.sky_frame
    circles, others = [], []
    for region in regions:
        if isinstance(region, PixelRegion):
            raise TypeError(
                f"HEALPix maps have no pixel plane: give sky regions, not {describe(region)}; "
                "convert it with region.to_sky(wcs)"
            )
        if isinstance(region, _NO_AREA):
            continue
        if isinstance(region, _CIRCLES + _ANNULI):
            circles.append(region)
        else:
            others.append(region)
    found = []
    if circles:
        lon, lat, inner, outer = _circle_parameters(circles, frame)
        found.append(cones_ring(nside, lon, lat, outer, inner)[0])
    for region in others:
        if isinstance(region, PointSkyRegion):
            lon, lat = skycoord_lonlat_deg(region.center, frame)
            pix = lonlat_to_pix(nside, geom.nest, lon, lat)
            found.append(pix_to_ring(nside, geom.nest, np.atleast_1d(pix)))
        elif isinstance(region, _POLYGONS):
            found.append(_polygon_pixels(nside, region, frame))
        else:
            found.append(_contains_pixels(nside, region, frame))
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(found)


def _circle_parameters(circles, frame):
    """Centres (radians, geometry frame) and radii of circles and annuli (the rasterizer's
    fast path: centres read from their stored representation, one conversion per frame)."""
    n = len(circles)
    inner, outer = np.zeros(n), np.empty(n)
    for i, region in enumerate(circles):
        if isinstance(region, _ANNULI):
            inner[i] = region.inner_radius.to_value(u.rad)
            outer[i] = region.outer_radius.to_value(u.rad)
        else:
            outer[i] = region.radius.to_value(u.rad)
    lon, lat = _centres_rad(_Frame(frame), [region.center for region in circles])
    return lon, lat, inner, outer


class _Frame:
    """The one attribute of a grid that `_centres_rad` reads."""

    def __init__(self, sky_frame):
        self.sky_frame = sky_frame


def _candidates(nside, lon_c, lat_c, radius):
    """Ring indices and centres (radians) of the pixels whose centre is within ``radius``."""
    ring, _ = cones_ring(nside, [lon_c], [lat_c], [radius])
    plon, plat = ring_centres(nside, ring)
    return ring, plon, plat


def _polygon_pixels(nside, region, frame):
    centre, vx, vy, radius, lon_c, lat_c = great_circle_polygon(region, frame)
    # A margin so that pixel centres on the cap's rim are candidates.
    radius = radius * (1 + 1e-9) + 1e-12
    ring, plon, plat = _candidates(nside, lon_c, lat_c, radius)
    x, y, cos_distance = gnomonic(unit_vectors(plon, plat), centre)
    with np.errstate(invalid="ignore"):
        inside = (cos_distance > 0) & points_in_polygon(x, y, vx, vy)
    return ring[inside]


def _contains_pixels(nside, region, frame):
    """Pixels for which ``region.contains`` is true, through a TAN projection on its centre."""
    center = getattr(region, "center", None)
    if center is None:
        circle = getattr(region, "bounding_circle", None)
        if circle is None:
            raise TypeError(f"cannot place {describe(region)} on HEALPix pixels")
        center, radius_deg = circle.center, circle.radius.to_value(u.deg)
    else:
        radius_deg = shape_outer_radius_deg(region)
    lon, lat = skycoord_lonlat_deg(center, frame)
    radius = np.radians(min(radius_deg, 180.0)) * (1 + 1e-9) + 1e-12
    ring, plon, plat = _candidates(nside, np.radians(lon), np.radians(lat), radius)
    if ring.size == 0:
        return ring
    coords = SkyCoord(plon * u.rad, plat * u.rad, frame=frame).transform_to(center.frame)
    if hasattr(region, "to_pixel"):
        inside = region.contains(coords, _tan_wcs(center))
    else:
        inside = region.contains(coords)
    return ring[np.asarray(inside, dtype=bool)]


def _tan_wcs(center: SkyCoord) -> WCS:
    """Gnomonic projection centred on ``center`` in its own frame (1 arcsec pixels)."""
    wcs = WCS(naxis=2)
    galactic = center.frame.name == "galactic"
    wcs.wcs.ctype = ["GLON-TAN", "GLAT-TAN"] if galactic else ["RA---TAN", "DEC--TAN"]
    if not galactic:
        wcs.wcs.radesys = {"icrs": "ICRS", "fk5": "FK5", "fk4": "FK4"}.get(
            center.frame.name, "ICRS"
        )
        if center.frame.name in ("fk5", "fk4"):
            wcs.wcs.equinox = center.frame.equinox.jyear if center.frame.name == "fk5" else 1950.0
    sph = center.spherical
    wcs.wcs.crval = [sph.lon.deg, sph.lat.deg]
    wcs.wcs.crpix = [0.0, 0.0]
    wcs.wcs.cdelt = [-1.0 / 3600, 1.0 / 3600]
    return wcs
