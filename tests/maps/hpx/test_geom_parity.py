"""HpxGeom attributes against gammapy 2.1 (values measured in /work/venv-gammapy, pasted with
this comment; healpy's pix2ang as a second oracle where it applies)."""

from __future__ import annotations

from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, MapAxis


def test_npix_max_has_one_entry_per_band_and_one_for_an_image():
    # gammapy 2.1: HpxGeom(nside=2).npix_max -> array([48]) (shape (1,), as npix)
    assert_array_equal(HpxGeom(nside=2).npix_max, [48])
    assert HpxGeom(nside=2).npix_max.shape == HpxGeom(nside=2).npix.shape == (1,)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    # gammapy 2.1: HpxGeom(nside=2, axes=[axis], region="DISK(0,0,30)").npix_max -> [48 48 48]
    assert_array_equal(HpxGeom(nside=2, axes=[axis], region="DISK(0,0,30)").npix_max, [48] * 3)


def test_center_of_an_hpx_pixel_region_is_the_coarse_pixel_centre():
    # gammapy 2.1: HpxGeom(8, region="HPX_PIXEL(NESTED,2,0)").center_skydir -> (45, 19.47122063)
    # = healpy.pix2ang(2, 0, nest=True, lonlat=True); the mean of the 16 sub-pixels is at 19.897
    centre = HpxGeom(8, region="HPX_PIXEL(NESTED,2,0)").center_skydir
    assert_allclose([centre.ra.deg, centre.dec.deg], [45.0, 19.47122063], atol=1e-8)
    # gammapy 2.1: HpxGeom(8, nest=False, region="HPX_PIXEL(RING,2,4)").center_skydir and
    # healpy.pix2ang(2, 4, lonlat=True) -> (22.5, 41.8103149)
    centre = HpxGeom(8, nest=False, region="HPX_PIXEL(RING,2,4)").center_skydir
    assert_allclose([centre.ra.deg, centre.dec.deg], [22.5, 41.8103149], atol=1e-7)
