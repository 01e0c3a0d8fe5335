"""HEALPix maps in the Fermi layouts ("fgst-ccube", "fgst-template") and Map.is_allclose.

Oracles: the FITS file read back with astropy directly (columns, headers); a Fermi-style file
written by hand; gammapy 2.1 reading ours and writing its own (a subprocess in the gammapy
environment; skipped without it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import HpxGeom, HpxNDMap, Map, MapAxis

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from _gammapy_env import find_gammapy_python  # noqa: E402

AXIS = MapAxis.from_bounds(100.0, 1000.0, 4, name="energy", unit="MeV", interp="log")


def _map():
    m = HpxNDMap(HpxGeom(8, nest=False, frame="galactic", axes=[AXIS]))
    m.data = np.random.default_rng(0).uniform(0, 5, m.data.shape).astype(np.float32)
    return m


@pytest.mark.parametrize(
    ("format", "prefix", "bands"),
    [("fgst-ccube", "CHANNEL", "EBOUNDS"), ("fgst-template", "ENERGY", "ENERGIES")],
)
def test_fermi_layouts_round_trip(tmp_path, format, prefix, bands):
    m = _map()
    path = tmp_path / "cube.fits"
    m.write(path, format=format)
    with fits.open(path) as hdulist:
        assert [h.name for h in hdulist] == ["PRIMARY", "SKYMAP", bands]
        table = hdulist["SKYMAP"]
        assert table.header["HPX_CONV"] == format.upper()
        assert table.columns.names == [f"{prefix}{i}" for i in range(1, 5)]
        for i in range(4):
            assert_array_equal(table.data[f"{prefix}{i + 1}"], m.data[i])
        if format == "fgst-ccube":
            assert_allclose(hdulist[bands].data["E_MIN"], AXIS.edges[:-1].to_value("MeV"))
        else:
            assert_allclose(hdulist[bands].data["ENERGY"], AXIS.center.to_value("MeV"))
    back = Map.read(path)
    assert isinstance(back, HpxNDMap) and back.geom.to_image() == m.geom.to_image()
    assert_array_equal(back.data, m.data)
    name = "energy" if format == "fgst-ccube" else "energy_true"
    assert_allclose(back.geom.axes[name].edges.to_value("MeV"), AXIS.edges.to_value("MeV"))
    if format == "fgst-ccube":
        assert m.is_allclose(back) and m.geom.is_allclose(back.geom)


def test_fermi_file_without_bandshdu_and_errors(tmp_path):
    header = fits.Header({"PIXTYPE": "HEALPIX", "ORDERING": "RING", "NSIDE": 2, "COORDSYS": "G"})
    columns = [fits.Column(f"CHANNEL{i}", "E", array=np.full(48, float(i))) for i in (1, 2)]
    table = fits.BinTableHDU.from_columns(columns, header=header, name="SKYMAP")
    ebounds = fits.BinTableHDU.from_columns(
        [fits.Column("CHANNEL", "J", array=[0, 1]),
         fits.Column("E_MIN", "D", array=[100.0, 300.0], unit="MeV"),
         fits.Column("E_MAX", "D", array=[300.0, 1000.0], unit="MeV")], name="EBOUNDS")  # fmt: skip
    path = tmp_path / "fermi.fits"
    fits.HDUList([fits.PrimaryHDU(), table, ebounds]).writeto(path)
    m = Map.read(path)
    assert m.geom.axes.names == ["energy"]
    assert_allclose(m.geom.axes["energy"].edges.to_value("MeV"), [100, 300, 1000])
    assert_array_equal(m.data[:, 0], [1.0, 2.0])

    two = HpxNDMap.create(nside=2, axes=[AXIS, MapAxis.from_nodes([1, 2], name="x")])
    with pytest.raises(ValueError, match="one energy axis"):
        two.write(tmp_path / "two.fits", format="fgst-ccube")
    with pytest.raises(ValueError, match="format must be"):
        _map().to_hdulist(format="galprop")
    mask = HpxNDMap(HpxGeom(4, axes=[AXIS]), dtype=bool)
    mask.data[1, :5] = True
    mask.write(tmp_path / "mask.fits", format="fgst-ccube")
    back = Map.read(tmp_path / "mask.fits")
    assert back.is_mask and back.data.sum() == 5


def test_is_allclose_compares_axes_values_and_units_x177():
    m = _map()
    assert m.is_allclose(m.copy(data=m.data * (1 + 1e-9)))
    assert m.is_allclose(m.copy(unit="m2").to_unit("cm2").copy(unit="m2") * 1e-4) is False
    assert not m.is_allclose(m.copy(data=m.data + 1))
    other = HpxNDMap(HpxGeom(8, nest=True, frame="icrs", axes=[AXIS]), data=m.data)
    assert m.is_allclose(other)  # the sky geometry is not compared (gammapy's rule)
    shifted = MapAxis.from_bounds(110.0, 1100.0, 4, name="energy", unit="MeV", interp="log")
    assert not m.is_allclose(m.copy(geom=m.geom.to_image().to_cube([shifted])))
    assert not m.is_allclose(HpxNDMap.create(nside=4, axes=[AXIS]))  # another shape
    # gammapy 2.1 returns (does not raise) a TypeError object, which is truthy
    with pytest.raises(TypeError, match="cannot compare"):
        m.is_allclose(Map.create(npix=3, binsz=1))


GAMMAPY_SIDE = r"""
import json, sys, numpy as np
from gammapy.maps import Map, HpxGeom, MapAxis, HpxNDMap
out, ours = sys.argv[1], json.loads(sys.argv[2])
result = {}
for name, path in ours.items():
    m = Map.read(path)
    result[name] = {"axes": m.geom.axes.names, "sum": float(np.sum(m.data)),
                    "edges": m.geom.axes[0].edges.to_value("MeV").tolist()}
axis = MapAxis.from_bounds(100.0, 1000.0, 4, name="energy", unit="MeV", interp="log")
m = HpxNDMap(HpxGeom(nside=8, nest=False, frame="galactic", axes=[axis]))
m.data = np.arange(m.data.size, dtype=float).reshape(m.data.shape)
m.write(out + "/gp_ccube.fits", format="fgst-ccube")
m.write(out + "/gp_template.fits", format="fgst-template")
print(json.dumps(result))
"""


def test_gammapy_reads_our_fermi_files_and_we_read_its(tmp_path):
    python = find_gammapy_python()
    if python is None:
        pytest.skip("no gammapy 2.1 environment")
    m = _map()
    ours = {}
    for format in ("fgst-ccube", "fgst-template"):
        ours[format] = str(tmp_path / f"{format}.fits")
        m.write(ours[format], format=format)
    run = subprocess.run([python, "-c", GAMMAPY_SIDE, str(tmp_path), json.dumps(ours)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["fgst-ccube"]["axes"] == ["energy"]
    assert seen["fgst-template"]["axes"] == ["energy_true"]
    for format in ours:
        assert_allclose(seen[format]["sum"], float(m.data.sum()), rtol=1e-6)
        assert_allclose(seen[format]["edges"], AXIS.edges.to_value("MeV"), rtol=1e-6)
    expected = np.arange(4 * 768, dtype=float).reshape(4, 768)
    for name in ("gp_ccube", "gp_template"):
        back = Map.read(tmp_path / f"{name}.fits")
        assert_array_equal(back.data, expected)
        assert_allclose(back.geom.axes[0].edges.to_value("MeV"), AXIS.edges.to_value("MeV"),
                        rtol=1e-6)  # fmt: skip
