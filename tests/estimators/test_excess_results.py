"""Estimator results: attribute access, derived quantities and flux maps (issue 15 item 3).

Expected values are gammapy 2.1's, from its own tests
(gammapy/estimators/map/tests/test_excess.py, the ``simple_dataset`` fixtures), which build
the same datasets.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from skymask.datasets import MapDataset
from skymask.estimators import ExcessMapEstimator
from skymask.maps import MapAxis, WcsGeom


def _simple(nbin=1):
    axis = MapAxis.from_energy_bounds(0.1, 10, nbin, unit="TeV")
    dataset = MapDataset.create(WcsGeom.create(npix=20, binsz=0.02, axes=[axis]))
    dataset.counts.data += 2
    dataset.background.data += 1
    return dataset


def test_derived_maps_without_exposure_match_gammapy():
    dataset = _simple()
    dataset.exposure = None
    result = ExcessMapEstimator(0.1 * u.deg, selection_optional=["all"]).run(dataset)
    pixel = (0, 10, 10)
    assert result.npred.data[pixel] == 162
    assert_allclose(result["npred_excess"].data[pixel], 81, rtol=1e-12)
    assert_allclose(result.npred_background.data[pixel], 81, rtol=1e-12)
    assert_allclose(result.sqrt_ts.data[pixel], 7.910732, atol=1e-5)
    assert_allclose(result.npred_excess_err.data[pixel], 12.727922, atol=1e-3)
    assert_allclose(result.npred_excess_errp.data[pixel], 13.063328, atol=1e-3)
    assert_allclose(result.npred_excess_errn.data[pixel], 12.396716, atol=1e-3)
    assert_allclose(result.npred_excess_ul.data[pixel], 107.806275, atol=1e-3)
    assert_allclose(result.norm_sensitivity.data[pixel], 48.997699, atol=1e-3)
    # Without exposure the norm is in counts: no flux (X92).
    assert "flux" not in result.quantities
    with pytest.raises(KeyError, match="exposure"):
        result["flux"]
    with pytest.raises(AttributeError):
        _ = result.flux_ul


def test_flux_maps_with_exposure_match_gammapy():
    dataset = _simple(nbin=3)
    dataset.mask_safe.data[0, :10, :] = False
    dataset.exposure.data += 1
    dataset.exposure.data[0, :, :] = 2
    dataset.exposure.data[2, :10, :] = 4
    dataset.exposure.unit = "m2 s"
    result = ExcessMapEstimator(0.1 * u.deg, selection_optional=["all"]).run(dataset)
    pixel = (0, 10, 10)
    assert result.npred.data[pixel] == 416
    assert_allclose(result.npred_background.data[pixel], 208, rtol=1e-12)
    assert_allclose(result.sqrt_ts.data[pixel], 12.676681, atol=1e-5)
    assert_allclose(result.npred_excess_ul.data[pixel], 250.136257, atol=1e-3)
    reco_exposure = result.npred_excess.data / result.norm.data
    assert_allclose(np.nanmin(reco_exposure), 3.1469110e-08, rtol=1e-5)
    assert_allclose(np.nanmax(reco_exposure), 1.7745566e-07, rtol=1e-5)
    # flux = norm x the reference power law's integral flux over the energy group.
    reference = result.reference_spectral_model.integral(0.1 * u.TeV, 10 * u.TeV)
    assert result.flux.unit == "cm-2 s-1" and result.flux_ul.unit == "cm-2 s-1"
    assert_allclose(result.flux.data, result.norm.data * reference.value, rtol=1e-12)
    assert_allclose(result.flux.data[0, 0, 0], 0.016359, rtol=1e-4)  # gammapy 2.1
    assert_allclose(result.flux.data[0, 10, 10], 0.018004, rtol=1e-4)
    assert_allclose(result.flux_err.data, result.norm_err.data * reference.value, rtol=1e-12)
    assert result["eflux_sensitivity"].unit == "TeV cm-2 s-1"
    assert result["dnde_sensitivity"].unit == "TeV-1 cm-2 s-1"
    assert {"flux", "flux_err", "flux_ul", "npred_background"} <= set(result.quantities)
