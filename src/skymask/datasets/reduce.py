"""Reductions of a `MapDataset` with gammapy 2.1's rules: stacking, masking, slicing and the
summary numbers (``info_dict``).

Masks follow gammapy: ``stack`` adds the other dataset's counts and background only where its
``mask_safe`` is True, ORs the ``mask_safe`` maps (and the ``mask_fit`` maps), and averages
the IRF maps with the exposure, weighted by the other's safe mask projected on the IRF grid
(`mask_safe_psf`, `mask_safe_edisp`). The class methods of `MapDataset` call these.
"""

from __future__ import annotations

from base64 import urlsafe_b64encode
from uuid import uuid4

import numpy as np
from astropy import units as u

from ..data import GTI
from ..irf import EDispKernelMap, EDispMap, PSFMap, RecoPSFMap
from ..maps import Map
from ..stats import cash_significance

__all__ = [
    "any_energy",
    "cutout",
    "data_shape",
    "dataset_geoms",
    "downsample",
    "empty_from_geoms",
    "info_dict",
    "make_name",
    "mask_safe_edisp",
    "mask_safe_psf",
    "pad",
    "resample_energy_axis",
    "slice_by_energy",
    "slice_by_idx",
    "stack",
    "sum_energy",
    "to_image",
    "to_masked",
]


def make_name(name=None) -> str:
    """``name``, or as gammapy a random 8-character name (URL-safe base64 of a UUID, not
    starting with "_") for a derived dataset."""
    if name is not None:
        return name
    while True:
        candidate = urlsafe_b64encode(uuid4().bytes).decode()[:8]
        if not candidate.startswith("_"):
            return candidate


def dataset_geoms(dataset) -> dict:
    """gammapy's ``geoms``: ``geom`` and, where present, ``geom_exposure``, ``geom_psf``,
    ``geom_edisp``."""
    geoms = {"geom": dataset.geom}
    if dataset.exposure is not None:
        geoms["geom_exposure"] = dataset.exposure.geom
    if dataset.psf is not None:
        geoms["geom_psf"] = dataset.psf.psf_map.geom
    if dataset.edisp is not None:
        geoms["geom_edisp"] = dataset.edisp.edisp_map.geom
    return geoms


def data_shape(dataset) -> tuple[int, ...]:
    """Shape of the counts data (numpy order), as gammapy's ``data_shape``."""
    return tuple(dataset.geom.data_shape)


def empty_from_geoms(cls, geoms: dict, name=None):
    """gammapy's ``MapDataset.from_geoms``: zero counts and background, zero exposure
    (``m2 s``), diagonal EDisp and zero PSF maps with zero exposure, ``mask_safe`` all False."""
    geom = geoms["geom"]
    kwargs = {
        "counts": Map.from_geom(geom),
        "background": Map.from_geom(geom),
        "mask_safe": Map.from_geom(geom, dtype=bool),
        "name": name,
        "gti": GTI.create([] * u.s, [] * u.s),  # gammapy's from_geoms: no time yet
    }
    if geoms.get("geom_exposure") is not None:
        kwargs["exposure"] = Map.from_geom(geoms["geom_exposure"], unit="m2 s")
    if geoms.get("geom_edisp") is not None:
        edisp_geom = geoms["geom_edisp"]
        migra = "migra" in edisp_geom.axes.names  # gammapy: an EDispMap then
        kwargs["edisp"] = (EDispMap if migra else EDispKernelMap).from_geom(edisp_geom)
    if geoms.get("geom_psf") is not None:
        psf_geom = geoms["geom_psf"]
        # gammapy: a PSF in reconstructed energy when the geometry has an 'energy' axis
        psf_class = RecoPSFMap if "energy" in psf_geom.axes.names else PSFMap
        kwargs["psf"] = psf_class(
            Map.from_geom(psf_geom, unit="sr-1"),
            Map.from_geom(psf_geom.squash("rad"), unit="m2 s"),
        )
    return cls(**kwargs)


def _sample_image(mask_image: Map, target_image_geom) -> np.ndarray:
    """A 2-D mask read at the pixel centres of another sky grid (nearest pixel, extended
    beyond its border as gammapy's ``fill_value=None``)."""
    if target_image_geom == mask_image.geom:
        return mask_image.data
    if getattr(mask_image.geom, "is_hpx", False):
        return _sample_hpx_image(mask_image, target_image_geom)
    coords = target_image_geom.get_coord()
    ix, iy = mask_image.geom.coord_to_idx((coords["lon"], coords["lat"]), clip=True)[:2]
    return mask_image.data[iy, ix]


def _sample_hpx_image(mask_image: Map, target_image_geom) -> np.ndarray:
    """A HEALPix mask image read on another sky grid: the pixel holding each target centre,
    False outside a partial-sky mask (X191). A coarser HEALPix target in the same frame (the
    IRF grid of `MapDataset.create`) first gets the mask ORed over each of its pixels: the
    centre of a coarse pixel is the corner its finer sub-pixels share, so "the pixel holding
    it" is decided by rounding (gammapy), while OR says whether the pixel has safe data (X197).
    """
    geom = mask_image.geom
    if getattr(target_image_geom, "is_hpx", False) and target_image_geom.frame == geom.frame:
        fine, coarse = int(np.ravel(geom.nside)[0]), int(np.ravel(target_image_geom.nside)[0])
        if coarse < fine and fine % coarse == 0:
            mask_image = mask_image.downsample(fine // coarse)  # a mask: "any" per parent
            geom = mask_image.geom
    coords = target_image_geom.get_coord()
    local = geom.global_to_local(geom.coord_to_idx(coords)[0])
    return np.where(local >= 0, mask_image.data[np.maximum(local, 0)], False)


def mask_safe_psf(dataset) -> Map | None:
    """The safe mask on the PSF grid: True where any energy is safe (``rad`` squashed)."""
    if dataset.mask_safe is None or dataset.psf is None:
        return None
    geom = dataset.psf.psf_map.geom.squash("rad")
    image = _sample_image(dataset.mask_safe_image, geom.to_image())
    return Map.from_geom(geom, data=np.broadcast_to(image, geom.data_shape).copy())


def in_migration(edisp) -> bool:
    """True for an `~skymask.irf.EDispMap` (a ``migra`` axis): its densities do not depend
    on the reconstructed binning, so energy reductions keep it as it is (gammapy's rule)."""
    return edisp is not None and "migra" in edisp.edisp_map.geom.axes.names


def mask_safe_edisp(dataset) -> Map | None:
    """The safe mask per reconstructed energy on the EDisp grid (``energy_true`` squashed);
    for an EDispMap the safe image (any energy) with ``migra`` and ``energy_true`` squashed."""
    if dataset.mask_safe is None or dataset.edisp is None:
        return None
    geom = dataset.edisp.edisp_map.geom.squash("energy_true")
    if in_migration(dataset.edisp):
        geom = geom.squash("migra")
        image = _sample_image(dataset.mask_safe_image, geom.to_image())
        return Map.from_geom(geom, data=np.broadcast_to(image, geom.data_shape).copy())
    image_geom = geom.to_image()
    planes = np.stack(
        [
            _sample_image(Map.from_geom(dataset.geom.to_image(), data=plane), image_geom)
            for plane in dataset.mask_safe.data.reshape(-1, *dataset.geom.data_shape_image)
        ]
    )
    data = planes.reshape(geom.data_shape)
    return Map.from_geom(geom, data=data.astype(bool))


def _add(target: Map, other: Map, weights, nan_to_num: bool) -> None:
    if target.geom != other.geom and getattr(target.geom, "is_hpx", False):
        # HEALPix: gammapy's HpxNDMap.stack adds an aligned geometry (a partial sky into
        # the all-sky map, say) at its pixels; Map.stack does that and refuses the rest.
        target.stack(other, weights=weights, nan_to_num=nan_to_num)
        return
    # WCS: equal geometries only.
    if target.geom != other.geom:
        raise ValueError(
            "MapDataset.stack needs datasets on the same geometry:\n"
            f"  {target.geom!r}\n  {other.geom!r}"
        )
    data = other.quantity.to_value(target.unit)
    if nan_to_num:
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    if weights is not None:
        data = data * np.broadcast_to(weights.data, data.shape)
    target.data[...] = target.data + data.astype(target.data.dtype, copy=False)


def _or(mask: Map, other: Map) -> Map:
    """``mask | other``; on HEALPix ``other`` may be an aligned part of the sky (ORed in at
    its pixels by Map.stack, which keeps a mask a mask)."""
    if mask.geom != other.geom and getattr(mask.geom, "is_hpx", False):
        merged = mask.copy()
        merged.stack(other)
        return merged
    return mask | other


def copied_gti(dataset):
    """A copy of the dataset's GTI (None without one): derived datasets keep the time."""
    gti = getattr(dataset, "gti", None)
    return None if gti is None else gti.copy()


def stack_gti(dataset, other) -> None:
    """gammapy's rule: with a GTI on both sides, the union of their intervals."""
    if dataset.gti is not None and getattr(other, "gti", None) is not None:
        dataset.gti.stack(other.gti)
        dataset.gti = dataset.gti.union()


def stack(dataset, other, nan_to_num: bool = True) -> None:
    """Add ``other`` into ``dataset`` in place with gammapy's rules (see the module notes)."""
    if not isinstance(other, type(dataset)):
        raise TypeError(
            f"a {type(dataset).__name__} stacks another one, got {type(other).__name__}"
        )
    safe = other.mask_safe
    if dataset.counts is not None and other.counts is not None:
        _add(dataset.counts, other.counts, safe, nan_to_num)
    if dataset.exposure is not None and other.exposure is not None:
        image = other.mask_safe_image
        _add(dataset.exposure, other.exposure, image, nan_to_num)
        livetime = other.exposure.meta.get("livetime")
        if livetime is not None and (image is None or np.any(image.data)):
            own = dataset.exposure.meta.get("livetime")
            dataset.exposure.meta["livetime"] = livetime if own is None else own + livetime
    if dataset.background is not None and other.background is not None:
        background = dataset.npred_background()
        _add(background, other.npred_background(), safe, nan_to_num)
        dataset.background = background
    if dataset.psf is not None and other.psf is not None:
        dataset.psf.stack(other.psf, weights=mask_safe_psf(other))
    if dataset.edisp is not None and other.edisp is not None:
        dataset.edisp.stack(other.edisp, weights=mask_safe_edisp(other))
    if dataset.mask_safe is not None and other.mask_safe is not None:
        dataset.mask_safe = _or(dataset.mask_safe, other.mask_safe)
    if dataset.mask_fit is not None and other.mask_fit is not None:
        dataset.mask_fit = _or(dataset.mask_fit, other.mask_fit)
    elif other.mask_fit is not None:
        dataset.mask_fit = other.mask_fit.copy()
    stack_gti(dataset, other)


def to_masked(dataset, name=None, nan_to_num: bool = True):
    """An empty dataset on the same geometries with ``dataset`` stacked into it: the data
    outside ``mask_safe`` are dropped (zero), ``mask_safe`` is kept."""
    masked = empty_from_geoms(type(dataset), dataset_geoms(dataset), name=make_name(name))
    stack(masked, dataset, nan_to_num=nan_to_num)
    return masked


def slice_by_idx(dataset, slices: dict, name=None):
    """The maps sliced along the axes they have (e.g. ``{"energy": slice(1, 3)}``)."""
    if not isinstance(slices, dict):
        raise TypeError(f"slices must be a dict of axis name to slice or int, got {slices!r}")

    def cut(m):
        if m is None:
            return None
        own = {k: v for k, v in slices.items() if k in [a.name for a in m.geom.axes]}
        return m.slice_by_idx(own) if own else m.copy()

    return type(dataset)(
        counts=cut(dataset.counts),
        exposure=cut(dataset.exposure),
        background=cut(dataset.background),
        psf=None if dataset.psf is None else dataset.psf.slice_by_idx(slices),
        edisp=None if dataset.edisp is None else dataset.edisp.slice_by_idx(slices),
        mask_safe=cut(dataset.mask_safe),
        mask_fit=cut(dataset.mask_fit),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )


def slice_by_energy(dataset, energy_min=None, energy_max=None, name=None):
    """The reconstructed-energy bins inside ``[energy_min, energy_max]`` (gammapy's rule: the
    range is snapped to the nearest edges and the bins between them are kept)."""
    axis = dataset.geom.axes["energy"]
    edges = axis.edges
    low = edges[0] if energy_min is None else u.Quantity(energy_min).to(edges.unit)
    high = edges[-1] if energy_max is None else u.Quantity(energy_max).to(edges.unit)
    if not low < high:
        raise ValueError(f"energy_min ({low}) must be below energy_max ({high})")
    first = int(np.argmin(np.abs(np.log(edges.value / low.value))))
    last = int(np.argmin(np.abs(np.log(edges.value / high.value))))
    if last <= first:
        raise ValueError(f"no energy bin between {low} and {high}: the axis edges are {edges}")
    return slice_by_idx(dataset, {"energy": slice(first, last)}, name=name)


def info_dict(dataset, in_safe_data_range: bool = True) -> dict:
    """gammapy's summary numbers of a dataset (inside ``mask_safe`` by default).

    ``stat_sum`` is NaN (skymask does not fit); ``ontime`` is the GTI's ``time_sum`` (NaN s
    without a GTI).
    """
    info = {"name": dataset.name}
    safe = dataset.mask_safe
    mask = safe.data.astype(bool) if (safe is not None and in_safe_data_range) else slice(None)
    counts = 0
    background = excess = sqrt_ts = np.nan
    if dataset.counts is not None:
        counts = dataset.counts.data[mask].sum()
        if dataset.background is not None:
            background = float(dataset.background.data[mask].sum())
            excess = float(counts - background)
            sqrt_ts = float(cash_significance(counts, background))
    info["counts"] = int(counts)
    info["excess"] = float(excess)
    info["sqrt_ts"] = sqrt_ts
    info["background"] = float(background)
    npred = np.nan if np.isnan(background) else dataset.npred().data[mask].sum()
    info["npred"] = float(npred)
    npred_background = np.nan
    if dataset.background is not None:
        npred_background = dataset.npred_background().data[mask].sum()
    info["npred_background"] = float(npred_background)
    info["npred_signal"] = float(np.nan)
    exposure_min = exposure_max = np.nan * u.Unit("cm2 s")
    livetime = np.nan * u.s
    if dataset.exposure is not None:
        use = dataset.exposure.data > 0
        if safe is not None:
            use = use & dataset.mask_safe_image.data[np.newaxis]
        if not use.any():
            use = slice(None)
        exposure_min = np.min(dataset.exposure.quantity[use])
        exposure_max = np.max(dataset.exposure.quantity[use])
        livetime = u.Quantity(dataset.exposure.meta.get("livetime", np.nan * u.s))
    info["exposure_min"] = exposure_min.item() if hasattr(exposure_min, "item") else exposure_min
    info["exposure_max"] = exposure_max.item() if hasattr(exposure_max, "item") else exposure_max
    info["livetime"] = livetime
    gti = getattr(dataset, "gti", None)
    info["ontime"] = u.Quantity(np.nan, "s") if gti is None else gti.time_sum
    info["counts_rate"] = info["counts"] / livetime
    info["background_rate"] = info["background"] / livetime
    info["excess_rate"] = info["excess"] / livetime
    info["n_bins"] = int(0 if dataset.counts is None else dataset.counts.data.size)
    info["n_fit_bins"] = int(0 if dataset.mask is None else np.sum(dataset.mask.data))
    info["stat_type"] = "cash"
    info["stat_sum"] = float(np.nan)
    return info


def sum_energy(m: Map | None, weights: Map | None) -> Map | None:
    """The map summed over ``energy`` (times ``weights``), one energy bin kept."""
    if m is None:
        return None
    geom = m.geom
    index = len(geom.axes) - 1 - geom.axes.index_of("energy")
    data = m.data.astype(float)
    if weights is not None:
        data = data * weights.data
    return Map.from_geom(geom.squash("energy"), data=data.sum(axis=index, keepdims=True))


def any_energy(m: Map | None) -> Map | None:
    """A mask ORed over ``energy`` (one bin kept): a bool map."""
    if m is None:
        return None
    index = len(m.geom.axes) - 1 - m.geom.axes.index_of("energy")
    return Map.from_geom(m.geom.squash("energy"), data=m.data.any(axis=index, keepdims=True))


def to_image(dataset, name=None):
    """Sum over reconstructed energy inside ``mask_safe`` (gammapy's ``to_image``): counts
    and background summed with the safe mask, masks ORed, EDisp summed with
    `mask_safe_edisp`; exposure and PSF unchanged."""
    safe = dataset.mask_safe
    edisp = dataset.edisp
    if edisp is not None and not in_migration(edisp):
        edisp = edisp.to_image(weights=mask_safe_edisp(dataset))
    counts = sum_energy(dataset.counts, safe)
    if counts is not None:
        counts = Map.from_geom(counts.geom, data=counts.data.astype(dataset.counts.data.dtype))
    return type(dataset)(
        counts=counts,
        exposure=dataset.exposure,
        background=sum_energy(dataset.background, safe),
        psf=dataset.psf,
        edisp=edisp,
        mask_safe=any_energy(safe),
        mask_fit=any_energy(dataset.mask_fit),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )


# ---------------------------------------------------------------------- spatial and energy
# These use the maps' own cutout / downsample / pad / resample_axis.


def _map_or_none(m, method, **kwargs):
    return None if m is None else getattr(m, method)(**kwargs)


def cutout(dataset, position, width, mode="trim", name=None):
    """Every map, IRF and mask cut out around ``position`` (gammapy's ``cutout``)."""
    kwargs = {"position": position, "width": width, "mode": mode}
    return type(dataset)(
        counts=_map_or_none(dataset.counts, "cutout", **kwargs),
        exposure=_map_or_none(dataset.exposure, "cutout", **kwargs),
        background=_map_or_none(dataset.background, "cutout", **kwargs),
        psf=_map_or_none(dataset.psf, "cutout", **kwargs),
        edisp=_map_or_none(dataset.edisp, "cutout", **kwargs),
        mask_safe=_map_or_none(dataset.mask_safe, "cutout", **kwargs),
        mask_fit=_map_or_none(dataset.mask_fit, "cutout", **kwargs),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )


def downsample(dataset, factor, axis_name=None, name=None):
    """gammapy's ``downsample``: counts and background summed inside ``mask_safe``, exposure
    averaged over sky pixels, masks ORed (bool), EDisp summed along ``axis_name`` with
    `mask_safe_edisp`, PSF unchanged."""
    safe = dataset.mask_safe
    counts = background = exposure = edisp = None
    if dataset.counts is not None:
        counts = dataset.counts.downsample(
            factor=factor, preserve_counts=True, axis_name=axis_name, weights=safe
        )
    if dataset.exposure is not None:
        exposure = (
            dataset.exposure.downsample(factor=factor, preserve_counts=False)
            if axis_name is None
            else dataset.exposure.copy()
        )
    if dataset.background is not None:
        background = dataset.background.downsample(factor=factor, axis_name=axis_name, weights=safe)
    if dataset.edisp is not None:
        edisp = (
            dataset.edisp.downsample(
                factor=factor, axis_name=axis_name, weights=mask_safe_edisp(dataset)
            )
            if axis_name is not None and not in_migration(dataset.edisp)
            else dataset.edisp
        )

    def mask(m):
        return _map_or_none(
            m, "downsample", factor=factor, preserve_counts=False, axis_name=axis_name
        )

    return type(dataset)(
        counts=counts,
        exposure=exposure,
        background=background,
        psf=dataset.psf,
        edisp=edisp,
        mask_safe=mask(safe),
        mask_fit=mask(dataset.mask_fit),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )


def pad(dataset, pad_width, mode="constant", name=None):
    """Every map and mask padded on the sky (IRFs unchanged), as gammapy's ``pad``."""
    kwargs = {"pad_width": pad_width, "mode": mode}
    return type(dataset)(
        counts=_map_or_none(dataset.counts, "pad", **kwargs),
        exposure=_map_or_none(dataset.exposure, "pad", **kwargs),
        background=_map_or_none(dataset.background, "pad", **kwargs),
        psf=dataset.psf,
        edisp=dataset.edisp,
        mask_safe=_map_or_none(dataset.mask_safe, "pad", **kwargs),
        mask_fit=_map_or_none(dataset.mask_fit, "pad", **kwargs),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )


def resample_energy_axis(dataset, energy_axis, name=None):
    """gammapy's ``resample_energy_axis``: counts and background summed inside ``mask_safe``
    into the bins of ``energy_axis``, masks ORed (bool), EDisp summed with
    `mask_safe_edisp`; exposure and PSF unchanged."""
    safe = dataset.mask_safe

    def group(m, **kwargs):
        return _map_or_none(m, "resample_axis", axis=energy_axis, **kwargs)

    edisp = dataset.edisp
    if edisp is not None and not in_migration(edisp):
        edisp = edisp.resample_energy_axis(energy_axis, weights=mask_safe_edisp(dataset))
    return type(dataset)(
        counts=group(dataset.counts, weights=safe),
        exposure=dataset.exposure,
        background=group(dataset.background, weights=safe),
        psf=dataset.psf,
        edisp=edisp,
        mask_safe=group(safe, ufunc=np.logical_or),
        mask_fit=group(dataset.mask_fit, ufunc=np.logical_or),
        name=make_name(name),
        meta=dict(dataset.meta),
        gti=copied_gti(dataset),
    )
