"""A chunked mask built, dilated and written on a dask.distributed cluster of two worker
processes is the in-memory mask, and the file is the in-memory write byte for byte."""

import numpy as np
import pytest

dask = pytest.importorskip("dask")
pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

from skymask.maps import Map, MapAxis, WcsGeom  # noqa: E402

REGIONS = (
    "galactic;circle(0, 0, 0.3);circle(1.2, 0.4, 0.2);box(-1, -0.2, 0.6, 0.3, 30);"
    "ellipse(2, 0, 0.4, 0.1, 60);-circle(0, 0, 0.08)"
)


def test_build_dilate_write_on_a_local_cluster(tmp_path, capsys):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(npix=(300, 60), binsz=0.02, frame="galactic", axes=[axis])
    expected = geom.region_mask(REGIONS, inside=False).binary_dilate("0.1 deg")
    expected.write(tmp_path / "memory.fits")
    # dashboard_address=":0": the scheduler's HTTP server on a free port. With None it still
    # listens on 8787 and, when a parallel run holds that port, distributed warns (an error
    # under filterwarnings = error) and the cluster fails to start.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert cluster.scheduler.http_server.port not in (0, 8787)
        # Chunks of 4 rows: thinner than the dilation radius (5 pixels).
        lazy = geom.region_mask(REGIONS, inside=False, chunks=(3, 4, 100))
        dilated = lazy.binary_dilate("0.1 deg")
        with (
            distributed.get_task_stream(client) as stream,
            dask.config.set({"skymask.progress": True}),
        ):
            dilated.write(tmp_path / "cluster.fits")
        # distributed's text progress bar, drawn on stderr (stdout stays for results).
        captured = capsys.readouterr()
        assert "100% Completed" in captured.err
        assert "Completed" not in captured.out
        # The worker processes painted the chunks and wrote them.
        workers = {task["worker"] for task in stream.data}
        assert workers <= set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        names = {
            task["key"][0] if isinstance(task["key"], tuple) else task["key"]
            for task in stream.data
        }
        assert any(str(name).startswith("skymask-region-mask") for name in names)
    result = Map.read(tmp_path / "cluster.fits")
    assert result.is_mask
    np.testing.assert_array_equal(result.data, expected.data)
    assert (tmp_path / "cluster.fits").read_bytes() == (tmp_path / "memory.fits").read_bytes()
