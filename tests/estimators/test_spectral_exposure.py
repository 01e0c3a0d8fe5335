"""The power-law reference spectrum and the exposure in reconstructed energy."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.estimators import PowerLawSpectralModel, estimate_exposure_reco_energy
from skymask.estimators.spectral import as_spectral_model
from skymask.irf.edisp import EDispKernelMap
from skymask.maps import Map, MapAxis, WcsGeom

from .excess_dataset import StandInDataset


def test_power_law_integrals_by_hand():
    model = PowerLawSpectralModel()
    # index 2: A E0^2 (1/E1 - 1/E2) = 1e-12 (1 - 1/10) = 9e-13 cm-2 s-1
    assert_allclose(model.integral(1 * u.TeV, 10 * u.TeV).to_value("cm-2 s-1"), 9e-13)
    # index 1: A E0 ln(E2/E1) = 1e-12 ln 10
    flat = PowerLawSpectralModel(index=1)
    assert_allclose(flat.integral("1 TeV", "10 TeV").value, 1e-12 * np.log(10))
    # index 3: A E0^3 / 2 (1/E1^2 - 1/E2^2) = 0.5e-12 (1 - 0.01)
    steep = PowerLawSpectralModel(index=3)
    assert_allclose(steep.integral(1 * u.TeV, [10, 100] * u.TeV).value, [4.95e-13, 4.9995e-13])
    # Narrow bins keep their digits: the integral ~ dnde * width.
    delta = (1 + 1e-10) - 1  # the width actually represented, 1.000000082740371e-10
    narrow = model.integral(1 * u.TeV, (1 + delta) * u.TeV).value
    assert_allclose(narrow, 1e-12 * delta / (1 + delta), rtol=1e-12)
    assert_allclose(model(2 * u.TeV).value, 0.25e-12)


def test_as_spectral_model():
    assert as_spectral_model(None).index == 2
    assert as_spectral_model(2.7).index == 2.7
    model = PowerLawSpectralModel(index=2.2, amplitude="3e-11 cm-2 s-1 TeV-1", reference="100 GeV")
    assert as_spectral_model(model) is model
    assert "index=2.2" in repr(model)
    with pytest.raises(TypeError, match="spectral_model must be"):
        as_spectral_model("pl")
    with pytest.raises(u.UnitConversionError, match="amplitude"):
        PowerLawSpectralModel(amplitude="1 TeV")


@pytest.mark.data
def test_reco_exposure_on_the_crab_dataset(crab_dataset):
    # The Crab edisp is diagonal and the true axis equals the reconstructed one, so
    # reco exposure = exposure x integral flux in each bin.
    reco = estimate_exposure_reco_energy(crab_dataset, normalize=False)
    edges = crab_dataset.exposure.geom.axes["energy_true"].edges.to_value("TeV")
    flux = 1e-12 * (1 / edges[:-1] - 1 / edges[1:])
    expected = crab_dataset.exposure.data * flux[:, None, None]
    assert reco.unit == u.dimensionless_unscaled
    assert_allclose(reco.data, expected, rtol=1e-12)
    normalized = estimate_exposure_reco_energy(crab_dataset)
    assert normalized.unit == u.Unit("cm2 s")
    assert_allclose(normalized.data, crab_dataset.exposure.data, rtol=1e-6)


def test_reco_exposure_without_edisp_uses_bin_overlap():
    true = MapAxis.from_energy_edges([1, 2, 4] * u.TeV, name="energy_true")
    reco = MapAxis.from_energy_edges([1, 3, 4] * u.TeV)
    geom = WcsGeom.create(npix=(3, 2), binsz=0.5)
    counts = Map.from_geom(geom.to_cube([reco]))
    exposure = Map.from_geom(geom.to_cube([true]), data=1e12, unit="cm2 s")
    dataset = StandInDataset(counts, counts, exposure=exposure)
    result = estimate_exposure_reco_energy(dataset, spectral_model=2.0, normalize=False)
    # npred_true = 1e12 * 1e-12 (1/E1 - 1/E2) = [0.5, 0.25]; reco = [0.5 + 0.125, 0.125]
    assert_allclose(result.data[:, 0, 0], [0.625, 0.125])
    # With a matching diagonal EDispKernelMap the result is the same.
    dataset.edisp = EDispKernelMap.from_diagonal_response(reco, true)
    assert_allclose(estimate_exposure_reco_energy(dataset, normalize=False).data, result.data)


def test_reco_exposure_errors():
    axis = MapAxis.from_energy_edges([1, 2] * u.TeV)
    counts = Map.from_geom(WcsGeom.create(npix=2, axes=[axis]))
    with pytest.raises(ValueError, match="no exposure"):
        estimate_exposure_reco_energy(StandInDataset(counts, counts))
    exposure = Map.from_geom(
        WcsGeom.create(npix=3, axes=[axis.copy(name="energy_true")]), unit="cm2 s"
    )
    with pytest.raises(ValueError, match="sky grid"):
        estimate_exposure_reco_energy(StandInDataset(counts, counts, exposure=exposure))


@pytest.mark.parametrize("diagonal", [[1.0, 1.0, 1.0], [0.5, 1.0, 0.25]])
def test_fold_of_a_diagonal_matrix_is_the_matrix_product(diagonal):
    # oracle: the plain matrix product (the path every non-diagonal matrix takes); the
    # shortcut must give the same numbers bit for bit, and keep NaN spreading as the product
    from skymask.estimators.exposure import _fold

    rng = np.random.default_rng(7)
    npred_true = rng.uniform(0, 1e4, (3, 40, 30))
    matrix = np.diag(diagonal)
    expected = (matrix.T @ npred_true.reshape(3, -1)).reshape(3, 40, 30)
    assert np.array_equal(_fold(npred_true, matrix), expected)
    npred_true[1, 5, 5] = np.nan  # 0 * NaN is NaN: every reconstructed bin there
    folded = _fold(npred_true, matrix)
    assert np.isnan(folded[:, 5, 5]).all() and np.isfinite(folded[:, 6, 6]).all()
    dense = matrix + 0.01
    assert_allclose(
        _fold(npred_true[:, :5, :5], dense)[0], np.tensordot(dense[:, 0], npred_true[:, :5, :5], 1)
    )


def test_reco_exposure_is_astropys_quantity_product():
    # oracle: (exposure.quantity * flux).to_value("") with astropy, on a float32 exposure in
    # m2 s (scale 1e4), without edisp (a diagonal overlap matrix)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(6, 4), binsz=0.1, axes=[axis])
    true_geom = geom.to_image().to_cube([axis.copy(name="energy_true")])
    exposure = Map.from_geom(true_geom, unit="m2 s", dtype="float32")
    dataset = StandInDataset(Map.from_geom(geom), Map.from_geom(geom), exposure=exposure)
    dataset.exposure.data[...] = np.random.default_rng(2).uniform(1e5, 1e7, (3, 4, 6))
    edges = axis.edges
    flux = PowerLawSpectralModel().integral(edges[:-1], edges[1:])
    expected = (dataset.exposure.quantity * flux[:, None, None]).to_value("")
    result = estimate_exposure_reco_energy(dataset, normalize=False)
    assert np.array_equal(result.data, expected)
