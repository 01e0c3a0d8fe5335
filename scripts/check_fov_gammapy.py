"""Compare skymask's FoVBackgroundMaker norm with gammapy 2.1's on the tutorial dataset.

Both run on the Fermi-LAT 3FHL Crab dataset with the tutorial's exclusion mask
(``exclusion_combined.npy`` on the 250 x 250, 0.02 deg galactic geometry centred on the Crab):
method "scale" without and with the tutorial's mask_fit (``mask_fit_combined.npy``), and
method "fit". gammapy runs in its own environment (a subprocess). Exit code 0 when the "scale"
norms agree to 1e-10 (relative) and the "fit" norms to gammapy's fit tolerance (1e-3).

Usage:
    .venv/bin/python scripts/check_fov_gammapy.py [--gammapy-python PATH] [--data DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from _gammapy_env import NO_ENVIRONMENT, find_gammapy_python, parse_arguments
from astropy.coordinates import SkyCoord

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared/reference/tutorial"
DATASET = "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"
CRAB = (83.633083, 22.0145)
# (label, method, use the tutorial mask_fit, relative tolerance)
CASES = [
    ("scale", "scale", False, 1e-10),
    ("scale + tutorial mask_fit", "scale", True, 1e-10),
    ("fit", "fit", False, 1e-3),
]

GAMMAPY_RUN = r"""
import json, sys, warnings
import numpy as np
from astropy.coordinates import SkyCoord
warnings.simplefilter("ignore")
from gammapy.datasets import MapDataset
from gammapy.makers import FoVBackgroundMaker
from gammapy.maps import Map, WcsGeom
dataset_file, reference, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
geom = WcsGeom.create(skydir=crab, width="5 deg", binsz=0.02, frame="galactic")
exclusion = Map.from_geom(geom, data=np.load(f"{reference}/exclusion_combined.npy"))
results = []
for label, method, use_mask_fit, _ in cases:
    dataset = MapDataset.read(dataset_file, name="crab")
    if use_mask_fit:
        dataset.mask_fit = Map.from_geom(
            dataset.counts.geom, data=np.load(f"{reference}/mask_fit_combined.npy")
        )
    out = FoVBackgroundMaker(method=method, exclusion_mask=exclusion).run(dataset)
    norm = out.models["crab-bkg"].spectral_model.norm
    results.append({"label": label, "norm": float(norm.value), "error": float(norm.error)})
print(json.dumps(results))
"""


def skymask_norms(dataset_file: Path) -> list[dict]:
    from skymask.datasets import MapDataset
    from skymask.makers import FoVBackgroundMaker
    from skymask.maps import Map, WcsGeom

    crab = SkyCoord(*CRAB, unit="deg", frame="icrs")
    geom = WcsGeom.create(skydir=crab, width="5 deg", binsz=0.02, frame="galactic")
    exclusion = Map.from_geom(geom, data=np.load(REFERENCE / "exclusion_combined.npy"))
    results = []
    for label, method, use_mask_fit, _ in CASES:
        dataset = MapDataset.read(dataset_file, name="crab")
        if use_mask_fit:
            dataset.mask_fit = Map.from_geom(
                dataset.counts.geom, data=np.load(REFERENCE / "mask_fit_combined.npy")
            )
        # fill_value=False: dataset pixels outside the mask's footprint are excluded, as in
        # gammapy's FoV maker (the tutorial mask covers the whole dataset anyway).
        maker = FoVBackgroundMaker(method=method, exclusion_mask=exclusion, fill_value=False)
        out = maker.run(dataset)
        results.append({"label": label, "norm": out.meta["BKG_NORM"], "error": out.meta["BKG_ERR"]})
    return results


def main(argv=None) -> int:
    args = parse_arguments(__doc__.splitlines()[0], argv)
    python = find_gammapy_python(args.gammapy_python)
    if python is None:
        print(NO_ENVIRONMENT)
        return 2
    dataset_file = Path(args.data) / DATASET
    if not dataset_file.exists():
        print(
            f"dataset not found: {dataset_file} (part of gammapy-data; set --data or GAMMAPY_DATA)"
        )
        return 2
    ours = skymask_norms(dataset_file)
    result = subprocess.run(
        [str(python), "-c", GAMMAPY_RUN, str(dataset_file), str(REFERENCE), json.dumps(CASES)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr[-3000:])
        return 1
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    failed = 0
    print(f"{'case':<28} {'skymask norm':>20} {'gammapy norm':>20} {'rel. diff':>10}")
    for (_, _, _, rtol), mine, gp in zip(CASES, ours, theirs, strict=True):
        diff = abs(mine["norm"] - gp["norm"]) / abs(gp["norm"])
        ok = diff <= rtol
        failed += not ok
        print(
            f"{mine['label']:<28} {mine['norm']!r:>20} {gp['norm']!r:>20} {diff:10.2e}"
            f"  {'ok' if ok else 'FAIL'}"
        )
        print(f"{'  error':<28} {mine['error']!r:>20} {gp['error']!r:>20}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
