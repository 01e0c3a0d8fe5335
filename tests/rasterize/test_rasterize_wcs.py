"""`rasterize` works on a bare WCS and shape (it sits below skymask.maps)."""

import subprocess
import sys

import numpy as np
import pytest
from astropy.wcs import WCS

from skymask.maps import WcsGeom
from skymask.rasterize import rasterize, rasterize_regions

REGIONS = "galactic;circle(0.3, 0.2, 0.5);box(-1, 0, 1, 0.4, 30);icrs;circle(266.4, -28.9, 0.3)"


def _wcs():
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["GLON-TAN", "GLAT-TAN"]
    wcs.wcs.cdelt = [-0.05, 0.05]
    wcs.wcs.crpix = [40.5, 30.5]
    wcs.wcs.set()
    return wcs


def test_rasterize_equals_region_mask_and_brute_force_circle():
    wcs = _wcs()
    mask = rasterize(REGIONS, wcs, (60, 80))
    geom = WcsGeom(wcs, (80, 60))
    np.testing.assert_array_equal(mask, geom.region_mask(REGIONS).data)
    np.testing.assert_array_equal(mask, rasterize_regions(geom, REGIONS))
    # The first circle by brute force: angular distance of every pixel centre.
    lon, lat = np.radians(wcs.pixel_to_world_values(*np.meshgrid(np.arange(80), np.arange(60))))
    lon0, lat0 = np.radians([0.3, 0.2])
    cos_d = np.sin(lat) * np.sin(lat0) + np.cos(lat) * np.cos(lat0) * np.cos(lon - lon0)
    circle = np.degrees(np.arccos(np.clip(cos_d, -1, 1))) < 0.5
    assert circle.sum() > 100
    assert np.all(mask[circle])


def test_rasterize_checks_its_grid():
    with pytest.raises(TypeError, match="2-axis astropy WCS"):
        rasterize(REGIONS, "not a wcs", (10, 10))
    with pytest.raises(ValueError, match="at least one pixel"):
        rasterize(REGIONS, _wcs(), (0, 10))


def test_rasterize_does_not_import_maps():
    code = "import sys, skymask.rasterize; print(sorted(m for m in sys.modules if {!r} in m))"
    result = subprocess.run(
        [sys.executable, "-c", code.format("skymask.maps")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
