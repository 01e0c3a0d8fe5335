"""The layers of DESIGN.md hold: what a package imports when it is imported, and no cycles."""

import subprocess
import sys

import pytest


def _imported(module: str, prefix: str) -> list[str]:
    code = (
        f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({prefix!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return eval(result.stdout)  # a printed list of str


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("skymask.datasets", "skymask.estimators"),
        ("skymask.kernels.morphology", "astropy"),
        ("skymask.kernels.correlation", "astropy"),
        ("skymask.maps", "skymask.catalog"),
    ],
)
def test_importing_a_layer_does_not_import_a_higher_one(module, forbidden):
    assert _imported(module, forbidden) == []
