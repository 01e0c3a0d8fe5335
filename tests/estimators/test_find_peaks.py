"""find_peaks against gammapy 2.1's tables (tests/data/gammapy_references/find_peaks.npz,
made by scripts/make_gammapy_references.py) and scipy.ndimage as a brute-force oracle."""

from __future__ import annotations

from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skymask.datasets import Datasets
from skymask.estimators.utils import find_peaks
from skymask.maps import Map, MapAxis, WcsGeom

REFERENCES = Path(__file__).parents[1] / "data" / "gammapy_references"


@pytest.fixture(scope="module")
def reference():
    return np.load(REFERENCES / "find_peaks.npz")


def _check(table, reference, key):
    for column in ("value", "x", "y", "ra", "dec"):
        expected = reference[f"{key}__{column}"]
        if column in ("x", "y"):
            assert_array_equal(table[column], expected)
        else:
            assert_allclose(np.asarray(table[column]), expected, rtol=1e-12)


def test_gc_ring_significance_peaks(reference):
    gc = np.load(REFERENCES / "gc_ring_background.npz")
    axis = MapAxis.from_energy_edges([0.01, 2.0] * u.TeV)
    geom = WcsGeom.create(
        npix=(400, 200), binsz=0.05, frame="galactic", proj="CAR", skydir=(0, 0), axes=[axis]
    )
    image = Map.from_geom(geom, data=gc["excess_sqrt_ts"])
    table = find_peaks(image, threshold=5, min_distance="0.25 deg")
    assert len(table) == 12
    _check(table, reference, "gc_ring__threshold5__min_distance_0.25deg")


@pytest.mark.data
def test_crab_tutorial_peak(reference):
    geom = Datasets.read("$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml")[0]
    geom = geom.counts.geom.squash("energy")
    image = Map.from_geom(geom, data=reference["crab_tutorial_sqrt_ts"])
    for key, distance in (("0.1deg", "0.1 deg"), ("3pix", 3)):
        table = find_peaks(image, threshold=5, min_distance=distance)
        _check(table, reference, f"crab_tutorial__threshold5__min_distance_{key}")
    assert table["value"][0] == pytest.approx(151.14323, abs=1e-5)
    assert (table["x"][0], table["y"][0]) == (24, 19)


def test_peaks_are_the_square_maxima_above_threshold():
    rng = np.random.default_rng(7)
    data = rng.normal(size=(30, 40))
    data[5, 5] = np.nan
    image = Map.from_geom(WcsGeom.create(npix=(40, 30), binsz=0.1), data=data)
    table = find_peaks(image, threshold=1.5, min_distance=2)
    filled = np.where(np.isnan(data), np.nanmin(data), data)
    # Brute force: the 5 x 5 neighbourhood maximum, outside the image 0.
    padded = np.pad(filled, 2, constant_values=0.0)
    expected = set()
    for y in range(30):
        for x in range(40):
            if filled[y, x] > 1.5 and filled[y, x] == padded[y : y + 5, x : x + 5].max():
                expected.add((x, y))
    assert set(zip(table["x"], table["y"], strict=True)) == expected
    assert list(table["value"]) == sorted(table["value"], reverse=True)
    flat = Map.from_geom(WcsGeom.create(npix=4, binsz=0.1), data=1.0)
    assert len(find_peaks(flat, threshold=0)) == 0
    with pytest.raises(TypeError, match="skymask Map"):
        find_peaks(data, threshold=1)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    cube = Map.from_geom(WcsGeom.create(npix=4, binsz=0.1, axes=[axis]))
    with pytest.raises(ValueError, match="flat map"):
        find_peaks(cube, threshold=1)
