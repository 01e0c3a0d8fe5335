"""ExcessMapEstimator on a synthetic survey-sized dataset: 1000 x 1000 x 5 at 0.02 deg.

Both sides get the same arrays (Poisson counts on a smooth background, a 10-pixel unsafe
border, a flat exposure), made by the shared setup with the same numpy. ``run()`` is one
``estimator.run(dataset)``. sqrt_ts agrees up to gammapy's float32 storage of the correlated
background (X26).
"""

from __future__ import annotations

import numpy as np
from _framework import Case, Documented, NotComparable, Target

SETUP = """
import numpy as np
NPIX, NBIN = 1000, 5
rng = np.random.default_rng(0)
y, x = np.mgrid[0:NPIX, 0:NPIX] / NPIX
BACKGROUND = (0.5 + 0.3 * np.sin(6 * x) * np.cos(4 * y)) * np.linspace(1.0, 0.1, NBIN)[
    :, None, None
]
COUNTS = rng.poisson(BACKGROUND).astype(np.float32)
SAFE = np.zeros((NBIN, NPIX, NPIX), dtype=bool)
SAFE[:, 10:-10, 10:-10] = True
del x, y
"""

SKYMASK = """
from skymask.datasets import MapDataset
from skymask.estimators import ExcessMapEstimator
from skymask.maps import MapAxis, WcsGeom

def make_dataset(npix, counts, background, safe):
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=NBIN)
    geom = WcsGeom.create(npix=npix, binsz=0.02, frame="galactic", axes=[energy])
    dataset = MapDataset.create(geom, mask_safe=safe, background=background)
    dataset.counts.data[...] = counts
    dataset.exposure.data[...] = 3e7  # m2 s = 3e11 cm2 s
    return dataset

dataset = make_dataset(NPIX, COUNTS, BACKGROUND, SAFE)
small = make_dataset(60, COUNTS[:, :60, :60], BACKGROUND[:, :60, :60], SAFE[:, :60, :60])
estimator = ExcessMapEstimator("{radius} deg"{options})
def warmup():
    ExcessMapEstimator("{radius} deg"{options}).run(small)
def run():
    return estimator.run(dataset)
def output(result):
    return {{key: result[key].data for key in ("sqrt_ts", "npred_excess")}}
"""

GAMMAPY = """
from gammapy.datasets import MapDataset
from gammapy.estimators import ExcessMapEstimator
from gammapy.maps import MapAxis, WcsGeom

def make_dataset(npix, counts, background, safe):
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=NBIN)
    geom = WcsGeom.create(npix=npix, binsz=0.02, frame="galactic", axes=[energy])
    dataset = MapDataset.create(geom, energy_axis_true=energy.copy(name="energy_true"))
    dataset.counts.data = counts.copy()
    dataset.background.data = background.copy()
    dataset.mask_safe.data = safe.copy()
    dataset.exposure.data[...] = 3e11
    return dataset

dataset = make_dataset(NPIX, COUNTS, BACKGROUND, SAFE)
small = make_dataset(60, COUNTS[:, :60, :60], BACKGROUND[:, :60, :60], SAFE[:, :60, :60])
estimator = ExcessMapEstimator("{radius} deg", selection_optional=[])
def warmup():
    ExcessMapEstimator("{radius} deg", selection_optional=[]).run(small)
def run():
    return estimator.run(dataset)
def output(result):
    return {{key: result[key].data for key in ("sqrt_ts", "npred_excess")}}
"""


def check(ours, theirs, context):
    """X26: the same NaN pixels; sqrt_ts within 1e-4 absolute, npred_excess within 1e-4 of the
    counts scale (gammapy keeps the correlated background in float32)."""
    notes, ok = [], True
    for key in ("sqrt_ts", "npred_excess"):
        a, b = np.asarray(ours[key], float), np.asarray(theirs[key], float)
        same_nan = np.array_equal(np.isnan(a), np.isnan(b))
        both = np.isfinite(a) & np.isfinite(b)
        worst = float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0
        scale = float(np.max(np.abs(b[both]))) if both.any() else 1.0
        ok &= same_nan and worst <= 1e-4 * max(scale, 1.0)
        notes.append(f"{key}: max |diff| {worst:.2g} (scale {scale:.3g}), same NaN: {same_nan}")
    return ok, "; ".join(notes)


def excess_case(radius, size):
    return Case(
        name=f"excess.map_estimator_{radius}deg_1000x1000x5",
        area="excess",
        size=size,
        description=f'`ExcessMapEstimator("{radius} deg").run`, synthetic 1000 x 1000 x 5 '
        "at 0.02 deg",
        setup=SETUP,
        skymask=SKYMASK.format(radius=radius, options=", selection_optional=[]"),
        gammapy=GAMMAPY.format(radius=radius),
        compare=Documented("X26", check),
        targets=[Target("speedup", 3, "issue 19"), Target("memory_ratio", 1, "issue 6")],
        memory=("skymask", "gammapy"),
        repeat=5,
    )


def variant_case(label, options):
    return Case(
        name=f"excess.variant_{label}",
        area="excess",
        size="full",
        description=f'skymask only: `ExcessMapEstimator("0.4 deg"{options})`, same dataset',
        setup=SETUP,
        skymask=SKYMASK.format(radius=0.4, options=options),
        compare=NotComparable("skymask only: method and options"),
        memory=("skymask",),
        repeat=3,
    )


CASES = [
    excess_case(0.1, "full"),
    excess_case(0.4, "quick"),
    variant_case("direct", ', selection_optional=[], method="direct"'),
    variant_case("per_bin", ', selection_optional=[], energy_edges="all"'),
    variant_case("per_bin_all_optional", ', selection_optional="all", energy_edges="all"'),
]
