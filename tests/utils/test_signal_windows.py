"""SIGTERM in the narrow windows around a write: while the cleanup handlers are being installed
and while they are being taken down. Either way the process ends by the signal (as it would
without skymask), the body of the write does not run after the signal, and no internal
exception escapes (a traceback and exit status 1 was the old failure).

Deterministic: the signal is sent from inside the window by wrapping the call that opens it.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

_INSTALL = """
import os, signal
from skymask.utils import io
real = signal.getsignal
calls = []
def getsignal(signum):
    calls.append(signum)
    if len(calls) == 2:  # SIGTERM's handler is installed, SIGHUP's not yet
        os.kill(os.getpid(), signal.SIGTERM)
    return real(signum)
signal.getsignal = getsignal
with io._cleanup_on_termination():
    print("body ran", flush=True)
print("survived", flush=True)
"""

_REMOVE = """
import os, signal
from skymask.utils import io
real = io._signals_deferred
def deferred():
    os.kill(os.getpid(), signal.SIGTERM)  # the body is over, the handlers are still ours
    return real()
io._signals_deferred = deferred
with io._cleanup_on_termination():
    print("body ran", flush=True)
print("survived", flush=True)
"""


@pytest.mark.parametrize(
    ("code", "body_runs"), [(_INSTALL, False), (_REMOVE, True)], ids=["install", "remove"]
)
def test_sigterm_while_handlers_change_ends_the_process_by_the_signal(code, body_runs):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert ("body ran" in result.stdout) == body_runs
    assert "survived" not in result.stdout
    assert "Traceback" not in result.stderr


def test_handlers_are_restored_after_a_write():
    code = """
import signal
from skymask.utils import io
before = signal.getsignal(signal.SIGTERM)
with io._cleanup_on_termination():
    assert signal.getsignal(signal.SIGTERM) is not before
assert signal.getsignal(signal.SIGTERM) is before
assert not io._writing and not io._pending and io._handler_depth == 0
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
