"""Maps to and from Zarr stores: the same geometry, data, dtype and unit back, chunk-wise."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("zarr")

from skymask.maps import Map, MapAxis, WcsGeom  # noqa: E402
from skymask.maps.io_zarr import read_zarr, write_zarr  # noqa: E402


@pytest.mark.parametrize("dtype", [bool, np.float32, np.int32])
@pytest.mark.parametrize("chunked", [True, False])
def test_round_trip(tmp_path, dtype, chunked):
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=3)
    geom = WcsGeom.create(npix=(13, 9), binsz=0.1, frame="galactic", proj="TAN", axes=[axis])
    values = (np.random.default_rng(2).normal(size=geom.data_shape) * 10).astype(dtype)
    data = da.from_array(values, chunks=(1, 4, 5)) if chunked else values
    m = Map.from_geom(geom, data=data, unit="" if dtype is bool else "cm-2 s-1")
    store = write_zarr(m, tmp_path / "map.zarr", chunks=(1, 4, 5))
    back = read_zarr(store)
    assert back.is_chunked
    assert back.data.chunks == da.from_array(values, chunks=(1, 4, 5)).chunks
    assert back.geom == geom
    assert back.unit == m.unit
    assert back.data.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back.compute().data, values)


def test_overwrite_and_errors(tmp_path):
    geom = WcsGeom.create(npix=(6, 4), binsz=0.1)
    first = geom.region_mask("icrs;circle(0, 0, 0.15)", chunks=3)
    write_zarr(first, tmp_path / "m.zarr")
    with pytest.raises(FileExistsError):
        write_zarr(~first, tmp_path / "m.zarr")
    write_zarr(~first, tmp_path / "m.zarr", overwrite=True)
    np.testing.assert_array_equal(
        read_zarr(tmp_path / "m.zarr").compute().data, ~first.compute().data
    )
    # No temporaries left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.zarr"]
    with pytest.raises(FileNotFoundError):
        read_zarr(tmp_path / "missing.zarr")
