"""resample, reproject_to_geom and reproject_by_image between HEALPix and WCS.

Oracles: the HEALPix hierarchy (a nested pixel at nside n is exactly its 4**k children at
nside n * 2**k), a loop over source pixel centres located with cdshealpix and astropy's WCS,
and gammapy 2.1's numbers computed in /work/venv-gammapy and pasted with a comment saying so.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Latitude, Longitude, SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis, WcsGeom, WcsNDMap

cdshealpix = pytest.importorskip("cdshealpix")
cds_nested = pytest.importorskip("cdshealpix.nested")

AXIS = MapAxis.from_bounds(1.0, 10.0, 3, interp="log", name="energy", node_type="center")


def test_hpx_to_wcs_equals_gammapy():
    # gammapy 2.1 (computed in /work/venv-gammapy): HpxNDMap(HpxGeom.create(binsz=10,
    # frame="galactic", axes=[AXIS]), data=np.arange(3 * 768.).reshape(3, 768))
    # .reproject_to_geom(WcsGeom.create(skydir=(0, 0), npix=(11, 11), binsz=10,
    # frame="galactic")).data[0, 4:7, 4:7]
    gammapy = [[269.96429443, 269.28570557, 275.78570557],
               [281.61291504, 287.5, 293.38708496],
               [299.21429443, 305.71429443, 305.03570557]]  # fmt: skip
    geom_hpx = HpxGeom.create(binsz=10, frame="galactic", axes=[AXIS])
    m = HpxNDMap(geom_hpx, data=np.arange(3 * 768.0).reshape(geom_hpx.data_shape))
    wcs = WcsGeom.create(skydir=(0, 0), npix=(11, 11), binsz=10, frame="galactic")
    out = m.reproject_to_geom(wcs)
    assert isinstance(out, WcsNDMap) and out.geom.axes == m.geom.axes
    assert_allclose(out.data[0, 4:7, 4:7], gammapy, rtol=1e-6)
    assert_allclose(out.data[1:, 5, 5], [1055.5, 1823.5])  # gammapy's test values
    same = m.reproject_by_image(wcs)
    assert_array_equal(same.data, out.data)


def test_wcs_to_hpx_equals_gammapy_and_ints_give_float32():
    # gammapy 2.1 (computed in /work/venv-gammapy): WcsNDMap(WcsGeom.create(skydir=(0, 0),
    # npix=(11, 11), binsz=10, axes=[AXIS], frame="galactic"), data=np.arange(363)
    # .reshape(3, 11, 11)).reproject_to_geom(HpxGeom.create(binsz=10, frame="galactic"))
    # at (0, 0): [64.97929, 185.9793, 306.97928], float32.
    geom = WcsGeom.create(skydir=(0, 0), npix=(11, 11), binsz=10, axes=[AXIS], frame="galactic")
    m = WcsNDMap(geom, data=np.arange(363).reshape(geom.data_shape))
    out = m.reproject_to_geom(HpxGeom.create(binsz=10, frame="galactic"))
    assert isinstance(out, HpxNDMap) and out.data.dtype == np.float32
    value = out.get_by_coord({"lon": 0, "lat": 0, "energy": AXIS.center})
    assert_allclose(value, [64.97929, 185.9793, 306.97928], rtol=1e-5)
    with pytest.raises(TypeError, match="other bins"):
        m.reproject_to_geom(HpxGeom.create(binsz=10, axes=[AXIS.upsample(2)]))
    with pytest.raises(ValueError, match="target axes"):
        m.reproject_to_geom(HpxGeom.create(binsz=10, axes=[AXIS.copy(name="other")]))
    with pytest.raises(TypeError, match="image geometry"):
        m.reproject_by_image(HpxGeom.create(binsz=10, axes=[AXIS]))


@pytest.mark.parametrize("nest", [True, False])
def test_hpx_to_coarser_hpx_follows_the_hierarchy(nest):
    rng = np.random.default_rng(2)
    fine = HpxGeom(16, nest=nest, frame="icrs")
    m = HpxNDMap(fine, data=rng.uniform(0, 1, fine.data_shape))
    coarse = HpxGeom(4, nest=True, frame="icrs")
    # Oracle: nested coarse pixel p holds the fine nested pixels 16 p ... 16 p + 15.
    values = m.data if nest else m.data[cdshealpix.to_ring(np.arange(3072), 4)]
    blocks = values.reshape(192, 16)
    summed = m.reproject_to_geom(coarse, preserve_counts=True)
    assert_allclose(summed.data, blocks.sum(axis=1), rtol=1e-12)
    assert_allclose(m.reproject_to_geom(coarse).data, blocks.mean(axis=1), rtol=1e-12)
    assert_allclose(m.resample(coarse, preserve_counts=False).data, blocks.mean(axis=1))
    assert_allclose(m.resample(coarse).data, blocks.sum(axis=1), rtol=1e-12)


def test_resample_hpx_to_wcs_equals_a_loop_over_pixel_centres():
    rng = np.random.default_rng(4)
    source = HpxGeom(32, nest=True, frame="icrs", region="DISK(20,10,15)")
    m = HpxNDMap(source, data=rng.uniform(0, 1, source.data_shape), unit="cm-2")
    target = WcsGeom.create(skydir=SkyCoord(20, 10, unit="deg").galactic, npix=(12, 10),
                            binsz=2.0, frame="galactic", proj="TAN")  # fmt: skip
    out = m.resample(target, preserve_counts=True)
    lon, lat = cds_nested.healpix_to_lonlat(source.ipix, 5)
    gal = SkyCoord(Longitude(lon), Latitude(lat), frame="icrs").galactic
    x, y = target.wcs.world_to_pixel(gal)
    expected = np.zeros((10, 12))
    for v, xi, yi in zip(m.data, x, y, strict=True):
        ix, iy = int(np.floor(xi + 0.5)), int(np.floor(yi + 0.5))
        if 0 <= ix < 12 and 0 <= iy < 10:
            expected[iy, ix] += v
    assert_allclose(out.data, expected, rtol=1e-12)
    assert out.unit == u.Unit("cm-2")
    smooth = m.resample(target, preserve_counts=True, smooth=True)
    assert_allclose(smooth.data.sum(), expected.sum(), rtol=1e-12)


def test_masks_stay_masks():
    mask = HpxGeom(64, nest=True, frame="galactic").region_mask("galactic;circle(0,0,10)")
    wcs = WcsGeom.create(npix=(40, 30), binsz=1.0, frame="galactic")
    on_wcs = mask.reproject_to_geom(wcs)
    assert on_wcs.is_mask
    assert_array_equal(on_wcs.data, mask.interp_to_geom(wcs, fill_value=False).data)
    binned = mask.resample(wcs)
    assert binned.is_mask
    # A WCS pixel is True where a True HEALPix pixel centre falls in it.
    lon, lat = cds_nested.healpix_to_lonlat(mask.geom.ipix[mask.data], 6)
    x, y = wcs.wcs.world_to_pixel(SkyCoord(Longitude(lon), Latitude(lat), frame="galactic"))
    expected = np.zeros((30, 40), dtype=bool)
    ix, iy = np.floor(x + 0.5).astype(int), np.floor(y + 0.5).astype(int)
    ok = (ix >= 0) & (ix < 40) & (iy >= 0) & (iy < 30)
    expected[iy[ok], ix[ok]] = True
    assert_array_equal(binned.data, expected)
    back = on_wcs.resample(HpxGeom(8, nest=True, frame="galactic"))
    assert back.is_mask and back.data.any()
    assert Map.from_geom(wcs, dtype=bool).reproject_to_geom(mask.geom).is_mask
