"""Workflows built on the makers and estimators: converged exclusion masks, mask recipes."""

from .converge import (
    BACKGROUNDS,
    ConvergedExclusion,
    ExclusionNotConvergedWarning,
    make_exclusion_mask,
)

__all__ = [
    "BACKGROUNDS",
    "ConvergedExclusion",
    "ExclusionNotConvergedWarning",
    "make_exclusion_mask",
]
