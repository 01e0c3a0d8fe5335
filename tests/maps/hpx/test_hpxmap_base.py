"""HpxMap: gammapy 2.1's abstract base class of HEALPix maps (``HpxMap.read`` in its tests)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skymask.maps import HpxGeom, HpxMap, HpxNDMap, Map, WcsNDMap


def test_hpx_maps_are_hpxmaps_and_wcs_maps_are_not():
    assert isinstance(HpxNDMap(HpxGeom(nside=2)), HpxMap)
    assert isinstance(Map.create(nside=2, map_type="hpx"), HpxMap)
    assert not isinstance(WcsNDMap.create(npix=3), HpxMap)


def test_abstract_like_gammapy():
    # gammapy 2.1: HpxMap(geom) raises TypeError (abstract methods).
    with pytest.raises(TypeError, match="abstract"):
        HpxMap(HpxGeom(nside=2))


@pytest.mark.parametrize("map_type", ["auto", "hpx"])
def test_read_returns_the_hpxndmap_written(tmp_path, map_type):
    m = HpxNDMap(HpxGeom(nside=4, region="DISK(10,20,30)", nest=False), dtype=bool)
    m.data = np.arange(m.data.size) % 3 == 0
    m.write(tmp_path / "m.fits")
    back = HpxMap.read(tmp_path / "m.fits", map_type=map_type)
    assert type(back) is HpxNDMap and back.is_mask and back.geom == m.geom
    assert_array_equal(back.data, m.data)


def test_read_rejects_other_map_types(tmp_path):
    with pytest.raises(ValueError, match="map_type must be 'auto' or 'hpx', got 'wcs'"):
        HpxMap.read(tmp_path / "none.fits", map_type="wcs")
