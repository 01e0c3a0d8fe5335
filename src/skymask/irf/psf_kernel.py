"""`PSFKernel`: a PSF image per true energy, normalised to sum 1, to correlate maps with the
PSF (gammapy's ``PSFKernel``), and `psf_kernel_from_map` behind `PSFMap.get_psf_kernel`.

The kernel geometries come from the maps' ``to_odd_npix`` and ``upsample`` (gammapy's grids):
the PSF is evaluated at the centres of pixels ``factor`` times finer, summed back into the
kernel pixels, and each image is normalised to sum 1.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..maps import Map, WcsGeom
from ..utils.units import as_angle, describe

__all__ = ["PSF_MAX_OVERSAMPLING", "PSFKernel", "psf_kernel_from_map"]

#: gammapy's largest up-sampling factor of a PSF kernel.
PSF_MAX_OVERSAMPLING = 4


def _block_sum(image: np.ndarray, factor: int) -> np.ndarray:
    ny, nx = image.shape
    return image.reshape(ny // factor, factor, nx // factor, factor).sum(axis=(1, 3))


def _fine_separation(geom: WcsGeom, factor: int) -> np.ndarray:
    """Distance (radians) of the centres of ``factor`` x finer pixels from the centre."""
    fine = geom.to_image().upsample(factor) if factor > 1 else geom.to_image()
    return fine.separation(geom.center_skydir).to_value(u.rad)


class PSFKernel:
    """PSF images on a small odd-sized geometry, one per true energy (gammapy's PSFKernel).

    Parameters
    ----------
    psf_kernel_map : `~skymask.maps.Map`
        The kernel images (an image, or a cube with an ``energy_true`` axis).
    normalize : bool, default True
        Divide each image by its sum (images summing to 0 become 0).

    Examples
    --------
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> geom = WcsGeom.create(binsz=0.02, width=1)
    >>> kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
    >>> round(float(kernel.data.sum()), 6)
    1.0
    """

    def __init__(self, psf_kernel_map, normalize=True):
        if not isinstance(psf_kernel_map, Map):
            raise TypeError(f"psf_kernel_map must be a skymask Map, got {describe(psf_kernel_map)}")
        self._psf_kernel_map = psf_kernel_map
        if normalize:
            self.normalize()

    def normalize(self) -> None:
        """Each image divided by its sum (0 where the sum is 0), in place."""
        data = np.asarray(self._psf_kernel_map.data, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.nan_to_num(data / data.sum(axis=(-2, -1), keepdims=True))
        self._psf_kernel_map = Map.from_geom(self._psf_kernel_map.geom, data=data)

    @property
    def psf_kernel_map(self) -> Map:
        """The kernel map."""
        return self._psf_kernel_map

    @property
    def data(self) -> np.ndarray:
        """The kernel data (energy, y, x) or (y, x)."""
        return self._psf_kernel_map.data

    @classmethod
    def from_gauss(cls, geom, sigma, max_radius=None, factor=4) -> PSFKernel:
        """A 2-D Gaussian kernel of width ``sigma`` on ``geom``'s pixels (gammapy's).

        The kernel geometry is ``geom.to_odd_npix(max_radius)`` (default 5 sigma); the
        Gaussian is evaluated on pixels ``factor`` times finer and summed back.
        """
        sigma = as_angle(sigma, name="sigma").to_value(u.rad)
        if not np.isfinite(sigma) or sigma <= 0:
            raise ValueError(f"sigma must be a positive angle, got {np.degrees(sigma)} deg")
        max_radius = 5 * sigma * u.rad if max_radius is None else as_angle(max_radius)
        geom = geom.to_odd_npix(max_radius=max_radius)
        rad = _fine_separation(geom, factor)
        image = _block_sum(np.exp(-0.5 * (rad / sigma) ** 2), factor)
        data = np.broadcast_to(image, geom.data_shape).copy()
        return cls(Map.from_geom(geom, data=data))

    def slice_by_idx(self, slices) -> PSFKernel:
        """The kernel map sliced along its axes (``{"energy_true": slice(0, 2)}``)."""
        return type(self)(self._psf_kernel_map.slice_by_idx(slices), normalize=False)

    def to_image(self, exposure=None, keepdims=True) -> PSFKernel:
        """One image: the energy planes weighted by ``exposure`` (default uniform) times a
        power law of index 2 integrated over each true-energy bin (gammapy's default
        spectrum), summed and normalised."""
        geom = self._psf_kernel_map.geom
        if geom.is_image:
            return type(self)(self._psf_kernel_map.copy())
        axis = geom.axes["energy_true"]
        edges = axis.edges.to_value(u.TeV)
        weights = 1 / edges[:-1] - 1 / edges[1:]  # integral of E^-2 over each bin
        if exposure is not None:
            exposure = np.asarray(u.Quantity(exposure).value, dtype=float)
            if exposure.shape != (axis.nbin,):
                raise ValueError(
                    f"exposure needs one value per true-energy bin ({axis.nbin}), got "
                    f"shape {exposure.shape}"
                )
            weights = weights * exposure
        weights = weights / weights.sum()
        data = (self.data * weights[:, None, None]).sum(axis=0, keepdims=True)
        image_geom = geom.squash("energy_true") if keepdims else geom.to_image()
        return type(self)(Map.from_geom(image_geom, data=data.reshape(image_geom.data_shape)))

    def write(self, filename, overwrite=False) -> None:
        """Write the kernel map (see `~skymask.maps.Map.write`)."""
        self._psf_kernel_map.write(filename, overwrite=overwrite)

    @classmethod
    def read(cls, filename) -> PSFKernel:
        """Read a kernel map written by `write` (or by gammapy)."""
        return cls(Map.read(filename))

    def __repr__(self):
        return f"PSFKernel(shape={self.data.shape}, geom={self._psf_kernel_map.geom!r})"


def psf_kernel_from_map(
    psf_map, geom, position=None, max_radius=None, containment=0.999, precision_factor=12
) -> PSFKernel:
    """gammapy's ``PSFMap.get_psf_kernel`` (see there)."""
    if not isinstance(geom, WcsGeom):
        raise TypeError(f"geom must be a WcsGeom, got {describe(geom)}")
    energy = psf_map.energy_axis_true.center
    radii = psf_map.containment_radius(containment, energy, position=position).to(u.deg)
    # A table that does not reach the fraction (NaN, X20): the kernel covers the whole table.
    table_edge = psf_map.rad_axis.edges[-1].to(u.deg)
    radii = np.where(np.isfinite(radii), radii, table_edge)
    if max_radius is None:
        max_radius = np.max(radii)
    else:
        max_radius = as_angle(max_radius).to(u.deg)
        radii = np.minimum(radii, max_radius)
    r68 = psf_map.containment_radius(0.68, energy, position=position)
    pixel = np.max(geom.pixel_scales.to_value(u.deg))
    base = 2 * r68.to_value(u.deg) / pixel
    factors = np.minimum(np.ceil(precision_factor / base), PSF_MAX_OVERSAMPLING).astype(int)

    kernel_geom = geom.to_image().to_odd_npix(max_radius=max_radius)
    kernel_geom = kernel_geom.to_cube([psf_map.energy_axis_true])
    profiles = psf_map._profiles_at(position)  # (n_energy, n_rad) in sr-1
    rad_nodes = psf_map.rad_axis.center.to_value(u.rad)
    n = kernel_geom.npix[0]
    data = np.zeros(kernel_geom.data_shape)
    for i, (radius, factor) in enumerate(zip(radii, factors, strict=True)):
        cut = kernel_geom.to_image().to_odd_npix(max_radius=radius)
        rad = _fine_separation(cut, int(factor))
        values = np.clip(np.interp(rad, rad_nodes, profiles[i], right=0.0), 0, None)
        image = _block_sum(values, int(factor))
        m = image.shape[0]
        start = (n - m) // 2
        data[i, start : start + m, start : start + m] = image
    return PSFKernel(Map.from_geom(kernel_geom, data=data), normalize=True)
