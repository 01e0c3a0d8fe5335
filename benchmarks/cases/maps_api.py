"""Map API operations (issue 14: cutout, interp_by_coord of 1e6 points, smooth with a 0.2 deg
Gaussian, downsample by 4, reproject_to_geom of a 1000 x 1000 x 5 map).

``interp_by_coord``: a 1000 x 1000 x 5 cube at 0.02 deg (galactic CAR, a log energy axis) of
smooth positive values, looked up at 1e6 random positions and energies inside it, linear
interpolation (the default). Both sides compute the same multi-linear formula; the sums run in
another order, so the outputs agree to 1e-9 (relative), not bit for bit.
"""

from __future__ import annotations

from _framework import Case, Equal, Target

INTERP_SETUP = """
import numpy as np
NPIX, NBIN, BINSZ, NPOINTS = 1000, 5, 0.02, 1_000_000
rng = np.random.default_rng(14)
ny, nx = np.ogrid[0:NPIX, 0:NPIX]
PLANE = 1.0 + np.sin(nx / 37.0) ** 2 + np.cos(ny / 53.0) ** 2
DATA = np.stack([PLANE * (k + 1) for k in range(NBIN)])
del ny, nx
LON = rng.uniform(-9.9, 9.9, NPOINTS)
LAT = rng.uniform(-9.9, 9.9, NPOINTS)
ENERGY_TEV = 10 ** rng.uniform(-0.95, 1.95, NPOINTS)
"""

INTERP_CODE = """
import astropy.units as u
from {library}.maps import Map, MapAxis, WcsGeom
axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=NBIN, name="energy")
geom = WcsGeom.create(npix=NPIX, binsz=BINSZ, frame="galactic", axes=[axis])
cube = Map.from_geom(geom, data=DATA.copy())
COORDS = {{"lon": LON, "lat": LAT, "energy": ENERGY_TEV * u.TeV}}
small = {{"lon": LON[:100], "lat": LAT[:100], "energy": ENERGY_TEV[:100] * u.TeV}}
def warmup():
    cube.interp_by_coord(small)
def run():
    return cube.interp_by_coord(COORDS)
def output(values):
    return {{"values": np.asarray(values, dtype=float)}}
"""

CASES = [
    Case(
        name="maps_api.interp_by_coord_1e6_points_1000x1000x5",
        area="maps-api",
        size="full",
        description=(
            "`interp_by_coord` (linear) of 1e6 random positions and energies, "
            "1000 x 1000 x 5 cube at 0.02 deg"
        ),
        setup=INTERP_SETUP,
        skymask=INTERP_CODE.format(library="skymask"),
        gammapy=INTERP_CODE.format(library="gammapy"),
        compare=Equal(rtol=1e-9),
        targets=[Target("speedup", 1, "issue 14")],
        repeat=5,
    ),
]
