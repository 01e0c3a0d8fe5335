"""The vocabulary of mask recipes: step kinds and options, errors, input records, checks.

Shared by `skymask.workflows.recipes` (the public API) and its step runner.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..utils.units import describe

__all__ = ["STEP_KINDS", "InputFile", "RecipeError"]

#: The step kinds, in the order of the module table.
STEP_KINDS = (
    "read",
    "regions",
    "catalog",
    "significance",
    "converge",
    "combine",
    "not",
    "erode",
    "dilate",
    "boundary",
    "reproject",
)
# Options each step kind takes (besides its key, ``name`` and ``of``).
_OPTIONS = {
    "read": {"fill_value"},
    "regions": {"outside", "psf", "containment", "psf_energy"},
    "catalog": {
        "radius",
        "margin",
        "select",
        "file",
        "psf",
        "containment",
        "psf_energy",
        "outside",
    },
    "significance": {"threshold", "correlation_radius", "low", "connectivity", "dataset"},
    "converge": {
        "threshold",
        "correlation_radius",
        "low",
        "dilate",
        "background",
        "ring",
        "max_iter",
        "initial",
        "dataset",
    },
    "combine": set(),
    "not": set(),
    "erode": {"kernel"},
    "dilate": {"kernel"},
    "boundary": set(),
    "reproject": {"fill_value"},
}
_GEOMETRY_KEYS = {"like", "image", "skydir", "skydir_frame", "frame", "width", "binsz", "npix"}
_GEOMETRY_KEYS |= {"proj", "energy", "refpix"}


class RecipeError(ValueError):
    """A recipe that cannot be built: the message names the step and the rule.

    A `ValueError`, so that callers that catch bad values catch it too.

    Examples
    --------
    >>> from skymask.workflows import MaskRecipe, RecipeError
    >>> try:
    ...     MaskRecipe({"geometry": {"npix": 4, "binsz": 1}, "steps": [{"blur": 1}]})
    ... except RecipeError as error:
    ...     print(str(error).rsplit(", ", 1)[-1])
    got ['blur']
    """


@dataclass(frozen=True)
class InputFile:
    """An input file of a recipe: where the recipe names it and its content's SHA-256.

    Parameters
    ----------
    name : str
        Where the recipe names the file (``"geometry.like"``, ``"steps[0].read"`` ...).
    path : str
        The file, resolved against the recipe's folder.
    sha256 : str
        SHA-256 of the file's content (hexadecimal).
    size : int
        Size in bytes.

    Examples
    --------
    >>> import hashlib, tempfile, pathlib
    >>> from skymask.maps import Map, WcsGeom
    >>> from skymask.workflows import MaskRecipe
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "mask.fits"
    ...     Map.from_geom(WcsGeom.create(npix=4, binsz=1), data=True).write(path)
    ...     steps = [{"read": "mask.fits"}]
    ...     recipe = MaskRecipe({"geometry": {"npix": 4, "binsz": 1}, "steps": steps}, folder)
    ...     [record] = recipe.inputs()
    ...     digest, size = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size
    >>> record.name, record.sha256 == digest, record.size == size
    ('steps[0].read', True, True)
    """

    name: str
    path: str
    sha256: str
    size: int


# ---------------------------------------------------------------------- checks
def _kind(step) -> str:
    """The step kind: the one key that is a kind, or, when an option has a kind's name
    ("converge" takes "dilate"), the kind whose options hold all the others."""
    kinds = [key for key in step if key in STEP_KINDS]
    if len(kinds) > 1:
        kinds = [k for k in kinds if all(o == k or o in _OPTIONS[k] for o in kinds)]
    return kinds[0] if len(kinds) == 1 else "?"


def _check_step(index, step) -> None:
    if not isinstance(step, dict):
        raise RecipeError(
            f"step {index} must be a mapping such as {{erode: 0.2 deg}}, got {describe(step)}"
        )
    kind = _kind(step)
    if kind == "?":
        raise RecipeError(
            f"step {index} must name exactly one step kind of {list(STEP_KINDS)}, got {list(step)}"
        )
    unknown = sorted(set(step) - {kind, "name", "of"} - _OPTIONS[kind])
    if unknown:
        raise RecipeError(
            f"step {index} ({kind}): unknown options {unknown}; it takes "
            f"{sorted(_OPTIONS[kind] | {'name', 'of'})}"
        )


def _is_region_file(value, recipe) -> bool:
    text = str(value)
    if "\n" in text or ";" in text or "(" in text:
        return False
    return recipe.resolve(text).is_file()
