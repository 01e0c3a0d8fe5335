"""Datasets: an ordered, name-indexed collection read from and written to gammapy's YAML index."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from ..utils.io import check_overwrite, make_path, write_files
from ..utils.reading import regular_file
from ..utils.units import describe
from .io import dataset_output, read_map_dataset, read_yaml, write_yaml, yaml_output
from .map_dataset import MapDataset

__all__ = ["Datasets", "Models"]

# Readers by the YAML ``type``. They take the file name as resolved, without expanding it.
_DATASET_TYPES = {"MapDataset": (MapDataset, read_map_dataset)}


class Models(Sequence):
    """The components of a gammapy models YAML file, kept as parsed (no model evaluation).

    Each component is a dict (``name``, ``type``, ``spectral``, ``spatial``, ...).
    `for_dataset` gives those attached to a dataset (via ``datasets_names``, or all).

    Parameters
    ----------
    components : iterable of dict
        The model components, as in the YAML file.
    covariance : object, optional
        The ``covariance`` entry of the file, kept as it is.

    Examples
    --------
    >>> from skymask.datasets import Models
    >>> models = Models([{"name": "crab", "type": "SkyModel", "datasets_names": ["fermi"]}])
    >>> models.names, models.for_dataset("hess").names
    (['crab'], [])
    """

    def __init__(self, components=(), covariance=None):
        self._components = [dict(c) for c in components]
        self.covariance = covariance

    @classmethod
    def read(cls, filename, checksum=True) -> Models:
        """Read a models YAML file.

        Parameters
        ----------
        filename : str or path
            The YAML file.
        checksum : bool
            Verify a ``checksum`` entry where present.

        Returns
        -------
        `Models`
            The components as parsed.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import Models
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Models([{"name": "crab", "type": "SkyModel"}]).write(Path(tmp) / "models.yaml")
        ...     Models.read(Path(tmp) / "models.yaml").names
        ['crab']
        """
        path = regular_file(make_path(filename), what="models file")
        data = read_yaml(path, checksum=checksum)
        components = data.get("components", [])
        if not isinstance(components, list):
            raise ValueError(f"{path}: 'components' must be a list, got {describe(components)}")
        return cls(components, covariance=data.get("covariance"))

    def to_dict(self) -> dict:
        """The YAML content: ``{"components": [...]}`` (and ``covariance`` if set).

        Returns
        -------
        dict
            A new dict.

        Examples
        --------
        >>> from skymask.datasets import Models
        >>> Models([{"name": "crab", "type": "SkyModel"}]).to_dict()
        {'components': [{'name': 'crab', 'type': 'SkyModel'}]}
        """
        data = {"components": [dict(c) for c in self._components]}
        if self.covariance is not None:
            data["covariance"] = self.covariance
        return data

    def write(self, filename, overwrite=False, checksum=False) -> None:
        """Write the models YAML file, atomically.

        Parameters
        ----------
        filename : str or path
            The YAML file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add a ``checksum`` entry.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import Models
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Models([{"name": "crab", "type": "SkyModel"}]).write(Path(tmp) / "models.yaml")
        ...     (Path(tmp) / "models.yaml").read_text().splitlines()[0]
        'components:'
        """
        write_yaml(self.to_dict(), make_path(filename), overwrite=overwrite, checksum=checksum)

    @property
    def names(self) -> list[str]:
        """The component names, in order.

        Examples
        --------
        >>> from skymask.datasets import Models
        >>> Models([{"name": "crab", "type": "SkyModel"}]).names
        ['crab']
        """
        return [c.get("name", f"model-{i}") for i, c in enumerate(self._components)]

    def for_dataset(self, name: str) -> Models:
        """The components attached to the dataset ``name``.

        A component without ``datasets_names`` belongs to every dataset.

        Parameters
        ----------
        name : str
            Dataset name.

        Returns
        -------
        `Models`
            The selected components (the covariance is kept).

        Examples
        --------
        >>> from skymask.datasets import Models
        >>> models = Models([{"name": "crab"}, {"name": "bkg", "datasets_names": ["hess"]}])
        >>> models.for_dataset("fermi").names
        ['crab']
        """
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
    """Ordered datasets with unique names; ``datasets["Fermi-LAT"]`` or ``datasets[0]``.

    Parameters
    ----------
    datasets : iterable of `MapDataset`
        The datasets; names must be unique.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
    >>> from skymask.datasets import Datasets
    >>> datasets = Datasets([dataset, dataset.copy(name="b")])
    >>> datasets.names, datasets["b"].name
    (['a', 'b'], 'b')
    """

    def __init__(self, datasets=()):
        self._datasets: list[MapDataset] = []
        self.models: Models | None = None
        for dataset in datasets:
            self.append(dataset)

    def append(self, dataset: MapDataset) -> None:
        """Add a dataset at the end.

        Parameters
        ----------
        dataset : `MapDataset`
            A dataset whose name is not used yet.

        Raises
        ------
        TypeError
            If ``dataset`` is not a `MapDataset`.
        ValueError
            If its name is already used.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> from skymask.datasets import Datasets
        >>> datasets = Datasets()
        >>> datasets.append(dataset)
        >>> datasets.names
        ['a']
        """
        if not isinstance(dataset, MapDataset):
            raise TypeError(f"Datasets holds MapDataset objects, got {describe(dataset)}")
        if dataset.name in self.names:
            raise ValueError(f"a dataset named {dataset.name!r} is already in {self.names}")
        self._datasets.append(dataset)

    @property
    def names(self) -> list[str]:
        """The dataset names, in order.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> from skymask.datasets import Datasets
        >>> Datasets([dataset]).names
        ['a']
        """
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
    def read(
        cls,
        filename,
        filename_models=None,
        lazy=True,
        cache=True,
        checksum=True,
        *,
        allow_outside=False,
    ) -> Datasets:
        """Read a datasets YAML index (and optionally a models YAML file).

        A datasets YAML is input from others, so each entry's ``filename`` is taken as it is
        written, relative to the YAML file's folder: ``~`` and ``$VARS`` are not expanded,
        the current folder is never searched, and only regular files are read (not FIFOs or
        devices). Unless ``allow_outside=True``, the file must lie inside the YAML's folder
        (no absolute names, ``..`` or links leading out of it). A ``checksum:`` entry is
        verified when present (D11: no warning when there is none). ``lazy`` and ``cache`` are
        accepted for gammapy compatibility; files are read at once.

        Parameters
        ----------
        filename : str or path
            The YAML index (``~`` and ``$VARS`` in this name are expanded, as in gammapy).
        filename_models : str or path, optional
            A models YAML file.
        lazy, cache : bool
            Accepted for gammapy compatibility; the datasets are read at once.
        checksum : bool
            Verify the checksums present in the YAML and FITS files.
        allow_outside : bool
            Also read dataset files outside the YAML's folder (absolute names, ``..``).

        Raises
        ------
        FileNotFoundError
            The YAML, or a dataset file it names (resolved next to the YAML), does not exist.
        ValueError
            An entry is malformed, names a file outside the folder without
            ``allow_outside=True``, or names something other than a regular file.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import Datasets
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Datasets([dataset]).write(Path(tmp) / "datasets.yaml")
        ...     datasets = Datasets.read(Path(tmp) / "datasets.yaml")
        >>> datasets.names
        ['a']
        """
        if not isinstance(allow_outside, bool):
            raise TypeError(f"allow_outside must be True or False, got {allow_outside!r}")
        path = regular_file(make_path(filename), what="datasets file")
        data = read_yaml(path, checksum=checksum)
        entries = data.get("datasets")
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected a 'datasets:' list, got {describe(entries)}")
        datasets = cls()
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
                raise ValueError(
                    f"{path}: entry {number} of 'datasets:' must be a mapping with a "
                    f"'filename' string (and 'name', 'type'), got {describe(entry)}"
                )
            kind = entry.get("type", "MapDataset")
            if kind not in _DATASET_TYPES:
                raise ValueError(
                    f"{path}: dataset type {kind!r} is not supported; skymask reads "
                    f"{sorted(_DATASET_TYPES)}"
                )
            file = resolve_entry(entry["filename"], path, allow_outside=allow_outside)
            cls, reader = _DATASET_TYPES[kind]
            parts = reader(file, name=entry.get("name"), checksum=checksum, expand=False)
            dataset = cls._from_parts(parts)
            datasets.append(dataset)
        if filename_models is not None:
            datasets.models = Models.read(filename_models, checksum=checksum)
        return datasets

    def write(self, filename, filename_models=None, overwrite=False, checksum=False) -> None:
        """Write the YAML index and one ``<name>.fits`` file per dataset next to it.

        All or nothing: every output is checked (no two on the same file, e.g. a dataset
        named ``crab`` and an index ``crab.fits``; none exists unless ``overwrite``) and
        built, then all are written to temporaries, then put in place together (the index
        last), so that a failure leaves the previous files whole (see `skymask.utils.io`).

        Parameters
        ----------
        filename : str or path
            The YAML index.
        filename_models : str or path, optional
            Write the models of the datasets' ``models`` there too.
        overwrite : bool
            Replace existing files.
        checksum : bool
            Add checksums (to the YAML entries and the FITS files).

        Raises
        ------
        OSError
            If an output exists and ``overwrite`` is False (nothing is written then).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import Datasets
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Datasets([dataset]).write(Path(tmp) / "datasets.yaml")
        ...     sorted(p.name for p in Path(tmp).iterdir())
        ['a.fits', 'datasets.yaml']
        """
        overwrite = check_overwrite(overwrite)
        path = make_path(filename)
        files = [f"{_safe_name(dataset.name)}.fits" for dataset in self._datasets]
        entries = [
            {"name": dataset.name, "type": "MapDataset", "filename": file}
            for dataset, file in zip(self._datasets, files, strict=True)
        ]
        # The index first: write_files commits the first file last.
        outputs = [yaml_output({"datasets": entries}, path, checksum=checksum, label="the index")]
        outputs += [
            dataset_output(dataset, path.parent / file, checksum=checksum)
            for dataset, file in zip(self._datasets, files, strict=True)
        ]
        if filename_models is not None and self.models is not None:
            outputs.append(
                yaml_output(
                    self.models.to_dict(),
                    make_path(filename_models),
                    checksum=checksum,
                    label="the models file",
                )
            )
        write_files(outputs, overwrite=overwrite)

    def __repr__(self):
        lines = [f"Datasets ({len(self)})"]
        lines += [f"    {i}: {d.name!r}" for i, d in enumerate(self._datasets)]
        if self.models is not None:
            lines.append(f"    models: {self.models!r}")
        return "\n".join(lines)


def resolve_entry(filename: str, yaml_path: Path, *, allow_outside: bool = False) -> Path:
    """The file a datasets YAML entry names: relative to the YAML's folder, taken literally.

    ``~`` and ``$VARS`` stay as written (a file may be named so). Without ``allow_outside``,
    the resolved file (links followed) must lie inside the YAML's folder. It must be a
    regular file.
    """
    folder = yaml_path.parent
    if "\0" in filename or not filename.strip():
        raise ValueError(f"{yaml_path}: the dataset file name {filename!r} is not a file name")
    candidate = folder / filename  # an absolute name replaces the folder
    if not allow_outside:
        inside = Path(os.path.realpath(folder))
        resolved = Path(os.path.realpath(candidate))
        if Path(filename).is_absolute() or not resolved.is_relative_to(inside):
            raise ValueError(
                f"{yaml_path}: the dataset file {filename!r} lies outside the folder of the "
                f"YAML file ({inside}); a datasets YAML may only name files in its own folder. "
                "If you trust this YAML, read it with Datasets.read(..., allow_outside=True)"
            )
    try:
        mode = os.stat(candidate).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(
            f"{yaml_path}: the dataset file {filename!r} does not exist (looked for "
            f"{candidate}; names are relative to the YAML file's folder)"
        ) from None
    if not stat.S_ISREG(mode):
        raise ValueError(
            f"{yaml_path}: the dataset file {filename!r} is not a regular file (a folder, "
            "FIFO, device or socket)"
        )
    return candidate


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
