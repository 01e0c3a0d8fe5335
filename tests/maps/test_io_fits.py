import os

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import Map, MapAxis, WcsGeom
from skymask.testing import assert_map_equal

# Every image HDU of ../shared/data/gammapy-data, with what gammapy 2.1 reads from it:
# (file, HDU, data shape, [(axis name, nbin, node type, unit, interp)], unit, frame).
DATA_HDUS = [
    ("catalogs/fermi/gll_psch_v08.fit.gz", "Count Map", (1800, 3600), [], "", "galactic"),
    *[
        (
            "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
            hdu,
            (5, 40, 50),
            [(name, 5, "edges", "TeV", "log")],
            unit,
            "galactic",
        )
        for hdu, name, unit in [
            ("COUNTS", "energy", ""),
            ("EXPOSURE", "energy_true", "cm2 s"),
            ("BACKGROUND", "energy", ""),
            ("MASK_SAFE", "energy", ""),
        ]
    ],
    (
        "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "EDISP",
        (5, 5, 20, 25),
        [("energy", 5, "edges", "TeV", "log"), ("energy_true", 5, "edges", "TeV", "log")],
        "",
        "galactic",
    ),
    (
        "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "EDISP_EXPOSURE",
        (5, 1, 20, 25),
        [("energy", 1, "edges", "TeV", "log"), ("energy_true", 5, "edges", "TeV", "log")],
        "m2 s",
        "galactic",
    ),
    (
        "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "PSF",
        (17, 300, 1, 2),
        [("rad", 300, "center", "rad", "lin"), ("energy_true", 17, "center", "GeV", "log")],
        "sr-1",
        "icrs",
    ),
    (
        "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "PSF_EXPOSURE",
        (17, 1, 1, 2),
        [("rad", 1, "edges", "rad", "lin"), ("energy_true", 17, "center", "GeV", "log")],
        "cm2 s",
        "icrs",
    ),
    (
        "fermi-3fhl-crab/Fermi-LAT-3FHL_iem.fits",
        "PRIMARY",
        (30, 32, 40),
        [("energy_true", 30, "center", "MeV", "log")],
        "cm-2 MeV-1 s-1 sr-1",
        "galactic",
    ),
    (
        "fermi-3fhl-gc/fermi-3fhl-gc-background-cube.fits.gz",
        "PRIMARY",
        (11, 200, 400),
        [("energy", 11, "edges", "keV", "log")],
        "",
        "galactic",
    ),
    ("fermi-3fhl-gc/fermi-3fhl-gc-background.fits.gz", "PRIMARY", (200, 400), [], "", "galactic"),
    (
        "fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz",
        "PRIMARY",
        (11, 200, 400),
        [("energy", 11, "edges", "keV", "log")],
        "",
        "galactic",
    ),
    ("fermi-3fhl-gc/fermi-3fhl-gc-counts.fits.gz", "PRIMARY", (200, 400), [], "", "galactic"),
    (
        "fermi-3fhl-gc/fermi-3fhl-gc-exposure-cube.fits.gz",
        "PRIMARY",
        (12, 200, 400),
        [("energy_true", 12, "center", "MeV", "log")],
        "cm2 s",
        "galactic",
    ),
    ("fermi-3fhl-gc/fermi-3fhl-gc-exposure.fits.gz", "PRIMARY", (200, 400), [], "", "galactic"),
    ("fermi-3fhl-gc/fermi-3fhl-gc-psf.fits.gz", "PRIMARY", (21, 21), [], "", "galactic"),
    *[
        (
            "fermi-3fhl-gc/fermi-3fhl-gc.fits.gz",
            hdu,
            (11, 200, 400),
            [("energy", 11, "edges", "keV", "log")],
            "",
            "galactic",
        )
        for hdu in ("COUNTS", "BACKGROUND", "MASK_SAFE")
    ],
    (
        "fermi-3fhl-gc/fermi-3fhl-gc.fits.gz",
        "EXPOSURE",
        (12, 200, 400),
        [("energy_true", 12, "center", "MeV", "log")],
        "cm2 s",
        "galactic",
    ),
    (
        "fermi-3fhl-gc/gll_iem_v06_gc.fits.gz",
        "PRIMARY",
        (30, 64, 120),
        [("energy_true", 30, "center", "MeV", "log")],
        "cm-2 MeV-1 s-1 sr-1",
        "galactic",
    ),
]


def _image_hdus(root):
    found = set()
    for dirpath, _, filenames in os.walk(root):
        for filename in filenames:
            if ".fit" not in filename:
                continue
            path = os.path.join(dirpath, filename)
            with fits.open(path) as hdulist:
                for hdu in hdulist:
                    if hdu.is_image and hdu.header.get("NAXIS", 0) >= 2:
                        found.add((os.path.relpath(path, root), hdu.name))
    return found


def test_data_hdu_list_is_complete(gammapy_data):
    listed = {(path, hdu.upper()) for path, hdu, *_ in DATA_HDUS}
    assert {(p, h.upper()) for p, h in _image_hdus(gammapy_data)} == listed


@pytest.mark.parametrize(
    ("path", "hdu", "shape", "axes", "unit", "frame"),
    DATA_HDUS,
    ids=[f"{p.split('/')[-1]}[{h}]" for p, h, *_ in DATA_HDUS],
)
def test_every_data_hdu_reads(gammapy_data, path, hdu, shape, axes, unit, frame):
    m = Map.read(gammapy_data / path, hdu=hdu)
    assert m.data.shape == shape
    assert m.geom.data_shape == shape
    assert m.unit == u.Unit(unit)
    assert m.geom.frame == frame
    got = [(a.name, a.nbin, a.node_type, a.unit, a.interp) for a in m.geom.axes]
    assert got == [(n, b, t, u.Unit(un), i) for n, b, t, un, i in axes]
    if "MASK" in hdu:
        assert m.is_mask  # int64 masks written by gammapy read as bool
    # The geometry alone (header and axes table, no data).
    assert WcsGeom.read(gammapy_data / path, hdu=hdu) == m.geom


def test_default_hdu_is_first_image(crab_dataset_file):
    assert Map.read(crab_dataset_file).data.shape == (5, 40, 50)


def test_fermi_ccube_energy_edges(gammapy_data):
    m = Map.read(gammapy_data / "fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz")
    edges = m.geom.axes["energy"].edges
    assert_allclose(edges[[0, -1]].to_value("GeV"), [10, 500], rtol=1e-6)
    template = Map.read(gammapy_data / "fermi-3fhl-gc/fermi-3fhl-gc-exposure-cube.fits.gz")
    assert_allclose(template.geom.axes[0].center[[0, -1]].to_value("GeV"), [10, 500], rtol=1e-9)


def test_mask_safe_matches_reference(crab_dataset_file, reference):
    mask = Map.read(crab_dataset_file, hdu="MASK_SAFE")
    assert_array_equal(mask.data, np.load(reference / "mask_safe.npy"))


# ---------------------------------------------------------------------- round trips
FRAMES = st.sampled_from(["icrs", "galactic"])
PROJECTIONS = st.sampled_from(["CAR", "TAN", "AIT"])
DTYPES = st.sampled_from(["bool", "uint8", "int16", "int32", "int64", "float32", "float64"])


@st.composite
def axes_strategy(draw):
    n_axes = draw(st.integers(0, 2))
    names = ["energy", "rad"]
    axes = []
    for i in range(n_axes):
        nbin = draw(st.integers(1, 4))
        interp = draw(st.sampled_from(["lin", "log", "sqrt"]))
        start = draw(st.floats(0.1, 10))
        if draw(st.booleans()):
            axis = MapAxis.from_bounds(
                start,
                start * 20,
                nbin,
                interp=interp,
                name=names[i],
                unit="TeV" if i == 0 else "deg",
            )
        else:
            axis = MapAxis.from_bounds(
                start,
                start * 20,
                nbin,
                interp=interp,
                node_type="center",
                name=names[i],
                unit="TeV" if i == 0 else "deg",
            )
        axes.append(axis)
    return axes


@st.composite
def maps_strategy(draw):
    nx, ny = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    geom = WcsGeom.create(
        npix=(nx, ny),
        binsz=draw(st.floats(0.01, 2.0)),
        frame=draw(FRAMES),
        proj=draw(PROJECTIONS),
        skydir=(draw(st.floats(0, 359)), draw(st.floats(-60, 60))),
        axes=draw(axes_strategy()),
    )
    dtype = np.dtype(draw(DTYPES))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if dtype.kind == "b":
        data = rng.random(geom.data_shape) > 0.5
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        data = rng.integers(info.min, info.max, geom.data_shape, dtype=dtype, endpoint=True)
    else:
        data = rng.normal(size=geom.data_shape).astype(dtype)
        data.flat[0] = np.nan
    unit = draw(st.sampled_from(["", "cm2 s", "sr-1"]))
    return Map.from_geom(geom, data=data, unit=unit, meta={"seed": seed, "label": "x"})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(m=maps_strategy(), hdu=st.sampled_from([None, "mask", "COUNTS"]))
def test_write_read_roundtrip(tmp_path, m, hdu):
    path = tmp_path / "map.fits"
    m.write(path, overwrite=True, hdu=hdu)
    back = Map.read(path, hdu=hdu)
    assert back.data.dtype == m.data.dtype
    assert_map_equal(back, m)
    assert back.meta == m.meta


def test_roundtrip_gzip_and_named_bands(tmp_path):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    m = Map.create(npix=(3, 2), axes=[axis], dtype="float64")
    m.data[...] = np.arange(12).reshape(2, 2, 3)
    path = tmp_path / "map.fits.gz"
    m.write(path, hdu="counts", hdu_bands="EBANDS")
    with open(path, "rb") as f:
        assert f.read(2) == b"\x1f\x8b"
    with fits.open(path) as hdulist:
        assert [h.name for h in hdulist] == ["PRIMARY", "COUNTS", "EBANDS"]
        assert hdulist["COUNTS"].header["BANDSHDU"] == "EBANDS"
    assert_map_equal(Map.read(path, hdu="COUNTS"), m)


def test_gadf_layout(tmp_path):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    m = Map.create(npix=(3, 2), axes=[axis], unit="cm-2 s-1", meta={"a": 1})
    path = tmp_path / "map.fits"
    m.write(path)
    with fits.open(path) as hdulist:
        header = hdulist[0].header
        assert header["BANDSHDU"] == "PRIMARY_BANDS"
        assert header["AXCOLS1"] == "E_MIN,E_MAX"
        assert header["INTERP1"] == "log"
        assert u.Unit(header["BUNIT"]) == u.Unit("cm-2 s-1")
        assert header["WCSSHAPE"] == "(3,2,2)"
        table = hdulist["PRIMARY_BANDS"]
        assert table.columns.names == ["CHANNEL", "ENERGY", "E_MIN", "E_MAX"]
        assert table.columns["E_MIN"].unit == "TeV"
        assert_allclose(table.data["E_MIN"], [1, np.sqrt(10)])
    # Plain numbers in meta stay plain numbers (gammapy turns them into Quantities).
    assert Map.read(path).meta == {"a": 1}


def test_bool_map_written_as_uint8_and_small(tmp_path):
    geom = WcsGeom.create(npix=(4000, 1000), binsz=0.02, frame="galactic")
    rng = np.random.default_rng(3)
    mask = Map.from_geom(geom, data=rng.random(geom.data_shape) > 0.3)
    ours = tmp_path / "mask.fits"
    mask.write(ours)
    gammapy_style = tmp_path / "mask_int64.fits"
    fits.PrimaryHDU(data=mask.data.astype(np.int64), header=geom.to_header()).writeto(gammapy_style)
    ratio = ours.stat().st_size / gammapy_style.stat().st_size
    assert ratio <= 0.13
    with fits.open(ours) as hdulist:
        # Masks go to an extension named MASK, which gammapy reads as bool too.
        assert [h.name for h in hdulist] == ["PRIMARY", "MASK"]
        assert hdulist["MASK"].header["BITPIX"] == 8
        assert hdulist["MASK"].header["BOOLEAN"] is True
    back = Map.read(ours)
    assert back.is_mask
    assert_array_equal(back.data, mask.data)


@pytest.mark.parametrize("hdu", ["MASK", "mask_fit", "EXCLUSION_MASK"])
def test_gammapy_int64_mask_hdus_read_as_bool(tmp_path, hdu):
    geom = WcsGeom.create(npix=(4, 3))
    data = np.eye(3, 4, dtype=np.int64)
    header = geom.to_header()
    path = tmp_path / "m.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, header=header, name=hdu)]).writeto(path)
    m = Map.read(path)
    assert m.is_mask
    assert_array_equal(m.data, data.astype(bool))


def test_gammapy_int64_primary_without_marker_stays_integer(tmp_path):
    geom = WcsGeom.create(npix=(4, 3))
    path = tmp_path / "m.fits"
    fits.PrimaryHDU(np.ones((3, 4), dtype=np.int64), header=geom.to_header()).writeto(path)
    assert Map.read(path).data.dtype == np.int64


@pytest.mark.parametrize(
    ("dtype", "values"),
    [
        # Values whose bytes differ by byte order: True wherever the integer is not 0.
        (np.int64, [0, 1, 2, -1, 256, 1 << 40, -(1 << 62)]),
        (np.int32, [0, 1, 255, 256, -7, 65536, 0]),
        (np.uint8, [0, 1, 1, 0, 1, 0, 1]),  # 0/1 bytes: viewed as bool without a copy
        (np.uint8, [0, 1, 2, 255, 0, 128, 1]),
        (np.int8, [0, 1, -1, 0, 1, -128, 1]),
    ],
)
def test_integer_masks_read_as_not_zero(tmp_path, dtype, values):
    geom = WcsGeom.create(npix=(7, 2))
    data = np.array([values, values[::-1]], dtype=dtype)
    path = tmp_path / "m.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, geom.to_header(), name="MASK")]).writeto(
        path
    )
    m = Map.read(path)
    assert m.data.dtype == bool and m.data.flags.writeable
    assert_array_equal(m.data, data != 0)
    # proper bools: a byte other than 0 or 1 viewed as bool would compare unpredictably
    assert set(np.unique(m.data.view(np.uint8)).tolist()) <= {0, 1}
    m.data[0, 0] = not m.data[0, 0]  # its own array


@pytest.mark.parametrize("size", [1, 7, 8, 9, 16, 23, 64])
def test_byte_masks_with_one_odd_byte_anywhere_are_not_viewed(tmp_path, size):
    # Which 1-byte masks are read without a copy is decided eight bytes at a time: a byte
    # other than 0/1 in any lane (or in the tail after the last whole word) must be seen.
    geom = WcsGeom.create(npix=(size, 1))
    for position in range(size):
        for value in (2, 128, 255):
            data = np.zeros((1, size), dtype=np.uint8)
            data[0, position] = value
            path = tmp_path / f"m{position}_{value}.fits"
            hdu = fits.ImageHDU(data, geom.to_header(), name="MASK")
            fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
            m = Map.read(path)
            assert m.data.view(np.uint8).tolist() == (data != 0).view(np.uint8).tolist()


def test_non_mask_data_read_in_native_order(tmp_path):
    geom = WcsGeom.create(npix=(5, 4))
    data = np.arange(20, dtype=">f8").reshape(4, 5) * 1.5 - 3
    path = tmp_path / "m.fits"
    fits.PrimaryHDU(data, header=geom.to_header()).writeto(path)
    m = Map.read(path)
    assert m.data.dtype == np.float64 and m.data.dtype.isnative and m.data.flags.writeable
    assert_array_equal(m.data, data)


def test_reading_an_int64_mask_holds_no_native_copy(tmp_path):
    # Issue 19: gammapy-written int64 masks (8 bytes a pixel) are read with the stored array
    # and the bool result alive at once, no byte-swapped copy of the integers beside them.
    import tracemalloc

    geom = WcsGeom.create(npix=(1000, 500))
    data = (np.arange(500 * 1000).reshape(500, 1000) % 3 == 0).astype(np.int64)
    path = tmp_path / "m.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, geom.to_header(), name="MASK")]).writeto(
        path
    )
    Map.read(path)  # lazy imports out of the way
    tracemalloc.start()
    try:
        m = Map.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_array_equal(m.data, data.astype(bool))
    assert peak < 1.25 * (data.nbytes + data.size)


def test_overwrite_strings_mean_what_they_say_x4(tmp_path):
    # Issue 11 item 1: the tutorial writes overwrite="True"; gammapy uses the truthiness, so
    # that overwrite="False" also overwrites. Here the strings have their literal meaning.
    m = Map.create(npix=2)
    path = tmp_path / "m.fits"
    m.write(path, overwrite=" false ")
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        m.write(path)
    changed = Map.create(npix=2, dtype="float64")
    for text in ("False", "FALSE", " false\n"):
        with pytest.raises(FileExistsError, match="overwrite=True"):
            changed.write(path, overwrite=text)
        assert path.read_bytes() == before
    for text in ("True", "TRUE", "  true "):
        changed.write(path, overwrite=text)
        assert Map.read(path).data.dtype == np.float64
        path.write_bytes(before)
    changed.write(path, overwrite=np.bool_(True))
    assert Map.read(path).data.dtype == np.float64


@pytest.mark.parametrize("value", ["yes", "1", "", "Truee", 1, 0, None, 1.0, [True]])
def test_overwrite_other_values_are_a_type_error_not_a_guess(tmp_path, value):
    path = tmp_path / "m.fits"
    with pytest.raises(TypeError, match="overwrite must be True or False"):
        Map.create(npix=2).write(path, overwrite=value)
    assert not path.exists()


def test_failed_write_leaves_existing_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.fits"
    original = Map.create(npix=3, dtype="float64")
    original.data[...] = 7
    original.write(path)
    before = path.read_bytes()

    def broken_writeto(self, fileobj, *args, **kwargs):
        fileobj.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(fits.HDUList, "writeto", broken_writeto)
    with pytest.raises(OSError, match="disk full"):
        Map.create(npix=3).write(path, overwrite=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.fits"]


def test_read_errors(tmp_path, crab_dataset_file):
    with pytest.raises(FileNotFoundError, match="no such map file"):
        Map.read(tmp_path / "missing.fits")
    with pytest.raises(KeyError, match="no HDU named 'NOPE'"):
        Map.read(crab_dataset_file, hdu="NOPE")
    with pytest.raises(ValueError, match="is a table, not an image"):
        Map.read(crab_dataset_file, hdu="GTI")


@pytest.mark.parametrize(
    "axis",
    [
        MapAxis.from_nodes([3, 2, 1], name="offset", unit="deg"),
        MapAxis.from_edges([10, 5, 2, 1], name="offset", unit="deg"),
        MapAxis.from_edges([1, 2, 3], name="e", unit="TeV"),  # columns E_MIN/E_MAX, not energy
    ],
)
def test_axis_order_and_name_survive_a_round_trip(tmp_path, axis):
    geom = WcsGeom.create(npix=2, axes=[axis])
    m = Map.from_geom(geom, data=np.arange(axis.nbin, dtype=float)[:, None, None] * np.ones((2, 2)))
    m.write(tmp_path / "m.fits")
    back = Map.read(tmp_path / "m.fits")
    assert back.geom.axes[0].name == axis.name
    assert_array_equal(back.geom.axes[0].nodes, axis.nodes)
    assert_map_equal(back, m)


def test_colliding_axes_cannot_be_written(tmp_path):
    # unnamed axes are written as axis0, axis1, ... (tests/maps/test_io_hdu.py)
    clash = Map.create(
        npix=2,
        axes=[MapAxis.from_edges([1, 2], name="energy"), MapAxis.from_edges([1, 2], name="e")],
    )
    with pytest.raises(ValueError, match="would share the bands-table columns"):
        clash.write(tmp_path / "b.fits")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("labels", [["a", "b", "c"], ["crab", "vela"], ["z", "a"]])
def test_label_axes_round_trip_in_gammapys_bands_layout(tmp_path, labels):
    # gammapy 2.1 writes a label axis as one text column named like the axis (AXCOLS = 'TYPE',
    # no INTERP) and reads it back with np.unique: sorted, so labels written out of order
    # ("z", "a") come back swapped while the planes stay where they were (X196).
    from skymask.maps import LabelMapAxis, MapAxis

    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    label = LabelMapAxis(labels, name="type")
    m = Map.create(npix=(3, 2), axes=[energy, label])
    m.data[...] = np.arange(m.data.size).reshape(m.data.shape)
    path = tmp_path / "labels.fits"
    m.write(path)
    with fits.open(path) as hdus:
        bands = next(hdu for hdu in hdus if hdu.name.endswith("BANDS"))
        assert bands.header["AXCOLS2"] == "TYPE" and "INTERP2" not in bands.header
        column = [value.strip() for value in bands.data["TYPE"]]
    # one row per plane, the energy axis varying fastest (as gammapy's rows)
    assert column == [name for name in labels for _ in range(2)]
    back = Map.read(path)
    assert isinstance(back.geom.axes["type"], LabelMapAxis)
    assert list(back.geom.axes["type"].center) == labels
    assert_array_equal(back.data, m.data)


@pytest.mark.parametrize("shape", [(7, 5), (3, 7, 5), (2, 3, 7, 5)])
@pytest.mark.parametrize("dtype", [">i8", ">i4", ">i2"])
def test_wide_integer_masks_are_read_block_by_block_as_not_zero(tmp_path, shape, dtype):
    # gammapy's int64 masks are compared with 0 through ImageHDU.section, a few rows at a
    # time (so 8 bytes a pixel are never in memory at once): every block, plane and row edge
    # must give data != 0 exactly.
    from skymask.maps.io_fits import _bool_by_blocks

    rng = np.random.default_rng(3)
    data = (rng.integers(-3, 3, size=shape) * rng.integers(0, 2, size=shape)).astype(dtype)
    path = tmp_path / "m.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, name="MASK")]).writeto(path)
    with fits.open(path, memmap=False) as hdus:
        for block_bytes in (1, 24, 10**6):  # one row, a few rows, everything at once
            got = _bool_by_blocks(hdus["MASK"], shape, "m.fits", block_bytes=block_bytes)
            assert got.dtype == bool
            assert_array_equal(got, data != 0)


@pytest.mark.parametrize("suffix", [".fits", ".fits.gz"])
def test_gammapy_style_int64_cube_mask_reads_as_bool(tmp_path, suffix):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(9, 6), axes=[axis])
    data = np.random.default_rng(4).integers(0, 2, size=geom.data_shape).astype(">i8")
    path = tmp_path / f"m{suffix}"
    hdus = [fits.PrimaryHDU(), fits.ImageHDU(data, geom.to_header(), name="mask")]
    from skymask.maps.io_fits import axes_to_bands_hdu

    bands = axes_to_bands_hdu(geom.axes, "MASK_BANDS")
    hdus[1].header["BANDSHDU"] = "MASK_BANDS"
    fits.HDUList([*hdus, bands]).writeto(path)
    m = Map.read(path)
    assert m.data.dtype == bool and m.geom.data_shape == geom.data_shape
    assert_array_equal(m.data, data != 0)
