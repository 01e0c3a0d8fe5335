"""Every accepted form of ``regions`` to one list of (region, include) pairs, checked once."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np
import regions as _regions_package
from astropy import units as u
from astropy.coordinates import SkyCoord, SphericalRepresentation, UnitSphericalRepresentation
from regions import PixCoord, PixelRegion, PointSkyRegion, Region, Regions, SkyRegion

from ..utils.units import describe
from ._ds9 import Ds9Source, read_ds9

__all__ = ["SPHERICAL_REGION", "check_finite", "parse_regions", "parse_regions_unchecked"]

# regions >= 0.12 has regions defined on the sphere; older releases do not.
SPHERICAL_REGION = getattr(_regions_package, "SphericalSkyRegion", None)
_REGION_TYPES = (SkyRegion, PixelRegion) + ((SPHERICAL_REGION,) if SPHERICAL_REGION else ())

# Longer strings cannot name a file (Linux PATH_MAX); they are never probed.
_PATH_MAX = 4096
# A ds9 shape name followed by its parameters, a ';' or a line break: region text.
_DS9_SYNTAX = re.compile(
    r"[;\n\r]|(circle|ellipse|box|annulus|polygon|point|line|text|vector|ruler|compass"
    r"|projection|segment|composite|panda|epanda|bpanda)\s*\(",
    re.IGNORECASE,
)
_EMPTY_HINT = (
    'an unset shell variable is the usual cause ("$REGIONS" expanding to nothing); '
    "for an intentionally empty mask, pass [] to region_mask"
)


def _expand(text: str) -> str:
    return os.path.expandvars(os.path.expanduser(text))


def _existing_path(text: str) -> Path | None:
    """The path ``text`` names, if it names something that exists; never raises.

    Region text is often longer than a file name may be, or holds characters no path can
    (a NUL byte): probing it must not fail with ``OSError: File name too long``.
    """
    if len(text) > _PATH_MAX or "\0" in text or "\n" in text or "\r" in text:
        return None
    try:
        path = Path(_expand(text))
        return path if path.exists() else None
    except (OSError, ValueError):
        return None


def _text_or_path(text: str) -> Path | None:
    """The file a string names, or None when it is ds9 region text.

    An existing file (or folder) wins; otherwise a string with ds9 syntax (a shape with its
    parameters, a ``;`` or a line break) is region text, and any other string is a file name
    (a missing one is a FileNotFoundError naming it).
    """
    if not text.strip():
        raise ValueError(f"the ds9 region string is empty: {_EMPTY_HINT}")
    existing = _existing_path(text)
    if existing is not None:
        return existing
    if _DS9_SYNTAX.search(text) or len(text) > _PATH_MAX:
        return None
    if text.lower().endswith((".reg", ".ds9")) or os.sep in text:
        return Path(_expand(text))
    return None


def _read_file(path: Path) -> list[Region]:
    """Regions of a ds9 file; errors name the file and line, never its content."""
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a ds9 region file")
    if not path.exists():
        raise FileNotFoundError(f"no such ds9 region file: {path}")
    if not path.is_file():
        raise ValueError(f"{path} is not a regular file (a device or pipe); give a ds9 file")
    data = path.read_bytes()
    if b"\0" in data:
        raise ValueError(f"{path} is not a ds9 region file: it holds binary data")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # old ds9 files may carry Latin-1 labels
    source = Ds9Source(f"the ds9 file {path}", quote_content=False)
    items, annotations = read_ds9(text, source)
    if not items:
        _refuse_empty(f"the ds9 file {path}", text, annotations)
    return items


def _read_text(text: str) -> list[Region]:
    source = Ds9Source(
        "the ds9 region string", quote_content=True, multiline=bool(re.search(r"[\n\r]", text))
    )
    items, annotations = read_ds9(text, source)
    if not items:
        _refuse_empty(f"the ds9 region string {describe(text)}", text, annotations)
    return items


def _refuse_empty(what: str, text: str, annotations: int):
    if not text.strip():
        raise ValueError(f"{what} is empty: {_EMPTY_HINT}")
    if annotations:
        raise ValueError(
            f"{what} has no shape with an area, only {annotations} annotation(s) (text, line, "
            "vector, ruler, compass, projection or segment), which mark no pixel; "
            f"{_EMPTY_HINT}"
        )
    raise ValueError(
        f"{what} has no shape, only comments, frames or global settings; {_EMPTY_HINT}"
    )


def _is_included(region: Region) -> bool:
    """The ds9 include sign: ``-circle(...)`` is an exclude region (meta include=0)."""
    meta = getattr(region, "meta", None)
    if not meta:  # no meta, or empty: the usual case, ~0.2 us
        return True
    include = meta.get("include", True)
    return bool(int(include)) if isinstance(include, (int, np.integer, bool, str)) else True


def _not_finite(value) -> bool:
    """Whether a region parameter holds a NaN or an infinity (cheap for scalars)."""
    if isinstance(value, SkyCoord):
        data = value.frame.data  # not value.data: SkyCoord.__getattr__ costs ~5 us a call
        if isinstance(data, (UnitSphericalRepresentation, SphericalRepresentation)):
            parts = (data.lon.value, data.lat.value)  # no conversion
        else:
            parts = tuple(value.cartesian.xyz.value)
    elif isinstance(value, u.Quantity):
        parts = (value.value,)
    elif isinstance(value, PixCoord):
        parts = (value.x, value.y)
    elif isinstance(value, (float, int, np.number, np.ndarray)) and not isinstance(value, bool):
        parts = (value,)
    else:
        return False
    for part in parts:
        try:
            if np.ndim(part) == 0:
                if not math.isfinite(part):
                    return True
            elif not np.isfinite(part).all():
                return True
        except TypeError:  # not a real number (complex, object arrays): not ours to judge
            return False
    return False


def check_finite(region: Region) -> None:
    """Every position and size of ``region`` (and of compound members) is finite."""
    for name in getattr(region, "_params", ()):
        value = getattr(region, name, None)
        if isinstance(value, Region):
            check_finite(value)
        elif not callable(value) and _not_finite(value):
            raise ValueError(
                f"the {name} of {type(region).__name__} is not finite ({describe(value)}): "
                "every position and size of a region must be a finite number"
            )


def _points(coords: SkyCoord) -> list[Region]:
    positions = coords.reshape(-1) if coords.shape else coords.reshape(1)
    finite = ~_non_finite_positions(positions)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        raise ValueError(
            f"the SkyCoord holds {int((~finite).sum())} non-finite position(s) (first: index "
            f"{index}, {describe(positions[index])}); remove them, e.g. "
            "coords[np.isfinite(coords.spherical.lat)]"
        )
    return [PointSkyRegion(center=position) for position in positions]


def _non_finite_positions(positions: SkyCoord) -> np.ndarray:
    cartesian = positions.cartesian.xyz.value
    return ~np.all(np.isfinite(cartesian), axis=0)


def parse_regions(regions) -> list[tuple[Region, bool]]:
    """``(region, include)`` pairs from any accepted input.

    Accepted: a ds9 string, a path to a ds9 region file, a `regions.Regions`, a list of sky,
    pixel or (regions >= 0.12) spherical regions, a single region, or a
    `~astropy.coordinates.SkyCoord` (each position becomes a point region). ``include`` is False
    for ds9 exclude regions (``-circle(...)``).

    Parameters
    ----------
    regions : str, path, region, list of regions or `~astropy.coordinates.SkyCoord`
        The regions (a ds9 string or file, `regions.Regions`, region objects, positions).

    Returns
    -------
    list of (region, bool)
        Each region with whether it includes (True) or excludes (False) its pixels.

    Raises
    ------
    TypeError
        For an input of another kind.
    ValueError
        For ds9 text that cannot be read completely, empty region text or files, and NaN or
        infinite positions or sizes.
    FileNotFoundError, IsADirectoryError
        For a file name that names no file, or a folder.

    Examples
    --------
    >>> from skymask.rasterize import parse_regions
    >>> [(type(r).__name__, include) for r, include in parse_regions(
    ...     "icrs;circle(0, 0, 1);-box(0, 0, 1, 1)")]
    [('CircleSkyRegion', True), ('RectangleSkyRegion', False)]
    """
    pairs = parse_regions_unchecked(regions)
    for item, _ in pairs:
        check_finite(item)
    return pairs


def parse_regions_unchecked(regions) -> list[tuple[Region, bool]]:
    """`parse_regions` without the finite check of region positions and sizes.

    `rasterize` uses it: painters with ``checks_finite`` test all their regions at once.
    """
    if isinstance(regions, os.PathLike):
        items = _read_file(Path(os.fspath(regions)))
    elif isinstance(regions, str):
        path = _text_or_path(regions)
        items = _read_text(regions) if path is None else _read_file(path)
    elif isinstance(regions, SkyCoord):
        items = _points(regions)
    elif isinstance(regions, _REGION_TYPES):
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
    pairs = []
    for item in items:
        if not isinstance(item, _REGION_TYPES):
            kinds = "sky, pixel or spherical" if SPHERICAL_REGION else "sky or pixel"
            raise TypeError(f"every region must be a {kinds} region, got {describe(item)}")
        pairs.append((item, _is_included(item)))
    return pairs
