"""Map lookups (get/set/fill/interp by idx, pix and coord) against independent oracles."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_array_equal
from scipy.interpolate import RegularGridInterpolator

from skymask.maps import Map, MapAxis, MapCoord, WcsGeom


@pytest.fixture
def cube_geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4, name="energy")
    return WcsGeom.create(
        npix=(6, 5), binsz=0.5, skydir=(83.6, 22.0), frame="icrs", proj="TAN", axes=[axis]
    )


@pytest.fixture
def cube(cube_geom):
    m = Map.from_geom(cube_geom, dtype=float)
    m.data = np.arange(m.data.size, dtype=float).reshape(m.data.shape) ** 1.5
    return m


LON = np.array([83.6, 84.1, 82.9, 83.0, 90.0])
LAT = np.array([22.0, 22.3, 21.2, 23.1, 22.0])
ENERGY = [2.0, 5.0, 30.0, 90.0, 10.0] * u.TeV


def _astropy_index(geom, lon, lat, energy):
    """Oracle: astropy's world_to_pixel and numpy.digitize on the energy edges."""
    x, y = geom.wcs.world_to_pixel(SkyCoord(lon, lat, unit="deg", frame=geom.frame))
    ix, iy = np.floor(x + 0.5).astype(int), np.floor(y + 0.5).astype(int)
    edges = geom.axes["energy"].edges.to_value("TeV")
    ie = np.digitize(u.Quantity(energy).to_value("TeV"), edges) - 1
    nx, ny = geom.npix
    inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny) & (ie >= 0) & (ie < len(edges) - 1)
    return ix, iy, ie, inside


def test_gammapys_interp_and_get_numbers(cube):
    # gammapy 2.1 on this cube (data = arange ** 1.5), computed in its environment:
    coords = {"lon": LON, "lat": LAT, "energy": ENERGY}
    linear = [79.89943678491665, 298.8211231646461, 723.2262159539359, 1482.034887816519]
    assert_allclose(cube.interp_by_coord(coords), [*linear, 351.3512417673335], rtol=1e-12)
    nearest = [52.38320341483518, 353.5533905932738, 512.0, 1281.8080979616254]
    assert_allclose(cube.interp_by_coord(coords, method="nearest"), [*nearest, 272.19110933313016])
    assert_allclose(cube.interp_by_coord(coords, fill_value=-1.0), [*linear, -1.0], rtol=1e-12)
    log = [65.50182882957876, 276.2362602871353, 694.3478940145546, 1548.474326079754]
    assert_allclose(
        cube.interp_by_coord(coords, values_scale="log"),
        [*log, 328.4364681829753],
        rtol=1e-12,
    )
    # lon 83.6 lies on a pixel edge: get rounds up (58.09), nearest interpolation goes down.
    get = [58.09475019311125, 353.5533905932738, 512.0, 1281.8080979616254, np.nan]
    assert_allclose(cube.get_by_coord(coords), get)


def test_interp_by_pix_matches_scipy_regular_grid_interpolator(cube):
    rng = np.random.default_rng(1)
    pix = [rng.uniform(-1.5, n + 0.5, 500) for n in (6, 5, 4)]
    grid = [np.arange(n, dtype=float) for n in (6, 5, 4)]
    for method in ("linear", "nearest"):
        oracle = RegularGridInterpolator(
            grid, cube.data.T, method=method, bounds_error=False, fill_value=None
        )
        expected = oracle(np.stack(pix, axis=-1))
        assert_allclose(cube.interp_by_pix(pix, method=method), expected, rtol=1e-12)
    # fill_value: outside the pixel footprint [-0.5, n - 0.5) of any axis
    outside = np.any(
        [(p < -0.5) | (p >= n - 0.5) for p, n in zip(pix, (6, 5, 4), strict=True)], axis=0
    )
    filled = cube.interp_by_pix(pix, fill_value=np.nan)
    assert_array_equal(np.isnan(filled), outside)


def test_interp_one_bin_axis_is_constant_and_nan_coordinates_fill():
    m = Map.create(npix=(2, 1), binsz=1)
    m.data = np.array([[1.0, 2.0]])
    # one-row axis: any y gives the row (gammapy's test_map_interp_one_bin: 1.5)
    assert_allclose(m.interp_by_pix(([0.5, 0.5], [0.0, 0.3])), [1.5, 1.5])
    assert_allclose(m.interp_by_pix(([np.nan], [0.0])), [np.nan])
    assert m.interp_by_pix(([np.nan], [0.0]), fill_value=7)[0] == 7


def test_nan_pixels_count_as_zero_in_linear_but_stay_nan_in_nearest_x71():
    m = Map.create(npix=(3, 1), binsz=1)
    m.data = np.array([[np.nan, 4.0, 8.0]])
    assert_allclose(m.interp_by_pix(([0.5], [0])), [2.0])  # gammapy: NaN read as 0
    assert np.isnan(m.interp_by_pix(([0.2], [0]), method="nearest")[0])  # gammapy gives 0


def test_boolean_maps_interpolate_to_masks_nearest_and_fractions_linear(cube_geom):
    mask = Map.from_geom(cube_geom.to_image(), dtype=bool)
    mask.data[1:3, 2:5] = True
    coords = {"lon": LON, "lat": LAT}
    nearest = mask.interp_by_coord(coords, method="nearest")
    assert nearest.dtype == bool
    # gammapy 2.1: [1., 0., 0., 0., 0.] (as floats) and the linear fractions below
    assert nearest.tolist() == [True, False, False, False, False]
    fractions = [1.0, 0.2290199983884748, 0.40278008343686755, 0.0, 0.0]
    assert_allclose(mask.interp_by_coord(coords), fractions, rtol=1e-12)
    # positions without pixel coordinates (NaN): False without fill_value
    mask.data[...] = True
    nan_position = {"lon": [np.nan, 83.6], "lat": [22.0, 22.0]}
    assert mask.interp_by_coord(nan_position, method="nearest").tolist() == [False, True]


def test_get_and_set_by_coord_agree_with_astropy_world_to_pixel(cube_geom):
    rng = np.random.default_rng(2)
    lon = rng.uniform(81.0, 86.5, 300)
    lat = rng.uniform(20.0, 24.0, 300)
    energy = 10 ** rng.uniform(-0.2, 2.2, 300) * u.TeV
    ix, iy, ie, inside = _astropy_index(cube_geom, lon, lat, energy)
    m = Map.from_geom(cube_geom, dtype=float)
    values = np.arange(300.0)
    m.set_by_coord((lon, lat, energy), values)
    expected = np.zeros(cube_geom.data_shape)
    expected[ie[inside], iy[inside], ix[inside]] = values[inside]  # same last-wins order
    assert_array_equal(m.data, expected)
    looked_up = m.get_by_coord({"skycoord": SkyCoord(lon, lat, unit="deg"), "energy": energy})
    assert_array_equal(np.isnan(looked_up), ~inside)
    assert_array_equal(looked_up[inside], expected[ie[inside], iy[inside], ix[inside]])
    # a MapCoord in another frame gives the same pixels
    galactic = MapCoord.create((SkyCoord(lon, lat, unit="deg"), energy)).to_frame("galactic")
    assert_array_equal(m.get_by_coord(galactic), looked_up)


def test_fill_by_coord_is_numpy_add_at(cube_geom):
    rng = np.random.default_rng(3)
    lon = rng.uniform(82.0, 85.0, 2000)
    lat = rng.uniform(21.0, 23.0, 2000)
    energy = 10 ** rng.uniform(0, 2, 2000) * u.TeV
    weights = rng.uniform(0, 1.5, 2000)
    ix, iy, ie, inside = _astropy_index(cube_geom, lon, lat, energy)
    expected = np.zeros(cube_geom.data_shape)
    np.add.at(expected, (ie[inside], iy[inside], ix[inside]), weights[inside])
    m = Map.from_geom(cube_geom, dtype=float)
    m.fill_by_coord((lon, lat, energy), weights=weights)
    assert_allclose(m.data, expected, rtol=1e-12)
    # integer map: the summed weights of a pixel, truncated once (as gammapy)
    counts = Map.from_geom(cube_geom, dtype=int)
    counts.fill_by_coord((lon, lat, energy), weights=weights)
    assert_array_equal(counts.data, expected.astype(int))
    hits = Map.from_geom(cube_geom, dtype=int)
    hits.fill_by_coord({"lon": lon, "lat": lat, "energy": energy})
    counted = np.zeros(cube_geom.data_shape, dtype=int)
    np.add.at(counted, (ie[inside], iy[inside], ix[inside]), 1)
    assert_array_equal(hits.data, counted)


def test_fill_on_a_mask_sets_true_where_the_weight_sum_is_nonzero():
    mask = Map.create(npix=(4, 1), binsz=1, dtype=bool)
    mask.data[0, 3] = True
    mask.fill_by_idx(([0, 1, 1, 2], [0, 0, 0, 0]), weights=[1.0, 2.0, -2.0, 0.0])
    assert mask.data.dtype == bool
    assert mask.data.tolist() == [[True, False, False, True]]
    mask.fill_by_pix(([1.2], [0.0]))
    assert mask.data.tolist() == [[True, True, False, True]]
    with pytest.raises(ValueError, match="finite"):
        mask.fill_by_idx(([0], [0]), weights=[np.nan])


def test_set_skips_outside_positions_and_masks_take_booleans_only_x70():
    m = Map.create(npix=(3, 2), binsz=1)
    # index -1 (outside) and 7 (beyond the map): gammapy writes -1 into the last pixel
    m.set_by_idx(([-1, 7, 1], [0, 0, 1]), [5.0, 6.0, 7.0])
    assert m.data.tolist() == [[0, 0, 0], [0, 7, 0]]
    mask = Map.create(npix=(3, 1), binsz=1, dtype=bool)
    mask.set_by_pix(([0.2, 2.0], [0.0, 0.0]), [1, True])
    assert mask.data.dtype == bool and mask.data.tolist() == [[True, False, True]]
    for bad in (0.5, np.nan, 2):
        with pytest.raises(ValueError, match="boolean map"):
            mask.set_by_idx(([1], [0]), bad)
    assert mask.data.tolist() == [[True, False, True]]


def test_quantities_are_converted_to_the_map_unit():
    # gammapy 2.1 stores 250 here (the number, whatever its unit; X70)
    m = Map.create(npix=(2, 1), binsz=1, unit="m")
    m.set_by_idx(([0], [0]), 250 * u.cm)
    m.fill_by_idx(([1], [0]), weights=[10.0] * u.cm)
    assert_allclose(m.data, [[2.5, 0.1]])
    with pytest.raises(u.UnitConversionError, match="map's unit 'm'"):
        m.fill_by_idx(([1], [0]), weights=[1.0] * u.s)
    with pytest.raises(u.UnitConversionError, match="map's unit 'm'"):
        m.set_by_idx(([1], [0]), 3 * u.s)


def test_get_by_idx_and_pix_fill_values_and_shapes():
    m = Map.create(npix=(3, 2), binsz=1, dtype=int)
    m.data[:] = [[1, 2, 3], [4, 5, 6]]
    assert m.get_by_idx(([2, 5], [1, 0])).tolist() == [6, 0]  # X37: 0 for integer maps
    filled = m.get_by_idx(([2, 5], [1, 0]), fill_value=np.nan)
    assert filled.dtype == float and np.isnan(filled[1])
    # pixel coordinates: pixel i spans [i - 0.5, i + 0.5)
    assert m.get_by_pix(([0.49, 0.5, 2.49, 2.5], [0, 0, 0, 0])).tolist() == [1, 2, 3, 0]
    assert m.get_by_pix((1.0, 1.0)).shape == (1,)
    with pytest.raises(ValueError, match="needs 2 arrays"):
        m.get_by_idx(([0],))


def test_image_planes_by_idx_pix_and_coord(cube):
    for idx in range(4):
        assert_array_equal(cube.get_image_by_idx((idx,)).data, cube.data[idx])
    assert_array_equal(cube.get_image_by_pix((1.4,)).data, cube.data[1])
    # 30 TeV lies in bin 2 (edges 1, 3.16, 10, 31.6, 100 TeV); strings and numbers work too
    assert_array_equal(cube.get_image_by_coord({"energy": "30 TeV"}).data, cube.data[2])
    assert_array_equal(cube.get_image_by_coord((30,)).data, cube.data[2])
    # beyond the axis: the last bin, as gammapy (clipped)
    assert_array_equal(cube.get_image_by_coord((500 * u.TeV,)).data, cube.data[3])
    with pytest.raises(IndexError, match="outside axis 0"):
        cube.get_image_by_pix((4.6,))


def test_slice_by_idx_with_an_axis_the_map_lacks_is_an_error_x72(cube):
    # gammapy 2.1 ignores names the map does not have: a typo returns the whole map
    with pytest.raises(KeyError, match="no axis named 'enrgy'"):
        cube.slice_by_idx({"enrgy": 0})
    sliced = cube.slice_by_idx({"energy": slice(0, 1)})
    assert sliced.data.shape == (1, 5, 6) and np.shares_memory(sliced.data, cube.data)


def test_chunked_maps_look_up_lazily_and_refuse_in_place_writes(cube):
    da = pytest.importorskip("dask.array")
    chunked = Map.from_geom(cube.geom, data=da.from_array(cube.data, chunks=(2, 3, 3)))
    coords = {"lon": LON, "lat": LAT, "energy": ENERGY}
    assert_array_equal(chunked.get_by_coord(coords), cube.get_by_coord(coords))
    assert_array_equal(chunked.get_by_idx(([0, 9], [0, 0], [3, 0])), [cube.data[3, 0, 0], np.nan])
    for call in (
        lambda: chunked.set_by_idx(([0], [0], [0]), 1.0),
        lambda: chunked.fill_by_coord(coords),
        lambda: chunked.interp_by_coord(coords),
    ):
        with pytest.raises(TypeError, match=r"m = m\.compute\(\) first"):
            call()
    assert_allclose(chunked.compute().interp_by_coord(coords), cube.interp_by_coord(coords))
