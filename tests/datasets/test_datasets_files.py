"""Datasets files from others and datasets written as a set: issue 12 items 1, 4, 6, 16, 19.

Each test is named after the failure it prevents.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
import threading
import time

import numpy as np
import pytest
from astropy.io import fits

from skymask.datasets import Datasets, FoVBackgroundModel, MapDataset, Models
from skymask.estimators import ExcessMapEstimator
from skymask.makers import FoVBackgroundMaker, RingBackgroundMaker
from skymask.maps import Map, MapAxis, WcsGeom

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX FIFOs and devices")


def _geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    return WcsGeom.create(npix=(8, 6), binsz=0.1, axes=[axis])


def _dataset(name, value=1.0):
    dataset = MapDataset.create(_geom(), name=name, background=value)
    dataset.counts.data[...] = 3
    return dataset


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------------- writing a set
def test_index_named_like_a_dataset_file_is_refused_before_writing(tmp_path):
    # Issue 12 item 1: the dataset "crab" went to crab.fits, then the YAML index overwrote it.
    datasets = Datasets([_dataset("crab")])
    with pytest.raises(ValueError, match=r"the index and the dataset 'crab' would both be"):
        datasets.write(tmp_path / "crab.fits")
    assert list(tmp_path.iterdir()) == []
    with_models = Datasets([_dataset("a")])
    with_models.models = Models([FoVBackgroundModel("a")])
    with pytest.raises(ValueError, match="the index and the models file would both be"):
        with_models.write(tmp_path / "d.yaml", filename_models=tmp_path / "d.yaml")
    assert list(tmp_path.iterdir()) == []


def test_failure_on_the_second_dataset_keeps_the_old_set_whole(tmp_path, monkeypatch):
    # Issue 12 item 4: the first dataset file was new, the second old.
    index = tmp_path / "datasets.yaml"
    Datasets([_dataset("a", 1.0), _dataset("b", 1.0)]).write(index)
    before = _snapshot(tmp_path)
    original = fits.HDUList.writeto
    calls = []

    def failing_second(self, fileobj, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fileobj.write(b"partial")
            raise OSError("No space left on device")
        return original(self, fileobj, *args, **kwargs)

    monkeypatch.setattr(fits.HDUList, "writeto", failing_second)
    with pytest.raises(OSError, match="No space left"):
        Datasets([_dataset("a", 2.0), _dataset("b", 2.0)]).write(index, overwrite=True)
    assert _snapshot(tmp_path) == before


def test_failure_while_putting_the_files_in_place_restores_the_old_set(tmp_path, monkeypatch):
    index = tmp_path / "datasets.yaml"
    Datasets([_dataset("a", 1.0), _dataset("b", 1.0)]).write(index)
    before = _snapshot(tmp_path)
    real_replace = os.replace
    calls = []

    def failing_second_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2 and not str(src).endswith(".old.skymask-tmp"):
            raise OSError("I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_second_rename)
    with pytest.raises(OSError, match="I/O error"):
        Datasets([_dataset("a", 2.0), _dataset("b", 2.0)]).write(index, overwrite=True)
    monkeypatch.undo()
    assert _snapshot(tmp_path) == before


def test_new_set_replaces_the_old_one_and_the_index_is_written_last(tmp_path, monkeypatch):
    index = tmp_path / "datasets.yaml"
    Datasets([_dataset("a", 1.0)]).write(index)
    order = []
    real_replace = os.replace

    def recording(src, dst):
        order.append(os.path.basename(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording)
    Datasets([_dataset("a", 2.0), _dataset("b", 2.0)]).write(index, overwrite=True)
    assert order == ["a.fits", "b.fits", "datasets.yaml"]
    assert [d.background.data.max() for d in Datasets.read(index)] == [2.0, 2.0]


# ---------------------------------------------------------------------- YAML from others
@pytest.fixture
def folder(tmp_path):
    """A folder with one dataset file, data.fits, and nothing else."""
    path = tmp_path / "analysis"
    path.mkdir()
    _dataset("a").write(path / "data.fits")
    return path


def _index(folder, filename, name="index.yaml"):
    path = folder / name
    path.write_text(f"datasets:\n- name: a\n  type: MapDataset\n  filename: '{filename}'\n")
    return path


@pytest.mark.parametrize(
    "filename",
    ["{outside}/data.fits", "../outside/data.fits", "sub/../../outside/data.fits", "link.fits"],
)
def test_yaml_cannot_point_outside_its_folder_unless_allowed_x61(folder, tmp_path, filename):
    # Issue 12 item 19: absolute names, ../ and links out of the folder read any file.
    outside = tmp_path / "outside"
    outside.mkdir()
    _dataset("secret").write(outside / "data.fits")
    (folder / "sub").mkdir()
    (folder / "link.fits").symlink_to(outside / "data.fits")
    index = _index(folder, filename.format(outside=outside))
    with pytest.raises(ValueError, match="lies outside the folder of the YAML file"):
        Datasets.read(index)
    assert Datasets.read(index, allow_outside=True)["a"].counts.data.sum() == 288


def test_yaml_inside_links_and_subfolders_are_fine(folder):
    (folder / "sub").mkdir()
    shutil.copy(folder / "data.fits", folder / "sub" / "copy.fits")
    (folder / "alias.fits").symlink_to(folder / "sub" / "copy.fits")
    for name in ("sub/copy.fits", "alias.fits", "./data.fits"):
        assert Datasets.read(_index(folder, name))["a"].counts.data.sum() == 288


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "dev/zero", "folder"])
def test_yaml_naming_a_fifo_or_device_is_refused_without_hanging(folder, kind, tmp_path):
    # Issue 12 item 19: a FIFO hangs the reader, /dev/zero exhausts memory.
    if kind == "fifo":
        os.mkfifo(folder / "pipe.fits")
        name, allow = "pipe.fits", False
    elif kind == "folder":
        (folder / "dir.fits").mkdir()
        name, allow = "dir.fits", False
    else:
        name, allow = "/dev/zero", True
    index = _index(folder, name)
    outcome = []

    def read():
        try:
            Datasets.read(index, allow_outside=allow)
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "Datasets.read hangs"
    assert isinstance(outcome[0], ValueError) and "not a regular file" in str(outcome[0])


@posix_only
def test_yaml_itself_must_be_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "index.yaml")
    started = time.perf_counter()
    with pytest.raises(ValueError, match="not a regular file"):
        Datasets.read(tmp_path / "index.yaml")
    assert time.perf_counter() - started < 5


def test_yaml_entry_without_a_filename_is_a_clear_error(folder):
    (folder / "index.yaml").write_text("datasets:\n- name: a\n  type: MapDataset\n")
    with pytest.raises(ValueError, match="entry 1 of 'datasets:' must be a mapping with a"):
        Datasets.read(folder / "index.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "datasets:\n- name: a\n  TOKEN-1234: : x\n",  # a mapping value where none may be
        "datasets: [\n  TOKEN-1234\n",  # a list never closed
        "datasets:\n\t- TOKEN-1234\n",  # a tab where YAML wants blanks
    ],
)
def test_yaml_syntax_errors_name_the_line_not_the_content(folder, text):
    # The YAML index is input from others: PyYAML's message quotes the offending line
    # ("TOKEN-1234: : x" under a caret), which would echo any file given as a YAML index.
    (folder / "index.yaml").write_text(text)
    where = r"index\.yaml is not valid YAML: .* at line \d+, column \d+"
    with pytest.raises(ValueError, match=where) as info:
        Datasets.read(folder / "index.yaml")
    assert "TOKEN" not in str(info.value)


# ---------------------------------------------------------------------- partial files
def test_truncated_gzip_dataset_is_an_error_not_a_counts_only_dataset(tmp_path, crab_dataset_file):
    # Issue 12 item 6: a .fits.gz cut short read as counts-only, and the significance was
    # then computed against zero background (gammapy: sqrt_ts up to 552 on the Crab file).
    raw = gzip.compress(crab_dataset_file.read_bytes())
    for fraction in (0.3, 0.6, 0.99):
        cut = tmp_path / f"cut{fraction}.fits.gz"
        cut.write_bytes(raw[: int(len(raw) * fraction)])
        with pytest.raises(ValueError, match=r"is truncated: its gzip stream ends"):
            MapDataset.read(cut)
    whole = tmp_path / "whole.fits.gz"
    whole.write_bytes(raw)
    assert MapDataset.read(whole).background is not None


def test_dataset_cut_inside_an_hdu_is_an_error(tmp_path, crab_dataset_file):
    raw = crab_dataset_file.read_bytes()
    # Inside the BACKGROUND data, inside the EDISP_BANDS header, inside the last header (GTI).
    for cut_at in (200_000, 2880 * 100 + 17, len(raw) - 1000):
        cut = tmp_path / "cut.fits"
        cut.write_bytes(raw[:cut_at])
        with pytest.raises(ValueError, match="is truncated"):
            MapDataset.read(cut)


def test_dataset_cut_exactly_between_two_hdus_is_an_error(tmp_path):
    # A cut at an HDU boundary leaves a valid-looking FITS file: NEXTEND tells.
    path = tmp_path / "full.fits"
    _dataset("a").write(path)
    with fits.open(path) as hdus:
        boundary = hdus.fileinfo(hdus.index_of("BACKGROUND"))["hdrLoc"]
        assert hdus[0].header["NEXTEND"] == len(hdus) - 1
    (tmp_path / "cut.fits").write_bytes(path.read_bytes()[:boundary])
    with pytest.raises(ValueError, match=r"announces \d+ extensions \(NEXTEND\)"):
        MapDataset.read(tmp_path / "cut.fits")


def test_file_without_any_dataset_hdu_is_not_read_as_an_empty_dataset(tmp_path):
    Map.create(npix=3).write(tmp_path / "map.fits")
    with pytest.raises(ValueError, match="is not a MapDataset file"):
        MapDataset.read(tmp_path / "map.fits")


@pytest.fixture
def no_background_file(tmp_path, crab_dataset_file):
    """The Crab dataset written by gammapy's layout without its BACKGROUND HDU (no NEXTEND)."""
    path = tmp_path / "no_background.fits"
    with fits.open(crab_dataset_file) as hdus:
        kept = [hdu for hdu in hdus if not hdu.name.startswith("BACKGROUND")]
        fits.HDUList(kept).writeto(path)
    return path


def test_missing_hdus_are_allowed_and_remembered(no_background_file):
    dataset = MapDataset.read(no_background_file)
    assert dataset.background is None and dataset.counts is not None
    assert dataset._absent_hdus == ("BACKGROUND", "MASK_FIT")


def test_dataset_without_background_is_refused_by_every_estimator_and_maker_x62(
    no_background_file,
):
    # Issue 12 item 6: every estimator that needs a background refuses instead of using 0.
    dataset = MapDataset.read(no_background_file)
    for run in (
        lambda: ExcessMapEstimator("0.2 deg").run(dataset),
        lambda: FoVBackgroundMaker().run(dataset),
        lambda: RingBackgroundMaker("0.5 deg", "0.3 deg").run(dataset),
    ):
        with pytest.raises(
            ValueError,
            match=r"has no background map \(it was read from .*"
            r"no_background\.fits, which has no BACKGROUND",
        ):
            run()


def test_negative_background_is_refused_not_clipped_x62(tmp_path):
    # Issue 12 item 17: npred() clips a negative background to 0, hiding a broken input.
    dataset = _dataset("a", 1.0)
    dataset.background.data[0, 2, 3] = -0.5
    with pytest.raises(ValueError, match=r"negative background in 1 pixels \(minimum -0.5\)"):
        ExcessMapEstimator("0.2 deg").run(dataset)
    # Outside mask_safe it is not used: no error.
    dataset.mask_safe.data[0, 2, 3] = False
    result = ExcessMapEstimator("0.2 deg").run(dataset)
    assert np.isfinite(result["sqrt_ts"].data).any()
