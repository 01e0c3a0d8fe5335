"""Exact disk erosion and dilation as row spans on bit-packed rows (numpy only).

A disk footprint (`skymask.kernels.footprint.disk_footprint`) is, row offset by row offset, a
centred run of pixels ``[-w(dy), w(dy)]``. Dilation by it is therefore

    ``out[y] = OR over dy of H_w(dy)[y + dy]``, with ``H_w`` = the running OR of width
    ``2 w + 1`` along each row,

and erosion the same with AND (pixels outside the map are False). Rows are packed 64 pixels
to a ``uint64`` word (`numpy.packbits`), so a running OR along x is a few word shifts, and the
OR of two shifted rows touches 64 pixels per operation. The widths grow as ``|dy|`` falls, so
``H_w`` is widened step by step from the narrowest span to the widest: ``H_(w + d)(x) =
H_w(x - d) | H_w(x) | H_w(x + d)`` is exact while ``d <= 2 w + 1`` (the three runs touch or
overlap). Every operation is exact Boolean logic: the result is the structuring-element
dilation, bit for bit.

The cost is about ``(2 hy + 1)`` plus a few per distinct width word operations over the packed
image, so it grows with the radius (unlike the distance transform of
`skymask.kernels.morphology`); `SPAN_MAX_HALF_HEIGHT` is where the distance transform takes
over (measured, see ``benchmarks/README.md``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SPAN_MAX_HALF_HEIGHT", "span_morphology"]

#: Largest footprint half-height (rows) for which the span method is used: measured crossover
#: with the distance transform on 1000 x 1000 and 4000 x 4000 survey masks (benchmarks/README).
SPAN_MAX_HALF_HEIGHT = 250

_WORD_BITS = 64


def _row_half_widths(footprint: np.ndarray) -> np.ndarray:
    """Half width ``w(dy)`` of each footprint row for ``dy = 0 .. hy`` (rows are centred runs)."""
    half_y = footprint.shape[0] // 2
    return ((footprint[half_y:].sum(axis=1) - 1) // 2).astype(np.int64)


def _shifted(words: np.ndarray, shift: int) -> np.ndarray:
    """Rows of packed bits moved by ``shift`` pixels (positive: to higher x), zeros shifted in."""
    out = np.zeros_like(words)
    n = words.shape[-1]
    q, b = divmod(abs(shift), _WORD_BITS)
    if q >= n:
        return out
    b_in, b_out = np.uint64(b), np.uint64(_WORD_BITS - b)
    if shift > 0:
        target, source = out[..., q:], words[..., : n - q]
        if b == 0:
            target[...] = source
        else:
            np.left_shift(source, b_in, out=target)
            target[..., 1:] |= source[..., :-1] >> b_out
    else:
        target, source = out[..., : n - q], words[..., q:]
        if b == 0:
            target[...] = source
        else:
            np.right_shift(source, b_in, out=target)
            target[..., :-1] |= source[..., 1:] << b_out
    return out


def _widen(words: np.ndarray, width: int, new_width: int, combine) -> np.ndarray:
    """The running OR (``combine=np.bitwise_or``) or AND of half-width ``new_width`` along x,
    from the one of half-width ``width``."""
    while width < new_width:
        step = min(new_width - width, 2 * width + 1)
        combine(words, _shifted(words, step), out=words)
        combine(words, _shifted(words, -step), out=words)
        width += step
    return words


def span_morphology(mask: np.ndarray, footprint: np.ndarray, *, erode: bool) -> np.ndarray:
    """Dilation (or erosion, outside False) of each plane of ``mask`` by ``footprint``.

    Parameters
    ----------
    mask : ndarray of bool, shape (n, ny, nx)
        Image planes.
    footprint : ndarray of bool, shape (2 hy + 1, 2 hx + 1)
        Symmetric footprint whose rows are centred runs (a disk or an ellipse).
    erode : bool
        Erode instead of dilate.

    Returns
    -------
    ndarray of bool, shape (n, ny, nx)

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.kernels.footprint import disk_footprint
    >>> mask = np.zeros((1, 5, 5), dtype=bool)
    >>> mask[0, 2, 2] = True
    >>> span_morphology(mask, disk_footprint(1.0), erode=False)[0].astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0]])
    """
    n, ny, nx = mask.shape
    widths = _row_half_widths(footprint)
    half_y = widths.size - 1
    max_width = int(widths[0])
    # Dilation: the running OR of pixels up to max_width beyond either edge must survive the
    # widening steps, so that many zero pixels pad each row (erosion needs none; harmless).
    lead = -(-max_width // _WORD_BITS)
    n_words = lead + -(-(nx + max_width) // _WORD_BITS)
    packed = np.zeros((n, ny, n_words * 8), dtype=np.uint8)
    n_bytes = -(-nx // 8)
    packed[..., lead * 8 : lead * 8 + n_bytes] = np.packbits(mask, axis=-1, bitorder="little")
    running = packed.view("<u8")
    combine = np.bitwise_and if erode else np.bitwise_or
    # Erosion starts from all ones (AND), dilation from all zeros (OR).
    out = np.full_like(running, np.iinfo(np.uint64).max if erode else 0)
    width = 0
    for dy in range(half_y, -1, -1):
        running = _widen(running, width, int(widths[dy]), combine)
        width = int(widths[dy])
        if dy >= ny:
            continue
        # out[y] combines running[y + dy] and running[y - dy]; rows beyond the map are False,
        # which only matters for erosion (handled below).
        combine(out[:, : ny - dy], running[:, dy:], out=out[:, : ny - dy])
        if dy:
            combine(out[:, dy:], running[:, : ny - dy], out=out[:, dy:])
    if erode:
        out[:, :half_y] = 0
        out[:, max(ny - half_y, 0) :] = 0
    result = out.view(np.uint8)[..., lead * 8 : lead * 8 + n_bytes]
    return np.unpackbits(result, axis=-1, count=nx, bitorder="little").view(bool)
