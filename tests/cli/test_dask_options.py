"""``skymask --chunks/--workers/--scheduler``: the same masks as in memory, written chunk by
chunk, and clear errors for conflicting options."""

import numpy as np
import pytest

pytest.importorskip("dask.array")

from skymask.cli._dask import chunks_for
from skymask.maps import Map

from .conftest import assert_error

# A 1 deg x 0.6 deg piece of the tutorial's sky, 50 x 30 pixels.
GEOMETRY = (
    "--skydir", "184.6", "-5.8", "--frame", "galactic", "--width", "1deg,0.6deg", "--binsz", "0.02"
)  # fmt: skip

REGIONS = "galactic;circle(184.6, -5.8, 0.3);box(185.5, -5, 0.6, 0.3, 20);-circle(184.6, -5.8, 0.1)"


@pytest.mark.parametrize("chunks", ["7", "auto"])
def test_mask_regions_chunked_equals_in_memory(cli, tmp_path, chunks):
    axes = ("--energy-bounds", "1TeV", "10TeV", "--energy-bins", "2")
    memory, chunked = tmp_path / "memory.fits", tmp_path / "chunked.fits"
    args = ("mask", "regions", *GEOMETRY, *axes, "--outside", REGIONS)
    assert cli(*args, "-o", memory).code == 0
    result = cli("--chunks", chunks, *args, "-o", chunked)
    assert result.code == 0, result.err
    assert "written chunk by chunk" in result.out
    expected, got = Map.read(memory), Map.read(chunked)
    assert got.is_mask and got.geom == expected.geom
    np.testing.assert_array_equal(got.data, expected.data)
    # dilate with chunks thinner than the radius (0.1 deg = 5 pixels)
    assert cli("dilate", memory, "--width", "0.1deg", "-o", tmp_path / "d1.fits").code == 0
    result = cli(
        "--chunks", "3", "dilate", chunked, "--width", "0.1deg", "-o", tmp_path / "d2.fits"
    )
    assert result.code == 0, result.err
    np.testing.assert_array_equal(
        Map.read(tmp_path / "d2.fits").data, Map.read(tmp_path / "d1.fits").data
    )


@pytest.mark.data
def test_mask_catalog_psf_chunked_equals_in_memory(cli, tmp_path, gammapy_data):
    """``--chunks`` with ``--psf``: each energy plane painted chunk by chunk, the same cube."""
    dataset_file = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    args = (
        "mask", "catalog", "3fhl", "--radius", "0.3deg", "--like", dataset_file,
        "--psf", dataset_file, "--select", "overlap", "--outside",
    )  # fmt: skip
    memory, chunked = tmp_path / "memory.fits", tmp_path / "chunked.fits"
    assert cli(*args, "-o", memory).code == 0
    result = cli("--chunks", "7", *args, "-o", chunked)
    assert result.code == 0, result.err
    assert "written chunk by chunk" in result.out
    expected, got = Map.read(memory), Map.read(chunked)
    assert got.is_mask and got.geom == expected.geom
    np.testing.assert_array_equal(got.data, expected.data)
    # The planes differ: the PSF radius shrinks with energy.
    assert len({int(plane.sum()) for plane in expected.data}) > 1


def test_workers_and_scheduler_exclude_each_other(cli, tmp_path):
    result = cli(
        "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", "mask", "regions",
        *GEOMETRY, REGIONS, "-o", tmp_path / "x.fits",
    )  # fmt: skip
    assert_error(result, "skymask mask regions", "--workers", "--scheduler")
    assert not (tmp_path / "x.fits").exists()


def test_chunks_must_be_positive(cli, tmp_path):
    result = cli("--chunks", "0", "mask", "regions", *GEOMETRY, REGIONS, "-o", "x.fits")
    assert result.code == 2
    assert "--chunks" in result.err


def test_compressed_chunked_output_is_refused(cli, tmp_path):
    out = tmp_path / "x.fits.gz"
    result = cli("--chunks", "50", "mask", "regions", *GEOMETRY, REGIONS, "-o", out)
    assert_error(result, "skymask mask regions", "compressed", "uncompressed")
    assert not out.exists()


class _Args:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def test_chunks_for():
    assert chunks_for(_Args(chunks=None, workers=None, scheduler=None), 3) is None
    assert chunks_for(_Args(chunks=100, workers=None, scheduler=None), 3) == (1, 100, 100)
    assert chunks_for(_Args(chunks=None, workers=2, scheduler=None), 2) == ("auto", "auto")
    assert chunks_for(_Args(chunks=None, workers=None, scheduler="tcp://x:1"), 4)[:2] == (1, 1)
