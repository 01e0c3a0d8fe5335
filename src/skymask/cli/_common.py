"""Shared pieces of the ``skymask`` command: argument types, reading inputs, guarding outputs.

Argument types turn command-line strings into the values the library takes (angles as
`~astropy.units.Quantity` in degrees, pixel counts as floats, energies as Quantities) and
raise `argparse.ArgumentTypeError` with a message that shows an accepted form.

Accepted angles: ``0.3deg``, ``"0.3 deg"``, ``18arcmin``, ``1e-3rad``, sexagesimal ``83d37m59s``
or ``5h34m31.9s``, and plain numbers, which are degrees. The widths of erode, dilate and
boundary follow the library's rule for morphology widths (`skymask.utils.units.as_width`):
an angle, or a pixel count, ``3pix`` or a plain number.
"""

from __future__ import annotations

import argparse
import functools
import math
import re
from pathlib import Path

from astropy import units as u

from ..utils.units import as_angle, as_width

__all__ = [
    "CliError",
    "add_output_options",
    "angle",
    "angle_or_pixels",
    "check_low_threshold",
    "check_output",
    "energy",
    "finite_float",
    "one_line",
    "pair_of",
    "positive_int",
    "read_map",
    "read_mask",
    "write_map",
]

_ANGLE_FORMS = "e.g. 0.3deg, '0.3 deg', 18arcmin or 0.3 (plain numbers are degrees)"
_FITS_SUFFIXES = (".fits", ".fit", ".fts", ".fits.gz", ".fit.gz", ".fts.gz")


class CliError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


def one_line(text) -> str:
    """``text`` with its line breaks and runs of blanks turned into single spaces."""
    return re.sub(r"\s+", " ", str(text)).strip()


# ---------------------------------------------------------------------- argument types
def _quantity(text: str) -> u.Quantity | None:
    try:
        return u.Quantity(text)
    except (TypeError, ValueError):
        return None


def _as_angle(text: str):
    # The library's one angle parser: the same forms (and refusals) as the Python API.
    try:
        return as_angle(text, name="angle", scalar=True)
    except (TypeError, ValueError) as exc:
        if "ambiguous" in str(exc):
            raise argparse.ArgumentTypeError(str(exc)) from None
    raise argparse.ArgumentTypeError(f"not an angle: {text!r} ({_ANGLE_FORMS})")


def _finite(value, text: str):
    number = value if isinstance(value, float) else float(value.value)
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def angle(text: str) -> u.Quantity:
    """An angle in degrees (``0.3deg``, ``"0.3 deg"``, ``18arcmin``, plain degrees)."""
    text = text.strip()  # negative values arrive with a protective leading space
    return _finite(_as_angle(text), text)


def angle_or_pixels(text: str) -> u.Quantity:
    """A morphology width (`skymask.utils.units.as_width`): an angle, or a pixel count
    (``3pix``, ``"3 pix"`` or a plain number), as a Quantity in deg or pix."""
    text = text.strip()
    try:
        return as_width(text, name="width")
    except (TypeError, ValueError) as exc:
        message = str(exc)
        if "non-negative" in message:
            raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}") from None
        if "ambiguous" in message:
            raise argparse.ArgumentTypeError(message) from None
        raise argparse.ArgumentTypeError(
            f"not a width: {text!r} (an angle, e.g. 0.3deg, or pixels: 3pix or 3)"
        ) from None


def energy(text: str) -> u.Quantity:
    """An energy with its unit: ``10GeV``, ``"2 TeV"``."""
    text = text.strip()
    quantity = _quantity(text)
    if quantity is None or not quantity.isscalar or not quantity.unit.is_equivalent(u.TeV):
        raise argparse.ArgumentTypeError(
            f"not an energy: {text!r} (give the unit, e.g. 10GeV or '2 TeV')"
        )
    return _finite(quantity, text)


def pair_of(item):
    """Argument type: one value, or a ``LON,LAT`` pair (a tuple), each parsed by ``item``."""

    def parse(text: str):
        text = text.strip()
        parts = text.split(",")
        if len(parts) > 2 or not all(part.strip() for part in parts):
            raise argparse.ArgumentTypeError(
                f"give one value or a LON,LAT pair such as 2deg,1deg; got {text!r}"
            )
        values = tuple(item(part) for part in parts)
        return values[0] if len(values) == 1 else values

    return parse


def finite_float(text: str) -> float:
    """A finite number."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    return _finite(value, text)


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def check_low_threshold(args) -> None:
    """Refuse a hysteresis --low above --threshold (the grown region must contain the seeds)."""
    if args.low is not None and args.low > args.threshold:
        raise CliError(f"--low {args.low:g} must not exceed --threshold {args.threshold:g}")


# ---------------------------------------------------------------------- inputs
def _read(path, hdu, reader):
    path = Path(path)
    if not path.exists():
        raise CliError(f"no such file: {path}")
    if path.is_dir():
        raise CliError(f"{path} is a directory, not a FITS map file")
    try:
        return reader(path, hdu=hdu)
    except OSError as exc:
        text = one_line(exc)
        raise CliError(text if str(path) in text else f"cannot read {path}: {text}") from exc


def read_map(path, hdu=None, chunks=None):
    """The map in FITS file ``path`` (HDU ``hdu``, default the first image HDU); lazy and
    chunked with dask ``chunks``."""
    from ..maps import Map

    return _read(path, hdu, functools.partial(Map.read, chunks=chunks))


def read_geom(path, hdu=None):
    """The geometry of the map in ``path``, without reading its data (large maps)."""
    from ..maps import HpxNDMap, WcsGeom
    from ..maps.hpx.io import probe_hpx_file

    if Path(path).is_file() and probe_hpx_file(path, hdu):
        # HEALPix tables: the geometry comes with the (1-D, small) data.
        return _read(path, hdu, HpxNDMap.read).geom
    return _read(path, hdu, WcsGeom.read)


def read_mask(path, hdu=None, chunks=None):
    """Like `read_map`, and the map must be a mask (boolean)."""
    m = read_map(path, hdu=hdu, chunks=chunks)
    if not m.is_mask:
        raise CliError(
            f"{path} holds a {m.data.dtype} map, not a mask (boolean map); make a mask first, "
            "e.g. with 'skymask mask ...'"
        )
    return m


# ---------------------------------------------------------------------- outputs
def add_output_options(parser, *, kind: str = "FITS") -> None:
    """``-o/--output`` and ``--overwrite``."""
    what = "FITS file (.fits or .fits.gz)" if kind == "FITS" else "image file (.png, .pdf, .svg)"
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help=f"output {what}; required"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace OUT if it exists (default: refuse)"
    )


def check_output(path, overwrite: bool, *, suffixes=_FITS_SUFFIXES) -> Path:
    """Check before any work that ``path`` can be written; return it as a Path.

    Refuses an existing file (unless ``overwrite``), a directory, a missing parent directory
    and an unexpected file name suffix, so that a long job does not fail at the end.
    """
    path = Path(path)
    name = path.name.lower()
    if not name.endswith(tuple(suffixes)):
        raise CliError(f"output file {path} must end with one of {', '.join(suffixes)}")
    if path.is_dir():
        raise CliError(f"output {path} is a directory; give a file name")
    if path.exists() and not path.is_file():
        raise CliError(f"output {path} exists and is not a regular file; give a file name")
    if path.exists() and not overwrite:
        raise CliError(f"output file {path} exists; add --overwrite to replace it")
    if not path.parent.is_dir():
        raise CliError(f"cannot write {path}: the directory {path.parent} does not exist")
    return path


def write_map(m, path: Path, args) -> None:
    """Write ``m`` to ``path`` (atomically: the library writes a temporary file and renames it),
    with the command line in its meta data, and report it on stdout."""
    from .. import __version__

    m.meta["creator"] = f"skymask {__version__}"
    if getattr(args, "command_line", None):
        m.meta["command"] = args.command_line
    m.write(path, overwrite=bool(args.overwrite))
    print(f"wrote {path}: {_summary(m)}")


def _summary(m) -> str:
    if m.is_chunked:
        return f"chunked {m.data.dtype} map of shape {m.data.shape}, written chunk by chunk"
    if not m.is_mask:
        return f"{m.data.dtype} map of shape {m.data.shape}"
    n_true = int(m.data.sum())
    fraction = 100.0 * n_true / m.data.size if m.data.size else 0.0
    return f"mask of shape {m.data.shape}, {n_true} of {m.data.size} True ({fraction:.1f} %)"
