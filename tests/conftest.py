"""Shared fixtures: data locations, small geometries, the Agg backend."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# Property-based tests are derandomized by default so that CI runs are reproducible;
# HYPOTHESIS_PROFILE=explore searches new examples on every run.
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _gammapy_data_dir() -> Path | None:
    env = os.environ.get("GAMMAPY_DATA")
    path = Path(env) if env else SHARED / "data" / "gammapy-data"
    return path if path.is_dir() else None


GAMMAPY_DATA = _gammapy_data_dir()
if GAMMAPY_DATA is not None:
    # The library finds its default catalogs through $GAMMAPY_DATA: give it the directory the
    # tests found, so that a run without the variable tests the same code paths as CI does
    # (tests of the unset case remove it with monkeypatch).
    os.environ.setdefault("GAMMAPY_DATA", str(GAMMAPY_DATA))
REFERENCE = SHARED / "reference" / "tutorial"


@pytest.fixture(scope="session")
def gammapy_data() -> Path:
    """The gammapy-data directory ($GAMMAPY_DATA, else ../shared/data/gammapy-data)."""
    if GAMMAPY_DATA is None:
        pytest.skip(
            "no gammapy-data directory: set GAMMAPY_DATA (CI uses ../shared/data/gammapy-data)"
        )
    return GAMMAPY_DATA


@pytest.fixture(scope="session")
def reference() -> Path:
    """gammapy 2.1's tutorial output arrays (../shared/reference/tutorial)."""
    if not REFERENCE.is_dir():
        pytest.skip(f"no reference arrays at {REFERENCE}")
    return REFERENCE


@pytest.fixture(scope="session")
def crab_dataset_file(gammapy_data) -> Path:
    return gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
