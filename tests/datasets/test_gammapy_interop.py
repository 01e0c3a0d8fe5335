"""Files written by skymask read correctly in gammapy 2.1 (when a gammapy environment exists).

gammapy is never imported here: scripts/check_gammapy_reads.py runs it in its own
environment (benchmarks/setup_gammapy_env.sh, or $GAMMAPY_PYTHON).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_gammapy_reads.py"


def _gammapy_python():
    for candidate in (
        os.environ.get("GAMMAPY_PYTHON"),
        ROOT / "benchmarks/.venv-gammapy/bin/python",
    ):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def test_gammapy_reads_skymask_files(gammapy_data):
    python = _gammapy_python()
    if python is None:
        pytest.skip("no gammapy 2.1 environment (run benchmarks/setup_gammapy_env.sh)")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--gammapy-python", str(python), "--data", str(gammapy_data)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 of 13 checks passed in gammapy" in result.stdout
