"""IRF maps (PSFMap, EDispKernelMap, EDispMap) on HEALPix geometries: construction, layout,
stacking an aligned part of the sky, and the refusals that name the way out.

Oracles: pixel counts from 12 nside^2, stacked values by hand (exposure-weighted means),
migration fractions from the bin edges by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_equal

from skymask.irf import EDispKernelMap, EDispMap, PSFMap
from skymask.irf.edisp import EDispPositionWarning
from skymask.maps import HpxGeom, Map, MapAxis

ENERGY = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
ENERGY_TRUE = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
cds_nested = pytest.importorskip("cdshealpix.nested")
RAD = MapAxis.from_nodes(np.linspace(0, 1, 5), name="rad", unit="deg")


def _psf(geom, value, exposure):
    geom = geom.to_cube([RAD, ENERGY_TRUE])
    return PSFMap(
        Map.from_geom(geom, data=value, unit="sr-1"),
        Map.from_geom(geom.squash("rad"), data=exposure, unit="m2 s"),
    )


@pytest.mark.parametrize("nest", [True, False])
def test_edisp_kernel_map_from_geom_on_healpix(nest):
    geom = HpxGeom.create(nside=4, nest=nest, axes=[ENERGY, ENERGY_TRUE])
    edisp = EDispKernelMap.from_geom(geom)
    assert edisp.edisp_map.data.shape == (3, 2, 12 * 4**2)
    assert edisp.exposure_map.data.shape == (3, 1, 12 * 4**2)
    assert isinstance(edisp.exposure_map.geom, HpxGeom)
    assert not edisp.has_single_spatial_bin  # a sky image of pixels, not a region map
    assert "layout='image'" in repr(edisp)
    # true bins [1, 2.15], [2.15, 4.64], [4.64, 10] TeV in reco bins [1, 3.16], [3.16, 10]:
    # the linear fraction of each true bin in each reco bin, by hand
    edges_true, edges_reco = 10 ** (np.arange(4) / 3), 10 ** (np.arange(3) / 2)
    middle = (edges_reco[1] - edges_true[1]) / (edges_true[2] - edges_true[1])
    by_hand = [[1, 0], [middle, 1 - middle], [0, 1]]
    assert_allclose(
        edisp.edisp_map.data, np.broadcast_to(np.array(by_hand)[:, :, None], (3, 2, 192))
    )


def test_edisp_map_from_geom_on_healpix_x198():
    migra = MapAxis.from_edges([0.0, 0.5, 1.0, 1.5, 2.0], name="migra")
    geom = HpxGeom.create(nside=2, region="DISK(0,0,40)", axes=[migra, ENERGY_TRUE])
    edisp = EDispMap.from_geom(geom)
    npix = geom.to_image().data_shape[0]
    # migra = 1 is the edge between bins 1 and 2 (pixel 1.5): half the unit density in
    # each, divided by the bin width 0.5
    assert_allclose(edisp.edisp_map.data, np.broadcast_to([[0], [1], [1], [0]], (3, 4, npix)))
    assert edisp.exposure_map.data.shape == (3, 1, npix)


def test_psf_map_on_healpix_is_not_a_single_bin_and_gtpsf_refuses_it():
    psf = _psf(HpxGeom.create(nside=1), 1.0, 1.0)
    assert not psf.has_single_spatial_bin
    with pytest.raises(ValueError, match=r"gtpsf format holds a single spatial bin.*format='gadf'"):
        psf.to_hdus(format="gtpsf")


def test_stacking_an_aligned_part_of_the_sky():
    whole = _psf(HpxGeom.create(nside=2), 2.0, 1.0)
    part_geom = HpxGeom.create(nside=2, region="DISK(0,0,40)")
    part = _psf(part_geom, 5.0, 3.0)
    weights = Map.from_geom(part_geom.to_cube([ENERGY_TRUE]), dtype=bool)
    weights.data[:, ::2] = True  # every other pixel of the part
    whole.stack(part, weights=_with_rad(weights))
    stacked = np.zeros(48, dtype=bool)
    stacked[part_geom.ipix[::2]] = True
    # by hand: (2 * 1 + 5 * 3) / (1 + 3) where stacked, else unchanged
    assert_allclose(whole.psf_map.data, np.broadcast_to(np.where(stacked, 17 / 4, 2.0), (3, 5, 48)))
    assert_allclose(
        whole.exposure_map.data, np.broadcast_to(np.where(stacked, 4.0, 1.0), (3, 1, 48))
    )


def _with_rad(weights):
    """The weights with a one-bin rad axis before energy_true (the PSF map's axes order)."""
    rad = MapAxis.from_edges([0, 1], name="rad", unit="deg")
    geom = weights.geom.to_image().to_cube([rad, ENERGY_TRUE])
    return Map.from_geom(geom, data=weights.data[:, None, :])


def test_stacking_another_nside_is_refused_with_the_rule():
    whole = _psf(HpxGeom.create(nside=2), 2.0, 1.0)
    other = _psf(HpxGeom.create(nside=4), 5.0, 3.0)
    before = whole.psf_map.data.copy(), whole.exposure_map.data.copy()
    with pytest.raises(ValueError, match="same nside, ordering, frame and axes"):
        whole.stack(other)
    with pytest.raises(ValueError, match="same nside, ordering, frame and axes"):
        whole.stack(_psf(HpxGeom.create(nside=2, frame="galactic"), 5.0, 3.0))
    # nothing was added
    assert_equal(whole.psf_map.data, before[0])
    assert_equal(whole.exposure_map.data, before[1])


# --------------------------------------------------------------------- evaluation on HEALPix
PARTIAL = HpxGeom.create(nside=4, frame="galactic", region="DISK(110,75,40)")
# healpy's get_interp_weights(4, lon, lat, nest=True, lonlat=True), run in the gammapy venv
HEALPY_WEIGHTS = {
    (112, 70): ([15, 31, 13, 30], [0.076759057632, 0.223602472234, 0.007773760779, 0.691864709355]),
    (100, 80): ([47, 63, 15, 31], [0.036613904329, 0.036613904329, 0.368547830928, 0.558224360413]),
    (130, 60): ([30, 29, 27, 28], [0.285750556658, 0.181841263328, 0.088734696669, 0.443673483346]),
}


def _gauss_psf_per_pixel():
    """A Gaussian PSF whose sigma grows with the pixel's place in the geometry."""
    rad = MapAxis.from_nodes(np.linspace(0, 2, 301), name="rad", unit="deg")
    geom = PARTIAL.to_cube([rad, ENERGY_TRUE])
    sigma = np.radians(0.1 + 0.02 * np.arange(PARTIAL.ipix.size))
    r = rad.center.to_value("rad")[:, None]
    data = np.exp(-0.5 * (r / sigma) ** 2) / (2 * np.pi * sigma**2)
    psf = PSFMap(
        Map.from_geom(geom, data=np.broadcast_to(data, geom.data_shape), unit="sr-1"),
        Map.from_geom(geom.squash("rad"), data=1.0, unit="m2 s"),
    )
    return psf, np.degrees(sigma)


def test_psf_containment_on_healpix_mixes_pixels_with_healpix_weights_x198():
    psf, sigma = _gauss_psf_per_pixel()
    lon, lat = zip(*HEALPY_WEIGHTS, strict=True)
    position = SkyCoord(list(lon), list(lat), unit="deg", frame="galactic")
    result = psf.containment(0.2 * u.deg, 2 * u.TeV, position=position).value
    for value, (ipix, weights) in zip(result, HEALPY_WEIGHTS.values(), strict=True):
        # containment is linear in the profile: the healpy-weighted Gaussian containments
        s = sigma[PARTIAL.global_to_local(ipix)]
        assert_allclose(
            value, np.sum(np.array(weights) * (1 - np.exp(-0.5 * (0.2 / s) ** 2))), rtol=1e-4
        )
    # at a pixel centre (cdshealpix) only that pixel counts: r68 = sigma sqrt(-2 ln 0.32)
    centre_lon, centre_lat = cds_nested.healpix_to_lonlat(PARTIAL.ipix[5:6], 2)
    centre = SkyCoord(centre_lon, centre_lat, frame="galactic")
    radius = psf.containment_radius(0.68, 2 * u.TeV, position=centre)
    assert_allclose(radius.deg, sigma[5] * np.sqrt(-2 * np.log(0.32)), rtol=1e-4)
    # gammapy 2.1 fails here ("not enough values to unpack (expected 2, got 1)")


def test_psf_position_outside_a_partial_healpix_map_is_refused():
    psf, _ = _gauss_psf_per_pixel()
    outside = SkyCoord(0, 0, unit="deg", frame="galactic")
    with pytest.raises(ValueError, match="outside the IRF map's HEALPix pixels"):
        psf.containment_radius(0.68, 2 * u.TeV, position=outside)


def test_psf_kernel_for_a_healpix_geometry_uses_its_wcs_grid():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    psf = PSFMap.from_gauss(energy, sigma=[0.1, 0.2] * u.deg)
    geom = HpxGeom.create(nside=256, axes=[energy])
    position = SkyCoord(0, 0, unit="deg")
    kernel = psf.get_psf_kernel(geom, position=position, max_radius=1 * u.deg)
    same = psf.get_psf_kernel(geom.to_wcs_geom(), position=position, max_radius=1 * u.deg)
    assert_equal(kernel.data, same.data)
    # gammapy 2.1 (its venv): shape (2, 41, 41), pixels of 3 arcmin, rms 0.10073011 deg
    assert kernel.data.shape == (2, 41, 41)
    x = (np.arange(41) - 20) * 0.05
    assert_allclose(np.sqrt((kernel.data[0] * x**2).sum()), 0.10073011, rtol=1e-6)


def test_edisp_kernel_at_a_position_on_healpix_is_the_pixel_holding_it():
    geom = PARTIAL.to_cube([ENERGY, ENERGY_TRUE])
    edisp = EDispKernelMap.from_geom(geom)
    # a different kernel in each pixel: reco bin 0 takes the local pixel index / 100
    npix = PARTIAL.ipix.size
    edisp.edisp_map.data[:, 0, :] = np.arange(npix) / 100
    position = SkyCoord(112, 70, unit="deg", frame="galactic")
    ipix = cds_nested.lonlat_to_healpix([112] * u.deg, [70] * u.deg, 2)  # nside 4 = 2**2
    local = PARTIAL.global_to_local(ipix)
    kernel = edisp.get_edisp_kernel(position=position)
    assert_allclose(kernel.data[:, 0], local[0] / 100)
    # a pixel without a kernel: the nearest one with a kernel, with a warning
    edisp.edisp_map.data[..., local] = 0
    with pytest.warns(EDispPositionWarning):
        other = edisp.get_edisp_kernel(position=position)
    assert not np.allclose(other.data[:, 0], local[0] / 100)


def test_edisp_map_kernel_on_healpix():
    migra = MapAxis.from_edges(np.linspace(0, 2, 9), name="migra")
    edisp = EDispMap.from_geom(PARTIAL.to_cube([migra, ENERGY_TRUE]))
    kernel_map = edisp.to_edisp_kernel_map(ENERGY.copy())
    assert kernel_map.edisp_map.data.shape == (3, 2, PARTIAL.ipix.size)
    # the diagonal density (2 in the migra bins [0.75, 1] and [1, 1.25]) integrated over
    # each reco bin's migra range [E_lo, E_hi] / E_true at the true bin centres 1.47, 3.16
    # and 6.81 TeV: the middle centre is the reco edge, so half on each side
    kernel = edisp.get_edisp_kernel(
        ENERGY.copy(), position=SkyCoord(112, 70, unit="deg", frame="galactic")
    )
    assert_allclose(kernel.data, [[1, 0], [0.5, 0.5], [0, 1]], atol=1e-6)


def test_psf_from_gauss_on_healpix_x198():
    psf = PSFMap.from_gauss(ENERGY_TRUE, sigma=0.2 * u.deg, geom=PARTIAL)
    assert psf.psf_map.data.shape == (3, 66, PARTIAL.ipix.size)
    assert isinstance(psf.psf_map.geom, HpxGeom)
    # a Gaussian's 68 % radius: sigma sqrt(-2 ln 0.32) (gammapy 2.1 fails in from_gauss)
    position = SkyCoord(112, 70, unit="deg", frame="galactic")
    radius = psf.containment_radius(0.68, 2 * u.TeV, position=position)
    assert_allclose(radius.deg, 0.2 * np.sqrt(-2 * np.log(0.32)), rtol=1e-3)


def test_a_psf_kernel_on_healpix_pixels_is_refused_with_the_way_out():
    from skymask.irf import PSFKernel

    with pytest.raises(TypeError, match=r"image on WCS pixels.*geom\.to_wcs_geom\(\)"):
        PSFKernel.from_gauss(PARTIAL, sigma=0.1 * u.deg)
    # the way out works: a kernel on the WCS grid of the HEALPix geometry
    kernel = PSFKernel.from_gauss(HpxGeom.create(nside=256).to_wcs_geom(), sigma=0.1 * u.deg)
    assert kernel.data.shape[-1] % 2 == 1


def test_edisp_kernel_map_to_image_on_healpix_sums_the_reco_bins():
    edisp = EDispKernelMap.from_geom(PARTIAL.to_cube([ENERGY, ENERGY_TRUE]))
    edisp.edisp_map.data[...] *= np.arange(PARTIAL.ipix.size) + 1.0
    image = edisp.to_image()
    assert image.edisp_map.data.shape == (3, 1, PARTIAL.ipix.size)
    # each row of the diagonal response sums to 1, times the pixel's factor
    assert_allclose(
        image.edisp_map.data[:, 0], np.ones((3, 1)) * (np.arange(PARTIAL.ipix.size) + 1)
    )


def test_irf_maps_on_healpix_write_and_read_back(tmp_path):
    psf, _ = _gauss_psf_per_pixel()
    psf.write(tmp_path / "psf.fits")
    again = PSFMap.read(tmp_path / "psf.fits")
    assert again.psf_map.geom == psf.psf_map.geom
    assert_equal(again.psf_map.data, psf.psf_map.data)
    assert_equal(again.exposure_map.data, psf.exposure_map.data)
    edisp = EDispKernelMap.from_geom(PARTIAL.to_cube([ENERGY, ENERGY_TRUE]))
    edisp.edisp_map.data[:, 0] *= np.arange(PARTIAL.ipix.size)
    hdus = fits.HDUList([fits.PrimaryHDU(), *edisp.to_hdus()])
    hdus.writeto(tmp_path / "edisp.fits")
    read = EDispKernelMap.read(tmp_path / "edisp.fits")
    assert read.edisp_map.geom == edisp.edisp_map.geom
    assert_equal(read.edisp_map.data, edisp.edisp_map.data)
