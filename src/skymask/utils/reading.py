"""Opening input files safely: regular files only, complete FITS files, checked checksums.

`open_fits` is the one way skymask opens a FITS file. It

* refuses anything but a regular file (a FIFO or ``/dev/zero`` would block or never end),
  opening it without blocking and checking what was opened, not what the name was a moment
  earlier;
* reads the headers once before astropy does (`~skymask.utils.fits_structure`), refusing
  structural keywords out of the standard's range (a damaged ``NAXIS`` or ``TFIELDS`` would
  make astropy loop or allocate for minutes) and a file that was cut short: a ``.gz`` file
  whose gzip stream ends before its end marker, a file shorter than its headers say, a
  partial header after the last HDU, or fewer extensions than the primary header's
  ``NEXTEND`` announces (skymask writes ``NEXTEND`` in dataset files, so that a file cut
  exactly between two HDUs is noticed too);
* verifies ``CHECKSUM``/``DATASUM`` where present (D11: a `ChecksumWarning` when wrong, nothing
  when absent).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
import warnings
from pathlib import Path

from astropy.io import fits

from .exceptions import ChecksumWarning
from .fits_structure import scan_structure

__all__ = ["damaged_file_errors", "open_fits", "open_regular_file", "regular_file"]

# What astropy raises, deep inside, when it parses a damaged header or table lazily.
_PARSE_FAILURES = (
    AssertionError,  # astropy validates some column keywords (TTYPEn) with assertions
    AttributeError,
    IndexError,
    ZeroDivisionError,
    OverflowError,
    UnicodeError,
    fits.VerifyError,
)
_GZIP_MAGIC = b"\x1f\x8b"


def _check_mode(mode: int, path, what: str) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{path} is a directory, not a {what}")
    if not stat.S_ISREG(mode):
        raise ValueError(
            f"{path} is not a regular file (a FIFO, device or socket); skymask reads a {what} "
            "from a regular file only"
        )


def regular_file(path, *, what: str = "file") -> Path:
    """``path`` as a Path if it names an existing regular file (links followed).

    Parameters
    ----------
    path : str or path
        The file.
    what : str
        What the file should be, for messages ("map file").

    Returns
    -------
    `~pathlib.Path`
        The path.

    Raises
    ------
    FileNotFoundError
        Nothing of that name.
    IsADirectoryError
        A folder.
    ValueError
        A FIFO, device or socket (reading them can block or never end).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skymask.utils.reading import regular_file
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         regular_file(Path(tmp), what="map file")
    ...     except IsADirectoryError:
    ...         print("a folder")
    a folder
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(f"no such {what}: {path}") from None
    _check_mode(info.st_mode, path, what)
    return path


def open_regular_file(path, *, what: str = "file"):
    """Open ``path`` for binary reading if it is a regular file (checked on the open file).

    Parameters
    ----------
    path : path
        The file.
    what : str
        What the file should be, for messages.

    Returns
    -------
    file object
        Open for binary reading.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError
        See `regular_file`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skymask.utils.reading import open_regular_file
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "a.txt").write_bytes(b"abc")
    ...     with open_regular_file(Path(tmp) / "a.txt") as f:
    ...         print(f.read())
    b'abc'
    """
    path = regular_file(path, what=what)
    # O_NONBLOCK: if the name was swapped for a FIFO after the check, opening must not hang.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _check_mode(os.fstat(fd).st_mode, path, what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def open_fits(
    path,
    *,
    what: str = "FITS file",
    checksum: bool = False,
    memmap: bool = False,
    complete: bool = True,
):
    """Open a FITS file as an `~astropy.io.fits.HDUList` (a context manager).

    Parameters
    ----------
    path : Path
        The file (already expanded).
    what : str
        What the file should be, for messages ("map file", "MapDataset file").
    checksum : bool
        Verify CHECKSUM/DATASUM where present: a `ChecksumWarning` if wrong.
    memmap : bool
        Passed to `astropy.io.fits.open`.
    complete : bool
        Also check that the file holds the extensions its primary header announces
        (``NEXTEND``). The layout and the length of the file are checked in any case (for
        ``.gz`` files this decompresses the stream once more, without keeping it), and
        exactly the HDUs of that layout are loaded (their headers; checksums verified).

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError
        See `regular_file`; ValueError also for truncated or damaged files.
    OSError
        Not a FITS file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from astropy.io import fits
    >>> from skymask.utils.reading import open_fits
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fits.HDUList([fits.PrimaryHDU()]).writeto(Path(tmp) / "a.fits")
    ...     with open_fits(Path(tmp) / "a.fits") as hdulist:
    ...         print(len(hdulist))
    1
    """
    fileobj = open_regular_file(path, what=what)
    with fileobj:
        layouts = _scan(fileobj, path, what)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                # Lazily, then exactly the HDUs of the checked layout (see _read_layout).
                hdulist = fits.open(fileobj, memmap=memmap, checksum=checksum, lazy_load_hdus=True)
                _read_layout(hdulist, layouts, path)
            except OSError as exc:
                raise OSError(f"{path} is not a valid {what}: {exc}") from None
            except (ValueError, KeyError, TypeError, *_PARSE_FAILURES) as exc:
                # astropy's reactions to malformed headers (e.g. a non-numeric NAXIS1).
                raise ValueError(
                    f"{path} is not a valid {what}: a header cannot be read "
                    f"({type(exc).__name__}: {exc})"
                ) from None
        others = []
        for warning in caught:
            text = str(warning.message)
            if "checksum" in text.lower() or "datasum" in text.lower():
                warnings.warn(f"{path}: {text}", ChecksumWarning, stacklevel=3)
            else:
                others.append(warning)
        with hdulist:
            if complete:
                _check_complete(hdulist, layouts, path)
            # After the check: a truncated file gives its error, not astropy's warnings
            # about the bytes after its last HDU.
            for warning in others:
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
            yield hdulist


def _scan(fileobj, path, what: str):
    """The checked HDU layout (`scan_structure`); the file is back at its start afterwards."""
    magic = fileobj.read(2)
    fileobj.seek(0)
    if magic == _GZIP_MAGIC:
        with gzip.GzipFile(fileobj=fileobj, mode="rb") as stream:
            layouts = scan_structure(stream, path)
    else:
        size = os.fstat(fileobj.fileno()).st_size
        if size == 0:
            raise ValueError(f"{path} is empty, not a {what}")
        try:
            layouts = scan_structure(fileobj, path, size=size)
        except OSError as exc:
            raise OSError(f"{path} is not a valid {what}: {exc}") from None
    if not layouts:
        raise ValueError(f"{path} is empty, not a {what}")
    fileobj.seek(0)
    return layouts


def _check_complete(hdulist, layouts, path) -> None:
    """``NEXTEND`` (if any) is met: a file cut between two HDUs is recognised."""
    announced = hdulist[0].header.get("NEXTEND")
    announced_count = isinstance(announced, int) and not isinstance(announced, bool)
    if announced_count and len(layouts) - 1 < announced:
        raise ValueError(
            f"{path} is incomplete: its primary header announces {announced} extensions "
            f"(NEXTEND) but the file holds {len(layouts) - 1}: it was cut short (if HDUs "
            "were removed on purpose, update or delete NEXTEND)"
        )


def _read_layout(hdulist, layouts, path) -> None:
    """Load exactly the HDUs of the checked layout and tell astropy that these are all.

    astropy decides for itself where the next HDU starts and, on some damaged gzip files,
    never stops reading; the layout checked by `scan_structure` is the authority.
    """
    try:
        hdulist[len(layouts) - 1]  # loads the HDUs up to this one
    except IndexError:
        raise ValueError(
            f"{path} is damaged: astropy reads fewer HDUs than the {len(layouts)} it holds"
        ) from None
    if hasattr(hdulist, "_read_all"):
        hdulist._read_all = True  # astropy's own flag: every HDU is loaded


@contextlib.contextmanager
def damaged_file_errors(path, *, what: str = "FITS file"):
    """Errors while interpreting a file's content name the file.

    A documented error (ValueError, TypeError, KeyError, OSError) that does not mention ``path``
    gets it in front; a stray exception from a damaged header (an AttributeError or
    IndexError from deep inside astropy) becomes a ValueError that says the file is damaged.

    Parameters
    ----------
    path : path
        The file being read.
    what : str
        What the file should be, for messages.

    Examples
    --------
    >>> from skymask.utils.reading import damaged_file_errors
    >>> try:
    ...     with damaged_file_errors("map.fits", what="map file"):
    ...         raise IndexError("list index out of range")
    ... except ValueError as error:
    ...     print(type(error).__name__)
    ValueError
    """
    try:
        yield
    except _PARSE_FAILURES as exc:
        raise ValueError(
            f"{path} is a damaged {what}: a header or table cannot be interpreted "
            f"({type(exc).__name__}: {exc})"
        ) from None
    except (ValueError, TypeError, KeyError, OSError) as exc:
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if str(path) in text or path.name in text:
            raise
        try:
            renamed = type(exc)(f"{path}: {text}")
        except Exception:  # an exception class with another signature
            raise exc from None
        raise renamed from None
