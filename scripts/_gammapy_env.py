"""Where the gammapy 2.1 environment of the check scripts is, and their common options."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_ENVIRONMENT = "no gammapy environment: run benchmarks/setup_gammapy_env.sh or set GAMMAPY_PYTHON"


def find_gammapy_python(explicit=None) -> Path | None:
    """The Python of the gammapy environment: ``explicit``, ``$GAMMAPY_PYTHON``,
    ``$GAMMAPY_VENV/bin/python`` or ``benchmarks/.venv-gammapy`` (the benchmarks' default)."""
    venv = os.environ.get("GAMMAPY_VENV")
    candidates = [
        explicit,
        os.environ.get("GAMMAPY_PYTHON"),
        Path(venv) / "bin/python" if venv else None,
        ROOT / "benchmarks/.venv-gammapy/bin/python",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def parse_arguments(description: str, argv=None) -> argparse.Namespace:
    """``--gammapy-python`` and ``--data`` (default ``$GAMMAPY_DATA``, else the shared data)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--gammapy-python", default=None, help="Python of a gammapy 2.1 venv")
    parser.add_argument(
        "--data",
        default=os.environ.get("GAMMAPY_DATA", str(ROOT.parent / "shared/data/gammapy-data")),
        help="the gammapy-data folder",
    )
    return parser.parse_args(argv)
