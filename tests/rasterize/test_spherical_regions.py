"""regions >= 0.12 spherical regions (issue 11 item 4), against brute force on the sphere."""

import numpy as np
import pytest
import regions
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_array_equal
from regions import CircleAnnulusSkyRegion, CircleSkyRegion, PolygonSkyRegion

from skymask.maps import WcsGeom

from .test_region_mask import brute_force_circle

pytestmark = pytest.mark.skipif(
    not hasattr(regions, "SphericalSkyRegion"),
    reason=f"regions {regions.__version__} has no SphericalSkyRegion classes (regions >= 0.12)",
)

GEOMETRIES = {
    "allsky-ait": dict(binsz=3.0, frame="galactic", proj="AIT"),
    "allsky-car": dict(binsz=3.0, frame="icrs", proj="CAR"),
    "north-pole-tan": dict(npix=(80, 80), binsz=0.5, skydir=(40, 88), frame="icrs", proj="TAN"),
    "high-lat-car": dict(npix=(90, 40), binsz=0.5, skydir=(200, 70), frame="galactic"),
}


def _unit_vectors(lon_deg, lat_deg):
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def brute_force_great_circle_polygon(geom, vertices):
    """Winding number on the sphere: the signed angles at each pixel centre subtended by the
    great-circle edges sum to +-2 pi inside. (They also do inside the antipodal image of the
    polygon, which the hemisphere of the vertices' mean rules out.)"""
    coords = geom.to_image().get_coord()
    pixels = SkyCoord(coords["lon"], coords["lat"], frame=geom.frame).transform_to(vertices.frame)
    p = _unit_vectors(pixels.spherical.lon.deg, pixels.spherical.lat.deg).reshape(-1, 3)
    v = _unit_vectors(vertices.spherical.lon.deg, vertices.spherical.lat.deg)
    total = np.zeros(len(p))
    for i in range(len(v)):
        ta = v[i - 1] - (p @ v[i - 1])[:, None] * p
        tb = v[i] - (p @ v[i])[:, None] * p
        total += np.arctan2(
            np.einsum("ij,ij->i", np.cross(ta, tb), p), np.einsum("ij,ij->i", ta, tb)
        )
    inside = (np.abs(total) > np.pi) & (p @ v.sum(axis=0) > 0)
    finite = np.isfinite(coords["lon"].value).ravel()
    return (inside & finite).reshape(geom.to_image().data_shape)


@pytest.mark.parametrize("name", list(GEOMETRIES))
def test_spherical_circle_and_annulus_are_skymask_circles_d5(name):
    geom = WcsGeom.create(**GEOMETRIES[name])
    centre = geom.center_skydir.directional_offset_by(30 * u.deg, 6 * u.deg).transform_to("fk5")
    circle = regions.CircleSphericalSkyRegion(centre, 10 * u.deg)
    expected = brute_force_circle(geom, centre, 10 * u.deg)
    assert expected.sum() > 20
    assert_array_equal(geom.region_mask(circle).data, expected)
    assert_array_equal(geom.region_mask(CircleSkyRegion(centre, 10 * u.deg)).data, expected)
    annulus = regions.CircleAnnulusSphericalSkyRegion(centre, 4 * u.deg, 10 * u.deg)
    ring = expected & ~brute_force_circle(geom, centre, 4 * u.deg)
    assert_array_equal(geom.region_mask(annulus).data, ring)
    planar = CircleAnnulusSkyRegion(centre, 4 * u.deg, 10 * u.deg)
    assert_array_equal(geom.region_mask(planar).data, ring)


@pytest.mark.parametrize("name", list(GEOMETRIES))
def test_spherical_polygon_has_great_circle_edges(name):
    geom = WcsGeom.create(**GEOMETRIES[name])
    centre = geom.center_skydir
    # A non-convex polygon (an arrow head) around the map centre, in another frame.
    bearings = np.array([0.0, 100.0, 180.0, 260.0])
    distances = np.array([12.0, 10.0, 3.0, 10.0]) * (3 if name.startswith("allsky") else 1)
    vertices = SkyCoord(
        [
            centre.directional_offset_by(b * u.deg, d * u.deg)
            for b, d in zip(bearings, distances, strict=True)
        ]
    ).transform_to("icrs")
    expected = brute_force_great_circle_polygon(geom, vertices)
    assert expected.sum() > 20
    mask = geom.region_mask(regions.PolygonSphericalSkyRegion(vertices)).data
    assert_array_equal(mask, expected)
    # Vertex order does not matter (regions' contains gives the antipodal polygon when the
    # vertices go the other way round).
    reversed_order = geom.region_mask(regions.PolygonSphericalSkyRegion(vertices[::-1])).data
    assert_array_equal(reversed_order, expected)


def test_convex_spherical_polygon_equals_regions_contains():
    geom = WcsGeom.create(**GEOMETRIES["allsky-ait"])
    vertices = SkyCoord([170, 200, 200, 170], [-20, -20, 25, 25], unit="deg", frame="galactic")
    region = regions.PolygonSphericalSkyRegion(vertices)  # clockwise on the sky, as regions needs
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"], coords["lat"], frame="galactic")
    finite = np.isfinite(coords["lon"].value)
    expected = np.zeros(geom.data_shape, dtype=bool)
    expected[finite] = region.contains(pixels[finite])
    mask = geom.region_mask(region).data
    assert_array_equal(mask, expected)
    # Across the seam of the all-sky map: both sides are painted.
    columns = np.flatnonzero(mask.any(axis=0))
    assert columns.min() < geom.npix[0] // 4 and columns.max() > 3 * geom.npix[0] // 4


def test_spherical_and_planar_polygons_differ_as_their_definitions_say():
    # Along a parallel at 60 deg the great circle between two vertices bulges towards the pole;
    # the planar polygon (between projected vertices) of a CAR map follows the parallel.
    # A survey grid: reference point on the equator, so that rows are parallels.
    geom = WcsGeom.create(npix=(120, 60), binsz=0.25, skydir=(0, 0), refpix=(60.5, -203.5))
    vertices = SkyCoord([-12, 12, 12, -12], [55, 55, 62, 62], unit="deg")
    spherical = geom.region_mask(regions.PolygonSphericalSkyRegion(vertices)).data
    planar = geom.region_mask(PolygonSkyRegion(vertices)).data
    assert_array_equal(spherical, brute_force_great_circle_polygon(geom, vertices))
    assert (spherical & ~planar).any() and (planar & ~spherical).any()


def test_polygon_beyond_a_hemisphere_is_refused():
    geom = WcsGeom.create(**GEOMETRIES["allsky-car"])
    vertices = SkyCoord([0, 120, 240], [0, 0, 0], unit="deg")  # a great circle: no inside
    with pytest.raises(ValueError, match="does not fit in a hemisphere"):
        geom.region_mask(regions.PolygonSphericalSkyRegion(vertices))


def test_other_spherical_shapes_follow_regions_contains():
    geom = WcsGeom.create(**GEOMETRIES["allsky-car"])
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"], coords["lat"], frame="icrs")
    a = SkyCoord(30, 10, unit="deg")
    b = SkyCoord(40, 15, unit="deg")
    shapes = [
        regions.LuneSphericalSkyRegion(SkyCoord(0, 0, unit="deg"), SkyCoord(90, 0, unit="deg")),
        regions.RangeSphericalSkyRegion(
            frame="galactic", longitude_range=[20, 60] * u.deg, latitude_range=[-10, 30] * u.deg
        ),
    ]
    for shape in shapes:
        # (regions' own contains needs the coordinates in the region's frame.)
        expected = np.asarray(shape.contains(pixels.transform_to(shape.frame)), dtype=bool)
        assert expected.sum() > 20
        assert_array_equal(geom.region_mask(shape).data, expected, err_msg=type(shape).__name__)
    # Compound spherical regions combine their members exactly (the circles on the sphere).
    both = regions.CircleSphericalSkyRegion(a, 12 * u.deg) & regions.CircleSphericalSkyRegion(
        b, 12 * u.deg
    )
    expected = brute_force_circle(geom, a, 12 * u.deg) & brute_force_circle(geom, b, 12 * u.deg)
    assert_array_equal(geom.region_mask(both).data, expected)


def test_spherical_regions_mix_with_ds9_exclusion_sign():
    geom = WcsGeom.create(**GEOMETRIES["high-lat-car"])
    centre = geom.center_skydir
    big = regions.CircleSphericalSkyRegion(centre, 8 * u.deg)
    small = regions.CircleSphericalSkyRegion(centre, 3 * u.deg, meta={"include": 0})
    expected = brute_force_circle(geom, centre, 8 * u.deg) & ~brute_force_circle(
        geom, centre, 3 * u.deg
    )
    assert_array_equal(geom.region_mask([big, small]).data, expected)


def test_non_finite_spherical_regions_are_refused():
    geom = WcsGeom.create(**GEOMETRIES["allsky-car"])
    with pytest.raises(ValueError, match="center of CircleSphericalSkyRegion is not finite"):
        geom.region_mask(
            regions.CircleSphericalSkyRegion(SkyCoord(np.nan, 0, unit="deg"), 1 * u.deg)
        )
    with pytest.raises(ValueError, match="radius of CircleSphericalSkyRegion is not finite"):
        geom.region_mask(
            regions.CircleSphericalSkyRegion(SkyCoord(0, 0, unit="deg"), np.inf * u.deg)
        )


def test_spherical_circle_beyond_180_deg_is_the_whole_sky():
    geom = WcsGeom.create(**GEOMETRIES["allsky-car"])
    circle = regions.CircleSphericalSkyRegion(SkyCoord(10, 20, unit="deg"), 190 * u.deg)
    assert geom.region_mask(circle).data.all()
