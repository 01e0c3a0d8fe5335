"""`RecoPSFMap`: a PSF tabulated in radius and reconstructed energy on a sky grid."""

from __future__ import annotations

from astropy import units as u

from .psf import PSFMap

__all__ = ["RecoPSFMap"]


class RecoPSFMap(PSFMap):
    """A PSF tabulated in radius (``rad``) and reconstructed energy (``energy``), gammapy's
    ``RecoPSFMap``.

    Everything works as in `PSFMap` with the energy axis named ``energy`` instead of
    ``energy_true``: stacking, cutouts, slicing, FITS I/O (the same ``PSF`` and
    ``PSF_EXPOSURE`` HDUs; `PSFMap.read` gives a `RecoPSFMap` when the table has an
    ``energy`` axis, as gammapy) and PSF kernels, whose axis is then ``energy``.
    `~skymask.datasets.MapDataset.create` makes one with ``reco_psf=True``.

    Parameters
    ----------
    psf_map : `~skymask.maps.Map`
        PSF values in ``sr-1`` (or ``deg-2``), with the non-spatial axes ``rad`` and
        ``energy``.
    exposure_map : `~skymask.maps.Map`, optional
        Exposure on the same sky grid (``rad`` squashed), used to weight stacking.

    Raises
    ------
    ValueError
        The map has other axes (e.g. ``energy_true``: use `PSFMap`).

    Examples
    --------
    >>> from astropy import units as u
    >>> from skymask.irf import RecoPSFMap
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> energy = MapAxis.from_nodes([1, 10], name="energy", interp="log", unit="TeV")
    >>> psf = RecoPSFMap.from_gauss(energy, sigma=0.1 * u.deg, geom=WcsGeom.create(npix=3))
    >>> psf.energy_name, psf.psf_map.geom.axes.names
    ('energy', ['rad', 'energy'])
    """

    required_axes = ("rad", "energy")
    energy_name = "energy"

    @classmethod
    def from_gauss(cls, energy_axis, rad_axis=None, sigma=0.1 * u.deg, geom=None) -> RecoPSFMap:
        """A 2-D Gaussian PSF of width ``sigma`` everywhere (see `PSFMap.from_gauss`).

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            Reconstructed energy axis (named ``energy``).
        rad_axis : `~skymask.maps.MapAxis`, optional
            Radius axis (default `~skymask.irf.RAD_AXIS_DEFAULT`).
        sigma : `~astropy.units.Quantity`
            Width, one angle or one per energy bin.
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`, optional
            Sky grid (default an all-sky grid).

        Returns
        -------
        `RecoPSFMap`

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import RecoPSFMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_nodes([1, 10], name="energy", interp="log", unit="TeV")
        >>> psf = RecoPSFMap.from_gauss(energy, sigma=[0.2, 0.1] * u.deg)
        >>> r68 = psf.containment_radius(0.6827, 10 * u.TeV)  # 1.515 sigma (2-D Gaussian)
        >>> round(float(r68.deg), 3)
        0.152
        """
        return super().from_gauss(energy_axis, rad_axis=rad_axis, sigma=sigma, geom=geom)

    def containment(self, rad, energy, position=None) -> u.Quantity:
        """Fraction of the PSF within ``rad`` (see `PSFMap.containment`).

        Parameters
        ----------
        rad : `~astropy.units.Quantity` or str
            Angles.
        energy : `~astropy.units.Quantity` or str
            Reconstructed energies inside the table.
        position : `~astropy.coordinates.SkyCoord`, optional
            Sky positions (default the map centre).

        Returns
        -------
        `~astropy.units.Quantity`
            Dimensionless containment, shape ``broadcast(rad, energy, position)``.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import RecoPSFMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_nodes([1, 10], name="energy", interp="log", unit="TeV")
        >>> psf = RecoPSFMap.from_gauss(energy, sigma=0.1 * u.deg)
        >>> # 1 - exp(-1/2) within one sigma
        >>> round(float(psf.containment(0.1 * u.deg, 3 * u.TeV)), 3)
        0.393
        """
        return super().containment(rad, energy, position=position)

    def containment_radius(self, fraction, energy, position=None):
        """Radius containing ``fraction`` of the PSF (see `PSFMap.containment_radius`).

        Parameters
        ----------
        fraction : float or array-like
            Containment fractions in (0, 1].
        energy : `~astropy.units.Quantity` or str
            Reconstructed energies inside the table.
        position : `~astropy.coordinates.SkyCoord`, optional
            Sky positions (default the map centre).

        Returns
        -------
        `~astropy.coordinates.Angle`
            Radii in degrees, shape ``broadcast(fraction, energy, position)``.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import RecoPSFMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_nodes([1, 10], name="energy", interp="log", unit="TeV")
        >>> psf = RecoPSFMap.from_gauss(energy, sigma=0.1 * u.deg)
        >>> round(float(psf.containment_radius(0.6827, 3 * u.TeV).deg), 3)
        0.152
        """
        return super().containment_radius(fraction, energy, position=position)
