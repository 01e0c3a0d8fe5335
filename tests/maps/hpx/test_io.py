"""HEALPix FITS: round trips, gammapy 2.1 reading skymask's files and skymask reading
gammapy's and healpy's (both run in the gammapy environment through a subprocess; skipped
without it), boolean maps as uint8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from numpy.testing import assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from _gammapy_env import find_gammapy_python  # noqa: E402

AXIS = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


def _maps():
    rng = np.random.default_rng(1)
    allsky = Map.create(nside=8, map_type="hpx", nest=False, frame="galactic", axes=[AXIS])
    allsky.data = rng.uniform(0, 5, allsky.data.shape).astype(np.float32)
    disk = HpxGeom(16, nest=True, region="DISK(100,20,12)").region_mask("icrs;circle(100,20,6)")
    return {"allsky": allsky, "disk_mask": disk}


@pytest.mark.parametrize("sparse", [False, True])
def test_round_trip(tmp_path, sparse):
    for name, m in _maps().items():
        path = tmp_path / f"{name}.fits"
        m.write(path, sparse=sparse)
        back = Map.read(path)
        assert isinstance(back, HpxNDMap)
        assert back.geom == m.geom and back.data.dtype == m.data.dtype
        assert_array_equal(back.data, m.data)
    with fits.open(tmp_path / "disk_mask.fits") as hdulist:
        table = hdulist["SKYMAP"]
        assert table.header["INDXSCHM"] == ("SPARSE" if sparse else "EXPLICIT")
        assert table.header["BOOLEAN"] is True
        assert table.columns[-1].format == "B"  # uint8 (D2)


GAMMAPY_SIDE = r"""
import json, sys, numpy as np, healpy as hp
from gammapy.maps import Map, HpxGeom, MapAxis
out, ours = sys.argv[1], json.loads(sys.argv[2])
result = {}
for name, path in ours.items():
    m = Map.read(path)
    result[name] = {"shape": list(m.data.shape), "sum": float(np.sum(m.data)),
                    "nside": int(m.geom.nside[0]), "nest": bool(m.geom.nest),
                    "frame": m.geom.frame, "first": float(m.data.flat[0])}
axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
g = HpxGeom.create(nside=8, nest=False, frame="galactic", axes=[axis])
m = Map.from_geom(g)
m.data = np.arange(m.data.size, dtype=float).reshape(m.data.shape)
m.write(out + "/gp_implicit.fits")
g = HpxGeom.create(nside=16, nest=True, frame="icrs", region="DISK(100,20,10)")
m = Map.from_geom(g)
m.data = np.arange(m.data.size, dtype=float) + 1
m.write(out + "/gp_explicit.fits")
m.data[::2] = 0
m.write(out + "/gp_sparse.fits", sparse=True)
hp.write_map(out + "/healpy.fits", np.arange(12 * 16 * 16, dtype=float), nest=True,
             coord="G", column_names=["INTENSITY"])
result["explicit_ipix"] = [int(i) for i in g._ipix]
print(json.dumps(result))
"""


def test_gammapy_reads_ours_and_we_read_gammapy_and_healpy(tmp_path):
    python = find_gammapy_python()
    if python is None:
        pytest.skip("no gammapy 2.1 environment")
    ours = {}
    for name, m in _maps().items():
        path = tmp_path / f"{name}.fits"
        m.write(path)
        ours[name] = str(path)
    proc = subprocess.run(
        [str(python), "-c", GAMMAPY_SIDE, str(tmp_path), json.dumps(ours)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    maps = _maps()
    for name, m in maps.items():
        assert seen[name]["shape"] == list(m.data.shape)
        assert seen[name]["sum"] == pytest.approx(float(m.data.sum()), rel=1e-6)
        assert seen[name]["nside"] == int(m.geom.nside[0])
        assert seen[name]["nest"] == m.geom.nest and seen[name]["frame"] == m.geom.frame
    # gammapy's files in skymask
    implicit = Map.read(tmp_path / "gp_implicit.fits")
    assert implicit.geom.axes[0].is_allclose(AXIS) and not implicit.geom.nest
    assert_array_equal(implicit.data.ravel(), np.arange(3 * 768))
    explicit = Map.read(tmp_path / "gp_explicit.fits")
    assert_array_equal(explicit.geom.ipix, seen["explicit_ipix"])
    assert explicit.geom == HpxGeom(16, nest=True, region="DISK(100,20,10)")
    assert_array_equal(explicit.data, np.arange(explicit.data.size) + 1)
    sparse = Map.read(tmp_path / "gp_sparse.fits")
    expected = np.arange(explicit.data.size, dtype=float) + 1
    expected[::2] = 0
    assert_array_equal(sparse.data, expected)
    plain = Map.read(tmp_path / "healpy.fits")
    assert plain.geom.nest and plain.geom.frame == "galactic" and int(plain.geom.nside[0]) == 16
    assert_array_equal(plain.data, np.arange(3072))
