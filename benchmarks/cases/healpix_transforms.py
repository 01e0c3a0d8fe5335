"""HEALPix map transforms (issue 16, geometry side): downsample, upsample, cutout and pad of
HEALPix maps, side by side with gammapy 2.1.

Both sides get the same integer-valued float32 data (Poisson counts), so that sums and the
divisions by 4 are exact in both libraries and the outputs must be identical. gammapy
downsamples through ``fill_by_coord`` of every pixel centre, upsamples through
``get_by_coord``, pads through neighbour lists and ``set_by_coord``; skymask works on pixel
indices (nested arithmetic, cdshealpix neighbours).
"""

from __future__ import annotations

from _framework import Case, Equal, Target

SETUP = """
import numpy as np
rng = np.random.default_rng(16)
DATA_1024 = rng.poisson(3.0, 12 * 1024**2).astype(np.float32)
DATA_256 = rng.poisson(3.0, 12 * 256**2).astype(np.float32)
"""

MAP_CODE = """
import astropy.units as u
from astropy.coordinates import SkyCoord
from {library}.maps import HpxGeom, HpxNDMap
allsky = HpxNDMap(HpxGeom(1024, nest=True, frame="galactic"), data=DATA_1024.copy())
allsky_256 = HpxNDMap(HpxGeom(256, nest=False, frame="galactic"), data=DATA_256.copy())
partial = HpxNDMap(HpxGeom(1024, nest=True, frame="galactic", region="DISK(30,20,5)"))
partial.data[...] = 1
small = HpxNDMap(HpxGeom(16, nest=True, frame="galactic"), data=DATA_256[:3072].copy())
small_partial = HpxNDMap(HpxGeom(64, nest=True, frame="galactic", region="DISK(30,20,5)"))
POSITION = SkyCoord(30, 20, unit="deg", frame="galactic")
def warmup():
    {warmup}
def run():
    return {call}
"""


def code(library, call, warmup):
    return MAP_CODE.format(library=library, call=call, warmup=warmup)


FASTER = Target("speedup", 1, "issue 16")


def case(name, description, call, warmup, size="full"):
    return Case(
        name=f"healpix.{name}",
        area="healpix",
        size=size,
        description=description,
        setup=SETUP,
        skymask=code("skymask", call, warmup),
        gammapy=code("gammapy", call, warmup),
        compare=Equal(),
        targets=[FASTER],
        repeat=3,
    )


CASES = [
    case(
        "downsample_4_nside1024",
        "`HpxNDMap.downsample(4)` (sums) of an all-sky nested nside 1024 map (12.6M pixels)",
        "allsky.downsample(4)",
        "small.downsample(4)",
        size="full",
    ),
    case(
        "upsample_2_nside256",
        "`HpxNDMap.upsample(2)` (counts kept) of an all-sky ring nside 256 map",
        "allsky_256.upsample(2)",
        "small.upsample(2)",
    ),
    case(
        "cutout_10deg_nside1024",
        "`HpxNDMap.cutout` 10 deg wide of an all-sky nested nside 1024 map",
        "allsky.cutout(POSITION, 10 * u.deg)",
        "small.cutout(POSITION, 10 * u.deg)",
    ),
    case(
        "pad_3_disk5deg_nside1024",
        "`HpxNDMap.pad(3)` of a 5 deg disk at nside 1024 (~7000 pixels)",
        "partial.pad(3, mode='constant', cval=2)",
        "small_partial.pad(1, mode='constant', cval=2)",
    ),
]
