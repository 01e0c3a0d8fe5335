"""Cutouts and WCS tiles of HEALPix maps: the methods `HpxNDMap` inherits from
`HpxNDMapTransforms` (gammapy 2.1's ``HpxNDMap.cutout``, ``to_wcs_tiles``, ``from_wcs_tiles``).

The geometry side is `skymask.maps.hpx.geom_transforms`; here the data follow it.
"""

from __future__ import annotations

import numpy as np

from ...utils.units import describe

__all__ = ["HpxNDMapTransforms"]

_CUTOUT_MODES = ("trim", "partial", "strict")


class HpxNDMapTransforms:
    """Cutouts and WCS tiles of `~skymask.maps.HpxNDMap` (a mixin: every method is an
    `HpxNDMap` method).

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> from skymask.maps import Map
    >>> m = Map.create(nside=32, map_type="hpx", frame="galactic", dtype=bool)
    >>> m.cutout(SkyCoord(0, 0, unit="deg", frame="galactic"), "10 deg").data.shape
    (28,)
    """

    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1):
        """The map on the disk of diameter ``width`` around ``position`` (data copied).

        The geometry is `~skymask.maps.HpxGeom.cutout`: every pixel whose centre lies within
        ``width / 2`` of ``position``. Pixels of the disk that are not in a partial-sky map are
        0 (False for a mask); gammapy 2.1 gives them the value of the map's last pixel (X171).
        A mask stays a mask.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle
            Diameter of the disk; plain numbers are degrees.
        mode : {"trim", "partial", "strict"}
            "strict" refuses a disk that reaches outside a partial-sky map; "trim" and
            "partial" fill those pixels (HEALPix cutouts are never trimmed).
        odd_npix : bool
            Not used on HEALPix (the WCS cutout option, accepted for code written for both).
        min_npix : int
            Not used on HEALPix (as ``odd_npix``).

        Returns
        -------
        HpxNDMap

        Raises
        ------
        TypeError
            ``position`` is not a SkyCoord.
        ValueError
            A bad ``mode`` or ``width``; ``mode="strict"`` and the disk reaches outside the map.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.maps import Map
        >>> m = Map.create(nside=8, map_type="hpx", frame="galactic")
        >>> m.data = np.arange(768.0)
        >>> cut = m.cutout(SkyCoord(0, 0, unit="deg", frame="galactic"), width="30 deg")
        >>> cut.data[:4].tolist()
        [268.0, 269.0, 270.0, 271.0]
        """
        if mode not in _CUTOUT_MODES:
            raise ValueError(f"mode must be one of {_CUTOUT_MODES}, got {mode!r}")
        if not isinstance(odd_npix, (bool, np.bool_)):
            raise TypeError(f"odd_npix must be True or False, got {describe(odd_npix)}")
        geom = self.geom.cutout(position, width)
        local = self.geom._pix_local(geom.ipix)
        outside = local < 0
        if outside.any() and mode == "strict":
            raise ValueError(
                f"the cutout disk holds {int(outside.sum())} pixels outside this partial-sky "
                "map; use mode='partial' (they are 0, False for a mask) or a smaller width"
            )
        data = self.data[..., np.where(outside, 0, local)]
        if outside.any():
            data[..., outside] = 0
        return self.__class__(geom, data=data, unit=self.unit, meta=dict(self.meta))
