"""HEALPix datasets (issues 15 and 16): ``MapDataset.create`` on an all-sky nside 256 geometry
and ``MapDataset.stack`` of a partial sky into it.

Both sides: 3 reconstructed and 4 true energy bins from 1 to 10 TeV, galactic frame, nested,
IRF maps at ``binsz_irf = 2 deg`` (nside 32), a GTI of 30 minutes on every dataset. The stack
case adds a disk of radius 20 deg around (110, 75) deg with counts, background and exposure of
1, all safe. Outputs: the stacked counts, background and exposure (equal in both libraries:
the partial sky's pixels are the same), and for ``create`` the EDisp kernels (equal up to
float32 rounding: gammapy computes the overlap fractions in float32). The partial sky's IRF
maps differ in extent (X197: gammapy's cover half the radius), so they are not compared.
"""

from __future__ import annotations

from _framework import Case, Equal, Target

SETUP = """
import numpy as np
import astropy.units as u
NSIDE = 256
DISK = "DISK(110,75,20)"
"""


def _code(library: str, stack: bool) -> str:
    data = "skymask.data" if library == "skymask" else "gammapy.data"
    body = """
def run():
    return MapDataset.create(GEOM, energy_axis_true=ENERGY_TRUE, binsz_irf=2 * u.deg, gti=gti())
def output(dataset):
    shape = np.array(dataset.exposure.data.shape)
    return {"edisp": dataset.edisp.edisp_map.data, "exposure_shape": shape}
"""
    if stack:
        body = """
def setup_datasets():
    whole = MapDataset.create(GEOM, energy_axis_true=ENERGY_TRUE, binsz_irf=2 * u.deg, gti=gti())
    part = MapDataset.create(PART, energy_axis_true=ENERGY_TRUE, binsz_irf=2 * u.deg, gti=gti())
    for m in (part.counts, part.background, part.exposure):
        m.data += 1
    part.mask_safe.data[...] = True
    return whole, part
WHOLE, PART_DATASET = setup_datasets()
def run():
    WHOLE.stack(PART_DATASET)
    return WHOLE
def output(dataset):
    return {key: getattr(dataset, key).data for key in ("counts", "background", "exposure")}
"""
    return f"""
from {library}.maps import HpxGeom, MapAxis
from {library}.datasets import MapDataset
from {data} import GTI
ENERGY = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
ENERGY_TRUE = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
GEOM = HpxGeom.create(nside=NSIDE, nest=True, frame="galactic", axes=[ENERGY])
PART = HpxGeom.create(nside=NSIDE, nest=True, frame="galactic", axes=[ENERGY], region=DISK)
def gti():
    return GTI.create(start=0 * u.s, stop=30 * u.min)
def warmup():
    small = HpxGeom.create(nside=8, axes=[ENERGY])
    part = HpxGeom.create(nside=8, axes=[ENERGY], region="DISK(0,0,30)")
    options = dict(energy_axis_true=ENERGY_TRUE, binsz_irf=10 * u.deg)
    first = MapDataset.create(small, gti=gti(), **options)
    first.stack(MapDataset.create(part, gti=gti(), **options))
{body}"""


CASES = [
    Case(
        name="healpix.dataset_create_nside256",
        area="healpix",
        size="full",
        description="`MapDataset.create` on an all-sky nested nside 256 HpxGeom (786k pixels, "
        "3 energy bins), IRF maps at 2 deg (nside 32)",
        setup=SETUP,
        skymask=_code("skymask", stack=False),
        gammapy=_code("gammapy", stack=False),
        compare=Equal(rtol=1e-6),  # gammapy's overlap fractions are float32
        targets=[Target("speedup", 1, "issue 15")],
        repeat=5,
    ),
    Case(
        name="healpix.dataset_stack_partial_nside256",
        area="healpix",
        size="full",
        description="`MapDataset.stack` of a partial nside 256 sky (disk of 20 deg) into the "
        "all-sky dataset, IRF maps at 2 deg",
        setup=SETUP,
        skymask=_code("skymask", stack=True),
        gammapy=_code("gammapy", stack=True),
        compare=Equal(),
        targets=[Target("speedup", 1, "issue 15")],
        repeat=5,
    ),
]
