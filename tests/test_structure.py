"""The layers of DESIGN.md hold: what a package imports when it is imported, and no cycles."""

import subprocess
import sys

import pytest


def _imported(module: str, prefix: str) -> list[str]:
    code = (
        f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({prefix!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return eval(result.stdout)  # a printed list of str


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("skymask.datasets", "skymask.estimators"),
        ("skymask.kernels.morphology", "astropy"),
        ("skymask.kernels.correlation", "astropy"),
        ("skymask.maps", "skymask.catalog"),
    ],
)
def test_importing_a_layer_does_not_import_a_higher_one(module, forbidden):
    assert _imported(module, forbidden) == []


# ---------------------------------------------------------------------- readers build with cls
def test_map_subclass_round_trips_as_the_subclass(tmp_path):
    import numpy as np

    from skymask.maps import Map, MapAxis, WcsGeom, WcsNDMap

    class CountsMap(WcsNDMap):
        pass

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(4, 3), binsz=0.1, axes=[axis])
    data = np.arange(24, dtype=float).reshape(2, 3, 4)
    CountsMap(geom, data=data, unit="cm-2").write(tmp_path / "m.fits")
    read = CountsMap.read(tmp_path / "m.fits")
    assert type(read) is CountsMap
    np.testing.assert_array_equal(read.data, data)
    assert read.unit == "cm-2" and read.geom == geom
    # The base class still gives the concrete map class, as gammapy's Map.read does.
    assert type(Map.read(tmp_path / "m.fits")) is WcsNDMap


def test_geometry_subclass_reads_as_the_subclass(tmp_path):
    from skymask.maps import Map, WcsGeom

    class MyGeom(WcsGeom):
        pass

    Map.from_geom(WcsGeom.create(npix=5, binsz=0.2), data=True).write(tmp_path / "m.fits")
    assert type(MyGeom.read(tmp_path / "m.fits")) is MyGeom


def test_dataset_subclass_round_trips_as_the_subclass(tmp_path):
    from skymask.datasets import Datasets, MapDataset
    from skymask.maps import MapAxis, WcsGeom

    class MyDataset(MapDataset):
        pass

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    dataset = MyDataset.create(WcsGeom.create(npix=5, binsz=0.2, axes=[axis]), name="a")
    dataset.write(tmp_path / "d.fits")
    read = MyDataset.read(tmp_path / "d.fits")
    assert type(read) is MyDataset and read.name == "a"
    assert type(read.copy()) is MyDataset
    assert type(MapDataset.read(tmp_path / "d.fits")) is MapDataset
    Datasets([dataset]).write(tmp_path / "datasets.yaml")
    assert type(Datasets.read(tmp_path / "datasets.yaml")[0]) is MapDataset
