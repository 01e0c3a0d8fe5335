"""Maps whose data is a `dask.array`: the hooks that keep them lazy, chunk by chunk.

A map can hold a dask array instead of a numpy array (``Map.from_geom(geom, data=darr)``,
``Map.read(..., chunks=...)``, ``geom.region_mask(..., chunks=...)``). Operators, reductions
and the mask calls then build a dask graph instead of computing, and ``m.compute()`` (or
writing the map) computes it. Every chunked call gives exactly the pixels of the in-memory
call:

* region masks are painted window by window (`skymask.rasterize.WindowPainter`), each window
  painting only the regions whose bounding circle reaches it;
* erosion and dilation run on each chunk with a halo of the kernel radius
  (`dask.array.map_overlap`); chunks thinner than the radius are merged first (dask needs the
  halo to fit in the neighbouring chunk) and the result gets the input's chunks back;
* reductions along a non-spatial axis see the whole axis at once, in the same order as numpy;
* hysteresis and hole filling connect pixels across a whole plane: each plane is computed
  whole (memory: one plane).

dask is an optional dependency (``pip install 'skymask[dask]'``): this module imports it only
when a chunked map is made, so skymask imports without it.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from ..utils.units import describe

__all__ = [
    "as_array",
    "chunked_data",
    "is_dask",
    "nan_reduce",
    "normalize_chunks",
    "require_dask",
]


def is_dask(value) -> bool:
    """Whether ``value`` is a dask array (without importing dask)."""
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(value, module.Array)


def require_dask(what: str = "chunked maps"):
    """The `dask.array` module, or an ImportError saying how to install it."""
    try:
        import dask.array as da
    except ImportError:
        raise ImportError(
            f"{what} need dask, which is not installed: pip install 'skymask[dask]'"
        ) from None
    return da


def as_array(value, dtype=None):
    """`numpy.asarray` that leaves dask arrays lazy (cast to ``dtype`` if given)."""
    if is_dask(value):
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    return np.asarray(value, dtype=dtype)


def normalize_chunks(chunks, shape, dtype=bool) -> tuple[tuple[int, ...], ...]:
    """dask's chunk sizes for ``shape`` from ``chunks`` ("auto", an int, a tuple, a dict).

    Raises
    ------
    ValueError
        For chunks that do not fit the shape (naming both).
    """
    da = require_dask()
    try:
        return da.core.normalize_chunks(chunks, shape=tuple(shape), dtype=np.dtype(dtype))
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"chunks {chunks!r} do not fit the data shape {tuple(shape)} ({exc}); give "
            "'auto', one size per axis such as (1, 500, 4000), or a dict {axis: size}"
        ) from None


def chunked_data(value, shape):
    """A dask array of ``shape`` for a map's data (broadcast lazily if needed)."""
    da = require_dask()
    if value.dtype == object:
        raise TypeError(f"map data must be numeric or bool, got {describe(value)}")
    if not value.dtype.isnative:
        value = value.astype(value.dtype.newbyteorder("="))
    if value.shape != tuple(shape):
        if any(math.isnan(n) for n in value.shape):
            raise ValueError(
                "the dask array has unknown chunk sizes; call compute_chunk_sizes() first"
            )
        # New or stretched axes get chunks of one (one energy plane per chunk, say), so a
        # sky mask repeated over 20 planes is not 20 planes per chunk.
        n_new = len(shape) - value.ndim
        chunks = [(1,) * n for n in shape[:n_new]]
        for size, wanted, sizes in zip(value.shape, shape[n_new:], value.chunks, strict=False):
            chunks.append(sizes if size == wanted else (1,) * wanted)
        try:
            value = da.broadcast_to(value, shape, chunks=tuple(chunks))
        except ValueError:
            raise ValueError(
                f"data of shape {value.shape} does not fit the geometry's data shape "
                f"{tuple(shape)} (numpy order: non-spatial axes first, then lat, lon)"
            ) from None
    return value


def summary(data) -> str:
    """One line for a map's repr without computing anything."""
    chunks = "x".join(str(max(c)) if c else "0" for c in data.chunks)
    return f"chunked: dask array, {data.npartitions} chunks of up to {chunks} (not computed)"


# ---------------------------------------------------------------------- reductions
def nan_reduce(func, data, axis: int, keepdims: bool, reduce_block):
    """``reduce_block(func, block, axis, keepdims)`` over a whole axis of a dask array.

    The reduced axis is put in one chunk, so each output pixel is reduced by numpy over the
    same values in the same order as in memory (bitwise the same sums).
    """
    da = require_dask()
    data = data.rechunk({axis: -1})
    sample = reduce_block(func, np.zeros((1,) * data.ndim, dtype=data.dtype), axis, keepdims)
    chunks = list(data.chunks)
    if keepdims:
        chunks[axis] = (1,)
        drop_axis = []
    else:
        del chunks[axis]
        drop_axis = [axis]
    return da.map_blocks(
        reduce_block,
        func,
        data,
        axis,
        keepdims,
        dtype=sample.dtype,
        chunks=tuple(chunks),
        drop_axis=drop_axis,
        meta=np.empty((0,) * len(chunks), dtype=sample.dtype),
    )


# ---------------------------------------------------------------------- mask building
def _paint_block(painter, inside, block_info=None):
    (y0, y1), (x0, x1) = block_info[None]["array-location"]
    block = painter.paint(y0, y1, x0, x1)
    if not inside:
        np.logical_not(block, out=block)
    return block


def region_mask(geom, regions, inside, chunks):
    """Lazy region mask of ``geom.data_shape``, painted chunk by chunk (see the module notes)."""
    from ..rasterize import WindowPainter

    da = require_dask("chunked region masks")
    shape = geom.data_shape
    chunks = normalize_chunks(chunks, shape)
    painter = WindowPainter(regions, geom.wcs, geom.data_shape_image)
    # Fail now, not inside a worker, if a window's WCS would not be exact.
    for y0 in np.cumsum((0, *chunks[-2][:-1])):
        for x0 in np.cumsum((0, *chunks[-1][:-1])):
            painter.window_wcs(int(y0), int(x0))
    # The painter (all the regions) is one node of the graph, not a copy in every task: a
    # cluster receives it once per worker.
    from dask import delayed

    token = da.core.tokenize(painter.pairs, geom.wcs.to_header_string(), geom.data_shape_image)
    shared = delayed(painter, pure=True, name=f"skymask-regions-{token}")
    spatial = da.map_blocks(
        _paint_block,
        shared,
        bool(inside),
        chunks=chunks[-2:],
        dtype=bool,
        meta=np.empty((0, 0), dtype=bool),
        name=f"skymask-region-mask-{token}-{bool(inside)}-{da.core.tokenize(chunks[-2:])}",
    )
    return broadcast_mask(spatial, shape, chunks)


def broadcast_mask(spatial, shape, chunks, per_axis=None, axis_position=None):
    """Lazy bool array of ``shape``: a 2-D spatial mask (numpy or dask, or None for all True)
    and/or a 1-D mask along data axis ``axis_position``, with the given chunks."""
    da = require_dask()
    chunks = normalize_chunks(chunks, shape)
    if spatial is None:
        data = da.ones(shape, dtype=bool, chunks=chunks)
    else:
        if not is_dask(spatial):
            spatial = da.from_array(np.asarray(spatial, dtype=bool), chunks=chunks[-2:])
        data = da.broadcast_to(spatial, shape, chunks=chunks)
    if per_axis is not None:
        view = [1] * len(shape)
        view[axis_position] = per_axis.size
        along = da.from_array(
            np.asarray(per_axis, dtype=bool).reshape(view),
            chunks=tuple(c if i == axis_position else (1,) for i, c in enumerate(chunks)),
        )
        data = data & along
    return data


# ---------------------------------------------------------------------- morphology
def _halo_chunks(sizes: tuple[int, ...], depth: int) -> tuple[int, ...]:
    """Chunk sizes of one axis with every chunk at least ``depth`` long (neighbours merged)."""
    merged: list[int] = []
    for size in sizes:
        if merged and merged[-1] < depth:
            merged[-1] += size
        else:
            merged.append(size)
    if len(merged) > 1 and merged[-1] < depth:
        last = merged.pop()
        merged[-1] += last
    return tuple(merged)


def map_with_halo(function, data, depths: dict, dtype=None, **kwargs):
    """``function(block, **kwargs)`` on every chunk with a halo of ``depths[axis]`` pixels.

    Outside the map there is no halo (the function sees the map edge as its array edge).
    Chunks thinner than the halo are merged with their neighbours first; the result has the
    input's chunks.
    """
    original = data.chunks
    depth = {}
    rechunk = {}
    for axis, wanted in depths.items():
        wanted = int(wanted)
        sizes = original[axis]
        if wanted <= 0 or len(sizes) == 1:
            depth[axis] = 0
            continue
        if wanted >= sum(sizes):
            rechunk[axis] = -1
            depth[axis] = 0
            continue
        merged = _halo_chunks(sizes, wanted)
        if merged != sizes:
            rechunk[axis] = merged
        depth[axis] = 0 if len(merged) == 1 else wanted
    work = data.rechunk(rechunk) if rechunk else data
    if any(depth.values()):
        result = work.map_overlap(
            function, depth=depth, boundary="none", trim=True, dtype=dtype or data.dtype, **kwargs
        )
    else:
        result = work.map_blocks(function, dtype=dtype or data.dtype, **kwargs)
    return result.rechunk(original) if result.chunks != original else result


def morphology(data, radii, kernel: str, operation: str):
    """Lazy erosion or dilation of a dask mask: exact at chunk borders (halo = radius)."""
    from ..kernels import morphology as kernels
    from ..kernels.footprint import half_width

    function = getattr(kernels, operation)
    radius_x, radius_y = (float(r) for r in radii)
    if data.ndim < 2:
        raise ValueError(f"{operation} needs at least a 2-D mask, got shape {data.shape}")
    # Validate the radius and kernel once, here, rather than in every chunk.
    function(np.zeros((1, 1), dtype=bool), (radius_x, radius_y), kernel=kernel)
    # The largest whole-pixel offset inside the kernel, plus one: beyond it the block edge
    # (which the kernel treats as the map edge) cannot change a pixel of the chunk.
    depth_x = half_width(radius_x) + 1 if np.isfinite(radius_x) else data.shape[-1]
    depth_y = half_width(radius_y) + 1 if np.isfinite(radius_y) else data.shape[-2]
    return map_with_halo(
        function,
        data,
        {data.ndim - 2: depth_y, data.ndim - 1: depth_x},
        radius=(radius_x, radius_y),
        kernel=kernel,
    )


def per_plane(function, data, dtype=bool, **kwargs):
    """``function(block, **kwargs)`` on whole image planes (the spatial axes in one chunk)."""
    work = data.rechunk({data.ndim - 2: -1, data.ndim - 1: -1})
    result = work.map_blocks(function, dtype=dtype, **kwargs)
    return result.rechunk(data.chunks) if result.chunks != data.chunks else result


def boundary_image(keep_y, keep_x, chunks, geom):
    """Lazy 2-D ``keep_y[:, None] & keep_x[None, :]`` with the spatial chunks of ``chunks``."""
    da = require_dask()
    spatial = normalize_chunks(chunks, geom.data_shape)[-2:]
    rows = da.from_array(np.asarray(keep_y)[:, np.newaxis], chunks=(spatial[0], (1,)))
    columns = da.from_array(np.asarray(keep_x)[np.newaxis, :], chunks=((1,), spatial[1]))
    return (rows & columns).rechunk(spatial)


def _correlate_block(block, kernel, method, integer, nonnegative):
    from ..kernels.correlation import TophatCorrelator

    planes = np.asarray(block, dtype=float).reshape((-1, *block.shape[-2:]))
    correlate = TophatCorrelator(kernel, planes.shape[-2:], method)
    result = np.empty(planes.shape)
    for k, plane in enumerate(planes):
        # "auto": decided on this block with its halo, i.e. on every value its sums contain.
        whole = bool(np.all(plane == np.rint(plane))) if integer == "auto" else integer
        positive = bool(np.all(plane >= 0)) if nonnegative == "auto" else nonnegative
        result[k] = correlate(plane, integer=whole, nonnegative=positive)
    return result.reshape(block.shape)


def correlate_tophat(data, kernel, method="auto", *, integer=False, nonnegative=False):
    """Lazy top-hat sums of every image plane of a dask array (the excess estimator's
    correlation), chunk by chunk with a halo of the kernel's half size.

    Outside the map counts as zero, as in `skymask.kernels.correlation.correlate_tophat`.
    Integer-valued data (counts, with ``integer=True``) give exactly the in-memory sums; other
    data agree to round-off (each chunk sums in its own order, and ``method="auto"`` may choose
    another method for a chunk than for the whole map).

    Parameters
    ----------
    data : dask array, shape (..., ny, nx)
        Finite values.
    kernel : ndarray of bool
        Odd-sized symmetric disk (`skymask.kernels.footprint.disk_footprint`).
    method : {"auto", "direct", "fft"}
    integer, nonnegative : bool or "auto"
        See `skymask.kernels.correlation.correlate_tophat`; ``"auto"`` decides for each plane
        of each chunk (with its halo: every value its sums contain) whether its values are
        integers (non-negative).

    Returns
    -------
    dask array of float64, the shape and chunks of ``data``.

    Examples
    --------
    >>> import dask.array as da
    >>> from skymask.kernels.footprint import disk_footprint
    >>> counts = da.ones((6, 8), chunks=3)
    >>> sums = correlate_tophat(counts, disk_footprint(1.0), integer=True).compute()
    >>> sums[0, :3].tolist(), sums[2, 2]
    ([3.0, 4.0, 4.0], np.float64(5.0))
    """
    kernel = np.asarray(kernel, dtype=bool)
    if data.ndim < 2 or kernel.ndim != 2:
        raise ValueError(
            f"correlate_tophat needs images (..., ny, nx) and a 2-D kernel, got shapes "
            f"{data.shape} and {kernel.shape}"
        )
    depths = {data.ndim - 2: kernel.shape[0] // 2 + 1, data.ndim - 1: kernel.shape[1] // 2 + 1}
    return map_with_halo(
        _correlate_block,
        data,
        depths,
        dtype=np.float64,
        kernel=kernel,
        method=method,
        integer=integer,
        nonnegative=nonnegative,
    )
