"""Distance transforms for exact disk dilation (issue 19 item 3): which one to build on.

Dilation by a disk of radius r (pixels) is ``squared distance to the nearest True pixel <= r^2``;
erosion the same on the inverse. Compared on the survey-like mask of the morphology benchmark
(``benchmarks/cases/morphology.py``), radius 25 pixels, best of ``--repeat`` runs in this process:

- skymask's kernel today: scipy's feature transform (``distance_transform_edt`` with
  ``return_indices``), then the exact integer offset test;
- scipy's distance transform alone (distances, no indices), thresholded;
- the ``edt`` package (seung-lab, compiled, LGPL-3.0) squared transform, 1 and 2 threads
  (skipped when it is not installed: ``pip install edt``).

Each result is checked against skymask's kernel (equal: the same pixels).

    python benchmarks/compare_distance_transforms.py --npix 1000 4000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import ndimage

from skymask.kernels.morphology import binary_dilate

RADIUS = 25


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


def best(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def candidates_for(data, edt):
    """The transforms to compare, as functions of no argument returning the dilated mask."""
    candidates = {
        "skymask kernel (scipy feature transform)": lambda: binary_dilate(data, RADIUS),
        "scipy distance_transform_edt (distances)": lambda: (
            ndimage.distance_transform_edt(~data) <= RADIUS
        ),
    }
    if edt is not None:
        for threads in (1, 2):
            candidates[f"edt.edtsq, {threads} thread(s)"] = lambda threads=threads: (
                edt.edtsq(~data, black_border=False, parallel=threads) <= RADIUS**2
            )
    return candidates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npix", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        import edt
    except ImportError:
        edt = None
    for npix in args.npix:
        data = survey_mask(npix, npix)
        candidates = candidates_for(data, edt)
        reference = None
        for name, function in candidates.items():
            seconds, result = best(function, args.repeat)
            if reference is None:
                reference = result
            same = np.array_equal(result, reference)
            print(f"{npix} x {npix}  {name:45s} {seconds * 1e3:8.1f} ms  same pixels: {same}")


if __name__ == "__main__":
    main()
