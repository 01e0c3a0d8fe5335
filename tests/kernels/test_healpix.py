"""HEALPix ring kernels against cdshealpix's centres and a brute-force test of every pixel."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skymask.kernels.healpix import cones_ring, npix_of, ring_centres

cds_ring = pytest.importorskip("cdshealpix.ring")


def _cds_centres(nside, ipix):
    import astropy.units as u

    lon, lat = cds_ring.healpix_to_lonlat(ipix, nside)
    return lon.to_value(u.rad), lat.to_value(u.rad)


@pytest.mark.parametrize("nside", [1, 2, 3, 7, 64, 1024])
def test_ring_centres_match_cdshealpix(nside):
    npix = npix_of(nside)
    ipix = np.unique(np.r_[np.arange(min(npix, 5000)), np.arange(npix - min(npix, 5000), npix),
                           np.arange(0, npix, max(npix // 20011, 1))])  # fmt: skip
    lon, lat = ring_centres(nside, ipix)
    lon_ref, lat_ref = _cds_centres(nside, ipix)
    assert_allclose(lat, lat_ref, atol=1e-13, rtol=0)
    dlon = np.angle(np.exp(1j * (lon - lon_ref)))
    assert np.all(np.abs(dlon * np.cos(lat)) < 1e-13)


def _brute_force(nside, lon, lat, outer, inner=0.0):
    """Every pixel of the sky, the angular distance by the dot product (with ties flagged)."""
    lon_p, lat_p = _cds_centres(nside, np.arange(npix_of(nside)))
    cos_d = np.sin(lat) * np.sin(lat_p) + np.cos(lat) * np.cos(lat_p) * np.cos(lon_p - lon)
    d = np.arccos(np.clip(cos_d, -1, 1))
    inside = (d < outer) & (d >= inner)
    tie = (np.abs(d - outer) < 1e-9) | (np.abs(d - inner) < 1e-9)
    return inside, tie


@pytest.mark.parametrize("nside", [64, 128, 256, 100])
def test_cones_equal_brute_force_on_random_cones(nside):
    rng = np.random.default_rng(nside)
    n = 12
    lon = rng.uniform(0, 2 * np.pi, n)
    lat = np.arcsin(rng.uniform(-1, 1, n))
    # Include a pole, cones on the seam, tiny and large radii.
    lon[:3] = [0.0, 2 * np.pi - 1e-3, 1.0]
    lat[:3] = [np.pi / 2, 0.2, -np.pi / 2 + 0.01]
    outer = np.radians(rng.choice([0.05, 0.3, 2.0, 15.0, 95.0], n))
    inner = np.where(rng.uniform(size=n) < 0.3, outer * 0.5, 0.0)
    ipix, cone = cones_ring(nside, lon, lat, outer, inner)
    for k in range(n):
        expected, tie = _brute_force(nside, lon[k], lat[k], outer[k], inner[k])
        got = np.zeros(npix_of(nside), dtype=bool)
        got[ipix[cone == k]] = True
        assert_array_equal(got[~tie], expected[~tie])
        assert np.unique(ipix[cone == k]).size == np.count_nonzero(cone == k)


def test_whole_sky_and_empty_cones():
    nside = 8
    ipix, _ = cones_ring(nside, [1.0], [0.3], [4.0])
    assert_array_equal(np.sort(ipix), np.arange(npix_of(nside)))
    ipix, _ = cones_ring(nside, [1.0, 2.0], [0.3, 0.1], [0.0, 0.2], inner=[0.0, 0.3])
    assert ipix.size == 0


def test_batches_give_the_same_answer():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(0, 6, 200), rng.uniform(-1.4, 1.4, 200)
    r = np.radians(rng.uniform(0.5, 3, 200))
    a = cones_ring(128, lon, lat, r)
    b = cones_ring(128, lon, lat, r, max_candidates=500)
    assert sorted(zip(*a, strict=True)) == sorted(zip(*b, strict=True))


@pytest.mark.parametrize("nside", [5, 64, 100, 1024])
def test_long_windows_tested_at_their_edges_only_equal_the_full_test(nside):
    """Cones wide enough for the edge-only test: every pixel centre of the sky, tested with
    the same rule (haversine thresholds), gives the same set; ties beyond the rule flagged."""
    from skymask.kernels.raster import circle_limits, haversine_sin2_half

    rng = np.random.default_rng(nside + 1)
    lon = np.r_[rng.uniform(-1, 7, 5), 0.0, 3.0]
    lat = np.r_[np.arcsin(rng.uniform(-1, 1, 5)), 1.5, -1.2]
    outer = np.radians(np.r_[rng.uniform(3, 40, 5), 25.0, 8.0])
    ipix, cone = cones_ring(nside, lon, lat, outer)
    all_lon, all_lat = ring_centres(nside, np.arange(npix_of(nside)))
    for k in range(lon.size):
        sin2 = haversine_sin2_half(all_lon, all_lat, lon[k], lat[k])
        expected = sin2 < circle_limits(0.0, outer[k])[1]
        got = np.zeros(npix_of(nside), dtype=bool)
        got[ipix[cone == k]] = True
        assert_array_equal(got, expected)
        assert np.count_nonzero(cone == k) == np.count_nonzero(expected)
        reference, tie = _brute_force(nside, lon[k], lat[k], outer[k])
        assert_array_equal(got[~tie], reference[~tie])


@pytest.mark.parametrize("nside", [1, 3, 64, 1024])
def test_cones_ring_with_ring_gives_each_pixels_ring(nside):
    """``with_ring`` adds the ring of every pixel: the same as `ring_of_index`, and the pixels
    and cones are those returned without it."""
    from skymask.kernels.healpix import cones_ring, ring_of_index

    rng = np.random.default_rng(nside)
    lon = rng.uniform(0, 2 * np.pi, 20)
    lat = np.arcsin(rng.uniform(-1, 1, 20))
    lat[:2] = [np.pi / 2, -np.pi / 2]
    outer = rng.uniform(0.01, 0.5, 20)
    inner = np.where(np.arange(20) % 3 == 0, outer / 2, 0.0)
    ipix, cone = cones_ring(nside, lon, lat, outer, inner)
    ipix_r, cone_r, ring = cones_ring(nside, lon, lat, outer, inner, with_ring=True)
    np.testing.assert_array_equal(ipix_r, ipix)
    np.testing.assert_array_equal(cone_r, cone)
    np.testing.assert_array_equal(ring, ring_of_index(nside, ipix))
    assert ipix.size > 0


@pytest.mark.parametrize("nside", [1, 16, 256, 100])
def test_cones_ring_candidates_hold_every_centre_inside_once(nside):
    """``exact=False``: each cone's windows hold every centre the brute force puts inside,
    each pixel once per cone, with few others (all of them outside)."""
    rng = np.random.default_rng(nside + 5)
    n = 10
    lon = rng.uniform(0, 2 * np.pi, n)
    lat = np.arcsin(rng.uniform(-1, 1, n))
    lon[:3] = [0.0, 2 * np.pi - 1e-3, 2.0]
    lat[:3] = [np.pi / 2, 0.1, -np.pi / 2 + 0.02]
    outer = np.radians(rng.choice([0.1, 1.0, 4.0, 30.0], n))
    ipix, cone, ring = cones_ring(nside, lon, lat, outer, with_ring=True, exact=False)
    from skymask.kernels.healpix import ring_of_index

    assert_array_equal(ring, ring_of_index(nside, ipix))
    for k in range(n):
        inside, tie = _brute_force(nside, lon[k], lat[k], outer[k])
        mine = ipix[cone == k]
        assert np.unique(mine).size == mine.size
        got = np.zeros(npix_of(nside), dtype=bool)
        got[mine] = True
        assert not np.any(inside & ~tie & ~got)  # nothing inside is missing
        assert np.count_nonzero(got & ~inside) <= max(24, inside.sum())  # a margin, not more


def test_concat_ranges_with_and_beyond_the_shared_arange():
    from skymask.kernels.healpix import SHARED_ARANGE, concat_ranges

    for counts in ([3, 0, 5], [SHARED_ARANGE - 10, 10], [SHARED_ARANGE, 7]):
        starts = [100, -4, 2**40][: len(counts)]
        expected = np.concatenate(
            [np.arange(s, s + c) for s, c in zip(starts, counts, strict=True)]
        )
        got = concat_ranges(starts, counts)
        assert_array_equal(got, expected)
        got[:2] = -1  # a new array each time, never the shared one
        assert_array_equal(concat_ranges(starts, counts), expected)
