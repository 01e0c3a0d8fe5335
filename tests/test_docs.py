"""The differences document points at tests that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "differences-from-gammapy.md"


def _references():
    text = DOC.read_text()
    current_file = None
    found = []
    for match in re.finditer(r"`((?:tests/[\w/]+\.py)?)((?:::\w+)?)`", text):
        path, name = match.group(1), match.group(2)
        if path:
            current_file = path
        if name:
            found.append((path or current_file, name[2:]))
        elif path:
            found.append((path, None))
    return found


def test_every_referenced_test_exists():
    references = _references()
    assert len(references) > 40
    for path, name in references:
        file = ROOT / path
        assert file.exists(), f"{DOC.name} refers to missing {path}"
        if name:
            assert re.search(rf"def {name}\b", file.read_text()), f"{path}::{name} not found"


def test_every_design_difference_is_listed():
    text = DOC.read_text()
    for number in range(1, 13):
        row = re.search(rf"^\| D{number} \|(.*)$", text, flags=re.MULTILINE)
        assert row, f"D{number} missing"
        assert "tests/" in row.group(1), f"D{number} has no test"


def test_readme_example_runs(gammapy_data, tmp_path, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "README.md").read_text()
    code = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)[0]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    # The tutorial's two exclusion masks combined (60538 True), then the excluded areas grown.
    assert namespace["regions"].data.sum() == 60542
    assert namespace["sources"].data.sum() == 61791
    assert namespace["exclusion"].data.sum() < 60538
    assert (tmp_path / "exclusion_mask.fits").exists()


def test_registry_tables_in_the_docs_are_up_to_date():
    # The catalogs and shapes tables are generated from the registries: after adding a
    # catalog or a shape, run `python scripts/generate_docs_tables.py`.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "generate_docs_tables", ROOT / "scripts" / "generate_docs_tables.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.outdated() == []
    assert script.main(["--check"]) == 0
