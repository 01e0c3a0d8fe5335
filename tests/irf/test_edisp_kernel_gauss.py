"""EDispKernel (from_gauss, OGIP read/write, to_image, bias, resolution) and the new
EDispKernelMap constructors, reductions and stacking."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_equal

from skymask.irf import EDispKernel, EDispKernelMap
from skymask.maps import MapAxis, WcsGeom


@pytest.fixture
def axes():
    energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3)
    energy_true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=5, name="energy_true")
    return energy, energy_true


def test_from_gauss_matrix_and_image(axes):
    energy, energy_true = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.2, bias=0.1)
    assert kernel.pdf_matrix.shape == (5, 3)
    assert kernel.axes.names == ["energy_true", "energy"]
    # gammapy 2.1's test_to_image: [[0.97142], [1.0], [1.0], [1.0], [0.12349]] (rtol 1e-3)
    image = kernel.to_image()
    assert_allclose(image.pdf_matrix[:, 0], [0.97142, 1.0, 1.0, 1.0, 0.12349], rtol=1e-3)
    assert_allclose(image.energy_axis.edges.to_value("TeV"), [0.1, 10])
    # thresholds keep the reconstructed bins entirely inside them
    # reconstructed edges 0.1, 0.464, 2.15, 10 TeV: from 0.4 TeV the last two bins count,
    # from 1 TeV only the last one
    low = kernel.to_image(lo_threshold=0.4 * u.TeV)
    assert_allclose(low.pdf_matrix[:, 0], kernel.pdf_matrix[:, 1:].sum(axis=1))
    higher = kernel.to_image(lo_threshold=1 * u.TeV)
    assert_allclose(higher.pdf_matrix[:, 0], kernel.pdf_matrix[:, 2])
    assert "EDispKernel" in str(kernel) and "axes  : ['energy_true', 'energy']" in str(kernel)


def test_bias_and_resolution_of_a_gaussian():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=100)
    for bias, sigma in ((0.0, 0.1), (0.1, 0.05)):
        kernel = EDispKernel.from_gauss(energy.copy(name="energy_true"), energy, sigma, bias)
        # the mean of E_reco / E_true is 1 + bias, its standard deviation sigma (bins of
        # 2.3 % make the discretisation small)
        assert_allclose(kernel.get_bias(3.34 * u.TeV), bias, atol=5e-3)
        assert_allclose(kernel.get_resolution(3.34 * u.TeV), sigma, atol=5e-3)
        row = kernel.evaluate(energy_true=3.34 * u.TeV)
        assert_allclose(row.sum(), 1, atol=1e-2)
        assert row.shape == (1, 100)  # gammapy 2.1's shape for one true energy


def test_evaluate_is_the_nearest_bin_and_zero_outside(axes):
    energy, energy_true = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.2, bias=0.1)
    value = kernel.evaluate(energy_true=0.5 * u.TeV, energy=0.5 * u.TeV)
    i = int(energy_true.coord_to_idx(0.5 * u.TeV)[0])
    j = int(energy.coord_to_idx(0.5 * u.TeV)[0])
    assert_allclose(value.value, kernel.data[i, j])
    assert kernel.evaluate(energy_true=50 * u.TeV, energy=1 * u.TeV).value == 0


def test_write_read_round_trip_and_ogip_layout(axes, tmp_path):
    energy, energy_true = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.2, bias=0.1)
    path = tmp_path / "rmf.fits"
    kernel.write(path, checksum=True)
    with fits.open(path, checksum=True) as hdulist:
        assert [hdu.name for hdu in hdulist] == ["PRIMARY", "MATRIX", "EBOUNDS"]
        matrix = hdulist["MATRIX"]
        assert matrix.header["HDUCLASS"] == "OGIP"
        assert matrix.header["DETCHANS"] == 3
        # row 2 of the matrix has 3 non-zero channels in one group starting at channel 0
        assert (matrix.data["N_GRP"][2], list(matrix.data["F_CHAN"][2])) == (1, [0])
        assert list(matrix.data["N_CHAN"][2]) == [3]
        # the last row has its only value in channel 2
        assert list(matrix.data["F_CHAN"][4]) == [2]
        assert_allclose(hdulist["EBOUNDS"].data["E_MIN"], energy.edges[:-1].to_value("TeV"))
    back = EDispKernel.read(path)
    # the matrix is stored as float32 (OGIP "PE" columns, as gammapy)
    assert_allclose(back.pdf_matrix, kernel.pdf_matrix, rtol=1e-6)
    assert_allclose(back.energy_axis_true.edges, energy_true.edges, rtol=1e-6)
    with pytest.raises(FileExistsError):
        kernel.write(path)
    kernel.write(path, overwrite=True)


def test_diagonal_response_gammapy_case():
    # gammapy 2.1's test_from_diagonal_response
    true = MapAxis.from_energy_edges([0.5, 1, 2, 4, 6] * u.TeV, name="energy_true")
    reco = MapAxis.from_energy_edges([2000, 4000, 6000] * u.GeV)
    kernel = EDispKernel.from_diagonal_response(true, reco)
    assert_allclose(kernel.pdf_matrix, [[0, 0], [0, 0], [1, 0], [0, 1]], atol=1e-12)
    square = EDispKernel.from_diagonal_response(true)
    assert_equal(square.pdf_matrix, np.eye(4))


def test_from_gauss_errors(axes):
    energy, energy_true = axes
    with pytest.raises(ValueError, match="one per true-energy bin"):
        EDispKernel.from_gauss(energy_true, energy, sigma=[0.1, 0.2], bias=0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        EDispKernel.from_gauss(energy_true, energy, sigma=0, bias=0)
    with pytest.raises(TypeError, match="must be a MapAxis"):
        EDispKernel.from_gauss([1, 2], energy, sigma=0.1, bias=0)


def test_kernel_map_from_geom_and_exposure():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    edisp = EDispKernelMap.from_geom(WcsGeom.create(npix=(4, 3), axes=[energy, true]))
    assert edisp.exposure_map.unit == "m2 s"
    assert edisp.exposure_map.data.shape == (3, 1, 3, 4)
    assert_equal(edisp.edisp_map.data[:, :, 1, 2], np.eye(3))
    with pytest.raises(ValueError, match="axes \\['energy', 'energy_true'\\] in this order"):
        EDispKernelMap.from_geom(WcsGeom.create(npix=(1, 1), axes=[true, energy]))
    # gammapy's default grid: all sky in 2 x 1 pixels
    allsky = EDispKernelMap.from_diagonal_response(energy, true)
    assert allsky.edisp_map.data.shape == (3, 3, 1, 2)


def test_kernel_map_from_gauss_and_to_image(axes):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_gauss(energy, energy_true, sigma=0.2, bias=0.1)
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.2, bias=0.1)
    assert_allclose(edisp.get_edisp_kernel().data, kernel.data)
    image = EDispKernelMap.from_diagonal_response(energy, energy_true).to_image()
    # gammapy 2.1: [0.8760589957237244, 1.0, 1.0, 1.0, 0.25211799144744873]
    assert image.edisp_map.data.shape == (5, 1, 1, 2)
    assert_allclose(image.edisp_map.data[:, 0, 0, 0], [0.876059, 1, 1, 1, 0.252118], rtol=1e-5)
    # weights select reconstructed bins before the sum
    weights = np.zeros((5, 3, 1, 2))
    weights[:, 1] = 1
    weighted = edisp.to_image(weights=weights)
    assert_allclose(weighted.edisp_map.data[:, 0, 0, 0], kernel.data[:, 1])


def test_kernel_map_stack_is_exposure_weighted():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    true = MapAxis.from_energy_bounds(
        "0.3 TeV", "30 TeV", nbin=10, per_decade=True, name="energy_true"
    )
    first = EDispKernelMap.from_gauss(energy, true, sigma=0.1, bias=0.0)
    second = EDispKernelMap.from_gauss(energy, true, sigma=0.3, bias=0.1)
    first.exposure_map.data += 1
    second.exposure_map.data += 2
    k1, k2 = first.get_edisp_kernel().data, second.get_edisp_kernel().data
    before = k1.copy()
    mask = first.edisp_map.geom.energy_mask(energy_min=2 * u.TeV)
    first.stack(second, weights=mask)
    weight = mask.data[:, :, 0, 0]
    # brute force: (1 * k1 + 2 * k2 * mask) / (1 + 2 * any(mask over energy))
    expected = (k1 + 2 * k2 * weight) / (1 + 2 * weight.any(axis=1, keepdims=True))
    assert_allclose(first.get_edisp_kernel(position=SkyCoord(0, 0, unit="deg")).data, expected)
    assert_allclose(first.exposure_map.data, 3.0)
    assert_equal(k1, before)  # a kernel taken before is a copy, not a view of the map
    second.exposure_map = None
    with pytest.raises(ValueError, match=r"Missing exposure map for EDispKernelMap\.stack"):
        first.stack(second)
    other_grid = EDispKernelMap.from_diagonal_response(
        energy, true, geom=WcsGeom.create(npix=3, binsz=1)
    )
    other_grid.exposure_map.data += 1
    with pytest.raises(ValueError, match="another sky grid"):
        first.stack(other_grid)


def test_kernel_map_peek(axes):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    energy, energy_true = axes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = EDispKernelMap.from_gauss(energy, energy_true, 0.2, 0.0).peek()
    assert len(figure.axes) == 2
    assert figure.axes[0].get_xscale() == "log"
    plt.close(figure)
