"""Datasets: an ordered, name-indexed collection read from and written to gammapy's YAML index."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..utils.io import check_overwrite, make_path
from ..utils.units import describe
from .io import read_yaml, write_yaml
from .map_dataset import MapDataset

__all__ = ["Datasets", "Models"]

_DATASET_TYPES = {"MapDataset": MapDataset}


class Models(Sequence):
    """The components of a gammapy models YAML file, kept as parsed (no model evaluation).

    Each component is a dict (``name``, ``type``, ``spectral``, ``spatial``, ...).
    `for_dataset` gives those attached to a dataset (via ``datasets_names``, or all).
    """

    def __init__(self, components=(), covariance=None):
        self._components = [dict(c) for c in components]
        self.covariance = covariance

    @classmethod
    def read(cls, filename, checksum=True) -> Models:
        path = make_path(filename)
        if not path.exists():
            raise FileNotFoundError(f"no such models file: {path}")
        data = read_yaml(path, checksum=checksum)
        components = data.get("components", [])
        if not isinstance(components, list):
            raise ValueError(f"{path}: 'components' must be a list, got {describe(components)}")
        return cls(components, covariance=data.get("covariance"))

    def to_dict(self) -> dict:
        data = {"components": [dict(c) for c in self._components]}
        if self.covariance is not None:
            data["covariance"] = self.covariance
        return data

    def write(self, filename, overwrite=False, checksum=False) -> None:
        write_yaml(self.to_dict(), make_path(filename), overwrite=overwrite, checksum=checksum)

    @property
    def names(self) -> list[str]:
        return [c.get("name", f"model-{i}") for i, c in enumerate(self._components)]

    def for_dataset(self, name: str) -> Models:
        return Models(
            [c for c in self._components if name in c.get("datasets_names", [name])],
            covariance=self.covariance,
        )

    def __getitem__(self, key):
        if isinstance(key, str):
            for name, component in zip(self.names, self._components, strict=True):
                if name == key:
                    return component
            raise KeyError(f"no model named {key!r}; the models are {self.names}")
        return self._components[key]

    def __len__(self):
        return len(self._components)

    def __repr__(self):
        kinds = ", ".join(
            f"{n} ({c.get('type', '?')})" for n, c in zip(self.names, self._components, strict=True)
        )
        return f"Models({kinds or 'none'})"


class Datasets(Sequence):
    """Ordered datasets with unique names; ``datasets["Fermi-LAT"]`` or ``datasets[0]``."""

    def __init__(self, datasets=()):
        self._datasets: list[MapDataset] = []
        self.models: Models | None = None
        for dataset in datasets:
            self.append(dataset)

    def append(self, dataset: MapDataset) -> None:
        if not isinstance(dataset, MapDataset):
            raise TypeError(f"Datasets holds MapDataset objects, got {describe(dataset)}")
        if dataset.name in self.names:
            raise ValueError(f"a dataset named {dataset.name!r} is already in {self.names}")
        self._datasets.append(dataset)

    @property
    def names(self) -> list[str]:
        return [d.name for d in self._datasets]

    def __getitem__(self, key):
        if isinstance(key, str):
            for dataset in self._datasets:
                if dataset.name == key:
                    return dataset
            raise KeyError(f"no dataset named {key!r}; the datasets are {self.names}")
        if isinstance(key, slice):
            return Datasets(self._datasets[key])
        return self._datasets[key]

    def __len__(self):
        return len(self._datasets)

    # ------------------------------------------------------------------ files
    @classmethod
    def read(cls, filename, filename_models=None, lazy=True, cache=True, checksum=True) -> Datasets:
        """Read a datasets YAML index (and optionally a models YAML file).

        Each entry's ``filename`` is taken relative to the YAML file's folder when such a file
        exists there, otherwise as given; ``$VARS`` are expanded. A ``checksum:`` entry is
        verified when present (D11: no warning when there is none). ``lazy`` and ``cache``
        are accepted for gammapy compatibility; files are read at once.
        """
        path = make_path(filename)
        if not path.exists():
            raise FileNotFoundError(f"no such datasets file: {path}")
        data = read_yaml(path, checksum=checksum)
        entries = data.get("datasets")
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected a 'datasets:' list, got {describe(entries)}")
        datasets = cls()
        for entry in entries:
            kind = entry.get("type", "MapDataset")
            if kind not in _DATASET_TYPES:
                raise ValueError(
                    f"{path}: dataset type {kind!r} is not supported; skymask reads "
                    f"{sorted(_DATASET_TYPES)}"
                )
            file = _resolve(entry["filename"], path.parent)
            dataset = _DATASET_TYPES[kind].read(file, name=entry.get("name"), checksum=checksum)
            datasets.append(dataset)
        if filename_models is not None:
            datasets.models = Models.read(filename_models, checksum=checksum)
        return datasets

    def write(self, filename, filename_models=None, overwrite=False, checksum=False) -> None:
        """Write the YAML index and one ``<name>.fits`` file per dataset next to it."""
        check_overwrite(overwrite)
        path = make_path(filename)
        files = [f"{_safe_name(dataset.name)}.fits" for dataset in self._datasets]
        # Check every target before writing anything: no half-written set of files.
        seen = {}
        for dataset, file in zip(self._datasets, files, strict=True):
            other = seen.setdefault(file.lower(), dataset.name)
            if other != dataset.name:
                raise ValueError(
                    f"the datasets {other!r} and {dataset.name!r} would both be written to "
                    f"{file}; rename one of them"
                )
        targets = [path, *(path.parent / file for file in files)]
        if filename_models is not None and self.models is not None:
            targets.append(make_path(filename_models))
        existing = [str(target) for target in targets if target.exists()]
        if existing and not overwrite:
            raise FileExistsError(f"{', '.join(existing)} exist; pass overwrite=True to replace")
        entries = []
        for dataset, file in zip(self._datasets, files, strict=True):
            dataset.write(path.parent / file, overwrite=overwrite, checksum=checksum)
            entries.append({"name": dataset.name, "type": "MapDataset", "filename": file})
        write_yaml({"datasets": entries}, path, overwrite=overwrite, checksum=checksum)
        if filename_models is not None and self.models is not None:
            self.models.write(filename_models, overwrite=overwrite, checksum=checksum)

    def __repr__(self):
        lines = [f"Datasets ({len(self)})"]
        lines += [f"    {i}: {d.name!r}" for i, d in enumerate(self._datasets)]
        if self.models is not None:
            lines.append(f"    models: {self.models!r}")
        return "\n".join(lines)


def _resolve(filename: str, folder: Path) -> Path:
    expanded = Path(os.path.expandvars(os.path.expanduser(filename)))
    candidate = folder / expanded
    return candidate if not expanded.is_absolute() and candidate.exists() else expanded


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
