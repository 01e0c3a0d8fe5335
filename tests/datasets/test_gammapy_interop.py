"""Files written by skymask read correctly in gammapy 2.1 (when a gammapy environment exists).

gammapy is never imported here: scripts/check_gammapy_reads.py finds its environment
(benchmarks/setup_gammapy_env.sh, $GAMMAPY_PYTHON or $GAMMAPY_VENV) and runs it there.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_gammapy_reads.py"


def test_gammapy_reads_skymask_files(gammapy_data):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(gammapy_data)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode == 2 and "no gammapy environment" in result.stdout:
        pytest.skip("no gammapy 2.1 environment (run benchmarks/setup_gammapy_env.sh)")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "15 of 15 checks passed in gammapy" in result.stdout
