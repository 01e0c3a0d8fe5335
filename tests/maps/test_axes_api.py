"""MapAxis/MapAxes/LabelMapAxis API of gammapy 2.1: resampling, tables, groups, labels."""

import re

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table
from numpy.testing import assert_allclose, assert_array_equal

from skymask.maps import LabelMapAxis, MapAxes, MapAxis


def test_pad_extrapolates_in_the_interp_scale():
    log_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    assert_allclose(log_axis.pad((0, 1)).edges.to_value("TeV"), [1, 10, 100])
    assert_allclose(log_axis.pad(1).edges.to_value("TeV"), [0.1, 1, 10, 100])
    lin_nodes = MapAxis.from_nodes([0.0, 1.0, 3.0], unit="deg", name="offset")
    # centre type: one more node at each end, continuing the outer steps (1 and 2)
    assert_allclose(lin_nodes.pad(1).center.value, [-1.0, 0.0, 1.0, 3.0, 5.0])
    with pytest.raises(ValueError, match="pad_width must be a whole number >= 0, got -1"):
        log_axis.pad(-1)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda axis: axis.pad(1.5), ValueError, "pad_width must be a whole number >= 0, got 1.5"),
        (lambda axis: axis.pad([1, 0.5]), ValueError, "got 0.5"),
        (lambda axis: axis.upsample(0), ValueError, "factor must be a whole number >= 1, got 0"),
        (lambda axis: axis.upsample(2.5), ValueError, "got 2.5"),
        (lambda axis: axis.downsample(1.5), ValueError, "got 1.5"),
        (lambda axis: axis.downsample(True), TypeError, "factor must be a whole number, got"),
        (lambda axis: axis.pad("1"), TypeError, "pad_width must be a whole number, got"),
    ],
)
def test_axis_counts_are_whole_numbers_not_truncated(call, error, message):
    # int(1.5) is 1: a fractional factor or padding used to give another axis silently.
    axis = MapAxis.from_edges([0, 1, 2, 3, 4], name="x")
    with pytest.raises(error, match=re.escape(message)):
        call(axis)
    assert axis.pad([1, 2]).nbin == 7 and axis.pad(np.array([0, 1])).nbin == 5
    assert axis.upsample(2.0).nbin == 8 and axis.downsample(2.0).nbin == 2


def test_downsample_keeps_every_factor_th_edge_and_the_limits():
    axis = MapAxis.from_edges([0, 1, 3, 7, 13, 21, 31], name="x")
    assert axis.downsample(3).edges.value.tolist() == [0, 7, 31]
    assert axis.downsample(4, strict=False).edges.value.tolist() == [0, 13, 31]
    with pytest.raises(ValueError, match=r"^Number of x bins \(6\) is not divisible by 4$"):
        axis.downsample(4)
    for factor in (1, 2, 3, 5):
        assert_allclose(axis.upsample(factor).downsample(factor).edges, axis.edges)


def test_concatenate_rename_alignment_and_periodic_wrap():
    a = MapAxis.from_bounds(0, 10, 10, name="x")
    b = MapAxis.from_bounds(10, 20, 5, name="x")
    assert_allclose(a.concatenate(b).edges.value, [*range(11), 12, 14, 16, 18, 20])
    with pytest.raises(ValueError, match="contiguous"):
        a.concatenate(MapAxis.from_bounds(11, 20, 5, name="x"))
    with pytest.raises(ValueError, match="Names must agree, got x and y"):
        a.concatenate(b.rename("y"))
    assert a.rename("y").name == "y" and a.name == "x"
    assert a.is_aligned(MapAxis.from_bounds(2, 5, 3, name="x"))
    assert not a.is_aligned(MapAxis.from_bounds(2.5, 5.5, 3, name="x"))
    periodic = MapAxis.from_bounds(0, 360, 4, unit="deg", name="phase", boundary_type="periodic")
    # wrapped by hand: -10 -> 350, 370 -> 10, 720 -> 0
    assert periodic.coord_to_idx([-10, 370, 720] * u.deg).tolist() == [3, 0, 0]
    assert periodic.copy().boundary_type == "periodic"
    with pytest.raises(ValueError, match="Periodic Axis only supports linear"):
        MapAxis.from_bounds(1, 10, 4, interp="log", boundary_type="periodic")


def test_group_table_matches_gammapys_groups():
    # gammapy 2.1's test_group_tablenergy_edges numbers (reference axis: edges 1, 2, ..., 10 TeV)
    axis = MapAxis.from_edges(np.arange(1, 11) * u.TeV, name="energy")
    groups = axis.group_table([1.8, 4.8, 7.2] * u.TeV)
    assert groups["idx_min"].tolist() == [0, 1, 4, 6]
    assert groups["idx_max"].tolist() == [0, 3, 5, 8]
    assert [t.strip() for t in groups["bin_type"]] == ["underflow", "normal", "normal", "overflow"]
    # every bin lies in exactly one group
    covered = np.concatenate(
        [np.arange(lo, hi + 1) for lo, hi in zip(groups["idx_min"], groups["idx_max"], strict=True)]
    )
    assert_array_equal(covered, np.arange(9))
    with pytest.raises(ValueError, match=r"No overlap between reference and target edges\."):
        axis.group_table([20, 30] * u.TeV)


def test_tables_round_trip():
    energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=4)
    ogip = energy.to_table()
    assert ogip.colnames == ["CHANNEL", "E_MIN", "E_MAX"]
    assert energy.to_table("ogip-sherpa")["E_MIN"].unit == u.keV
    assert MapAxis.from_table(ogip, format="ogip") == energy
    offset = MapAxis.from_edges([0, 1, 2.5] * u.deg, name="offset")
    dl3 = offset.to_table("gadf-dl3")
    assert dl3.colnames == ["THETA_LO", "THETA_HI"] and dl3["THETA_LO"].shape == (1, 2)
    assert MapAxis.from_table(dl3, format="gadf-dl3", column_prefix="THETA") == offset
    gadf = Table(
        {"E_MIN": energy.edges_min, "E_MAX": energy.edges_max},
        meta=dict(energy.to_header("gadf", idx=1)),
    )
    assert MapAxis.from_table(gadf, format="gadf", idx=0) == energy
    with pytest.raises(ValueError, match="not a valid format"):
        energy.to_table("fits")


def test_map_axes_selection_index_pad_and_names():
    a, b, c = (MapAxis.from_bounds(1, 4, 3, name=n) for n in ("a1", "a2", "a3"))
    axes = MapAxes([a, b, c])
    selected = axes[["a3", "a1"]]
    assert isinstance(selected, MapAxes) and selected.names == ["a3", "a1"]
    assert axes.index("a2") == 1 and axes.index(c) == 2 and axes.index_data("a1") == 2
    with pytest.raises(ValueError, match="no axis named 'b'"):
        axes.index("b")
    assert axes.pad("a2", (1, 0))["a2"].nbin == 4
    axes.assert_names(["a1", "a2"], allow_extra=True)
    with pytest.raises(ValueError, match="Incorrect axis order or names"):
        axes.assert_names(["a2", "a1", "a3"])


def test_label_axis():
    axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
    assert axis.coord_to_idx([["pks"], ["crab"]]).tolist() == [[2], [0]]
    with pytest.raises(ValueError, match="Not a valid label"):
        axis.coord_to_idx("geminga")
    with pytest.raises(ValueError, match="Node labels must be unique"):
        LabelMapAxis(["a", "a"])
    with pytest.raises(ValueError, match="does not define edges"):
        _ = axis.edges
    assert axis.concatenate(LabelMapAxis(["x"], name="source")).center.tolist() == [
        "crab",
        "vela",
        "pks",
        "x",
    ]
    assert axis.squash().center.tolist() == ["crab...pks"]
    assert axis.slice(slice(1, 3)).center.tolist() == ["vela", "pks"]
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    axes = MapAxes([energy, axis])
    assert axes.names == ["energy", "source"] and axes["source"] == axis
    with pytest.raises(NotImplementedError, match="Padding a LabelMapAxis"):
        axis.pad(1)


def test_plot_helpers():
    axis = MapAxis.from_nodes([0, 1, 2], unit="deg", name="offset")
    assert axis.as_plot_labels[0] == "0.00e+00 deg"
    edges = MapAxis.from_edges([1, 10], unit="TeV", name="energy")
    assert edges.as_plot_labels == ["1.00e+00 TeV - 1.00e+01 TeV"]
    assert edges.as_plot_scale == "linear"
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        energy = MapAxis.from_energy_bounds("0.03 TeV", "300 TeV", nbin=4, name="energy_true")
        energy.format_plot_xaxis(ax)
        assert ax.get_xscale() == "log"
        assert ax.get_xlabel().startswith("True Energy [")
        assert_allclose(ax.get_xlim(), [0.03, 300])
    finally:
        plt.close(fig)


def test_map_axes_transforms_and_centre():
    energy = MapAxis.from_energy_edges([1, 10, 100] * u.TeV)
    offset = MapAxis.from_edges([0, 1, 2, 4] * u.deg, name="offset")
    axes = MapAxes([energy, offset])
    coords = {"energy": [5, 500, 50] * u.TeV, "offset": [0.5, 3.0, -1.0] * u.deg}
    # clipped by default (gammapy): 500 TeV -> last bin, -1 deg -> first bin
    assert [i.tolist() for i in axes.coord_to_idx(coords)] == [[0, 1, 1], [0, 2, 0]]
    assert [i.tolist() for i in axes.coord_to_idx(coords, clip=False)] == [[0, -1, 1], [0, 2, -1]]
    # bin centres: geometric for log (10 TeV is pixel 0.5), arithmetic for lin
    centre_energy, centre_offset = axes.center_coord
    assert_allclose(centre_energy.to_value("TeV"), 10.0)
    assert_allclose(centre_offset.to_value("deg"), 1.5)
    pix = axes.coord_to_pix(coords)
    assert_allclose(axes.pix_to_coord(pix)[1].to_value("deg"), [0.5, 3.0, -1.0])
    assert axes.drop("energy").names == ["offset"] and axes.is_allclose(axes.copy())


def test_coord_to_pix_reads_quantity_strings_as_gammapy():
    # gammapy 2.1 (computed in its venv): coord_to_pix("10 TeV") on this axis is [2.5].
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    np.testing.assert_allclose(axis.coord_to_pix("10 TeV"), [2.5])
    np.testing.assert_allclose(axis.coord_to_pix("1000 GeV"), [-0.5])
    np.testing.assert_allclose(axis.coord_to_pix("10"), [2.5])  # in the axis unit
    with pytest.raises(ValueError, match=r"'ten TeV' of axis 'energy' is neither a number"):
        axis.coord_to_pix("ten TeV")
    with pytest.raises(u.UnitConversionError, match=r"'10 deg' cannot be converted.*'energy'"):
        axis.coord_to_pix("10 deg")


@pytest.mark.parametrize("pix", [-1, -0.51, 2.5, 3, np.nan, [0, 1, -1]])
def test_label_axis_pixels_outside_are_an_error_not_another_label(pix):
    # gammapy indexes its labels with round(pix): -1 silently gives the last label (X190).
    axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
    with pytest.raises(ValueError, match=r"outside the label axis 'source'.*-0\.5 to 2\.5"):
        axis.pix_to_coord(pix)


def test_label_axis_pixels_inside_round_to_the_nearest_label():
    axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
    pix = [-0.5, -0.2, 0.49, 0.51, 1.5, 2.49]  # 0.5 and 1.5: half to even, as gammapy
    assert axis.pix_to_coord(pix).tolist() == ["crab", "crab", "crab", "vela", "pks", "pks"]
    assert axis.pix_to_coord(1.2) == "vela"


def test_resample_axis_error_of_a_unitless_axis_has_no_trailing_blank():
    from skymask.maps import WcsGeom

    axis = MapAxis.from_edges([1, 2, 3, 4], name="x", unit="")
    geom = WcsGeom.create(npix=3, axes=[axis])
    expected = r"\(5 to 6\) does not span one bin of the map's axis \(1 to 4\)"
    with pytest.raises(ValueError, match=expected):
        geom.resample_axis(MapAxis.from_edges([5, 6], name="x", unit=""))
