"""Datasets YAML index: paths, $VARS, indexing, models, checksums (D11), writing."""

import shutil
import warnings

import pytest
import yaml
from astropy.io import fits

from skymask.datasets import Datasets, MapDataset, ModelNotEvaluatedWarning
from skymask.datasets.io import dump_yaml, yaml_checksum
from skymask.utils.exceptions import ChecksumWarning

CRAB_YAML = "$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml"
CRAB_MODELS = "$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml"


@pytest.fixture
def env_data(gammapy_data, monkeypatch):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    return gammapy_data


def test_read_tutorial_yaml_without_checksum_warning_d11(env_data):
    # gammapy 2.1 warns "Checksum verification failed" here although the file has no checksum.
    # The one warning is that the Crab's sky model is kept but not evaluated.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        datasets = Datasets.read(CRAB_YAML, filename_models=CRAB_MODELS)
    assert [w.category for w in caught] == [ModelNotEvaluatedWarning]
    assert datasets.names == ["Fermi-LAT"]
    assert datasets["Fermi-LAT"] is datasets[0]
    assert [d.name for d in datasets] == ["Fermi-LAT"]
    assert len(datasets) == 1
    assert datasets.models.names[0] == "Crab Nebula"
    assert datasets.models["Crab Nebula"]["spatial"]["type"] == "PointSpatialModel"
    assert len(datasets.models.for_dataset("Fermi-LAT")) == 2
    with pytest.raises(KeyError, match="no dataset named 'HESS'"):
        datasets["HESS"]


def _copy_crab(env_data, tmp_path):
    folder = tmp_path / "crab"
    folder.mkdir()
    shutil.copy(env_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", folder)
    return folder


def test_entry_names_resolve_next_to_the_yaml_never_in_the_working_folder_x61(
    env_data, tmp_path, monkeypatch
):
    folder = _copy_crab(env_data, tmp_path)
    (folder / "relative.yaml").write_text(
        "datasets:\n- name: A\n  type: MapDataset\n  filename: Fermi-LAT-3FHL_data_Fermi-LAT.fits\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative resolution must not depend on the working folder
    assert Datasets.read(folder / "relative.yaml")["A"].counts.data.sum() == 3004
    # Issue 12 item 16: a file of that name in the working folder is never read instead.
    (folder / "gone.yaml").write_text(
        "datasets:\n- name: B\n  type: MapDataset\n  filename: decoy.fits\n"
    )
    shutil.copy(folder / "Fermi-LAT-3FHL_data_Fermi-LAT.fits", elsewhere / "decoy.fits")
    with pytest.raises(FileNotFoundError, match=r"'decoy\.fits' does not exist .*relative to the"):
        Datasets.read(folder / "gone.yaml")


def test_entry_names_are_not_expanded_x61(env_data, tmp_path, monkeypatch):
    # gammapy expands $VARS and ~ in the entries; a YAML from someone else must not steer
    # the reader with the environment.
    folder = _copy_crab(env_data, tmp_path)
    monkeypatch.setenv("MYDATA", str(folder))
    monkeypatch.setenv("HOME", str(folder))
    for name in (
        "$MYDATA/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "~/Fermi-LAT-3FHL_data_Fermi-LAT.fits",
    ):
        (tmp_path / "vars.yaml").write_text(
            f"datasets:\n- name: B\n  type: MapDataset\n  filename: {name}\n"
        )
        with pytest.raises(FileNotFoundError, match="does not exist"):
            Datasets.read(tmp_path / "vars.yaml")
    # A file literally named so is read: names are taken as written.
    literal = tmp_path / "$MYDATA"
    literal.mkdir()
    shutil.copy(folder / "Fermi-LAT-3FHL_data_Fermi-LAT.fits", literal)
    (tmp_path / "vars.yaml").write_text(
        "datasets:\n- name: B\n  type: MapDataset\n"
        "  filename: $MYDATA/Fermi-LAT-3FHL_data_Fermi-LAT.fits\n"
    )
    assert Datasets.read(tmp_path / "vars.yaml")["B"].counts.data.sum() == 3004


def test_checksums_d11(env_data, tmp_path):
    folder = _copy_crab(env_data, tmp_path)
    data = {
        "datasets": [
            {"name": "A", "type": "MapDataset", "filename": "Fermi-LAT-3FHL_data_Fermi-LAT.fits"}
        ]
    }
    text = dump_yaml(data)
    good = folder / "good.yaml"
    good.write_text(text + yaml.dump({"checksum": yaml_checksum(text)}))
    bad = folder / "bad.yaml"
    bad.write_text(text + yaml.dump({"checksum": "0" * 32}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Datasets.read(good)
    with pytest.warns(ChecksumWarning, match="does not match"):
        Datasets.read(bad)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Datasets.read(bad, checksum=False)


def test_fits_checksum_wrong_warns(env_data, tmp_path):
    dataset = MapDataset.read(
        env_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", name="A"
    )
    path = tmp_path / "a.fits"
    dataset.write(path, checksum=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MapDataset.read(path)
    with fits.open(path) as hdulist:
        data_start = hdulist.fileinfo(hdulist.index_of("COUNTS"))["datLoc"]
    raw = bytearray(path.read_bytes())
    raw[data_start + 3] ^= 0xFF  # corrupt one byte of the COUNTS data
    path.write_bytes(bytes(raw))
    with pytest.warns(ChecksumWarning):
        MapDataset.read(path)


def test_write_and_read_back(env_data, tmp_path):
    with pytest.warns(ModelNotEvaluatedWarning):
        datasets = Datasets.read(CRAB_YAML, filename_models=CRAB_MODELS)
    out = tmp_path / "out" / "datasets.yaml"
    out.parent.mkdir()
    datasets.write(out, filename_models=tmp_path / "out" / "models.yaml", checksum=True)
    assert (out.parent / "Fermi-LAT.fits").exists()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = Datasets.read(out, filename_models=tmp_path / "out" / "models.yaml")
    assert [w.category for w in caught] == [ModelNotEvaluatedWarning]
    assert back.names == ["Fermi-LAT"]
    assert back["Fermi-LAT"].counts.data.sum() == 3004
    assert back.models.names == datasets.models.names
    with pytest.raises(FileExistsError):
        datasets.write(out)


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such datasets file"):
        Datasets.read(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("datasets:\n- name: A\n  type: SpectrumDataset\n  filename: x.fits\n")
    with pytest.raises(ValueError, match="'SpectrumDataset' is not supported"):
        Datasets.read(bad)
    bad.write_text("foo: [1, 2\n")
    with pytest.raises(ValueError, match="not valid YAML"):
        Datasets.read(bad)
    with pytest.raises(TypeError, match="MapDataset"):
        Datasets([42])


def test_write_refuses_colliding_file_names_before_writing(tmp_path):
    from skymask.maps import MapAxis, WcsGeom

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    geom = WcsGeom.create(npix=(4, 3), binsz=0.1, axes=[axis])
    datasets = Datasets(
        [MapDataset.create(geom, name="HESS run 1"), MapDataset.create(geom, name="HESS_run_1")]
    )
    with pytest.raises(ValueError, match=r"would both be written to \S*HESS_run_1\.fits"):
        datasets.write(tmp_path / "datasets.yaml")
    assert list(tmp_path.iterdir()) == []
    single = Datasets([MapDataset.create(geom, name="A")])
    (tmp_path / "A.fits").write_text("old")
    with pytest.raises(FileExistsError, match=r"A\.fits"):
        single.write(tmp_path / "datasets.yaml")
    assert not (tmp_path / "datasets.yaml").exists()
    assert (tmp_path / "A.fits").read_text() == "old"
