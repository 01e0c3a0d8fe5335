"""HpxNDMap.stack, Map.from_stack (WCS and HEALPix) and copy(geom=...).

Oracles: a Python loop over the other map's global pixel numbers; gammapy 2.1's numbers
computed in /work/venv-gammapy and pasted with a comment saying so.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Latitude, Longitude, SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis, WcsGeom

AXIS = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)


def _loop_stack(target, other):
    """Add other's values pixel by pixel where the target has the pixel."""
    expected = target.data.astype(float).copy()
    where = {int(p): i for i, p in enumerate(target.geom.ipix)}
    for j, p in enumerate(other.geom.ipix):
        if int(p) in where:
            expected[..., where[int(p)]] += other.data[..., j]
    return expected


@pytest.mark.parametrize("nest", [True, False])
def test_stack_partial_into_allsky_and_partial(nest):
    rng = np.random.default_rng(5)
    part = HpxNDMap(HpxGeom(32, nest=nest, frame="galactic", region="DISK(110,75,10)",
                            axes=[AXIS]))  # fmt: skip
    part.data = rng.uniform(1, 2, part.data.shape).astype(np.float32)
    allsky = HpxNDMap(HpxGeom(32, nest=nest, frame="galactic", axes=[AXIS]))
    allsky.data += 0.5
    expected = _loop_stack(allsky, part)
    allsky.stack(part)
    assert_allclose(allsky.data, expected, rtol=1e-6)
    value = allsky.get_by_coord({"skycoord": SkyCoord(110, 75, unit="deg", frame="galactic"),
                                 "energy": [2, 5] * u.TeV})  # fmt: skip
    cds = pytest.importorskip("cdshealpix.nested" if nest else "cdshealpix.ring")
    pixel = cds.lonlat_to_healpix(Longitude(110, u.deg), Latitude(75, u.deg), 5 if nest else 32)
    i = int(np.flatnonzero(part.geom.ipix == int(np.ravel(pixel)[0]))[0])
    assert_allclose(value, part.data[:, i] + 0.5, rtol=1e-6)

    other = HpxNDMap(HpxGeom(32, nest=nest, frame="galactic", region="DISK(118,75,10)",
                             axes=[AXIS]))  # fmt: skip
    expected = _loop_stack(other, part)
    other.stack(part)
    assert_allclose(other.data, expected, rtol=1e-6)
    assert 0 < np.count_nonzero(other.data) < other.data.size


def test_stack_partial_skies_adds_the_shared_pixels_only_x175():
    # gammapy 2.1 (computed in /work/venv-gammapy): a = HpxNDMap.create(nside=16,
    # frame="galactic", region="DISK(0.,0.,10.)"); b the same at DISK(15.,0.,10.) with
    # b.data += 1; a.stack(b) gives a.data.sum() == 6.0 for 5 shared pixels: the pixels of b
    # that a lacks go to a's last pixel (index -1), which is not a shared one.
    a = HpxNDMap.create(nside=16, frame="galactic", region="DISK(0.,0.,10.)")
    b = HpxNDMap.create(nside=16, frame="galactic", region="DISK(15.,0.,10.)")
    b.data += 1
    assert np.intersect1d(a.geom.ipix, b.geom.ipix).size == 5
    a.stack(b)
    assert a.data.sum() == 5.0
    assert a.data[-1] == 0


def test_stack_weights_units_masks_and_errors():
    part = HpxNDMap.create(nside=32, frame="galactic", region="DISK(110.,75.,10.)", unit="m2")
    part.data += np.arange(part.data.size) + 1
    weights = part.copy(unit="")
    weights.data = 1 / (np.arange(part.data.size) + 1)
    allsky = HpxNDMap.create(nside=32, frame="galactic", unit="cm2")
    allsky.stack(part, weights=weights)
    assert_allclose(allsky.data.sum(), part.data.size * 1e4, rtol=1e-6)  # m2 -> cm2

    with pytest.raises(u.UnitConversionError):
        HpxNDMap.create(nside=32, frame="galactic", unit="s").stack(part)
    with pytest.raises(ValueError, match="aligned"):
        HpxNDMap.create(nside=16, frame="galactic", unit="m2").stack(part)
    with pytest.raises(ValueError, match="aligned"):
        HpxNDMap.create(nside=32, frame="icrs", unit="m2").stack(part)
    with pytest.raises(ValueError, match="aligned"):
        HpxNDMap.create(nside=32, frame="galactic").stack(Map.create(npix=3, binsz=1))

    counts = HpxNDMap(HpxGeom(8), dtype=int)
    counts.stack(counts.copy(data=np.ones(768, dtype=int)))
    assert counts.data.dtype.kind == "i" and counts.data.sum() == 768

    mask = HpxGeom(16, nest=True).region_mask("icrs;circle(0,0,20)")
    other = HpxGeom(16, nest=True, region="DISK(30,0,20)").region_mask("icrs;circle(30,0,15)")
    expected = _loop_stack(mask, other) > 0
    mask.stack(other)
    assert mask.is_mask
    assert_array_equal(mask.data, expected)
    with pytest.raises(TypeError, match="mask"):
        mask.stack(HpxNDMap(other.geom))


@pytest.mark.parametrize("kind", ["wcs", "hpx"])
def test_from_stack_joins_the_axis(kind):
    first = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    second = MapAxis.from_energy_bounds("10 TeV", "100 TeV", nbin=1)
    other = MapAxis.from_bounds(0, 1, nbin=3, name="x")

    def make(axis, unit, value):
        if kind == "wcs":
            geom = WcsGeom.create(npix=(4, 3), binsz=1, axes=[axis, other])
        else:
            geom = HpxGeom(2, nest=False, region="DISK(0,0,50)", axes=[axis, other])
        m = Map.from_geom(geom, unit=unit)
        m.data = value + np.arange(m.data.size).reshape(m.data.shape)
        return m

    a, b = make(first, "m2", 0.0), make(second, "cm2", 1000.0)
    cube = Map.from_stack([a, b], axis_name="energy")
    assert cube.geom.axes.names == ["energy", "x"] and cube.geom.axes["energy"].nbin == 3
    assert cube.unit == u.m**2
    # Oracle: every position looked up in the map it came from.
    coords = cube.geom.get_coord()
    lookup = {"skycoord": coords.skycoord, "energy": coords["energy"], "x": coords["x"]}
    in_a = coords["energy"] < 10 * u.TeV
    from_a = a.get_by_coord(lookup, fill_value=0)
    from_b = b.get_by_coord(lookup, fill_value=0) * 1e-4
    assert_allclose(cube.data, np.where(in_a, from_a, from_b), rtol=1e-6)
    assert_allclose(Map.from_stack([a, b.to_unit("m2")], axis_name="energy").data, cube.data)


def test_from_stack_images_with_a_new_axis_and_masks():
    geom = HpxGeom(4, nest=True)
    masks = [geom.region_mask(f"icrs;circle({lon},0,30)") for lon in (0, 90, 180)]
    axis = MapAxis.from_nodes([1, 2, 3], name="run", interp="lin")
    cube = Map.from_stack(masks, axis=axis)
    assert cube.is_mask and isinstance(cube, HpxNDMap)
    assert cube.data.shape == (3, 192)
    for i, m in enumerate(masks):
        assert_array_equal(cube.data[i], m.data)
    with pytest.raises(ValueError, match="one bin per map"):
        Map.from_stack(masks[:2], axis=axis)
    with pytest.raises(TypeError, match="mask"):
        Map.from_stack([masks[0], HpxNDMap(geom)], axis=axis.slice(slice(0, 2)))


def test_from_stack_errors_as_gammapy():
    # gammapy 2.1's own test_stack (maps/tests/test_core.py) asserts these messages.
    m1 = Map.from_geom(WcsGeom.create(binsz=1.0, width=10.0))
    m2 = Map.from_geom(HpxGeom.create(binsz=1.0, width=10.0))
    with pytest.raises(ValueError, match="have at least one non-spatial axis"):
        Map.from_stack(maps=[m1, m2])
    e3 = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    e4 = MapAxis.from_energy_bounds("10 TeV", "20 TeV", nbin=1)
    m3 = Map.from_geom(WcsGeom.create(binsz=1.0, width=10.0, axes=[e3]))
    m4 = Map.from_geom(WcsGeom.create(binsz=2.0, width=11.0, axes=[e4]))
    with pytest.raises(ValueError, match="Image geometries not aligned"):
        Map.from_stack(maps=[m3, m4])
    with pytest.raises(KeyError, match="not in list of axis names"):
        Map.from_stack(maps=[m3, m4], axis_name="reco_energy")
    h3 = Map.from_geom(HpxGeom.create(binsz=1.0, width=10.0, axes=[e4]))
    with pytest.raises(ValueError, match="Image geometries not aligned"):
        Map.from_stack(maps=[m3, h3])


def test_copy_with_a_geometry_of_another_size_is_a_value_error():
    m = HpxNDMap.create(nside=8, axes=[AXIS])
    with pytest.raises(ValueError, match="data shape"):
        m.copy(geom=WcsGeom.create(binsz=1.0, width=10.0))
    wcs = WcsGeom.create(binsz=1.0, width=10.0, axes=[AXIS])
    with pytest.raises(TypeError, match="HpxGeom"):
        m.copy(geom=wcs, data=np.zeros(wcs.data_shape))
    same = m.copy(geom=HpxGeom(8, nest=False, axes=[AXIS]))
    assert not same.geom.nest and np.shares_memory(same.data, m.data) is False
