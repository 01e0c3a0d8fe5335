"""ExcessMapEstimator on chunked (dask) datasets: lazy, and the in-memory maps.

The oracle is the in-memory estimator (itself tested against gammapy's outputs and a brute
force sum in test_excess_map_estimator.py) on the same values.

Tolerance: correlated counts are exact integers either way and are compared exactly; the
NaN pattern (the mask) too. Float maps are compared with ``rtol = atol_scale = 1e-10``:
within a chunk the top-hat sums of the background and exposure are added in another order than
over the whole map (the direct method's running sums start at the chunk's halo instead of the
map edge, the FFT runs on the chunk's padded grid, ``method="auto"`` may pick the other method
for a chunk), so they differ by a few units of double precision (2.2e-16) times the sums
involved, and the statistics made from them by a few more. The atol scale of each map is its
largest absolute value (a map near zero, like the excess where counts match the background,
inherits the absolute error of the background sums, not a relative one). ``sqrt_ts`` is
compared as ``sign * ts`` (a square root turns an absolute error d near 0 into sqrt(d)).
Where the correlated background is zero up to round-off (an FFT sum over zeros gives ~1e-18,
not 0), the maps that depend on its logarithm (ts, sqrt_ts, norm_sensitivity) are set by that
round-off, in memory as chunked: they are compared elsewhere.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

da = pytest.importorskip("dask.array")

from skymask.datasets import MapDataset  # noqa: E402
from skymask.estimators import ExcessMapEstimator  # noqa: E402
from skymask.maps import Map, MapAxis, WcsGeom  # noqa: E402

TOLERANCE = 1e-10
EXACT = ("counts", "npred")

SETTINGS = settings(
    max_examples=20,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


#: Maps that depend on log(background): where the correlated background is zero up to
#: round-off (an FFT sum of zeros is ~1e-18, not 0), they are set by that round-off.
LOG_BACKGROUND = ("ts", "sqrt_ts", "norm_sensitivity")


def assert_same_maps(lazy, memory, names=None):
    mu = memory["counts"].data - memory["npred_excess"].data
    # Background sums at round-off level: below 1e-12 of the largest (FFT round-off is
    # ~1e-16 of it).
    noise = mu <= 1e-12 * np.nanmax(np.abs(mu), initial=0.0)
    for name in names or memory.available_quantities:
        expected = memory[name].data
        got = lazy[name].data
        if name in LOG_BACKGROUND:
            assert_array_equal(np.isnan(got), np.isnan(expected) & ~noise | noise & np.isnan(got))
            got, expected = np.where(noise, np.nan, got), np.where(noise, np.nan, expected)
        assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=name)
        if name in EXACT:
            assert_array_equal(got, expected, err_msg=name)
            continue
        if name == "sqrt_ts":
            # sqrt_ts = sign(excess) sqrt(ts): compared as sign * ts, with the ts tolerance
            # (the square root turns an absolute error d of ts near 0 into sqrt(d)).
            got, expected = got * np.abs(got), expected * np.abs(expected)
        finite = np.isfinite(expected)
        scale = np.max(np.abs(expected[finite]), initial=0.0)
        assert_allclose(
            got, expected, rtol=TOLERANCE, atol=TOLERANCE * scale, equal_nan=True, err_msg=name
        )


def chunked(m, chunks):
    return Map.from_geom(m.geom, data=da.from_array(m.data, chunks=chunks), unit=m.unit)


@st.composite
def datasets(draw):
    nx, ny = draw(st.integers(4, 24)), draw(st.integers(4, 20))
    nbin = draw(st.integers(1, 4))
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=nbin)
    geom = WcsGeom.create(npix=(nx, ny), binsz=0.1, frame="galactic", axes=[axis])
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rate = draw(st.sampled_from([0.05, 2.0, 40.0]))
    background = rng.uniform(0, 2 * rate, geom.data_shape)
    background[rng.random(geom.data_shape) < 0.1] = 0.0  # no background: sqrt_ts from 2 mu
    maps = {
        "counts": Map.from_geom(geom, data=rng.poisson(background).astype(np.float32)),
        "background": Map.from_geom(geom, data=background),
    }
    if draw(st.booleans()):
        safe = rng.random(geom.data_shape) < 0.8
        safe[..., : draw(st.integers(0, nx // 2))] = False  # a band without data
        maps["mask_safe"] = Map.from_geom(geom, data=safe)
        # NaN counts where they are not safe must not enter the sums.
        maps["counts"].data[~safe] = np.nan
    if draw(st.booleans()):
        maps["mask_fit"] = Map.from_geom(geom, data=rng.random(geom.data_shape) < 0.9)
    if draw(st.booleans()):
        true = MapAxis.from_energy_bounds("0.5 TeV", "20 TeV", nbin=nbin + 2, name="energy_true")
        values = rng.uniform(1e9, 1e11, (nbin + 2, ny, nx))
        maps["exposure"] = Map.from_geom(geom.to_image().to_cube([true]), data=values, unit="cm2 s")
    return maps


@SETTINGS
@given(data=st.data())
def test_chunked_run_equals_in_memory(data):
    maps = data.draw(datasets())
    shape = maps["counts"].data.shape
    # Any non-empty subset of the maps chunked, chunks from 1 pixel to the whole axis.
    names = data.draw(st.lists(st.sampled_from(sorted(maps)), min_size=1, unique=True))
    lazy_maps = dict(maps)
    for name in names:
        m = maps[name]
        chunks = (
            data.draw(st.integers(1, m.data.shape[0])),
            data.draw(st.integers(1, shape[1])),
            data.draw(st.integers(1, shape[2])),
        )
        lazy_maps[name] = chunked(m, chunks)
    # Radii up to 1.5 deg (15 pixels): chunks much thinner than the correlation radius.
    radius = data.draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.5]))
    estimator = ExcessMapEstimator(
        f"{radius} deg",
        selection_optional="all",
        energy_edges=data.draw(st.sampled_from([None, "all"])),
        method=data.draw(st.sampled_from(["auto", "direct", "fft"])),
    )
    memory = estimator.run(MapDataset(**maps))
    lazy = estimator.run(MapDataset(**lazy_maps))
    assert lazy.is_chunked
    assert all(lazy[name].is_chunked for name in lazy.available_quantities)
    assert lazy.available_quantities == memory.available_quantities
    # The synchronous scheduler: thousands of one-pixel tasks run faster without threads.
    assert_same_maps(lazy.compute(scheduler="synchronous"), memory)
    # The significance mask stays lazy and boolean, and is the in-memory one (pixels within
    # the tolerance of the threshold could fall either way: none are expected, none are hit).
    significant = lazy["sqrt_ts"] >= 2.0
    assert significant.is_chunked and significant.data.dtype == bool
    expected = memory["sqrt_ts"].data >= 2.0
    near = np.abs(memory["sqrt_ts"].data - 2.0) < 1e-9
    assert_array_equal(significant.compute(scheduler="synchronous").data[~near], expected[~near])


def test_lazy_until_computed_and_chunks_kept():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(40, 24), binsz=0.05, axes=[axis])
    calls = []

    def counted(block):
        calls.append(block.shape)
        return block

    counts = da.full(geom.data_shape, 3.0, chunks=(1, 5, 7)).map_blocks(counted)
    dataset = MapDataset(
        counts=Map.from_geom(geom, data=counts), background=Map.from_geom(geom, data=2.0)
    )
    result = ExcessMapEstimator("0.3 deg").run(dataset)
    assert calls == [] or all(0 in shape or shape == (1,) * 3 for shape in calls)
    calls.clear()
    sqrt_ts = result["sqrt_ts"]
    assert sqrt_ts.is_chunked and sqrt_ts.data.chunks[1:] == counts.chunks[1:]
    assert "not computed" in repr(result)
    assert "counts      : chunked, not computed" in repr(dataset)
    computed = result.compute()
    assert calls  # computed now, chunk by chunk
    # Interior pixel: 0.3 deg on 0.05 deg pixels is a 6-pixel radius, 113 pixels.
    n_pix = int(ExcessMapEstimator("0.3 deg").estimate_kernel(geom).sum())
    assert n_pix == 113
    assert computed["counts"].data[0, 12, 20] == 3 * 3.0 * n_pix
    # The background sum by FFT: to round-off.
    assert computed["npred_excess"].data[0, 12, 20] == pytest.approx(3 * 1.0 * n_pix, rel=1e-12)


def test_errors_of_chunked_datasets():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(12, 10), binsz=0.1, axes=[axis])
    background = np.ones(geom.data_shape)
    background[1, 7, 9] = -1.0
    counts = Map.from_geom(geom, data=da.ones(geom.data_shape, chunks=(1, 5, 6)))
    dataset = MapDataset(counts=counts, background=Map.from_geom(geom, data=background))
    result = ExcessMapEstimator("0.1 deg").run(dataset)  # lazily: nothing checked yet
    with pytest.raises(ValueError, match=r"negative background in 1 pixels .* rows 5:10"):
        result.compute()
    # mask_safe leaves the pixel out: no error, as in memory.
    safe = np.ones(geom.data_shape, dtype=bool)
    safe[1, 7, 9] = False
    dataset.mask_safe = Map.from_geom(geom, data=da.from_array(safe, chunks=4))
    memory = MapDataset(
        counts=counts.compute(),
        background=Map.from_geom(geom, data=background),
        mask_safe=Map.from_geom(geom, data=safe),
    )
    assert_same_maps(
        ExcessMapEstimator("0.1 deg").run(dataset).compute(),
        ExcessMapEstimator("0.1 deg").run(memory),
    )
    # Non-finite counts inside the mask.
    bad = np.ones(geom.data_shape)
    bad[0, 2, 3] = np.inf
    dataset = MapDataset(
        counts=Map.from_geom(geom, data=da.from_array(bad, chunks=3)),
        background=Map.from_geom(geom, data=1.0),
    )
    with pytest.raises(ValueError, match="counts has 1 non-finite values"):
        ExcessMapEstimator("0.1 deg").run(dataset).compute()


@pytest.mark.data
@pytest.mark.parametrize("energy_edges", [None, "all"])
def test_galactic_centre_dataset_chunked(gc_dataset, energy_edges):
    """The Fermi 3FHL Galactic-centre dataset (counts, background, exposure, edisp, mask_safe):
    chunks of 37 x 53 pixels, thinner than nothing but crossing the 6-pixel kernel everywhere."""
    estimator = ExcessMapEstimator("0.3 deg", energy_edges=energy_edges, selection_optional="all")
    memory = estimator.run(gc_dataset)
    for name in ("counts", "background", "exposure", "mask_safe"):
        m = getattr(gc_dataset, name)
        setattr(gc_dataset, name, chunked(m, (m.data.shape[0], 37, 53)))
    lazy = estimator.run(gc_dataset)
    assert lazy.is_chunked
    assert_same_maps(lazy.compute(), memory)
