import pytest

from skymask.utils.check import check_tutorials_setup


def test_check_tutorials_setup_never_downloads(monkeypatch, tmp_path):
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    missing = tmp_path / "gammapy-data"
    with pytest.raises(FileNotFoundError, match="GAMMAPY_DATA is not set"):
        check_tutorials_setup(download_datasets_path=missing)
    assert not missing.exists()
    missing.mkdir()
    info = check_tutorials_setup(download_datasets_path=missing)
    assert info["GAMMAPY_DATA"] == str(missing.resolve())


def test_check_tutorials_setup_reports_versions(gammapy_data, monkeypatch, capsys):
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    info = check_tutorials_setup()
    assert info["GAMMAPY_DATA"] == str(gammapy_data)
    assert "numpy" in info and "regions" in info
    assert "GAMMAPY_DATA" in capsys.readouterr().out
    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data / "nope"))
    with pytest.raises(FileNotFoundError, match="not a directory"):
        check_tutorials_setup()


def test_versions_are_the_installed_distributions(gammapy_data, monkeypatch, capsys):
    # oracle: importlib.metadata for every package, whether its module is imported or not
    from importlib import metadata

    import yaml  # noqa: F401  (the pyyaml entry then comes from the imported module)

    monkeypatch.setenv("GAMMAPY_DATA", str(gammapy_data))
    info = check_tutorials_setup()
    for name in ("numpy", "scipy", "astropy", "regions", "matplotlib", "pyyaml"):
        assert info[name] == metadata.version(name)
    capsys.readouterr()
