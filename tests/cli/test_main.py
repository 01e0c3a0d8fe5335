import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skymask.cli.main import main
from skymask.maps import Map


def test_demo_writes_mask_and_png(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    mask = Map.read(out / "fit_mask.fits")
    assert mask.is_mask
    # 10 GeV - 700 GeV by bin centre keeps the first four of five bins.
    assert [int(p.sum()) > 0 for p in mask.data] == [True, True, True, True, False]
    assert (out / "fit_mask.png").read_bytes()[:4] == b"\x89PNG"
    text = capsys.readouterr().out
    assert "Energy 10.0 GeV - 28.9 GeV" in text


def test_info(tmp_path, capsys):
    path = tmp_path / "m.fits"
    Map.create(npix=(4, 3), dtype=bool).write(path)
    assert main(["info", str(path)]) == 0
    assert "0 of 12 True" in capsys.readouterr().out


def test_info_missing_file_is_one_line_error(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope.fits")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skymask info: error: no such file")
    assert "\n" not in err


def test_installed_command_runs(tmp_path):
    exe = shutil.which("skymask", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the skymask console script is not installed next to this Python")
    path = tmp_path / "m.fits"
    Map.create(npix=(2, 2), dtype=bool).write(path)
    result = subprocess.run([exe, "info", str(path)], capture_output=True, text=True, check=True)
    assert "0 of 4 True" in result.stdout
