"""Map files that are damaged, incomplete or unwritable: clear errors (issue 12 items 11, 21-23).

Each test is named after the failure it prevents.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import threading
import time
import warnings

import numpy as np
import pytest
from astropy.io import fits

from skymask.datasets import MapDataset
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.utils import memory
from skymask.utils.exceptions import ChecksumWarning

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX FIFOs and devices")


@pytest.fixture
def cube_file(tmp_path):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    m = Map.from_geom(WcsGeom.create(npix=(5, 4), binsz=1, axes=[axis]), data=2.0)
    path = tmp_path / "cube.fits"
    m.write(path)
    return path


def _edit(path, out, edit):
    with fits.open(path) as hdus:
        edit(hdus)
        hdus.writeto(out)
    return out


def test_map_read_verifies_checksums_when_present_x60(tmp_path):
    # Issue 12 item 11: Map.read ignored CHECKSUM/DATASUM (gammapy's too), so a corrupted
    # mask read silently.
    path = tmp_path / "m.fits"
    Map.create(npix=(40, 30), dtype=bool).write(path, checksum=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Map.read(path)  # correct checksums: silent
    with fits.open(path) as hdus:
        start = hdus.fileinfo(hdus.index_of("MASK"))["datLoc"]
    raw = bytearray(path.read_bytes())
    raw[start + 5] ^= 0x01  # one flipped pixel
    path.write_bytes(bytes(raw))
    with pytest.warns(ChecksumWarning, match="m.fits"):
        Map.read(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Map.read(path, checksum=False).data.sum() == 1
        Map.create(npix=3).write(tmp_path / "plain.fits")
        Map.read(tmp_path / "plain.fits")  # no checksum: no warning (D11)


def test_truncated_map_names_the_file_instead_of_a_reshape_error(cube_file, tmp_path):
    raw = cube_file.read_bytes()
    cut = tmp_path / "cut.fits"
    cut.write_bytes(raw[: 2880 + 100])
    with pytest.raises(ValueError, match=r"cut\.fits is truncated: its headers describe"):
        Map.read(cut)
    compressed = gzip.compress(raw)
    (tmp_path / "cut.fits.gz").write_bytes(compressed[:-20])
    with pytest.raises(ValueError, match=r"cut\.fits\.gz is truncated"):
        Map.read(tmp_path / "cut.fits.gz")


def test_header_claiming_75_gb_is_refused_without_allocating(tmp_path):
    # Issue 12 item 21: the header's size is checked against the file before anything is read.
    header = fits.Header([("SIMPLE", True), ("BITPIX", -64), ("NAXIS", 2)])
    header["NAXIS1"], header["NAXIS2"] = 100_000, 100_000
    header.extend(WcsGeom.create(npix=(100_000, 100_000), binsz=0.001).to_header())
    path = tmp_path / "claims.fits"
    path.write_bytes(header.tostring().encode() + b"\0" * 2880)
    with pytest.raises(ValueError, match=r"headers describe 800000\d{5} bytes .* holds 5760"):
        Map.read(path)


def test_map_larger_than_the_memory_left_is_refused_before_reading(cube_file, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 900)
    with pytest.raises(memory.AllocationTooLargeError) as info:
        Map.read(cube_file)
    message = str(info.value)
    assert "the data of HDU 'PRIMARY'" in message and "cube.fits" in message
    # 3 x 4 x 5 float64 values, read and converted to native byte order: 2 x 480 bytes.
    assert "needs 960 B (2 arrays of 480 B)" in message and "900 B of memory" in message
    assert isinstance(info.value, MemoryError) and isinstance(info.value, ValueError)


def test_bands_table_without_rows_says_so(cube_file, tmp_path):
    def empty(hdus):
        bands = hdus["PRIMARY_BANDS"]
        hdus["PRIMARY_BANDS"] = fits.BinTableHDU(bands.data[:0], header=bands.header)

    path = _edit(cube_file, tmp_path / "empty.fits", empty)
    with pytest.raises(ValueError, match=r"empty\.fits: the axes table 'PRIMARY_BANDS' has no"):
        Map.read(path)


@pytest.mark.parametrize("value", ["(5,x", "(5)", "(0,4,3)", "5;4;3", "(4,5,3)"])
def test_bad_wcsshape_says_what_is_wrong(cube_file, tmp_path, value):
    def bad(hdus):
        hdus[0].header["WCSSHAPE"] = value

    path = _edit(cube_file, tmp_path / "bad.fits", bad)
    with pytest.raises(ValueError, match=r"HDU 'PRIMARY' of .*bad\.fits: WCSSHAPE = '"):
        Map.read(path)


def test_axcols_naming_a_missing_column_names_it(cube_file, tmp_path):
    def missing(hdus):
        for hdu in (hdus[0], hdus["PRIMARY_BANDS"]):
            hdu.header["AXCOLS1"] = "E_MIN,E_TOP"

    path = _edit(cube_file, tmp_path / "axcols.fits", missing)
    with pytest.raises(KeyError, match=r"no column 'E_TOP' named by AXCOLS1 = 'E_MIN,E_TOP'"):
        Map.read(path)


def test_empty_primary_hdu_points_to_the_hdus_with_images(tmp_path):
    path = tmp_path / "ext.fits"
    Map.create(npix=3, dtype=bool).write(path)  # masks go to a MASK extension
    with pytest.raises(ValueError, match=r"HDU 'PRIMARY' .* holds no image .* are \['MASK'\]"):
        Map.read(path, hdu="PRIMARY")


@pytest.mark.parametrize(
    ("dtype", "fragment"),
    [
        ("float16", "astype('float32')"),
        ("longdouble", "astype('float64')"),
        ("complex64", "real and imaginary parts"),
        ("complex128", "real and imaginary parts"),
        ("datetime64[s]", "bool, integer, float32 or float64"),
    ],
)
def test_unwritable_dtypes_are_a_type_error_with_the_way_out(tmp_path, dtype, fragment):
    if np.dtype(dtype) == np.float64:
        pytest.skip("longdouble is float64 on this platform")
    m = Map.create(npix=3, dtype="float32")
    m._data = np.ones(m.data.shape, dtype=dtype)  # past the setter, as data a user computed
    with pytest.raises(TypeError, match=f"cannot be written.*{re.escape(fragment)}"):
        m.write(tmp_path / "m.fits")
    assert list(tmp_path.iterdir()) == []


@posix_only
@pytest.mark.parametrize("source", ["fifo", "/dev/zero", "folder", "empty"])
def test_fifo_device_folder_or_empty_file_is_refused_without_hanging(tmp_path, source):
    # Issue 12 item 23: reading /dev/zero or a FIFO never ended.
    if source == "fifo":
        path = tmp_path / "pipe.fits"
        os.mkfifo(path)
    elif source == "folder":
        path = tmp_path
    elif source == "empty":
        path = tmp_path / "empty.fits"
        path.write_bytes(b"")
    else:
        path = source
    outcome = []

    def read():
        for reader in (Map.read, WcsGeom.read):
            try:
                reader(path)
            except Exception as exc:
                outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), f"reading {source} hangs"
    assert len(outcome) == 2
    for exc in outcome:
        assert isinstance(exc, (ValueError, IsADirectoryError)), exc
        assert str(path) in str(exc)


def _card(keyword, value):
    return f"{keyword:<8}= {value:>20}".ljust(80).encode()


def _header(*cards):
    blob = b"".join(_card(k, v) for k, v in cards) + b"END".ljust(80)
    return blob.ljust(-(-len(blob) // 2880) * 2880)


_PRIMARY = _header(("SIMPLE", "T"), ("BITPIX", "8"), ("NAXIS", "0"), ("EXTEND", "T"))
_TABLE = (("XTENSION", "'BINTABLE'"), ("BITPIX", "8"), ("NAXIS", "2"), ("NAXIS1", "8"))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        # astropy loops for minutes over a billion NAXISn keywords
        (_header(("SIMPLE", "T"), ("BITPIX", "8"), ("NAXIS", "1000000000")), "NAXIS = 1000000000"),
        # astropy builds a list of ten billion column descriptions (an out-of-memory kill)
        (
            _PRIMARY
            + _header(*_TABLE, ("NAXIS2", "1"), ("PCOUNT", "0"), ("GCOUNT", "1"),
                      ("TFIELDS", "10000000000"), ("TFORM1", "'D'"))
            + b"\0" * 2880,
            "TFIELDS = 10000000000",
        ),
        # a column of a billion doubles in 8-byte rows: astropy would allocate 8 GB per row
        (
            _PRIMARY
            + _header(*_TABLE, ("NAXIS2", "1"), ("PCOUNT", "0"), ("GCOUNT", "1"),
                      ("TFIELDS", "1"), ("TFORM1", "'1000000000D'"))
            + b"\0" * 2880,
            "take 8000000000 bytes per row, but NAXIS1 = 8",
        ),
        (_header(("SIMPLE", "T"), ("BITPIX", "12"), ("NAXIS", "0")), "BITPIX = 12"),
        (_header(("SIMPLE", "T"), ("BITPIX", "8"), ("NAXIS", "2"), ("NAXIS1", "'x'")), "NAXIS1"),
    ],
)  # fmt: skip
def test_damaged_layout_keywords_are_refused_before_astropy_loops_or_allocates(
    tmp_path, content, fragment
):
    path = tmp_path / "damaged.fits"
    path.write_bytes(content)
    for reader in (Map.read, WcsGeom.read, MapDataset.read):
        started = time.perf_counter()
        with pytest.raises(ValueError, match=re.escape(fragment)):
            reader(path)
        assert time.perf_counter() - started < 2


def test_damaged_gzip_header_that_astropy_reads_for_ever_is_refused(cube_file, tmp_path):
    # A byte flipped in the SIMPLE card of a .fits.gz: astropy 8 appends HDUs for ever
    # (found by the fuzz test below). The first card must be SIMPLE = T in fixed format,
    # and headers hold printable ASCII only.
    raw = bytearray(cube_file.read_bytes())
    raw[22] = 0x0E
    path = tmp_path / "flipped.fits.gz"
    path.write_bytes(gzip.compress(bytes(raw)))
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"flipped\.fits\.gz is a damaged FITS file"):
        Map.read(path)
    assert time.perf_counter() - started < 2
    raw = bytearray(cube_file.read_bytes())
    raw[80 * 10 + 40] = 0xE9  # in a later card of the header
    (tmp_path / "accent.fits").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"not printable ASCII \(card 11\)"):
        WcsGeom.read(tmp_path / "accent.fits")


def test_column_name_astropy_rejects_with_an_assertion_is_a_damaged_file(cube_file, tmp_path):
    # Found by the fuzz test: a number as TTYPEn makes astropy raise AssertionError.
    raw = bytearray(cube_file.read_bytes())
    start = raw.index(b"TTYPE2  = ")
    raw[start : start + 80] = _card("TTYPE2", "-3")
    (tmp_path / "ttype.fits").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"ttype\.fits is a damaged map file: .*AssertionError"):
        Map.read(tmp_path / "ttype.fits")
