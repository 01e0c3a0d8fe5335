"""Checks that estimators and makers run on a dataset that has what they need.

A dataset read from a file without a BACKGROUND HDU is allowed (gammapy allows it too: the
HDUs of a MapDataset file are all optional), but it must not silently act as if the
background were zero: every estimator and maker that needs a background calls
`require_maps`, which refuses and says which file lacked which HDU.
"""

from __future__ import annotations

import numpy as np

__all__ = ["require_maps", "require_non_negative"]


def require_maps(dataset, names, *, needed_by: str) -> None:
    """Raise ValueError if ``dataset`` lacks one of the maps ``names`` ("counts", ...).

    Parameters
    ----------
    dataset : MapDataset
        The dataset.
    names : sequence of str
        Attribute names of the maps needed.
    needed_by : str
        Who needs them and why, for the message ("ExcessMapEstimator (the significance of
        the counts over the background)").
    """
    missing = [name for name in names if getattr(dataset, name, None) is None]
    if not missing:
        return
    label = getattr(dataset, "name", "?")
    what = " and ".join(missing)
    source = getattr(dataset, "_source_file", None)
    absent = [name.upper() for name in missing if name.upper() in _absent(dataset)]
    origin = ""
    if source is not None and absent:
        origin = f" (it was read from {source}, which has no {', '.join(absent)} HDU)"
    raise ValueError(
        f"dataset {label!r} has no {what} map{'s' if len(missing) > 1 else ''}{origin}; "
        f"{needed_by} needs {'them' if len(missing) > 1 else 'it'}: set it (e.g. "
        f"dataset.{missing[0]} = Map.from_geom(dataset.counts.geom, ...)) or read a complete "
        "dataset file"
    )


def require_non_negative(dataset, name: str, mask, *, needed_by: str) -> None:
    """Raise ValueError if the map ``name`` of ``dataset`` is negative where ``mask`` is True.

    A negative background is not a prediction of counts; clipping it to zero (as
    ``npred()`` does) would hide a broken input.
    """
    data = np.asarray(getattr(dataset, name).data)
    where = True if mask is None else np.broadcast_to(mask, data.shape)
    if not np.any(data < 0, where=where):  # the common case: no masked copy of the cube
        return
    selected = data if mask is None else data[where]
    negative = selected < 0
    if np.any(negative):
        raise ValueError(
            f"dataset {getattr(dataset, 'name', '?')!r} has negative {name} in "
            f"{int(np.count_nonzero(negative))} pixels (minimum {selected[negative].min():.6g}) "
            f"where {needed_by} uses it; a {name} is a number of predicted counts, so fix the "
            "input, or leave those pixels out with mask_safe"
        )


def _absent(dataset) -> tuple:
    return tuple(getattr(dataset, "_absent_hdus", ()))
