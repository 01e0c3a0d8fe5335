"""Modules imported on first use, to keep ``import skymask.maps`` light.

``astropy.coordinates``, ``astropy.wcs`` and ``astropy.io.fits`` (with ``astropy.table``,
``astropy.time`` and ``yaml`` behind them) take longer to import than numpy and
``astropy.units`` together; a script that only builds axes or reads a mask should not pay for
them. Modules that need them at call time refer to them as ``coordinates.SkyCoord``,
``wcs.WCS``, ``fits.Header`` through the stand-ins below, which import the real module on the
first attribute access (later accesses are a dict lookup and a ``getattr``).
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["LazyModule", "coordinates", "fits", "wcs", "wcs_utils"]


class LazyModule:
    """Stand-in for a module that imports it when one of its attributes is first asked for.

    Parameters
    ----------
    name : str
        Full module name (``"astropy.coordinates"``).

    Examples
    --------
    >>> math = LazyModule("math")
    >>> math.sqrt(4.0)
    2.0
    """

    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        module = sys.modules.get(self._name)
        if module is None:
            module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


#: ``astropy.coordinates``, imported on first use.
coordinates = LazyModule("astropy.coordinates")
#: ``astropy.wcs``, imported on first use.
wcs = LazyModule("astropy.wcs")
#: ``astropy.wcs.utils``, imported on first use.
wcs_utils = LazyModule("astropy.wcs.utils")
#: ``astropy.io.fits``, imported on first use.
fits = LazyModule("astropy.io.fits")
