"""``skymask mask regions``: long strings, standard input and bad region input (issues 11, 12)."""

import io

import numpy as np
from astropy.coordinates import SkyCoord
from numpy.testing import assert_array_equal

from skymask.maps import Map, WcsGeom

from .conftest import assert_error

GEOMETRY = ("--skydir", "0", "0", "--frame", "galactic", "--width", "6deg", "--binsz", "0.05")


def _geom():
    return WcsGeom.create(skydir=(0, 0), frame="galactic", width="6 deg", binsz=0.05)


def _brute_force_union(geom, lon, lat, radius):
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"].ravel(), coords["lat"].ravel(), frame="galactic")
    _, separation, _ = pixels.match_to_catalog_sky(SkyCoord(lon, lat, unit="deg", frame="galactic"))
    return (separation.deg < radius).reshape(geom.data_shape)


def test_ten_thousand_circle_string_is_not_a_file_name(cli, tmp_path):
    # A ~300 kB argument used to fail with "OSError: [Errno 36] File name too long".
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(-3, 3, 10_000), rng.uniform(-3, 3, 10_000)
    text = "galactic;" + ";".join(
        f"circle({a:.6f},{b:.6f},0.03)" for a, b in zip(lon, lat, strict=True)
    )
    assert len(text) > 250_000
    result = cli("mask", "regions", text, *GEOMETRY, "-o", tmp_path / "many.fits")
    assert result.code == 0, result.err
    mask = Map.read(tmp_path / "many.fits")
    assert_array_equal(mask.data, _brute_force_union(_geom(), lon, lat, 0.03))


def test_regions_from_standard_input(cli, tmp_path, monkeypatch):
    # Longer lists than one command-line argument may hold (128 kB on Linux) come on stdin.
    monkeypatch.setattr("sys.stdin", io.StringIO("galactic\ncircle(1,1,0.5)\ncircle(-1,0,0.4)"))
    result = cli("mask", "regions", "-", *GEOMETRY, "-o", tmp_path / "stdin.fits")
    assert result.code == 0, result.err
    geom = _geom()
    coords = geom.get_coord()
    pixels = SkyCoord(coords["lon"], coords["lat"], frame="galactic")
    expected = (pixels.separation(SkyCoord(1, 1, unit="deg", frame="galactic")).deg < 0.5) | (
        pixels.separation(SkyCoord(-1, 0, unit="deg", frame="galactic")).deg < 0.4
    )
    assert_array_equal(Map.read(tmp_path / "stdin.fits").data, expected)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = cli("mask", "regions", "-", *GEOMETRY, "-o", tmp_path / "empty.fits")
    assert_error(result, "skymask mask regions", "is empty", "unset shell variable")


def test_empty_region_argument_names_the_usual_cause(cli, tmp_path):
    # skymask mask regions "$REGIONS" with REGIONS unset: an all-False mask before.
    result = cli("mask", "regions", "", *GEOMETRY, "-o", tmp_path / "x.fits")
    assert_error(result, "skymask mask regions", "is empty", "unset shell variable")
    assert not (tmp_path / "x.fits").exists()
    (tmp_path / "comments.reg").write_text("# Region file format: DS9\nglobal color=green\n")
    result = cli("mask", "regions", tmp_path / "comments.reg", *GEOMETRY, "-o", tmp_path / "x.fits")
    assert_error(result, "skymask mask regions", "comments.reg has no shape")


def test_folder_given_as_region_file_is_a_clear_error(cli, tmp_path):
    result = cli("mask", "regions", tmp_path, *GEOMETRY, "-o", tmp_path / "x.fits")
    assert_error(result, "skymask mask regions", "is a folder, not a ds9 region file")


def test_region_file_errors_name_the_line_not_the_content(cli, tmp_path):
    path = tmp_path / "sources.reg"
    path.write_text("galactic\ncircle(0,0,0.3)\ncircle(1,1,0.2) circle(TOKEN-1234,0,1)\n")
    result = cli("mask", "regions", path, *GEOMETRY, "-o", tmp_path / "x.fits")
    assert_error(result, "skymask mask regions", f"{path}, line 3", "several shapes")
    assert "TOKEN-1234" not in result.err


def test_parse_errors_are_messages_not_keyerror(cli, tmp_path):
    result = cli(
        "mask", "regions", "galactic;circle(0,0,nan)", *GEOMETRY, "-o", tmp_path / "x.fits"
    )
    assert_error(result, "skymask mask regions", "not a finite number")
    assert "KeyError" not in result.err and "error: n" not in result.err
