"""gammapy 2.1's catalog API around the tables: ``SourceCatalog(table)``, ``source_name``,
HGPS Gaussian components and energy ranges, HAWC ``n_models``, gammapy's class names."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Column, MaskedColumn, Table
from numpy.testing import assert_allclose

from skymask.catalog import (
    SourceCatalog,
    SourceCatalog3FHL,
    SourceCatalog3HWC,
    SourceCatalogHGPS,
    SourceCatalogObject3FHL,
    SourceCatalogObjectHGPS,
    SourceCatalogObjectHGPSComponent,
)


def _table():
    table = Table()
    table["Source_Name"] = ["a", "bb", "ccc"]
    table["RA"] = Column([42.2, 43.3, 44.4], unit="deg")
    table["DEC"] = Column([1, 2, 3], unit="deg")
    table["Other"] = ["x", "b-alias", "z"]
    return table


def test_catalog_from_a_table():
    catalog = SourceCatalog(_table())
    assert len(catalog) == 3
    assert catalog.row_index("bb") == 1
    assert catalog.source_name(1) == "bb"
    assert catalog.source_name(-1) == "ccc"
    source = catalog["bb"]
    assert source.data["Source_Name"] == "bb"
    assert_allclose(source.data["RA"].to_value("deg"), 43.3)
    assert_allclose([source.position.ra.deg, source.position.dec.deg], [43.3, 2])
    assert source.position.frame.name == "icrs"
    assert source.morphology == "point"  # a plain table has no spatial model
    assert_allclose(catalog.extension_radius().deg, 0)
    # gammapy's summary text
    text = str(catalog)
    assert "name: " in text and "description: " in text and "sources: 3" in text
    # a selection keeps the table's own columns
    assert list(catalog[catalog.table["Source_Name"] != "a"].names) == ["bb", "ccc"]


def test_catalog_from_a_table_with_other_columns():
    table = _table()
    table.rename_column("Source_Name", "name")
    table.rename_columns(["RA", "DEC"], ["RAJ2000", "DEJ2000"])
    catalog = SourceCatalog(table, source_name_key="name", source_name_alias=("Other",))
    assert catalog.row_index("b-alias") == 1
    assert catalog["ccc"].name == "ccc"
    # ...J2000 columns are FK5 J2000 as for the catalog files (X35)
    assert catalog.positions.frame.name == "fk5"


def test_catalog_from_a_table_errors():
    with pytest.raises(IndexError, match="out of range for 3 sources"):
        SourceCatalog(_table()).source_name(99)
    with pytest.raises(IndexError, match="takes a row number"):
        SourceCatalog(_table()).source_name("invalid")
    with pytest.raises(ValueError, match="source_name_key 'Name' is not a column"):
        SourceCatalog(_table(), source_name_key="Name")
    with pytest.raises(ValueError, match="needs position columns"):
        SourceCatalog(Table({"Source_Name": ["a"], "GLON": [1.0], "GLAT": [0.0]}))
    # a catalog class that reads a file does not guess extensions from a bare table
    with pytest.raises(TypeError, match="reads its catalog file"):
        SourceCatalog3FHL(_table())


def test_subclass_from_a_table_as_gammapys_test_catalog():
    class Mine(SourceCatalog, register=False):
        tag = "mine"
        description = "Test source catalog"

    catalog = Mine(_table())
    assert "name: mine" in str(catalog)
    assert catalog[np.int32(0)].name == "a"
    with pytest.raises(TypeError):
        catalog[1.2]


@pytest.mark.data
def test_hgps_gaussian_components_and_energy_range(gammapy_data):
    catalog = SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")
    source = catalog["HESS J1843-033"]
    assert isinstance(source, SourceCatalogObjectHGPS)
    assert repr(source).startswith("SourceCatalogObjectHGPS('HESS J1843-033'")
    # gammapy 2.1: [SourceCatalogObjectHGPSComponent('HGPSC 083'), ...('HGPSC 084')],
    # energy_range [0.21544346 61.896584] TeV.
    assert [c.name for c in source.components] == ["HGPSC 083", "HGPSC 084"]
    assert_allclose(source.energy_range.to_value("TeV"), [0.21544346, 61.89658356])
    component = catalog.gaussian_component(83)
    assert isinstance(component, SourceCatalogObjectHGPSComponent)
    assert component.row_index == 83
    assert repr(component) == "SourceCatalogObjectHGPSComponent('HGPSC 084')"
    # gammapy 2.1, str(cat.gaussian_component(83))
    assert str(component) == (
        "Component HGPSC 084:\n"
        "GLON                 :   28.770 +/- 0.059 deg\n"
        "GLAT                 :   -0.073 +/- 0.069 deg\n"
        "Size                 : 0.229 +/- 0.046 deg\n"
        "Flux (>1 TeV)        : (1.54 +/- 0.47) x 10^-12 cm^-2 s^-1 = (6.8 +/- 2.1) % Crab"
    )
    # the component row is the one of table_components
    assert_allclose(component.position.l.deg, catalog.table_components["GLON"][83])
    with pytest.raises(IndexError, match="out of range for 98 rows"):
        catalog.gaussian_component(98)
    # a point-like source has no components; no spectral range in the file gives gammapy's
    # default range (gammapy 2.1 reads the masked cells as 0 and gives [0, 0] TeV), X40
    point = catalog["HESS J1745-290"]
    assert point.components == []
    assert_allclose(point.energy_range.to_value("TeV"), [0.2, 50])
    assert len(catalog.table_associations) == 223
    assert len(catalog.table_identifications) == 31


@pytest.mark.data
def test_source_classes_and_n_models(gammapy_data):
    fhl = SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    assert type(fhl[0]) is SourceCatalogObject3FHL
    hwc = SourceCatalog3HWC(gammapy_data / "catalogs/3HWC.ecsv")
    assert hwc[0].n_models == 1
    assert "Flux at 7 TeV" in str(hwc[0])


def test_masked_number_with_unit_is_a_nan_quantity():
    table = _table()
    table["Flux"] = MaskedColumn([1.0, 2.0, 3.0], mask=[0, 1, 0], unit="cm-2 s-1")
    table["Count"] = MaskedColumn([1, 2, 3], mask=[0, 1, 0])
    data = SourceCatalog(table)[1].data
    assert data["Flux"].unit == u.Unit("cm-2 s-1")
    assert np.isnan(data["Flux"].value)
    assert data["Count"] is None
