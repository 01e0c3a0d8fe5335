"""Modules imported on first use, to keep ``import skymask.maps`` light.

``astropy.coordinates``, ``astropy.wcs`` and ``astropy.io.fits`` (with ``astropy.table``,
``astropy.time`` and ``yaml`` behind them) take longer to import than numpy and
``astropy.units`` together, and ``astropy.units`` (with the ``astropy`` package: its
configuration and constants) alone costs more than numpy; ``import skymask.maps`` imports
numpy only, and each of these comes with the first call that needs it. Modules that need them
refer to them as ``u.deg``, ``coordinates.SkyCoord``, ``wcs.WCS``, ``fits.Header`` through the
stand-ins below, which import the real module on the first attribute access and keep each
attribute they hand out.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["LazyModule", "coordinates", "fits", "units", "wcs", "wcs_utils"]


class LazyModule:
    """Stand-in for a module that imports it when one of its attributes is first asked for.

    Each attribute, once fetched, is kept on the stand-in: later accesses are plain instance
    attribute lookups, as fast as a module's (``u.Quantity`` in a loop over thousands of
    regions must not pay an import check each time).

    Parameters
    ----------
    name : str
        Full module name (``"astropy.coordinates"``).

    Examples
    --------
    >>> math = LazyModule("math")
    >>> math.sqrt(4.0)
    2.0
    >>> "sqrt" in vars(math)  # kept for the next access
    True
    """

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute: str):
        # Only called for attributes not kept yet.
        module = sys.modules.get(self._name)
        if module is None:
            module = importlib.import_module(self._name)
        value = getattr(module, attribute)
        object.__setattr__(self, attribute, value)
        return value

    def __setattr__(self, attribute: str, value) -> None:
        raise AttributeError(f"cannot set {attribute!r} on the stand-in of {self._name}")

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


#: ``astropy.units``, imported on first use.
units = LazyModule("astropy.units")
#: ``astropy.coordinates``, imported on first use.
coordinates = LazyModule("astropy.coordinates")
#: ``astropy.wcs``, imported on first use.
wcs = LazyModule("astropy.wcs")
#: ``astropy.wcs.utils``, imported on first use.
wcs_utils = LazyModule("astropy.wcs.utils")
#: ``astropy.io.fits``, imported on first use.
fits = LazyModule("astropy.io.fits")
