"""Values of ds9 text: numbers in ds9's forms, coordinates, sizes, angles, yes/no properties.

Every value is checked here: a number in one of ds9's forms, finite, with a unit that fits its
role (coordinates in degrees, radians or sexagesimal, or pixels in image frames; sizes as
angles or pixels; angles in degrees or radians), positive sizes, latitudes within +-90 deg.
"""

from __future__ import annotations

import math
import re

from astropy import units as u
from astropy.coordinates import Angle

__all__ = ["TOKEN", "Problem", "angle", "coordinate", "include_property", "size"]

_END = r"(?=[\s,()|#]|$)"
_FLOAT = r"(?:\d+\.?\d*|\.\d+)"
TOKEN = re.compile(
    r"(?P<sex>[+-]?\d+:\d+:" + _FLOAT + r")" + _END + "|"
    r"(?P<hms>[+-]?\d+h\d+m" + _FLOAT + r"s)" + _END + "|"
    r"(?P<dms>[+-]?\d+d\d+m" + _FLOAT + r"s)" + _END + "|"
    r"(?P<num>[+-]?" + _FLOAT + r"(?:e[+-]?\d+)?)(?P<unit>[drip'\"]?)" + _END + "|"
    r"(?P<text>\{[^}]*\}|\"[^\"]*\"|'[^']*')",
    re.IGNORECASE,
)
_INCLUDE = re.compile(r"(?<![a-z])include\s*=\s*([a-z0-9]+)", re.IGNORECASE)
_STRINGS = re.compile(r"\{[^}]*\}|(?<![\d.])\"[^\"]*\"|(?<![\d.])'[^']*'")
_YES = {"1", "yes", "y", "on", "true"}
_NO = {"0", "no", "n", "off", "false"}


class Problem(Exception):
    """A reason without a place; `read_ds9` adds the place. ``token`` is shown for strings."""

    def __init__(self, reason: str, token: str | None = None, hint: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.token = token
        self.hint = hint


def _yes_no(value: str) -> bool | None:
    value = value.lower()
    if value in _YES or (value.isdigit() and int(value) != 0):
        return True
    if value in _NO:
        return False
    return None


def include_property(comment: str) -> bool | None:
    """The ``include=`` property of a comment, ignoring quoted and braced text."""
    match = _INCLUDE.search(_STRINGS.sub(" ", comment))
    if match is None:
        return None
    value = _yes_no(match.group(1))
    if value is None:
        raise Problem("the include property must be 0 or 1 (or yes/no)", token=match.group(0))
    return value


def _finite(value: float, what: str, token: str) -> float:
    if not math.isfinite(value):
        raise Problem(f"the {what} is not a finite number", token=token)
    return value


def coordinate(match, frame: str, index: int, what: str) -> float:
    """Degrees (sky frames) or 0-based pixels (image) of one coordinate token."""
    token = match.group(0)
    if match.group("text"):
        raise Problem(f"the {what} is text, not a number", token=token)
    if frame == "image":
        if match.group("num") is None or match.group("unit").lower() not in ("", "i"):
            raise Problem(
                f"the {what} of an image-frame shape must be a pixel number (12 or 12i)",
                token=token,
            )
        return _finite(float(match.group("num")), what, token) - 1.0  # ds9 pixels start at 1
    if match.group("sex") or match.group("hms") or match.group("dms"):
        value = _sexagesimal(match, frame, index, what, token)
    else:
        unit = match.group("unit").lower()
        if unit not in ("", "d", "r"):
            raise Problem(
                f"the {what} of a sky shape must be in degrees (12.5, 12.5d), radians (0.2r) "
                "or sexagesimal (12:30:00, 12h30m00s); image or physical units and arc "
                "minutes or seconds are not coordinates",
                token=token,
            )
        value = float(match.group("num"))
        value = math.degrees(value) if unit == "r" else value
    value = _finite(value, what, token)
    if index % 2 == 1 and abs(value) > 90:
        raise Problem(f"the {what} must be within -90 and 90 deg", token=token)
    return value


def _sexagesimal(match, frame: str, index: int, what: str, token: str) -> float:
    """Degrees of a sexagesimal token; out-of-range fields (minutes or seconds >= 60) are a
    Problem with the place, not astropy's bare IllegalSecondError."""
    try:
        if match.group("sex"):
            hours = index % 2 == 0 and frame not in ("galactic", "barycentricmeanecliptic")
            return Angle(match.group("sex"), unit=u.hourangle if hours else u.deg).deg
        return Angle(match.group("hms") or match.group("dms")).deg
    except ValueError as exc:  # astropy's IllegalHour/Minute/SecondError and parse errors
        raise Problem(f"the {what} is not a valid sexagesimal angle ({exc})", token=token) from None


def size(match, frame: str, what: str) -> float:
    """Degrees (sky frames) or pixels (image) of one positive size token."""
    token = match.group(0)
    if match.group("num") is None:
        raise Problem(f"the {what} must be a number such as 0.3, 0.3d, 18' or 30\"", token)
    value = float(match.group("num"))
    unit = match.group("unit").lower()
    if frame == "image":
        if unit not in ("", "i"):
            raise Problem(f"the {what} of an image-frame shape must be in pixels", token)
    elif unit in ("i", "p"):
        raise Problem(
            f"the {what} of a sky shape must be an angle (0.3, 0.3d, 18', 30\", 0.005r); "
            "image or physical units are not supported",
            token,
        )
    else:
        value *= {"": 1.0, "d": 1.0, "r": math.degrees(1.0), "'": 1 / 60, '"': 1 / 3600}[unit]
    _finite(value, what, token)
    if value <= 0:
        raise Problem(f"the {what} must be positive", token)
    return value


def angle(match, what: str) -> float:
    token = match.group(0)
    unit = match.group("unit") or ""
    if match.group("num") is None or unit.lower() not in ("", "d", "r"):
        raise Problem(f"the {what} must be a number of degrees (30, 30d) or radians (0.5r)", token)
    value = float(match.group("num"))
    return _finite(math.degrees(value) if unit.lower() == "r" else value, what, token)
