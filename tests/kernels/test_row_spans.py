"""Row spans of caps on cylindrical grids against the per-pixel test (brute force).

The oracle evaluates ``limit_inner <= haversine < limit_outer`` at every pixel of the grid; the
row-span kernel must paint exactly those pixels. A second, independent oracle (astropy's
angular separation) checks the rule itself away from the rims.
"""

import numpy as np
import pytest
from astropy.coordinates import angular_separation

from skymask.kernels.raster import circle_limits, haversine_sin2_half
from skymask.kernels.row_spans import linear_longitudes, paint_cap_rows


def _grid(nx, ny, lon_start_deg, lon_step_deg, lat_start_deg, lat_step_deg):
    lon = np.radians(np.mod(lon_start_deg + lon_step_deg * np.arange(nx), 360.0))
    lat = np.radians(lat_start_deg + lat_step_deg * np.arange(ny))
    return lon, lat


def _brute_force(lon_x, lat_y, lon0, lat0, limit_inner, limit_outer):
    out = np.zeros((lat_y.size, lon_x.size), bool)
    lon, lat = np.meshgrid(lon_x, lat_y)
    for k in range(len(lon0)):
        h = haversine_sin2_half(lon, lat, lon0[k], lat0[k])
        out |= (h < limit_outer[k]) & (h >= limit_inner[k])
    return out


def _spans(lon_x, lat_y, lon0, lat0, inner, outer):
    limit_inner, limit_outer = circle_limits(inner, outer)
    out = np.zeros((lat_y.size, lon_x.size), bool)
    paint_cap_rows(out, lon_x, lat_y, lon0, lat0, limit_inner, limit_outer)
    return out, _brute_force(lon_x, lat_y, lon0, lat0, limit_inner, limit_outer)


GRIDS = {
    # A survey strip (longitude decreasing to the right, as on sky maps).
    "survey": (400, 100, 8.0, -0.04, -2.0, 0.04),
    # All-sky, pixel centres on both poles and on the seam (odd row count).
    "allsky_poles": (360, 181, 180.0, -1.0, -90.0, 1.0),
    # All-sky, no centre on a pole; longitude increasing to the right.
    "allsky": (144, 72, -177.5, 2.5, -88.75, 2.5),
    # A strip that crosses the longitude zero (wrapped table).
    "across_zero": (300, 50, 3.0, -0.02, 10.0, 0.02),
}


@pytest.mark.parametrize("name", GRIDS)
def test_random_circles_and_annuli_equal_the_per_pixel_test(name):
    nx, _, lon_start, lon_step, _, _ = GRIDS[name]
    lon_x, lat_y = _grid(*GRIDS[name])
    rng = np.random.default_rng(len(name))
    n = 60
    lon_end = lon_start + lon_step * (nx - 1)
    lon_min, lon_max = min(lon_start, lon_end), max(lon_start, lon_end)
    lon0 = np.radians(rng.uniform(lon_min - 5, lon_max + 5, n))
    lat0 = np.radians(rng.uniform(np.degrees(lat_y.min()) - 3, np.degrees(lat_y.max()) + 3, n))
    lat0 = np.clip(lat0, -np.pi / 2, np.pi / 2)
    step = abs(lon_x[1] - lon_x[0])
    outer = rng.uniform(0.3, 20, n) * step
    inner = np.where(rng.random(n) < 0.5, 0.0, outer * rng.uniform(0.1, 0.9, n))
    ours, oracle = _spans(lon_x, lat_y, lon0, lat0, inner, outer)
    assert oracle.any()
    np.testing.assert_array_equal(ours, oracle)


@pytest.mark.parametrize(
    ("lon0_deg", "lat0_deg", "inner_deg", "outer_deg"),
    [
        (180.0, 0.0, 0.0, 10.0),  # on the seam of the all-sky map
        (179.5, 60.0, 2.0, 25.0),  # annulus across the seam at high latitude
        (0.0, 89.0, 0.0, 5.0),  # around the north pole
        (45.0, -90.0, 0.0, 30.0),  # centred on the south pole
        (10.0, 20.0, 0.0, 179.0),  # nearly the whole sky
        (10.0, 20.0, 0.0, 180.0),  # the whole sky but the antipode
        (10.0, 20.0, 0.0, 200.0),  # beyond 180 deg: the whole sky
        (10.0, 20.0, 170.0, 200.0),  # a cap around the antipode
        (10.0, 20.0, 1.0, 1.0),  # empty annulus
        (10.0, 20.0, 0.0, 0.0),  # empty circle
        (0.0, 0.0, 0.0, 1.0),  # one pixel (the centre is a pixel centre)
        (0.5, 0.5, 0.0, 1.0),  # between pixel centres, radius exactly on them
    ],
)
def test_special_caps_on_an_all_sky_grid(lon0_deg, lat0_deg, inner_deg, outer_deg):
    lon_x, lat_y = _grid(*GRIDS["allsky_poles"])
    ours, oracle = _spans(
        lon_x,
        lat_y,
        np.radians([lon0_deg]),
        np.radians([lat0_deg]),
        np.radians([inner_deg]),
        np.radians([outer_deg]),
    )
    np.testing.assert_array_equal(ours, oracle)


def test_the_rule_is_the_angular_separation_away_from_rims():
    # Independent of the haversine: astropy's angular separation (Vincenty).
    lon_x, lat_y = _grid(*GRIDS["allsky"])
    lon0, lat0, radius = np.radians([170.0]), np.radians([50.0]), np.radians([30.0])
    ours, _ = _spans(lon_x, lat_y, lon0, lat0, np.zeros(1), radius)
    lon, lat = np.meshgrid(lon_x, lat_y)
    separation = angular_separation(lon, lat, lon0[0], lat0[0])
    clear = np.abs(separation - radius[0]) > 1e-9
    np.testing.assert_array_equal(ours[clear], (separation < radius[0])[clear])
    assert ours[:, 0].any() and ours[:, -1].any()  # both sides of the seam


def test_non_contiguous_output_and_no_caps():
    lon_x, lat_y = _grid(*GRIDS["survey"])
    limit_inner, limit_outer = circle_limits(np.zeros(1), np.radians([0.5]))
    big = np.zeros((lat_y.size, 2 * lon_x.size), bool)
    view = big[:, ::2]
    paint_cap_rows(view, lon_x, lat_y, np.radians([6.0]), np.zeros(1), limit_inner, limit_outer)
    oracle = _brute_force(lon_x, lat_y, np.radians([6.0]), np.zeros(1), limit_inner, limit_outer)
    np.testing.assert_array_equal(view, oracle)
    assert not big[:, 1::2].any()
    empty = np.zeros((lat_y.size, lon_x.size), bool)
    paint_cap_rows(empty, lon_x, lat_y, np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    assert not empty.any()


def test_linear_longitudes():
    lon_x, _ = _grid(*GRIDS["across_zero"])
    start, step = linear_longitudes(lon_x)
    assert step == pytest.approx(np.radians(-0.02))
    assert start == pytest.approx(np.radians(3.0))
    assert linear_longitudes(np.radians([1.0, 2.0, 4.0])) is None  # not linear
    assert linear_longitudes(np.radians([1.0])) is None  # one column: no step
    assert linear_longitudes(np.array([0.0, np.nan])) is None


@pytest.mark.parametrize("outer_deg", [179.8, 179.95, 179.999, 180.0])
def test_near_whole_rows_on_fine_pixels(outer_deg):
    # Rows that are almost whole (the span's half-width near 180 deg) are where the closed
    # form is least precise: fine pixels around the antipode of the centre.
    lon_x, lat_y = _grid(400, 60, 190.2, -0.001, -20.03, 0.001)
    ours, oracle = _spans(
        lon_x,
        lat_y,
        np.radians([10.0]),
        np.radians([20.0]),
        np.zeros(1),
        np.radians([outer_deg]),
    )
    assert not oracle.all()
    np.testing.assert_array_equal(ours, oracle)


@pytest.mark.parametrize("batch", [7, 1 << 16])
@pytest.mark.parametrize("contiguous", [True, False])
def test_fill_equals_one_slice_per_span(monkeypatch, batch, contiguous):
    """Overlapping, clipped, empty and batch-crossing spans set exactly the pixels of one
    ``out[row, first:stop] = True`` slice each (spans longer than a batch included)."""
    from skymask.kernels import row_spans

    monkeypatch.setattr(row_spans, "_BATCH_PIXELS", batch)
    rng = np.random.default_rng(11)
    ny, nx = 9, 23
    row = rng.integers(0, ny, 200)
    first = rng.integers(-5, nx + 3, 200)
    stop = first + rng.integers(-3, 15, 200)
    expected = np.zeros((ny, nx), bool)
    for r, f, s in zip(row, first, stop, strict=True):
        expected[r, max(f, 0) : max(s, 0)] = True
    out = np.zeros((ny, nx), bool) if contiguous else np.zeros((nx, ny), bool).T
    row_spans._fill(out, row, first, stop)
    np.testing.assert_array_equal(out, expected)
