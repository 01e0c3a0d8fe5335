"""HpxNDMap.smooth on the sphere: against a brute force over every pair of pixel centres
(angular distances from astropy), the X178 rule."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose

from skymask.maps import HpxGeom, HpxNDMap, MapAxis


def _brute(m, sigma_deg, kernel):
    full = HpxGeom(m.geom.nside[0], nest=m.geom.nest, frame=m.geom.frame)
    lon, lat = full.get_coord().lon.to_value("deg"), full.get_coord().lat.to_value("deg")
    everywhere = SkyCoord(lon, lat, unit="deg")
    values = np.zeros((m.data.shape[0], lon.size))
    values[:, m.geom.ipix] = m.data
    out = np.zeros(m.data.shape)
    for i, p in enumerate(m.geom.ipix):
        d = everywhere.separation(everywhere[p]).deg
        if kernel == "gauss":
            w = np.where(d < 4 * sigma_deg, np.exp(-0.5 * (d / sigma_deg) ** 2), 0.0)
        else:
            w = (d < sigma_deg).astype(float)
        out[:, i] = values @ w / w.sum()
    return out


@pytest.mark.parametrize("kernel", ["gauss", "disk"])
@pytest.mark.parametrize("nest", [True, False])
def test_smooth_equals_a_brute_force_on_the_sphere_x178(kernel, nest):
    rng = np.random.default_rng(7)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = HpxGeom(16, nest=nest, frame="galactic", region="DISK(30,40,25)", axes=[axis])
    m = HpxNDMap(geom, data=rng.uniform(0, 1, geom.data_shape), unit="cm-2")
    width = 6.0 if kernel == "gauss" else 9.0
    smoothed = m.smooth(width * u.deg, kernel=kernel)
    assert smoothed.unit == m.unit and smoothed.data.dtype == np.float64
    assert_allclose(smoothed.data, _brute(m, width, kernel), rtol=1e-9)


def test_constant_all_sky_maps_stay_constant_and_masks_give_fractions():
    m = HpxNDMap.create(nside=32, nest=False, data=np.ones(12 * 32 * 32))
    for kernel in ("gauss", "disk"):
        out = m.smooth(2.0, kernel=kernel)  # pixels
        assert_allclose(out.data, 1.0, rtol=1e-12)
    mask = HpxGeom(32).region_mask("icrs;circle(0,0,20)")
    frac = mask.smooth("3 deg")
    assert frac.data.dtype == np.float64 and frac.data.min() >= 0 and frac.data.max() <= 1
    with pytest.raises(ValueError, match="'gauss' or 'disk'"):
        m.smooth(1.0, kernel="box")
    with pytest.raises(ValueError, match="positive"):
        m.smooth("-1 deg")
