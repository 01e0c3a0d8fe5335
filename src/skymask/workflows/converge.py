"""Converged exclusion masks: background, significance and exclusion until they agree.

A significance exclusion mask depends on the background it was computed with, and the
background normalisation depends on which pixels the mask excludes: a bright source left in
the normalisation region raises the background and hides fainter sources; excluded, it
changes the norm and so the significance everywhere. `make_exclusion_mask` repeats

1. normalise the background with the current exclusion (`FoVBackgroundMaker`, or the ring
   background of `RingBackgroundMaker`),
2. compute sqrt(TS) with `ExcessMapEstimator` (counts summed over the energy bins in one
   group unless ``energy_edges`` says otherwise; a pixel is significant if it is in any
   group),
3. threshold it (optionally with hysteresis), grow the significant pixels (optionally),
4. exclude them, together with the ``initial`` exclusion,

until the mask stops changing (a fixed point: one more step changes nothing). It stops
after ``max_iter`` steps, or as soon as a mask repeats an earlier one that is not the last
(an oscillation): both are reported with `ExclusionNotConvergedWarning`, and the result says
which (``converged`` is False).
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from astropy.table import Table

from ..estimators import ExcessMapEstimator
from ..makers import FoVBackgroundMaker, RingBackgroundMaker
from ..makers.exclusion import check_fill_value
from ..maps import Map
from ..utils.exceptions import SkymaskWarning
from ..utils.units import describe

__all__ = [
    "BACKGROUNDS",
    "ConvergedExclusion",
    "ExclusionNotConvergedWarning",
    "make_exclusion_mask",
]

#: Background methods of `make_exclusion_mask`.
BACKGROUNDS = ("fov", "ring")


class ExclusionNotConvergedWarning(SkymaskWarning):
    """The exclusion mask iteration stopped before reaching a fixed point.

    Examples
    --------
    >>> from skymask.utils.exceptions import SkymaskWarning
    >>> from skymask.workflows import ExclusionNotConvergedWarning
    >>> issubclass(ExclusionNotConvergedWarning, SkymaskWarning)
    True
    """


@dataclass
class ConvergedExclusion:
    """The result of `make_exclusion_mask`.

    Parameters
    ----------
    mask : `~skymask.maps.Map`
        The exclusion mask.
    converged : bool
        Whether a fixed point was reached.
    reason : str
        How the iteration ended.
    history : `~astropy.table.Table`
        One row per step.

    Examples
    --------
    >>> from astropy.table import Table
    >>> from skymask.maps import Map
    >>> from skymask.workflows import ConvergedExclusion
    >>> result = ConvergedExclusion(
    ...     Map.create(npix=3, dtype=bool), True, "converged", Table({"iteration": [1, 2]})
    ... )
    >>> result.n_iter, result.reason
    (2, 'converged')

    Attributes
    ----------
    mask : bool `~skymask.maps.Map`
        The exclusion mask on the dataset's sky grid (True: free for background estimation).
    converged : bool
        True when the last step left the mask unchanged (a fixed point).
    reason : str
        How the iteration ended: ``"converged"``, ``"max_iter"`` or ``"oscillation"``.
    history : `~astropy.table.Table`
        One row per step: ``iteration``, ``norm`` (the FoV background norm, or the mean ring
        ``alpha``), ``n_significant``, ``n_excluded`` (pixels excluded after the step) and
        ``n_changed`` (pixels that changed in the step).
    """

    mask: Map
    converged: bool
    reason: str
    history: Table = field(repr=False)

    @property
    def n_iter(self) -> int:
        """Number of steps run.

        Examples
        --------
        >>> from astropy.table import Table
        >>> from skymask.maps import Map
        >>> from skymask.workflows import ConvergedExclusion
        >>> history = Table({"iteration": [1, 2, 3]})
        >>> ConvergedExclusion(Map.create(npix=3, dtype=bool), False, "max_iter", history).n_iter
        3
        """
        return len(self.history)

    def __repr__(self):
        return (
            f"ConvergedExclusion(converged={self.converged}, reason={self.reason!r}, "
            f"n_iter={self.n_iter}, n_excluded={int((~self.mask.data).sum())})"
        )


def _initial_exclusion(initial, image, fill_value) -> np.ndarray:
    """The initial exclusion on the dataset's sky grid, as a bool (ny, nx) array."""
    if initial is None:
        return np.ones(image.data_shape, dtype=bool)
    if isinstance(initial, Map):
        if not initial.is_mask:
            raise TypeError(
                f"initial must be a boolean Map (True: free), regions or None, got a map of "
                f"dtype {initial.data.dtype}; convert it with a comparison such as 'map > 0'"
            )
        mask = initial
        if not mask.geom.is_image:
            # A cube exclusion (e.g. PSF-aware): a pixel is excluded if any plane excludes it.
            data = mask.data.reshape((-1, *mask.geom.data_shape_image)).all(axis=0)
            mask = Map.from_geom(mask.geom.to_image(), data=data)
        return mask.interp_to_geom(image, fill_value=fill_value, method="nearest").data
    # Regions: the initial exclusion is everything outside them.
    try:
        return ~image.region_mask(initial).data
    except TypeError as exc:
        raise TypeError(
            f"initial must be a boolean Map (True: free), regions (excluded inside) or None, "
            f"got {describe(initial)}"
        ) from exc


def _significant(sqrt_ts: Map, threshold, low) -> np.ndarray:
    """Bool (ny, nx): significant in any energy group; NaN is not significant."""
    if low is None:
        with np.errstate(invalid="ignore"):
            significant = sqrt_ts.data >= threshold
    else:
        significant = sqrt_ts.hysteresis_threshold(low, threshold).data
    return significant.reshape((-1, *sqrt_ts.geom.data_shape_image)).any(axis=0)


def make_exclusion_mask(
    dataset,
    threshold=5.0,
    correlation_radius="0.1 deg",
    *,
    low=None,
    dilate=None,
    background="fov",
    ring=None,
    initial=None,
    fill_value=False,
    energy_edges=None,
    max_iter=10,
):
    """Iterate background, significance and exclusion until the exclusion mask is stable.

    Parameters
    ----------
    dataset : `~skymask.datasets.MapDataset`
        Counts, background (and masks) of the field.
    threshold : float, default 5
        sqrt(TS) at or above which a pixel is excluded.
    correlation_radius : angle, default "0.1 deg"
        Radius of the top-hat the counts are correlated with (`ExcessMapEstimator`).
    low : float, optional
        Hysteresis: pixels at or above ``low`` connected to a pixel at or above ``threshold``
        are excluded too.
    dilate : angle or pixels, optional
        Grow the significant pixels by this width (`~skymask.maps.Map.binary_dilate`).
    background : {"fov", "ring"}, default "fov"
        ``"fov"``: normalise the background template on the non-excluded field of view
        (`FoVBackgroundMaker`, method "scale"); ``"ring"``: ring background
        (`RingBackgroundMaker` with ``ring=(r_in, width)``) and the on-off significance.
    ring : (angle, angle), optional
        ``(r_in, width)`` of the ring, required with ``background="ring"``.
    initial : bool `~skymask.maps.Map`, regions, or None
        The exclusion to start from and always keep (e.g. a catalog exclusion mask, True:
        free; or regions, excluded inside). A cube is reduced to its sky grid (excluded where
        any plane excludes).
    fill_value : bool, default False
        Exclusion value of dataset pixels outside ``initial``'s footprint (the makers' rule).
    energy_edges : `~astropy.units.Quantity`, optional
        Energy groups of the significance (default: all bins in one group).
    max_iter : int, default 10
        Most steps to run.

    Returns
    -------
    `ConvergedExclusion`
        The mask, whether it converged, and the per-step record.

    Raises
    ------
    TypeError, ValueError
        Bad arguments (named in the message).

    Warns
    -----
    ExclusionNotConvergedWarning
        ``max_iter`` steps without a fixed point, or an oscillation between masks.

    Examples
    --------
    A flat background of 10 counts per pixel and a point source of 1000 counts in one pixel:
    every pixel whose 2.5-pixel top-hat holds the source is significant, the 21 pixel centres
    within 2.5 pixels of it. The first step normalises the background with the source in it
    (norm above 1), the second without (norm 1) and finds the same pixels: a fixed point.

    >>> import numpy as np
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> geom = WcsGeom.create(npix=30, binsz=0.02, axes=[axis])
    >>> dataset = MapDataset.create(geom, background=10.0)
    >>> dataset.counts.data[...] = 10.0
    >>> dataset.counts.data[0, 15, 15] += 1000.0
    >>> result = make_exclusion_mask(dataset, threshold=5, correlation_radius="0.05 deg")
    >>> result.converged, int((~result.mask.data).sum())
    (True, 21)
    >>> result.history["norm"].round(4).tolist(), result.history["n_changed"].tolist()
    ([1.1111, 1.0], [21, 0])
    """
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {BACKGROUNDS}, got {describe(background)}")
    if background == "ring":
        if ring is None or np.ndim(ring) != 1 or len(ring) != 2:
            raise ValueError(
                f"background='ring' needs ring=(r_in, width), e.g. ring=('0.5 deg', '0.3 deg'); "
                f"got {describe(ring)}"
            )
    elif ring is not None:
        raise ValueError("ring=(r_in, width) is only used with background='ring'")
    if isinstance(max_iter, (bool, np.bool_)) or not isinstance(max_iter, (int, np.integer)):
        raise TypeError(f"max_iter must be a positive integer, got {describe(max_iter)}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    for name, value in (("threshold", threshold), ("low", low)):
        if value is None and name == "low":
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a finite number, got {describe(value)}")
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {describe(value)}")
    if low is not None and low > threshold:
        raise ValueError(f"low ({low}) must not exceed threshold ({threshold})")
    fill_value = check_fill_value(fill_value)
    image = dataset.counts.geom.to_image()
    keep = _initial_exclusion(initial, image, fill_value)
    estimator = ExcessMapEstimator(
        correlation_radius, energy_edges=energy_edges, selection_optional=[]
    )
    current = keep.copy()
    seen = {current.tobytes(): 0}
    rows = []
    reason = "max_iter"
    for iteration in range(1, max_iter + 1):
        exclusion = Map.from_geom(image, data=current)
        if background == "fov":
            normalised = FoVBackgroundMaker(exclusion_mask=exclusion).run(dataset)
            norm = float(normalised.meta.get("BKG_NORM", np.nan))
        else:
            normalised = RingBackgroundMaker(ring[0], ring[1], exclusion_mask=exclusion).run(
                dataset
            )
            with np.errstate(invalid="ignore"):
                norm = float(np.nanmean(normalised.alpha.data))
        sqrt_ts = estimator.run(normalised)["sqrt_ts"]
        significant = _significant(sqrt_ts, threshold, low)
        n_significant = int(significant.sum())
        if dilate is not None and significant.any():
            significant = Map.from_geom(image, data=significant).binary_dilate(dilate).data
        new = keep & ~significant
        rows.append(
            (iteration, norm, n_significant, int((~new).sum()), int((new != current).sum()))
        )
        if np.array_equal(new, current):
            reason = "converged"
            break
        key = new.tobytes()
        if key in seen:
            reason = "oscillation"
            previous = seen[key]
            current = new
            break
        seen[key] = iteration
        current = new
    history = Table(
        rows=rows,
        names=("iteration", "norm", "n_significant", "n_excluded", "n_changed"),
        dtype=(int, float, int, int, int),
    )
    history["norm"].format = ".4f"
    if reason != "converged":
        detail = (
            f"the mask of step {len(rows)} repeats that of step {previous}: the iteration "
            "oscillates"
            if reason == "oscillation"
            else f"the mask still changed in step {max_iter}"
        )
        warnings.warn(
            f"make_exclusion_mask did not converge: {detail}. The last mask is returned; "
            "raise max_iter, add dilate= or a hysteresis low= to settle it, or start from a "
            "larger initial exclusion",
            ExclusionNotConvergedWarning,
            stacklevel=2,
        )
    return ConvergedExclusion(
        mask=Map.from_geom(image, data=current),
        converged=reason == "converged",
        reason=reason,
        history=history,
    )
