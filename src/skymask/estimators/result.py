"""`ExcessMaps`: the maps an `ExcessMapEstimator` run returns, indexable by name."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..maps import Map

__all__ = ["ExcessMaps"]


class ExcessMaps(Mapping):
    """Named maps of one estimator run (``result["sqrt_ts"]``), all on the same geometry.

    Behaves like a read-only dict of `~skymask.maps.Map` (``keys()``, ``items()``, ``in``).
    Every map is float64 with NaN outside the mask the estimator used. The ``energy`` axis
    holds the energy groups.

    Parameters
    ----------
    maps : dict of str to `~skymask.maps.Map`
    meta : dict, optional
        Estimator settings (``n_sigma``, ``n_sigma_ul``, ``correlation_radius`` ...).
    reference_spectral_model : object, optional
        The spectrum a norm of 1 stands for.

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

    def __init__(self, maps: dict, meta=None, reference_spectral_model=None):
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

    def __getitem__(self, name):
        try:
            return self._maps[name]
        except KeyError:
            raise KeyError(
                f"no map named {name!r} in this result; available: {list(self._maps)}. "
                "Optional maps need selection_optional (e.g. ['errn-errp', 'ul'] or 'all')"
            ) from None

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

    def __repr__(self):
        sqrt_ts = self._maps.get("sqrt_ts")
        summary = ""
        if sqrt_ts is not None and np.isfinite(sqrt_ts.data).any():
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
