import matplotlib.pyplot as plt
import numpy as np
import pytest
from astropy import units as u
from astropy.visualization.wcsaxes import WCSAxes

from skymask.maps import Map, MapAxis, WcsGeom
from skymask.maps.plotting import format_energy

CRAB_TITLES = [
    "Energy 10.0 GeV - 28.9 GeV",
    "Energy 28.9 GeV - 83.3 GeV",
    "Energy 83.3 GeV - 240 GeV",
    "Energy 240 GeV - 693 GeV",
    "Energy 693 GeV - 2.00 TeV",
]


def _is_png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000


def test_plot_image_renders(tmp_path):
    geom = WcsGeom.create(npix=(40, 30), binsz=0.1, frame="galactic")
    m = Map.from_geom(geom, data=np.random.default_rng(0).random((30, 40)), unit="cm-2")
    ax = m.plot(add_cbar=True, stretch="sqrt")
    assert isinstance(ax, WCSAxes)
    image = ax.get_images()[0]
    assert image.get_cmap().name == "afmhot"
    assert ax.coords[0].get_axislabel() == "Galactic Longitude"
    colorbar_axes = [a for a in ax.figure.axes if a is not ax]
    assert len(colorbar_axes) == 1
    path = tmp_path / "image.png"
    ax.figure.savefig(path)
    assert _is_png(path)


def test_plot_mask_black_and_white(tmp_path):
    geom = WcsGeom.create(npix=(20, 10), binsz=0.1)
    mask = Map.from_geom(geom, data=np.tri(10, 20, dtype=bool))
    ax = mask.plot(cmap="viridis")  # a mask is always black/white
    image = ax.get_images()[0]
    assert image.norm.vmin == 0 and image.norm.vmax == 1
    colors = image.get_cmap().colors
    assert list(colors) == ["black", "white"]
    assert ax.coords[0].get_axislabel() == "Right Ascension"
    rgba = image.to_rgba(image.get_array())
    assert np.all(rgba[mask.data][:, :3] == 1)  # True is white
    assert np.all(rgba[~mask.data][:, :3] == 0)  # False is black
    path = tmp_path / "mask.png"
    ax.figure.savefig(path)
    assert _is_png(path)


def test_plot_refuses_cubes():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    m = Map.create(npix=3, axes=[axis])
    with pytest.raises(TypeError, match="plot_grid"):
        m.plot()
    # A single-bin axis is flat and plots.
    Map.create(npix=3, axes=[axis.squash()]).plot()


def test_plot_grid_titles_dataset_cube(crab_dataset_file, tmp_path):
    mask = Map.read(crab_dataset_file, hdu="MASK_SAFE")
    axes = mask.plot_grid(ncols=5, vmin=0, vmax=1, figsize=(14, 3))
    assert len(axes) == 5
    assert [ax.get_title() for ax in axes] == CRAB_TITLES
    path = tmp_path / "grid.png"
    axes[0].figure.savefig(path)
    assert _is_png(path)


def test_plot_grid_layout_hides_unused_panels():
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", 5)
    m = Map.create(npix=(6, 4), axes=[axis])
    axes = m.plot_grid(ncols=3)
    assert len(axes) == 6
    assert [ax.get_visible() for ax in axes] == [True] * 5 + [False]
    assert axes[0].figure.get_size_inches().tolist() == [12, 8]
    with pytest.raises(ValueError, match="exactly one non-spatial axis"):
        Map.create(npix=3).plot_grid()


@pytest.mark.parametrize(
    ("energy", "text"),
    [
        (9.9999998 * u.GeV, "10.0 GeV"),
        (28.853997 * u.GeV, "28.9 GeV"),
        (240.22488 * u.GeV, "240 GeV"),
        (999.7 * u.GeV, "1.00 TeV"),
        (2 * u.TeV, "2.00 TeV"),
        (0.5 * u.MeV, "500 keV"),
        (3e6 * u.TeV, "3000 PeV"),
    ],
)
def test_format_energy(energy, text):
    assert format_energy(energy) == text


def test_pyplot_not_imported_by_core():
    import subprocess
    import sys

    code = (
        "import sys, skymask.maps;"
        "from skymask.maps import Map;"
        "Map.create(npix=3);"
        "print('matplotlib.pyplot' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def teardown_module():
    plt.close("all")
