"""Reading the dataset a command works on (a MapDataset FITS file or a datasets YAML)."""

from __future__ import annotations

from pathlib import Path

from ._common import CliError

__all__ = ["read_dataset"]


def read_dataset(path: Path, name):
    """The dataset in ``path``; ``name`` selects one of a YAML index."""
    from ..datasets import Datasets, MapDataset

    if not path.is_file():
        raise CliError(f"no such file: {path}")
    if path.suffix.lower() not in (".yaml", ".yml"):
        if name is not None:
            raise CliError("--name selects a dataset of a YAML index; DATASET is a FITS file")
        return MapDataset.read(path)
    datasets = Datasets.read(path)
    if name is not None:
        return datasets[name]
    if len(datasets) != 1:
        raise CliError(
            f"{path} holds {len(datasets)} datasets {datasets.names}; choose one with --name"
        )
    return datasets[0]
