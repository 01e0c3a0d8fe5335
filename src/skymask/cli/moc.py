"""``skymask moc``: a mask to an IVOA MOC file, and a MOC file to a mask."""

from __future__ import annotations

from ._common import CliError, add_output_options, check_output, read_mask, write_map
from ._geometry import add_geometry_options, geometry_from_args

__all__ = ["add_parsers"]


def add_parsers(commands) -> None:
    """Register ``moc to`` and ``moc from`` on the top-level subparsers."""
    moc = commands.add_parser(
        "moc",
        help="convert a mask to an IVOA MOC file (MOC 2.0 FITS), or a MOC to a mask",
        description="Convert between masks and IVOA Multi-Order Coverage maps (needs mocpy: "
        "pip install 'skymask[moc]'). A HEALPix mask in ICRS becomes its own cells; WCS and "
        "galactic masks become the cells overlapping every True pixel (conservative: the MOC "
        "covers every True pixel entirely). Back, a pixel is True when its centre is in the MOC.",
        epilog="examples:\n\n  skymask moc to exclusion.fits -o exclusion.moc.fits\n"
        "  skymask moc from exclusion.moc.fits --nside 1024 --nest -o exclusion_hpx.fits",
    )
    kinds = moc.add_subparsers(dest="kind", metavar="KIND", required=True)
    to = kinds.add_parser("to", help="mask -> MOC FITS", description="Write a mask as a MOC.")
    to.add_argument("mask", metavar="MASK", help="FITS mask file (WCS or HEALPix)")
    to.add_argument("--hdu", help="HDU of the mask (default: the first)")
    to.add_argument(
        "--max-depth",
        type=int,
        metavar="D",
        help="MOC depth 0-29 (default: the HEALPix map's, or finer than half a WCS pixel)",
    )
    add_output_options(to)
    to.set_defaults(handler=_to_moc, prog=to.prog)
    back = kinds.add_parser(
        "from", help="MOC FITS -> mask", description="A mask: True where the pixel centre is "
        "in the MOC (or outside it, with --outside).",
    )  # fmt: skip
    back.add_argument("moc", metavar="MOC", help="IVOA MOC FITS file")
    back.add_argument("--outside", action="store_true", help="True outside the MOC instead")
    add_geometry_options(back)
    add_output_options(back)
    back.set_defaults(handler=_from_moc, prog=back.prog)


def _to_moc(args) -> int:
    from ..maps.moc import write_moc

    output = check_output(args.output, args.overwrite)
    mask = read_mask(args.mask, hdu=args.hdu)
    try:
        moc = mask.to_moc(max_depth=args.max_depth)
    except (ImportError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    write_moc(moc, output, overwrite=bool(args.overwrite))
    print(f"wrote {output}: MOC of depth {moc.max_order}, sky fraction {moc.sky_fraction:.6g}")
    return 0


def _from_moc(args) -> int:
    from pathlib import Path

    from ..maps.moc import read_moc

    output = check_output(args.output, args.overwrite)
    if not Path(args.moc).is_file():
        raise CliError(f"no such file: {args.moc}")
    try:
        moc = read_moc(args.moc)
    except ImportError as exc:
        raise CliError(str(exc)) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise CliError(f"cannot read the MOC {args.moc}: {exc}") from exc
    geom = geometry_from_args(args)
    mask = geom.region_mask(moc, inside=not args.outside)
    write_map(mask, output, args)
    return 0
