"""Datasets for the estimator tests: real `skymask.datasets.MapDataset` objects."""

from __future__ import annotations

from skymask.datasets import MapDataset

__all__ = ["REFERENCE_ARRAYS", "StandInDataset"]

REFERENCE_ARRAYS = [
    "counts",
    "npred",
    "npred_excess",
    "ts",
    "sqrt_ts",
    "norm",
    "norm_err",
]


def StandInDataset(counts, background, exposure=None, edisp=None, mask_safe=None, mask_fit=None):
    """A MapDataset from maps (the name is kept from when the tests used a duck-typed stand-in)."""
    return MapDataset(
        counts=counts,
        background=background,
        exposure=exposure,
        edisp=edisp,
        mask_safe=mask_safe,
        mask_fit=mask_fit,
    )
