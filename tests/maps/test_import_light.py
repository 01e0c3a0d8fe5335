"""``import skymask.maps`` loads numpy and astropy.units, not the heavy modules (issue 19 item 6).

Structure, not timing: a fresh interpreter imports skymask.maps and reports which of the
modules that take longest to import it loaded. They are imported where first used.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "astropy.coordinates",
    "astropy.wcs",
    "astropy.io.fits",
    "astropy.table",
    "astropy.time",
    "regions",
    "matplotlib",
    "scipy",
    "dask",
    "yaml",
)


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_skymask_maps_loads_none_of_the_heavy_modules():
    assert _loaded_after("import skymask.maps") == []


def test_heavy_modules_arrive_when_used():
    code = (
        "from skymask.maps import WcsGeom\n"
        "geom = WcsGeom.create(skydir=(0, 0), width=1, binsz=0.5, frame='galactic')\n"
        "assert geom.wcs.wcs.ctype[0].startswith('GLON')\n"
        "assert geom.center_skydir.frame.name == 'galactic'\n"
    )
    loaded = _loaded_after(code)
    assert "astropy.wcs" in loaded and "astropy.coordinates" in loaded
    assert "regions" not in loaded and "matplotlib" not in loaded
