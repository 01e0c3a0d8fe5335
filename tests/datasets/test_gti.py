"""Good time intervals (skymask.data.GTI) and the datasets that carry them.

Oracles: gammapy 2.1's numbers for the same calls (computed in its environment and pasted
with a comment saying so) and durations that follow from the intervals by hand.
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time
from numpy.testing import assert_allclose

from skymask.data import GTI
from skymask.datasets import MapDataset, MapDatasetOnOff
from skymask.maps import Map, MapAxis, WcsGeom


def _two_intervals():
    return GTI.create([0, 100] * u.s, [50, 3600] * u.s, reference_time="2010-01-01T00:00:00")


def test_create_matches_gammapy_header_and_durations():
    gti = _two_intervals()
    # gammapy 2.1: time_sum 3550.0000000000095 s, MJDREFI 55197, MJDREFF 0.0, TIMESYS utc.
    assert_allclose(gti.time_sum.to_value("s"), 3550.0, rtol=1e-12)
    assert_allclose(gti.time_delta.to_value("s"), [50.0, 3500.0], rtol=1e-12)
    hdu = gti.to_table_hdu()
    assert hdu.name == "GTI"
    assert hdu.header["MJDREFI"] == 55197
    assert hdu.header["MJDREFF"] == 0.0
    assert hdu.header["TIMESYS"] == "utc"
    assert_allclose(hdu.data["START"], [0.0, 100.0], atol=1e-6)
    assert_allclose(hdu.data["STOP"], [50.0, 3600.0], atol=1e-6)
    assert "Number of GTIs: 2" in str(gti)


def test_empty_gti_has_no_time():
    gti = GTI.create([] * u.s, [] * u.s)
    assert gti.time_delta.shape == (0,)
    assert gti.time_sum == 0 * u.s
    assert gti.time_ref.isot == "2000-01-01T00:00:00.000"
    assert gti.time_ref.scale == "tt"
    assert len(GTI.from_table_hdu(gti.to_table_hdu()).table) == 0


def test_stack_appends_and_union_merges_like_gammapy():
    gti = _two_intervals()
    gti.stack(GTI.create([20] * u.s, [70] * u.s, reference_time="2010-01-01T00:00:00"))
    assert len(gti.table) == 3
    assert_allclose(gti.time_sum.to_value("s"), 3550.0 + 50.0, rtol=1e-12)
    union = gti.union()
    # gammapy 2.1: two intervals, (0, 70 s) and (100 s, 3600 s), time_sum 3570 s.
    assert len(union.table) == 2
    assert_allclose(union.met_start.to_value("s"), [0.0, 100.0], atol=1e-6)
    assert_allclose(union.met_stop.to_value("s"), [70.0, 3600.0], atol=1e-6)
    assert_allclose(union.time_sum.to_value("s"), 3570.0, rtol=1e-12)


def test_union_touching_intervals_and_overlap_check():
    gti = GTI.create([0, 10, 30] * u.s, [10, 20, 40] * u.s)
    assert len(gti.union().table) == 2  # (0, 20) and (30, 40)
    assert len(gti.union(merge_equal=False).table) == 3
    with pytest.raises(ValueError, match="overlap_ok=False"):
        GTI.create([0, 5] * u.s, [10, 20] * u.s).union(overlap_ok=False)


def test_other_reference_time_is_converted_when_stacking():
    # Absolute times: one hour after 2010-01-01 is 3600 s after it, whatever the reference.
    first = GTI.create(0 * u.s, 1 * u.h, reference_time="2010-01-01T00:00:00")
    second = GTI.create(1 * u.h, 2 * u.h, reference_time="2010-01-01T00:00:00")
    other_ref = GTI.create(
        Time("2010-01-01T01:00:00"), Time("2010-01-01T02:00:00"), reference_time="2000-01-01"
    )
    first.stack(other_ref)
    assert_allclose(first.union().time_sum.to_value("s"), 7200.0, rtol=1e-9)
    assert len(first.union().table) == 1
    assert_allclose(second.met_start.to_value("s"), 3600.0, rtol=1e-12)


def test_write_read_round_trip(tmp_path):
    gti = _two_intervals()
    gti.write(tmp_path / "gti.fits")
    back = GTI.read(tmp_path / "gti.fits")
    assert_allclose(back.met_start.to_value("s"), [0.0, 100.0], atol=1e-6)
    assert_allclose(back.time_sum.to_value("s"), 3550.0, rtol=1e-9)
    assert back.time_ref.scale == "utc"
    with pytest.raises(FileExistsError):
        gti.write(tmp_path / "gti.fits")
    gti.write(tmp_path / "gti.fits", overwrite=True)


def test_bad_input_is_a_clear_error():
    with pytest.raises(TypeError, match="astropy Table"):
        GTI({"START": [0], "STOP": [1]})
    with pytest.raises(ValueError, match="START and STOP"):
        GTI(Table({"START": [0.0]}))
    with pytest.raises(TypeError, match="Time column"):
        GTI(Table({"START": [0.0], "STOP": [1.0]}))
    with pytest.raises(TypeError, match="another GTI"):
        _two_intervals().stack("0 s")
    with pytest.raises(ValueError, match="gadf"):
        _two_intervals().to_table_hdu(format="ogip")
    hdu = fits.BinTableHDU(Table({"START": [0.0], "STOP": [1.0]}), name="GTI")
    with pytest.raises(ValueError, match="MJDREFI"):
        GTI.from_table_hdu(hdu)
    with pytest.raises(TypeError, match=r"gti must be a skymask\.data\.GTI"):
        MapDataset(gti=[0, 1])


def _geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    return WcsGeom.create(npix=(6, 4), binsz=0.1, axes=[axis])


def test_dataset_create_stack_and_derived_datasets_keep_the_gti(tmp_path):
    empty = MapDataset.create(_geom())
    assert len(empty.gti.table) == 0 and empty.info_dict()["ontime"] == 0 * u.s
    first = MapDataset.create(_geom(), gti=GTI.create("0 min", "30 min"), name="a")
    second = MapDataset.create(_geom(), gti=GTI.create("20 min", "60 min"), name="b")
    second.mask_safe = Map.from_geom(_geom(), data=True, dtype=bool)
    first.stack(second)
    # The union of (0, 30 min) and (20, 60 min) is one hour.
    assert len(first.gti.table) == 1
    assert_allclose(first.info_dict()["ontime"].to_value("s"), 3600.0, rtol=1e-9)
    assert first.mask_safe.is_mask
    for derived in (
        first.copy(name="c"),
        first.to_image(),
        first.cutout(first.counts.geom.center_skydir, 0.2 * u.deg),
        first.downsample(2),
        first.pad(1),
        first.slice_by_idx({"energy": slice(0, 1)}),
        first.resample_energy_axis(MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)),
        first.to_masked(),
    ):
        assert_allclose(derived.gti.time_sum.to_value("s"), 3600.0, rtol=1e-9)
    copy = first.copy(name="d")
    copy.gti.stack(GTI.create("2 h", "3 h"))
    assert len(first.gti.table) == 1  # copies do not share the GTI
    first.write(tmp_path / "a.fits")
    with fits.open(tmp_path / "a.fits") as hdulist:
        assert "GTI" in [hdu.name for hdu in hdulist]
    back = MapDataset.read(tmp_path / "a.fits")
    assert back.extra_hdus == []
    assert_allclose(back.gti.time_sum.to_value("s"), 3600.0, rtol=1e-9)


def test_on_off_stack_and_map_dataset_keep_the_gti():
    geom = _geom()
    on_off = MapDatasetOnOff.create(geom, gti=GTI.create("0 s", "1 h"))
    other = MapDatasetOnOff.create(geom, gti=GTI.create("2 h", "3 h"))
    on_off.stack(other)
    assert len(on_off.gti.table) == 2
    assert_allclose(on_off.gti.time_sum.to_value("s"), 7200.0, rtol=1e-9)
    for derived in (on_off.to_map_dataset(), on_off.to_image(), on_off.to_masked()):
        assert_allclose(derived.gti.time_sum.to_value("s"), 7200.0, rtol=1e-9)
    assert np.all(on_off.mask_safe.data == np.zeros(geom.data_shape, bool))


def test_stacking_datasets_with_empty_gtis_keeps_an_empty_gti():
    # X180: gammapy 2.1 raises IndexError here (GTI.union of an empty table).
    first, second = MapDataset.create(_geom()), MapDataset.create(_geom())
    first.stack(second)
    assert len(first.gti.table) == 0
    assert first.info_dict()["ontime"] == 0 * u.s
    assert len(GTI.create([] * u.s, [] * u.s).union().table) == 0
