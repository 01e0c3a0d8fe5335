"""Datasets: an ordered, name-indexed collection read from and written to gammapy's YAML index."""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path

from ..utils.io import check_overwrite, make_path, write_files
from ..utils.reading import regular_file
from ..utils.units import describe
from .io import dataset_output, read_map_dataset, read_yaml, yaml_output
from .map_dataset import MapDataset
from .models import ModelNotEvaluatedWarning, Models, applies_to, component_name

__all__ = ["Datasets", "Models"]

# Readers by the YAML ``type``. They take the file name as resolved, without expanding it.
_DATASET_TYPES = {"MapDataset": (MapDataset, read_map_dataset)}


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
        self._unattached = []
        for dataset in datasets:
            self.append(dataset)

    @property
    def models(self) -> Models | None:
        """The models of all datasets (and those set that name no dataset here); None if none.

        Setting it gives each dataset the components that apply to it (see
        `MapDataset.models`); components that name no dataset of this collection are kept
        (written back by `write`), never dropped. One `ModelNotEvaluatedWarning` names the
        source models skymask keeps without evaluating them.

        Examples
        --------
        >>> from skymask.datasets import Datasets, FoVBackgroundModel, MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> geom = WcsGeom.create(npix=2, axes=[MapAxis.from_energy_bounds("1 TeV", "10 TeV", 1)])
        >>> datasets = Datasets([MapDataset.create(geom, name=n) for n in "ab"])
        >>> datasets.models is None
        True
        >>> datasets.models = [FoVBackgroundModel("a"), FoVBackgroundModel("c")]
        >>> datasets.models.names, datasets["a"].models.names, datasets["b"].models
        (['a-bkg', 'c-bkg'], ['a-bkg'], Models(none))
        """
        components, seen = [], set()
        for dataset in self._datasets:
            for component in dataset.models or ():
                if id(component) not in seen:
                    seen.add(id(component))
                    components.append(component)
        components += self._unattached
        if not components:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelNotEvaluatedWarning)
            return Models(components)

    @models.setter
    def models(self, value):
        models = None if value is None else Models(value)
        for dataset in self._datasets:
            dataset._set_models(models, warn=False)
        self._unattached = [
            c for c in models or () if not any(applies_to(c, name) for name in self.names)
        ]
        if models is not None and models.sky_models:
            names = [component_name(c) for c in models.sky_models]
            warnings.warn(
                f"skymask does not evaluate the source models {names}: they are kept and "
                "written back, and npred() and excess maps do not include them "
                "(meta['MODELS_NOT_EVALUATED'] names them)",
                ModelNotEvaluatedWarning,
                stacklevel=2,
            )

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
            models = Models.read(filename_models, checksum=checksum)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ModelNotEvaluatedWarning)
                datasets.models = models
            if models.sky_models:
                names = [component_name(c) for c in models.sky_models]
                warnings.warn(
                    f"{filename_models}: skymask does not evaluate the source models {names}; "
                    "they are kept and written back by Datasets.write, and npred() and excess "
                    "maps do not include them (meta['MODELS_NOT_EVALUATED'] names them). "
                    "FoVBackgroundModel norms are applied by npred_background()",
                    ModelNotEvaluatedWarning,
                    stacklevel=2,
                )
        return datasets

    def write(self, filename, filename_models=None, overwrite=False, checksum=False) -> None:
        """Write the YAML index and one ``<name>.fits`` file per dataset next to it.

        Missing folders are created first (as gammapy; they stay if the write fails). All or
        nothing for the files: every output is checked (no two on the same file, e.g. a dataset
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
        # As gammapy, a missing folder is created (here with its parents).
        folders = [path.parent]
        if filename_models is not None and self.models is not None:
            folders.append(make_path(filename_models).parent)
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
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
        models = self.models
        if filename_models is not None and models is not None:
            outputs.append(
                yaml_output(
                    models.to_dict(),
                    make_path(filename_models),
                    checksum=checksum,
                    label="the models file",
                )
            )
        write_files(outputs, overwrite=overwrite)

    # ------------------------------------------------------------------ reductions
    def stack_reduce(self, name=None, nan_to_num=True) -> MapDataset:
        """One dataset: the first masked (`MapDataset.to_masked`), then the others stacked
        into it with gammapy's rules (`MapDataset.stack`).

        Parameters
        ----------
        name : str, optional
            Name of the stacked dataset.
        nan_to_num : bool, default True
            Non-finite values count as 0.

        Returns
        -------
        MapDataset

        Raises
        ------
        ValueError
            No dataset, or datasets of different types.

        Examples
        --------
        >>> from skymask.datasets import Datasets, MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> geom = WcsGeom.create(npix=2, axes=[MapAxis.from_energy_bounds("1 TeV", "10 TeV", 1)])
        >>> datasets = Datasets([MapDataset.create(geom, name=n) for n in "ab"])
        >>> for dataset in datasets:
        ...     dataset.counts.data[...] = 2
        >>> float(datasets.stack_reduce(name="stacked").counts.data.sum())
        16.0
        """
        self._check_same_type("stack_reduce")
        stacked = self._datasets[0].to_masked(name=name, nan_to_num=nan_to_num)
        for dataset in self._datasets[1:]:
            stacked.stack(dataset, nan_to_num=nan_to_num)
        return stacked

    def info_table(self, cumulative=False):
        """gammapy's summary table: one row of `MapDataset.info_dict` per dataset, or with
        ``cumulative`` one per stacking step (``name`` "stacked").

        Parameters
        ----------
        cumulative : bool, optional
            One row per dataset (False, the default), or the summary of the first ``n``
            datasets stacked (`to_masked`, then `MapDataset.stack`) for each ``n``.

        Returns
        -------
        `~astropy.table.Table`

        Raises
        ------
        ValueError
            No dataset, or datasets of different types.

        Examples
        --------
        >>> from skymask.datasets import Datasets, MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> geom = WcsGeom.create(npix=4, axes=[MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)])
        >>> datasets = Datasets([MapDataset.create(geom, name=n, background=0.5) for n in "ab"])
        >>> for dataset in datasets:
        ...     dataset.counts.data[...] = 1
        >>> table = datasets.info_table()
        >>> table["name"].tolist(), table["counts"].tolist(), table["background"].tolist()
        (['a', 'b'], [32, 32], [16.0, 16.0])
        >>> table = datasets.info_table(cumulative=True)
        >>> table["counts"].tolist(), table["sqrt_ts"].round(4).tolist()  # sqrt(2 (n ln 2 - n/2))
        ([32, 64], [3.5159, 4.9722])
        """
        from astropy.table import Table

        self._check_same_type("info_table")
        if cumulative:
            stacked = self._datasets[0].to_masked(name="stacked")
            rows = [stacked.info_dict()]
            for dataset in self._datasets[1:]:
                stacked.stack(dataset)
                rows.append(stacked.info_dict())
        else:
            rows = [dataset.info_dict() for dataset in self._datasets]
        return Table(rows)

    def _check_same_type(self, what: str) -> None:
        if not self._datasets:
            raise ValueError(f"{what} needs at least one dataset; the Datasets is empty")
        kinds = {type(dataset) for dataset in self._datasets}
        if len(kinds) > 1:
            raise ValueError(
                f"{what}: all Datasets contained are not of a unique type "
                f"({sorted(k.__name__ for k in kinds)})"
            )

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
