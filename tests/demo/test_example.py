"""``examples/mask_maps.py``: the tutorial, step by step, on the real data, figures to PNG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skymask.maps import Map

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mask_maps.py"
FIGURES = [
    "mask_fit_grid",
    "exclusion_regions",
    "exclusion_catalog",
    "significance_mask",
    "union",
    "intersection",
    "significance_mask_inv",
    "erode_dilate",
    "boundary_mask",
]


@pytest.mark.data
def test_example_writes_the_tutorial_figures(gammapy_data, reference, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", GAMMAPY_DATA=str(gammapy_data))
    completed = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE), "figures"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    out = tmp_path / "figures"
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted([f"{name}.png" for name in FIGURES] + ["exclusion_mask.fits"])
    for name in FIGURES:
        assert (out / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "mask_maps_output").exists()
    assert "Fit range : EnergyRange(10.0 GeV - 693 GeV" in completed.stdout

    exclusion = Map.read(out / "exclusion_mask.fits")
    assert exclusion.is_mask
    if "using 3FHL instead" not in completed.stdout:
        pytest.skip("a 4FGL file is present; the reference arrays were made with 3FHL")
    expected = np.load(reference / "exclusion_combined.npy").astype(bool)
    np.testing.assert_array_equal(exclusion.data, expected)
