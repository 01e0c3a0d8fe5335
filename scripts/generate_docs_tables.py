"""Rewrite the docs' tables that come from skymask's registries.

The catalogs table (``docs/user-guide/catalogs.md``) lists `CATALOG_REGISTRY`, the shapes
table (``docs/user-guide/masks.md``) lists the region painters of `skymask.rasterize.PAINTERS`.
Each table sits between two markers::

    <!-- BEGIN generated: NAME (scripts/generate_docs_tables.py) -->
    ...
    <!-- END generated: NAME -->

Usage: ``python scripts/generate_docs_tables.py`` rewrites the tables; ``--check`` only
reports the files that are out of date (exit code 1), as ``tests/test_docs.py`` does.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide"


def _code(text: str) -> str:
    return f"`{text}`"


def catalogs_table() -> str:
    """One row per registered catalog: tag, class, default file(s) under $GAMMAPY_DATA."""
    from skymask.catalog import CATALOG_REGISTRY

    rows = ["| tag | class | default file under `$GAMMAPY_DATA` |", "|---|---|---|"]
    for cls in CATALOG_REGISTRY:
        files = [_code(name) for name in cls.default_files]
        if len(files) > 2:
            other = cls.default_files_hint or f"{len(files) - 1} other files"
            text = f"{files[0]}, else {other}"
        else:
            text = ", else ".join(files)
        rows.append(f"| {_code(cls.tag)} | {_code(cls.__name__)} | {text} |")
    return "\n".join(rows)


def shapes_table() -> str:
    """One row per registered region painter: shape, `regions` classes, the rule."""
    from skymask.rasterize import PAINTERS

    rows = ["| shape | `regions` classes | a pixel is inside when |", "|---|---|---|"]
    for painter in PAINTERS:
        classes = ", ".join(_code(name) for name in painter.region_names)
        rows.append(f"| {painter.shape} | {classes} | {painter.rule} |")
    return "\n".join(rows)


TABLES = {
    "catalogs": (GUIDE / "catalogs.md", catalogs_table),
    "shapes": (GUIDE / "masks.md", shapes_table),
}


def _pattern(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- BEGIN generated: {name} \(scripts/generate_docs_tables.py\) -->\n)"
        rf"(.*?)(\n<!-- END generated: {name} -->)",
        flags=re.DOTALL,
    )


def updated(name: str) -> tuple[Path, str, str]:
    """(file, current text, text with the table ``name`` regenerated)."""
    path, build = TABLES[name]
    text = path.read_text()
    pattern = _pattern(name)
    if not pattern.search(text):
        raise ValueError(f"{path} has no markers for the generated table {name!r}")
    table = build()
    return path, text, pattern.sub(lambda m: m.group(1) + table + m.group(3), text)


def outdated() -> list[str]:
    """Names of the tables whose docs differ from the registries."""
    return [name for name in TABLES if updated(name)[1] != updated(name)[2]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not rewrite")
    args = parser.parse_args(argv)
    stale = outdated()
    if args.check:
        for name in stale:
            print(f"{TABLES[name][0]}: the {name} table is out of date", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        path, _, text = updated(name)
        path.write_text(text)
        print(f"rewrote the {name} table in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
