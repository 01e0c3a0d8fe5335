"""A first pass over a FITS file: its HDU layout, checked before astropy interprets it.

astropy trusts the structural keywords of a header: a damaged ``NAXIS = 1000000000`` makes it
loop for minutes, a damaged ``TFIELDS`` or ``TFORMn`` makes it allocate gigabytes, and a file
cut short reads as fewer HDUs. `scan_structure` reads the headers only (and, for gzip files,
decompresses the stream once, without keeping it), checks the keywords that decide the layout
against the FITS standard (4.0, sections 4.4 and 7.3) and returns where each HDU starts and
ends. A file that does not pass is a ValueError naming the file and the keyword.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["HduLayout", "scan_structure"]

BLOCK = 2880
CARD = 80
_MAX_AXES = 999  # NAXIS and TFIELDS: at most 999 (FITS standard)
_MAX_HEADER_BLOCKS = 100_000  # 3.6 million cards: no real header comes near
_BITPIX = (8, 16, 32, 64, -32, -64)
_INTEGER = re.compile(r"[+-]?\d+")
_SIMPLE = b"SIMPLE  =                    T"
_NOT_HEADER_TEXT = re.compile(rb"[^\x20-\x7e]")
_TFORM = re.compile(r"(\d*)([LXBIJKAEDCMPQ])")
# Bytes per element of the binary-table column types (X is in bits; P and Q descriptors).
_TFORM_BYTES = {
    "L": 1, "B": 1, "I": 2, "J": 4, "K": 8, "A": 1, "E": 4, "D": 8, "C": 8, "M": 16, "P": 8,
    "Q": 16,
}  # fmt: skip


@dataclass(frozen=True)
class HduLayout:
    """Where one HDU lies in the (decompressed) file."""

    index: int
    name: str
    header_start: int
    data_start: int
    data_size: int

    @property
    def end(self) -> int:
        """End of the HDU: the data padded to whole 2880-byte blocks."""
        return self.data_start + -(-self.data_size // BLOCK) * BLOCK


class _Cards:
    """The structural keyword values of one header, as raw strings."""

    WANTED = re.compile(
        rb"(SIMPLE|XTENSION|EXTNAME|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|TFORM\d+)"
    )

    def __init__(self):
        self.values: dict[str, str] = {}

    def add(self, card: bytes) -> None:
        keyword = card[:8].rstrip()
        if card[8:10] != b"= " or not self.WANTED.fullmatch(keyword):
            return
        text = card[10:].decode("ascii", "replace").strip()
        if text.startswith("'"):
            end = text.find("'", 1)
            text = text[: end + 1] if end > 0 else text
        else:
            text = text.split("/", 1)[0].strip()
        self.values.setdefault(keyword.decode(), text)

    def string(self, key: str) -> str | None:
        text = self.values.get(key)
        if text is None:
            return None
        return text.strip("'").strip() if text.startswith("'") else text


def scan_structure(stream, path, *, size: int | None = None) -> list[HduLayout]:
    """Read every header of a FITS stream and check the keywords that decide its layout.

    Parameters
    ----------
    stream : binary file object
        At the start of the (decompressed) content: a regular file or a `gzip.GzipFile`.
        Data are skipped with ``seek`` (decompressed and dropped for gzip).
    path : Path
        For messages.
    size : int, optional
        Size of an uncompressed file (data are then skipped by seeking and checked against
        it); None for a gzip stream (data are decompressed and dropped).

    Raises
    ------
    OSError
        Not a FITS file.
    ValueError
        Cut short, or a structural keyword out of the standard's range.
    """
    layouts: list[HduLayout] = []
    offset = 0
    while True:
        header_start = offset
        block = _read(stream, BLOCK, path)
        if not block:
            break  # the end of the file, between two HDUs
        first = not layouts
        if first and not block.startswith(b"SIMPLE  ="):
            raise OSError(f"{path} is not a FITS file: it does not start with SIMPLE")
        if not first and not block.startswith(b"XTENSION="):
            break  # bytes after the last HDU (astropy warns about them)
        if len(block) < BLOCK:
            raise _truncated(path, f"the header of its HDU {len(layouts)} is cut short")
        if first and block[:30] != _SIMPLE:
            raise ValueError(
                f"{path} is a damaged FITS file: its first card is not 'SIMPLE = T' in the "
                "standard's fixed format"
            )
        cards = _Cards()
        blocks = 0
        while True:
            blocks += 1
            if blocks > _MAX_HEADER_BLOCKS:
                raise ValueError(f"{path}: the header of HDU {len(layouts)} has no END card")
            done = _add_cards(block, cards)
            if _NOT_HEADER_TEXT.search(block):
                # Headers are printable ASCII; other bytes are damage (and make astropy
                # misread the layout, even loop forever on gzip files).
                card = _NOT_HEADER_TEXT.search(block).start() // CARD
                raise ValueError(
                    f"{path} is a damaged FITS file: the header of HDU {len(layouts)} holds "
                    f"bytes that are not printable ASCII (card {blocks * 36 - 35 + card})"
                )
            offset += BLOCK
            if done:
                break
            block = _read(stream, BLOCK, path)
            if len(block) < BLOCK:
                raise _truncated(path, f"the header of its HDU {len(layouts)} is cut short")
        data_size = _data_size(cards, len(layouts), path)
        name = cards.string("EXTNAME") or ("PRIMARY" if first else "")
        layout = HduLayout(len(layouts), name, header_start, offset, data_size)
        layouts.append(layout)
        padded = layout.end - offset
        if size is not None and layout.end > size:
            raise _truncated(
                path,
                f"its headers describe {layout.end} bytes (HDU {layout.index} ends there) but "
                f"it holds {size}",
            )
        if padded:
            _skip(stream, padded, path, layout, compressed=size is None)
        offset = layout.end
    return layouts


def _read(stream, n: int, path) -> bytes:
    try:
        return stream.read(n)
    except EOFError:
        raise _truncated(path, "its gzip stream ends before the end marker") from None
    except (OSError, ValueError) as exc:  # gzip.BadGzipFile, zlib.error
        raise ValueError(f"{path} is a damaged gzip file ({exc}); it cannot be read") from None


def _skip(stream, n: int, path, layout: HduLayout, *, compressed: bool) -> None:
    """Move past ``n`` bytes of data; in a gzip stream, decompress them without keeping them."""
    if not compressed:
        stream.seek(n, 1)  # within the file: its size was checked
        return
    remaining = n
    while remaining:
        chunk = _read(stream, min(remaining, 1 << 20), path)
        if not chunk:
            raise _truncated(
                path, f"the data of its HDU {layout.index} ('{layout.name}') are cut short"
            )
        remaining -= len(chunk)


def _add_cards(block: bytes, cards: _Cards) -> bool:
    """Add the cards of one header block; True when the END card is in it."""
    for start in range(0, BLOCK, CARD):
        card = block[start : start + CARD]
        if card[:8] == b"END     ":
            return True
        cards.add(card)
    return False


def _integer(cards: _Cards, key: str, index: int, path, *, default=None, low=0, high=None) -> int:
    text = cards.values.get(key)
    if text is None:
        if default is None:
            raise ValueError(f"{path}: the header of HDU {index} has no {key} keyword")
        return default
    if not _INTEGER.fullmatch(text):
        raise ValueError(f"{path}: HDU {index} has {key} = {text!r}, not a whole number")
    value = int(text)
    if value < low or (high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{path}: HDU {index} has {key} = {value}; it must be {limit}")
    return value


def _data_size(cards: _Cards, index: int, path) -> int:
    """Bytes of data of the HDU (FITS standard 4.4.1.1): |BITPIX| GCOUNT (PCOUNT + prod NAXISn)."""
    bitpix = _integer(cards, "BITPIX", index, path, low=-64, high=64)
    if bitpix not in _BITPIX:
        raise ValueError(f"{path}: HDU {index} has BITPIX = {bitpix}; it must be one of {_BITPIX}")
    naxis = _integer(cards, "NAXIS", index, path, high=_MAX_AXES)
    shape = [_integer(cards, f"NAXIS{i}", index, path) for i in range(1, naxis + 1)]
    pcount = _integer(cards, "PCOUNT", index, path, default=0)
    gcount = _integer(cards, "GCOUNT", index, path, default=1)
    if cards.string("XTENSION") == "BINTABLE":
        _check_table(cards, index, path, shape)
    if naxis == 0:
        return 0
    # Random groups (NAXIS1 = 0 in a primary) leave NAXIS1 out of the product.
    axes = shape[1:] if shape and shape[0] == 0 and index == 0 else shape
    n_bits = abs(bitpix) * gcount * (pcount + math.prod(axes))
    return n_bits // 8


def _check_table(cards: _Cards, index: int, path, shape: list[int]) -> None:
    """TFIELDS in range and the TFORMn widths adding up to the row width (NAXIS1)."""
    tfields = _integer(cards, "TFIELDS", index, path, high=_MAX_AXES)
    if len(shape) != 2:
        raise ValueError(f"{path}: binary table HDU {index} has NAXIS = {len(shape)}, not 2")
    width = 0
    for column in range(1, tfields + 1):
        form = cards.string(f"TFORM{column}")
        match = _TFORM.match(form or "")
        if match is None:
            raise ValueError(
                f"{path}: binary table HDU {index} has TFORM{column} = {form!r}, not a column "
                "format such as '1D' or '8A'"
            )
        repeat = int(match[1]) if match[1] else 1
        kind = match[2]
        width += -(-repeat // 8) if kind == "X" else repeat * _TFORM_BYTES[kind]
    if width != shape[0]:
        raise ValueError(
            f"{path}: binary table HDU {index}: its columns (TFORMn) take {width} bytes per "
            f"row, but NAXIS1 = {shape[0]}"
        )


def _truncated(path, detail: str) -> ValueError:
    return ValueError(
        f"{path} is truncated: {detail}; the file was cut short (an interrupted write, copy "
        "or download?)"
    )
