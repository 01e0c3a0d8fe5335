"""MapCoord with gammapy's semantics: create, indexing, iteration, flat, apply_mask, frames."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import MapAxis, MapCoord, WcsGeom


def test_create_from_tuples_dicts_and_skycoords():
    lon, lat = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    energy = [100.0, 1000.0] * u.GeV
    sky = SkyCoord(lon, lat, unit="deg", frame="galactic")
    from_tuple = MapCoord.create((lon, lat, energy))
    assert from_tuple.axis_names == ["lon", "lat", "axis0"] and not from_tuple.match_by_name
    assert from_tuple.frame is None and from_tuple.ndim == 3
    from_sky = MapCoord.create((sky, energy), axis_names=["energy"])
    assert from_sky.frame == "galactic" and from_sky.axis_names == ["lon", "lat", "energy"]
    assert_allclose(from_sky.lon, lon)
    from_dict = MapCoord.create({"skycoord": sky, "energy": energy}, frame="icrs")
    # the SkyCoord is converted to the requested frame: astropy is the oracle
    assert from_dict.frame == "icrs" and from_dict.match_by_name
    assert_allclose(from_dict.lon, sky.icrs.ra.deg)
    assert_allclose(from_dict.lat, sky.icrs.dec.deg)
    assert from_dict["energy"].unit == "GeV"
    assert MapCoord.create(from_dict) is from_dict
    with pytest.raises(ValueError, match="'lon'/'lat' or 'skycoord'"):
        MapCoord.create({"energy": energy})
    with pytest.raises(TypeError, match=r"MapCoord\.create takes"):
        MapCoord.create("0 0")


def test_indexing_iteration_and_dict_access():
    coords = MapCoord.create({"energy": [1, 2], "lat": [3, 4], "lon": [5, 6]})
    # positions follow the dict order, as in gammapy
    assert coords[0].tolist() == [1, 2] and coords[2].tolist() == [5, 6]
    assert [c.tolist() for c in coords] == [[1, 2], [3, 4], [5, 6]]
    assert [c.tolist() for c in coords[1:]] == [[3, 4], [5, 6]]
    assert coords["ENERGY"].tolist() == [1, 2]  # case-insensitive fallback
    assert "lon" in coords and coords.get("time") is None
    assert dict(coords.items()).keys() == {"energy", "lat", "lon"}
    with pytest.raises(KeyError, match="no coordinate named 'time'"):
        coords["time"]
    scalar = MapCoord({"lon": 0, "lat": 0})
    assert scalar.lon.shape == (1,) and scalar.size == 1


def test_flat_broadcasts_and_drops_non_finite_longitudes():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(binsz=30, proj="AIT", frame="galactic", axes=[axis])
    coords = geom.get_coord()
    flat = coords.flat
    finite = np.isfinite(coords["lon"].value)
    assert flat.shape == (int(finite.sum()),)
    assert_array_equal(flat["energy"].value, coords["energy"].value[finite])
    assert_array_equal(flat.lat.value, coords.lat.value[finite])


def test_apply_mask_squeezes_sparse_axis_coordinates():
    coords = MapCoord(
        {"lon": np.arange(4.0).reshape(1, 2, 2), "lat": np.ones((1, 2, 2)), "e": [[[7.0]]]}
    )
    masked = coords.apply_mask(np.array([[True, False], [False, True]]))
    assert masked.lon.tolist() == [0.0, 3.0]
    assert masked["e"].shape == (1, 1)


def test_to_frame_matches_astropy_and_keeps_quantities():
    coords = MapCoord.create(
        {"lon": [10.0, 200.0] * u.deg, "lat": [5.0, -60.0] * u.deg}, frame="icrs"
    )
    galactic = coords.to_frame("galactic")
    oracle = SkyCoord([10.0, 200.0], [5.0, -60.0], unit="deg", frame="icrs").galactic
    assert galactic.frame == "galactic" and galactic.lon.unit == u.deg
    assert_allclose(galactic.lon.value, oracle.l.deg)
    assert_allclose(galactic.lat.value, oracle.b.deg)
    assert coords.frame == "icrs"  # unchanged


def test_tuple_coordinates_match_axes_by_position():
    e_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=3, binsz=1, axes=[e_axis])
    by_position = MapCoord.create((0.0, 0.0, 5.0 * u.TeV))
    assert [int(i[0]) for i in geom.coord_to_idx(by_position)] == [1, 1, 1]
