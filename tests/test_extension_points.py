"""Adding a catalog or a region shape touches only its own registry entry.

A toy catalog (one class: it registers itself by its tag) and a toy region shape (a `regions`
class and one painter registered in `PAINTERS`) are added here, used through the ordinary API
(`CATALOG_REGISTRY.get_cls`, `geom.region_mask`, the command line's help) and run through the
painter contract of ``tests/rasterize/painter_contract.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table
from regions import SkyRegion

from skymask.catalog import CATALOG_REGISTRY, SourceCatalog, SpatialComponents
from skymask.maps import WcsGeom
from skymask.rasterize import PAINTERS, CapPainter

from .rasterize.painter_contract import PainterContract, pixel_lonlat


# ---------------------------------------------------------------------- the toy shape
class LonLatBoxSkyRegion(SkyRegion):
    """A box in longitude and latitude of the map's frame: ``|dlon| < size/2, |dlat| < size/2``."""

    _params = ("center", "size")

    def __init__(self, center, size):
        self.center = center
        self.size = size
        self.meta = {}
        self.visual = {}

    def to_pixel(self, wcs):
        raise NotImplementedError

    def to_spherical_sky(self, *args, **kwargs):
        raise NotImplementedError


class LonLatBoxPainter(CapPainter):
    region_names = ()
    shape = "lon-lat box"
    rule = "the pixel centre's longitude and latitude are within size/2 of the centre's"

    @property
    def region_types(self):
        return (LonLatBoxSkyRegion,)

    def bounding_circle(self, region):
        # The farthest corner is within a size of the centre (size below 10 deg, |b| < 80).
        return region.center, float(region.size)

    def contains(self, region, lon, lat, lon0, lat0):
        half = np.radians(region.size) / 2
        dlon = (lon - lon0 + np.pi) % (2 * np.pi) - np.pi
        return (np.abs(dlon) < half) & (np.abs(lat - lat0) < half)


@pytest.fixture
def toy_shape():
    painter = PAINTERS.register(LonLatBoxPainter)
    yield painter
    PAINTERS.unregister(painter)


class TestLonLatBoxContract(PainterContract):
    region_class = LonLatBoxSkyRegion

    @pytest.fixture(autouse=True)
    def _registered(self, toy_shape):
        yield

    def make(self, lon, lat, size):
        return LonLatBoxSkyRegion(SkyCoord(lon, lat, unit="deg", frame="galactic"), size)

    def oracle(self, region, g):
        lon, lat = pixel_lonlat(g)
        dlon = (lon - region.center.l.deg + 180) % 360 - 180
        half = region.size / 2
        return (np.abs(dlon) < half) & (np.abs(lat - region.center.b.deg) < half)


# ---------------------------------------------------------------------- the toy catalog
@pytest.fixture
def toy_catalog(tmp_path):
    path = tmp_path / "toy.ecsv"
    Table({"name": ["TOY J1", "TOY J2"], "ra": [83.6, 84.0], "dec": [22.0, 22.5]}).write(path)

    class ToyCatalog(SourceCatalog):
        tag = "toy"
        description = "A toy catalog of two point sources"
        default_files = ("toy.ecsv",)
        name_column = "name"
        position_columns = ("ra", "dec", "icrs")

        def _read(self, path):
            table = Table.read(path)
            n = len(table)
            kinds = np.full((n, 1), "point")
            return table, SpatialComponents(kinds, np.zeros((n, 1)), np.zeros((n, 1)))

    yield ToyCatalog, path
    CATALOG_REGISTRY.unregister("toy")


def test_toy_catalog_and_toy_shape_work_through_the_ordinary_api(toy_catalog, toy_shape, capsys):
    from skymask.cli.main import main

    cls, path = toy_catalog
    catalog = CATALOG_REGISTRY.get_cls("TOY")(filename=path)
    assert isinstance(catalog, cls) and len(catalog) == 2
    geom = WcsGeom.create(skydir=(83.8, 22.2), width=2, binsz=0.05)
    sources = geom.region_mask(catalog.exclusion_regions("0.2 deg", geom=geom))
    box = LonLatBoxSkyRegion(SkyCoord(83.8, 22.2, unit="deg"), 0.5)
    boxed = geom.region_mask([box])
    assert sources.data.sum() > 0 and boxed.data.sum() == 100  # 10 x 10 pixels of 0.05 deg
    # The command line's help is generated from the registries.
    for argv in (["mask", "catalog", "--help"], ["mask", "regions", "--help"]):
        assert main(argv) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "toy" in text and "lon-lat box" in text
    assert ", ".join(CATALOG_REGISTRY.tags) in text


def test_registries_are_clean_after_the_toys():
    assert "toy" not in CATALOG_REGISTRY
    assert all(p.shape != "lon-lat box" for p in PAINTERS)


def test_unregistering_an_unknown_painter_names_the_registered_ones():
    with pytest.raises(ValueError, match=r"not a registered painter.*CircleSkyRegion"):
        PAINTERS.unregister(object())
