"""region_mask: every input kind, ds9 include/exclude, and brute-force oracles on the sphere."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from regions import (
    CircleAnnulusSkyRegion,
    CirclePixelRegion,
    CircleSkyRegion,
    PixCoord,
    PointPixelRegion,
    PointSkyRegion,
    PolygonSkyRegion,
    RectangleSkyRegion,
    Regions,
)

from skymask.maps import WcsGeom
from skymask.rasterize._shapes import local_jacobian

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")


def brute_force_circle(geom, center, radius):
    """Angular separation of every pixel centre (astropy, Vincenty) below the radius."""
    coords = geom.to_image().get_coord()
    sep = SkyCoord(coords["lon"], coords["lat"], frame=geom.frame).separation(center)
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(sep.deg, nan=np.inf) < radius.to_value("deg")


@pytest.fixture
def small_geom():
    return WcsGeom.create(npix=(40, 30), binsz=0.05, skydir=CRAB, frame="galactic")


# ---------------------------------------------------------------------- input kinds
def _circle_inputs(tmp_path):
    text = "icrs;circle(83.633083, 22.0145, 0.3)"
    path = tmp_path / "one.reg"
    path.write_text("# Region file format: DS9\n" + text.replace(";", "\n") + "\n")
    region = CircleSkyRegion(CRAB, 0.3 * u.deg)
    return {
        "ds9 string": text,
        "ds9 file (str)": str(path),
        "ds9 file (Path)": path,
        "Regions": Regions([region]),
        "list": [region],
        "tuple": (region,),
        "single region": region,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "ds9 string",
        "ds9 file (str)",
        "ds9 file (Path)",
        "Regions",
        "list",
        "tuple",
        "single region",
    ],
)
def test_every_input_kind_gives_the_same_circle(small_geom, tmp_path, kind):
    regions = _circle_inputs(tmp_path)[kind]
    mask = small_geom.region_mask(regions)
    assert_array_equal(mask.data, brute_force_circle(small_geom, CRAB, 0.3 * u.deg))
    assert mask.data.sum() > 100


def test_pixel_regions(small_geom):
    circle = CirclePixelRegion(PixCoord(10, 12), radius=4.2)
    mask = small_geom.region_mask([circle])
    y, x = np.indices(small_geom.data_shape)
    assert_array_equal(mask.data, np.hypot(x - 10, y - 12) < 4.2)
    point = small_geom.region_mask(PointPixelRegion(PixCoord(3.4, 7.6)))
    assert np.flatnonzero(point.data.ravel()).tolist() == [8 * 40 + 3]


def test_skycoord_points_mark_the_containing_pixel_d9(small_geom):
    # A point between pixel centres marks the one pixel that contains it (gammapy: up to 4).
    x = np.array([5.3, 10.5, 20.0])
    y = np.array([6.7, 3.2, 29.49])
    lon, lat = small_geom.pix_to_coord((x, y))
    positions = SkyCoord(lon, lat, frame="galactic").icrs  # another frame on purpose
    mask = small_geom.region_mask(positions)
    expected = np.zeros(small_geom.data_shape, dtype=bool)
    expected[[7, 3, 29], [5, 11, 20]] = True
    assert_array_equal(mask.data, expected)
    # A point outside the map marks nothing; a single SkyCoord works too.
    outside = SkyCoord(0, 0, unit="deg", frame="galactic")
    assert not small_geom.region_mask(outside).data.any()
    assert small_geom.region_mask(PointSkyRegion(positions[0])).data.sum() == 1


def test_empty_list(small_geom):
    assert not small_geom.region_mask([]).data.any()
    assert small_geom.region_mask([], inside=False).data.all()


def test_inside_false_is_the_complement(small_geom):
    inside = small_geom.region_mask("icrs;circle(83.633083, 22.0145, 0.3)")
    outside = small_geom.region_mask("icrs;circle(83.633083, 22.0145, 0.3)", inside=False)
    assert_array_equal(outside.data, ~inside.data)
    with pytest.raises(TypeError, match="inside must be True or False"):
        small_geom.region_mask([], inside="no")


# ---------------------------------------------------------------------- ds9 include/exclude
def test_ds9_exclude_sign_is_honoured_d7(small_geom):
    big = brute_force_circle(small_geom, CRAB, 0.6 * u.deg)
    small = brute_force_circle(small_geom, CRAB, 0.2 * u.deg)
    ring = small_geom.region_mask(
        "icrs;circle(83.633083, 22.0145, 0.6);-circle(83.633083, 22.0145, 0.2)"
    )
    assert_array_equal(ring.data, big & ~small)
    # Only exclude regions: the include region is the whole map (ds9/funtools convention).
    only_exclude = small_geom.region_mask("icrs;-circle(83.633083, 22.0145, 0.2)")
    assert_array_equal(only_exclude.data, ~small)


def test_malformed_ds9_is_a_clear_error(small_geom):
    for text in ["galactic;circl(1,2,3)", "circle(1,2", "galactic;circle(1,2,x)"]:
        with pytest.raises(ValueError, match="cannot parse the ds9 region string"):
            small_geom.region_mask(text)
    with pytest.raises(FileNotFoundError, match="no such ds9 region file"):
        small_geom.region_mask("missing.reg")
    with pytest.raises(TypeError, match="ds9 string"):
        small_geom.region_mask(42)
    with pytest.raises(TypeError, match="every region must be a sky"):
        small_geom.region_mask([CRAB])


# ---------------------------------------------------------------------- circles on the sphere
@st.composite
def geometry_and_circle(draw):
    kind = draw(
        st.sampled_from(["small", "allsky-car", "allsky-ait", "high-lat-tan", "high-lat-car"])
    )
    frame = draw(st.sampled_from(["icrs", "galactic"]))
    if kind == "small":
        lat0 = draw(st.floats(-85, 85))
        geom = WcsGeom.create(
            npix=(draw(st.integers(5, 60)), draw(st.integers(5, 60))),
            binsz=draw(st.floats(0.02, 0.5)),
            skydir=(draw(st.floats(0, 360)), lat0),
            frame=frame,
            proj=draw(st.sampled_from(["CAR", "TAN", "AIT"])),
        )
    elif kind.startswith("allsky"):
        geom = WcsGeom.create(binsz=4.0, frame=frame, proj=kind[-3:].upper())
    else:
        geom = WcsGeom.create(
            npix=(60, 60),
            binsz=0.5,
            skydir=(draw(st.floats(0, 360)), draw(st.sampled_from([80.0, 85.0, -85.0]))),
            frame=frame,
            proj=kind[-3:].upper(),
        )
    # Circle centres anywhere near (or inside) the map, radii from sub-pixel to large.
    x = draw(st.floats(-5, geom.npix[0] + 5))
    y = draw(st.floats(-5, geom.npix[1] + 5))
    lon, lat = geom.pix_to_coord((x, y))
    if not (np.isfinite(lon.value) and np.isfinite(lat.value)):
        lon, lat = geom.center_skydir.data.lon, geom.center_skydir.data.lat
    center = SkyCoord(lon, lat, frame=geom.frame)
    if draw(st.booleans()):
        center = center.transform_to("icrs" if geom.frame == "galactic" else "galactic")
    scale = geom.pixel_scales.deg[0]
    radius = draw(st.floats(0.3 * scale, 40 * scale)) * u.deg
    return geom, center, radius


@settings(max_examples=80, deadline=None)
@given(case=geometry_and_circle())
def test_circle_equals_brute_force_separation(case):
    geom, center, radius = case
    mask = geom.region_mask(CircleSkyRegion(center, radius))
    assert_array_equal(mask.data, brute_force_circle(geom, center, radius))


def test_circle_around_the_pole():
    geom = WcsGeom.create(npix=(90, 30), binsz=1.0, skydir=(180, 75), frame="icrs")
    center = SkyCoord(30, 88, unit="deg")
    mask = geom.region_mask(CircleSkyRegion(center, 10 * u.deg))
    assert_array_equal(mask.data, brute_force_circle(geom, center, 10 * u.deg))
    assert mask.data.sum() > 100


def test_circle_across_the_allsky_seam():
    geom = WcsGeom.create(binsz=1.0, proj="CAR", frame="galactic")
    center = SkyCoord(180.5, 10, unit="deg", frame="galactic")
    mask = geom.region_mask(CircleSkyRegion(center, 5 * u.deg))
    expected = brute_force_circle(geom, center, 5 * u.deg)
    assert_array_equal(mask.data, expected)
    assert expected[:, :5].any() and expected[:, -5:].any()


def test_annulus_on_the_sphere(small_geom):
    annulus = CircleAnnulusSkyRegion(CRAB, 0.2 * u.deg, 0.5 * u.deg)
    expected = brute_force_circle(small_geom, CRAB, 0.5 * u.deg) & ~brute_force_circle(
        small_geom, CRAB, 0.2 * u.deg
    )
    assert_array_equal(small_geom.region_mask(annulus).data, expected)


def test_ten_thousand_circles():
    # gammapy hits Python's recursion limit near 1000 regions (D6).
    geom = WcsGeom.create(npix=(4000, 1000), binsz=0.02, frame="galactic")
    rng = np.random.default_rng(7)
    centers = SkyCoord(
        rng.uniform(-40, 40, 10_000), rng.uniform(-10, 10, 10_000), unit="deg", frame="galactic"
    )
    regions = [CircleSkyRegion(c, 0.1 * u.deg) for c in centers]
    mask = geom.region_mask(regions)
    # Oracle on a random sample of pixels: brute-force separation to every centre.
    iy = rng.integers(0, 1000, 3000)
    ix = rng.integers(0, 4000, 3000)
    lon, lat = geom.pix_to_coord((ix, iy))
    pixels = SkyCoord(lon, lat, frame="galactic")
    # A pixel is inside iff its nearest centre is closer than 0.1 deg.
    _, sep, _ = pixels.match_to_catalog_sky(centers)
    assert_array_equal(mask.data[iy, ix], sep.deg < 0.1)
    assert mask.data.sum() > 100_000


# ---------------------------------------------------------------------- shapes in the pixel plane
def test_rotated_box_in_another_frame_is_turned_d12():
    # An ICRS box with angle 0 has its width along RA. On a galactic map near the Crab the
    # RA direction is turned by about -57.6 deg in the pixel plane.
    geom = WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")
    box = RectangleSkyRegion(CRAB, width=2 * u.deg, height=0.2 * u.deg, angle=0 * u.deg)
    _, _, jacobian = local_jacobian(geom, CRAB)
    width_axis = jacobian @ [1.0, 0.0]  # the ICRS west-east direction in the pixel plane
    pixel_angle = np.degrees(np.arctan2(width_axis[1], width_axis[0]))
    assert abs((pixel_angle + 90) % 180 - 90 - (-57.6)) < 0.3
    mask = geom.region_mask(box).data
    # Independent check: the selected pixels, seen in ICRS offsets from the centre, form a
    # bar along RA: their spread in RA offset is ~10x the spread in Dec offset.
    coords = geom.get_coord()
    selected = SkyCoord(coords["lon"][mask], coords["lat"][mask], frame="galactic")
    d_ra, d_dec = CRAB.spherical_offsets_to(selected.icrs)
    assert np.ptp(d_ra.deg) > 1.9
    assert np.ptp(d_dec.deg) < 0.25


def test_polygon_in_pixel_plane(small_geom):
    lon, lat = small_geom.pix_to_coord(
        (np.array([5.0, 30.0, 30.0, 5.0]), np.array([5.0, 5.0, 20.0, 20.0]))
    )
    polygon = PolygonSkyRegion(SkyCoord(lon, lat, frame="galactic"))
    mask = small_geom.region_mask(polygon).data
    # The pixel quadrilateral with corners at pixel centres: the interior pixels are inside.
    assert mask[6:20, 6:30].all()
    assert not mask[:5].any() and not mask[21:].any()
    assert not mask[:, :5].any() and not mask[:, 31:].any()


# ---------------------------------------------------------------------- local-plane shapes
def _local_offsets(geom, center):
    """Offsets (deg) of every pixel centre in the shape's frame, around ``center``."""
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"], coords["lat"], frame=geom.frame).transform_to(center.frame)
    d_lon, d_lat = center.spherical_offsets_to(pixels)
    return d_lon.deg, d_lat.deg


@pytest.mark.parametrize(
    ("geom_kwargs", "center"),
    [
        # Non-square pixels.
        (
            {"npix": (60, 30), "binsz": (0.05, 0.1), "frame": "galactic"},
            SkyCoord(0, 0, unit="deg", frame="galactic"),
        ),
        # A plate-carree survey grid (reference point on the equator) around dec 60, where
        # its pixels are not square on the sky.
        (
            {"npix": (160, 60), "binsz": 0.05, "skydir": (0, 0), "refpix": (80.5, -1169.5)},
            SkyCoord(0, 60, unit="deg"),
        ),
    ],
)
@pytest.mark.parametrize("shape", ["box", "ellipse"])
def test_boxes_and_ellipses_keep_their_size_on_anisotropic_grids(geom_kwargs, center, shape):
    geom = WcsGeom.create(**geom_kwargs)
    frame = "galactic" if geom.frame == "galactic" else "icrs"
    lon, lat = center.spherical.lon.deg, center.spherical.lat.deg
    # ds9: box(x, y, full width, full height, angle); ellipse(x, y, semi-axis, semi-axis, angle)
    if shape == "box":
        text = f"{frame};box({lon},{lat},1.0,0.6,0)"
    else:
        text = f"{frame};ellipse({lon},{lat},0.5,0.3,0)"
    mask = geom.region_mask(text).data
    d_lon, d_lat = _local_offsets(geom, center)
    if shape == "box":
        inside = (np.abs(d_lon) < 0.5) & (np.abs(d_lat) < 0.3)
        margin = np.minimum(np.abs(np.abs(d_lon) - 0.5), np.abs(np.abs(d_lat) - 0.3))
    else:
        value = (d_lon / 0.5) ** 2 + (d_lat / 0.3) ** 2
        inside = value < 1
        margin = np.abs(value - 1)
    clear = margin > 2e-3  # the tangent plane and these offsets differ by ~1e-4 deg here
    assert inside.sum() > 50
    assert_array_equal(mask[clear], inside[clear])


def test_mirrored_grid_selects_the_same_sky_pixels():
    from astropy.wcs import WCS

    standard = WcsGeom.create(npix=(80, 60), binsz=0.05, frame="galactic")
    wcs = WCS(standard.wcs.to_header())
    wcs.wcs.cdelt = [0.05, 0.05]  # longitude increasing to the right
    mirrored = WcsGeom(wcs, (80, 60))
    text = "galactic;box(0,0,3,0.4,30)"
    a = standard.region_mask(text).data
    b = mirrored.region_mask(text).data
    assert a.sum() > 100
    # The same sky positions: pixel column x on one grid is column 79 - x on the other.
    assert_array_equal(a, b[:, ::-1])


def test_shapes_on_the_far_side_of_a_tan_map_are_skipped():
    geom = WcsGeom.create(npix=(200, 200), binsz=0.01, proj="TAN", skydir=(0, 0))
    far = (
        "icrs;circle(180,0,1);box(180,0,1,1,0);ellipse(180,0,0.5,0.3,0);polygon(179,0,181,0,180,1)"
    )
    import time

    start = time.perf_counter()
    assert not geom.region_mask(far).data.any()
    rng = np.random.default_rng(3)
    centers = SkyCoord(rng.uniform(120, 240, 300), rng.uniform(-50, 50, 300), unit="deg")
    assert not geom.region_mask([CircleSkyRegion(c, 1 * u.deg) for c in centers]).data.any()
    assert time.perf_counter() - start < 5  # each would otherwise test every pixel


def test_region_file_in_a_folder_with_parentheses(small_geom, tmp_path):
    folder = tmp_path / "run (1); final"
    folder.mkdir()
    path = folder / "excl.reg"
    path.write_text("icrs\ncircle(83.633083, 22.0145, 0.3)\n")
    expected = brute_force_circle(small_geom, CRAB, 0.3 * u.deg)
    assert_array_equal(small_geom.region_mask(str(path)).data, expected)
    assert_array_equal(small_geom.region_mask(path).data, expected)
    with pytest.raises(FileNotFoundError, match="no such ds9 region file"):
        small_geom.region_mask(folder / "missing (2).reg")


# ---------------------------------------------------------------------- radius >= 180 deg
@pytest.mark.parametrize("proj", ["CAR", "AIT"])
def test_circle_radius_of_180_deg_or_more_is_the_whole_sky_not_empty(proj):
    # sin^2(r / 2) wraps beyond 180 deg: r = 190 deg used to give an empty mask.
    geom = WcsGeom.create(binsz=5.0, frame="galactic", proj=proj)
    center = SkyCoord(30, 40, unit="deg", frame="galactic")
    finite = np.isfinite(geom.get_coord()["lon"].value)
    for radius in [179.0, 180.0, 190.0, 359.0, 720.0]:
        expected = brute_force_circle(geom, center, radius * u.deg)
        mask = geom.region_mask(CircleSkyRegion(center, radius * u.deg)).data
        assert_array_equal(mask, expected, err_msg=f"radius {radius}")
    assert mask[finite].all()
    text = geom.region_mask("galactic;circle(30,40,190)").data
    assert text[finite].all()
    # Annuli: an outer radius beyond 180 deg takes everything beyond the inner one; an inner
    # radius beyond 180 deg leaves nothing.
    annulus = CircleAnnulusSkyRegion(center, 170 * u.deg, 190 * u.deg)
    expected = ~brute_force_circle(geom, center, 170 * u.deg) & finite
    assert_array_equal(geom.region_mask(annulus).data, expected)
    assert expected.sum() > 0
    nothing = CircleAnnulusSkyRegion(center, 185 * u.deg, 190 * u.deg)
    assert not geom.region_mask(nothing).data.any()


# ---------------------------------------------------------------------- NaN and infinities
def test_non_finite_regions_and_positions_are_clear_errors(small_geom):
    from regions import CompoundSkyRegion, EllipseSkyRegion

    nan_center = SkyCoord(np.nan, 22, unit="deg")
    good = CircleSkyRegion(CRAB, 0.3 * u.deg)
    cases = [
        (CircleSkyRegion(nan_center, 0.3 * u.deg), "the center of CircleSkyRegion"),
        (CircleSkyRegion(CRAB, np.inf * u.deg), "the radius of CircleSkyRegion"),
        (
            PolygonSkyRegion(SkyCoord([83, 84, np.nan], [22, 22, 23], unit="deg")),
            "the vertices of PolygonSkyRegion",
        ),
        (
            RectangleSkyRegion(CRAB, 1 * u.deg, 1 * u.deg, angle=np.nan * u.deg),
            "the angle of RectangleSkyRegion",
        ),
        (
            EllipseSkyRegion(CRAB, np.inf * u.deg, 1 * u.deg),
            "the width of EllipseSkyRegion",
        ),
        (CirclePixelRegion(PixCoord(np.nan, 3), 2), "the center of CirclePixelRegion"),
        (
            CompoundSkyRegion(good, CircleSkyRegion(nan_center, 1 * u.deg), np.logical_or),
            "the center of CircleSkyRegion",
        ),
    ]
    for region, fragment in cases:
        with pytest.raises(ValueError, match="is not finite") as info:
            small_geom.region_mask([good, region])
        assert fragment in str(info.value)
    positions = SkyCoord([83.6, np.nan, 84.0], [22.0, 22.0, np.nan], unit="deg")
    with pytest.raises(ValueError, match=r"2 non-finite position\(s\) \(first: index 1"):
        small_geom.region_mask(positions)


# ---------------------------------------------------------- region attributes read as stored


@pytest.mark.parametrize(
    "kind",
    ["galactic_rad", "icrs_deg", "arcmin_radius", "mixed_units", "mixed_frames", "fk5", "radians"],
)
def test_many_circles_equal_brute_force_whatever_the_attribute_layout(kind):
    """Circles read through the stored-attribute path (one frame without frame attributes,
    one unit per attribute) and through the public path (mixed units or frames, FK5) paint
    the same pixels as a brute-force separation test."""
    from skymask.rasterize._high_level import _read_centres_sizes

    geom = WcsGeom.create(npix=(120, 80), binsz=0.05, skydir=CRAB, frame="galactic")
    rng = np.random.default_rng(3)
    lon = 83.63 + rng.uniform(-2.5, 2.5, 12)
    lat = 22.01 + rng.uniform(-1.8, 1.8, 12)
    icrs = SkyCoord(lon, lat, unit="deg", frame="icrs")
    radius = rng.uniform(0.1, 0.4, 12) * u.deg
    centres = {
        "galactic_rad": icrs.galactic,  # transformed: stored in radians
        "icrs_deg": icrs,
        "arcmin_radius": icrs,
        "mixed_units": icrs,
        "mixed_frames": icrs,
        "fk5": icrs.fk5,
        "radians": SkyCoord(np.radians(lon), np.radians(lat), unit="rad", frame="icrs"),
    }[kind]
    regions = [CircleSkyRegion(c, r) for c, r in zip(centres, radius, strict=True)]
    if kind == "arcmin_radius":
        regions = [CircleSkyRegion(r.center, r.radius.to(u.arcmin)) for r in regions]
    if kind == "mixed_units":
        regions[::3] = [CircleSkyRegion(r.center, r.radius.to(u.arcmin)) for r in regions[::3]]
    if kind == "mixed_frames":
        regions[::2] = [CircleSkyRegion(r.center.galactic, r.radius) for r in regions[::2]]
    fast = _read_centres_sizes(regions, ("radius",))
    # The stored-attribute path is taken for one frame without attributes and one unit each.
    assert (fast is not None) == (kind not in ("mixed_units", "mixed_frames", "fk5"))
    if fast is not None:
        _, fast_lon, fast_lat, (fast_radius,) = fast
        assert_allclose(fast_lon, [r.center.spherical.lon.deg for r in regions], rtol=1e-15)
        assert_allclose(fast_lat, [r.center.spherical.lat.deg for r in regions], rtol=1e-15)
        assert_allclose(fast_radius, radius.to_value(u.deg), rtol=1e-15)
    expected = np.zeros(geom.data_shape, dtype=bool)
    for region in regions:
        expected |= brute_force_circle(geom, region.center, region.radius)
    assert expected.sum() > 500
    assert_array_equal(geom.region_mask(regions).data, expected)


def test_many_annuli_read_as_stored_equal_brute_force():
    geom = WcsGeom.create(npix=(100, 80), binsz=0.05, skydir=CRAB, frame="galactic")
    rng = np.random.default_rng(5)
    centres = SkyCoord(83.63 + rng.uniform(-2, 2, 6), 22.01 + rng.uniform(-1.5, 1.5, 6), unit="deg")
    regions = [CircleAnnulusSkyRegion(c, 0.15 * u.deg, 0.4 * u.deg) for c in centres]
    expected = np.zeros(geom.data_shape, dtype=bool)
    for c in centres:
        expected |= brute_force_circle(geom, c, 0.4 * u.deg) & ~brute_force_circle(
            geom, c, 0.15 * u.deg
        )
    assert_array_equal(geom.region_mask(regions).data, expected)
