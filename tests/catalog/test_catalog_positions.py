"""Catalog positions in the file's frame, and catalog files that are not what they claim."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table
from astropy.wcs.utils import pixel_to_skycoord

from skymask.catalog import (
    CATALOG_REGISTRY,
    CatalogWarning,
    SourceCatalog2HWC,
    SourceCatalog3FGL,
    SourceCatalog3FHL,
    SourceCatalog4FGL,
    SourceCatalogHGPS,
)
from skymask.maps import WcsGeom

from .fgl4_layout import write_4fgl_file

# (tag, file under $GAMMAPY_DATA, table HDU, lon column, lat column)
J2000_CATALOGS = [
    ("3fhl", "catalogs/fermi/gll_psch_v13.fit.gz", "LAT_Point_Source_Catalog", "DEJ2000"),
    ("3fgl", "catalogs/fermi/gll_psc_v16.fit.gz", "LAT_Point_Source_Catalog", "DEJ2000"),
    ("2fhl", "catalogs/fermi/gll_psch_v09.fit.gz", "2FHL Source Catalog", "DEJ2000"),
    ("2fhl", "catalogs/fermi/gll_psch_v08.fit.gz", "2FHL Source Catalog", "DEJ2000"),
    ("hgps", "catalogs/hgps_catalog_v1.fits.gz", "HGPS_SOURCES", "DEJ2000"),
    ("1LHAASO", "catalogs/1LHAASO_catalog.fits", 1, "DECJ2000"),
]


def _raw_columns(path, hdu, lat_column, lon_column="RAJ2000"):
    """The position columns as float64 degrees, read with astropy alone."""
    table = Table.read(path, hdu=hdu)
    return (
        np.asarray(table[lon_column], dtype=np.float64),
        np.asarray(table[lat_column], dtype=np.float64),
    )


@pytest.mark.data
@pytest.mark.parametrize(("tag", "relative", "hdu", "lat_column"), J2000_CATALOGS)
def test_j2000_columns_are_fk5_not_icrs(gammapy_data, tag, relative, hdu, lat_column):
    # RAJ2000/DEJ2000 with EQUINOX = 2000 (or no header at all) are FK5 J2000 in FITS; read
    # as ICRS they are ~20 mas off (gammapy 2.1's DEJ2000 reading).
    path = gammapy_data / relative
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", u.UnitsWarning)
        ra, dec = _raw_columns(path, hdu, lat_column)
    catalog = CATALOG_REGISTRY.get_cls(tag)(filename=path)
    expected = SkyCoord(ra, dec, unit="deg", frame="fk5").icrs
    icrs = catalog.positions.icrs
    assert np.max(np.abs(icrs.ra.deg - expected.ra.deg)) < 1e-9
    assert np.max(np.abs(icrs.dec.deg - expected.dec.deg)) < 1e-9
    # The test could fail: ICRS and FK5 J2000 differ by several mas on these positions.
    as_icrs = SkyCoord(ra, dec, unit="deg", frame="icrs")
    assert np.max(icrs.separation(as_icrs).deg) > 1e-6
    # The catalog keeps the file's frame; one source gives the same.
    assert catalog.positions.frame.name == "fk5"
    assert catalog[5].position.icrs.separation(expected[5]).deg < 1e-9


@pytest.mark.data
def test_hawc_ra_dec_columns_stay_icrs_as_gammapy(gammapy_data):
    catalog = SourceCatalog2HWC(gammapy_data / "catalogs/2HWC.ecsv")
    table = Table.read(gammapy_data / "catalogs/2HWC.ecsv", format="ascii.ecsv")
    assert catalog.positions.frame.name == "icrs"
    np.testing.assert_array_equal(catalog.positions.ra.deg, np.asarray(table["ra"], float))


def test_the_table_header_frame_wins(tmp_path):
    path = write_4fgl_file(tmp_path / "gll_psc_v35.fit")
    with fits.open(path, mode="update") as hdus:
        hdus["LAT_Point_Source_Catalog"].header["RADESYS"] = "ICRS"
    catalog = SourceCatalog4FGL(filename=path)
    assert catalog.positions.frame.name == "icrs"
    with fits.open(path, mode="update") as hdus:
        hdus["LAT_Point_Source_Catalog"].header["RADESYS"] = "FK4"
        hdus["LAT_Point_Source_Catalog"].header["EQUINOX"] = 1950.0
    catalog = SourceCatalog4FGL(filename=path)
    assert catalog.positions.frame.name == "fk4"
    assert catalog.positions.frame.equinox.byear == pytest.approx(1950.0)


def _oracle_mask(geom, sources, regions):
    """Pixels closer than a circle's radius to its source, with astropy alone (pixel centres
    from the WCS); each circle is matched to the nearest source. Also the pixels within
    1e-9 deg of a circle edge, which rounding may put either way."""
    ny, nx = geom.data_shape_image
    y, x = np.indices((ny, nx))
    pixels = pixel_to_skycoord(x.ravel(), y.ravel(), geom.wcs, origin=0)
    inside = np.zeros(nx * ny, dtype=bool)
    near_edge = np.zeros(nx * ny, dtype=bool)
    for region in regions:
        source = sources[int(np.argmin(region.center.separation(sources).deg))]
        distance = pixels.separation(source).deg
        radius = region.radius.to_value("deg")
        inside |= distance < radius
        near_edge |= np.abs(distance - radius) < 1e-9
    return inside.reshape(ny, nx), near_edge.reshape(ny, nx)


@pytest.mark.data
@pytest.mark.parametrize(
    ("skydir", "width", "binsz", "radius", "n_regions"),
    [
        # Galactic centre: many sources, selection by the geometry.
        ((0, 0), (12, 6), 0.05, "0.2 deg", 10),
        # 36 mas pixels around the Crab: the ~20 mas FK5-ICRS shift moves the circle edge.
        (SkyCoord(83.63483, 22.0192, unit="deg", frame="fk5"), 0.0025, 1e-5, "0.001 deg", 1),
    ],
)
def test_catalog_region_masks_use_the_fk5_positions(
    gammapy_data, skydir, width, binsz, radius, n_regions
):
    path = gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz"
    catalog = SourceCatalog3FHL(filename=path)
    geom = WcsGeom.create(skydir=skydir, width=width, binsz=binsz, frame="galactic")
    regions = catalog.exclusion_regions(radius, geom=geom)
    assert len(regions) >= n_regions
    mask = geom.region_mask(regions).data

    ra, dec = _raw_columns(path, "LAT_Point_Source_Catalog", "DEJ2000")
    expected, near_edge = _oracle_mask(geom, SkyCoord(ra, dec, unit="deg", frame="fk5"), regions)
    assert expected.sum() > 200
    assert not ((mask != expected) & ~near_edge).any()
    if binsz < 1e-4:
        # The test could fail: read as ICRS, the circle covers other pixels.
        as_icrs, _ = _oracle_mask(geom, SkyCoord(ra, dec, unit="deg", frame="icrs"), regions)
        assert np.count_nonzero(as_icrs != expected) > 50


# ---------------------------------------------------------------------- wrong files
@pytest.mark.data
def test_3fgl_file_given_as_3fhl_is_refused(gammapy_data):
    # Same HDU names and position columns: it used to read as a 3FHL catalog of 3034 sources.
    path = gammapy_data / "catalogs/fermi/gll_psc_v16.fit.gz"
    with pytest.raises(ValueError, match="is not a 3fhl catalog file") as info:
        CATALOG_REGISTRY.get_cls("3fhl")(filename=path)
    message = str(info.value)
    assert str(path) in message
    assert "named like '3FGL J0000.1+6545', not '3FHL J...'" in message  # not np.str_(...)
    assert "use SourceCatalog3FGL" in message
    assert len(SourceCatalog3FGL(filename=path)) == 3034


@pytest.mark.data
def test_3fhl_file_given_as_4fgl_is_refused(gammapy_data):
    with pytest.raises(ValueError, match=r"not a 4fgl catalog file.*use SourceCatalog3FHL"):
        SourceCatalog4FGL(filename=gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")


def test_missing_position_column_is_named_not_a_bare_key_error(tmp_path):
    # Used to fail with "error: RAJ2000" (a KeyError of the column name).
    path = write_4fgl_file(tmp_path / "gll_psc_v35.fit")
    with fits.open(path) as hdus:
        hdus["LAT_Point_Source_Catalog"].columns.del_col("RAJ2000")
        table = fits.BinTableHDU.from_columns(
            hdus["LAT_Point_Source_Catalog"].columns, name="LAT_Point_Source_Catalog"
        )
        fits.HDUList([hdus[0].copy(), table, *[h.copy() for h in hdus[2:]]]).writeto(
            tmp_path / "broken.fit"
        )
    with pytest.raises(ValueError) as info:
        SourceCatalog4FGL(filename=tmp_path / "broken.fit")
    message = str(info.value)
    assert "has no column 'RAJ2000'" in message
    assert "broken.fit" in message
    assert "main table" in message and "DEJ2000" in message  # the columns it has


@pytest.mark.data
def test_2hwc_tag_given_a_fits_file_is_a_clear_error(gammapy_data, tmp_path):
    path = gammapy_data / "catalogs/hgps_catalog_v1.fits.gz"
    with pytest.raises(ValueError, match=r"is a compressed \(gzip\) file.*ECSV"):
        CATALOG_REGISTRY.get_cls("2HWC")(filename=path)
    plain = tmp_path / "catalog.fits"
    shutil.copyfile(gammapy_data / "catalogs/1LHAASO_catalog.fits", plain)
    with pytest.raises(ValueError, match=r"catalog.fits is a FITS file.*ECSV text table"):
        SourceCatalog2HWC(filename=plain)
    garbage = tmp_path / "notes.ecsv"
    garbage.write_text("just some text\n")
    with pytest.raises(ValueError, match=r"cannot read .*notes.ecsv as an ECSV catalog table"):
        SourceCatalog2HWC(filename=garbage)


@pytest.mark.data
def test_hgps_file_given_as_1lhaaso_names_the_missing_column(gammapy_data):
    with pytest.raises(ValueError, match="has no column 'DECJ2000'"):
        CATALOG_REGISTRY.get_cls("1lhaaso")(
            filename=gammapy_data / "catalogs/hgps_catalog_v1.fits.gz"
        )


def test_nan_positions_warn_and_are_left_out_of_exclusion_regions(tmp_path):
    path = write_4fgl_file(tmp_path / "gll_psc_v35.fit")
    with fits.open(path, mode="update") as hdus:
        hdus["LAT_Point_Source_Catalog"].data["DEJ2000"][1] = np.nan
    with pytest.warns(
        CatalogWarning, match=r"1 of 6 sources .* no finite position \('4FGL J0534.5\+2200'\)"
    ):
        catalog = SourceCatalog4FGL(filename=path)
    regions = catalog.exclusion_regions("0.3 deg")
    assert len(regions) == 5
    assert all(np.isfinite(r.center.dec.deg) for r in regions)
    geom = WcsGeom.create(skydir=(184.55, -5.78), width=4, binsz=0.1, frame="galactic")
    for select in ("inside", "overlap"):
        kept = catalog.exclusion_regions("0.3 deg", geom=geom, select=select)
        assert len(kept) == 1  # the Crab IC source; the NaN Crab pulsar is left out


def test_catalog_tag_is_gammapys_1lhaaso_and_lookup_ignores_case():
    cls = CATALOG_REGISTRY.get_cls("1lhaaso")
    assert cls.tag == "1LHAASO"
    assert CATALOG_REGISTRY.get_cls("1LHAASO") is cls
    assert "1LHAASO" in CATALOG_REGISTRY.tags
    assert SourceCatalogHGPS.tag == "hgps"
