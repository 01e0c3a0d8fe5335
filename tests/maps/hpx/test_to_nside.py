"""HpxNDMap.to_nside: up- and down-sampling to a given nside (gammapy 2.1's semantics).

Oracles: pixel centres located with cdshealpix (every sub-pixel centre lies in its parent
pixel), and gammapy 2.1's numbers from its own test (test_hpx_nd_map_to_nside).
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import Latitude, Longitude
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, MapAxis

cds_ring = pytest.importorskip("cdshealpix.ring")
cds_nested = pytest.importorskip("cdshealpix.nested")


def _parents(nside_fine, nside_coarse, nest):
    """Index at ``nside_coarse`` of the pixel holding each pixel centre at ``nside_fine``."""
    ipix = np.arange(12 * nside_fine**2)
    if nest:
        depth = int(np.log2(nside_fine))
        lon, lat = cds_nested.healpix_to_lonlat(ipix, depth)
        return cds_nested.lonlat_to_healpix(Longitude(lon), Latitude(lat),
                                            int(np.log2(nside_coarse)))  # fmt: skip
    lon, lat = cds_ring.healpix_to_lonlat(ipix, nside_fine)
    return cds_ring.lonlat_to_healpix(Longitude(lon), Latitude(lat), nside_coarse)


def test_gammapy_numbers_with_an_axis():
    # gammapy 2.1's own test_hpx_nd_map_to_nside: ones at nside 64 give 4 at 32, 0.25 at 128.
    axis = MapAxis.from_edges([1, 2, 3], name="test-1")
    m = HpxNDMap(HpxGeom.create(nside=64, axes=[axis]), unit="m2")
    m.data += 1
    down, up = m.to_nside(nside=32), m.to_nside(nside=128)
    assert down.data.shape == (2, 12 * 32**2) and up.data.shape == (2, 12 * 128**2)
    assert_allclose(down.data, 4)
    assert_allclose(up.data, 0.25)
    assert down.unit == "m2"


@pytest.mark.parametrize("nest", [True, False])
def test_down_and_up_equal_the_pixel_centre_oracle(nest):
    rng = np.random.default_rng(16)
    m = HpxNDMap(HpxGeom(nside=8, nest=nest))
    m.data = rng.random(m.data.shape)
    parent = _parents(8, 2, nest)
    assert_allclose(m.to_nside(2).data, np.bincount(parent, weights=m.data, minlength=48))
    assert_allclose(m.to_nside(2, preserve_counts=False).data,
                    np.bincount(parent, weights=m.data, minlength=48) / 16)  # fmt: skip
    coarse = m.to_nside(2)
    assert_allclose(coarse.to_nside(8).data, coarse.data[parent] / 16)
    assert_allclose(coarse.to_nside(8, preserve_counts=False).data, coarse.data[parent])


@pytest.mark.parametrize("nest", [True, False])
def test_masks_stay_masks(nest):
    rng = np.random.default_rng(3)
    mask = HpxNDMap(HpxGeom(nside=8, nest=nest), dtype=bool)
    mask.data = rng.random(mask.data.shape) < 0.05
    parent = _parents(8, 4, nest)
    down = mask.to_nside(4)
    assert down.is_mask
    # "any": a coarse pixel is True where one of its sub-pixels is.
    assert_array_equal(down.data, np.bincount(parent, weights=mask.data, minlength=192) > 0)
    up = down.to_nside(8, preserve_counts=False)
    assert up.is_mask
    assert_array_equal(up.data, down.data[parent])


def test_same_nside_is_a_copy():
    m = HpxNDMap(HpxGeom(nside=4))
    same = m.to_nside(4)
    same.data[0] = 5
    assert m.data[0] == 0 and same.geom.nside.flat[0] == 4


@pytest.mark.parametrize("nside", [0, -4, 6, 12])
def test_bad_nside_names_the_rule(nside):
    with pytest.raises(ValueError, match="power of 2") as err:
        HpxNDMap(HpxGeom(nside=4)).to_nside(nside)
    assert repr(nside) in str(err.value)


@pytest.mark.parametrize("nside", [2.0, True, "8", None])
def test_non_integer_nside_is_a_type_error(nside):
    with pytest.raises(TypeError, match="nside must be an integer") as err:
        HpxNDMap(HpxGeom(nside=4)).to_nside(nside)
    assert repr(nside) in str(err.value)
