"""The command line on HEALPix: --nside/--nest on mask commands, skymask moc, info and plot."""

from __future__ import annotations

import numpy as np
import pytest

from skymask.maps import HpxGeom, HpxNDMap, Map

from .conftest import assert_error


def test_mask_regions_with_nside_equals_the_library(cli, tmp_path):
    out = tmp_path / "m.fits"
    result = cli(
        "mask",
        "regions",
        "galactic;circle(0,0,5)",
        "--nside",
        64,
        "--nest",
        "--frame",
        "galactic",
        "-o",
        out,
    )
    assert result.code == 0, result.err
    m = Map.read(out)
    assert isinstance(m, HpxNDMap) and m.is_mask and m.geom.nest
    expected = HpxGeom(64, frame="galactic").region_mask("galactic;circle(0,0,5)")
    assert np.array_equal(m.data, expected.data)
    disk = tmp_path / "d.fits"
    result = cli(
        "mask",
        "regions",
        "icrs;circle(10,10,2)",
        "--nside",
        128,
        "--skydir",
        10,
        10,
        "--width",
        10,
        "-o",
        disk,
    )
    assert result.code == 0, result.err
    d = Map.read(disk)
    assert d.geom.region == "DISK(10.0,10.0,5.0)" and not d.geom.nest
    info = cli("info", disk)
    assert "HEALPix nside 128, ring ordering" in info.out
    plot = cli("plot", out, "-o", tmp_path / "m.png")
    assert plot.code == 0 and (tmp_path / "m.png").stat().st_size > 1000


def test_wcs_options_do_not_go_with_nside(cli, tmp_path):
    result = cli(
        "mask",
        "regions",
        "icrs;circle(0,0,1)",
        "--nside",
        64,
        "--binsz",
        0.1,
        "-o",
        tmp_path / "x.fits",
    )
    assert_error(result, "skymask mask regions", "--binsz", "--nside")
    result = cli(
        "mask", "regions", "icrs;circle(0,0,1)", "--nest", "--binsz", 0.1, "-o", tmp_path / "x.fits"
    )
    assert_error(result, "skymask mask regions", "--nest goes with --nside")


def test_moc_to_and_from(cli, tmp_path):
    pytest.importorskip("mocpy")
    mask_file = tmp_path / "m.fits"
    cli("mask", "regions", "icrs;circle(30,20,3)", "--nside", 128, "--nest", "-o", mask_file)
    moc_file = tmp_path / "m.moc.fits"
    result = cli("moc", "to", mask_file, "-o", moc_file)
    assert result.code == 0, result.err
    assert "depth 7" in result.out
    back = tmp_path / "back.fits"
    result = cli("moc", "from", moc_file, "--nside", 128, "--nest", "-o", back)
    assert result.code == 0, result.err
    assert np.array_equal(Map.read(back).data, Map.read(mask_file).data)
    wcs = tmp_path / "wcs.fits"
    result = cli(
        "moc", "from", moc_file, "--binsz", 0.1, "--skydir", 30, 20, "--width", 8, "-o", wcs
    )
    assert result.code == 0, result.err
    assert Map.read(wcs).data.sum() > 0
    assert_error(
        cli("moc", "from", tmp_path / "none.fits", "--nside", 8, "-o", back, "--overwrite"),
        "skymask moc from",
        "no such file",
    )
