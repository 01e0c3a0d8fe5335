"""Exclusion regions from catalog sources: circle sizes and selection by a sky geometry.

Kernel functions take plain arrays in degrees; `exclusion_circles` is the friendly layer that
`SourceCatalog.exclusion_regions` calls.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from regions import CircleSkyRegion, Regions

from ..maps import EnergyDependentCircles, HpxGeom, WcsGeom
from ..utils.frames import skycoord_lonlat_deg
from ..utils.units import as_angle_deg, describe

__all__ = [
    "SELECT_MODES",
    "circle_radius_deg",
    "distance_to_footprint_deg",
    "exclusion_circles",
    "select_in_geometry",
]

#: How `select_in_geometry` decides which sources a geometry keeps.
SELECT_MODES = ("inside", "overlap")


def circle_radius_deg(extension_radius_deg, radius_deg: float, margin_deg: float) -> np.ndarray:
    """Exclusion circle radius: ``max(radius, extension_radius + margin)`` per source.

    Examples
    --------
    >>> circle_radius_deg(np.array([0.0, 0.1, 0.5]), radius_deg=0.3, margin_deg=0.1)
    array([0.3, 0.3, 0.6])
    """
    extension = np.asarray(extension_radius_deg, dtype=float)
    return np.maximum(float(radius_deg), extension + float(margin_deg))


def _unit_vectors(lon_deg, lat_deg) -> np.ndarray:
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def _footprint_edge_lonlat(geom: WcsGeom) -> tuple[np.ndarray, np.ndarray]:
    """Points every half pixel along the outer edges of the image's border pixels."""
    nx, ny = geom.npix
    x_edge = np.arange(2 * nx + 1) / 2 - 0.5
    y_edge = np.arange(2 * ny + 1) / 2 - 0.5
    x = np.concatenate([x_edge, x_edge, np.full_like(y_edge, -0.5), np.full_like(y_edge, nx - 0.5)])
    y = np.concatenate([np.full_like(x_edge, -0.5), np.full_like(x_edge, ny - 0.5), y_edge, y_edge])
    lon, lat = geom.wcs.pixel_to_world_values(x, y)
    valid = np.isfinite(lon) & np.isfinite(lat)
    return lon[valid], lat[valid]


def distance_to_footprint_deg(geom: WcsGeom, lon_deg, lat_deg) -> np.ndarray:
    """Angular distance (deg) from each position to the edge of the geometry's footprint.

    The footprint edge is the outer boundary of the border pixels, sampled every half pixel
    (so the distance is exact to about a quarter of a pixel). Positions are in the geometry
    frame. The distance says nothing about whether a position is inside.
    """
    edge_lon, edge_lat = _footprint_edge_lonlat(geom)
    lon_deg = np.atleast_1d(np.asarray(lon_deg, dtype=float))
    lat_deg = np.atleast_1d(np.asarray(lat_deg, dtype=float))
    if edge_lon.size == 0 or lon_deg.size == 0:
        return np.full(lon_deg.shape, np.inf)
    # Imported here: scipy.spatial takes longer to import than most masks take to compute.
    from scipy.spatial import cKDTree

    chord, _ = cKDTree(_unit_vectors(edge_lon, edge_lat)).query(_unit_vectors(lon_deg, lat_deg))
    return np.degrees(2 * np.arcsin(np.clip(chord / 2, 0, 1)))


def _distance_to_hpx_footprint_deg(geom, lon_deg, lat_deg) -> np.ndarray:
    """Distance (deg) to the nearest pixel centre of a HEALPix geometry, less the largest
    centre-to-edge distance of a pixel (so a circle reaching it may overlap the pixel)."""
    from scipy.spatial import cKDTree

    coord = geom.to_image().get_coord()
    tree = cKDTree(_unit_vectors(coord.lon.to_value(u.deg), coord.lat.to_value(u.deg)))
    chord, _ = tree.query(_unit_vectors(lon_deg, lat_deg))
    # HEALPix pixels reach at most about 1.4 pixel sizes from their centre (corners near the
    # poles); 1.5 keeps the selection on the generous side.
    half_pixel = 1.5 * np.degrees(np.sqrt(4 * np.pi / (12 * float(geom.nside[0]) ** 2)))
    return np.degrees(2 * np.arcsin(np.clip(chord / 2, 0, 1))) - half_pixel


def select_in_geometry(geom, positions: SkyCoord, radius_deg, select: str = "inside"):
    """Which sources a geometry keeps.

    Parameters
    ----------
    geom : `~skymask.maps.WcsGeom`
        Sky geometry (cubes use their sky footprint).
    positions : `~astropy.coordinates.SkyCoord`
        Source positions.
    radius_deg : array_like
        Exclusion circle radius of each source, in degrees (used by ``"overlap"``).
    select : {"inside", "overlap"}
        ``"inside"``: the source position lies inside the geometry (``geom.contains``).
        ``"overlap"``: the source is inside, or its circle reaches the geometry's footprint
        (the outer edges of the border pixels), so that sources just outside the map whose
        circles cut into it are kept too.

    Returns
    -------
    ndarray of bool
    """
    if not isinstance(geom, (WcsGeom, HpxGeom)):
        raise TypeError(f"geom must be a skymask.maps.WcsGeom or HpxGeom, got {describe(geom)}")
    if select not in SELECT_MODES:
        raise ValueError(f"select must be one of {SELECT_MODES}, got {describe(select)}")
    keep = np.asarray(geom.contains(positions), dtype=bool).reshape(np.shape(positions))
    if select == "overlap" and not keep.all():
        outside = np.flatnonzero(~keep)
        lon, lat = skycoord_lonlat_deg(positions[outside], geom.sky_frame)
        # Positions that are not finite are never kept.
        finite = np.isfinite(lon) & np.isfinite(lat)
        outside, lon, lat = outside[finite], lon[finite], lat[finite]
        if isinstance(geom, HpxGeom):
            distance = _distance_to_hpx_footprint_deg(geom, lon, lat)
        else:
            distance = distance_to_footprint_deg(geom, lon, lat)
        radius = np.broadcast_to(np.asarray(radius_deg, dtype=float), keep.shape)[outside]
        keep[outside] = distance <= radius
    return keep


def exclusion_circles(
    positions: SkyCoord,
    extension_radius_deg,
    radius="0.3 deg",
    *,
    geom=None,
    margin="0 deg",
    select: str = "inside",
    psf=None,
    containment: float = 0.95,
    energy_point: str = "lower",
):
    """One `~regions.CircleSkyRegion` per source, sized ``max(radius, extension_radius + margin)``.

    Parameters are those of `SourceCatalog.exclusion_regions`, with the sources' extension
    radii already computed (degrees). With ``psf`` the circles grow with the PSF: the result
    is an `~skymask.maps.EnergyDependentCircles` (``containment`` and ``energy_point`` are
    used only then).
    """
    # A circle region needs a positive radius (regions refuses 0).
    radius_deg = as_angle_deg(radius, name="radius", scalar=True, finite=True, sign="positive")
    margin_deg = as_angle_deg(margin, name="margin", scalar=True, finite=True, sign="non-negative")
    circle_deg = circle_radius_deg(extension_radius_deg, radius_deg, margin_deg)
    if geom is None:
        if select not in SELECT_MODES:
            raise ValueError(f"select must be one of {SELECT_MODES}, got {describe(select)}")
        spherical = positions.spherical
        # Sources without a finite position (warned about when the catalog was read).
        finite = np.isfinite(spherical.lon.deg) & np.isfinite(spherical.lat.deg)
        keep = np.flatnonzero(np.broadcast_to(finite, circle_deg.shape))
    elif psf is not None:
        keep = _select_psf_aware(
            geom, positions, circle_deg, select, psf, containment, energy_point
        )
    else:
        keep = np.flatnonzero(select_in_geometry(geom, positions, circle_deg, select))
    if psf is not None:
        return EnergyDependentCircles(
            positions[keep], circle_deg[keep], psf, containment, energy_point
        )
    return Regions(_circle_regions(positions[keep] if len(keep) else [], circle_deg[keep]))


#: The instance attributes of a `~regions.CircleSkyRegion` (regions 0.10 to 0.12).
_CIRCLE_ATTRIBUTES = {"center", "radius", "meta", "visual"}


def _circle_regions(centers, radii_deg) -> list:
    """One `~regions.CircleSkyRegion` per centre, validated once for all.

    regions validates every attribute of every region it builds (a scalar SkyCoord, a positive
    scalar angle: unit conversions and comparisons of Quantities), which costs more than
    painting the circles. The centres here are scalar SkyCoords (from iterating over one
    SkyCoord) and the radii are checked together, so the regions after the first are built
    with the attributes the first one has, without its checks. If regions stores them some
    other way (or a radius is not positive and finite), every region is built the usual way.
    """
    radii = np.asarray(radii_deg, dtype=float)
    # Iterating over a SkyCoord array is the cheapest way to scalar SkyCoords.
    centers = list(centers)
    if not centers:
        return []
    first = CircleSkyRegion(center=centers[0], radius=Angle(radii[0], u.deg))
    if set(vars(first)) != _CIRCLE_ATTRIBUTES or not np.all(np.isfinite(radii) & (radii > 0)):
        return [first] + [
            CircleSkyRegion(center=center, radius=Angle(radius, u.deg))
            for center, radius in zip(centers[1:], radii[1:], strict=True)
        ]
    angles = Angle(radii, u.deg)
    meta, visual = type(first.meta), type(first.visual)
    circles = [first]
    for center, radius in zip(centers[1:], angles[1:], strict=True):
        region = object.__new__(CircleSkyRegion)
        region.__dict__.update(center=center, radius=radius, meta=meta(), visual=visual())
        circles.append(region)
    return circles


def _select_psf_aware(geom, positions, circle_deg, select, psf, containment, energy_point):
    """Sources a geometry keeps when their circles grow with the PSF.

    ``"inside"`` does not depend on the radius. ``"overlap"`` uses each source's largest
    radius over the geometry's energy bins (the radius of the whole cube's footprint); the
    PSF is evaluated only for the sources outside the map.
    """
    keep = select_in_geometry(geom, positions, circle_deg, "inside")
    if select == "inside" or keep.all():
        return np.flatnonzero(keep)
    if select not in SELECT_MODES:
        raise ValueError(f"select must be one of {SELECT_MODES}, got {describe(select)}")
    outside = np.flatnonzero(~keep)
    finite = np.isfinite(positions[outside].spherical.lon.deg) & np.isfinite(
        positions[outside].spherical.lat.deg
    )
    outside = outside[finite]
    names = [name.lower() for name in geom.axes.names]
    if not outside.size or ("energy" not in names and "energy_true" not in names):
        grown = circle_deg
    else:
        circles = EnergyDependentCircles(
            positions[outside], circle_deg[outside], psf, containment, energy_point
        )
        axis = geom.axes["energy" if "energy" in names else "energy_true"]
        grown = np.array(circle_deg, dtype=float, copy=True)
        grown[outside] = circles.radii_for_axis(axis).deg.max(axis=1)
    return np.flatnonzero(select_in_geometry(geom, positions, grown, "overlap"))
