"""`ExcessMaps`: the maps an `ExcessMapEstimator` run returns, indexable by name."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..maps import Map

__all__ = ["ExcessMaps"]


#: Suffixes of the norm maps an estimator can compute (``norm``, ``norm_err``, ...).
NORM_SUFFIXES = ("", "_err", "_errn", "_errp", "_ul", "_sensitivity")
#: The flux-like quantities derived from the norms (gammapy's SED types).
SED_TYPES = ("dnde", "e2dnde", "flux", "eflux")


class ExcessMaps(Mapping):
    """Named maps of one estimator run (``result["sqrt_ts"]``), all on the same geometry.

    Behaves like a read-only dict of `~skymask.maps.Map` (``keys()``, ``items()``, ``in``:
    the computed maps) with attribute access (``result.sqrt_ts``). Every map is float64 with
    NaN outside the mask the estimator used. The ``energy`` axis holds the energy groups.

    As gammapy's ``FluxMaps``, more quantities are derived on request:

    * ``npred_background = npred - npred_excess``;
    * ``npred_excess_err``, ``_errn``, ``_errp``, ``_ul``: ``npred_excess / norm`` times
      ``norm_err``, ... (those whose norm map was computed: see ``selection_optional``);
    * ``flux``, ``eflux``, ``dnde``, ``e2dnde`` with the same suffixes (and
      ``_sensitivity``): the norm times the reference spectrum's integral flux, energy flux,
      differential flux and ``E**2`` differential flux in each energy group, only where the
      dataset had an exposure (without one, the norm is in counts and there is no flux).

    Parameters
    ----------
    maps : dict of str to `~skymask.maps.Map`
        The computed maps, all on one geometry (at least one).
    meta : dict, optional
        Estimator settings (``n_sigma``, ``n_sigma_ul``, ``correlation_radius`` ...).
    reference_spectral_model : object, optional
        The spectrum a norm of 1 stands for.
    has_exposure : bool, optional
        Whether the dataset had an exposure (the norms are then in units of the reference
        spectrum and the flux maps can be derived). Default True.

    Raises
    ------
    TypeError
        An entry is not a `~skymask.maps.Map`.
    ValueError
        No map, or maps on different geometries.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
    >>> dataset = MapDataset.create(geom, background=2.0)
    >>> dataset.counts.data[...] = 3.0
    >>> from skymask.estimators import ExcessMapEstimator
    >>> result = ExcessMapEstimator("0.1 deg", selection_optional=[]).run(dataset)
    >>> "sqrt_ts" in result, result["counts"].geom == dataset.counts.geom
    (True, True)
    """

    def __init__(self, maps: dict, meta=None, reference_spectral_model=None, has_exposure=True):
        maps = dict(maps)
        if not maps:
            raise ValueError("ExcessMaps needs at least one map")
        geoms = {name: m.geom for name, m in maps.items() if isinstance(m, Map)}
        if len(geoms) != len(maps):
            bad = sorted(set(maps) - set(geoms))
            raise TypeError(f"every entry must be a skymask Map; {bad} are not")
        first_name, first_geom = next(iter(geoms.items()))
        for name, geom in geoms.items():
            if geom != first_geom:
                raise ValueError(f"map '{name}' has another geometry than '{first_name}'")
        self._maps = maps
        self.meta = dict(meta or {})
        self.reference_spectral_model = reference_spectral_model
        self.has_exposure = bool(has_exposure)

    def __getitem__(self, name):
        if name in self._maps:
            return self._maps[name]
        derived = self._derive(name) if isinstance(name, str) else None
        if derived is None:
            raise KeyError(
                f"no map named {name!r} in this result; available: {self.quantities}. "
                "Optional maps need selection_optional (e.g. ['errn-errp', 'ul'] or 'all'); "
                "flux maps need a dataset with an exposure"
            )
        return derived

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(error.args[0]) from None

    def _derive(self, name):
        """A derived quantity (see the class docstring), or None if it cannot be made."""
        maps = self._maps
        if name == "npred_background":
            if "npred" in maps and "npred_excess" in maps:
                return self._new(maps["npred"].data - maps["npred_excess"].data)
            return None
        if name == "npred_excess_ref" or name.startswith("npred_excess_"):
            suffix = name[len("npred_excess") :]
            if suffix == "_ref":
                suffix = ""
            if not {"npred_excess", "norm", f"norm{suffix}"} <= set(maps):
                return None
            with np.errstate(divide="ignore", invalid="ignore"):
                ref = maps["npred_excess"].data / maps["norm"].data
            return self._new(ref * maps[f"norm{suffix}"].data)
        for sed in SED_TYPES:
            if name == sed or name.startswith(sed + "_"):
                suffix = name[len(sed) :]
                if suffix not in NORM_SUFFIXES or f"norm{suffix}" not in maps:
                    return None
                reference = self._reference_values(sed)
                if reference is None:
                    return None
                data = maps[f"norm{suffix}"].data * reference.value.reshape(-1, 1, 1)
                return self._new(data, unit=reference.unit)
        return None

    def _reference_values(self, sed):
        """The reference spectrum's ``sed`` value per energy group (None if unavailable)."""
        model = self.reference_spectral_model
        geom = self.geom
        if not self.has_exposure or model is None or "energy" not in geom.axes.names:
            return None
        axis = geom.axes["energy"]
        edges = axis.edges
        if sed == "dnde":
            return model(axis.center)
        if sed == "e2dnde":
            return (model(axis.center) * axis.center**2).to("TeV cm-2 s-1")
        function = getattr(model, "integral" if sed == "flux" else "energy_flux", None)
        return None if function is None else function(edges[:-1], edges[1:])

    def _new(self, data, unit=""):
        return Map.from_geom(self.geom, data=data, unit=unit)

    @property
    def quantities(self) -> list[str]:
        """Every quantity this result can give: the maps and those derived from them.

        Examples
        --------
        >>> from skymask.estimators import ExcessMaps, PowerLawSpectralModel
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=2, axes=[axis])
        >>> maps = {"npred": 5.0, "npred_excess": 2.0, "norm": 0.5}
        >>> result = ExcessMaps(
        ...     {name: Map.from_geom(geom, data=value) for name, value in maps.items()},
        ...     reference_spectral_model=PowerLawSpectralModel(),  # index 2, 1e-12 at 1 TeV
        ... )
        >>> result.quantities[3:]  # after the three maps, those derived from them
        ['npred_background', 'npred_excess_ref', 'dnde', 'e2dnde', 'flux', 'eflux']
        >>> float(result["npred_background"].data[0, 0, 0])  # 5 - 2
        3.0
        >>> result["flux"].quantity[0, 0, 0]  # 0.5 * 1e-12 TeV-1 cm-2 s-1 * (1 - 1/10) TeV
        <Quantity 4.5e-13 1 / (s cm2)>
        """
        candidates = ["npred_background", "npred_excess_ref"]
        candidates += [f"npred_excess{s}" for s in NORM_SUFFIXES[1:5]]
        candidates += [f"{sed}{s}" for sed in SED_TYPES for s in NORM_SUFFIXES]
        derived = [n for n in candidates if n not in self._maps and self._derive(n) is not None]
        return list(self._maps) + derived

    def __iter__(self):
        return iter(self._maps)

    def __len__(self):
        return len(self._maps)

    @property
    def available_quantities(self) -> list[str]:
        """Names of the maps, in the order they were computed.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.estimators import ExcessMapEstimator
        >>> ExcessMapEstimator(selection_optional=[]).run(dataset).available_quantities
        ['npred', 'npred_excess', 'counts', 'ts', 'sqrt_ts', 'norm', 'norm_err']
        """
        return list(self._maps)

    @property
    def geom(self):
        """The common geometry (sky grid and energy groups).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.estimators import ExcessMapEstimator
        >>> ExcessMapEstimator(selection_optional=[]).run(dataset).geom.data_shape
        (1, 5, 5)
        """
        return next(iter(self._maps.values())).geom

    @property
    def energy_axis(self):
        """The ``energy`` axis of the maps: one bin per energy group.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.estimators import ExcessMapEstimator
        >>> ExcessMapEstimator(selection_optional=[]).run(dataset).energy_axis.edges
        <Quantity [ 1., 10.] TeV>
        """
        return self.geom.axes["energy"]

    @property
    def is_chunked(self) -> bool:
        """Whether the maps are chunked (lazy dask arrays, from a dataset with chunked maps).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.estimators import ExcessMapEstimator
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=5, binsz=0.1, axes=[axis]))
        >>> ExcessMapEstimator("0.1 deg").run(dataset).is_chunked
        False
        """
        return any(m.is_chunked for m in self._maps.values())

    def compute(self, **kwargs) -> ExcessMaps:
        """These maps computed into memory, all in one pass over the chunks.

        The maps of a chunked run share their graph (grouping, correlation, statistics):
        computing them together computes it once, computing them one by one (``m.compute()``)
        once per map. An in-memory result is returned as it is.

        Parameters
        ----------
        **kwargs
            Passed to `dask.compute` (e.g. ``scheduler="threads"``).

        Returns
        -------
        ExcessMaps
            The same quantities and settings, with numpy data.

        Examples
        --------
        >>> import dask.array as da
        >>> from skymask.datasets import MapDataset
        >>> from skymask.estimators import ExcessMapEstimator
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=(8, 6), binsz=0.1, axes=[axis])
        >>> counts = Map.from_geom(geom, data=da.full((2, 6, 8), 2.0, chunks=(1, 3, 4)))
        >>> dataset = MapDataset(counts=counts, background=Map.from_geom(geom, data=1.0))
        >>> result = ExcessMapEstimator("0.1 deg", selection_optional=[]).run(dataset)
        >>> result.is_chunked, result.compute().is_chunked
        (True, False)
        >>> float(result.compute()["npred_excess"].data[0, 2, 3])
        10.0
        """
        chunked = {name: m for name, m in self._maps.items() if m.is_chunked}
        if not chunked:
            return self
        import dask

        values = dask.compute(*(m.data for m in chunked.values()), **kwargs)
        maps = dict(self._maps)
        for (name, m), data in zip(chunked.items(), values, strict=True):
            maps[name] = m.copy(data=data)
        return ExcessMaps(
            maps,
            meta=self.meta,
            reference_spectral_model=self.reference_spectral_model,
            has_exposure=self.has_exposure,
        )

    def __repr__(self):
        sqrt_ts = self._maps.get("sqrt_ts")
        summary = ""
        if sqrt_ts is not None and sqrt_ts.is_chunked:
            summary = "\n    sqrt_ts    : chunked (dask), not computed"
        elif sqrt_ts is not None and np.isfinite(sqrt_ts.data).any():
            finite = sqrt_ts.data[np.isfinite(sqrt_ts.data)]
            summary = (
                f"\n    sqrt_ts    : max {finite.max():.4g}, min {finite.min():.4g}, "
                f"{int(np.count_nonzero(~np.isfinite(sqrt_ts.data)))} NaN"
            )
        settings = ", ".join(f"{key}={value}" for key, value in self.meta.items())
        return (
            f"ExcessMaps\n    geom       : {self.geom!r}\n"
            f"    quantities : {self.available_quantities}\n"
            f"    settings   : {settings}{summary}"
        )
