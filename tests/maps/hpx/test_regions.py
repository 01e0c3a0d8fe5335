"""HEALPix region masks against a brute-force test of every pixel centre on the sphere.

The oracle takes the pixel centres from cdshealpix (not from skymask's ring formulas) and
the angular distance from astropy's ``angular_separation``; geometries are random (seeded):
nside 64-1024, ring and nested, all-sky and partial (DISK regions), both frames.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord, angular_separation
from numpy.testing import assert_array_equal
from regions import (
    CircleAnnulusSkyRegion,
    CircleSkyRegion,
    EllipseSkyRegion,
    PointSkyRegion,
    PolygonSkyRegion,
    RectangleSkyRegion,
)

from skymask.maps import HpxGeom, HpxNDMap

cds_ring = pytest.importorskip("cdshealpix.ring")
cds_nested = pytest.importorskip("cdshealpix.nested")


def centres(geom, ipix=None):
    """Oracle pixel centres (degrees, geometry frame) from cdshealpix."""
    nside = int(geom.nside[0])
    ipix = geom.ipix if ipix is None else ipix
    if geom.nest:
        lon, lat = cds_nested.healpix_to_lonlat(ipix, int(np.log2(nside)))
    else:
        lon, lat = cds_ring.healpix_to_lonlat(ipix, nside)
    return lon.to_value(u.deg), lat.to_value(u.deg)


def candidates(geom, centre: SkyCoord, radius_deg):
    """Local indices of the geometry's pixels that may have their centre within the radius:
    cdshealpix's cone search (pixels overlapping the cone, a superset), independent of
    skymask's kernels; keeps the oracle fast on nside 1024 skies."""
    nside = int(geom.nside[0])
    depth = int(np.log2(nside))
    sph = centre.transform_to(geom.frame).spherical
    nested, _, _ = cds_nested.cone_search(
        sph.lon, sph.lat, (radius_deg + 1e-6) * u.deg, depth, flat=True
    )
    pix = np.asarray(nested, np.int64)
    if not geom.nest:
        from cdshealpix import to_ring

        pix = np.asarray(to_ring(pix.astype(np.uint64), depth), np.int64)
    local = geom.global_to_local(pix)
    return np.unique(local[local >= 0])


def separation_deg(geom, centre: SkyCoord, local=None):
    ipix = geom.ipix if local is None else geom.ipix[local]
    lon, lat = centres(geom, ipix)
    c = centre.transform_to(geom.frame)
    sph = c.spherical
    return np.degrees(
        angular_separation(np.radians(lon), np.radians(lat), sph.lon.rad, sph.lat.rad)
    )


def random_geom(rng, nside):
    nest = bool(rng.integers(2))
    frame = str(rng.choice(["icrs", "galactic"]))
    region = None
    if rng.uniform() < 0.5:
        lon, lat = rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-1, 1)))
        region = f"DISK({lon:.3f},{lat:.3f},{rng.uniform(3, 20):.3f})"
    return HpxGeom(nside, nest=nest, frame=frame, region=region)


def assert_mask_equal(mask, expected, tie):
    assert mask.dtype == bool
    assert_array_equal(mask[~tie], expected[~tie])


@pytest.mark.parametrize("seed", range(8))
def test_circles_and_annuli_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    nside = int(rng.choice([64, 128, 256, 1024]))
    geom = random_geom(rng, nside)
    regions, expected = [], np.zeros(geom.data_shape, bool)
    tie = np.zeros(geom.data_shape, bool)
    c0 = geom.center_skydir
    for _ in range(6):
        # Centres near the geometry centre, so partial geometries are hit too.
        offset = c0.directional_offset_by(rng.uniform(0, 360) * u.deg, rng.uniform(0, 15) * u.deg)
        centre = offset.transform_to(str(rng.choice(["icrs", "galactic"])))
        r = rng.uniform(0.05, 4.0)
        local = candidates(geom, centre, r)
        d = separation_deg(geom, centre, local)
        if rng.uniform() < 0.4:
            inner = r * rng.uniform(0.2, 0.8)
            regions.append(CircleAnnulusSkyRegion(centre, inner * u.deg, r * u.deg))
            expected[local] |= (d >= inner) & (d < r)
            tie[local] |= np.abs(d - inner) < 1e-8
        else:
            regions.append(CircleSkyRegion(centre, r * u.deg))
            expected[local] |= d < r
        tie[local] |= np.abs(d - r) < 1e-8
    mask = geom.region_mask(regions)
    assert isinstance(mask, HpxNDMap)
    # Outside the candidates the oracle says False: so must the mask.
    assert_mask_equal(mask.data, expected, tie)
    outside = geom.region_mask(regions, inside=False)
    assert_mask_equal(outside.data, ~expected, tie)


def _inside_convex(lon, lat, vertices):
    """Oracle: a point is inside a convex great-circle polygon (counter-clockwise vertices)
    when it is on the left of every edge plane (cross products)."""

    def vec(lo, la):
        lo, la = np.radians(lo), np.radians(la)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)

    p = vec(lon, lat)
    v = vec(*np.array(vertices).T)
    inside = np.ones(p.shape[0], bool)
    margin = np.full(p.shape[0], np.inf)
    for i in range(len(v)):
        n = np.cross(v[i], v[(i + 1) % len(v)])
        s = p @ n
        inside &= s >= 0
        margin = np.minimum(margin, np.abs(s))
    return inside, margin < 1e-12


CONVEX = [(28.0, 38.0), (36.0, 37.0), (37.0, 41.5), (29.0, 42.5)]
# The concave L as two convex pieces sharing the great-circle diagonal (200,-20)-(202,-18), so
# that their union has exactly the L's edges.
L_PARTS = [
    [(200.0, -20.0), (206.0, -20.0), (206.0, -18.0), (202.0, -18.0)],
    [(200.0, -20.0), (202.0, -18.0), (202.0, -12.0), (200.0, -12.0)],
]
L_SHAPE = [(200.0, -20.0), (206.0, -20.0), (206.0, -18.0), (202.0, -18.0), (202.0, -12.0),
           (200.0, -12.0)]  # fmt: skip


@pytest.mark.parametrize("nside", [64, 256, 1024])
@pytest.mark.parametrize("nest", [False, True])
def test_great_circle_polygons_equal_the_sphere_oracle(nside, nest):
    geom = HpxGeom(nside, nest=nest, frame="icrs")
    for vertices, parts, centre in (
        (CONVEX, [CONVEX], SkyCoord(32.5, 40, unit="deg")),
        (L_SHAPE, L_PARTS, SkyCoord(203, -16, unit="deg")),
    ):
        local = candidates(geom, centre, 6.0)
        lon, lat = centres(geom, geom.ipix[local])
        region = PolygonSkyRegion(SkyCoord(*np.array(vertices).T, unit="deg", frame="icrs"))
        expected = np.zeros(lon.size, bool)
        tie = np.zeros(lon.size, bool)
        for part in parts:
            inside, near = _inside_convex(lon, lat, part)
            expected |= inside
            tie |= near
        mask = geom.region_mask([region]).data
        assert expected.sum() > 10
        assert mask.sum() == mask[local].sum()
        assert_mask_equal(mask[local], expected, tie)


def test_ellipse_and_rectangle_use_regions_contains_in_the_tangent_plane():
    geom = HpxGeom(512, nest=True, frame="galactic", region="DISK(10,5,6)")
    centre = SkyCoord(10.5, 5.2, unit="deg", frame="galactic")
    ellipse = EllipseSkyRegion(centre, 3 * u.deg, 1 * u.deg, angle=30 * u.deg)
    box = RectangleSkyRegion(centre, 2 * u.deg, 0.5 * u.deg, angle=-20 * u.deg)
    lon, lat = centres(geom)
    coords = SkyCoord(lon, lat, unit="deg", frame="galactic")
    from astropy.wcs import WCS

    # Oracle: regions' contains with a TAN WCS of another pixel size centred on the shape.
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["GLON-TAN", "GLAT-TAN"]
    wcs.wcs.crval = [10.5, 5.2]
    wcs.wcs.cdelt = [-0.01, 0.01]
    for region in (ellipse, box):
        expected = region.contains(coords, wcs)
        assert expected.sum() > 50
        assert_array_equal(geom.region_mask(region).data, expected)


def test_points_mark_their_pixel_and_exclude_regions_are_removed():
    geom = HpxGeom(128, nest=False, frame="icrs")
    point = SkyCoord(83.63, 22.01, unit="deg")
    mask = geom.region_mask([PointSkyRegion(point)]).data
    assert mask.sum() == 1
    assert np.flatnonzero(mask)[0] == geom.coord_to_idx(point)[0][0]
    both = geom.region_mask("icrs;circle(83.63,22.01,3);-circle(83.63,22.01,1)").data
    d = separation_deg(geom, point)
    assert_array_equal(both, (d < 3) & ~(d < 1))


def test_pixel_regions_are_refused():
    geom = HpxGeom(16)
    with pytest.raises(TypeError, match="no pixel plane"):
        geom.region_mask("image;circle(10,10,3)")


def test_energy_mask_and_cube_region_mask():
    from skymask.maps import MapAxis

    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4)
    geom = HpxGeom(32, nest=True, axes=[axis], region="DISK(0,0,20)")
    mask = geom.energy_mask("10 TeV", "100 TeV")
    assert mask.data.shape == (4, geom.data_shape[-1])
    assert mask.data[:, 0].tolist() == [False, False, True, True]
    region = geom.region_mask("icrs;circle(0,0,5)")
    assert region.data.shape == geom.data_shape
    assert (region.data == region.data[0]).all()


@pytest.mark.data
def test_catalog_exclusion_regions_onto_healpix(gammapy_data):
    from skymask.catalog import SourceCatalog3FHL

    catalog = SourceCatalog3FHL(filename=gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    geom = HpxGeom(256, nest=True, frame="galactic", region="DISK(0,0,20)")
    inside = catalog.exclusion_regions("0.3 deg", geom=geom)
    overlap = catalog.exclusion_regions("0.3 deg", geom=geom, select="overlap")
    assert 0 < len(inside) < len(overlap) < len(catalog)
    mask = geom.region_mask(overlap, inside=False)
    assert mask.is_mask and isinstance(mask, HpxNDMap)
    # Oracle: the same circles, every pixel centre tested by angular separation.
    lon, lat = centres(geom)
    pix = SkyCoord(lon, lat, unit="deg", frame="galactic")
    excluded = np.zeros(lon.size, bool)
    tie = np.zeros(lon.size, bool)
    for region in overlap:
        d = pix.separation(region.center).deg
        r = region.radius.to_value("deg")
        excluded |= d < r
        tie |= np.abs(d - r) < 1e-8
    assert_mask_equal(mask.data, ~excluded, tie)
    # Every source whose circle reaches a pixel centre of the geometry is selected.
    everything = catalog.exclusion_regions("0.3 deg")
    assert_array_equal(geom.region_mask(everything).data, ~mask.data)
