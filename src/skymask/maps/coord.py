"""Map coordinates: a dict-like bundle of lon, lat and non-spatial axis coordinates."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from astropy import units as u
from astropy.coordinates import ICRS, SkyCoord

from ..utils.frames import FRAMES, sky_frame, skycoord_lonlat_deg

# FRAMES, sky_frame and skycoord_lonlat_deg live in skymask.utils.frames; kept importable here.
__all__ = ["FRAMES", "MapCoord", "sky_frame", "skycoord_lonlat_deg"]


class MapCoord(Mapping):
    """Coordinates of map pixels: ``lon``, ``lat`` (deg) and one entry per non-spatial axis.

    Behaves like a read-only dict of Quantities; ``skycoord`` gives the sky part.
    """

    def __init__(self, data: dict, frame=None):
        self._data = dict(data)
        self._sky_frame = None if frame is None else sky_frame(frame)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    @property
    def frame(self) -> str | None:
        """Name of the sky frame ("icrs", "galactic", "fk5", "fk4")."""
        return None if self._sky_frame is None else self._sky_frame.name

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
        frame = ICRS() if self._sky_frame is None else self._sky_frame
        return SkyCoord(self.lon, self.lat, frame=frame)

    def to_frame(self, frame) -> MapCoord:
        """The same coordinates with lon and lat converted to ``frame`` (name or instance)."""
        target = sky_frame(frame)
        if self._sky_frame is not None and self._sky_frame.is_equivalent_frame(target):
            return self
        lon, lat = skycoord_lonlat_deg(self.skycoord, frame)
        data = dict(self._data)
        data["lon"] = u.Quantity(lon, u.deg, copy=False)
        data["lat"] = u.Quantity(lat, u.deg, copy=False)
        return MapCoord(data, frame=target)

    def __repr__(self):
        keys = ", ".join(f"{key}: {np.shape(value)}" for key, value in self._data.items())
        return f"MapCoord(frame={self.frame!r}, {keys})"
