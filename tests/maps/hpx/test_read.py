"""Map.read / Map.from_hdulist on HEALPix files: detection, ``map_type``, meta and unit.

The oracle for detection is a HEALPix table written by hand with astropy (gammapy's layout
as its ``HpxNDMap.to_hdulist`` writes it: PIXTYPE, ORDERING, NSIDE, INDXSCHM, CHANNEL1).
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from numpy.testing import assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, WcsNDMap


def _hand_made_table(name="COUNTS"):
    header = fits.Header()
    header["PIXTYPE"] = "HEALPIX"
    header["ORDERING"] = "RING"
    header["COORDSYS"] = "G"
    header["NSIDE"] = 2
    header["INDXSCHM"] = "IMPLICIT"
    header["BUNIT"] = "cm-2 s-1"
    header["META"] = '{"user": "test", "n": 3}'
    column = fits.Column("CHANNEL1", "E", array=np.arange(48, dtype=np.float32))
    table = fits.BinTableHDU.from_columns([column], header=header, name=name)
    return fits.HDUList([fits.PrimaryHDU(), table])


def test_from_hdulist_detects_a_healpix_table():
    m = Map.from_hdulist(_hand_made_table())
    assert isinstance(m, HpxNDMap)
    assert m.geom == HpxGeom(2, nest=False, frame="galactic")
    assert_array_equal(m.data, np.arange(48))
    assert m.unit == u.Unit("cm-2 s-1")
    assert m.meta == {"user": "test", "n": 3}
    assert isinstance(Map.from_hdulist(_hand_made_table(), hdu="COUNTS"), HpxNDMap)
    assert isinstance(Map.from_hdulist(_hand_made_table(), map_type="hpx"), HpxNDMap)
    with pytest.raises(ValueError, match="no image HDU"):
        Map.from_hdulist(_hand_made_table(), map_type="wcs")


@pytest.mark.parametrize("map_type", ["auto", "hpx"])
def test_read_with_map_type(tmp_path, map_type):
    path = tmp_path / "counts.fits"
    _hand_made_table().writeto(path)
    m = Map.read(path, map_type=map_type)
    assert isinstance(m, HpxNDMap) and m.unit == u.Unit("cm-2 s-1")
    assert_array_equal(m.data, np.arange(48))


def test_read_map_type_errors(tmp_path):
    path = tmp_path / "counts.fits"
    _hand_made_table().writeto(path)
    with pytest.raises(ValueError, match=r"'region' is not supported.*'hpx'"):
        Map.read(path, map_type="region")
    with pytest.raises(ValueError, match="no image HDU"):
        Map.read(path, map_type="wcs")
    with pytest.raises(ValueError, match="chunks="):
        Map.read(path, map_type="hpx", chunks="auto")
    wcs_path = tmp_path / "image.fits"
    Map.create(npix=3, binsz=1).write(wcs_path)
    with pytest.raises(ValueError, match="HEALPix table"):
        Map.read(wcs_path, map_type="hpx")
    assert isinstance(Map.read(wcs_path, map_type="auto"), WcsNDMap)


@pytest.mark.parametrize("dtype", [bool, np.float32])
def test_meta_unit_and_masks_round_trip_through_hdulist(dtype):
    geom = HpxGeom(8, nest=True, frame="icrs", region="DISK(0,30,10)")
    m = HpxNDMap(geom, dtype=dtype, meta={"user": "test"}, unit="" if dtype is bool else "m2")
    m.data[::3] = 1
    hdulist = m.to_hdulist(hdu="COUNTS")
    assert hdulist["COUNTS"].header["META"] == '{"user": "test"}'
    back = Map.from_hdulist(hdulist)
    assert isinstance(back, HpxNDMap) and back.geom == geom
    assert back.meta == {"user": "test"} and back.unit == m.unit
    assert back.data.dtype == m.data.dtype
    assert_array_equal(back.data, m.data)
