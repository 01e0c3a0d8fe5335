"""Fault injection: writers killed at random points, and writers racing for one file.

Issue 12 "Checked by": whatever happens to a writer, the file on disk is the old complete
file or the new complete file, never a mix, a partial file or nothing. The writers are
forked from this process (the imports are done once), so that the test takes seconds.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from skymask.datasets import Datasets, MapDataset
from skymask.maps import Map, MapAxis, WcsGeom

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

SHAPE = (400, 500)  # 800 kB per float32 map: a write takes a few milliseconds
EXISTS = 3


def _version(value: float) -> Map:
    return Map.create(npix=SHAPE[::-1], dtype="float32").copy(
        data=np.full(SHAPE, value, dtype=np.float32)
    )


def _fork(work) -> int:
    """Run ``work()`` in a child process; its exit code is the return value (3: exists)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which must never return to pytest
        code = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            result = work()
            code = result if isinstance(result, int) else 0
        except FileExistsError:
            code = EXISTS
        finally:
            os._exit(code)
    return pid


def _wait(pid: int) -> int:
    """The child's exit code, or minus the signal that ended it."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _constant_value(path: Path) -> float:
    """The single value of a version map (the file must read and not be mixed)."""
    data = Map.read(path).data
    assert data.shape == SHAPE
    values = np.unique(data)
    assert values.size == 1, f"{path} mixes versions {values[:5]}"
    return float(values[0])


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_writer_killed_at_a_random_point_leaves_the_old_or_the_new_file(tmp_path, signum):
    rng = random.Random(12 + signum)
    path = tmp_path / "mask.fits"
    _version(0.0).write(path)
    versions = {0.0}
    for trial in range(1, 9):
        value = float(trial)
        versions.add(value)

        def keep_writing(value=value):
            while True:
                _version(value).write(path, overwrite=True)

        pid = _fork(keep_writing)
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signum)
        assert _wait(pid) == -signum
        assert _constant_value(path) in versions
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "mask.fits"]
    if signum == signal.SIGTERM:
        assert leftovers == []  # the handler removed the temporary of the interrupted write
    else:
        assert all(name.startswith(".mask.fits.") for name in leftovers)  # hidden, harmless


def test_racing_writers_without_overwrite_one_wins_the_others_are_told(tmp_path):
    # Issue 12 item 3: both writers used to "succeed", one silently replacing the other.
    for round_number in range(3):
        path = tmp_path / f"race{round_number}.fits"
        read_end, write_end = os.pipe()

        def racer(value, path=path, read_end=read_end, write_end=write_end):
            os.close(write_end)
            os.read(read_end, 1)  # start together
            _version(value).write(path, overwrite=False)
            return 10 + int(value)

        pids = [_fork(lambda value=value: racer(value)) for value in (1.0, 2.0, 3.0, 4.0)]
        os.close(read_end)
        os.write(write_end, b"go!!")
        os.close(write_end)
        codes = sorted(_wait(pid) for pid in pids)
        winners = [code for code in codes if code >= 10]
        assert len(winners) == 1, codes
        assert codes.count(EXISTS) == 3, codes
        assert _constant_value(path) == winners[0] - 10


def test_racing_writers_with_overwrite_leave_one_complete_version(tmp_path):
    path = tmp_path / "race.fits"
    _version(0.0).write(path)
    pids = [
        _fork(lambda value=value: [_version(value).write(path, overwrite=True) for _ in range(5)])
        for value in (1.0, 2.0, 3.0)
    ]
    assert sorted(_wait(pid) for pid in pids) == [0, 0, 0]
    assert _constant_value(path) in (1.0, 2.0, 3.0)
    assert [p.name for p in tmp_path.iterdir()] == ["race.fits"]


def _datasets(value: float) -> Datasets:
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    geom = WcsGeom.create(npix=(300, 200), binsz=0.05, axes=[axis])
    return Datasets(
        [MapDataset.create(geom, name=name, background=value) for name in ("north", "south")]
    )


def test_datasets_writer_killed_by_sigterm_leaves_one_whole_set(tmp_path):
    # Issue 12 item 4: with SIGTERM the commit of the set is not interrupted, so the index
    # and both dataset files are all of one version.
    rng = random.Random(4)
    index = tmp_path / "datasets.yaml"
    _datasets(0.0).write(index)
    for trial in range(1, 7):

        def keep_writing(value=float(trial)):
            while True:
                _datasets(value).write(index, overwrite=True)

        pid = _fork(keep_writing)
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(pid, signal.SIGTERM)
        assert _wait(pid) == -signal.SIGTERM
        datasets = Datasets.read(index)
        values = {float(np.unique(d.background.data)[0]) for d in datasets}
        assert len(values) == 1, values
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "datasets.yaml",
            "north.fits",
            "south.fits",
        ]
