"""``skymask mask regions|catalog|significance`` against independent computations."""

import io
import sys

import numpy as np
import pytest

from skymask.catalog import CATALOG_REGISTRY
from skymask.maps import Map, WcsGeom

from .conftest import TUTORIAL_GEOMETRY, assert_error, files_in

TUTORIAL_DS9 = "galactic;box(185,-4,1.0,0.5, 45);icrs;circle(83.633083, 22.0145, 0.3)"


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


# ---------------------------------------------------------------------- regions
def test_regions_tutorial_string_matches_gammapy(cli, tmp_path, reference, tutorial_geom):
    out = tmp_path / "exclusion.fits"
    result = cli("mask", "regions", *TUTORIAL_GEOMETRY, "--outside", TUTORIAL_DS9, "-o", out)
    assert result.code == 0, result.err
    mask = Map.read(out)
    assert mask.is_mask
    assert mask.geom == tutorial_geom
    np.testing.assert_array_equal(mask.data, np.load(reference / "exclusion_regions.npy"))
    assert f"wrote {out}" in result.out


def test_regions_file_on_like_cube_equals_region_mask(cli, tmp_path, small_geom):
    like = tmp_path / "counts.fits"
    Map.from_geom(small_geom, dtype="float32").write(like)
    regions = tmp_path / "sources.reg"
    text = "# Region file format: DS9\ngalactic\ncircle(184.5,-5.8,0.5)\n-circle(184.5,-5.8,0.2)\n"
    regions.write_text(text)
    out = tmp_path / "fit.fits"
    assert cli("mask", "regions", "--like", like, regions, "-o", out).code == 0
    expected = small_geom.region_mask(text)
    mask = Map.read(out)
    assert mask.geom == small_geom
    np.testing.assert_array_equal(mask.data, expected.data)
    assert 0 < mask.data.sum() < mask.data.size


def test_regions_like_image_drops_the_axes(cli, tmp_path, small_geom):
    like = tmp_path / "counts.fits"
    Map.from_geom(small_geom).write(like)
    out = tmp_path / "image.fits"
    region = "galactic;circle(184.5,-5.8,0.5)"
    assert cli("mask", "regions", "--like", like, "--image", region, "-o", out).code == 0
    mask = Map.read(out)
    assert mask.geom == small_geom.to_image()
    np.testing.assert_array_equal(mask.data, small_geom.to_image().region_mask(region).data)


def test_regions_geometry_options_with_energy_axis(cli, tmp_path):
    out = tmp_path / "m.fits"
    args = ["--skydir", "0", "-30arcmin", "--frame", "galactic", "--width", "3deg,2deg"]
    args += ["--binsz", "6arcmin", "--energy-bounds", "10GeV", "2 TeV", "--energy-bins", "4"]
    assert cli("mask", "regions", *args, "galactic;circle(0,0,0.5)", "-o", out).code == 0
    mask = Map.read(out)
    assert mask.data.shape == (4, 20, 30)
    assert mask.geom.center_skydir.b.deg == pytest.approx(-0.5)
    assert mask.geom.axes["energy"].nbin == 4
    expected = mask.geom.region_mask("galactic;circle(0,0,0.5)")
    np.testing.assert_array_equal(mask.data, expected.data)


# ---------------------------------------------------------------------- catalog
def test_catalog_3fhl_tutorial_matches_gammapy(cli, tmp_path, gammapy_data, reference):
    catalog_file = gammapy_data / "catalogs" / "fermi" / "gll_psch_v13.fit.gz"
    out = tmp_path / "catalog.fits"
    result = cli(
        "mask", "catalog", "3fhl", "--radius", "0.3deg", *TUTORIAL_GEOMETRY,
        "--catalog-file", catalog_file, "--outside", "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "1 of 1556 sources" in result.out
    expected = np.load(reference / "exclusion_catalog.npy")
    np.testing.assert_array_equal(Map.read(out).data, expected)


def test_catalog_from_gammapy_data_inside(cli, tmp_path, gammapy_data, reference, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    out = tmp_path / "inside.fits"
    result = cli("mask", "catalog", "3FHL", "--radius", "18arcmin", *TUTORIAL_GEOMETRY, "-o", out)
    assert result.code == 0, result.err
    expected = ~np.load(reference / "exclusion_catalog.npy")
    np.testing.assert_array_equal(Map.read(out).data, expected)


def test_catalog_progress_bar_on_terminal(cli, tmp_path, gammapy_data, monkeypatch):
    """On a terminal the mask is painted in chunks with a bar; the mask is the same."""
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    args = ["mask", "catalog", "3fhl", "--radius", "1deg", "--frame", "galactic"]
    args += ["--binsz", "0.5", "--width", "120,30"]
    quiet, shown = tmp_path / "quiet.fits", tmp_path / "shown.fits"
    quiet_result = cli(*args, "-o", quiet)
    assert quiet_result.code == 0 and quiet_result.err == ""
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli(*args, "-o", shown).code == 0
    bar = terminal.getvalue()
    assert bar.startswith("\rskymask mask catalog: [")
    geom = WcsGeom.create(binsz=0.5, width=(120, 30), frame="galactic")
    regions = CATALOG_REGISTRY.get_cls("3fhl")().exclusion_regions("1 deg", geom=geom)
    assert len(regions) > 128  # painted in several chunks
    assert f"100% {len(regions)}/{len(regions)} regions" in bar and bar.endswith("\n")
    expected = geom.region_mask(regions)
    np.testing.assert_array_equal(Map.read(shown).data, expected.data)
    np.testing.assert_array_equal(Map.read(quiet).data, expected.data)


# ---------------------------------------------------------------------- significance
@pytest.fixture
def tutorial_mask_fit(tmp_path, crab_dataset_file, reference):
    """The tutorial's fit mask (energy and box region) on the dataset's counts geometry."""
    geom = Map.read(crab_dataset_file, hdu="COUNTS").geom
    path = tmp_path / "mask_fit.fits"
    Map.from_geom(geom, data=np.load(reference / "mask_fit_combined.npy")).write(path)
    return path


def test_significance_matches_tutorial(
    cli, tmp_path, crab_dataset_file, tutorial_mask_fit, reference
):
    out = tmp_path / "significance.fits"
    result = cli(
        "mask", "significance", crab_dataset_file, "--threshold", "5",
        "--correlation-radius", "0.4deg", "--mask-fit", tutorial_mask_fit, "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    mask = Map.read(out)
    assert mask.data.shape == (1, 40, 50)
    np.testing.assert_array_equal(mask.data, np.load(reference / "significance_mask.npy"))


def test_significance_progress_on_terminal(cli, tmp_path, crab_dataset_file, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "s.fits"
    assert cli("mask", "significance", crab_dataset_file, "--threshold", "5", "-o", out).code == 0
    assert "skymask mask significance: [" in terminal.getvalue()
    assert "estimating the significance" in terminal.getvalue()
    assert terminal.getvalue().rstrip().endswith("100% 4/4 steps")


def test_significance_hysteresis_from_yaml(
    cli, tmp_path, gammapy_data, tutorial_mask_fit, reference
):
    yaml = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_datasets.yaml"
    out = tmp_path / "hysteresis.fits"
    result = cli(
        "mask", "significance", yaml, "--name", "Fermi-LAT", "--threshold", "5", "--low", "3",
        "--correlation-radius", "24arcmin", "--mask-fit", tutorial_mask_fit, "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    significant = np.load(reference / "hysteresis_sqrt_ts_3_5.npy")
    np.testing.assert_array_equal(Map.read(out).data, ~significant)


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["catalog", "9xyz", "--radius", "0.3deg"], ["unknown catalog tag '9xyz'", "3fhl"]),
        (["regions", "circle(1,2"], ["cannot parse the ds9 region string"]),
        (["regions", "missing.reg"], ["no such ds9 region file"]),
        (["regions", "galactic;circle(0,0,1)", "--width", "3", "--like", "x.fits"], ["--like"]),
        (["regions", "galactic;circle(0,0,1)", "--binsz", "0.1kg"], ["not an angle: '0.1kg'"]),
        (["regions", "galactic;circle(0,0,1)", "--binsz", "0.1,0.1,1"], ["LON,LAT pair"]),
        (["regions", "galactic;circle(0,0,1)", "--binsz", "0.1", "--energy-bins", "3"], []),
    ],
)
def test_mask_errors_are_one_line(cli, tmp_path, monkeypatch, args, fragments):
    monkeypatch.chdir(tmp_path)
    geometry = [] if "--binsz" in args or "--like" in args else ["--binsz", "0.1", "--width", "2"]
    result = cli("mask", *args, *geometry, "-o", "out.fits")
    assert_error(result, f"skymask mask {args[0]}", *(fragments or ["--energy-bounds"]))
    assert files_in(tmp_path) == set()


def test_mask_without_geometry(cli, tmp_path):
    result = cli("mask", "regions", "galactic;circle(0,0,1)", "-o", tmp_path / "m.fits")
    assert_error(result, "skymask mask regions", "no geometry", "--binsz", "--like")
    assert files_in(tmp_path) == set()


def test_catalog_without_gammapy_data(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    args = ["mask", "catalog", "3fhl", "--radius", "0.3", "--binsz", "0.1", "--width", "2"]
    result = cli(*args, "-o", tmp_path / "m.fits")
    assert_error(result, "skymask mask catalog", "GAMMAPY_DATA", "--catalog-file")
    assert files_in(tmp_path) == set()


def test_significance_errors(cli, tmp_path, crab_dataset_file, gammapy_data):
    out = tmp_path / "s.fits"
    base = ["mask", "significance"]
    result = cli(*base, crab_dataset_file, "--threshold", "3", "--low", "5", "-o", out)
    assert_error(result, "skymask mask significance", "--low 5 must not exceed --threshold 3")
    yaml = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_datasets.yaml"
    result = cli(*base, yaml, "--name", "HESS", "--threshold", "5", "-o", out)
    assert_error(result, "skymask mask significance", "no dataset named 'HESS'")
    result = cli(*base, tmp_path / "none.fits", "--threshold", "5", "-o", out)
    assert_error(result, "skymask mask significance", "no such file")
    result = cli(*base, crab_dataset_file, "--threshold", "nan", "-o", out)
    assert_error(result, "skymask mask significance", "must be finite")
    assert files_in(tmp_path) == set()


# ---------------------------------------------------------------------- catalog with the PSF
def test_catalog_psf_cube_equals_brute_force_and_python(cli, tmp_path, gammapy_data):
    """``--psf``: one plane per energy bin, each the disks of radius sqrt(r^2 + r95(E)^2)."""
    from astropy.coordinates import SkyCoord

    from skymask.datasets import MapDataset

    dataset_file = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    catalog_file = gammapy_data / "catalogs" / "fermi" / "gll_psch_v13.fit.gz"
    out = tmp_path / "psf.fits"
    result = cli(
        "mask", "catalog", "3fhl", "--radius", "0.3deg", "--like", dataset_file,
        "--psf", dataset_file, "--select", "overlap", "--catalog-file", catalog_file,
        "--outside", "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "bin 0 (lowest edge 0.01 TeV)" in result.out
    mask = Map.read(out)
    dataset = MapDataset.read(dataset_file)
    geom = dataset.counts.geom
    assert mask.geom == geom and mask.data.dtype == bool
    # Brute force: the Crab (the one 3FHL source reaching this map) with radii from the PSF.
    crab = CATALOG_REGISTRY.get_cls("3fhl")(catalog_file)["3FHL J0534.5+2201"].position
    edges = geom.axes["energy"].edges[:-1]
    r95 = dataset.psf.containment_radius(0.95, edges, position=crab).deg
    distance = geom.to_image().get_coord().skycoord.separation(SkyCoord(crab)).deg
    expected = np.array([distance >= np.hypot(0.3, r) for r in r95])
    np.testing.assert_array_equal(mask.data, expected)
    assert (~mask.data).sum(axis=(1, 2)).tolist() == sorted(
        (~expected).sum(axis=(1, 2)), reverse=True
    )


def test_catalog_psf_needs_an_energy_axis(cli, tmp_path, gammapy_data):
    dataset_file = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    args = ["mask", "catalog", "3fhl", "--radius", "0.3deg", *TUTORIAL_GEOMETRY]
    result = cli(*args, "--psf", dataset_file, "-o", tmp_path / "x.fits")
    assert_error(result, "skymask mask catalog", "no energy axis", "--energy-bounds")
    result = cli(*args, "--psf", dataset_file, "--containment", "1.5", "-o", tmp_path / "x.fits")
    assert result.code == 2 and "must be in (0, 1)" in result.err


# ---------------------------------------------------------------------- converge
def test_converge_writes_the_fixed_point_of_make_exclusion_mask(cli, tmp_path, gammapy_data):
    from skymask.datasets import MapDataset
    from skymask.estimators import ExcessMapEstimator
    from skymask.makers import FoVBackgroundMaker

    dataset_file = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    out = tmp_path / "converged.fits"
    args = ["mask", "converge", dataset_file, "--correlation-radius", "0.4deg"]
    result = cli(*args, "-o", out)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["step", "norm", "significant", "excluded", "changed"]
    assert lines[-2].split()[-1] == "0"  # the last step changed nothing
    mask = Map.read(out)
    assert mask.is_mask
    # One more step by hand gives the same mask.
    dataset = MapDataset.read(dataset_file)
    normalised = FoVBackgroundMaker(exclusion_mask=mask).run(dataset)
    sqrt_ts = ExcessMapEstimator("0.4 deg", selection_optional=[]).run(normalised)["sqrt_ts"]
    np.testing.assert_array_equal(mask.data, ~np.any(sqrt_ts.data >= 5, axis=0))
    # Not converged within --max-iter: the last mask is written, exit code 3, a warning.
    short = cli(*args, "--max-iter", "1", "-o", tmp_path / "short.fits")
    assert short.code == 3
    assert "did not converge" in short.err and (tmp_path / "short.fits").exists()
    bad = cli(*args, "--background", "ring", "-o", tmp_path / "x.fits")
    assert_error(bad, "skymask mask converge", "--ring R_IN WIDTH")


# ---------------------------------------------------------------------- recipes
def test_build_replay_info_and_print_recipe(cli, tmp_path, monkeypatch, gammapy_data):
    """A shell session printed as a recipe rebuilds the same mask; replay and info see it."""
    import yaml

    monkeypatch.chdir(tmp_path)
    dataset = gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    first = cli(
        "mask", "regions", "--like", dataset, "--image", "--outside",
        "galactic;box(185,-4,1.0,0.5,45)", "-o", "box.fits", "--print-recipe",
    )  # fmt: skip
    assert first.code == 0, first.err
    second = cli("dilate", "box.fits", "--width", "0.2deg", "-o", "grown.fits", "--print-recipe")
    assert second.code == 0, second.err
    documents = [
        yaml.safe_load(result.out.split("rebuilds it):\n", 1)[1]) for result in (first, second)
    ]
    # Join the two printed recipes: the first's geometry, both steps (the read is replaced).
    recipe = {
        "geometry": documents[0]["geometry"],
        "steps": documents[0]["steps"] + documents[1]["steps"][1:],
    }
    (tmp_path / "session.yaml").write_text(yaml.safe_dump(recipe))
    built = cli("build", "session.yaml", "-o", "rebuilt.fits")
    assert built.code == 0, built.err
    assert "with provenance" in built.out
    np.testing.assert_array_equal(Map.read("rebuilt.fits").data, Map.read("grown.fits").data)
    info = cli("info", "rebuilt.fits")
    assert "provenance : built by skymask" in info.out
    assert "- dilate: 0.2 deg" in info.out
    replayed = cli("replay", "rebuilt.fits")
    assert replayed.code == 0 and "bit-identical" in replayed.out
    # Replay a file built from a regions file that changed afterwards: exit code 1.
    (tmp_path / "src.reg").write_text("icrs\ncircle(83.63, 22.01, 0.3)\n")
    (tmp_path / "r.yaml").write_text(
        f"geometry: {{like: {dataset}, image: true}}\nsteps: [{{regions: src.reg}}]\n"
    )
    assert cli("build", "r.yaml", "-o", "r.fits").code == 0
    (tmp_path / "src.reg").write_text("icrs\ncircle(83.63, 22.01, 0.6)\n")
    changed = cli("replay", "r.fits")
    assert changed.code == 1
    assert "steps[0].regions" in changed.out and "DIFFERS" in changed.out
    plain = cli("replay", "box.fits")
    assert_error(plain, "skymask replay", "no PROVENANCE extension")
