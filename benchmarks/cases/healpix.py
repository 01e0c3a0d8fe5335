"""HEALPix region masks (issue 16): many small circles on an all-sky map, catalog exclusion.

Both sides get the same ``CircleSkyRegion`` objects (galactic, uniform on the sphere, radii
0.05-0.3 deg) and an all-sky ring-ordered nside 1024 geometry (12.6M pixels). gammapy 2.1's
``HpxGeom.region_mask`` goes through a ``RegionGeom`` (a TAN projection around the regions'
bounding box): with regions spread over the sky that projection fails (``ValueError: cannot
convert float NaN to integer``, X111), so its side makes one call per circle and ORs the
masks: what a user has to do, about 5 s per call at nside 1024. skymask answers all circles in
one vectorised ring-interval query. Outputs differ on circle rims only (gammapy tests circles
in the tangent plane, skymask on the sphere, X110); the check verifies exactly that.
"""

from __future__ import annotations

import numpy as np
from _framework import Case, Documented, NotComparable, Target


def circles_setup(*, n, nside, seed) -> str:
    return f"""
import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion
NSIDE = {nside!r}
rng = np.random.default_rng({seed})
LON = rng.uniform(0, 360, {n})
LAT = np.degrees(np.arcsin(rng.uniform(-1, 1, {n})))
RADIUS = rng.uniform(0.05, 0.3, {n})
centers = SkyCoord(LON, LAT, unit="deg", frame="galactic")
regions = [CircleSkyRegion(c, r * u.deg) for c, r in zip(centers, RADIUS)]
warm_regions = [CircleSkyRegion(SkyCoord(1, 1, unit="deg", frame="galactic"), 0.3 * u.deg)]
"""


SKYMASK = """
from skymask.maps import HpxGeom
geom = HpxGeom.create(nside=NSIDE, nest=False, frame="galactic")
def warmup():
    HpxGeom.create(nside=64, nest=False, frame="galactic").region_mask(warm_regions)
def run():
    return geom.region_mask(regions)
"""

GAMMAPY = """
from gammapy.maps import HpxGeom
geom = HpxGeom.create(nside=NSIDE, nest=False, frame="galactic")
def warmup():
    HpxGeom.create(nside=64, nest=False, frame="galactic").region_mask(warm_regions)
def run():
    # One call per circle: a call with circles spread over the sky fails (X111).
    mask = None
    for region in regions:
        part = geom.region_mask([region])
        mask = part if mask is None else mask | part
    return mask
"""


def _check(ours, theirs, context):
    """X110: where the masks differ, skymask's answer is the angular-separation test of the
    pixel centre (centres from cdshealpix) and the centre lies within 1e-4 deg of a rim."""
    import astropy.units as u
    import cdshealpix.ring as cds_ring
    from astropy.coordinates import angular_separation

    namespace = context.setup_namespace()
    ours, theirs = np.asarray(ours["result"]), np.asarray(theirs["result"]).astype(bool)
    if ours.shape != theirs.shape:
        return False, f"shapes differ: {ours.shape} vs {theirs.shape}"
    differ = np.flatnonzero(ours != theirs)
    note = f"True pixels: skymask {int(ours.sum())}, gammapy {int(theirs.sum())}; "
    if differ.size == 0:
        return True, note + "identical"
    lon, lat = cds_ring.healpix_to_lonlat(differ, namespace["NSIDE"])
    lon, lat = lon.to_value(u.rad), lat.to_value(u.rad)
    clon, clat = np.radians(namespace["LON"]), np.radians(namespace["LAT"])
    radius = namespace["RADIUS"]
    separation = np.degrees(angular_separation(lon[:, None], lat[:, None], clon, clat))
    inside = (separation < radius).any(axis=1)
    rim = np.abs(separation - radius).min(axis=1)
    right = np.array_equal(inside, ours[differ])
    note += f"{differ.size} pixels differ, all within {rim.max():.2e} deg of a rim"
    return right and rim.max() < 1e-4, note + ("" if right else "; skymask WRONG there")


def circles_case(name, *, size, n, targets, **options) -> Case:
    return Case(
        name=name,
        area="healpix",
        size=size,
        description=f"`HpxGeom.region_mask`, {n} circles (r = 0.05-0.3 deg), all-sky nside "
        "1024 (12.6M pixels), ring ordering",
        setup=circles_setup(n=n, nside=1024, seed=16),
        skymask=SKYMASK,
        gammapy=GAMMAPY,
        compare=Documented("X110", _check),
        targets=targets,
        **options,
    )


CATALOG = """
from skymask.catalog import CATALOG_REGISTRY
from skymask.maps import HpxGeom
def run():
    geom = HpxGeom.create(nside=2048, nest=True, frame="galactic")
    catalog = CATALOG_REGISTRY.get_cls("3fhl")()
    regions = catalog.exclusion_regions("0.3 deg")
    return {"mask": geom.region_mask(regions, inside=False), "sources": len(regions)}
"""

CASES = [
    circles_case(
        "healpix.region_mask_1000_circles_nside1024",
        size="full",
        n=1000,
        targets=[
            Target("speedup", 100, "issue 16"),
            Target("extra_bytes_per_pixel", 2, "issue 16"),
        ],
        repeat=5,
        repeat_gammapy=1,  # one call per circle, ~5 s each: ~90 minutes per run
        memory=("skymask",),
        timeout=4 * 3600,
    ),
    circles_case(
        "healpix.region_mask_20_circles_nside1024",
        size="full",
        n=20,
        targets=[Target("speedup", 100, "issue 16")],
        repeat=3,
        repeat_gammapy=2,
        quick_repeat=2,  # gammapy: ~5 s per circle
        timeout=1800,
    ),
    Case(
        name="healpix.catalog_3fhl_nside2048",
        area="healpix",
        size="full",
        description="every 3FHL source (0.3 deg circles grown to the extension) excluded from "
        "an all-sky nested nside 2048 map (50M pixels), catalog read included",
        skymask=CATALOG,
        compare=NotComparable(
            "skymask only: gammapy's HEALPix region_mask fails for regions "
            "spread over the sky (X111)"
        ),
        repeat=3,
        memory=("skymask",),
    ),
]
