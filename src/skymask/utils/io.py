"""File helpers: path resolution and atomic writes."""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "check_overwrite", "make_path", "write_fits"]


def make_path(path) -> Path:
    """Path with ``$VARS`` and ``~`` expanded."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"a file name must be a str or path, got {path!r}")
    return Path(os.path.expandvars(os.path.expanduser(os.fspath(path))))


def check_overwrite(overwrite) -> None:
    """``overwrite`` must be a real bool: ``overwrite="False"`` must not mean True."""
    if not isinstance(overwrite, bool):
        raise TypeError(
            f"overwrite must be True or False, got {overwrite!r} ({type(overwrite).__name__}); "
            "a string such as 'False' would otherwise count as true"
        )


def atomic_write(path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one step.

    The temporary file lives in the target directory and keeps the target's suffixes (so
    ``.fits.gz`` is compressed). If ``write`` fails, the target is left untouched.
    """
    check_overwrite(overwrite)
    path = make_path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    if not path.parent.exists():
        raise FileNotFoundError(f"cannot write {path}: the directory {path.parent} does not exist")
    suffix = "".join(path.suffixes[-2:]) if path.suffixes else ""
    handle, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent
    )
    os.close(handle)
    tmp_path = Path(tmp_name)
    try:
        tmp_path.unlink()
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def write_fits(hdulist, filename, *, overwrite: bool, checksum: bool = False) -> Path:
    """Write an HDU list atomically; ``.gz`` names are gzip-compressed.

    The compression is done here rather than by astropy so that the gzip header records the
    final file name, not the temporary one.
    """
    path = make_path(filename)

    def write(tmp: Path) -> None:
        if path.suffix.lower() == ".gz":
            buffer = io.BytesIO()
            hdulist.writeto(buffer, checksum=checksum)
            with (
                open(tmp, "wb") as raw,
                gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw) as compressed,
            ):
                compressed.write(buffer.getvalue())
        else:
            hdulist.writeto(tmp, checksum=checksum)

    return atomic_write(path, write, overwrite=overwrite)
