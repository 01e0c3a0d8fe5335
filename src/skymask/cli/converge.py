"""``skymask mask converge``: the exclusion mask that its own background agrees with."""

from __future__ import annotations

from pathlib import Path

from ._common import (
    CliError,
    add_output_options,
    angle,
    angle_or_pixels,
    check_low_threshold,
    check_output,
    finite_float,
    positive_int,
    read_mask,
    write_map,
)
from ._datasets import read_dataset as _read_dataset
from .recipes import add_print_recipe_option, print_recipe

_DESCRIPTION = """\
Exclusion mask of the significant sky, iterated until it is consistent with the background
it was computed with: normalise the background with the current exclusion (--background fov:
the dataset's template scaled on the free field of view; ring: ring background with --ring),
compute sqrt(TS) in a top-hat of --correlation-radius, exclude the pixels at or above
--threshold (with --low: hysteresis; with --dilate: grown by that width) together with the
--initial exclusion, and repeat until the mask stops changing. Each step is printed (norm,
significant, excluded and changed pixels). If the mask still changes after --max-iter steps,
or returns to an earlier mask (an oscillation), the last mask is written, a warning says so
and the exit code is 3.

The mask is on the dataset's sky grid, True where background estimation may look."""


def add_parser(kinds) -> None:
    """Register ``mask converge`` on the ``mask`` subcommands."""
    parser = kinds.add_parser(
        "converge",
        help="significance exclusion mask iterated with its background to a fixed point",
        description=_DESCRIPTION,
        epilog="example:\n\n"
        "  skymask mask converge Fermi-LAT-3FHL_data_Fermi-LAT.fits --threshold 5 \\\n"
        "      --correlation-radius 0.4deg --dilate 0.2deg -o exclusion.fits",
    )
    parser.add_argument(
        "dataset",
        metavar="DATASET",
        help="gammapy MapDataset FITS file, or a datasets YAML index (see --name)",
    )
    parser.add_argument("--name", help="with a YAML index: the dataset to use")
    parser.add_argument(
        "--threshold",
        type=finite_float,
        default=5.0,
        metavar="SIGMA",
        help="sqrt(TS) at and above which the sky is excluded (default: %(default)s)",
    )
    parser.add_argument(
        "--low", type=finite_float, metavar="SIGMA", help="hysteresis: lower threshold"
    )
    parser.add_argument(
        "--correlation-radius",
        type=angle,
        default="0.1deg",
        metavar="ANGLE",
        help="top-hat radius of the significance (default: %(default)s)",
    )
    parser.add_argument(
        "--dilate",
        type=angle_or_pixels,
        metavar="WIDTH",
        help="grow the significant pixels by WIDTH (an angle, or pixels: 3pix)",
    )
    parser.add_argument(
        "--background",
        choices=("fov", "ring"),
        default="fov",
        help="background: FoV normalisation of the template (default) or ring background",
    )
    parser.add_argument(
        "--ring",
        nargs=2,
        type=angle,
        metavar=("R_IN", "WIDTH"),
        help="with --background ring: inner radius and width of the ring",
    )
    parser.add_argument(
        "--initial",
        metavar="FILE",
        help="exclusion mask to start from and keep (e.g. a catalog mask; True: free)",
    )
    parser.add_argument(
        "--max-iter",
        type=positive_int,
        default=10,
        metavar="N",
        help="most steps (default: %(default)s)",
    )
    add_output_options(parser)
    add_print_recipe_option(parser)
    parser.set_defaults(handler=_converge, prog=parser.prog)


def _converge(args) -> int:
    import sys
    import warnings

    from ..workflows import ExclusionNotConvergedWarning, make_exclusion_mask

    output = check_output(args.output, args.overwrite)
    if args.background == "ring" and args.ring is None:
        raise CliError("--background ring needs --ring R_IN WIDTH (e.g. --ring 0.5deg 0.3deg)")
    if args.background == "fov" and args.ring is not None:
        raise CliError("--ring is only used with --background ring")
    check_low_threshold(args)
    dataset = _read_dataset(Path(args.dataset), args.name)
    initial = None if args.initial is None else read_mask(args.initial)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExclusionNotConvergedWarning)
        result = make_exclusion_mask(
            dataset,
            threshold=args.threshold,
            correlation_radius=args.correlation_radius,
            low=args.low,
            dilate=args.dilate,
            background=args.background,
            ring=None if args.ring is None else tuple(args.ring),
            initial=initial,
            max_iter=args.max_iter,
        )
    norm_name = "norm" if args.background == "fov" else "mean alpha"
    print(f"step  {norm_name:>10}  significant  excluded  changed")
    for row in result.history:
        print(
            f"{row['iteration']:4d}  {row['norm']:10.4f}  {row['n_significant']:11d}  "
            f"{row['n_excluded']:8d}  {row['n_changed']:7d}"
        )
    result.mask.meta["converge"] = result.reason
    write_map(result.mask, output, args)
    _print_recipe(args)
    for warning in caught:
        if issubclass(warning.category, ExclusionNotConvergedWarning):
            print(f"{args.prog}: warning: {warning.message}", file=sys.stderr)
            return 3
    return 0


def _print_recipe(args) -> None:
    dataset = str(Path(args.dataset).resolve())
    steps = []
    step = {
        "converge": dataset,
        "threshold": args.threshold,
        "correlation_radius": f"{args.correlation_radius.to_value('deg'):g} deg",
    }
    if args.name is not None:
        step["dataset"] = args.name
    if args.low is not None:
        step["low"] = args.low
    if args.dilate is not None:
        step["dilate"] = f"{args.dilate.value:g} {args.dilate.unit.to_string()}"
    step["background"] = args.background
    if args.ring is not None:
        step["ring"] = [f"{r.to_value('deg'):g} deg" for r in args.ring]
    step["max_iter"] = args.max_iter
    if args.initial is not None:
        steps.append({"read": str(Path(args.initial).resolve()), "name": "initial"})
        step["initial"] = "initial"
    steps.append(step)
    print_recipe(args, steps, geometry={"like": dataset, "image": True})
