"""Fermi catalogs built from a few columns read from the FITS bytes (issue 19 item 2).

The oracle is astropy's own table reader (``Table.read`` of the same HDU, and the catalog built
from the full table, the path every catalog took before).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table

from skymask.catalog import SourceCatalog3FHL, SourceCatalog4FGL, columns

DATA = Path(os.environ.get("GAMMAPY_DATA", "/nonexistent"))
FHL3 = DATA / "catalogs/fermi/gll_psch_v13.fit.gz"
needs_3fhl = pytest.mark.skipif(not FHL3.is_file(), reason="no 3FHL file in $GAMMAPY_DATA")


def _from_tables(cls, path):
    """The catalog as built from astropy's full tables (no column reader)."""
    catalog = object.__new__(cls)
    catalog.filename = path
    catalog._set(*catalog._read(path))
    return catalog


@needs_3fhl
def test_3fhl_columns_equal_astropy_table_columns():
    columns.clear_column_cache()
    read = columns.read_columns(
        FHL3,
        {"main": (("LAT_Point_Source_Catalog",), ("Source_Name", "RAJ2000"), ("EQUINOX",), ())},
    )
    table = Table.read(FHL3, hdu="LAT_Point_Source_Catalog")
    main = read["main"]
    assert main["rows"] == len(table) == 1556
    assert np.array_equal(main["columns"]["RAJ2000"], np.asarray(table["RAJ2000"]))
    names = [name.strip() for name in main["columns"]["Source_Name"].tolist()]
    assert names == [name.strip().encode() for name in table["Source_Name"]]
    assert main["header"] == {"EQUINOX": 2000.0}
    assert main["units"]["RAJ2000"] == "deg"


@needs_3fhl
def test_3fhl_catalog_equals_the_one_built_from_full_tables():
    fast = SourceCatalog3FHL(FHL3)
    assert fast._table_value is None  # nothing but the columns read yet
    slow = _from_tables(SourceCatalog3FHL, FHL3)
    assert len(fast) == len(slow) == 1556
    assert np.array_equal(fast.names, slow.names)
    # Positions: the same FK5 J2000 frame and the same numbers, hence the same ICRS ones.
    assert fast.positions.frame.is_equivalent_frame(slow.positions.frame)
    assert fast.positions.frame.name == "fk5"
    assert np.array_equal(fast.positions.ra.deg, slow.positions.ra.deg)
    assert np.array_equal(fast.positions.icrs.dec.deg, slow.positions.icrs.dec.deg)
    assert np.array_equal(fast.morphology, slow.morphology)
    assert np.array_equal(fast.extension_radius().deg, slow.extension_radius().deg)
    # The table, read when asked for, is the full table.
    assert fast.table.colnames == slow.table.colnames
    assert np.array_equal(fast.table["RAJ2000"], slow.table["RAJ2000"])
    assert len(fast.extended_sources_table) == len(slow.extended_sources_table) == 55
    assert fast["Crab Nebula"].name == slow["Crab Nebula"].name


@needs_3fhl
def test_exclusion_regions_are_those_of_the_full_table_path():
    from skymask.maps import WcsGeom

    geom = WcsGeom.create(skydir=(0, 0), width=(120, 10), binsz=0.02, frame="galactic")
    fast = SourceCatalog3FHL(FHL3).exclusion_regions("0.3 deg", geom=geom)
    slow = _from_tables(SourceCatalog3FHL, FHL3).exclusion_regions("0.3 deg", geom=geom)
    assert len(fast) == len(slow) == 106
    assert all(a == b for a, b in zip(fast, slow, strict=True))
    assert all(isinstance(r.center, SkyCoord) and r.center.isscalar for r in fast)


def test_4fgl_layout_file_catalog_equals_full_tables(fgl4_file):
    fast = SourceCatalog4FGL(fgl4_file)
    slow = _from_tables(SourceCatalog4FGL, fgl4_file)
    assert fast._table_value is None
    assert np.array_equal(fast.names, slow.names)
    assert np.array_equal(fast.positions.ra.deg, slow.positions.ra.deg)
    assert np.array_equal(fast.extension_radius().deg, slow.extension_radius().deg)
    assert np.array_equal(fast.morphology, slow.morphology)


def test_cached_columns_are_read_only_and_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "cat.fits"

    def write(values):
        names = np.array(["A", "B", "C", "D"][: len(values)])
        table = Table({"Source_Name": names, "RAJ2000": np.array(values)})
        hdu = fits.table_to_hdu(table)
        hdu.name = "MAIN"
        fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path, overwrite=True)

    spec = {"main": (("main",), ("RAJ2000",), (), ())}
    write([1.0, 2.0, 3.0])
    columns.clear_column_cache()
    values = columns.read_columns(path, spec)["main"]["columns"]["RAJ2000"]
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 99.0
    with pytest.raises(ValueError):
        values.flags.writeable = True  # a view of the cached array: cannot be made writeable
    assert columns.read_columns(path, spec)["main"]["columns"]["RAJ2000"].tolist() == [1, 2, 3]
    write([4.0, 5.0, 6.0, 7.0])  # another size: another cache key
    assert columns.read_columns(path, spec)["main"]["columns"]["RAJ2000"].tolist() == [4, 5, 6, 7]


def test_columns_it_cannot_read_fall_back(tmp_path):
    path = tmp_path / "cat.fits"
    hdu = fits.BinTableHDU.from_columns(
        [fits.Column(name="X", format="E", array=np.array([1.0, 2.0]), bscale=2.0)],
        name="MAIN",
    )
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    # Scaled columns, missing columns and HDUs, non-FITS files: None (astropy's reader then).
    assert columns.read_columns(path, {"main": (("main",), ("X",), (), ())}) is None
    assert columns.read_columns(path, {"main": (("main",), ("Y",), (), ())}) is None
    assert columns.read_columns(path, {"main": (("other",), ("X",), (), ())}) is None
    text = tmp_path / "cat.txt"
    text.write_text("not fits\n" * 400)
    assert columns.read_columns(text, {"main": (("main",), ("X",), (), ())}) is None


def test_overlap_selection_on_a_healpix_geometry():
    """A source just outside a partial HEALPix map whose circle reaches its pixels is kept,
    one far away is not (nside 64: pixels about 0.92 deg across; the distances to the pixel
    centres are brute force here)."""
    from astropy.coordinates import SkyCoord

    from skymask.catalog.exclusion import select_in_geometry
    from skymask.maps import HpxGeom

    geom = HpxGeom.create(nside=64, frame="galactic", region="DISK(0, 0, 2)")
    positions = SkyCoord([0.0, 2.5, 10.0], [0.0, 0.0, 0.0], unit="deg", frame="galactic")
    radius = np.array([0.3, 1.0, 1.0])
    keep = select_in_geometry(geom, positions, radius, select="overlap")
    centres = geom.get_coord().skycoord
    nearest = np.array([positions[i].separation(centres).deg.min() for i in range(3)])
    assert keep.tolist() == [True, True, False]
    # Within the radius plus one pixel of a pixel centre; more than 5 pixels from any.
    assert nearest[1] < radius[1] + 0.92 and nearest[2] > radius[2] + 5 * 0.92


@needs_3fhl
def test_table_of_a_catalog_whose_file_is_gone_or_changed_is_a_clear_error(tmp_path):
    # Only the columns of positions and names are read at first; the whole table is read
    # from the file when first needed, and by then the file may be gone or another one.
    import shutil

    path = tmp_path / "3fhl.fits.gz"
    shutil.copy(FHL3, path)
    gone = SourceCatalog3FHL(path)
    changed = SourceCatalog3FHL(path)
    path.unlink()
    with pytest.raises(
        FileNotFoundError, match=r"3fhl\.fits\.gz is gone since the catalog was read.*filename="
    ):
        _ = gone.table
    with fits.open(FHL3) as hdus:
        hdus[1].data = hdus[1].data[:-1]
        hdus.writeto(path)
    with pytest.raises(RuntimeError, match="changed since the catalog was read"):
        _ = changed.table
