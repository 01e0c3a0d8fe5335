"""HEALPix convolution (issue 16): `HpxNDMap.convolve_wcs` and `convolve_full`, side by side
with gammapy 2.1 on the setups of gammapy's own tests, and on dense all-sky maps.

The outputs are not compared: skymask puts the TAN round trip back by surface brightness
(X199) and convolves on the sphere in direct space (X200), gammapy goes through healpy's
spherical harmonics; `tests/maps/hpx/test_convolve.py` checks both against the Gaussian of
the angle. convolve_full's cost in skymask grows with the number of non-zero pixels times the
pixels within the kernel's radius (direct space); healpy's does not depend on the data.
"""

from __future__ import annotations

from _framework import Case, NotComparable, Target

SETUP = """
import numpy as np
rng = np.random.default_rng(16)
DENSE_256 = rng.poisson(3.0, (2, 12 * 256**2)).astype(float)
"""

MAP_CODE = """
import astropy.units as u
from {library}.irf import PSFKernel, PSFMap
from {library}.maps import HpxGeom, HpxNDMap, Map, MapAxis, WcsGeom
energy = MapAxis.from_bounds(1, 100, unit="TeV", nbin=2, name="energy_true")
psf = PSFMap.from_gauss(energy_axis_true=energy, sigma=[0.5, 0.6] * u.deg)
KERNEL = psf.get_psf_kernel(geom=WcsGeom.create(width=5, binsz=0.05, axes=[energy]),
                            max_radius=1 * u.deg)
allsky = HpxGeom(nside=256, axes=[energy], nest=False, frame="icrs")
sparse = Map.from_geom(allsky)
for lon, lat in [(0, 0), (10, 10), (30, 30), (-40, -40), (60, 0), (-45, 30), (30, -45)]:
    sparse.set_by_coord((lon, lat, [2, 90]), 1)
dense = HpxNDMap(allsky, data=DENSE_256.copy())
disk = Map.from_geom(HpxGeom.create(nside=256, axes=[energy], region="DISK(0,0,2.5)"))
disk.set_by_coord((0, 0, [2, 90]), 1)
KERNEL_FINE = PSFKernel.from_gauss(WcsGeom.create(width=5, binsz=0.04, axes=[energy]),
                                   0.4 * u.deg)
small = Map.from_geom(HpxGeom.create(nside=64, axes=[energy], region="DISK(0,0,5)"))
small.set_by_coord((0, 0, [2, 90]), 1)
def warmup():
    {warmup}
def run():
    return {call}
"""

NOT_COMPARED = NotComparable("X199 / X200: other numerics than healpy's (see the module)")
FASTER = Target("speedup", 1, "issue 16")


def case(name, description, call, warmup, size="full"):
    return Case(
        name=f"healpix.{name}",
        area="healpix",
        size=size,
        description=description,
        setup=SETUP,
        skymask=MAP_CODE.format(library="skymask", call=call, warmup=warmup),
        gammapy=MAP_CODE.format(library="gammapy", call=call, warmup=warmup),
        compare=NOT_COMPARED,
        targets=[FASTER],
        repeat=3,
    )


CASES = [
    case(
        "convolve_wcs_disk2.5deg_nside256",
        "`HpxNDMap.convolve_wcs`, a delta in a 2.5 deg disk at nside 256, 0.4 deg Gaussian on "
        "0.04 deg pixels, 2 planes (gammapy's test_convolve_wcs)",
        "disk.convolve_wcs(KERNEL_FINE)",
        "small.convolve_wcs(KERNEL)",
        size="quick",
    ),
    case(
        "convolve_full_7_deltas_nside256",
        "`HpxNDMap.convolve_full`, 7 deltas on an all-sky nside 256 map, PSF of 0.5 / 0.6 deg "
        "up to 1 deg, 2 planes (gammapy's test_convolve_full)",
        "sparse.convolve_full(KERNEL)",
        "small.convolve_full(KERNEL)",
        size="full",
    ),
    case(
        "convolve_full_dense_nside256",
        "`HpxNDMap.convolve_full`, Poisson counts in every pixel of an all-sky nside 256 map, "
        "same PSF, 2 planes",
        "dense.convolve_full(KERNEL)",
        "small.convolve_full(KERNEL)",
    ),
]
