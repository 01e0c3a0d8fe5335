"""``skymask combine|erode|dilate|boundary|reproject``: new masks from existing ones."""

from __future__ import annotations

from ._common import (
    CliError,
    add_output_options,
    angle_or_pixels,
    check_output,
    one_line,
    pair_of,
    read_geom,
    read_map,
    read_mask,
    write_map,
)
from ._geometry import add_geometry_options, geometry_from_args
from .recipes import add_print_recipe_option, print_recipe

__all__ = ["add_parsers"]

_WIDTH_FORMS = "an angle (0.3deg, 18arcmin) or a pixel count (3pix, or a plain number)"

_OPERATIONS = {
    "and": "True where every mask is True (intersection)",
    "or": "True where any mask is True (union)",
    "xor": "True where an odd number of masks is True",
    "not": "the inverse of one mask",
}


def add_parsers(commands) -> None:
    """Register the mask operations on the top-level subparsers."""
    combine = commands.add_parser(
        "combine",
        help="combine masks with and, or, xor, or invert one with not",
        description="Combine masks of the same geometry (an image mask also combines with a "
        "cube on the same sky grid) pixel by pixel: "
        + "; ".join(f"{name}: {text}" for name, text in _OPERATIONS.items())
        + ". Masks on different grids must be reprojected first (skymask reproject).",
        epilog="example:\n\n"
        "  skymask combine and exclusion_regions.fits exclusion_catalog.fits -o exclusion.fits",
    )
    combine.add_argument("operation", choices=tuple(_OPERATIONS), metavar="{and,or,xor,not}")
    combine.add_argument("files", nargs="+", metavar="FILE", help="mask FITS files")
    add_output_options(combine)
    add_print_recipe_option(combine)
    combine.set_defaults(handler=_combine, prog=combine.prog)

    rules = {
        "erode": "keeps a True pixel only if every pixel centre within WIDTH is True (pixels "
        "outside the map count as False)",
        "dilate": "makes a pixel True if some True pixel centre lies within WIDTH",
    }
    for name, verb, noun in (("erode", "shrink", "erosion"), ("dilate", "grow", "dilation")):
        rule = rules[name]
        parser = commands.add_parser(
            name,
            help=f"{verb} a mask by a radius (binary {noun})",
            description=f"{verb.capitalize()} the True regions of a mask: {name} {rule}. "
            "Each energy plane is treated separately. Unlike gammapy's default, the result is "
            "exact (no FFT) and WIDTH is the radius itself.",
            epilog=f"example:\n\n  skymask {name} mask.fits --width 0.2deg -o {name}d.fits",
        )
        parser.add_argument("file", metavar="FILE", help="mask FITS file")
        parser.add_argument("--hdu", help="HDU of FILE (default: the first image HDU)")
        parser.add_argument(
            "--width",
            type=angle_or_pixels,
            required=True,
            metavar="WIDTH",
            help=f"radius: {_WIDTH_FORMS}",
        )
        parser.add_argument(
            "--kernel",
            choices=("disk", "box"),
            default="disk",
            help="disk (default), or box, whose half-width is WIDTH",
        )
        add_output_options(parser)
        add_print_recipe_option(parser)
        parser.set_defaults(handler=_morphology, operation=name, prog=parser.prog)

    boundary = commands.add_parser(
        "boundary",
        help="mask that is False near the map edges (e.g. a PSF margin for a fit mask)",
        description="Mask on the geometry of FILE (its values are not used) that is False "
        "where a pixel centre is closer than WIDTH to the map edge. Combine it with another "
        "mask with 'skymask combine and'.",
        epilog="example (a fit mask with a margin of the largest PSF 95 % radius):\n\n"
        "  skymask boundary counts.fits --width 0.584deg -o mask_fit.fits",
    )
    boundary.add_argument("file", metavar="FILE", help="any map FITS file (counts, a mask, ...)")
    boundary.add_argument("--hdu", help="HDU of FILE (default: the first image HDU)")
    boundary.add_argument(
        "--width",
        type=pair_of(angle_or_pixels),
        required=True,
        metavar="W",
        help=f"margin, one value or a LON,LAT pair (0.5deg,0.2deg): {_WIDTH_FORMS}",
    )
    add_output_options(boundary)
    add_print_recipe_option(boundary)
    boundary.set_defaults(handler=_boundary, prog=boundary.prog)

    reproject = commands.add_parser(
        "reproject",
        help="put a mask on another geometry (nearest pixel)",
        description="Reproject a mask onto another geometry: every target pixel takes the "
        "value of the mask pixel that contains its centre (frames are converted). An image "
        "mask is repeated over the target's energy bins. Target pixels outside the mask's "
        "footprint get --fill-value.",
        epilog="example:\n\n"
        "  skymask reproject exclusion.fits --like counts.fits --image --fill-value false \\\n"
        "      -o exclusion_on_counts.fits",
    )
    reproject.add_argument("file", metavar="FILE", help="mask FITS file")
    reproject.add_argument("--hdu", help="HDU of FILE (default: the first image HDU)")
    reproject.add_argument(
        "--fill-value",
        type=str.lower,
        choices=("true", "false"),
        required=True,
        help="value of target pixels outside the mask's footprint; required, as in "
        "Map.interp_to_geom, because the right choice depends on the use: false treats "
        "unknown sky as excluded (exclusion masks) or not fitted (fit masks), true as free",
    )
    add_geometry_options(reproject, like_help="take the target geometry from the map in FILE")
    add_output_options(reproject)
    add_print_recipe_option(reproject)
    reproject.set_defaults(handler=_reproject, prog=reproject.prog)


# ---------------------------------------------------------------------- handlers
def _combine(args) -> int:
    output = check_output(args.output, args.overwrite)
    if args.operation == "not":
        if len(args.files) != 1:
            raise CliError(f"'not' inverts one mask, got {len(args.files)} files")
        result = ~read_mask(args.files[0])
    else:
        if len(args.files) < 2:
            raise CliError(f"'{args.operation}' needs at least two masks, got one")
        result = read_mask(args.files[0])
        for path in args.files[1:]:
            other = read_mask(path)
            try:
                if args.operation == "and":
                    result = result & other
                elif args.operation == "or":
                    result = result | other
                else:
                    result = result ^ other
            except ValueError as exc:
                raise CliError(
                    f"cannot combine {path} with {args.files[0]}: {one_line(exc)}"
                ) from exc
    write_map(result, output, args)
    reads = [{"read": _absolute(path), "name": f"mask{i}"} for i, path in enumerate(args.files)]
    if args.operation == "not":
        steps = [reads[0], {"not": None}]
    else:
        steps = [*reads, {"combine": args.operation, "of": [r["name"] for r in reads]}]
    print_recipe(args, steps, geometry={"like": _absolute(args.files[0])})
    return 0


def _absolute(path) -> str:
    from pathlib import Path

    return str(Path(path).resolve())


def _width_text(width):
    """A width (or a (lon, lat) pair of widths) as recipe text: "0.2 deg", "3 pix"."""
    if isinstance(width, (tuple, list)):
        return [_width_text(item) for item in width]
    return f"{width.value:g} {width.unit.to_string()}"


def _morphology(args) -> int:
    output = check_output(args.output, args.overwrite)
    mask = read_mask(args.file, hdu=args.hdu, chunks=_chunks(args))
    if args.operation == "erode":
        result = mask.binary_erode(args.width, kernel=args.kernel)
    else:
        result = mask.binary_dilate(args.width, kernel=args.kernel)
    write_map(result, output, args)
    step = {args.operation: _width_text(args.width), "kernel": args.kernel}
    geometry = {"like": _absolute(args.file)}
    print_recipe(args, [{"read": _absolute(args.file)}, step], geometry=geometry)
    return 0


def _chunks(args):
    from ._dask import chunks_for

    if chunks_for(args, 2) is None:
        return None
    return chunks_for(args, read_geom(args.file, hdu=args.hdu).ndim)


def _boundary(args) -> int:
    output = check_output(args.output, args.overwrite)
    geom = read_map(args.file, hdu=args.hdu).geom
    write_map(geom.boundary_mask(args.width), output, args)
    steps = [{"boundary": _width_text(args.width)}]
    print_recipe(args, steps, geometry={"like": _absolute(args.file)})
    return 0


def _reproject(args) -> int:
    output = check_output(args.output, args.overwrite)
    mask = read_mask(args.file, hdu=args.hdu)
    geom = geometry_from_args(args)
    result = mask.interp_to_geom(geom, fill_value=args.fill_value == "true")
    write_map(result, output, args)
    print_recipe(args, [{"read": _absolute(args.file), "fill_value": args.fill_value == "true"}])
    return 0
