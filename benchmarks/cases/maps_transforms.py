"""Map transforms of issue 14 (cutout, downsample by 4, reproject_to_geom, smooth), on a
1000 x 1000 x 5 map at 0.02 deg (Poisson counts on a smooth background, float32, so that sums
are exact in both libraries' float32 arithmetic)."""

from __future__ import annotations

import numpy as np
from _framework import Case, Documented, Equal, Target

SETUP = """
import numpy as np
rng = np.random.default_rng(3)
y, x = np.mgrid[0:1000, 0:1000]
background = 2 + np.sin(x / 70.0) + np.cos(y / 50.0)
DATA = rng.poisson(np.broadcast_to(background, (5, 1000, 1000))).astype(np.float32)
"""

MAP_CODE = """
import astropy.units as u
from astropy.coordinates import SkyCoord
from {library}.maps import Map, MapAxis, WcsGeom
axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
geom = WcsGeom.create(npix=1000, binsz=0.02, skydir=(83.63, 22.01), frame="icrs", axes=[axis])
m = Map.from_geom(geom, data=DATA.copy())
small = Map.from_geom(WcsGeom.create(npix=40, binsz=0.02, axes=[axis]), data=DATA[:, :40, :40])
POSITION = SkyCoord(84.5, 22.5, unit="deg")
TARGET = WcsGeom.create(npix=200, binsz=0.1, frame="galactic",
                        skydir=SkyCoord(83.63, 22.01, unit="deg").galactic)
SMALL_TARGET = WcsGeom.create(npix=8, binsz=0.1)
def warmup():
    {warmup}
def run():
    return {call}
"""


def code(library, call, warmup):
    return MAP_CODE.format(library=library, call=call, warmup=warmup)


def check_close(ours, theirs, context):
    """X82: the same sub-pixel averaging; float32 accumulation order differs."""
    a, b = ours["result"].astype(float), theirs["result"].astype(float)
    scale = np.abs(b).max()
    diff = np.abs(a - b).max() / scale
    return bool(a.shape == b.shape and diff < 1e-5), f"max |diff| / max = {diff:.2g}"


FASTER = Target("speedup", 1, "issue 14")


def case(name, description, call, warmup, compare=None, size="full"):
    return Case(
        name=f"maps_api.{name}",
        area="maps-api",
        size=size,
        description=description,
        setup=SETUP,
        skymask=code("skymask", call, warmup),
        gammapy=code("gammapy", call, warmup),
        compare=compare or Equal(),
        targets=[FASTER],
        repeat=5,
    )


CASES = [
    case(
        "cutout_2deg_1000x1000x5",
        "`Map.cutout` 2 x 2 deg (100 x 100 x 5) of a 1000 x 1000 x 5 map at 0.02 deg",
        "m.cutout(POSITION, 2 * u.deg)",
        "small.cutout(small.geom.center_skydir, 0.2 * u.deg)",
        size="quick",
    ),
    case(
        "downsample_4_1000x1000x5",
        "`Map.downsample(4)` (sums) of a 1000 x 1000 x 5 map",
        "m.downsample(4)",
        "small.downsample(4)",
    ),
    case(
        "reproject_to_geom_1000x1000x5",
        "`Map.reproject_to_geom` of a 1000 x 1000 x 5 ICRS map at 0.02 deg onto 200 x 200 "
        "galactic at 0.1 deg",
        "m.reproject_to_geom(TARGET)",
        "small.reproject_to_geom(SMALL_TARGET)",
        compare=Documented("X82", check_close),
    ),
    case(
        "smooth_gauss_0.2deg_1000x1000x5",
        "`Map.smooth(0.2 deg)` Gaussian (sigma 10 pixels) of a 1000 x 1000 x 5 map",
        "m.smooth(0.2 * u.deg)",
        "small.smooth(0.2 * u.deg)",
    ),
]
