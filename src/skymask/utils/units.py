"""Input cleaning for the friendly layer: strings, numbers and Quantities to fixed units.

Every public function that takes an angle, a width or an energy goes through here, so the
accepted forms and the error messages are the same everywhere.

The rule for plain numbers: an angle given as a plain number means **degrees** wherever
skymask takes an angle (`as_angle`: geometry sizes, region and correlation radii, ring
radii, catalog exclusion radii, cutout widths). The one exception is the width of the mask
morphology (`binary_erode`, `binary_dilate`, `boundary_mask`, and the command line's
``erode``, ``dilate`` and ``boundary``), read by `as_width`: there a plain number means
**pixels**, because that is gammapy's own documented meaning (``WcsGeom.binary_structure``:
"If a float is given it is interpreted as width in pixels"). Wherever a width may be given
in pixels, ``3 * u.pix`` and ``"3 pix"`` say so explicitly.
"""

from __future__ import annotations

import re

import numpy as np

from .lazy import coordinates as _coords
from .lazy import units as u

__all__ = [
    "RATIO_DECIMALS",
    "as_angle",
    "as_angle_deg",
    "as_count",
    "as_energy",
    "as_quantity",
    "as_width",
    "describe",
]

#: Angle / pixel-size ratios are rounded to this many decimals before use, so that 0.3 deg on
#: 0.1 deg pixels is exactly 3 pixels (0.3 / 0.1 is 2.9999999999999996 in floating point).
#: The one place of this rule: `skymask.maps.WcsGeom.width_in_pixels` applies it.
RATIO_DECIMALS = 9

#: Accepted angle forms, for error messages.
ANGLE_FORMS = (
    "'0.5 deg', '30 arcmin', '1e-3 rad', '1d30m', '5h34m31.9s', 30 * u.arcmin, "
    "or a plain number of degrees"
)

# A number, a blank and a bare s, m or h, or a number and a time word ("1 s", "30 m",
# "2 min", "1 hour"): astropy's Angle reads these as arcsec, arcmin and hour angle, but astropy
# units (and most readers) as seconds, metres or minutes, and hours. Refused as ambiguous.
# Written without a blank ("1s", "30m", "1h") they are astropy's sexagesimal angle
# notation and read as Angle reads them.
_AMBIGUOUS_ANGLE = re.compile(
    r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
    r"(\s+(?P<letter>s|m|h)|\s*(?P<word>sec|secs|second|seconds|min|mins|minute|minutes"
    r"|hr|hrs|hour|hours))$"
)
# Sexagesimal forms that are unambiguous angles: a degree or hour component (10d, 1d30m,
# 5h34m31.9s, 1°30′) or the arcminute/arcsecond symbols (30', 30", 30′).
_SEXAGESIMAL_MARK = re.compile(r"[dh°'\"′″]")


def describe(value) -> str:
    """Short, readable form of a user value for error messages.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        Its ``repr``, shortened for long values.

    Examples
    --------
    >>> from skymask.utils.units import describe
    >>> describe("0.3 dge"), describe(None)
    ("'0.3 dge'", 'None')
    """
    if isinstance(value, u.Quantity):
        if value.isscalar:
            return f"'{value}'"
        return f"'{value.value.tolist()} {value.unit}'"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def as_count(value, *, name: str, minimum: int = 0) -> int:
    """A whole number of bins or pixels, at least ``minimum``, as an int.

    Floats with a fractional part are refused rather than truncated (``int(1.5)`` is 1:
    a silently different answer); booleans, strings and quantities are not counts.

    Parameters
    ----------
    value : int or float
        The count (``2.0`` is accepted as 2).
    name : str
        Name of the argument, for error messages.
    minimum : int
        Smallest accepted value.

    Returns
    -------
    int
        The count.

    Raises
    ------
    TypeError
        If ``value`` is not a number.
    ValueError
        If it is not a whole number, or below ``minimum``.

    Examples
    --------
    >>> from skymask.utils.units import as_count
    >>> as_count(2.0, name="factor", minimum=1)
    2
    >>> as_count(1.5, name="factor", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: factor must be a whole number >= 1, got 1.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a whole number, got {describe(value)}")
    if not np.isfinite(value) or float(value) != int(value) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def as_quantity(value, default_unit, *, name: str, physical_type=None) -> u.Quantity:
    """Convert ``value`` (Quantity, string such as ``"0.3 deg"``, number, array) to a Quantity.

    Plain numbers get ``default_unit``. The result is converted to ``default_unit``; a unit of the
    wrong kind raises a `~astropy.units.UnitConversionError` naming ``name``.

    Parameters
    ----------
    value : `~astropy.units.Quantity`, str, number or array-like
        The value.
    default_unit : str or `~astropy.units.Unit`
        Unit of plain numbers, and of the result.
    name : str
        The argument's name, for error messages.
    physical_type : str, optional
        Required physical type (for the message).

    Returns
    -------
    `~astropy.units.Quantity`
        In ``default_unit``.

    Examples
    --------
    >>> from skymask.utils.units import as_quantity
    >>> as_quantity("18 arcmin", "deg", name="radius"), as_quantity(2, "deg", name="radius")
    (<Quantity 0.3 deg>, <Quantity 2. deg>)
    """
    default_unit = u.Unit(default_unit)
    if isinstance(value, str):
        try:
            quantity = u.Quantity(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name} must be a number or a quantity such as '1 {default_unit}', "
                f"got {describe(value)}"
            ) from exc
        if quantity.unit == u.dimensionless_unscaled and default_unit != u.dimensionless_unscaled:
            quantity = quantity.value * default_unit
    elif isinstance(value, u.Quantity):
        quantity = value
    else:
        try:
            quantity = u.Quantity(value, default_unit)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must be a number or a quantity in {default_unit}, got {describe(value)}"
            ) from exc
    try:
        return quantity.to(default_unit)
    except u.UnitConversionError:
        kind = physical_type or default_unit.physical_type
        raise u.UnitConversionError(
            f"{name} must be {'an' if str(kind)[0] in 'aeiou' else 'a'} {kind} "
            f"(convertible to {default_unit}), got {describe(value)}"
        ) from None


def as_angle(
    value,
    *,
    name: str = "angle",
    plain_numbers: bool = True,
    scalar: bool = False,
    finite: bool = False,
    sign: str | None = None,
    pair: bool = False,
) -> _coords.Angle:
    """The one angle parser of skymask: any accepted angle input as an `~astropy.coordinates.Angle`
    in degrees (float64).

    Accepted: Quantities and Angles in angle units; strings with an angle unit
    (``"0.5 deg"``, ``"30arcmin"``, ``"1e-3 rad"``, ``"1 hourangle"``); astropy's sexagesimal
    notation with a degree or hour component (``"10d"``, ``"1d30m"``, ``"83d37m59s"``,
    ``"5h34m31.9s"``, ``"1°30′"``) or the minute and second symbols (``"30'"``, ``'30"'``);
    plain numbers (degrees, unless ``plain_numbers=False``); sequences of these.

    Angle's compact notation without blanks counts too: ``"30m"`` is 30 arcmin, ``"1s"`` 1
    arcsec, ``"1h"`` 15 deg, as `~astropy.coordinates.Angle` reads them.

    Refused: other units (``"2 TeV"``, ``1 * u.s``), and a number, a blank and a bare ``s``,
    ``m`` or ``h``, or a time word (``"1 s"``, ``"30 m"``, ``"2 min"``, ``"1 hour"``):
    astropy units read them as a time or a length, `~astropy.coordinates.Angle` as an angle.
    Write the unit out (``"1 arcsec"``, ``"30 arcmin"``, ``"15 deg"``).

    Parameters
    ----------
    value : angle-like
        The input.
    name : str
        Name of the argument, for error messages.
    plain_numbers : bool
        Whether plain numbers are accepted (as degrees); if False a unit is required.
    scalar : bool
        Require a single angle.
    finite : bool
        Require finite values.
    sign : {None, "non-negative", "positive"}
        Require values >= 0 or > 0 (NaN fails both).
    pair : bool
        Require one angle or a ``(lon, lat)`` pair of angles; the result has shape (2,) (one
        angle is used for both axes).

    Returns
    -------
    `~astropy.coordinates.Angle`
        In degrees.

    Raises
    ------
    TypeError
        Not an angle-like kind (None, bool, a plain number with ``plain_numbers=False``...).
    ValueError
        A string that is not an angle, an ambiguous unit, a value breaking ``scalar``,
        ``finite`` or ``sign`` (a `~astropy.units.UnitConversionError`, itself a ValueError,
        for a unit of another kind).

    Examples
    --------
    >>> from skymask.utils.units import as_angle
    >>> as_angle("1d30m")
    <Angle 1.5 deg>
    >>> as_angle("30 arcmin").deg
    np.float64(0.5)
    >>> as_angle("30m").deg  # astropy's notation: 30 arcmin
    np.float64(0.5)
    >>> as_angle("1 s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: angle '1 s' is ambiguous: astropy's Angle reads it as 1 arcsec, ...
    """
    return _coords.Angle(
        _checked_degrees(value, name, plain_numbers, scalar, finite, sign, pair), u.deg
    )


def _checked_degrees(value, name, plain_numbers, scalar, finite, sign, pair) -> np.ndarray:
    """The float64 degrees of `as_angle`, checked (without building the Angle)."""
    degrees = _angle_values_deg(value, name, plain_numbers)
    if scalar and degrees.ndim != 0:
        raise ValueError(f"{name} must be one angle, got {describe(value)}")
    if pair:
        if degrees.size == 1:
            degrees = np.repeat(degrees.ravel(), 2)
        if degrees.shape != (2,):
            raise ValueError(
                f"{name} must be one angle or a (lon, lat) pair, got {describe(value)}"
            )
    if finite and not np.all(np.isfinite(degrees)):
        raise ValueError(f"{name} must be finite, got {describe(value)}")
    if sign is not None:
        if sign not in ("non-negative", "positive"):
            raise ValueError(f"sign must be None, 'non-negative' or 'positive', got {sign!r}")
        with np.errstate(invalid="ignore"):
            ok = degrees > 0 if sign == "positive" else degrees >= 0
        if not np.all(ok):
            rule = (
                "an angle > 0 (positive)" if sign == "positive" else "an angle >= 0 (non-negative)"
            )
            raise ValueError(f"{name} must be {rule}, got {describe(value)}")
    return degrees


def as_angle_deg(
    value,
    *,
    name: str = "angle",
    plain_numbers: bool = True,
    scalar: bool = False,
    finite: bool = False,
    sign: str | None = None,
    pair: bool = False,
) -> np.ndarray | float:
    """`as_angle` in degrees as a float (scalar input) or float64 array.

    Parameters
    ----------
    value : angle-like
        Anything `as_angle` takes (plain numbers are degrees).
    name : str
        The argument's name, for error messages.
    plain_numbers, scalar, finite, sign, pair
        The checks of `as_angle`, with its defaults.

    Returns
    -------
    float or `numpy.ndarray`
        Degrees.

    Examples
    --------
    >>> from skymask.utils.units import as_angle_deg
    >>> as_angle_deg("6 arcmin"), as_angle_deg([1, 2])
    (0.1, array([1., 2.]))
    """
    result = _checked_degrees(value, name, plain_numbers, scalar, finite, sign, pair)
    return float(result) if result.ndim == 0 else result


def _angle_values_deg(value, name, plain_numbers) -> np.ndarray:
    """Float64 degrees of an angle-like input (see `as_angle`)."""
    if isinstance(value, str):
        return _angle_string_deg(value, name, plain_numbers)
    if isinstance(value, u.Quantity):
        return _angle_quantity_deg(value, name, shown=value)
    if value is None or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an angle such as {ANGLE_FORMS}; got {describe(value)}")
    if isinstance(value, (list, tuple)) and any(
        isinstance(v, (str, u.Quantity, list, tuple)) for v in value
    ):
        parts = [_angle_values_deg(v, name, plain_numbers) for v in value]
        try:
            return np.array(parts, dtype=float)
        except ValueError:
            raise ValueError(f"{name}: ragged nested angles {describe(value)}") from None
    wrong_kind = f"{name} must be an angle such as {ANGLE_FORMS}; got {describe(value)}"
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(wrong_kind) from exc
    if array.dtype.kind not in "iuf":
        raise TypeError(wrong_kind)
    if not plain_numbers:
        raise TypeError(
            f"{name} must be an angle with a unit, such as '0.1 deg' or 0.1 * u.deg; "
            f"got {describe(value)}"
        )
    return array.astype(float)


def _angle_quantity_deg(quantity: u.Quantity, name, shown) -> np.ndarray:
    if quantity.unit.physical_type != "angle":
        kind = "no unit" if quantity.unit == u.dimensionless_unscaled else f"unit '{quantity.unit}'"
        raise u.UnitConversionError(
            f"{name} must be an angle (convertible to deg), got {describe(shown)} ({kind}); "
            f"give it as {ANGLE_FORMS}"
        )
    return np.asarray(quantity.to_value(u.deg), dtype=float)


def _angle_string_deg(text: str, name, plain_numbers) -> np.ndarray:
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        pass
    else:
        if not plain_numbers:
            raise ValueError(
                f"{name} must be an angle with a unit, such as '0.1 deg'; got {describe(text)}"
            )
        return np.asarray(number)
    try:
        quantity = u.Quantity(stripped)
    except (TypeError, ValueError):
        quantity = None
    if quantity is not None and quantity.unit.physical_type == "angle":
        return np.asarray(quantity.to_value(u.deg), dtype=float)
    ambiguous = _AMBIGUOUS_ANGLE.match(stripped)
    if ambiguous:
        raise ValueError(_ambiguous_message(name, text, ambiguous))
    if _MINUTES_SECONDS.match(stripped):
        raise ValueError(
            f"{name} {describe(text)} is ambiguous: minutes and seconds without a degree or "
            "hour part are no angle for astropy's Angle and a time for astropy units; write "
            f"it with a degree component, e.g. {'0d' + stripped.replace(' ', '')!r}, or in arcmin"
        )
    if _COMPACT_SEXAGESIMAL.match(stripped) or _SEXAGESIMAL_MARK.search(stripped):
        try:
            return np.asarray(_coords.Angle(stripped).to_value(u.deg), dtype=float)
        except (TypeError, ValueError, u.UnitsError):
            pass
    if quantity is not None and quantity.unit != u.dimensionless_unscaled:
        return _angle_quantity_deg(quantity, name, shown=text)
    raise ValueError(f"{name} must be an angle such as {ANGLE_FORMS}; got {describe(text)}")


# Angle notation with minutes and/or seconds only ("30m15s"): a time as much as an angle.
# Minutes and seconds without a degree or hour part ("30m15s", "30m 15s"): Angle refuses them.
_MINUTES_SECONDS = re.compile(r"^[+-]?[\d.]+\s*m\s*[\d.]+\s*s?$")
# astropy's compact sexagesimal angle notation: "1s", "30m", "1h", "1h30m".
_COMPACT_SEXAGESIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[hdms](\d+\.?\d*[ms]){0,2}$")


def _ambiguous_message(name, text, match) -> str:
    group = "letter" if match.group("letter") else "word"
    word = match.group(group)
    number = float(text.strip()[: match.start(group)])
    if word.startswith("s"):
        angle_unit, reading = "arcsec", "seconds"
    elif word.startswith("h"):
        angle_unit, reading = "hourangle", "hours"
    elif word == "m":
        angle_unit, reading = "arcmin", "metres or minutes"
    else:
        angle_unit, reading = "arcmin", "minutes"
    degrees = (number * u.Unit(angle_unit)).to_value(u.deg)
    shown = f"{number:g} {angle_unit}" + (" (15 deg each)" if angle_unit == "hourangle" else "")
    return (
        f"{name} {describe(text)} is ambiguous: astropy's Angle reads it as {shown}, astropy "
        f"units as {number:g} {word} ({reading}); write the unit out, e.g. "
        f"'{number:g} {angle_unit}' or '{degrees:.6g} deg'"
    )


def as_width(value, *, name: str = "width", pair: bool = False):
    """A morphology width: an angle, or a number of pixels (plain numbers are pixels).

    The widths of `~skymask.maps.Map.binary_erode`, `~skymask.maps.Map.binary_dilate` and
    `~skymask.maps.WcsGeom.boundary_mask` (and of the command line's ``erode``, ``dilate`` and
    ``boundary``) are read here. Elsewhere skymask reads a plain number as degrees
    (`as_angle`); here, as in gammapy (``WcsGeom.binary_structure``: "If a float is given it is
    interpreted as width in pixels"), a plain number is a pixel count. ``3 * u.pix`` and
    ``"3 pix"`` are pixels too; every angle form of `as_angle` is an angle.

    Parameters
    ----------
    value : angle-like, number, pixel Quantity or str
        The width. With ``pair``, a ``(lon, lat)`` tuple or list of two widths is accepted too.
    name : str
        Name of the argument, for error messages.
    pair : bool
        Return a ``(lon, lat)`` tuple of two widths (one value is used for both axes).

    Returns
    -------
    `~astropy.units.Quantity` or tuple of two
        A scalar float64 Quantity in ``deg`` or in ``pix``, finite and >= 0.

    Raises
    ------
    TypeError
        Not a width kind (None, bool, a list where one width is expected).
    ValueError
        Negative, infinite or NaN, an ambiguous angle string (``"1 s"``), or a unit that is
        neither an angle nor ``pix`` (a `~astropy.units.UnitConversionError`).

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.utils.units import as_width
    >>> as_width(3)
    <Quantity 3. pix>
    >>> as_width("0.3 deg")
    <Quantity 0.3 deg>
    >>> as_width("18arcmin")
    <Quantity 0.3 deg>
    >>> as_width((0.2 * u.deg, "2 pix"), pair=True)
    (<Quantity 0.2 deg>, <Quantity 2. pix>)
    """
    if pair:
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ValueError(
                    f"{name} must be one width or a (lon, lat) pair, got {describe(value)}"
                )
            return tuple(_one_width(v, name, shown=value) for v in value)
        width = _one_width(value, name, shown=value)
        return width, width
    return _one_width(value, name, shown=value)


def _one_width(value, name, shown) -> u.Quantity:
    forms = "a plain number is pixels: 3, '3 pix', or an angle: '0.3 deg', 0.3 * u.deg"
    kind = f"{name} must be an angle or a number of pixels ({forms})"
    if value is None or isinstance(value, (bool, np.bool_, list, tuple, dict)):
        raise TypeError(f"{kind}, got {describe(shown)}")
    if isinstance(value, str):
        number = _width_string(value, name, shown, kind)
    elif isinstance(value, u.Quantity):
        if value.unit == u.pix:
            number = value.astype(float)
        elif value.unit == u.dimensionless_unscaled:
            number = u.Quantity(value.value, u.pix, dtype=float)
        elif value.unit.physical_type == "angle":
            number = u.Quantity(as_angle(value, name=name, scalar=True), u.deg)
        else:
            raise u.UnitConversionError(f"{kind}, got {describe(shown)} (unit '{value.unit}')")
    else:
        try:
            number = u.Quantity(float(value), u.pix)
        except (TypeError, ValueError):
            raise TypeError(f"{kind}, got {describe(shown)}") from None
    if not number.isscalar:
        raise ValueError(f"{name} must be one width, got {describe(shown)}")
    if not np.isfinite(number.value) or number.value < 0:
        raise ValueError(
            f"{name} must be a non-negative angle or pixel count ({forms}), got {describe(shown)}"
        )
    return number


def _width_string(text, name, shown, kind) -> u.Quantity:
    text = text.strip()
    try:
        return u.Quantity(float(text), u.pix)
    except ValueError:
        pass
    quantity = _quantity_or_none(text)
    if quantity is not None and quantity.unit == u.pix:
        return quantity.astype(float)
    # Angle strings go through the one angle parser ("0.3 deg", "18arcmin", "0d18m").
    try:
        return u.Quantity(as_angle(text, name=name, scalar=True), u.deg)
    except u.UnitConversionError:
        raise u.UnitConversionError(f"{kind}, got {describe(shown)}") from None
    except ValueError as exc:
        if "ambiguous" in str(exc):
            raise
        raise ValueError(f"{kind}, got {describe(shown)}") from None


def _quantity_or_none(text: str) -> u.Quantity | None:
    try:
        return u.Quantity(text)
    except (TypeError, ValueError):
        return None


def as_energy(value, *, name: str = "energy", unit=None) -> u.Quantity:
    """Energy Quantity; strings like ``"10 GeV"`` accepted. Plain numbers need ``unit``.

    Parameters
    ----------
    value : str, `~astropy.units.Quantity` or number
        The energy (or energies).
    name : str
        The argument's name, for error messages.
    unit : str or `~astropy.units.Unit`, optional
        Unit of plain numbers.

    Returns
    -------
    `~astropy.units.Quantity`
        An energy.

    Raises
    ------
    TypeError
        A value without an energy unit (and no ``unit``).

    Examples
    --------
    >>> from skymask.utils.units import as_energy
    >>> as_energy("10 GeV"), as_energy(3, unit="TeV")
    (<Quantity 10. GeV>, <Quantity 3. TeV>)
    """
    if unit is None and not isinstance(value, (str, u.Quantity)):
        raise TypeError(
            f"{name} must be an energy with a unit such as '10 GeV', got {describe(value)}"
        )
    if unit is not None and not u.Unit(unit).is_equivalent(u.TeV):
        raise u.UnitConversionError(
            f"{name}: unit must be an energy unit such as 'TeV' or 'GeV', got '{u.Unit(unit)}'"
        )
    if unit is None:
        quantity = u.Quantity(value) if isinstance(value, str) else value
        if not quantity.unit.is_equivalent(u.TeV):
            raise u.UnitConversionError(
                f"{name} must be an energy (convertible to TeV), got {describe(value)}"
            )
        return quantity
    return as_quantity(value, unit, name=name, physical_type="energy")
