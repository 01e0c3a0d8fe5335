import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import Map, MapAxis, WcsGeom, WcsNDMap


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=3)


@pytest.fixture
def cube_geom(energy_axis):
    return WcsGeom.create(npix=(5, 4), binsz=0.1, axes=[energy_axis])


@pytest.fixture
def image_geom():
    return WcsGeom.create(npix=(5, 4), binsz=0.1)


def test_from_geom_defaults(cube_geom):
    m = Map.from_geom(cube_geom)
    assert isinstance(m, WcsNDMap)
    assert m.data.shape == (3, 4, 5)
    assert m.data.dtype == np.float32
    assert m.unit == u.dimensionless_unscaled
    assert m.meta == {}
    assert not m.is_mask


def test_from_geom_data_variants(cube_geom):
    full = np.ones(cube_geom.data_shape, dtype=int)
    m = Map.from_geom(cube_geom, data=full)
    assert m.data is full  # the array is used as it is
    scalar = Map.from_geom(cube_geom, data=True)
    assert scalar.is_mask and scalar.data.all()
    # A broadcastable array becomes a new, writable full array.
    plane = np.arange(5.0)
    broadcast = Map.from_geom(cube_geom, data=plane)
    assert broadcast.data.shape == (3, 4, 5)
    broadcast.data[0, 0, 0] = 42
    assert plane[0] == 0
    quantity = Map.from_geom(cube_geom, data=np.ones(cube_geom.data_shape) * u.s)
    assert quantity.unit == u.s
    cast = Map.from_geom(cube_geom, data=full, dtype=bool)
    assert cast.is_mask
    with pytest.raises(ValueError, match=r"does not fit the geometry's data shape \(3, 4, 5\)"):
        Map.from_geom(cube_geom, data=np.ones((2, 4, 5)))
    with pytest.raises(TypeError, match="WcsGeom"):
        Map.from_geom("not a geom")


def test_data_read_from_big_endian_becomes_native(image_geom):
    data = np.arange(20, dtype=">f4").reshape(4, 5)
    m = Map.from_geom(image_geom, data=data)
    assert m.data.dtype == np.dtype("float32")
    assert m.data.dtype.isnative


def test_create():
    m = Map.create(npix=(3, 2), dtype="int16", unit="cm2 s")
    assert m.data.dtype == np.int16
    assert m.unit == u.Unit("cm2 s")
    assert_allclose(m.geom.pixel_scales.deg, [0.1, 0.1])


def test_arithmetic_with_units(image_geom):
    a = Map.from_geom(image_geom, data=np.full((4, 5), 2.0), unit="m")
    b = Map.from_geom(image_geom, data=np.full((4, 5), 50.0), unit="cm")
    total = a + b
    assert total.unit == u.m
    assert_allclose(total.data, 2.5)
    assert_allclose((a - 100 * u.cm).data, 1.0)
    product = a * b
    assert product.unit == u.m * u.cm
    assert_allclose(product.data, 100)
    ratio = a / (2 * u.s)
    assert ratio.unit == u.m / u.s
    assert_allclose((1 / a).data, 0.5)
    assert (1 / a).unit == 1 / u.m
    assert_allclose((10 - Map.from_geom(image_geom, data=3.0)).data, 7)
    with pytest.raises(u.UnitConversionError, match="give the value as a Quantity in 'm'"):
        a + 5
    assert_allclose((a**2).data, 4)
    assert (a**2).unit == u.m**2


def test_arithmetic_on_masks_counts(image_geom):
    mask = Map.from_geom(image_geom, data=True)
    assert (mask + mask).data.dtype == np.int64
    assert_array_equal((mask + mask).data, 2)
    assert_array_equal((mask - mask).data, 0)


def test_in_place_arithmetic_with_booleans_keeps_a_mask(image_geom):
    # gammapy's test fixtures build mask_safe with ``mask += np.ones(shape, dtype=bool)``;
    # numpy's in-place rule on a bool array: += is OR, *= is AND (oracle: numpy itself).
    rng = np.random.default_rng(3)
    a = rng.random(image_geom.data_shape) < 0.5
    b = rng.random(image_geom.data_shape) < 0.5
    for op, other in (("add", b), ("mul", b), ("add", True), ("mul", False)):
        mask = Map.from_geom(image_geom, data=a.copy())
        expected = a.copy()
        if op == "add":
            mask += other
            expected += other
        else:
            mask *= other
            expected *= other
        assert mask.data.dtype == bool
        assert_array_equal(mask.data, expected)
    mask = Map.from_geom(image_geom, data=a.copy())
    mask += Map.from_geom(image_geom, data=b)
    assert_array_equal(mask.data, a | b)
    # With numbers the mask counts (X3), in place too.
    counts = Map.from_geom(image_geom, data=a.copy())
    counts += 1
    assert counts.data.dtype == np.int64
    assert_array_equal(counts.data, a.astype(int) + 1)


def test_comparisons(image_geom):
    m = Map.from_geom(image_geom, data=np.arange(20.0).reshape(4, 5), unit="m")
    below = m < 500 * u.cm
    assert below.is_mask
    assert below.unit == u.dimensionless_unscaled
    assert below.data.sum() == 5
    assert (m >= 19 * u.m).data.sum() == 1
    assert (m == m).data.all()
    with pytest.raises(u.UnitConversionError, match="not compatible"):
        _ = m < 5
    nan_map = Map.from_geom(image_geom, data=np.nan)
    assert not (nan_map < 5).data.any()
    assert not (nan_map >= 5).data.any()


def test_logical_operators(image_geom):
    rng = np.random.default_rng(0)
    a_data, b_data = rng.random((2, 4, 5)) > 0.5
    a = Map.from_geom(image_geom, data=a_data.copy())
    b = Map.from_geom(image_geom, data=b_data.copy())
    assert_array_equal((a & b).data, a_data & b_data)
    assert_array_equal((a | b).data, a_data | b_data)
    assert_array_equal((a ^ b).data, a_data ^ b_data)
    assert_array_equal((~a).data, ~a_data)
    assert_array_equal((a & b_data).data, a_data & b_data)
    assert_array_equal((a & True).data, a_data)


def test_logical_operators_refuse_non_boolean_maps_instead_of_nan_as_true(image_geom):
    # ~, &, | and ^ used to read NaN, 0.5 and -2 as True without a word.
    values = Map.from_geom(
        image_geom, data=np.array([0.0, 0.5, np.nan, -2.0, 0.0] * 4).reshape(4, 5)
    )
    mask = Map.from_geom(image_geom, data=True)
    counts = Map.from_geom(image_geom, data=np.ones((4, 5), dtype=np.int64))
    attempts = [
        lambda: ~values,
        lambda: ~counts,
        lambda: mask & values,
        lambda: values & mask,
        lambda: mask | counts,
        lambda: mask ^ values.data,
        lambda: mask & 1,
        lambda: np.logical_and(mask, values),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match=r"must be a boolean map .*'m > 0'"):
            attempt()
    for inplace in ("__iand__", "__ior__", "__ixor__"):
        target = mask.copy()
        with pytest.raises(TypeError, match="right operand"):
            getattr(target, inplace)(values)
        assert target.data.all()  # unchanged
    # The ways out named in the message.
    assert_array_equal((mask & (values > 0)).data[0], [False, True, False, False, False])
    as_bool = Map.from_geom(image_geom, data=values.data.astype(bool))
    assert_array_equal((~as_bool).data[0], [True, False, False, False, True])


def test_inplace_logical_mutates_the_same_object(image_geom):
    a = Map.from_geom(image_geom, data=True)
    alias = a
    b = Map.from_geom(image_geom, data=np.eye(4, 5, dtype=bool))
    a &= b
    assert a is alias
    assert a.data.sum() == 4
    a |= ~b
    assert a.data.all()
    a ^= b
    assert a.data.sum() == 16


def test_mismatched_geometries_raise_clear_error(image_geom):
    a = Map.from_geom(image_geom, data=True)
    other = Map.from_geom(WcsGeom.create(npix=(5, 4), binsz=0.2), data=True)
    with pytest.raises(ValueError, match="map geometries differ"):
        a & other
    with pytest.raises(ValueError, match="map geometries differ"):
        a |= other
    with pytest.raises(ValueError, match="reproject"):
        a + other


def test_image_combines_with_cube_on_same_grid(cube_geom):
    cube = Map.from_geom(cube_geom, data=True)
    image = Map.from_geom(cube_geom.to_image(), data=np.eye(4, 5, dtype=bool))
    result = cube & image
    assert result.geom == cube_geom
    assert result.data.sum() == 3 * 4
    cube &= image
    assert cube.data.sum() == 12
    with pytest.raises(ValueError, match="in place"):
        image &= cube


def test_truth_value_is_ambiguous(image_geom):
    with pytest.raises(TypeError, match="ambiguous"):
        bool(Map.from_geom(image_geom))


def test_reduce_skips_nan(cube_geom):
    data = np.ones(cube_geom.data_shape)
    data[0] = np.nan
    m = Map.from_geom(cube_geom, data=data, unit="s")
    summed = m.sum_over_axes()
    assert summed.data.shape == (1, 4, 5)
    assert_allclose(summed.data, 2)
    assert summed.unit == u.s
    assert summed.geom.axes["energy"].nbin == 1
    assert_allclose(summed.geom.axes["energy"].edges.to_value("GeV"), [10, 2000])
    reduced = m.reduce_over_axes()
    assert reduced.data.shape == (4, 5)
    assert reduced.geom.is_image
    maximum = m.reduce("energy", func=np.maximum)
    assert_allclose(maximum.data, 1)


def test_mask_reductions(cube_geom):
    data = np.zeros(cube_geom.data_shape, dtype=bool)
    data[1, 2, 3] = True
    data[2, 2, 3] = True
    mask = Map.from_geom(cube_geom, data=data)
    counts = mask.sum_over_axes(keepdims=False)
    assert counts.data.dtype == np.int64
    assert counts.data[2, 3] == 2
    collapsed = mask.reduce_over_axes(func=np.logical_or)
    assert collapsed.is_mask
    assert collapsed.data.sum() == 1
    weighted = mask.sum_over_axes(weights=np.array([1, 0, 1])[:, None, None], keepdims=False)
    assert weighted.data[2, 3] == 1


def test_get_image_by_idx_and_iteration(cube_geom):
    data = np.arange(np.prod(cube_geom.data_shape), dtype=float).reshape(cube_geom.data_shape)
    m = Map.from_geom(cube_geom, data=data)
    image = m.get_image_by_idx((1,))
    assert image.geom.is_image
    assert_array_equal(image.data, data[1])
    image.data[0, 0] = -1  # a view
    assert m.data[1, 0, 0] == -1
    planes = list(m.iter_by_image())
    assert len(planes) == 3
    assert_array_equal(planes[2].data, data[2])
    assert [idx for _, idx in m.iter_by_image_data()] == [(0,), (1,), (2,)]
    with pytest.raises(ValueError, match="one index per non-spatial axis"):
        m.get_image_by_idx((0, 0))
    with pytest.raises(IndexError, match="out of range"):
        m.get_image_by_idx((3,))


def test_iteration_over_two_axes(energy_axis):
    rad = MapAxis.from_nodes([0.1, 0.2], name="rad", unit="deg")
    geom = WcsGeom.create(npix=(3, 2), axes=[energy_axis, rad])
    m = Map.from_geom(geom, data=np.arange(36).reshape(2, 3, 2, 3))
    idx = list(m.iter_by_image_index())
    assert len(idx) == 6
    for i in idx:
        assert_array_equal(m.get_image_by_idx(i).data, m.data[i[::-1]])


def test_slice_by_idx(cube_geom):
    m = Map.from_geom(cube_geom, data=np.arange(60.0).reshape(3, 4, 5))
    sub = m.slice_by_idx({"energy": slice(1, 3)})
    assert sub.data.shape == (2, 4, 5)
    assert_allclose(sub.geom.axes["energy"].edges, cube_geom.axes["energy"].edges[1:])
    single = m.slice_by_idx({"energy": 0})
    assert single.geom.is_image
    assert_array_equal(single.data, m.data[0])


def test_copy_is_deep(image_geom):
    m = Map.from_geom(image_geom, data=1.0, meta={"a": 1})
    c = m.copy()
    c.data[0, 0] = 5
    c.meta["a"] = 2
    assert m.data[0, 0] == 1
    assert m.meta["a"] == 1
    assert m.copy(unit="s").unit == u.s


def test_get_by_coord(image_geom):
    m = Map.from_geom(image_geom, data=np.arange(20.0).reshape(4, 5))
    lon, lat = image_geom.pix_to_coord(([0, 4, 10], [0, 3, 0]))
    assert_allclose(m.get_by_coord((lon, lat)), [0, 19, np.nan])


def test_scalar_coordinates_give_shape_one_arrays_not_zero_d():
    # gammapy 2.1 on this grid (npix 5, binsz 1, data arange): get_by_coord((0, 0)) ->
    # array([12.]), and the same on a 2-bin 1-10 TeV cube at 1 TeV; user code indexes [0].
    axis = MapAxis.from_energy_bounds(1, 10, 2, unit="TeV")
    image = Map.from_geom(WcsGeom.create(npix=5, binsz=1), data=np.arange(25.0).reshape(5, 5))
    cube = Map.from_geom(
        WcsGeom.create(npix=5, binsz=1, axes=[axis]), data=np.arange(50.0).reshape(2, 5, 5)
    )
    for values in (
        image.get_by_coord((0, 0)),
        image.get_by_coord({"lon": 0, "lat": 0}),
        image.get_by_coord(SkyCoord(0, 0, unit="deg")),
        image.get_by_idx((2, 2)),
        cube.get_by_coord((0, 0, 1 * u.TeV)),
    ):
        assert values.shape == (1,)
        assert values[0] == 12.0
    assert cube.get_by_coord((0, 0, 5 * u.TeV))[0] == 37.0
    assert image.get_by_coord((100, 0)).shape == (1,)
    assert np.isnan(image.get_by_coord((100, 0))[0])
    # Arrays keep their shape.
    assert image.get_by_coord((np.zeros((2, 3)), np.zeros((2, 3)))).shape == (2, 3)


def test_setting_data_to_a_quantity_sets_the_unit(image_geom):
    # gammapy 2.1 refuses: "Map data must be a Numpy array. Set unit separately".
    m = Map.from_geom(image_geom, unit="m")
    m.data = np.full((4, 5), 250.0) * u.cm
    assert m.unit == u.cm
    assert isinstance(m.data, np.ndarray) and not isinstance(m.data, u.Quantity)
    assert_allclose(m.quantity.to_value(u.m), 2.5)
    m.quantity = 3 * u.s  # broadcast like any data
    assert m.unit == u.s and m.data.shape == (4, 5)


def test_get_by_coord_outside_keeps_the_dtype_of_masks_and_integer_maps(image_geom):
    # gammapy 2.1 returns NaN for every map kind (a float64 array, also for masks, where NaN
    # is truthy): a mask lookup outside the map must stay a mask, so False; integers give 0.
    lon, lat = image_geom.pix_to_coord(([1, 10], [1, 0]))
    mask = Map.from_geom(image_geom, data=True)
    looked_up = mask.get_by_coord((lon, lat))
    assert looked_up.dtype == bool and looked_up.tolist() == [True, False]
    counts = Map.from_geom(image_geom, data=np.full((4, 5), 7, dtype=np.int64))
    assert counts.get_by_coord((lon, lat)).tolist() == [7, 0]
    floats = Map.from_geom(image_geom, data=np.full((4, 5), 7, dtype=np.float32))
    values = floats.get_by_coord((lon, lat))
    assert values.dtype == np.float32 and values[0] == 7 and np.isnan(values[1])  # as gammapy


def test_repr_is_informative(cube_geom):
    mask = Map.from_geom(cube_geom, data=True)
    mask.data[0] = False
    text = repr(mask)
    assert "WcsNDMap" in text
    assert "40 of 60 True (66.7 %)" in text
    assert "dtype : bool" in text
    assert "energy" in text
    assert "0x" not in text
    values = repr(Map.from_geom(cube_geom, data=np.nan, unit="cm2 s"))
    assert "non-finite" in values and "cm2 s" in values


def test_numpy_values_on_the_left_give_maps(image_geom):
    m = Map.from_geom(image_geom, data=2.0, unit="cm2 s")
    norm = np.float64(3.0)  # e.g. counts.data.sum() / background.data.sum()
    for result in (norm * m, np.ones((4, 5)) * m, (2 * u.s) * m):
        assert isinstance(result, Map)
        assert result.geom == image_geom
    assert (norm * m).unit == u.Unit("cm2 s")
    assert_allclose((norm * m).data, 6)
    assert ((2 * u.s) * m).unit == u.Unit("cm2 s2")
    below = np.float64(5) > Map.from_geom(image_geom, data=np.arange(20.0).reshape(4, 5))
    assert isinstance(below, Map) and below.data.sum() == 5
    # Other ufuncs work on the plain data, as for any array-like.
    assert isinstance(np.isnan(m), np.ndarray)


def test_from_geom_with_a_map_checks_its_geometry_and_keeps_its_unit(image_geom, cube_geom):
    source = Map.from_geom(image_geom, data=3.0, unit="cm2 s")
    copy = Map.from_geom(image_geom, data=source)
    assert copy.unit == u.Unit("cm2 s")
    cube = Map.from_geom(cube_geom, data=source)  # an image on the same sky grid repeats
    assert cube.data.shape == (3, 4, 5)
    other = Map.from_geom(WcsGeom.create(npix=(5, 4), binsz=0.2), data=1.0)
    with pytest.raises(ValueError, match="geometry differs"):
        Map.from_geom(image_geom, data=other)


def test_floor_division_and_single_bin_squash(image_geom):
    m = Map.from_geom(image_geom, data=7.0, unit="m")
    result = m // (200 * u.cm)
    assert result.unit == u.dimensionless_unscaled
    assert_allclose(result.data, 3)
    single = MapAxis.from_nodes([1.0], name="energy_true", unit="TeV", interp="log")
    cube = Map.from_geom(image_geom.to_cube([single]), data=1.0)
    assert cube.sum_over_axes().data.shape == (1, 4, 5)


def test_npix_must_be_whole_numbers():
    with pytest.raises(ValueError, match="whole numbers"):
        WcsGeom.create(npix=10.7)


def test_operators_come_from_the_numpy_mixin_and_keep_the_map_rules(image_geom):
    # The operators are numpy's NDArrayOperatorsMixin; reflected power and floor division,
    # unary plus and numpy scalars on the left follow the same unit rules.
    from numpy.lib.mixins import NDArrayOperatorsMixin

    assert issubclass(Map, NDArrayOperatorsMixin)
    ratio = Map.from_geom(image_geom, data=2.0)
    assert_array_equal((3**ratio).data, 9.0)
    assert (3**ratio).unit == u.dimensionless_unscaled
    assert_array_equal((7 // ratio).data, 3.0)
    length = Map.from_geom(image_geom, data=2.0, unit="m")
    assert (+length).unit == u.m and (+length).data is not length.data
    with pytest.raises(u.UnitsError, match="exponent must be dimensionless"):
        3**length
    in_place = length.copy()
    in_place **= 2
    assert in_place.unit == u.m**2 and in_place.data[0, 0] == 4.0
