"""FoV background models read from gammapy's models YAML (issue 15 item 1).

Oracle: gammapy 2.1's npred_background of the Crab dataset with its models file, stored in
tests/data/gammapy_references/crab_fov_background.npz (scripts/make_gammapy_references.py),
and the power-law norm computed by hand from the energy edges.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

from skymask.datasets import (
    Datasets,
    FoVBackgroundModel,
    MapDataset,
    ModelNotEvaluatedWarning,
    PowerLawNormSpectralModel,
)
from skymask.estimators import ExcessMapEstimator
from skymask.maps import MapAxis, WcsGeom
from skymask.utils.exceptions import SkymaskWarning

REFERENCES = Path(__file__).parents[1] / "data" / "gammapy_references"
CRAB = "$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml"
CRAB_MODELS = "$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml"


def _read_crab():
    with pytest.warns(ModelNotEvaluatedWarning, match="Crab Nebula") as caught:
        datasets = Datasets.read(CRAB, filename_models=CRAB_MODELS)
    assert len(caught) == 1  # said once
    return datasets


@pytest.mark.data
def test_crab_models_file_gives_gammapys_npred_background():
    reference = np.load(REFERENCES / "crab_fov_background.npz")
    meta = json.loads((REFERENCES / "references.json").read_text())["files"]
    meta = meta["crab_fov_background.npz"]["meta"]
    dataset = _read_crab()["Fermi-LAT"]
    model = dataset.background_model
    assert model.name == "Fermi-LAT-bkg"
    assert model.spectral_model.norm.value == 1.3004625872247901
    assert model.spectral_model.tilt.value == 0 and model.spectral_model.tilt.frozen
    assert model.spectral_model.reference.quantity.to_value("TeV") == 1.0
    npred_background = dataset.npred_background()
    assert_allclose(npred_background.data.sum(), 413.90307971471077, rtol=1e-12)
    assert_allclose(npred_background.data, reference["npred_background"], rtol=1e-12)
    assert_allclose(
        npred_background.data.sum(axis=(1, 2)),
        meta["npred_background_sum_per_energy_with_models"],
        rtol=1e-12,
    )
    # The sky model is not evaluated, and the results that would include it say so.
    assert "MODELS_NOT_EVALUATED" not in npred_background.meta
    assert dataset.npred().meta["MODELS_NOT_EVALUATED"] == "Crab Nebula"
    result = ExcessMapEstimator("0.1 deg").run(dataset)
    assert result.meta["MODELS_NOT_EVALUATED"] == "Crab Nebula"
    assert result["sqrt_ts"].meta["MODELS_NOT_EVALUATED"] == "Crab Nebula"
    # Without the models file: the template, 318.2737 (gammapy's value too).
    plain = Datasets.read(CRAB)["Fermi-LAT"]
    assert plain.background_model is None
    assert_allclose(plain.npred_background().data.sum(), 318.2737310405732, rtol=1e-12)
    assert issubclass(ModelNotEvaluatedWarning, SkymaskWarning)


def _dataset(name="d"):
    axis = MapAxis.from_energy_edges([1, 2, 8, 10] * u.TeV)
    dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), axes=[axis]), name=name)
    dataset.background.data[...] = np.arange(18, dtype=float).reshape(3, 2, 3) + 1
    return dataset


def test_tilt_and_reference_follow_the_power_law_at_the_bin_centres():
    dataset = _dataset()
    spectral = PowerLawNormSpectralModel(norm=0.5, tilt=1.5, reference="2 TeV")
    dataset.models = [FoVBackgroundModel("d", spectral_model=spectral)]
    edges = np.array([1.0, 2.0, 8.0, 10.0])
    centres = np.sqrt(edges[:-1] * edges[1:])  # log axis: geometric centres
    factor = 0.5 * (centres / 2.0) ** -1.5
    expected = dataset.background.data * factor[:, None, None]
    assert_allclose(dataset.npred_background().data, expected, rtol=1e-13)
    # Changing the parameter changes the prediction (no stale cache).
    dataset.background_model.spectral_model.norm.value = 1.0
    assert_allclose(dataset.npred_background().data, 2 * expected, rtol=1e-13)


def test_models_are_selected_per_dataset_and_never_dropped(tmp_path):
    one, two = _dataset("one"), _dataset("two")
    datasets = Datasets([one, two])
    sky = {"name": "src", "type": "SkyModel", "datasets_names": ["two"]}
    other = FoVBackgroundModel("three")  # names no dataset here: kept, not dropped
    with pytest.warns(ModelNotEvaluatedWarning, match="src"):
        datasets.models = [FoVBackgroundModel("one"), FoVBackgroundModel("two"), sky, other]
    assert one.models.names == ["one-bkg"] and one.models_not_evaluated == []
    assert two.models.names == ["two-bkg", "src"] and two.models_not_evaluated == ["src"]
    assert datasets.models.names == ["one-bkg", "two-bkg", "src", "three-bkg"]
    with pytest.raises(ValueError, match="one FoVBackgroundModel"):
        one.models = [FoVBackgroundModel("one"), FoVBackgroundModel("one", name="again")]


@pytest.mark.data
def test_write_back_keeps_the_sky_model_and_the_current_norm(tmp_path):
    datasets = _read_crab()
    datasets["Fermi-LAT"].background_model.spectral_model.norm.value = 2.0
    datasets["Fermi-LAT"].background_model.spectral_model.norm.frozen = True
    out = tmp_path / "out"
    out.mkdir()
    datasets.write(out / "datasets.yaml", filename_models=out / "models.yaml")
    original = yaml.safe_load(Path(CRAB_MODELS.replace("$GAMMAPY_DATA", _data())).read_text())
    written = yaml.safe_load((out / "models.yaml").read_text())
    # The sky model comes back unchanged (compare as YAML text: its limits are NaN).
    assert yaml.dump(written["components"][0]) == yaml.dump(original["components"][0])
    background = written["components"][1]
    assert background["type"] == "FoVBackgroundModel"
    assert background["datasets_names"] == ["Fermi-LAT"]
    norm = next(p for p in background["spectral"]["parameters"] if p["name"] == "norm")
    assert norm["value"] == 2.0 and norm["frozen"] is True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelNotEvaluatedWarning)
        back = Datasets.read(out / "datasets.yaml", filename_models=out / "models.yaml")
    assert_allclose(back[0].npred_background().data.sum(), 2.0 * 318.2737310405732, rtol=1e-12)


def _data():
    import os

    return os.environ["GAMMAPY_DATA"]


def test_invalid_background_models_are_refused_clearly():
    with pytest.raises(ValueError, match="PowerLawNormSpectralModel only"):
        FoVBackgroundModel.from_dict(
            {
                "type": "FoVBackgroundModel",
                "datasets_names": ["d"],
                "spectral": {"type": "PiecewiseNormSpectralModel", "parameters": []},
            }
        )
    with pytest.raises(ValueError, match="one dataset name"):
        FoVBackgroundModel.from_dict({"type": "FoVBackgroundModel"})
    with pytest.raises(TypeError, match="dataset_name must be a str"):
        FoVBackgroundModel(3)


def test_parameter_entries_keep_the_defaults_they_leave_out():
    # gammapy 2.1 merges each YAML parameter entry into the model's default parameter (checked
    # in its environment): a reference without a unit is in TeV, a tilt without "frozen" stays
    # frozen. skymask used to read them as dimensionless (npred_background then failed with a
    # unit error) and free.
    model = PowerLawNormSpectralModel.from_dict(
        {
            "type": "PowerLawNormSpectralModel",
            "parameters": [
                {"name": "norm", "value": 2.0},
                {"name": "tilt", "value": 1.0},
                {"name": "reference", "value": 2.0},
            ],
        }
    )
    assert model.reference.quantity == 2 * u.TeV
    assert model.tilt.frozen and model.reference.frozen and not model.norm.frozen
    assert_allclose(model(4 * u.TeV), 1.0, rtol=1e-15)  # 2 * (4 / 2) ** -1
