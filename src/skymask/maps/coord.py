"""Map coordinates: a dict-like bundle of lon, lat and non-spatial axis coordinates."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from astropy import units as u
from astropy.coordinates import FK5, SkyCoord

__all__ = ["FRAMES", "MapCoord"]

# Sky frames a geometry can use, with the (lon, lat) CTYPE stems of each.
FRAMES = {"icrs": ("RA", "DEC"), "fk5": ("RA", "DEC"), "galactic": ("GLON", "GLAT")}


_J2000 = FK5().equinox


def skycoord_lonlat_deg(skycoord: SkyCoord, frame: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude in degrees of ``skycoord`` expressed in ``frame``.

    ``"fk5"`` means FK5 at equinox J2000: coordinates at another equinox are precessed.
    """
    if frame == "fk5":
        if skycoord.frame.name != "fk5" or skycoord.frame.equinox != _J2000:
            skycoord = skycoord.transform_to(FK5(equinox=_J2000))
    elif skycoord.frame.name != frame:
        skycoord = skycoord.transform_to(frame)
    spherical = skycoord.spherical
    return spherical.lon.to_value(u.deg), spherical.lat.to_value(u.deg)


class MapCoord(Mapping):
    """Coordinates of map pixels: ``lon``, ``lat`` (deg) and one entry per non-spatial axis.

    Behaves like a read-only dict of Quantities; ``skycoord`` gives the sky part.
    """

    def __init__(self, data: dict, frame: str | None = None):
        self._data = dict(data)
        self._frame = frame

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    @property
    def frame(self) -> str | None:
        return self._frame

    @property
    def lon(self) -> u.Quantity:
        return self._data["lon"]

    @property
    def lat(self) -> u.Quantity:
        return self._data["lat"]

    @property
    def axis_names(self) -> list[str]:
        return [key for key in self._data if key not in ("lon", "lat")]

    @property
    def shape(self) -> tuple[int, ...]:
        return np.broadcast_shapes(*(np.shape(value) for value in self._data.values()))

    @property
    def skycoord(self) -> SkyCoord:
        """The sky positions (lon, lat) as a SkyCoord in the coordinates' frame."""
        return SkyCoord(self.lon, self.lat, frame=self._frame or "icrs")

    def to_frame(self, frame: str) -> MapCoord:
        """The same coordinates with lon and lat converted to ``frame``."""
        if frame == self._frame:
            return self
        lon, lat = skycoord_lonlat_deg(self.skycoord, frame)
        data = dict(self._data)
        data["lon"] = u.Quantity(lon, u.deg, copy=False)
        data["lat"] = u.Quantity(lat, u.deg, copy=False)
        return MapCoord(data, frame=frame)

    def __repr__(self):
        keys = ", ".join(f"{key}: {np.shape(value)}" for key, value in self._data.items())
        return f"MapCoord(frame={self._frame!r}, {keys})"
