"""Catalog exclusion masks with ``geom.region_mask`` (the tutorial's catalog step)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u

from skymask.catalog import CATALOG_REGISTRY, SourceCatalogHGPS
from skymask.maps import WcsGeom

pytestmark = [
    pytest.mark.skipif(not hasattr(WcsGeom, "region_mask"), reason="region_mask not built yet"),
    pytest.mark.data,
]


def test_tutorial_exclusion_catalog(gammapy_data, monkeypatch, tutorial_geom, reference):
    """The tutorial with 3FHL for 4FGL: ``~geom.region_mask(regions)`` equals gammapy's."""
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    catalog = CATALOG_REGISTRY.get_cls("3fhl")()
    regions = catalog.exclusion_regions(radius="0.3 deg", geom=tutorial_geom)
    assert len(regions) == 1
    mask = ~tutorial_geom.region_mask(regions)
    expected = np.load(reference / "exclusion_catalog.npy")
    assert mask.data.dtype == bool
    assert np.count_nonzero(mask.data) == 61791
    assert np.array_equal(mask.data, expected)


def test_extended_source_masks_match_separation(gammapy_data):
    """Grown circles rasterise to the pixels within their radius (checked by separation)."""
    catalog = SourceCatalogHGPS(gammapy_data / "catalogs/hgps_catalog_v1.fits.gz")
    source = catalog["HESS J1908+063"]  # Gaussian, sigma 0.486 deg: circle of 1.19 deg
    geom = WcsGeom.create(skydir=source.position, width="4 deg", binsz=0.05, frame="galactic")
    regions = catalog.exclusion_regions("0.3 deg", geom=geom, select="overlap")
    mask = geom.region_mask(regions).data
    expected = np.zeros(geom.data_shape, dtype=bool)
    for region in regions:
        expected |= geom.separation(region.center).deg <= region.radius.to_value(u.deg)
    # pixel centres exactly on a circle edge may go either way
    edge = np.zeros_like(expected)
    for region in regions:
        distance = geom.separation(region.center).deg - region.radius.to_value(u.deg)
        edge |= np.abs(distance) < 1e-9
    assert np.array_equal(mask[~edge], expected[~edge])
    assert np.count_nonzero(mask) > np.pi * 1.1**2 / 0.05**2
