"""IRF maps (PSFMap, EDispKernelMap, EDispMap) on HEALPix geometries: construction, layout,
stacking an aligned part of the sky, and the refusals that name the way out.

Oracles: pixel counts from 12 nside^2, stacked values by hand (exposure-weighted means),
migration fractions from the bin edges by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_equal

from skymask.irf import EDispKernelMap, EDispMap, PSFMap
from skymask.maps import HpxGeom, Map, MapAxis

ENERGY = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
ENERGY_TRUE = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
RAD = MapAxis.from_nodes(np.linspace(0, 1, 5), name="rad", unit="deg")


def _psf(geom, value, exposure):
    geom = geom.to_cube([RAD, ENERGY_TRUE])
    return PSFMap(
        Map.from_geom(geom, data=value, unit="sr-1"),
        Map.from_geom(geom.squash("rad"), data=exposure, unit="m2 s"),
    )


@pytest.mark.parametrize("nest", [True, False])
def test_edisp_kernel_map_from_geom_on_healpix(nest):
    geom = HpxGeom.create(nside=4, nest=nest, axes=[ENERGY, ENERGY_TRUE])
    edisp = EDispKernelMap.from_geom(geom)
    assert edisp.edisp_map.data.shape == (3, 2, 12 * 4**2)
    assert edisp.exposure_map.data.shape == (3, 1, 12 * 4**2)
    assert isinstance(edisp.exposure_map.geom, HpxGeom)
    assert not edisp.has_single_spatial_bin  # a sky image of pixels, not a region map
    assert "layout='image'" in repr(edisp)
    # true bins [1, 2.15], [2.15, 4.64], [4.64, 10] TeV in reco bins [1, 3.16], [3.16, 10]:
    # the linear fraction of each true bin in each reco bin, by hand
    edges_true, edges_reco = 10 ** (np.arange(4) / 3), 10 ** (np.arange(3) / 2)
    middle = (edges_reco[1] - edges_true[1]) / (edges_true[2] - edges_true[1])
    by_hand = [[1, 0], [middle, 1 - middle], [0, 1]]
    assert_allclose(
        edisp.edisp_map.data, np.broadcast_to(np.array(by_hand)[:, :, None], (3, 2, 192))
    )


def test_edisp_map_from_geom_on_healpix_x198():
    migra = MapAxis.from_edges([0.0, 0.5, 1.0, 1.5, 2.0], name="migra")
    geom = HpxGeom.create(nside=2, region="DISK(0,0,40)", axes=[migra, ENERGY_TRUE])
    edisp = EDispMap.from_geom(geom)
    npix = geom.to_image().data_shape[0]
    # migra = 1 is the edge between bins 1 and 2 (pixel 1.5): half the unit density in
    # each, divided by the bin width 0.5
    assert_allclose(edisp.edisp_map.data, np.broadcast_to([[0], [1], [1], [0]], (3, 4, npix)))
    assert edisp.exposure_map.data.shape == (3, 1, npix)


def test_psf_map_on_healpix_is_not_a_single_bin_and_gtpsf_refuses_it():
    psf = _psf(HpxGeom.create(nside=1), 1.0, 1.0)
    assert not psf.has_single_spatial_bin
    with pytest.raises(ValueError, match=r"gtpsf format holds a single spatial bin.*format='gadf'"):
        psf.to_hdus(format="gtpsf")


def test_stacking_an_aligned_part_of_the_sky():
    whole = _psf(HpxGeom.create(nside=2), 2.0, 1.0)
    part_geom = HpxGeom.create(nside=2, region="DISK(0,0,40)")
    part = _psf(part_geom, 5.0, 3.0)
    weights = Map.from_geom(part_geom.to_cube([ENERGY_TRUE]), dtype=bool)
    weights.data[:, ::2] = True  # every other pixel of the part
    whole.stack(part, weights=_with_rad(weights))
    stacked = np.zeros(48, dtype=bool)
    stacked[part_geom.ipix[::2]] = True
    # by hand: (2 * 1 + 5 * 3) / (1 + 3) where stacked, else unchanged
    assert_allclose(whole.psf_map.data, np.broadcast_to(np.where(stacked, 17 / 4, 2.0), (3, 5, 48)))
    assert_allclose(
        whole.exposure_map.data, np.broadcast_to(np.where(stacked, 4.0, 1.0), (3, 1, 48))
    )


def _with_rad(weights):
    """The weights with a one-bin rad axis before energy_true (the PSF map's axes order)."""
    rad = MapAxis.from_edges([0, 1], name="rad", unit="deg")
    geom = weights.geom.to_image().to_cube([rad, ENERGY_TRUE])
    return Map.from_geom(geom, data=weights.data[:, None, :])


def test_stacking_another_nside_is_refused_with_the_rule():
    whole = _psf(HpxGeom.create(nside=2), 2.0, 1.0)
    other = _psf(HpxGeom.create(nside=4), 5.0, 3.0)
    before = whole.psf_map.data.copy(), whole.exposure_map.data.copy()
    with pytest.raises(ValueError, match="same nside, ordering, frame and axes"):
        whole.stack(other)
    with pytest.raises(ValueError, match="same nside, ordering, frame and axes"):
        whole.stack(_psf(HpxGeom.create(nside=2, frame="galactic"), 5.0, 3.0))
    # nothing was added
    assert_equal(whole.psf_map.data, before[0])
    assert_equal(whole.exposure_map.data, before[1])
