import json
import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import Map, MapAxis, WcsGeom

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)


@pytest.fixture
def tutorial_geom():
    return WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")


def test_tutorial_geometry_matches_gammapy(tutorial_geom, reference):
    info = json.loads((reference / "ref_info.json").read_text())["tutorial_geom"]
    assert tutorial_geom.data_shape == tuple(info["data_shape"])
    assert_allclose(tutorial_geom.wcs.wcs.crpix, info["crpix"], rtol=0, atol=1e-12)
    assert_allclose(tutorial_geom.wcs.wcs.crval, info["crval"], rtol=0, atol=1e-12)
    assert_allclose(tutorial_geom.wcs.wcs.cdelt, info["cdelt"], rtol=0, atol=1e-15)
    assert list(tutorial_geom.wcs.wcs.ctype) == info["ctype"]
    coords = tutorial_geom.get_coord()
    assert_allclose(
        coords["lon"].to_value("deg"),
        np.load(reference / "geom5deg_lon_deg.npy"),
        rtol=0,
        atol=1e-9,
    )
    assert_allclose(
        coords["lat"].to_value("deg"),
        np.load(reference / "geom5deg_lat_deg.npy"),
        rtol=0,
        atol=1e-9,
    )


def test_dataset_geometry_matches_gammapy(crab_dataset_file, reference):
    geom = Map.read(crab_dataset_file, hdu="COUNTS").geom
    info = json.loads((reference / "ref_info.json").read_text())["mask_safe"]["geom"]
    assert_allclose(geom.wcs.wcs.crpix, info["crpix"], rtol=0, atol=1e-12)
    assert_allclose(geom.wcs.wcs.crval, info["crval"], rtol=0, atol=1e-12)
    assert geom.data_shape == tuple(info["data_shape"])
    axis = geom.axes["energy"]
    assert_allclose(axis.edges.to_value("TeV"), info["axes"][0]["edges"], rtol=1e-15)
    assert_allclose(axis.center.to_value("TeV"), info["axes"][0]["center"], rtol=1e-14)
    coords = geom.to_image().get_coord()
    assert_allclose(
        coords["lon"].value, np.load(reference / "dataset_geom_lon_deg.npy"), rtol=0, atol=1e-9
    )
    assert_allclose(
        coords["lat"].value, np.load(reference / "dataset_geom_lat_deg.npy"), rtol=0, atol=1e-9
    )


def test_oblique_car_is_not_linear(tutorial_geom):
    # Tutorial pixel (0, 0): the true (l, b) differs from a linear CRVAL + CDELT * offset.
    lon, lat = tutorial_geom.pix_to_coord((0, 0))
    assert_allclose([lon.value, lat.value], [187.07125, -8.26885], atol=1e-5)


@pytest.mark.parametrize(
    ("width", "binsz", "npix"),
    [(5, 2, 2), (7, 2, 4), (0.3, 0.1, 3), ((5, 3), 0.5, (10, 6))],
)
def test_create_npix_rounds_half_to_even(width, binsz, npix):
    geom = WcsGeom.create(width=width, binsz=binsz)
    assert geom.npix == tuple(np.broadcast_to(npix, 2))


def test_create_conventions():
    geom = WcsGeom.create(npix=(4, 3), binsz=0.1, frame="galactic", skydir=(10, 20), proj="TAN")
    assert_allclose(geom.wcs.wcs.crpix, [2.5, 2.0])
    assert_allclose(geom.wcs.wcs.cdelt, [-0.1, 0.1])
    assert_allclose(geom.wcs.wcs.crval, [10, 20])
    assert list(geom.wcs.wcs.ctype) == ["GLON-TAN", "GLAT-TAN"]
    assert geom.frame == "galactic"
    assert geom.projection == "TAN"
    icrs = WcsGeom.create(npix=3, binsz="0.5 deg", skydir=CRAB)
    assert list(icrs.wcs.wcs.ctype) == ["RA---CAR", "DEC--CAR"]
    assert icrs.wcs.wcs.radesys == "ICRS"
    # A SkyCoord is converted to the requested frame.
    gal = WcsGeom.create(npix=3, skydir=CRAB, frame="galactic")
    assert_allclose(gal.wcs.wcs.crval, [184.55745771238233, -5.784356964188546], atol=1e-9)
    assert gal.center_skydir.frame.name == "galactic"


def test_create_allsky_default():
    geom = WcsGeom.create(binsz=1.0)
    assert geom.npix == (360, 180)
    assert geom.is_allsky
    assert_allclose(geom.width.deg, [360, 180])


def test_create_validates():
    with pytest.raises(ValueError, match="binsz must be positive"):
        WcsGeom.create(npix=3, binsz=0)
    with pytest.raises(ValueError, match="frame"):
        WcsGeom.create(npix=3, frame="ecliptic")
    with pytest.raises(u.UnitConversionError, match="binsz"):
        WcsGeom.create(npix=3, binsz="1 TeV")
    with pytest.raises(ValueError, match="at least one pixel"):
        WcsGeom.create(width=0.01, binsz=0.1)


def test_binsz_list_is_refused_instead_of_silently_non_square(energy_axis):
    # gammapy 2.1 reads a list as one pixel size per energy plane (an irregular geometry);
    # skymask used to make 0.1 x 0.2 deg pixels out of it without a word.
    for binsz in ([0.1, 0.2], np.array([0.1, 0.2]), [0.1, 0.2] * u.deg, ["0.1 deg", "0.2 deg"]):
        for axes in (None, [energy_axis]):
            with pytest.raises(
                ValueError, match=r"one binsz per image plane in gammapy.*\(lon, lat\) tuple"
            ):
                WcsGeom.create(npix=10, binsz=binsz, axes=axes)
    # A tuple is (lon, lat), with or without axes: gammapy 2.1 gives CDELT (-0.1, 0.2) too.
    for axes in (None, [energy_axis]):
        geom = WcsGeom.create(npix=10, binsz=(0.1, "0.2 deg"), axes=axes)
        assert_allclose(geom.wcs.wcs.cdelt, [-0.1, 0.2])
    # A one-element list is one size (gammapy: a regular geometry).
    assert_allclose(WcsGeom.create(npix=10, binsz=[0.1]).wcs.wcs.cdelt, [-0.1, 0.1])
    # width pairs may be lists or arrays, as in gammapy (npix (20, 40)).
    for width in ([2, 4], (2, 4), np.array([2, 4]), [2, 4] * u.deg):
        assert WcsGeom.create(width=width, binsz=0.1).npix == (20, 40)


def test_per_plane_npix_is_a_clear_error_not_a_numpy_broadcast_error(energy_axis):
    for npix in ((np.array([10, 20]), np.array([10, 20])), np.array([10, 20]), [10, 20]):
        with pytest.raises(ValueError, match=r"one npix per image plane.*\(nx, ny\) tuple"):
            WcsGeom.create(npix=npix, binsz=0.1, axes=[energy_axis])
    assert WcsGeom.create(npix=(10, 20), binsz=0.1, axes=[energy_axis]).npix == (10, 20)
    assert WcsGeom.create(npix=np.int64(7), binsz=0.1).npix == (7, 7)
    assert WcsGeom.create(npix=[7], binsz=0.1).npix == (7, 7)
    with pytest.raises(ValueError, match="whole numbers"):
        WcsGeom.create(npix=(10.5, 3), binsz=0.1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"skydir": (np.nan, 0)}, r"skydir must be a finite position.*\[nan, 0.0\]"),
        ({"skydir": (0, np.inf)}, "skydir must be a finite position"),
        ({"skydir": ("nan deg", 0)}, "skydir must be a finite position"),
        ({"skydir": (0, 91)}, "latitude must be within"),
        ({"refpix": (np.nan, 1)}, "refpix must be finite"),
        ({"refpix": (1, np.inf)}, "refpix must be finite"),
        ({"refpix": (1, 2, 3)}, "refpix must be an"),
    ],
)
def test_non_finite_skydir_or_refpix_is_refused_not_a_nan_geometry(kwargs, match):
    # gammapy 2.1 builds a geometry centred on NaN (every coordinate NaN, every mask empty).
    with pytest.raises(ValueError, match=match):
        WcsGeom.create(npix=5, **kwargs)


def test_non_finite_skycoord_skydir_is_refused():
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # astropy wraps the infinite angle
        position = SkyCoord(np.inf, 0, unit="deg")
    with pytest.raises(ValueError, match="skydir must be a finite position"):
        WcsGeom.create(npix=5, skydir=position)
    with pytest.raises(ValueError, match="skydir must be one position"):
        WcsGeom.create(npix=5, skydir=SkyCoord([1, 2], [0, 0], unit="deg"))


def test_shapes_and_axes(energy_axis):
    geom = WcsGeom.create(npix=(4, 3), axes=[energy_axis])
    assert geom.data_shape == (5, 3, 4)
    assert geom.axes_names == ["lon", "lat", "energy"]
    assert geom.to_image().data_shape == (3, 4)
    rad = MapAxis.from_nodes([0, 1], name="rad")
    cube = geom.to_cube([rad])
    assert cube.data_shape == (2, 5, 3, 4)
    assert geom.drop("energy") == geom.to_image()
    assert geom.squash("energy").data_shape == (1, 3, 4)


def test_get_coord_shapes(energy_axis):
    geom = WcsGeom.create(npix=(4, 3), axes=[energy_axis])
    coords = geom.get_coord()
    for key in ("lon", "lat", "energy"):
        assert coords[key].shape == (5, 3, 4)
    assert_allclose(coords["energy"][:, 0, 0], energy_axis.center)
    sparse = geom.get_coord(sparse=True)
    assert sparse["lon"].shape == (1, 3, 4)
    assert sparse["energy"].shape == (5, 1, 1)
    assert coords.skycoord.shape == (5, 3, 4)


def test_get_coord_frame_conversion_matches_astropy(tutorial_geom):
    icrs = tutorial_geom.get_coord(frame="icrs")
    galactic = tutorial_geom.get_coord()
    expected = SkyCoord(galactic["lon"], galactic["lat"], frame="galactic").icrs
    assert_allclose(icrs["lon"].value, expected.ra.deg, atol=1e-10)
    assert_allclose(icrs["lat"].value, expected.dec.deg, atol=1e-10)
    assert icrs.frame == "icrs"


def test_get_coord_edges_are_pixel_corners():
    geom = WcsGeom.create(npix=(4, 3), binsz=1.0)
    edges = geom.get_coord(mode="edges")
    assert edges["lon"].shape == (4, 5)
    assert_allclose(edges["lat"][:, 0].value, [-1.5, -0.5, 0.5, 1.5])


def test_coord_pix_roundtrip(tutorial_geom):
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-0.5, 249.5, (2, 100))
    lon, lat = tutorial_geom.pix_to_coord((x, y))
    x2, y2 = tutorial_geom.coord_to_pix((lon, lat))
    assert_allclose(x2, x, atol=1e-8)
    assert_allclose(y2, y, atol=1e-8)


def test_contains_pixel_boundaries():
    geom = WcsGeom.create(npix=(4, 3), binsz=1.0)
    lon, lat = geom.pix_to_coord(([-0.5, 3.49, 3.5, -0.51, 0], [0, 0, 0, 0, 2.5]))
    assert_array_equal(geom.contains((lon, lat)), [True, True, False, False, False])


def test_contains_skycoord_on_cube_uses_the_sky_footprint(energy_axis):
    geom = WcsGeom.create(
        npix=(10, 10), binsz=0.1, skydir=CRAB, frame="galactic", axes=[energy_axis]
    )
    positions = SkyCoord([83.63, 90.0], [22.01, 22.0], unit="deg")
    assert_array_equal(geom.contains(positions), [True, False])
    inside = geom.contains({"skycoord": positions, "energy": [50, 5000] * u.GeV})
    assert_array_equal(inside, [True, False])
    with pytest.raises(ValueError, match="axes \\['energy'\\] are missing"):
        geom.coord_to_pix(positions)


def test_coord_to_idx_with_axes(energy_axis):
    geom = WcsGeom.create(npix=(4, 3), binsz=1.0, axes=[energy_axis])
    idx = geom.coord_to_idx((0 * u.deg, 0 * u.deg, [5, 20, 100, 3000] * u.GeV))
    assert_array_equal(idx[2], [-1, 0, 2, -1])
    assert_array_equal(idx[0], [2, 2, 2, 2])


def test_scalar_coordinates_give_shape_one_arrays_not_zero_d():
    # gammapy 2.1: coord_to_pix((0, 0)) -> (array([2.]), array([2.])) on this grid; with a
    # 2-bin 1-10 TeV axis, (0, 0, 1 TeV) -> (..., array([-0.5])) and 2 TeV -> index 0.
    axis = MapAxis.from_energy_bounds(1, 10, 2, unit="TeV")
    image = WcsGeom.create(npix=5, binsz=1)
    cube = WcsGeom.create(npix=5, binsz=1, axes=[axis])
    for result, expected in [
        (image.coord_to_pix((0, 0)), [2.0, 2.0]),
        (image.coord_to_pix(SkyCoord(0, 0, unit="deg")), [2.0, 2.0]),
        (image.coord_to_pix({"lon": 0 * u.deg, "lat": "0d"}), [2.0, 2.0]),
        (image.coord_to_idx((0, 0)), [2, 2]),
        (image.pix_to_idx((2.2, 1.9)), [2, 2]),
        (cube.coord_to_pix((0, 0, 1 * u.TeV)), [2.0, 2.0, -0.5]),
        (cube.coord_to_idx((0, 0, 2 * u.TeV)), [2, 2, 0]),
    ]:
        assert [r.shape for r in result] == [(1,)] * len(expected)
        assert_allclose([r[0] for r in result], expected)
    assert image.contains((0, 0)).shape == (1,)
    assert axis.coord_to_idx(2 * u.TeV).shape == (1,)
    assert axis.coord_to_pix(2 * u.TeV).shape == (1,)
    # Arrays keep their shape; scalars broadcast against them.
    assert [p.shape for p in image.coord_to_pix((np.zeros((2, 3)), 0))] == [(2, 3)] * 2
    assert [p.shape for p in cube.coord_to_idx((0, 0, [1, 2, 3] * u.TeV))] == [(3,)] * 3


def test_solid_angle_matches_analytic_lonlat_box():
    # On a CAR grid centred on the equator pixel edges follow meridians and parallels:
    # area = dlon * (sin b2 - sin b1), exactly (parallels are not great circles, so the
    # quadrilateral of the corners is not enough near the poles).
    geom = WcsGeom.create(npix=(20, 20), binsz=0.5, skydir=(0, 30), proj="CAR")
    assert geom.solid_angle().shape == (20, 20)
    flat = WcsGeom.create(npix=(3, 359), binsz=0.5, proj="CAR")
    area = flat.solid_angle().to_value("sr")
    edges = np.radians(np.arange(360) * 0.5 - 89.75)
    expected = np.radians(0.5) * np.diff(np.sin(edges))
    assert_allclose(area, np.repeat(expected[:, None], 3, axis=1), rtol=1e-9)
    allsky = WcsGeom.create(binsz=2.0).solid_angle().value
    lat_edges = np.radians(np.arange(91) * 2 - 90.0)
    row_area = np.radians(2.0) * np.diff(np.sin(lat_edges))
    # Below 1e-8 everywhere (the curved sides near the poles are the hardest), ~1e-10 typically.
    relative = np.abs(allsky / row_area[:, None] - 1)
    assert relative.max() < 1e-8 and np.median(relative) < 1e-10
    assert_allclose(allsky.sum(), 4 * np.pi, rtol=1e-10)


@pytest.mark.parametrize(
    ("proj", "binsz", "rtol"),
    [("AIT", 20, 1e-9), ("AIT", 5, 1e-9), ("MOL", 10, 1e-9), ("AIT", 1, 1e-7)],
)
def test_solid_angle_is_exact_on_equal_area_projections_not_two_percent_off(proj, binsz, rtol):
    # AIT and MOL are equal-area: every pixel inside the projection covers binsz^2 of sky.
    # The quadrilateral of the corners gave 406.9 deg2 for 20 deg AIT pixels (gammapy 2.1's
    # planar triangles: 219 to 470 deg2).
    geom = WcsGeom.create(binsz=binsz, proj=proj, frame="galactic")
    area = geom.solid_angle().to_value("deg2")
    inside = np.isfinite(area)
    assert inside.sum() > 0.5 * area.size
    assert_allclose(area[inside], binsz**2, rtol=rtol)
    if binsz == 1:
        # Away from the rim of the projection the footprints converge to ~1e-10.
        assert np.median(np.abs(area[inside] / binsz**2 - 1)) < 1e-10
    cea = WcsGeom.create(npix=(36, 10), binsz=10, proj="CEA", skydir=(180, 0))
    assert_allclose(cea.solid_angle().to_value("deg2"), 100.0, rtol=1e-9)


def test_solid_angle_has_the_image_shape_for_cubes(energy_axis):
    geom = WcsGeom.create(npix=(4, 3), binsz=0.5, axes=[energy_axis])
    # gammapy 2.1 gives (1, 3, 4) for a cube; skymask the image shape (bin_volume is full).
    assert geom.solid_angle().shape == (3, 4)
    assert geom.bin_volume().shape == (5, 3, 4)
    assert_allclose(
        geom.bin_volume()[:, 1, 2], geom.solid_angle()[1, 2] * energy_axis.bin_width, rtol=1e-12
    )


def test_solid_angle_nan_outside_ait():
    geom = WcsGeom.create(binsz=1.0, proj="AIT")
    area = geom.solid_angle().value
    assert np.isnan(area[0, 0])
    # Pixels cut by the edge of the projection are NaN, so the sum falls a little short.
    assert 0.97 * 4 * np.pi < np.nansum(area) < 4 * np.pi
    coords = geom.get_coord()
    assert np.isnan(coords["lon"][0, 0])


def test_separation_matches_astropy(tutorial_geom):
    sep = tutorial_geom.separation(CRAB)
    coords = tutorial_geom.get_coord().skycoord
    assert_allclose(sep.deg, coords.separation(CRAB).deg, atol=1e-10)
    with pytest.raises(TypeError, match="SkyCoord"):
        tutorial_geom.separation((1, 2))


def test_cutout_sizes_and_position():
    geom = WcsGeom.create(npix=(100, 80), binsz=0.1, frame="galactic")
    position = SkyCoord(1.05, -0.55, unit="deg", frame="galactic")  # a pixel centre
    cut = geom.cutout(position, 1.05 * u.deg)
    assert cut.npix == (10, 10)
    odd = geom.cutout(position, 1.05 * u.deg, odd_npix=True)
    assert odd.npix == (11, 11)
    assert odd.center_skydir.separation(position).deg < 1e-6
    # Trimmed at the map edge: an 11x11 cutout on the corner pixel keeps 6x6.
    corner = geom.cutout(SkyCoord(4.95, 3.95, unit="deg", frame="galactic"), 1.1)
    assert corner.npix == (6, 6)


def test_header_roundtrip(energy_axis):
    geom = WcsGeom.create(
        npix=(7, 5), binsz=0.3, frame="galactic", proj="TAN", skydir=(10, 45), axes=[energy_axis]
    )
    header = geom.to_header()
    assert header["WCSSHAPE"] == "(7,5,5)"
    assert header["AXCOLS1"] == "E_MIN,E_MAX"
    assert header["INTERP1"] == "log"
    back = WcsGeom.from_header(header, axes=[energy_axis])
    assert back == geom
    image = WcsGeom.from_header(fits.Header(header))
    assert image.npix == (7, 5)


def test_equality():
    a = WcsGeom.create(npix=(4, 3), binsz=0.1, skydir=(10, 10))
    assert a == WcsGeom.create(npix=(4, 3), binsz=0.1, skydir=(10, 10 + 1e-9))
    assert a != WcsGeom.create(npix=(4, 3), binsz=0.1, skydir=(10, 10.001))
    assert a != WcsGeom.create(npix=(4, 4), binsz=0.1, skydir=(10, 10))
    assert a != WcsGeom.create(npix=(4, 3), binsz=0.1, skydir=(10, 10), frame="galactic")


def test_pixel_scales_width_and_repr(tutorial_geom):
    assert_allclose(tutorial_geom.pixel_scales.deg, [0.02, 0.02])
    assert_allclose(tutorial_geom.width.deg, [5, 5])
    text = repr(tutorial_geom)
    assert "galactic" in text and "250" in text and "0.02 deg" in text


def test_cutout_slices_partial_mode_fill_the_overlap():
    geom = WcsGeom.create(npix=(50, 40), binsz=0.1, frame="galactic")
    data = np.arange(2000.0).reshape(40, 50)
    corner = SkyCoord(2.4, 1.9, unit="deg", frame="galactic")  # near the top-left corner
    cut = geom.cutout(corner, "2 deg", mode="partial")
    slices = cut.cutout_slices(geom, mode="partial")
    original, in_cut = slices["parent-slices"], slices["cutout-slices"]
    assert cut.npix == (20, 20)
    values = np.full(cut.data_shape, np.nan)
    values[in_cut] = data[original]
    # Every filled cutout pixel has the value of the map pixel at the same sky position.
    filled = np.isfinite(values)
    assert 0 < filled.sum() < values.size
    lon, lat = cut.pix_to_coord(np.nonzero(filled)[::-1])
    ix, iy = geom.coord_to_idx((lon, lat))
    assert_array_equal(values[filled], data[iy, ix])


@pytest.mark.parametrize(
    ("radesys", "equinox", "frame"),
    [("FK4", 1950.0, "fk4"), ("FK5", 1950.0, "fk5"), ("", 1950.0, "fk4"), ("", 2000.0, "fk5")],
)
def test_fk4_and_fk5_maps_at_any_equinox(radesys, equinox, frame):
    from astropy.coordinates import FK4, FK5
    from astropy.time import Time
    from astropy.wcs import WCS

    crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
    # The map's own equinox, from the header.
    own = (FK4 if frame == "fk4" else FK5)(
        equinox=Time(equinox, format="byear" if frame == "fk4" else "jyear")
    )
    centre = crab.transform_to(own)
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.cdelt = [-0.1, 0.1]
    wcs.wcs.crpix = [51, 51]
    wcs.wcs.crval = [centre.ra.deg, centre.dec.deg]
    wcs.wcs.radesys = radesys
    wcs.wcs.equinox = equinox
    geom = WcsGeom(wcs, (101, 101))
    assert geom.frame == frame
    assert geom.sky_frame.is_equivalent_frame(own)
    # The Crab, given in ICRS, lands on the reference pixel (index 50, 50).
    idx = geom.coord_to_idx(crab)
    assert (int(idx[0][0]), int(idx[1][0])) == (50, 50)
    assert geom.center_skydir.transform_to("icrs").separation(crab).deg < 1e-6


def test_fk5_coordinates_at_another_equinox_are_precessed():
    from astropy.coordinates import FK5

    geom = WcsGeom.create(npix=100, binsz=0.05, skydir=(83.63, 22.01), frame="fk5")
    j2000 = SkyCoord(83.633, 22.0145, unit="deg", frame="icrs").transform_to(FK5(equinox="J2000"))
    j1950 = j2000.transform_to(FK5(equinox="J1950"))
    assert j2000.separation(j1950).deg < 1e-9  # the same position, 0.7 deg apart in numbers
    assert_allclose(geom.coord_to_pix(j1950), geom.coord_to_pix(j2000), atol=1e-6)


def test_as_energy_true_and_has_energy_axis_as_gammapy():
    # gammapy 2.1: as_energy_true renames 'energy' (a KeyError without one: here a
    # ValueError naming the axes); has_energy_axis is True for exactly one energy axis.
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=3, axes=[energy])
    true = geom.as_energy_true
    assert true.axes.names == ["energy_true"] and true.data_shape == geom.data_shape
    np.testing.assert_allclose(true.axes["energy_true"].edges, energy.edges)
    assert geom.has_energy_axis and true.has_energy_axis
    assert not WcsGeom.create(npix=3).has_energy_axis
    both = WcsGeom.create(npix=3, axes=[energy, energy.copy(name="energy_true")])
    assert not both.has_energy_axis
    with pytest.raises(ValueError, match="energy"):
        _ = true.as_energy_true
