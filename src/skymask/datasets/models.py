"""gammapy's models YAML: the FoV background model is applied, source models are kept as read.

skymask evaluates one kind of model, gammapy's `FoVBackgroundModel` with a
`PowerLawNormSpectralModel` (``norm * (E / reference) ** -tilt`` at the centre of each
reconstructed energy bin, multiplied into the background template by
``MapDataset.npred_background``). Every other component of a models file (``SkyModel``,
templates, ...) is kept as the parsed dict and written back unchanged, but not evaluated: a
`ModelNotEvaluatedWarning` says so once, and the results that would include it (``npred``,
excess maps) carry ``meta["MODELS_NOT_EVALUATED"]``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import astropy.units as u
import numpy as np

from ..utils.exceptions import SkymaskWarning
from ..utils.io import make_path
from ..utils.reading import regular_file
from ..utils.units import describe
from .io import read_yaml, write_yaml

__all__ = [
    "FoVBackgroundModel",
    "ModelNotEvaluatedWarning",
    "Models",
    "Parameter",
    "PowerLawNormSpectralModel",
]


class ModelNotEvaluatedWarning(SkymaskWarning):
    """Source models (sky models) were given: kept and written back, but not evaluated.

    Examples
    --------
    >>> import warnings
    >>> from skymask.datasets import MapDataset, ModelNotEvaluatedWarning
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=2, axes=[axis]), name="a")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     dataset.models = [{"name": "src", "type": "SkyModel"}]
    >>> [w.category is ModelNotEvaluatedWarning for w in caught]
    [True]
    """


class Parameter:
    """A model parameter as in gammapy's YAML: value, unit, limits, frozen, error.

    Examples
    --------
    >>> from skymask.datasets.models import Parameter
    >>> p = Parameter("norm", 1.3, min=0)
    >>> p.value, p.frozen, p.to_dict()["min"]
    (1.3, False, 0.0)
    """

    def __init__(self, name, value, unit="", min=np.nan, max=np.nan, frozen=False, error=0.0):
        self.name = str(name)
        self.value = float(value)
        self.unit = str(u.Unit(unit)) if unit not in ("", None) else ""
        self.min = float(min)
        self.max = float(max)
        self.frozen = bool(frozen)
        self.error = float(error)

    @property
    def quantity(self) -> u.Quantity:
        """``value`` with its unit."""
        return u.Quantity(self.value, self.unit)

    @classmethod
    def from_dict(cls, data: dict) -> Parameter:
        """A parameter from its YAML mapping (``name`` and ``value`` required)."""
        if not isinstance(data, dict) or "name" not in data or "value" not in data:
            raise ValueError(f"a model parameter needs 'name' and 'value', got {describe(data)}")
        keys = ("unit", "min", "max", "frozen", "error")
        return cls(data["name"], data["value"], **{k: data[k] for k in keys if k in data})

    def to_dict(self) -> dict:
        """The YAML mapping, in gammapy's key order."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "min": self.min,
            "max": self.max,
            "frozen": self.frozen,
            "error": self.error,
        }

    def __repr__(self):
        unit = f" {self.unit}" if self.unit else ""
        return f"Parameter({self.name}={self.value:g}{unit}, frozen={self.frozen})"


class PowerLawNormSpectralModel:
    """Spectral norm ``norm * (E / reference) ** -tilt`` (gammapy's, for background models).

    Parameters
    ----------
    norm : float
        Normalisation. Default 1.
    tilt : float
        Spectral tilt (frozen by default, as in gammapy). Default 0.
    reference : str or `~astropy.units.Quantity`
        Reference energy. Default 1 TeV.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.datasets.models import PowerLawNormSpectralModel
    >>> model = PowerLawNormSpectralModel(norm=2, tilt=1)
    >>> model([1, 2] * u.TeV).tolist()
    [2.0, 1.0]
    """

    tag = "PowerLawNormSpectralModel"

    def __init__(self, norm=1.0, tilt=0.0, reference="1 TeV"):
        reference = u.Quantity(reference)
        self.norm = Parameter("norm", norm)
        self.tilt = Parameter("tilt", tilt, frozen=True)
        self.reference = Parameter("reference", reference.value, reference.unit, frozen=True)

    @property
    def parameters(self) -> list[Parameter]:
        """norm, tilt, reference.

        Examples
        --------
        >>> from skymask.datasets import PowerLawNormSpectralModel
        >>> [(p.name, p.value, p.frozen) for p in PowerLawNormSpectralModel(norm=2).parameters]
        [('norm', 2.0, False), ('tilt', 0.0, True), ('reference', 1.0, True)]
        """
        return [self.norm, self.tilt, self.reference]

    def __call__(self, energy) -> np.ndarray:
        """The factor at ``energy`` (a Quantity), as a plain float array."""
        ratio = (u.Quantity(energy) / self.reference.quantity).to_value(u.one)
        return self.norm.value * np.power(ratio, -self.tilt.value)

    @classmethod
    def from_dict(cls, data: dict) -> PowerLawNormSpectralModel:
        """The model from its YAML mapping (``type`` and ``parameters``).

        As gammapy, each entry updates the default parameter: parameters not in the
        mapping, and the keys an entry leaves out (``unit``, ``frozen``, limits), keep their
        defaults.

        Parameters
        ----------
        data : dict
            ``type`` (``PowerLawNormSpectralModel`` or gammapy's aliases ``PowerLawNorm``,
            ``pl-norm``) and a list of ``parameters`` mappings.

        Returns
        -------
        PowerLawNormSpectralModel

        Raises
        ------
        ValueError
            Another spectral type, or a parameter other than norm, tilt and reference.

        Examples
        --------
        >>> from skymask.datasets import PowerLawNormSpectralModel
        >>> data = {"type": "PowerLawNorm", "parameters": [{"name": "norm", "value": 1.5}]}
        >>> model = PowerLawNormSpectralModel.from_dict(data)
        >>> model.norm.value, model.tilt.value, str(model.reference.quantity)
        (1.5, 0.0, '1.0 TeV')
        >>> data["parameters"] = [{"name": "tilt", "value": 1}, {"name": "reference", "value": 2}]
        >>> model = PowerLawNormSpectralModel.from_dict(data)
        >>> model.tilt.frozen, str(model.reference.quantity)
        (True, '2.0 TeV')
        """
        if data.get("type") not in (cls.tag, "PowerLawNorm", "pl-norm"):
            raise ValueError(
                f"skymask applies background models with a {cls.tag} only, got spectral type "
                f"{data.get('type')!r}; convert the background model to a {cls.tag}"
            )
        model = cls()
        for entry in data.get("parameters", []):
            name = entry.get("name") if isinstance(entry, dict) else None
            if name in ("norm", "tilt", "reference"):
                # gammapy's rule: what the entry leaves out (unit, frozen, limits) keeps the
                # default, so that a reference written without its unit is in TeV.
                entry = {**getattr(model, name).to_dict(), **entry}
            parameter = Parameter.from_dict(entry)
            if parameter.name not in ("norm", "tilt", "reference"):
                raise ValueError(f"{cls.tag} has no parameter {parameter.name!r}")
            setattr(model, parameter.name, parameter)
        return model

    def to_dict(self) -> dict:
        """The YAML mapping.

        Returns
        -------
        dict
            ``type`` and the ``parameters`` mappings (gammapy's layout).

        Examples
        --------
        >>> from skymask.datasets import PowerLawNormSpectralModel
        >>> data = PowerLawNormSpectralModel(norm=2, tilt=1).to_dict()
        >>> data["type"], [(p["name"], p["value"]) for p in data["parameters"]]
        ('PowerLawNormSpectralModel', [('norm', 2.0), ('tilt', 1.0), ('reference', 1.0)])
        >>> PowerLawNormSpectralModel.from_dict(data).tilt.value
        1.0
        """
        return {"type": self.tag, "parameters": [p.to_dict() for p in self.parameters]}

    def __repr__(self):
        return f"{self.tag}({', '.join(repr(p) for p in self.parameters)})"


class FoVBackgroundModel:
    """Field-of-view background model of one dataset: a spectral norm on the template.

    Parameters
    ----------
    dataset_name : str
        The dataset it applies to.
    spectral_model : `PowerLawNormSpectralModel`, optional
        Default: norm 1, tilt 0, reference 1 TeV.
    spatial_model : dict, optional
        A spatial model as read from YAML: kept and written back, not evaluated
        (`ModelNotEvaluatedWarning`).
    name : str, optional
        Default ``"<dataset_name>-bkg"`` (gammapy's).

    Examples
    --------
    >>> from skymask.datasets.models import FoVBackgroundModel
    >>> model = FoVBackgroundModel(dataset_name="crab")
    >>> model.name, model.spectral_model.norm.value
    ('crab-bkg', 1.0)
    """

    tag = "FoVBackgroundModel"

    def __init__(self, dataset_name, spectral_model=None, spatial_model=None, name=None):
        if not isinstance(dataset_name, str):
            raise TypeError(f"dataset_name must be a str, got {describe(dataset_name)}")
        if spectral_model is None:
            spectral_model = PowerLawNormSpectralModel()
        if not isinstance(spectral_model, PowerLawNormSpectralModel):
            raise TypeError(
                "spectral_model must be a PowerLawNormSpectralModel, got "
                f"{describe(spectral_model)}"
            )
        self.datasets_names = [dataset_name]
        self.spectral_model = spectral_model
        self.spatial_model = spatial_model
        self.name = f"{dataset_name}-bkg" if name is None else str(name)

    @property
    def parameters(self) -> list[Parameter]:
        """The spectral parameters.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel
        >>> [p.name for p in FoVBackgroundModel("crab").parameters]
        ['norm', 'tilt', 'reference']
        """
        return list(self.spectral_model.parameters)

    def evaluate_geom(self, geom) -> np.ndarray:
        """Factors on ``geom``'s reconstructed energy bins, shaped to broadcast on its data.

        Gammapy's evaluation: the spectral model at the bin centres.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            The geometry of the background map; without an ``energy`` axis the factor at
            the reference energy (``norm``) is returned.

        Returns
        -------
        ndarray
            The factor per energy bin, with length 1 along every other axis of the data.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, PowerLawNormSpectralModel
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)  # centres 3.16, 31.6
        >>> model = FoVBackgroundModel("crab", PowerLawNormSpectralModel(norm=2, tilt=1))
        >>> model.evaluate_geom(WcsGeom.create(npix=3, axes=[axis])).ravel().round(6).tolist()
        [0.632456, 0.063246]
        """
        names = [name.lower() for name in geom.axes.names]
        if "energy" not in names:
            return np.asarray(self.spectral_model(1 * self.spectral_model.reference.quantity))
        axis = geom.axes[geom.axes.names[names.index("energy")]]
        values = self.spectral_model(axis.center)
        shape = [1] * len(geom.data_shape)
        shape[len(geom.axes) - 1 - names.index("energy")] = values.size
        return values.reshape(shape)

    @classmethod
    def from_dict(cls, data: dict) -> FoVBackgroundModel:
        """The model from its YAML mapping (gammapy's layout).

        Parameters
        ----------
        data : dict
            ``datasets_names`` (one name), optional ``spectral`` (see
            `PowerLawNormSpectralModel.from_dict`), ``spatial`` and ``name``.

        Returns
        -------
        FoVBackgroundModel

        Raises
        ------
        ValueError
            ``datasets_names`` does not hold exactly one name, or the spectral model is not
            a `PowerLawNormSpectralModel`.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel
        >>> model = FoVBackgroundModel.from_dict({"datasets_names": ["crab"]})
        >>> model.name, model.spectral_model.norm.value
        ('crab-bkg', 1.0)
        """
        names = data.get("datasets_names")
        if not isinstance(names, list) or len(names) != 1:
            raise ValueError(
                f"a FoVBackgroundModel needs 'datasets_names' with one dataset name, got {names!r}"
            )
        spectral = data.get("spectral")
        spectral_model = None if spectral is None else PowerLawNormSpectralModel.from_dict(spectral)
        return cls(
            names[0],
            spectral_model=spectral_model,
            spatial_model=copy.deepcopy(data.get("spatial")),
            name=data.get("name"),
        )

    def to_dict(self) -> dict:
        """The YAML mapping (gammapy's layout).

        ``name`` is written only when it is not the default ``"<dataset>-bkg"``.

        Returns
        -------
        dict

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel
        >>> data = FoVBackgroundModel("crab").to_dict()
        >>> list(data), data["datasets_names"]
        (['type', 'datasets_names', 'spectral'], ['crab'])
        >>> list(FoVBackgroundModel("crab", name="bkg").to_dict())[0]
        'name'
        """
        data = {
            "type": self.tag,
            "datasets_names": list(self.datasets_names),
            "spectral": self.spectral_model.to_dict(),
        }
        if self.spatial_model is not None:
            data["spatial"] = copy.deepcopy(self.spatial_model)
        if self.name != f"{self.datasets_names[0]}-bkg":
            data = {"name": self.name, **data}
        return data

    def copy(self, name=None) -> FoVBackgroundModel:
        """A deep copy (optionally renamed).

        Parameters
        ----------
        name : str, optional
            The name of the copy; default the same name.

        Returns
        -------
        FoVBackgroundModel

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel
        >>> model = FoVBackgroundModel("crab")
        >>> other = model.copy(name="other")
        >>> other.spectral_model.norm.value = 2
        >>> other.name, model.name, model.spectral_model.norm.value
        ('other', 'crab-bkg', 1.0)
        """
        new = copy.deepcopy(self)
        if name is not None:
            new.name = name
        return new

    def __repr__(self):
        return f"FoVBackgroundModel({self.name!r}, {self.spectral_model!r})"


def _component(item):
    """A models-file component: FoVBackgroundModel object, else the parsed dict."""
    if isinstance(item, FoVBackgroundModel):
        return item
    if isinstance(item, dict):
        if item.get("type") == FoVBackgroundModel.tag:
            return FoVBackgroundModel.from_dict(item)
        return copy.deepcopy(item)
    raise TypeError(
        f"a model must be a FoVBackgroundModel or a component dict read from a models YAML, "
        f"got {describe(item)}"
    )


def component_name(component, index=0) -> str:
    """The name of a component (object or dict)."""
    if isinstance(component, FoVBackgroundModel):
        return component.name
    return component.get("name", f"model-{index}")


def applies_to(component, dataset_name) -> bool:
    """Whether a component belongs to the dataset (``datasets_names`` absent: all)."""
    names = (
        component.datasets_names
        if isinstance(component, FoVBackgroundModel)
        else component.get("datasets_names")
    )
    return names is None or dataset_name in names


class Models(Sequence):
    """The components of a gammapy models YAML file.

    `FoVBackgroundModel` components become objects (applied by
    ``MapDataset.npred_background``); every other component stays the parsed dict (kept and
    written back, not evaluated).

    Parameters
    ----------
    components : sequence of `FoVBackgroundModel` or dict, optional
        The components (one component alone is accepted too); dicts of type
        ``FoVBackgroundModel`` become objects, others are copied. Another `Models` is
        copied with its covariance.
    covariance : optional
        The ``covariance`` entry of a models file, kept as read.

    Raises
    ------
    TypeError
        A component is neither a `FoVBackgroundModel` nor a dict.
    ValueError
        Two components have the same name.

    Examples
    --------
    >>> from skymask.datasets.models import FoVBackgroundModel, Models
    >>> models = Models([FoVBackgroundModel("crab"), {"name": "src", "type": "SkyModel"}])
    >>> models.names, len(models.sky_models)
    (['crab-bkg', 'src'], 1)
    """

    def __init__(self, components=(), covariance=None):
        if isinstance(components, Models):
            covariance = components.covariance if covariance is None else covariance
        items = [components] if isinstance(components, FoVBackgroundModel | dict) else components
        self._components = [_component(c) for c in items]
        self.covariance = covariance
        names = self.names
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"model names must be unique, {duplicated} appear more than once")

    @classmethod
    def read(cls, filename, checksum=True) -> Models:
        """Read a gammapy models YAML file (``components:`` list, optional ``covariance:``).

        Parameters
        ----------
        filename : str or path
            The YAML file.
        checksum : bool, optional
            Verify a ``checksum:`` entry if the file has one (a
            `~skymask.utils.exceptions.ChecksumWarning` if it does not match). Default True.

        Returns
        -------
        Models

        Raises
        ------
        ValueError
            The file is not a models YAML (no list of mappings under ``components``), or
            its components are not valid.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> models = Models([FoVBackgroundModel("crab"), {"name": "src", "type": "SkyModel"}])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     models.write(Path(tmp) / "models.yaml")
        ...     again = Models.read(Path(tmp) / "models.yaml")
        >>> again.names
        ['crab-bkg', 'src']
        """
        path = regular_file(make_path(filename), what="models file")
        data = read_yaml(path, checksum=checksum)
        components = data.get("components", [])
        if not isinstance(components, list) or not all(isinstance(c, dict) for c in components):
            raise ValueError(
                f"{path}: 'components' must be a list of mappings, got {describe(components)}"
            )
        try:
            return cls(components, covariance=data.get("covariance"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from None

    def to_dict(self) -> dict:
        """The YAML document: ``components`` (and ``covariance`` when there is one).

        Returns
        -------
        dict

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> data = Models([FoVBackgroundModel("crab")]).to_dict()
        >>> list(data), data["components"][0]["type"]
        (['components'], 'FoVBackgroundModel')
        """
        data = {
            "components": [
                c.to_dict() if isinstance(c, FoVBackgroundModel) else copy.deepcopy(c)
                for c in self._components
            ]
        }
        if self.covariance is not None:
            data["covariance"] = self.covariance
        return data

    def write(self, filename, overwrite=False, checksum=False) -> None:
        """Write the YAML document atomically.

        Parameters
        ----------
        filename : str or path
            The YAML file.
        overwrite : bool, optional
            Replace an existing file. Default False.
        checksum : bool, optional
            Add a ``checksum:`` entry (verified by `read`). Default False.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp) / "models.yaml"
        ...     Models([FoVBackgroundModel("crab")]).write(path, checksum=True)
        ...     print(path.read_text().splitlines()[-1].startswith("checksum: "))
        True
        """
        write_yaml(self.to_dict(), make_path(filename), overwrite=overwrite, checksum=checksum)

    @property
    def names(self) -> list[str]:
        """Component names.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> Models([FoVBackgroundModel("crab"), {"type": "SkyModel"}]).names  # unnamed: model-i
        ['crab-bkg', 'model-1']
        """
        return [component_name(c, i) for i, c in enumerate(self._components)]

    @property
    def sky_models(self) -> list[dict]:
        """The components skymask does not evaluate (everything but FoV background models).

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> Models([FoVBackgroundModel("crab"), {"name": "src", "type": "SkyModel"}]).sky_models
        [{'name': 'src', 'type': 'SkyModel'}]
        """
        return [c for c in self._components if not isinstance(c, FoVBackgroundModel)]

    def for_dataset(self, name: str) -> Models:
        """The components that apply to the dataset ``name``.

        A component without ``datasets_names`` applies to every dataset.

        Parameters
        ----------
        name : str
            The dataset name.

        Returns
        -------
        Models
            With the same covariance.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, Models
        >>> models = Models(
        ...     [FoVBackgroundModel("crab"), FoVBackgroundModel("pks"), {"name": "src"}]
        ... )
        >>> models.for_dataset("crab").names
        ['crab-bkg', 'src']
        """
        return Models(
            [c for c in self._components if applies_to(c, name)], covariance=self.covariance
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
            f"{n} ({c.tag if isinstance(c, FoVBackgroundModel) else c.get('type', '?')})"
            for n, c in zip(self.names, self._components, strict=True)
        )
        return f"Models({kinds or 'none'})"
