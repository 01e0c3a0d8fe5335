"""The command line under hostile conditions: issue 12 items 2, 18, 21 and 23.

Each test is named after the failure it prevents.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from skymask.cli.view import check_figure_size
from skymask.maps import Map
from skymask.utils import memory

from .conftest import assert_error

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes, FIFOs, devices")


def _skymask(*args, stdout=None, timeout=60, cwd=None):
    """Run ``python -m skymask args`` in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "skymask", *map(str, args)],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )


@pytest.fixture
def small_memory(monkeypatch):
    """16 GB of memory left, whatever the machine running the tests has."""
    monkeypatch.setattr(memory, "available_memory", lambda: 16 * 10**9)


# ---------------------------------------------------------------------- item 21
def test_npix_100000_is_refused_before_any_work(cli, tmp_path, small_memory):
    result = cli(
        "mask", "regions", "circle(0,0,1)", "--npix", "100000", "--binsz", "0.01",
        "-o", tmp_path / "m.fits",
    )  # fmt: skip
    assert_error(
        result,
        "skymask mask regions",
        "a mask of 100000 x 100000 pixels x 1 planes with its working copies needs 40.0 GB",
        "more than the 16.0 GB of memory available; use a larger --binsz",
    )
    assert list(tmp_path.iterdir()) == []


def test_allsky_at_a_thousandth_of_a_degree_is_refused(cli, tmp_path, small_memory):
    result = cli(
        "mask", "regions", "circle(0,0,1)", "--binsz", "0.001deg", "-o", tmp_path / "m.fits"
    )
    assert_error(result, "skymask mask regions", "360000 x 180000 pixels", "GB of memory available")


def test_a_billion_energy_bins_are_refused_before_the_axis_is_built(cli, tmp_path, small_memory):
    started = time.perf_counter()
    result = cli(
        "mask", "regions", "circle(0,0,1)", "--npix", "10", "--binsz", "0.1",
        "--energy-bounds", "1TeV", "10TeV", "--energy-bins", "1000000000",
        "-o", tmp_path / "m.fits",
    )  # fmt: skip
    assert_error(result, "skymask mask regions", "x 1000000000 planes", "fewer --energy-bins")
    assert time.perf_counter() - started < 5  # no 8 GB axis was built first


def test_like_file_too_large_for_memory_is_refused(cli, tmp_path, random_masks, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 10_000)
    result = cli(
        "mask", "regions", "circle(0,0,1)", "--like", random_masks[0], "-o", tmp_path / "m.fits"
    )
    assert_error(result, "skymask mask regions", "40 x 30 pixels x 3 planes", "or --image for 2-D")


def test_plot_dpi_100000_is_refused_with_the_largest_dpi_that_works(
    cli, tmp_path, random_masks, monkeypatch
):
    output = tmp_path / "m.png"
    result = cli("plot", random_masks[0], "--dpi", "100000", "-o", output)
    # Three energy panels: a 9.0 x 3.2 inch figure; matplotlib's Agg draws < 2**16 pixels.
    assert_error(result, "skymask plot", "makes a 900000 x 320000 pixel", "--dpi 7281 or less")
    assert not output.exists()
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    check_figure_size((9.0, 3.2), 7281)  # 65529 pixels wide: accepted
    with pytest.raises(ValueError, match="65538 x 23302 pixel"):
        check_figure_size((9.0, 3.2), 7282)


def test_plot_image_larger_than_the_memory_left_is_refused(
    cli, tmp_path, random_masks, monkeypatch
):
    monkeypatch.setattr(memory, "available_memory", lambda: 10**6)
    result = cli("plot", random_masks[0], "--dpi", "400", "-o", tmp_path / "m.png")
    # 9.0 x 3.2 inches at 400 dpi: 3600 x 1280 RGBA pixels.
    assert_error(result, "skymask plot", "3600 x 1280 pixel image (--dpi 400) needs 18.4 MB")
    assert not (tmp_path / "m.png").exists()
    assert cli("plot", random_masks[0], "--dpi", "400", "-o", tmp_path / "m.svg").code == 0


# ---------------------------------------------------------------------- item 18
def test_file_names_starting_with_minus_digit_are_taken_as_written(
    cli, tmp_path, random_masks, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert cli("combine", "not", random_masks[0], "-o", "-2.fits").code == 0
    assert (tmp_path / "-2.fits").exists() and not (tmp_path / " -2.fits").exists()
    result = cli("info", "-2.fits")
    assert result.code == 0 and "file       : -2.fits" in result.out
    assert cli("erode", "-2.fits", "--width", "1pix", "-o", "-0.5e3.fits").code == 0
    expected = Map.read(tmp_path / "-2.fits").binary_erode(1)
    np.testing.assert_array_equal(Map.read(tmp_path / "-0.5e3.fits").data, expected.data)


# ---------------------------------------------------------------------- outputs
def test_output_that_is_also_an_input_is_refused(cli, tmp_path, random_masks):
    before = random_masks[0].read_bytes()
    result = cli("combine", "and", *random_masks, "-o", random_masks[0], "--overwrite")
    assert_error(result, "skymask combine", "a.fits is also an input")
    alias = tmp_path / "alias.fits"
    alias.symlink_to(random_masks[1])
    result = cli("erode", random_masks[1], "--width", "1pix", "-o", alias, "--overwrite")
    assert_error(result, "skymask erode", "is also an input")
    assert random_masks[0].read_bytes() == before


def test_demo_refuses_a_folder_with_files_unless_overwrite(cli, tmp_path):
    # Issue 12 item 2: the demo silently replaced the user's mask_fit.fits.
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "mask_fit.fits").write_bytes(b"the user's own mask")
    result = cli("demo", "--out", folder)
    assert_error(result, "skymask demo", "is not empty (1 entries: mask_fit.fits)", "--overwrite")
    assert [p.name for p in folder.iterdir()] == ["mask_fit.fits"]
    assert (folder / "mask_fit.fits").read_bytes() == b"the user's own mask"
    (tmp_path / "file").write_text("x")
    assert_error(cli("demo", "--out", tmp_path / "file"), "skymask demo", "is not a folder")
    # A new or empty folder is fine, and --overwrite accepts a folder with files.
    from skymask.demo.workflow import _check_output_folder

    (tmp_path / "empty").mkdir()
    for out, overwrite in ((tmp_path / "empty", False), (tmp_path / "new", False), (folder, True)):
        _check_output_folder(out, overwrite)


# ---------------------------------------------------------------------- item 23
@posix_only
def test_closed_stdout_does_not_fail_the_command_or_its_output(tmp_path, random_masks):
    # `skymask info big.fits | head -1` reported "Broken pipe" with exit code 2; a mask
    # command whose reader went away must still write its mask.
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        info = _skymask("info", random_masks[0], stdout=write_end)
        output = tmp_path / "not.fits"
        combine = _skymask("combine", "not", random_masks[0], "-o", output, stdout=write_end)
    finally:
        os.close(write_end)
    assert (info.returncode, info.stderr) == (0, "")
    assert (combine.returncode, combine.stderr) == (0, "")
    np.testing.assert_array_equal(Map.read(output).data, ~Map.read(random_masks[0]).data)


@posix_only
def test_stdout_closed_before_the_start_does_not_fail_a_written_mask(tmp_path, random_masks):
    # `skymask ... >&-` (no stdout at all: Python's sys.stdout is None) wrote the mask, then
    # failed printing its status line with "internal error: AttributeError: 'NoneType'".
    output = tmp_path / "not.fits"
    script = f'"{sys.executable}" -m skymask combine not "{random_masks[0]}" -o "{output}" >&-'
    combine = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert (combine.returncode, combine.stderr) == (0, "")
    np.testing.assert_array_equal(Map.read(output).data, ~Map.read(random_masks[0]).data)
    script = f'"{sys.executable}" -m skymask info "{random_masks[0]}" >&-'
    info = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert (info.returncode, info.stderr) == (0, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_full_disk_behind_stdout_is_a_clear_error_and_the_mask_is_written(tmp_path, random_masks):
    # `skymask ... > /dev/full` exited 2 with a bare "[Errno 28] No space left on device",
    # which did not say that the failed write was the report, not the mask.
    output = tmp_path / "not.fits"
    with open("/dev/full", "w") as full:
        combine = _skymask("combine", "not", random_masks[0], "-o", output, stdout=full)
    assert combine.returncode == 2
    assert combine.stderr.startswith("skymask combine: error: cannot write to standard output")
    assert "No space left on device" in combine.stderr and "Traceback" not in combine.stderr
    assert len(combine.stderr.splitlines()) == 1
    np.testing.assert_array_equal(Map.read(output).data, ~Map.read(random_masks[0]).data)


@posix_only
def test_head_of_info_output_is_not_an_error(tmp_path, random_masks):
    command = f'"{sys.executable}" -m skymask info "{random_masks[0]}"'
    script = f'{command} | head -1; echo "${{PIPESTATUS[0]}}"'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("file") and lines[-1] == "0"
    assert "Broken pipe" not in result.stderr and result.stderr == ""


@posix_only
@pytest.mark.parametrize("source", ["fifo", "/dev/zero"])
def test_info_on_a_fifo_or_dev_zero_fails_at_once(tmp_path, source):
    path = source
    if source == "fifo":
        path = tmp_path / "pipe.fits"
        os.mkfifo(path)
    result = _skymask("info", path, timeout=30)
    assert result.returncode == 2
    assert f"{path} is not a regular file" in result.stderr
