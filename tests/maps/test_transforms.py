"""Geometry and map transforms: cutout, pad, crop, down/up-sampling, resampling, reprojection.

Oracles: astropy WCS pixel <-> world transforms, brute-force loops over blocks and pixels,
and gammapy 2.1's numbers (computed in its environment, pasted with a comment).
"""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_equal

from skymask.kernels.blocks import bin_by_index, block_reduce
from skymask.maps import Map, MapAxis, WcsGeom


def _world(geom, x, y):
    return geom.wcs.pixel_to_world_values(np.asarray(x, float), np.asarray(y, float))


# ---------------------------------------------------------------------- geometry
def test_pad_and_crop_keep_pixel_centres_on_the_sky():
    geom = WcsGeom.create(npix=(7, 5), binsz=0.3, proj="TAN", skydir=(30, 40), frame="galactic")
    padded = geom.pad((2, 3))
    assert padded.npix == (11, 11)
    assert_allclose(_world(padded, [2, 8], [3, 7]), _world(geom, [0, 6], [0, 4]), atol=1e-10)
    cropped = geom.crop(1)
    assert cropped.npix == (5, 3)
    assert_allclose(_world(cropped, 0, 0), _world(geom, 1, 1), atol=1e-10)
    with pytest.raises(ValueError, match="leaves no pixel"):
        geom.crop(3)


def test_downsample_pixel_centre_is_the_block_centre():
    geom = WcsGeom.create(npix=(8, 4), binsz=0.1, skydir=(10, 20))
    down = geom.downsample(4)
    assert down.npix == (2, 1)
    assert_allclose(down.pixel_scales.deg, [0.4, 0.4])
    # block (x 4..7, y 0..3) has its centre at pixel (5.5, 1.5) of the fine grid (CAR: linear)
    assert_allclose(_world(down, 1, 0), _world(geom, 5.5, 1.5), atol=1e-10)
    up = down.upsample(4)
    assert up.npix == geom.npix and up.is_aligned(geom) and up == geom
    with pytest.raises(ValueError, match="not divisible by factor 3"):
        geom.downsample(3)
    with pytest.raises(ValueError, match="factor must be a whole number >= 1, got 0"):
        geom.downsample(0)
    # not-a-number factors were a raw numpy/int conversion error before
    for bad in (float("nan"), float("inf"), 2.5):
        with pytest.raises(ValueError, match="factor must be a whole number >= 1"):
            geom.downsample(bad)
    with pytest.raises(TypeError, match="factor must be a whole number, got"):
        geom.downsample("2")


def test_cutout_slices_gammapy_meaning():
    parent = WcsGeom.create(npix=4, binsz=1)
    cut = parent.cutout(parent.center_skydir, 2 * u.deg)
    # gammapy 2.1: {'parent-slices': (slice(1, 3), slice(1, 3)), 'cutout-slices': (0:2, 0:2)}
    assert cut.cutout_slices(parent) == {
        "parent-slices": (slice(1, 3), slice(1, 3)),
        "cutout-slices": (slice(0, 2), slice(0, 2)),
    }
    corner = SkyCoord(-1.5, 1.5, unit="deg")  # the centre of pixel (3, 3)
    partial = parent.cutout(corner, 4, mode="partial")
    slices = partial.cutout_slices(parent, mode="partial")
    assert slices == {
        "parent-slices": (slice(1, 4), slice(1, 4)),
        "cutout-slices": (slice(0, 3), slice(0, 3)),
    }
    with pytest.raises(ValueError, match="mode must be"):
        cut.cutout_slices(parent, mode="loose")


def test_from_aligned_is_on_the_parent_grid():
    geom = WcsGeom.create(npix=100, binsz=0.1, proj="TAN", skydir=(83.6, 22.0))
    small = WcsGeom.from_aligned(geom, SkyCoord(84.0, 22.3, unit="deg"), (2, 1))
    assert small.npix == (20, 10)
    assert small.is_aligned(geom)
    # its centre is within half a pixel of the requested position
    sep = small.center_skydir.separation(SkyCoord(84.0, 22.3, unit="deg")).deg
    assert sep < 0.1


def test_to_binsz_odd_even_and_nbytes():
    geom = WcsGeom.create(npix=(5, 3), binsz=1, skydir=(10, 0))
    assert geom.to_binsz(0.5).npix == (10, 6)
    assert geom.to_odd_npix().npix == (5, 5)
    assert geom.to_even_npix().npix == (6, 6)
    assert geom.to_odd_npix(max_radius="1.2 deg").npix == (3, 3)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    assert geom.to_cube([axis]).data_nbytes("float64") == 5 * 3 * 3 * 8 * 1e-6 * u.MB


def test_resample_axis_geometry_snaps_to_nearest_edges():
    # gammapy 2.1 (test_wcs_geom_resample_overflows): edges [1, 2, 5]
    ax1 = MapAxis.from_edges([1, 2, 3, 4, 5], name="ax1")
    geom = WcsGeom.create(npix=3, axes=[ax1])
    new = geom.resample_axis(MapAxis.from_edges([-1.0, 1, 2.3, 4.8, 6], name="ax1"))
    assert_allclose(new.axes["ax1"].edges.value, [1, 2, 5])


# ---------------------------------------------------------------------- kernels
def test_block_reduce_against_loops():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(3, 6, 8))
    data[0, 0, 0] = np.nan
    weights = rng.uniform(size=data.shape)
    got_sum = block_reduce(data, (1, 2, 4), "sum", weights=weights)
    got_mean = block_reduce(data, (1, 2, 4), "mean", weights=weights)
    for k in range(3):
        for j in range(3):
            for i in range(2):
                d = data[k, 2 * j : 2 * j + 2, 4 * i : 4 * i + 4]
                w = weights[k, 2 * j : 2 * j + 2, 4 * i : 4 * i + 4]
                assert_allclose(got_sum[k, j, i], np.nansum(d * w))
                assert_allclose(got_mean[k, j, i], np.nansum(d * w) / w.sum())
    mask = data > 0
    assert_equal(block_reduce(mask, (1, 2, 4), "any"), mask.reshape(3, 3, 2, 2, 4).any((2, 4)))
    assert_equal(block_reduce(mask, (1, 2, 4), "all"), mask.reshape(3, 3, 2, 2, 4).all((2, 4)))


@pytest.mark.parametrize(
    ("shape", "block"),
    [
        ((3, 6, 8), (1, 2, 4)),
        ((6, 8), (3, 1)),
        ((6, 8), (1, 8)),
        ((4, 6, 8), (2, 3, 2)),
        ((5, 4), (1, 1)),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, bool])
@pytest.mark.parametrize("nan", [False, True])
def test_block_sum_against_loops_for_every_dtype_and_block(shape, block, dtype, nan):
    # Blocks are summed one axis at a time; the oracle sums each block on its own.
    rng = np.random.default_rng(7)
    data = (rng.normal(size=shape) * 10).astype(dtype)
    if nan and data.dtype.kind == "f":
        data.flat[[0, 5]] = np.nan
    got = block_reduce(data, block, "sum")
    out_shape = tuple(n // b for n, b in zip(shape, block, strict=True))
    assert got.shape == out_shape
    assert got.dtype == (np.float64 if data.dtype.kind == "f" else np.int64)
    for index in np.ndindex(out_shape):
        cell = data[tuple(slice(i * b, (i + 1) * b) for i, b in zip(index, block, strict=True))]
        expected = (
            np.nansum(cell.astype(np.float64))
            if data.dtype.kind == "f"
            else cell.sum(dtype=np.int64)
        )
        assert_allclose(got[index], expected, rtol=1e-12)
    assert got is not data


def test_bin_by_index_against_loop():
    rng = np.random.default_rng(2)
    index = rng.integers(-1, 5, size=50)
    values = rng.normal(size=50)
    expected = np.zeros(5)
    counts = np.zeros(5)
    for i, v in zip(index, values, strict=True):
        if i >= 0:
            expected[i] += v
            counts[i] += 1
    assert_allclose(bin_by_index(index, values, 5), expected)
    assert_allclose(
        bin_by_index(index, values, 5, mean=True), np.where(counts, expected / counts, 0)
    )
    assert_equal(
        bin_by_index(index, values > 1, 5, logical=True),
        [any(v > 1 for i, v in zip(index, values, strict=True) if i == c) for c in range(5)],
    )


# ---------------------------------------------------------------------- maps
@pytest.fixture
def cube():
    axis = MapAxis.from_edges([1, 2, 3], name="x")
    geom = WcsGeom.create(npix=(8, 6), binsz=0.1, axes=[axis], skydir=(5, 5), frame="galactic")
    data = np.arange(np.prod(geom.data_shape), dtype=float).reshape(geom.data_shape)
    return Map.from_geom(geom, data=data, unit="cm-2")


def test_cutout_copies_the_overlap(cube):
    position = SkyCoord(*_world(cube.geom, 5, 3), unit="deg", frame="galactic")
    cut = cube.cutout(position, (0.3, 0.2))
    assert cut.data.shape == (2, 2, 3)
    assert_equal(cut.data, cube.data[:, 2:4, 4:7])
    assert cut.unit == cube.unit
    partial = cube.cutout(
        SkyCoord(*_world(cube.geom, 7, 5), unit="deg", frame="galactic"), 0.3, mode="partial"
    )
    assert_equal(partial.data[:, :2, :2], cube.data[:, 4:, 6:])
    assert_equal(partial.data[:, 2, :], 0)


def test_mask_cutout_pad_crop_stay_masks():
    mask = Map.create(npix=(6, 4), binsz=1, dtype=bool)
    mask.data[1:3, 2:5] = True
    partial = mask.cutout(SkyCoord(-2.5, 1.5, unit="deg"), 4, mode="partial")
    assert partial.data.dtype == bool and not partial.data[:, 2:].any()
    padded = mask.pad(1)
    assert padded.data.dtype == bool and padded.data.sum() == 6
    assert mask.pad(1, cval=True).data.sum() == 6 + 8 * 6 - 24
    edge = mask.pad(2, mode="edge")
    assert_equal(edge.data[0, 2:-2], mask.data[0])
    assert mask.crop(1).data.dtype == bool
    with pytest.raises(ValueError, match="True/False"):
        mask.pad(1, cval=0.5)
    with pytest.raises(ValueError, match="nearest"):
        mask.pad(1, mode="interp")


def test_pad_modes_on_numbers():
    m = Map.create(npix=(3, 2), binsz=1)
    m.data[:] = [[1.0, 2.0, 4.0], [3.0, 4.0, 6.0]]
    assert_equal(m.pad(1, cval=9).data[0], 9)
    assert_equal(m.pad((1, 0), mode="edge").data, [[1, 1, 2, 4, 4], [3, 3, 4, 6, 6]])
    # linear: the slope of the two outermost pixels continued
    linear = m.pad((2, 0), mode="interp").data
    assert_equal(linear[0], [-1, 0, 1, 2, 4, 6, 8])


def test_pad_non_spatial_axis_edge():
    # gammapy 2.1 (test_wcs_nd_map_pad_axis): [1, 1, 2, 2]
    axis = MapAxis.from_nodes([0, 1], unit="deg", name="axis")
    m = Map.create(npix=3, axes=[axis])
    m.data += np.array([1, 2]).reshape((-1, 1, 1))
    padded = m.pad(axis_name="axis", pad_width=1, mode="edge")
    assert_allclose(padded.data[:, 1, 1], [1, 1, 2, 2])
    assert_allclose(padded.geom.axes["axis"].center.value, [-1, 0, 1, 2])


def test_downsample_sum_mean_weights(cube):
    down = cube.downsample(2)
    for j in range(3):
        for i in range(4):
            assert_allclose(
                down.data[:, j, i], cube.data[:, 2 * j : 2 * j + 2, 2 * i : 2 * i + 2].sum((1, 2))
            )
    mean = cube.downsample(2, preserve_counts=False)
    assert_allclose(mean.data, down.data / 4)
    weights = np.ones(cube.data.shape)
    weights[..., ::2] = 3
    weighted = cube.downsample(2, preserve_counts=False, weights=weights)
    expected = (3 * cube.data[:, :2, 0].sum(1) + cube.data[:, :2, 1].sum(1)) / 8
    assert_allclose(weighted.data[:, 0, 0], expected)
    along = cube.downsample(2, axis_name="x")
    assert_allclose(along.data[0], cube.data.sum(0))
    assert_allclose(along.geom.axes["x"].edges.value, [1, 3])


def test_mask_downsample_any_all_sum_mean():
    mask = Map.create(npix=4, binsz=1, dtype=bool)
    mask.data[0, :3] = True
    mask.data[2:, 2:] = True
    # gammapy 2.1 gives "any" for both preserve_counts values (a bool cast of the block sum)
    for preserve in (True, False):
        assert_equal(mask.downsample(2, preserve_counts=preserve).data, [[1, 1], [0, 1]])
    assert_equal(mask.downsample(2, func="all").data, [[0, 0], [0, 1]])
    counts = mask.downsample(2, func="sum")
    assert counts.data.dtype == np.int64 and counts.data.tolist() == [[2, 1], [0, 4]]
    assert_allclose(mask.downsample(2, func="mean").data, [[0.5, 0.25], [0, 1]])
    with pytest.raises(ValueError, match="func must be one of"):
        mask.downsample(2, func="median")


def test_upsample_preserves_counts_and_repeats_masks(cube):
    up = cube.upsample(2)
    assert up.data.shape == (2, 12, 16)
    assert_allclose(up.data.sum(), cube.data.sum(), rtol=1e-6)
    surface = cube.upsample(2, preserve_counts=False)
    assert_equal(surface.data[:, ::2, ::2], cube.data)
    # gammapy 2.1, order=1 without preserve_counts on arange(16).reshape(4, 4), first rows
    m = Map.create(npix=4, binsz=0.5, skydir=(10, 20))
    m.data[:] = np.arange(16.0).reshape(4, 4)
    first = m.upsample(2, order=1, preserve_counts=False).data[:2]
    assert_allclose(first[0], [0.0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0])
    assert_allclose(first[1], [1.0, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.0])
    mask = Map.create(npix=2, binsz=1, dtype=bool)
    mask.data[0, 0] = True
    assert mask.upsample(3).data.sum() == 9 and mask.upsample(3).data.dtype == bool
    axis_up = cube.upsample(2, axis_name="x")
    assert_allclose(axis_up.data.sum(), cube.data.sum())


def test_resample_axis_sum_and_logical():
    axis = MapAxis.from_edges([1, 2, 3, 4, 5], name="e")
    m = Map.create(npix=2, axes=[axis])
    m.data += np.arange(4.0).reshape(4, 1, 1)
    new = MapAxis.from_edges([1, 3, 5], name="e")
    assert_allclose(m.resample_axis(new).data[:, 0, 0], [0 + 1, 2 + 3])
    mask = Map.create(npix=2, axes=[axis], dtype=bool)
    mask.data[:] = True
    mask.data[0, 0, 0] = False
    anded = mask.resample_axis(new, ufunc=np.logical_and)
    assert anded.data.dtype == bool
    assert not anded.data[0, 0, 0] and anded.data[1, 0, 0] and anded.data[0, 1, 1]
    ored = mask.resample_axis(new)  # np.add on a mask acts as logical_or
    assert ored.data.dtype == bool and ored.data.all()


def test_resample_matches_gammapy_and_downsample():
    g1 = WcsGeom.create(npix=4, binsz=0.5, frame="icrs", skydir=(10, 20))
    m = Map.from_geom(g1, data=np.arange(16.0).reshape(4, 4))
    g2 = WcsGeom.create(
        npix=(3, 2), binsz=0.7, frame="galactic", skydir=SkyCoord(10, 20, unit="deg").galactic
    )
    # gammapy 2.1 resample of this case
    assert_allclose(m.resample(g2).data, [[4, 11, 7], [8, 19, 11]])
    assert_allclose(m.resample(g2, preserve_counts=False).data, [[4, 5.5, 7], [8, 9.5, 11]])
    assert_allclose(m.resample(g1.downsample(2)).data, m.downsample(2).data)
    mask = Map.from_geom(g1, data=np.arange(16).reshape(4, 4) == 5)
    resampled = mask.resample(g1.downsample(2))
    assert resampled.data.dtype == bool
    assert_equal(resampled.data, [[True, False], [False, False]])


def test_reproject_to_geom_matches_gammapy():
    g1 = WcsGeom.create(npix=4, binsz=0.5, frame="icrs", skydir=(10, 20))
    m = Map.from_geom(g1, data=np.arange(16.0).reshape(4, 4))
    g2 = WcsGeom.create(
        npix=(3, 2), binsz=0.7, frame="galactic", skydir=SkyCoord(10, 20, unit="deg").galactic
    )
    # gammapy 2.1 reproject_to_geom(g2) of this map
    surface = [
        [3.56140398979187, 4.390244007110596, 5.278687953948975],
        [9.721311569213867, 10.609756469726562, 11.438596725463867],
    ]
    assert_allclose(m.reproject_to_geom(g2).data, surface, rtol=1e-6)
    # preserve_counts: gammapy's sub-pixels carry the bin-volume share, skymask's 1/f**2
    counts = [
        [6.65915584564209, 8.208939552307129, 9.870173454284668],
        [18.17720603942871, 19.83844566345215, 21.388219833374023],
    ]
    assert_allclose(m.reproject_to_geom(g2, preserve_counts=True).data, counts, rtol=1e-4)


def test_reproject_mask_is_nearest_and_stays_bool():
    g1 = WcsGeom.create(npix=8, binsz=0.5, frame="icrs", skydir=(10, 20))
    mask = Map.from_geom(g1, data=np.zeros(g1.data_shape, bool))
    mask.data[2:5, 3:6] = True
    target = WcsGeom.create(
        npix=12, binsz=0.4, frame="galactic", skydir=SkyCoord(10, 20, unit="deg").galactic
    )
    out = mask.reproject_to_geom(target)
    assert out.data.dtype == bool
    # brute force: each target centre looked up in the source (astropy WCS), False outside
    coords = target.get_coord().skycoord.icrs
    x, y = g1.wcs.world_to_pixel(coords)
    ix, iy = np.floor(x + 0.5).astype(int), np.floor(y + 0.5).astype(int)
    inside = (ix >= 0) & (ix < 8) & (iy >= 0) & (iy < 8)
    expected = np.zeros(target.data_shape, bool)
    expected[inside] = mask.data[iy[inside], ix[inside]]
    assert_equal(out.data, expected)


def test_reproject_onto_other_bins_of_the_same_axes(cube):
    # gammapy 2.1 (test_map_reproject_wcs_to_wcs_with_axes): up-sampled bins keep the values
    energy = MapAxis.from_edges(np.arange(4) - 0.5, name="energy")
    time = MapAxis.from_edges(np.arange(5) - 0.5, name="time")
    geom = WcsGeom.create(skydir=(266.405, -28.936), npix=11, binsz=0.1, axes=[energy, time])
    data = (
        np.zeros((11, 11)) + energy.center.reshape(3, 1, 1) + 0.5 * time.center.reshape(4, 1, 1, 1)
    )
    m = Map.from_geom(geom, data=data)
    target = geom.copy(axes=[energy.upsample(2), time.upsample(2)])
    out = m.reproject_to_geom(target)
    assert out.data.shape == (8, 6, 11, 11)
    checked = 0
    for image, (it, ie) in out.iter_by_image_data():
        if np.any(image > 0):  # the (0, 0) bins hold 0
            assert_allclose(image[image > 0].mean(), ie // 2 + 0.5 * (it // 2), rtol=1e-6)
            checked += 1
    assert checked == 8 * 6 - 4
    with pytest.raises(ValueError, match="target axes"):
        cube.reproject_to_geom(cube.geom.to_image().to_cube([MapAxis.from_edges([1, 3], name="y")]))


def test_geometry_width_is_a_lon_lat_pair_x85():
    # gammapy 2.1 gives a (2, 1) array (a column per image plane, for irregular geometries)
    geom = WcsGeom.create(npix=(10, 10), binsz=1, axes=[MapAxis.from_edges([1, 2, 3])])
    cut = geom.cutout(geom.center_skydir, (2.0, 3.0) * u.deg)
    assert cut.width.shape == (2,)
    assert_allclose(cut.width.deg, [2.0, 3.0])
    assert cut.data_shape_axes == (2, 1, 1) and geom.axes.names == ["axis0"]
    assert geom.copy(axes=[]).is_image and geom.copy(npix=(4, 4)).npix == (4, 4)


def test_unnamed_axes_are_named_on_copies_x86():
    # gammapy 2.1 renames the caller's MapAxis objects in place (axis._name = "axis0")
    axis = MapAxis.from_edges([1, 2, 3])
    geom = WcsGeom.create(npix=3, axes=[axis, MapAxis.from_edges([0, 1], name="x")])
    assert geom.axes.names == ["axis0", "x"]
    assert axis.name == ""
