"""Side-by-side timing helpers: skymask in this Python, gammapy 2.1 in its own virtualenv.

The gammapy environment is made by ``benchmarks/setup_gammapy_env.sh`` (gammapy==2.1,
regions==0.10) at ``benchmarks/.venv-gammapy`` or ``$GAMMAPY_VENV``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent


def gammapy_python() -> Path:
    venv = Path(os.environ.get("GAMMAPY_VENV", HERE / ".venv-gammapy"))
    python = venv / "bin" / "python"
    if not python.exists():
        sys.exit(f"no gammapy environment at {venv}: run benchmarks/setup_gammapy_env.sh first")
    return python


def run_in_gammapy(code: str, timeout: float = 3600) -> dict:
    """Run ``code`` with gammapy's Python; it must print one JSON object on its last line."""
    prelude = textwrap.dedent(
        """
        import json, time, tracemalloc, warnings
        import numpy as np
        warnings.simplefilter("ignore")
        def best_of(fn, repeat=1):
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter(); result = fn(); times.append(time.perf_counter() - t0)
            return min(times), result
        def peak_of(fn):
            tracemalloc.start(); result = fn(); peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop(); return peak, result
        """
    )
    result = subprocess.run(
        [str(gammapy_python()), "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"gammapy script failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_of(fn, repeat=3):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def peak_of(fn):
    """Peak memory traced by tracemalloc (numpy allocations included) while ``fn`` runs."""
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, result


def report(rows, title):
    print(f"\n{title}")
    print(f"{'case':<52}{'skymask':>12}{'gammapy':>12}{'ratio':>10}{'target':>10}  ok")
    ok_all = True
    for name, ours, theirs, target in rows:
        ratio = theirs / ours
        ok = ratio >= target
        ok_all &= ok
        verdict = "yes" if ok else "NO"
        print(f"{name:<52}{ours:>11.4f}s{theirs:>11.3f}s{ratio:>9.1f}x{target:>9.0f}x  {verdict}")
    return ok_all
