"""Run every benchmark side by side with gammapy 2.1 and write ``benchmarks/results.json``.

Each case (``benchmarks/cases/``) runs as fresh processes, skymask in this Python and gammapy in
its own environment (``$GAMMAPY_PYTHON``, ``$GAMMAPY_VENV/bin/python`` or
``benchmarks/.venv-gammapy``, made by ``benchmarks/setup_gammapy_env.sh``), interleaved
(skymask, gammapy, skymask, ...). Each process times one call of the operation after its
setup (start-up cases time the whole process). The outputs of both sides are saved and
compared here: equal, or different only as a documented difference (D/X) explains.

    python benchmarks/run.py                  # every case (takes a while: see README)
    python benchmarks/run.py --quick          # the quick cases, 2-3 runs a side (< 3 min)
    python benchmarks/run.py -k region_mask   # cases whose name contains a pattern
    python benchmarks/run.py --no-gammapy     # skymask only
    python benchmarks/run.py --update-readme  # also put the table into benchmarks/README.md
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import importlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _framework import (  # noqa: E402
    AREAS,
    SIDES,
    Case,
    CheckContext,
    Documented,
    Equal,
    NotComparable,
    compare_equal,
    evaluate_target,
    interleave,
    ratios,
    summarise,
)
from _report import (  # noqa: E402
    README,
    format_seconds,
    markdown_report,
    one_line_summary,
    update_readme,
)

CHILD = HERE / "_child.py"
RESULTS = HERE / "results.json"

VERSIONS_CODE = """
import importlib.metadata as m, json, sys
names = ["numpy", "scipy", "astropy", "regions", "skymask", "gammapy", "matplotlib"]
def version(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"python": sys.version.split()[0], "executable": sys.executable,
                  **{n: version(n) for n in names}}))
"""


# ----------------------------------------------------------------------------- cases


def load_cases() -> list[Case]:
    """Every case of every module in ``benchmarks/cases`` (each defines ``CASES``)."""
    cases: list[Case] = []
    names = [path.stem for path in (HERE / "cases").glob("*.py") if not path.stem.startswith("_")]
    # The areas' order, then any other module (alphabetically).
    order = [area.replace("-", "_") for area in AREAS]
    names.sort(key=lambda name: (order.index(name) if name in order else len(order), name))
    for name in names:
        module = importlib.import_module(f"cases.{name}")
        cases.extend(module.CASES)
    names = [case.name for case in cases]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"benchmark case names must be unique, repeated: {duplicates}")
    return cases


def select_cases(cases, *, quick: bool, patterns=()) -> list[Case]:
    """Cases of the mode (quick: size "quick" only) that match a pattern: an area name
    (``io``, ``maps_api``) selects that area, a pattern with ``* ? [`` is a shell pattern
    on the name, anything else a substring of the name."""
    selected = [case for case in cases if not quick or case.size == "quick"]
    if patterns:

        def matches(case, pattern):
            if pattern.replace("_", "-") in AREAS:
                return case.area == pattern.replace("_", "-")
            if any(c in pattern for c in "*?["):
                return fnmatch.fnmatch(case.name, pattern)
            return pattern in case.name

        selected = [case for case in selected if any(matches(case, p) for p in patterns)]
    return selected


# ----------------------------------------------------------------------------- environment


def find_gammapy_python() -> Path | None:
    """The lookup of ``scripts/_gammapy_env.py`` (GAMMAPY_PYTHON, GAMMAPY_VENV, default venv)."""
    spec = importlib.util.spec_from_file_location(
        "_gammapy_env", ROOT / "scripts" / "_gammapy_env.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.find_gammapy_python()


def child_environment() -> dict:
    env = dict(os.environ)
    env.setdefault("GAMMAPY_DATA", str(ROOT.parent / "shared" / "data" / "gammapy-data"))
    env["MPLBACKEND"] = "Agg"
    return env


def probe_versions(python: Path) -> dict:
    result = subprocess.run(
        [str(python), "-c", VERSIONS_CODE],
        capture_output=True,
        text=True,
        check=True,
        env=child_environment(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def compile_skymask(python: Path) -> None:
    """Write skymask's bytecode before timing anything.

    An installed package has its ``.pyc`` files (pip compiles them; gammapy's environment has
    them), but an editable install run with ``PYTHONDONTWRITEBYTECODE`` set never gets them,
    and every fresh process would then compile skymask's modules again: start-up and
    first-call figures would include compiling. ``__pycache__`` is ignored by git.
    """
    code = (
        "import compileall, pathlib, skymask; "
        "compileall.compile_dir(pathlib.Path(skymask.__file__).parent, quiet=1)"
    )
    env = child_environment()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([str(python), "-c", code], env=env, check=True, capture_output=True)


def machine_info() -> dict:
    info = {"platform": platform.platform(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    info.setdefault("cpu", platform.processor() or "unknown")
    return info


def git_info() -> dict:
    def git(*args):
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain", "--", "src", "benchmarks/cases", "pyproject.toml")
    return {
        "commit": git("rev-parse", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "src_modified": bool(status),
    }


# ----------------------------------------------------------------------------- processes


class RunError(RuntimeError):
    pass


def _start(python, args, work_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(python), *map(str, args)],
        cwd=work_dir,
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(process: subprocess.Popen, timeout: float) -> None:
    """Wait for ``process``, killed after ``timeout`` seconds; RunError if it failed."""
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RunError(f"timed out after {timeout:.0f} s") from None
    if process.returncode != 0:
        raise RunError(_tail(stderr))


def run_child(python, spec: dict, work_dir: Path, timeout: float) -> dict:
    """Start ``_child.py`` on ``spec``; return its result."""
    spec_path = work_dir / "_spec.json"
    spec["result"] = str(work_dir / "_result.json")
    spec_path.write_text(json.dumps(spec))
    _wait(_start(python, [CHILD, spec_path], work_dir), timeout)
    return json.loads(Path(spec["result"]).read_text())


def run_script(python, script: Path, work_dir: Path, timeout: float) -> dict:
    """Time a whole ``python script`` process: the wall time seen from here."""
    start = time.perf_counter()
    _wait(_start(python, [script], work_dir), timeout)
    return {"seconds": time.perf_counter() - start}


def script_peak_rss(python, script: Path, work_dir: Path, timeout: float) -> int:
    """Peak RSS (bytes) of ``script`` run through a small launcher that reads the process's
    own high-water mark at exit (``VmHWM``). Not timed. The resource usage the parent gets
    from ``wait4`` cannot serve: Linux carries the spawning process's high-water mark over
    ``exec``."""
    result = work_dir / "_peak.txt"
    launcher = (
        "import atexit, runpy, sys\n"
        "def report():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        f"            open({str(result)!r}, 'w').write(line.split()[1])\n"
        "atexit.register(report)\n"
        f"sys.argv = [{str(script)!r}]\n"
        f"runpy.run_path({str(script)!r}, run_name='__main__')\n"
    )
    _wait(_start(python, ["-c", launcher], work_dir), timeout)
    return int(result.read_text()) * 1024


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def fits_outputs(work_dir: Path, names) -> dict:
    """The data of the first HDU with data of each FITS file a script wrote."""
    from astropy.io import fits

    outputs = {}
    for name in names:
        path = work_dir / name
        if not path.exists():
            raise RunError(f"the script wrote no {name}")
        with fits.open(path) as hdus:
            hdu = next(h for h in hdus if h.data is not None)
            data = np.array(hdu.data)
            outputs[Path(name).stem] = data
            outputs[Path(name).stem + ".hdu"] = f"{hdu.name} {data.dtype.str}"
    return outputs


def describe_arrays(outputs: dict) -> dict:
    import hashlib

    described = {}
    for key, item in outputs.items():
        if isinstance(item, np.ndarray):
            digest = hashlib.sha256(str(item.shape).encode() + item.tobytes()).hexdigest()
            described[key] = {"dtype": item.dtype.str, "shape": list(item.shape)}
            described[key]["sha256"] = digest[:16]
        else:
            described[key] = {"value": item}
    return described


# ----------------------------------------------------------------------------- one case


class CaseRunner:
    def __init__(self, case: Case, pythons: dict, root: Path, *, quick, repeat, log):
        self.case = case
        self.pythons = pythons  # side -> python (gammapy None: skymask only)
        self.case_dir = root / case.name
        self.case_dir.mkdir(parents=True)
        self.quick = quick
        self.repeat = repeat
        self.log = log
        self.saved: dict[str, Path] = {}
        self.outputs: dict[str, dict] = {}

    def code(self, side: str, main: str | None) -> list:
        parts = []
        if self.case.setup:
            parts.append(["setup", self.case.setup])
        if main:
            parts.append([side, main])
        return parts

    def variables(self, work_dir: Path) -> dict:
        return {
            "CASE_DIR": str(self.case_dir),
            "WORK_DIR": str(work_dir),
            "GAMMAPY_DATA": child_environment()["GAMMAPY_DATA"],
        }

    def new_work_dir(self, label: str) -> Path:
        work_dir = self.case_dir / label
        work_dir.mkdir()
        return work_dir

    def prepare(self):
        case = self.case
        if case.prepare is not None:
            case.prepare(self.case_dir)
        for side, code in (("skymask", case.prepare_skymask), ("gammapy", case.prepare_gammapy)):
            if code and self.pythons.get(side):
                work_dir = self.new_work_dir(f"prepare_{side}")
                spec = {
                    "case": case.name,
                    "kind": "prepare",
                    "code": self.code(side, code),
                    "variables": self.variables(work_dir),
                }
                run_child(self.pythons[side], spec, work_dir, case.timeout)

    def one_run(self, side: str, index: int, *, trace_memory=False) -> dict:
        case = self.case
        label = f"{side}_{'memory' if trace_memory else index}"
        work_dir = self.new_work_dir(label)
        save = side not in self.saved and not trace_memory
        try:
            if case.mode == "process":
                script = self.case_dir / f"script_{side}.py"
                if not script.exists():
                    parts = self.code(side, getattr(case, side))
                    script.write_text("\n".join(code for _, code in parts))
                result = run_script(self.pythons[side], script, work_dir, case.timeout)
                outputs = fits_outputs(work_dir, case.output_files)
                result["outputs"] = describe_arrays(outputs)
                if save:
                    self.outputs[side] = outputs
                    self.saved[side] = work_dir
            else:
                spec = {
                    "case": case.name,
                    "kind": "run",
                    "code": self.code(side, getattr(case, side)),
                    "variables": self.variables(work_dir),
                    "trace_memory": trace_memory,
                    "save_output": str(self.case_dir / f"output_{side}.npz") if save else None,
                }
                result = run_child(self.pythons[side], spec, work_dir, case.timeout)
                if save:
                    self.saved[side] = Path(spec["save_output"])
                    with np.load(spec["save_output"]) as arrays:
                        outputs = {key: arrays[key] for key in arrays.files}
                    for key, entry in result["outputs"].items():
                        if "value" in entry:
                            outputs[key] = entry["value"]
                    self.outputs[side] = outputs
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)  # big outputs (written maps) go now
        return result

    def memory_run(self, side: str) -> dict:
        """One untimed process for memory: tracemalloc peak of ``run()`` (operation cases),
        or the whole process's peak RSS (process cases)."""
        if self.case.mode == "process":
            work_dir = self.new_work_dir(f"{side}_memory")
            try:
                script = self.case_dir / f"script_{side}.py"
                peak = script_peak_rss(self.pythons[side], script, work_dir, self.case.timeout)
            finally:
                shutil.rmtree(work_dir, ignore_errors=True)
            self.log(f"  {side:8s} process peak RSS {peak / 1e6:.1f} MB")
            return {"peak_rss": peak}
        traced = self.one_run(side, 0, trace_memory=True)["traced_peak"]
        self.log(f"  {side:8s} traced peak {traced / 1e6:.1f} MB")
        return {"traced_peak": traced}

    def run(self) -> dict:
        case = self.case
        started = time.perf_counter()
        record = {
            "name": case.name,
            "area": case.area,
            "size": case.size,
            "description": case.description,
            "mode": case.mode,
            "comparison": {"kind": case.compare.kind},
            "targets": [],
            "notes": case.notes,
        }
        sides = [side for side in SIDES if getattr(case, side) and self.pythons.get(side)]
        n_skymask, n_gammapy = case.repeats(self.quick, self.repeat)
        counts = {"skymask": n_skymask, "gammapy": n_gammapy if "gammapy" in sides else 0}
        runs: dict[str, list] = {side: [] for side in sides}
        try:
            self.prepare()
            for side in interleave(counts["skymask"], counts["gammapy"]):
                index = len(runs[side]) + 1
                result = self.one_run(side, index)
                runs[side].append(result)
                self.log(f"  {side:8s} {index}/{counts[side]}  {format_seconds(result['seconds'])}")
            # Memory runs cost a process per side each: full runs only.
            for side in [side for side in sides if side in case.memory and not self.quick]:
                record.setdefault(side, {}).update(self.memory_run(side))
        except Exception as error:  # one broken case must not stop the others
            text = str(error) if isinstance(error, RunError) else traceback.format_exc()
            record["error"] = text
            self.log(f"  ERROR: {_tail(text, 5)}")
        for side in sides:
            record.setdefault(side, {}).update(summarise(runs[side]))
        record["ratio_best"], record["ratio_median"] = ratios(record)
        record["targets"] = [evaluate_target(t, record) for t in case.targets]
        if "error" not in record:
            record["comparison"] = self.compare(runs)
        record["duration_s"] = time.perf_counter() - started
        return record

    def compare(self, runs) -> dict:
        case = self.case
        comparison = {"kind": case.compare.kind}
        for side, side_runs in runs.items():
            hashes = {json.dumps(run["outputs"], sort_keys=True) for run in side_runs}
            if len(hashes) > 1:
                comparison["unstable"] = f"{side} outputs differ between runs"
        if isinstance(case.compare, NotComparable):
            comparison.update(status="n/a", note=case.compare.reason)
            return comparison
        if "gammapy" not in self.outputs:
            comparison.update(status="not run", note="no gammapy run")
            return comparison
        ours, theirs = self.outputs["skymask"], self.outputs["gammapy"]
        try:
            if isinstance(case.compare, Equal):
                ok, note = compare_equal(ours, theirs, case.compare.keys, case.compare.rtol)
                status = "equal" if ok else "MISMATCH"
            else:
                assert isinstance(case.compare, Documented)
                context = CheckContext(case_dir=self.case_dir, setup=case.setup)
                ok, note = case.compare.check(ours, theirs, context)
                comparison["reference"] = case.compare.reference
                status = f"as {case.compare.reference}" if ok else "MISMATCH"
        except Exception:
            status, note = "MISMATCH", "check failed: " + _tail(traceback.format_exc(), 3)
        if "unstable" in comparison:
            status = "MISMATCH"
            note = f"{comparison['unstable']}; {note}"
        comparison.update(status=status, note=note)
        return comparison


def write_json(path: Path, data) -> None:
    """Atomically: a temporary file in the same folder, then a rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=1, default=float) + "\n")
    os.replace(temporary, path)


# ----------------------------------------------------------------------------- main


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmarks of skymask side by side with gammapy 2.1."
    )
    parser.add_argument("--quick", action="store_true", help="quick cases only (< 3 min)")
    parser.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="PATTERN",
        help="cases whose name contains PATTERN (or matches it with * ?), or an area; repeatable",
    )
    parser.add_argument("--repeat", type=int, help="timed processes per side for every case")
    parser.add_argument("--no-gammapy", action="store_true", help="skymask side only")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    parser.add_argument(
        "--update-readme", action="store_true", help="put the table into benchmarks/README.md"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default: benchmarks/results.json for a complete full run, "
        "benchmarks/results-partial.json otherwise)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="run nothing: print the report of the results file (with --update-readme, put "
        "it into the README)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument(
        "--strict", action="store_true", help="exit status 1 also when a target is missed"
    )
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    # Only a complete run (every case, both sides, default counts) stands for the README.
    args.complete = not (args.quick or args.patterns or args.repeat or args.no_gammapy)
    if args.update_readme and not args.complete and not args.render:
        parser.error(
            "--update-readme needs a complete run: every case with both libraries and the "
            "default run counts (no --quick, -k, --repeat or --no-gammapy)"
        )
    if args.output is None and not args.render:
        args.output = RESULTS if args.complete else RESULTS.with_name("results-partial.json")
    return args


def render(args) -> int:
    """The report of an earlier run (``--render``), printed or put into the README."""
    path = args.output or RESULTS
    results = json.loads(path.read_text())
    report = markdown_report(results)
    print(report)
    if args.update_readme:
        if not results.get("complete"):
            print(f"{path} is not a complete run: the README keeps its table", file=sys.stderr)
            return 1
        update_readme(report)
        print(f"updated {README}")
    return 0


def main(argv=None) -> int:
    args = parse_arguments(argv)
    if args.render:
        return render(args)
    cases = select_cases(load_cases(), quick=args.quick, patterns=args.patterns)
    if args.list or not cases:
        for case in cases:
            n_s, n_g = case.repeats(args.quick, args.repeat)
            gammapy = f"gammapy x{n_g}" if case.gammapy else "skymask only"
            print(f"{case.name:48s} {case.area:11s} {case.size:6s} skymask x{n_s}, {gammapy}")
        if not cases:
            print("no case matches the selection", file=sys.stderr)
            return 1
        return 0

    pythons = {"skymask": Path(sys.executable), "gammapy": None}
    if not args.no_gammapy:
        pythons["gammapy"] = find_gammapy_python()
        if pythons["gammapy"] is None:
            print(
                "no gammapy environment: run benchmarks/setup_gammapy_env.sh, set GAMMAPY_VENV "
                "or GAMMAPY_PYTHON, or pass --no-gammapy",
                file=sys.stderr,
            )
            return 1
    environments = {side: probe_versions(p) for side, p in pythons.items() if p}
    if environments["skymask"].get("skymask") is None:
        print(f"skymask is not installed in {sys.executable}", file=sys.stderr)
        return 1
    compile_skymask(pythons["skymask"])

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    load_max = load_start
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    records = []
    root = Path(tempfile.mkdtemp(prefix="skymask-benchmarks-"))
    try:
        for number, case in enumerate(cases, 1):
            print(f"[{number}/{len(cases)}] {case.name}: {case.description}", flush=True)

            def log(text):
                nonlocal load_max
                load_max = max(load_max, os.getloadavg()[0])
                print(text, flush=True)

            runner = CaseRunner(case, pythons, root, quick=args.quick, repeat=args.repeat, log=log)
            record = runner.run()
            records.append(record)
            print(f"  -> {one_line_summary(record)} [{record['duration_s']:.0f} s]", flush=True)
            if not args.keep:
                shutil.rmtree(runner.case_dir, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"temporary files kept in {root}")

    results = {
        "schema": 1,
        "date": date,
        "command": command.strip(),
        "mode": "quick" if args.quick else "full",
        "selection": args.patterns,
        "complete": args.complete,
        "duration_s": time.perf_counter() - started,
        "machine": machine_info(),
        "load_average": {"start": load_start, "max": load_max, "end": os.getloadavg()[0]},
        "environments": environments,
        "git": git_info(),
        "measurement": {
            "time": "perf_counter around one run() call in a fresh process, after setup and "
            "warmup(); process cases: wall time of the whole process seen by the parent",
            "rss_peak_delta": "peak RSS during run() minus RSS just before it (high-water mark "
            "reset through /proc/self/clear_refs), bytes",
            "traced_peak": "tracemalloc peak during run(), in a separate untimed process, bytes",
            "peak_rss": "process cases: VmHWM of the whole process at exit, in a separate "
            "untimed run through a launcher (runpy), bytes",
            "ratio": "gammapy time / skymask time (best over best, median over median)",
        },
        "cases": records,
    }
    write_json(args.output, results)
    report = markdown_report(results)
    print("\n" + report)
    print(f"\nwrote {args.output} ({results['duration_s']:.0f} s)")
    if args.update_readme:
        update_readme(report)
        print(f"updated {README}")
    failed = [r["name"] for r in records if "error" in r]
    mismatched = [r["name"] for r in records if r["comparison"].get("status") == "MISMATCH"]
    missed = [r["name"] for r in records if any(t["met"] is False for t in r["targets"])]
    for label, names in (("errors", failed), ("output mismatches", mismatched)):
        if names:
            print(f"{label}: {', '.join(names)}", file=sys.stderr)
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 1 if failed or mismatched or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
