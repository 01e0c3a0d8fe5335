"""Region masks: ``geom.region_mask(regions)`` with many circles, large maps, cubes.

Both sides get the same ``regions.CircleSkyRegion`` objects in the map frame (galactic).
gammapy 2.1 raises RecursionError for ~1000 regions in one call (D6), so its side ORs calls of
500 regions: what a user has to do. Outputs differ on circle rims only: gammapy tests circles
in the pixel plane, skymask on the sphere (D5); the check verifies exactly that.
"""

from __future__ import annotations

from _framework import Case, Documented, Target

from cases._common import check_circles_on_sphere


def circles_setup(*, n, npix, binsz, lon, lat, radius, seed, energy_bins=0) -> str:
    """Shared setup: ``regions`` (n circles of ``radius`` deg at uniform random positions in
    ``lon`` x ``lat``), the arrays ``LON, LAT, RADIUS``, and the geometry parameters."""
    return f"""
import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion
NPIX, BINSZ, ENERGY_BINS = {npix!r}, {binsz!r}, {energy_bins!r}
rng = np.random.default_rng({seed})
LON, LAT = rng.uniform({lon[0]}, {lon[1]}, {n}), rng.uniform({lat[0]}, {lat[1]}, {n})
RADIUS = np.full({n}, {radius!r})
centers = SkyCoord(LON, LAT, unit="deg", frame="galactic")
regions = [CircleSkyRegion(c, r * u.deg) for c, r in zip(centers, RADIUS)]
# A separate small input for warmup(): first-call costs (lazy imports) are not the timed
# call's, and nothing the timed call could reuse (same geometry, same regions) is touched.
warm_regions = [CircleSkyRegion(SkyCoord(1, 1, unit="deg", frame="galactic"), 0.3 * u.deg)]
"""


def side_code(library: str) -> str:
    batch = "500" if library == "gammapy" else "len(regions)"
    return f"""
from {library}.maps import MapAxis, WcsGeom
geom = WcsGeom.create(npix=NPIX, binsz=BINSZ, frame="galactic")
if ENERGY_BINS:
    geom = geom.to_cube([MapAxis.from_energy_bounds("1 TeV", "100 TeV", ENERGY_BINS)])
def warmup():
    WcsGeom.create(npix=(40, 30), binsz=0.1, frame="galactic").region_mask(warm_regions)
def run():
    batch = {batch}
    mask = None
    for start in range(0, len(regions), batch):
        part = geom.region_mask(regions[start:start + batch])
        mask = part if mask is None else mask | part
    return mask
"""


def circles_case(name, *, size, description, targets, circles, **options) -> Case:
    """A ``region_mask`` case; ``circles``: the keyword arguments of ``circles_setup``."""
    return Case(
        name=name,
        area="masks",
        size=size,
        description=description,
        setup=circles_setup(**circles),
        skymask=side_code("skymask"),
        gammapy=side_code("gammapy"),
        compare=Documented("D5", _check),
        targets=targets,
        **options,
    )


def _check(ours, theirs, context):
    """D5 on the case's own circles (the setup code, evaluated here)."""
    namespace = context.setup_namespace()
    return check_circles_on_sphere(
        ours,
        theirs,
        npix=namespace["NPIX"],
        binsz=namespace["BINSZ"],
        lon=namespace["LON"],
        lat=namespace["LAT"],
        radius=namespace["RADIUS"],
    )


# The Galactic-plane case of issues 3 and 19.
PLANE = dict(
    n=1000, npix=(4000, 1000), binsz=0.02, lon=(-40, 40), lat=(-10, 10), radius=0.3, seed=0
)

CASES = [
    circles_case(
        "region_mask.1000_circles_4000x1000",
        size="full",
        description="`region_mask`, 1000 circles (r = 0.3 deg), 4000 x 1000 at 0.02 deg",
        targets=[
            Target("speedup", 3000, "issue 19"),
            Target("extra_bytes_per_pixel", 2, "issue 3"),
        ],
        circles=PLANE,
        repeat=5,
        repeat_gammapy=3,  # gammapy takes 40-100 s per run
        memory=("skymask",),
        timeout=900,
    ),
    circles_case(
        "region_mask.1000_circles_4000x1000x5",
        size="full",
        description="`region_mask`, 1000 circles (r = 0.3 deg), 4000 x 1000 x 5 energy bins",
        targets=[
            Target("speedup", 300, "issue 3"),
            Target("extra_bytes_per_pixel", 2, "issue 3"),
        ],
        circles=dict(PLANE, energy_bins=5),
        repeat=3,
        repeat_gammapy=1,  # gammapy takes 5-9 minutes per run
        memory=("skymask",),
        timeout=1800,
    ),
    circles_case(
        "region_mask.300_circles_1000x1000",
        size="quick",
        description="`region_mask`, 300 circles (r = 0.3 deg), 1000 x 1000 at 0.02 deg",
        targets=[Target("speedup", 150, "issue 19")],
        circles=dict(
            n=300, npix=(1000, 1000), binsz=0.02, lon=(-10, 10), lat=(-10, 10), radius=0.3, seed=1
        ),
        repeat=5,
        quick_repeat=2,  # gammapy takes 6-8 s per run
    ),
    circles_case(
        "region_mask.1_circle_4000x4000",
        size="full",
        description="`region_mask`, one circle (r = 1 deg at l = 10, b = 20 deg), "
        "4000 x 4000 at 0.02 deg",
        targets=[Target("speedup", 100, "issue 19")],
        circles=dict(
            n=1, npix=(4000, 4000), binsz=0.02, lon=(10, 10), lat=(20, 20), radius=1.0, seed=0
        ),
        repeat=5,
    ),
]
