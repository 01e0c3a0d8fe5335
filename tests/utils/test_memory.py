"""Requests that cannot fit in memory fail up front with the size and the limit (issue 12
item 21), instead of "internal error: MemoryError" or minutes of swapping."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from skymask.maps import Map, MapAxis, WcsGeom
from skymask.utils import memory
from skymask.utils.memory import AllocationTooLargeError, check_allocation, format_bytes


def test_available_memory_is_a_plausible_number():
    available = memory.available_memory()
    if available is None:
        pytest.skip("this system does not tell the available memory")
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < available <= total


def test_allsky_map_at_a_thousandth_of_a_degree_is_refused_with_size_and_limit(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 16 * 10**9)
    geom = WcsGeom.create(binsz=0.001)  # the geometry itself is cheap
    assert geom.npix == (360_000, 180_000)
    with pytest.raises(AllocationTooLargeError, match=r"needs 259\.2 GB, more than the 16\.0 GB"):
        Map.from_geom(geom)
    with pytest.raises(MemoryError, match="a map of shape"):  # also a MemoryError
        Map.from_geom(geom, data=True)


def test_a_billion_bin_axis_is_refused_before_numpy_builds_it(monkeypatch):
    # MapAxis.from_energy_bounds(1, 10, 10**9) was killed by the system (15 GB resident and
    # growing) instead of an error; the CLI checked its --energy-bins, the API did not.
    monkeypatch.setattr(memory, "available_memory", lambda: 16 * 10**9)
    started = time.perf_counter()
    with pytest.raises(AllocationTooLargeError, match=r"a 1000000000-bin axis needs 32\.0 GB"):
        MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=10**9)
    with pytest.raises(MemoryError, match="use fewer bins"):
        MapAxis.from_bounds(0, 1, 10**9)
    assert time.perf_counter() - started < 1
    assert MapAxis.from_bounds(0, 1, 10**6).nbin == 10**6  # 32 MB: fine


def test_map_that_fits_is_created_as_before(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 16 * 10**9)
    m = Map.from_geom(WcsGeom.create(npix=(300, 200)), data=1.5)
    assert m.data.shape == (200, 300) and m.data.sum() == 1.5 * 60_000


def test_unknown_available_memory_refuses_nothing(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    assert check_allocation((10**6, 10**6), np.float64, what="x") == 8 * 10**12


def test_message_counts_the_copies_and_gives_the_way_out(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 10**9)
    with pytest.raises(AllocationTooLargeError) as info:
        check_allocation(4 * 10**8, what="the cube", copies=3, hint="use fewer bins")
    assert str(info.value) == (
        "the cube needs 1.2 GB (3 arrays of 400.0 MB), more than the 1.0 GB of memory "
        "available; use fewer bins"
    )


@pytest.mark.parametrize(
    ("n_bytes", "text"), [(0, "0 B"), (999, "999 B"), (1500, "1.5 kB"), (75 * 10**9, "75.0 GB")]
)
def test_format_bytes(n_bytes, text):
    assert format_bytes(n_bytes) == text
