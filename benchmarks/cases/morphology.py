"""Morphology: ``Map.binary_dilate`` / ``binary_erode`` of a survey-like exclusion mask, and the
skymask kernels alone (cost against the radius: row spans up to 250 pixels, then a distance
transform).

The mask: compact sources (disks of 1-7 pixels, 300 per million pixels), a Galactic band, and
20 isolated pixels (significance masks have them). Dilation acts on that mask, erosion on its
inverse (the allowed region, as the tutorial erodes ``~significance_mask``). At 0.5 deg on
0.02 deg pixels both libraries use a 25-pixel disk (gammapy rounds width / pixel up to an odd
number and uses it as the radius, D4: 25 stays 25), so erosion agrees exactly; gammapy's
default FFT dilation keeps a pixel only where >= 2 mask pixels are under the kernel, so the
disks around isolated pixels vanish (D3).
"""

from __future__ import annotations

import numpy as np
from _framework import Case, Documented, Equal, NotComparable, Target

MASK_SETUP = """
import numpy as np
NX, NY, BINSZ = {nx}, {ny}, 0.02

def survey_mask(ny, nx, seed=1):
    rng = np.random.default_rng(seed)
    data = np.zeros((ny, nx), dtype=bool)
    n = int(300 * ny * nx / 1e6)
    for y, x, r in zip(rng.integers(0, ny, n), rng.integers(0, nx, n), rng.integers(1, 8, n)):
        y0, y1, x0, x1 = max(y - r, 0), min(y + r + 1, ny), max(x - r, 0), min(x + r + 1, nx)
        yy, xx = np.ogrid[y0 - y:y1 - y, x0 - x:x1 - x]
        data[y0:y1, x0:x1] |= xx * xx + yy * yy <= r * r
    half = max(ny // 50, 1)
    data[ny // 2 - half:ny // 2 + half, :] = True
    data[rng.integers(0, ny, 20), rng.integers(0, nx, 20)] = True
    return data

DATA = survey_mask(NY, NX)
"""

MAP_CODE = """
import astropy.units as u
from {library}.maps import Map, WcsGeom
def make(data):
    geom = WcsGeom.create(npix=data.shape[::-1], binsz=BINSZ, frame="galactic")
    return Map.from_geom(geom, data=data.copy())
mask = make({source})
small = make(np.eye(40, 50, dtype=bool))
WIDTH = {width} * u.deg
def warmup():
    small.{operation}(WIDTH{extra})
def run():
    return mask.{operation}(WIDTH{extra})
"""


def map_code(library, operation, width, extra=""):
    # Erosion shrinks the allowed region of an exclusion mask: it acts on ~DATA.
    source = "DATA" if operation == "binary_dilate" else "~DATA"
    return MAP_CODE.format(
        library=library, operation=operation, width=width, extra=extra, source=source
    )


def disk_offsets(radius):
    y, x = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    inside = x * x + y * y <= radius * radius
    return y[inside], x[inside]


def check_fft_dilation(ours, theirs, context):
    """D3: gammapy's FFT dilation is skymask's minus (some of) the pixels that have exactly one
    True pixel within the 25-pixel disk (FFT rounding decides ``1.0 > 1``); counts by brute force
    at the differing pixels."""
    data = context.setup_namespace()["DATA"]
    ours, theirs = ours["result"], theirs["result"].astype(bool)
    if np.any(theirs & ~ours):
        return False, f"{int((theirs & ~ours).sum())} pixels True in gammapy only"
    rows, columns = np.nonzero(ours & ~theirs)
    count = np.zeros(rows.size, dtype=int)
    ny, nx = data.shape
    for dy, dx in zip(*disk_offsets(25), strict=True):
        y, x = rows + dy, columns + dx
        valid = (y >= 0) & (y < ny) & (x >= 0) & (x < nx)
        count[valid] += data[y[valid], x[valid]]
    note = (
        f"True pixels: skymask {int(ours.sum())}, gammapy {int(theirs.sum())}; the "
        f"{rows.size} pixels True in skymask only each have exactly one True pixel within "
        f"25 pixels: {bool(np.all(count == 1))}"
    )
    return bool(np.all(count == 1)), note


def check_exact_radius(ours, theirs, context):
    """D4: gammapy's width 1.0 deg is a 51-pixel radius (50 rounded up to odd), skymask's a
    50-pixel one; each equals the exact dilation of its radius (scipy's Euclidean distance
    transform as the oracle)."""
    from scipy import ndimage

    data = context.setup_namespace()["DATA"]
    distance = ndimage.distance_transform_edt(~data)
    ours_ok = np.array_equal(ours["result"], distance <= 50)
    theirs_ok = np.array_equal(theirs["result"].astype(bool), distance <= 51)
    note = (
        f"skymask == exact 50-pixel dilation: {ours_ok}; gammapy use_fft=False == exact "
        f"51-pixel dilation: {theirs_ok}"
    )
    return ours_ok and theirs_ok, note


def morphology_case(operation, npix, *, size, targets, repeat=5, **options):
    width = 0.5
    label = "dilate" if operation == "binary_dilate" else "erode"
    compare = Documented("D3", check_fft_dilation) if operation == "binary_dilate" else Equal()
    return Case(
        name=f"morphology.{label}_0.5deg_{npix}x{npix}",
        area="morphology",
        size=size,
        description=f"`{operation}` 0.5 deg disk (25 px), {npix} x {npix} survey mask"
        f"{'' if label == 'dilate' else ' inverted'} at 0.02 deg, vs gammapy's default (FFT)",
        setup=MASK_SETUP.format(nx=npix, ny=npix),
        skymask=map_code("skymask", operation, width),
        gammapy=map_code("gammapy", operation, width),
        compare=compare,
        targets=targets,
        repeat=repeat,
        **options,
    )


KERNEL_SETUP = """
import numpy as np
from scipy import ndimage
# Smooth blobs covering 30% of a 1000 x 1000 map plus scattered single pixels.
rng = np.random.default_rng(0)
field = ndimage.gaussian_filter(rng.normal(size=(1000, 1000)), 20)
MASK = field > np.quantile(field, 0.7)
MASK |= rng.random(MASK.shape) < 1e-3
PIXEL_SIZE = (0.02, 0.02)
"""


def kernel_case(function, radius, *, size="full"):
    label = function.split("_")[1]
    return Case(
        name=f"morphology.kernel_{label}_disk_{radius}deg",
        area="morphology",
        size=size,
        description=f"kernel `skymask.morphology.{function}`, disk r = {radius} deg "
        f"({round(radius / 0.02)} px), 1000 x 1000 blobs",
        setup=KERNEL_SETUP,
        skymask=f"""
from skymask.morphology import {function}
def warmup():
    {function}(np.eye(30, dtype=bool), {radius}, "disk", PIXEL_SIZE)
def run():
    return {function}(MASK, {radius}, "disk", PIXEL_SIZE)
""",
        compare=NotComparable("skymask only: cost against the radius"),
        notes="row spans: the cost grows slowly with the radius (bounded beyond 250 px)",
    )


def scipy_case(radius):
    return Case(
        name=f"morphology.scipy_dilation_disk_{radius}deg",
        area="morphology",
        size="full",
        description=f"reference: `scipy.ndimage.binary_dilation` with the explicit "
        f"r = {radius} deg disk (gammapy's exact path), same mask",
        setup=KERNEL_SETUP,
        skymask=f"""
from skymask.morphology import structuring_element
FOOTPRINT = structuring_element({radius}, "disk", PIXEL_SIZE)
def run():
    return ndimage.binary_dilation(MASK, structure=FOOTPRINT)
""",
        compare=NotComparable("reference (scipy in skymask's environment)"),
        repeat=3,
    )


FASTER = Target("speedup", 1, "issue 19")

CASES = [
    morphology_case("binary_dilate", 1000, size="quick", targets=[FASTER]),
    morphology_case("binary_erode", 1000, size="full", targets=[FASTER]),
    morphology_case("binary_dilate", 4000, size="full", targets=[FASTER]),
    morphology_case("binary_erode", 4000, size="full", targets=[FASTER]),
    Case(
        name="morphology.dilate_1deg_1000x1000_exact",
        area="morphology",
        size="full",
        description="`binary_dilate` 1.0 deg, 1000 x 1000 survey mask, vs gammapy "
        "`use_fft=False` (its exact path)",
        setup=MASK_SETUP.format(nx=1000, ny=1000),
        skymask=map_code("skymask", "binary_dilate", 1.0),
        gammapy=map_code("gammapy", "binary_dilate", 1.0, extra=", use_fft=False"),
        compare=Documented("D4", check_exact_radius),
        targets=[Target("speedup", 10, "issue 3")],
        repeat=3,
    ),
    kernel_case("binary_dilate", 0.1),
    kernel_case("binary_dilate", 1.0),
    kernel_case("binary_erode", 0.1),
    kernel_case("binary_erode", 1.0),
    scipy_case(0.1),
    scipy_case(1.0),
]
