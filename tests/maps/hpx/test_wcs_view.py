"""HpxNDMap.to_wcs with gammapy's options (sum_bands, normalize, fill_nan).

Oracle: the HEALPix pixel holding each WCS pixel centre from cdshealpix, and a Python count
of the WCS pixels each HEALPix pixel feeds.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from astropy.coordinates import Latitude, Longitude
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, MapAxis

cds = pytest.importorskip("cdshealpix.nested")


def _oracle(m, wcs_geom):
    coords = wcs_geom.to_image().get_coord().skycoord.transform_to(m.geom.sky_frame)
    lon, lat = coords.spherical.lon.deg, coords.spherical.lat.deg
    ok = np.isfinite(lon)
    ipix = np.full(lon.shape, -1)
    ipix[ok] = cds.lonlat_to_healpix(Longitude(lon[ok], "deg"), Latitude(lat[ok], "deg"), 2)
    where = {int(p): i for i, p in enumerate(m.geom.ipix)}
    local = np.vectorize(lambda p: where.get(int(p), -1))(ipix)
    return local, Counter(local[local >= 0].ravel().tolist())


def test_to_wcs_nearest_normalized_and_summed():
    axis = MapAxis.from_nodes([1.0, 2.0, 3.0], name="")  # unnamed, as in gammapy's tests
    geom = HpxGeom(4, nest=True, frame="galactic", region="DISK(110,75,40)", axes=[axis])
    m = HpxNDMap(geom, data=np.arange(np.prod(geom.data_shape), dtype=float).reshape(
        geom.data_shape))  # fmt: skip
    plain = m.to_wcs(normalize=False, oversample=3)
    local, counts = _oracle(m, plain.geom)
    expected = np.where(local >= 0, m.data[:, np.maximum(local, 0)], np.nan)
    assert_array_equal(plain.data, expected)
    shared = m.to_wcs(oversample=3)
    share = np.vectorize(lambda i: counts.get(int(i), 1))(local)
    assert_allclose(shared.data, expected / share, rtol=1e-12)
    # every HEALPix pixel that some WCS centre takes keeps its value in total
    seen = sorted(counts)
    assert_allclose(np.nansum(shared.data), m.data[:, seen].sum(), rtol=1e-12)
    summed = m.to_wcs(sum_bands=True, normalize=False, oversample=3)
    assert summed.geom.is_image
    assert_allclose(summed.data, np.nansum(expected, axis=0) + np.where(local >= 0, 0, np.nan))
    zeros = m.to_wcs(normalize=False, oversample=3, fill_nan=False)
    assert_array_equal(zeros.data, np.where(np.isnan(expected), 0, expected))
    with pytest.raises(ValueError, match="hpx2wcs"):
        m.to_wcs(hpx2wcs=object())


def test_to_wcs_of_a_mask_stays_a_mask():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = HpxGeom(4, nest=True, frame="galactic", axes=[axis])
    mask = HpxNDMap(geom, dtype=bool)
    mask.data[0, :10] = True
    mask.data[1, 5:20] = True
    image = mask.to_wcs(sum_bands=True, oversample=3)
    assert image.is_mask and image.geom.is_image
    local, _ = _oracle(mask, image.geom)
    assert_array_equal(image.data, np.where(local >= 0, (local >= 0) & (local < 20), False))
    assert mask.to_wcs().is_mask


def test_plot_mask_shades_through_a_wcs_projection():
    import matplotlib.pyplot as plt

    mask = HpxGeom(16, nest=True, frame="galactic").region_mask("galactic;circle(0,0,20)")
    ax = mask.plot_mask(width_pix=100, proj="MOL")
    assert type(ax).__name__ == "WCSAxes" and len(ax.collections) > 0
    plt.close("all")
    with pytest.raises(ValueError, match="raster"):
        mask.plot_mask(method="poly")
    with pytest.raises(ValueError, match="boolean"):
        HpxNDMap(mask.geom).plot_mask()
