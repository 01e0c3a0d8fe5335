"""The simulated Fermi-LAT-like dataset: layout, sources, PSF, background, Poisson counts."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord

from skymask.datasets import MapDataset
from skymask.demo import (
    DEFAULT_SEED,
    SIMULATED_SOURCES,
    BuiltinCatalog,
    king_parameters,
    simulate,
    simulation_geom,
)
from skymask.demo.simulate import CRAB, R68_10GEV, R68_SLOPE, R95_10GEV, R95_SLOPE
from skymask.irf import PSFMap

# gammapy 2.1 on the tutorial's Fermi-LAT Crab dataset, at the bin centres (deg).
TUTORIAL_PSF_R95 = [0.58406, 0.47236, 0.40874, 0.35033, 0.28395]


def _energy_centres(dataset):
    return dataset.exposure.geom.axes["energy_true"].center


def test_layout_resembles_the_tutorial_dataset(simulation):
    dataset = simulation.dataset
    geom = dataset.counts.geom
    assert geom == simulation_geom()
    assert (geom.frame, geom.projection) == ("galactic", "CAR")
    assert geom.data_shape == (5, 60, 60)
    np.testing.assert_allclose(geom.pixel_scales.deg, 0.1)
    assert geom.center_skydir.separation(CRAB).deg < 0.01
    edges = geom.axes["energy"].edges.to_value("GeV")
    np.testing.assert_allclose(edges, np.geomspace(10, 2000, 6))

    assert dataset.exposure.unit == u.Unit("cm2 s")
    assert dataset.exposure.geom.axes.names == ["energy_true"]
    assert np.all((dataset.exposure.data > 2e11) & (dataset.exposure.data < 4e11))
    assert dataset.background.geom == geom
    assert np.all(dataset.background.data > 0)
    assert isinstance(dataset.psf, PSFMap)
    assert dataset.edisp is None

    safe = dataset.mask_safe.data
    assert safe.dtype == bool
    assert safe[:, 2:-2, 2:-2].all()
    assert safe.sum() == 5 * 56 * 56  # a 2-pixel border is excluded, as in the tutorial data
    assert dataset.counts.data.dtype == np.float32


def test_simulated_sources_are_in_the_builtin_list_and_in_the_field(simulation):
    catalog = BuiltinCatalog()
    geom = simulation.dataset.counts.geom
    for source in SIMULATED_SOURCES:
        known = catalog[source.name]
        assert known == source.known
        assert geom.contains(known.position)
    assert set(simulation.npred_sources) == {source.name for source in SIMULATED_SOURCES}


@pytest.mark.parametrize("source", SIMULATED_SOURCES, ids=lambda s: s.name)
def test_each_source_peaks_at_its_position(simulation, source):
    npred = simulation.npred_sources[source.name].data.sum(axis=0)
    geom = simulation.dataset.counts.geom.to_image()
    ix, iy = geom.coord_to_idx(source.known.position)
    peak_y, peak_x = np.unravel_index(np.argmax(npred), npred.shape)
    # The halo at the top edge and TXS 0518+211 in the bottom row peak where they are;
    # a Gaussian whose centre is off-pixel may peak next door.
    assert abs(peak_x - ix) <= 1 and abs(peak_y - iy) <= 1


@pytest.mark.parametrize(
    ("name", "radius", "min_significance"),
    [
        ("Crab Nebula", 0.3, 50),
        ("3FGL J0526.4+2247", 0.3, 5),
        ("PSR B0540+23 halo", 0.5, 5),
        ("TXS 0518+211", 0.3, 10),
    ],
)
def test_sources_show_in_the_counts(simulation, name, radius, min_significance):
    dataset = simulation.dataset
    position = BuiltinCatalog()[name].position
    near = dataset.counts.geom.to_image().separation(position).deg < radius
    counts = dataset.counts.data.sum(axis=0)[near].sum()
    background = dataset.background.data.sum(axis=0)[near].sum()
    assert (counts - background) / np.sqrt(background) > min_significance


def test_source_spectra_and_normalisation(simulation):
    """Counts per bin follow the power law; the PSF spreads, but does not lose, the flux."""
    crab = next(s for s in SIMULATED_SOURCES if s.name == "Crab Nebula")
    dataset = simulation.dataset
    edges = dataset.counts.geom.axes["energy"].edges.to_value("GeV")
    geom = dataset.counts.geom.to_image()
    ix, iy = (i[0] for i in geom.coord_to_idx(crab.known.position))
    expected = crab.integral_flux(edges[:-1], edges[1:]) * dataset.exposure.data[:, iy, ix]
    in_map = simulation.npred_sources[crab.name].data.sum(axis=(1, 2)) / expected
    # The King tails reach beyond the 3 deg to the map edge: 0.5 - 1 % outside.
    assert np.all((in_map > 0.98) & (in_map < 1.0))
    np.testing.assert_allclose(crab.integral_flux(10, np.inf), crab.flux)


def test_psf_containment_radii_shrink_with_energy(simulation):
    psf = simulation.dataset.psf
    energy = _energy_centres(simulation.dataset)
    r68 = psf.containment_radius(0.68, energy).deg
    r95 = psf.containment_radius(0.95, energy).deg
    assert np.all(np.diff(r68) < 0) and np.all(np.diff(r95) < 0)
    # The stated power laws, and numbers like those of the tutorial's Fermi-LAT PSF.
    e10 = energy.to_value("GeV") / 10
    np.testing.assert_allclose(r68, R68_10GEV * e10**-R68_SLOPE, rtol=2e-3)
    np.testing.assert_allclose(r95, R95_10GEV * e10**-R95_SLOPE, rtol=2e-3)
    np.testing.assert_allclose(r95, TUTORIAL_PSF_R95, rtol=0.05)
    # The position does not matter: the same PSF everywhere in the field.
    lon, lat = simulation.dataset.counts.geom.to_image().pix_to_coord((0, 0))
    corner = SkyCoord(lon, lat, frame="galactic")
    np.testing.assert_allclose(psf.containment_radius(0.95, energy, corner).deg, r95)


def test_king_parameters_reproduce_the_containment_radii():
    energy = [10, 100, 1000] * u.GeV
    sigma, gamma = king_parameters(energy)
    e10 = energy.to_value("GeV") / 10
    radii = {0.68: R68_10GEV * e10**-R68_SLOPE, 0.95: R95_10GEV * e10**-R95_SLOPE}
    for fraction, radius in radii.items():
        containment = 1 - (1 + radius**2 / (2 * gamma * sigma**2)) ** (1 - gamma)
        np.testing.assert_allclose(containment, fraction, rtol=1e-6)
    assert np.all(gamma > 1)


def test_simulated_images_are_sharper_at_high_energy(simulation):
    """The counts of the Crab get more concentrated with energy, as the PSF shrinks."""
    npred = simulation.npred_sources["Crab Nebula"].data
    geom = simulation.dataset.counts.geom.to_image()
    near = geom.separation(CRAB).deg < 0.15
    fraction = npred[:, near].sum(axis=1) / npred.sum(axis=(1, 2))
    assert np.all(np.diff(fraction) > 0)


def test_background_is_a_latitude_gradient_plus_isotropic(simulation):
    background = simulation.dataset.background.data / simulation.dataset.exposure.data
    top, bottom = background[:, -1, :], background[:, 0, :]  # row index grows with latitude
    assert np.all(top > 1.5 * bottom)  # closer to the Galactic plane (b = -2.8 vs -8.7 deg)
    np.testing.assert_allclose(background[:, :, 0], background[:, :, -1], rtol=1e-2)
    assert np.all(np.diff(background.sum(axis=(1, 2))) < 0)  # soft spectra
    per_pixel = simulation.dataset.background.data.sum(axis=0)
    assert 0.05 < per_pixel.mean() < 0.5  # the tutorial dataset: 0.16 per pixel


def test_counts_are_poisson_draws_of_npred(simulation):
    counts = simulation.dataset.counts.data.astype(float)
    npred = simulation.npred.data
    assert np.all(counts >= 0) and np.array_equal(counts, np.round(counts))
    np.testing.assert_allclose(
        npred,
        simulation.dataset.background.data + sum(m.data for m in simulation.npred_sources.values()),
        rtol=1e-6,
    )
    total = npred.sum()
    assert abs(counts.sum() - total) < 4 * np.sqrt(total)

    bright = npred > 10  # the Crab's core: Gaussian limit
    residual = (counts[bright] - npred[bright]) / np.sqrt(npred[bright])
    assert bright.sum() >= 10
    assert abs(residual.mean()) < 4 / np.sqrt(bright.sum())
    assert 0.5 < residual.std() < 1.5

    faint = npred < 0.05  # mostly zeros, with P(0) = exp(-npred)
    expected_zeros = np.exp(-npred[faint]).sum()
    n_zeros = np.count_nonzero(counts[faint] == 0)
    spread = np.sqrt((np.exp(-npred[faint]) * (1 - np.exp(-npred[faint]))).sum())
    assert abs(n_zeros - expected_zeros) < 4 * spread


def test_same_seed_same_counts(simulation):
    again = simulate(DEFAULT_SEED)
    np.testing.assert_array_equal(again.dataset.counts.data, simulation.dataset.counts.data)
    other = simulate(DEFAULT_SEED + 1)
    assert not np.array_equal(other.dataset.counts.data, simulation.dataset.counts.data)
    np.testing.assert_array_equal(other.npred.data, simulation.npred.data)
    assert other.seed == DEFAULT_SEED + 1


def test_dataset_file_round_trip_keeps_the_psf(simulation, tmp_path):
    """The PSF map is in the gadf layout: it survives a MapDataset write / read cycle."""
    path = tmp_path / "simulated.fits"
    simulation.dataset.write(path)
    read = MapDataset.read(path)
    energy = _energy_centres(simulation.dataset)
    np.testing.assert_allclose(
        read.psf.containment_radius(0.95, energy).deg,
        simulation.dataset.psf.containment_radius(0.95, energy).deg,
        rtol=1e-6,
    )
    np.testing.assert_array_equal(read.counts.data, simulation.dataset.counts.data)
    np.testing.assert_array_equal(read.mask_safe.data, simulation.dataset.mask_safe.data)
