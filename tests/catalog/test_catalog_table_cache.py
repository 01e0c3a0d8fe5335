"""Catalog tables are parsed once per process (issue 19) and re-read when the file changes."""

import numpy as np
from astropy.io import fits
from astropy.table import Table

from skymask.catalog import io


def _write(path, values):
    table = Table({"Source_Name": np.array(["A", "B", "C"]), "RAJ2000": np.array(values)})
    fits.HDUList([fits.PrimaryHDU(), fits.table_to_hdu(table)]).writeto(path, overwrite=True)


def test_tables_are_parsed_at_most_twice_and_handed_out_as_copies(tmp_path, monkeypatch):
    path = tmp_path / "cat.fits"
    _write(path, [1.0, 2.0, 3.0])
    io.clear_table_cache()
    calls = []
    real = io._read_fits_tables
    monkeypatch.setattr(io, "_read_fits_tables", lambda *a: calls.append(a) or real(*a))
    tables = [io.read_fits_tables(path, {"main": 1})["main"] for _ in range(2)]
    assert len(calls) == 2  # a file read once is not kept (no copy to pay)
    for table in tables:
        table["RAJ2000"][0] = 99.0  # callers modifying their tables
    for _ in range(3):
        again = io.read_fits_tables(path, {"main": 1})["main"]
        assert again["RAJ2000"].tolist() == [1.0, 2.0, 3.0]
        again["RAJ2000"][0] = 99.0
    assert len(calls) == 2
    # Another HDU selection is another entry.
    io.read_fits_tables(path, {"main": (1,)})
    assert len(calls) == 3


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "cat.fits"
    _write(path, [1.0, 2.0, 3.0])
    io.clear_table_cache()
    for _ in range(3):
        assert io.read_fits_tables(path, {"main": 1})["main"]["RAJ2000"].tolist() == [1, 2, 3]
    # Same size, rewritten at once (possibly within the clock's resolution): new values.
    _write(path, [4.0, 5.0, 6.0])
    assert io.read_fits_tables(path, {"main": 1})["main"]["RAJ2000"].tolist() == [4.0, 5.0, 6.0]
    io.clear_table_cache()
