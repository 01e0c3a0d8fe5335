"""Mask recipes and their provenance (issue 17, item 3).

Oracles: the recipe's mask against the same mask built by brute force (angular separation of
pixel centres, scipy.ndimage with an explicit disk) or by the direct calls it names; replay
against the stored file, bit for bit; the recorded SHA-256 against hashlib.
"""

import hashlib
import shutil

import numpy as np
import pytest
from astropy.io import fits
from scipy import ndimage

from skymask.catalog import CATALOG_REGISTRY
from skymask.datasets import MapDataset
from skymask.maps import Map, WcsGeom
from skymask.workflows import MaskRecipe, RecipeError, make_exclusion_mask, read_provenance, replay

GEOMETRY = "geometry: {skydir: [10, 20], frame: icrs, width: 2 deg, binsz: 0.05}\n"


def disk(radius_pix):
    n = int(np.ceil(radius_pix))
    y, x = np.mgrid[-n : n + 1, -n : n + 1]
    return x**2 + y**2 <= radius_pix**2


def test_regions_and_erode_equal_brute_force(tmp_path):
    recipe = MaskRecipe.from_yaml(
        GEOMETRY + "steps:\n"
        "  - {regions: 'icrs;circle(10, 20, 0.5)', outside: true}\n"
        "  - {erode: 0.1 deg}\n"
    )
    mask = recipe.build()
    geom = WcsGeom.create(skydir=(10, 20), frame="icrs", width=2, binsz=0.05)
    assert mask.geom == geom and mask.data.dtype == bool
    from astropy.coordinates import SkyCoord

    distance = geom.get_coord().skycoord.separation(SkyCoord(10, 20, unit="deg")).deg
    outside = distance >= 0.5
    # Erosion by 2 pixels with outside-the-map False (skymask's documented border rule).
    expected = ndimage.binary_erosion(outside, structure=disk(2.0), border_value=0)
    np.testing.assert_array_equal(mask.data, expected)


def test_named_steps_combine_and_not(tmp_path):
    recipe = MaskRecipe.from_yaml(
        GEOMETRY + "steps:\n"
        "  - {regions: 'icrs;circle(10, 20, 0.5)', name: a}\n"
        "  - {regions: 'icrs;circle(10.4, 20, 0.5)', name: b}\n"
        "  - {combine: xor, of: [a, b], name: c}\n"
        "  - {not: a}\n"
        "  - {combine: and, of: [c, previous]}\n"
    )
    geom = WcsGeom.create(skydir=(10, 20), frame="icrs", width=2, binsz=0.05)
    a = geom.region_mask("icrs;circle(10, 20, 0.5)").data
    b = geom.region_mask("icrs;circle(10.4, 20, 0.5)").data
    np.testing.assert_array_equal(recipe.build().data, (a ^ b) & ~a)


@pytest.fixture(scope="module")
def crab_file(gammapy_data):
    return gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"


STEP_CASES = {
    "regions": "  - {regions: 'galactic;box(185, -4, 1.0, 0.5, 45)', outside: true}\n",
    "catalog": "  - {catalog: 3fhl, radius: 0.3 deg, select: overlap, outside: true}\n",
    "catalog-psf": "  - {catalog: 3fhl, radius: 0.3 deg, psf: CRAB, outside: true}\n",
    "regions-psf": "  - {regions: 'icrs;circle(83.63, 22.01, 0.3)', psf: CRAB, outside: true}\n",
    "significance": "  - {significance: CRAB, threshold: 5, correlation_radius: 0.4 deg}\n",
    "converge": "  - {converge: CRAB, correlation_radius: 0.4 deg, dilate: 0.2 deg}\n",
    "read+not": "  - {read: MASK}\n  - {not: null}\n",
    "erode": "  - {read: MASK}\n  - {erode: 2 pix, kernel: box}\n",
    "dilate": "  - {read: MASK}\n  - {dilate: 0.2 deg}\n",
    "boundary": "  - {boundary: 0.3 deg}\n",
    "boundary-of": "  - {read: MASK}\n  - {boundary: [0.2 deg, 1 pix]}\n",
    "reproject": "  - {read: MASK}\n  - {reproject: SMALL, fill_value: true}\n",
    "combine": "  - {read: MASK, name: m}\n  - {not: m, name: n}\n  - {combine: or, of: [m, n]}\n",
}


@pytest.mark.parametrize("case", sorted(STEP_CASES))
def test_build_then_replay_is_bit_identical_for_every_step_type(tmp_path, crab_file, case):
    shutil.copy(crab_file, tmp_path / "crab.fits")
    geom = MapDataset.read(crab_file).counts.geom
    geom.to_image().region_mask("galactic;circle(184.5, -5.8, 0.6)").write(tmp_path / "m.fits")
    small = WcsGeom.create(skydir=(184.5, -5.8), frame="galactic", width=2, binsz=0.05)
    Map.from_geom(small, dtype="float32").write(tmp_path / "small.fits")
    text = (
        "geometry: {like: crab.fits"
        + (", image: true}" if not case.endswith("-psf") else "}")
        + "\nsteps:\n"
        + STEP_CASES[case]
    )
    text = (
        text.replace("CRAB", "crab.fits").replace("MASK", "m.fits").replace("SMALL", "small.fits")
    )
    (tmp_path / "recipe.yaml").write_text(text)
    recipe = MaskRecipe.from_yaml(tmp_path / "recipe.yaml")
    out = tmp_path / "out.fits"
    mask = recipe.write(out)
    assert mask.data.dtype == bool
    stored = Map.read(out)
    np.testing.assert_array_equal(stored.data, mask.data)
    # Each input is recorded with its SHA-256 (checked with hashlib here).
    provenance = read_provenance(out)
    assert provenance["inputs"], "every recipe here reads at least one file"
    if case.endswith("-psf"):
        assert mask.data.ndim == 3 and (~mask.data).sum(axis=(1, 2))[0] > (~mask.data[-1]).sum()
    for record in provenance["inputs"]:
        with open(record.path, "rb") as stream:
            assert record.sha256 == hashlib.sha256(stream.read()).hexdigest()
    report = replay(out)
    assert report.identical and not report.changed, report.summary()
    assert MaskRecipe.from_fits(out).steps == recipe.steps


def test_recipe_steps_equal_the_direct_calls(tmp_path, crab_file, gammapy_data):
    dataset = MapDataset.read(crab_file)
    image = dataset.counts.geom.to_image()
    text = (
        f"geometry: {{like: {crab_file}, image: true}}\n"
        "steps:\n"
        "  - {catalog: 3fhl, radius: 0.3 deg, outside: true, name: cat}\n"
        f"  - {{converge: {crab_file}, correlation_radius: 0.4 deg, initial: cat}}\n"
    )
    built = MaskRecipe.from_yaml(text).build()
    catalog = CATALOG_REGISTRY.get_cls("3fhl")()
    cat = ~image.region_mask(catalog.exclusion_regions("0.3 deg", geom=image))
    direct = make_exclusion_mask(dataset, correlation_radius="0.4 deg", initial=cat)
    np.testing.assert_array_equal(built.data, direct.mask.data)


def test_a_changed_input_is_named_by_replay(tmp_path):
    regions = tmp_path / "sources.reg"
    regions.write_text("# Region file format: DS9\nicrs\ncircle(10, 20, 0.3)\n")
    (tmp_path / "r.yaml").write_text(GEOMETRY + "steps:\n  - {regions: sources.reg}\n")
    out = tmp_path / "mask.fits"
    MaskRecipe.from_yaml(tmp_path / "r.yaml").write(out)
    assert replay(out).identical
    # A comment only: the mask is the same, but the input changed and replay says so.
    regions.write_text("# Region file format: DS9\n# edited\nicrs\ncircle(10, 20, 0.3)\n")
    report = replay(out)
    assert report.identical
    assert [record.name for record, _ in report.changed] == ["steps[0].regions"]
    # A larger circle: the mask differs, and the changed input is named.
    regions.write_text("# Region file format: DS9\nicrs\ncircle(10, 20, 0.5)\n")
    report = replay(out)
    assert not report.identical
    assert "steps[0].regions" in report.summary() and "DIFFERS" in report.summary()
    regions.unlink()
    report = replay(out)
    assert not report.identical and "is missing" in report.summary()


def test_provenance_extension_content(tmp_path):
    out = tmp_path / "m.fits"
    MaskRecipe.from_yaml(GEOMETRY + "steps:\n  - {regions: 'icrs;circle(10,20,0.3)'}\n").write(out)
    with fits.open(out) as hdus:
        assert hdus[-1].name == "PROVENANCE"
        assert hdus[-1].header["SKMVERS"]
        assert "circle(10,20,0.3)" in hdus[-1].data["TEXT"][0]
    assert read_provenance(out)["inputs"] == []


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("steps: [{not: null}]", "needs a 'geometry'"),
        (GEOMETRY + "steps: []", "non-empty list"),
        (GEOMETRY + "steps: [{smooth: 1}]", "exactly one step kind"),
        (GEOMETRY + "steps: [{erode: 1, dilate: 1}]", "exactly one step kind"),
        (GEOMETRY + "steps: [{erode: 1, radius: 2}]", r"step 0 \(erode\): unknown options"),
        (GEOMETRY + "steps: [{erode: 1}]", "needs an earlier step"),
        (GEOMETRY + "steps: [{regions: 'icrs;circle(10,20,1)'}, {not: x}]", "no earlier step"),
        (GEOMETRY + "steps: [{read: missing.fits}]", r"step 0 \(read\).*missing.fits"),
        ("skymask-recipe: 2\n" + GEOMETRY + "steps: [{not: null}]", "recipe version 1"),
        ("geometry: {like: a.fits, binsz: 1}\nsteps: [{boundary: 1}]", "drop"),
    ],
)
def test_bad_recipes_name_the_step_and_rule(tmp_path, text, match):
    with pytest.raises(RecipeError, match=match):
        MaskRecipe.from_yaml(text, base_dir=tmp_path).build()


def test_recipe_syntax_errors_name_the_line_not_the_content(tmp_path):
    path = tmp_path / "recipe.yaml"
    path.write_text(GEOMETRY + "steps: [{regions: TOKEN-1234: x}]\n")
    with pytest.raises(RecipeError, match=r"not valid YAML: .* at line 2, column \d+") as info:
        MaskRecipe.from_yaml(path)
    assert "TOKEN" not in str(info.value)


def test_a_plain_mask_has_no_recipe(tmp_path):
    out = tmp_path / "plain.fits"
    Map.from_geom(WcsGeom.create(npix=3), data=True).write(out)
    assert read_provenance(out) is None
    with pytest.raises(RecipeError, match="no PROVENANCE extension"):
        MaskRecipe.from_fits(out)
