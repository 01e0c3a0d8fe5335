"""A few columns of FITS binary tables, read straight from the bytes (kernel layer: numpy).

Building an exclusion mask from a catalog needs a handful of columns (names, positions,
extension shapes) out of tables of 40-100 columns. Parsing every card and column definition
with astropy costs far more than the mask itself, so `read_columns` reads the header cards it
needs and cuts the requested columns out of the rows with numpy. It reads plain columns only:
strings (``rA``) and scalar numbers (``B I J K E D``) without scaling (``TSCAL``/``TZERO``);
anything else, or any file it does not understand, returns None and the caller falls back to
astropy's full table reader (which also gives the error messages).

Results are kept per process, keyed by the resolved path, the modification time, the size and
the columns asked for; the arrays handed out are read-only views of the cached ones, so no
caller can change what the next one gets.
"""

from __future__ import annotations

import gzip
import os
import re
import threading
import zlib
from collections import OrderedDict

import numpy as np

__all__ = ["clear_column_cache", "read_columns"]

_BLOCK = 2880
_CARD = 80
#: Bytes of one element of the scalar formats read here (others make `read_columns` give up).
_NUMBER_FORMATS = {"B": "u1", "I": ">i2", "J": ">i4", "K": ">i8", "E": ">f4", "D": ">f8"}
#: Bytes per element of every binary-table format (to find each column's offset in a row).
_FORMAT_BYTES = {"L": 1, "B": 1, "I": 2, "J": 4, "K": 8, "A": 1, "E": 4, "D": 8, "C": 8, "M": 16}
_FORMAT_BYTES.update({"P": 8, "Q": 16})
_TFORM = re.compile(r"^\s*(\d*)\s*([LXBIJKAEDCMPQ])")

_CACHE_SIZE = 8
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def clear_column_cache() -> None:
    """Forget the columns read so far in this process."""
    with _lock:
        _cache.clear()


def read_columns(path, hdus) -> dict | None:
    """Columns of binary-table HDUs by name, or None when the fast reader cannot read them.

    Parameters
    ----------
    path : path
        FITS file, optionally gzip-compressed.
    hdus : dict
        ``{key: (hdu_names, columns, keywords, optional)}``: the HDU (the first of the
        alternative ``EXTNAME`` values present, ignoring case), the column names to read,
        header keywords to return, and columns to read where the table has them.

    Returns
    -------
    dict or None
        ``{key: {"columns": {name: ndarray}, "units": {name: str or None}, "header": {...},
        "rows": int}}`` with read-only arrays (strings as ``bytes`` arrays, numbers in native
        byte order), or None.
    """
    info = os.stat(path)
    spec = tuple(
        (key, tuple(names), tuple(columns), tuple(keywords), tuple(optional))
        for key, (names, columns, keywords, optional) in hdus.items()
    )
    key = (os.path.realpath(path), info.st_mtime_ns, info.st_size, spec)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return _views(cached)
    try:
        result = _read(path, hdus)
    except (OSError, EOFError, ValueError, zlib.error, KeyError, IndexError):
        return None
    if result is None:
        return None
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return _views(result)


def _views(result: dict) -> dict:
    """New dicts around read-only views: a caller can change neither the cached dicts nor,
    since a view of a read-only array cannot be made writeable, the cached arrays."""
    return {
        key: {
            "columns": {name: values.view() for name, values in table["columns"].items()},
            "units": dict(table["units"]),
            "header": dict(table["header"]),
            "rows": table["rows"],
        }
        for key, table in result.items()
    }


def _file_bytes(path) -> bytes:
    with open(path, "rb") as stream:
        data = stream.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def _header(data: bytes, start: int) -> tuple[dict, int]:
    """The keyword values of the header at ``start`` (last value wins) and the data start."""
    cards = {}
    position = start
    while True:
        block = data[position : position + _BLOCK]
        if len(block) < _BLOCK:
            raise ValueError("truncated FITS header")
        position += _BLOCK
        for offset in range(0, _BLOCK, _CARD):
            card = block[offset : offset + _CARD]
            keyword = card[:8].decode("ascii", "replace").strip().upper()
            if keyword == "END":
                return cards, position
            if card[8:10] == b"= ":
                cards[keyword] = _value(card[10:].decode("ascii", "replace"))


def _value(text: str):
    text = text.strip()
    if text.startswith("'"):
        # A quoted string: '' is a quote inside it; trailing spaces are not significant.
        match = re.match(r"'((?:[^']|'')*)'", text)
        if match is None:
            raise ValueError("bad FITS string value")
        return match.group(1).replace("''", "'").rstrip()
    text = text.split("/", 1)[0].strip()
    if text in ("T", "F"):
        return text == "T"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text.replace("D", "E"))
    except ValueError:
        return text


def _data_size(cards: dict) -> int:
    naxis = int(cards.get("NAXIS", 0))
    if naxis == 0:
        return 0
    count = 1
    for i in range(1, naxis + 1):
        count *= int(cards[f"NAXIS{i}"])
    size = abs(int(cards["BITPIX"])) // 8 * int(cards.get("GCOUNT", 1))
    return size * (int(cards.get("PCOUNT", 0)) + count)


def _read(path, hdus) -> dict | None:
    data = _file_bytes(path)
    if not data.startswith(b"SIMPLE  ="):
        return None
    found = {}
    position = 0
    while position < len(data) and len(found) < len(hdus):
        cards, start = _header(data, position)
        name = str(cards.get("EXTNAME", "")).strip().upper()
        for key, (names, *_) in hdus.items():
            is_table = cards.get("XTENSION") == "BINTABLE" and name
            if key not in found and is_table and name in (str(n).upper() for n in names):
                found[key] = (cards, start)
        position = start + -(-_data_size(cards) // _BLOCK) * _BLOCK
    if len(found) < len(hdus):
        return None
    result = {}
    for key, (_, columns, keywords, optional) in hdus.items():
        table = _columns(data, *found[key], columns, optional)
        if table is None:
            return None
        cards = found[key][0]
        table["header"] = {word: cards[word] for word in keywords if word in cards}
        result[key] = table
    return result


def _columns(data: bytes, cards: dict, start: int, columns, optional) -> dict | None:
    row_bytes, rows = int(cards["NAXIS1"]), int(cards["NAXIS2"])
    if len(data) < start + row_bytes * rows:
        return None
    offsets, fields = 0, {}
    for i in range(1, int(cards["TFIELDS"]) + 1):
        match = _TFORM.match(str(cards[f"TFORM{i}"]))
        if match is None:
            return None
        repeat = int(match.group(1) or 1)
        code = match.group(2)
        width = -(-repeat // 8) if code == "X" else repeat * _FORMAT_BYTES[code]
        name = str(cards.get(f"TTYPE{i}", "")).strip()
        # The first column of a name wins, as astropy's table columns.
        fields.setdefault(name, (i, offsets, repeat, code))
        offsets += width
    if offsets != row_bytes:
        return None
    rows_view = np.frombuffer(data, dtype=np.uint8, count=row_bytes * rows, offset=start)
    rows_view = rows_view.reshape(rows, row_bytes)
    out, units = {}, {}
    for name in (*columns, *(name for name in optional if name in fields)):
        if name not in fields:
            return None
        i, offset, repeat, code = fields[name]
        if f"TSCAL{i}" in cards or f"TZERO{i}" in cards or f"TDIM{i}" in cards:
            return None
        if code == "A":
            dtype = np.dtype(f"S{repeat}")
        elif code in _NUMBER_FORMATS and repeat == 1:
            dtype = np.dtype(_NUMBER_FORMATS[code])
        else:
            return None
        raw = np.ascontiguousarray(rows_view[:, offset : offset + dtype.itemsize])
        values = raw.view(dtype).reshape(rows)
        if dtype.kind != "S":
            values = values.astype(dtype.newbyteorder("="))
        values.flags.writeable = False
        out[name] = values
        unit = cards.get(f"TUNIT{i}")
        units[name] = str(unit).strip() if unit is not None and str(unit).strip() else None
    return {"columns": out, "units": units, "rows": rows}
