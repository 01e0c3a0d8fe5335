"""Run gammapy 2.1's own unit tests against skymask: the specification of issues 14-16.

The test files come from the gammapy package installed in the gammapy environment
(``benchmarks/setup_gammapy_env.sh``). They are copied to a temporary folder with their
``gammapy`` imports rewritten to ``skymask`` (see ``scripts/conformance_support.py`` for how a
missing name fails only the tests that use it), run with pytest by this Python (the one with
skymask installed), and every test's outcome is compared with the checked-in table of tests
that are out of scope or deliberately different (``scripts/conformance_exclusions.yaml``).
The same files also run unchanged in the gammapy environment, which gives the list of tests
to expect and shows which ones gammapy itself passes here.

Usage::

    python scripts/conformance.py                      # every file set
    python scripts/conformance.py --set maps -k cutout
    python scripts/conformance.py --write-docs         # refresh docs/conformance.md

Exit status: 0 when every in-scope test passes, 1 when one fails, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gammapy_env import NO_ENVIRONMENT, ROOT, find_gammapy_python
from conformance_support import SHIM_NAMES

SCRIPTS = Path(__file__).resolve().parent
EXCLUSIONS = SCRIPTS / "conformance_exclusions.yaml"
DOCS_PAGE = ROOT / "docs" / "conformance.md"
DIFFERENCES = ROOT / "docs" / "differences-from-gammapy.md"

#: The gammapy 2.1 test files of each issue, relative to the gammapy package.
FILE_SETS: dict[str, list[str]] = {
    "maps": [
        "maps/tests/test_axes.py",
        "maps/tests/test_coord.py",
        "maps/tests/test_core.py",
        "maps/wcs/tests/test_geom.py",
        "maps/wcs/tests/test_ndmap.py",
    ],
    "hpx": [
        "maps/hpx/tests/test_geom.py",
        "maps/hpx/tests/test_ndmap.py",
    ],
    "issue15": [
        "stats/tests/test_counts_statistic.py",
        "stats/tests/test_fit_statistics.py",
        "datasets/tests/test_map.py",
        "datasets/tests/test_datasets.py",
        "irf/psf/tests/test_map.py",
        "irf/edisp/tests/test_map.py",
        "irf/edisp/tests/test_kernel.py",
        "estimators/map/tests/test_excess.py",
        "catalog/tests/test_*.py",
        "utils/tests/test_check.py",
    ],
}

#: The package the rewritten copies live in (its name must not clash with anything installed).
PACKAGE = "gammapy_conformance"
SUPPORT = '__import__("conformance_support")'
FAILING = ("failed", "error", "not-run")


# --- rewriting the test files ---------------------------------------------------------------


@dataclass
class Rewrite:
    """The rewritten source and the gammapy test modules it imports (paths in the package)."""

    text: str
    test_modules: set[str] = field(default_factory=set)


def _is_gammapy(module: str | None) -> bool:
    return module is not None and (module == "gammapy" or module.startswith("gammapy."))


def _is_test_module(module: str) -> bool:
    return "tests" in module.split(".")


def _test_module_path(module: str) -> str:
    """``gammapy.datasets.tests.test_map`` -> ``datasets/tests/test_map.py``."""
    return "/".join(module.split(".")[1:]) + ".py"


def _bind(names: list[str], call: str) -> str:
    return "".join(f"{name}, " for name in names) + f"= {call}"


def _rewrite_import_from(node: ast.ImportFrom, test_modules: set[str]) -> str:
    module = node.module
    if _is_test_module(module):
        test_modules.add(_test_module_path(module))
        names = ", ".join(
            alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in node.names
        )
        return f"from {PACKAGE}{module[len('gammapy') :]} import {names}"
    statements = []
    lazy = [alias for alias in node.names]
    if module == "gammapy.utils.testing":
        shim = [alias for alias in node.names if alias.name in SHIM_NAMES]
        lazy = [alias for alias in node.names if alias.name not in SHIM_NAMES]
        if shim:
            names = ", ".join(
                alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in shim
            )
            statements.append(f"from conformance_support import {names}")
    if lazy:
        if any(alias.name == "*" for alias in lazy):
            raise ValueError(f"star import from {module} cannot be rewritten lazily")
        bound = [alias.asname or alias.name for alias in lazy]
        names = ", ".join(repr(alias.name) for alias in lazy)
        statements.append(_bind(bound, f"{SUPPORT}.from_import({module!r}, ({names},))"))
    return "; ".join(statements)


def _rewrite_import(node: ast.Import, test_modules: set[str]) -> str | None:
    if not any(_is_gammapy(alias.name) for alias in node.names):
        return None
    statements = []
    for alias in node.names:
        if not _is_gammapy(alias.name):
            statements.append(
                f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
            )
        elif _is_test_module(alias.name):
            test_modules.add(_test_module_path(alias.name))
            target = PACKAGE + alias.name[len("gammapy") :]
            if alias.asname:
                statements.append(f"import {target} as {alias.asname}")
            else:
                raise ValueError(f"'import {alias.name}' without 'as' cannot be rewritten")
        elif alias.asname:
            statements.append(f"{alias.asname} = {SUPPORT}.import_module({alias.name!r})")
        else:
            statements.append(f"gammapy = {SUPPORT}.import_module({alias.name!r}, bind_top=True)")
    return "; ".join(statements)


class _Source:
    """Byte offsets of a source text (ast column offsets count UTF-8 bytes)."""

    def __init__(self, text: str):
        self.data = text.encode("utf-8")
        self.line_starts = [0]
        for index, byte in enumerate(self.data):
            if byte == 0x0A:
                self.line_starts.append(index + 1)

    def offset(self, lineno: int, col: int) -> int:
        return self.line_starts[lineno - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )


def _is_parametrize(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "parametrize"
    )


def _guardable(node: ast.expr) -> bool:
    """Values worth guarding: anything but literals, names and lambdas."""
    return not isinstance(node, ast.Constant | ast.Name | ast.Lambda | ast.JoinedStr)


def rewrite_source(text: str) -> Rewrite:
    """gammapy's test source with every ``gammapy`` import served by skymask.

    - ``from gammapy.X import A as B`` -> ``B, = from_import("gammapy.X", ("A",))``
      (skymask.X.A, or a placeholder that fails the tests using it);
    - ``import gammapy.X as Y`` -> ``Y = import_module("gammapy.X")``;
    - the test helpers of ``gammapy.utils.testing`` -> ``conformance_support``;
    - imports of other gammapy test modules -> their rewritten copies (returned in
      ``test_modules`` so that they are copied too);
    - ``pytest.importorskip`` -> the scaffolding's (no skip for packages skymask does not need);
    - module-level assignments and ``parametrize`` values -> ``guard(...)``, so that a value
      skymask cannot build fails the tests that use it, not the whole file.

    Every replacement keeps the line count: tracebacks point at gammapy's line numbers.
    """
    tree = ast.parse(text)
    source = _Source(text)
    test_modules: set[str] = set()
    edits: list[tuple[int, int, str]] = []

    def guard(node: ast.expr, name: str) -> None:
        if not _guardable(node):
            return
        start, end = source.span(node)
        edits.append((start, start, f"{SUPPORT}.guard({name!r}, lambda: ("))
        edits.append((end, end, "))"))

    for node in ast.walk(tree):
        replacement = None
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _is_gammapy(node.module):
            replacement = _rewrite_import_from(node, test_modules)
        elif isinstance(node, ast.Import):
            replacement = _rewrite_import(node, test_modules)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "importorskip"
            and isinstance(node.value, ast.Name)
            and node.value.id == "pytest"
        ):
            start, end = source.span(node)
            edits.append((start, end, f"{SUPPORT}.importorskip"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for decorator in node.decorator_list:
                if not _is_parametrize(decorator):
                    continue
                values = decorator.args[1] if len(decorator.args) > 1 else None
                for keyword in decorator.keywords:
                    if keyword.arg == "argvalues":
                        values = keyword.value
                if not isinstance(values, ast.List | ast.Tuple):
                    continue
                for index, element in enumerate(values.elts):
                    label = f"{node.name} parameter {index}"
                    if isinstance(element, ast.Tuple):
                        for item in element.elts:
                            guard(item, label)
                    elif (
                        isinstance(element, ast.Call)
                        and isinstance(element.func, ast.Attribute)
                        and element.func.attr == "param"
                    ):
                        for item in element.args:
                            guard(item, label)
                    else:
                        guard(element, label)
        if replacement is not None:
            start, end = source.span(node)
            edits.append((start, end, replacement + "\n" * (node.end_lineno - node.lineno)))

    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            guard(node.value, node.targets[0].id)

    # Apply from the end; at one position a replacement goes before an insertion, so that the
    # inserted text ends up in front of the replaced one.
    data = source.data
    for start, end, new in sorted(
        edits, key=lambda edit: (edit[0], edit[1] > edit[0]), reverse=True
    ):
        data = data[:start] + new.encode("utf-8") + data[end:]
    return Rewrite(data.decode("utf-8"), test_modules)


def conftest_source(gammapy_conftest: str) -> str:
    """The conftest of the rewritten tree: gammapy's fixtures plus the strict switch.

    Keeps gammapy's module-level imports (minus the pytest header plugin) and its
    ``@pytest.fixture`` functions; drops its hooks (they print gammapy's environment).
    """
    tree = ast.parse(gammapy_conftest)
    lines = gammapy_conftest.splitlines()
    kept = []
    for node in tree.body:
        keep = False
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            keep = not (module or "").startswith("pytest_astropy_header")
        elif isinstance(node, ast.FunctionDef):
            keep = any("fixture" in ast.unparse(d) for d in node.decorator_list)
        if keep:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
    header = (
        '"""Generated by scripts/conformance.py: gammapy\'s conftest fixtures (imports\n'
        'rewritten) and the switch that makes placeholders raise once collection is over."""\n'
        "import conformance_support\n\n\n"
        "def pytest_collection_finish(session):\n"
        "    conformance_support.set_strict(True)\n\n\n"
    )
    return header + rewrite_source("\n\n\n".join(kept) + "\n").text


# --- the exclusion table --------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    pattern: str
    category: str
    reason: str
    ref: str | None = None


def _pattern_regex(pattern: str) -> re.Pattern:
    # only '*' is a wildcard: node ids are full of '[' and ']' (parametrisations)
    body = ".*".join(re.escape(part) for part in pattern.split("*"))
    # a pattern also matches what it contains: a file its tests, a class its methods, a test
    # all its parametrisations
    return re.compile(body + r"(?:::.*|\[.*)?", re.DOTALL)


@dataclass
class ExclusionTable:
    """The checked-in table: categories in order of precedence, and the entries."""

    categories: dict[str, str]
    entries: list[Exclusion]

    def __post_init__(self):
        self._rank = {name: rank for rank, name in enumerate(self.categories)}
        self._regex = {entry.pattern: _pattern_regex(entry.pattern) for entry in self.entries}

    def match(self, nodeid: str) -> Exclusion | None:
        """The entry for ``nodeid``: one naming it exactly, else, of the patterns that match
        it, the one whose category comes first (then the longest pattern)."""
        for entry in self.entries:
            if entry.pattern == nodeid:
                return entry
        matching = [e for e in self.entries if self._regex[e.pattern].fullmatch(nodeid)]
        if not matching:
            return None
        return min(matching, key=lambda e: (self._rank[e.category], -len(e.pattern)))

    def without(self, categories) -> ExclusionTable:
        """The table with the entries of these categories dropped (counted as in scope)."""
        unknown = sorted(set(categories) - set(self.categories))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(self.categories)}")
        kept = [e for e in self.entries if e.category not in set(categories)]
        return ExclusionTable(self.categories, kept)


def load_exclusions(path: Path = EXCLUSIONS) -> ExclusionTable:
    """The exclusion table, checked: known categories, a reason each, a Dn/Xn for differences."""
    content = yaml.safe_load(path.read_text())
    categories = content["categories"]
    entries = []
    for pattern, entry in (content.get("exclusions") or {}).items():
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: entry {pattern!r} must map to category/reason")
        category = entry.get("category")
        if category not in categories:
            raise ValueError(
                f"{path}: entry {pattern!r} has unknown category {category!r}; "
                f"known: {', '.join(categories)}"
            )
        reason = (entry.get("reason") or "").strip()
        if not reason:
            raise ValueError(f"{path}: entry {pattern!r} needs a reason")
        ref = entry.get("ref")
        if category == "different" and not (ref and re.fullmatch(r"[DX]\d+", str(ref))):
            raise ValueError(
                f"{path}: entry {pattern!r} is a deliberate difference and needs "
                "ref: Dn or Xn (docs/differences-from-gammapy.md)"
            )
        entries.append(Exclusion(str(pattern), category, reason, ref and str(ref)))
    return ExclusionTable(dict(categories), entries)


# --- running pytest -------------------------------------------------------------------------


def gammapy_package(python: Path) -> Path:
    """Where the gammapy package of that Python lives."""
    out = subprocess.run(
        [str(python), "-c", "import gammapy, json; print(json.dumps(list(gammapy.__path__)))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"cannot import gammapy with {python}:\n{out.stderr.strip()}")
    return Path(json.loads(out.stdout)[0])


def _has_pytest(python: Path) -> bool:
    command = [str(python), "-c", "import pytest, pytest_astropy_header"]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def expand_files(package: Path, sets: list[str]) -> dict[str, list[str]]:
    """File set -> test files (globs expanded against the package, __init__ left out)."""
    expanded = {}
    for name in sets:
        files = []
        for entry in FILE_SETS[name]:
            matches = (
                sorted(str(path.relative_to(package)) for path in package.glob(entry))
                if "*" in entry
                else [entry]
            )
            for match in matches:
                if not (package / match).is_file():
                    raise SystemExit(f"{package / match} does not exist (is this gammapy 2.1?)")
                files.append(match)
        expanded[name] = files
    return expanded


def build_tree(package: Path, files: list[str], root: Path) -> None:
    """The rewritten copies of ``files`` (and of the test modules they import) under root."""
    tree = root / PACKAGE
    tree.mkdir(parents=True, exist_ok=True)
    (tree / "__init__.py").write_text("")
    (root / "pytest.ini").write_text("[pytest]\n")
    (tree / "conftest.py").write_text(conftest_source((package / "conftest.py").read_text()))
    pending, done = list(files), set()
    while pending:
        relative = pending.pop()
        if relative in done:
            continue
        done.add(relative)
        target = tree / relative
        for parent in target.relative_to(tree).parents:
            init = tree / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.parent.mkdir(parents=True, exist_ok=True)
                init.write_text("")
        rewrite = rewrite_source((package / relative).read_text(encoding="utf-8"))
        target.write_text(rewrite.text, encoding="utf-8")
        # reference files read with get_pkg_data_filename("data/...") sit next to the test
        data = (package / relative).parent / "data"
        if data.is_dir() and not (target.parent / "data").exists():
            shutil.copytree(data, target.parent / "data")
        pending.extend(m for m in rewrite.test_modules if (package / m).is_file())


def run_pytest(
    python,
    rootdir: Path,
    ini: Path,
    target: Path,
    cwd: Path,
    output: Path,
    keyword: str | None,
    env: dict,
    timeout: float,
) -> dict:
    """Run pytest on one file with the recording plugin; the plugin's results (or the crash)."""
    command = [
        str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "conformance_plugin",
        "-c", str(ini), "--rootdir", str(rootdir), "--confcutdir", str(rootdir),
        "--continue-on-collection-errors", "-o", "addopts=", str(target),
    ]  # fmt: skip
    if keyword:
        command += ["-k", keyword]
    env = dict(env, CONFORMANCE_RESULTS=str(output))
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        log = done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        log = f"pytest did not finish within {timeout:.0f} s"
    if output.exists():
        results = json.loads(output.read_text())
    else:
        results = {"tests": {}, "collection_errors": [{"nodeid": "", "message": log[-2000:]}]}
    results["log"] = log
    return results


# --- comparing ------------------------------------------------------------------------------


@dataclass
class Outcome:
    nodeid: str
    file: str
    skymask: str
    message: str = ""
    where: str = ""
    gammapy: str | None = None
    exclusion: Exclusion | None = None

    @property
    def in_scope(self) -> bool:
        return self.exclusion is None


def compare(file: str, skymask: dict, gammapy: dict | None, table) -> list[Outcome]:
    """One outcome per test of the file: gammapy's list of tests, plus any extra skymask ran."""
    ours = skymask["tests"]
    theirs = gammapy["tests"] if gammapy else {}
    nodeids = list(theirs) + [nodeid for nodeid in ours if nodeid not in theirs]
    errors = skymask["collection_errors"]
    not_run = "; ".join(e["message"] for e in errors) or "not collected against skymask"
    outcomes = []
    for nodeid in nodeids:
        result = ours.get(nodeid)
        if result is None:
            outcome = Outcome(nodeid, file, "not-run", f"collection: {not_run}")
        else:
            outcome = Outcome(
                nodeid, file, result["outcome"] or "error", result["message"], result["where"]
            )
        if nodeid in theirs:
            outcome.gammapy = theirs[nodeid]["outcome"]
        outcome.exclusion = table.match(nodeid)
        outcomes.append(outcome)
    if not nodeids and errors:  # nothing known about this file's tests: one line for the file
        outcome = Outcome(file, file, "not-run", f"collection: {not_run}")
        outcome.exclusion = table.match(file)
        outcomes.append(outcome)
    return outcomes


@dataclass
class FileSummary:
    file: str
    total: int = 0
    gammapy_passed: int | None = None
    in_scope: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    excluded: Counter = field(default_factory=Counter)
    excluded_passing: int = 0


def summarize(file: str, outcomes: list[Outcome], gammapy_run: bool) -> FileSummary:
    summary = FileSummary(file, total=len(outcomes))
    if gammapy_run:
        summary.gammapy_passed = sum(o.gammapy in ("passed", "xpassed") for o in outcomes)
    for outcome in outcomes:
        if outcome.exclusion is not None:
            summary.excluded[outcome.exclusion.category] += 1
            summary.excluded_passing += outcome.skymask in ("passed", "xpassed")
            continue
        summary.in_scope += 1
        if outcome.skymask in ("passed", "xpassed"):
            summary.passed += 1
        elif outcome.skymask in FAILING:
            summary.failed += 1
        else:
            summary.skipped += 1
    return summary


def _total(summaries: list[FileSummary], name: str) -> FileSummary:
    total = FileSummary(name)
    for summary in summaries:
        for attribute in ("total", "in_scope", "passed", "failed", "skipped", "excluded_passing"):
            setattr(total, attribute, getattr(total, attribute) + getattr(summary, attribute))
        total.excluded.update(summary.excluded)
        if summary.gammapy_passed is not None:
            total.gammapy_passed = (total.gammapy_passed or 0) + summary.gammapy_passed
    return total


def _excluded_text(counter: Counter) -> str:
    return ", ".join(f"{category} {n}" for category, n in sorted(counter.items())) or "-"


def report(
    set_name: str, summaries: list[FileSummary], outcomes: list[Outcome], verbose: bool
) -> list[str]:
    """The text report of one file set."""
    total = _total(summaries, set_name)
    lines = [
        f"== {set_name}: {total.passed} of {total.in_scope} in-scope tests pass, "
        f"{total.failed} fail, {total.skipped} skipped; {sum(total.excluded.values())} excluded "
        f"({_excluded_text(total.excluded)}; {total.excluded_passing} of them pass); "
        f"{total.total} tests"
        + (
            f", gammapy passes {total.gammapy_passed} here"
            if total.gammapy_passed is not None
            else ""
        )
    ]
    for summary in summaries:
        lines.append(
            f"   {summary.file}: {summary.passed}/{summary.in_scope} pass, {summary.failed} fail, "
            f"{summary.skipped} skip, {sum(summary.excluded.values())} excluded"
        )
    failing = [o for o in outcomes if o.in_scope and o.skymask in FAILING]
    if failing:
        lines.append(f"   in-scope failures ({len(failing)}):")
        for outcome in failing:
            message = outcome.message.splitlines()[0] if outcome.message else ""
            if not verbose and len(message) > 160:
                message = message[:157] + "..."
            note = (
                ""
                if outcome.gammapy in (None, "passed", "xpassed")
                else (f" [gammapy here: {outcome.gammapy}]")
            )
            lines.append(f"     {outcome.nodeid}: {outcome.skymask}{note}: {message}")
    gammapy_fails = [
        o
        for o in outcomes
        if o.in_scope and o.gammapy not in (None, "passed", "xpassed", "skipped", "xfailed")
    ]
    if gammapy_fails:
        lines.append(
            f"   table gap: {len(gammapy_fails)} in-scope tests fail in gammapy too (a missing "
            "data file? add them to the table as no-data): "
            + ", ".join(o.nodeid for o in gammapy_fails)
        )
    stale = [
        o for o in outcomes
        if o.exclusion is not None
        and o.exclusion.category in ("no-data", "fails-in-gammapy")
        and o.gammapy in ("passed", "xpassed")
    ]  # fmt: skip
    if stale:
        lines.append(
            f"   stale: {len(stale)} tests excluded as no-data/fails-in-gammapy pass in gammapy "
            "now: " + ", ".join(o.nodeid for o in stale)
        )
    return lines


# --- the docs page --------------------------------------------------------------------------


def docs_block(set_name: str, summaries: list[FileSummary]) -> str:
    total = _total(summaries, f"**{set_name} total**")
    rows = [
        "| file | tests | gammapy passes here | in scope | skymask passes | fails | skipped | "
        "excluded (by category) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for summary in [*summaries, total]:
        gammapy = "-" if summary.gammapy_passed is None else str(summary.gammapy_passed)
        rows.append(
            f"| {summary.file} | {summary.total} | {gammapy} | {summary.in_scope} | "
            f"{summary.passed} | {summary.failed} | {summary.skipped} | "
            f"{_excluded_text(summary.excluded)} |"
        )
    return "\n".join(rows)


def categories_block(table: ExclusionTable, outcomes: list[Outcome]) -> str:
    """The exclusion categories with how many tests each excludes, over every set run."""
    counts = Counter(o.exclusion.category for o in outcomes if o.exclusion is not None)
    rows = ["| category | excluded tests | meaning |", "|---|---|---|"]
    for name, meaning in table.categories.items():
        rows.append(f"| `{name}` | {counts.get(name, 0)} | {' '.join(meaning.split())} |")
    return "\n".join(rows)


def write_docs(blocks: dict[str, str], page: Path = DOCS_PAGE) -> None:
    """Replace the generated table of each set between its markers in the docs page."""
    text = page.read_text()
    for set_name, block in blocks.items():
        begin, end = (
            f"<!-- conformance:{set_name}:begin -->",
            f"<!-- conformance:{set_name}:end -->",
        )
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{page} has no markers {begin} ... {end}")
        replacement = f"{begin}\n{block}\n{end}"
        text = pattern.sub(lambda _, new=replacement: new, text)
    temporary = page.with_name(page.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(page)


# --- main -----------------------------------------------------------------------------------


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--set", default=",".join(FILE_SETS),
        help=f"comma-separated file sets among {', '.join(FILE_SETS)} (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--file", action="append", default=None, metavar="GLOB",
        help="only the files of the sets matching this glob (repeatable), e.g. '*/test_geom.py'",
    )  # fmt: skip
    parser.add_argument("-k", dest="keyword", default=None, help="pytest -k expression")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="files run in parallel")
    parser.add_argument("--gammapy-python", default=None, help="Python of a gammapy 2.1 venv")
    parser.add_argument(
        "--data",
        default=os.environ.get("GAMMAPY_DATA", str(ROOT.parent / "shared/data/gammapy-data")),
        help="the gammapy-data folder (GAMMAPY_DATA of both runs)",
    )
    parser.add_argument(
        "--no-gammapy-run", action="store_true",
        help="do not run the tests in the gammapy environment (faster; the list of tests to "
        "expect then comes from the skymask run only)",
    )  # fmt: skip
    parser.add_argument("--exclusions", type=Path, default=EXCLUSIONS)
    parser.add_argument(
        "--count-in-scope", action="append", default=[], metavar="CATEGORY",
        help="count the tests of this exclusion category as in scope (repeatable), e.g. "
        "no-data to see which of them fail",
    )  # fmt: skip
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS_PAGE}")
    parser.add_argument("--json", type=Path, default=None, help="write every outcome here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per file")
    parser.add_argument("-v", "--verbose", action="store_true", help="full failure messages")
    arguments = parser.parse_args(argv)
    arguments.sets = [name.strip() for name in arguments.set.split(",") if name.strip()]
    unknown = [name for name in arguments.sets if name not in FILE_SETS]
    if unknown:
        parser.error(f"unknown file set(s) {unknown}; choose among {', '.join(FILE_SETS)}")
    if arguments.write_docs and (arguments.keyword or arguments.file or arguments.count_in_scope):
        parser.error("--write-docs records the table as it is: drop -k, --file, --count-in-scope")
    return arguments


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    python = find_gammapy_python(arguments.gammapy_python)
    if python is None:
        print(NO_ENVIRONMENT, file=sys.stderr)
        return 2
    package = gammapy_package(python)
    table = load_exclusions(arguments.exclusions)
    if arguments.count_in_scope:
        table = table.without(arguments.count_in_scope)
    files_by_set = expand_files(package, arguments.sets)
    if arguments.file:
        files_by_set = {
            name: [f for f in files if any(fnmatch.fnmatch(f, glob) for glob in arguments.file)]
            for name, files in files_by_set.items()
        }
        files_by_set = {name: files for name, files in files_by_set.items() if files}
    every_file = sorted({f for files in files_by_set.values() for f in files})

    work = Path(tempfile.mkdtemp(prefix="skymask-conformance-"))
    try:
        build_tree(package, every_file, work / "skymask")
        (work / "gammapy").mkdir()
        (work / "gammapy" / "pytest.ini").write_text("[pytest]\n")
        base_env = dict(os.environ, GAMMAPY_DATA=arguments.data, MPLBACKEND="Agg")
        # pytest runs in the temporary folder: inherited relative paths are made absolute
        inherited = [
            os.path.abspath(path)
            for path in base_env.get("PYTHONPATH", "").split(os.pathsep)
            if path
        ]
        skymask_env = dict(
            base_env,
            PYTHONPATH=os.pathsep.join([str(SCRIPTS), str(work / "skymask"), *inherited]),
        )
        # no bytecode written into the gammapy environment's site-packages
        gammapy_env = dict(base_env, PYTHONPATH=str(SCRIPTS), PYTHONDONTWRITEBYTECODE="1")

        def run_one(job):
            side, file = job
            name = file.replace("/", "__")
            if side == "skymask":
                root = work / "skymask" / PACKAGE
                return job, run_pytest(
                    sys.executable, root, work / "skymask" / "pytest.ini", root / file,
                    work / "skymask", work / f"skymask__{name}.json", arguments.keyword,
                    skymask_env, arguments.timeout,
                )  # fmt: skip
            return job, run_pytest(
                python, package, work / "gammapy" / "pytest.ini", package / file, work / "gammapy",
                work / f"gammapy__{name}.json", arguments.keyword, gammapy_env, arguments.timeout,
            )  # fmt: skip

        jobs = [("skymask", f) for f in every_file]
        if not arguments.no_gammapy_run and not _has_pytest(python):
            print(
                f"{python} cannot import pytest and pytest_astropy_header (gammapy's conftest "
                "needs both): running against skymask only; re-run "
                "benchmarks/setup_gammapy_env.sh to add them",
                file=sys.stderr,
            )
            arguments.no_gammapy_run = True
        if not arguments.no_gammapy_run:
            jobs += [("gammapy", f) for f in every_file]
        print(
            f"running {len(every_file)} gammapy 2.1 test files from {package} against skymask"
            + ("" if arguments.no_gammapy_run else f" and in gammapy ({python})"),
            file=sys.stderr,
        )
        with ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
            results = dict(pool.map(run_one, jobs))
    finally:
        if arguments.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    lines, blocks, everything, failing = [], {}, [], 0
    matched = set()
    for set_name, files in files_by_set.items():
        summaries, set_outcomes = [], []
        for file in files:
            outcomes = compare(
                file, results[("skymask", file)], results.get(("gammapy", file)), table
            )
            summaries.append(summarize(file, outcomes, not arguments.no_gammapy_run))
            set_outcomes += outcomes
        matched.update(o.exclusion.pattern for o in set_outcomes if o.exclusion)
        lines += report(set_name, summaries, set_outcomes, arguments.verbose)
        blocks[set_name] = docs_block(set_name, summaries)
        failing += sum(o.in_scope and o.skymask in FAILING for o in set_outcomes)
        everything += set_outcomes
    if arguments.sets == list(FILE_SETS) and not (arguments.keyword or arguments.file):
        unused = [e.pattern for e in table.entries if e.pattern not in matched]
        if unused:
            lines.append(f"table entries matching no test ({len(unused)}): {', '.join(unused)}")
    print("\n".join(lines))

    if arguments.json:
        arguments.json.write_text(json.dumps(
            [
                {
                    "nodeid": o.nodeid, "file": o.file, "skymask": o.skymask, "gammapy": o.gammapy,
                    "message": o.message, "where": o.where,
                    "category": o.exclusion.category if o.exclusion else None,
                    "ref": o.exclusion.ref if o.exclusion else None,
                }
                for o in everything
            ],
            indent=1,
        ))  # fmt: skip
    if arguments.write_docs:
        if arguments.sets == list(FILE_SETS):
            blocks["categories"] = categories_block(table, everything)
        write_docs(blocks)
        print(f"updated {DOCS_PAGE}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
