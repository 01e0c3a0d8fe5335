"""Every accepted form of ``regions`` to one list of (region, include) pairs."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from astropy.coordinates import SkyCoord
from regions import PixelRegion, PointSkyRegion, Region, Regions, SkyRegion

from ..utils.units import describe

__all__ = ["parse_regions"]


_DS9_EXAMPLE = "'galactic;circle(184.55, -5.78, 0.3);box(185, -4, 1.0, 0.5, 45)'"


def _strict_ds9(read, what: str) -> list[Region]:
    """Run a regions ds9 reader; lines it skips with a warning are errors here.

    regions warns and drops a line it cannot parse, which would silently give a smaller mask.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = list(read())
        except Exception as exc:  # regions raises several exception types for bad syntax
            raise ValueError(
                f"cannot parse {what}: {type(exc).__name__}: {exc}. "
                f"Example of the expected form: {_DS9_EXAMPLE}"
            ) from None
    if caught:
        message = str(caught[0].message).rstrip(". ")
        raise ValueError(
            f"cannot parse {what}: {message}. Example of the expected form: {_DS9_EXAMPLE}"
        )
    return result


def _from_ds9_text(text: str) -> list[Region]:
    return _strict_ds9(
        lambda: Regions.parse(text, format="ds9"), f"the ds9 region string {describe(text)}"
    )


def _from_file(path: Path) -> list[Region]:
    return _strict_ds9(lambda: Regions.read(str(path), format="ds9"), f"the ds9 file {path}")


def _looks_like_path(text: str) -> bool:
    """An existing file, or (no region syntax in it) a name ending in .reg or .ds9."""
    if "\n" not in text and Path(os.path.expandvars(os.path.expanduser(text))).is_file():
        return True
    if "(" in text or ";" in text or "\n" in text:
        return False
    return text.endswith((".reg", ".ds9"))


def _is_included(region: Region) -> bool:
    """The ds9 include sign: ``-circle(...)`` is an exclude region (meta include=0)."""
    include = getattr(region, "meta", {}).get("include", True)
    return bool(int(include)) if isinstance(include, (int, np.integer, bool, str)) else True


def parse_regions(regions) -> list[tuple[Region, bool]]:
    """``(region, include)`` pairs from any accepted input.

    Accepted: a ds9 string, a path to a ds9 region file, a `regions.Regions`, a list of sky or
    pixel regions, a single region, or a `~astropy.coordinates.SkyCoord` (each position becomes
    a point region). ``include`` is False for ds9 exclude regions (``-circle(...)``).
    """
    if isinstance(regions, (str, os.PathLike)):
        text = os.fspath(regions)
        if isinstance(regions, os.PathLike) or _looks_like_path(text):
            path = Path(os.path.expandvars(os.path.expanduser(text)))
            if not path.is_file():
                raise FileNotFoundError(f"no such ds9 region file: {path}")
            items = _from_file(path)
        else:
            items = _from_ds9_text(text)
    elif isinstance(regions, SkyCoord):
        positions = regions.reshape(-1) if regions.shape else regions.reshape(1)
        items = [PointSkyRegion(center=position) for position in positions]
    elif isinstance(regions, (SkyRegion, PixelRegion)):
        items = [regions]
    elif isinstance(regions, (Regions, list, tuple)):
        items = list(regions)
    elif regions is None:
        raise TypeError("regions must be given (use [] for no region), got None")
    else:
        raise TypeError(
            "regions must be a ds9 string, a ds9 file path, a regions.Regions, a list of "
            f"regions, a single region or a SkyCoord; got {describe(regions)}"
        )
    for item in items:
        if not isinstance(item, (SkyRegion, PixelRegion)):
            raise TypeError(f"every region must be a sky or pixel region, got {describe(item)}")
    return [(item, _is_included(item)) for item in items]
