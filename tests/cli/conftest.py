"""Fixtures of the command-line tests: run ``main`` in-process and check its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from skymask.cli.main import main
from skymask.maps import Map, MapAxis, WcsGeom

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")

# The 5 deg x 5 deg galactic geometry of the mask-maps tutorial, as command-line options.
TUTORIAL_GEOMETRY = (
    "--skydir", "83.633083", "22.0145", "--skydir-frame", "icrs", "--frame", "galactic",
    "--width", "5deg", "--binsz", "0.02",
)  # fmt: skip


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """``cli(*args)`` runs ``skymask args...`` in this process and returns a `Result`."""

    def run(*args) -> Result:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def assert_error(result: Result, prog: str, *fragments: str) -> None:
    """Exit code 2 and exactly one line on stderr, ``<prog>: error: ...`` with ``fragments``."""
    assert result.code == 2, (result.code, result.err)
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert result.err.startswith(f"{prog}: error: "), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


def files_in(folder: Path) -> set[str]:
    """Every file name in ``folder`` (temporary files of a failed write included)."""
    return {path.name for path in folder.iterdir()}


@pytest.fixture
def tutorial_geom() -> WcsGeom:
    return WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic")


@pytest.fixture
def small_geom() -> WcsGeom:
    """A small galactic cube: 3 energy bins on 40 x 30 pixels of 0.1 deg."""
    axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=3)
    return WcsGeom.create(
        skydir=(184.5, -5.8), npix=(40, 30), binsz=0.1, frame="galactic", axes=[axis]
    )


@pytest.fixture
def random_masks(tmp_path, small_geom):
    """Three random masks on ``small_geom``, written to a.fits, b.fits and c.fits."""
    rng = np.random.default_rng(42)
    paths = []
    for name in "abc":
        mask = Map.from_geom(small_geom, data=rng.random(small_geom.data_shape) < 0.5)
        path = tmp_path / f"{name}.fits"
        mask.write(path)
        paths.append(path)
    return paths
