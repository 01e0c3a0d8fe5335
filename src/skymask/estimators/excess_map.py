"""`ExcessMapEstimator`: correlated counts, excess, TS, significance and norm maps.

The friendly layer: it reads the dataset, groups energy bins, builds the masks and the
top-hat kernel, and hands plain arrays to `skymask.estimators._core` (statistics) and
`skymask.kernels.correlation` (top-hat sums). It follows gammapy
2.1's ``ExcessMapEstimator`` for ``MapDataset`` (Cash statistics); see
``docs/differences-from-gammapy.md`` for where it deliberately does not.
"""

from __future__ import annotations

import itertools

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle

from ..datasets.checks import require_maps, require_non_negative
from ..datasets.map_dataset import NOT_EVALUATED_KEY
from ..kernels import correlation
from ..kernels.footprint import disk_footprint
from ..maps import Map, MapAxis
from ..utils.units import as_angle, describe
from . import _core, _lazy, _onoff
from ._grouping import combine_masks as _combine_masks
from ._grouping import group_any as _group_any
from ._grouping import group_sum as _group_sum
from .exposure import estimate_exposure_reco_energy
from .result import ExcessMaps
from .spectral import as_spectral_model

__all__ = ["ExcessMapEstimator", "energy_groups"]

OPTIONAL = ("errn-errp", "ul", "sensitivity", "alpha", "acceptance_on", "acceptance_off")


def _parse_edges(energy_edges) -> u.Quantity:
    if isinstance(energy_edges, (list, tuple)):
        try:
            energy_edges = u.Quantity([u.Quantity(e) for e in energy_edges])
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"energy_edges must be energies such as ['10 GeV', '100 GeV'] or a Quantity "
                f"array, got {describe(energy_edges)}"
            ) from exc
    if not isinstance(energy_edges, u.Quantity) or not energy_edges.unit.is_equivalent(u.TeV):
        raise TypeError(
            "energy_edges must be None (one group), 'all' (one group per bin) or energies such "
            f"as [10, 100, 2000] * u.GeV; got {describe(energy_edges)}"
        )
    edges = np.atleast_1d(energy_edges)
    if edges.size < 2 or not np.all(np.isfinite(edges.value)) or np.any(edges.value <= 0):
        raise ValueError(
            f"energy_edges needs at least two positive, finite energies, got {describe(edges)}"
        )
    return edges


def energy_groups(axis: MapAxis, energy_edges=None) -> list[tuple[int, int]]:
    """Contiguous bin ranges ``[start, stop)`` of the reconstructed energy axis.

    Parameters
    ----------
    axis : `~skymask.maps.MapAxis`
        The dataset's energy axis (edge type).
    energy_edges : None, "all" or energies
        None: one group of every bin. ``"all"``: one group per bin. Energies: each is snapped to
        the nearest axis edge in the axis' pixel (log) space, duplicates dropped; bins outside
        the first and last snapped edge are left out (as gammapy).

    Examples
    --------
    >>> import astropy.units as u
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_edges(
    ...     [0.01, 0.028854, 0.08325532, 0.24022488, 0.69314486, 2.0] * u.TeV)
    >>> energy_groups(axis, [10, 100, 2000] * u.GeV)
    [(0, 2), (2, 5)]
    """
    nbin = axis.nbin
    if energy_edges is None:
        return [(0, nbin)]
    if isinstance(energy_edges, str):
        if energy_edges != "all":
            raise ValueError(
                f"energy_edges as a string must be 'all' (one group per bin), got {energy_edges!r}"
            )
        return [(i, i + 1) for i in range(nbin)]
    edges = _parse_edges(energy_edges)
    pix = np.clip(axis.coord_to_pix(edges), -0.5, nbin - 0.5)
    index = np.unique(np.round(pix + 0.5).astype(int))
    if index.size < 2:
        raise ValueError(
            f"energy_edges {describe(edges)} all snap to the same edge of the dataset axis "
            f"({describe(axis.edges)}); give edges that span at least one bin"
        )
    return [(int(a), int(b)) for a, b in itertools.pairwise(index)]


def _mask_data(mask, shape, name) -> np.ndarray | None:
    if mask is None:
        return None
    data = np.asarray(getattr(mask, "data", mask))
    if data.dtype != bool:
        raise TypeError(f"dataset.{name} must be a boolean map, got dtype {data.dtype}")
    try:
        return np.broadcast_to(data, shape)
    except ValueError:
        raise ValueError(
            f"dataset.{name} has shape {data.shape}, which does not fit the counts {shape}"
        ) from None


def _check_finite(name, values, where):
    bad = where & ~np.isfinite(values)
    if np.any(bad):
        raise ValueError(
            f"{name} has {int(np.count_nonzero(bad))} non-finite values where it enters the sums "
            "(inside the mask); set mask_safe to False there or fill them"
        )


class ExcessMapEstimator:
    """Correlated excess and significance maps of a map dataset (Cash, known background) or
    of an on-off dataset (WStat, background from OFF counts).

    Parameters
    ----------
    correlation_radius : str, float or `~astropy.units.Quantity`
        Radius of the top-hat (plain numbers are degrees). Every pixel centre within it
        counts, on the sky grid (angle/pixel ratio rounded to 1e-9).
    n_sigma : float
        Confidence of ``norm_err``, ``norm_errn`` and ``norm_errp``, in sigma.
    n_sigma_ul : float
        Confidence of ``norm_ul``, in sigma.
    selection_optional : None, "all" or list of str
        ``"all"`` (alone or in a list, as gammapy) selects every optional map.
        Extra maps: ``"errn-errp"`` (asymmetric errors), ``"ul"`` (upper limits),
        ``"sensitivity"``; for on-off datasets also ``"alpha"`` (correlated),
        ``"acceptance_on"`` and ``"acceptance_off"`` (ignored for other datasets).
    energy_edges : None, "all" or energies
        None: sum all energy bins into one group (gammapy's default); ``"all"``: one map per
        bin; energies: groups between these edges, snapped to the dataset's (see
        `energy_groups`).
    correlate_off : bool
        For on-off datasets: True (default) sums the OFF counts over the top-hat too and
        takes ``alpha = C(alpha_pixel * counts_off) / C(counts_off)``; False keeps each
        pixel's OFF counts with ``alpha = C(acceptance) / acceptance_off`` (gammapy's two
        modes).
    spectral_model : None, float or model
        Reference spectrum of the norm maps: None is a power law of index 2, a number the index
        of a power law (see `~skymask.estimators.PowerLawSpectralModel`).
    n_sigma_sensitivity, gamma_min_sensitivity, bkg_syst_fraction_sensitivity : float
    apply_threshold_sensitivity : bool
        Settings of ``norm_sensitivity`` (as gammapy).
    method : {"auto", "direct", "fft"}
        How the top-hat sums are computed (keyword only); the results agree to round-off.

    Examples
    --------
    >>> from skymask.estimators import ExcessMapEstimator
    >>> estimator = ExcessMapEstimator("0.4 deg", selection_optional=[])
    >>> estimator
    ExcessMapEstimator(correlation_radius='0.4 deg', energy_edges=None, selection_optional=[])
    """

    tag = "ExcessMapEstimator"

    def __init__(
        self,
        correlation_radius="0.1 deg",
        n_sigma=1,
        n_sigma_ul=2,
        selection_optional=None,
        energy_edges=None,
        correlate_off=True,
        spectral_model=None,
        n_sigma_sensitivity=5,
        gamma_min_sensitivity=10,
        bkg_syst_fraction_sensitivity=0.05,
        apply_threshold_sensitivity=False,
        *,
        method="auto",
    ):
        self.correlation_radius = correlation_radius
        self.n_sigma = _positive(n_sigma, "n_sigma")
        self.n_sigma_ul = _positive(n_sigma_ul, "n_sigma_ul")
        self.n_sigma_sensitivity = _positive(n_sigma_sensitivity, "n_sigma_sensitivity")
        self.gamma_min_sensitivity = float(gamma_min_sensitivity)
        self.bkg_syst_fraction_sensitivity = float(bkg_syst_fraction_sensitivity)
        self.apply_threshold_sensitivity = bool(apply_threshold_sensitivity)
        self.selection_optional = selection_optional
        if energy_edges is not None and not isinstance(energy_edges, str):
            _parse_edges(energy_edges)
        elif isinstance(energy_edges, str) and energy_edges != "all":
            raise ValueError(f"energy_edges must be None, 'all' or energies, got {energy_edges!r}")
        self.energy_edges = energy_edges
        self.correlate_off = bool(correlate_off)
        self.spectral_model = as_spectral_model(spectral_model)
        if method not in correlation.METHODS:
            raise ValueError(f"method must be one of {correlation.METHODS}, got {method!r}")
        self.method = method

    # ------------------------------------------------------------------ settings
    @property
    def correlation_radius(self) -> Angle:
        """Radius of the top-hat the counts and background are summed over (an angle; setting it
        takes any form `~skymask.utils.units.as_angle` takes, plain numbers are degrees).

        Examples
        --------
        >>> from skymask.estimators import ExcessMapEstimator
        >>> estimator = ExcessMapEstimator("0.1 deg")
        >>> estimator.correlation_radius = "6 arcmin"
        >>> estimator.correlation_radius
        <Angle 0.1 deg>
        """
        return self._correlation_radius

    @correlation_radius.setter
    def correlation_radius(self, value):
        self._correlation_radius = as_angle(
            value, name="correlation_radius", scalar=True, finite=True, sign="non-negative"
        )

    @property
    def selection_optional(self) -> list[str]:
        """The optional maps to compute (``"errn-errp"``, ``"ul"``, ``"sensitivity"``, ``"alpha"``,
        ``"acceptance_on"``, ``"acceptance_off"``), or ``"all"`` when set.

        Examples
        --------
        >>> from skymask.estimators import ExcessMapEstimator
        >>> ExcessMapEstimator(selection_optional=["ul"]).selection_optional
        ['ul']
        """
        return list(self._selection_optional)

    @selection_optional.setter
    def selection_optional(self, value):
        if value is None:
            selection = []
        elif isinstance(value, str):
            selection = [value]
        else:
            selection = list(value)
        unknown = [name for name in selection if name not in (*OPTIONAL, "all")]
        if unknown:
            raise ValueError(
                f"selection_optional has unknown entries {unknown}; choose from {list(OPTIONAL)} "
                "or 'all'"
            )
        # "all", alone or in a list, is every optional map (as gammapy).
        self._selection_optional = list(OPTIONAL) if "all" in selection else selection

    def __repr__(self):
        return (
            f"{type(self).__name__}(correlation_radius='{self._correlation_radius.deg:g} deg', "
            f"energy_edges={self.energy_edges!r}, selection_optional={self.selection_optional})"
        )

    # ------------------------------------------------------------------ pieces
    def estimate_kernel(self, geom) -> np.ndarray:
        """The boolean top-hat on the sky grid of ``geom`` (1 inside, unnormalised).

        ``geom`` may also be a dataset (its counts geometry is used).

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or MapDataset-like
            The sky grid.

        Returns
        -------
        `numpy.ndarray` of bool
            The footprint, odd-sized, centred.

        Examples
        --------
        >>> from skymask.maps import WcsGeom
        >>> geom = WcsGeom.create(npix=(50, 40), binsz=0.1)
        >>> int(ExcessMapEstimator("0.3 deg").estimate_kernel(geom).sum())
        29
        """
        if not hasattr(geom, "pixel_scales"):
            geom = geom.counts.geom
        return disk_footprint(*geom.width_in_pixels(self._correlation_radius))

    # ------------------------------------------------------------------ run
    @staticmethod
    def _npred(dataset, shape, used, weights, groups):
        """The grouped ``npred()`` of a MapDataset (background and models)."""
        # Without a background the significance would be that of the counts over zero.
        needed_by = "ExcessMapEstimator (the significance of the counts over the background)"
        require_maps(dataset, ("background",), needed_by=needed_by)
        require_non_negative(dataset, "background", used, needed_by="ExcessMapEstimator")
        npred_data = np.asarray(dataset.npred().data)
        if npred_data.shape != shape:
            raise ValueError(
                f"dataset.npred() has shape {npred_data.shape}, the counts {shape}: they must "
                "be on the same geometry"
            )
        return _group_sum(npred_data, weights, groups)

    def _options(self) -> dict:
        """The settings of the statistics (`skymask.estimators._core.excess_statistics`)."""
        threshold = None
        if self.apply_threshold_sensitivity:
            threshold = (self.gamma_min_sensitivity, self.bkg_syst_fraction_sensitivity)
        return {
            "n_sigma": self.n_sigma,
            "n_sigma_ul": self.n_sigma_ul,
            "selection": self._selection_optional,
            "n_sigma_sensitivity": self.n_sigma_sensitivity,
            "sensitivity_threshold": threshold,
            "method": self.method,
        }

    def _arrays(self, dataset, geom, groups, on_off):
        """The output arrays of an in-memory dataset, and whether it has an exposure."""
        shape = geom.data_shape
        safe = _mask_data(dataset.mask_safe, shape, "mask_safe")
        fit = _mask_data(dataset.mask_fit, shape, "mask_fit")
        weights = np.ones(shape, dtype=bool) if safe is None else safe
        used = weights if fit is None else weights & fit
        counts = _group_sum(dataset.counts.data, weights, groups)
        if on_off:
            counts_off, background = _onoff_inputs(dataset, shape, used)
            counts_off = _group_sum(counts_off, weights, groups)
            npred = _group_sum(background, weights, groups)
        else:
            npred = self._npred(dataset, shape, used, weights, groups)
        mask = _combine_masks(
            None if safe is None else _group_any(safe, groups),
            None if fit is None else _group_any(fit, groups),
            counts.shape,
        )
        _check_finite("counts", counts, mask)
        _check_finite("background" if on_off else "npred", npred, mask)
        if on_off:
            _check_finite("counts_off", counts_off, mask)
        if np.any(mask & (counts < 0)):
            raise ValueError("counts must be >= 0 inside the mask; they are measured counts")

        reco_exposure = None
        if dataset.exposure is not None:
            exposure = estimate_exposure_reco_energy(
                dataset, self.spectral_model, normalize=False
            ).data
            reco_exposure = _group_sum(exposure, weights, groups)
            del exposure  # only the grouped planes are needed from here on
            _check_finite("the reconstructed exposure", reco_exposure, True)

        options = self._options()
        kernel = self.estimate_kernel(geom)
        if on_off:
            acceptance = acceptance_off = None
            if not self.correlate_off:
                acceptance = _group_sum(dataset.acceptance.data, weights, groups)
                with np.errstate(divide="ignore", invalid="ignore"):
                    # gammapy's grouped acceptance_off: acceptance * counts_off / background.
                    acceptance_off = acceptance * counts_off / npred
            arrays = _onoff.onoff_statistics(
                counts,
                counts_off,
                npred,
                mask,
                kernel,
                reco_exposure,
                correlate_off=self.correlate_off,
                acceptance=acceptance,
                acceptance_off=acceptance_off,
                **options,
            )
            arrays.update(_acceptance_maps(dataset, weights, groups, mask, self.selection_optional))
        else:
            arrays = _core.excess_statistics(counts, npred, mask, kernel, reco_exposure, **options)
        return arrays, reco_exposure is not None

    def _chunked_arrays(self, dataset, geom, groups, on_off, chunked):
        """The output arrays (lazy) of a dataset with chunked maps (`_lazy`)."""
        if on_off:
            raise ValueError(
                f"ExcessMapEstimator works lazily on MapDataset only; this on-off dataset has "
                f"chunked maps ({', '.join(chunked)}): compute them first (m = m.compute())"
            )
        reco_exposure = None
        if dataset.exposure is not None:
            reco_exposure = estimate_exposure_reco_energy(
                dataset, self.spectral_model, normalize=False
            )
        options = self._options()
        method = options.pop("method")
        kernel = self.estimate_kernel(geom)
        arrays = _lazy.excess_arrays(
            dataset, groups, kernel, reco_exposure, method=method, **options
        )
        return arrays, reco_exposure is not None

    def run(self, dataset) -> ExcessMaps:
        """Compute the maps for a map dataset.

        Parameters
        ----------
        dataset : MapDataset-like
            ``counts`` (axis ``energy``), ``npred()`` (background plus models), ``mask_safe``,
            ``mask_fit`` (bool maps or None), ``exposure`` (axis ``energy_true``, or None:
            then ``norm`` is in counts) and ``edisp`` (or None).

        Returns
        -------
        ExcessMaps
            ``npred``, ``npred_excess``, ``counts``, ``ts``, ``sqrt_ts``, ``norm``,
            ``norm_err`` and the selected optional maps, one plane per energy group, NaN
            outside the mask.

        Notes
        -----
        A `~skymask.datasets.MapDataset` whose counts, background, exposure or masks are
        chunked (dask) maps gives chunked maps, computed lazily chunk by chunk: the energy
        groups with the whole energy axis in each chunk, the top-hat sums with
        ``map_overlap`` and a halo of the kernel's half size plus one pixel (thin chunks
        merged first), the statistics pixel by pixel. Correlated counts equal the in-memory
        ones exactly; float maps to round-off (sums added in another order: about 1e-13 of
        each map's largest value). Compute them together with `ExcessMaps.compute`. Errors in
        the values (negative background, non-finite values in the mask) are raised when the
        maps are computed. On-off datasets need maps in memory.

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
        >>> float(result["npred_excess"].data[0, 2, 2])
        5.0
        >>> round(float(result["sqrt_ts"].data[0, 2, 2]), 3)
        1.471
        """
        on_off = getattr(dataset, "counts_off", None) is not None
        counts_map = dataset.counts
        # An on-off image without energy axis (a ring background of an image) is one plane.
        image = on_off and isinstance(counts_map, Map) and not counts_map.geom.axes
        if image:
            dataset = _ImagePlane(dataset)
            counts_map = dataset.counts
        if not isinstance(counts_map, Map) or "energy" not in counts_map.geom.axes.names:
            raise ValueError("dataset.counts must be a Map with a reconstructed 'energy' axis")
        geom = counts_map.geom
        if len(geom.axes) != 1:
            raise ValueError(f"dataset.counts must have only an 'energy' axis, got {geom.axes}")
        axis = geom.axes["energy"]
        groups = energy_groups(axis, self.energy_edges)

        chunked = _lazy.chunked_inputs(dataset)
        if chunked:
            arrays, has_exposure = self._chunked_arrays(dataset, geom, groups, on_off, chunked)
        else:
            arrays, has_exposure = self._arrays(dataset, geom, groups, on_off)
        edges = axis.edges[[start for start, _ in groups] + [groups[-1][1]]]
        group_axis = MapAxis.from_edges(edges, interp=axis.interp, name="energy")
        out_geom = geom.replace_axis(group_axis)
        order = ["npred", "npred_excess", "counts", "ts", "sqrt_ts", "norm", "norm_err"]
        order += [name for name in arrays if name not in order]
        if image:
            out_geom = geom.to_image()
            arrays = {name: values[0] for name, values in arrays.items()}
        maps = {name: Map.from_geom(out_geom, data=arrays[name]) for name in order}
        meta = {
            "n_sigma": self.n_sigma,
            "n_sigma_ul": self.n_sigma_ul,
            "n_sigma_sensitivity": self.n_sigma_sensitivity,
            "sed_type_init": "likelihood",
            "correlation_radius": f"{self._correlation_radius.deg:g} deg",
        }
        # Source models skymask keeps but does not evaluate would change npred: say so.
        not_evaluated = ", ".join(getattr(dataset, "models_not_evaluated", []))
        if not_evaluated:
            meta[NOT_EVALUATED_KEY] = not_evaluated
            for m in maps.values():
                m.meta[NOT_EVALUATED_KEY] = not_evaluated
        return ExcessMaps(
            maps,
            meta=meta,
            reference_spectral_model=self.spectral_model,
            has_exposure=has_exposure,
        )


def _positive(value, name) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a positive number, got {describe(value)}") from None
    if not number > 0:
        raise ValueError(f"{name} must be a positive number, got {describe(value)}")
    return number


class _ImagePlane:
    """An on-off dataset on an image geometry seen as one energy plane (no exposure)."""

    _MAPS = ("counts", "counts_off", "acceptance", "acceptance_off", "mask_safe", "mask_fit")

    def __init__(self, dataset):
        axis = MapAxis.from_edges([1.0, 10.0], unit="TeV", name="energy", interp="log")
        geom = dataset.counts.geom.to_cube([axis])
        for name in self._MAPS:
            m = getattr(dataset, name, None)
            plane = None if m is None else Map.from_geom(geom, data=m.data[np.newaxis])
            setattr(self, name, plane)
        self.exposure = None


def _onoff_inputs(dataset, shape, used):
    """OFF counts and the per-pixel background ``alpha * counts_off`` (0 without OFF
    acceptance, as gammapy) of an on-off dataset, checked."""
    arrays = {}
    for name in ("counts_off", "acceptance", "acceptance_off"):
        m = getattr(dataset, name, None)
        data = None if m is None else np.asarray(getattr(m, "data", m), dtype=float)
        if data is None or data.shape != shape:
            raise ValueError(
                f"dataset.{name} must be a map on the counts geometry {shape}, got {describe(m)}"
            )
        bad = used & ~(data >= 0)
        if np.any(bad):
            raise ValueError(
                f"dataset.{name} has {int(np.count_nonzero(bad))} negative or non-finite values "
                "inside the mask; they are counts or acceptances (>= 0)"
            )
        arrays[name] = data
    has_off = arrays["acceptance_off"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = arrays["acceptance"] / np.where(has_off, arrays["acceptance_off"], 1.0)
    background = np.where(has_off, alpha * arrays["counts_off"], 0.0)
    return arrays["counts_off"], background


def _acceptance_maps(dataset, weights, groups, mask, selection) -> dict:
    """gammapy's optional ``acceptance_on``/``acceptance_off`` maps (grouped, not correlated)."""
    maps = {}
    for key, name in (("acceptance_on", "acceptance"), ("acceptance_off", "acceptance_off")):
        if key in selection:
            data = _group_sum(getattr(dataset, name).data, weights, groups)
            maps[key] = np.where(mask, data, np.nan)
    return maps
