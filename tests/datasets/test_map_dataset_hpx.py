"""MapDataset on HEALPix geometries (issues 15 and 16): create (all-sky and partial sky) with
the IRF maps on HEALPix grids of the IRF pixel size, and stack of an aligned part of the sky.

Oracles: pixel numbers from the HEALPix formulas (12 nside^2, the pixel size
sqrt(4 pi / npix)), partial-sky pixels from cdshealpix's pixel centres and astropy's angular
separation (brute force), migration fractions from the bin edges by hand, stacked values by
hand; gammapy 2.1's numbers (run in its venv) are pasted where they agree, with a comment.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import angular_separation
from numpy.testing import assert_allclose, assert_equal

from skymask.data import GTI
from skymask.datasets import MapDataset
from skymask.irf import EDispKernelMap, EDispMap, PSFMap
from skymask.maps import HpxGeom, Map, MapAxis

cds_nested = pytest.importorskip("cdshealpix.nested")

ENERGY = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
ENERGY_TRUE = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
DISK = (110.0, 75.0, 10.0)  # gammapy's test_map.py fixture geom_hpx_partial


def allsky(nside=32):
    return HpxGeom.create(nside=nside, axes=[ENERGY], frame="galactic")


def partial(nside=32, disk=DISK):
    return HpxGeom.create(
        nside=nside, axes=[ENERGY], frame="galactic", region="DISK({},{},{})".format(*disk)
    )


def nside_for(binsz_deg):
    """The coarsest power-of-two nside whose pixel size sqrt(4 pi / (12 nside^2)) is at most
    ``binsz_deg`` (gammapy's rule)."""
    nside = 1
    while np.degrees(np.sqrt(4 * np.pi / (12 * nside**2))) > binsz_deg:
        nside *= 2
    return nside


def disk_pixels(nside, disk=DISK):
    """Nested pixels whose centre is within the disk radius: cdshealpix centres, brute force."""
    depth = int(np.log2(nside))
    ipix = np.arange(12 * nside**2)
    lon, lat = cds_nested.healpix_to_lonlat(ipix, depth)
    separation = angular_separation(
        lon.to_value(u.rad), lat.to_value(u.rad), np.radians(disk[0]), np.radians(disk[1])
    )
    return ipix[np.degrees(separation) <= disk[2]]


def overlap_by_hand(reco_edges, true_edges):
    """Fraction of each true-energy bin inside each reconstructed bin (linear widths)."""
    low = np.maximum(true_edges[:-1, None], reco_edges[None, :-1])
    high = np.minimum(true_edges[1:, None], reco_edges[None, 1:])
    return np.clip(high - low, 0, None) / np.diff(true_edges)[:, None]


def test_nside_rule_of_the_oracle():
    # pixel sizes 7.33, 3.66, 1.83 deg at nside 8, 16, 32
    assert [nside_for(b) for b in (10, 5, 2)] == [8, 16, 32]


@pytest.mark.parametrize("binsz", [10, 5])
def test_create_on_the_whole_sky(binsz):
    geom = allsky()
    dataset = MapDataset.create(geom, energy_axis_true=ENERGY_TRUE, binsz_irf=binsz * u.deg)
    npix, npix_irf = 12 * 32**2, 12 * nside_for(binsz) ** 2
    # gammapy 2.1 (its venv): counts (3, 12288), exposure (4, 12288), edisp (4, 3, 768),
    # psf (4, 66, 768) at binsz_irf=10 deg; 3072 IRF pixels at 5 deg
    expected = {
        "counts": (dataset.counts, (3, npix)),
        "background": (dataset.background, (3, npix)),
        "mask_safe": (dataset.mask_safe, (3, npix)),
        "exposure": (dataset.exposure, (4, npix)),
        "edisp": (dataset.edisp.edisp_map, (4, 3, npix_irf)),
        "edisp exposure": (dataset.edisp.exposure_map, (4, 1, npix_irf)),
        "psf": (dataset.psf.psf_map, (4, 66, npix_irf)),
        "psf exposure": (dataset.psf.exposure_map, (4, 1, npix_irf)),
    }
    for name, (m, shape) in expected.items():
        assert isinstance(m.geom, HpxGeom), name
        assert m.data.shape == shape, name
        assert m.geom.frame == "galactic" and m.geom.nest, name
    assert int(dataset.psf.psf_map.geom.nside[0]) == nside_for(binsz)
    assert dataset.mask_safe.is_mask and dataset.mask_safe.data.all()  # X19
    assert isinstance(dataset.edisp, EDispKernelMap) and isinstance(dataset.psf, PSFMap)
    assert not dataset.edisp.has_single_spatial_bin and not dataset.psf.has_single_spatial_bin
    # the diagonal kernel in every pixel: overlap of the bins, by hand
    by_hand = overlap_by_hand(ENERGY.edges.value, ENERGY_TRUE.edges.value)
    assert_allclose(dataset.edisp.edisp_map.data, by_hand[:, :, None] * np.ones(npix_irf))
    # gammapy 2.1's kernel (its venv), true bin 1 and 2
    assert_allclose(by_hand[1:3], [[0.27178884, 0.72821116, 0], [0, 0.60106854, 0.39893146]])


def test_create_on_part_of_the_sky_x197():
    geom = partial()
    npix = disk_pixels(32).size
    assert npix == 90  # gammapy 2.1's counts (3, 90)
    assert_equal(geom.ipix, disk_pixels(32))
    for binsz in (2, 5):
        dataset = MapDataset.create(geom, energy_axis_true=ENERGY_TRUE, binsz_irf=binsz * u.deg)
        assert dataset.counts.data.shape == (3, npix)
        assert dataset.exposure.data.shape == (4, npix)
        # X197: the IRF maps cover the dataset's disk (radius 10 deg) at the IRF nside
        irf_pixels = disk_pixels(nside_for(binsz))
        for m in (dataset.psf.psf_map, dataset.edisp.edisp_map):
            assert isinstance(m.geom, HpxGeom)
            assert_equal(m.geom.ipix, irf_pixels)
        assert dataset.psf.psf_map.data.shape == (4, 66, irf_pixels.size)
        assert dataset.edisp.edisp_map.data.shape == (4, 3, irf_pixels.size)
    # gammapy 2.1 (its venv) gives the IRF maps 24 pixels at binsz_irf=2 deg: the disk of
    # radius 5 deg (its to_binsz passes the radius on as a diameter, X172)
    assert disk_pixels(32, disk=(110.0, 75.0, 5.0)).size == 24


def test_create_with_a_migration_axis_on_healpix_x198():
    migra = MapAxis.from_edges(np.linspace(0.5, 1.5, 5), name="migra")
    dataset = MapDataset.create(
        partial(), energy_axis_true=ENERGY_TRUE, migra_axis=migra, binsz_irf=2 * u.deg
    )
    edisp = dataset.edisp
    assert isinstance(edisp, EDispMap)
    assert isinstance(edisp.edisp_map.geom, HpxGeom)
    assert edisp.edisp_map.data.shape == (4, 4, 90)
    assert edisp.exposure_map.data.shape == (4, 1, 90)
    # migra = 1 is the edge between bins 1 and 2 (centres 0.875, 1.125): pixel coordinate
    # 1.5, so half of the unit density in each, divided by the bin width 0.25
    assert_allclose(edisp.edisp_map.data, np.broadcast_to([[0], [2], [2], [0]], (4, 4, 90)))
    # gammapy 2.1 raises here: "ValueError: Input shape (1, 4, 4, 24) is not compatible with
    # shape from geometry (4, 4, 24)" (its from_geom reshapes for two WCS sky axes)


def _filled(geom, binsz, value, exposure, name):
    dataset = MapDataset.create(
        geom, energy_axis_true=ENERGY_TRUE, binsz_irf=binsz * u.deg, name=name
    )
    dataset.counts.data[...] = value
    dataset.background.data[...] = value
    dataset.exposure.data[...] = value
    for irf in (dataset.psf, dataset.edisp):
        irf.exposure_map.data[...] = exposure
    dataset.psf.psf_map.data[...] = value
    return dataset


def test_stack_part_of_the_sky_into_the_whole_sky():
    # gammapy's test_map_dataset_stack_hpx_geom: sums 3 * 90, 3 * 90, 4 * 90 (its venv)
    whole = MapDataset.create(allsky(), energy_axis_true=ENERGY_TRUE, binsz_irf=5 * u.deg)
    gti = GTI.create(start=0 * u.s, stop=30 * u.min)
    part = MapDataset.create(partial(), energy_axis_true=ENERGY_TRUE, binsz_irf=5 * u.deg, gti=gti)
    for m in (part.counts, part.background, part.exposure):
        m.data += 1
    whole.stack(part)
    assert_allclose(whole.counts.data.sum(), 3 * 90)
    assert_allclose(whole.background.data.sum(), 3 * 90)
    assert_allclose(whole.exposure.data.sum(), 4 * 90)
    # pixel by pixel: ones exactly at the disk's pixels
    inside = np.isin(np.arange(12 * 32**2), disk_pixels(32))
    assert_equal(whole.counts.data, np.broadcast_to(inside, (3, inside.size)))
    assert whole.mask_safe.is_mask
    assert_allclose(whole.gti.time_sum.to_value(u.s), 1800)
    # the IRF maps had no exposure: gammapy's average (kernel * exposure / exposure, NaN to
    # 0) leaves 0 everywhere, the diagonal kernels outside the part too (its venv: sums 0.0)
    assert whole.edisp.edisp_map.data.sum() == 0
    assert whole.psf.psf_map.data.sum() == 0


def test_stack_averages_the_irfs_on_the_shared_healpix_pixels():
    # whole sky: PSF 2 with exposure 1; the part: PSF 5 with exposure 3, safe in the last
    # energy bin only in some pixels and nowhere in others
    whole = _filled(allsky(16), 10, 2.0, 1.0, "whole")
    part = _filled(partial(16, disk=(110.0, 75.0, 25.0)), 10, 5.0, 3.0, "part")
    part.edisp.edisp_map.data[...] = 0.5
    # safe: only the first sub-pixel (nested: ipix % 4 == 0) of the even IRF pixels
    ipix = part.geom.ipix
    safe = np.zeros(part.counts.data.shape, dtype=bool)
    safe[2] = (ipix % 4 == 0) & ((ipix // 4) % 2 == 0)
    part.mask_safe = Map.from_geom(part.geom, data=safe)
    edisp_before = whole.edisp.edisp_map.data.copy()
    whole.stack(part)

    # by hand: the IRF nside is 8 here (counts nside 16): an IRF pixel takes the part's
    # values when any of its 4 counts pixels is safe (OR, X197)
    counts_ipix = part.geom.ipix
    irf_ipix = part.psf.psf_map.geom.ipix
    assert_equal(irf_ipix, disk_pixels(8, disk=(110.0, 75.0, 25.0)))
    safe_parents = np.unique(counts_ipix[safe[2]] // 4)  # nested: parent = ipix // 4
    safe_irf = np.isin(np.arange(12 * 8**2), np.intersect1d(irf_ipix, safe_parents))
    assert 0 < safe_irf.sum() < irf_ipix.size  # both cases occur
    shape = (4, 66, 12 * 8**2)
    assert_allclose(
        whole.psf.exposure_map.data[:, 0], np.where(safe_irf, 4.0, 1.0)[None].repeat(4, 0)
    )
    assert_allclose(whole.psf.psf_map.data, np.broadcast_to(np.where(safe_irf, 17 / 4, 2.0), shape))
    # EDisp: weighted per reconstructed energy (safe only in the last bin), exposure with
    # any energy safe
    expected = edisp_before.copy()
    expected[:, 2, safe_irf] = (edisp_before[:, 2, safe_irf] + 0.5 * 3) / 4
    expected[:, :2, safe_irf] = edisp_before[:, :2, safe_irf] / 4
    assert_allclose(whole.edisp.edisp_map.data, expected)
    assert_allclose(
        whole.edisp.exposure_map.data[:, 0], np.where(safe_irf, 4.0, 1.0)[None].repeat(4, 0)
    )
    # counts: the part's safe values at its own pixels
    expected_counts = np.full((3, 12 * 16**2), 2.0)
    expected_counts[:, counts_ipix] += 5.0 * safe
    assert_allclose(whole.counts.data, expected_counts)
    assert whole.mask_safe.is_mask


def test_stack_needs_an_aligned_healpix_geometry():
    whole = MapDataset.create(allsky(16), energy_axis_true=ENERGY_TRUE, binsz_irf=10 * u.deg)
    other = MapDataset.create(allsky(8), energy_axis_true=ENERGY_TRUE, binsz_irf=10 * u.deg)
    with pytest.raises(ValueError, match="same HEALPix geometry or an aligned one"):
        whole.stack(other)


def _written(tmp_path, dataset):
    path = tmp_path / "hpx.fits"
    dataset.write(path)
    return path


def test_write_read_round_trip_on_healpix(tmp_path):
    dataset = MapDataset.create(
        partial(), energy_axis_true=ENERGY_TRUE, binsz_irf=5 * u.deg, name="hpx"
    )
    rng = np.random.default_rng(5)
    dataset.counts.data[...] = rng.poisson(3, dataset.counts.data.shape)
    dataset.mask_safe.data[0, :10] = False
    dataset.psf.psf_map.data[...] = rng.uniform(size=dataset.psf.psf_map.data.shape)
    again = MapDataset.read(_written(tmp_path, dataset))
    for name in ("counts", "background", "exposure", "mask_safe"):
        before, after = getattr(dataset, name), getattr(again, name)
        assert after.geom == before.geom, name
        assert_equal(after.data, before.data)
    assert again.mask_safe.is_mask
    for irf in ("psf", "edisp"):
        before, after = getattr(dataset, irf), getattr(again, irf)
        assert type(after) is type(before)
        for attr in (f"{irf}_map", "exposure_map"):
            assert getattr(after, attr).geom == getattr(before, attr).geom
            assert_equal(getattr(after, attr).data, getattr(before, attr).data)


def test_reads_gammapys_healpix_masks_written_as_floats(tmp_path):
    from astropy.io import fits

    dataset = MapDataset.create(partial(), energy_axis_true=ENERGY_TRUE, binsz_irf=5 * u.deg)
    dataset.mask_safe.data[1, 5:] = False
    path = _written(tmp_path, dataset)
    # gammapy 2.1 (its venv) writes a HEALPix dataset's MASK_SAFE as float32 columns (E);
    # rewrite the HDU that way
    safe = dataset.mask_safe.data.astype(np.float32)
    as_float = Map.from_geom(dataset.geom, data=safe).to_hdulist(hdu="MASK_SAFE")[1:]
    with fits.open(path) as hdulist:
        hdus = [h.copy() for h in hdulist if h.name not in ("MASK_SAFE", "MASK_SAFE_BANDS")]
    assert as_float[0].columns.formats[1] == "E"
    fits.HDUList(hdus + list(as_float)).writeto(path, overwrite=True)
    again = MapDataset.read(path)
    assert again.mask_safe.is_mask
    assert_equal(again.mask_safe.data, dataset.mask_safe.data)
    # values other than 0 and 1 are not a mask: the dataset's own check names them
    half = Map.from_geom(dataset.geom, data=safe / 2).to_hdulist(hdu="MASK_SAFE")[1:]
    fits.HDUList(hdus + list(half)).writeto(path, overwrite=True)
    with pytest.raises(TypeError, match="mask_safe must be a boolean map"):
        MapDataset.read(path)


def test_safe_mask_of_a_healpix_dataset_on_a_wcs_psf_grid():
    from skymask.maps import WcsGeom

    dataset = MapDataset.create(partial(), energy_axis_true=ENERGY_TRUE, binsz_irf=5 * u.deg)
    ipix = dataset.geom.ipix
    dataset.mask_safe.data[...] = (ipix % 3 == 0)[None, :]
    wcs = WcsGeom.create(skydir=(110, 75), binsz=1, width=30, frame="galactic", proj="CAR")
    dataset.psf = PSFMap.from_gauss(ENERGY_TRUE, sigma=0.1 * u.deg, geom=wcs)
    mask = dataset.mask_safe_psf
    assert mask.is_mask
    # oracle: the nside-32 pixel of each WCS centre (cdshealpix), safe when it is one of the
    # dataset's safe pixels; centres off the dataset's disk are False (X191)
    coords = wcs.get_coord()
    lon = np.ravel(u.Quantity(coords["lon"], u.deg))
    lat = np.ravel(u.Quantity(coords["lat"], u.deg))
    holding = cds_nested.lonlat_to_healpix(lon, lat, 5)
    expected = np.isin(holding, ipix[ipix % 3 == 0]).reshape(wcs.data_shape)
    assert 0 < expected.sum() < expected.size
    assert_equal(mask.data[0, 0], expected)
