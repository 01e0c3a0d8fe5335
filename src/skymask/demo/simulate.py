"""A simulated Fermi-LAT-like map dataset of the Crab field, built in memory with a fixed seed.

The sky: the sources of `SIMULATED_SOURCES` (positions and shapes from the built-in list of
`skymask.demo.sources`), each with a power-law spectrum, seen through an energy-dependent King
PSF, on top of a diffuse background (a Galactic component falling off with latitude plus an
isotropic one). Counts are Poisson draws of the expected counts. The dataset has the layout
of the tutorial's Fermi-LAT dataset: galactic CAR, 0.1 deg pixels, five log energy bins from
10 GeV to 2 TeV, an exposure cube, a background cube, a ``mask_safe`` without a 2-pixel
border, and a `~skymask.irf.PSFMap`.

**PSF.** A King function (the Fermi-LAT form),
``PSF(r) = (1 - 1/gamma) / (2 pi sigma^2) * (1 + r^2 / (2 gamma sigma^2))^-gamma``,
whose 68 % and 95 % containment radii follow power laws in energy,
``r68 = 0.13 deg (E / 10 GeV)^-0.10`` and ``r95 = 0.63 deg (E / 10 GeV)^-0.17``. At the bin
centres this gives r95 = 0.576, 0.481, 0.402, 0.335, 0.280 deg (the tutorial's Fermi PSF:
0.584, 0.472, 0.409, 0.350, 0.284) and r68 = 0.123 to 0.081 deg.

The energy dispersion is neglected (reconstructed = true energy), so each bin sees the PSF at
its centre energy. Expected counts are integrated over the pixels, with sub-pixel sampling
near point sources where the PSF core is narrower than a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from scipy.optimize import brentq
from scipy.signal import fftconvolve

from ..datasets import MapDataset
from ..irf import PSFMap
from ..maps import Map, MapAxis, WcsGeom
from .sources import BUILTIN_SOURCES, KnownSource

__all__ = [
    "DEFAULT_SEED",
    "SIMULATED_SOURCES",
    "SimulatedSource",
    "Simulation",
    "king_parameters",
    "simulate",
    "simulate_dataset",
    "simulation_geom",
]

DEFAULT_SEED = 20240521
CRAB = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")

# PSF containment radii (deg) at 10 GeV and their power-law slopes in energy.
R68_10GEV, R68_SLOPE = 0.13, 0.10
R95_10GEV, R95_SLOPE = 0.63, 0.17

# Exposure (cm2 s) like the tutorial dataset's (2.4e11 - 3.1e11), slowly falling with energy
# and varying by a few percent with latitude, as the real one does with declination.
EXPOSURE_100GEV = 3.0e11
# Diffuse background intensities above 10 GeV (cm-2 s-1 sr-1) and photon indices.
ISOTROPIC_INTENSITY, ISOTROPIC_INDEX = 8e-8, 2.4
GALACTIC_INTENSITY, GALACTIC_INDEX, GALACTIC_SCALE_HEIGHT = 3.5e-7, 2.6, 3.0  # at b = 0; deg

ENERGY_MIN_GEV = 10.0


@dataclass(frozen=True)
class SimulatedSource:
    """A simulated source: a built-in source with a power-law spectrum.

    Parameters
    ----------
    name : str
        Name in `skymask.demo.sources.BUILTIN_SOURCES` (position and shape come from there).
    flux : float
        Integral photon flux above 10 GeV in cm-2 s-1.
    index : float
        Photon index of the power law.

    Examples
    --------
    >>> from skymask.demo import SimulatedSource
    >>> source = SimulatedSource("Crab Nebula", flux=1e-9, index=2.0)
    >>> round(float(source.integral_flux(10, 100)), 20)
    9e-10
    """

    name: str
    flux: float
    index: float

    @property
    def known(self) -> KnownSource:
        """The built-in source of the same name (position and shape).

        Raises
        ------
        KeyError
            If the name is not in `BUILTIN_SOURCES`.

        Examples
        --------
        >>> from skymask.demo import SimulatedSource
        >>> SimulatedSource("Crab Nebula", flux=1e-9, index=2.0).known.morphology
        'point'
        """
        for source in BUILTIN_SOURCES:
            if source.name == self.name:
                return source
        raise KeyError(f"{self.name!r} is not in BUILTIN_SOURCES")

    def integral_flux(self, energy_min_gev, energy_max_gev) -> np.ndarray:
        """Photon flux (cm-2 s-1) between the energies (GeV), arrays broadcast.

        Parameters
        ----------
        energy_min_gev, energy_max_gev : float or array-like
            Energy bounds in GeV.

        Returns
        -------
        `numpy.ndarray`
            Photon fluxes in cm-2 s-1.

        Examples
        --------
        >>> from skymask.demo import SimulatedSource
        >>> SimulatedSource("Crab Nebula", flux=1e-9, index=2.0).integral_flux(10, [100, 1000])
        array([9.0e-10, 9.9e-10])
        """
        return _power_law_integral(self.flux, self.index, energy_min_gev, energy_max_gev)


#: Crab and TXS 0518+211 with their 3FHL fluxes (10 GeV - 1 TeV, used as the flux above
#: 10 GeV) and indices; the fluxes of the other two are chosen for the demo (3FGL J0526.4+2247
#: is not in 3FHL, the halo is not a Fermi-LAT source), bright enough to show at 5 sigma.
SIMULATED_SOURCES: tuple[SimulatedSource, ...] = (
    SimulatedSource("Crab Nebula", 8.7e-9, 2.22),
    SimulatedSource("TXS 0518+211", 1.24e-9, 2.15),
    SimulatedSource("3FGL J0526.4+2247", 2.0e-10, 2.3),
    SimulatedSource("PSR B0540+23 halo", 3.0e-10, 2.0),
)


def _power_law_integral(flux_above_10gev, index, energy_min_gev, energy_max_gev):
    """Integral of a power law normalised to ``flux_above_10gev`` above 10 GeV."""
    low = np.asarray(energy_min_gev, dtype=float) / ENERGY_MIN_GEV
    high = np.asarray(energy_max_gev, dtype=float) / ENERGY_MIN_GEV
    return flux_above_10gev * (low ** (1 - index) - high ** (1 - index))


def simulation_geom() -> WcsGeom:
    """The simulated field: 60 x 60 pixels of 0.1 deg (galactic CAR) around the Crab, with
    five log energy bins from 10 GeV to 2 TeV.

    Examples
    --------
    >>> from skymask.demo import simulation_geom
    >>> simulation_geom().data_shape
    (5, 60, 60)
    """
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)
    return WcsGeom.create(skydir=CRAB, npix=(60, 60), binsz=0.1, frame="galactic", axes=[energy])


# ---------------------------------------------------------------------- PSF
def king_parameters(energy) -> tuple[np.ndarray, np.ndarray]:
    """King ``sigma`` (deg) and ``gamma`` of the simulated PSF at ``energy`` (arrays of its shape).

    Both follow from the containment radii ``r68(E)`` and ``r95(E)`` of the module notes,
    with ``C(r) = 1 - (1 + r^2 / (2 gamma sigma^2))^(1 - gamma)``.

    Parameters
    ----------
    energy : `~astropy.units.Quantity`
        Energies.

    Returns
    -------
    tuple of `numpy.ndarray`
        ``(sigma_deg, gamma)``.

    Examples
    --------
    >>> import astropy.units as u
    >>> sigma, gamma = king_parameters(10 * u.GeV)
    >>> round(float(sigma), 4), round(float(gamma), 3)
    (0.0315, 1.621)
    """
    shape = np.shape(u.Quantity(energy))
    energy_gev = np.atleast_1d(u.Quantity(energy).to_value(u.GeV)).ravel()
    r68 = R68_10GEV * (energy_gev / ENERGY_MIN_GEV) ** -R68_SLOPE
    r95 = R95_10GEV * (energy_gev / ENERGY_MIN_GEV) ** -R95_SLOPE
    sigma, gamma = np.empty_like(r68), np.empty_like(r68)
    for i, (a, b) in enumerate(zip(r68, r95, strict=True)):
        # With x = 1 / (gamma - 1): (r95 / r68)^2 = (0.05^-x - 1) / (0.32^-x - 1), which
        # rises monotonically from the Gaussian limit 2.63 (x -> 0).
        ratio = (b / a) ** 2
        x = brentq(lambda x, q=ratio: (0.05**-x - 1) / (0.32**-x - 1) - q, 1e-6, 50.0)
        gamma[i] = 1 + 1 / x
        sigma[i] = a / np.sqrt(2 * gamma[i] * (0.32**-x - 1))
    return sigma.reshape(shape), gamma.reshape(shape)


def king_density(offset_deg, sigma_deg, gamma) -> np.ndarray:
    """King PSF per square degree at offsets (deg); ``sigma`` and ``gamma`` broadcast."""
    u2 = np.square(offset_deg) / (2 * gamma * np.square(sigma_deg))
    return (1 - 1 / gamma) / (2 * np.pi * np.square(sigma_deg)) * (1 + u2) ** -gamma


def make_psf_map(geom: WcsGeom) -> PSFMap:
    """PSF map in gammapy's layout: axes ``rad`` (0-5 deg) and ``energy_true`` (11 log nodes,
    at the bin edges and centres) on a coarse 1-deg grid over the field, in sr-1."""
    rad = MapAxis.from_nodes(np.linspace(0.0, 5.0, 1001), name="rad", unit="deg")
    energy_true = MapAxis.from_nodes(
        np.geomspace(10.0, 2000.0, 11), interp="log", name="energy_true", unit="GeV"
    )
    width = np.ceil(geom.width.deg)
    psf_geom = WcsGeom.create(
        skydir=geom.center_skydir,
        width=tuple(width),
        binsz=1.0,
        frame=geom.frame,
        axes=[rad, energy_true],
    )
    sigma, gamma = king_parameters(energy_true.center)
    profile = king_density(rad.center.value[np.newaxis, :], sigma[:, None], gamma[:, None])
    profile = profile / np.radians(1.0) ** 2  # per deg2 -> per sr
    data = np.broadcast_to(profile[:, :, None, None], psf_geom.data_shape)
    psf_map = Map.from_geom(psf_geom, data=data.astype(np.float32), unit="sr-1")
    exposure_geom = psf_geom.squash("rad")
    exposure = _exposure_spectrum(energy_true.center.to_value(u.GeV))
    exposure_map = Map.from_geom(
        exposure_geom,
        data=np.broadcast_to(exposure[:, None, None, None], exposure_geom.data_shape).copy(),
        unit="cm2 s",
    )
    return PSFMap(psf_map, exposure_map)


# ---------------------------------------------------------------------- exposure, background
def _exposure_spectrum(energy_gev) -> np.ndarray:
    return EXPOSURE_100GEV * (np.asarray(energy_gev) / 100.0) ** -0.03


def make_exposure(geom: WcsGeom, energy_axis_true: MapAxis) -> Map:
    """Exposure cube (cm2 s) on ``energy_axis_true``: a slow fall with energy and a 1 % per
    degree gradient in latitude across the field."""
    lat = geom.to_image().get_coord()["lat"].to_value(u.deg)
    spatial = 1 + 0.01 * (lat - geom.center_skydir.b.deg)
    spectral = _exposure_spectrum(energy_axis_true.center.to_value(u.GeV))
    data = spectral[:, None, None] * spatial[None]
    exposure_geom = geom.to_image().to_cube([energy_axis_true])
    return Map.from_geom(exposure_geom, data=data.astype(np.float32), unit="cm2 s")


def npred_background(geom: WcsGeom, exposure: Map) -> Map:
    """Expected diffuse counts: isotropic plus a Galactic part ``exp(-|b| / 3 deg)``."""
    edges = geom.axes["energy"].edges.to_value(u.GeV)
    lat = geom.to_image().get_coord()["lat"].to_value(u.deg)
    galactic = GALACTIC_INTENSITY * np.exp(-np.abs(lat) / GALACTIC_SCALE_HEIGHT)
    iso = _power_law_integral(ISOTROPIC_INTENSITY, ISOTROPIC_INDEX, edges[:-1], edges[1:])
    gal = _power_law_integral(1.0, GALACTIC_INDEX, edges[:-1], edges[1:])
    intensity = iso[:, None, None] + gal[:, None, None] * galactic[None]
    solid_angle = geom.to_image().solid_angle().to_value(u.sr)
    return Map.from_geom(geom, data=intensity * solid_angle * exposure.data)


# ---------------------------------------------------------------------- sources
def _tangent_offsets(geom: WcsGeom, x, y, center: SkyCoord):
    """Gnomonic (xi, eta) offsets in deg of pixel coordinates ``(x, y)`` from ``center``."""
    lon, lat = geom.wcs.wcs_pix2world(x, y, 0)
    center = center.transform_to(geom.frame)
    lon0, lat0 = np.radians(center.spherical.lon.deg), np.radians(center.spherical.lat.deg)
    lon, lat = np.radians(lon), np.radians(lat)
    cos_c = np.sin(lat0) * np.sin(lat) + np.cos(lat0) * np.cos(lat) * np.cos(lon - lon0)
    xi = np.cos(lat) * np.sin(lon - lon0) / cos_c
    eta = (np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(lon - lon0)) / cos_c
    return np.degrees(xi), np.degrees(eta)


def _point_source_image(geom: WcsGeom, position: SkyCoord, sigma, gamma) -> np.ndarray:
    """Fraction of a point source's photons in each pixel, per energy: shape (n, ny, nx).

    Pixels are sampled 4 x 4, and 32 x 32 within 3 pixels of the source, where the King core
    (sigma about 0.03 deg) is narrower than a pixel.
    """
    ny, nx = geom.data_shape_image
    pixel_area = geom.solid_angle().to_value(u.deg**2)
    sx, sy = geom.to_image().coord_to_pix(position)
    near = (np.abs(np.arange(nx) - sx)[None, :] <= 3) & (np.abs(np.arange(ny) - sy)[:, None] <= 3)
    image = np.zeros((len(sigma), ny, nx))
    for region, n_sub in ((~near, 4), (near, 32)):
        iy, ix = np.nonzero(region)
        sub = (np.arange(n_sub) + 0.5) / n_sub - 0.5
        x = ix[:, None, None] + sub[None, None, :]
        y = iy[:, None, None] + sub[None, :, None]
        xi, eta = _tangent_offsets(geom, *np.broadcast_arrays(x, y), position)
        offset = np.hypot(xi, eta)
        density = king_density(offset[None], sigma[:, None, None, None], gamma[:, None, None, None])
        image[:, iy, ix] = density.mean(axis=(2, 3)) * pixel_area[iy, ix]
    return image


def _extended_source_image(geom: WcsGeom, source: KnownSource, sigma, gamma) -> np.ndarray:
    """A Gaussian source convolved with the PSF of each energy, as pixel fractions."""
    separation = geom.to_image().separation(source.position).deg
    pixel_area = geom.solid_angle().to_value(u.deg**2)
    width = source.size
    shape = np.exp(-0.5 * (separation / width) ** 2) / (2 * np.pi * width**2) * pixel_area
    binsz = geom.pixel_scales.deg[1]
    half = int(np.ceil(2.0 / binsz))  # the kernel reaches 2 deg: above 99 % of the PSF
    offsets = np.arange(-half, half + 1) * binsz
    sub = ((np.arange(8) + 0.5) / 8 - 0.5) * binsz
    dx = offsets[None, :, None, None] + sub[None, None, None, :]
    dy = offsets[:, None, None, None] + sub[None, None, :, None]
    offset = np.hypot(dx, dy)
    images = []
    for s, g in zip(sigma, gamma, strict=True):
        kernel = king_density(offset, s, g).mean(axis=(2, 3)) * binsz**2
        images.append(fftconvolve(shape, kernel, mode="same"))
    return np.clip(np.array(images), 0.0, None)


def npred_source(geom: WcsGeom, exposure: Map, source: SimulatedSource) -> Map:
    """Expected counts of one source (no energy dispersion: bin j sees the PSF at its centre)."""
    axis = geom.axes["energy"]
    edges = axis.edges.to_value(u.GeV)
    sigma, gamma = king_parameters(axis.center)
    known = source.known
    if known.morphology == "point":
        image = _point_source_image(geom, known.position, sigma, gamma)
    else:
        image = _extended_source_image(geom, known, sigma, gamma)
    flux = source.integral_flux(edges[:-1], edges[1:])
    return Map.from_geom(geom, data=flux[:, None, None] * exposure.data * image)


# ---------------------------------------------------------------------- the dataset
@dataclass(frozen=True)
class Simulation:
    """A simulated dataset and the truth behind it.

    Parameters
    ----------
    dataset : `~skymask.datasets.MapDataset`
        The simulated dataset.
    npred : `~skymask.maps.Map`
        Expected counts.
    npred_sources : dict of str to `~skymask.maps.Map`
        Expected counts of each source.
    seed : int
        Seed of the Poisson draws.

    Examples
    --------
    `simulate` returns one (its example runs the simulation):

    >>> import dataclasses
    >>> from skymask.demo import Simulation
    >>> [field.name for field in dataclasses.fields(Simulation)]
    ['dataset', 'npred', 'npred_sources', 'seed']

    Attributes
    ----------
    dataset : `~skymask.datasets.MapDataset`
        Counts, exposure, background (the true diffuse model), PSF and ``mask_safe``.
    npred : `~skymask.maps.Map`
        Expected counts (sources plus background), of which the counts are Poisson draws.
    npred_sources : dict of str to `~skymask.maps.Map`
        Expected counts of each source.
    seed : int
    """

    dataset: MapDataset
    npred: Map
    npred_sources: dict
    seed: int


def simulate(seed: int = DEFAULT_SEED, sources=SIMULATED_SOURCES) -> Simulation:
    """Simulate the Crab field (see the module notes); the same seed gives the same counts.

    Parameters
    ----------
    seed : int
        Seed of the Poisson draws (`numpy.random.default_rng`).
    sources : sequence of `SimulatedSource`
        The sources (default `SIMULATED_SOURCES`); the diffuse background is always there.

    Returns
    -------
    Simulation
        The dataset and the expected counts behind it.

    Examples
    --------
    >>> from skymask.demo import simulate
    >>> simulation = simulate()
    >>> simulation.dataset.counts.data.shape
    (5, 60, 60)
    >>> bool(simulation.dataset.psf.containment_radius(0.95, "17 GeV").deg > 0.5)
    True
    """
    geom = simulation_geom()
    exposure = make_exposure(geom, geom.axes["energy"].copy(name="energy_true"))
    background = npred_background(geom, exposure)
    npred_sources = {source.name: npred_source(geom, exposure, source) for source in sources}
    total = background.data + sum(m.data for m in npred_sources.values())
    npred = Map.from_geom(geom, data=total)
    counts = np.random.default_rng(seed).poisson(total).astype(np.float32)

    safe = np.zeros(geom.data_shape, dtype=bool)
    safe[:, 2:-2, 2:-2] = True  # the tutorial dataset's safe mask drops a 2-pixel border
    dataset = MapDataset(
        counts=Map.from_geom(geom, data=counts),
        exposure=exposure,
        background=Map.from_geom(geom, data=background.data.astype(np.float32)),
        psf=make_psf_map(geom),
        mask_safe=Map.from_geom(geom, data=safe),
        name="Fermi-LAT-simulated",
    )
    return Simulation(dataset=dataset, npred=npred, npred_sources=npred_sources, seed=int(seed))


def simulate_dataset(seed: int = DEFAULT_SEED) -> MapDataset:
    """The simulated `~skymask.datasets.MapDataset` of `simulate`.

    Parameters
    ----------
    seed : int
        Seed of the Poisson draws.

    Returns
    -------
    `~skymask.datasets.MapDataset`
        The dataset.

    Examples
    --------
    The simulation takes about a second (`simulate`'s example runs it):

    >>> from skymask.demo import simulate_dataset
    >>> simulate_dataset().counts.geom.axes["energy"].nbin  # doctest: +SKIP
    5
    """
    return simulate(seed).dataset
