"""Refuse allocations that cannot fit in memory before attempting them.

A request such as an all-sky map at 0.001 deg (6.5e10 pixels) or a plot at 100000 dpi would
otherwise end in a bare `MemoryError` deep inside numpy or matplotlib (or, worse, in the
machine swapping for minutes). `check_allocation` compares the size of one planned array with
the memory the process can still get and raises `AllocationTooLargeError`, which names the
size, the limit and what was being allocated.

The limit is the smallest of: the memory the kernel reports as available (``MemAvailable`` in
``/proc/meminfo``, else ``sysconf``), the room left under a cgroup (container) memory limit,
and the room left under the process address-space limit (``ulimit -v``). Where none of these
can be read, nothing is refused.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

__all__ = ["AllocationTooLargeError", "available_memory", "check_allocation", "format_bytes"]

_CGROUP_FILES = (
    (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory.current")),  # cgroup v2
    (
        Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
        Path("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ),
)


class AllocationTooLargeError(ValueError, MemoryError):
    """A planned array does not fit in the available memory.

    A `ValueError` (the request is the problem: too many pixels, bins or dots) and a
    `MemoryError` (so code that already catches memory errors keeps working).

    Examples
    --------
    >>> from skymask.utils.memory import AllocationTooLargeError, check_allocation
    >>> try:
    ...     check_allocation(10**20, what="a huge map")
    ... except AllocationTooLargeError as error:
    ...     print(isinstance(error, ValueError), isinstance(error, MemoryError))
    True True
    """


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` in readable units: ``'75.0 GB'``, ``'512 B'`` (powers of 1000).

    Parameters
    ----------
    n_bytes : float
        A size.

    Returns
    -------
    str
        The readable size.

    Examples
    --------
    >>> from skymask.utils.memory import format_bytes
    >>> format_bytes(75e9), format_bytes(512)
    ('75.0 GB', '512 B')
    """
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{int(n_bytes)} B"


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _cgroup_room() -> int | None:
    for limit_file, usage_file in _CGROUP_FILES:
        limit, usage = _read_int(limit_file), _read_int(usage_file)
        # cgroup v1 reports "no limit" as a huge number; v2 as "max" (not digits: None).
        if limit is not None and usage is not None and limit < 2**60:
            return max(limit - usage, 0)
    return None


def _address_space_room() -> int | None:
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, AttributeError):
        return None
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    try:
        # /proc/self/statm: the first field is the address-space size in pages.
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        used = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        used = 0
    return max(soft - used, 0)


def available_memory() -> int | None:
    """Bytes this process can still allocate, or None if that cannot be told.

    Returns
    -------
    int or None
        Bytes (the smaller of the free system memory and the cgroup limit).

    Examples
    --------
    >>> from skymask.utils.memory import available_memory
    >>> available = available_memory()
    >>> available is None or available > 0
    True
    """
    limits = [
        room for room in (_meminfo_available(), _cgroup_room(), _address_space_room()) if room
    ]
    return min(limits) if limits else None


def check_allocation(shape_or_bytes, dtype=None, *, what: str, copies: float = 1, hint: str = ""):
    """Raise `AllocationTooLargeError` if an array does not fit in the available memory.

    Parameters
    ----------
    shape_or_bytes : tuple of int or int
        The array shape (with ``dtype``), or a size in bytes (without it).
    dtype : numpy dtype, optional
        Element type of the array.
    what : str
        What is being allocated, for the message ("the map data of shape (3, 100000, 100000)").
    copies : float
        How many arrays of this size the operation needs at its peak.
    hint : str
        The way out, appended to the message ("use a larger --binsz").

    Returns
    -------
    int
        The size in bytes of one array.

    Raises
    ------
    AllocationTooLargeError
        If ``copies`` arrays of this size do not fit.

    Examples
    --------
    >>> from skymask.utils.memory import check_allocation
    >>> check_allocation((100, 100), "float64", what="a small map")
    80000
    """
    if dtype is None:
        n_bytes = int(shape_or_bytes)
    else:
        n_items = math.prod(int(n) for n in np.atleast_1d(shape_or_bytes))
        n_bytes = n_items * np.dtype(dtype).itemsize
    needed = n_bytes * copies
    limit = available_memory()
    if limit is not None and needed > limit:
        times = f" ({copies:g} arrays of {format_bytes(n_bytes)})" if copies != 1 else ""
        raise AllocationTooLargeError(
            f"{what} needs {format_bytes(needed)}{times}, more than the "
            f"{format_bytes(limit)} of memory available" + (f"; {hint}" if hint else "")
        )
    return n_bytes
