"""One timed run of a benchmark case, in a fresh process of either environment.

Usage (by ``benchmarks/run.py`` only): ``python _child.py SPEC.json``. The spec gives the code
to run (the case's ``setup`` then one side's code), the folders, and whether to save the output
or trace memory. The result is written as JSON to ``spec["result"]``, so that what the case
code prints does not matter. This file imports neither skymask nor gammapy: it runs in both
environments.

Measured around the single ``run()`` call, after ``setup`` and ``warmup()``:
- ``seconds``: wall time (``time.perf_counter``);
- ``rss_peak_delta``: the peak resident memory during the call minus the resident memory just
  before it (Linux: the high-water mark is reset through ``/proc/self/clear_refs`` first), so
  pages freed back to the allocator and reused do not count; ``None`` where unsupported;
- ``traced_peak`` (only with ``trace_memory``, in a separate process as tracing slows Python
  code): the tracemalloc peak, numpy's allocations included.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
import tracemalloc


def _status(key: str) -> int | None:
    """A ``VmRSS``/``VmHWM`` value in bytes, or None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _normalise(value):
    """The case's output as a dict of arrays and plain scalars."""
    import numpy as np

    def one(item):
        if item is None or isinstance(item, (bool, int, float, str)):
            return item
        if isinstance(item, np.generic):
            return item.item()
        data = getattr(item, "data", item)  # Map-like objects
        return np.asarray(data)

    if isinstance(value, dict):
        return {str(key): one(item) for key, item in value.items()}
    if value is None:
        return {}
    return {"result": one(value)}


def _describe(outputs: dict) -> dict:
    """Per output: dtype, shape, sha256 (arrays) or the value (scalars)."""
    import numpy as np

    described = {}
    for key, item in outputs.items():
        if isinstance(item, np.ndarray):
            digest = hashlib.sha256()
            digest.update(str(item.shape).encode())
            digest.update(np.ascontiguousarray(item).tobytes())
            entry = {"dtype": item.dtype.str, "shape": list(item.shape)}
            entry["sha256"] = digest.hexdigest()[:16]
            if item.dtype == bool:
                entry["true"] = int(item.sum())
            described[key] = entry
        else:
            described[key] = {"value": item}
    return described


def main(spec_path: str) -> int:
    with open(spec_path) as handle:
        spec = json.load(handle)
    namespace = {"__name__": "__benchmark__"}
    namespace.update(spec["variables"])
    os.chdir(spec["variables"]["WORK_DIR"])
    for label, code in spec["code"]:
        exec(compile(code, f"<{spec['case']}:{label}>", "exec"), namespace)
    result = {"case": spec["case"], "pid": os.getpid()}
    if spec["kind"] == "prepare":
        with open(spec["result"], "w") as handle:
            json.dump(result, handle)
        return 0

    run = namespace["run"]
    if "warmup" in namespace:
        namespace["warmup"]()
    gc.collect()
    rss_before = _status("VmRSS")
    reset = _reset_peak_rss()
    if spec["trace_memory"]:
        tracemalloc.start()
    start = time.perf_counter()
    value = run()
    seconds = time.perf_counter() - start
    if spec["trace_memory"]:
        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    peak = _status("VmHWM")
    result["seconds"] = seconds
    result["rss_peak_delta"] = peak - rss_before if reset and peak and rss_before else None

    if "output" in namespace:
        value = namespace["output"](value)
    outputs = _normalise(value)
    result["outputs"] = _describe(outputs)
    if spec["save_output"]:
        import numpy as np

        arrays = {k: v for k, v in outputs.items() if isinstance(v, np.ndarray)}
        np.savez(spec["save_output"], **arrays)
    with open(spec["result"], "w") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
