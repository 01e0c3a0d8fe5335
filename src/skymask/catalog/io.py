"""Finding and reading catalog files: ``$GAMMAPY_DATA`` defaults, FITS HDUs, ECSV tables."""

from __future__ import annotations

import os
import threading
import warnings
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import FK4, FK5, ICRS
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time

from ..utils.exceptions import SkymaskWarning
from ..utils.io import make_path

__all__ = [
    "CatalogWarning",
    "degrees_column",
    "position_frame",
    "read_ecsv_table",
    "read_fits_tables",
    "read_optional_fits_tables",
    "require_columns",
    "resolve_catalog_file",
    "string_column",
]

GAMMAPY_DATA = "GAMMAPY_DATA"


class CatalogWarning(SkymaskWarning):
    """A catalog file is readable but inconsistent (for example a missing extension entry).

    Examples
    --------
    >>> from skymask.catalog import CatalogWarning
    >>> from skymask.utils.exceptions import SkymaskWarning
    >>> issubclass(CatalogWarning, SkymaskWarning)
    True
    """


def resolve_catalog_file(owner: str, filename, default_files, looked_for=None) -> Path:
    """The catalog file to read: ``filename`` if given, else the first default that exists.

    Parameters
    ----------
    owner : str
        Class name used in messages (``"SourceCatalog3FHL"``).
    filename : str, path or None
        Explicit file. ``$VARS`` and ``~`` are expanded.
    default_files : sequence of str
        Candidate paths relative to ``$GAMMAPY_DATA``, in order of preference.
    looked_for : str, optional
        Short description of the candidates for the error message (default: their names).

    Raises
    ------
    FileNotFoundError
        The file does not exist, or ``$GAMMAPY_DATA`` is not set; the message names the path
        looked for, ``GAMMAPY_DATA`` and the ``filename=`` way out.
    """
    example = Path(default_files[0]).name
    way_out = f"or pass the file explicitly: {owner}(filename='.../{example}')"
    if filename is not None:
        path = make_path(filename)
        text = os.fspath(filename)
        if GAMMAPY_DATA in text and not os.environ.get(GAMMAPY_DATA):
            raise FileNotFoundError(
                f"{owner}: cannot read {text!r}: the {GAMMAPY_DATA} environment variable is "
                f"not set; set it to your gammapy-data directory, {way_out}"
            )
        if not path.is_file():
            raise FileNotFoundError(f"{owner}: catalog file not found: {path}")
        return path

    root = os.environ.get(GAMMAPY_DATA)
    if not root:
        raise FileNotFoundError(
            f"{owner}: the {GAMMAPY_DATA} environment variable is not set, so the default "
            f"catalog file $GAMMAPY_DATA/{default_files[0]} cannot be found; set "
            f"{GAMMAPY_DATA} to your gammapy-data directory, {way_out}"
        )
    candidates = [make_path(root) / relative for relative in default_files]
    for path in candidates:
        if path.is_file():
            return path
    if len(candidates) == 1:
        looked_for = f"{candidates[0]}"
    else:
        names = looked_for or ", ".join(Path(relative).name for relative in default_files)
        looked_for = f"{names} in {candidates[0].parent}"
    where = f"{GAMMAPY_DATA}={root}" + ("" if make_path(root).is_dir() else ", not a directory")
    raise FileNotFoundError(
        f"{owner}: catalog file not found: looked for {looked_for} "
        f"({where}). The file is part of the gammapy-data collection; "
        f"point {GAMMAPY_DATA} at a copy that has it, {way_out}"
    )


# Tables read in this process, by file (path, modification time, size and a CRC of the bytes:
# a file rewritten within the clock's resolution is still told apart) and the HDUs asked for:
# parsing a catalog file costs far more than checking its bytes and copying its tables. A few
# files at most (catalogs are small).
_CACHE_SIZE = 4
_cache: OrderedDict = OrderedDict()
_seen: OrderedDict = OrderedDict()  # files read once so far
_cache_lock = threading.Lock()


def _cache_key(path: Path, hdus):
    info = os.stat(path)
    with open(path, "rb") as stream:
        crc = zlib.crc32(stream.read())
    spec = tuple(
        (key, names if isinstance(names, (str, int)) else tuple(names))
        for key, names in hdus.items()
    )
    return (os.path.realpath(path), info.st_mtime_ns, info.st_size, crc, spec)


def _copies(tables: dict[str, Table]) -> dict[str, Table]:
    return {key: table.copy() for key, table in tables.items()}


def clear_table_cache() -> None:
    """Forget the catalog tables read so far in this process (`read_fits_tables` caches)."""
    with _cache_lock:
        _cache.clear()
        _seen.clear()


def read_fits_tables(path: Path, hdus) -> dict[str, Table]:
    """Read binary-table HDUs of a FITS file by name (one pass over the file).

    ``hdus`` maps a key to the HDU name (or index), or to a tuple of alternatives (the first
    present wins). Unrecognised unit strings are kept as `~astropy.units.UnrecognizedUnit`.
    From its second read in a process on, a file's tables are kept and copied for each call
    instead of parsed; a file whose bytes or modification time change is read again
    (`clear_table_cache` forgets all).
    """
    key = _cache_key(path, hdus)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is not None:
        return _copies(cached)
    tables = _read_fits_tables(path, hdus)
    with _cache_lock:
        # Kept from the second read of a file on: the copy that protects the cache from
        # callers that modify their tables costs a fifth of a read, which a file read once
        # need not pay.
        if key in _seen:
            _cache[key] = _copies(tables)
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        else:
            _seen[key] = None
            while len(_seen) > 4 * _CACHE_SIZE:
                _seen.popitem(last=False)
    return tables


def _read_fits_tables(path: Path, hdus) -> dict[str, Table]:
    tables = {}
    # As Table.read(filename) opens files: string columns as bytes, so that empty strings
    # come out masked (identical tables to gammapy's).
    with fits.open(path, memmap=False, character_as_bytes=True) as hdu_list:
        for key, names in hdus.items():
            names = (names,) if isinstance(names, (str, int)) else tuple(names)
            found = (_find_hdu(hdu_list, n) for n in names)
            hdu = next((h for h in found if h is not None), None)
            if hdu is None:
                available = ", ".join(repr(h.name) for h in hdu_list)
                raise ValueError(
                    f"{path} has no HDU named {' or '.join(map(repr, names))} "
                    f"(it has {available}); is it the right catalog file?"
                )
            # Catalog files carry hand-written unit strings that some astropy versions warn
            # about ('photon/cm**2/MeV/s': multiple slashes; non-FITS names). The columns
            # skymask uses are in plain 'deg', so these warnings are only noise here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", u.UnitsWarning)
                tables[key] = Table.read(hdu)
    return tables


def read_optional_fits_tables(path: Path, hdus) -> dict[str, Table]:
    """Like `read_fits_tables` for HDUs that may be absent (they are left out)."""
    with fits.open(path, memmap=False, character_as_bytes=True) as hdu_list:
        present = {key: name for key, name in hdus.items() if _find_hdu(hdu_list, name)}
    return read_fits_tables(path, present) if present else {}


def _find_hdu(hdu_list, name):
    """The binary-table HDU called ``name`` (or at index ``name``), else None."""
    if isinstance(name, int):
        hdu = hdu_list[name] if name < len(hdu_list) else None
    else:
        hdu = next((h for h in hdu_list if h.name.upper() == name.upper()), None)
    return hdu if isinstance(hdu, fits.BinTableHDU) else None


def read_ecsv_table(path: Path, *, owner: str = "catalog") -> Table:
    """Read an ECSV catalog table (unparsable unit strings tolerated, as for FITS).

    A FITS file, or any file that is not an ECSV table, is a ValueError naming the file.
    """
    with open(path, "rb") as stream:
        start = stream.read(80)
    if start.startswith(b"SIMPLE  =") or start.startswith(b"\x1f\x8b"):
        kind = "a FITS file" if start.startswith(b"SIMPLE") else "a compressed (gzip) file"
        raise ValueError(
            f"{owner}: {path} is {kind}, but this catalog is read from an ECSV text table "
            "(such as $GAMMAPY_DATA/catalogs/2HWC.ecsv); is it the right catalog file?"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            return Table.read(path, format="ascii.ecsv")
    except (ValueError, TypeError, UnicodeDecodeError, IndexError) as exc:
        raise ValueError(
            f"{owner}: cannot read {path} as an ECSV catalog table ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); is it the right catalog file?"
        ) from None


def string_column(table: Table, name: str) -> np.ndarray:
    """A string column as a plain array of stripped ``str`` (masked entries become ``""``)."""
    column = table[name]
    if hasattr(column, "filled"):
        column = column.filled("" if column.dtype.kind in "SU" else column.fill_value)
    values = np.asarray(column)
    if values.dtype.kind == "S":
        values = np.char.decode(values, "ascii", errors="replace")
    return np.char.strip(values.astype(str))


def degrees_column(column) -> np.ndarray:
    """An angle column as float64 degrees (no unit means degrees; masked entries are NaN)."""
    values = column.filled(np.nan) if hasattr(column, "filled") else column
    unit = column.unit if column.unit is not None else u.deg
    return u.Quantity(np.asarray(values, dtype=float), unit).to_value(u.deg)


def require_columns(table: Table, columns, *, owner: str, path, what: str = "table") -> None:
    """Raise a ValueError naming the missing columns, the file and the columns it has."""
    missing = [name for name in columns if name not in table.colnames]
    if missing:
        have = ", ".join(table.colnames[:12]) + (", ..." if len(table.colnames) > 12 else "")
        raise ValueError(
            f"{owner}: the {what} of {path} has no column {' or '.join(map(repr, missing))}; "
            f"is it the right catalog file? (its columns: {have})"
        )


def position_frame(table: Table, lon_column: str, default):
    """Sky frame of a catalog's position columns (``table``: a table, or its header keywords).

    The table header decides when it says: ``RADESYS`` (or the older ``RADECSYS``) with
    ``EQUINOX``. Otherwise columns named ``...J2000`` (``RAJ2000``, ``DEJ2000``,
    ``DECJ2000``) are FK5 at equinox J2000: FITS reads ``EQUINOX = 2000`` without ``RADESYS``
    as FK5, and the Fermi-LAT, HGPS and 1LHAASO files give their positions that way. Other
    columns get ``default``.
    """
    meta = table.meta if hasattr(table, "meta") else table  # a table or its header keywords
    meta = {key.upper(): value for key, value in meta.items()}
    system = str(meta.get("RADESYS", meta.get("RADECSYS", ""))).strip().upper()
    equinox = meta.get("EQUINOX")
    if system == "ICRS":
        return ICRS()
    if system == "FK5" or (not system and lon_column.upper().endswith("J2000")):
        return FK5(equinox=Time(float(equinox or 2000.0), format="jyear").jyear_str)
    if system in ("FK4", "FK4-NO-E"):
        return FK4(equinox=Time(float(equinox or 1950.0), format="byear").byear_str)
    if system:
        raise ValueError(f"unsupported catalog RADESYS {system!r} (ICRS, FK5 or FK4 expected)")
    return default
