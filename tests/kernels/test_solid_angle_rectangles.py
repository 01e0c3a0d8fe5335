"""Closed-form pixel areas of cylindrical grids against the general (subdividing) path."""

import numpy as np
import pytest
from astropy.wcs import WCS

from skymask.kernels import solid_angle


def _wcs(ctype, cdelt, crval=(0.0, 0.0), npix=(40, 30)):
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = [f"GLON-{ctype}", f"GLAT-{ctype}"]
    wcs.wcs.cdelt = cdelt
    wcs.wcs.crval = crval
    wcs.wcs.crpix = [(npix[0] + 1) / 2, (npix[1] + 1) / 2]
    wcs.wcs.set()
    return wcs, npix


def _general(pix_to_lonlat, nx, ny, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(solid_angle, "_rectangle_areas", lambda *args: None)
        return solid_angle.pixel_solid_angles(pix_to_lonlat, nx, ny)


@pytest.mark.parametrize(
    ("ctype", "cdelt", "npix"),
    [
        ("CAR", [-0.5, 0.5], (40, 30)),  # a survey strip
        ("CAR", [-2.0, 2.0], (180, 89)),  # all-sky, rows up to 89 deg
        ("CAR", [0.02, 0.02], (50, 20)),  # longitude increasing to the right
        ("CEA", [-1.0, 1.0], (60, 40)),
    ],
)
def test_rectangles_equal_the_general_path(ctype, cdelt, npix, monkeypatch):
    wcs, (nx, ny) = _wcs(ctype, cdelt, npix=npix)

    def pix_to_lonlat(x, y):
        return wcs.wcs_pix2world(x, y, 0)

    closed = solid_angle._rectangle_areas(pix_to_lonlat, nx, ny)
    assert closed is not None
    np.testing.assert_array_equal(solid_angle.pixel_solid_angles(pix_to_lonlat, nx, ny), closed)
    general = _general(pix_to_lonlat, nx, ny, monkeypatch)
    np.testing.assert_allclose(closed, general, rtol=5e-8)
    if ctype == "CAR" and nx * abs(cdelt[0]) == 360:
        # The whole band between the outer row edges: 2 pi (sin b2 - sin b1).
        assert closed.sum() == pytest.approx(4 * np.pi * np.sin(np.radians(89.0)), rel=1e-12)


@pytest.mark.parametrize(
    ("ctype", "crval"),
    [("CAR", (0.0, 30.0)), ("TAN", (0.0, 0.0)), ("AIT", (0.0, 0.0))],
)
def test_other_grids_take_the_general_path(ctype, crval):
    wcs, (nx, ny) = _wcs(ctype, [-0.5, 0.5], crval=crval)
    assert solid_angle._rectangle_areas(lambda x, y: wcs.wcs_pix2world(x, y, 0), nx, ny) is None


def test_rows_beyond_a_pole_take_the_general_path():
    wcs, (nx, ny) = _wcs("CAR", [-1.0, 1.0], npix=(20, 200))  # rows up to +-100 deg
    pix_to_lonlat = lambda x, y: wcs.wcs_pix2world(x, y, 0)  # noqa: E731
    assert solid_angle._rectangle_areas(pix_to_lonlat, nx, ny) is None
