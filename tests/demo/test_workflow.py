"""`run_demo`: the tutorial workflow on the simulated dataset and on the real Crab dataset."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

from skymask.demo import DemoResult, run_demo
from skymask.demo.sources import BuiltinCatalog
from skymask.demo.workflow import DATASETS_FILE
from skymask.maps import Map, WcsGeom

MASKS = [
    "mask_energy",
    "mask_fit_region",
    "mask_fit",
    "exclusion_regions",
    "exclusion_catalog",
    "exclusion_union",
    "significance_mask",
    "significance_mask_inv",
    "significance_eroded",
    "significance_dilated",
    "mask_fit_boundary",
    "exclusion_mask",
    "exclusion_psf",
    "exclusion_converged",
    "exclusion_final",
]
# Written beside the masks for the recipe of exclusion_final.
RECIPE_FILES = ["simulated_dataset.fits", "catalog_sources.reg", "exclusion_recipe.yaml"]
FIGURES = [
    "counts",
    "mask_fit_grid",
    "exclusion_regions",
    "exclusion_catalog",
    "exclusion_union_intersection",
    "significance_mask",
    "significance_erode_dilate",
    "psf_containment",
    "mask_fit_boundary",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CATALOG_DEPENDENT = ("exclusion_catalog", "exclusion_union", "exclusion_mask")


def _run_quietly(out, data=None, **kwargs) -> DemoResult:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_demo(out, data, **kwargs)


# ---------------------------------------------------------------------- simulated data
def test_writes_every_mask_and_figure(demo_run):
    result, _ = demo_run
    assert isinstance(result, DemoResult)
    assert isinstance(result.out, Path) and result.out.name == "out"
    assert result.data is None
    assert list(result.summaries) == MASKS
    assert list(result.figures) == FIGURES
    written = sorted(path.name for path in result.out.iterdir())
    expected = [f"{m}.fits" for m in MASKS] + [f"{f}.png" for f in FIGURES] + RECIPE_FILES
    assert written == sorted(expected)
    for name in FIGURES:
        path = result.figures[name]
        assert path.read_bytes()[:8] == PNG_MAGIC
        assert path.stat().st_size > 5000
    for name, summary in result.summaries.items():
        read = Map.read(summary.file)
        assert read.is_mask, name
        np.testing.assert_array_equal(read.data, result.masks[name].data)
        assert summary.shape == read.data.shape
        assert summary.n_true == int(read.data.sum())


def test_prints_the_fit_ranges_and_the_summary_table(demo_run):
    result, text = demo_run
    assert "Fit range : EnergyRange(10.0 GeV - 2.00 TeV" in text
    assert "Fit range : EnergyRange(10.0 GeV - 693 GeV" in text  # D1: 4 bins kept
    assert result.energy_range_fit.startswith("EnergyRange(10.0 GeV - 693 GeV")
    assert result.table() in text
    lines = result.table().splitlines()
    assert lines[0].split() == ["mask", "shape", "True", "file"]
    assert len(lines) == 2 + len(MASKS)
    assert "exclusion_mask  " in text and "300x300" in text and "exclusion_mask.fits" in text
    assert "92.7 %" in text  # the exclusion mask's True fraction


def test_run_time(demo_run):
    result, text = demo_run
    assert result.seconds < 120  # a sanity bound; speed is measured in benchmarks/
    assert f"in {result.seconds:.1f} s" in text


def test_fit_masks(demo_run):
    masks = demo_run[0].masks
    np.testing.assert_array_equal(masks["mask_energy"].data[:, 0, 0], [1, 1, 1, 1, 0])
    np.testing.assert_array_equal(
        masks["mask_fit"].data, masks["mask_energy"].data & masks["mask_fit_region"].data
    )
    # The 5 deg box around the Crab on 0.1 deg pixels: 50 x 50 pixels.
    assert masks["mask_fit_region"].data[0].sum() == 2500


def test_significance_mask_excludes_the_simulated_sources(demo_run, simulation):
    result, _ = demo_run
    significance = result.masks["significance_mask"]
    geom = significance.geom.to_image()
    assert significance.data[0].dtype == bool
    for name in ("Crab Nebula", "3FGL J0526.4+2247", "PSR B0540+23 halo"):
        ix, iy = geom.coord_to_idx(BuiltinCatalog()[name].position)
        assert not significance.data[0, iy, ix], name
    # Pixels without a significance (outside mask_safe & mask_fit) are kept.
    fit = result.masks["mask_fit"].data.any(axis=0) & simulation.dataset.mask_safe.data[0]
    assert significance.data[0][~fit].all()
    # Away from the sources almost nothing is excluded.
    far = np.ones(geom.data_shape_image, dtype=bool)
    for source in BuiltinCatalog():
        if geom.contains(source.position):
            far &= geom.separation(source.position).deg > 1.5
    assert significance.data[0][far].mean() > 0.98


def test_catalog_mask_excludes_circles_at_the_builtin_sources(demo_run):
    result = demo_run[0]
    mask = result.masks["exclusion_catalog"]
    geom = mask.geom
    catalog = BuiltinCatalog()
    inside = geom.contains(catalog.positions)
    assert inside.sum() == 4
    radius = np.maximum(0.3, catalog.extension_radius().deg)
    excluded = np.zeros(geom.data_shape, dtype=bool)
    for position, r in zip(catalog.positions[inside], radius[inside], strict=True):
        distance = geom.separation(position).deg
        assert not mask.data[distance < r - 0.02].any()
        excluded |= distance <= r
    assert mask.data[~excluded].all()
    assert not mask.data[geom.separation(catalog["Crab Nebula"].position).deg < 0.3].any()


def test_combined_and_morphology_masks(demo_run):
    masks = demo_run[0].masks
    regions, catalog = masks["exclusion_regions"].data, masks["exclusion_catalog"].data
    np.testing.assert_array_equal(masks["exclusion_union"].data, regions | catalog)
    np.testing.assert_array_equal(masks["exclusion_mask"].data, regions & catalog)
    significant = masks["significance_mask_inv"].data
    np.testing.assert_array_equal(significant, ~masks["significance_mask"].data)
    eroded, dilated = masks["significance_eroded"].data, masks["significance_dilated"].data
    assert np.all(eroded <= significant) and np.all(significant <= dilated)
    assert 0 < eroded.sum() < significant.sum() < dilated.sum()


def test_boundary_mask_drops_the_psf_margin(demo_run):
    result = demo_run[0]
    boundary = result.masks["mask_fit_boundary"].data
    assert result.psf_r95.max().deg == pytest.approx(0.5756, abs=1e-3)
    # 0.576 deg on 0.1 deg pixels: the 6 outer pixel rows and columns are dropped.
    expected = np.zeros((60, 60), dtype=bool)
    expected[6:-6, 6:-6] = True
    for plane in boundary:
        np.testing.assert_array_equal(plane, expected)


def test_rerun_into_the_same_folder_replaces_the_files_with_overwrite(demo_run):
    result = demo_run[0]
    before = result.summaries["exclusion_mask"].file.stat().st_mtime_ns
    again = _run_quietly(result.out, overwrite=True)
    assert again.summaries["exclusion_mask"].file.stat().st_mtime_ns >= before
    for name in MASKS:
        np.testing.assert_array_equal(again.masks[name].data, result.masks[name].data)


def test_missing_data_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="fermi-3fhl-crab"):
        _run_quietly(tmp_path / "out", data=tmp_path)


# ---------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real_run(gammapy_data, tmp_path_factory):
    return _run_quietly(tmp_path_factory.mktemp("demo-real"), data=gammapy_data)


def _reference(reference: Path, name: str) -> np.ndarray:
    return np.load(reference / f"{name}.npy")


@pytest.mark.data
@pytest.mark.parametrize(
    ("mask", "reference_name"),
    [
        ("mask_fit_region", "mask_fit_region"),
        ("exclusion_regions", "exclusion_regions"),
        ("exclusion_catalog", "exclusion_catalog"),
        ("exclusion_union", "union_regions_catalog"),
        ("exclusion_mask", "exclusion_combined"),
        ("significance_mask", "significance_mask"),
        ("significance_mask_inv", "significance_mask_inv"),
        ("mask_fit_boundary", "boundary"),
        # D1: 10 GeV keeps the first bin, as the tutorial's coordinate-based mask does.
        ("mask_energy", "mask_energy_from_coords"),
    ],
)
def test_real_data_reproduces_the_tutorial(real_run, reference, mask, reference_name):
    if "3FHL" not in real_run.description and mask in CATALOG_DEPENDENT:
        pytest.skip("a 4FGL file is present; the reference arrays were made with 3FHL")
    expected = _reference(reference, reference_name)
    np.testing.assert_array_equal(real_run.masks[mask].data, expected.astype(bool))


@pytest.mark.data
def test_real_data_numbers(real_run, reference):
    assert real_run.data is not None
    if "3FHL" not in real_run.description:
        pytest.skip("a 4FGL file is present; the reference arrays were made with 3FHL")
    masks = real_run.masks
    assert masks["exclusion_regions"].data.sum() == 60542
    assert masks["exclusion_catalog"].data.sum() == 61791
    assert masks["exclusion_mask"].data.sum() == 60538
    assert masks["significance_mask"].data.sum() == 1759
    assert (masks["mask_fit_boundary"].data.sum(axis=(1, 2)) == 1064).all()
    # D1 differs from gammapy's mask_energy ([F, T, T, T, F]) in the first bin only.
    gammapy_energy = _reference(reference, "mask_energy").astype(bool)
    differ = masks["mask_energy"].data != gammapy_energy
    assert differ[0].all() and not differ[1:].any()
    np.testing.assert_array_equal(
        masks["mask_fit"].data,
        _reference(reference, "mask_energy_from_coords").astype(bool)
        & _reference(reference, "mask_fit_region").astype(bool),
    )
    # X20: within 0.07 % of gammapy's upsampled-grid radii.
    np.testing.assert_allclose(real_run.psf_r95.deg, _reference(reference, "psf_r95"), rtol=1e-3)
    assert real_run.energy_range_initial.startswith("EnergyRange(10.0 GeV - 2.00 TeV")
    assert real_run.energy_range_fit.startswith("EnergyRange(10.0 GeV - 693 GeV")
    assert masks["exclusion_mask"].geom == WcsGeom.create(
        skydir=(184.55745771238233, -5.784356964188546), width=5, binsz=0.02, frame="galactic"
    )
    assert real_run.seconds < 30


@pytest.mark.data
def test_real_data_prefers_a_4fgl_catalog(gammapy_data, tmp_path):
    from tests.catalog.fgl4_layout import write_4fgl_file

    data = tmp_path / "data"
    (data / DATASETS_FILE.parent).parent.mkdir(parents=True, exist_ok=True)
    (data / DATASETS_FILE.parent).symlink_to(gammapy_data / DATASETS_FILE.parent)
    (data / "catalogs" / "fermi").mkdir(parents=True)
    write_4fgl_file(data / "catalogs" / "fermi" / "gll_psc_v32.fit.gz")
    result = _run_quietly(tmp_path / "out", data=data)
    assert "4FGL" in result.description
    # The two Crab rows of the small 4FGL file: 0.3 deg circles, nearly where 3FHL has one.
    catalog_mask = result.masks["exclusion_catalog"].data
    assert 700 < (~catalog_mask).sum() < 800


@pytest.mark.data
def test_real_data_without_catalogs_is_a_clear_error(gammapy_data, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / DATASETS_FILE.parent).symlink_to(gammapy_data / DATASETS_FILE.parent)
    with pytest.raises(FileNotFoundError, match="no 4FGL or 3FHL catalog file"):
        _run_quietly(tmp_path / "out", data=data)


# ---------------------------------------------------------------------- beyond the tutorial
def test_beyond_the_tutorial_psf_cube_converged_mask_and_recipe(demo_run):
    """The PSF-aware cube equals brute-force disks with the PSF radii, the converged mask is
    a fixed point, and the recipe's mask is the two combined and replays bit for bit."""
    from regions import Regions

    from skymask.datasets import MapDataset
    from skymask.estimators import ExcessMapEstimator
    from skymask.makers import FoVBackgroundMaker
    from skymask.workflows import read_provenance, replay

    result, text = demo_run
    out = result.out
    dataset = MapDataset.read(out / "simulated_dataset.fits")
    geom = dataset.counts.geom
    circles = Regions.read(out / "catalog_sources.reg", format="ds9")
    edges = geom.axes["energy"].edges[:-1]
    coords = geom.to_image().get_coord().skycoord
    cube = result.masks["exclusion_psf"].data
    for plane, energy in enumerate(edges):
        excluded = np.zeros(coords.shape, dtype=bool)
        for circle in circles:
            r95 = dataset.psf.containment_radius(0.95, energy, position=circle.center).deg
            radius = np.hypot(circle.radius.to_value("deg"), r95)
            excluded |= coords.separation(circle.center).deg < radius
        np.testing.assert_array_equal(cube[plane], ~excluded)
    assert "PSF-aware exclusion:" in text and "Converged exclusion:" in text
    converged = result.masks["exclusion_converged"]
    normalised = FoVBackgroundMaker(exclusion_mask=converged).run(dataset)
    sqrt_ts = ExcessMapEstimator("0.4 deg", selection_optional=[]).run(normalised)["sqrt_ts"]
    significant = np.any(sqrt_ts.data >= 5, axis=0)
    grown = Map.from_geom(geom.to_image(), data=significant).binary_dilate("0.2 deg").data
    catalog = ~geom.to_image().region_mask(circles).data
    np.testing.assert_array_equal(converged.data, catalog & ~grown)
    np.testing.assert_array_equal(result.masks["exclusion_final"].data, cube & converged.data)
    assert read_provenance(out / "exclusion_final.fits")["inputs"]
    assert replay(out / "exclusion_final.fits").identical
    assert "Replay    : replayed: the mask is bit-identical" in text
