"""``import skymask.maps`` loads numpy, not astropy or the heavy modules (issue 19 item 6).

Structure, not timing: a fresh interpreter imports skymask.maps and reports which of the
modules that take longest to import it loaded. They are imported where first used.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "astropy",
    "astropy.units",
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
    assert "astropy.units" in loaded
    assert "regions" not in loaded and "matplotlib" not in loaded


def test_units_arrive_with_the_first_axis():
    code = (
        "from skymask.maps import MapAxis\n"
        "import sys\n"
        "assert 'astropy.units' not in sys.modules\n"
        "axis = MapAxis.from_energy_bounds('1 TeV', '10 TeV', nbin=2)\n"
        "assert str(axis.unit) == 'TeV'\n"
    )
    assert _loaded_after(code) == ["astropy", "astropy.units"]


def test_disk_morphology_does_not_import_scipy_ndimage():
    # The row-span disks need no scipy.ndimage (~0.05-0.1 s to import); boxes and large disks
    # (feature transform) import it on first use.
    code = (
        "import numpy as np\n"
        "from skymask.kernels.morphology import binary_dilate\n"
        "mask = np.zeros((20, 20), bool); mask[10, 10] = True\n"
        "assert binary_dilate(mask, (3, 3), kernel='disk').sum() == 29\n"
        "import sys; assert 'scipy.ndimage' not in sys.modules\n"
        "binary_dilate(mask, (3, 3), kernel='box')\n"
        "assert 'scipy.ndimage' in sys.modules\n"
    )
    _loaded_after(code)


def test_sky_plots_do_not_import_pytest():
    """astropy's WCSAxes imports pytest when it is installed (~0.1 s of every first sky plot);
    skymask's plots load WCSAxes with pytest hidden, and pytest still imports afterwards."""
    code = (
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "from skymask.maps import MapAxis, WcsGeom, Map\n"
        "axis = MapAxis.from_energy_bounds('1 TeV', '10 TeV', 2)\n"
        "geom = WcsGeom.create(npix=(8, 6), binsz=0.5, frame='galactic', axes=[axis])\n"
        "m = Map.from_geom(geom, data=1.0)\n"
        "m.plot_grid()\n"
        "m.sum_over_axes().plot()\n"
        "assert 'astropy.visualization.wcsaxes' in sys.modules\n"
        "assert 'pytest' not in sys.modules, 'pytest was imported'\n"
        "import pytest\n"
        "assert pytest.approx(1.0) == 1.0\n"
    )
    assert "matplotlib" in _loaded_after(code)
