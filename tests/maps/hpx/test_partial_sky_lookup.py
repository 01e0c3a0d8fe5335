"""Lookups of HEALPix pixels outside a partial-sky map (X191).

gammapy 2.1 (measured in its environment: ``HpxGeom.create(nside=8, region="DISK(110.,75.,10.)",
frame="galactic")``, data 1..5) returns the value of the map's last pixel, 5.0, for every
all-sky pixel index outside the region: an answer that looks like data. skymask returns the
fill value (NaN, False for masks), as its WCS maps do outside the image.
"""

from __future__ import annotations

import numpy as np

from skymask.maps import HpxGeom, Map


def _partial():
    geom = HpxGeom.create(nside=8, region="DISK(110.,75.,10.)", frame="galactic")
    inside = np.asarray(geom.get_idx()[0])
    outside = np.setdiff1d(np.arange(12 * 8**2), inside)
    return geom, inside, outside


def test_pixels_outside_a_partial_sky_map_give_the_fill_value_not_the_last_pixel():
    geom, inside, outside = _partial()
    assert inside.size == 5  # the region as gammapy builds it
    m = Map.from_geom(geom)
    m.data[:] = np.arange(1.0, 6.0)
    assert np.isnan(m.get_by_idx((outside,))).all()  # gammapy: 5.0 for each
    np.testing.assert_array_equal(m.get_by_idx((inside,)), np.arange(1.0, 6.0))


def test_mask_pixels_outside_a_partial_sky_mask_are_false():
    geom, inside, outside = _partial()
    mask = Map.from_geom(geom, dtype=bool)
    mask.data[:] = True
    values = mask.get_by_idx((outside,))
    assert values.dtype == bool and not values.any()
    assert mask.get_by_idx((inside,)).all()
