"""Chunked (dask) maps compute to exactly the pixels of the in-memory calls.

The oracle is the in-memory path (itself tested against brute force and scipy elsewhere):
random geometries, regions, chunk shapes (including chunks thinner than the morphology
radius) and inputs must give identical arrays.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

da = pytest.importorskip("dask.array")

from skymask.maps import Map, MapAxis, WcsGeom  # noqa: E402
from skymask.maps.chunked import _halo_chunks  # noqa: E402
from skymask.rasterize import WindowPainter, rasterize  # noqa: E402

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def geometries(draw):
    nx = draw(st.integers(8, 48))
    ny = draw(st.integers(6, 40))
    binsz = draw(st.sampled_from([0.02, 0.05, 0.1, 0.3]))
    proj = draw(st.sampled_from(["CAR", "TAN", "AIT", "ZEA"]))
    frame = draw(st.sampled_from(["galactic", "icrs"]))
    lon = draw(st.floats(0, 360))
    lat = draw(st.floats(-60, 60)) if proj != "CAR" else draw(st.sampled_from([0.0, 0.0, 10.0]))
    nbin = draw(st.integers(0, 3))
    axes = [MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=nbin)] if nbin else None
    return WcsGeom.create(
        npix=(nx, ny), binsz=binsz, proj=proj, frame=frame, skydir=(lon, lat), axes=axes
    )


@st.composite
def region_texts(draw, geom):
    centre = geom.center_skydir.galactic
    width = float(max(geom.width.to_value("deg")))
    shapes = []
    for _ in range(draw(st.integers(0, 6))):
        lon = centre.l.deg + draw(st.floats(-0.7, 0.7)) * width
        lat = centre.b.deg + draw(st.floats(-0.7, 0.7)) * width
        size = draw(st.floats(0.01, 0.4)) * width
        kind = draw(st.sampled_from(["circle", "ellipse", "box", "annulus", "polygon", "-circle"]))
        if kind in ("circle", "-circle"):
            shapes.append(f"{kind}({lon}, {lat}, {size})")
        elif kind == "ellipse":
            shapes.append(f"ellipse({lon}, {lat}, {size}, {size / 2}, {draw(st.floats(0, 180))})")
        elif kind == "box":
            shapes.append(f"box({lon}, {lat}, {size}, {size / 3}, {draw(st.floats(0, 180))})")
        elif kind == "annulus":
            shapes.append(f"annulus({lon}, {lat}, {size / 2}, {size})")
        else:
            shapes.append(
                f"polygon({lon}, {lat}, {lon + size}, {lat + size / 4}, {lon + size / 3}, "
                f"{lat + size})"
            )
    return "galactic;" + ";".join(shapes) if shapes else []


def chunk_shapes(geom, fewest=1):
    """Chunk sizes per axis: from 1/``fewest`` of the spatial axes to the whole axis."""
    ny, nx = geom.data_shape[-2:]
    return st.tuples(
        *[st.integers(1, max(1, n)) for n in geom.data_shape[:-2]],
        st.integers(max(1, ny // fewest), ny),
        st.integers(max(1, nx // fewest), nx),
    )


@SETTINGS
@given(data=st.data())
def test_region_mask_chunked_equals_in_memory(data):
    geom = data.draw(geometries())
    regions = data.draw(region_texts(geom))
    # At most ~6 x 6 windows: each window has a fixed cost (its WCS, the region selection).
    chunks = data.draw(chunk_shapes(geom, fewest=6))
    inside = data.draw(st.booleans())
    expected = geom.region_mask(regions, inside=inside)
    lazy = geom.region_mask(regions, inside=inside, chunks=chunks)
    assert lazy.is_chunked
    assert lazy.data.chunks == da.core.normalize_chunks(chunks, geom.data_shape)
    result = lazy.compute()
    assert result.data.dtype == bool
    np.testing.assert_array_equal(result.data, expected.data)


@SETTINGS
@given(data=st.data())
def test_morphology_chunked_equals_in_memory(data):
    geom = data.draw(geometries())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    # Sparse or dense random masks: single pixels and large blobs both.
    mask = rng.random(geom.data_shape) < data.draw(st.sampled_from([0.02, 0.3, 0.9]))
    chunks = data.draw(chunk_shapes(geom, fewest=48))
    # Radii up to twice the map: chunks are often thinner than the radius.
    radius = data.draw(st.floats(0, 2 * max(geom.npix)))
    kernel = data.draw(st.sampled_from(["disk", "box"]))
    operation = data.draw(st.sampled_from(["binary_dilate", "binary_erode"]))
    memory = Map.from_geom(geom, data=mask)
    lazy = Map.from_geom(geom, data=da.from_array(mask, chunks=chunks))
    expected = getattr(memory, operation)(radius, kernel=kernel)
    result = getattr(lazy, operation)(radius, kernel=kernel)
    assert result.is_chunked
    assert result.data.chunks == lazy.data.chunks
    np.testing.assert_array_equal(result.compute().data, expected.data)


@pytest.mark.parametrize(("radius", "chunk"), [(3, 1), (7.5, 2), (12, 5), (2.5, 3)])
def test_dilation_with_chunks_thinner_than_the_radius(radius, chunk):
    geom = WcsGeom.create(npix=(30, 20), binsz=0.1)
    mask = np.zeros(geom.data_shape, dtype=bool)
    mask[[0, 7, 19], [29, 11, 0]] = True  # single pixels at borders and inside
    lazy = Map.from_geom(geom, data=da.from_array(mask, chunks=chunk))
    result = lazy.binary_dilate(radius).compute().data
    # Oracle: brute force over all pixel pairs.
    yy, xx = np.indices(mask.shape)
    ty, tx = np.nonzero(mask)
    distance = np.hypot(yy[..., None] - ty, xx[..., None] - tx).min(axis=-1)
    np.testing.assert_array_equal(result, distance <= radius)
    eroded = Map.from_geom(geom, data=da.from_array(~mask, chunks=chunk)).binary_erode(radius)
    # Erosion: pixels outside the map count as False (the nearest is straight across an edge).
    to_edge = np.minimum.reduce([xx + 1, 30 - xx, yy + 1, 20 - yy])
    np.testing.assert_array_equal(eroded.compute().data, (distance > radius) & (to_edge > radius))


@pytest.mark.parametrize(
    ("sizes", "depth", "expected"),
    [
        ((5, 5, 5), 3, (5, 5, 5)),
        ((2, 2, 2, 2, 2), 3, (4, 4, 2 + 0)),
        ((1, 1, 1, 1), 2, (2, 2)),
        ((4, 1), 2, (5,)),
    ],
)
def test_halo_chunks_merges_thin_chunks(sizes, depth, expected):
    if expected == (4, 4, 2):  # the trailing 2 is not thin for depth 3: merged into the last
        expected = (4, 6)
    merged = _halo_chunks(sizes, depth)
    assert merged == expected
    assert sum(merged) == sum(sizes)
    assert min(merged) >= depth or len(merged) == 1


def test_operators_and_reductions_stay_lazy_and_exact():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    geom = WcsGeom.create(npix=(23, 17), binsz=0.1, axes=[axis])
    rng = np.random.default_rng(5)
    values = rng.normal(size=geom.data_shape).astype("float32")
    values[rng.random(values.shape) < 0.1] = np.nan
    memory = Map.from_geom(geom, data=values, unit="")
    lazy = Map.from_geom(geom, data=da.from_array(values, chunks=(1, 5, 6)))
    cases = [
        lambda m: m * 2 - m / 3,
        lambda m: (m > 0) & ~(m < -1),
        lambda m: (m > 0) ^ (m < 0.5),
        lambda m: abs(m) ** 2,
        lambda m: m.sum_over_axes(),
        lambda m: m.reduce("energy", np.maximum),
        lambda m: (m > 0).reduce("energy", np.logical_or),
        lambda m: (m > 0).sum_over_axes(keepdims=False),
        lambda m: m.get_image_by_idx((2,)),
        lambda m: (m > 0.2).fill_holes(),
        lambda m: m.hysteresis_threshold(0.5, 1.5),
    ]
    for case in cases:
        expected, result = case(memory), case(lazy)
        assert result.is_chunked
        assert result.unit == expected.unit
        computed = result.compute()
        assert computed.data.dtype == expected.data.dtype
        np.testing.assert_array_equal(computed.data, expected.data)


def test_masks_stay_boolean_and_in_place_operators():
    geom = WcsGeom.create(npix=(12, 9), binsz=0.1)
    lazy = geom.region_mask("icrs;circle(0, 0, 0.3)", chunks=4)
    other = geom.boundary_mask(0.2, chunks=5)
    for result in (lazy & other, lazy | other, ~lazy, lazy.binary_dilate(1), lazy.fill_holes()):
        assert result.is_chunked
        assert result.data.dtype == bool
    expected = geom.region_mask("icrs;circle(0, 0, 0.3)") & geom.boundary_mask(0.2)
    lazy &= other
    assert lazy.is_chunked
    np.testing.assert_array_equal(lazy.compute().data, expected.data)
    with pytest.raises(TypeError, match="boolean map"):
        lazy & Map.from_geom(geom, data=da.ones(geom.data_shape, chunks=3))


def test_energy_and_boundary_masks_lazy():
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1, axes=[axis])
    energy = geom.energy_mask("10 GeV", "700 GeV", chunks=(2, 3, 4))
    boundary = geom.boundary_mask((0.25, "1 pix"), chunks=(5, 3, 3))
    assert energy.is_chunked and boundary.is_chunked
    assert energy.data.chunks == da.core.normalize_chunks((2, 3, 4), geom.data_shape)
    # D1: the float32 edge 9.9999998 GeV is kept ([T, T, T, T, F]).
    assert energy.compute().data[:, 0, 0].tolist() == [True, True, True, True, False]
    np.testing.assert_array_equal(boundary.compute().data, geom.boundary_mask((0.25, "1 pix")).data)


def test_map_repr_does_not_compute():
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1)

    def fail(block):
        raise AssertionError("computed")

    data = da.zeros(geom.data_shape, chunks=4).map_blocks(fail, dtype=float)
    lazy = Map.from_geom(geom, data=data)
    assert "not computed" in repr(lazy)


def test_window_painter_partition_equals_rasterize():
    geom = WcsGeom.create(npix=(37, 23), binsz=0.05, frame="galactic", proj="TAN")
    text = "galactic;circle(0.2, 0.1, 0.3);box(-0.3, 0, 0.4, 0.2, 30);-circle(0.2, 0.1, 0.1)"
    painter = WindowPainter(text, geom.wcs, geom.data_shape_image)
    rows = [painter.paint(y0, min(y0 + 5, 23), 0, 37) for y0 in range(0, 23, 5)]
    np.testing.assert_array_equal(np.vstack(rows), rasterize(text, geom.wcs, (23, 37)))


def test_only_exclude_regions_are_decided_for_the_whole_map():
    # ds9: only exclude regions -> the include region is the whole map, in every chunk, also
    # in chunks the exclude region does not reach.
    geom = WcsGeom.create(npix=(40, 10), binsz=0.1, frame="galactic")
    text = "galactic;-circle(1.5, 0, 0.2)"
    np.testing.assert_array_equal(
        geom.region_mask(text, chunks=(10, 8)).compute().data, geom.region_mask(text).data
    )


def test_chunked_region_mask_errors():
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1)
    with pytest.raises(ValueError, match="pixel region"):
        geom.region_mask("image;circle(3, 3, 2)", chunks=4)
    with pytest.raises(ValueError, match="chunks"):
        geom.region_mask("icrs;circle(0, 0, 0.3)", chunks=(1, 2, 3, 4))
    odd = WcsGeom(geom.wcs.deepcopy(), npix=(10, 8))
    odd.wcs.wcs.crpix = [0.3, 4.5]
    with pytest.raises(ValueError, match="reference pixel"):
        odd.region_mask("icrs;circle(0, 0, 0.3)", chunks=4)


def test_map_data_from_dask_broadcasts_lazily_and_checks_shape():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1, axes=[axis])
    image = da.ones((8, 10), dtype=bool, chunks=4)
    m = Map.from_geom(geom, data=image)
    assert m.is_chunked and m.data.shape == (3, 8, 10)
    with pytest.raises(ValueError, match="does not fit"):
        Map.from_geom(geom, data=da.ones((7, 10), chunks=4))


def test_skymask_imports_and_works_without_dask():
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['dask.array'] = None\n"
        "import skymask, skymask.maps, skymask.cli.main\n"
        "from skymask.maps import WcsGeom\n"
        "geom = WcsGeom.create(npix=(10, 8), binsz=0.1)\n"
        "m = geom.region_mask('icrs;circle(0, 0, 0.3)').binary_dilate(1)\n"
        "assert not m.is_chunked and m.data.sum() > 0\n"
        "try:\n"
        "    geom.region_mask('icrs;circle(0, 0, 0.3)', chunks=4)\n"
        "except ImportError as exc:\n"
        "    assert \"pip install 'skymask[dask]'\" in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('no ImportError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@SETTINGS
@given(data=st.data())
def test_chunked_write_and_read_equal_in_memory_files(data, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("io")
    geom = data.draw(geometries())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    dtype = data.draw(st.sampled_from([bool, np.float32, np.float64, np.int16, np.int64]))
    values = (rng.normal(size=geom.data_shape) * 100).astype(dtype)
    chunks = data.draw(chunk_shapes(geom, fewest=48))
    Map.from_geom(geom, data=values).write(tmp_path / "memory.fits")
    Map.from_geom(geom, data=da.from_array(values, chunks=chunks)).write(tmp_path / "chunked.fits")
    # The same file, byte for byte: gammapy reads it as it reads any skymask map.
    assert (tmp_path / "chunked.fits").read_bytes() == (tmp_path / "memory.fits").read_bytes()
    back = Map.read(tmp_path / "memory.fits", chunks=data.draw(chunk_shapes(geom, fewest=48)))
    assert back.is_chunked
    assert back.data.dtype == np.dtype(dtype)
    assert back.geom == geom
    np.testing.assert_array_equal(back.compute().data, values)


def test_file_section_writes_blocks_in_place(tmp_path):
    from skymask.maps.io_chunked import FileSection

    rng = np.random.default_rng(3)
    expected = rng.normal(size=(3, 7, 11)).astype(">f4")
    path = tmp_path / "raw"
    path.write_bytes(b"x" * 16 + bytes(expected.nbytes))
    section = FileSection(path, 16, expected.shape, np.float32)
    # Blocks that cut rows, planes and both, in any order.
    for key in [
        np.s_[0:3, 0:7, 0:4],
        np.s_[1:3, 2:5, 4:11],
        np.s_[0:1, 0:7, 4:11],
        np.s_[0:3, 5:7, 4:11],
        np.s_[2:3, 0:2, 4:11],
        np.s_[1:2, 0:2, 4:11],
    ]:
        section[key] = expected[key].astype(np.float32)
    assert path.read_bytes()[:16] == b"x" * 16
    np.testing.assert_array_equal(
        np.frombuffer(path.read_bytes()[16:], ">f4").reshape(3, 7, 11), expected
    )
    np.testing.assert_array_equal(section[1:3, 2:4, 5:9], expected[1:3, 2:4, 5:9])


def test_chunked_write_errors(tmp_path):
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1)
    lazy = geom.region_mask("icrs;circle(0, 0, 0.3)", chunks=4)
    with pytest.raises(ValueError, match="compressed"):
        lazy.write(tmp_path / "x.fits.gz")
    with pytest.raises(ValueError, match="checksum"):
        lazy.write(tmp_path / "x.fits", checksum=True)
    assert list(tmp_path.iterdir()) == []
    lazy.write(tmp_path / "x.fits")
    with pytest.raises(FileExistsError):
        lazy.write(tmp_path / "x.fits")
    geom.region_mask("icrs;circle(0, 0, 0.3)").write(tmp_path / "y.fits.gz")
    with pytest.raises(ValueError, match="compressed"):
        Map.read(tmp_path / "y.fits.gz", chunks=4)
    # By content, not by name.
    (tmp_path / "y.fits.gz").rename(tmp_path / "z.fits")
    with pytest.raises(ValueError, match="compressed"):
        Map.read(tmp_path / "z.fits", chunks=4)


@SETTINGS
@given(data=st.data())
def test_correlation_chunked_equals_in_memory(data):
    from skymask.kernels.correlation import correlate_tophat
    from skymask.kernels.footprint import disk_footprint
    from skymask.maps.chunked import correlate_tophat as chunked_correlate

    ny, nx = data.draw(st.integers(3, 40)), data.draw(st.integers(3, 40))
    n = data.draw(st.integers(1, 3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    counts = rng.poisson(data.draw(st.sampled_from([0.1, 3.0, 50.0])), size=(n, ny, nx))
    chunks = (1, data.draw(st.integers(1, ny)), data.draw(st.integers(1, nx)))
    # Radii up to the map size: chunks thinner than the kernel.
    kernel = disk_footprint(data.draw(st.floats(0, 15)), data.draw(st.floats(0, 15)))
    method = data.draw(st.sampled_from(["auto", "direct", "fft"]))
    expected = correlate_tophat(counts, kernel, method, integer=True, nonnegative=True)
    lazy = chunked_correlate(da.from_array(counts, chunks=chunks), kernel, method, integer=True)
    assert lazy.chunks == da.from_array(counts, chunks=chunks).chunks
    # Counts: exact integers both ways.
    np.testing.assert_array_equal(lazy.compute(), expected)
    # Floats: equal to round-off (each chunk sums in its own order).
    values = rng.normal(size=counts.shape)
    np.testing.assert_allclose(
        chunked_correlate(da.from_array(values, chunks=chunks), kernel, method).compute(),
        correlate_tophat(values, kernel, method),
        rtol=1e-9,
        atol=1e-9 * np.abs(values).sum(),
    )


def test_lookups_on_chunked_maps():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(9, 7), binsz=0.1, axes=[axis])
    values = np.arange(np.prod(geom.data_shape), dtype=float).reshape(geom.data_shape)
    memory = Map.from_geom(geom, data=values)
    lazy = Map.from_geom(geom, data=da.from_array(values, chunks=(1, 3, 4)))
    idx = ([0, 8, -1, 4], [0, 6, 2, -1], [1, 0, 1, 0])
    np.testing.assert_array_equal(lazy.get_by_idx(idx), memory.get_by_idx(idx))
    assert lazy.get_image_by_idx((1,)).is_chunked
    np.testing.assert_array_equal(
        lazy.slice_by_idx({"energy": slice(1, 2)}).compute().data,
        memory.slice_by_idx({"energy": slice(1, 2)}).data,
    )
