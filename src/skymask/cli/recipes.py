"""``skymask build`` and ``skymask replay``: masks from recipes, and their provenance."""

from __future__ import annotations

from pathlib import Path

from ._common import CliError, add_output_options, check_output

__all__ = [
    "add_parsers",
    "add_print_recipe_option",
    "geometry_recipe",
    "print_provenance",
    "print_recipe",
]


def add_parsers(commands) -> None:
    """Register ``build`` and ``replay`` on the top-level subparsers."""
    build = commands.add_parser(
        "build",
        help="build a mask from a YAML recipe, with its provenance",
        description="Build the mask a YAML recipe describes (a geometry and steps: regions, "
        "catalog, significance, converge, combine, not, erode, dilate, boundary, reproject, "
        "read) and write it with a PROVENANCE extension: the recipe, the skymask version and "
        "the SHA-256 of every input file. 'skymask replay' rebuilds the mask from that "
        "extension. Relative file names in the recipe are read from the recipe's folder.",
        epilog="example:\n\n  skymask build exclusion.yaml -o exclusion.fits",
    )
    build.add_argument("recipe", metavar="RECIPE", help="YAML recipe file")
    add_output_options(build)
    build.set_defaults(handler=_build, prog=build.prog)

    replay = commands.add_parser(
        "replay",
        help="rebuild a mask from its provenance and check it is bit-identical",
        description="Rebuild a mask written by 'skymask build' from the recipe in its "
        "PROVENANCE extension, and report whether the result is bit-identical to the stored "
        "mask and which input file changed (by SHA-256) if it is not. Exit code 0: identical; "
        "1: different.",
        epilog="example:\n\n  skymask replay exclusion.fits",
    )
    replay.add_argument("file", metavar="FILE", help="mask FITS file built from a recipe")
    replay.set_defaults(handler=_replay, prog=replay.prog)


def _build(args) -> int:
    from ..workflows import MaskRecipe, RecipeError

    output = check_output(args.output, args.overwrite)
    try:
        recipe = MaskRecipe.from_yaml(_yaml_path(args.recipe))
        mask = recipe.write(output, overwrite=bool(args.overwrite))
    except RecipeError as exc:
        raise CliError(f"{args.recipe}: {exc}") from None
    n_true = int(mask.data.sum())
    print(
        f"wrote {output}: mask of shape {mask.data.shape}, {n_true} of {mask.data.size} True "
        f"({100 * n_true / mask.data.size:.1f} %), {len(recipe.steps)} steps, with provenance"
    )
    return 0


def _yaml_path(text):
    from pathlib import Path

    path = Path(text)
    if not path.is_file():
        raise CliError(f"no such recipe file: {path}")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise CliError(f"{path}: a recipe is a YAML file (.yaml or .yml)")
    return path


def _replay(args) -> int:
    from ..workflows import RecipeError, replay

    try:
        report = replay(args.file)
    except RecipeError as exc:
        raise CliError(str(exc)) from None
    print(report.summary())
    return 0 if report.identical else 1


def print_provenance(filename) -> None:
    """Print a file's provenance (for ``skymask info``); nothing if it has none."""
    from ..workflows import read_provenance

    provenance = read_provenance(filename)
    if provenance is None:
        return
    print(f"provenance : built by skymask {provenance['version']} at {provenance['created']} UTC")
    print(f"  base folder : {provenance['base_dir']}")
    for record in provenance["inputs"]:
        print(f"  input {record.name} : {record.path} (sha256 {record.sha256[:16]}...)")
    print("  recipe:")
    for line in provenance["recipe"].rstrip().splitlines():
        print(f"    {line}")


def add_print_recipe_option(parser) -> None:
    """``--print-recipe``: print the recipe steps the command runs."""
    parser.add_argument(
        "--print-recipe",
        action="store_true",
        help="also print the recipe (YAML for 'skymask build') that rebuilds this output",
    )


def _text(quantity) -> str:
    """A Quantity as recipe text ("0.3 deg", "3.0 pix")."""
    unit = quantity.unit.to_string()
    return f"{quantity.value:g} {unit}".strip()


def _values(value):
    """CLI values (Quantities, tuples of them) as YAML-safe numbers in degrees."""
    from astropy import units as u

    if isinstance(value, (tuple, list)):
        return [_values(item) for item in value]
    if isinstance(value, u.Quantity):
        return float(value.to_value(u.deg)) if value.unit.is_equivalent(u.deg) else _text(value)
    return value


def geometry_recipe(args) -> dict:
    """The recipe ``geometry`` of a command's geometry options."""
    if getattr(args, "like", None) is not None:
        geometry = {"like": str(Path(args.like).resolve())}
        if args.image:
            geometry["image"] = True
        return geometry
    geometry = {}
    for key in ("skydir", "skydir_frame", "frame", "width", "npix", "binsz", "proj", "refpix"):
        value = getattr(args, key, None)
        if value is not None:
            geometry[key] = _values(value)
    if getattr(args, "energy_bounds", None) is not None:
        low, high = args.energy_bounds
        geometry["energy"] = {"min": _text(low), "max": _text(high), "nbin": args.energy_bins}
    return geometry


def print_recipe(args, steps, *, geometry: dict | None = None) -> None:
    """With ``--print-recipe``: print the recipe (YAML) that rebuilds the command's output."""
    import yaml

    if not getattr(args, "print_recipe", False):
        return
    document = {"skymask-recipe": 1}
    document["geometry"] = geometry if geometry is not None else geometry_recipe(args)
    document["steps"] = steps
    print("# the recipe of this command (skymask build RECIPE.yaml -o FILE rebuilds it):")
    print(yaml.safe_dump(document, sort_keys=False).rstrip())
