"""Migration matrices on plain arrays, against slow obvious integrals."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose
from scipy.stats import norm

from skymask.kernels.migration import MIGRA_EDGES, gaussian_migration_matrix, overlap_matrix


def _truncated_normal_matrix(true_center, reco_edges, sigma, bias):
    # P(reco bin | true) for migra ~ N(1 + bias, sigma) truncated to gammapy's migra range.
    lo, hi = MIGRA_EDGES[0], MIGRA_EDGES[-1]
    dist = norm(loc=1 + bias, scale=sigma)
    total = dist.cdf(hi) - dist.cdf(lo)
    migra = np.clip(reco_edges[None, :] / true_center[:, None], lo, hi)
    return np.diff(dist.cdf(migra), axis=1) / total


def test_gaussian_matrix_is_the_truncated_gaussian_integral():
    true_center = np.geomspace(0.5, 50, 23)
    reco_edges = np.geomspace(0.3, 100, 17)
    for sigma, bias in ((0.1, 0.0), (0.2, 0.1), (0.3, -0.05)):
        matrix = gaussian_migration_matrix(true_center, reco_edges, sigma, bias)
        expected = _truncated_normal_matrix(true_center, reco_edges, sigma, bias)
        # gammapy's migration grid interpolates the CDF linearly between 200 bins of width h:
        # error at most h^2 / 8 * max|pdf'|, max|pdf'| = 1 / (sigma^2 sqrt(2 pi e)); each
        # matrix entry is a difference of two CDF values.
        h = MIGRA_EDGES[1] - MIGRA_EDGES[0]
        bound = 2 * h**2 / 8 / (sigma**2 * np.sqrt(2 * np.pi * np.e))
        assert_allclose(matrix, expected, atol=bound + 1e-6)


def test_gaussian_matrix_is_gammapys():
    # gammapy 2.1: EDispKernel.from_gauss(energy 0.1-10 TeV 3 bins, energy_true 0.08-20 TeV
    # 5 bins, sigma=0.2, bias=0.1).pdf_matrix
    expected = [
        [9.7145533281542362e-01, 0.0, 0.0],
        [5.1416692326411761e-01, 4.8583307673588239e-01, 0.0],
        [6.1321823511180653e-05, 9.9865303265481098e-01, 1.2856455216778695e-03],
        [0.0, 3.6622824358336944e-03, 9.9633771756416656e-01],
        [0.0, 0.0, 1.2352901250915548e-01],
    ]
    true_edges = np.geomspace(0.08, 20, 6)
    reco_edges = np.geomspace(0.1, 10, 4)
    center = np.sqrt(true_edges[:-1] * true_edges[1:])
    assert_allclose(gaussian_migration_matrix(center, reco_edges, 0.2, 0.1), expected, rtol=1e-9)


def test_per_energy_sigma_and_bias():
    center = np.array([1.0, 10.0])
    edges = np.geomspace(0.1, 100, 31)
    both = gaussian_migration_matrix(center, edges, [0.1, 0.3], [0.0, 0.2])
    assert_allclose(both[0], gaussian_migration_matrix(center[:1], edges, 0.1, 0.0)[0])
    assert_allclose(both[1], gaussian_migration_matrix(center[1:], edges, 0.3, 0.2)[0])


def test_overlap_matrix_brute_force():
    rng = np.random.default_rng(1)
    true_edges = np.sort(rng.uniform(1, 10, 6))
    reco_edges = np.sort(rng.uniform(0.5, 11, 5))
    expected = np.zeros((5, 4))
    for i in range(5):
        x = np.linspace(true_edges[i], true_edges[i + 1], 200001)[:-1]
        x = x + (x[1] - x[0]) / 2
        expected[i] = np.histogram(x, reco_edges)[0] / x.size
    assert_allclose(overlap_matrix(true_edges, reco_edges), expected, atol=1e-5)
