"""HpxGeom's derived geometries, FITS header and index conventions, and HpxNDMap.cutout.

Oracles: numbers computed by gammapy 2.1 in /work/venv-gammapy (pasted, each with a comment
saying so, or taken from gammapy's own tests), cdshealpix lookups of pixel centres (another
code path than skymask's index arithmetic) and brute-force angular separations on the sphere.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from cdshealpix import nested as cds_nested
from cdshealpix import ring as cds_ring
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis


def cds_lookup(nside, nest, lon_deg, lat_deg):
    """Pixel holding each position, straight from cdshealpix."""
    lon = np.asarray(lon_deg, float) * u.deg
    lat = np.asarray(lat_deg, float) * u.deg
    if nest:
        return np.asarray(cds_nested.lonlat_to_healpix(lon, lat, int(np.log2(nside))), np.int64)
    return np.asarray(cds_ring.lonlat_to_healpix(lon, lat, nside), np.int64)


def centres(geom):
    coord = geom.to_image().get_coord()
    return coord.lon.to_value("deg"), coord.lat.to_value("deg")


# ------------------------------------------------------------------ axes and index conventions
def test_axes_given_as_edge_arrays_are_linear_axes_named_by_position():
    edges = np.linspace(0.0, 3.0, 4)
    geom = HpxGeom(16, False, "galactic", axes=[edges, MapAxis.from_edges([1, 2], name="")])
    assert geom.axes.names == ["axis0", "axis1"]
    assert_array_equal(geom.axes[0].edges.value, edges)
    assert geom.axes[0].interp == "lin"
    assert geom.data_shape == (1, 3, 3072)
    with pytest.raises(TypeError, match="list of MapAxis"):
        HpxGeom(4, axes=edges)


def test_get_coord_single_nside_parts_of_gammapys_test():
    # The numbers of gammapy 2.1's test_hpxgeom_get_coord (its multi-nside part is X113).
    ax0 = np.linspace(0.0, 3.0, 4)
    c = HpxGeom(16, False, "galactic").get_coord()
    assert c[0].unit == "deg" and c[1].unit == "deg"
    assert_allclose(c[0][:3].value, [45.0, 135.0, 225.0])
    assert_allclose(c[1][:3].value, [87.075819] * 3)
    c = HpxGeom(16, False, "galactic", axes=[ax0]).get_coord()
    assert_allclose(c[0][0, :3].value, [45.0, 135.0, 225.0])
    assert_allclose(c[2][0, :3], [0.5, 0.5, 0.5])
    assert_allclose(c[2][:, 0], [0.5, 1.5, 2.5])
    c = HpxGeom(64, False, "galactic", region="DISK(110.,75.,2.)", axes=[ax0]).get_coord()
    assert_allclose(c[0][0, :3].value, [107.5, 112.5, 106.57894737])
    assert_allclose(c[1][0, :3].value, [76.813533, 76.813533, 76.07742])


def test_coord_to_pix_single_nside_parts_of_gammapys_test():
    lon, lat = np.array([110.25, 114.0, 105.0]), np.array([75.3, 75.3, 74.6])
    pix64 = [784, 785, 864]  # gammapy 2.1's test_hpxgeom_coord_to_pix
    assert_array_equal(pix64, cds_lookup(64, False, lon, lat))
    ax0, ax1 = np.linspace(0.0, 3.0, 4), np.linspace(3.0, 6.0, 4)
    geom = HpxGeom(64, False, "galactic", region="DISK(110.,75.,2.)", axes=[ax0, ax1])
    pix = geom.coord_to_pix((lon, lat, np.array([0.5, 1.5, 2.5]), np.array([3.5, 4.5, 5.5])))
    assert_array_equal(pix[0], pix64)
    assert_allclose(pix[1], [0, 1, 2])
    assert_allclose(pix[2], [0, 1, 2])


def test_global_to_local_single_nside_parts_of_gammapys_test():
    # The numbers of gammapy 2.1's test_hpx_global_to_local (its multi-nside part is X113):
    # with ravel=True a plain number or array is a flat index over the all-sky planes; a tuple
    # of arrays is (ipix, axis indices).
    ax0 = np.linspace(0.0, 1.0, 3)
    geom = HpxGeom(16, False, "galactic")
    assert_array_equal(geom.global_to_local((0, 633), ravel=True), [0, 633])
    geom = HpxGeom(16, False, "galactic", axes=[ax0])
    flat = geom.global_to_local((np.array([177, 177]), np.array([0, 1])), ravel=True)
    assert_array_equal(flat, [177, 177 + 3072])
    geom = HpxGeom(64, False, "galactic", region="DISK(110.,75.,2.)", axes=[ax0])
    expected = [-1, 0, 2, 19, 21]
    assert_array_equal(geom.global_to_local((0, 633, 706, 49859, 49935), ravel=True), expected)
    flat = np.array([0, 633, 706, 49859, 49935])
    assert_array_equal(geom.global_to_local(flat, ravel=True), expected)
    pair = (np.array([0, 633, 706, 707, 783]), np.array([0, 0, 0, 1, 1]))
    assert_array_equal(geom.global_to_local(pair, ravel=True), expected)
    # The raveled local index is the position in the data (16 pixels per plane), and beyond
    # the last plane is -1.
    assert geom.data_shape == (2, 16)
    assert geom.local_to_global(3) == 707
    assert_array_equal(geom.global_to_local(np.array([49859, 2 * 49152]), ravel=True), [19, -1])
    # Without ravel, an array holds pixel numbers (X174): gammapy unravels it over the planes.
    assert_array_equal(geom.global_to_local(np.array([0, 633, 707])), [-1, 0, 3])


def test_contains_on_the_sphere():
    axis = MapAxis(np.logspace(0.0, 3.0, 4))
    geom = HpxGeom(8, False, "galactic", region="DISK(110.,75.,10.)", axes=[axis])
    coords = geom.get_coord(flat=True)
    assert geom.contains(coords).all()
    lon, lat = coords[0][:1], coords[1][:1]
    assert not geom.contains([lon, lat, axis.edges[-1:] + 1.0]).any()
    # Brute force: a position is inside when the pixel holding it has its centre in the disk.
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(90, 130, 400), rng.uniform(60, 89, 400)
    holder = cds_lookup(8, False, lon, lat)
    plon, plat = cds_ring.healpix_to_lonlat(holder.astype(np.uint64), 8)
    centre = SkyCoord(plon, plat, frame="galactic")
    expected = centre.separation(SkyCoord(110, 75, unit="deg", frame="galactic")).deg <= 10
    assert_array_equal(geom.to_image().contains((lon, lat)), expected)
    assert 0 < expected.sum() < expected.size


# ------------------------------------------------------------------ FITS header
@pytest.mark.parametrize("region", [None, "DISK(110.,75.,10.)"])
@pytest.mark.parametrize("axes", [None, [MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)]])
def test_header_and_bands_round_trip_through_a_file(tmp_path, region, axes):
    geom = HpxGeom(8, False, "galactic", region=region, axes=axes)
    primary = fits.PrimaryHDU()
    primary.header.update(geom.to_header())
    fits.HDUList([primary, geom.to_bands_hdu(hdu_bands="TEST_BANDS")]).writeto(tmp_path / "g.fits")
    with fits.open(tmp_path / "g.fits") as hdulist:
        back = HpxGeom.from_header(hdulist[0].header, hdulist["TEST_BANDS"])
    assert back == geom
    assert back.region == geom.region and back.npix.tolist() == geom.npix.tolist()


def test_from_header_reads_gammapys_cards_and_names_bad_ones():
    # gammapy 2.1's test_hpxgeom_from_header: COORDSYS "CEL" is icrs.
    header = fits.Header({"HPX_REG": "DISK(110.,75.,2.)", "NSIDE": 64, "ORDER": 6,
                          "PIXTYPE": "HEALPIX", "ORDERING": "RING", "COORDSYS": "CEL"})  # fmt: skip
    geom = HpxGeom.from_header(header)
    assert (geom.frame, geom.nest, geom.nside.tolist()) == ("icrs", False, [64])
    # gammapy 2.1 gives 16 pixels for this header with COORDSYS "GAL".
    header["COORDSYS"] = "GAL"
    assert HpxGeom.from_header(header).npix.tolist() == [16]
    header["PIXTYPE"] = "IMAGE"
    with pytest.raises(ValueError, match="PIXTYPE must be HEALPIX"):
        HpxGeom.from_header(header)
    with pytest.raises(TypeError, match="Header"):
        HpxGeom.from_header({"PIXTYPE": "HEALPIX"})
    with pytest.raises(ValueError, match="format='gadf'"):
        geom.to_header(format="fgst-ccube")


# ------------------------------------------------------------------ resolution
@pytest.mark.parametrize("nest", [True, False])
@pytest.mark.parametrize("region", [None, "DISK(30,40,12)"])
def test_upsample_and_downsample_against_cdshealpix_lookups(nest, region):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    geom = HpxGeom(16, nest, "galactic", region=region, axes=[axis])
    up = geom.upsample(2)
    assert up.nside.tolist() == [32] and up.nest == nest and up.axes == geom.axes
    assert up.npix.tolist() == (4 * geom.npix).tolist()
    # Every sub-pixel centre lies in a pixel of the original geometry (cdshealpix lookup).
    lon, lat = centres(up)
    assert np.isin(cds_lookup(16, nest, lon, lat), geom.ipix).all()
    down = geom.downsample(4)
    assert down.nside.tolist() == [4]
    lon, lat = centres(geom)
    assert_array_equal(down.ipix, np.unique(cds_lookup(4, nest, lon, lat)))


def test_resampled_partial_geometries_equal_gammapy():
    # gammapy 2.1: HpxGeom.create(nside=16, region="DISK(30,40,12)", frame="galactic",
    # nest=...).downsample(4)._ipix and .upsample(2).npix
    for nest, parents in ((True, [3, 8, 9, 10, 11, 12]), (False, [12, 13, 24, 25, 41, 42])):
        geom = HpxGeom.create(nside=16, region="DISK(30,40,12)", frame="galactic", nest=nest)
        assert_array_equal(geom.downsample(4).ipix, parents)
        assert geom.upsample(2).npix.tolist() == [132]
    # gammapy 2.1: HpxGeom.create(nside=64, region="DISK(0,0,5)").downsample(4).npix, upsample
    geom = HpxGeom.create(nside=64, region="DISK(0,0,5)")
    assert geom.downsample(4).npix.tolist() == [12]
    assert geom.upsample(2).npix.tolist() == [352]


def test_resampling_bad_factors_are_named():
    geom = HpxGeom(8, True)
    with pytest.raises(ValueError, match="power of 2"):
        geom.upsample(3)
    with pytest.raises(TypeError, match="integer"):
        geom.downsample(2.0)
    with pytest.raises(ValueError, match="must divide the nside 8"):
        geom.downsample(16)
    with pytest.raises(KeyError, match="energy"):
        geom.downsample(2, axis_name="energy")
    with pytest.raises(ValueError, match="power of 2"):
        HpxGeom(12, False, region="DISK(0,0,20)").upsample(2)


def test_to_binsz_keeps_ordering_and_disk_radius_x172():
    # gammapy 2.1 (X172): to_binsz(1 deg) of this ring geometry gives nside 64, nested,
    # "DISK(110.0,75.0,5.0)": the radius halved. skymask keeps the ordering and the radius.
    geom = HpxGeom.create(nside=32, frame="galactic", nest=False, region="DISK(110.,75.,10.)")
    new = geom.to_binsz(1 * u.deg)
    assert new.nside.tolist() == [64] and not new.nest and new.frame == "galactic"
    assert new.region == "DISK(110.,75.,10.)"
    assert_allclose(new.separation(SkyCoord(110, 75, unit="deg", frame="galactic")).deg.max(),
                    geom.width.deg, atol=1.0)  # fmt: skip
    assert HpxGeom.create(nside=32).to_binsz(1).is_allsky
    # An explicit pixel list becomes the disk holding every one of its pixel centres.
    explicit = HpxGeom(32, True, "galactic", region=(geom.to_swapped().ipix[::3],))
    disk = explicit.to_binsz(2.0)  # nside 32: pixel size 1.83 deg
    assert disk.nside.tolist() == [32]
    assert np.isin(explicit.ipix, disk.ipix).all()


# ------------------------------------------------------------------ sub-geometries
def test_cutout_is_the_disk_of_pixel_centres_and_equals_gammapy():
    axis = MapAxis.from_edges([0, 2, 3])
    geom = HpxGeom.create(nside=8, frame="galactic", axes=[axis])
    position = SkyCoord("0d", "0d")  # icrs: converted to the geometry's frame
    cut = geom.cutout(position=position, width=30 * u.deg)
    # gammapy 2.1: the cutout's _ipix
    expected = [516, 517, 528, 529, 532, 584, 585, 586, 587, 608, 609, 610, 611, 616]
    assert_array_equal(cut.ipix, expected)
    assert cut.data_shape == (2, 14) and cut.data_shape_axes == (2, 1)
    assert cut.is_aligned(geom) and cut.axes == geom.axes
    assert_allclose(cut.center_skydir.icrs.ra.deg, 0, atol=1e-8)
    # Brute force: every pixel centre within 15 deg.
    lon, lat = centres(geom)
    sep = SkyCoord(lon, lat, unit="deg", frame="galactic").separation(position).deg
    assert_array_equal(cut.ipix, np.flatnonzero(sep <= 15))
    # A (lon, lat) pair is in the geometry's frame (gammapy's test_smooth passes one).
    galactic = position.galactic
    pair = geom.cutout((galactic.l.deg, galactic.b.deg), width=30)
    assert_array_equal(pair.ipix, expected)
    with pytest.raises(TypeError, match="SkyCoord or \\(lon, lat\\)"):
        geom.cutout("0 0", 30)


def test_map_cutout_all_sky_equals_gammapy():
    # gammapy 2.1's test_hpx_map_cutout numbers.
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    m = HpxNDMap.create(nside=32, frame="galactic", axes=[axis])
    m.data += np.arange(12288)
    cut = m.cutout(SkyCoord("0d", "0d"), width=10 * u.deg)
    assert cut.data.shape == (1, 25)
    assert_allclose(cut.data.sum(), 239021)
    assert_allclose(cut.data[0, [0, -1]], [8452, 9768])
    assert_array_equal(cut.data[0], cut.geom.ipix)  # data were the global index


def test_partial_map_cutout_fills_outside_pixels_with_zero_x171():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    m = HpxNDMap.create(nside=32, frame="galactic", axes=[axis], region="DISK(110.,75.,10.)",
                        nest=False)  # fmt: skip
    m.data = np.arange(m.data.size, dtype=float).reshape(m.data.shape) + 1
    cut = m.cutout(SkyCoord(110, 68, unit="deg", frame="galactic"), width=8 * u.deg)
    # gammapy 2.1 on the same map: the same 13 pixels; its values for the last two pixels
    # (outside the map) are 90 and 180, the map's last pixel (X171); skymask gives 0.
    assert_array_equal(cut.geom.ipix, [327, 328, 380, 381, 382, 437, 438, 439, 498, 499, 500,
                                       564, 565])  # fmt: skip
    gammapy_inside = [66.0, 67.0, 74.0, 75.0, 76.0, 81.0, 82.0, 83.0, 87.0, 88.0, 89.0]
    assert_array_equal(cut.data[0], [*gammapy_inside, 0, 0])
    assert_array_equal(cut.data[1], [*(np.array(gammapy_inside) + 90), 0, 0])
    mask = m > 50
    cut_mask = mask.cutout(SkyCoord(110, 68, unit="deg", frame="galactic"), width=8 * u.deg)
    assert cut_mask.is_mask and cut_mask.data.dtype == bool
    assert_array_equal(cut_mask.data[0], [*(np.array(gammapy_inside) > 50), False, False])
    with pytest.raises(ValueError, match="outside this partial-sky map"):
        m.cutout(SkyCoord(110, 68, unit="deg", frame="galactic"), width=8 * u.deg, mode="strict")


def test_to_wcs_tiles_match_gammapy():
    geom = HpxGeom.create(nside=8, frame="galactic", axes=[MapAxis.from_edges([0, 2, 3])])
    tiles = geom.to_wcs_tiles(nside_tiles=2)
    assert len(tiles) == 48
    # gammapy 2.1: (data_shape image, centre l, b, width) of tiles 0, 5, 20 and 47
    expected = {
        0: (6, 45.0, 19.47122063, 43.97422607),
        5: (7, 157.5, 41.81031490, 51.30326375),
        20: (6, 90.0, -19.47122063, 43.97422607),
        47: (6, 315.0, -19.47122063, 43.97422607),
    }
    for i, (npix, lon, lat, width) in expected.items():
        tile = tiles[i]
        assert tile.projection == "TAN" and tile.data_shape == (2, npix, npix)
        assert_allclose([tile.center_skydir.l.deg, tile.center_skydir.b.deg], [lon, lat])
        assert_allclose(tile.width.deg, [width, width])
    assert_allclose(tiles[0].pixel_scales.deg, [7.32903768] * 2)  # gammapy: 7d19m44.5356s
    # gammapy 2.1: nside 16 ring icrs, nside_tiles=4, margin 1 deg; tiles 0, 77, 191
    tiles = HpxGeom.create(nside=16, nest=False).to_wcs_tiles(nside_tiles=4, margin="1 deg")
    assert len(tiles) == 192
    for i, npix, width in ((0, 7, 25.65163187), (77, 6, 21.98711304), (191, 7, 25.65163187)):
        assert tiles[i].data_shape == (npix, npix)
        assert_allclose(tiles[i].width.deg, [width, width])
    with pytest.raises(ValueError, match="all-sky"):
        HpxGeom.create(nside=8, region="DISK(0,0,10)").to_wcs_tiles()
    with pytest.raises(ValueError, match="below the nside 8"):
        HpxGeom.create(nside=8).to_wcs_tiles(nside_tiles=8)


def test_tiles_are_centred_on_the_coarse_pixels():
    geom = HpxGeom.create(nside=16, frame="icrs", nest=False)
    tiles = geom.to_wcs_tiles(nside_tiles=2)
    lon, lat = cds_ring.healpix_to_lonlat(np.arange(48, dtype=np.uint64), 2)
    centre = SkyCoord([t.center_skydir for t in tiles])
    assert_allclose(centre.separation(SkyCoord(lon, lat)).deg, 0, atol=1e-9)


# ------------------------------------------------------------------ refused (X113, X170)
def test_per_plane_pixel_lists_are_refused_x170():
    axis = MapAxis(np.logspace(0.0, 3.0, 4))
    geom = HpxGeom(8, False, "galactic", axes=[axis])
    idx = geom.get_idx(flat=True)
    # The same pixels in every plane: accepted, and get_idx gives them back.
    same = HpxGeom(8, False, "galactic", region=idx, axes=[axis])
    assert_array_equal(np.array(same.get_idx(flat=True)), np.array(idx))
    every_10th = tuple(t[::10] for t in idx)
    with pytest.raises(ValueError, match="every image plane must hold the same pixels"):
        HpxGeom(8, False, "galactic", region=every_10th, axes=[axis])
    with pytest.raises(ValueError, match="indices of axis 'axis0'"):
        HpxGeom(8, False, region=(np.array([1, 2]), np.array([0, 5])), axes=[axis])


def test_multi_resolution_geometries_are_refused_x113():
    axis = MapAxis(np.logspace(0.0, 3.0, 4))
    with pytest.raises(ValueError, match=r"multi-resolution .* use one nside"):
        HpxGeom([2, 4, 8], False, "galactic", axes=[axis])
    with pytest.raises(ValueError, match="multi-resolution"):
        Map.create(nside=[4, 8], map_type="hpx", axes=[MapAxis.from_edges([0, 1, 2])])


# ------------------------------------------------------------------ map transforms
def test_pad_and_crop_equal_gammapy():
    for nest, new, kept in (
        (True, [127, 212, 213, 214, 220, 222, 244, 246, 252, 253, 255, 445, 447, 463, 474, 475,
                478, 481, 482, 483, 484, 485, 488, 500, 501, 503, 509, 511],
         [493, 494, 495, 504, 505, 506]),
        (False, [0, 1, 5, 7, 13, 17, 26, 31, 43, 48, 64, 70, 89, 95, 118, 119, 123, 124, 151,
                 152, 153, 154, 155, 156, 157, 191, 192, 193],
         [28, 29, 45, 46, 66, 67]),
    ):  # fmt: skip
        # gammapy 2.1: HpxGeom.create(nside=16, nest=nest, frame="galactic",
        # region="DISK(110.,75.,10.)").pad(1, axis_name=None) (new pixels), .crop(1)._ipix, and
        # the sizes 25 -> 53 (pad 1), 89 (pad 2)
        geom = HpxGeom.create(nside=16, nest=nest, frame="galactic", region="DISK(110.,75.,10.)")
        assert_array_equal(np.setdiff1d(geom.pad(1).ipix, geom.ipix), new)
        assert geom.pad(2).npix.tolist() == [89]
        assert_array_equal(geom.crop(1).ipix, kept)
        assert geom.pad(0) == geom and geom.crop(0) == geom
    # Oracle of one pad step: the union of the 8 neighbours of every pixel (cdshealpix).
    geom = HpxGeom.create(nside=32, nest=True, region="DISK(10,-20,6)")
    table = np.asarray(cds_nested.neighbours(geom.ipix.astype(np.uint64), 5)).astype(np.int64)
    assert_array_equal(geom.pad(1).ipix, np.unique(table[table >= 0]))
    with pytest.raises(ValueError, match="all-sky"):
        HpxGeom.create(nside=4).pad(1)
    with pytest.raises(TypeError, match="whole number"):
        geom.crop(1.5)


def test_map_pad_and_crop_equal_gammapy_and_masks_stay_masks():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    m = HpxNDMap.create(nside=16, nest=False, frame="galactic", region="DISK(110.,75.,10.)",
                        axes=[axis])  # fmt: skip
    m.data[...] = np.arange(m.data.size).reshape(m.data.shape) + 1.0
    # gammapy 2.1: m.pad(1, mode="constant", cval=-5).data[:, :6] and m.crop(1).data
    padded = m.pad(1, mode="constant", cval=-5)
    assert padded.data.shape == (2, 53)
    assert_array_equal(padded.data[:, :6], [[-5, -5, -5, 1, -5, -5], [-5, -5, -5, 26, -5, -5]])
    assert_array_equal(m.crop(1).data, [[6, 7, 10, 11, 14, 15], [31, 32, 35, 36, 39, 40]])
    mask = m > 10
    padded = mask.pad(2, cval=True)
    assert padded.is_mask and padded.data.sum() == mask.data.sum() + 2 * (89 - 25)
    assert mask.crop(1).is_mask
    with pytest.raises(ValueError, match="mode='constant'"):
        m.pad(1, mode="edge")
    # An axis is padded as on WCS maps (gammapy's test_hpx_nd_map_pad_axis).
    allsky = HpxNDMap.create(nside=2, frame="galactic", axes=[axis])
    allsky.data += [[1], [2]]
    assert_array_equal(allsky.pad(axis_name="energy", pad_width=(1, 1), cval=3).data[:, 0],
                       [3, 1, 2, 3])  # fmt: skip


@pytest.mark.parametrize("nest", [True, False])
@pytest.mark.parametrize("region", ["DISK(110.,75.,20.)", None])
def test_map_upsample_and_downsample_keep_sums_and_masks(nest, region):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    m = HpxNDMap.create(nside=8, nest=nest, frame="galactic", region=region, axes=[axis],
                        unit="m2")  # fmt: skip
    rng = np.random.default_rng(1)
    m.data = rng.uniform(0, 1, m.data.shape)
    up = m.upsample(2)
    assert_allclose(up.data.sum(), m.data.sum())
    assert up.unit == m.unit
    # Oracle: each sub-pixel holds the value of the pixel containing its centre (cdshealpix).
    lon, lat = centres(up.geom)
    parent = m.geom.global_to_local((cds_lookup(8, nest, lon, lat),))[0]
    assert_allclose(up.data, m.data[:, parent] / 4)
    down = m.downsample(2)
    assert_allclose(down.data.sum(), m.data.sum())
    lon, lat = centres(m.geom)
    owner = down.geom.global_to_local((cds_lookup(4, nest, lon, lat),))[0]
    expected_sum = np.stack([np.bincount(owner, plane, down.data.shape[-1]) for plane in m.data])
    assert_allclose(down.data, expected_sum)
    # mean over the sub-pixels present (X173): gammapy divides by 4 on the edge too
    mean = m.downsample(2, preserve_counts=False)
    assert_allclose(mean.data, expected_sum / np.bincount(owner))
    weights = rng.uniform(0.5, 2, m.data.shape)
    weighted = m.downsample(2, preserve_counts=False, weights=weights)
    num = np.stack(
        [
            np.bincount(owner, p * w, down.data.shape[-1])
            for p, w in zip(m.data, weights, strict=True)
        ]
    )
    den = np.stack([np.bincount(owner, w, down.data.shape[-1]) for w in weights])
    assert_allclose(weighted.data, num / den)
    mask = m > 0.9 * u.m**2
    assert mask.upsample(2).is_mask and mask.upsample(2).data.sum() == 4 * mask.data.sum()
    any_mask = mask.downsample(2)
    assert any_mask.is_mask
    assert_array_equal(any_mask.data, expected_any(mask.data, owner, down.data.shape[-1]))
    with pytest.raises(ValueError, match="order must be 0"):
        m.upsample(2, order=1)


def expected_any(data, owner, n):
    out = np.zeros((*data.shape[:-1], n), dtype=bool)
    for i, o in enumerate(owner):
        out[..., o] |= data[..., i]
    return out


def test_map_wcs_tiles_against_pixel_lookups():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    m = HpxNDMap.create(nside=8, frame="galactic", axes=[axis])
    m.data += np.arange(768)
    tiles = m.to_wcs_tiles(nside_tiles=2)
    for tile in (tiles[0], tiles[30]):
        # Each tile pixel holds the HEALPix pixel containing its centre (cdshealpix lookup).
        coord = tile.geom.get_coord()
        lon, lat = coord.lon.to_value("deg")[0], coord.lat.to_value("deg")[0]
        assert_array_equal(tile.data[0], cds_lookup(8, True, lon, lat))
    mask = m > 400
    mask_tiles = mask.to_wcs_tiles(nside_tiles=2)
    assert all(t.is_mask for t in mask_tiles)
    # Back to HEALPix: each pixel takes its tile's value at its centre (nearest for masks).
    back = HpxNDMap.from_wcs_tiles(mask_tiles)
    assert back.is_mask and back.geom.nside.tolist() == [8]
    lon, lat = centres(back.geom)
    owner = cds_lookup(2, True, lon, lat)
    for i in (0, 100, 500, 767):
        tile = mask_tiles[owner[i]]
        assert back.data[0, i] == tile.get_by_coord((lon[i], lat[i], tile.geom.axes[0].center))[0]
    # gammapy 2.1's test_from_wcs_tiles: tiles of ones give ones.
    ones = [Map.from_geom(g, data=1) for g in HpxGeom.create(nside=8).to_wcs_tiles(4)]
    assert_allclose(HpxNDMap.from_wcs_tiles(ones).data, 1)
    with pytest.raises(ValueError, match="12 \\* n\\*\\*2"):
        HpxNDMap.from_wcs_tiles(ones[:5])
