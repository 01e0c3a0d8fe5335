"""``skymask mask regions|catalog|significance``: build a new mask."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ._common import (
    CliError,
    add_output_options,
    angle,
    check_low_threshold,
    check_output,
    finite_float,
    read_mask,
    write_map,
)
from ._dask import chunks_for
from ._datasets import read_dataset as _read_dataset
from ._geometry import add_geometry_options, geometry_from_args
from ._progress import Progress
from .recipes import add_print_recipe_option, print_recipe

__all__ = ["add_parsers"]

# On a terminal, masks of more regions than this are painted in chunks to show progress.
_CHUNK = 64
_UPDATES = 50

_OUTSIDE_HELP = (
    "True outside the regions instead of inside: an exclusion mask, False where the "
    "background estimate must not look"
)

_SIGNIFICANCE_DESCRIPTION = """\
Significance (exclusion) mask of a map dataset, as in gammapy's "Mask maps" tutorial.

The significance is ExcessMapEstimator(correlation_radius).run(dataset)["sqrt_ts"]: the
Cash significance of the counts over the background, summed over the energy bins in the
dataset's safe mask and correlated with a top-hat of the given radius. It is NaN where the
safe and fit masks leave no energy bin.

The mask follows the exclusion convention: True where the sky is NOT significant (usable for
background estimation), False on significant emission. Without --low a pixel is significant
when sqrt_ts >= THRESHOLD, so the mask is the tutorial's `sqrt_ts < 5`. With --low,
significant pixels are those with sqrt_ts > LOW whose connected region reaches sqrt_ts >
THRESHOLD (hysteresis, as scikit-image's apply_hysteresis_threshold), so the exclusion
follows the faint wings of a bright source without excluding isolated noise peaks.

Pixels without a significance (NaN) are not significant, so they are True, as in the
tutorial (`significance_mask.data[np.isnan(sqrt_ts)] = True`).

The result keeps the estimator's geometry: the dataset's sky grid with one energy bin
spanning the dataset's energy range."""


def add_parsers(commands) -> None:
    """Register ``mask`` and its subcommands on the top-level subparsers."""
    mask = commands.add_parser(
        "mask",
        help="build a mask from sky regions, a source catalog or a significance map",
        description="Build a new mask and write it to a FITS file.",
    )
    kinds = mask.add_subparsers(dest="mask_kind", metavar="KIND", required=True)

    regions = kinds.add_parser(
        "regions",
        help="mask from ds9 regions (a string or a .reg file)",
        description="Mask that is True inside ds9 regions (or outside, with --outside). "
        "Circles and annuli are tested on the sphere; ds9 exclude regions (-circle(...)) "
        "are honoured; text labels, lines and other annotations mark no pixel. REGIONS '-' "
        "reads the regions from standard input (for lists longer than a command line holds). "
        "Shapes: {region_shapes} (how each is tested: the shapes table of the user guide).",
        epilog="example:\n\n"
        "  skymask mask regions --like counts.fits --image --outside \\\n"
        "      'galactic;box(185,-4,1.0,0.5,45);icrs;circle(83.633,22.0145,0.3)' \\\n"
        "      -o exclusion.fits",
    )
    regions.add_argument(
        "regions",
        metavar="REGIONS",
        help="ds9 region string, the name of a ds9 region file, or - for standard input",
    )
    regions.add_argument("--outside", action="store_true", help=_OUTSIDE_HELP)
    add_geometry_options(regions)
    add_output_options(regions)
    add_print_recipe_option(regions)
    regions.set_defaults(handler=_regions, prog=regions.prog)

    catalog = kinds.add_parser(
        "catalog",
        help="mask of circles around the sources of a catalog",
        description="Mask that is True inside a circle around every catalog source in the "
        "geometry (or outside, with --outside). Each circle has radius max(RADIUS, extension "
        "+ MARGIN): extended sources get circles that cover them. The catalog file is read "
        "from $GAMMAPY_DATA unless --catalog-file is given.",
        epilog="example (the tutorial's catalog exclusion mask):\n\n"
        "  skymask mask catalog 3fhl --radius 0.3deg --outside \\\n"
        "      --skydir 83.633083 22.0145 --skydir-frame icrs --frame galactic \\\n"
        "      --width 5deg --binsz 0.02 -o exclusion_catalog.fits",
    )
    catalog.add_argument("tag", metavar="TAG", help="catalog tag (any letter case): {catalog_tags}")
    catalog.add_argument(
        "--radius",
        type=angle,
        required=True,
        metavar="ANGLE",
        help="smallest circle radius, e.g. 0.3deg",
    )
    catalog.add_argument(
        "--margin",
        type=angle,
        metavar="ANGLE",
        help="added to the extension radius of extended sources",
    )
    catalog.add_argument(
        "--select",
        choices=("inside", "overlap"),
        default="inside",
        help="which sources: those inside the map (default, as the tutorial), or also those "
        "outside whose circle reaches into it",
    )
    catalog.add_argument(
        "--catalog-file", metavar="FILE", help="catalog FITS file (default: from $GAMMAPY_DATA)"
    )
    catalog.add_argument("--outside", action="store_true", help=_OUTSIDE_HELP)
    catalog.add_argument(
        "--psf",
        metavar="FILE",
        help="grow every circle with the PSF of FILE (a MapDataset or PSF map file with a PSF "
        "HDU): radius sqrt(r^2 + r_psf(E)^2) per energy bin, giving one mask plane per energy "
        "bin (the geometry needs an energy axis: --like DATASET, or --energy-bounds/--energy-bins)",
    )
    catalog.add_argument(
        "--containment",
        type=_fraction,
        default=0.95,
        metavar="FRACTION",
        help="with --psf: the PSF fraction inside r_psf (default 0.95); it is also the "
        "fraction of an extended source inside its extension radius",
    )
    catalog.add_argument(
        "--psf-energy",
        choices=("lower", "center"),
        default="lower",
        help="with --psf: take r_psf at each energy bin's lowest edge (default: the bin's "
        "largest radius, so every energy of the bin is covered) or at its centre",
    )
    add_geometry_options(catalog)
    add_output_options(catalog)
    add_print_recipe_option(catalog)
    catalog.set_defaults(handler=_catalog, prog=catalog.prog)

    significance = kinds.add_parser(
        "significance",
        help="exclusion mask of the significant sky in a map dataset",
        description=_SIGNIFICANCE_DESCRIPTION,
        epilog="example:\n\n"
        "  skymask mask significance Fermi-LAT-3FHL_data_Fermi-LAT.fits \\\n"
        "      --threshold 5 --low 3 --correlation-radius 0.4deg -o significance.fits",
    )
    significance.add_argument(
        "dataset",
        metavar="DATASET",
        help="gammapy MapDataset FITS file, or a datasets YAML index (see --name)",
    )
    significance.add_argument(
        "--threshold",
        type=finite_float,
        metavar="SIGMA",
        required=True,
        help="significance (sigma) at and above which the sky is excluded, e.g. 5",
    )
    significance.add_argument(
        "--low",
        type=finite_float,
        metavar="SIGMA",
        help="hysteresis: lower significance that grows the exclusion",
    )
    significance.add_argument(
        "--connectivity",
        type=int,
        choices=(1, 2),
        default=1,
        help="hysteresis neighbours: 1 edges only (default), 2 corners too",
    )
    significance.add_argument(
        "--correlation-radius",
        type=angle,
        metavar="ANGLE",
        default="0.1deg",
        help="top-hat radius of the significance (default: %(default)s, as "
        "ExcessMapEstimator; the tutorial uses 0.4deg on Fermi-LAT data)",
    )
    significance.add_argument(
        "--name", help="with a YAML index: the dataset to use (default: the only one)"
    )
    significance.add_argument(
        "--mask-fit",
        metavar="FILE",
        help="use this mask (same geometry as the counts) as the dataset's fit mask",
    )
    add_output_options(significance)
    add_print_recipe_option(significance)
    significance.set_defaults(handler=_significance, prog=significance.prog)

    from .converge import add_parser as add_converge_parser

    add_converge_parser(kinds)


# ---------------------------------------------------------------------- handlers
def _regions(args) -> int:
    output = check_output(args.output, args.overwrite)
    geom = geometry_from_args(args)
    regions = args.regions
    if regions == "-":
        # A line break makes the text region text, never a file name.
        regions = sys.stdin.read() + "\n"
    mask = _region_mask(
        geom, regions, inside=not args.outside, label=args.prog, chunks=chunks_for(args, geom.ndim)
    )
    write_map(mask, output, args)
    step = {"regions": str(Path(regions).resolve()) if _is_file(regions) else regions}
    print_recipe(args, [{**step, "outside": bool(args.outside)}])
    return 0


def _is_file(text) -> bool:
    try:
        return "\n" not in text and ";" not in text and Path(text).is_file()
    except (OSError, ValueError):
        return False


def _catalog(args) -> int:
    from ..catalog import CATALOG_REGISTRY

    output = check_output(args.output, args.overwrite)
    geom = geometry_from_args(args)
    cls = CATALOG_REGISTRY.get_cls(args.tag)
    try:
        catalog = cls(filename=args.catalog_file)
    except FileNotFoundError as exc:
        raise CliError(f"{exc} (on the command line: --catalog-file FILE)") from exc
    margin = "0 deg" if args.margin is None else args.margin
    if args.psf is None:
        regions = catalog.exclusion_regions(
            args.radius, geom=geom, margin=margin, select=args.select
        )
        print(f"{cls.tag}: {len(regions)} of {len(catalog)} sources selected ({args.select})")
        mask = _region_mask(
            geom,
            regions,
            inside=not args.outside,
            label=args.prog,
            chunks=chunks_for(args, geom.ndim),
        )
    else:
        mask = _psf_aware_mask(catalog, geom, margin, args)
    write_map(mask, output, args)
    step = {"catalog": cls.tag, "radius": _quantity_text(args.radius)}
    if args.margin is not None:
        step["margin"] = _quantity_text(args.margin)
    step["select"] = args.select
    if args.catalog_file is not None:
        step["file"] = str(Path(args.catalog_file).resolve())
    if args.psf is not None:
        step.update(
            psf=str(Path(args.psf).resolve()),
            containment=args.containment,
            psf_energy=args.psf_energy,
        )
    step["outside"] = bool(args.outside)
    print_recipe(args, [step])
    return 0


def _quantity_text(quantity) -> str:
    return f"{quantity.value:g} {quantity.unit.to_string()}"


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1), got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text!r}")
    return value


def _psf_aware_mask(catalog, geom, margin, args):
    """The catalog exclusion cube whose radii grow with the PSF of ``--psf``."""
    from ..irf import PSFMap

    names = [name.lower() for name in geom.axes.names]
    if "energy" not in names and "energy_true" not in names:
        raise CliError(
            "--psf gives one mask plane per energy bin, but the geometry has no energy axis: "
            "use --like DATASET (without --image) or --energy-bounds EMIN EMAX --energy-bins N"
        )
    try:
        psf = PSFMap.read(args.psf, hdu="PSF")
    except FileNotFoundError as exc:
        raise CliError(f"{exc} (on the command line: --psf FILE)") from exc
    circles = catalog.exclusion_regions(
        args.radius,
        geom=geom,
        margin=margin,
        select=args.select,
        psf=psf,
        containment=args.containment,
        energy_point=args.psf_energy,
    )
    print(f"{catalog.tag}: {len(circles)} of {len(catalog)} sources selected ({args.select})")
    axis = geom.axes["energy" if "energy" in geom.axes.names else "energy_true"]
    radii = circles.radii_for_axis(axis).deg
    where = "lowest edge" if args.psf_energy == "lower" else "centre"
    for index, energy in enumerate(circles.bin_energies(axis)):
        if len(circles):
            print(
                f"  bin {index} ({where} {energy:.4g}): radius {radii[:, index].min():.3f} to "
                f"{radii[:, index].max():.3f} deg with the PSF's {args.containment:.0%} radius"
            )
    return geom.region_mask(circles, inside=not args.outside, chunks=chunks_for(args, geom.ndim))


def _significance(args) -> int:
    from ..estimators import ExcessMapEstimator

    output = check_output(args.output, args.overwrite)
    check_low_threshold(args)
    with Progress(args.prog, total=4, unit="steps") as progress:
        progress.update(0, "reading the dataset")
        dataset = _read_dataset(Path(args.dataset), args.name)
        if args.mask_fit is not None:
            dataset.mask_fit = read_mask(args.mask_fit)
        progress.update(1, "estimating the significance")
        estimator = ExcessMapEstimator(args.correlation_radius, selection_optional=[])
        sqrt_ts = estimator.run(dataset)["sqrt_ts"]
        progress.update(2, "thresholding")
        if args.low is None:
            # NaN >= threshold is False: pixels without a significance are not significant.
            significant = sqrt_ts >= args.threshold
        else:
            significant = sqrt_ts.hysteresis_threshold(
                args.low, args.threshold, connectivity=args.connectivity
            )
        mask = ~significant
        progress.update(3, "writing")
        write_map(mask, output, args)
    step = {
        "significance": str(Path(args.dataset).resolve()),
        "threshold": args.threshold,
        "correlation_radius": _quantity_text(args.correlation_radius),
    }
    if args.low is not None:
        step.update(low=args.low, connectivity=args.connectivity)
    if args.name is not None:
        step["dataset"] = args.name
    if args.mask_fit is not None:
        print("# note: --mask-fit has no recipe step; the recipe uses the dataset's own masks")
    # The recipe's significance step gives the sky image (significant in any energy group).
    print_recipe(args, [step], geometry={"like": str(Path(args.dataset).resolve()), "image": True})
    return 0


# ---------------------------------------------------------------------- helpers
def _region_mask(geom, regions, *, inside: bool, label: str, chunks=None):
    """``geom.region_mask(regions, inside=inside)``, painted in chunks with a progress bar
    when stderr is a terminal and there are many regions.

    Chunks are only used when every region is an include region: the union of the chunks'
    masks is then the mask of all regions. With dask ``chunks`` the mask is chunked in pixels
    instead (painted and written block by block; dask reports the progress).
    """
    if chunks is not None:
        return geom.region_mask(regions, inside=inside, chunks=chunks)
    from ..maps import Map
    from ..rasterize import parse_regions

    pairs = parse_regions(regions)
    items = [region for region, _ in pairs]
    progress = Progress(label, total=len(items), unit="regions")
    if not progress.enabled or len(items) <= _CHUNK or not all(inc for _, inc in pairs):
        return geom.region_mask(items, inside=inside)
    image = geom.to_image()
    union = Map.from_geom(image, data=False)
    chunk = max(_CHUNK, math.ceil(len(items) / _UPDATES))
    with progress:
        for start in range(0, len(items), chunk):
            union |= image.region_mask(items[start : start + chunk])
            progress.update(start + chunk)
    mask = union if inside else ~union
    return Map.from_geom(geom, data=mask.data)
