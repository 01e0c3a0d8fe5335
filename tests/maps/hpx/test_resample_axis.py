"""HpxGeom.resample_axis and HpxNDMap.resample_axis (gammapy 2.1's Map.resample_axis on HEALPix).

Oracles: explicit sums / logical reductions over the old bins each new bin covers (written
out by hand), and gammapy 2.1's numbers from its own test (test_hpxndmap_resample_axis).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, MapAxis

AXIS_1 = MapAxis.from_edges([1, 2, 3, 4, 5], name="test-1")
AXIS_2 = MapAxis.from_edges([1, 2, 3, 4], name="test-2")


def test_gammapy_numbers():
    # gammapy 2.1's own test_hpxndmap_resample_axis: ones, test-1 regrouped to [2, 3, 5]
    # gives (3, 2, 3072) with [1, 2] per pixel; to [1.7, 4] one bin of 2 everywhere.
    m = HpxNDMap(HpxGeom.create(nside=16, axes=[AXIS_1, AXIS_2]), unit="m2")
    m.data += 1
    m2 = m.resample_axis(axis=MapAxis.from_edges([2, 3, 5], name="test-1"))
    assert m2.data.shape == (3, 2, 3072)
    assert_allclose(m2.data[0, :, 0], [1, 2])
    assert m2.unit == "m2" and isinstance(m2, HpxNDMap)
    m3 = m.resample_axis(axis=MapAxis.from_edges([1.7, 4], name="test-1"))
    assert m3.data.shape == (3, 1, 3072)
    assert_allclose(m3.data, 2)


@pytest.mark.parametrize("region", [None, "DISK(30,20,25)"])
def test_sums_equal_explicit_bin_sums(region):
    rng = np.random.default_rng(5)
    m = HpxNDMap(HpxGeom.create(nside=4, region=region, axes=[AXIS_1]))
    m.data = rng.random(m.data.shape)
    out = m.resample_axis(MapAxis.from_edges([1, 2, 5], name="test-1"))
    # new bin [1, 2] is old bin 0, [2, 5] old bins 1..3
    assert_allclose(out.data, np.stack([m.data[0], m.data[1:].sum(axis=0)]))
    assert out.geom.region == m.geom.region
    assert_array_equal(out.geom.to_image().get_idx()[0], m.geom.to_image().get_idx()[0])


def test_masks_stay_masks():
    rng = np.random.default_rng(8)
    mask = HpxNDMap(HpxGeom.create(nside=2, axes=[AXIS_1]), dtype=bool)
    mask.data = rng.random(mask.data.shape) < 0.4
    new_axis = MapAxis.from_edges([1, 3, 5], name="test-1")
    default = mask.resample_axis(new_axis)  # np.add on a mask is "or"
    assert default.is_mask
    assert_array_equal(default.data, np.stack([mask.data[0] | mask.data[1],
                                               mask.data[2] | mask.data[3]]))  # fmt: skip
    both = mask.resample_axis(new_axis, ufunc=np.logical_and)
    assert both.is_mask
    assert_array_equal(both.data, np.stack([mask.data[0] & mask.data[1],
                                            mask.data[2] & mask.data[3]]))  # fmt: skip


def test_geometry_errors():
    geom = HpxGeom.create(nside=2, axes=[AXIS_1])
    with pytest.raises(TypeError, match="MapAxis"):
        geom.resample_axis([1, 3, 5])
    with pytest.raises(KeyError):
        geom.resample_axis(MapAxis.from_edges([1, 3], name="other"))
