"""HEALPix map lookups: set/fill/get by index, pixel and coordinate, image planes.

Oracle: the pixel holding each position from cdshealpix directly, then a plain Python loop
over the positions (dict keyed by (pixel, axis bin)); gammapy 2.1's own tests run in the
conformance script.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Latitude, Longitude, SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, MapAxis

cds_ring = pytest.importorskip("cdshealpix.ring")
cds_nested = pytest.importorskip("cdshealpix.nested")

AXIS = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=3)


def _cds_pixel(nside, nest, lon, lat):
    lon, lat = Longitude(lon, u.deg), Latitude(lat, u.deg)
    if nest:
        return np.asarray(cds_nested.lonlat_to_healpix(lon, lat, int(np.log2(nside))))
    return np.asarray(cds_ring.lonlat_to_healpix(lon, lat, nside))


def _positions(rng, n):
    lon = rng.uniform(0, 360, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    return lon, lat


@pytest.mark.parametrize("nest", [True, False])
@pytest.mark.parametrize("region", [None, "DISK(40,20,25)"])
def test_fill_by_coord_equals_a_loop_over_positions(nest, region):
    rng = np.random.default_rng(3)
    geom = HpxGeom(16, nest=nest, frame="icrs", region=region, axes=[AXIS])
    lon, lat = _positions(rng, 4000)
    lon[:300], lat[:300] = rng.uniform(25, 55, 300), rng.uniform(5, 35, 300)  # inside the disk
    energy = 10 ** rng.uniform(-0.5, 2.5, lon.size) * u.TeV  # partly beyond the axis
    weights = rng.uniform(0, 2, lon.size)
    m = HpxNDMap(geom, dtype=float)
    m.fill_by_coord({"lon": lon, "lat": lat, "energy": energy}, weights=weights)

    pixel = _cds_pixel(16, nest, lon, lat)
    edges = AXIS.edges.to_value("TeV")
    expected = {}
    for p, e, w in zip(pixel, energy.to_value("TeV"), weights, strict=True):
        band = np.searchsorted(edges, e, side="right") - 1
        if p in set(geom.ipix.tolist()) and 0 <= band < AXIS.nbin:
            expected[(p, band)] = expected.get((p, band), 0.0) + w
    local = {int(p): i for i, p in enumerate(geom.ipix)}
    oracle = np.zeros(geom.data_shape)
    for (p, band), w in expected.items():
        oracle[band, local[int(p)]] = w
    assert_allclose(m.data, oracle, rtol=1e-12)
    assert m.data.sum() > 0


@pytest.mark.parametrize("nest", [True, False])
def test_set_and_get_by_pix_use_global_pixel_numbers(nest):
    geom = HpxGeom(8, nest=nest, frame="galactic", region="DISK(110,75,10)", axes=[AXIS])
    m = HpxNDMap(geom)
    ipix, band = geom.get_idx(flat=True)
    m.set_by_pix((ipix.astype(float) + 0.3, band), ipix * 10.0 + band)
    # local pixel i is global pixel geom.ipix[i]
    assert_array_equal(m.data, geom.ipix[None, :] * 10.0 + np.arange(3)[:, None])
    outside = np.setdiff1d(np.arange(768), geom.ipix)[:5]
    assert_array_equal(m.get_by_idx((outside, np.zeros(5, int))), np.full(5, np.nan))
    # Positions outside (pixel not in the region, band out of range) are skipped by set.
    m.set_by_idx((np.r_[outside, ipix[:1]], np.r_[np.zeros(5, int), 7]), 1.0)
    assert_array_equal(m.data, geom.ipix[None, :] * 10.0 + np.arange(3)[:, None])


def test_set_by_coord_in_another_frame_and_skycoord():
    geom = HpxGeom(16, nest=False, frame="galactic")
    m = HpxNDMap(geom)
    pos = SkyCoord([10.0, 200.0], [20.0, -40.0], unit="deg", frame="icrs")
    m.set_by_coord(pos, [1.0, 2.0])
    gal = pos.galactic
    expected = _cds_pixel(16, False, gal.l.deg, gal.b.deg)
    assert_array_equal(np.flatnonzero(m.data), np.sort(expected))
    assert_array_equal(m.get_by_coord(gal), [1.0, 2.0])


def test_masks_stay_masks():
    geom = HpxGeom(4, nest=True, axes=[AXIS])
    mask = HpxNDMap(geom, dtype=bool)
    mask.set_by_idx(([3, 5], [0, 2]), True)
    assert mask.is_mask and mask.data.sum() == 2 and mask.data[2, 5]
    with pytest.raises(ValueError, match="exactly 0 or 1"):
        mask.set_by_idx(([3], [0]), 0.5)
    # fill ORs: a pixel becomes True where hit with non-zero weight, True stays True.
    mask.fill_by_idx(([3, 7, 9], [0, 1, 1]), weights=[0.0, 2.0, 0.0])
    assert mask.is_mask
    assert_array_equal(np.argwhere(mask.data).tolist(), [[0, 3], [1, 7], [2, 5]])


def test_fill_integer_map_counts_and_bad_input():
    geom = HpxGeom(2, nest=False)
    counts = HpxNDMap(geom, dtype=int)
    counts.fill_by_idx(([0, 0, 5, 48, -1],))  # 48 is not a pixel of nside 2 (48 pixels)
    assert counts.data.dtype.kind == "i"
    assert counts.data[0] == 2 and counts.data[5] == 1 and counts.data.sum() == 3
    with pytest.raises(ValueError, match=r"ipix, then the axes"):
        counts.fill_by_idx(([0], [0]))
    with pytest.raises(TypeError, match="tuple of arrays"):
        counts.set_by_idx(5, 1)


def test_get_image_by_coord_pix_and_slices():
    geom = HpxGeom(4, nest=True, axes=[AXIS])
    m = HpxNDMap(geom, data=np.arange(3 * 192, dtype=float).reshape(3, 192))
    image = m.get_image_by_coord({"energy": "20 TeV"})
    assert isinstance(image, HpxNDMap) and image.geom.is_image
    assert_array_equal(image.data, m.data[1])
    assert_array_equal(m.get_image_by_pix((1.8,)).data, m.data[2])
    sliced = m.slice_by_idx({"energy": slice(1, 3)})
    assert sliced.data.shape == (2, 192) and np.shares_memory(sliced.data, m.data)
    mask = HpxNDMap(geom, dtype=bool)
    assert mask.get_image_by_idx((0,)).is_mask
