"""`FoVBackgroundMaker`: rescale a dataset's background template to its counts.

The background is scaled by one factor so that counts and background agree over the allowed
pixels: inside ``mask_safe`` and ``mask_fit`` (where set), not excluded by the exclusion mask,
and with a finite background. Follows gammapy 2.1's ``FoVBackgroundMaker`` for datasets
without source models; see ``docs/differences-from-gammapy.md`` for where it does not.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..datasets import FoVBackgroundModel, MapDataset
from ..datasets.checks import require_maps
from ..maps import Map
from ..utils.exceptions import SkymaskWarning
from ..utils.units import describe
from . import _core
from .exclusion import check_exclusion_mask, check_fill_value, exclusion_on_geom

__all__ = ["BackgroundNorm", "BackgroundNormWarning", "FoVBackgroundMaker"]

METHODS = ("scale", "fit")
# Primary-header keywords (<= 8 characters, so they survive a FITS write/read) that record the
# norm on the returned dataset's meta.
META_KEYS = ("BKG_NORM", "BKG_ERR", "BKG_ERRN", "BKG_ERRP", "BKG_METH", "BKG_OK")


class BackgroundNormWarning(SkymaskWarning):
    """The background norm of a dataset could not be determined; the dataset is unusable.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
    >>> dataset = MapDataset.create(geom, background=2.0)
    >>> dataset.counts.data[...] = 3.0
    >>> import warnings
    >>> from skymask.makers import BackgroundNormWarning, FoVBackgroundMaker
    >>> dataset.counts.data[...] = 0
    >>> dataset.background.data[...] = 0
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = FoVBackgroundMaker().run(dataset)
    >>> caught[0].category is BackgroundNormWarning, bool(result.mask_safe.data.any())
    (True, False)
    """


@dataclass(frozen=True)
class BackgroundNorm:
    """The result of a FoV background normalisation.

    Parameters
    ----------
    value, error : float
        Norm and its 1-sigma error.
    errn, errp : float
        Profile-likelihood errors down and up.
    method : str
        "scale" or "fit".
    counts, background : float
        Summed counts and background over the pixels used.
    n_pixels : int
        Number of allowed voxels.
    success : bool
        Whether the norm was determined.
    reason : str
        Why the norm failed ("" on success).

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
    >>> dataset = MapDataset.create(geom, background=2.0)
    >>> dataset.counts.data[...] = 3.0
    >>> from skymask.makers import FoVBackgroundMaker
    >>> norm = FoVBackgroundMaker(method="scale").estimate_norm(dataset)
    >>> norm.value, norm.counts, norm.background, norm.success
    (1.5, 75.0, 50.0, True)

    Attributes
    ----------
    value, error : float
        Norm and its 1-sigma error (``sqrt(N) / B``); NaN if the norm failed.
    errn, errp : float
        Profile-likelihood errors down and up ("fit" only; NaN for "scale").
    method : str
        "scale" or "fit".
    counts, background : float
        Summed counts ``N`` and background ``B`` over the pixels used.
    n_pixels : int
        Number of allowed pixels (voxels of the cube).
    success : bool
    reason : str
        Why the norm failed ("" on success).
    """

    value: float
    error: float
    errn: float
    errp: float
    method: str
    counts: float
    background: float
    n_pixels: int
    success: bool
    reason: str = ""

    def to_meta(self) -> dict:
        """The dataset meta keywords (NaN values are left out: FITS headers cannot hold NaN).

        Returns
        -------
        dict
            ``BKG_NORM``, ``BKG_ERR``, (``BKG_ERRN``, ``BKG_ERRP``), ``BKG_METH``, ``BKG_OK``.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import FoVBackgroundMaker
        >>> FoVBackgroundMaker(method="scale").estimate_norm(dataset).to_meta()["BKG_NORM"]
        1.5
        """
        values = {
            "BKG_NORM": self.value,
            "BKG_ERR": self.error,
            "BKG_ERRN": self.errn,
            "BKG_ERRP": self.errp,
        }
        meta = {key: float(v) for key, v in values.items() if np.isfinite(v) and self.success}
        meta["BKG_METH"] = self.method
        meta["BKG_OK"] = bool(self.success)
        return meta


class FoVBackgroundMaker:
    """Normalise the background template of a dataset on its whole field of view.

    Parameters
    ----------
    method : {"scale", "fit"}
        "scale": ``norm = N / B``, the summed counts over the summed background in the allowed
        pixels, with error ``sqrt(N) / B`` (gammapy's "scale"). "fit": the maximum of the
        Poisson likelihood (Cash) for one norm, which is ``N / B`` over the allowed pixels
        that have background (the same as "scale" unless some have counts but zero
        background); error from the curvature, ``errn``/``errp`` from the likelihood profile.
    exclusion_mask : bool `~skymask.maps.Map`, optional
        True where the background may be normalised, on any geometry (reprojected onto the
        dataset by nearest pixel).
    fill_value : bool
        Keyword only. Exclusion value of dataset pixels outside the exclusion mask's
        footprint. Default False: sky the mask does not cover is not used (as gammapy's
        FoV maker).
    min_counts, min_npred_background : float
        Keyword only. The norm fails unless the allowed pixels hold more than these counts and
        background (gammapy's requirements; both 0 by default).

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=4, axes=[axis]), background=2.0)
    >>> dataset.counts.data[...] = 3.0
    >>> result = FoVBackgroundMaker(method="scale").run(dataset)
    >>> result.meta["BKG_NORM"], float(result.npred_background().data.sum()), dataset.meta
    (1.5, 48.0, {})
    >>> result.background_model.spectral_model.norm.value
    1.5
    """

    tag = "FoVBackgroundMaker"

    def __init__(
        self,
        method="scale",
        exclusion_mask=None,
        *,
        fill_value=False,
        min_counts=0,
        min_npred_background=0,
    ):
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self.method = method
        self.exclusion_mask = check_exclusion_mask(exclusion_mask)
        self.fill_value = check_fill_value(fill_value)
        self.min_counts = _number(min_counts, "min_counts")
        self.min_npred_background = _number(min_npred_background, "min_npred_background")

    def __repr__(self):
        mask = "None" if self.exclusion_mask is None else "<bool Map>"
        return (
            f"{type(self).__name__}(method={self.method!r}, exclusion_mask={mask}, "
            f"fill_value={self.fill_value})"
        )

    # ------------------------------------------------------------------ pieces
    def make_exclusion_mask(self, dataset):
        """The exclusion mask on the dataset geometry (bool Map; all True without a mask).

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            The dataset whose geometry the mask is put on.

        Returns
        -------
        `~skymask.maps.Map`
            A bool map, True where the pixels may be used.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import FoVBackgroundMaker
        >>> exclusion = ~dataset.counts.geom.to_image().region_mask("icrs;circle(0, 0, 0.12)")
        >>> mask = FoVBackgroundMaker(exclusion_mask=exclusion).make_exclusion_mask(dataset)
        >>> mask.data.shape, int((~mask).data.sum())
        ((1, 5, 5), 5)
        """
        geom = _geom(dataset)
        return Map.from_geom(
            geom, data=exclusion_on_geom(self.exclusion_mask, geom, self.fill_value)
        )

    def allowed_pixels(self, dataset) -> np.ndarray:
        """Bool array of the voxels used: safe, fit, not excluded, finite background.

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            The dataset.

        Returns
        -------
        `numpy.ndarray` of bool
            Shape of the dataset's data.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import FoVBackgroundMaker
        >>> int(FoVBackgroundMaker().allowed_pixels(dataset).sum())
        25
        """
        geom = _geom(dataset)
        allowed = exclusion_on_geom(self.exclusion_mask, geom, self.fill_value)
        for mask in (dataset.mask_safe, dataset.mask_fit):
            if mask is not None:
                allowed = allowed & mask.data
        return allowed & np.isfinite(dataset.npred_background().data)

    def estimate_norm(self, dataset) -> BackgroundNorm:
        """The norm of the dataset's background, without changing anything.

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            Needs counts and background.

        Returns
        -------
        `BackgroundNorm`
            The norm, its errors and what it was computed from.

        Raises
        ------
        ValueError
            If the dataset has no counts or background, or the allowed pixels hold non-finite
            counts or negative background.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import FoVBackgroundMaker
        >>> FoVBackgroundMaker(method="scale").estimate_norm(dataset).value
        1.5
        """
        allowed = self.allowed_pixels(dataset)
        counts = np.asarray(dataset.counts.data, dtype=float)[allowed]
        background = np.asarray(dataset.npred_background().data, dtype=float)[allowed]
        if not np.all(np.isfinite(counts)):
            raise ValueError(
                f"dataset {dataset.name!r} has {int(np.count_nonzero(~np.isfinite(counts)))} "
                "non-finite counts in the pixels used for the background norm; set mask_safe "
                "to False there"
            )
        if np.any(background < 0):
            raise ValueError(
                f"dataset {dataset.name!r} has negative background (minimum "
                f"{background.min():.6g}) in the pixels used for the norm; a background "
                "template must be >= 0"
            )
        if self.method == "fit":
            fit = _core.fit_norm(counts, background)
            value, error, errn, errp = fit["norm"], fit["error"], fit["errn"], fit["errp"]
            n_total, b_total = fit["counts"], fit["background"]
        else:
            n_total, b_total = float(counts.sum()), float(background.sum())
            value, error = _core.scale_norm(n_total, b_total)
            errn = errp = np.nan
        reason = self._failure(n_total, b_total, value)
        if reason:
            value = error = errn = errp = np.nan
        return BackgroundNorm(
            value=value,
            error=error,
            errn=errn,
            errp=errp,
            method=self.method,
            counts=n_total,
            background=b_total,
            n_pixels=int(np.count_nonzero(allowed)),
            success=not reason,
            reason=reason,
        )

    def _failure(self, n_total, b_total, value) -> str:
        if not b_total > self.min_npred_background:
            return (
                f"only {b_total:.6g} background counts in the allowed pixels (need more than "
                f"{self.min_npred_background:g})"
            )
        if not n_total > self.min_counts:
            return (
                f"only {n_total:.6g} counts in the allowed pixels (need more than "
                f"{self.min_counts:g})"
            )
        if not np.isfinite(value):
            return f"non-finite norm {value}"
        return ""

    # ------------------------------------------------------------------ run
    def run(self, dataset: MapDataset, observation=None) -> MapDataset:
        """A new dataset whose background model carries the norm; the input is not changed.

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            Needs counts and background.
        observation : ignored
            Accepted for gammapy compatibility (makers are called as ``run(dataset, obs)``).

        Returns
        -------
        `~skymask.datasets.MapDataset`
            Copies of the input's maps and models, as gammapy: the ``background`` template
            unchanged and a `~skymask.datasets.FoVBackgroundModel` (``<name>-bkg``, created
            if the input had none) whose ``spectral_model.norm`` is multiplied by the norm
            (its ``error`` set), so that ``npred_background()`` = norm x the input's
            ``npred_background()``; the same ``mask_fit`` and ``mask_safe`` (the exclusion is
            not written into them); the norm also in ``meta`` (``BKG_NORM``, ``BKG_ERR``,
            ``BKG_ERRN``/``BKG_ERRP`` for "fit", ``BKG_METH``, ``BKG_OK``), relative to the
            input's ``npred_background()``. `MapDataset.write` keeps the meta; the model is
            written by ``Datasets.write(..., filename_models=...)``. If the norm cannot be
            determined (no counts or no background left in the allowed pixels), a
            `BackgroundNormWarning` is issued, the norm is left unchanged, ``mask_safe`` is all
            False (the dataset is unusable, as in gammapy) and ``BKG_OK`` is False.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import FoVBackgroundMaker
        >>> result = FoVBackgroundMaker(method="fit").run(dataset)
        >>> round(result.meta["BKG_NORM"], 6), float(dataset.background.data[0, 0, 0])
        (1.5, 2.0)
        """
        if not isinstance(dataset, MapDataset):
            raise TypeError(f"dataset must be a MapDataset, got {describe(dataset)}")
        norm = self.estimate_norm(dataset)
        new = dataset.copy()
        if new.background_model is None:
            models = [] if new.models is None else list(new.models)
            new._set_models([*models, FoVBackgroundModel(dataset.name)], warn=False)
        mask_safe = new.mask_safe
        if norm.success:
            parameter = new.background_model.spectral_model.norm
            parameter.error = abs(parameter.value) * norm.error
            parameter.value = parameter.value * norm.value
        else:
            warnings.warn(
                f"{self.tag} could not normalise the background of dataset {dataset.name!r}: "
                f"{norm.reason}. The dataset is marked unusable (mask_safe set to all False). "
                "Check the exclusion mask (and its fill_value) and mask_fit/mask_safe leave "
                "enough sky",
                BackgroundNormWarning,
                stacklevel=2,
            )
            mask_safe = Map.from_geom(_geom(dataset), data=False)
        new.mask_safe = mask_safe
        new.meta = {k: v for k, v in dataset.meta.items() if k not in META_KEYS}
        new.meta.update(norm.to_meta())
        return new


def _geom(dataset):
    require_maps(
        dataset,
        ("counts", "background"),
        needed_by="the FoV background norm (counts over a background template)",
    )
    return dataset.counts.geom


def _number(value, name) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {describe(value)}") from None
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {describe(value)}")
    return number
