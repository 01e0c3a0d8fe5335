"""4FGL on a small file in the 4FGL layout written by the tests (the real files are too big
for the shared data): explicit filename, $GAMMAPY_DATA release fallback, extensions, aliases."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from numpy.testing import assert_allclose

from skymask.catalog import (
    CATALOG_REGISTRY,
    CatalogWarning,
    SourceCatalog4FGL,
    UnknownSourceError,
)

from .fgl4_layout import FGL4_EXTENDED, FGL4_SOURCES, write_4fgl_file

R68 = 1.5095921854516636  # 68 % containment radius of a 2-D Gaussian, in sigma


def test_4fgl_from_filename(fgl4_file):
    catalog = SourceCatalog4FGL(filename=fgl4_file)
    assert catalog.filename == fgl4_file
    assert len(catalog) == len(FGL4_SOURCES) == 6
    assert catalog.positions.frame.name == "fk5"  # RAJ2000/DEJ2000: FK5 J2000 (X35)
    assert list(catalog.names) == [s[0] for s in FGL4_SOURCES]
    assert_allclose(catalog.positions.ra.deg, [s[1] for s in FGL4_SOURCES], atol=1e-5)
    assert_allclose(catalog.positions.dec.deg, [s[2] for s in FGL4_SOURCES], atol=1e-5)
    expected = ["point", "point", "gaussian", "gaussian", "disk", "template"]
    assert list(catalog.morphology) == expected
    assert_allclose(catalog.extension.deg, [0, 0, 0.03 / R68, 0.27 / R68, 0.7331, 0.3], rtol=1e-6)
    assert len(catalog.extended_sources_table) == len(FGL4_EXTENDED)


def test_4fgl_odd_unit_strings_do_not_escape_as_warnings(fgl4_file):
    table = SourceCatalog4FGL(fgl4_file).table  # filterwarnings = error: no UnitsWarning
    assert table["Flux1000"].unit == u.Unit("ph cm-2 s-1")
    assert isinstance(table["Unc_Flux1000"].unit, u.UnrecognizedUnit)


def test_4fgl_sources_by_name_alias_and_row(fgl4_file):
    catalog = SourceCatalog4FGL(fgl4_file)
    disk = catalog["4FGL J1409.1-6121e"]
    assert disk.morphology == "disk"
    assert_allclose(disk.extension_radius().deg, 0.7331, rtol=1e-6)
    assert catalog["FGES J1409.1-6121"].row_index == disk.row_index == 4  # Extended_Source_Name
    assert catalog["Crab pulsar"].name == "4FGL J0534.5+2200"  # ASSOC2
    assert catalog["  IC 443 "].name == "4FGL J0617.2+2234e"  # surrounding spaces ignored
    assert catalog[-1].name == "4FGL J1443.0-6227e"
    assert catalog["4FGL J0000.3-7355"].data["Extended_Source_Name"] is None  # blank = masked
    with pytest.raises(UnknownSourceError, match=r"names 2 sources .*4FGL J0534\.5\+2200"):
        catalog["3FGL J0534.5+2201"]  # ASSOC_FGL of both Crab rows


def test_4fgl_default_file_under_gammapy_data(tmp_path, monkeypatch):
    fermi = tmp_path / "catalogs" / "fermi"
    fermi.mkdir(parents=True)
    write_4fgl_file(fermi / "gll_psc_v35.fit.gz")
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path))
    catalog = CATALOG_REGISTRY.get_cls("4FGL")()
    assert catalog.filename == fermi / "gll_psc_v35.fit.gz"
    assert len(catalog) == 6


@pytest.mark.parametrize(
    ("present", "chosen"),
    [
        (["gll_psc_v20.fit.gz"], "gll_psc_v20.fit.gz"),  # DR1 only
        (["gll_psc_v31.fit.gz", "gll_psc_v20.fit.gz"], "gll_psc_v31.fit.gz"),  # newest wins
        (["gll_psc_v35.fit", "gll_psc_v31.fit.gz"], "gll_psc_v35.fit"),  # FSSC's plain .fit
        (["gll_psc_v35.fit.gz", "gll_psc_v32.fit.gz"], "gll_psc_v32.fit.gz"),  # gammapy's default
    ],
)
def test_4fgl_release_fallback(tmp_path, monkeypatch, present, chosen):
    fermi = tmp_path / "catalogs" / "fermi"
    fermi.mkdir(parents=True)
    for name in present:
        write_4fgl_file(fermi / name)
    (fermi / "gll_psc_v16.fit.gz").write_bytes(b"")  # 3FGL's file name is not a 4FGL release
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path))
    assert SourceCatalog4FGL().filename == fermi / chosen


def test_4fgl_missing_release_names_what_it_looked_for(tmp_path, monkeypatch):
    (tmp_path / "catalogs" / "fermi").mkdir(parents=True)
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        SourceCatalog4FGL()
    message = str(info.value)
    assert str(tmp_path / "catalogs" / "fermi") in message
    assert "gll_psc_vNN.fit.gz" in message
    assert "32, 35" in message
    assert "GAMMAPY_DATA" in message
    assert "filename=" in message


def test_4fgl_extended_source_without_shape_warns(tmp_path):
    path = write_4fgl_file(tmp_path / "cat.fits", extended=FGL4_EXTENDED[1:])  # no "Crab IC"
    with pytest.warns(CatalogWarning, match=r"4FGL J0534\.5\+2201e \('Crab IC' is not in"):
        catalog = SourceCatalog4FGL(path)
    assert catalog["4FGL J0534.5+2201e"].morphology == "point"
    assert catalog["IC 443"].morphology == "gaussian"


def test_4fgl_unknown_model_form_warns(tmp_path):
    extended = [(*FGL4_EXTENDED[0][:1], "Banana", *FGL4_EXTENDED[0][2:]), *FGL4_EXTENDED[1:]]
    path = write_4fgl_file(tmp_path / "cat.fits", extended=extended)
    with pytest.warns(CatalogWarning, match="Model_Form 'banana'"):
        catalog = SourceCatalog4FGL(path)
    assert np.count_nonzero(catalog.morphology != "point") == 3


def test_4fgl_exclusion_regions_cover_the_disk(fgl4_file):
    catalog = SourceCatalog4FGL(fgl4_file)
    regions = catalog.exclusion_regions("0.3 deg")
    radii = [r.radius.to_value("deg") for r in regions]
    gauss95 = np.sqrt(-2 * np.log(0.05))
    expected = [0.3, 0.3, 0.3, 0.27 / R68 * gauss95, 0.7331, 0.3]
    assert_allclose(radii, expected, rtol=1e-6)
    assert_allclose(
        [r.radius.to_value("deg") for r in catalog.exclusion_regions("0.3 deg", margin="0.1 deg")],
        [0.3, 0.3, 0.3, 0.27 / R68 * gauss95 + 0.1, 0.8331, 0.4],
        rtol=1e-6,
    )
