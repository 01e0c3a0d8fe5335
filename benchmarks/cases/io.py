"""FITS input and output of a 4000 x 4000 mask: ``Map.read`` and ``Map.write``.

Reading: both libraries read the same file, once a mask written by skymask (uint8, ``MASK``
HDU, D2) and once a mask written by gammapy (int64 in an HDU named ``mask``, so that gammapy
reads it back as bool too). Writing: each library writes the same bool map with its defaults
(``m.write("mask.fits", overwrite=True)``): skymask uint8 in a ``MASK`` extension, gammapy
int64 in the primary HDU (D2).
"""

from __future__ import annotations

import numpy as np
from _framework import Case, Documented, Equal, Target

SETUP = """
import numpy as np
NPIX = 4000
rows, columns = np.ogrid[0:NPIX, 0:NPIX]
DATA = (rows // 97 + columns // 89) % 3 == 0
DATA |= (rows - 2000) ** 2 + (columns - 1500) ** 2 < 300**2
del rows, columns
"""

MAKE = """
from {library}.maps import Map, WcsGeom
def make(data):
    geom = WcsGeom.create(npix=data.shape[::-1], binsz=0.02, frame="galactic")
    return Map.from_geom(geom, data=data.copy())
"""

PREPARE = (
    MAKE
    + """
make(DATA).write(CASE_DIR + "/{name}.fits", overwrite=True{hdu})
make(DATA[:40, :50]).write(CASE_DIR + "/{name}_small.fits", overwrite=True{hdu})
"""
)

READ = """
from {library}.maps import Map
def warmup():
    Map.read(CASE_DIR + "/{name}_small.fits")
def run():
    return Map.read(CASE_DIR + "/{name}.fits")
def output(mask):
    return {{"data": mask.data, "dtype": mask.data.dtype.str}}
"""

WRITE = (
    MAKE
    + """
mask = make(DATA)
small = make(DATA[:40, :50])
def warmup():
    small.write("small.fits", overwrite=True)
def run():
    mask.write("mask.fits", overwrite=True)
def output(_):
    import os
    from astropy.io import fits
    with fits.open("mask.fits") as hdus:
        hdu = next(h for h in hdus if h.data is not None)
        data = np.array(hdu.data)
        return {{"data": data, "hdu": hdu.name, "bytes": os.path.getsize("mask.fits")}}
"""
)


def check_written(ours, theirs, context):
    """D2: the same pixels; skymask writes uint8 in MASK, gammapy int64 in PRIMARY."""
    data = context.setup_namespace()["DATA"]
    a, b = ours["data"], theirs["data"]
    ok = (
        np.array_equal(a.astype(bool), data)
        and np.array_equal(b.astype(bool), data)
        and set(np.unique(a)) <= {0, 1}
        and set(np.unique(b)) <= {0, 1}
    )
    note = (
        f"same {int(data.sum())} True pixels; skymask {a.dtype.name} in {ours['hdu']} "
        f"({ours['bytes'] / 1e6:.1f} MB), gammapy {b.dtype.name} in {theirs['hdu']} "
        f"({theirs['bytes'] / 1e6:.1f} MB)"
    )
    return bool(ok), note


def read_case(name, writer, size, description, hdu=""):
    prepare = PREPARE.format(library=writer, name=name, hdu=hdu)
    return Case(
        name=f"io.read_{name}_4000x4000",
        area="io",
        size=size,
        description=description,
        setup=SETUP,
        prepare_skymask=prepare if writer == "skymask" else None,
        prepare_gammapy=prepare if writer == "gammapy" else None,
        skymask=READ.format(library="skymask", name=name),
        gammapy=READ.format(library="gammapy", name=name),
        compare=Equal(),
        targets=[Target("speedup", 1, "issue 19"), Target("memory_ratio", 1, "issue 19")],
        memory=("skymask", "gammapy"),
        repeat=5,
    )


CASES = [
    read_case(
        "skymask_mask",
        "skymask",
        "full",
        "`Map.read` of a 4000 x 4000 mask written by skymask (uint8, MASK HDU), same file",
    ),
    read_case(
        "gammapy_int64_mask",
        "gammapy",
        "quick",
        "`Map.read` of a 4000 x 4000 mask written by gammapy (int64, HDU 'mask'), same file",
        hdu=', hdu="mask"',
    ),
    Case(
        name="io.write_mask_4000x4000",
        area="io",
        size="full",
        description="`Map.write` of a 4000 x 4000 bool mask, each library's default format",
        setup=SETUP,
        skymask=WRITE.format(library="skymask"),
        gammapy=WRITE.format(library="gammapy"),
        compare=Documented("D2", check_written),
        targets=[Target("speedup", 2, "issue 19"), Target("memory_ratio", 1, "issue 19")],
        memory=("skymask", "gammapy"),
        repeat=5,
    ),
]


# --- MapDataset.read (issue 15) --------------------------------------------------------------
# The Fermi-LAT Crab dataset of the tutorials (gammapy-data): counts, background, exposure,
# PSF and EDisp maps, masks; both libraries read the same file.
DATASET_SETUP = """
import os
DATASET = os.path.join(
    os.environ["GAMMAPY_DATA"], "fermi-3fhl-crab", "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
)
"""

# A small dataset of the same layout (counts, exposure, background, PSF and EDisp maps), written
# by each library for its own untimed warm-up read: the first read in a process imports what a
# reader needs (skymask defers astropy's FITS, WCS, coordinates and table modules to first use;
# gammapy imports them with `gammapy.datasets`); the timed read is a second read, of a
# different file.
DATASET_PREPARE = """
from {library}.datasets import MapDataset
from {library}.maps import MapAxis, WcsGeom
axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
geom = WcsGeom.create(npix=(5, 4), binsz=0.5, axes=[axis])
MapDataset.create(geom, name="small").write(
    CASE_DIR + "/small_dataset_{library}.fits", overwrite=True
)
"""

DATASET_READ = """
from {library}.datasets import MapDataset
def warmup():
    MapDataset.read(CASE_DIR + "/small_dataset_{library}.fits")
def run():
    return MapDataset.read(DATASET)
def output(dataset):
    return {{
        "counts": dataset.counts.data,
        "background": dataset.background.data,
        "exposure": dataset.exposure.data,
        "mask_safe": dataset.mask_safe.data,
    }}
"""

CASES.append(
    Case(
        name="io.map_dataset_read_crab",
        area="io",
        size="quick",
        description="`MapDataset.read` of the Fermi-LAT Crab dataset file (8 maps, PSF, EDisp)",
        setup=DATASET_SETUP,
        skymask=DATASET_READ.format(library="skymask"),
        gammapy=DATASET_READ.format(library="gammapy"),
        prepare_skymask=DATASET_PREPARE.format(library="skymask"),
        prepare_gammapy=DATASET_PREPARE.format(library="gammapy"),
        compare=Equal(),
        targets=[Target("speedup", 1, "issue 15")],
        repeat=7,
    )
)
