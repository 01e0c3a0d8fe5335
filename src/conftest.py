"""Doctests of the optional parts (dask, zarr) skip where those packages are not installed.

CI installs them with the ``test`` extra; environments without them (an old test
environment, a minimal install) still run every other doctest.
"""

import importlib.util

import pytest

_NEEDS = {
    "dask": (
        "skymask.maps.chunked.",
        "skymask.maps.map.Map.compute",
        "skymask.maps.io_zarr.",
        "skymask.estimators.result.ExcessMaps.compute",
    ),
    "zarr": ("skymask.maps.io_zarr.",),
}


def pytest_collection_modifyitems(config, items):
    missing = {name for name in _NEEDS if importlib.util.find_spec(name) is None}
    for item in items:
        for name in missing:
            if item.name.startswith(_NEEDS[name]):
                item.add_marker(pytest.mark.skip(reason=f"needs {name} (not installed)"))
