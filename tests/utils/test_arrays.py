"""The NumPy 2 ``__array__(dtype, copy)`` contract of maps and EDisp kernels."""

import numpy as np
import pytest

from skymask.irf import EDispKernel
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.utils.arrays import array_protocol


def _map():
    return Map.from_geom(WcsGeom.create(npix=(3, 2), binsz=0.1), data=np.arange(6.0).reshape(2, 3))


def _kernel():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    return EDispKernel.from_diagonal_response(axis.copy(name="energy_true"), axis)


@pytest.mark.parametrize(
    ("make", "data"), [(_map, lambda m: m.data), (_kernel, lambda k: k.data)], ids=["map", "edisp"]
)
def test_np_array_copy_true_does_not_alias_the_data(make, data):
    obj = make()
    before = data(obj).copy()
    for copied in (np.array(obj, copy=True), np.array(obj), np.array(obj, dtype=np.float32)):
        assert not np.shares_memory(copied, data(obj))
        copied[...] = -1
        np.testing.assert_array_equal(data(obj), before)
    # np.asarray (copy=None) keeps numpy's "no copy unless needed".
    assert np.shares_memory(np.asarray(obj), data(obj))
    assert np.asarray(obj, dtype=np.float32).dtype == np.float32
    assert np.shares_memory(np.array(obj, copy=False), data(obj))


@pytest.mark.parametrize("make", [_map, _kernel], ids=["map", "edisp"])
def test_copy_false_that_needs_a_copy_raises_value_error(make):
    # numpy: "ValueError if a copy cannot be avoided"; before, a converted copy came back.
    with pytest.raises(ValueError, match="without a copy"):
        np.array(make(), dtype=np.float32, copy=False)


def test_array_protocol_on_a_bool_mask():
    mask = Map.from_geom(WcsGeom.create(npix=2, binsz=0.1), data=True)
    assert np.array(mask, dtype=np.uint8, copy=True).tolist() == [[1, 1], [1, 1]]
    data = np.zeros(3)
    assert array_protocol(data) is data
    assert array_protocol(data, copy=True) is not data
    assert array_protocol(data, np.float64, copy=False) is data
