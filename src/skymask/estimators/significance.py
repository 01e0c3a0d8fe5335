"""Li & Ma significance maps of on-off datasets: the ``sqrt_ts`` of `ExcessMapEstimator`.

One implementation of the on-off significance: ``MapDatasetOnOff.li_ma_significance`` and
`li_ma_significance_map` run `~skymask.estimators.ExcessMapEstimator` (gammapy's WStat
statistics and alpha, ``alpha = C(alpha_pixel n_off) / C(n_off)``) and return its ``sqrt_ts``
map. WStat's significance with no signal model is Li & Ma (1983) equation 17.
"""

from __future__ import annotations

from .excess_map import ExcessMapEstimator

__all__ = ["li_ma_significance_map"]


def li_ma_significance_map(dataset, correlation_radius=None, *, per_energy=False, method="auto"):
    """Li & Ma (1983, eq. 17) significance map of an on-off dataset's ON counts.

    The same as ``ExcessMapEstimator(correlation_radius, energy_edges=...).run(dataset)
    ["sqrt_ts"]``.

    Parameters
    ----------
    dataset : `~skymask.datasets.MapDatasetOnOff`
        ``counts``, ``counts_off``, ``acceptance``, ``acceptance_off`` (axis ``energy``) and
        its masks.
    correlation_radius : angle, optional
        Top-hat radius of the sums (plain numbers are degrees). None: no correlation (each
        pixel alone).
    per_energy : bool
        Keyword only. False: the energy bins are summed first (one energy bin out); True: one
        map per bin.
    method : {"auto", "direct", "fft"}
        How the top-hat sums are computed.

    Returns
    -------
    `~skymask.maps.Map`
        Float64 significance; NaN outside the dataset's mask and where no OFF counts enter.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.datasets import MapDatasetOnOff
    >>> from skymask.maps import Map, MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_edges([1, 10] * u.TeV)
    >>> geom = WcsGeom.create(npix=3, binsz=0.1, axes=[axis])
    >>> on_off = MapDatasetOnOff(
    ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
    ...     acceptance=Map.from_geom(geom, data=1.0),
    ...     acceptance_off=Map.from_geom(geom, data=4.0))
    >>> round(float(li_ma_significance_map(on_off).data[0, 1, 1]), 4)
    1.7099
    """
    radius = "0 deg" if correlation_radius is None else correlation_radius
    estimator = ExcessMapEstimator(
        radius, energy_edges="all" if per_energy else None, method=method
    )
    return estimator.run(dataset)["sqrt_ts"]
