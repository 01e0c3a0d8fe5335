"""Property-based fuzzing of the FITS readers (issue 12, "Checked by").

Valid files written by skymask (a float cube with its bands table, a boolean mask, a
MapDataset, a gzip-compressed cube) are damaged the way real files get damaged: a header
card gets another value or disappears, the file is cut short, bytes are flipped. Whatever
the damage, `Map.read`, `WcsGeom.read` and `MapDataset.read` either read the file or raise
one of the documented errors (ValueError, TypeError, KeyError, OSError) naming the file:
never another exception (an IndexError deep in numpy, a MemoryError), never a hang.
"""

from __future__ import annotations

import gzip
import io
import signal
import sys
import warnings

import numpy as np
import pytest
from astropy.io import fits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skymask.datasets import MapDataset
from skymask.maps import Map, MapAxis, WcsGeom

CARD = 80
BLOCK = 2880
DOCUMENTED = (ValueError, TypeError, KeyError, OSError)
KEYWORDS = [
    "NAXIS", "NAXIS1", "NAXIS2", "NAXIS3", "BITPIX", "WCSSHAPE", "CTYPE1", "CTYPE2", "CRPIX1",
    "CRVAL2", "CDELT1", "CDELT2", "CUNIT1", "BANDSHDU", "AXCOLS1", "INTERP1", "AXNAME1",
    "BUNIT", "META", "BOOLEAN", "EXTNAME", "TFIELDS", "TFORM2", "TTYPE2", "TUNIT2", "PCOUNT",
    "GCOUNT", "NEXTEND", "BSCALE", "BZERO", "CHECKSUM", "DATASUM", "XTENSION", "END",
]  # fmt: skip
VALUES = st.one_of(
    st.integers(-(2**40), 2**40).map(str),
    st.sampled_from(["0", "-1", "1", "2", "3", "8", "-32", "-64", "16", "1000000000"]),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: repr(x).upper()),
    st.sampled_from(
        ["T", "F", "''", "'()'", "'(5,x'", "'E_MIN,E_MAX'", "'RA---CAR'", "'GLAT-TAN'"]
    ),
    st.text(alphabet="ABCDEGLMNORSTXZ_-,()0123456789 .'", max_size=20).map(lambda t: f"'{t}'"),
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGALRM against hangs")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[bytes, list[int]]]:
    folder = tmp_path_factory.mktemp("corpus")
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    geom = WcsGeom.create(npix=(6, 5), binsz=0.5, frame="galactic", axes=[axis])
    Map.from_geom(geom, data=np.arange(90, dtype=np.float32).reshape(3, 5, 6), unit="s").write(
        folder / "cube.fits"
    )
    Map.from_geom(geom, data=np.arange(90).reshape(3, 5, 6) % 3 == 0).write(folder / "mask.fits")
    MapDataset.create(geom, name="fuzz", background=0.5).write(folder / "dataset.fits")
    files = {path.stem: path.read_bytes() for path in folder.iterdir()}
    files["cube.gz"] = files["cube"]  # compressed after the damage
    return {name: (raw, _header_cards(raw)) for name, raw in files.items()}


def _header_cards(raw: bytes) -> list[int]:
    """Byte offsets of the header cards of every HDU of an undamaged file."""
    with fits.open(io.BytesIO(raw)) as hdus:
        regions = [
            (hdus.fileinfo(i)["hdrLoc"], hdus.fileinfo(i)["datLoc"]) for i in range(len(hdus))
        ]
    return [offset for start, stop in regions for offset in range(start, stop, CARD)]


@st.composite
def damaged(draw, corpus):
    name = draw(st.sampled_from(sorted(corpus)))
    raw, cards = corpus[name]
    compressed = name.endswith(".gz")
    plain = bytearray(raw)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["card", "card", "card", "drop", "flip", "cut"]))
        if kind in ("card", "drop"):
            keyword = draw(st.sampled_from(KEYWORDS)).encode()
            matches = [
                offset
                for offset in cards
                if offset + CARD <= len(plain) and plain[offset : offset + 8].rstrip() == keyword
            ]
            if not matches:
                continue
            offset = draw(st.sampled_from(matches))
            if kind == "drop":
                plain[offset : offset + CARD] = b" " * CARD
            else:
                value = draw(VALUES).encode("ascii", "replace")
                card = keyword.ljust(8) + b"= " + value.rjust(20)
                plain[offset : offset + CARD] = card[:CARD].ljust(CARD)
        elif kind == "flip":
            if plain:
                position = draw(st.integers(0, len(plain) - 1))
                plain[position] ^= draw(st.integers(1, 255))
        else:
            cut = draw(st.integers(0, len(plain)))
            del plain[cut:]
    data = gzip.compress(bytes(plain), mtime=0) if compressed else bytes(plain)
    if compressed and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    suffix = ".fits.gz" if compressed else ".fits"
    return name, data, suffix


def _check(reader, path):
    def alarm(signum, frame):
        raise TimeoutError(f"{reader.__qualname__} hangs on {path.name}")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # astropy's header warnings are allowed
            reader(path)
    except DOCUMENTED as exc:
        if isinstance(exc, TimeoutError):
            raise
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        assert path.name in text, f"{type(exc).__name__} without the file name: {text}"
        assert "\n" not in text.strip() or "geometry" in text, text
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


READERS = {"Map.read": Map.read, "WcsGeom.read": WcsGeom.read, "MapDataset.read": MapDataset.read}


@posix_only
@pytest.mark.parametrize("reader", sorted(READERS))
def test_damaged_files_give_documented_errors_naming_the_file(reader, corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp(reader.replace(".", "_"))

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(damaged(corpus))
    def check(case):
        name, data, suffix = case
        path = folder / f"damaged-{name.split('.')[0]}{suffix}"
        path.write_bytes(data)
        _check(READERS[reader], path)

    check()
