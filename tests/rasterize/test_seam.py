"""Regions across the longitude seam of all-sky maps (issue 12 item 7).

Polygons used to become a band round the whole sky (their edges drawn the long way across the
map), boxes and ellipses were painted on one side only. The oracles re-build the documented
definition with astropy's WCS directly: the shape in the same projection re-centred on it
(for CAR, the pixel plane continued across the edge), tested with matplotlib's Path.
"""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.wcs import WCS
from matplotlib.path import Path
from numpy.testing import assert_array_equal
from regions import EllipseSkyRegion, PolygonSkyRegion, RectangleSkyRegion

from skymask.maps import WcsGeom


def _allsky(proj, binsz=2.0, frame="galactic"):
    return WcsGeom.create(binsz=binsz, frame=frame, proj=proj)


def _recentred_wcs(geom, lon_centre):
    """The map's WCS with the reference longitude moved to ``lon_centre`` (crval2 = 0)."""
    wcs = WCS(geom.wcs.to_header())
    assert wcs.wcs.crval[1] == 0
    wcs.wcs.crval = [lon_centre, 0.0]
    wcs.wcs.set()
    return wcs


def _pixel_world(geom):
    coords = geom.get_coord()
    return coords["lon"].to_value("deg"), coords["lat"].to_value("deg")


def oracle_polygon(geom, lon, lat, lon_centre):
    """Pixel centres inside the polygon drawn in the projection re-centred on ``lon_centre``."""
    wcs = _recentred_wcs(geom, lon_centre)
    vx, vy = wcs.wcs_world2pix(lon, lat, 0)
    plon, plat = _pixel_world(geom)
    finite = np.isfinite(plon)
    px, py = wcs.wcs_world2pix(np.where(finite, plon, 0), np.where(finite, plat, 0), 0)
    inside = Path(np.column_stack([vx, vy])).contains_points(
        np.column_stack([px.ravel(), py.ravel()])
    )
    return inside.reshape(px.shape) & finite


def oracle_local_shape(geom, kind, lon, lat, width, height, angle):
    """The box/ellipse through the Jacobian of the re-centred projection at its centre.

    Returns (inside, margin): margin is the distance (deg) from the shape's boundary in its
    local coordinates, to leave out pixels within rounding of the edge.
    """
    wcs = _recentred_wcs(geom, lon)
    centre = SkyCoord(lon, lat, unit="deg", frame=geom.frame)
    step = 1 / 3600
    west = centre.directional_offset_by(270 * u.deg, step * u.deg)
    north = centre.directional_offset_by(0 * u.deg, step * u.deg)
    points = SkyCoord([centre, west, north])
    x, y = wcs.world_to_pixel(points)
    jacobian = np.array([[x[1] - x[0], x[2] - x[0]], [y[1] - y[0], y[2] - y[0]]]) / step
    a = np.radians(angle)
    to_local = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]]) @ np.linalg.inv(jacobian)
    plon, plat = _pixel_world(geom)
    finite = np.isfinite(plon)
    px, py = wcs.wcs_world2pix(np.where(finite, plon, 0), np.where(finite, plat, 0), 0)
    du, dv = to_local @ np.array([px.ravel() - x[0], py.ravel() - y[0]])
    du, dv = du.reshape(px.shape), dv.reshape(px.shape)
    if kind == "box":
        margin = np.minimum(width / 2 - np.abs(du), height / 2 - np.abs(dv))
    else:
        margin = 1 - np.hypot(2 * du / width, 2 * dv / height)
    return (margin > 0) & finite, np.abs(margin)


def test_polygon_across_the_car_seam_is_not_a_band():
    geom = _allsky("CAR")
    lon = np.array([172.0, 194.0, 190.0, 168.0])
    lat = np.array([-10.0, -6.0, 12.0, 8.0])
    mask = geom.region_mask(PolygonSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic")))
    # On CAR the re-centred plane is the pixel plane continued across the edge: the polygon in
    # unwrapped (longitude, latitude) coordinates.
    expected = oracle_polygon(geom, lon, lat, 180.0)
    assert_array_equal(mask.data, expected)
    columns = np.flatnonzero(mask.data.any(axis=0))
    assert columns.min() == 0 and columns.max() == geom.npix[0] - 1  # both sides of the seam
    assert mask.data.sum() < 0.02 * mask.data.size  # ~ 22 x 20 deg, not 360 deg wide


def test_polygon_across_the_ait_seam_is_drawn_in_the_recentred_projection():
    geom = _allsky("AIT")
    lon = np.array([165.0, 200.0, 190.0, 170.0, 175.0])
    lat = np.array([-30.0, -20.0, 35.0, 40.0, 5.0])
    region = PolygonSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic"))
    # Unwrapped vertex longitudes run from 165 to 200: re-centred on 182.5.
    expected = oracle_polygon(geom, lon, lat, 182.5)
    assert expected.sum() > 100
    assert_array_equal(geom.region_mask(region).data, expected)


def test_polygon_away_from_the_seam_stays_between_projected_vertices():
    geom = _allsky("AIT")
    lon = np.array([-30.0, 40.0, 30.0, -20.0])
    lat = np.array([-50.0, -40.0, 45.0, 60.0])
    region = PolygonSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic"))
    assert_array_equal(geom.region_mask(region).data, oracle_polygon(geom, lon, lat, 0.0))


def test_polygon_edges_take_the_shorter_way_in_longitude():
    # Vertices at -100 and +100 deg: the edges between them take the 160 deg way across the
    # seam, not the 200 deg way across the map centre (add vertices for a longer band).
    geom = _allsky("CAR")
    lon = np.array([-100.0, 100.0, 100.0, -100.0])
    lat = np.array([-5.5, -5.5, 5.5, 5.5])
    mask = geom.region_mask(PolygonSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic")))
    assert_array_equal(mask.data, oracle_polygon(geom, lon % 360, lat, 180.0))
    centre_column = geom.npix[0] // 2
    assert not mask.data[:, centre_column].any()
    longer = np.array([-100.0, 0.0, 100.0, 100.0, 0.0, -100.0])
    band = geom.region_mask(
        PolygonSkyRegion(SkyCoord(longer, np.repeat([-5.0, 5.0], 3), unit="deg", frame="galactic"))
    )
    assert band.data[:, centre_column].any() and not band.data[:, 0].any()


def test_polygon_around_a_pole_of_a_car_map_is_refused():
    geom = _allsky("CAR")
    lon = np.array([0.0, 90.0, 180.0, 270.0])
    vertices = SkyCoord(lon, np.full(4, 80.0), unit="deg", frame="galactic")
    with pytest.raises(ValueError, match="goes round a pole of the CAR projection"):
        geom.region_mask(PolygonSkyRegion(vertices))


@pytest.mark.parametrize("kind", ["box", "ellipse"])
@pytest.mark.parametrize(("lon", "lat", "angle"), [(180.0, 5.0, 30.0), (178.0, -40.0, -20.0)])
def test_box_and_ellipse_across_the_car_seam_are_painted_on_both_sides(kind, lon, lat, angle):
    geom = _allsky("CAR")
    centre = SkyCoord(lon, lat, unit="deg", frame="galactic")
    if kind == "box":
        region = RectangleSkyRegion(centre, 16 * u.deg, 8 * u.deg, angle * u.deg)
    else:
        region = EllipseSkyRegion(centre, 16 * u.deg, 8 * u.deg, angle * u.deg)
    mask = geom.region_mask(region).data
    columns = np.flatnonzero(mask.any(axis=0))
    assert columns.min() == 0 and columns.max() == geom.npix[0] - 1
    # The same shape on the same grid centred on longitude 180 (no seam near it), rolled back.
    shifted = WcsGeom.create(binsz=2.0, frame="galactic", proj="CAR", skydir=(180, 0))
    expected = np.roll(shifted.region_mask(region).data, geom.npix[0] // 2, axis=1)
    assert_array_equal(mask, expected)
    inside, margin = oracle_local_shape(geom, kind, lon, lat, 16, 8, angle)
    clear = margin > 1e-6
    assert_array_equal(mask[clear], inside[clear])


@pytest.mark.parametrize("kind", ["box", "ellipse"])
def test_box_and_ellipse_across_the_ait_seam_are_painted_on_both_sides(kind):
    geom = _allsky("AIT")
    lon, lat, angle = 182.0, 20.0, 60.0
    centre = SkyCoord(lon, lat, unit="deg", frame="galactic")
    cls = RectangleSkyRegion if kind == "box" else EllipseSkyRegion
    mask = geom.region_mask(cls(centre, 30 * u.deg, 12 * u.deg, angle * u.deg)).data
    inside, margin = oracle_local_shape(geom, kind, lon, lat, 30, 12, angle)
    clear = margin > 1e-6
    assert_array_equal(mask[clear], inside[clear])
    assert inside.sum() > 50
    columns = np.flatnonzero(mask.any(axis=0))
    assert columns.min() < geom.npix[0] // 4 and columns.max() > 3 * geom.npix[0] // 4


def test_icrs_box_on_a_galactic_allsky_map_crossing_the_seam():
    # The galactic anticentre in ICRS: the D12 rotation and the seam together.
    geom = _allsky("CAR")
    centre = SkyCoord(180, 2, unit="deg", frame="galactic").icrs
    region = RectangleSkyRegion(centre, 12 * u.deg, 4 * u.deg, 0 * u.deg)
    shifted = WcsGeom.create(binsz=2.0, frame="galactic", proj="CAR", skydir=(180, 0))
    expected = np.roll(shifted.region_mask(region).data, geom.npix[0] // 2, axis=1)
    mask = geom.region_mask(region).data
    assert expected.sum() > 10
    assert_array_equal(mask, expected)


@pytest.mark.parametrize("radius", [20.0, 60.0, 80.0])
def test_large_circle_across_the_ait_seam_keeps_every_pixel(radius):
    # The cap's rim, projected, lies inside the map while the cap itself reaches the curved
    # seam on both sides: a pixel box from the rim lost 384 of 4268 pixels at 80 deg.
    from regions import CircleSkyRegion

    from .test_region_mask import brute_force_circle

    geom = _allsky("AIT")
    centre = SkyCoord(180, 6, unit="deg", frame="galactic")
    expected = brute_force_circle(geom, centre, radius * u.deg)
    assert_array_equal(geom.region_mask(CircleSkyRegion(centre, radius * u.deg)).data, expected)
