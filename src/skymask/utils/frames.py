"""Sky frames: names, astropy frame instances, and the frame of a celestial WCS.

The frame helpers of every layer (rasterizer, geometries, catalogs) live here, below them all,
so that none of those layers has to import another for a frame. Where astropy has a helper
for the same job (`~astropy.wcs.utils.wcs_to_celestial_frame`,
`~astropy.wcs.utils.celestial_frame_to_wcs`), it is used; skymask only checks that the frame
is one of those it supports and names it.
"""

from __future__ import annotations

import functools

import numpy as np

from .lazy import coordinates as _coords
from .lazy import units as u
from .lazy import wcs as _wcs
from .lazy import wcs_utils as _wcs_utils
from .units import describe

__all__ = ["FRAMES", "celestial_wcs", "frame_from_wcs", "sky_frame", "skycoord_lonlat_deg"]

# Sky frames a geometry can use, with the (lon, lat) CTYPE stems of each.
FRAMES = {
    "icrs": ("RA", "DEC"),
    "fk5": ("RA", "DEC"),
    "fk4": ("RA", "DEC"),
    "galactic": ("GLON", "GLAT"),
}
# astropy's frame names to skymask's (FK4 without E-terms is an FK4 system).
_NAMES = {"icrs": "icrs", "fk5": "fk5", "fk4": "fk4", "fk4noeterms": "fk4", "galactic": "galactic"}
_RADESYS = ("", "ICRS", "FK5", "FK4", "FK4-NO-E")


def sky_frame(frame) -> _coords.BaseCoordinateFrame:
    """An astropy frame instance for a frame name ("fk5": J2000, "fk4": B1950) or instance.

    Parameters
    ----------
    frame : str or `~astropy.coordinates.BaseCoordinateFrame`
        A name of `FRAMES`, or a frame instance.

    Returns
    -------
    `~astropy.coordinates.BaseCoordinateFrame`
        The frame instance.

    Raises
    ------
    ValueError
        For an unsupported frame.

    Examples
    --------
    >>> sky_frame("fk5")
    <FK5 Frame (equinox=J2000.000)>
    """
    if isinstance(frame, _coords.BaseCoordinateFrame):
        return frame
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {sorted(FRAMES)}, got {frame!r}")
    return _frame_instance(frame)


@functools.cache
def _frame_instance(name: str) -> _coords.BaseCoordinateFrame:
    # One shared instance per name (its frame attributes are read-only); making one
    # costs ~0.1 ms (twice per HEALPix cutout: the position's frame and the geometry's).
    frames = {
        "icrs": _coords.ICRS,
        "galactic": _coords.Galactic,
        "fk5": lambda: _coords.FK5(equinox="J2000"),
        "fk4": lambda: _coords.FK4(equinox="B1950"),
    }
    return frames[name]()


def skycoord_lonlat_deg(skycoord: _coords.SkyCoord, frame) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude in degrees of ``skycoord`` expressed in ``frame``.

    ``frame`` is a name or an astropy frame instance; FK4/FK5 coordinates at another
    equinox than the frame's are precessed.

    Parameters
    ----------
    skycoord : `~astropy.coordinates.SkyCoord`
        Positions.
    frame : str or `~astropy.coordinates.BaseCoordinateFrame`
        Target frame.

    Returns
    -------
    tuple of `numpy.ndarray`
        ``(lon, lat)`` in degrees.

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
    >>> [round(float(v), 4) for v in skycoord_lonlat_deg(crab, "galactic")]
    [184.5575, -5.7844]
    """
    target = sky_frame(frame)
    if not skycoord.frame.is_equivalent_frame(target):
        skycoord = skycoord.transform_to(target)
    spherical = skycoord.spherical
    return spherical.lon.to_value(u.deg), spherical.lat.to_value(u.deg)


def frame_from_wcs(wcs: _wcs.WCS) -> tuple[str, _coords.BaseCoordinateFrame]:
    """(frame name, astropy frame instance) of a celestial WCS.

    The frame is astropy's (`~astropy.wcs.utils.wcs_to_celestial_frame`: no ``RADESYS`` and
    no equinox is ICRS, an equinox before 1984 FK4, else FK5, as FITS WCS paper II says);
    skymask supports ICRS, FK5, FK4 and galactic maps.

    Parameters
    ----------
    wcs : `~astropy.wcs.WCS`
        A celestial WCS.

    Returns
    -------
    tuple
        ``(name, frame)``.

    Raises
    ------
    ValueError
        Any other celestial system, naming the keyword that says so.

    Examples
    --------
    >>> from skymask.utils.frames import celestial_wcs, frame_from_wcs
    >>> frame_from_wcs(celestial_wcs("galactic", "CAR", (0, 0), (1, 1), (-0.1, 0.1)))
    ('galactic', <Galactic Frame>)
    """
    ctype = wcs.wcs.ctype[0].upper()
    if not (ctype.startswith("GLON") or ctype.startswith("RA")):
        raise ValueError(
            f"unsupported sky frame: CTYPE1 is {wcs.wcs.ctype[0]!r}; "
            "skymask supports RA/DEC (icrs, fk5, fk4) and GLON/GLAT (galactic) geometries"
        )
    radesys = wcs.wcs.radesys.strip().upper()
    if ctype.startswith("RA") and radesys not in _RADESYS:
        raise ValueError(
            f"unsupported celestial system RADESYS={radesys!r}: skymask supports ICRS, FK5, FK4 "
            "and galactic maps"
        )
    frame = _wcs_utils.wcs_to_celestial_frame(wcs)
    return _NAMES[frame.name], frame


def celestial_wcs(frame: str, proj: str, crval, crpix, cdelt) -> _wcs.WCS:
    """A 2-axis celestial WCS in ``frame`` (a name of `FRAMES`) and projection ``proj``.

    Built by `~astropy.wcs.utils.celestial_frame_to_wcs` (CTYPE, RADESYS, EQUINOX), with the
    reference point and pixel sizes in degrees.

    Parameters
    ----------
    frame : str
        Frame name.
    proj : str
        FITS projection code.
    crval, crpix, cdelt : (float, float)
        Reference point (deg), reference pixel (FITS, 1-based) and pixel sizes (deg).

    Returns
    -------
    `~astropy.wcs.WCS`
        The WCS.

    Examples
    --------
    >>> from skymask.utils.frames import celestial_wcs
    >>> celestial_wcs("galactic", "TAN", (0, 0), (1, 1), (-0.1, 0.1)).wcs.ctype
    ['GLON-TAN', 'GLAT-TAN']
    """
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {sorted(FRAMES)}, got {describe(frame)}")
    if not isinstance(proj, str) or not proj.isalpha() or len(proj) != 3:
        raise ValueError(
            f"proj must be a 3-letter FITS projection code such as 'CAR', got {proj!r}"
        )
    wcs = _wcs_utils.celestial_frame_to_wcs(sky_frame(frame), projection=proj.upper())
    wcs.wcs.crval = crval
    wcs.wcs.crpix = crpix
    wcs.wcs.cdelt = cdelt
    wcs.wcs.cunit = ["deg", "deg"]
    wcs.wcs.set()
    return wcs
