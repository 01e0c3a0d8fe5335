"""Check that files written by skymask read correctly in gammapy 2.1.

skymask writes a MapDataset (with mask_safe and mask_fit), a Datasets YAML index, an image
exclusion mask and a cube mask; gammapy, in its own environment, reads them and compares
with the arrays skymask saved. Exit code 0 when every check passes.

Usage:
    benchmarks/setup_gammapy_env.sh
    .venv/bin/python scripts/check_gammapy_reads.py [--gammapy-python PATH] [--data DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _gammapy_env import NO_ENVIRONMENT, find_gammapy_python, parse_arguments
from astropy import units as u
from astropy.coordinates import SkyCoord

ROOT = Path(__file__).resolve().parents[1]

GAMMAPY_CHECKS = r"""
import json, sys, warnings
import numpy as np
import astropy.units as u
warnings.simplefilter("ignore")
from gammapy.datasets import Datasets, MapDataset
from gammapy.maps import Map
out = sys.argv[1]
results = []
def check(name, ok, detail=""):
    results.append({"check": name, "ok": bool(ok), "detail": str(detail)})

d = MapDataset.read(f"{out}/dataset.fits")
ref = np.load(f"{out}/arrays.npz")
check("dataset counts", np.array_equal(d.counts.data, ref["counts"]), d.counts.data.sum())
check("dataset background", np.allclose(d.background.data, ref["background"]))
check("dataset exposure axis", d.exposure.geom.axes[0].name == "energy_true", d.exposure.geom.axes.names)
check("mask_safe is bool and equal", d.mask_safe.data.dtype == bool and np.array_equal(d.mask_safe.data, ref["mask_safe"]), d.mask_safe.data.dtype)
check("mask_fit is bool and equal", d.mask_fit.data.dtype == bool and np.array_equal(d.mask_fit.data, ref["mask_fit"]), d.mask_fit.data.dtype)
r95 = d.psf.containment_radius(0.95, energy_true=d.exposure.geom.axes[0].center).to_value("deg")
check("psf containment (gammapy) as from the original file", np.allclose(r95, ref["psf_r95_gammapy"], rtol=1e-6), r95)
kernel = d.edisp.get_edisp_kernel()
check("edisp kernel", np.allclose(kernel.data, ref["edisp_kernel"], rtol=1e-6))
ds = Datasets.read(f"{out}/datasets.yaml")
check("Datasets YAML", ds.names == ["Fermi-LAT"] and ds[0].counts.data.sum() == ref["counts"].sum(), ds.names)
m = Map.read(f"{out}/exclusion_mask.fits")
check("image mask reads as bool", m.data.dtype == bool and np.array_equal(m.data, ref["exclusion"]), m.data.dtype)
check("image mask geometry", m.geom.data_shape == ref["exclusion"].shape and np.allclose(m.geom.wcs.wcs.crval, ref["crval"]), m.geom.wcs.wcs.crval)
c = Map.read(f"{out}/cube_mask.fits")
check("cube mask reads as bool with its energy axis", c.data.dtype == bool and np.array_equal(c.data, ref["cube"]) and c.geom.axes[0].name == "energy", (c.data.dtype, c.geom.axes.names))
eroded = m.binary_erode(0.1 * u.deg)  # fails in gammapy unless the mask is bool
check("gammapy morphology works on the read mask", eroded.data.sum() <= m.data.sum())
r = Map.read(f"{out}/recipe_mask.fits")
check("recipe mask with a PROVENANCE extension reads as bool", r.data.dtype == bool and np.array_equal(r.data, ref["recipe"]), r.data.dtype)
p = Map.read(f"{out}/psf_exclusion.fits")
check("PSF-aware exclusion cube reads as bool, one plane per energy", p.data.dtype == bool and np.array_equal(p.data, ref["psf_exclusion"]) and p.geom.axes[0].name == "energy", (p.data.dtype, p.geom.axes.names))
f = Map.read(f"{out}/float_map.fits")
check("float map with unit", f.unit == u.Unit("cm-2 s-1") and np.allclose(f.data, ref["float_map"]), f.unit)
print(json.dumps(results))
"""


def write_files(out: Path, data_dir: Path) -> None:
    from skymask.datasets import Datasets, MapDataset
    from skymask.maps import Map, WcsGeom

    dataset = MapDataset.read(
        data_dir / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", name="Fermi-LAT"
    )
    geom = dataset.counts.geom
    dataset.mask_fit = geom.energy_mask(10 * u.GeV, 700 * u.GeV) & geom.region_mask(
        "galactic;box(184.55, -5.78, 3.0, 3.0)"
    )
    dataset.write(out / "dataset.fits", overwrite=True)
    Datasets([dataset]).write(out / "datasets.yaml", overwrite=True)

    crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
    image_geom = WcsGeom.create(skydir=crab, width="5 deg", binsz=0.02, frame="galactic")
    exclusion = image_geom.region_mask(
        "galactic;box(185,-4,1.0,0.5, 45);icrs;circle(83.633083, 22.0145, 0.3)", inside=False
    )
    exclusion.write(out / "exclusion_mask.fits", overwrite=True)
    cube = geom.energy_mask(10 * u.GeV, 700 * u.GeV)
    cube.write(out / "cube_mask.fits", overwrite=True)
    float_map = Map.from_geom(
        image_geom, data=np.random.default_rng(0).random(image_geom.data_shape), unit="cm-2 s-1"
    )
    float_map.write(out / "float_map.fits", overwrite=True)

    from skymask.catalog import CATALOG_REGISTRY
    from skymask.workflows import MaskRecipe

    recipe = MaskRecipe.from_yaml(
        "geometry: {skydir: [184.55, -5.78], frame: galactic, width: 3 deg, binsz: 0.05}\n"
        "steps:\n"
        "  - {regions: 'galactic;circle(184.55, -5.78, 0.5)', outside: true}\n"
        "  - {erode: 0.1 deg}\n"
    )
    recipe_mask = recipe.write(out / "recipe_mask.fits", overwrite=True)
    catalog = CATALOG_REGISTRY.get_cls("3fhl")(data_dir / "catalogs/fermi/gll_psch_v13.fit.gz")
    circles = catalog.exclusion_regions("0.3 deg", geom=geom, psf=dataset.psf)
    psf_exclusion = geom.region_mask(circles, inside=False)
    psf_exclusion.write(out / "psf_exclusion.fits", overwrite=True)

    # gammapy's own containment radius of the original PSF, for the PSF round trip.
    np.savez(
        out / "arrays.npz",
        counts=dataset.counts.data,
        background=dataset.background.data,
        mask_safe=dataset.mask_safe.data,
        mask_fit=dataset.mask_fit.data,
        psf_r95_gammapy=np.load(ROOT.parent / "shared/reference/tutorial/psf_r95.npy")
        if (ROOT.parent / "shared/reference/tutorial/psf_r95.npy").exists()
        else np.full(5, np.nan),
        edisp_kernel=dataset.edisp.get_edisp_kernel().data,
        exclusion=exclusion.data,
        crval=image_geom.wcs.wcs.crval,
        cube=cube.data,
        float_map=float_map.data,
        recipe=recipe_mask.data,
        psf_exclusion=psf_exclusion.data,
    )


def main(argv=None) -> int:
    args = parse_arguments(__doc__.splitlines()[0], argv)
    python = find_gammapy_python(args.gammapy_python)
    if python is None:
        print(NO_ENVIRONMENT)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_files(out, Path(args.data))
        result = subprocess.run(
            [str(python), "-c", GAMMAPY_CHECKS, str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        print(result.stderr[-3000:])
        return 1
    checks = json.loads(result.stdout.strip().splitlines()[-1])
    for item in checks:
        print(
            f"{'ok  ' if item['ok'] else 'FAIL'} {item['check']}  {item['detail'] if not item['ok'] else ''}"
        )
    failed = [c for c in checks if not c["ok"]]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed in gammapy")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
