"""The hierarchical nested disk query against cdshealpix, the ring query and brute force.

Oracles: cdshealpix's nested -> ring conversion and pixel centres (independent code), the
ring-scheme cone query of `skymask.kernels.healpix` converted by cdshealpix and sorted (itself
tested against a brute force of every pixel in tests/kernels/test_healpix.py), and a brute
force of the angular distance of every pixel centre.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skymask.kernels.healpix import npix_of, ring_centres, ring_start
from skymask.maps import HpxGeom
from skymask.maps.hpx import disk
from skymask.maps.hpx.disk import _coarse_centres, disk_nested, max_pixrad, nested_centres

cdshealpix = pytest.importorskip("cdshealpix")
cds_nested = pytest.importorskip("cdshealpix.nested")


def _cds_to_ring(depth, cells):
    out = cdshealpix.to_ring(np.asarray(cells, dtype=np.uint64), depth)
    return np.asarray(out).astype(np.int64)


def _cds_lonlat(depth, cells):
    import astropy.units as u

    lon, lat = cds_nested.healpix_to_lonlat(np.asarray(cells, dtype=np.uint64), depth)
    return lon.to_value(u.rad), lat.to_value(u.rad)


def _distance(lon, lat, lon0, lat0):
    """Angular distance by Vincenty's formula (accurate at every angle)."""
    dlon = lon - lon0
    num = np.hypot(
        np.cos(lat) * np.sin(dlon),
        np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(dlon),
    )
    return np.arctan2(num, np.sin(lat0) * np.sin(lat) + np.cos(lat0) * np.cos(lat) * np.cos(dlon))


def _ring_query(depth, lon, lat, outer):
    """The previous path: ring query, cdshealpix's ring -> nested conversion, sort."""
    from skymask.kernels.healpix import cones_ring

    ring, _ = cones_ring(1 << depth, [lon], [lat], [outer])
    return np.sort(np.asarray(cdshealpix.from_ring(ring.astype(np.uint64), depth)).astype(np.int64))


@pytest.mark.parametrize("depth", [0, 1, 2, 5, 8, 9, 10])
def test_nested_centres_equal_cdshealpix_and_ring_centres(depth):
    cells = np.arange(npix_of(1 << depth), dtype=np.int64)
    if cells.size > 300_000:
        cells = np.unique(np.r_[cells[:5000], cells[-5000:], cells[:: cells.size // 100_000]])
    ring, position, z, sin_theta, phi = nested_centres(depth, cells)
    ipix = ring_start(1 << depth, ring) + position
    assert_array_equal(ipix, _cds_to_ring(depth, cells))
    # Bit for bit the centres of ring_centres (what cones_ring tests).
    lon_ref, lat_ref = ring_centres(1 << depth, ipix)
    assert_array_equal(phi, lon_ref)
    assert_array_equal(np.arctan2(z, sin_theta), lat_ref)


@pytest.mark.parametrize("depth", [13, 14, 20, 29])
def test_nested_centres_without_tables_at_large_depth(depth):
    # Beyond the cached ring tables (nside > 8192) the ring geometry comes from the formulas.
    rng = np.random.default_rng(depth)
    cells = rng.integers(0, npix_of(1 << depth), 20_000)
    ring, position, z, sin_theta, phi = nested_centres(depth, cells)
    assert_array_equal(ring_start(1 << depth, ring) + position, _cds_to_ring(depth, cells))
    lon_ref, lat_ref = _cds_lonlat(depth, cells)
    assert np.max(np.abs(np.arctan2(z, sin_theta) - lat_ref)) < 1e-12
    assert np.max(np.abs(np.angle(np.exp(1j * (phi - lon_ref))) * np.cos(lat_ref))) < 1e-12


@pytest.mark.parametrize(("depth", "final"), [(0, 0), (3, 3), (3, 8), (6, 10), (9, 12), (10, 16)])
def test_coarse_centres_are_the_centres(depth, final):
    rng = np.random.default_rng(depth + final)
    cells = rng.integers(0, npix_of(1 << depth), 5000)
    z, sin_theta, phi = _coarse_centres(depth, cells, final)
    lon_ref, lat_ref = _cds_lonlat(depth, cells)
    assert np.max(np.abs(np.arctan2(z, sin_theta) - lat_ref)) < 1e-13
    assert np.max(np.abs(np.angle(np.exp(1j * (phi - lon_ref))) * np.cos(lat_ref))) < 1e-13


@pytest.mark.parametrize(("depth", "levels"), [(0, 5), (1, 4), (2, 4), (3, 4), (4, 4), (5, 3)])
def test_max_pixrad_bounds_every_cell(depth, levels):
    # The bound the refinement relies on: every descendant centre (depth + 1 .. + levels) of
    # every cell lies within max_pixrad of the cell's centre.
    bound = max_pixrad(1 << depth)
    for extra in range(1, levels + 1):
        fine = np.arange(npix_of(1 << (depth + extra)), dtype=np.int64)
        lon, lat = _cds_lonlat(depth + extra, fine)
        lon_c, lat_c = _cds_lonlat(depth, fine >> (2 * extra))
        worst = _distance(lon, lat, lon_c, lat_c).max()
        assert worst < bound, (depth, extra, worst / bound)
    # Not a loose bound: the corners of the cells reach it (within 1e-9).
    cells = np.arange(npix_of(1 << depth), dtype=np.uint64)
    corners = cds_nested.vertices(cells, depth)
    lon_c, lat_c = _cds_lonlat(depth, cells)
    import astropy.units as u

    lon_v, lat_v = corners[0].to_value(u.rad), corners[1].to_value(u.rad)
    reach = _distance(lon_v, lat_v, lon_c[:, None], lat_c[:, None]).max()
    assert abs(reach - bound) < 1e-9


def _random_disks(n, seed):
    rng = np.random.default_rng(seed)
    for k in range(n):
        depth = int(rng.integers(0, 12))
        lon, lat = rng.uniform(0, 2 * np.pi), math.asin(rng.uniform(-1, 1))
        if k % 4 == 0:  # on corners and centres of base cells, the poles, the seam
            lon = float(rng.integers(0, 8)) * np.pi / 4
            lat = float(
                rng.choice([0.0, np.pi / 2, -np.pi / 2, math.asin(2 / 3), -math.asin(2 / 3)])
            )
        outer = math.exp(rng.uniform(math.log(1e-3), math.log(3.3)))
        if depth >= 10:
            outer = min(outer, 0.2)
        yield depth, lon, lat, outer


def test_disk_nested_equals_the_ring_query_on_random_disks():
    for depth, lon, lat, outer in _random_disks(600, 16):
        got = disk_nested(depth, lon, lat, outer)
        assert_array_equal(
            got, _ring_query(depth, lon, lat, outer), err_msg=str((depth, lon, lat, outer))
        )


@pytest.mark.parametrize("depth", [6, 8])
def test_disk_nested_equals_brute_force(depth):
    cells = np.arange(npix_of(1 << depth), dtype=np.int64)
    lon_p, lat_p = _cds_lonlat(depth, cells)
    for _, lon, lat, outer in _random_disks(40, depth):
        d = _distance(lon_p, lat_p, lon, lat)
        tie = np.abs(d - outer) < 1e-10
        got = np.zeros(cells.size, dtype=bool)
        result = disk_nested(depth, lon, lat, outer)
        got[result] = True
        assert np.all(np.diff(result) > 0)  # sorted, each pixel once
        assert_array_equal(got[~tie], (d < outer)[~tie])


def test_disk_nested_radius_through_pixel_centres_uses_the_exact_test(monkeypatch):
    # A radius equal to the distance of pixel centres puts them within MARGIN of the rim: the
    # exact haversine test of cones_ring decides, so the answer still equals the ring query's.
    calls = []
    real = disk.nested_centres

    def counting(depth, cells):
        calls.append(np.size(cells))
        return real(depth, cells)

    monkeypatch.setattr(disk, "nested_centres", counting)
    rng = np.random.default_rng(7)
    depth = 9
    for _ in range(30):
        lon, lat = rng.uniform(0, 2 * np.pi), math.asin(rng.uniform(-1, 1))
        pixel = int(rng.integers(0, npix_of(1 << depth)))
        p_lon, p_lat = ring_centres(1 << depth, _cds_to_ring(depth, [pixel]))
        radius = float(_distance(p_lon, p_lat, lon, lat)[0])
        if not 0.01 < radius < 1.0:
            continue
        for outer in (np.nextafter(radius, 0), radius, np.nextafter(radius, 4), radius + 1e-12):
            assert_array_equal(
                disk_nested(depth, lon, lat, outer), _ring_query(depth, lon, lat, outer)
            )
    assert sum(calls) > 0


def test_disk_nested_at_large_depth_against_brute_force():
    # nside 2**20 (no ring tables, every level computed): the candidates of cdshealpix's cone
    # search with a wider radius hold every centre; their distances decide.
    depth, lon, lat, outer = 20, 1.234, -0.4, 5e-4
    candidates = cds_nested.cone_search(
        *(q for q in _as_quantities(lon, lat, outer + 1e-5)), depth=depth, flat=True
    )[0]
    candidates = np.sort(np.asarray(candidates).astype(np.int64))
    c_lon, c_lat = _cds_lonlat(depth, candidates)
    d = _distance(c_lon, c_lat, lon, lat)
    got = disk_nested(depth, lon, lat, outer)
    tie = np.abs(d - outer) < 1e-12
    assert np.isin(got, candidates).all()
    inside = np.isin(candidates, got)
    assert_array_equal(inside[~tie], (d < outer)[~tie])
    assert got.size > 1000


def _as_quantities(lon, lat, radius):
    import astropy.units as u
    from astropy.coordinates import Latitude, Longitude

    return Longitude(lon * u.rad), Latitude(lat * u.rad), radius * u.rad


def test_disk_nested_whole_sky_and_corner_disk():
    assert_array_equal(disk_nested(3, 0.3, 0.2, 3.2), np.arange(768))
    for outer in (0.0, -0.5):  # as cones_ring: nothing (a negative radius is not a disk)
        assert disk_nested(10, 0.3, 0.2, outer).size == 0
        assert _ring_query(10, 0.3, 0.2, outer).size == 0
    # cdshealpix's cone_search flags cells of this disk as covered although their centres are
    # outside (16 pixels): the centres inside are 12.
    got = disk_nested(2, 0.0, 0.0, np.nextafter(math.radians(30.0), 4))
    assert got.size == 12
    assert_array_equal(got, _ring_query(2, 0.0, 0.0, np.nextafter(math.radians(30.0), 4)))


@pytest.mark.parametrize("nside", [64, 1024])
def test_nested_disk_region_equals_the_ring_geometry_converted(nside):
    region = "DISK(123.4,-56.7,7.5)"
    nested = HpxGeom(nside, nest=True, frame="galactic", region=region).ipix
    ring = HpxGeom(nside, nest=False, frame="galactic", region=region).ipix
    converted = np.sort(
        np.asarray(cdshealpix.from_ring(ring.astype(np.uint64), nside.bit_length() - 1))
    )
    assert_array_equal(nested, converted.astype(np.int64))
