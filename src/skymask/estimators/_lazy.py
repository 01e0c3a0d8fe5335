"""`ExcessMapEstimator` on chunked (dask) map datasets: the same maps, built lazily.

When a dataset's counts, background, exposure or masks are dask arrays, the estimator builds a
dask graph instead of computing:

1. energy groups: each chunk holds the whole energy axis and a piece of the sky, summed with
   the in-memory function (`skymask.estimators._grouping`), so the sums are the same bits;
2. the top-hat correlation of the grouped counts, background, mask and exposure:
   `skymask.maps.chunked.correlate_tophat`, i.e. ``map_overlap`` with a halo of the kernel's
   half size plus one pixel (the correlation radius in pixels, rounded down, plus one), chunks
   thinner than the halo merged with their neighbours first;
3. the statistics pixel by pixel on each chunk (`skymask.estimators._core.statistics`).

Correlated counts are exact integers either way. The float sums (background, exposure) are
added in another order in a chunk than over the whole map (the direct method's running sums
start at the chunk's halo, the FFT runs on another grid, and ``method="auto"`` may choose
another method for a chunk), so they and the maps made from them agree with the in-memory
maps to round-off: a few units of double precision (1.1e-16) times the sums involved.

Checks of the values (negative background, non-finite values inside the mask, negative counts)
run in each chunk, so their errors are raised when the maps are computed.
"""

from __future__ import annotations

import numpy as np

from ..maps.chunked import correlate_tophat, is_dask, require_dask
from . import _core
from ._grouping import group_any, group_sum

__all__ = ["chunked_inputs", "excess_arrays"]

_INPUTS = ("counts", "background", "exposure", "mask_safe", "mask_fit")


def chunked_inputs(dataset) -> list[str]:
    """Names of the dataset's maps whose data are dask arrays."""
    return [
        name for name in _INPUTS if is_dask(getattr(getattr(dataset, name, None), "data", None))
    ]


def _spatial_chunks(dataset, names) -> tuple:
    """The sky chunks of the first chunked input: every cube is cut the same way."""
    return getattr(dataset, names[0]).data.chunks[-2:]


def _cube(data, shape, chunks, what):
    """``data`` as a dask array of ``shape`` with ``chunks`` (broadcast and rechunked lazily)."""
    da = require_dask()
    if not is_dask(data):
        data = np.asarray(data)
    try:
        data = da.broadcast_to(data if is_dask(data) else da.from_array(data), shape)
    except ValueError:
        raise ValueError(
            f"{what} has shape {data.shape}, which does not fit the counts {shape}"
        ) from None
    return data.rechunk(chunks)


def _mask(mask, shape, chunks, name):
    if mask is None:
        return None
    data = getattr(mask, "data", mask)
    if data.dtype != bool:
        raise TypeError(f"dataset.{name} must be a boolean map, got dtype {data.dtype}")
    return _cube(data, shape, chunks, f"dataset.{name}")


def _where(block_info):
    """'rows a:b, columns c:d' of the (input) chunk, for error messages."""
    location = block_info[0]["array-location"] if block_info else None
    if not location:
        return "a chunk"
    (y0, y1), (x0, x1) = location[-2:]
    return f"the chunk at rows {y0}:{y1}, columns {x0}:{x1}"


def _group_block(data, weights, groups):
    return group_sum(data, weights, groups)


def _group_checked_block(npred, weights, background, used, groups, label, block_info=None):
    # As require_non_negative in memory: a negative background where it is used is an error.
    negative = used & (background < 0)
    if np.any(negative):
        raise ValueError(
            f"dataset {label!r} has negative background in {int(np.count_nonzero(negative))} "
            f"pixels of {_where(block_info)} (minimum {background[negative].min():.6g}) where "
            "ExcessMapEstimator uses it; a background is a number of predicted counts, so fix "
            "the input, or leave those pixels out with mask_safe"
        )
    return group_sum(npred, weights, groups)


def _group_any_block(mask, groups):
    return group_any(mask, groups)


def _inside_block(values, mask, name, counts, block_info=None):
    """``values`` inside ``mask`` (0 outside), checked as the in-memory path checks them."""
    bad = mask & ~np.isfinite(values)
    if np.any(bad):
        raise ValueError(
            f"{name} has {int(np.count_nonzero(bad))} non-finite values where it enters the sums "
            f"(inside the mask, in {_where(block_info)}); set mask_safe to False there or fill "
            "them"
        )
    if counts and np.any(mask & (values < 0)):
        raise ValueError("counts must be >= 0 inside the mask; they are measured counts")
    return np.where(mask, values, 0.0)


def _finite_block(values, name, block_info=None):
    if not np.all(np.isfinite(values)):
        bad = int(np.count_nonzero(~np.isfinite(values)))
        raise ValueError(
            f"{name} has {bad} non-finite values where it enters the sums (inside the mask, in "
            f"{_where(block_info)}); set mask_safe to False there or fill them"
        )
    return values


def _statistics_block(n_on, mu, mask, *exposure, names, options):
    out = np.full((len(names), *mask.shape), np.nan)
    mean_exposure = None
    if exposure:
        n_mask, exposure_sum = exposure
        mean_exposure = exposure_sum[mask] / n_mask[mask]
    values = _core.statistics(n_on[mask], mu[mask], mean_exposure, **options)
    for k, name in enumerate(names):
        out[k][mask] = values[name]
    return out


def excess_arrays(dataset, groups, kernel, reco_exposure, *, method, **options) -> dict:
    """The estimator's output arrays (dask, one plane per energy group) of a chunked dataset.

    Parameters
    ----------
    dataset : MapDataset
        With at least one chunked map among counts, background, exposure and the masks.
    groups : list of (int, int)
        Energy groups (`skymask.estimators.energy_groups`).
    kernel : ndarray of bool
        The top-hat footprint.
    reco_exposure : `~skymask.maps.Map` or None
        The reconstructed exposure (``normalize=False``), chunked or not.
    method : {"auto", "direct", "fft"}
    **options
        The statistics' settings (`skymask.estimators._core.statistics`).

    Returns
    -------
    dict of str to dask array
        As `skymask.estimators._core.excess_statistics`, lazily.
    """
    da = require_dask("ExcessMapEstimator on chunked maps")
    from ..datasets.checks import require_maps

    require_maps(
        dataset,
        ("background",),
        needed_by="ExcessMapEstimator (the significance of the counts over the background)",
    )
    shape = dataset.counts.geom.data_shape
    spatial = _spatial_chunks(dataset, chunked_inputs(dataset))
    cube = ((shape[0],), *spatial)
    grouped = ((len(groups),), *spatial)
    safe = _mask(dataset.mask_safe, shape, cube, "mask_safe")
    fit = _mask(dataset.mask_fit, shape, cube, "mask_fit")
    weights = da.ones(shape, dtype=bool, chunks=cube) if safe is None else safe
    used = weights if fit is None else weights & fit

    def group(data, *extra, function=_group_block, **kwargs):
        return da.map_blocks(
            function,
            data,
            weights,
            *extra,
            groups=groups,
            chunks=grouped,
            dtype=float,
            meta=np.empty((0, 0, 0)),
            **kwargs,
        )

    counts = group(_cube(dataset.counts.data, shape, cube, "dataset.counts"))
    npred_data = dataset.npred().data
    if npred_data.shape != shape:
        raise ValueError(
            f"dataset.npred() has shape {npred_data.shape}, the counts {shape}: they must be on "
            "the same geometry"
        )
    npred = group(
        _cube(npred_data, shape, cube, "dataset.npred()"),
        _cube(dataset.background.data, shape, cube, "dataset.background"),
        used,
        function=_group_checked_block,
        label=getattr(dataset, "name", "?"),
    )

    def group_mask(mask):
        return da.map_blocks(
            _group_any_block, mask, groups=groups, chunks=grouped, dtype=bool,
            meta=np.empty((0, 0, 0), dtype=bool),
        )  # fmt: skip

    if fit is not None:
        mask = group_mask(fit) if safe is None else group_mask(safe) & group_mask(fit)
    elif safe is not None:
        mask = group_mask(safe)
    else:
        mask = da.ones((len(groups), *shape[1:]), dtype=bool, chunks=grouped)

    counts = da.map_blocks(_inside_block, counts, mask, "counts", True, dtype=float)
    npred = da.map_blocks(_inside_block, npred, mask, "npred", False, dtype=float)
    n_on = correlate_tophat(counts, kernel, method, integer="auto", nonnegative=True)
    mu = correlate_tophat(npred, kernel, method, nonnegative="auto")
    exposure = ()
    if reco_exposure is not None:
        reco = group(_cube(reco_exposure.data, shape, cube, "the reconstructed exposure"))
        reco = da.map_blocks(_finite_block, reco, "the reconstructed exposure", dtype=float)
        exposure = (
            correlate_tophat(mask.astype(float), kernel, method, integer=True),
            correlate_tophat(reco, kernel, method),
        )
    sample = np.ones(1)
    names = list(_core.statistics(sample, sample, sample if exposure else None, **options))
    stacked = da.map_blocks(
        _statistics_block,
        n_on,
        mu,
        mask,
        *exposure,
        names=names,
        options=options,
        new_axis=0,
        chunks=((len(names),), *mask.chunks),
        dtype=float,
        meta=np.empty((0, 0, 0, 0)),
    )
    return {name: stacked[k] for k, name in enumerate(names)}
