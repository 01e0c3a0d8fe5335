"""The demo job: a short, real mask workflow that needs no downloaded data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

__all__ = ["run_demo"]


def run_demo(out: Path) -> dict:
    """Build a fit mask on a Crab-centred cube, write it, read it back, plot it, summarise.

    Returns a dict with the output paths and the True counts per energy bin.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..maps import Map, MapAxis, WcsGeom
    from ..maps.plotting import bin_label

    out.mkdir(parents=True, exist_ok=True)
    crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=5)
    geom = WcsGeom.create(skydir=crab, width=(5, 4), binsz=0.1, frame="galactic", axes=[energy])

    coords = geom.get_coord(sparse=True)
    in_energy = (coords["energy"] >= 10 * u.GeV) & (coords["energy"] < 700 * u.GeV)
    in_roi = geom.separation(crab) < 1.5 * u.deg
    mask = Map.from_geom(geom, data=in_energy & in_roi)

    path = out / "fit_mask.fits"
    mask.write(path, overwrite=True)
    mask_back = Map.read(path)
    if not (mask_back.is_mask and np.array_equal(mask_back.data, mask.data)):
        raise RuntimeError(f"{path} did not read back as the same boolean mask")

    axes = mask_back.plot_grid(ncols=5, figsize=(14, 3))
    png = out / "fit_mask.png"
    axes[0].figure.savefig(png, dpi=80)
    plt.close(axes[0].figure)

    counts = [int(plane.sum()) for plane in mask_back.data]
    print(mask_back)
    print()
    print(f"{'energy bin':<28}{'pixels in fit mask':>20}")
    for index, count in enumerate(counts):
        print(f"{bin_label(energy, index):<28}{count:>20}")
    print(f"\nwrote {path} and {png}")
    return {"fits": path, "png": png, "counts": counts}
