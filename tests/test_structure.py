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


@pytest.mark.parametrize(
    ("module", "deferred"),
    [
        # Start-up (issue 19): these are imported by the functions that use them.
        ("skymask.maps", "scipy"),
        ("skymask.maps", "matplotlib"),
        ("skymask.maps", "regions"),
        ("skymask.catalog", "scipy.spatial"),
        ("skymask.irf", "scipy.interpolate"),
        ("skymask.estimators", "scipy.ndimage"),
    ],
)
def test_importing_a_package_defers_heavy_imports(module, deferred):
    assert _imported(module, deferred) == []


def test_version_is_the_installed_metadata_version():
    # __version__ is read lazily (module __getattr__): it must still be the package's.
    from importlib.metadata import version

    import skymask

    assert skymask.__version__ == version("skymask")


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


# ---------------------------------------------------------------------- the import graph
def _import_graph() -> dict[str, set[str]]:
    """Every import between skymask modules (function-level ones too), from the source."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "src"
    files = {
        ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (root / "skymask").rglob("*.py")
    }
    graph = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
                if node.level == 0:
                    module = node.module
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in files else module
                    for alias in node.names
                ]
            else:
                continue
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_but_the_documented_geom_to_map_edge():
    graph = _import_graph()
    assert "skymask.maps.map" in graph["skymask.maps.geom"]  # the documented edge exists
    # Every cycle runs through it (map -> geom, map -> reproject -> geom, and back) ...
    assert all({"skymask.maps.geom", "skymask.maps.map"} <= set(c) for c in _cycles(graph))
    # ... and without it there is none.
    graph["skymask.maps.geom"].discard("skymask.maps.map")
    assert _cycles(graph) == []


def test_the_graph_finds_cycles():
    # The oracle of the test above: a planted cycle through a lazy import is found.
    graph = _import_graph()
    graph["skymask.kernels.footprint"].add("skymask.maps.geom")
    assert any("skymask.kernels.footprint" in cycle for cycle in _cycles(graph))


def test_one_version_string_from_the_package_metadata():
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    import skymask

    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    try:
        version("skymask")
    except PackageNotFoundError:
        pytest.skip("skymask is not installed here (a source tree on sys.path)")
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["version"]
    assert skymask.__version__ == version("skymask") == declared
