"""Assertions for tests of code that uses skymask (in the spirit of ``xarray.testing``)."""

from __future__ import annotations

import numpy as np

__all__ = ["assert_geom_equal", "assert_map_equal"]


def assert_geom_equal(actual, expected) -> None:
    """Raise AssertionError unless the two geometries are equal (within 1e-6).

    Parameters
    ----------
    actual, expected : `~skymask.maps.WcsGeom`
        The geometries.

    Raises
    ------
    AssertionError
        With both geometries in the message.

    Examples
    --------
    >>> from skymask.maps import WcsGeom
    >>> from skymask.testing import assert_geom_equal
    >>> assert_geom_equal(WcsGeom.create(npix=3), WcsGeom.create(npix=3))
    >>> try:
    ...     assert_geom_equal(WcsGeom.create(npix=3), WcsGeom.create(npix=4))
    ... except AssertionError:
    ...     print("differ")
    differ
    """
    if actual != expected:
        raise AssertionError(
            f"geometries differ:\n  actual  : {actual!r}\n  expected: {expected!r}"
        )


def assert_map_equal(actual, expected, *, check_dtype=True) -> None:
    """Raise AssertionError unless geometry, unit, dtype and data (NaN equal to NaN) agree.

    Parameters
    ----------
    actual, expected : `~skymask.maps.Map`
        The maps.
    check_dtype : bool
        Also require the same dtype.

    Raises
    ------
    AssertionError
        Naming what differs.

    Examples
    --------
    >>> from skymask.maps import Map
    >>> from skymask.testing import assert_map_equal
    >>> m = Map.create(npix=3)
    >>> assert_map_equal(m, m.copy())
    >>> assert_map_equal(m, m.copy(data=m.data.astype(int)), check_dtype=False)
    """
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
