"""Timing of the morphology kernels: the cost must not grow with the radius.

A 1000 x 1000 mask at 0.02 deg pixels is dilated and eroded with radii of 0.1 deg (5 pixels)
and 1.0 deg (50 pixels), with the disk and box kernels. For contrast, scipy's general
``binary_dilation`` with the explicit footprint (the non-FFT method gammapy uses) is timed at
both radii; its cost grows with the footprint area.

Run: ``python benchmarks/bench_morphology_kernels.py [--no-scipy]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import ndimage

from skymask.morphology import binary_dilate, binary_erode, structuring_element

PIXEL_SIZE = (0.02, 0.02)
RADII = (0.1, 1.0)


def make_mask(seed: int = 0) -> np.ndarray:
    """Smooth blobs covering about 30% of the map, plus scattered single pixels."""
    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.normal(size=(1000, 1000)), 20)
    mask = field > np.quantile(field, 0.7)
    mask |= rng.random(mask.shape) < 1e-3
    return mask


def best_of(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-scipy", action="store_true", help="skip the slow scipy baseline")
    args = parser.parse_args(argv)

    mask = make_mask()
    print(f"mask {mask.shape}, {mask.sum()} True, pixel size {PIXEL_SIZE[0]} deg")
    print(f"{'operation':<28}" + "".join(f"{f'r = {r} deg':>16}" for r in RADII))
    for kernel in ("disk", "box"):
        for function in (binary_dilate, binary_erode):
            timings = [
                best_of(lambda f=function, r=radius, k=kernel: f(mask, r, k, PIXEL_SIZE))
                for radius in RADII
            ]
            label = f"skymask {function.__name__} {kernel}"
            print(f"{label:<28}" + "".join(f"{t * 1e3:>13.1f} ms" for t in timings))
    if not args.no_scipy:
        timings = []
        for radius in RADII:
            footprint = structuring_element(radius, "disk", PIXEL_SIZE)
            timings.append(
                best_of(lambda s=footprint: ndimage.binary_dilation(mask, structure=s), repeat=1)
            )
        label = "scipy binary_dilation disk"
        print(f"{label:<28}" + "".join(f"{t * 1e3:>13.1f} ms" for t in timings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
