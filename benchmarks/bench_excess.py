"""ExcessMapEstimator on a synthetic 1000 x 1000 x 5 dataset at 0.02 deg, 0.4 deg radius.

Target (issue 6): at least 2x faster than gammapy 2.1's ExcessMapEstimator, with no more peak
memory (tracemalloc peak during run(), both sides). Both sides get the same arrays.

Run: benchmarks/setup_gammapy_env.sh && .venv/bin/python benchmarks/bench_excess.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
from _harness import best_of, peak_of, report, run_in_gammapy

from skymask.datasets import MapDataset
from skymask.estimators import ExcessMapEstimator
from skymask.maps import MapAxis, WcsGeom

NPIX, NBIN = 1000, 5


def arrays(seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:NPIX, 0:NPIX] / NPIX
    background = (0.5 + 0.3 * np.sin(6 * x) * np.cos(4 * y)) * np.linspace(1.0, 0.1, NBIN)[
        :, None, None
    ]
    counts = rng.poisson(background).astype(np.float32)
    safe = np.zeros((NBIN, NPIX, NPIX), dtype=bool)
    safe[:, 10:-10, 10:-10] = True
    return counts, background, safe


def main():
    counts, background, safe = arrays()
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=NBIN)
    geom = WcsGeom.create(npix=NPIX, binsz=0.02, frame="galactic", axes=[energy])
    dataset = MapDataset.create(geom, mask_safe=safe, background=background)
    dataset.counts.data[...] = counts
    dataset.exposure.data[...] = 3e7  # m2 s
    estimator = ExcessMapEstimator("0.4 deg", selection_optional=[])
    estimator.run(dataset)  # warm-up
    t_ours, _ = best_of(lambda: estimator.run(dataset))
    peak_ours, _ = peak_of(lambda: estimator.run(dataset))

    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "data.npz", counts=counts, background=background, safe=safe)
        code = f"""
import numpy as np
from gammapy.datasets import MapDataset
from gammapy.estimators import ExcessMapEstimator
from gammapy.maps import MapAxis, WcsGeom
d = np.load("{tmp}/data.npz")
energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin={NBIN})
geom = WcsGeom.create(npix={NPIX}, binsz=0.02, frame="galactic", axes=[energy])
dataset = MapDataset.create(geom, energy_axis_true=energy.copy(name="energy_true"))
dataset.counts.data = d["counts"]
dataset.background.data = d["background"]
dataset.mask_safe.data = d["safe"]
dataset.exposure.data[...] = 3e11
estimator = ExcessMapEstimator("0.4 deg", selection_optional=[])
estimator.run(dataset)
t, result = best_of(lambda: estimator.run(dataset), repeat=3)
peak, _ = peak_of(lambda: estimator.run(dataset))
np.save("{tmp}/sqrt_ts.npy", result["sqrt_ts"].data)
print(json.dumps({{"time": t, "peak": peak}}))
"""
        theirs = run_in_gammapy(code)
        gammapy_sqrt_ts = np.load(Path(tmp) / "sqrt_ts.npy")
    ok = report(
        [("ExcessMapEstimator 1000x1000x5, r = 0.4 deg", t_ours, theirs["time"], 2)],
        "ExcessMapEstimator: skymask vs gammapy 2.1 (best of 3)",
    )
    print(
        f"peak traced memory during run(): skymask {peak_ours / 1e6:.0f} MB, "
        f"gammapy {theirs['peak'] / 1e6:.0f} MB (target: skymask <= gammapy)"
    )
    ok &= peak_ours <= theirs["peak"]
    ours = estimator.run(dataset)["sqrt_ts"].data
    both = np.isfinite(ours) & np.isfinite(gammapy_sqrt_ts)
    print(
        f"sqrt_ts agreement: max |diff| {np.max(np.abs(ours[both] - gammapy_sqrt_ts[both])):.2e}, "
        f"same NaN pixels: {np.array_equal(np.isnan(ours), np.isnan(gammapy_sqrt_ts))}"
    )
    print(json.dumps({"skymask_time": t_ours, "gammapy_time": theirs["time"]}))
    print("ALL TARGETS MET" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
