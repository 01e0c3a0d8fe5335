"""Frame helpers: the frame of a celestial WCS is astropy's, restricted to skymask's frames."""

import pytest
from astropy.coordinates import FK4, FK5, ICRS, FK4NoETerms, Galactic
from astropy.wcs import WCS

from skymask.utils.frames import FRAMES, celestial_wcs, frame_from_wcs


def _wcs(ctype, radesys="", equinox=None):
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ctype
    wcs.wcs.radesys = radesys
    if equinox is not None:
        wcs.wcs.equinox = equinox
    wcs.wcs.set()
    return wcs


@pytest.mark.parametrize(
    ("ctype", "radesys", "equinox", "name", "expected"),
    [
        (["RA---TAN", "DEC--TAN"], "ICRS", None, "icrs", ICRS()),
        (["RA---TAN", "DEC--TAN"], "", None, "icrs", ICRS()),  # FITS paper II default
        (["RA---TAN", "DEC--TAN"], "", 2000.0, "fk5", FK5(equinox="J2000")),
        (["RA---TAN", "DEC--TAN"], "", 1950.0, "fk4", FK4(equinox="B1950")),
        (["RA---CAR", "DEC--CAR"], "FK5", 1975.0, "fk5", FK5(equinox="J1975")),
        (["RA---CAR", "DEC--CAR"], "FK4-NO-E", 1950.0, "fk4", FK4NoETerms(equinox="B1950")),
        (["GLON-AIT", "GLAT-AIT"], "", None, "galactic", Galactic()),
    ],
)
def test_frame_from_wcs(ctype, radesys, equinox, name, expected):
    found_name, frame = frame_from_wcs(_wcs(ctype, radesys, equinox))
    assert found_name == name
    assert frame.is_equivalent_frame(expected)


@pytest.mark.parametrize(
    ("ctype", "radesys", "match"),
    [
        (["ELON-TAN", "ELAT-TAN"], "", "CTYPE1 is 'ELON-TAN'"),
        (["RA---TAN", "DEC--TAN"], "GAPPT", "RADESYS='GAPPT'"),
    ],
)
def test_unsupported_frames_are_refused_by_name(ctype, radesys, match):
    with pytest.raises(ValueError, match=match):
        frame_from_wcs(_wcs(ctype, radesys))


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_celestial_wcs_round_trips_its_frame(name):
    wcs = celestial_wcs(name, "CAR", [10.0, 20.0], [5.0, 5.0], [-0.1, 0.1])
    assert frame_from_wcs(wcs)[0] == name
    assert list(wcs.wcs.cdelt) == [-0.1, 0.1]


def test_celestial_wcs_errors():
    with pytest.raises(ValueError, match="frame must be one of"):
        celestial_wcs("ecliptic", "CAR", [0, 0], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="3-letter FITS projection"):
        celestial_wcs("icrs", "CARX", [0, 0], [1, 1], [1, 1])
