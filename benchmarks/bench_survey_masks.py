"""Survey-sized exclusion masks on dask: peak memory, time against in memory, 1 vs 2 workers.

The worked example of docs/user-guide/survey-masks.md: a Galactic-plane exclusion cube of
60000 x 2000 pixels (0.006 deg, |b| < 6 deg, all longitudes) and 20 energy bins (2.4 G voxels)
from the 3FHL and HGPS sources (circles of at least 0.3 deg, grown to cover extended sources),
dilated by 0.1 deg, written to FITS chunk by chunk. Each measurement runs in a fresh child
process; its peak memory is the maximum resident set (``ru_maxrss``) of the child and, with
``--workers``, of its worker processes (each worker reports its own, the largest is given).

Steps (``--only`` selects some):

- ``survey``: the full cube, chunked, threaded scheduler: time and peak memory (target: below
  2 GB), and a chunk-wise read-back of the file (True count, plane 0 equals plane 19);
- ``compare``: a size that fits in memory (``--compare-npix``, default 12000 x 2000 x 20), the
  in-memory path and the chunked path: time, peak memory, and the two files byte for byte;
- ``workers``: the compare size on a ``dask.distributed`` LocalCluster of 1 and 2 worker
  processes (scaling).

``--psf``: PSF-aware exclusion instead, one sky mask per energy bin (the 3FHL and HGPS circles
grown by the 95 % containment radius of the Fermi-LAT Galactic-centre PSF at each bin's lowest
energy, 20 bins from 10 to 500 GeV, the range of that PSF table), each plane dilated by
0.1 deg.

Run (not part of ``benchmarks/run.py``: the survey step takes minutes)::

    GAMMAPY_DATA=... .venv/bin/python benchmarks/bench_survey_masks.py --out /tmp/survey
    .venv/bin/python benchmarks/bench_survey_masks.py --only compare workers --out /tmp/survey

The load average before and after is printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BINSZ = 0.006
# Spatial chunks (rows, columns): 3 MB of booleans; the writer joins them into bands of whole
# rows. ``--chunks`` changes them (whole rows avoid that join: fewer transfers on a cluster).
CHUNKS = (500, 6000)


def _regions(image):
    from skymask.catalog import CATALOG_REGISTRY

    regions = []
    for tag in ("3fhl", "hgps"):
        catalog = CATALOG_REGISTRY.get_cls(tag)()
        regions.extend(catalog.exclusion_regions("0.3 deg", geom=image, select="overlap"))
    return regions


def _psf_circles(geom):
    """PSF-aware circles of the 3FHL and HGPS sources (95 % containment, lowest bin edge) with
    the PSF of the Fermi-LAT Galactic-centre dataset (10-500 GeV): one radius per energy bin."""
    import numpy as np
    from astropy import units as u
    from astropy.coordinates import concatenate

    from skymask.catalog import CATALOG_REGISTRY
    from skymask.datasets import MapDataset
    from skymask.maps import EnergyDependentCircles

    path = Path(os.environ["GAMMAPY_DATA"]) / "fermi-3fhl-gc" / "fermi-3fhl-gc.fits.gz"
    psf = MapDataset.read(path).psf
    parts = [
        CATALOG_REGISTRY.get_cls(tag)().exclusion_regions(
            "0.3 deg", geom=geom, select="overlap", psf=psf, containment=0.95
        )
        for tag in ("3fhl", "hgps")
    ]
    return EnergyDependentCircles(
        concatenate([p.centers.galactic for p in parts]),
        np.concatenate([p.radius_source.deg for p in parts]) * u.deg,
        psf,
        containment=0.95,
    )


def _geometry(nx, ny, nbin, psf=False):
    from skymask.maps import MapAxis, WcsGeom

    # With the PSF: the energy range of the Fermi-LAT PSF table used (it is not extrapolated).
    bounds = ("10 GeV", "500 GeV") if psf else ("100 GeV", "100 TeV")
    axis = MapAxis.from_energy_bounds(*bounds, nbin=nbin)
    return WcsGeom.create(
        npix=(nx, ny), binsz=BINSZ, frame="galactic", skydir=(0, 0), proj="CAR", axes=[axis]
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> dict:
    """One measurement in this process; prints a JSON line."""
    from skymask.maps import Map

    geom = _geometry(args.npix[0], args.npix[1], args.nbin, psf=args.psf)
    image = geom.to_image()
    start = time.perf_counter()
    regions = _psf_circles(geom) if args.psf else _regions(image)
    t_regions = time.perf_counter() - start
    client = cluster = None
    if args.workers:
        from distributed import Client, LocalCluster

        # ":0": a free port for the HTTP server (parallel runs do not collide on 8787).
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    start = time.perf_counter()
    if args.psf:
        # One sky mask per energy plane (the PSF radius of each bin), dilated plane by plane.
        chunks = None if args.mode == "memory" else (1, *args.chunks)
        exclusion = ~geom.region_mask(regions, chunks=chunks).binary_dilate("0.1 deg")
    elif args.mode == "memory":
        excluded = image.region_mask(regions).binary_dilate("0.1 deg")
        exclusion = Map.from_geom(geom, data=~excluded.data)  # repeated over the 20 planes
    else:
        excluded = image.region_mask(regions, chunks=tuple(args.chunks)).binary_dilate("0.1 deg")
        exclusion = Map.from_geom(geom, data=~excluded.data)  # lazily repeated
    exclusion.write(args.output, overwrite=True)
    elapsed = time.perf_counter() - start
    result = {
        "mode": args.mode,
        "psf": args.psf,
        "npix": list(args.npix),
        "nbin": args.nbin,
        "workers": args.workers,
        "chunks": list(args.chunks) if args.mode == "chunked" else None,
        "regions": len(regions),
        "regions_seconds": round(t_regions, 2),
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(_peak_mb()),
        "file_mb": round(os.path.getsize(args.output) / 2**20),
    }
    if client is not None:
        worker_peaks = client.run(_peak_mb)
        result["worker_peak_rss_mb"] = round(max(worker_peaks.values()))
        client.close()
        cluster.close()
    if args.check:
        written = Map.read(args.output, chunks=(1, 1000, 6000))
        result["true_fraction"] = round(float(written.data.mean().compute()), 6)
        plane_first, plane_last = written.data[0], written.data[-1]
        result["planes_equal"] = bool((plane_first == plane_last).all().compute())
        result["peak_rss_mb_after_check"] = round(_peak_mb())
    print(json.dumps(result), flush=True)
    return result


def _run_child(mode, npix, nbin, output, workers=0, check=False, chunks=CHUNKS, psf=False) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--npix",
        *map(str, npix),
        "--nbin",
        str(nbin),
        "--output",
        str(output),
        "--workers",
        str(workers),
        "--chunks",
        *map(str, chunks),
    ]
    if check:
        command.append("--check")
    if psf:
        command.append("--psf")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def _same_file(a, b) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 24), fb.read(1 << 24)
            if x != y:
                return False
            if not x:
                return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", choices=("memory", "chunked"), dest="mode")
    parser.add_argument("--npix", type=int, nargs=2, default=(60000, 2000))
    parser.add_argument("--compare-npix", type=int, nargs=2, default=(12000, 2000))
    parser.add_argument("--nbin", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--output")
    parser.add_argument("--check", action="store_true")
    parser.add_argument(
        "--psf", action="store_true", help="PSF-aware exclusion: one radius per energy bin"
    )
    parser.add_argument("--chunks", type=int, nargs=2, default=CHUNKS, help="rows, columns")
    parser.add_argument("--out", default="survey-bench", help="folder for the FITS files")
    parser.add_argument("--only", nargs="+", choices=("survey", "compare", "workers"))
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    if args.mode:
        child(args)
        return 0
    steps = args.only or ("survey", "compare", "workers")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = {"load_before": os.getloadavg(), "cpus": os.cpu_count()}
    if "compare" in steps:
        small = tuple(args.compare_npix)
        memory = _run_child("memory", small, args.nbin, out / "memory.fits", psf=args.psf)
        chunked = _run_child(
            "chunked", small, args.nbin, out / "chunked.fits", chunks=args.chunks, psf=args.psf
        )
        results["compare"] = {
            "memory": memory,
            "chunked": chunked,
            "files_identical": _same_file(out / "memory.fits", out / "chunked.fits"),
        }
        print(f"files identical: {results['compare']['files_identical']}", flush=True)
    if "workers" in steps:
        small = tuple(args.compare_npix)
        results["workers"] = [
            _run_child(
                "chunked",
                small,
                args.nbin,
                out / f"workers{n}.fits",
                workers=n,
                chunks=args.chunks,
                psf=args.psf,
            )
            for n in (1, 2)
        ]
    if "survey" in steps:
        results["survey"] = _run_child(
            "chunked",
            tuple(args.npix),
            args.nbin,
            out / "survey.fits",
            check=True,
            chunks=args.chunks,
            psf=args.psf,
        )
    results["load_after"] = os.getloadavg()
    print(json.dumps({k: results[k] for k in ("load_before", "load_after", "cpus")}))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
