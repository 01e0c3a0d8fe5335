"""HpxNDMap.interp_by_coord(method="linear") and HpxNDMap.to_swapped.

Oracles: gammapy 2.1's values (computed in /work/venv-gammapy, pasted with a comment saying
so); cdshealpix's ring <-> nested conversion for to_swapped.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, MapAxis

AXIS = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=3)
LON = np.array([40.0, 35.5, 51.2, 28.0, 45.3])
LAT = np.array([20.0, 14.2, 30.1, 8.5, 25.7])
ENERGY = np.array([1.5, 3.0, 10.0, 40.0, 70.0]) * u.TeV

# gammapy 2.1 (computed in /work/venv-gammapy): HpxNDMap(HpxGeom(nside=16, nest=nest,
# frame="icrs", region=region, axes=[AXIS])) with data (arange(size) % 97), then
# interp_by_coord({"lon": LON, "lat": LAT, "energy": ENERGY}) (default method "linear").
GAMMAPY = {
    (None, True): [40.59895193388073, 29.234338007638154, 21.60489199904163,
                   15.459933294513254, 125.19365104733393],
    (None, False): [31.803256393062213, 52.86801269678307, 34.79986199420248,
                    51.60892406075406, 49.84926206604761],
    ("DISK(40,20,25)", True): [33.9257839550186, 37.48845193748919, 4.506220782006839,
                               27.45505731036667, 80.18389907904077],
    ("DISK(40,20,25)", False): [72.73085009519747, 73.81309640758259, 82.29834347410782,
                                18.510885632145886, 53.34212198064716],
}  # fmt: skip


@pytest.mark.parametrize(("region", "nest"), list(GAMMAPY))
def test_linear_interpolation_equals_gammapy(region, nest):
    geom = HpxGeom(16, nest=nest, frame="icrs", region=region, axes=[AXIS])
    m = HpxNDMap(geom)
    m.data = (np.arange(m.data.size) % 97).reshape(m.data.shape).astype(float)
    values = m.interp_by_coord({"lon": LON, "lat": LAT, "energy": ENERGY})
    assert_allclose(values, GAMMAPY[(region, nest)], rtol=1e-12)


def test_linear_interpolation_of_masks_outside_and_values_scale():
    geom = HpxGeom(16, nest=True, frame="icrs", region="DISK(40,20,25)")
    mask = geom.region_mask("icrs;circle(40,20,10)")
    inside = mask.interp_by_coord((np.array([40.0, 52.0]), np.array([20.0, 20.0])))
    assert inside.dtype.kind == "f"
    assert inside[0] == 1.0 and 0.0 <= inside[1] <= 1.0
    # a position whose pixel is not in the partial geometry gets fill_value
    far = (np.array([200.0, np.nan]), np.array([-40.0, 0.0]))
    assert_array_equal(mask.interp_by_coord(far), [np.nan, np.nan])
    assert_array_equal(mask.interp_by_coord(far, fill_value=0.0), [0.0, 0.0])
    # values_scale="log" interpolates the logarithm: a constant map stays constant
    m = HpxNDMap(geom, data=np.full(geom.data_shape, 3.0))
    assert_allclose(m.interp_by_coord((LON, LAT), values_scale="log"), 3.0, rtol=1e-12)


def test_to_swapped_keeps_every_value_at_its_pixel():
    cdshealpix = pytest.importorskip("cdshealpix")
    for region in (None, "DISK(110,75,20)"):
        geom = HpxGeom(8, nest=False, frame="galactic", region=region, axes=[AXIS])
        m = HpxNDMap(geom, data=np.arange(np.prod(geom.data_shape)).reshape(geom.data_shape))
        swapped = m.to_swapped()
        assert swapped.geom.nest and swapped.data.dtype == m.data.dtype
        # Oracle: nested pixel n is ring pixel to_ring(n).
        ring_of = np.asarray(cdshealpix.to_ring(swapped.geom.ipix.astype(np.uint64), 3))
        where = {int(p): i for i, p in enumerate(geom.ipix)}
        expected = m.data[:, [where[int(p)] for p in ring_of]]
        assert_array_equal(swapped.data, expected)
        back = swapped.to_swapped()
        assert not back.geom.nest
        assert_array_equal(back.data, m.data)
    mask = HpxGeom(4, nest=True).region_mask("icrs;circle(0,0,40)")
    assert mask.to_swapped().is_mask
    assert mask.to_swapped().data.sum() == mask.data.sum()


def test_axis_of_one_bin_and_beyond_the_last_bin_x176():
    # gammapy 2.1 (computed in /work/venv-gammapy): with AXIS and plane values 1, 2, 3, at
    # 200 TeV it extrapolates from the first two bins (26.2175...); with one bin of value 1 it
    # gives 0 (a division by zero).
    geom = HpxGeom(16, frame="icrs", axes=[AXIS])
    m = HpxNDMap(geom, data=np.array([1.0, 2.0, 3.0])[:, None] * np.ones(geom.data_shape))
    centers = AXIS.center.to_value("TeV")
    above = m.interp_by_coord({"lon": [10.0], "lat": [0.0], "energy": [200.0] * u.TeV})
    expected = 3.0 + (200.0 - centers[2]) / (centers[2] - centers[1])
    assert_allclose(above, expected, rtol=1e-12)  # skymask: from the last two bins (7.2175)
    below = m.interp_by_coord({"lon": [10.0], "lat": [0.0], "energy": [0.5] * u.TeV})
    assert_allclose(below, 1.0 + (0.5 - centers[0]) / (centers[1] - centers[0]), rtol=1e-12)
    one = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=1)
    geom = HpxGeom(16, frame="icrs", axes=[one])
    m = HpxNDMap(geom, data=np.ones(geom.data_shape))
    assert_allclose(m.interp_by_coord({"lon": [10.0], "lat": [0.0], "energy": [5.0] * u.TeV}), 1)
