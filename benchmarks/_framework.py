"""Benchmark case definitions: what a case is, how its outputs are compared, what it must meet.

A case is defined once, in a module under ``benchmarks/cases/``, as code strings that run in
fresh processes: ``setup`` (shared by both sides; numpy, scipy, astropy and regions only),
``skymask`` and ``gammapy`` (each defines ``run()``, the timed call; optionally ``warmup()``,
called untimed before it, and ``output(result)``, which turns the result into arrays for the
comparison). Whole-process cases (start-up) give ``script`` code instead and are timed from
the outside. ``benchmarks/run.py`` runs them; nothing here starts a process.

Names available to the code strings: ``CASE_DIR`` (a folder shared by every process of the
case, where ``prepare`` hooks put input files), ``WORK_DIR`` (this process's own empty folder,
also its working directory) and ``GAMMAPY_DATA``.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SIDES = ("skymask", "gammapy")
SIZES = ("quick", "full")
AREAS = ("masks", "morphology", "catalog", "excess", "io", "startup", "maps-api", "healpix")

# check(ours, theirs, context) -> (ok, note); ours and theirs are dicts of arrays/scalars.
CheckFunction = Callable[[dict, dict, "CheckContext"], "tuple[bool, str]"]


@dataclass(frozen=True)
class Equal:
    """Both sides must give identical values (same shape; dtypes may differ, e.g. >i8 vs i8)."""

    keys: Sequence[str] | None = None  # None: every key both sides return
    # Relative tolerance for float outputs that two correct implementations round differently
    # (interpolation: the same formula summed in another order); 0 means identical.
    rtol: float = 0.0
    kind = "equal"


@dataclass(frozen=True)
class Documented:
    """The outputs differ, only as a documented difference (``reference``: D/X numbers)
    explains; ``check`` verifies that the difference is exactly that one."""

    reference: str
    check: CheckFunction
    kind = "documented"


@dataclass(frozen=True)
class NotComparable:
    """No output comparison (skymask-only cases, or outputs of different meaning)."""

    reason: str
    kind = "not comparable"


@dataclass(frozen=True)
class Target:
    """A figure the case must meet, checked on the best times (the median is shown too).

    kind: ``speedup`` (gammapy time / skymask time >= value), ``time_fraction`` (skymask time
    / gammapy time <= value), ``seconds`` (skymask time <= value), ``memory_ratio`` (skymask
    traced peak / gammapy traced peak <= value), ``extra_bytes_per_pixel`` (skymask traced
    peak minus the output array, per output element, <= value).
    """

    kind: str
    value: float
    source: str = ""

    def __post_init__(self):
        kinds = ("speedup", "time_fraction", "seconds", "memory_ratio", "extra_bytes_per_pixel")
        if self.kind not in kinds:
            raise ValueError(f"Target kind must be one of {kinds}, got {self.kind!r}")

    @property
    def needs_gammapy(self) -> bool:
        return self.kind in ("speedup", "time_fraction", "memory_ratio")

    def describe(self) -> str:
        value = f"{self.value:g}"
        text = {
            "speedup": f">= {value}x",
            "time_fraction": f"<= {value}x gammapy time",
            "seconds": f"<= {value} s",
            "memory_ratio": "memory <= gammapy"
            if self.value == 1
            else f"memory <= {value}x gammapy",
            "extra_bytes_per_pixel": f"<= {value} B/pixel extra",
        }[self.kind]
        return f"{text} ({self.source})" if self.source else text


@dataclass(frozen=True)
class Case:
    """One benchmark, defined once for both libraries.

    Parameters
    ----------
    name : str
        Unique, ``[a-z0-9_.]``; ``-k`` selects on it.
    area : str
        One of ``AREAS`` (the module it lives in).
    size : {"quick", "full"}
        ``quick`` cases run in ``--quick`` mode (and in full runs); ``full`` ones only in full
        runs.
    description : str
        One line for the table: what is computed, on what.
    setup : str
        Code run first in every process of both sides (not timed): inputs, imports of numpy,
        astropy, regions. Must not import skymask or gammapy.
    skymask, gammapy : str or None
        Code defining ``run()`` (and optionally ``warmup()``, ``output(result)``). ``gammapy``
        None: a skymask-only case.
    mode : {"operation", "process"}
        ``operation``: ``run()`` is timed inside the process. ``process``: the code is a
        whole script, run as ``python script.py`` and timed from the parent (start-up cases).
    compare : Equal, Documented or NotComparable
    targets : sequence of Target
    repeat, repeat_gammapy : int
        Timed processes per side in a full run (gammapy defaults to ``repeat``).
    quick_repeat : int
        Timed processes per side in ``--quick`` mode (both sides).
    memory : sequence of str
        Sides (``"skymask"``, ``"gammapy"``) that also run one untimed process for memory
        (full runs only): the tracemalloc peak of ``run()``, or for ``process`` cases the
        peak RSS of the whole process; empty: none.
    prepare : callable(case_dir: Path) or None
        Run once in the parent before the case (e.g. write scripts, derived inputs).
    prepare_skymask, prepare_gammapy : str or None
        Code run once in a fresh process of that side before the timed runs (e.g. write an
        input file with that library), with ``setup`` run first.
    output_files : sequence of str
        ``process`` mode: FITS files the script writes in its working directory; their data
        (first HDU with data) become the output.
    timeout : float
        Seconds allowed per process.
    notes : str
        What the comparison shows, for the README (one or two sentences).
    """

    name: str
    area: str
    size: str
    description: str
    setup: str = ""
    skymask: str | None = None
    gammapy: str | None = None
    mode: str = "operation"
    compare: Equal | Documented | NotComparable = field(default_factory=Equal)
    targets: Sequence[Target] = ()
    repeat: int = 5
    repeat_gammapy: int | None = None
    quick_repeat: int = 3
    memory: Sequence[str] = ()
    prepare: Callable[[Path], None] | None = None
    prepare_skymask: str | None = None
    prepare_gammapy: str | None = None
    output_files: Sequence[str] = ()
    timeout: float = 1800.0
    notes: str = ""

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9_.]+", self.name):
            raise ValueError(f"case name must match [a-z0-9_.]+, got {self.name!r}")
        if self.area not in AREAS:
            raise ValueError(f"case {self.name}: area must be one of {AREAS}, got {self.area!r}")
        if self.size not in SIZES:
            raise ValueError(f"case {self.name}: size must be one of {SIZES}, got {self.size!r}")
        if self.mode not in ("operation", "process"):
            raise ValueError(f"case {self.name}: mode must be 'operation' or 'process'")
        if self.skymask is None:
            raise ValueError(f"case {self.name}: the skymask code is required")
        if self.gammapy is None and any(t.needs_gammapy for t in self.targets):
            raise ValueError(f"case {self.name}: a target against gammapy needs gammapy code")
        if set(self.memory) - {"skymask", "gammapy"}:
            raise ValueError(f"case {self.name}: memory lists sides, got {self.memory!r}")
        if self.gammapy is None and not isinstance(self.compare, NotComparable):
            raise ValueError(f"case {self.name}: a skymask-only case is NotComparable")
        for label, code in (
            ("setup", self.setup),
            ("skymask", self.skymask),
            ("gammapy", self.gammapy),
            ("prepare_skymask", self.prepare_skymask),
            ("prepare_gammapy", self.prepare_gammapy),
        ):
            if code:
                compile(code, f"<{self.name}:{label}>", "exec")  # syntax errors at import

    def repeats(self, quick: bool, override: int | None = None) -> tuple[int, int]:
        """(skymask, gammapy) number of timed processes."""
        if override is not None:
            return override, override
        if quick:
            return self.quick_repeat, self.quick_repeat
        return self.repeat, self.repeat_gammapy or self.repeat


@dataclass
class CheckContext:
    """What a check function may need besides the two outputs."""

    case_dir: Path
    setup: str

    def setup_namespace(self) -> dict:
        """The names the case's ``setup`` code defines, evaluated in the parent."""
        namespace: dict = {"CASE_DIR": str(self.case_dir), "__name__": "__benchmark_check__"}
        exec(compile(self.setup, "<setup>", "exec"), namespace)
        return namespace


def interleave(n_skymask: int, n_gammapy: int) -> list[str]:
    """Run order ``s, g, s, g, ...``; the side with more runs finishes alone."""
    order = []
    for index in range(max(n_skymask, n_gammapy)):
        if index < n_skymask:
            order.append("skymask")
        if index < n_gammapy:
            order.append("gammapy")
    return order


def compare_equal(ours: dict, theirs: dict, keys=None, rtol: float = 0.0) -> tuple[bool, str]:
    """Identical values under every shared key (or ``keys``), floats within ``rtol`` if it is
    not 0; a note says what was compared."""
    keys = list(keys) if keys is not None else sorted(set(ours) & set(theirs))
    if not keys:
        return False, "no output to compare"
    notes = []
    for key in keys:
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            return False, f"{key!r} missing on one side"
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False, f"{key}: shapes differ, {a.shape} vs {b.shape}"
        floats = a.dtype.kind == "f" and b.dtype.kind == "f"
        if rtol and floats:
            close = np.isclose(a, b, rtol=rtol, atol=0, equal_nan=True)
            if not close.all():
                return (
                    False,
                    f"{key}: {int(np.count_nonzero(~close))} elements differ by > {rtol:g}",
                )
            notes.append(f"{key}: equal within {rtol:g} {a.shape}")
            continue
        same = np.array_equal(a, b, equal_nan=floats)
        if not same:
            differ = int(np.count_nonzero(a != b))
            return False, f"{key}: {differ} elements differ"
        if a.dtype == bool:
            notes.append(f"{key}: identical, {int(a.sum())} True")
        elif a.size > 1:
            notes.append(f"{key}: identical {a.shape}")
        else:
            notes.append(f"{key}: {a.item()!r} on both sides")
    return True, "; ".join(notes)


# Statistics and targets of a case record (run.py builds the record).


def summarise(runs: list) -> dict:
    times = [run["seconds"] for run in runs]
    summary = {"n": len(times), "times": times}
    if times:
        summary["best"] = min(times)
        summary["median"] = statistics.median(times)
    rss = [run.get("rss_peak_delta") for run in runs if run.get("rss_peak_delta") is not None]
    if rss:
        summary["rss_peak_delta_median"] = int(statistics.median(rss))
    if runs:
        summary["outputs"] = runs[0].get("outputs", {})
    return summary


def ratios(record) -> tuple[float | None, float | None]:
    ours, theirs = record.get("skymask", {}), record.get("gammapy", {})
    if not ours.get("n") or not theirs.get("n"):
        return None, None
    return theirs["best"] / ours["best"], theirs["median"] / ours["median"]


def main_output_elements(outputs: dict) -> tuple[int, int] | None:
    """(bytes, elements) of the largest output array, from the child's description."""
    sizes = []
    for entry in outputs.values():
        if "shape" in entry:
            elements = int(np.prod(entry["shape"]))
            sizes.append((elements * np.dtype(entry["dtype"]).itemsize, elements))
    return max(sizes, key=lambda s: s[1]) if sizes else None


def evaluate_target(target, record) -> dict:
    """{"text", "value", "met", "median_met"}; met None when it could not be measured."""
    ours, theirs = record.get("skymask", {}), record.get("gammapy", {})
    value = median_value = None
    if target.kind == "speedup" and record["ratio_best"] is not None:
        value, median_value = record["ratio_best"], record["ratio_median"]
        met, median_met = value >= target.value, median_value >= target.value
    elif target.kind == "time_fraction" and record["ratio_best"] is not None:
        value, median_value = 1 / record["ratio_best"], 1 / record["ratio_median"]
        met, median_met = value <= target.value, median_value <= target.value
    elif target.kind == "seconds" and ours.get("n"):
        value, median_value = ours["best"], ours["median"]
        met, median_met = value <= target.value, median_value <= target.value
    elif target.kind == "memory_ratio" and "traced_peak" in ours and "traced_peak" in theirs:
        value = ours["traced_peak"] / theirs["traced_peak"]
        met = median_met = value <= target.value
    elif target.kind == "extra_bytes_per_pixel" and "traced_peak" in ours and ours.get("outputs"):
        nbytes, elements = main_output_elements(ours["outputs"])
        value = (ours["traced_peak"] - nbytes) / elements
        met = median_met = value <= target.value
    else:
        met = median_met = None
    return {
        "kind": target.kind,
        "target": target.value,
        "text": target.describe(),
        "value": value,
        "median_value": median_value,
        "met": met,
        "median_met": median_met,
    }
