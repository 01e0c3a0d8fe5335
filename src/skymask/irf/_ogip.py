"""OGIP response matrix files (RMF): the ``MATRIX`` and ``EBOUNDS`` HDUs gammapy writes.

The matrix rows are stored as groups of consecutive non-zero channels (``N_GRP``,
``F_CHAN``, ``N_CHAN``, variable-length ``MATRIX``), channels counted from 0 (``TLMIN4 = 0``).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.io import fits

from ..utils.io import make_path
from ..utils.reading import open_fits, regular_file

__all__ = ["read_rmf", "rmf_hdulist"]


def _groups(row: np.ndarray):
    """First channels and lengths of the runs of non-zero values of one matrix row."""
    nonzero = np.flatnonzero(row)
    if nonzero.size == 0:
        return np.zeros(1, np.int16), np.zeros(1, np.int16), 1
    breaks = np.flatnonzero(np.diff(nonzero) != 1) + 1
    runs = np.split(nonzero, breaks)
    first = np.array([run[0] for run in runs], dtype=np.int16)
    length = np.array([run.size for run in runs], dtype=np.int16)
    return first, length, len(runs)


def rmf_hdulist(true_edges: u.Quantity, reco_edges: u.Quantity, matrix) -> fits.HDUList:
    """Primary, ``MATRIX`` and ``EBOUNDS`` HDUs of an OGIP RMF (gammapy 2.1's columns)."""
    matrix = np.asarray(matrix, dtype=float)
    unit = true_edges.unit
    first, length, values, n_groups = [], [], [], []
    for row in matrix:
        f, n, count = _groups(row)
        first.append(f)
        length.append(n)
        n_groups.append(count)
        values.append(row[row != 0].astype(np.float32))
    columns = [
        fits.Column("ENERG_LO", "E", unit=str(unit), array=true_edges[:-1].value),
        fits.Column("ENERG_HI", "E", unit=str(unit), array=true_edges[1:].value),
        fits.Column("N_GRP", "I", array=np.array(n_groups, dtype=np.int16)),
        fits.Column("F_CHAN", "PI()", array=np.array(first, dtype=object)),
        fits.Column("N_CHAN", "PI()", array=np.array(length, dtype=object)),
        fits.Column("MATRIX", "PE()", array=np.array(values, dtype=object)),
    ]
    header = fits.Header()
    header.update(
        {
            "CHANTYPE": "PHA",
            "HDUCLASS": "OGIP",
            "HDUCLAS1": "RESPONSE",
            "HDUCLAS2": "RSP_MATRIX",
            "DETCHANS": matrix.shape[1],
            "NUMGRP": int(np.sum(n_groups)),
            "NUMELT": int(sum(int(n.sum()) for n in length)),
            "TLMIN4": 0,
        }
    )
    matrix_hdu = fits.BinTableHDU.from_columns(columns, header=header, name="MATRIX")
    reco_unit = reco_edges.unit
    ebounds = fits.BinTableHDU.from_columns(
        [
            fits.Column("CHANNEL", "I", array=np.arange(len(reco_edges) - 1, dtype=np.int16)),
            fits.Column("E_MIN", "D", unit=str(reco_unit), array=reco_edges[:-1].value),
            fits.Column("E_MAX", "D", unit=str(reco_unit), array=reco_edges[1:].value),
        ],
        name="EBOUNDS",
    )
    ebounds.header.update(
        {
            "CHANTYPE": "PHA",
            "DETCHANS": len(reco_edges) - 1,
            "HDUCLASS": "OGIP",
            "HDUCLAS1": "RESPONSE",
            "HDUCLAS2": "EBOUNDS",
            "HDUVERS": "1.2.0",
        }
    )
    return fits.HDUList([fits.PrimaryHDU(), matrix_hdu, ebounds])


def _edges(lo, hi, unit) -> u.Quantity:
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if lo.size == 0 or not np.allclose(lo[1:], hi[:-1], rtol=1e-6):
        raise ValueError("the energy bins of an RMF must be contiguous")
    return u.Quantity(np.append(lo, hi[-1]), unit)


def read_rmf(filename, *, hdu1="MATRIX", hdu2="EBOUNDS", checksum=False):
    """True edges, reconstructed edges and the matrix ``(n_true, n_reco)`` of an RMF file.

    Raises
    ------
    KeyError
        An HDU or column is missing (the message names the file).
    """
    path = regular_file(make_path(filename), what="RMF file")
    with open_fits(path, what="RMF file", checksum=checksum) as hdulist:
        names = [hdu.name for hdu in hdulist]
        for name in (hdu1, hdu2):
            if name not in names:
                raise KeyError(f"{path} has no {name} HDU (its HDUs: {names}); is it an RMF?")
        matrix_hdu, ebounds_hdu = hdulist[hdu1], hdulist[hdu2]
        data, header = matrix_hdu.data, matrix_hdu.header
        columns = matrix_hdu.columns
        true_unit = u.Unit(columns["ENERG_LO"].unit or "TeV")
        reco_unit = u.Unit(ebounds_hdu.columns["E_MIN"].unit or "TeV")
        true_edges = _edges(data["ENERG_LO"], data["ENERG_HI"], true_unit)
        reco_edges = _edges(ebounds_hdu.data["E_MIN"], ebounds_hdu.data["E_MAX"], reco_unit)
        n_reco = int(header.get("DETCHANS", len(reco_edges) - 1))
        offset = int(header.get("TLMIN4", 0))  # first channel number (0 or 1)
        matrix = np.zeros((len(data), n_reco))
        for i, row in enumerate(data):
            start = 0
            n_groups = int(row["N_GRP"])
            first = np.atleast_1d(row["F_CHAN"])
            length = np.atleast_1d(row["N_CHAN"])
            values = np.atleast_1d(row["MATRIX"])
            for k in range(n_groups):
                lo = int(first[k]) - offset
                n = int(length[k])
                matrix[i, lo : lo + n] = values[start : start + n]
                start += n
    return true_edges, reco_edges, matrix
