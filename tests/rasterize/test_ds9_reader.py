"""ds9 text and files: every shape read or a clear error, never a silent drop (issues 11, 12)."""

import os
import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_array_equal
from regions import CircleSkyRegion, Regions

from skymask.maps import WcsGeom
from skymask.rasterize import parse_regions

from .test_region_mask import brute_force_circle

GEOM = WcsGeom.create(npix=(60, 40), binsz=0.1, skydir=(0, 0), frame="galactic")


def _circles(n, seed=7):
    rng = np.random.default_rng(seed)
    return rng.uniform(-3, 3, n), rng.uniform(-2, 2, n)


def _union_of_circles(geom, lon, lat, radius):
    """Brute force: a pixel is inside when its nearest centre is closer than the radius."""
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"].ravel(), coords["lat"].ravel(), frame="galactic")
    centres = SkyCoord(lon, lat, unit="deg", frame="galactic")
    _, separation, _ = pixels.match_to_catalog_sky(centres)
    return (separation.deg < radius).reshape(geom.data_shape)


# ---------------------------------------------------------------------- issue 11 item 3
def test_long_ds9_string_is_not_probed_as_a_file_name():
    # 10,000 circles, ~300 kB: used to fail with "OSError: [Errno 36] File name too long".
    lon, lat = _circles(10_000)
    text = "galactic;" + ";".join(
        f"circle({a:.6f},{b:.6f},0.02)" for a, b in zip(lon, lat, strict=True)
    )
    assert len(text) > 250_000
    mask = GEOM.region_mask(text).data
    assert_array_equal(mask, _union_of_circles(GEOM, lon, lat, 0.02))
    # The same with line breaks (fewer circles, to save time), and a string just over 255
    # characters (about ten circles).
    lines = "galactic\n" + "\n".join(
        f"circle({a:.6f},{b:.6f},0.02)" for a, b in zip(lon[:1000], lat[:1000], strict=True)
    )
    assert len(lines) > 255
    expected = _union_of_circles(GEOM, lon[:1000], lat[:1000], 0.02)
    assert_array_equal(GEOM.region_mask(lines).data, expected)
    short = text[: text.index(";", 300)]
    assert 255 < len(short) < 400
    assert GEOM.region_mask(short).data.sum() > 0


@pytest.mark.parametrize(
    "text",
    [
        "x" * 300,  # a long name without region syntax: a missing file, not an OSError
        "a/" * 3000,  # longer than any path
        "galactic;circle(0,0,1)\0",  # NUL byte: no path can hold it
        "~/no/such/" + "d" * 300 + ".reg",
    ],
)
def test_probing_a_string_as_a_path_never_raises_oserror(text):
    with pytest.raises((ValueError, FileNotFoundError)) as info:
        GEOM.region_mask(text)
    assert not isinstance(info.value, OSError) or isinstance(info.value, FileNotFoundError)
    assert "name too long" not in str(info.value)


def test_existing_file_with_region_syntax_in_its_name_is_still_a_file(tmp_path):
    # A file name may hold ';' and '(' (earlier fix): an existing file wins over the syntax.
    folder = tmp_path / "run (1); circle(0,0,1)"
    folder.mkdir()
    path = folder / "a.reg"
    path.write_text("galactic\ncircle(0, 0, 0.5)\n")
    expected = brute_force_circle(GEOM, SkyCoord(0, 0, unit="deg", frame="galactic"), 0.5 * u.deg)
    assert_array_equal(GEOM.region_mask(str(path)).data, expected)


# ---------------------------------------------------------------------- issue 12 item 8
def test_composite_union_keeps_every_member():
    # ds9's "||" joins the members of a composite region; its meaning is their union. regions
    # keeps only the first shape of "circle(...) || circle(...)".
    both = GEOM.region_mask("galactic;circle(-1,0,0.5);circle(1,0,0.5)").data
    assert both.sum() > 100
    for text in [
        "galactic;circle(-1,0,0.5) || circle(1,0,0.5)",
        "galactic;circle(-1,0,0.5) | circle(1,0,0.5)",
        "galactic\ncircle(-1,0,0.5) ||\ncircle(1,0,0.5)",
        "galactic\n# composite(0,0,0) || composite=1\ncircle(-1,0,0.5) ||\ncircle(1,0,0.5)",
        "galactic\ncomposite(0,0,45) || composite=1\ncircle(-1,0,0.5) ||\ncircle(1,0,0.5)",
    ]:
        assert_array_equal(GEOM.region_mask(text).data, both, err_msg=text)


@pytest.mark.parametrize(
    ("separator", "message"),
    [
        (" ", "several shapes in one command"),
        ("", "several shapes in one command"),
        (" & ", "'&' (intersection)"),
        (" && ", "'&' (intersection)"),
        (" ^ ", "'^' (exclusive or)"),
        (" - ", "several shapes in one command"),
        (" !", "'!' (not)"),
    ],
)
def test_several_shapes_on_one_line_are_refused_not_dropped(separator, message):
    text = f"galactic;circle(-1,0,0.5){separator}circle(1,0,0.5)"
    with pytest.raises(ValueError, match="cannot parse the ds9 region string") as info:
        GEOM.region_mask(text)
    assert message in str(info.value)
    assert "separate shapes with ';'" in str(info.value)
    # What regions does with it: the first shape only, without a word.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            parsed = Regions.parse(text, format="ds9")
        except Exception:  # some forms make regions fail instead
            parsed = None
    assert parsed is None or len(parsed) < 2


def test_extra_or_missing_parameters_are_refused():
    # regions reads circle(0,0,1,2,3) as circle(0,0,1) and polygon(0,0,1,1) as a polygon of
    # two vertices, and fails with a broadcast error on polygon(0,0,1,1,2).
    for text, reason in [
        ("galactic;circle(0,0,1,2,3)", "a circle takes x, y and a radius, got 5"),
        ("galactic;circle(0,0)", "a circle takes x, y and a radius, got 2"),
        ("galactic;polygon(0,0,1,1)", "at least three x, y vertex pairs"),
        ("galactic;polygon(0,0,1,1,2)", "at least three x, y vertex pairs"),
        ("galactic;ellipse(0,0,1,2,3,4)", "got 6 parameters"),
        ("galactic;annulus(0,0,1)", "at least two radii"),
        ("galactic;annulus(0,0,1,2,n=3)", "'n=' form of annuli"),
        ("galactic;annulus(0,0,2,1)", "radii must increase"),
        ("galactic;box(0,0,1,1,3,0.5,0)", "must increase in both axes"),
        ("galactic;circle(0,0,1", "not closed with ')'"),
        ("galactic;circle 0,0,1)", "')' without '('"),
    ]:
        with pytest.raises(ValueError, match="cannot parse") as info:
            GEOM.region_mask(text)
        assert reason in str(info.value), (text, str(info.value))


def test_every_ds9_number_form_gives_the_same_circle():
    expected = GEOM.region_mask("galactic;circle(1.5,-0.5,0.3)").data
    for text in [
        "galactic;circle 1.5 -0.5 0.3",
        "GALACTIC;CIRCLE(1.5 , -0.5 , 0.3)",
        "galactic;circle(1.5d,-0.5d,18')",
        'galactic;circle(1.5,-0.5,1080")',
        "galactic;circle(1:30:00,-0:30:00,0.3d)",
        "galactic;circle(1d30m00s,-0d30m00s,0.3)",
        f"galactic;circle({float(np.radians(1.5))!r}r,{float(np.radians(-0.5))!r}r,"
        f"{float(np.radians(0.3))!r}r)",
        "galactic;circle(15e-1,-5e-1,3e-1)",
        '# Region file format: DS9 version 4.1\nglobal color=green font="helvetica 10"\n'
        "galactic\ncircle(1.5,-0.5,0.3) # color=red text={a;b} tag={c}",
    ]:
        assert_array_equal(GEOM.region_mask(text).data, expected, err_msg=text)


def test_sexagesimal_right_ascension_is_in_hours():
    crab = SkyCoord("05h34m31.94s", "+22d00m52.2s", frame="icrs")
    geom = WcsGeom.create(npix=(40, 40), binsz=0.02, skydir=crab, frame="icrs")
    expected = brute_force_circle(geom, crab, 0.2 * u.deg)
    for text in [
        "icrs;circle(05:34:31.94,+22:00:52.2,0.2)",
        "icrs;circle(5h34m31.94s,22d00m52.2s,12')",
    ]:
        assert_array_equal(geom.region_mask(text).data, expected)


def test_ds9_string_matches_the_regions_reading_of_well_formed_text():
    # An oracle for the reader: for well-formed text regions and skymask read the same shapes.
    text = (
        "# Region file format: DS9\nglobal color=green\nfk5\n"
        "circle(83.63,22.01,0.3)\nellipse(83.9,22.3,0.2,0.1,30)\nbox(83.4,21.8,0.4,0.2,10)\n"
        "annulus(83.63,22.01,0.5,0.6,0.7)\npolygon(83.2,22.2,83.3,22.4,83.1,22.5)\n"
        "-circle(83.7,22.0,0.05)\npoint(83.5,22.1)\ngalactic\nbox(184.5,-5.8,0.3,0.2,0.5,0.4,15)\n"
        "ellipse(184.6,-5.7,0.1,0.05,0.2,0.1,0.3,0.15,45)\nimage\ncircle(10,12,3)\n"
    )
    ours = parse_regions(text)
    theirs = Regions.parse(text, format="ds9")
    assert len(ours) == len(theirs) == 12
    _same_regions(ours, theirs)


# ---------------------------------------------------------------------- issue 12 items 10, 22
@pytest.mark.parametrize(
    "text",
    [
        "galactic;circle(0,0,nan)",  # regions: KeyError: 'n'
        "galactic;circle(nan,0,1)",  # regions: a circle at NaN, an empty mask
        "galactic;circle(0,0,inf)",
        "galactic;circle(-inf,0,1)",
        "galactic;circle(0,0,1e999)",
        "galactic;box(0,0,1,1,nan)",
        "galactic;polygon(0,0,1,nan,1,1)",
    ],
)
def test_nan_and_infinite_ds9_values_are_clear_errors(text):
    with pytest.raises(ValueError, match="not a finite number") as info:
        GEOM.region_mask(text)
    assert "KeyError" not in str(info.value)


def test_ds9_parse_errors_say_what_is_wrong_not_keyerror():
    for text, reason in [
        ("galactic;circl(1,2,3)", "unknown ds9 shape or frame name (got 'circl')"),
        ("galactic;circle(1,2,x)", "not a number in a ds9 form"),
        ("circle(1,2,3)", "a shape before any coordinate frame"),
        ("physical;circle(1,2,3)", "coordinate system 'physical' is not supported"),
        ("galactic;circle(0,95,1)", "within -90 and 90 deg"),
        ("galactic;circle(0,0,-1)", "radius must be positive"),
        ("galactic;circle(0,0,2i)", "image or physical units are not supported"),
        ("image;circle(10,10,2')", "must be in pixels"),
        ("galactic;panda(0,0,0,360,4,0.1,1,1)", "'panda' is not supported"),
        ("# off; galactic;circle(0,0,1)", "a comment line contains ';' followed by a shape"),
    ]:
        with pytest.raises(ValueError, match="cannot parse") as info:
            GEOM.region_mask(text)
        assert reason in str(info.value), (text, str(info.value))
        assert "Example of the expected form" in str(info.value)


# ---------------------------------------------------------------------- issue 12 item 12
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        ("   \n\t", "is empty"),
        ("# Region file format: DS9\n", "has no shape, only comments"),
        ("galactic;", "has no shape, only comments"),
        ("galactic;text(0,0) # text={label}", "no shape with an area, only 1 annotation"),
    ],
)
def test_empty_region_input_is_refused_with_the_reason(tmp_path, text, reason):
    # Usually "$REGIONS" with the variable unset: an all-False mask without a word before.
    with pytest.raises(ValueError, match=reason) as info:
        GEOM.region_mask(text)
    assert "unset shell variable" in str(info.value)
    path = tmp_path / "empty.reg"
    path.write_text(text)
    with pytest.raises(ValueError, match=reason) as info:
        GEOM.region_mask(path)
    assert str(path) in str(info.value)
    # An empty list stays an explicit, empty mask (X14).
    assert not GEOM.region_mask([]).data.any()


# ---------------------------------------------------------------------- issue 12 item 13
def test_text_regions_mark_no_pixel():
    # regions' TextSkyRegion is a PointSkyRegion: it used to mark the pixel under the label.
    circle = GEOM.region_mask("galactic;circle(-1,0,0.3)").data
    for label in [
        "text(1,0) # text={Crab}",
        "text(1,0,{Crab})",
        "text 1 0 {Crab}",
        "# text(1,0) text={Crab}",
    ]:
        text = f"galactic;circle(-1,0,0.3);{label}"
        assert_array_equal(GEOM.region_mask(text).data, circle, err_msg=label)


def test_annotations_without_area_are_ignored_consistently():
    circle = GEOM.region_mask("galactic;circle(-1,0,0.3)").data
    annotations = [
        "line(0,0,1,1) # line=1 1",
        "# vector(0,0,1,45) vector=1",
        "vector(0,0,1,45)",
        "# ruler(0,0,1,1) ruler=galactic arcsec",
        "# compass(0,0,1) compass=galactic {N} {E} 1 1",
        "# projection(0,0,1,1,0.1)",
        "# segment(0,0,1,1,2,0)",
    ]
    text = "galactic\ncircle(-1,0,0.3)\n" + "\n".join(annotations)
    assert_array_equal(GEOM.region_mask(text).data, circle)
    # Malformed annotations are still errors: a truncated file is not silently accepted.
    with pytest.raises(ValueError, match="wrong number of parameters"):
        GEOM.region_mask("galactic;circle(-1,0,0.3);line(0,0,1)")


def test_point_marks_its_pixel_and_text_does_not_from_objects():
    from regions import LineSkyRegion, PointSkyRegion, TextSkyRegion

    position = SkyCoord(1, 0, unit="deg", frame="galactic")
    point = GEOM.region_mask(PointSkyRegion(position)).data
    assert point.sum() == 1
    others = [
        TextSkyRegion(position, "Crab"),
        LineSkyRegion(position, position.directional_offset_by(0 * u.deg, 1 * u.deg)),
    ]
    assert not GEOM.region_mask(others).data.any()


# ---------------------------------------------------------------------- include / exclude
def test_global_and_local_include_properties():
    a = GEOM.region_mask("galactic;circle(0,0,1)").data
    b = GEOM.region_mask("galactic;circle(0.5,0,0.5)").data
    for text in [
        "galactic;circle(0,0,1);-circle(0.5,0,0.5)",
        "galactic;circle(0,0,1);circle(0.5,0,0.5) # include=0",
        "galactic;circle(0,0,1);circle(0.5,0,0.5) # include=no",
        "global include=0\ngalactic;+circle(0,0,1);circle(0.5,0,0.5)",
    ]:
        assert_array_equal(GEOM.region_mask(text).data, a & ~b, err_msg=text)


# ---------------------------------------------------------------------- issue 12 item 20
def test_file_errors_name_the_line_and_never_echo_the_content(tmp_path):
    path = tmp_path / "secret.reg"
    path.write_text(
        "# Region file format: DS9\ngalactic\ncircle(0,0,1)\ncircle(0,0,hunter2-password)\n"
    )
    with pytest.raises(ValueError) as info:
        GEOM.region_mask(path)
    message = str(info.value)
    assert f"the ds9 file {path}, line 4" in message
    assert "hunter2" not in message and "circle(0,0,hunter" not in message
    # A file that is not a region file at all: the first line, named but not shown.
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(ValueError, match=r"line 1") as info:
        GEOM.region_mask(str(other))
    assert "root" not in str(info.value).replace(str(other), "")
    # The string form shows the user's own command, which helps to find the mistake.
    with pytest.raises(ValueError, match=r"at 'circle\(0,0,oops\)'"):
        GEOM.region_mask("galactic;circle(0,0,1);circle(0,0,oops)")


def test_binary_files_folders_and_devices_are_clear_errors(tmp_path):
    binary = tmp_path / "image.reg"
    binary.write_bytes(b"SIMPLE  =                    T\0\0\0\x89PNG")
    with pytest.raises(ValueError, match="not a ds9 region file: it holds binary data"):
        GEOM.region_mask(binary)
    with pytest.raises(IsADirectoryError, match="is a folder, not a ds9 region file"):
        GEOM.region_mask(tmp_path)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        GEOM.region_mask(str(tmp_path))
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.reg"
        os.mkfifo(fifo)
        # Reading a FIFO would wait for a writer forever.
        with pytest.raises(ValueError, match="not a regular file"):
            GEOM.region_mask(fifo)
    with pytest.raises(FileNotFoundError, match="no such ds9 region file"):
        GEOM.region_mask(tmp_path / "missing.reg")


def test_latin1_labels_in_old_files_are_read(tmp_path):
    path = tmp_path / "old.reg"
    path.write_bytes("galactic\ncircle(0,0,0.5) # text={Café}\n".encode("latin-1"))
    expected = brute_force_circle(GEOM, SkyCoord(0, 0, unit="deg", frame="galactic"), 0.5 * u.deg)
    assert_array_equal(GEOM.region_mask(path).data, expected)


def test_regions_objects_and_ds9_text_agree():
    region = CircleSkyRegion(SkyCoord(0.3, 0.1, unit="deg", frame="galactic"), 0.4 * u.deg)
    assert_array_equal(
        GEOM.region_mask(region).data, GEOM.region_mask("galactic;circle(0.3,0.1,0.4)").data
    )


# ---------------------------------------------------------------------- interoperability
def _same_regions(ours, theirs):
    """Ours (region, include) pairs equal regions' reading, without its text and line regions."""
    from regions import LinePixelRegion, LineSkyRegion, TextPixelRegion, TextSkyRegion

    annotations = (TextSkyRegion, TextPixelRegion, LineSkyRegion, LinePixelRegion)
    theirs = [region for region in theirs if not isinstance(region, annotations)]
    assert len(ours) == len(theirs)
    for (mine, include), other in zip(ours, theirs, strict=True):
        assert type(mine) is type(other)
        assert include == bool(other.meta.get("include", 1))
        for name in other._params:
            a, b = getattr(mine, name), getattr(other, name)
            if isinstance(a, SkyCoord):
                assert np.all(a.separation(b).to_value("arcsec") < 1e-6), name
            elif hasattr(a, "x") and hasattr(a, "y"):
                assert np.allclose([a.x, a.y], [b.x, b.y]), name
            else:
                assert u.allclose(a, b), name


def test_files_written_by_ds9_read_like_regions_reads_them():
    # The ds9-written test files that ship with regions: every frame, sexagesimal, composites,
    # properties, labels. Where regions reads a file cleanly, skymask reads the same shapes;
    # the file with panda shapes (which regions skips with a warning) is refused.
    import glob
    from pathlib import Path

    import regions

    folder = Path(regions.__file__).parent / "io" / "ds9" / "tests" / "data"
    files = sorted(
        glob.glob(str(folder / "ds9.*.reg")) + glob.glob(str(folder / "*_reference.reg"))
    )
    if not files:
        pytest.skip(f"the installed regions has no ds9 test files in {folder}")
    for name in files:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            theirs = Regions.read(name, format="ds9")
        skipped = [w for w in caught if "not supported" in str(w.message)]
        if skipped:
            with pytest.raises(ValueError, match="is not supported"):
                parse_regions(name)
            continue
        _same_regions(parse_regions(name), theirs)


def test_text_written_by_regions_reads_back_to_the_same_mask():
    from regions import (
        CircleAnnulusSkyRegion,
        CirclePixelRegion,
        EllipseAnnulusSkyRegion,
        EllipseSkyRegion,
        LineSkyRegion,
        PixCoord,
        PointSkyRegion,
        PolygonSkyRegion,
        RectangleAnnulusSkyRegion,
        RectangleSkyRegion,
        TextSkyRegion,
    )

    c = SkyCoord(83.63, 22.01, unit="deg")
    geom = WcsGeom.create(npix=(60, 60), binsz=0.02, skydir=c, frame="galactic")
    objects = [
        CircleSkyRegion(c, 0.2 * u.deg),
        EllipseSkyRegion(
            c.directional_offset_by(0 * u.deg, 0.3 * u.deg), 0.3 * u.deg, 0.1 * u.deg, 30 * u.deg
        ),
        RectangleSkyRegion(
            c.directional_offset_by(90 * u.deg, 0.3 * u.deg), 0.3 * u.deg, 0.1 * u.deg, 20 * u.deg
        ),
        CircleAnnulusSkyRegion(c, 0.3 * u.deg, 0.4 * u.deg),
        EllipseAnnulusSkyRegion(c, 0.1 * u.deg, 0.2 * u.deg, 0.05 * u.deg, 0.1 * u.deg, 10 * u.deg),
        RectangleAnnulusSkyRegion(
            c, 0.1 * u.deg, 0.2 * u.deg, 0.05 * u.deg, 0.1 * u.deg, 10 * u.deg
        ),
        PolygonSkyRegion(SkyCoord([83.5, 83.6, 83.55], [21.9, 21.9, 22.0], unit="deg")),
        PointSkyRegion(c.directional_offset_by(180 * u.deg, 0.2 * u.deg)),
        TextSkyRegion(c, "Crab"),
        LineSkyRegion(c, c.directional_offset_by(45 * u.deg, 0.2 * u.deg)),
        CirclePixelRegion(PixCoord(10, 12), 3),
    ]
    text = Regions(objects).serialize(format="ds9")
    expected = geom.region_mask(objects).data
    assert expected.sum() > 500
    assert_array_equal(geom.region_mask(text).data, expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # Found by the mutation fuzz test: astropy's IllegalSecondError escaped bare.
        ("icrs\npoint 270.19301427 -27:42:57332000", "'second'"),
        ("icrs\ncircle 17:61:00 -27:42:57 1", "'minute'"),
        ("icrs\ncircle 17h30m99s -27d42m57s 1", "'second'"),
    ],
)
def test_out_of_range_sexagesimal_fields_name_the_line_and_the_token(text, fragment):
    geom = WcsGeom.create(npix=10, binsz=0.1, skydir=(270.19, -27.7), frame="icrs")
    with pytest.raises(ValueError, match=r"line 2.*not a valid sexagesimal angle") as info:
        geom.region_mask(text)
    assert fragment in str(info.value)
