"""HEALPix polygon plots (issue 16): `HpxNDMap.plot(method="poly")`, side by side with gammapy
2.1, drawing included (Agg canvas). gammapy projects each pixel's corners in its own call;
skymask projects all corners at once. The figures are not compared (pixels across the
projection's seam are cut differently)."""

from __future__ import annotations

from _framework import Case, NotComparable, Target

SETUP = """
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
VALUES = np.random.default_rng(16).uniform(0, 1, 12 * 32**2)
"""

CODE = """
from {library}.maps import HpxNDMap
m = HpxNDMap.create(nside=32)
m.data[:] = VALUES
small = HpxNDMap.create(nside=2)
def warmup():
    small.plot(method="poly")
    plt.gcf().canvas.draw()
    plt.close("all")
def run():
    ax = m.plot(method="poly")
    plt.gcf().canvas.draw()
    plt.close("all")
"""

CASES = [
    Case(
        name="healpix.plot_poly_nside32",
        area="healpix",
        size="full",
        description='`HpxNDMap.plot(method="poly")` of an all-sky nside 32 map (12288 '
        "pixels), drawn on an Agg canvas",
        setup=SETUP,
        skymask=CODE.format(library="skymask"),
        gammapy=CODE.format(library="gammapy"),
        compare=NotComparable("figures: the seam pixels are cut differently"),
        targets=[Target("speedup", 1, "issue 16")],
        repeat=3,
    )
]
