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


# --- RingBackgroundMaker (issue 15) ----------------------------------------------------------
# The Galactic Centre ring background of tests/data/gammapy_references (gammapy's recipe in
# references.json): 400 x 200 pixels of 0.05 deg, r_in 0.5 deg, width 0.3 deg, 22 excluded
# 3FHL sources; the counts and background images are gammapy's, stored in the npz file.
RING_SETUP = """
import numpy as np
REFERENCE = np.load({path!r})
COUNTS = REFERENCE["counts"].astype(float)
BACKGROUND = REFERENCE["acceptance"]
EXCLUSION = REFERENCE["exclusion_mask"]
"""

RING = """
import astropy.units as u
from {library}.datasets import MapDataset
from {library}.makers import RingBackgroundMaker
from {library}.maps import Map, MapAxis, WcsGeom
axis = MapAxis.from_energy_edges([0.01, 2.0] * u.TeV)
geom = WcsGeom.create(
    npix=(400, 200), binsz=0.05, frame="galactic", proj="CAR", skydir=(0, 0), axes=[axis]
)
dataset = MapDataset(
    counts=Map.from_geom(geom, data=COUNTS),
    background=Map.from_geom(geom, data=BACKGROUND),
    mask_safe=Map.from_geom(geom, data=np.ones(geom.data_shape, bool)),
)
maker = RingBackgroundMaker(
    r_in="0.5 deg", width="0.3 deg", exclusion_mask=Map.from_geom(geom.to_image(), data=EXCLUSION)
)
small_geom = WcsGeom.create(npix=(60, 40), binsz=0.05, frame="galactic", axes=[axis])
small = MapDataset(
    counts=Map.from_geom(small_geom, data=COUNTS[:, :40, :60]),
    background=Map.from_geom(small_geom, data=BACKGROUND[:, :40, :60]),
    mask_safe=Map.from_geom(small_geom, data=np.ones(small_geom.data_shape, bool)),
)
def warmup():
    # First-call imports on another (smaller) geometry: nothing the timed call can reuse.
    RingBackgroundMaker(r_in="0.5 deg", width="0.3 deg").run(small)
def run():
    return maker.run(dataset)
def output(on_off):
    return {{"counts_off": on_off.counts_off.data, "acceptance_off": on_off.acceptance_off.data}}
"""


def check_ring(ours, theirs, context):
    """X33: the same OFF counts; the OFF acceptance within 1e-6 relative (gammapy keeps its FFT
    sums in float32, skymask's are exact float64)."""
    same_counts = np.array_equal(np.asarray(ours["counts_off"]), np.asarray(theirs["counts_off"]))
    a, b = (np.asarray(x["acceptance_off"], float) for x in (ours, theirs))
    worst = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-30)))
    ok = same_counts and worst <= 1e-6
    return ok, f"counts_off equal: {same_counts}; acceptance_off max relative diff {worst:.2g}"


def ring_case():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tests/data/gammapy_references"
    return Case(
        name="excess.ring_background_gc_400x200",
        area="excess",
        size="quick",
        description="`RingBackgroundMaker(0.5 deg, 0.3 deg).run`, Galactic Centre image "
        "400 x 200 at 0.05 deg, 22 excluded sources",
        setup=RING_SETUP.format(path=str(path / "gc_ring_background.npz")),
        skymask=RING.format(library="skymask"),
        gammapy=RING.format(library="gammapy"),
        compare=Documented("X33", check_ring),
        targets=[Target("speedup", 1, "issue 15")],
        repeat=7,
    )


CASES.append(ring_case())
