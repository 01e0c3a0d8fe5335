"""File helpers: path resolution, the ``overwrite`` flag, and atomic writes of one or more files.

What a write guarantees (`write_files`, and `atomic_write` / `write_fits` for one file):

* Every output is first written in full to a temporary file next to it (a hidden name
  ``.<name>.<random>.skymask-tmp``), flushed to disk (``fsync``) and only then put in place
  by a rename; the folder is synced after the rename. A reader, a crash or a full disk sees
  the old file or the new one, never a mix of both or a partial file.
* ``overwrite=False`` is enforced at the moment the file appears: the temporary is hard-linked
  to the final name, which fails if that name exists. Of two writers racing for one name, one
  succeeds and the other gets `FileExistsError`; neither replaces the other.
* A replaced file keeps its permission bits; a new file gets the default permissions (0666
  minus the umask), as with ``open()``. A symbolic link is written through: its target is
  replaced and the link stays.
* SIGINT (KeyboardInterrupt), SIGTERM and SIGHUP during a write remove the temporaries; the
  old files stay. The handlers for SIGTERM and SIGHUP are installed only while a write runs in
  the main thread and the previous ones are restored (and a previous Python handler is
  still called first). After the cleanup the signal takes its usual effect. SIGKILL cannot be
  caught: it may leave a hidden temporary behind, never a damaged output.
* Several files (`write_files`, used by ``Datasets.write``) are all written to temporaries
  before any is put in place; if one fails, none is. The commit then renames them one after
  the other, with signals held back, and restores the old files if a rename fails. POSIX has
  no rename of several files at once, so a crash of the machine or a SIGKILL in the
  microseconds of the commit can still leave some files new and others old (each complete).
  The first file of the list is committed last (the datasets index), so that a reader who
  sees the new index finds the new files it points to.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = [
    "OutputFile",
    "atomic_write",
    "check_overwrite",
    "make_path",
    "write_files",
    "write_fits",
]

TEMP_SUFFIX = ".skymask-tmp"
_WRITE_CHUNK = 1 << 20
_TERMINATING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_DEFERRED_SIGNALS = (signal.SIGINT, *_TERMINATING_SIGNALS)
# os.link fails with these where the file system has no hard links (FAT, some network mounts).
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def make_path(path) -> Path:
    """Path with ``$VARS`` and ``~`` expanded (as gammapy's ``make_path``).

    Only for file names the caller gives; names read from files (a datasets YAML) are never
    expanded.

    Parameters
    ----------
    path : str or path
        A file name given by the caller.

    Returns
    -------
    `~pathlib.Path`
        The expanded path.

    Examples
    --------
    >>> import os
    >>> from skymask.utils.io import make_path
    >>> make_path("$HOME/data.fits") == make_path("~/data.fits") == make_path(
    ...     os.path.expanduser("~/data.fits"))
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"a file name must be a str or path, got {path!r}")
    return Path(os.path.expandvars(os.path.expanduser(os.fspath(path))))


def check_overwrite(overwrite) -> bool:
    """``overwrite`` as a bool: True, False, or the strings "True"/"False" (any case, blanks
    around ignored), as gammapy's tutorial writes ``overwrite="True"``.

    gammapy uses the truthiness, so that ``overwrite="False"`` overwrites; here it means False.
    Anything else (other strings, numbers, None) is a TypeError rather than a guess.

    Parameters
    ----------
    overwrite : bool or str
        The value.

    Returns
    -------
    bool
        The flag.

    Raises
    ------
    TypeError
        For anything else.

    Examples
    --------
    >>> from skymask.utils.io import check_overwrite
    >>> check_overwrite(" True "), check_overwrite("false"), check_overwrite(False)
    (True, False, False)
    """
    if isinstance(overwrite, (bool, np.bool_)):
        return bool(overwrite)
    if isinstance(overwrite, str) and overwrite.strip().lower() in ("true", "false"):
        return overwrite.strip().lower() == "true"
    raise TypeError(
        f"overwrite must be True or False (or the string 'True' or 'False'), got {overwrite!r} "
        f"({type(overwrite).__name__})"
    )


@dataclass
class OutputFile:
    """One file of `write_files`: where it goes, how to write it, and what it is.

    ``write`` receives a binary file object (the temporary) and writes the whole content.
    ``label`` names the file in error messages ("the dataset 'crab'").

    Parameters
    ----------
    path : str or path
        Where the file goes.
    write : callable
        ``write(fileobj)`` writes the content.
    label : str
        What the file is, for error messages.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skymask.utils.io import OutputFile, write_files
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     output = OutputFile(Path(tmp) / "a.txt", lambda f: f.write(b"a"), label="the a file")
    ...     [path.name for path in write_files([output], overwrite=False)]
    ['a.txt']
    """

    path: os.PathLike | str
    write: Callable[[BinaryIO], None]
    label: str = ""
    _final: Path = field(init=False, repr=False, default=None)
    _temp: Path | None = field(init=False, repr=False, default=None)
    _backup: Path | None = field(init=False, repr=False, default=None)
    _mode: int | None = field(init=False, repr=False, default=None)
    _existed: bool = field(init=False, repr=False, default=False)

    @property
    def name(self) -> str:
        """The label, or the path when there is none (for messages).

        Examples
        --------
        >>> from skymask.utils.io import OutputFile
        >>> OutputFile("a.txt", print).name, OutputFile("a.txt", print, label="the index").name
        ('a.txt', 'the index')
        """
        return self.label or str(self.path)

    @property
    def temporary_path(self) -> Path | None:
        """The temporary being written (set while ``write`` runs): writers that fill it by
        name from other processes (chunked maps on a cluster) need it.

        Examples
        --------
        >>> from skymask.utils.io import OutputFile
        >>> OutputFile("a.txt", print).temporary_path is None  # set only while writing
        True
        """
        return self._temp


def atomic_write(path, write: Callable[[BinaryIO], None], *, overwrite) -> Path:
    """Write one file atomically: ``write(fileobj)`` fills a temporary that replaces ``path``.

    See the module documentation for the guarantees. Returns the path written (the target of
    ``path`` if it is a symbolic link).

    Parameters
    ----------
    path : str or path
        The file.
    write : callable
        ``write(fileobj)`` writes the content to a binary file object.
    overwrite : bool
        Replace an existing file (see `check_overwrite`).

    Returns
    -------
    `~pathlib.Path`
        The path written.

    Raises
    ------
    FileExistsError
        If the file exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skymask.utils.io import atomic_write
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = atomic_write(Path(tmp) / "a.txt", lambda f: f.write(b"hello"), overwrite=False)
    ...     path.read_bytes()
    b'hello'
    """
    return write_files([OutputFile(path, write)], overwrite=overwrite)[0]


def write_fits(hdulist, filename, *, overwrite, checksum: bool = False) -> Path:
    r"""Write an HDU list atomically; ``.gz`` names are gzip-compressed as they are written.

    The compression streams (no second copy of the file in memory), and the gzip header
    records the final file name, not the temporary one.

    Parameters
    ----------
    hdulist : `~astropy.io.fits.HDUList`
        What to write.
    filename : str or path
        The file (``.gz``: compressed).
    overwrite : bool
        Replace an existing file.
    checksum : bool
        Add CHECKSUM/DATASUM keywords.

    Returns
    -------
    `~pathlib.Path`
        The path written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from astropy.io import fits
    >>> from skymask.utils.io import write_fits
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_fits(fits.HDUList([fits.PrimaryHDU()]), Path(tmp) / "a.fits.gz",
    ...                       overwrite=False)
    ...     path.read_bytes()[:2]
    b'\x1f\x8b'
    """
    return atomic_write(
        filename, fits_writer(hdulist, filename, checksum=checksum), overwrite=overwrite
    )


def fits_writer(hdulist, filename, *, checksum: bool = False) -> Callable[[BinaryIO], None]:
    """The ``write`` callable of an HDU list for `OutputFile` (gzip for ``.gz`` names)."""
    name = make_path(filename).name

    def write(fileobj: BinaryIO) -> None:
        if name.lower().endswith(".gz"):
            with _StreamingGzipFile(filename=name[:-3], mode="wb", fileobj=fileobj) as compressed:
                hdulist.writeto(compressed, checksum=checksum)
        else:
            hdulist.writeto(fileobj, checksum=checksum)

    return write


class _StreamingGzipFile(gzip.GzipFile):
    """A gzip writer that compresses in pieces of 1 MB.

    astropy hands a whole image to one ``write`` call; compressed at once, the output would
    be a second copy of the data in memory.
    """

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        for start in range(0, len(view), _WRITE_CHUNK):
            super().write(view[start : start + _WRITE_CHUNK])
        return len(view)


# ---------------------------------------------------------------------- several files
def write_files(files: Sequence[OutputFile], *, overwrite) -> list[Path]:
    """Write several files so that either all are replaced or none is.

    Every target is checked first (folder exists, not a folder, not another kind of file,
    no two outputs on the same file, none exists unless ``overwrite``), then every file is
    written to its temporary, then all are committed. See the module documentation.

    Parameters
    ----------
    files : sequence of `OutputFile`
        The outputs.
    overwrite : bool
        Replace existing files.

    Returns
    -------
    list of Path
        The files written, in the order given (symbolic links resolved).

    Raises
    ------
    FileExistsError
        A target exists and ``overwrite`` is False (also when another process creates it
        while this one writes).
    ValueError
        Two outputs are the same file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skymask.utils.io import OutputFile, write_files
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     outputs = [OutputFile(Path(tmp) / name, lambda f: f.write(b"x")) for name in "ab"]
    ...     [path.name for path in write_files(outputs, overwrite=False)]
    ['a', 'b']
    """
    overwrite = check_overwrite(overwrite)
    files = list(files)
    for item in files:
        _plan(item, overwrite)
    _check_distinct(files)
    with _cleanup_on_termination():
        try:
            for item in files:
                _write_temporary(item)
            with _signals_deferred():
                _commit(files, overwrite)
                for item in files:
                    _discard(item)
                _sync_folders({item._final.parent for item in files})
        finally:
            for item in files:
                _discard(item)
    return [item._final for item in files]


def _plan(item: OutputFile, overwrite: bool) -> None:
    path = make_path(item.path)
    # Write through symbolic links: replace the file the link points to, keep the link. The
    # resolved name also lets two names of one folder be recognised as the same output.
    final = Path(os.path.realpath(path))
    if not final.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the directory {final.parent} does not exist")
    item._final, item._existed, item._mode = final, False, None
    try:
        info = final.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"cannot write {path}: it is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(
            f"cannot write {path}: it exists and is not a regular file (a device, FIFO or "
            "socket); give the name of a regular file"
        )
    if not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    # The write bits, not only access(): root may write anything, but a file someone made
    # read-only is meant to stay.
    if not os.access(final, os.W_OK) or not info.st_mode & 0o222:
        raise PermissionError(
            f"cannot replace {path}: it is read-only; make it writable (chmod u+w) if it "
            "should be replaced"
        )
    item._existed, item._mode = True, stat.S_IMODE(info.st_mode)


def _check_distinct(files: list[OutputFile]) -> None:
    seen: dict[tuple, OutputFile] = {}
    for item in files:
        for key in _identities(item._final):
            other = seen.setdefault(key, item)
            if other is not item:
                raise ValueError(
                    f"{other.name} and {item.name} would both be written to {item._final}; "
                    "give them different file names"
                )


def _identities(path: Path) -> list[tuple]:
    """Keys shared by two names of one file: the folder and the name in lower case (names
    that differ only in letter case are one file on macOS and Windows), and the inode of an
    existing file (hard links)."""
    keys = [("path", os.path.normcase(str(path.parent)), path.name.lower())]
    with contextlib.suppress(OSError):
        info = path.stat()
        keys.append(("inode", info.st_dev, info.st_ino))
    return keys


def _write_temporary(item: OutputFile) -> None:
    final = item._final
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        # Signals held back: a SIGTERM between creating the temporary and recording it
        # would leave it behind.
        with _signals_deferred():
            try:
                # O_EXCL: never reuse a name; mode 0o666 lets the umask decide, as open().
                fd = os.open(temp, flags, 0o666)
            except FileExistsError:
                continue
            item._temp = temp
            fileobj = os.fdopen(fd, "wb")
        break
    with fileobj:
        if item._mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, item._mode)  # keep the permission bits of the replaced file
        item.write(fileobj)
        fileobj.flush()
        os.fsync(fileobj.fileno())


def _commit(files: list[OutputFile], overwrite: bool) -> None:
    # The first file (e.g. the datasets index) last: a reader who sees it new finds the rest new.
    order = [*files[1:], files[0]]
    if overwrite:
        _commit_replacing(order)
    else:
        _commit_no_clobber(order)


def _commit_no_clobber(order: list[OutputFile]) -> None:
    linked: list[OutputFile] = []
    try:
        for item in order:
            _link_exclusive(item)
            linked.append(item)
    except BaseException:
        for item in linked:
            _unlink_if_same(item._final, item._temp)
        raise


def _link_exclusive(item: OutputFile) -> None:
    """Put the temporary in place under its final name, failing if that name exists."""
    try:
        os.link(item._temp, item._final)
        return
    except FileExistsError:
        raise FileExistsError(
            f"{item._final} was created by someone else while this write ran; nothing was "
            "replaced (pass overwrite=True to replace it)"
        ) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # No hard links here: reserve the name with O_EXCL, then move the full file onto it. A
    # reader may briefly see the empty reserved file (the only gap on such file systems).
    try:
        os.close(os.open(item._final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise FileExistsError(
            f"{item._final} was created by someone else while this write ran; nothing was "
            "replaced (pass overwrite=True to replace it)"
        ) from None
    os.replace(item._temp, item._final)
    item._temp = None


def _commit_replacing(order: list[OutputFile]) -> None:
    replaced: list[OutputFile] = []
    try:
        if len(order) > 1:  # one file is replaced atomically: nothing to roll back
            for item in order:
                _keep_backup(item)
        for item in order:
            os.replace(item._temp, item._final)
            item._temp = None
            replaced.append(item)
    except BaseException:
        # Put the old files back (those that had one); remove the new ones that had none.
        for item in reversed(replaced):
            if item._backup is not None:
                os.replace(item._backup, item._final)
                item._backup = None
            elif not item._existed:
                item._final.unlink(missing_ok=True)
        raise


def _keep_backup(item: OutputFile) -> None:
    """Hard-link the file about to be replaced, so that a failed commit can restore it."""
    backup = item._final.with_name(f".{item._final.name}.{secrets.token_hex(4)}.old{TEMP_SUFFIX}")
    for _ in range(10):
        try:
            os.link(item._final, backup)
        except FileNotFoundError:
            # Gone, or replaced by another writer in this very instant (Linux then reports
            # ENOENT for the old file): link the current one, if any.
            if not item._final.exists():
                return
            continue
        except OSError as exc:
            if exc.errno in _NO_HARD_LINKS:
                return  # no rollback possible on this file system
            raise
        item._backup = backup
        return


def _discard(item: OutputFile) -> None:
    for name in ("_temp", "_backup"):
        path = getattr(item, name)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
            setattr(item, name, None)


def _unlink_if_same(final: Path, temp: Path | None) -> None:
    """Remove ``final`` if it is still the file this write linked there."""
    try:
        if temp is not None and os.path.samefile(final, temp):
            final.unlink()
    except OSError:
        pass


def _sync_folders(folders: Iterable[Path]) -> None:
    """fsync each folder so that the renames survive a power cut (POSIX only)."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass  # some file systems cannot sync a folder; the rename is still atomic
        finally:
            os.close(fd)


# ---------------------------------------------------------------------- signals
class _Terminated(BaseException):
    """Raised inside a write by SIGTERM/SIGHUP so that the temporaries are removed."""

    def __init__(self, signum: int):
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


_handler_depth = 0
# Whether the body of a write runs (the handlers raise `_Terminated` only then), and the
# terminating signals that arrived outside it, while the handlers were set up or taken down.
_writing = False
_pending: list[int] = []


@contextlib.contextmanager
def _cleanup_on_termination():
    """While a write runs: SIGTERM and SIGHUP raise `_Terminated` (after calling a previous
    Python handler, if any), so that ``finally`` blocks remove the temporaries; afterwards the
    previous handlers are restored and the signal is raised again to take its usual effect.

    The handlers raise only while the body runs (``_writing``): a signal that arrives while
    they are being installed or restored is kept and raised again once the previous handlers
    are back, so no `_Terminated` escapes outside the ``try`` that turns it into the signal.
    """
    global _handler_depth, _writing
    if threading.current_thread() is not threading.main_thread() or _handler_depth:
        yield  # signal handlers can only be set in the main thread; nested writes share one
        return
    previous = {}
    _pending.clear()
    for signum in _TERMINATING_SIGNALS:
        handler = signal.getsignal(signum)
        if handler is signal.SIG_DFL or callable(handler):
            previous[signum] = handler
            signal.signal(signum, _chained_handler(handler))
    _handler_depth += 1
    terminated = None
    try:
        try:
            _writing = True
            if _pending:  # arrived while the handlers were being installed
                raise _Terminated(_pending[0])
            yield
        finally:
            _writing = False  # a signal before this line still raises inside the outer try
    except _Terminated as exc:
        terminated = exc.signum
    finally:
        _handler_depth -= 1
        # Held back while restoring: a signal now reaches the previous handler afterwards.
        with _signals_deferred():
            _restore(previous)
        if terminated is None and _pending:  # arrived as the write ended
            terminated = _pending[0]
        _pending.clear()
        if terminated is not None:
            signal.raise_signal(terminated)  # the usual effect: the default action ends the process
            raise SystemExit(128 + terminated) from None  # if the signal is blocked or ignored


def _chained_handler(previous):
    def handler(signum, frame):
        if callable(previous):
            previous(signum, frame)  # may raise (then the write is abandoned) or return
            return
        if _writing:
            raise _Terminated(signum)
        _pending.append(signum)

    return handler


def _restore(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_deferred():
    """Hold back SIGINT, SIGTERM and SIGHUP during the renames of a commit (POSIX)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
