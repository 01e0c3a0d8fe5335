"""Assertions for tests of code that uses skymask (in the spirit of ``xarray.testing``)."""

from __future__ import annotations

import numpy as np

__all__ = ["assert_geom_equal", "assert_map_equal"]


def assert_geom_equal(actual, expected) -> None:
    """Raise AssertionError unless the two geometries are equal (within 1e-6)."""
    if actual != expected:
        raise AssertionError(
            f"geometries differ:\n  actual  : {actual!r}\n  expected: {expected!r}"
        )


def assert_map_equal(actual, expected, *, check_dtype=True) -> None:
    """Raise AssertionError unless geometry, unit, dtype and data (NaN equal to NaN) agree."""
    assert_geom_equal(actual.geom, expected.geom)
    if actual.unit != expected.unit:
        raise AssertionError(f"units differ: {actual.unit!r} != {expected.unit!r}")
    if check_dtype and actual.data.dtype != expected.data.dtype:
        raise AssertionError(f"dtypes differ: {actual.data.dtype} != {expected.data.dtype}")
    equal_nan = actual.data.dtype.kind in "fc" and expected.data.dtype.kind in "fc"
    if not np.array_equal(actual.data, expected.data, equal_nan=equal_nan):
        differ = actual.data != expected.data
        if equal_nan:
            differ &= ~(np.isnan(actual.data) & np.isnan(expected.data))
        raise AssertionError(
            f"data differ at {int(np.count_nonzero(differ))} of {actual.data.size} elements"
        )
