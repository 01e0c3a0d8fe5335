"""Exact disk dilation (issue 19 item 3): the candidate methods, measured on one mask.

Dilation by a disk of radius r (pixels) is ``squared distance to the nearest True pixel <= r^2``
(erosion the same on the inverse), or the OR of row spans. Compared on the survey-like mask of
the morphology benchmark (``benchmarks/cases/morphology.py``), best and median of ``--repeat``
runs in this process, for each ``--npix`` and ``--radius``:

- scipy's feature transform (``distance_transform_edt`` with ``return_indices``) and the exact
  integer offset test: skymask's kernel before issue 19, still used above
  ``SPAN_MAX_HALF_HEIGHT``;
- scipy's distance transform alone (float64 distances), thresholded;
- bit-packed row spans (`skymask.kernels.disk_spans`): skymask's kernel now;
- row spans on unpacked bools with ``scipy.ndimage.maximum_filter1d`` (radius 25, 1000 only);
- a separable squared-distance test of our own in numpy (column distances by two vectorised
  sweeps, then a bounded row pass), with int32, float32 and float64 distances (radius 25, 1000
  only: its row pass costs 2 r + 1 full-image operations);
- the ``edt`` package (seung-lab, compiled, LGPL-3.0-or-later) squared transform, 1 and 2
  threads (skipped when it is not installed: ``pip install edt``; not a dependency).

Each result is checked against the first (equal: the same pixels).

    python benchmarks/compare_distance_transforms.py --npix 1000 4000 --radius 25 50 100 200
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import ndimage

from skymask.kernels.disk_spans import span_morphology
from skymask.kernels.footprint import disk_footprint
from skymask.kernels.morphology import _disk_feature_transform


def survey_mask(ny, nx, seed=1):
    """The mask of ``benchmarks/cases/morphology.py``."""
    rng = np.random.default_rng(seed)
    data = np.zeros((ny, nx), dtype=bool)
    n = int(300 * ny * nx / 1e6)
    centres = (rng.integers(0, ny, n), rng.integers(0, nx, n), rng.integers(1, 8, n))
    for y, x, r in zip(*centres, strict=True):
        y0, y1, x0, x1 = max(y - r, 0), min(y + r + 1, ny), max(x - r, 0), min(x + r + 1, nx)
        yy, xx = np.ogrid[y0 - y : y1 - y, x0 - x : x1 - x]
        data[y0:y1, x0:x1] |= xx * xx + yy * yy <= r * r
    half = max(ny // 50, 1)
    data[ny // 2 - half : ny // 2 + half, :] = True
    data[rng.integers(0, ny, 20), rng.integers(0, nx, 20)] = True
    return data


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times)), result


def separable(data, radius, dtype):
    """Own separable squared-distance test in numpy: the distance to the nearest True pixel of
    each column (two sweeps over the rows, vectorised over columns, capped at radius + 1),
    then a bounded row pass: some dx in [-r, r] with g(y, x + dx)^2 + dx^2 <= r^2."""
    ny, nx = data.shape
    cap = radius + 1
    g = np.full((ny, nx), cap, dtype=dtype)
    run = np.full(nx, cap, dtype=dtype)
    for y in range(ny):
        run = np.where(data[y], 0, np.minimum(run + 1, cap)).astype(dtype)
        g[y] = run
    run = np.full(nx, cap, dtype=dtype)
    for y in range(ny - 1, -1, -1):
        run = np.where(data[y], 0, np.minimum(run + 1, cap)).astype(dtype)
        np.minimum(g[y], run, out=g[y])
    g = g * g
    out = np.zeros((ny, nx), dtype=bool)
    for dx in range(-radius, radius + 1):
        limit = dtype(radius * radius - dx * dx)
        a, b = (
            (slice(0, nx - dx), slice(dx, nx)) if dx >= 0 else (slice(-dx, nx), slice(0, nx + dx))
        )
        out[:, a] |= g[:, b] <= limit
    return out


def spans_filter1d(data, radius):
    """Row spans, unpacked: one scipy maximum_filter1d per distinct span width, OR of rows."""
    ny = data.shape[0]
    widths = [int(np.floor(np.sqrt(radius * radius - dy * dy))) for dy in range(radius + 1)]
    out = np.zeros_like(data)
    for dy, w in enumerate(widths):
        h = ndimage.maximum_filter1d(data, 2 * w + 1, axis=-1, mode="constant", cval=0)
        out[: ny - dy] |= h[dy:]
        if dy:
            out[dy:] |= h[: ny - dy]
    return out


def candidates_for(data, edt, radius):
    """The transforms to compare, as functions of no argument returning the dilated mask."""
    packed = span_morphology
    footprint = disk_footprint(radius)
    candidates = {
        "scipy feature transform + integer test": lambda: _disk_feature_transform(
            data, radius, radius, radius, radius, erode=False
        ),
        "scipy distance_transform_edt (float64)": lambda: (
            ndimage.distance_transform_edt(~data) <= radius
        ),
        "bit-packed row spans (skymask now)": lambda: packed(data[None], footprint, erode=False)[0],
    }
    if radius <= 25 and data.shape[0] <= 1000:
        candidates["row spans, maximum_filter1d"] = lambda: spans_filter1d(data, radius)
        for dtype in (np.int32, np.float32, np.float64):
            candidates[f"separable numpy, {dtype.__name__}"] = lambda dtype=dtype: separable(
                data, radius, dtype
            )
    if edt is not None:
        for threads in (1, 2):
            candidates[f"edt.edtsq, {threads} thread(s)"] = lambda threads=threads: (
                edt.edtsq(~data, black_border=False, parallel=threads) <= radius**2
            )
    return candidates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npix", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--radius", type=int, nargs="+", default=[25])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        import edt
    except ImportError:
        edt = None
    for npix in args.npix:
        data = survey_mask(npix, npix)
        for radius in args.radius:
            reference = None
            for name, function in candidates_for(data, edt, radius).items():
                seconds, median, result = timed(function, args.repeat)
                if reference is None:
                    reference = result
                same = np.array_equal(result, reference)
                print(
                    f"{npix} x {npix}  r {radius:3d}  {name:42s} best {seconds * 1e3:8.1f} ms  "
                    f"median {median * 1e3:8.1f} ms  (n={args.repeat})  same pixels: {same}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
