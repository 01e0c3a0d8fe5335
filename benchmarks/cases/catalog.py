"""Catalog exclusion: a Galactic-plane exclusion mask from every 3FHL source inside it.

120 x 10 deg at 0.02 deg (6000 x 500 pixels). Timed on both sides, from the catalog read on: read
the catalog, select the sources inside the geometry, build 0.3 deg circles (skymask grows them
to cover each source's extension, X24), ``region_mask``, invert. It is the first call in the
process: a per-process catalog cache would not help the timed call. gammapy has no
extension-grown radii, so it gets skymask's radii (computed once before the runs).
"""

from __future__ import annotations

import json

import numpy as np
from _framework import Case, Documented, Target

from cases._common import check_circles_on_sphere

SETUP = """
import json
GEOM = dict(skydir=(0, 0), width=(120, 10), binsz=0.02, frame="galactic")
"""

PREPARE_SKYMASK = """
from skymask.catalog import CATALOG_REGISTRY
from skymask.maps import WcsGeom
geom = WcsGeom.create(**GEOM)
regions = CATALOG_REGISTRY.get_cls("3fhl")().exclusion_regions("0.3 deg", geom=geom)
circles = [
    [r.center.galactic.l.deg, r.center.galactic.b.deg, r.radius.to_value("deg")]
    for r in regions
]
with open(CASE_DIR + "/circles.json", "w") as handle:
    json.dump(circles, handle)
"""

SKYMASK = """
from skymask.catalog import CATALOG_REGISTRY
from skymask.maps import WcsGeom
def run():
    geom = WcsGeom.create(**GEOM)
    catalog = CATALOG_REGISTRY.get_cls("3fhl")()
    regions = catalog.exclusion_regions("0.3 deg", geom=geom)
    return {"mask": ~geom.region_mask(regions), "sources": len(regions)}
"""

GAMMAPY = """
import astropy.units as u
from regions import CircleSkyRegion
from gammapy.catalog import CATALOG_REGISTRY
from gammapy.maps import WcsGeom
with open(CASE_DIR + "/circles.json") as handle:
    RADII = [radius for _, _, radius in json.load(handle)]
def run():
    geom = WcsGeom.create(**GEOM)
    catalog = CATALOG_REGISTRY.get_cls("3fhl")()
    positions = catalog.positions[geom.contains(catalog.positions)]
    regions = [CircleSkyRegion(p, r * u.deg) for p, r in zip(positions, RADII)]
    mask = None
    for start in range(0, len(regions), 500):
        part = geom.region_mask(regions[start:start + 500])
        mask = part if mask is None else mask | part
    return {"mask": ~mask, "sources": len(positions)}
"""


def check(ours, theirs, context):
    """The same sources are selected; the excluded pixels differ only as D5 allows."""
    if ours["sources"] != theirs["sources"]:
        return False, f"sources inside: skymask {ours['sources']}, gammapy {theirs['sources']}"
    circles = np.array(json.loads((context.case_dir / "circles.json").read_text()))
    ok, note = check_circles_on_sphere(
        {"mask": ~ours["mask"]},
        {"mask": ~theirs["mask"].astype(bool)},
        npix=(6000, 500),
        binsz=0.02,
        lon=circles[:, 0],
        lat=circles[:, 1],
        radius=circles[:, 2],
        label="mask",
    )
    return ok, f"{ours['sources']} sources inside on both sides; excluded {note}"


CASES = [
    Case(
        name="catalog.exclusion_3fhl_6000x500",
        area="catalog",
        size="quick",
        description="3FHL exclusion mask of the Galactic plane, 120 x 10 deg at 0.02 deg: read "
        "+ select + circles + `region_mask` (first call in the process)",
        setup=SETUP,
        prepare_skymask=PREPARE_SKYMASK,
        skymask=SKYMASK,
        gammapy=GAMMAPY,
        compare=Documented("D5", check),
        targets=[Target("speedup", 100, "issue 19")],
        repeat=5,
        quick_repeat=2,  # gammapy takes 6-8 s per run
    ),
]
