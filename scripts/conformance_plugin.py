"""pytest plugin of scripts/conformance.py: one outcome per test, written as JSON.

Loaded with ``-p conformance_plugin`` in both environments (skymask's and gammapy's), so it
uses nothing but pytest. ``CONFORMANCE_RESULTS`` names the output file:
``{"tests": {nodeid: {"outcome", "message", "where"}}, "collection_errors": [...]}`` with
outcome one of passed, failed, error, skipped, xfailed, xpassed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

_tests: dict[str, dict] = {}
_collection_errors: list[dict] = []


def _crash(report) -> tuple[str, str]:
    """The exception line and the place it was raised, as short as pytest knows them."""
    longrepr = report.longrepr
    if longrepr is None:
        return "", ""
    if isinstance(longrepr, tuple):  # skips: (path, lineno, reason)
        path, lineno, reason = longrepr
        return str(reason), f"{path}:{lineno}"
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        message = crash.message.replace("conformance_support.MissingAPIError", "MissingAPIError")
        return message, f"{crash.path}:{crash.lineno}"
    text = str(longrepr).strip().splitlines()
    errors = [line[1:].strip() for line in text if line.startswith("E ")]
    return (" ".join(errors) if errors else (text[-1] if text else "")), ""


def _missing_api_raised() -> list[str]:
    support = sys.modules.get("conformance_support")
    return support.RAISED if support is not None else []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _missing_api_raised().clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    raised = _missing_api_raised()
    # A test that touched a missing name and passed anyway swallowed the error (e.g. inside
    # pytest.raises(Exception)): it did not test skymask, so it fails.
    if report.when == "call" and report.passed and raised:
        report.outcome = "failed"
        report.longrepr = f"E   MissingAPIError (swallowed by the test): {raised[0]}"


def pytest_runtest_logreport(report):
    entry = _tests.setdefault(report.nodeid, {"outcome": None, "message": "", "where": ""})
    wasxfail = hasattr(report, "wasxfail")
    outcome = None
    if report.when == "setup":
        if report.failed:
            outcome = "error"
        elif report.skipped:
            outcome = "xfailed" if wasxfail else "skipped"
    elif report.when == "call":
        if report.failed:
            outcome = "failed"
        elif report.skipped:
            outcome = "xfailed" if wasxfail else "skipped"
        else:
            outcome = "xpassed" if wasxfail else "passed"
    elif report.when == "teardown" and report.failed and entry["outcome"] in (None, "passed"):
        outcome = "error"
    if outcome is not None:
        entry["outcome"] = outcome
        if outcome not in ("passed", "xpassed"):
            entry["message"], entry["where"] = _crash(report)


def pytest_collectreport(report):
    if report.failed:
        message, where = _crash(report)
        _collection_errors.append({"nodeid": report.nodeid, "message": message, "where": where})


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("CONFORMANCE_RESULTS")
    if not target:
        return
    payload = {"tests": _tests, "collection_errors": _collection_errors}
    Path(target).write_text(json.dumps(payload, indent=1))
