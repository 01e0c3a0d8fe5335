"""A progress bar for long jobs: drawn on a terminal's stderr with ``\\r``, silent otherwise."""

from __future__ import annotations

import sys

__all__ = ["Progress"]


class Progress:
    """One-line progress bar, drawn only when the stream (default stderr) is a terminal.

    Parameters
    ----------
    label : str
        Text before the bar, e.g. ``"skymask mask catalog"``.
    total : int
        Number of steps of the whole job.
    unit : str
        What a step is (``"sources"``), shown after the counts.
    stream : file, optional
        Where to draw; default ``sys.stderr`` at the time of construction.

    Use it as a context manager: on a normal exit the finished bar stays on its line; when an
    exception leaves the block the bar is erased, so that an error message starts on a clean
    line.

    Examples
    --------
    >>> import io
    >>> with Progress("demo", total=3, stream=io.StringIO()) as progress:
    ...     progress.update(1, "reading")
    >>> progress.enabled
    False
    """

    width = 30

    def __init__(self, label: str, total: int, unit: str = "", *, stream=None):
        self.label = label
        self.total = max(int(total), 0)
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self.total > 0 and _is_terminal(self.stream)
        self._last = None
        self._length = 0

    def __enter__(self) -> Progress:
        self.update(0)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if not self.enabled or not self._length:
            return
        if exc_type is None:
            self.update(self.total, force=True)
            self.stream.write("\n")
        else:
            self.stream.write("\r" + " " * self._length + "\r")
        self.stream.flush()
        self._length = 0

    def update(self, done: int, note: str = "", *, force: bool = False) -> None:
        """Show ``done`` of ``total`` steps (redrawn when the shown state changes)."""
        if not self.enabled:
            return
        done = min(max(int(done), 0), self.total)
        filled = done * self.width // self.total
        state = (filled, done if self.total <= 100 else 100 * done // self.total, note)
        if state == self._last and not force:
            return
        self._last = state
        bar = "#" * filled + "-" * (self.width - filled)
        percent = 100 * done // self.total
        text = f"{self.label}: [{bar}] {percent:3d}% {done}/{self.total}"
        if self.unit:
            text += f" {self.unit}"
        if note:
            text += f" {note}"
        padding = " " * max(self._length - len(text), 0)
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self._length = len(text)


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):
        return False
