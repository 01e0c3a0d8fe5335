"""HEALPix geometries and maps: `HpxGeom`, `HpxNDMap` (gammapy 2.1's ``gammapy.maps.hpx``).

Pixel centres come from skymask's ring formulas (`skymask.kernels.healpix`), lookups and
ordering conversions from cdshealpix; region masks and morphology are exact on the sphere.
"""

from types import SimpleNamespace

from .._pixelisations import register_resampler
from ..map import register_map_type
from .base import HpxMap
from .geom import HpxGeom
from .ndmap import HpxNDMap


def _probe_hdulist(hdulist, hdu=None):
    from .io import probe_hpx_hdulist  # astropy.io.fits: imported when a file is read

    return probe_hpx_hdulist(hdulist, hdu)


class _Resampler:
    """HEALPix <-> WCS resampling, imported when first used (astropy.coordinates)."""

    @staticmethod
    def resample(*args):
        from .resample import resample

        return resample(*args)

    @staticmethod
    def reproject_to_geom(*args):
        from .resample import reproject_to_geom

        return reproject_to_geom(*args)


register_resampler("is_hpx", _Resampler)
register_map_type(
    "hpx",
    HpxGeom,
    HpxNDMap,
    reader=HpxNDMap._read_if_healpix,
    hdulist_reader=SimpleNamespace(probe=_probe_hdulist, read=HpxNDMap.from_hdulist),
)

__all__ = ["HpxGeom", "HpxMap", "HpxNDMap"]
