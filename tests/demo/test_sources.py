"""The built-in source list and its catalog interface."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from skymask.catalog import UnknownSourceError
from skymask.demo import BUILTIN_SOURCES, SIMULATED_SOURCES, BuiltinCatalog, KnownSource
from skymask.maps import WcsGeom

CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")


def test_list_contents():
    catalog = BuiltinCatalog()
    assert len(catalog) == len(BUILTIN_SOURCES) >= 8
    assert {"Crab Nebula", "Geminga", "IC 443"} <= set(catalog.names)
    assert catalog["Crab Nebula"].position.separation(CRAB).arcsec < 1
    assert catalog.positions.frame.name == "icrs"
    assert list(catalog) == list(BUILTIN_SOURCES)
    assert repr(catalog).startswith("BuiltinCatalog(")


def test_extension_radius_follows_the_catalog_convention():
    catalog = BuiltinCatalog()
    radius = dict(zip(catalog.names, catalog.extension_radius().deg, strict=True))
    assert radius["Crab Nebula"] == 0
    assert radius["Vela X"] == pytest.approx(0.91)  # a disk: its radius
    assert radius["IC 443"] == pytest.approx(0.179 * 2.4477, rel=1e-4)  # 95 % of a Gaussian
    extension = dict(zip(catalog.names, catalog.extension.deg, strict=True))
    assert extension["PSR B0540+23 halo"] == pytest.approx(0.3)
    assert catalog.morphology[catalog.row_index("Vela X")] == "disk"


def test_exclusion_regions_select_the_sources_in_a_geometry():
    catalog = BuiltinCatalog()
    geom = WcsGeom.create(skydir=CRAB, width=6, binsz=0.02, frame="galactic")
    circles = catalog.exclusion_regions("0.3 deg", geom=geom)
    assert all(isinstance(circle, CircleSkyRegion) for circle in circles)
    names = {source.name for source in SIMULATED_SOURCES}
    assert len(circles) == len(names)
    radii = sorted(circle.radius.deg for circle in circles)
    np.testing.assert_allclose(radii, [0.3, 0.3, 0.3, 0.3 * 2.4477], rtol=1e-4)
    assert len(catalog.exclusion_regions("0.3 deg")) == len(catalog)


def test_unknown_names_and_bad_entries():
    with pytest.raises(UnknownSourceError, match="Crab Nebula"):
        BuiltinCatalog()["Crab"]
    with pytest.raises(KeyError):
        BuiltinCatalog().row_index("nothing")
    with pytest.raises(ValueError, match="morphology"):
        KnownSource("x", 0, 0, "shell", 1.0)
    with pytest.raises(ValueError, match="point source has size 0"):
        KnownSource("x", 0, 0, "point", 0.1)
    with pytest.raises(ValueError, match="point source has size 0"):
        KnownSource("x", 0, 0, "gaussian", 0.0)
    with pytest.raises(ValueError, match="unique"):
        BuiltinCatalog([BUILTIN_SOURCES[0], BUILTIN_SOURCES[0]])
