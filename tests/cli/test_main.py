"""The ``skymask`` entry point: version, help, demo dispatch, error handling, atomic output."""

import shutil
import subprocess
import sys
import types
import warnings
from pathlib import Path

import pytest
from astropy.io import fits

import skymask
import skymask.cli.main as cli_main
from skymask.cli.main import main
from skymask.maps import Map

from .conftest import assert_error, files_in


def test_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"skymask {skymask.__version__}"


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.code == 0
    for command in ("mask", "combine", "erode", "dilate", "boundary", "reproject", "info"):
        assert f"    {command}" in result.out
    assert cli("mask", "significance", "--help").code == 0


def test_usage_errors_are_one_line(cli):
    assert_error(cli(), "skymask", "required: COMMAND", "skymask --help")
    assert_error(cli("frob"), "skymask", "invalid choice: 'frob'")
    assert_error(cli("mask"), "skymask mask", "required: KIND")
    assert_error(cli("erode", "m.fits"), "skymask erode", "required: --width, -o/--output")


def test_demo_runs_skymask_demo(cli, tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("skymask.demo")
    fake.run_demo = lambda out, data=None, overwrite=False: calls.append((out, data, overwrite))
    monkeypatch.setitem(sys.modules, "skymask.demo", fake)
    assert cli("demo", "--out", tmp_path / "out", "--data", tmp_path).code == 0
    assert calls == [(tmp_path / "out", tmp_path, False)]
    assert cli("demo", "--out", tmp_path / "out", "--overwrite").code == 0
    assert calls[-1] == (tmp_path / "out", None, True)
    assert_error(cli("demo", "--data", tmp_path / "none"), "skymask demo", "not a directory")


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


def test_written_maps_record_the_command(cli, tmp_path, random_masks):
    out = tmp_path / "not.fits"
    assert cli("combine", "not", random_masks[0], "-o", out).code == 0
    meta = Map.read(out).meta
    assert meta["command"] == f"skymask combine not {random_masks[0]} -o {out}"
    assert meta["creator"] == f"skymask {skymask.__version__}"


def test_existing_output_is_refused_then_overwritten(cli, tmp_path, random_masks):
    out = random_masks[2]
    before = out.read_bytes()
    result = cli("combine", "not", random_masks[0], "-o", out)
    assert_error(result, "skymask combine", "c.fits exists; add --overwrite to replace it")
    assert out.read_bytes() == before
    assert cli("combine", "not", random_masks[0], "-o", out, "--overwrite").code == 0
    assert (Map.read(out).data == ~Map.read(random_masks[0]).data).all()


def test_output_checks(cli, tmp_path, random_masks):
    result = cli("combine", "not", random_masks[0], "-o", tmp_path / "no" / "out.fits")
    assert_error(result, "skymask combine", "directory", "does not exist")
    result = cli("combine", "not", random_masks[0], "-o", tmp_path / "out.png")
    assert_error(result, "skymask combine", "must end with one of .fits")


def test_failed_write_leaves_nothing(cli, tmp_path, random_masks, monkeypatch):
    def broken_writeto(self, fileobj, *args, **kwargs):
        fileobj.write(b"SIMPLE  =                    T" + b" " * 100)
        raise OSError("No space left on device")

    monkeypatch.setattr(fits.HDUList, "writeto", broken_writeto)
    before = files_in(tmp_path)
    result = cli("combine", "or", *random_masks, "-o", tmp_path / "out.fits")
    assert_error(result, "skymask combine", "No space left on device")
    assert files_in(tmp_path) == before


def _raise(exception):
    def handler(args):
        raise exception

    return handler


def test_internal_error_interrupt_and_debug(cli, tmp_path, random_masks, monkeypatch):
    monkeypatch.setattr(cli_main.view, "_info", _raise(RuntimeError("boom")))
    monkeypatch.delenv(cli_main.DEBUG_ENV, raising=False)
    result = cli("info", random_masks[0])
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err.startswith("skymask info: internal error: RuntimeError: boom (rerun with")
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "info", str(random_masks[0])])
    monkeypatch.setenv(cli_main.DEBUG_ENV, "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["info", str(random_masks[0])])
    monkeypatch.delenv(cli_main.DEBUG_ENV)
    monkeypatch.setattr(cli_main.view, "_info", _raise(KeyboardInterrupt()))
    result = cli("info", random_masks[0])
    assert result.code == 130
    assert result.err == "skymask info: interrupted\n"


def test_warnings_are_one_line(cli, random_masks, monkeypatch):
    original = cli_main.view.read_map

    def read_map_with_warning(*args, **kwargs):
        warnings.warn("header keyword\nlooks odd", UserWarning, stacklevel=1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cli_main.view, "read_map", read_map_with_warning)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        result = cli("info", random_masks[0])
    assert result.code == 0
    assert result.err == "skymask info: warning: header keyword looks odd\n"
    # Under pytest's filterwarnings=error the warning is an error: still one line.
    assert_error(cli("info", random_masks[0]), "skymask info", "header keyword looks odd")


def test_installed_command_runs(tmp_path):
    exe = shutil.which("skymask", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the skymask console script is not installed next to this Python")
    path = tmp_path / "m.fits"
    Map.create(npix=(2, 2), dtype=bool).write(path)
    result = subprocess.run([exe, "info", str(path)], capture_output=True, text=True, check=True)
    assert "0 of 4 True" in result.stdout
