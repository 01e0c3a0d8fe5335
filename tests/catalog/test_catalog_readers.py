"""Every catalog reads from the shared gammapy-data: counts, frames, a known source's position
and extension. Expected values were read from the FITS/ECSV files directly with astropy and
cross-checked against gammapy 2.1 (positions identical for all catalogs)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table
from numpy.testing import assert_allclose

from skymask.catalog import (
    CATALOG_REGISTRY,
    CatalogSource,
    SourceCatalog2FHL,
    SourceCatalog3FHL,
    SourceCatalogHGPS,
)

pytestmark = pytest.mark.data  # needs the gammapy-data directory

GAUSS95 = np.sqrt(-2 * np.log(0.05))  # 95 % containment radius of a 2-D Gaussian, in sigma
R68 = np.sqrt(-2 * np.log(0.32))  # 68 % containment radius, in sigma (Fermi Gaussian sizes)

# tag, number of sources, frame, number not point-like, source name, row, (lon, lat) deg,
# morphology, extension (deg), extension radius at 95 % (deg)
CATALOGS = [
    ("3fhl", 1556, "fk5", 48, "3FHL J0534.5+2201", 352, (83.63483, 22.01920), "point", 0, 0),
    ("3fgl", 3034, "fk5", 25, "3FGL J0617.2+2234e", 696, (94.31, 22.58), "gaussian",
     0.27 / R68, 0.27 / R68 * GAUSS95),
    ("2fhl", 360, "fk5", 25, "2FHL J0822.6-4250e", 134, (125.66, -42.84), "disk", 0.37, 0.37),
    ("hgps", 78, "fk5", 55, "HESS J1713-397", 33, (258.355, -39.771), "shell", 0.5, 0.5),
    ("2hwc", 40, "icrs", 4, "2HWC J0700+143", 3, (105.117, 14.323), "disk", 1.0, 2.0),
    ("3hwc", 65, "icrs", 6, "3HWC J0621+382", 4, (95.3174, 38.2059), "disk", 0.5, 0.5),
    ("1lhaaso", 90, "fk5", 61, "1LHAASO J1825-1418", 30, (276.29, -14.32), "gaussian", 0.81,
     2.3050167),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tag", "n", "frame", "n_extended", "name", "row", "lonlat", "morphology", "ext", "radius"),
    CATALOGS,
    ids=[c[0] for c in CATALOGS],
)
def test_catalog_reads_default_file(
    gammapy_data, monkeypatch, tag, n, frame, n_extended, name, row, lonlat, morphology, ext, radius
):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    catalog = CATALOG_REGISTRY.get_cls(tag)()
    assert catalog.filename.is_relative_to(gammapy_data)
    assert isinstance(catalog.table, Table)
    assert len(catalog) == len(catalog.table) == n
    assert catalog.positions.frame.name == frame
    assert catalog.positions.shape == (n,)
    assert len(catalog.names) == n
    assert np.count_nonzero(catalog.morphology != "point") == n_extended
    assert catalog.extension.shape == (n,)

    source = catalog[name]
    assert isinstance(source, CatalogSource)
    assert source.name == name
    assert source.row_index == row
    assert catalog.names[row] == name
    assert source.position.frame.name == frame
    assert_allclose(
        [source.position.spherical.lon.deg, source.position.spherical.lat.deg], lonlat, atol=1e-5
    )
    assert source.morphology == morphology
    assert_allclose(source.extension.deg, ext, rtol=1e-6)
    assert_allclose(source.extension_radius().deg, radius, rtol=1e-6)
    assert_allclose(catalog.extension_radius().deg[row], radius, rtol=1e-6)

    by_row = catalog[row]
    assert by_row.name == name
    assert by_row.position.separation(source.position).deg < 1e-10


@pytest.mark.parametrize("tag", [c[0] for c in CATALOGS])
def test_catalog_reads_explicit_filename(gammapy_data, monkeypatch, tag):
    cls = CATALOG_REGISTRY.get_cls(tag)
    path = gammapy_data / cls.default_files[0]
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    assert len(cls(filename=path)) == len(cls(str(path)))


def test_3fhl_crab_and_positions_are_the_table_columns(gammapy_data):
    catalog = SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    crab = catalog["3FHL J0534.5+2201"]
    assert_allclose(crab.position.ra.deg, 83.63483, atol=1e-5)
    assert_allclose(crab.position.dec.deg, 22.01920, atol=1e-5)
    assert crab.is_pointlike
    assert crab.extension.deg == 0
    table = Table.read(catalog.filename, hdu="LAT_Point_Source_Catalog")
    assert np.array_equal(catalog.positions.ra.deg, table["RAJ2000"])
    assert np.array_equal(catalog.positions.dec.deg, table["DEJ2000"])


def test_fermi_gaussian_size_is_68_percent_radius(gammapy_data):
    """Fermi catalogs list Gaussians by their 68 % radius: IC 443's 0.27 deg is not sigma."""
    catalog = SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    ic443 = catalog["IC 443"]  # alias via Extended_Source_Name
    assert ic443.name == "3FHL J0617.2+2234e"
    assert ic443.morphology == "gaussian"
    assert_allclose(ic443.extension.deg, 0.27 / 1.5095921854516636, rtol=1e-6)
    assert_allclose(ic443.extension_radius(containment=0.68).deg, 0.27, rtol=1e-6)
    disk = catalog["3FHL J1409.1-6121e"]
    assert disk.morphology == "disk"
    assert_allclose(disk.extension.deg, 0.7331369519233704)
    assert catalog.extended_sources_table["Model_SemiMajor"].unit == "deg"


def test_2fhl_extended_sources_found_by_name_suffix(gammapy_data):
    """2FHL has no Extended_Source_Name column: names ending in 'e' are the extended ones."""
    for version in ("v09", "v08"):
        catalog = SourceCatalog2FHL(gammapy_data / f"catalogs/fermi/gll_psch_{version}.fit.gz")
        extended = catalog.morphology != "point"
        assert np.array_equal(extended, np.char.endswith(catalog.names, "e"))
        assert catalog["Crab"].row_index == 85  # alias (ASSOC), as in gammapy's tests
        assert catalog["2FHL J1840.9-0532e"].morphology == "gaussian"  # Elliptical 2D Gaussian
        assert catalog["2FHL J1923.2+1408e"].morphology == "disk"  # Elliptical Disk
        assert catalog["2FHL J1713.5-3945e"].morphology == "template"  # Map


def test_hgps_models(gammapy_data):
    catalog = SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")
    gauss = catalog["HESS J1420-607"]
    assert (gauss.morphology, gauss.row_index) == ("gaussian", 11)
    assert_allclose(gauss.extension.deg, 0.08059085, rtol=1e-6)
    assert_allclose(gauss.extension_radius().deg, 0.08059085 * GAUSS95, rtol=1e-6)
    assert catalog["HESS J1745-290"].morphology == "point"  # Point-Like
    upper_limit = catalog["HESS J1018-589 A"]  # Size masked, Size_UL = 0.03
    assert upper_limit.morphology == "point"
    assert upper_limit.extension.deg == 0
    # A masked number with a unit is a NaN Quantity (gammapy: 0 deg), X40.
    assert upper_limit.data["Size"].unit == "deg"
    assert np.isnan(upper_limit.data["Size"].value)
    # Vela X is a 3-Gaussian source: its components reach further than the combined size.
    vela = catalog["Vela X"]
    assert vela.name == "HESS J0835-455"
    assert_allclose(vela.extension.deg, 0.5848052, rtol=1e-6)
    components = catalog.table_components
    rows = components[[str(n).strip() == "HESS J0835-455" for n in components["Source_Name"]]]
    offsets = vela.position.separation(SkyCoord(rows["GLON"], rows["GLAT"], frame="galactic"))
    expected = max(0.5848052 * GAUSS95, np.max(offsets.deg + GAUSS95 * rows["Size"]))
    assert_allclose(vela.extension_radius().deg, expected, rtol=1e-5)
    assert vela.extension_radius().deg > 0.5848052 * GAUSS95


def test_hawc_radii(gammapy_data, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    hwc2 = CATALOG_REGISTRY.get_cls("2hwc")()
    crab = hwc2["2HWC J0534+220"]
    assert crab.morphology == "point"
    assert_allclose([crab.position.ra.deg, crab.position.dec.deg], [83.628, 22.024])
    # point-like in the main fit, also fitted as a 2 deg disk (spec1_radius)
    geminga = hwc2["2HWC J0631+169"]
    assert geminga.morphology == "point"
    assert geminga.extension.deg == 0
    assert geminga.extension_radius().deg == 2.0
    hwc3 = CATALOG_REGISTRY.get_cls("3hwc")()
    assert hwc3["3HWC J0659+147"].morphology == "point"  # spec0_radius is NaN
    assert hwc3.names[0] == "3HWC J0534+220"


def test_1lhaaso_components_and_upper_limits(gammapy_data, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    catalog = CATALOG_REGISTRY.get_cls("1LHAASO")()
    crab = catalog["1LHAASO J0534+2200u"]  # r39 is only an upper limit (0.04 deg)
    assert crab.row_index == 13
    assert crab.morphology == "point"
    assert crab.extension_radius().deg < 0.05  # component b is 0.04 deg away, point-like too
    assert crab.position.frame.name == "fk5"
    assert_allclose([crab.position.ra.deg, crab.position.dec.deg], [83.62, 22.01])


def test_source_data_row(gammapy_data):
    catalog = SourceCatalog3FHL(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")
    source = catalog[352]
    assert source.data["Source_Name"].strip() == "3FHL J0534.5+2201"
    assert source.data["RAJ2000"].unit == "deg"
    assert source.data["Extended_Source_Name"] is None  # masked for point sources
    assert "3FHL J0534.5+2201" in repr(source)


def test_iteration_matches_indexing(gammapy_data):
    catalog = SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")
    sources = list(catalog)
    assert len(sources) == 78
    assert [s.name for s in sources] == list(catalog.names)
    assert [s.row_index for s in sources] == list(range(78))
