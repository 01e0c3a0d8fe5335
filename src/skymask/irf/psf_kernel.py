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


def _require_wcs_grid(geom) -> None:
    """A kernel is an image on WCS pixels (rows and columns around a centre pixel): HEALPix
    pixels have no such neighbourhood, so an HpxGeom is refused with the way out."""
    if getattr(geom, "is_hpx", False):
        raise TypeError(
            "a PSF kernel is an image on WCS pixels, so its geometry must be a WcsGeom, got "
            f"{describe(geom)}; use the HEALPix geometry's WCS grid, geom.to_wcs_geom() "
            "(PSFMap.get_psf_kernel does that, as gammapy)"
        )
    if not isinstance(geom, WcsGeom):
        raise TypeError(f"geom must be a WcsGeom, got {describe(geom)}")


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
        """Each image divided by its sum (0 where the sum is 0), in place.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> image = Map.from_geom(geom, data=np.arange(9.0).reshape(3, 3))
        >>> kernel = PSFKernel(image, normalize=False)
        >>> float(kernel.data.sum())
        36.0
        >>> kernel.normalize()
        >>> float(kernel.data.sum()), float(kernel.data[1, 1])  # 4 / 36
        (1.0, 0.1111111111111111)
        """
        data = np.asarray(self._psf_kernel_map.data, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.nan_to_num(data / data.sum(axis=(-2, -1), keepdims=True))
        self._psf_kernel_map = Map.from_geom(self._psf_kernel_map.geom, data=data)

    @property
    def psf_kernel_map(self) -> Map:
        """The kernel map.

        Examples
        --------
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import WcsGeom
        >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.1, width=2), sigma="0.1 deg")
        >>> kernel.psf_kernel_map.geom.npix  # 5 sigma on each side of the centre pixel
        (11, 11)
        """
        return self._psf_kernel_map

    @property
    def data(self) -> np.ndarray:
        """The kernel data (energy, y, x) or (y, x).

        Examples
        --------
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> geom = WcsGeom.create(binsz=0.1, width=2, axes=[energy])
        >>> kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
        >>> kernel.data.shape
        (2, 11, 11)
        >>> kernel.data.sum(axis=(1, 2)).round(12).tolist()
        [1.0, 1.0]
        """
        return self._psf_kernel_map.data

    @classmethod
    def from_gauss(cls, geom, sigma, max_radius=None, factor=4) -> PSFKernel:
        """A 2-D Gaussian kernel of width ``sigma`` on ``geom``'s pixels (gammapy's).

        The kernel geometry is ``geom.to_odd_npix(max_radius)`` (default 5 sigma); the
        Gaussian is evaluated on pixels ``factor`` times finer and summed back.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            Gives the pixel size, projection and non-spatial axes (the same image in each
            plane).
        sigma : angle
            Width of the Gaussian (a `~astropy.units.Quantity`, a string such as
            ``"0.1 deg"``, or a number in degrees).
        max_radius : angle, optional
            Half-width of the kernel; default ``5 * sigma``.
        factor : int, optional
            Over-sampling factor. Default 4.

        Returns
        -------
        PSFKernel
            Normalised to sum 1 in each plane.

        Raises
        ------
        ValueError
            ``sigma`` is not a positive finite angle.
        TypeError
            ``geom`` is not a `~skymask.maps.WcsGeom` (a HEALPix geometry: use its
            ``to_wcs_geom()``).

        Examples
        --------
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import WcsGeom
        >>> geom = WcsGeom.create(binsz=0.1, width=2)
        >>> kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
        >>> kernel.data.shape
        (11, 11)
        >>> # the exact pixel integral is erf(0.05 / (0.1 sqrt(2)))**2 = 0.1466
        >>> round(float(kernel.data[5, 5]), 3)
        0.147
        >>> PSFKernel.from_gauss(geom, sigma="0.1 deg", max_radius="0.2 deg").data.shape
        (5, 5)
        """
        _require_wcs_grid(geom)
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
        """The kernel map sliced along its axes (``{"energy_true": slice(0, 2)}``).

        Parameters
        ----------
        slices : dict
            Axis name to `slice` (keeps the axis) or `int` (drops it).

        Returns
        -------
        PSFKernel
            Not normalised again.

        Examples
        --------
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> geom = WcsGeom.create(binsz=0.1, width=2, axes=[energy])
        >>> kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
        >>> kernel.slice_by_idx({"energy_true": slice(0, 1)}).data.shape
        (1, 11, 11)
        >>> kernel.slice_by_idx({"energy_true": 0}).data.shape
        (11, 11)
        """
        return type(self)(self._psf_kernel_map.slice_by_idx(slices), normalize=False)

    def to_image(self, exposure=None, keepdims=True) -> PSFKernel:
        """One image: the energy planes weighted by ``exposure`` (default uniform) times a
        power law of index 2 integrated over each true-energy bin (gammapy's default
        spectrum), summed and normalised.

        Parameters
        ----------
        exposure : array-like or `~astropy.units.Quantity`, optional
            One value per true-energy bin; default uniform.
        keepdims : bool, optional
            Keep the ``energy_true`` axis as one bin (default True), else return an image.

        Returns
        -------
        PSFKernel
            A copy when the kernel is already an image.

        Raises
        ------
        ValueError
            ``exposure`` does not have one value per true-energy bin.

        Examples
        --------
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> planes = Map.from_geom(WcsGeom.create(npix=3, binsz=0.1, axes=[energy]))
        >>> planes.data[0, 1, 1] = planes.data[1, 0, 0] = 1  # a different pixel per energy
        >>> image = PSFKernel(planes).to_image()
        >>> image.data.shape
        (1, 3, 3)
        >>> # E**-2 integrated over 1-3.16 and 3.16-10 TeV: 1 - 10**-0.5 and 10**-0.5 - 0.1
        >>> round(float(image.data[0, 1, 1]), 6), round(float(image.data[0, 0, 0]), 6)
        (0.759747, 0.240253)
        >>> PSFKernel(planes).to_image(keepdims=False).data.shape
        (3, 3)
        """
        geom = self._psf_kernel_map.geom
        if geom.is_image:
            return type(self)(self._psf_kernel_map.copy())
        # A kernel of a RecoPSFMap has a reconstructed-energy axis.
        name = "energy_true" if "energy_true" in geom.axes.names else "energy"
        axis = geom.axes[name]
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
        image_geom = geom.squash(name) if keepdims else geom.to_image()
        return type(self)(Map.from_geom(image_geom, data=data.reshape(image_geom.data_shape)))

    def write(self, filename, overwrite=False) -> None:
        """Write the kernel map (see `~skymask.maps.Map.write`).

        Parameters
        ----------
        filename : str or path
            The FITS file to write.
        overwrite : bool, optional
            Replace an existing file. Default False.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import numpy as np
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import WcsGeom
        >>> kernel = PSFKernel.from_gauss(WcsGeom.create(binsz=0.1, width=2), sigma="0.1 deg")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kernel.write(Path(tmp) / "kernel.fits")
        ...     again = PSFKernel.read(Path(tmp) / "kernel.fits")
        >>> bool(np.allclose(again.data, kernel.data))
        True
        """
        self._psf_kernel_map.write(filename, overwrite=overwrite)

    @classmethod
    def read(cls, filename) -> PSFKernel:
        """Read a kernel map written by `write` (or by gammapy).

        Parameters
        ----------
        filename : str or path
            The FITS file.

        Returns
        -------
        PSFKernel
            Normalised to sum 1 in each plane.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.irf import PSFKernel
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> geom = WcsGeom.create(binsz=0.1, width=2, axes=[energy])
        >>> kernel = PSFKernel.from_gauss(geom, sigma="0.1 deg")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kernel.write(Path(tmp) / "kernel.fits")
        ...     again = PSFKernel.read(Path(tmp) / "kernel.fits")
        >>> again.data.shape
        (2, 11, 11)
        """
        return cls(Map.read(filename))

    def __repr__(self):
        return f"PSFKernel(shape={self.data.shape}, geom={self._psf_kernel_map.geom!r})"


def psf_kernel_from_map(
    psf_map, geom, position=None, max_radius=None, containment=0.999, precision_factor=12
) -> PSFKernel:
    """gammapy's ``PSFMap.get_psf_kernel`` (see there)."""
    _require_wcs_grid(geom)
    energy = psf_map._energy_axis.center
    radii = psf_map.containment_radius(containment, energy, position=position).to(u.deg)
    # A table that does not reach the fraction (NaN, X20): the kernel covers the whole table.
    table_edge = psf_map.rad_axis.edges[-1].to(u.deg)
    radii = np.where(np.isfinite(radii), radii, table_edge)
    if max_radius is None:
        max_radius = np.max(radii)
    else:
        max_radius = as_angle(max_radius).to(u.deg)
        radii = np.minimum(radii, max_radius)
    r68 = psf_map.containment_radius(0.68, energy, position=position).to(u.deg)
    # The same rule for the up-sampling factor (gammapy stops at the table's edge too).
    r68 = np.where(np.isfinite(r68), r68, table_edge)
    pixel = np.max(geom.pixel_scales.to_value(u.deg))
    base = 2 * r68.to_value(u.deg) / pixel
    factors = np.minimum(np.ceil(precision_factor / base), PSF_MAX_OVERSAMPLING).astype(int)

    kernel_geom = geom.to_image().to_odd_npix(max_radius=max_radius)
    kernel_geom = kernel_geom.to_cube([psf_map._energy_axis])
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
