"""The private base of the IRF maps (`PSFMap`, `EDispKernelMap`, `EDispMap`), gammapy's
``IRFMap``: the rules they share about their axes live here once.

An IRF map has its two IRF axes (``required_axes``) first and may have further non-spatial
axes after them (e.g. a `~skymask.maps.LabelMapAxis` of event types), as gammapy's
``IRFMap`` keeps any axes. Stacking, cutouts, slicing and down-sampling work on every axis
(`skymask.irf._stacking`); evaluating one IRF (containment, kernels) needs one bin of each
extra axis, chosen with ``slice_by_idx``.
"""

from __future__ import annotations

import numpy as np
from astropy.coordinates import SkyCoord

from ..maps import Map
from ..maps.hpx.interp import interp_pixels
from ..utils.units import describe
from ._stacking import cutout_irf_maps, downsample_irf_maps, slice_irf_maps, stack_irf_maps


def one_sky_pixel(geom) -> bool:
    """Whether ``geom`` is gammapy's region layout: a WCS grid of one pixel (one IRF valid
    everywhere). A HEALPix grid is a sky image of its pixels, never that layout."""
    return not getattr(geom, "is_hpx", False) and geom.npix == (1, 1)


def over_sky(values, geom):
    """``values`` (the IRF axes, data order) with one length-1 axis per sky axis of ``geom``
    (two for WCS, one for HEALPix), ready to broadcast over its pixels."""
    values = np.asarray(values)
    return values.reshape(values.shape + (1,) * len(geom.to_image().data_shape))


def hpx_corners(geom, position):
    """``(index, weight, n_sky, shape)`` of gammapy's linear HEALPix interpolation at
    ``position`` (default the geometry's centre): the 4 pixels (data indices) and weights,
    each ``(n, 4)`` for the n positions flattened, the number of pixels and the positions'
    shape. A position outside a partial sky is a ValueError naming it."""
    if position is None:
        position = geom.center_skydir
    if not isinstance(position, SkyCoord):
        raise TypeError(f"position must be a SkyCoord or None, got {describe(position)}")
    sky = position.transform_to(geom.frame).spherical
    lon, lat = np.ravel(sky.lon.deg), np.ravel(sky.lat.deg)
    local, weight, valid = interp_pixels(geom, lon, lat)
    if not np.all(valid):
        bad = position if position.isscalar else position.ravel()[~valid]
        raise ValueError(
            f"position {bad} is outside the IRF map's HEALPix pixels ({geom!r}); give "
            "positions inside it or use an IRF map that covers them"
        )
    return local.T, weight.T, geom.data_shape[0], position.shape


class _IRFMap:
    """Shared axis rules of the IRF maps; subclasses set ``required_axes`` and
    ``_irf_attribute`` (the attribute that holds the IRF map)."""

    required_axes: tuple = ()
    _irf_attribute = ""
    #: What the exposure averages (for messages) and the usual variable name.
    _averaged = "IRFs"
    _variable = "irf"

    @property
    def _irf_map_for_stack(self) -> Map:
        return getattr(self, self._irf_attribute)

    @classmethod
    def _irf_axes_ok(cls, names) -> bool:
        """Whether the leading axis names are the IRF axes (in order by default)."""
        return list(names[: len(cls.required_axes)]) == list(cls.required_axes)

    @classmethod
    def _check_axes(cls, geom, what, example) -> None:
        names = [name.lower() for name in geom.axes.names]
        if not cls._irf_axes_ok(names):
            raise ValueError(
                f"{what} needs the axes {list(cls.required_axes)} in this order (any further "
                f"axes after them), got {names}; e.g. {example}"
            )

    @property
    def _exposure_energy_name(self) -> str:
        """The energy axis the exposure map keeps (the IRF axis it squashes is the other)."""
        return getattr(self, "energy_name", "energy_true")

    @property
    def _extra_axes(self) -> list[str]:
        """Names of the non-spatial axes beyond the two IRF axes."""
        names = self._irf_map_for_stack.geom.axes.names
        return list(names[len(self.required_axes) :])

    def _require_irf_axes_only(self, what) -> None:
        """Refuse to evaluate one IRF when the map holds several (extra axes)."""
        extra = self._extra_axes
        if extra:
            raise ValueError(
                f"{what} evaluates one IRF, but this {type(self).__name__} also has the axes "
                f"{extra}: select one bin of each first, e.g. "
                f"irf.slice_by_idx({{'{extra[0]}': 0}})"
            )

    # The bodies of the public stack / cutout / downsample / slice_by_idx of every IRF map
    # (each class keeps its own docstring and examples).
    def _stack(self, other, weights, nan_to_num) -> None:
        name = type(self).__name__
        if not isinstance(other, type(self)):
            article = "an" if name[0] in "AEIOU" else "a"
            raise TypeError(f"other must be {article} {name}, got {describe(other)}")
        if self._exposure_map is None or other._exposure_map is None:
            raise ValueError(
                f"Missing exposure map for {name}.stack: both maps need one (the "
                f"{self._averaged} are averaged with it); set {self._variable}.exposure_map"
            )
        stack_irf_maps(self, other, weights, nan_to_num)

    def _cutout(self, position, width, mode, min_npix):
        irf, exposure = cutout_irf_maps(
            self._irf_map_for_stack,
            self._exposure_map,
            position,
            width,
            mode=mode,
            min_npix=min_npix,
        )
        return type(self)(irf, exposure)

    def _downsample(self, factor, axis_name, weights):
        irf, exposure = downsample_irf_maps(
            self._irf_map_for_stack,
            self._exposure_map,
            factor,
            axis_name=axis_name,
            weights=weights,
            energy_name=self._exposure_energy_name,
        )
        return type(self)(irf, exposure)

    def _slice_by_idx(self, slices):
        irf, exposure = slice_irf_maps(
            self._irf_map_for_stack,
            self._exposure_map,
            slices,
            energy_name=self._exposure_energy_name,
        )
        return type(self)(irf, exposure)

    @staticmethod
    def _checked_exposure(value) -> Map | None:
        if value is not None and not isinstance(value, Map):
            raise TypeError(f"exposure_map must be a skymask Map or None, got {describe(value)}")
        return value
