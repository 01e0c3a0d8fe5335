"""The one angle parser (`skymask.utils.units.as_angle`) and the functions routed through it."""

import argparse

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord

from skymask.catalog.exclusion import exclusion_circles
from skymask.cli._common import angle as cli_angle
from skymask.datasets import MapDataset
from skymask.datasets.map_dataset_onoff import MapDatasetOnOff
from skymask.estimators import ExcessMapEstimator
from skymask.makers import RingBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.utils.units import as_angle, as_angle_deg, as_energy, as_width

# Expected degrees written out by hand (no parser involved).
ACCEPTED = [
    ("10d", 10.0),
    ("10 d", 10.0),
    ("1d30m", 1.5),
    ("1d30m15s", 1 + 30 / 60 + 15 / 3600),
    ("-1d30m", -1.5),
    ("83d37m59s", 83 + 37 / 60 + 59 / 3600),
    ("5h34m31.9s", (5 + 34 / 60 + 31.9 / 3600) * 15),
    ("1h30m", 22.5),
    ("1°30′", 1.5),
    ("30'", 0.5),
    ('36"', 0.01),
    ("0.5 deg", 0.5),
    ("0.5deg", 0.5),
    ("30arcmin", 0.5),
    ("30 arcmin", 0.5),
    ("1800 arcsec", 0.5),
    ("1e-2 rad", np.degrees(1e-2)),
    ("1 hourangle", 15.0),
    ("10 mas", 10 / 3.6e6),
    ("0.3", 0.3),
    (" -5.78 ", -5.78),
    (0.3, 0.3),
    (np.float32(0.25), 0.25),
    (3, 3.0),
    (0.5 * u.deg, 0.5),
    (Angle("0d30m"), 0.5),
    (90 * u.arcmin, 1.5),
]


@pytest.mark.parametrize(("value", "degrees"), ACCEPTED)
def test_accepted_angle_forms(value, degrees):
    angle = as_angle(value)
    assert isinstance(angle, Angle) and angle.unit == u.deg and angle.dtype == np.float64
    assert angle.value == pytest.approx(degrees, rel=1e-12, abs=1e-15)
    assert as_angle_deg(value) == pytest.approx(degrees, rel=1e-12, abs=1e-15)


# A number, a blank and a bare s, m or h (or a time word): astropy's Angle reads an angle
# (arcsec, arcmin, hour angle), astropy units a time or a length. "1 s" used to give 1 arcsec
# without a word.
@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("1 s", "'1 arcsec'"),
        ("30  s", "'30 arcsec'"),
        ("30 m", "'30 arcmin' or '0.5 deg'"),
        (".5 m", "'0.5 arcmin'"),
        ("1 min", "'1 arcmin'"),
        ("1min", "'1 arcmin'"),
        ("1 h", "'1 hourangle' or '15 deg'"),
        ("2 hours", "'2 hourangle' or '30 deg'"),
    ],
)
def test_time_like_angle_units_are_refused_as_ambiguous(text, suggestion):
    with pytest.raises(ValueError, match="is ambiguous") as info:
        as_angle(text, name="width")
    message = str(info.value)
    assert message.startswith(f"width '{text}' is ambiguous")
    assert suggestion in message


def test_minutes_and_seconds_without_degrees_are_refused_as_ambiguous():
    with pytest.raises(ValueError, match=r"'30m15s' is ambiguous.*'0d30m15s'"):
        as_angle("30m15s")
    with pytest.raises(ValueError, match=r"'30m 15s' is ambiguous.*'0d30m15s'"):
        as_angle("30m 15s")


# Issue 11: "Accept whatever astropy.coordinates.Angle accepts": its compact notation without
# blanks, e.g. WcsGeom.create(binsz="30m").
@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("30m", 0.5),
        (".5m", 0.5 / 60),
        ("1s", 1 / 3600),
        ("30s", 30 / 3600),
        ("1h", 15.0),
        ("-30m", -0.5),
        ("1h30m", 22.5),
    ],
)
def test_compact_angle_notation_reads_as_astropy_angle(text, degrees):
    assert as_angle(text).deg == pytest.approx(degrees, rel=1e-12)
    assert as_angle(text).deg == pytest.approx(Angle(text).deg, rel=1e-12)
    assert as_angle("0d30m15s").deg == pytest.approx(0.5 + 15 / 3600, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("2 TeV", u.UnitConversionError, r"width must be an angle .*'2 TeV' \(unit 'TeV'\)"),
        ("1 day", u.UnitConversionError, r"'1 day' \(unit 'd'\)"),
        (3 * u.s, u.UnitConversionError, r"unit 's'"),
        (3 * u.one, u.UnitConversionError, "no unit"),
        ("abc", ValueError, "width must be an angle such as '0.5 deg'"),
        ("1:30:00", ValueError, "width must be an angle such as"),
        (None, TypeError, "width must be an angle"),
        (True, TypeError, "width must be an angle"),
        ("x", ValueError, "'x'"),
    ],
)
def test_non_angles_are_refused_with_the_accepted_forms(value, error, match):
    with pytest.raises(error, match=match):
        as_angle(value, name="width")


def test_options_scalar_finite_sign_and_plain_numbers():
    assert as_angle([1, "1d30m", 30 * u.arcmin]).deg.tolist() == [1.0, 1.5, 0.5]
    assert as_angle(np.array([[0.1, 0.2]])).shape == (1, 2)
    with pytest.raises(ValueError, match="r must be one angle"):
        as_angle([0.1, 0.2], name="r", scalar=True)
    with pytest.raises(ValueError, match="r must be finite"):
        as_angle("nan deg", name="r", finite=True)
    assert np.isnan(as_angle("nan deg").value)
    with pytest.raises(ValueError, match=r"r must be an angle > 0 \(positive\), got 0"):
        as_angle(0, name="r", sign="positive")
    with pytest.raises(ValueError, match=r"an angle >= 0 \(non-negative\), got '-1 deg'"):
        as_angle("-1 deg", name="r", sign="non-negative")
    assert as_angle(0, sign="non-negative").deg == 0
    with pytest.raises(TypeError, match="r must be an angle with a unit"):
        as_angle(0.1, name="r", plain_numbers=False)
    with pytest.raises(ValueError, match="r must be an angle with a unit"):
        as_angle("0.1", name="r", plain_numbers=False)
    assert as_angle("6 arcmin", plain_numbers=False).deg == pytest.approx(0.1)


def test_energy_unit_must_be_an_energy():
    # gammapy: "Please provide a valid energy unit, got deg instead."
    with pytest.raises(u.UnitConversionError, match=r"unit must be an energy unit.*got 'deg'"):
        as_energy(10, unit="deg")
    with pytest.raises(u.UnitConversionError, match="energy_max: unit must be an energy"):
        MapAxis.from_energy_bounds(0.1, 10, 2, unit="deg")
    with pytest.raises(u.UnitConversionError, match="energy_edges: unit must be an energy"):
        MapAxis.from_energy_edges([0.1, 1, 10], unit="deg")
    axis = MapAxis.from_energy_bounds(0.1, 10, 2, unit="GeV")
    assert axis.unit == u.GeV and axis.edges.value.tolist() == pytest.approx([0.1, 1, 10])


# ---------------------------------------------------------------------- routing
def _tiny_dataset():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    geom = WcsGeom.create(npix=21, binsz=0.1, axes=[axis])
    return MapDataset.create(geom, background=1.0)


def _on_off():
    geom = WcsGeom.create(npix=5, binsz=0.1)
    ones = Map.from_geom(geom, data=1.0)
    return MapDatasetOnOff(ones, ones.copy(), ones.copy(), ones.copy() * 4)


CENTER = SkyCoord(0, 0, unit="deg")

# Each takes an angle as its only varying input and returns degrees.
ROUTES = {
    "WcsGeom.create(width=)": lambda a: WcsGeom.create(width=a, binsz=0.5).width.deg[0],
    "WcsGeom.create(binsz=)": lambda a: WcsGeom.create(npix=1, binsz=a).pixel_scales.deg[0],
    "WcsGeom.create(skydir=)": lambda a: WcsGeom.create(npix=1, skydir=(a, 0)).wcs.wcs.crval[0],
    "WcsGeom.cutout(width=)": lambda a: (
        WcsGeom.create(npix=40, binsz=0.25).cutout(CENTER, width=a).width.deg[0]
    ),
    "Map.binary_erode(width=)": lambda a: (
        0.5
        * (
            40
            - Map.from_geom(WcsGeom.create(npix=40, binsz=0.25), data=True)
            .binary_erode(a, kernel="box")
            .data[20]
            .sum()
        )
        * 0.25
    ),
    "as_width": lambda a: as_width(a).to_value(u.deg),
    "WcsGeom.width_in_pixels": lambda a: (
        WcsGeom.create(npix=3, binsz=0.5).width_in_pixels(a)[0] * 0.5
    ),
    "ExcessMapEstimator(correlation_radius=)": lambda a: (
        ExcessMapEstimator(correlation_radius=a).correlation_radius.deg
    ),
    "RingBackgroundMaker(r_in=)": lambda a: RingBackgroundMaker(a, "0.1 deg").r_in.deg,
    "exclusion_circles(radius=)": lambda a: (
        exclusion_circles(WcsGeom.create(npix=1).center_skydir.reshape(1), np.zeros(1), a)[
            0
        ].radius.deg
    ),
    "cli angle": lambda a: cli_angle(a).to_value(u.deg),
}


@pytest.mark.parametrize("route", ROUTES)
def test_every_angle_input_takes_sexagesimal_notation(route):
    # 1.5 deg = "1d30m": the form gammapy users write and that used to read "d" as days.
    assert ROUTES[route]("1d30m") == pytest.approx(1.5, rel=1e-9)


@pytest.mark.parametrize("route", ROUTES)
def test_every_angle_input_refuses_one_s_read_as_an_arcsecond(route):
    error = argparse.ArgumentTypeError if route == "cli angle" else ValueError
    with pytest.raises(error, match="'1 s' is ambiguous"):
        ROUTES[route]("1 s")


def test_psf_and_on_off_radii_take_sexagesimal_notation_and_refuse_seconds():
    on_off = _on_off()
    np.testing.assert_array_equal(
        on_off.li_ma_significance(correlation_radius="0d12m").data,
        on_off.li_ma_significance(correlation_radius="0.2 deg").data,
    )
    with pytest.raises(ValueError, match="'1 s' is ambiguous"):
        on_off.li_ma_significance(correlation_radius="1 s")
    from tests.irf.test_psf import gauss_psf_map

    psf = gauss_psf_map()
    expected = psf.containment(0.1 * u.deg, 100 * u.GeV)
    assert psf.containment("0d6m", 100 * u.GeV) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="'1 s' is ambiguous"):
        psf.containment("1 s", 100 * u.GeV)
    ring = RingBackgroundMaker("0d18m", "0d12m")
    assert ring.run(_tiny_dataset()).acceptance_off.data[0, 10, 10] == pytest.approx(
        RingBackgroundMaker("0.3 deg", "0.2 deg")
        .run(_tiny_dataset())
        .acceptance_off.data[0, 10, 10]
    )


def test_geometry_takes_the_compact_angle_notation_of_issue_11():
    from skymask.maps import WcsGeom

    geom = WcsGeom.create(width="10d", binsz="30m")
    assert geom.npix == (20, 20)
    assert geom.pixel_scales.deg.tolist() == pytest.approx([0.5, 0.5], rel=1e-12)
    geom = WcsGeom.create(width="1d30m", binsz="30m")
    assert geom.npix == (3, 3)


# ---------------------------------------------------------------------- as_width
# Expected (value, unit) written out by hand: plain numbers are pixels, angles degrees.
WIDTHS = [
    (3, (3.0, "pix")),
    (2.5, (2.5, "pix")),
    ("3", (3.0, "pix")),
    ("3 pix", (3.0, "pix")),
    ("3pix", (3.0, "pix")),
    (3 * u.pix, (3.0, "pix")),
    (np.float32(2), (2.0, "pix")),
    (u.Quantity(2), (2.0, "pix")),
    ("0.3 deg", (0.3, "deg")),
    ("18arcmin", (0.3, "deg")),
    ("0d18m", (0.3, "deg")),
    (18 * u.arcmin, (0.3, "deg")),
    (Angle("0.5 deg"), (0.5, "deg")),
]


@pytest.mark.parametrize(("value", "expected"), WIDTHS)
def test_as_width_plain_numbers_are_pixels_angles_are_degrees(value, expected):
    width = as_width(value)
    assert width.unit == u.Unit(expected[1])
    assert width.value == pytest.approx(expected[0], rel=1e-12)


def test_as_width_pairs():
    assert as_width((1, "0.1 deg"), pair=True) == (1 * u.pix, 0.1 * u.deg)
    assert as_width(2, pair=True) == (2 * u.pix, 2 * u.pix)
    with pytest.raises(ValueError, match=r"one width or a \(lon, lat\) pair"):
        as_width((1, 2, 3), pair=True)
    with pytest.raises(TypeError, match="angle or a number of pixels"):
        as_width((1, 2))  # a pair where one width is expected


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (-1, ValueError, "non-negative angle or pixel count"),
        ("-0.1 deg", ValueError, "non-negative"),
        (np.inf, ValueError, "non-negative"),
        ("nan", ValueError, "non-negative"),
        (None, TypeError, "angle or a number of pixels"),
        (True, TypeError, "angle or a number of pixels"),
        (2 * u.TeV, u.UnitConversionError, "angle or a number of pixels"),
        ("2 TeV", u.UnitConversionError, "angle or a number of pixels"),
        ("abc", ValueError, "angle or a number of pixels"),
        ("1 s", ValueError, "'1 s' is ambiguous"),
    ],
)
def test_as_width_errors_name_the_value_and_the_rule(value, error, match):
    with pytest.raises(error, match=match):
        as_width(value, name="width")
