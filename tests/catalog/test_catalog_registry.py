"""Registry tags, file resolution and error paths, indexing rules."""

from __future__ import annotations

import numpy as np
import pytest

from skymask.catalog import (
    CATALOG_REGISTRY,
    SourceCatalog,
    SourceCatalog1LHAASO,
    SourceCatalog3FHL,
    SourceCatalog4FGL,
    SourceCatalogHGPS,
    UnknownCatalogError,
    UnknownSourceError,
)

ALL_TAGS = ("4fgl", "3fgl", "2fhl", "3fhl", "hgps", "2hwc", "3hwc", "1LHAASO")


def test_registry_tags_and_classes():
    assert CATALOG_REGISTRY.tags == ALL_TAGS
    assert len(CATALOG_REGISTRY) == len(ALL_TAGS)
    for cls in CATALOG_REGISTRY:
        assert issubclass(cls, SourceCatalog)
        assert cls.default_files
    assert "SourceCatalog3FHL" in repr(CATALOG_REGISTRY)


@pytest.mark.parametrize(
    ("tag", "cls"),
    [
        ("3fhl", SourceCatalog3FHL),
        ("3FHL", SourceCatalog3FHL),
        ("3Fhl", SourceCatalog3FHL),
        ("4FGL", SourceCatalog4FGL),
        (" hgps ", SourceCatalogHGPS),
        ("HGPS", SourceCatalogHGPS),
        ("1LHAASO", SourceCatalog1LHAASO),  # gammapy's spelling
        ("1lhaaso", SourceCatalog1LHAASO),
    ],
)
def test_tags_ignore_letter_case(tag, cls):
    assert CATALOG_REGISTRY.get_cls(tag) is cls
    assert tag in CATALOG_REGISTRY


@pytest.mark.parametrize("tag", ["gamma-cat", "4fgl-dr5", "", "fermi"])
def test_unknown_tag_lists_known_tags(tag):
    with pytest.raises(UnknownCatalogError) as info:
        CATALOG_REGISTRY.get_cls(tag)
    assert isinstance(info.value, KeyError)  # as in gammapy
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert repr(tag) in message
    assert ", ".join(ALL_TAGS) in message
    assert tag not in CATALOG_REGISTRY


def test_base_class_needs_a_table():
    # gammapy 2.1's SourceCatalog(table); without one there is nothing to read.
    with pytest.raises(TypeError, match=r"has no catalog file: build it from an astropy Table"):
        SourceCatalog()


def test_tag_must_be_a_string():
    with pytest.raises(TypeError, match="must be a str"):
        CATALOG_REGISTRY.get_cls(3)


# ---------------------------------------------------------------------- missing files
def test_missing_default_file_names_path_gammapy_data_and_filename(tmp_path, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        SourceCatalog3FHL()
    message = str(info.value)
    assert str(tmp_path / "catalogs" / "fermi" / "gll_psch_v13.fit.gz") in message
    assert f"GAMMAPY_DATA={tmp_path}" in message
    assert "filename=" in message
    assert "SourceCatalog3FHL" in message


def test_gammapy_data_not_a_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="missing, not a directory"):
        SourceCatalog3FHL()


@pytest.mark.parametrize("value", [None, ""])
def test_gammapy_data_not_set(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    else:
        monkeypatch.setenv("GAMMAPY_DATA", value)
    with pytest.raises(FileNotFoundError) as info:
        CATALOG_REGISTRY.get_cls("hgps")()
    message = str(info.value)
    assert "GAMMAPY_DATA environment variable is not set" in message
    assert "catalogs/hgps_catalog_v1.fits.gz" in message
    assert "filename=" in message


def test_missing_explicit_file(tmp_path):
    path = tmp_path / "nope.fits"
    with pytest.raises(FileNotFoundError, match=r"catalog file not found: .*nope\.fits"):
        SourceCatalogHGPS(filename=path)


def test_gammapy_data_in_filename_without_the_variable(monkeypatch):
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="GAMMAPY_DATA environment variable is not set"):
        SourceCatalogHGPS(filename="$GAMMAPY_DATA/catalogs/hgps_catalog_v1.fits.gz")


@pytest.mark.data
def test_gammapy_data_in_filename_is_expanded(gammapy_data, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    catalog = SourceCatalogHGPS("$GAMMAPY_DATA/catalogs/hgps_catalog_v1.fits.gz")
    assert catalog.filename == gammapy_data / "catalogs/hgps_catalog_v1.fits.gz"


@pytest.mark.data
def test_wrong_file_for_the_catalog(gammapy_data):
    with pytest.raises(ValueError, match=r"no HDU named 'HGPS_SOURCES' .*right catalog file"):
        SourceCatalogHGPS(gammapy_data / "catalogs/fermi/gll_psch_v13.fit.gz")


def test_filename_must_be_a_path():
    with pytest.raises(TypeError, match="must be a str or path"):
        SourceCatalogHGPS(filename=3)


# ---------------------------------------------------------------------- indexing
@pytest.fixture(scope="module")
def hgps(gammapy_data):
    return SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")


@pytest.mark.data
def test_integer_and_name_indexing(hgps):
    assert hgps[0].name == "HESS J0835-455"
    assert hgps[np.int64(1)].name == "HESS J0852-463"
    assert hgps[-1].name == hgps.names[-1] == "HESS J1943+213"
    assert hgps["Vela Junior"].name == "HESS J0852-463"  # alias (Identified_Object)
    with pytest.raises(IndexError, match="row 78 is out of range for 78 sources"):
        hgps[78]
    with pytest.raises(TypeError, match="mask array"):
        hgps[True]
    with pytest.raises(TypeError, match="indexed by a source name"):
        hgps[1.5]


@pytest.mark.data
def test_unknown_name_suggests_close_names(hgps):
    with pytest.raises(UnknownSourceError, match=r"did you mean 'HESS J1713-397'") as info:
        hgps["HESS J1713-396"]
    assert isinstance(info.value, KeyError)
    assert str(info.value).startswith("no source called 'HESS J1713-396'")


@pytest.mark.data
def test_ambiguous_alias_lists_the_sources(gammapy_data):
    catalog = CATALOG_REGISTRY.get_cls("3fgl")(gammapy_data / "catalogs/fermi/gll_psc_v16.fit.gz")
    with pytest.raises(UnknownSourceError, match="'Crab' names 3 sources") as info:
        catalog["Crab"]
    for name in ("3FGL J0534.5+2201", "3FGL J0534.5+2201i", "3FGL J0534.5+2201s"):
        assert repr(name) in str(info.value)
        assert catalog[name].name == name  # exact names always work


@pytest.mark.data
def test_boolean_mask_gives_filtered_catalog(hgps):
    mask = hgps.morphology == "shell"
    shells = hgps[mask]
    assert type(shells) is SourceCatalogHGPS
    assert len(shells) == 7 == len(shells.table)
    assert np.all(shells.morphology == "shell")
    assert list(shells.names) == list(hgps.names[mask])
    assert np.array_equal(shells.extension.deg, hgps.extension.deg[mask])
    assert shells.positions.separation(hgps.positions[mask]).deg.max() < 1e-10
    assert shells["RX J1713.7-3946"].row_index == list(shells.names).index("HESS J1713-397")
    assert len(hgps) == 78  # the original is unchanged


@pytest.mark.data
def test_slice_and_integer_array_give_catalogs(hgps):
    assert list(hgps[:3].names) == list(hgps.names[:3])
    assert list(hgps[np.array([5, 2])].names) == [hgps.names[5], hgps.names[2]]
    with pytest.raises(IndexError, match=r"shape \(78,\)"):
        hgps[np.ones(3, dtype=bool)]


@pytest.mark.data
def test_table_cannot_be_replaced(hgps):
    with pytest.raises(AttributeError, match=r"catalog\[mask\]"):
        hgps.table = hgps.table[:2]


@pytest.mark.data
def test_repr(hgps):
    text = repr(hgps)
    assert "SourceCatalogHGPS(tag='hgps', 78 sources, 55 extended" in text
    assert "hgps_catalog_v1.fits.gz" in text
    assert "H.E.S.S." in str(hgps)


# ---------------------------------------------------------------------- a toy catalog
def test_a_toy_catalog_registers_itself_by_its_tag(tmp_path):
    # Adding a catalog is one class: it registers itself in CATALOG_REGISTRY when defined.
    import numpy as np
    from astropy.table import Table

    from skymask.catalog import SourceCatalog, SpatialComponents
    from skymask.maps import WcsGeom

    path = tmp_path / "toy.ecsv"
    Table({"name": ["TOY J0", "TOY J1"], "ra": [83.6, 84.0], "dec": [22.0, 22.5]}).write(path)

    class ToyCatalog(SourceCatalog):
        tag = "toy"
        description = "A toy catalog of two sources"
        default_files = ("toy.ecsv",)
        name_column = "name"
        position_columns = ("ra", "dec", "icrs")

        def _read(self, path):
            table = Table.read(path)
            n = len(table)
            points = SpatialComponents(np.full((n, 1), "point"), np.zeros((n, 1)), np.zeros((n, 1)))
            return table, points

    try:
        assert CATALOG_REGISTRY.get_cls("TOY") is ToyCatalog
        assert CATALOG_REGISTRY.tags[-1] == "toy" and "toy" in CATALOG_REGISTRY
        catalog = CATALOG_REGISTRY.get_cls("toy")(filename=path)
        geom = WcsGeom.create(skydir=(83.8, 22.2), width=2, binsz=0.05)
        mask = geom.region_mask(catalog.exclusion_regions("0.2 deg", geom=geom))
        assert len(catalog) == 2 and mask.data.sum() > 0
        with pytest.raises(ValueError, match="share the tag 'toy'"):

            class Clash(SourceCatalog):
                tag = "TOY"
                default_files = ("toy.ecsv",)

        class Unlisted(ToyCatalog):  # inherits the tag: not registered again
            pass

        class Hidden(SourceCatalog, register=False):
            tag = "hidden"
            default_files = ("toy.ecsv",)

        assert CATALOG_REGISTRY.get_cls("toy") is ToyCatalog and "hidden" not in CATALOG_REGISTRY
    finally:
        CATALOG_REGISTRY.unregister("toy")
    assert "toy" not in CATALOG_REGISTRY
    assert len(CATALOG_REGISTRY) == 8
