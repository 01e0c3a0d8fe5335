"""`HpxNDMap.plot(method="poly")`: one polygon per HEALPix pixel on WCS axes (gammapy 2.1's
``method="poly"``).

The pixel boundaries are the 4 corners of each pixel (cdshealpix's ``vertices``), joined by
straight lines in the projection plane; the polygons are in the axes' pixel coordinates of
`HpxGeom.to_wcs_geom` (``oversample=1``), as gammapy draws them. A pixel crossing the
projection's seam (the longitude opposite the centre) is cut there into two polygons, one on
each side, both with the pixel's value; vertices on the seam are drawn a hair inside it.
The pole vertices take the longitude of their pixel's centre (any longitude is the pole).
"""

from __future__ import annotations

import numpy as np

from .geom_transforms import pixel_corners

__all__ = ["plot_poly", "seam_polygons"]

# Degrees kept between a drawn vertex and the seam, so it projects on the intended side.
SEAM_GAP = 1e-4


def _clip_half_plane(x, y, limit, keep_below):
    """Sutherland-Hodgman: the polygon ``(x, y)`` cut by ``x <= limit`` (or ``>=``)."""
    inside = x <= limit if keep_below else x >= limit
    out_x, out_y = [], []
    n = len(x)
    for i in range(n):
        j = (i + 1) % n
        if inside[i]:
            out_x.append(x[i])
            out_y.append(y[i])
        if inside[i] != inside[j]:
            t = (limit - x[i]) / (x[j] - x[i])
            out_x.append(limit)
            out_y.append(y[i] + t * (y[j] - y[i]))
    return np.array(out_x), np.array(out_y)


def seam_polygons(lon, lat, centre_lon, lon0):
    """Pixel polygons as longitudes relative to ``lon0`` in ``(-180, 180)``, cut at the seam.

    Parameters
    ----------
    lon, lat : ndarray
        Vertices in degrees, shape (N, V).
    centre_lon : ndarray
        The pixels' centre longitudes in degrees, shape (N,).
    lon0 : float
        The projection's central longitude in degrees.

    Returns
    -------
    list of (ndarray, ndarray, int)
        ``(dlon, lat, pixel)`` per polygon: vertex longitudes relative to ``lon0`` (degrees),
        latitudes and the index of the pixel drawn.

    Examples
    --------
    A pixel from 170 to 190 deg of longitude, drawn around 0 deg, is cut at 180 deg:

    >>> import numpy as np
    >>> lon = np.array([[170.0, 180.0, 190.0, 180.0]])
    >>> lat = np.array([[0.0, 10.0, 0.0, -10.0]])
    >>> parts = seam_polygons(lon, lat, np.array([180.5]), 0.0)
    >>> [(round(float(p[0].min()), 4), round(float(p[0].max()), 4), p[2]) for p in parts]
    [(-179.9999, -170.0, 0), (170.0, 179.9999, 0)]
    """
    wrap = lambda d: (np.asarray(d) + 180.0) % 360.0 - 180.0  # noqa: E731
    centre = wrap(centre_lon - lon0)
    # every vertex on the side of its pixel's centre (a pixel spans less than 180 deg)
    dlon = centre[:, None] + wrap(lon - lon0 - centre[:, None])
    pole = np.abs(lat) >= 90.0 - 1e-9
    dlon = np.where(pole, centre[:, None], dlon)
    edge = 180.0 - SEAM_GAP
    parts = []
    for i in range(dlon.shape[0]):
        x, y = dlon[i], lat[i]
        if x.max() <= 180.0 + 1e-9 and x.min() >= -180.0 - 1e-9:
            parts.append((np.clip(x, -edge, edge), y, i))
            continue
        # across the seam: the part on the centre's side, then the part beyond it
        shift = 360.0 if centre[i] > 0 else -360.0
        if shift > 0:
            parts.append((*_clip_half_plane(x, y, edge, True), i))
            parts.append((*_clip_half_plane(x - shift, y, -edge, False), i))
        else:
            parts.append((*_clip_half_plane(x, y, -edge, False), i))
            parts.append((*_clip_half_plane(x - shift, y, edge, True), i))
    return parts


def plot_poly(m, ax=None, fig=None, proj="AIT", add_cbar=False, **kwargs):
    """See `skymask.maps.HpxNDMap.plot` (``method="poly"``)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Polygon

    geom = m.geom.to_image()
    wcs_geom = m.geom.to_wcs_geom(proj=proj, oversample=1).to_image()
    if ax is None:
        from ..plotting import load_wcsaxes

        load_wcsaxes()
        fig = plt.gcf() if fig is None else fig
        ax = fig.add_subplot(111, projection=wcs_geom.wcs, aspect="equal")
    nside = int(np.ravel(geom.nside)[0])
    lon, lat = pixel_corners(nside, geom.nest, geom.ipix)
    centre_lon = geom.get_coord().lon.to_value("deg")
    lon0 = float(wcs_geom.wcs.wcs.crval[0])
    values = np.asarray(m.data, dtype=float).ravel()
    parts = seam_polygons(lon, lat, centre_lon, lon0)
    # one projection call for every vertex (a call per pixel costs more than the drawing)
    x, y = wcs_geom.wcs.world_to_pixel_values(
        np.concatenate([p[0] for p in parts]) + lon0, np.concatenate([p[1] for p in parts])
    )
    bounds = np.cumsum([len(p[0]) for p in parts])[:-1]
    xy = np.split(np.column_stack([x, y]), bounds)
    patches = [Polygon(vertices, closed=True) for vertices in xy]
    colours = [values[p[2]] for p in parts]
    kwargs.setdefault("linewidths", 0)
    kwargs.setdefault("edgecolors", "none")
    collection = PatchCollection(patches, **kwargs)
    collection.set_array(np.array(colours))
    ax.add_collection(collection)
    ny, nx = wcs_geom.data_shape[-2:]
    ax.set_xlim(-0.5, nx - 0.5)
    ax.set_ylim(-0.5, ny - 0.5)
    if add_cbar:
        ax.figure.colorbar(collection, ax=ax, label=str(m.unit))
    return ax
