"""HpxNDMap.plot(method="poly"): the polygons are the pixels' corners, the colours the values."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.maps import HpxGeom, HpxNDMap
from skymask.maps.hpx.pixels import lonlat_to_pix

Z = np.degrees(np.arcsin(2 / 3))  # latitude of the nside 1 corners off the equator
Z3 = round(Z, 3)


def _nside1_corners(ring_pixel):
    """The corners of a ring-scheme nside 1 pixel from the HEALPix paper's layout (Gorski et
    al. 2005, fig. 3), as a set of (lon, lat) in degrees (pole corners with lon None)."""
    k = ring_pixel % 4
    if ring_pixel < 4:
        corners = [(None, 90.0), (90.0 * k, Z3), (45.0 + 90 * k, 0.0), (90.0 * (k + 1), Z3)]
    elif ring_pixel < 8:
        corners = [(90.0 * k, Z3), (90.0 * k - 45, 0.0), (90.0 * k, -Z3), (90.0 * k + 45, 0.0)]
    else:
        corners = [(45.0 + 90 * k, 0.0), (90.0 * k, -Z3), (None, -90.0), (90.0 * (k + 1), -Z3)]
    return {(None if a is None else a % 360, b) for a, b in corners}


def _patch_world(ax, patch_path, wcs):
    x, y = patch_path.vertices[:-1].T  # closed paths repeat the first vertex
    lon, lat = wcs.pixel_to_world_values(x, y)
    return np.mod(lon, 360), lat


def _as_set(lon, lat):
    out = set()
    for a, b in zip(lon, lat, strict=True):
        pole = abs(b) > 90 - 1e-6
        out.add((None if pole else round(float(a) % 360, 3) % 360, round(float(b), 3)))
    return out


@pytest.fixture
def fig():
    figure = plt.figure()
    yield figure
    plt.close(figure)


def test_poly_patches_are_the_pixel_corners_and_the_seam_pixel_is_cut(fig):
    m = HpxNDMap.create(nside=1, nest=False, frame="icrs", dtype=float)
    m.data[:] = np.arange(12.0)
    ax = m.plot(fig=fig, method="poly", proj="CAR")
    collection = ax.collections[0]
    paths = collection.get_paths()
    wcs = m.geom.to_wcs_geom(proj="CAR", oversample=1).wcs
    # ring pixel 6 is centred on lon 180 (the seam of a projection centred on 0): two parts
    assert len(paths) == 13
    values = collection.get_array()
    assert sorted(values.tolist()) == sorted([*range(12), 6])
    seen = {}
    for path, value in zip(paths, values, strict=True):
        lon, lat = _patch_world(ax, path, wcs)
        seen.setdefault(int(value), []).append((lon, lat))
    for pixel in range(12):
        if pixel == 6:
            continue
        ((lon, lat),) = seen[pixel]
        corners = _as_set(lon, lat)
        # a corner on the seam is drawn SEAM_GAP (1e-4 deg) inside it
        corners = {(c if c is None or abs(c - 180) > 1e-3 else 180.0, b) for c, b in corners}
        corners = {(0.0 if c == 360.0 else c, b) for c, b in corners}
        assert corners == _nside1_corners(pixel), pixel
    # the cut pixel: one part from 135 deg to the seam, one from the seam to 225 deg
    parts = sorted(seen[6], key=lambda p: p[0].min())
    assert_allclose([parts[0][0].min(), parts[0][0].max()], [135, 180], atol=2e-4)
    assert_allclose([parts[1][0].min(), parts[1][0].max()], [180, 225], atol=2e-4)
    for _lon, lat in parts:
        assert_allclose([lat.min(), lat.max()], [-Z, Z], atol=2e-4)  # cut 1e-4 deg inside


@pytest.mark.parametrize("nest", [False, True])
def test_poly_corners_bound_their_pixel(fig, nest):
    # independent of the corner code: a point a little way from each drawn corner towards
    # the pixel's centre lies in that pixel (lon/lat -> pixel)
    m = HpxNDMap.create(nside=4, nest=nest, frame="galactic", dtype=float)
    m.data[:] = np.arange(m.data.size)
    ax = m.plot(fig=fig, method="poly", proj="AIT")
    wcs = m.geom.to_wcs_geom(proj="AIT", oversample=1).wcs
    centres = m.geom.get_coord()
    clon, clat = centres.lon.to_value("deg"), centres.lat.to_value("deg")
    collection = ax.collections[0]
    for path, value in zip(collection.get_paths(), collection.get_array(), strict=True):
        i = int(value)
        lon, lat = _patch_world(ax, path, wcs)
        lon = np.where(np.abs(lat) > 90 - 1e-6, clon[i], lon)  # the pole: any longitude
        on_seam = np.abs(((lon - 180) + 180) % 360 - 180) < 1e-3
        lon, lat = lon[~on_seam], lat[~on_seam]  # cut points of a pixel across the seam
        # move 5 % of the way to the centre along the lon/lat chart
        dlon = ((clon[i] - lon + 180) % 360) - 180
        inner = lonlat_to_pix(4, nest, lon + 0.05 * dlon, lat + 0.05 * (clat[i] - lat))
        assert np.all(inner == m.geom.ipix[i]), i


def test_poly_colours_follow_the_values(fig):
    m = HpxNDMap.create(nside=2, frame="icrs", dtype=float)
    m.data[:] = np.linspace(-1, 3, m.data.size)
    ax = m.plot(fig=fig, method="poly", cmap="viridis")
    fig.canvas.draw()
    collection = ax.collections[0]
    values = np.asarray(collection.get_array())
    norm = matplotlib.colors.Normalize(vmin=-1, vmax=3)
    expected = matplotlib.colormaps["viridis"](norm(values))
    assert_allclose(collection.get_facecolors(), expected, atol=1e-12)


def test_poly_plots_masks_and_refuses_other_methods(fig):
    mask = HpxGeom(nside=4).region_mask("icrs;circle(0, 0, 30)")
    ax = mask.plot(fig=fig, method="poly")
    values = np.asarray(ax.collections[0].get_array())
    assert set(values.tolist()) == {0.0, 1.0}
    with pytest.raises(ValueError, match="'raster' or 'poly'"):
        mask.plot(fig=fig, method="polygons")
