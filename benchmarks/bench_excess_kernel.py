"""Timing and peak memory of skymask's ExcessMapEstimator on a synthetic survey-sized cube.

A 1000 x 1000 x 5 dataset at 0.02 deg with a 0.4 deg correlation radius (a 41 x 41 top-hat of
1257 pixels), Poisson counts, a smooth background, an exposure in true energy (no energy
dispersion) and a mask_safe with a 10-pixel border. Each case runs in a fresh state; the peak
memory is what numpy allocated during the run (tracemalloc), the RSS the process high-water mark.

Run:  python benchmarks/bench_excess_kernel.py [--npix 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from skymask.estimators import ExcessMapEstimator, _core
from skymask.maps import Map, MapAxis, WcsGeom


class SyntheticDataset:
    """The MapDataset interface the estimator uses."""

    def __init__(self, npix: int, nbin: int = 5, seed: int = 0):
        rng = np.random.default_rng(seed)
        energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=nbin)
        geom = WcsGeom.create(npix=npix, binsz=0.02, frame="galactic", axes=[energy])
        y, x = np.mgrid[0:npix, 0:npix] / npix
        background = (0.5 + 0.3 * np.sin(6 * x) * np.cos(4 * y)) * np.linspace(1.0, 0.1, nbin)[
            :, None, None
        ]
        counts = rng.poisson(background).astype(np.float32)
        safe = np.zeros(geom.data_shape, dtype=bool)
        safe[:, 10:-10, 10:-10] = True
        self.counts = Map.from_geom(geom, data=counts)
        self.background = Map.from_geom(geom, data=background)
        self.mask_safe = Map.from_geom(geom, data=safe)
        self.mask_fit = None
        true_geom = geom.to_image().to_cube([energy.copy(name="energy_true")])
        self.exposure = Map.from_geom(true_geom, data=np.full(geom.data_shape, 3e11), unit="cm2 s")
        self.edisp = None

    def npred(self):
        return self.background


def measure(function, repeat: int):
    """(best wall time in s, peak traced allocation in MB) of ``function()``."""
    times = []
    tracemalloc.start()
    tracemalloc.reset_peak()
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 1e6


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npix", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    dataset = SyntheticDataset(args.npix)
    kernel = ExcessMapEstimator("0.4 deg").estimate_kernel(dataset.counts.geom)
    print(
        f"dataset: {args.npix} x {args.npix} x 5 at 0.02 deg, correlation radius 0.4 deg "
        f"(kernel {kernel.shape[0]} x {kernel.shape[1]}, {int(kernel.sum())} pixels); "
        f"auto picks '{_core.choose_method(dataset.counts.data.shape, kernel.shape)}'"
    )
    print(f"{'case':52s} {'time [s]':>9s} {'peak [MB]':>10s}")
    stack = np.asarray(dataset.counts.data[:4], dtype=float)
    for method in ("direct", "fft"):
        seconds, peak = measure(
            lambda m=method: _core.correlate_tophat(stack, kernel, m, integer=True), args.repeat
        )
        print(f"{'correlate_tophat, 4 planes, ' + method:52s} {seconds:9.3f} {peak:10.1f}")
    cases = [
        ("run, one energy group (default), auto", {}),
        ("run, one energy group, direct", {"method": "direct"}),
        ("run, per bin (energy_edges='all'), auto", {"energy_edges": "all"}),
        (
            "run, per bin, selection_optional='all', auto",
            {"energy_edges": "all", "selection_optional": "all"},
        ),
    ]
    for label, kwargs in cases:
        estimator = ExcessMapEstimator("0.4 deg", **kwargs)
        seconds, peak = measure(lambda e=estimator: e.run(dataset), args.repeat)
        print(f"{label:52s} {seconds:9.3f} {peak:10.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MB (includes the dataset itself)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
