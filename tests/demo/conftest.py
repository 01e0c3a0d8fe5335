"""Demo test fixtures: one simulation and one simulated demo run shared by the module tests."""

from __future__ import annotations

import contextlib
import io

import pytest

from skymask.demo import run_demo, simulate


@pytest.fixture(scope="session")
def simulation():
    return simulate()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``(result, printed text)`` of ``run_demo`` on the simulated dataset."""
    # A str naming a folder that does not exist yet: run_demo converts and creates it.
    out = str(tmp_path_factory.mktemp("demo") / "nested" / "out")
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        result = run_demo(out)
    return result, text.getvalue()
