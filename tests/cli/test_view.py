"""``skymask info`` and ``skymask plot``."""

import matplotlib.image
import numpy as np

from skymask.maps import Map

from .conftest import assert_error, files_in


def test_info_mask_cube_per_plane(cli, random_masks):
    mask = Map.read(random_masks[0])
    result = cli("info", random_masks[0])
    assert result.code == 0
    lines = result.out.splitlines()
    assert "frame      : galactic" in lines
    assert "pixels     : 40 x 30 (lon x lat)" in lines
    assert "axes       : energy: 3 bins, 10.0 GeV - 1.00 TeV (log spacing)" in lines
    assert "dtype      : bool (a mask)" in lines
    n_true = int(np.count_nonzero(mask.data))
    assert f"mask       : {n_true} of 3600 True ({100 * n_true / 3600:.1f} %)" in lines
    planes = [line for line in lines if line.startswith("  Energy")]
    assert len(planes) == 3
    for plane, data in zip(planes, mask.data, strict=True):
        count = int(data.sum())
        assert plane.endswith(f": {count} of 1200 True ({100 * count / 1200:.1f} %)")
    assert planes[0].startswith("  Energy 10.0 GeV - 46.4 GeV")


def test_info_float_map_with_hdu(cli, crab_dataset_file):
    result = cli("info", crab_dataset_file, "--hdu", "background")
    assert result.code == 0
    assert "dtype      : float32" in result.out or "dtype      : float64" in result.out
    assert "values     : min " in result.out
    assert "True" not in result.out


def test_info_errors(cli, tmp_path, crab_dataset_file):
    assert_error(cli("info", crab_dataset_file, "--hdu", "nope"), "skymask info", "no HDU")
    not_fits = tmp_path / "notes.txt"
    not_fits.write_text("hello")
    assert_error(cli("info", not_fits), "skymask info", "notes.txt is not a valid map file")


def test_plot_image_and_grid(cli, tmp_path, random_masks):
    image = tmp_path / "image.fits"
    Map.read(random_masks[0]).get_image_by_idx((0,)).write(image)
    png = tmp_path / "image.png"
    assert cli("plot", image, "-o", png, "--title", "Exclusion").code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    grid = tmp_path / "grid.png"
    assert cli("plot", random_masks[0], "-o", grid, "--ncols", "3", "--dpi", "50").code == 0
    height, width = matplotlib.image.imread(grid).shape[:2]
    assert width > 2 * height  # three panels side by side
    assert not [name for name in files_in(tmp_path) if ".tmp" in name]


def test_plot_errors(cli, tmp_path, random_masks):
    out = tmp_path / "plot.png"
    out.write_bytes(b"old")
    result = cli("plot", random_masks[0], "-o", out)
    assert_error(result, "skymask plot", "exists", "--overwrite")
    assert out.read_bytes() == b"old"
    assert cli("plot", random_masks[0], "-o", out, "--overwrite").code == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    result = cli("plot", random_masks[0], "-o", tmp_path / "plot.fits")
    assert_error(result, "skymask plot", "must end with one of", ".png")
