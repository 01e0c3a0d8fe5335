"""Property-based tests of the ds9 reader (issue 12, "Checked by").

Valid shapes are drawn at random on random small geometries (CAR, TAN and AIT, near the poles,
all-sky CAR and AIT), written as ds9 text in randomly chosen but equivalent ways (frames,
units, sexagesimal, parentheses, separators, composite '||', comments, properties, labels),
read back, and the mask is compared with a brute-force reading of the same shapes that never
goes through skymask: angular separations for circles and annuli, matplotlib's point-in-polygon
for polygons, the documented Jacobian construction rebuilt with astropy for boxes and
ellipses. Mutated and random text must give a mask or a ValueError with a clear message, never
another exception, a traceback-like message or a hang.

The deterministic hypothesis profile (tests/conftest.py) keeps the run reproducible and fast.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.wcs import WCS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.path import Path
from numpy.testing import assert_array_equal

from skymask.maps import WcsGeom

FRAMES = {"icrs": "icrs", "fk5": "fk5", "galactic": "galactic"}


@dataclass
class Shape:
    kind: str
    frame: str
    lon: float
    lat: float
    sizes: tuple = ()  # deg: radius, radii, (w, h) full sizes
    angle: float = 0.0
    vertices: tuple = ()  # ((lon, lat), ...) for polygons
    include: bool = True


# ---------------------------------------------------------------------- strategies
@st.composite
def geometries(draw):
    kind = draw(st.sampled_from(["small", "small", "pole", "allsky"]))
    frame = draw(st.sampled_from(["icrs", "galactic"]))
    if kind == "allsky":
        return WcsGeom.create(binsz=6.0, frame=frame, proj=draw(st.sampled_from(["CAR", "AIT"])))
    lat = draw(st.floats(-80, 80)) if kind == "small" else draw(st.sampled_from([86.0, -88.5]))
    return WcsGeom.create(
        npix=(draw(st.integers(6, 30)), draw(st.integers(6, 24))),
        binsz=draw(st.sampled_from([0.05, 0.2, 0.5])),
        skydir=(draw(st.floats(0, 360)), lat),
        frame=frame,
        proj=draw(st.sampled_from(["CAR", "TAN", "AIT"])),
    )


def _centre(draw, geom, frame):
    nx, ny = geom.npix
    x = draw(st.floats(-2, nx + 1))
    y = draw(st.floats(-2, ny + 1))
    lon, lat = geom.wcs.wcs_pix2world(x, y, 0)
    if not (np.isfinite(lon) and np.isfinite(lat)):
        lon, lat = geom.center_skydir.data.lon.deg, geom.center_skydir.data.lat.deg
    coord = SkyCoord(float(lon), float(lat), unit="deg", frame=geom.frame).transform_to(frame)
    # Round to what the ds9 text holds exactly (8 decimals), so the oracle reads the same.
    return round(coord.spherical.lon.deg % 360, 8), round(float(coord.spherical.lat.deg), 8)


@st.composite
def shapes(draw, geom):
    frame = draw(st.sampled_from(list(FRAMES)))
    lon, lat = _centre(draw, geom, frame)
    scale = float(geom.pixel_scales.deg[0])
    size = st.floats(0.6 * scale, 6 * scale).map(lambda v: round(v, 6))
    kind = draw(st.sampled_from(["circle", "annulus", "box", "ellipse", "polygon", "point"]))
    include = draw(st.sampled_from([True, True, True, False]))
    if kind == "circle":
        return Shape(kind, frame, lon, lat, (draw(size),), include=include)
    if kind == "annulus":
        radii = sorted(set(draw(st.lists(size, min_size=2, max_size=3))))
        if len(radii) < 2:
            radii = [radii[0], round(radii[0] * 1.5, 6)]
        return Shape(kind, frame, lon, lat, tuple(radii), include=include)
    if kind in ("box", "ellipse"):
        angle = round(draw(st.floats(-180, 360)), 4)
        return Shape(kind, frame, lon, lat, (draw(size), draw(size)), angle, include=include)
    if kind == "polygon":
        n = draw(st.integers(3, 6))
        bearings = np.sort(draw(st.lists(st.floats(0, 360), min_size=n, max_size=n, unique=True)))
        centre = SkyCoord(lon, lat, unit="deg", frame=frame)
        vertices = []
        for bearing in bearings:
            distance = draw(size)
            point = centre.directional_offset_by(bearing * u.deg, distance * u.deg)
            vertices.append(
                (round(point.spherical.lon.deg % 360, 8), round(float(point.spherical.lat.deg), 8))
            )
        return Shape(kind, frame, lon, lat, vertices=tuple(vertices), include=include)
    return Shape("point", frame, lon, lat, include=include)


# ---------------------------------------------------------------------- writing ds9 text
def _coordinate(draw, value, frame, axis):
    style = draw(st.sampled_from(["plain", "plain", "d", "sex"]))
    if style == "d":
        return f"{value:.8f}d"
    if style == "sex":
        hours = axis == 0 and frame != "galactic"
        angle = Angle(value, unit=u.deg)
        if hours:
            return angle.to_string(unit=u.hourangle, sep=":", precision=10, pad=True)
        return angle.to_string(unit=u.deg, sep=":", precision=9, alwayssign=axis == 1)
    return f"{value:.8f}"


def _size(draw, value):
    style = draw(st.sampled_from(["plain", "d", "arcmin", "arcsec"]))
    if style == "arcmin":
        return f"{value * 60:.10g}'"
    if style == "arcsec":
        return f'{value * 3600:.10g}"'
    return f"{value:.10g}" + ("d" if style == "d" else "")


def _render_shape(draw, shape) -> str:
    parts = [
        _coordinate(draw, shape.lon, shape.frame, 0),
        _coordinate(draw, shape.lat, shape.frame, 1),
    ]
    if shape.kind == "polygon":
        parts = []
        for lon, lat in shape.vertices:
            parts += [
                _coordinate(draw, lon, shape.frame, 0),
                _coordinate(draw, lat, shape.frame, 1),
            ]
    elif shape.kind in ("circle", "annulus"):
        parts += [_size(draw, value) for value in shape.sizes]
    elif shape.kind == "ellipse":
        parts += [_size(draw, value / 2) for value in shape.sizes] + [f"{shape.angle}"]
    elif shape.kind == "box":
        parts += [_size(draw, value) for value in shape.sizes] + [f"{shape.angle}"]
    separator = draw(st.sampled_from([",", ", ", " "]))
    name = draw(st.sampled_from([shape.kind, shape.kind.upper()]))
    if draw(st.booleans()):
        text = f"{name}({separator.join(parts)})"
    else:
        text = f"{name} {' '.join(parts)}"
    sign = "" if shape.include else "-"
    if not shape.include and draw(st.booleans()):
        sign, text = "", text + " # include=0"
    elif draw(st.booleans()):
        text += draw(st.sampled_from([" # color=red", " # text={a;b} tag={x}", " #width=2"]))
    return sign + text


def _is_shape(line):
    return re.match(r"-?(circle|annulus|box|ellipse|polygon|point)\b", line, re.IGNORECASE)


@st.composite
def ds9_texts(draw, geom):
    items = draw(st.lists(shapes(geom), min_size=1, max_size=4))
    lines = []
    if draw(st.booleans()):
        lines.append("# Region file format: DS9 version 4.1")
        lines.append('global color=green dashlist=8 3 width=1 font="helvetica 10 normal"')
    frame = None
    for shape in items:
        if shape.frame != frame or draw(st.booleans()):
            lines.append(draw(st.sampled_from([shape.frame, shape.frame.upper()])))
            frame = shape.frame
        lines.append(_render_shape(draw, shape))
        if draw(st.integers(0, 5)) == 0:
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            "# text(0,0) text={label}",
                            f"text({shape.lon:.6f},{shape.lat:.6f}) # text={{x}}",
                            f"line({shape.lon:.6f},{shape.lat:.6f},0,0)",
                            "# vector(1,1,1,45) vector=1",
                            "# just a comment",
                        ]
                    )
                )
            )
    text = lines[0]
    for previous, line in pairwise(lines):
        # A comment runs to the end of its line.
        joiner = "\n" if "#" in previous else draw(st.sampled_from(["\n", ";", "\r\n", " ;\n"]))
        # ds9 composite members: "shape ||" then the next shape (a union, as separate shapes).
        shapes_both = all(_is_shape(x) for x in (previous, line))
        if joiner == "\n" and shapes_both and draw(st.integers(0, 4)) == 0:
            joiner = " ||\n"
        text += joiner + line
    return items, text


# ---------------------------------------------------------------------- brute force
def _pixels(geom):
    coords = geom.get_coord()
    lon, lat = coords["lon"].to_value("deg"), coords["lat"].to_value("deg")
    return lon, lat, np.isfinite(lon) & np.isfinite(lat)


def _in_frame(geom, lon, lat, frame):
    finite = np.isfinite(lon)
    pixels = SkyCoord(
        np.where(finite, lon, 0), np.where(finite, lat, 0), unit="deg", frame=geom.frame
    )
    return pixels.transform_to(frame)


def _separation(geom, shape):
    lon, lat, finite = _pixels(geom)
    centre = SkyCoord(shape.lon, shape.lat, unit="deg", frame=shape.frame)
    return np.where(finite, _in_frame(geom, lon, lat, shape.frame).separation(centre).deg, np.inf)


def _map_lonlat(geom, points):
    coords = points.transform_to(geom.frame)
    return coords.spherical.lon.deg, coords.spherical.lat.deg


def _recentred(geom, lon_centre):
    wcs = WCS(geom.wcs.to_header())
    wcs.wcs.crval = [lon_centre, wcs.wcs.crval[1]]
    wcs.wcs.set()
    return wcs


class Refused(Exception):
    """The brute force expects skymask to refuse the shape (polygon round a pole)."""


def brute_polygon(geom, shape):
    vertices = SkyCoord(
        [v[0] for v in shape.vertices],
        [v[1] for v in shape.vertices],
        unit="deg",
        frame=shape.frame,
    )
    vlon, vlat = _map_lonlat(geom, vertices)
    wcs = geom.wcs
    if geom.projection in ("CAR", "AIT") and geom.wcs.wcs.crval[1] == 0:
        # Native longitude = longitude - crval1 here: edges take the shorter way round.
        phi = (vlon - wcs.wcs.crval[0] + 180) % 360 - 180
        direct = np.diff(np.append(phi, phi[0]))
        step = (direct + 180) % 360 - 180
        step[direct == 180] = 180
        if abs(step.sum()) > 180:
            raise Refused
        if np.any(np.abs(direct) > 180):
            unwrapped = phi[0] + np.concatenate([[0.0], np.cumsum(step[:-1])])
            wcs = _recentred(geom, wcs.wcs.crval[0] + 0.5 * (unwrapped.min() + unwrapped.max()))
    vx, vy = wcs.wcs_world2pix(vlon, vlat, 0)
    lon, lat, finite = _pixels(geom)
    px, py = wcs.wcs_world2pix(np.where(finite, lon, 0), np.where(finite, lat, 0), 0)
    inside = Path(np.column_stack([vx, vy])).contains_points(
        np.column_stack([px.ravel(), py.ravel()])
    )
    return inside.reshape(px.shape) & finite, None


def _jacobian(wcs, centre, frame):
    """Pixels per degree towards west and north *of the shape's frame* (D12)."""
    step = 1 / 3600
    west = centre.directional_offset_by(270 * u.deg, step * u.deg)
    north = centre.directional_offset_by(0 * u.deg, step * u.deg)
    x, y = wcs.world_to_pixel(SkyCoord([centre, west, north]).transform_to(frame))
    return x[0], y[0], np.array([[x[1] - x[0], x[2] - x[0]], [y[1] - y[0], y[2] - y[0]]]) / step


def brute_local(geom, shape):
    """The documented box/ellipse: tangent plane -> pixels through the Jacobian at the centre,
    in the projection re-centred on the shape when its outline runs off the map's projection."""
    width, height = shape.sizes
    a = np.radians(shape.angle)
    rotation = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    centre = SkyCoord(shape.lon, shape.lat, unit="deg", frame=shape.frame)
    wcs = geom.wcs
    x0, y0, jac = _jacobian(wcs, centre, geom.frame)
    if geom.projection in ("CAR", "AIT"):
        if shape.kind == "box":
            t = np.linspace(-1, 1, 9)[:-1]
            ou = np.concatenate([t, np.ones(8), -t, -np.ones(8)]) * width / 2
            ov = np.concatenate([-np.ones(8), t, np.ones(8), -t]) * height / 2
        else:
            t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
            ou, ov = width / 2 * np.cos(t), height / 2 * np.sin(t)
        outline = jac @ rotation.T @ np.array([ou, ov])
        olon, _ = wcs.wcs_pix2world(x0 + outline[0], y0 + outline[1], 0)
        if not np.all(np.isfinite(olon)):
            assert wcs.wcs.crval[1] == 0
            wcs = _recentred(geom, centre.transform_to(geom.frame).spherical.lon.deg)
            x0, y0, jac = _jacobian(wcs, centre, geom.frame)
    to_local = rotation @ np.linalg.inv(jac)
    lon, lat, finite = _pixels(geom)
    px, py = wcs.wcs_world2pix(np.where(finite, lon, 0), np.where(finite, lat, 0), 0)
    du = to_local[0, 0] * (px - x0) + to_local[0, 1] * (py - y0)
    dv = to_local[1, 0] * (px - x0) + to_local[1, 1] * (py - y0)
    if shape.kind == "box":
        margin = np.minimum(width / 2 - np.abs(du), height / 2 - np.abs(dv))
    else:
        margin = 1 - np.hypot(2 * du / width, 2 * dv / height)
    return (margin > 0) & finite, (np.abs(margin) < 1e-7) & finite


def brute_force(geom, shape):
    """(inside, uncertain) for one shape, without skymask."""
    if shape.kind == "circle":
        return _separation(geom, shape) < shape.sizes[0], None
    if shape.kind == "annulus":
        distance = _separation(geom, shape)
        return (distance >= shape.sizes[0]) & (distance < shape.sizes[-1]), None
    if shape.kind == "point":
        centre = SkyCoord(shape.lon, shape.lat, unit="deg", frame=shape.frame)
        x, y = geom.wcs.world_to_pixel(centre.transform_to(geom.frame))
        mask = np.zeros(geom.data_shape, dtype=bool)
        ix, iy = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        if 0 <= ix < geom.npix[0] and 0 <= iy < geom.npix[1]:
            mask[iy, ix] = True
        return mask, None
    if shape.kind == "polygon":
        return brute_polygon(geom, shape)
    return brute_local(geom, shape)


def expected_mask(geom, items):
    included = np.zeros(geom.data_shape, dtype=bool)
    excluded = np.zeros(geom.data_shape, dtype=bool)
    uncertain = np.zeros(geom.data_shape, dtype=bool)
    for shape in items:
        inside, unsure = brute_force(geom, shape)
        (included if shape.include else excluded)[...] |= inside
        if unsure is not None:
            uncertain |= unsure
    if not any(shape.include for shape in items):
        included[...] = True
    return included & ~excluded, uncertain


# ---------------------------------------------------------------------- the properties
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_ds9_text_gives_the_brute_force_mask(data):
    geom = data.draw(geometries())
    items, text = data.draw(ds9_texts(geom))
    try:
        expected, uncertain = expected_mask(geom, items)
    except Refused:
        with pytest.raises(ValueError, match="goes round a pole"):
            geom.region_mask(text)
        return
    mask = geom.region_mask(text).data
    clear = ~uncertain
    assert_array_equal(mask[clear], expected[clear], err_msg=text)


_NOISE = [*";|&^#(){}'\"\n ,.-+:=!", "nan", "inf", "1e999", "circle", "n=2", "\0", "é"]
_JOINERS = [" ", " & ", " ^ ", "&&", " - "]


@st.composite
def mutated_texts(draw):
    geom = WcsGeom.create(npix=(12, 10), binsz=0.5, skydir=(0, 0), frame="galactic")
    _, text = draw(ds9_texts(geom))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "join"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(_NOISE)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 5)) :]
        elif action == "replace":
            text = text[:position] + draw(st.sampled_from(_NOISE)) + text[position + 1 :]
        else:
            text = re.sub(r";", draw(st.sampled_from(_JOINERS)), text, count=1)
    return geom, text


def _check_refusal_or_mask(geom, text):
    start = time.perf_counter()
    try:
        mask = geom.region_mask(text)
    except (ValueError, TypeError, FileNotFoundError, IsADirectoryError) as exc:
        message = str(exc)
        assert type(exc).__name__ not in ("KeyError", "IndexError", "AttributeError")
        assert message and "Traceback" not in message
        assert re.search(r"ds9|region|file|folder|finite", message), message
        assert not re.match(r"^'?\w'?$", message)  # not a bare KeyError-style token
    else:
        assert mask.data.dtype == bool
    assert time.perf_counter() - start < 5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_texts())
def test_mutated_ds9_text_gives_a_mask_or_a_clear_error(case):
    geom, text = case
    _check_refusal_or_mask(geom, text)


@settings(max_examples=100, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*_NOISE, *"abcdeilnoprstxy0123456789", "galactic;", "box"]),
        max_size=30,
    ).map("".join)
)
def test_random_text_gives_a_mask_or_a_clear_error(text):
    geom = WcsGeom.create(npix=(8, 8), binsz=0.5, skydir=(0, 0), frame="galactic")
    _check_refusal_or_mask(geom, text)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_shapes_joined_by_anything_but_a_separator_are_never_dropped(data):
    # Two valid shapes joined by blanks, '&', '^' or '-' are refused; '||' gives both.
    geom = WcsGeom.create(npix=(20, 20), binsz=0.2, skydir=(0, 0), frame="galactic")
    first = data.draw(shapes(geom))
    second = data.draw(shapes(geom))
    first.include = second.include = True
    a, b = _render_shape(data.draw, first), _render_shape(data.draw, second)
    a = a.split(" #")[0]
    joiner = data.draw(st.sampled_from([*_JOINERS, " || ", " | "]))
    text = f"{first.frame};{a}{joiner}{second.frame};{b}"
    both = f"{first.frame};{a};{second.frame};{b}"
    expected = geom.region_mask(both).data
    texts = [text]
    if first.frame == second.frame:
        texts.append(f"{first.frame};{a}{joiner}{b}")
    for text in texts:
        if joiner.strip() in ("||", "|"):
            assert_array_equal(geom.region_mask(text).data, expected, err_msg=text)
        else:
            with pytest.raises(ValueError, match="cannot parse"):
                geom.region_mask(text)
