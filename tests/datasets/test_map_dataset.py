"""MapDataset: the tutorial dataset's masks and energy ranges, file round trips, validation."""

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal

from skymask.datasets import MapDataset
from skymask.maps import Map, MapAxis, WcsGeom
from skymask.testing import assert_map_equal

GC_FILE = "fermi-3fhl-gc/fermi-3fhl-gc.fits.gz"


@pytest.fixture
def dataset(crab_dataset_file):
    return MapDataset.read(crab_dataset_file, name="Fermi-LAT")


def test_read_tutorial_dataset(dataset, reference):
    assert dataset.name == "Fermi-LAT"
    assert dataset.counts.data.shape == (5, 40, 50)
    assert dataset.counts.data.sum() == 3004
    assert dataset.exposure.geom.axes.names == ["energy_true"]
    assert dataset.exposure.unit == u.Unit("cm2 s")
    assert_array_equal(dataset.mask_safe.data, np.load(reference / "mask_safe.npy"))
    assert dataset.mask_safe.data.reshape(5, -1).sum(axis=1).tolist() == [1656] * 5
    assert dataset.mask_fit is None
    assert dataset.counts.data[dataset.mask_safe.data].sum() == 2932
    assert_allclose(dataset.background.data[dataset.mask_safe.data].sum(), 274.92, atol=0.01)
    # The GTI HDU is read as dataset.gti: empty, reference time MJD 51544.00074287037 TT
    # and ontime 0 s in gammapy 2.1 too.
    assert dataset.extra_hdus == []
    assert len(dataset.gti.table) == 0
    assert_allclose(dataset.gti.time_ref.mjd, 51544.00074287037, rtol=0, atol=1e-12)
    assert dataset.gti.time_ref.scale == "tt"
    assert dataset.info_dict()["ontime"] == 0 * u.s
    # No models are evaluated: npred is the background.
    assert_array_equal(dataset.npred().data, dataset.background.data)


def _compare_energy_range(energy_range, reference, stage, expected_min=None):
    emin = np.load(reference / f"energy_range_min_{stage}.npy")
    emax = np.load(reference / f"energy_range_max_{stage}.npy")
    expected_min = emin if expected_min is None else expected_min
    assert energy_range.min.unit == u.TeV
    assert_array_equal(np.isnan(energy_range.min.data), np.isnan(emin))
    assert_allclose(energy_range.min.data, expected_min, rtol=1e-12, equal_nan=True)
    assert_allclose(energy_range.max.data, emax, rtol=1e-12, equal_nan=True)


def test_energy_ranges_follow_the_tutorial(dataset, reference):
    _compare_energy_range(dataset.energy_range, reference, "initial")
    assert np.isnan(dataset.energy_range.min.data).sum() == 344

    edges = dataset.counts.geom.axes["energy"].edges.to_value("TeV")
    mask_energy = dataset.counts.geom.energy_mask(10 * u.GeV, 700 * u.GeV)
    dataset.mask_fit = mask_energy
    # gammapy's energy_mask drops the first bin (float32 edge 9.9999998 GeV < 10 GeV), so its
    # ranges start at the second edge, 28.85 GeV. skymask keeps that bin (D1): wherever
    # gammapy's minimum is the second edge, skymask's is the first; the maxima are the same.
    # (gammapy's edges can differ from the stored ones by 1 ulp, hence isclose.)
    gammapy_min = np.load(reference / "energy_range_min_after_energy_mask.npy")
    at_second_edge = np.isclose(gammapy_min, edges[1], rtol=1e-12)
    expected_min = np.where(at_second_edge, edges[0], gammapy_min)
    assert np.count_nonzero(at_second_edge) == 1656
    _compare_energy_range(dataset.energy_range, reference, "after_energy_mask", expected_min)

    kept = dataset.mask_fit
    dataset.mask_fit &= dataset.counts.geom.region_mask("galactic;box(184.55, -5.78, 3.0, 3.0)")
    assert dataset.mask_fit is kept  # &= updates the dataset's map in place
    # The dataset keeps a copy: the user's mask_energy is unchanged (gammapy aliases it, X34).
    assert mask_energy.data.reshape(5, -1).sum(axis=1).tolist() == [2000] * 4 + [0]
    gammapy_min = np.load(reference / "energy_range_min_after_fit.npy")
    expected_min = np.where(np.isclose(gammapy_min, edges[1], rtol=1e-12), edges[0], gammapy_min)
    _compare_energy_range(dataset.energy_range, reference, "after_fit", expected_min)
    assert np.isnan(dataset.energy_range.max.data).sum() == 1100
    assert_allclose(dataset.energy_range_total.min.to_value("TeV"), edges[0])
    assert_allclose(dataset.energy_range_total.max.to_value("TeV"), edges[4])


def test_energy_range_reprs_are_readable_d8(dataset):
    text = str(dataset.energy_range)
    assert text == "EnergyRange(10.0 GeV - 2.00 TeV, valid in 1656 of 2000 pixels)"
    assert str(dataset.energy_range_total) == "EnergyBounds(10.0 GeV - 2.00 TeV)"
    emin, emax = dataset.energy_range  # unpacks like gammapy's tuple of two maps
    assert emin.geom.is_image and emax.unit == u.TeV
    text = repr(dataset)
    assert "Fermi-LAT" in text and "8280 of 10000 True" in text and "0x" not in text


def test_mask_combines_safe_and_fit_without_aliasing(dataset):
    assert_array_equal(dataset.mask.data, dataset.mask_safe.data)
    assert dataset.mask is not dataset.mask_safe  # gammapy returns the same object
    box = dataset.counts.geom.region_mask("galactic;box(184.55, -5.78, 3.0, 3.0)")
    dataset.mask_fit = box
    assert_array_equal(dataset.mask.data, dataset.mask_safe.data & box.data)
    dataset.mask_safe = None
    assert_array_equal(dataset.mask.data, box.data)
    dataset.mask_fit = None
    assert dataset.mask is None
    assert dataset.mask_image.data.all()


def test_mask_fit_setter_checks(dataset):
    other = WcsGeom.create(npix=(50, 40), binsz=0.2, axes=[dataset.counts.geom.axes[0]])
    with pytest.raises(ValueError, match="must be on the dataset geometry"):
        dataset.mask_fit = Map.from_geom(other, data=True)
    with pytest.raises(TypeError, match=r"boolean map.*mask > 0"):
        dataset.mask_fit = Map.from_geom(dataset.counts.geom, data=1.0)
    with pytest.raises(TypeError, match="boolean Map"):
        dataset.mask_fit = np.ones((5, 40, 50), dtype=bool)
    # An image on the same sky grid is repeated over energy.
    image = dataset.counts.geom.to_image().region_mask("galactic;circle(184.55, -5.78, 1)")
    dataset.mask_fit = image
    assert dataset.mask_fit.data.shape == (5, 40, 50)
    assert_array_equal(dataset.mask_fit.data[3], image.data)


def test_psf_containment_through_the_dataset(dataset, reference):
    energy_true = dataset.exposure.geom.axes[0].center
    psf_r95 = dataset.psf.containment_radius(fraction=0.95, energy_true=energy_true)
    assert_allclose(psf_r95.to_value("deg"), np.load(reference / "psf_r95.npy"), rtol=5e-3)


@pytest.mark.parametrize("path", ["fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits", GC_FILE])
def test_read_write_read_is_identical_for_every_hdu(gammapy_data, tmp_path, path):
    original = MapDataset.read(gammapy_data / path)
    first = tmp_path / "first.fits"
    second = tmp_path / "second.fits"
    original.write(first)
    again = MapDataset.read(first)
    again.write(second)
    for name in ("counts", "exposure", "background", "mask_safe"):
        assert_map_equal(getattr(again, name), getattr(original, name))
    assert_map_equal(again.psf.psf_map, original.psf.psf_map)
    assert_map_equal(again.edisp.edisp_map, original.edisp.edisp_map)
    with fits.open(gammapy_data / path) as source, fits.open(first) as a, fits.open(second) as b:
        assert [h.name for h in a] == [h.name for h in source]
        for hdu_a, hdu_b in zip(a, b, strict=True):
            assert hdu_a.name == hdu_b.name
            assert hdu_a.header == hdu_b.header
            if hdu_a.data is None:
                assert hdu_b.data is None
            elif hdu_a.is_image:
                assert_array_equal(hdu_a.data, hdu_b.data)
            else:
                assert hdu_a.columns.names == hdu_b.columns.names
                for column in hdu_a.columns.names:
                    assert_array_equal(hdu_a.data[column], hdu_b.data[column])


def test_gc_dataset_reads(gammapy_data):
    dataset = MapDataset.read(gammapy_data / GC_FILE)
    assert dataset.counts.data.shape == (11, 200, 400)
    assert dataset.mask_safe.is_mask
    radius = dataset.psf.containment_radius(0.68, 100 * u.GeV)
    assert 0.05 < radius.to_value("deg") < 0.5


def test_create_synthetic_dataset(tmp_path):
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", 5)
    geom = WcsGeom.create(npix=(30, 20), binsz=0.1, frame="galactic", axes=[axis])
    dataset = MapDataset.create(geom, name="sim", background=0.5)
    assert dataset.counts.geom == geom
    assert dataset.exposure.geom.axes.names == ["energy_true"]
    assert dataset.mask_safe.data.all()
    assert_allclose(dataset.npred().data, 0.5)
    dataset.counts.data[...] = 3
    path = tmp_path / "sim.fits"
    dataset.write(path)
    back = MapDataset.read(path)
    assert back.name == "sim"
    assert_map_equal(back.counts, dataset.counts)
    with pytest.raises(ValueError, match="'energy' axis"):
        MapDataset.create(geom.to_image())


def test_dataset_name_that_is_not_a_str_is_refused_not_stringified():
    # gammapy 2.1: ValueError "Name argument must be a string"; skymask used to store
    # "[1233, '234']".
    from skymask.datasets import MapDatasetOnOff

    for name in ([1233, "234"], 1233, ("a",), None.__class__):
        with pytest.raises(ValueError, match="a dataset name must be a str"):
            MapDataset(name=name)
    # gammapy's phrase is in the message (its own test matches it)
    with pytest.raises(ValueError, match="which is of type '<class 'int'>'"):
        MapDataset(name=6353)
    assert MapDataset(name=np.str_("crab")).name == "crab"
    assert MapDataset().name == "dataset"
    ones = Map.from_geom(WcsGeom.create(npix=2, binsz=0.1), data=1.0)
    with pytest.raises(ValueError, match="a dataset name must be a str"):
        MapDatasetOnOff(ones, ones, ones, ones, name=["on", "off"])


def test_read_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such MapDataset file"):
        MapDataset.read(tmp_path / "nope.fits")
