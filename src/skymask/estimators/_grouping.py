"""Energy groups of a map dataset's cubes on plain arrays: sums of the safe planes, masks.

Used on whole cubes by `ExcessMapEstimator` and, chunk by chunk (each chunk holding the whole
energy axis), by its chunked path: the same function on the same values gives the same bits.
"""

from __future__ import annotations

import numpy as np

__all__ = ["combine_masks", "group_any", "group_sum"]


def group_sum(data, weights, groups) -> np.ndarray:
    """Sum of ``data`` over each group of energy planes where ``weights`` is True (float64)."""
    data = np.asarray(data)  # float32 counts are added as float64 without a float64 copy
    out = np.empty((len(groups), *data.shape[1:]))
    for k, (start, stop) in enumerate(groups):
        # Only the True planes are added (not a product: a NaN in an unsafe bin does not enter
        # the sum), without a masked copy of the cube.
        out[k] = 0.0
        np.add.reduce(data[start:stop], axis=0, dtype=float, out=out[k], where=weights[start:stop])
    return out


def combine_masks(safe, fit, shape) -> np.ndarray:
    """gammapy's ``estimate_mask_default``: safe & fit, else the one that is set, else all."""
    if fit is not None:
        return fit if safe is None else safe & fit
    if safe is not None:
        return safe
    return np.ones(shape, dtype=bool)


def group_any(mask, groups) -> np.ndarray:
    """Whether any plane of each energy group is True (bool, one plane per group)."""
    return np.stack([np.any(mask[start:stop], axis=0) for start, stop in groups])
