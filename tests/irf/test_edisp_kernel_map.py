"""EDispKernelMap: both gammapy layouts (image, region table), positions, round trips.

(Lives here until tests/irf/ takes it: src/skymask/irf/edisp.py.)
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal

from skymask.irf.edisp import (
    EDispKernel,
    EDispKernelMap,
    EDispPositionWarning,
    overlap_fraction,
)
from skymask.maps import Map, MapAxis, WcsGeom

pytestmark = pytest.mark.data


def test_crab_image_layout(crab_dataset_file):
    edisp = EDispKernelMap.read(crab_dataset_file)
    assert edisp.edisp_map.data.shape == (5, 5, 20, 25)
    assert edisp.energy_axis.name == "energy" and edisp.energy_axis_true.nbin == 5
    assert edisp.exposure_map.data.shape == (5, 1, 20, 25)
    assert edisp.exposure_map.unit == u.Unit("m2 s")
    kernel = edisp.get_edisp_kernel()
    assert isinstance(kernel, EDispKernel)
    assert_array_equal(kernel.data, np.eye(5))  # the Fermi file holds diagonal kernels
    assert_array_equal(np.asarray(kernel), kernel.pdf_matrix)


def test_gc_region_layout(gammapy_data):
    path = gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz"
    edisp = EDispKernelMap.read(path)
    assert edisp.has_single_spatial_bin
    with fits.open(path) as hdulist:
        table = hdulist["EDISP"].data
        raw = table["DATA"][np.argsort(table["CHANNEL"])].reshape(12, 11)
    # CHANNEL = i_reco + 11 i_true: the reconstructed axis varies fastest.
    kernel = edisp.get_edisp_kernel(SkyCoord(10, 80, unit="deg"))  # position ignored
    assert_array_equal(kernel.data, raw)
    assert kernel.energy_axis.nbin == 11 and kernel.energy_axis_true.nbin == 12
    assert_allclose(kernel.data[1:-1].sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("name", ["crab", "gc"])
def test_round_trip(tmp_path, gammapy_data, name):
    path = {
        "crab": gammapy_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits",
        "gc": gammapy_data / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz",
    }[name]
    edisp = EDispKernelMap.read(path)
    hdus = edisp.to_hdus()
    assert [hdu.name for hdu in hdus] == [
        "EDISP",
        "EDISP_BANDS",
        "EDISP_EXPOSURE",
        "EDISP_EXPOSURE_BANDS",
    ]
    assert isinstance(hdus[0], fits.BinTableHDU if name == "gc" else fits.ImageHDU)
    fits.HDUList([fits.PrimaryHDU(), *hdus]).writeto(tmp_path / "edisp.fits")
    back = EDispKernelMap.read(tmp_path / "edisp.fits")
    assert_array_equal(back.edisp_map.data, edisp.edisp_map.data)
    assert back.edisp_map.geom == edisp.edisp_map.geom
    assert_array_equal(back.exposure_map.data, edisp.exposure_map.data)


def _small_map():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
    geom = WcsGeom.create(npix=(4, 3), binsz=1.0, axes=[energy, true])
    data = np.zeros(geom.data_shape)
    data[:, 0, :, :2] = 1.0  # valid kernels only in the two left columns
    data[:, 0, 1, 1] = 0.5
    return EDispKernelMap(Map.from_geom(geom, data=data))


def test_position_falls_back_to_the_nearest_valid_pixel():
    edisp = _small_map()
    geom = edisp.edisp_map.geom.to_image()
    # Centre pixel (x=1.5 -> 2, y=1) has no kernel: the nearest valid one is (1, 1).
    with pytest.warns(EDispPositionWarning, match="nearest pixel"):
        kernel = edisp.get_edisp_kernel()
    assert_array_equal(kernel.data[:, 0], [0.5, 0.5, 0.5])
    position = geom.pix_to_coord((0, 0))
    inside = SkyCoord(position[0], position[1], frame=geom.frame)
    assert_array_equal(edisp.get_edisp_kernel(inside).data[:, 0], 1.0)
    with pytest.warns(EDispPositionWarning):
        edisp.get_edisp_kernel(SkyCoord(120, 60, unit="deg"))


def test_invalid_inputs():
    edisp = _small_map()
    other = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    with pytest.raises(ValueError, match="differs from the edisp map"):
        edisp.get_edisp_kernel(SkyCoord(0, 0, unit="deg"), energy_axis=other)
    wrong = edisp.edisp_map.copy()
    wrong.data[:] = 0
    with pytest.raises(ValueError, match="holds no kernel"):
        EDispKernelMap(wrong).get_edisp_kernel()
    with pytest.raises(ValueError, match="axes"):
        EDispKernelMap(Map.from_geom(WcsGeom.create(npix=2, axes=[other])))
    with pytest.raises(TypeError, match="skymask Map"):
        EDispKernelMap(np.zeros(3))


def test_overlap_fraction_by_hand():
    # true bins [1, 2], [2, 4] TeV; reco bins [1, 3], [3, 4]: [1,2] lies in [1,3] entirely;
    # [2,4] is half in [1,3] (2..3) and half in [3,4].
    true = MapAxis.from_energy_edges([1, 2, 4] * u.TeV, name="energy_true")
    reco = MapAxis.from_energy_edges([1000, 3000, 4000] * u.GeV)
    assert_allclose(overlap_fraction(reco, true), [[1.0, 0.0], [0.5, 0.5]])
    edisp = EDispKernelMap.from_diagonal_response(reco, true)
    assert_allclose(edisp.get_edisp_kernel().data, [[1.0, 0.0], [0.5, 0.5]])
    assert edisp.to_hdus()[0].name == "EDISP"
