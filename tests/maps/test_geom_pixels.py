"""WcsGeom's gammapy pixel API: get_pix, get_idx, center_coord, shape_axes, rename_axes."""

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import MapAxis, WcsGeom


@pytest.fixture
def axis():
    return MapAxis.from_edges([0, 2, 3], name="offset", unit="deg")


def test_get_pix_shapes_and_edges_as_gammapy(axis):
    # gammapy's test_wcs_geom_get_pix_coords: (2, 3, 4) centres, (2, 4, 5) corners
    geom = WcsGeom.create(skydir=(0, 0), npix=(4, 3), binsz=1, frame="galactic", axes=[axis])
    x, y, a = geom.get_pix()
    assert x.shape == y.shape == a.shape == (2, 3, 4)
    assert_array_equal(x[1, 2], [0, 1, 2, 3]) and (y[1, :, 0] == [0, 1, 2]).all()
    assert_array_equal(a[:, 0, 0], [0, 1])
    xe, ye, ae = geom.get_pix(mode="edges")
    assert xe.shape == (2, 4, 5) and (xe[0, 0, 0], ye[0, 0, 0], ae[0, 0, 0]) == (-0.5, -0.5, 0)
    one_plane = geom.get_pix(idx=(1,))
    assert one_plane[0].shape == (1, 3, 4) and (one_plane[2] == 1).all()


def test_pixels_outside_an_allsky_projection_are_nan_and_index_minus_one():
    geom = WcsGeom.create(binsz=10, proj="AIT", frame="galactic")
    x, _ = geom.get_pix()
    # oracle: astropy gives NaN world coordinates exactly there
    lon = geom.wcs.pixel_to_world_values(*np.meshgrid(np.arange(36.0), np.arange(18.0)))[0]
    assert_array_equal(np.isnan(x), ~np.isfinite(lon))
    assert np.isnan(x).any()
    ix, _ = geom.get_idx()
    assert_array_equal(ix == -1, ~np.isfinite(lon))
    flat_x, _ = geom.get_idx(flat=True)
    assert flat_x.shape == (int(np.isfinite(lon).sum()),)


def test_center_coord_follows_astropy_and_the_axis_middle(axis):
    geom = WcsGeom.create(skydir=(10.0, 20.0), npix=(5, 4), binsz=0.5, proj="TAN", axes=[axis])
    lon, lat, offset = geom.center_coord
    centre = geom.wcs.pixel_to_world(2.0, 1.5)  # ((nx - 1) / 2, (ny - 1) / 2)
    assert_allclose([lon.value, lat.value], [centre.ra.deg, centre.dec.deg])
    assert_allclose(offset.value, 2.0)  # pixel 0.5 of edges [0, 2, 3] is the edge 2


def test_shape_axes_array_shape_regularity_and_renaming(axis):
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(skydir=(0, 0), binsz=1, width=(3, 5), axes=[energy, axis])
    assert geom.shape_axes == (3, 2)
    assert geom.wcs.array_shape == (5, 3) == geom.data_shape_image
    assert geom.is_regular
    renamed = geom.rename_axes(["energy", "offset"], ["energy_true", "theta"])
    assert renamed.axes.names == ["energy_true", "theta"] and geom.axes.names == [
        "energy",
        "offset",
    ]
    with pytest.raises(ValueError, match="same length"):
        geom.rename_axes(["energy"], ["a", "b"])


def test_get_idx_agrees_with_coord_to_idx_of_the_pixel_centres(axis):
    geom = WcsGeom.create(
        npix=(7, 4), binsz=0.3, skydir=SkyCoord(83.6, 22.0, unit="deg"), axes=[axis]
    )
    idx = geom.get_idx()
    from_coords = geom.coord_to_idx(geom.get_coord())
    for a, b in zip(idx, from_coords, strict=True):
        assert_array_equal(a, b)
