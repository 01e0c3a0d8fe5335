"""`PSFMap`: a point-spread function tabulated in radius and true energy on a sky grid."""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.io import fits

from ..kernels import containment as core
from ..maps import Map, MapAxis
from ..utils.io import make_path, write_fits
from ..utils.units import as_angle, as_energy, describe
from ._irf_io import allsky_geom, read_irf_hdulist, write_irf_hdus
from ._irf_map import _IRFMap, hpx_corners, one_sky_pixel, over_sky

__all__ = ["RAD_AXIS_DEFAULT", "PSFMap"]

# Energies this close (relatively) to the first or last node count as on it: float32 edges
# such as 9.9999998 GeV must not fall outside a table that starts at 10 GeV.
_ENERGY_RTOL = 1e-6
_PIXEL_ATOL = 1e-9


def _sr_factor(unit) -> float:
    """Factor turning PSF values in ``unit`` into sr^-1."""
    try:
        return float(u.Unit(unit).to(u.sr**-1))
    except u.UnitConversionError:
        hint = (
            " (the file gave no unit: set psf_map.unit = 'sr-1' if the values are per steradian)"
            if u.Unit(unit) == u.dimensionless_unscaled
            else ""
        )
        raise u.UnitConversionError(
            f"a PSF map must be a density per solid angle (convertible to sr-1), got unit "
            f"'{unit}'{hint}"
        ) from None


def _as_fraction(value) -> np.ndarray:
    if isinstance(value, u.Quantity):
        try:
            value = value.to_value(u.dimensionless_unscaled)
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"fraction must be a plain number in (0, 1], got {describe(value)}"
            ) from None
    try:
        fraction = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"fraction must be a number in (0, 1], got {describe(value)}") from None
    bad = ~(np.isfinite(fraction) & (fraction > 0) & (fraction <= 1))
    if np.any(bad):
        values = np.unique(fraction[bad]).tolist()
        hint = "; give fractions, not percentages (0.95, not 95)" if np.any(fraction > 1) else ""
        raise ValueError(
            f"fraction must be a containment fraction in (0, 1], such as 0.68 or 0.95; "
            f"got {values}{hint}"
        )
    return fraction


#: gammapy's default PSF offset axis: 66 bins of 0.01 deg from 0 to 0.66 deg.
RAD_AXIS_DEFAULT = MapAxis.from_bounds(0, 0.66, nbin=66, node_type="edges", name="rad", unit="deg")


#: PSFMap subclasses of another energy axis (``"energy"``: `RecoPSFMap`), by that name: the
#: class `PSFMap.from_hdulist` gives a table of that axis.
_BY_ENERGY_NAME: dict = {}


class PSFMap(_IRFMap):
    """A PSF tabulated in radius (``rad``) and true energy (``energy_true``) on a sky grid.

    Parameters
    ----------
    psf_map : `~skymask.maps.Map`
        PSF values (a density per solid angle, e.g. ``sr-1``) with the non-spatial axes ``rad``
        and ``energy_true``, in either order. The ``rad`` nodes are the axis centres and must be
        increasing and non-negative; the energies are the ``energy_true`` centres, increasing.
        Further axes (event
        types, say) may follow, as gammapy keeps them: stacking, slicing, cutouts and
        down-sampling handle them; evaluating one IRF needs one bin of each
        (``slice_by_idx``).
    exposure_map : `~skymask.maps.Map`, optional
        The exposure the PSF was averaged with (``rad`` squashed to one bin). It is carried
        along for reading and writing datasets; the containment does not use it.

    Notes
    -----
    **Containment.** ``C(r) = integral_0^r 2 pi r' PSF(r') dr'`` (the flat-sky element that
    gammapy and the Fermi tools use). Between the rad nodes the integrand ``2 pi r PSF(r)`` is
    the monotone piecewise-cubic Hermite interpolant of its node values (PCHIP) and ``C`` its
    exact integral; PCHIP never leaves the range of the two neighbouring node values, so ``C``
    never decreases, and `containment_radius` inverts it to machine precision (the two methods
    are inverses of each other). When the first node is above 0, a node where the integrand
    is 0 is added at r = 0 (the PSF is then about flat inside the first node). On the Fermi
    radius grid, for King-function PSFs with known containment, radii come out within 1e-5
    (relative); the trapezoid rule would be off by up to 1.5e-3 there. gammapy 2.1 instead
    sums ``2 pi r PSF dr`` with the midpoint rule, puts the sums on the upper bin edges
    (which reads the containment low, by about 1e-3 at small radii), interpolates linearly
    on a 20 times finer grid and returns the nearest grid radius (up to half a fine step
    off: 0.07 % at r95, 0.17 % at r68 on the Fermi grid). On the Crab dataset the r95 of the
    two agree within 0.07 %.

    **No renormalisation.** The table is integrated as it is. Fermi ``gtpsf`` tables integrate
    to about 1.0013 (the same with any accurate rule, so this is in the table values, not a
    discretisation effect), and a table cut at a small radius integrates to less than 1 (the
    Galactic-centre dataset's: 0.9968 at 10 GeV within 1.85 deg). Dividing by the total would
    be wrong for cut tables and, for the Fermi ones, would move r95 out by about 1.3 %. Use
    `normalize` when you know the table covers the whole PSF. Beyond the last rad node the
    containment stays at the table's total, and fractions above that total give NaN radii.

    **Energy.** The containment curves of the two neighbouring energy nodes are mixed
    linearly in ``log(energy)`` (as gammapy does), and the radius is that of the mixed curve.
    Energies outside the nodes raise ValueError (no extrapolation; gammapy returns a radius
    of 0 there). A table with a single energy node applies at every energy.

    **Position.** The containment curves of the sky pixels are mixed bilinearly in pixel
    coordinates between pixel centres (as gammapy does), constant within half a pixel of the
    border, without wrapping around the sky. Pixels whose PSF is zero or not finite
    everywhere are left out and the weights of the others renormalised (NaN if none is left).
    Positions outside the sky grid raise ValueError. Region-map and ``gtpsf`` PSFs have a
    single spatial bin covering the sky, so the position has no effect there. On HEALPix
    pixels the 4 pixels of gammapy's HEALPix linear interpolation are mixed (healpy's
    weights; a neighbour outside a partial sky is replaced by the pixel holding the position;
    gammapy 2.1 fails there, X198).

    Examples
    --------
    >>> import numpy as np
    >>> from astropy import units as u
    >>> from skymask.irf import PSFMap
    >>> from skymask.maps import Map, MapAxis, WcsGeom
    >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 401), name="rad", unit="deg")
    >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
    >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
    >>> r = rad.center.to_value("rad")
    >>> sigma = np.radians([0.1, 0.05])[:, None]
    >>> psf = np.exp(-0.5 * (r / sigma) ** 2) / (2 * np.pi * sigma**2)
    >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
    >>> r68 = psf_map.containment_radius(0.68, 10 * u.GeV)  # 1.5096 sigma for a Gaussian
    >>> round(float(r68.deg), 4)
    0.151
    >>> psf_map.containment_radius([0.68, 0.95], 10 * u.GeV).unit
    Unit("deg")
    """

    #: The axes of the PSF table; the last one is the energy axis (gammapy's ``required_axes``).
    required_axes = ("rad", "energy_true")
    #: Name of the energy axis of the table (``"energy"`` for `RecoPSFMap`).
    energy_name = "energy_true"
    _irf_attribute = "_psf_map"
    _averaged = "PSFs"
    _variable = "psf"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.energy_name != PSFMap.energy_name:
            _BY_ENERGY_NAME.setdefault(cls.energy_name, cls)

    @classmethod
    def _irf_axes_ok(cls, names) -> bool:
        # rad and the energy axis in either order (as skymask always read them), then extras
        return sorted(names[:2]) == sorted(cls.required_axes)

    def __init__(self, psf_map, exposure_map=None):
        if not isinstance(psf_map, Map):
            raise TypeError(f"psf_map must be a skymask Map, got {describe(psf_map)}")
        if exposure_map is not None and not isinstance(exposure_map, Map):
            raise TypeError(f"exposure_map must be a skymask Map or None, got {exposure_map!r}")
        names = [name.lower() for name in psf_map.geom.axes.names]
        energy_name = self.energy_name
        if not self._irf_axes_ok(names):
            other = "energy" if energy_name == "energy_true" else "energy_true"
            hint = (
                f"; for a PSF in {'reconstructed' if other == 'energy' else 'true'} energy "
                f"('{other}') use {'RecoPSFMap' if other == 'energy' else 'PSFMap'}"
                if other in names
                else ""
            )
            raise ValueError(
                f"a {type(self).__name__} needs the axes 'rad' and '{energy_name}' first (any "
                f"further axes after them), got {names}{hint}; build the map with "
                f"MapAxis(..., name='rad') and name='{energy_name}'"
            )
        rad_axis = psf_map.geom.axes["rad"]
        if not rad_axis.unit.is_equivalent(u.rad):
            raise u.UnitConversionError(
                f"the 'rad' axis must be in angle units, got '{rad_axis.unit}'"
            )
        rad = rad_axis.center.to_value(u.rad)
        if rad.size < 2 or rad[0] < 0 or np.any(np.diff(rad) <= 0):
            raise ValueError(
                "the 'rad' axis needs at least 2 increasing, non-negative nodes, got "
                f"{describe(rad_axis.center)}"
            )
        energy = psf_map.geom.axes[energy_name].center
        if energy.size > 1 and np.any(np.diff(energy.value) <= 0):
            raise ValueError(f"the '{energy_name}' axis must be increasing, got {describe(energy)}")
        if not energy.unit.is_equivalent(u.TeV) or np.any(energy.value <= 0):
            raise ValueError(
                f"the '{energy_name}' axis must hold positive energies (a unit such as GeV), "
                f"got {describe(energy)}"
            )
        _sr_factor(psf_map.unit)
        self._psf_map = psf_map
        self._exposure_map = exposure_map
        self._layout = "image"

    # ------------------------------------------------------------------ attributes
    @property
    def psf_map(self) -> Map:
        """The PSF values (axes ``rad`` and ``energy_true``).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> psf_map.psf_map.geom.axes.names
        ['rad', 'energy_true']
        """
        return self._psf_map

    @property
    def exposure_map(self) -> Map | None:
        """The PSF exposure (``rad`` squashed to one bin), or None.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> psf_map.exposure_map is None
        True
        """
        return self._exposure_map

    @property
    def rad_axis(self):
        """The ``rad`` axis (offsets from the source).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> psf_map.rad_axis.nbin
        201
        """
        return self._psf_map.geom.axes["rad"]

    @property
    def energy_axis_true(self):
        """The ``energy_true`` axis.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> psf_map.energy_axis_true.center
        <Quantity [ 10., 100.] GeV>
        """
        return self._psf_map.geom.axes["energy_true"]

    @property
    def _energy_axis(self):
        """The energy axis of the table (``energy_name``)."""
        return self._psf_map.geom.axes[self.energy_name]

    @property
    def has_single_spatial_bin(self) -> bool:
        """True if the PSF map has one sky pixel (the position then has no effect).

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> psf_map.has_single_spatial_bin
        True
        """
        return one_sky_pixel(self._psf_map.geom)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_gauss(cls, energy_axis_true, rad_axis=None, sigma=0.1 * u.deg, geom=None) -> PSFMap:
        """A 2-D Gaussian PSF of width ``sigma`` everywhere, as gammapy 2.1's ``from_gauss``.

        ``PSF(r) = exp(-r^2 / (2 sigma^2)) / (2 pi sigma^2)`` in ``sr-1`` (``sigma`` in
        radians), the same at every position; the exposure map is 1 m2 s everywhere (``rad``
        squashed to one bin).

        Parameters
        ----------
        energy_axis_true : `~skymask.maps.MapAxis`
            True energy axis (named ``energy_true``).
        rad_axis : `~skymask.maps.MapAxis`, optional
            Offset axis; default `RAD_AXIS_DEFAULT` (66 bins of 0.01 deg up to 0.66 deg).
        sigma : angle or angles, default 0.1 deg
            One width, or one per true-energy bin.
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`, optional
            Sky grid; default gammapy's all-sky grid of 2 x 1 pixels of 180 deg (CAR).

        Returns
        -------
        PSFMap

        Raises
        ------
        ValueError
            ``sigma`` has neither one value nor one per true-energy bin, or is not positive.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_nodes([1, 3, 10], name="energy_true", interp="log", unit="TeV")
        >>> psf = PSFMap.from_gauss(energy, sigma=[0.1, 0.2, 0.3] * u.deg)
        >>> psf.psf_map.data.shape
        (3, 66, 1, 2)
        >>> r68 = psf.containment_radius(0.6827, energy_true=3 * u.TeV)  # sqrt(-2 ln 0.3173) sigma
        >>> round(float(r68.to_value("deg")), 3)
        0.303
        """
        if rad_axis is None:
            rad_axis = RAD_AXIS_DEFAULT.copy()
        if not isinstance(energy_axis_true, MapAxis) or not isinstance(rad_axis, MapAxis):
            raise TypeError(
                "energy_axis_true and rad_axis must be MapAxis objects, got "
                f"{describe(energy_axis_true)} and {describe(rad_axis)}"
            )
        sigma = u.Quantity(sigma)
        if not sigma.unit.is_equivalent(u.deg):
            raise u.UnitConversionError(f"sigma must be an angle, got {describe(sigma)}")
        sigma = np.atleast_1d(sigma.to_value(u.rad))
        n_energy = energy_axis_true.nbin
        if sigma.ndim != 1 or sigma.size not in (1, n_energy):
            raise ValueError(
                f"sigma must be one angle or one per true-energy bin ({n_energy}), got "
                f"{sigma.size} values"
            )
        if np.any(~np.isfinite(sigma) | (sigma <= 0)):
            raise ValueError(f"sigma must be positive, got {np.degrees(sigma)} deg")
        axes = [rad_axis, energy_axis_true]
        geom = allsky_geom(axes) if geom is None else geom.to_image().to_cube(axes)
        rad = rad_axis.center.to_value(u.rad)[np.newaxis, :]
        sigma = sigma[:, np.newaxis]
        profile = np.exp(-0.5 * (rad / sigma) ** 2) / (2 * np.pi * sigma**2)
        data = np.broadcast_to(over_sky(profile, geom), geom.data_shape).copy()
        psf_map = Map.from_geom(geom, data=data, unit="sr-1")
        exposure = Map.from_geom(geom.squash("rad"), unit="m2 s")
        exposure.data[...] = 1.0
        return cls(psf_map, exposure)

    # ------------------------------------------------------------------ stacking, slicing
    @exposure_map.setter
    def exposure_map(self, value):
        self._exposure_map = self._checked_exposure(value)

    def stack(self, other, weights=None, nan_to_num=True) -> None:
        """Add ``other`` in place, exposure-weighted, as gammapy's ``IRFMap.stack``.

        ``psf = (psf * exposure + other.psf * other.exposure * weights) / (exposure +
        other.exposure * weights)``; pixels without exposure get 0.

        Parameters
        ----------
        other : `PSFMap`
            On the same sky grid and axes.
        weights : `~skymask.maps.Map`, optional
            Weights (a mask) of ``other``, broadcast to the PSF map's shape.
        nan_to_num : bool, default True
            Non-finite values of ``other`` count as 0.

        Raises
        ------
        TypeError
            ``other`` is not a `PSFMap`.
        ValueError
            Either map has no exposure map, or the geometries differ.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_nodes([1, 10], name="energy_true", interp="log", unit="TeV")
        >>> psf = PSFMap.from_gauss(energy, sigma=0.1 * u.deg)  # exposure 1 m2 s
        >>> other = PSFMap.from_gauss(energy, sigma=0.2 * u.deg)
        >>> other.exposure_map.data[...] = 3
        >>> narrow, wide = psf.psf_map.data[0, 0, 0, 0], other.psf_map.data[0, 0, 0, 0]
        >>> psf.stack(other)
        >>> bool(psf.psf_map.data[0, 0, 0, 0] == (narrow + 3 * wide) / 4)
        True
        >>> psf.exposure_map.data[:, 0, 0, 0].tolist()
        [4.0, 4.0]
        """
        self._stack(other, weights, nan_to_num)

    def cutout(self, position, width, mode="trim", min_npix=3) -> PSFMap:
        """The IRF and exposure maps cut out around ``position`` (at least ``min_npix``
        pixels: IRF maps are coarse), as gammapy's ``IRFMap.cutout``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle or tuple of two angles
            Width of the cutout (lon, lat).
        mode : {"trim", "partial", "strict"}, optional
            As `~skymask.maps.Map.cutout`. Default ``"trim"``.
        min_npix : int, optional
            Smallest number of pixels along each side. Default 3.

        Returns
        -------
        PSFMap

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from astropy import units as u
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_nodes([1, 10], name="energy_true", interp="log", unit="TeV")
        >>> geom = WcsGeom.create(npix=5, binsz=1)
        >>> psf = PSFMap.from_gauss(energy, sigma=[0.2, 0.1] * u.deg, geom=geom)
        >>> cut = psf.cutout(SkyCoord(0, 0, unit="deg"), width="1 deg")  # 1 pixel, min 3
        >>> cut.psf_map.data.shape, cut.exposure_map.data.shape
        ((2, 66, 3, 3), (2, 1, 3, 3))
        """
        return self._cutout(position, width, mode, min_npix)

    def downsample(self, factor, axis_name=None, weights=None) -> PSFMap:
        """gammapy's ``IRFMap.downsample``: sky pixels averaged, or bins of ``axis_name``
        summed with ``weights``; the exposure map follows.

        Parameters
        ----------
        factor : int
            Down-sampling factor.
        axis_name : str, optional
            A non-spatial axis to down-sample (its bins summed); default the sky pixels
            (averaged).
        weights : `~skymask.maps.Map`, optional
            Weights of the summed bins.

        Returns
        -------
        PSFMap

        Examples
        --------
        >>> import numpy as np
        >>> from astropy import units as u
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_nodes([1, 10], name="energy_true", interp="log", unit="TeV")
        >>> geom = WcsGeom.create(npix=5, binsz=1)
        >>> psf = PSFMap.from_gauss(energy, sigma=[0.2, 0.1] * u.deg, geom=geom)
        >>> down = psf.downsample(5)
        >>> down.psf_map.data.shape, down.exposure_map.data.shape
        ((2, 66, 1, 1), (2, 1, 1, 1))
        >>> bool(np.allclose(down.psf_map.data[..., 0, 0], psf.psf_map.data[..., 0, 0]))
        True
        """
        return self._downsample(factor, axis_name, weights)

    def _profiles_at(self, position=None) -> np.ndarray:
        """PSF profiles (sr^-1) per true-energy node at ``position``, shape (n_energy, n_rad),
        mixed bilinearly between pixel centres as `containment` (unusable pixels left out)."""
        if position is not None and isinstance(position, SkyCoord) and not position.isscalar:
            position = position.ravel()[:1]
        index, weight, n_sky, _ = self._sky_corners(position)
        spatial, weight = index[0], weight[0]
        _, psf, usable = self._profiles()
        n_energy = self._energy_axis.nbin
        profiles = psf.reshape(n_energy, n_sky, -1)
        ok = usable.reshape(n_energy, n_sky)[:, spatial] * weight
        total = ok.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = np.where(total > 0, ok / total, 0.0)
        return np.einsum("ek,ekr->er", ok, np.nan_to_num(profiles[:, spatial]))

    def _sky_corners(self, position):
        """The 4 sky pixels mixed at each position and their weights, each ``(n, 4)`` for the
        n positions (flattened), the number of sky pixels and the positions' shape: bilinear
        between WCS pixel centres, gammapy's HEALPix ring interpolation on HEALPix."""
        geom = self._psf_map.geom.to_image()
        if getattr(geom, "is_hpx", False):
            return hpx_corners(geom, position)
        x, y = self._position_pix(position)
        nx, ny = geom.npix
        x_index, x_weight = core.linear_weights(np.arange(nx, dtype=float), x.ravel())
        y_index, y_weight = core.linear_weights(np.arange(ny, dtype=float), y.ravel())
        index = (y_index[:, :, None] * nx + x_index[:, None, :]).reshape(-1, 4)
        weight = (y_weight[:, :, None] * x_weight[:, None, :]).reshape(-1, 4)
        return index, weight, nx * ny, x.shape

    def get_psf_kernel(
        self, geom, position=None, max_radius=None, containment=0.999, precision_factor=12
    ):
        """The PSF at ``position`` as a `~skymask.irf.PSFKernel` on ``geom``'s pixels, to
        correlate maps with the PSF (gammapy's ``get_psf_kernel``).

        The kernel has odd size covering ``max_radius`` (default the largest ``containment``
        radius over the true energies); each energy's PSF is evaluated out to its own
        containment radius on pixels up to 4 times finer (so that the 68 % radius spans
        ``precision_factor`` fine pixels), summed back and normalised to sum 1.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
            Gives the pixel size, projection and frame of the kernel; a HEALPix geometry
            gives those of its `~skymask.maps.HpxGeom.to_wcs_geom` (gammapy's rule).
        position : `~astropy.coordinates.SkyCoord`, optional
            Default the centre of the PSF map.
        max_radius : angle, optional
        containment : float, default 0.999
        precision_factor : int, default 12

        Returns
        -------
        `~skymask.irf.PSFKernel`

        Examples
        --------
        >>> import numpy as np
        >>> from astropy import units as u
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_nodes([1, 10], name="energy_true", interp="log", unit="TeV")
        >>> geom = WcsGeom.create(npix=5, binsz=1)
        >>> psf = PSFMap.from_gauss(energy, sigma=[0.2, 0.1] * u.deg, geom=geom)
        >>> kernel = psf.get_psf_kernel(WcsGeom.create(binsz=0.02, width=2), max_radius="1 deg")
        >>> kernel.data.shape
        (2, 101, 101)
        >>> x = (np.arange(101) - 50) * 0.02  # deg from the centre
        >>> rms = np.sqrt((kernel.data * x**2).sum(axis=(1, 2)))  # a Gaussian's is sigma
        >>> round(float(rms[1]), 3)
        0.1
        """
        from .psf_kernel import psf_kernel_from_map

        if getattr(geom, "is_hpx", False):
            # gammapy's rule: a kernel is an image on WCS pixels; a HEALPix geometry gives
            # the grid of its to_wcs_geom() (AIT, pixels half the HEALPix size)
            geom = geom.to_wcs_geom()
        return psf_kernel_from_map(
            self,
            geom,
            position=position,
            max_radius=max_radius,
            containment=containment,
            precision_factor=precision_factor,
        )

    def slice_by_idx(self, slices) -> PSFMap:
        """Slice along ``rad`` / ``energy_true`` (other keys are ignored, as gammapy).

        Parameters
        ----------
        slices : dict
            Axis name to `slice` or `int`; the exposure map follows ``energy_true``.

        Returns
        -------
        PSFMap

        Raises
        ------
        TypeError
            ``slices`` is not a dict.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_nodes([1, 10], name="energy_true", interp="log", unit="TeV")
        >>> geom = WcsGeom.create(npix=5, binsz=1)
        >>> psf = PSFMap.from_gauss(energy, sigma=[0.2, 0.1] * u.deg, geom=geom)
        >>> high = psf.slice_by_idx({"energy_true": slice(1, 2)})
        >>> high.psf_map.data.shape, high.exposure_map.data.shape
        ((1, 66, 5, 5), (1, 1, 5, 5))
        >>> r68 = high.containment_radius(0.6827, 10 * u.TeV)  # sqrt(-2 ln 0.3173) sigma
        >>> round(float(r68.deg), 3)
        0.152
        """
        return self._slice_by_idx(slices)

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_hdulist(
        cls,
        hdulist,
        hdu="PSF",
        format="gadf",
        *,
        hdu_bands=None,
        exposure_hdu=None,
        exposure_hdu_bands=None,
    ) -> PSFMap:
        """PSF map from an open FITS file (a MapDataset file, a PSF file or a gtpsf file).

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
        hdu : str
            Name of the PSF HDU (default ``"PSF"``).
        format : {"gadf", "gtpsf"}
            gammapy layout (image or region-map table, recognised from the HDU), or the Fermi
            ``gtpsf`` tables ``PSF`` and ``THETA``.
        hdu_bands, exposure_hdu, exposure_hdu_bands : str, optional
            Other HDU names (defaults: from ``BANDSHDU`` or ``<HDU>_BANDS``,
            ``<HDU>_EXPOSURE``; the exposure is optional).

        Returns
        -------
        `PSFMap`
            The PSF map (an instance of ``cls``).

        Raises
        ------
        KeyError
            A named HDU or a required column is missing.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> PSFMap.from_hdulist(psf_map.to_hdulist()).rad_axis.nbin
        201
        """
        filename = getattr(hdulist, "filename", lambda: None)() or "<hdulist>"
        psf_map, exposure_map, layout = read_irf_hdulist(
            hdulist,
            hdu=hdu,
            format=format,
            hdu_bands=hdu_bands,
            exposure_hdu=exposure_hdu,
            exposure_hdu_bands=exposure_hdu_bands,
            filename=filename,
        )
        output_class = cls
        if cls is PSFMap:
            # A PSF in reconstructed energy reads as that class, as in gammapy: the subclass
            # for the table's energy axis (subclasses register themselves, so this module
            # does not import theirs).
            names = psf_map.geom.axes.names
            output_class = next(
                (sub for name, sub in _BY_ENERGY_NAME.items() if name in names), cls
            )
        result = output_class(psf_map, exposure_map)
        result._layout = layout
        return result

    @classmethod
    def read(cls, filename, format="gadf", hdu="PSF") -> PSFMap:
        """Read a PSF map from a FITS file (see `from_hdulist`).

        Parameters
        ----------
        filename : str or path
            The FITS file.
        format : {"gadf", "gtpsf"}
            Layout (see `from_hdulist`).
        hdu : str
            Name of the PSF HDU.

        Returns
        -------
        `PSFMap`
            The PSF map.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     psf_map.write(Path(tmp) / "psf.fits")
        ...     again = PSFMap.read(Path(tmp) / "psf.fits")
        >>> again.energy_axis_true.nbin
        2
        """
        path = make_path(filename)
        if not path.exists():
            raise FileNotFoundError(
                f"no such PSF file: {path} (gammapy datasets live under $GAMMAPY_DATA)"
            )
        with fits.open(path, memmap=False) as hdulist:
            return cls.from_hdulist(hdulist, hdu=hdu, format=format)

    def to_hdus(self, hdu="PSF", format="gadf") -> list:
        """The PSF and exposure HDUs (no primary HDU), for appending to a dataset file.

        With ``format="gadf"`` a PSF read from a region-map table is written as one again
        (``PSF``, ``PSF_BANDS``, ``PSF_EXPOSURE``, ``PSF_EXPOSURE_BANDS``); other PSFs as
        images with their WCS. ``format="gtpsf"`` needs a single spatial bin and an exposure.

        Parameters
        ----------
        hdu : str
            Name of the PSF HDU.
        format : {"gadf", "gtpsf"}
            Layout.

        Returns
        -------
        list of HDUs
            The HDUs.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> [h.name for h in psf_map.to_hdus()]
        ['PSF', 'PSF_BANDS']
        """
        return write_irf_hdus(
            self._psf_map, self._exposure_map, layout=self._layout, hdu=hdu, format=format
        )

    def to_hdulist(self, format="gadf") -> fits.HDUList:
        """An HDU list: an empty primary HDU followed by `to_hdus`.

        Parameters
        ----------
        format : {"gadf", "gtpsf"}
            Layout.

        Returns
        -------
        `~astropy.io.fits.HDUList`
            The HDU list.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> [h.name for h in psf_map.to_hdulist()]
        ['PRIMARY', 'PSF', 'PSF_BANDS']
        """
        return fits.HDUList([fits.PrimaryHDU(), *self.to_hdus(format=format)])

    def write(self, filename, overwrite=False, format="gadf", checksum=False) -> None:
        """Write to a FITS file, atomically (see `to_hdulist`).

        Parameters
        ----------
        filename : str or path
            Output file.
        overwrite : bool
            Replace an existing file.
        format : {"gadf", "gtpsf"}
            Layout.
        checksum : bool
            Add CHECKSUM/DATASUM keywords.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     psf_map.write(Path(tmp) / "psf.fits")
        ...     (Path(tmp) / "psf.fits").stat().st_size > 0
        True
        """
        hdulist = self.to_hdulist(format=format)
        write_fits(hdulist, filename, overwrite=overwrite, checksum=checksum)

    # ------------------------------------------------------------------ containment
    def _profiles(self):
        """Radius nodes in radians and the PSF profiles in sr^-1, shape (energy * ny * nx, rad).

        Also returns whether each profile is usable: finite, and not zero everywhere.
        """
        self._require_irf_axes_only("the PSF containment")
        geom = self._psf_map.geom
        n_axes = len(geom.axes)
        rad_dim = n_axes - 1 - geom.axes.index_of("rad")
        energy_dim = n_axes - 1 - geom.axes.index_of(self.energy_name)
        data = np.moveaxis(self._psf_map.data, [energy_dim, rad_dim], [0, -1])
        psf = np.asarray(data, dtype=float).reshape(-1, data.shape[-1])
        psf = psf * _sr_factor(self._psf_map.unit)
        with np.errstate(invalid="ignore"):
            usable = np.all(np.isfinite(psf), axis=1) & np.any(psf > 0, axis=1)
        return self.rad_axis.center.to_value(u.rad), psf, usable

    @staticmethod
    def _curves(rad, psf):
        """Containment curves of PSF profiles; negative values (interpolation noise) count as 0."""
        integrand = 2 * np.pi * rad * np.clip(psf, 0.0, None)
        rad, integrand = core.extend_to_zero(rad, integrand)
        return rad, *core.containment_curves(rad, integrand)

    def _energy_log(self, energy_true) -> np.ndarray:
        name = self.energy_name
        energy = as_energy(energy_true, name=name)
        axis = self._energy_axis
        values = np.asarray(energy.to_value(axis.unit), dtype=float)
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ValueError(f"{name} must be positive and finite, got {describe(energy)}")
        log_values = np.log(values)
        nodes = np.log(axis.center.value)
        if nodes.size > 1:
            low, high = nodes[0] - _ENERGY_RTOL, nodes[-1] + _ENERGY_RTOL
            outside = (log_values < low) | (log_values > high)
            if np.any(outside):
                bad = u.Quantity(np.unique(values[outside]), axis.unit)
                raise ValueError(
                    f"{name} {describe(bad)} is outside the PSF table, which covers "
                    f"{axis.center[0]:.6g} to {axis.center[-1]:.6g}; the PSF is not "
                    "extrapolated: give energies inside this range"
                )
        return log_values

    def _position_pix(self, position):
        geom = self._psf_map.geom.to_image()
        if position is None:
            position = geom.center_skydir
        if not isinstance(position, SkyCoord):
            raise TypeError(f"position must be a SkyCoord or None, got {describe(position)}")
        x, y = (p.reshape(position.shape) for p in geom.coord_to_pix(position))
        nx, ny = geom.npix
        with np.errstate(invalid="ignore"):
            inside = (
                (x >= -0.5 - _PIXEL_ATOL)
                & (x <= nx - 0.5 + _PIXEL_ATOL)
                & (y >= -0.5 - _PIXEL_ATOL)
                & (y <= ny - 0.5 + _PIXEL_ATOL)
            )
        if not np.all(inside):
            bad = position if position.isscalar else position[~inside]
            raise ValueError(
                f"position {bad} is outside the PSF map's sky grid ({geom!r}); give positions "
                "inside it or use a PSF map that covers them"
            )
        return x, y

    def _evaluate(self, function, values, energy_true, position):
        """Broadcast values, energies and positions; apply a kernel function to the mixed
        containment curves (linear in log energy, bilinear on the sky grid)."""
        log_energy = self._energy_log(energy_true)
        sky_index, sky_weight, n_sky, position_shape = self._sky_corners(position)
        which = np.arange(sky_index.shape[0]).reshape(position_shape)  # position of each query
        shape = np.broadcast_shapes(values.shape, log_energy.shape, position_shape)
        values, log_energy, which = (
            np.broadcast_to(a, shape).ravel() for a in (values, log_energy, which)
        )
        rad, psf, usable = self._profiles()
        energy_nodes = np.log(self._energy_axis.center.value)
        e_index, e_weight = core.linear_weights(energy_nodes, log_energy)
        # Spatial corners (4) for each of the 2 energy nodes; unusable pixels get no weight.
        spatial_index = sky_index[which].reshape(-1, 1, 4)
        spatial_weight = sky_weight[which].reshape(-1, 1, 4)
        index = e_index[:, :, None] * n_sky + spatial_index
        weight = spatial_weight * usable[index]
        total = weight.sum(axis=2, keepdims=True)
        missing = np.any((total[..., 0] == 0) & (e_weight > 0), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(total > 0, weight / total, 0.0) * e_weight[:, :, None]
        index, weight = index.reshape(-1, 8), weight.reshape(-1, 8)
        used = np.any(weight > 0, axis=0)  # e.g. one sky pixel: only the 2 energy nodes
        index, weight = index[:, used], weight[:, used]
        # Only the profiles some query uses get a containment curve.
        needed = np.unique(index[weight > 0])
        result = np.full(values.shape, np.nan)
        if needed.size:
            index = np.where(weight > 0, np.searchsorted(needed, index), 0)
            curves = self._curves(rad, psf[needed])
            result = function(*curves, index, weight, values)
        result[missing] = np.nan
        return result.reshape(shape)

    def containment(self, rad, energy_true, position=None) -> u.Quantity:
        """Fraction of the PSF within ``rad`` of its centre.

        Parameters
        ----------
        rad : `~astropy.units.Quantity` or str
            Angles (``"0.1 deg"`` works), broadcast against ``energy_true`` and ``position``.
        energy_true : `~astropy.units.Quantity` or str
            True energies inside the PSF table's energy range.
        position : `~astropy.coordinates.SkyCoord`, optional
            Sky positions; default the centre of the PSF map's sky grid.

        Returns
        -------
        `~astropy.units.Quantity`
            Dimensionless containment, shape ``broadcast(rad, energy_true, position)``. Radii
            beyond the table give the table's total (not renormalised; see the class notes).

        Raises
        ------
        TypeError
            ``rad`` or ``energy_true`` without a unit; ``position`` not a SkyCoord.
        ValueError
            Negative radii, energies outside the table, positions outside the sky grid.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> round(float(psf_map.containment("0.1 deg", "10 GeV")), 3)  # 1 - exp(-1/2)
        0.393
        """
        # Plain numbers are refused: gammapy reads them in the unit of the rad axis (radians
        # in Fermi files, degrees in others), so neither reading would be safe.
        radius = as_angle(
            rad, name="rad", plain_numbers=False, finite=True, sign="non-negative"
        ).to_value(u.rad)
        values = self._evaluate(core.containment_at_radius, radius, energy_true, position)
        return u.Quantity(values, u.dimensionless_unscaled)

    def containment_radius(self, fraction, energy_true, position=None) -> Angle:
        """Radius that contains ``fraction`` of the PSF.

        Parameters
        ----------
        fraction : float or array-like
            Containment fractions in (0, 1], broadcast against ``energy_true`` and
            ``position``.
        energy_true : `~astropy.units.Quantity` or str
            True energies inside the PSF table's energy range (linear in log E between
            nodes).
        position : `~astropy.coordinates.SkyCoord`, optional
            Sky positions; default the centre of the PSF map's sky grid.

        Returns
        -------
        `~astropy.coordinates.Angle`
            Radii in degrees, shape ``broadcast(fraction, energy_true, position)`` (a scalar
            for scalar inputs). NaN where the table's total is below the fraction.

        Raises
        ------
        TypeError
            ``energy_true`` without an energy unit; ``position`` not a SkyCoord.
        ValueError
            A fraction outside (0, 1], energies outside the table, positions outside the sky
            grid.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> import astropy.units as u
        >>> psf_map.containment_radius(0.68, [10, 100] * u.GeV).deg.round(3)
        array([0.151, 0.075])
        """
        values = _as_fraction(fraction)
        radius = self._evaluate(core.radius_at_containment, values, energy_true, position)
        return Angle(np.degrees(radius), u.deg)

    def normalize(self) -> PSFMap:
        """A copy whose every profile integrates to 1 over the table's radii.

        Only right when the table covers the whole PSF: a table cut at a small radius would
        then over-state the containment. Profiles that are zero or not finite are kept.

        Returns
        -------
        `PSFMap`
            The normalised copy.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import PSFMap
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> rad = MapAxis.from_nodes(np.linspace(0, 1, 201), name="rad", unit="deg")
        >>> energy = MapAxis.from_nodes([10, 100], interp="log", name="energy_true", unit="GeV")
        >>> sigma = np.radians([0.1, 0.05])[:, None]  # a Gaussian PSF, narrower at 100 GeV
        >>> psf = np.exp(-0.5 * (rad.center.to_value("rad") / sigma) ** 2) / (2 * np.pi * sigma**2)
        >>> geom = WcsGeom.create(npix=1, binsz=1, axes=[rad, energy])
        >>> psf_map = PSFMap(Map.from_geom(geom, data=psf[:, :, None, None], unit="sr-1"))
        >>> round(float(psf_map.normalize().containment("1 deg", "10 GeV")), 6)
        1.0
        """
        rad, psf, usable = self._profiles()
        totals = np.ones(psf.shape[0])
        if np.any(usable):
            cumulative = self._curves(rad, psf[usable])[1]
            totals[usable] = cumulative[:, -1]
        totals[totals <= 0] = 1.0
        scale = 1.0 / totals
        geom = self._psf_map.geom
        n_axes = len(geom.axes)
        rad_dim = n_axes - 1 - geom.axes.index_of("rad")
        energy_dim = n_axes - 1 - geom.axes.index_of(self.energy_name)
        moved_shape = np.moveaxis(self._psf_map.data, [energy_dim, rad_dim], [0, -1]).shape
        scale = np.moveaxis(scale.reshape(*moved_shape[:-1], 1), [0, -1], [energy_dim, rad_dim])
        data = (self._psf_map.data * scale).astype(self._psf_map.data.dtype)
        result = type(self)(self._psf_map.copy(data=data), self._exposure_map)
        result._layout = self._layout
        return result

    # ------------------------------------------------------------------ repr
    def __repr__(self):
        energy = self._energy_axis.center
        rad = self.rad_axis.center.to(u.deg)
        geom = self._psf_map.geom.to_image()
        sky = (
            "single spatial bin (the position has no effect)"
            if self.has_single_spatial_bin
            else repr(geom)
        )
        exposure = "none"
        if self._exposure_map is not None:
            data = self._exposure_map.data
            exposure = f"{np.nanmin(data):.4g} to {np.nanmax(data):.4g} {self._exposure_map.unit}"
        return "\n".join(
            [
                type(self).__name__,
                f"    {self.energy_name:<11} : {energy.size} nodes, "
                f"{energy[0]:.5g} to {energy[-1]:.5g} (log)",
                f"    rad         : {rad.size} nodes, {rad[0]:.4g} to {rad[-1]:.4g}",
                f"    sky         : {sky}",
                *[
                    f"    {axis.name:<11} : {axis.nbin} bins (an extra axis)"
                    for axis in self._psf_map.geom.axes
                    if axis.name in self._extra_axes
                ],
                f"    unit        : '{self._psf_map.unit}'",
                f"    exposure    : {exposure}",
            ]
        )
