"""Workflows built on the makers and estimators: converged exclusion masks, mask recipes."""

from .converge import (
    BACKGROUNDS,
    ConvergedExclusion,
    ExclusionNotConvergedWarning,
    make_exclusion_mask,
)
from .recipes import (
    PROVENANCE_HDU,
    RECIPE_VERSION,
    STEP_KINDS,
    InputFile,
    MaskRecipe,
    RecipeError,
    ReplayReport,
    read_provenance,
    replay,
)

__all__ = [
    "BACKGROUNDS",
    "PROVENANCE_HDU",
    "RECIPE_VERSION",
    "STEP_KINDS",
    "ConvergedExclusion",
    "ExclusionNotConvergedWarning",
    "InputFile",
    "MaskRecipe",
    "RecipeError",
    "ReplayReport",
    "make_exclusion_mask",
    "read_provenance",
    "replay",
]
