"""The geometry options of the ``skymask`` command: ``--like FILE`` or `WcsGeom.create` options."""

from __future__ import annotations

import numpy as np

from ..utils.memory import check_allocation
from ._common import CliError, angle, energy, pair_of, positive_int, read_geom

__all__ = ["add_geometry_options", "geometry_from_args"]

_FRAMES = ("icrs", "galactic", "fk5")

# (option, attribute) of every option that builds a new geometry (not --like).
_CREATE_OPTIONS = (
    ("--skydir", "skydir"),
    ("--skydir-frame", "skydir_frame"),
    ("--frame", "frame"),
    ("--width", "width"),
    ("--npix", "npix"),
    ("--binsz", "binsz"),
    ("--proj", "proj"),
    ("--refpix", "refpix"),
    ("--energy-bounds", "energy_bounds"),
    ("--energy-bins", "energy_bins"),
    ("--nside", "nside"),
)

GEOMETRY_HELP = """\
The map geometry is either taken from an existing map with --like FILE, or built from the
options below as WcsGeom.create does. Angles are written 0.3deg, "0.3 deg", 18arcmin,
83d37m59s, 5h34m31.9s or as plain numbers, which are degrees. --width, --npix and --binsz
take one value for both axes or a LON,LAT pair (--width 10deg,4deg). --nside N builds a
HEALPix geometry instead (ring ordering, --nest for nested; all-sky, or the disk of diameter
--width around --skydir)."""


def add_geometry_options(parser, *, like_help: str | None = None) -> None:
    """Add the geometry option group to a subcommand parser."""
    group = parser.add_argument_group("geometry", GEOMETRY_HELP)
    group.add_argument(
        "--like",
        metavar="FILE",
        help=like_help
        or "take the geometry (sky grid and energy axes) of the map in FILE; for a MapDataset "
        "file, that of its counts cube",
    )
    group.add_argument(
        "--image",
        action="store_true",
        help="with --like: keep only the sky grid, dropping energy and other axes (a 2-D mask)",
    )
    group.add_argument(
        "--skydir",
        nargs=2,
        type=angle,
        metavar=("LON", "LAT"),
        help="map centre, in --skydir-frame (default: 0 0)",
    )
    group.add_argument(
        "--skydir-frame",
        choices=_FRAMES,
        help="sky frame of --skydir (default: --frame), e.g. RA/Dec of a source on a galactic map",
    )
    group.add_argument("--frame", choices=_FRAMES, help="sky frame of the map (default: icrs)")
    group.add_argument(
        "--width",
        type=pair_of(angle),
        metavar="W",
        help="map size: an angle or a LON,LAT pair of angles (default: the whole sky)",
    )
    group.add_argument(
        "--npix",
        type=pair_of(positive_int),
        metavar="N",
        help="map size in pixels: a number or a LON,LAT pair; wins over --width",
    )
    group.add_argument(
        "--binsz",
        type=pair_of(angle),
        metavar="B",
        help="pixel size: an angle or a LON,LAT pair; required unless --like is given",
    )
    group.add_argument("--proj", help="FITS projection code: CAR (default), TAN, AIT, ...")
    group.add_argument(
        "--refpix",
        nargs=2,
        type=float,
        metavar=("X", "Y"),
        help="FITS reference pixel of --skydir (1-based; default: the image centre)",
    )
    group.add_argument(
        "--nside",
        type=positive_int,
        metavar="N",
        help="a HEALPix map of this nside instead of a WCS grid (with --nest: nested ordering)",
    )
    group.add_argument(
        "--nest",
        action="store_true",
        help="with --nside: nested ordering (default: ring)",
    )
    group.add_argument(
        "--energy-bounds",
        nargs=2,
        type=energy,
        metavar=("EMIN", "EMAX"),
        help="add an energy axis from EMIN to EMAX (e.g. 10GeV 2TeV), log-spaced bins",
    )
    group.add_argument(
        "--energy-bins",
        type=positive_int,
        metavar="N",
        help="number of energy bins between --energy-bounds",
    )


def geometry_from_args(args):
    """The `~skymask.maps.WcsGeom` described by the geometry options of ``args``."""
    from ..maps import WcsGeom

    given = [option for option, name in _CREATE_OPTIONS if getattr(args, name) is not None]
    if args.like is not None:
        if given:
            raise CliError(
                f"--like takes the whole geometry from {args.like}; do not combine it with "
                f"{', '.join(given)}"
            )
        geom = read_geom(args.like)
        geom = geom.to_image() if args.image else geom
        hint = "a smaller map as --like" + ("" if geom.is_image else ", or --image for 2-D")
        if not getattr(geom, "is_hpx", False):
            check_mask_size(geom.to_image(), int(np.prod(geom.axes.shape)), hint=hint)
        return geom
    if args.image:
        raise CliError("--image goes with --like (it drops the axes of that geometry)")
    if getattr(args, "nest", False) and args.nside is None:
        raise CliError("--nest goes with --nside (it chooses the HEALPix ordering)")
    if args.nside is not None:
        return _healpix_geometry(args)
    if args.binsz is None:
        raise CliError(
            "no geometry: give the pixel size with --binsz (and --skydir, --width or --npix), "
            "or take the geometry of an existing map with --like FILE"
        )
    _check_energy_options(args)
    frame = args.frame or "icrs"
    skydir = _skydir(args, frame)
    if skydir is None and args.skydir_frame is not None:
        raise CliError("--skydir-frame goes with --skydir LON LAT")
    image = WcsGeom.create(
        npix=args.npix,
        binsz=args.binsz,
        width=args.width,
        proj=args.proj or "CAR",
        frame=frame,
        refpix=args.refpix,
        skydir=skydir,
    )
    if args.energy_bounds is None:
        check_mask_size(image, 1, hint="a larger --binsz or a smaller --width or --npix")
        return image
    check_mask_size(
        image, args.energy_bins, hint="fewer --energy-bins, a larger --binsz or a smaller --width"
    )
    return _with_energy_axis(image, args)


def _healpix_geometry(args):
    """`HpxGeom.create` from --nside, --nest, --frame, --skydir, --width, energy options."""
    from ..maps import HpxGeom

    for option, name in (("--npix", "npix"), ("--binsz", "binsz"), ("--proj", "proj"),
                         ("--refpix", "refpix")):  # fmt: skip
        if getattr(args, name) is not None:
            raise CliError(f"{option} describes a WCS grid; it does not go with --nside")
    _check_energy_options(args)
    frame = args.frame or "icrs"
    skydir = _skydir(args, frame)
    width = None
    if args.width is not None:
        width = args.width[0] if isinstance(args.width, (tuple, list)) else args.width
        if skydir is None:
            raise CliError("--width with --nside needs --skydir (the centre of the disk)")
    try:
        geom = HpxGeom.create(
            nside=args.nside, nest=bool(args.nest), frame=frame, skydir=skydir, width=width
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    n_planes = args.energy_bins or 1
    check_allocation(
        (n_planes, geom.data_shape[-1]),
        bool,
        what=f"a HEALPix mask of {geom.data_shape[-1]} pixels x {n_planes} planes",
        copies=MASK_WORKING_COPIES,
        hint="use a smaller --nside or --width",
    )
    if args.energy_bounds is None:
        return geom
    return _with_energy_axis(geom, args)


def _skydir(args, frame):
    """The --skydir centre in --skydir-frame (default: ``frame``), or None when not given."""
    if args.skydir is None:
        return None
    from astropy.coordinates import SkyCoord

    lon, lat = args.skydir
    return SkyCoord(lon, lat, frame=args.skydir_frame or frame)


def _with_energy_axis(geom, args):
    """``geom`` with the log-spaced energy axis of --energy-bounds and --energy-bins."""
    from ..maps import MapAxis

    energy_min, energy_max = args.energy_bounds
    return geom.to_cube([MapAxis.from_energy_bounds(energy_min, energy_max, nbin=args.energy_bins)])


def _check_energy_options(args):
    if args.energy_bounds is not None and args.energy_bins is None:
        raise CliError("--energy-bounds needs --energy-bins (the number of energy bins)")
    if args.energy_bins is not None and args.energy_bounds is None:
        raise CliError("--energy-bins needs --energy-bounds EMIN EMAX")


# A mask command holds the mask and a few working arrays of its size at once (the mask, an
# inverted or combined copy, the rasterizer's include and exclude planes).
MASK_WORKING_COPIES = 4


def check_mask_size(image, n_planes: int, *, hint: str) -> None:
    """Refuse, before any work, a mask of ``n_planes`` planes on ``image`` that cannot fit."""
    nx, ny = image.npix
    check_allocation(
        (n_planes, ny, nx),
        bool,
        what=f"a mask of {nx} x {ny} pixels x {n_planes} planes with its working copies",
        copies=MASK_WORKING_COPIES,
        hint=f"use {hint}",
    )
