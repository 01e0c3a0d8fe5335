"""Input cleaning for the friendly layer: strings, numbers and Quantities to fixed units.

Every public function that takes an angle or an energy goes through here, so the accepted
forms and the error messages are the same everywhere.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

__all__ = ["as_angle_deg", "as_energy", "as_quantity", "describe"]


def describe(value) -> str:
    """Short, readable form of a user value for error messages."""
    if isinstance(value, u.Quantity):
        if value.isscalar:
            return f"'{value}'"
        return f"'{value.value.tolist()} {value.unit}'"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def as_quantity(value, default_unit, *, name: str, physical_type=None) -> u.Quantity:
    """Convert ``value`` (Quantity, string such as ``"0.3 deg"``, number, array) to a Quantity.

    Plain numbers get ``default_unit``. The result is converted to ``default_unit``; a unit of the
    wrong kind raises a `~astropy.units.UnitConversionError` naming ``name``.
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


def as_angle_deg(value, *, name: str = "angle") -> np.ndarray | float:
    """Angle in degrees as a float (scalar input) or float64 array."""
    quantity = as_quantity(value, u.deg, name=name, physical_type="angle")
    result = np.asarray(quantity.value, dtype=float)
    return float(result) if result.ndim == 0 else result


def as_energy(value, *, name: str = "energy", unit=None) -> u.Quantity:
    """Energy Quantity; strings like ``"10 GeV"`` accepted. Plain numbers need ``unit``."""
    if unit is None and not isinstance(value, (str, u.Quantity)):
        raise TypeError(
            f"{name} must be an energy with a unit such as '10 GeV', got {describe(value)}"
        )
    if unit is None:
        quantity = u.Quantity(value) if isinstance(value, str) else value
        if not quantity.unit.is_equivalent(u.TeV):
            raise u.UnitConversionError(
                f"{name} must be an energy (convertible to TeV), got {describe(value)}"
            )
        return quantity
    return as_quantity(value, unit, name=name, physical_type="energy")
