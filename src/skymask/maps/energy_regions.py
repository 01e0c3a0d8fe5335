"""Exclusion circles whose radius follows the PSF: one radius per source and energy.

A source leaks counts into its surroundings as far as the PSF carries them, and the PSF of
every gamma-ray instrument shrinks with energy (Fermi-LAT: about 0.6 deg at 10 GeV, 0.1 deg at
1 TeV). `EnergyDependentCircles` holds, per source, a fixed radius ``r_source`` (the exclusion
radius grown by the source's extension) and a PSF; its radius at energy E is

    r(E) = sqrt(r_source**2 + r_psf(E)**2)

with ``r_psf(E)`` the radius containing ``containment`` of the PSF at the source position (the
two widths added in quadrature, as for a Gaussian source convolved with a Gaussian PSF).
`~skymask.maps.WcsGeom.region_mask` paints one plane per energy bin of the geometry.

Which energy of a bin: by default its **lowest edge**. The PSF shrinks with energy, so the
lowest edge has the largest radius of the bin: the excluded disk then holds at least
``containment`` of the photons at every energy of the bin, which is what an exclusion mask
promises (background estimates free of source counts). ``energy_point="center"`` takes the
bin's centre (in log energy) instead: a smaller mask that holds that fraction for the typical
photon of the bin only.

The PSF is only called, never imported: anything with gammapy's
``containment_radius(fraction, energy_true, position)`` works (`~skymask.irf.PSFMap`), so the
maps layer does not depend on the IRF layer.
"""

from __future__ import annotations

import numpy as np

from ..utils.lazy import coordinates as _coords
from ..utils.lazy import units as u
from ..utils.units import as_angle_deg, describe

__all__ = ["ENERGY_POINTS", "EnergyDependentCircles"]

#: Where in an energy bin the PSF radius is taken (the first is the default).
ENERGY_POINTS = ("lower", "center")


def _check_containment(containment) -> float:
    if isinstance(containment, (bool, np.bool_)) or not isinstance(
        containment, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"containment must be a number in (0, 1), got {describe(containment)}")
    value = float(containment)
    if not 0 < value < 1:
        raise ValueError(
            f"containment must be in (0, 1), got {value!r}: give the PSF fraction the "
            "exclusion radius must hold, e.g. 0.95"
        )
    return value


def _check_energy_point(energy_point) -> str:
    if energy_point not in ENERGY_POINTS:
        raise ValueError(
            f"energy_point must be one of {ENERGY_POINTS}, got {describe(energy_point)}: "
            "'lower' takes the PSF at each bin's lowest edge (the largest radius of the bin), "
            "'center' at its centre"
        )
    return energy_point


class EnergyDependentCircles:
    """Circles on the sky whose radius depends on energy through a PSF.

    The radius of source ``i`` at energy ``E`` is ``sqrt(r_source[i]**2 + r_psf(E)**2)``,
    with ``r_psf`` the PSF containment radius at the source position (see the module notes).
    Build them with `from_psf`, `from_regions`, or
    `~skymask.catalog.SourceCatalog.exclusion_regions` with ``psf=``; paint them with
    `~skymask.maps.WcsGeom.region_mask` on a geometry with an energy axis (one mask plane per
    energy bin).

    Parameters
    ----------
    centers : `~astropy.coordinates.SkyCoord`
        Source positions (one-dimensional).
    radius_source : angle or array of angles
        Radius of each source without the PSF (plain numbers are degrees); broadcast to
        ``centers``.
    psf : object
        The PSF: anything with ``containment_radius(fraction, energy_true, position)``, for
        example `~skymask.irf.PSFMap`.
    containment : float, default 0.95
        Fraction of the PSF inside ``r_psf``.
    energy_point : {"lower", "center"}, default "lower"
        Where in each energy bin the PSF radius is taken (the module notes say why the
        lowest edge is the default).

    Examples
    --------
    A PSF whose 95 % radius is 0.4 deg at 10 GeV and 0.1 deg at 1 TeV (a stand-in; real
    analyses pass a `~skymask.irf.PSFMap`):

    >>> import numpy as np
    >>> from astropy import units as u
    >>> from astropy.coordinates import Angle, SkyCoord
    >>> class ToyPSF:
    ...     def containment_radius(self, fraction, energy_true, position=None):
    ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
    ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
    >>> circles = EnergyDependentCircles(
    ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
    ... )
    >>> circles.radii([10, 1000] * u.GeV).round(3)
    <Angle [[0.5  , 0.316],
            [0.5  , 0.316]] deg>
    """

    def __init__(self, centers, radius_source, psf, containment=0.95, energy_point="lower"):
        if not isinstance(centers, _coords.SkyCoord):
            raise TypeError(f"centers must be a SkyCoord, got {describe(centers)}")
        if not hasattr(psf, "containment_radius"):
            raise TypeError(
                f"psf must have a containment_radius(fraction, energy_true, position) method "
                f"(a skymask.irf.PSFMap), got {describe(psf)}"
            )
        centers = centers.reshape(-1) if not centers.isscalar else centers.reshape((1,))
        radius = as_angle_deg(radius_source, name="radius_source", finite=True, sign="positive")
        self._centers = centers
        self._radius_source = np.broadcast_to(np.asarray(radius, dtype=float), centers.shape)
        self._psf = psf
        self._containment = _check_containment(containment)
        self._energy_point = _check_energy_point(energy_point)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_psf(cls, centers, radius_source, psf, containment=0.95, energy_point="lower"):
        """The same as the constructor (gammapy-style name for building from a PSF).

        Parameters
        ----------
        centers, radius_source, psf, containment, energy_point
            See `EnergyDependentCircles`.

        Returns
        -------
        `EnergyDependentCircles`

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from astropy.coordinates import Angle
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.2), "deg")
        >>> len(EnergyDependentCircles.from_psf(SkyCoord(0, 0, unit="deg"), 0.1, FlatPSF()))
        1
        """
        return cls(centers, radius_source, psf, containment, energy_point)

    @classmethod
    def from_regions(cls, regions, psf, containment=0.95, energy_point="lower"):
        """Grow sky circles by the PSF: ``r(E) = sqrt(r**2 + r_psf(E)**2)`` per circle.

        Parameters
        ----------
        regions : `regions.Regions` or list of `regions.CircleSkyRegion`
            The circles without the PSF (for example from a ds9 file read with
            `regions.Regions.read`). Other shapes have no single radius to grow: a TypeError
            names them (dilate their mask per energy plane instead).
        psf, containment, energy_point
            See `EnergyDependentCircles`.

        Returns
        -------
        `EnergyDependentCircles`

        Raises
        ------
        TypeError
            A region that is not a sky circle.

        Examples
        --------
        >>> from regions import CircleSkyRegion
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.4), "deg")
        >>> circle = CircleSkyRegion(SkyCoord(0, 0, unit="deg"), Angle(0.3, "deg"))
        >>> EnergyDependentCircles.from_regions([circle], FlatPSF()).radii("1 TeV")
        <Angle [[0.5]] deg>
        """
        regions = list(regions)
        names = {type(r).__name__ for r in regions}
        wrong = sorted(names - {"CircleSkyRegion", "CircleSphericalSkyRegion"})
        if wrong:
            raise TypeError(
                f"PSF-aware exclusion grows circles; got {', '.join(wrong)}: give sky circles, "
                "or build the mask of the other shapes and dilate each energy plane by the "
                "PSF radius"
            )
        if not regions:
            centers = _coords.SkyCoord([], [], unit="deg", frame="icrs")
            return cls(centers, np.zeros(0), psf, containment, energy_point)
        centers = _coords.SkyCoord([r.center for r in regions])
        radius = [_coords.Angle(r.radius).deg for r in regions]
        return cls(centers, radius, psf, containment, energy_point)

    # ------------------------------------------------------------------ properties
    @property
    def centers(self) -> _coords.SkyCoord:
        """Source positions.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import EnergyDependentCircles
        >>> class ToyPSF:  # 95 % radius 0.4 deg at 10 GeV, 0.1 deg at 1 TeV
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
        ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
        >>> circles = EnergyDependentCircles(
        ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
        ... )
        >>> circles.centers.l.deg
        array([0., 2.])
        """
        return self._centers

    @property
    def radius_source(self) -> _coords.Angle:
        """Radius of each source without the PSF.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import EnergyDependentCircles
        >>> class ToyPSF:  # 95 % radius 0.4 deg at 10 GeV, 0.1 deg at 1 TeV
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
        ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
        >>> circles = EnergyDependentCircles(
        ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
        ... )
        >>> circles.radius_source.deg
        array([0.3, 0.3])
        """
        return _coords.Angle(self._radius_source, u.deg)

    @property
    def psf(self):
        """The PSF the radii come from.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import EnergyDependentCircles
        >>> class ToyPSF:  # 95 % radius 0.4 deg at 10 GeV, 0.1 deg at 1 TeV
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
        ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
        >>> circles = EnergyDependentCircles(
        ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
        ... )
        >>> type(circles.psf).__name__
        'ToyPSF'
        """
        return self._psf

    @property
    def containment(self) -> float:
        """Fraction of the PSF inside the PSF radius.

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import EnergyDependentCircles
        >>> class ToyPSF:  # 95 % radius 0.4 deg at 10 GeV, 0.1 deg at 1 TeV
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
        ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
        >>> circles = EnergyDependentCircles(
        ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
        ... )
        >>> circles.containment
        0.95
        """
        return self._containment

    @property
    def energy_point(self) -> str:
        """Where in each energy bin the PSF radius is taken ("lower" or "center").

        Examples
        --------
        >>> import numpy as np
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import EnergyDependentCircles
        >>> class ToyPSF:  # 95 % radius 0.4 deg at 10 GeV, 0.1 deg at 1 TeV
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         e = energy_true.to_value("GeV") + np.zeros(np.shape(position))
        ...         return Angle(0.4 - 0.15 * np.log10(e / 10), "deg")
        >>> circles = EnergyDependentCircles(
        ...     SkyCoord([0, 2], [0, 0], unit="deg", frame="galactic"), "0.3 deg", ToyPSF()
        ... )
        >>> circles.energy_point
        'lower'
        """
        return self._energy_point

    def __len__(self) -> int:
        return self._centers.shape[0]

    def __repr__(self):
        return (
            f"EnergyDependentCircles({len(self)} circles, containment={self._containment}, "
            f"energy_point={self._energy_point!r})"
        )

    # ------------------------------------------------------------------ radii
    def bin_energies(self, axis) -> u.Quantity:
        """The energy of each bin of ``axis`` at which the PSF radius is taken.

        Parameters
        ----------
        axis : `~skymask.maps.MapAxis`
            An energy axis (true or reconstructed energy; see the notes of `radii_for_axis`).

        Returns
        -------
        `~astropy.units.Quantity`
            Lowest edges (``energy_point="lower"``) or centres, one per bin.

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.zeros(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position))), "deg")
        >>> circles = EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.3, FlatPSF())
        >>> circles.bin_energies(axis)
        <Quantity [0.01, 0.1 ] TeV>
        """
        return axis.edges[:-1] if self._energy_point == "lower" else axis.center

    def radii(self, energy) -> _coords.Angle:
        """Radius of every circle at every energy, shape ``(n_circles, n_energies)``.

        Parameters
        ----------
        energy : `~astropy.units.Quantity` or str
            Energies (scalar or one-dimensional), passed to the PSF as true energies.

        Returns
        -------
        `~astropy.coordinates.Angle`
            ``sqrt(r_source**2 + r_psf(E)**2)`` in degrees.

        Raises
        ------
        ValueError
            The PSF has no radius at some energy (outside its table, or its table holds less
            than ``containment``): the message names the sources and energies.

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.4), "deg")
        >>> EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.3, FlatPSF()).radii("1 TeV")
        <Angle [[0.5]] deg>
        """
        energy = u.Quantity(energy).reshape(-1)
        if len(self) == 0:
            return _coords.Angle(np.zeros((0, energy.size)), u.deg)
        psf_radius = self._psf.containment_radius(
            self._containment, energy[np.newaxis, :], position=self._centers[:, np.newaxis]
        )
        psf_deg = np.broadcast_to(_coords.Angle(psf_radius).deg, (len(self), energy.size))
        bad = ~np.isfinite(psf_deg)
        if bad.any():
            source, plane = np.nonzero(bad)
            raise ValueError(
                f"the PSF has no {self._containment:.0%} containment radius at "
                f"{describe(energy[np.unique(plane)])} for {bad.any(axis=1).sum()} source(s) "
                f"(first at {self._centers[source[0]]}): its table does not reach that "
                "fraction there; lower the containment or use a PSF with a longer radius axis"
            )
        return _coords.Angle(np.hypot(self._radius_source[:, np.newaxis], psf_deg), u.deg)

    def radii_for_axis(self, axis) -> _coords.Angle:
        """Radius of every circle in every bin of an energy axis (see `bin_energies`).

        The PSF is a function of true energy; on a reconstructed-energy axis the bin's
        reconstructed energy stands for the true energy (energy dispersion is not folded in).

        Parameters
        ----------
        axis : `~skymask.maps.MapAxis`
            Energy axis of the mask geometry.

        Returns
        -------
        `~astropy.coordinates.Angle`
            Shape ``(n_circles, axis.nbin)``.

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import MapAxis
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.4), "deg")
        >>> axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=3)
        >>> EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.3, FlatPSF()).radii_for_axis(
        ...     axis).shape
        (1, 3)
        """
        return self.radii(self.bin_energies(axis))

    def regions_at(self, energy):
        """The circles at one energy, as `regions.CircleSkyRegion` objects.

        Parameters
        ----------
        energy : `~astropy.units.Quantity` or str
            One energy.

        Returns
        -------
        `regions.Regions`

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.4), "deg")
        >>> circles = EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.3, FlatPSF())
        >>> circles.regions_at("100 GeV")[0].radius
        <Angle 0.5 deg>
        """
        if not u.Quantity(energy).isscalar:
            raise ValueError(f"regions_at takes one energy, got {describe(energy)}")
        return _circles(self._centers, self.radii(energy).deg[:, 0])

    def planes(self, axis) -> list:
        """One `regions.Regions` per bin of an energy axis (what `region_mask` paints).

        Parameters
        ----------
        axis : `~skymask.maps.MapAxis`
            Energy axis.

        Returns
        -------
        list of `regions.Regions`

        Examples
        --------
        >>> from astropy.coordinates import Angle, SkyCoord
        >>> from skymask.maps import MapAxis
        >>> class FlatPSF:
        ...     def containment_radius(self, fraction, energy_true, position=None):
        ...         return Angle(np.full(np.broadcast_shapes(np.shape(energy_true),
        ...                      np.shape(position)), 0.4), "deg")
        >>> axis = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=3)
        >>> circles = EnergyDependentCircles(SkyCoord(0, 0, unit="deg"), 0.3, FlatPSF())
        >>> len(circles.planes(axis))
        3
        """
        radii = self.radii_for_axis(axis).deg
        return [_circles(self._centers, radii[:, j]) for j in range(radii.shape[1])]


def _circles(centers, radius_deg):
    from regions import CircleSkyRegion, Regions

    return Regions(
        [
            CircleSkyRegion(center=center, radius=_coords.Angle(radius, u.deg))
            for center, radius in zip(centers, radius_deg, strict=True)
        ]
    )
