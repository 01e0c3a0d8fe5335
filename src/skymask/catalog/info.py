"""Information pages of catalog sources: what ``print(catalog[name])`` shows.

The pages give the information of gammapy 2.1's ``SourceCatalogObject.info()`` (the same
sections, labels, values and flux-point tables) from the source's table row, plus a
"Spatial model" section with skymask's reading of the extension. A line whose columns a file
lacks (older releases, hand-made files) is left out instead of failing; masked values show
as ``--``.
"""

from __future__ import annotations

import contextlib

import numpy as np
from astropy import units as u
from astropy.table import Table

__all__ = ["InfoPage", "basic_section", "generic_info", "info_sections", "spatial_section"]


class _Missing(Exception):
    """A column of a line is not in this file: the line is left out."""


class _MaskedFloat(float):
    """A masked table cell: NaN in comparisons, shown as ``--``; arithmetic on it stays
    masked (a flux in % Crab of a masked flux prints ``--`` too)."""

    def __format__(self, spec):
        return "--"

    def _masked(self, *args):
        return _MASKED

    __add__ = __radd__ = __sub__ = __rsub__ = _masked
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = _masked


_MASKED = _MaskedFloat("nan")


class InfoPage:
    """Builds a page line by line from a source's row (a dict of column values)."""

    def __init__(self, data: dict):
        self.data = data
        self.lines: list[str] = []

    # ---------------------------------------------------------------- values
    def has(self, key) -> bool:
        return key in self.data

    def raw(self, key):
        if key not in self.data:
            raise _Missing(key)
        return self.data[key]

    def num(self, key, unit=None) -> float:
        """The value as a float (in ``unit`` for Quantities); masked cells show as ``--``."""
        value = self.raw(key)
        if value is None:
            return _MASKED
        if isinstance(value, u.Quantity):
            return float(value.to_value(unit) if unit else value.value)
        return float(value)

    def text(self, key) -> str:
        """The value as text: blank or masked entries are ``--``."""
        value = self.raw(key)
        if value is None:
            return "--"
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="replace")
        text = str(value).strip()
        return text or "--"

    def unit(self, key) -> str:
        value = self.raw(key)
        return str(value.unit) if isinstance(value, u.Quantity) else ""

    # ---------------------------------------------------------------- lines
    def section(self, title: str) -> None:
        self.lines.append(f"\n*** {title} ***\n")

    def add(self, label: str, make, width: int = 20) -> None:
        """Add ``label : make()``; left out when ``make`` needs a missing column."""
        with contextlib.suppress(_Missing):
            self.lines.append(f"{label:<{width}s} : {make()}")

    def plain(self, text: str) -> None:
        self.lines.append(text)

    def table(self, table: Table) -> None:
        self.lines.extend(table.pformat(max_width=-1, max_lines=-1))

    def render(self) -> str:
        return "\n".join(self.lines) + "\n"


def try_or_none(make):
    try:
        return make()
    except _Missing:
        return None


def format_or_dash(value: float, spec: str) -> str:
    return "--" if not np.isfinite(value) and np.isnan(value) else format(value, spec)


def format_flux_points(table: Table) -> Table:
    for name in table.colnames:
        if name.startswith(("dnde", "eflux", "flux", "e2dnde", "ref")):
            table[name].format = ".3e"
        elif name.startswith(("e_min", "e_max", "e_ref", "sqrt_ts")):
            table[name].format = ".3f"
    return table


def basic_section(page: InfoPage, source) -> None:
    """The opening lines of every page, as gammapy's: row index and source name."""
    page.section("Basic info")
    page.plain(f"Catalog row index (zero-based) : {source.row_index}")
    page.add("Source name", lambda: source.name)


def spatial_section(page: InfoPage, source) -> None:
    page.section("Spatial model (skymask)")
    page.add("Morphology", lambda: source.morphology)
    page.add("Extension", lambda: f"{source.extension.deg:.4f} deg")
    page.add(
        "Radius (95%)",
        lambda: f"{source.extension_radius().deg:.4f} deg (exclusion_regions sizes circles by it)",
    )


# ---------------------------------------------------------------------- others
def generic_info(catalog, source, info: str = "all") -> str:
    """Basic, position and spatial-model sections, then every column of the source's row."""
    ops = info_sections(info, "basic,position,spatial,columns")
    page = InfoPage(source._page_data)
    if "basic" in ops:
        basic_section(page, source)
    if "position" in ops:
        page.section("Position info")
        spherical = source.position.spherical
        frame = source.position.frame.name
        page.add(f"Longitude ({frame})", lambda: f"{spherical.lon.deg:.3f} deg")
        page.add(f"Latitude ({frame})", lambda: f"{spherical.lat.deg:.3f} deg")
    if "spatial" in ops:
        spatial_section(page, source)
    if "columns" in ops:
        page.section("Catalog columns")
        width = max((len(name) for name in source._page_data), default=0)
        for name, value in source._page_data.items():
            page.plain(f"{name:<{width}s} : {_column_text(value)}")
    return page.render()


def _column_text(value) -> str:
    if value is None:
        return "--"
    if isinstance(value, u.Quantity):
        if value.isscalar:
            return f"{value.value:.6g} {value.unit}"
        return f"{np.array2string(value.value, precision=4, threshold=10)} {value.unit}"
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=10)
    return str(value).strip() or "--"


def info_sections(info, all_ops: str, *, optional: tuple[str, ...] = ()) -> list[str]:
    """The sections ``info`` asks for; ``"all"`` gives ``all_ops`` except ``optional`` ones
    (skymask's own sections, asked for by name, so that ``str(source)`` is gammapy's page)."""
    if not isinstance(info, str):
        raise TypeError(f"info must be a str such as 'all' or 'basic,position', got {info!r}")
    if info == "all":
        return [op for op in all_ops.split(",") if op not in optional]
    ops = [op.strip() for op in info.split(",")]
    known = all_ops.split(",")
    unknown = [op for op in ops if op not in known]
    if unknown:
        raise ValueError(f"unknown info sections {unknown}; choose from 'all' or {known}")
    return ops
