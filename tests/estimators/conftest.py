"""Fixtures: the Crab and Galactic-centre datasets as MapDataset objects."""

from __future__ import annotations

import numpy as np
import pytest

from skymask.datasets import MapDataset
from skymask.maps import Map


@pytest.fixture(scope="session")
def _crab_dataset(crab_dataset_file):
    return MapDataset.read(crab_dataset_file)


@pytest.fixture
def crab_dataset(_crab_dataset):
    return _crab_dataset.copy()


@pytest.fixture(scope="session")
def gc_dataset_file(gammapy_data):
    return gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz"


@pytest.fixture(scope="session")
def _gc_dataset(gc_dataset_file):
    return MapDataset.read(gc_dataset_file)


@pytest.fixture
def gc_dataset(_gc_dataset):
    return _gc_dataset.copy()


@pytest.fixture
def tutorial_mask_fit(reference, crab_dataset):
    data = np.load(reference / "mask_fit_combined.npy")
    return Map.from_geom(crab_dataset.counts.geom, data=data)
