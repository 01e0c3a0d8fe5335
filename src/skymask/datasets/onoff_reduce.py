"""Reductions of a `MapDatasetOnOff` with gammapy 2.1's rules: ``create``, ``to_image``,
``to_map_dataset``, ``stack``, ``to_masked`` (the class methods call these).

The OFF side is carried by ``counts_off`` and ``acceptance_off`` so that the background
``alpha * counts_off`` (``alpha = acceptance / acceptance_off``) is what gammapy's sums give:
after a reduction ``acceptance_off = acceptance * counts_off / background``, bins without
OFF counts taking the average alpha.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np

from ..data import GTI
from ..maps import Map
from ..stats import get_wstat_mu_bkg
from . import reduce

__all__ = [
    "create",
    "downsample",
    "stack",
    "to_image",
    "to_map_dataset",
    "to_masked",
]


def _data(m: Map | None, nan_to_num: bool = True):
    if m is None:
        return None
    data = m.data.astype(float)
    return np.nan_to_num(data) if nan_to_num else data


def create(
    cls,
    geom,
    energy_axis_true=None,
    rad_axis=None,
    binsz_irf=None,
    name=None,
    reference_time=None,
    gti=None,
    migra_axis=None,
):
    """gammapy's empty on/off dataset: zero counts, OFF counts, acceptances and exposure, a
    zero PSF and a diagonal EDisp map on the IRF grid, ``mask_safe`` all False."""
    from .map_dataset import BINSZ_IRF_DEFAULT, MapDataset

    base = MapDataset.create(
        geom,
        energy_axis_true=energy_axis_true,
        rad_axis=rad_axis,
        migra_axis=migra_axis,
        binsz_irf=BINSZ_IRF_DEFAULT if binsz_irf is None else binsz_irf,
        name=name,
        mask_safe=False,
        reference_time=reference_time,
        gti=gti,
    )
    return cls(
        counts=Map.from_geom(geom),
        counts_off=Map.from_geom(geom),
        acceptance=Map.from_geom(geom),
        acceptance_off=Map.from_geom(geom),
        exposure=base.exposure,
        psf=base.psf,
        edisp=base.edisp,
        mask_safe=Map.from_geom(geom, dtype=bool),
        name=base.name if name is None else name,
        gti=base.gti,
    )


def to_image(dataset, name=None):
    """Sum over reconstructed energy inside ``mask_safe`` (gammapy's ``to_image``)."""
    safe = dataset.mask_safe
    counts_off = reduce.sum_energy(dataset.counts_off, safe)
    acceptance = reduce.sum_energy(dataset.acceptance, safe)
    background = reduce.sum_energy(dataset.background, safe)
    with np.errstate(divide="ignore", invalid="ignore"):
        acceptance_off = acceptance.data * counts_off.data / background.data
    edisp = dataset.edisp
    if edisp is not None and not reduce.in_migration(edisp):
        edisp = edisp.to_image(weights=reduce.mask_safe_edisp(dataset))
    return type(dataset)(
        counts=reduce.sum_energy(dataset.counts, safe),
        counts_off=counts_off,
        acceptance=acceptance,
        acceptance_off=Map.from_geom(acceptance.geom, data=acceptance_off),
        exposure=dataset.exposure,
        psf=dataset.psf,
        edisp=edisp,
        mask_safe=reduce.any_energy(safe),
        mask_fit=reduce.any_energy(dataset.mask_fit),
        name=reduce.make_name(name),
        gti=reduce.copied_gti(dataset),
    )


def downsample(dataset, factor, axis_name=None, name=None):
    """gammapy's on/off ``downsample``: counts, OFF counts, acceptance and background summed
    inside ``mask_safe``; ``acceptance_off = acceptance * counts_off / background``; masks
    ORed (bool); exposure averaged over sky pixels; IRFs as `MapDataset.downsample`."""
    safe = dataset.mask_safe

    def down(m):
        if m is None:
            return None
        return m.downsample(factor=factor, preserve_counts=True, axis_name=axis_name, weights=safe)

    base = reduce.downsample(to_map_dataset(dataset), factor, axis_name=axis_name, name=name)
    counts_off, acceptance, background = (
        down(dataset.counts_off),
        down(dataset.acceptance),
        down(dataset.background),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        acceptance_off = acceptance.data * counts_off.data / background.data
    return type(dataset)(
        counts=base.counts,
        counts_off=counts_off,
        acceptance=acceptance,
        acceptance_off=Map.from_geom(acceptance.geom, data=acceptance_off),
        exposure=base.exposure,
        psf=base.psf,
        edisp=base.edisp,
        mask_safe=base.mask_safe,
        mask_fit=base.mask_fit,
        name=base.name,
        gti=base.gti,
    )


def to_map_dataset(dataset, name=None):
    """A `MapDataset` with ``background = alpha * counts_off`` (None without OFF counts)."""
    from .map_dataset import MapDataset

    background = None
    if dataset.counts_off is not None:
        background = dataset.background
    return MapDataset(
        counts=dataset.counts,
        exposure=dataset.exposure,
        background=background,
        psf=dataset.psf,
        edisp=dataset.edisp,
        mask_safe=dataset.mask_safe,
        mask_fit=dataset.mask_fit,
        name=reduce.make_name(name),
        gti=reduce.copied_gti(dataset),
    )


def _embed(m, geom, fill=0):
    """``m`` (a cutout on the same pixel grid) placed on ``geom``; ``fill`` elsewhere."""
    if m is None:
        return None
    full = Map.from_geom(geom, data=fill, dtype=m.data.dtype, unit=m.unit)
    if m.is_mask:
        full.data[...] = False
        full.stack(m)
        return full
    full.data[...] = 0
    full.stack(m, nan_to_num=False)
    if fill:
        inside = Map.from_geom(geom, dtype=bool)
        inside.stack(Map.from_geom(m.geom, data=True, dtype=bool))
        full.data[~inside.data] = fill
    return full


def _embedded(other, dataset):
    """A cutout on/off dataset ``other`` spread onto the grids of ``dataset`` (gammapy stacks
    cutouts): zero counts and acceptance outside it, OFF acceptance 1 (alpha 0), masks False.
    The grids must be aligned (`~skymask.maps.Map.stack` says so otherwise)."""
    geom = dataset.geom
    exposure = other.exposure
    if exposure is not None and dataset.exposure is not None:
        exposure = _embed(exposure, dataset.exposure.geom)
    return type(other)(
        counts=_embed(other.counts, geom),
        counts_off=_embed(other.counts_off, geom),
        acceptance=_embed(other.acceptance, geom),
        acceptance_off=_embed(other.acceptance_off, geom, fill=1),
        exposure=exposure,
        mask_safe=_embed(other.mask_safe, geom),
        mask_fit=_embed(other.mask_fit, geom),
        name=other.name,
        gti=other.gti,
    )


def stack(dataset, other, nan_to_num: bool = True) -> None:
    """gammapy's on/off stacking: OFF counts and ``alpha * counts_off`` of ``other`` added
    where its ``mask_safe`` is True, acceptance likewise, then ``acceptance_off`` chosen so
    that the stacked alpha is ``sum(alpha * off) / sum(off)`` (the average alpha where no OFF
    counts are left); counts, exposure and masks as `MapDataset.stack`."""
    if type(other) is not type(dataset):
        raise TypeError(
            f"a {type(dataset).__name__} stacks another one, got {type(other).__name__}"
        )
    if dataset.geom != other.geom:
        other = _embedded(other, dataset)
    weights = 1.0 if other.mask_safe is None else other.mask_safe.data
    total_acceptance = _data(dataset.acceptance, nan_to_num) + (
        _data(other.acceptance, nan_to_num) * weights
    )
    total_off = (
        _data(dataset.counts_off, nan_to_num) + _data(other.counts_off, nan_to_num) * weights
    )
    total_alpha = (
        _data(dataset.background, nan_to_num) + _data(other.background, nan_to_num) * weights
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        acceptance_off = total_acceptance * total_off / total_alpha
        average_alpha = total_alpha.sum() / total_off.sum()
    is_zero = total_off == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        acceptance_off[is_zero] = total_acceptance[is_zero] / average_alpha
    geom = dataset.geom
    dataset.acceptance = Map.from_geom(geom, data=total_acceptance)
    dataset.acceptance_off = Map.from_geom(geom, data=acceptance_off)
    dataset.counts_off = Map.from_geom(geom, data=total_off)
    counts = dataset.counts.data + _data(other.counts, nan_to_num) * weights
    dataset.counts = Map.from_geom(geom, data=counts.astype(dataset.counts.data.dtype))
    if dataset.exposure is not None and other.exposure is not None:
        image = None if other.mask_safe is None else other.mask_safe.data.any(axis=0)
        added = _data(other.exposure, nan_to_num)
        dataset.exposure.data[...] = dataset.exposure.data + (
            added if image is None else added * image
        )
    if dataset.mask_safe is not None and other.mask_safe is not None:
        dataset.mask_safe = dataset.mask_safe | other.mask_safe
    if dataset.mask_fit is not None and other.mask_fit is not None:
        dataset.mask_fit = dataset.mask_fit | other.mask_fit
    elif other.mask_fit is not None:
        dataset.mask_fit = other.mask_fit.copy()
    reduce.stack_gti(dataset, other)


def to_masked(dataset, name=None, nan_to_num: bool = True):
    """The data outside ``mask_safe`` set to zero: an empty dataset with this one stacked."""
    geom = dataset.geom
    empty = type(dataset)(
        counts=Map.from_geom(geom),
        counts_off=Map.from_geom(geom),
        acceptance=Map.from_geom(geom),
        acceptance_off=Map.from_geom(geom),
        exposure=None if dataset.exposure is None else Map.from_geom(dataset.exposure.geom),
        mask_safe=Map.from_geom(geom, dtype=bool),
        name=reduce.make_name(name),
        gti=GTI.create([] * u.s, [] * u.s),
    )
    stack(empty, dataset, nan_to_num=nan_to_num)
    return empty


def from_geoms(cls, geoms: dict, name=None, reference_time=None):
    """gammapy's ``MapDatasetOnOff.from_geoms``: `MapDataset.from_geoms` with zero OFF
    counts and acceptances (``mask_safe`` all False, an empty GTI at ``reference_time``)."""
    from .map_dataset import MapDataset

    base = reduce.empty_from_geoms(MapDataset, geoms, name=name)
    if reference_time is not None:
        base.gti = GTI.create([] * u.s, [] * u.s, reference_time)
    geom = geoms["geom"]
    return cls(
        counts=base.counts,
        counts_off=Map.from_geom(geom),
        acceptance=Map.from_geom(geom),
        acceptance_off=Map.from_geom(geom),
        exposure=base.exposure,
        psf=base.psf,
        edisp=base.edisp,
        mask_safe=base.mask_safe,
        name=base.name,
        gti=base.gti,
    )


def npred_background(dataset) -> Map:
    """gammapy's on/off ``npred_background``: ``alpha * mu_bkg``, the WStat profile
    background for no signal (skymask evaluates no source model), 0 where not finite."""
    alpha = dataset.alpha.data
    with np.errstate(divide="ignore", invalid="ignore"):
        mu_bkg = alpha * get_wstat_mu_bkg(
            n_on=dataset.counts.data,
            n_off=dataset.counts_off.data,
            alpha=alpha,
            mu_sig=np.zeros(dataset.counts.data.shape),
        )
    return Map.from_geom(dataset.geom, data=np.nan_to_num(mu_bkg, nan=0.0, posinf=0.0, neginf=0.0))


def random_state_of(random_state) -> np.random.RandomState:
    """gammapy's ``get_random_state``: a seed, "random-seed", "global-rng" or a RandomState."""
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.RandomState(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, str) and random_state == "random-seed":
        return np.random.RandomState(None)
    if isinstance(random_state, str) and random_state == "global-rng":
        return np.random.mtrand._rand
    raise ValueError(
        f"random_state must be an int seed, 'random-seed', 'global-rng' or a "
        f"numpy.random.RandomState, got {random_state!r}"
    )


def fake(dataset, npred_background, random_state="random-seed") -> None:
    """gammapy's on/off ``fake``, drawn in its order (same seed, same counts): ON counts
    Poisson(signal) + Poisson(``npred_background``) as float, the signal being zero (no
    source model is evaluated); OFF counts Poisson(``npred_background / alpha``), 0 where
    alpha is 0 or undefined."""
    if not isinstance(npred_background, Map) or npred_background.geom != dataset.geom:
        raise ValueError(
            "npred_background must be a Map on the dataset geometry "
            f"{dataset.geom!r}; got {npred_background!r}"
        )
    rng = random_state_of(random_state)
    background = np.asarray(npred_background.data, dtype=float)
    if np.any(~np.isfinite(background) | (background < 0)):
        raise ValueError("npred_background must be finite and >= 0 (Poisson means)")
    signal = rng.poisson(np.zeros(background.shape)).astype(float)
    counts = signal + rng.poisson(background).astype(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # gammapy's alpha here: nan_to_num(acceptance / acceptance_off), so no OFF
        # acceptance gives the largest float and a tiny positive mean; its Poisson draw (0)
        # still takes a number from the generator, which keeps the later draws in step.
        alpha = np.nan_to_num(dataset.acceptance.data / dataset.acceptance_off.data)
        off_mean = background / alpha
    off_mean = np.nan_to_num(off_mean, nan=0.0, posinf=0.0, neginf=0.0)
    dataset.counts = Map.from_geom(dataset.geom, data=counts)
    dataset.counts_off = Map.from_geom(dataset.geom, data=rng.poisson(off_mean))
