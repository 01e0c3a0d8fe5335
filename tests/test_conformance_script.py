"""The logic of scripts/conformance.py: import rewriting, placeholders, the exclusion table.

The conformance run itself needs a gammapy environment and is not part of the suite; these
tests need neither gammapy nor its test files (a miniature "gammapy package" stands in).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def _load(name):
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


support = sys.modules.get("conformance_support") or _load("conformance_support")
conformance = _load("conformance")


@pytest.fixture(autouse=True)
def _collection_mode():
    """Each test starts as pytest's collection does (placeholders lenient) and ends clean."""
    support.set_strict(False)
    support.RAISED.clear()
    yield
    support.set_strict(False)
    support.RAISED.clear()


def _run(source: str) -> dict:
    namespace: dict = {}
    exec(compile(conformance.rewrite_source(source).text, "<test>", "exec"), namespace)
    return namespace


# --- rewriting --------------------------------------------------------------------------


def test_names_skymask_has_are_the_real_objects():
    import skymask.maps

    ns = _run("from gammapy.maps import Map, MapAxis as Axis\n")
    assert ns["Map"] is skymask.maps.Map
    assert ns["Axis"] is skymask.maps.MapAxis


def test_a_missing_name_fails_only_where_it_is_used():
    ns = _run("from gammapy.maps import Map, NoSuchGeom\nvalue = NoSuchGeom.create(nside=8)\n")
    assert ns["Map"].__name__ == "Map"
    support.set_strict(True)
    with pytest.raises(support.MissingAPIError, match=r"skymask\.maps\.NoSuchGeom missing"):
        ns["NoSuchGeom"].create(nside=4)
    # the value built at import from the missing name fails when a test touches it
    with pytest.raises(support.MissingAPIError, match=r"gammapy: gammapy\.maps\.NoSuchGeom"):
        _ = ns["value"].data


def test_a_missing_module_names_the_module():
    # skymask.modeling.models exists (the FoV background model); skymask.modeling.fit does not.
    ns = _run("from gammapy.modeling.fit import Fit\n")
    support.set_strict(True)
    with pytest.raises(support.MissingAPIError, match=r"no module skymask\.modeling\.fit"):
        ns["Fit"]()


def test_an_import_inside_a_test_raises_at_once_after_collection():
    ns = _run("def body():\n    from gammapy.maps import Map, NoSuchGeom\n    return Map\n")
    support.set_strict(True)
    with pytest.raises(ImportError, match="NoSuchGeom"):
        ns["body"]()


def test_line_numbers_are_kept():
    source = textwrap.dedent(
        """\
        import numpy as np
        from gammapy.maps import (
            Map,
            MapAxis,
        )
        from gammapy.utils.testing import requires_data, Checker
        import gammapy.utils.cache as cache
        marker = 1
        """
    )
    text = conformance.rewrite_source(source).text
    assert text.count("\n") == source.count("\n")
    assert text.splitlines()[7] == "marker = 1"
    assert "gammapy.maps" in text.splitlines()[1]


def test_test_helpers_come_from_the_scaffolding_and_other_names_from_skymask():
    text = conformance.rewrite_source(
        "from gammapy.utils.testing import mpl_plot_check, requires_data, Checker\n"
    ).text
    assert "from conformance_support import mpl_plot_check, requires_data" in text
    assert "from_import('gammapy.utils.testing', ('Checker',))" in text


def test_imports_of_other_test_modules_point_at_their_copies():
    rewrite = conformance.rewrite_source(
        "from gammapy.datasets.tests.test_map import get_map_dataset\n"
        "import gammapy.irf.psf.map as psf_map_module\n"
    )
    assert rewrite.test_modules == {"datasets/tests/test_map.py"}
    assert "from gammapy_conformance.datasets.tests.test_map import get_map_dataset" in (
        rewrite.text
    )
    assert "psf_map_module = " in rewrite.text
    assert "import_module('gammapy.irf.psf.map')" in rewrite.text


def test_plain_module_imports_and_star_imports():
    import skymask

    ns = _run("import gammapy.maps\n")
    assert ns["gammapy"] is skymask
    with pytest.raises(ValueError, match="star import"):
        conformance.rewrite_source("from gammapy.maps import *\n")


def test_importorskip_of_healpy_does_not_skip():
    text = conformance.rewrite_source('import pytest\npytest.importorskip("healpy")\n').text
    assert 'importorskip("healpy")' in text
    assert "pytest.importorskip" not in text
    assert support.importorskip("healpy") is None
    assert support.requires_dependency("healpy").args == (False,)
    assert support.requires_dependency("no_such_package_xyz").args == (True,)


def test_values_that_cannot_be_built_become_placeholders():
    source = textwrap.dedent(
        """\
        import pytest
        from gammapy.maps import MapAxis
        good = [1, 2]
        bad = MapAxis.from_bounds(1, 1, 0, no_such_argument=True)
        @pytest.mark.parametrize(("a", "b"), [(1, MapAxis.from_nodes([1, 2, 3])), (2, 1 / 0)])
        def test_x(a, b):
            pass
        """
    )
    ns = _run(source)
    assert ns["good"] == [1, 2]
    assert isinstance(ns["bad"], support.Missing)
    values = ns["test_x"].pytestmark[0].args[1]
    assert values[0][1].name == ""  # built: the real MapAxis
    assert isinstance(values[1][1], support.Missing)  # 1 / 0 failed: only this case fails
    assert values[1][0] == 2  # constants are left alone (pytest's ids do not change)
    support.set_strict(True)
    with pytest.raises(support.MissingAPIError, match="ZeroDivisionError"):
        values[1][1] + 1


def test_placeholders_chain_at_import_and_raise_in_tests():
    ns = _run("from gammapy.maps import NoSuchGeom\nimport numpy as np\n")
    missing = ns["NoSuchGeom"]
    chained = (np_array := __import__("numpy").ones(2)) * missing.create(1)[0].data + 1
    assert isinstance(chained, support.Missing)
    assert np_array.shape == (2,)
    with pytest.raises(AttributeError):
        _ = missing._pytestfixturefunction  # protocol probes see nothing
    with pytest.raises(support.MissingAPIError):
        list(missing)  # no length to fake, even at import

    class Derived(missing):  # class MyDataset(Dataset) with Dataset missing
        pass

    support.set_strict(True)
    for use in (lambda: missing.x, lambda: missing(), lambda: bool(missing), Derived):
        with pytest.raises(support.MissingAPIError):
            use()


def test_conftest_keeps_fixtures_and_drops_hooks():
    gammapy_conftest = textwrap.dedent(
        """\
        import pytest
        from pytest_astropy_header.display import PYTEST_HEADER_MODULES
        from gammapy.datasets import SpectrumDataset

        def pytest_configure(config):
            print("header")

        @pytest.fixture()
        def spectrum_dataset():
            return SpectrumDataset()
        """
    )
    text = conformance.conftest_source(gammapy_conftest)
    assert "pytest_astropy_header" not in text
    assert "def pytest_configure" not in text
    assert "def spectrum_dataset" in text
    assert "set_strict(True)" in text
    compile(text, "conftest.py", "exec")


# --- the exclusion table ----------------------------------------------------------------


def _table(entries, categories=("models", "healpix-until-issue-16", "no-data")):
    return conformance.ExclusionTable(
        {name: name for name in categories},
        [conformance.Exclusion(pattern, category, "why") for pattern, category in entries],
    )


def test_patterns_match_what_they_contain_and_brackets_are_literal():
    table = _table(
        [
            ("maps/hpx/tests/*", "healpix-until-issue-16"),
            ("maps/tests/test_core.py::*[*hpx*]", "healpix-until-issue-16"),
            ("catalog/tests/test_x.py::TestA", "no-data"),
            ("maps/tests/test_axes.py::test_time_axis", "models"),
        ]
    )
    assert table.match("maps/hpx/tests/test_geom.py::test_a[8-True]").category == (
        "healpix-until-issue-16"
    )
    assert table.match("maps/tests/test_core.py::test_map_create[0.1-10.0-hpx-s-None-]")
    assert table.match("maps/tests/test_core.py::test_map_create[0.1-10.0-wcs-s-None-]") is None
    assert table.match("catalog/tests/test_x.py::TestA::test_b[p]").pattern.endswith("TestA")
    assert table.match("catalog/tests/test_x.py::TestAB::test_b") is None
    assert table.match("maps/tests/test_axes.py::test_time_axis[3]")
    assert table.match("maps/tests/test_axes.py::test_time_axis_other") is None


def test_exact_ids_win_then_the_first_category():
    table = _table(
        [
            ("a.py::*", "no-data"),
            ("a.py::test_x", "healpix-until-issue-16"),
            ("a.py::test_*", "models"),
            ("a.py::test_y[1]", "no-data"),
        ]
    )
    assert table.match("a.py::test_x").category == "healpix-until-issue-16"  # exact
    assert table.match("a.py::test_x[2]").category == "models"  # first category wins
    assert table.match("a.py::test_y[1]").category == "no-data"  # exact beats models
    assert table.without(["models"]).match("a.py::test_x[2]").category == ("healpix-until-issue-16")
    with pytest.raises(ValueError, match="unknown categories"):
        table.without(["modelz"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  a.py::t:\n    category: modelz\n    reason: r\n", "unknown category 'modelz'"),
        ("  a.py::t:\n    category: models\n", "needs a reason"),
        ("  a.py::t:\n    category: different\n    reason: r\n", "needs ref: Dn or Xn"),
        ("  a.py::t: models\n", "must map to category/reason"),
    ],
)
def test_table_entries_are_checked(tmp_path, entry, message):
    path = tmp_path / "table.yaml"
    path.write_text("categories:\n  models: m\n  different: d\nexclusions:\n" + entry)
    with pytest.raises(ValueError, match=re.escape(message)):
        conformance.load_exclusions(path)


def test_the_checked_in_table_is_consistent():
    table = conformance.load_exclusions()
    assert list(table.categories)[-2:] == ["fails-in-gammapy", "no-data"]
    # issue 16 landed: no HEALPix test waits for it any more
    assert "healpix-until-issue-16" not in table.categories
    differences = (ROOT / "docs" / "differences-from-gammapy.md").read_text()
    prefixes = {
        "/".join(path.split("/")[:-1]) for files in conformance.FILE_SETS.values() for path in files
    }
    for entry in table.entries:
        if entry.category == "different":
            assert f"| {entry.ref} |" in differences, f"{entry.pattern}: no row {entry.ref}"
        directory = entry.pattern.split("::")[0].rsplit("/", 1)[0]
        assert directory in prefixes, f"{entry.pattern} is outside every file set"


def test_docs_markers_are_replaced(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("a\n<!-- conformance:maps:begin -->\nold\n<!-- conformance:maps:end -->\nb\n")
    conformance.write_docs({"maps": "| new |"}, page)
    assert page.read_text() == (
        "a\n<!-- conformance:maps:begin -->\n| new |\n<!-- conformance:maps:end -->\nb\n"
    )
    with pytest.raises(SystemExit, match="no markers"):
        conformance.write_docs({"hpx": "x"}, page)


# --- end to end on a miniature gammapy package --------------------------------------------


def test_end_to_end_on_a_miniature_package(tmp_path):
    package = tmp_path / "gammapy"
    (package / "maps" / "tests").mkdir(parents=True)
    (package / "conftest.py").write_text(
        "import pytest\nfrom gammapy.maps import NoSuchGeom\n\n"
        "@pytest.fixture\ndef hpx_geom():\n    return NoSuchGeom(nside=8)\n"
    )
    (package / "maps" / "tests" / "test_mini.py").write_text(
        textwrap.dedent(
            """\
            import pytest
            from gammapy.maps import MapAxis, NoSuchGeom
            from gammapy.utils.testing import assert_quantity_allclose

            AXES = [MapAxis.from_bounds(1, 10, 3, name="energy"), NoSuchGeom.axis()]

            def test_uses_skymask():
                axis = MapAxis.from_bounds(1, 10, 3, name="energy", unit="TeV")
                assert_quantity_allclose(axis.edges[0], "1 TeV")

            def test_uses_missing():
                NoSuchGeom.create(nside=8)

            def test_swallows_missing():
                with pytest.raises(Exception):
                    NoSuchGeom.create(nside=8)

            @pytest.mark.parametrize("axis", AXES)
            def test_param(axis):
                assert axis.nbin == 3

            def test_fixture(hpx_geom):
                pass
            """
        )
    )
    work = tmp_path / "work"
    conformance.build_tree(package, ["maps/tests/test_mini.py"], work)
    root = work / conformance.PACKAGE
    inherited = [
        os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    paths = [str(SCRIPTS), str(work), *inherited]  # pytest runs in `work`: no relative paths
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), MPLBACKEND="Agg")
    results = conformance.run_pytest(
        sys.executable, root, work / "pytest.ini", root / "maps/tests/test_mini.py", work,
        tmp_path / "out.json", None, env, timeout=300,
    )  # fmt: skip
    outcomes = {
        nodeid.split("::")[1]: result["outcome"] for nodeid, result in results["tests"].items()
    }
    assert outcomes == {
        "test_uses_skymask": "passed",
        "test_uses_missing": "failed",
        "test_swallows_missing": "failed",
        "test_param[axis0]": "passed",
        "test_param[axis1]": "failed",
        "test_fixture": "error",
    }, results["log"]
    message = results["tests"]["maps/tests/test_mini.py::test_swallows_missing"]["message"]
    assert "swallowed" in message and "skymask.maps.NoSuchGeom" in message

    # compared with gammapy's list of tests (here: one it has that skymask never collected)
    gammapy = {"tests": {"maps/tests/test_mini.py::test_gone": {"outcome": "passed"}}}
    table = _table([("maps/tests/test_mini.py::test_param", "models")])
    compared = conformance.compare("maps/tests/test_mini.py", results, gammapy, table)
    by_id = {o.nodeid.split("::")[1]: o for o in compared}
    assert by_id["test_gone"].skymask == "not-run"
    assert by_id["test_param[axis1]"].exclusion.category == "models"
    summary = conformance.summarize("maps/tests/test_mini.py", compared, gammapy_run=True)
    assert (summary.total, summary.in_scope, summary.passed, summary.failed) == (7, 5, 1, 4)
    assert summary.excluded == {"models": 2}
    assert summary.excluded_passing == 1
    assert summary.gammapy_passed == 1
