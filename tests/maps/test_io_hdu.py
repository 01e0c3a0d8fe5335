"""to_hdu / to_hdulist, sparse tables, Fermi layouts, unnamed axes, to_bands_hdu, map_type.

Oracles: the raw FITS content read with astropy.io.fits (column values, header keywords)
compared with the map built by hand, and round trips through files.
"""

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from numpy.testing import assert_allclose, assert_equal

from skymask.maps import Map, MapAxis, WcsGeom


@pytest.fixture
def cube():
    axes = [MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3), MapAxis.from_edges([0, 1, 2])]
    geom = WcsGeom.create(npix=(6, 5), binsz=0.5, axes=axes, frame="galactic")
    data = np.zeros(geom.data_shape, dtype=np.float32)
    data[1, 2, 3, 4] = 5.0
    data[0, 0, 0, 0] = -1.5
    return Map.from_geom(geom, data=data, unit="cm-2", meta={"user": "test"})


def test_unnamed_axes_are_written_as_axis_index(cube, tmp_path):
    hdulist = cube.to_hdulist(hdu="counts")
    assert [h.name for h in hdulist] == ["PRIMARY", "COUNTS", "COUNTS_BANDS"]
    bands = hdulist["COUNTS_BANDS"]
    # gammapy 2.1 (test_wcsgeom_to_hdulist): the second, unnamed axis is AXIS1
    assert bands.header["AXCOLS2"] == "AXIS1_MIN,AXIS1_MAX"
    assert_equal(bands.data["AXIS1_MIN"], [0, 0, 0, 1, 1, 1])
    cube.write(tmp_path / "m.fits")
    back = Map.read(tmp_path / "m.fits", map_type="wcs")
    assert back.geom.axes.names == ["energy", "axis1"]
    assert_equal(back.data, cube.data)
    assert back.meta == {"user": "test"} and back.unit == u.Unit("cm-2")
    assert hdulist["COUNTS"].header["META"] == '{"user": "test"}'


def test_sparse_table_layout_and_roundtrip(cube, tmp_path):
    table = cube.to_hdu(hdu="sky", sparse=True)
    assert isinstance(table, fits.BinTableHDU) and table.name == "SKY"
    # two non-zero pixels: flat image index y * nx + x, plane index in data order
    assert_equal(table.data["PIX"], [0, 3 * 6 + 4])
    assert_equal(table.data["CHANNEL"], [0, 1 * 3 + 2])
    assert_allclose(table.data["VALUE"], [-1.5, 5.0])
    assert table.header["CTYPE1"].startswith("GLON")
    cube.write(tmp_path / "sparse.fits", sparse=True)
    with fits.open(tmp_path / "sparse.fits") as hdulist:
        assert [h.name for h in hdulist] == ["PRIMARY", "SKYMAP", "SKYMAP_BANDS"]
    back = Map.read(tmp_path / "sparse.fits")
    assert_equal(back.data, cube.data)
    assert back.geom == cube.geom.to_image().to_cube(
        [cube.geom.axes[0], cube.geom.axes[1].copy(name="axis1")]
    )
    with pytest.raises(ValueError, match="PRIMARY"):
        cube.to_hdulist(hdu="primary", sparse=True)


def test_sparse_keeps_non_finite_values_and_masks(tmp_path):
    # gammapy 2.1 test_wcs_nd_map_data_transpose_issue
    data = np.array([[0, 1, 2], [np.nan, np.inf, -np.inf]])
    m = Map.from_geom(WcsGeom.create(npix=(3, 2)), data=data)
    m.write(tmp_path / "s.fits.gz", sparse=True)
    assert_equal(Map.read(tmp_path / "s.fits.gz").data, data)
    mask = Map.from_geom(WcsGeom.create(npix=(3, 2)), data=data > 0.5)
    mask.write(tmp_path / "mask.fits", sparse=True)
    back = Map.read(tmp_path / "mask.fits")
    assert back.data.dtype == bool
    assert_equal(back.data, data > 0.5)


def test_fermi_layouts(tmp_path):
    axis = MapAxis.from_bounds(100.0, 1000.0, 4, name="energy", unit="MeV", interp="log")
    geom = WcsGeom.create(npix=10, binsz=1.0, proj="AIT", frame="galactic", axes=[axis])
    m = Map.from_geom(geom, data=np.arange(400.0).reshape(4, 10, 10))
    m.write(tmp_path / "ccube.fits", format="fgst-ccube")
    with fits.open(tmp_path / "ccube.fits") as hdulist:
        assert [h.name for h in hdulist] == ["PRIMARY", "EBOUNDS"]
        assert_allclose(hdulist["EBOUNDS"].data["E_MIN"], axis.edges.value[:-1])
        assert hdulist[0].header["BANDSHDU"] == "EBOUNDS"
    ccube = Map.read(tmp_path / "ccube.fits")
    assert ccube.geom.axes[0].name == "energy"
    assert_allclose(ccube.geom.axes[0].edges.value, axis.edges.value)
    assert_equal(ccube.data, m.data)
    m.write(tmp_path / "template.fits", format="fgst-template")
    with fits.open(tmp_path / "template.fits") as hdulist:
        assert "ENERGIES" in hdulist
        assert_allclose(hdulist["ENERGIES"].data["ENERGY"], axis.center.to_value("MeV"))
    template = Map.read(tmp_path / "template.fits")
    assert_allclose(template.geom.axes[0].center.to_value("MeV"), axis.center.value)
    two = WcsGeom.create(npix=3, axes=[axis, MapAxis.from_edges([0, 1], name="x")])
    with pytest.raises(ValueError, match="one energy axis"):
        Map.from_geom(two).to_hdulist(format="fgst-ccube")
    with pytest.raises(ValueError, match="format must be one of"):
        m.to_hdulist(format="ogip")


def test_to_bands_hdu_and_from_header_with_the_table(cube, tmp_path):
    bands = cube.geom.to_bands_hdu(hdu_bands="TEST_BANDS")
    assert bands.name == "TEST_BANDS" and bands.header["AXCOLS1"] == "E_MIN,E_MAX"
    primary = fits.PrimaryHDU()
    primary.header.update(cube.geom.to_header())
    fits.HDUList([primary, bands]).writeto(tmp_path / "geom.fits")
    with fits.open(tmp_path / "geom.fits") as hdulist:
        geom = WcsGeom.from_header(hdulist[0].header, hdulist["TEST_BANDS"])
    assert geom.npix == cube.geom.npix and geom.axes.names == ["energy", "axis1"]
    with pytest.raises(ValueError, match="one energy axis"):
        cube.geom.to_bands_hdu(format="fgst-ccube")


def test_masks_keep_their_hdu_and_map_type_is_checked(tmp_path):
    mask = Map.create(npix=4, dtype=bool)
    assert [h.name for h in mask.to_hdulist()] == ["PRIMARY", "MASK"]
    mask.write(tmp_path / "mask.fits")
    assert Map.read(tmp_path / "mask.fits", map_type="auto").data.dtype == bool
    with pytest.raises(ValueError, match="map_type 'region'"):
        Map.read(tmp_path / "mask.fits", map_type="region")
    with pytest.raises(ValueError, match="no HEALPix table"):  # a WCS file read as HEALPix
        Map.read(tmp_path / "mask.fits", map_type="hpx")
    hdu = Map.create(npix=4).to_hdu()
    assert hdu.name == "SKYMAP" and "BANDSHDU" not in hdu.header
