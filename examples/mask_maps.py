"""Mask maps: gammapy's "Mask maps" tutorial, step by step, with skymask.

Run it as::

    python examples/mask_maps.py [OUTPUT_DIR]

It needs the gammapy-data collection in ``$GAMMAPY_DATA`` (the Fermi-LAT 3FHL Crab dataset and
the Fermi-LAT catalogs). The tutorial uses the 4FGL catalog; gammapy-data ships 3FHL, which is
used when no 4FGL file is present. Each figure is written as a PNG file into ``OUTPUT_DIR``
(default ``mask_maps_output/``) instead of being shown, together with the exclusion mask
(``exclusion_mask.fits``).

Two results differ from gammapy 2.1 on purpose (see ``docs/differences-from-gammapy.md``):
``energy_mask(10 GeV, 700 GeV)`` keeps the first energy bin, as the tutorial text promises
(D1), and erosion and dilation use ``width`` as the disk radius (D3, D4).

There are two kinds of masks. A *fit mask* (``dataset.mask_fit``) says which energy bins and
sky pixels a fit uses (True = used). An *exclusion mask* says where background estimation must
not look (False = excluded). Both are boolean maps, built and combined the same way.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the figures go to PNG files

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np
from astropy.coordinates import Angle, SkyCoord
from regions import CircleSkyRegion, Regions

from skymask.catalog import CATALOG_REGISTRY
from skymask.datasets import Datasets
from skymask.estimators import ExcessMapEstimator
from skymask.maps import Map, WcsGeom
from skymask.utils.check import check_tutorials_setup

out = Path(sys.argv[1] if len(sys.argv) > 1 else "mask_maps_output")
out.mkdir(parents=True, exist_ok=True)


def save(fig, name, title):
    """Write ``fig`` as ``OUTPUT_DIR/name.png`` with a title, and close it."""
    fig.suptitle(title)
    fig.savefig(out / f"{name}.png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {out / name}.png")


# ## Check setup
check_tutorials_setup()

# ## Creating a mask for fitting
#
# We use a MapDataset of Fermi-LAT data from the 3FHL catalog, read from disk. In the
# absence of a fit mask, the fit range of the dataset is its safe range.
filename = "$GAMMAPY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml"
datasets = Datasets.read(filename=filename)
dataset = datasets["Fermi-LAT"]
print(f"Fit range : {dataset.energy_range}")

# ### A mask in energy
#
# `energy_mask` keeps the energy bins inside the range; the bin edges closest to the
# requested range give the actual fit range (10 GeV - 693 GeV here).
mask_energy = dataset.counts.geom.energy_mask(10 * u.GeV, 700 * u.GeV)
dataset.mask_fit = mask_energy
print(f"Fit range : {dataset.energy_range}")

# ### Masking sky regions
#
# Restrict the fit to a square around the Crab nebula. The dataset geometry is galactic, so
# the box is given in galactic coordinates to be aligned with the pixels. A ds9 string can be
# passed directly; pixels inside the region are True.
regions = "galactic;box(184.55, -5.78, 3.0, 3.0)"
mask_map = dataset.counts.geom.region_mask(regions)

# Combine it with the energy mask with the logical and, and look at the whole mask.
dataset.mask_fit &= mask_map
dataset.mask_fit.plot_grid(ncols=5, vmin=0, vmax=1, figsize=(14, 3))
save(plt.gcf(), "mask_fit_grid", "mask_fit: energy range & box around the Crab (white = fitted)")

# ### A mask from coordinates
#
# Any condition on the pixel coordinates gives a mask too, here on the energy bin centres.
coords = dataset.counts.geom.get_coord()
mask_data = (coords["energy"] >= 10 * u.GeV) & (coords["energy"] < 700 * u.GeV)
mask_energy = Map.from_geom(dataset.counts.geom, data=mask_data)

# ## Creating an exclusion mask
#
# Exclusion masks are usually defined on a finer geometry than the dataset; makers reproject
# them. Here: 5 deg around the Crab with 0.02 deg pixels.
position = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
geom = WcsGeom.create(skydir=position, width="5 deg", binsz=0.02, frame="galactic")

# ### From sky regions
#
# Regions can be parsed from a ds9 string (or read from a file with `Regions.read`). The
# exclusion mask is the inverse of the mask of the regions: False inside them.
regions_ds9 = "galactic;box(185,-4,1.0,0.5, 45);icrs;circle(83.633083, 22.0145, 0.3)"
regions = Regions.parse(regions_ds9, format="ds9")
print(regions)

mask_map = ~geom.region_mask(regions)
ax = mask_map.plot(fig=plt.figure(figsize=(6, 5)))
save(ax.figure, "exclusion_regions", "Exclusion mask from ds9 regions (black = excluded)")

# ### From a source catalog
#
# Exclude a circle of 0.3 deg around every catalog source inside the geometry.
try:
    fgl = CATALOG_REGISTRY.get_cls("4fgl")()
except FileNotFoundError:
    print("no 4FGL catalog file: using 3FHL instead")
    fgl = CATALOG_REGISTRY.get_cls("3fhl")()

inside_geom = geom.contains(fgl.positions)
positions = fgl.positions[inside_geom]

exclusion_radius = Angle("0.3 deg")
regions = [CircleSkyRegion(position, exclusion_radius) for position in positions]
# skymask's `fgl.exclusion_regions(exclusion_radius, geom=geom)` gives the same circles, and
# larger ones around extended sources, large enough to cover them.

mask_map_catalog = ~geom.region_mask(regions)
ax = mask_map_catalog.plot(fig=plt.figure(figsize=(6, 5)))
save(
    ax.figure,
    "exclusion_catalog",
    f"Exclusion mask from {len(positions)} catalog source(s): 0.3 deg circles",
)

# ### From a significance map
#
# Exclude the pixels whose significance, from counts within 0.4 deg, reaches 5 sigma. The
# estimator uses the dataset's masks: pixels outside them have no significance (NaN), and
# there is nothing to exclude there, so they are set to True.
estimator = ExcessMapEstimator("0.4 deg", selection_optional=[])
result = estimator.run(dataset)

significance_mask = result["sqrt_ts"] < 5.0
invalid_pixels = np.isnan(result["sqrt_ts"].data)
significance_mask.data[invalid_pixels] = True
ax = significance_mask.plot(fig=plt.figure(figsize=(6, 5)))
save(ax.figure, "significance_mask", "Exclusion mask: sqrt(TS) < 5 (black = excluded)")

# ## Combining masks
#
# Masks combine with the logical operators. With the union, a pixel is excluded only if both
# masks exclude it.
mask = mask_map | mask_map_catalog
ax = mask.plot(fig=plt.figure(figsize=(6, 5)))
save(ax.figure, "union", "Union of the region and catalog masks: mask_map | mask_map_catalog")

# With the intersection, a pixel is excluded if either mask excludes it.
mask_map &= mask_map_catalog
ax = mask_map.plot(fig=plt.figure(figsize=(6, 5)))
save(ax.figure, "intersection", "Intersection: mask_map &= mask_map_catalog")

# The inverse turns the significance mask into a mask of the significant pixels.
significance_mask_inv = ~significance_mask
ax = significance_mask_inv.plot(fig=plt.figure(figsize=(6, 5)))
save(ax.figure, "significance_mask_inv", "~significance_mask: the significant pixels (white)")

# ## Extending and reducing a mask
#
# `binary_erode` shrinks the True regions and `binary_dilate` grows them, by a disk of the
# given radius.
fig, (ax1, ax2) = plt.subplots(
    figsize=(11, 5), ncols=2, subplot_kw={"projection": significance_mask_inv.geom.wcs}
)
mask = significance_mask_inv.binary_erode(width=0.2 * u.deg, kernel="disk")
mask.plot(ax=ax1)
ax1.set_title("binary_erode(0.2 deg)")

mask = significance_mask_inv.binary_dilate(width=0.2 * u.deg)
mask.plot(ax=ax2)
ax2.set_title("binary_dilate(0.2 deg)")
save(fig, "erode_dilate", "Significant pixels eroded (left) and dilated (right) by 0.2 deg")

# ### A fit mask with a margin from the PSF
#
# Sources outside the map leak into it through the PSF. A margin as wide as the largest 95 %
# containment radius of the PSF keeps them out of the fit.
energy_true = dataset.exposure.geom.axes[0].center
psf_r95 = dataset.psf.containment_radius(fraction=0.95, energy_true=energy_true)
print(f"PSF 95 % containment radius: {psf_r95.to('deg')}")

mask_fit = dataset.counts.geom.boundary_mask(psf_r95.max())
dataset.mask_fit = mask_fit
ax = dataset.mask_fit.sum_over_axes().plot(fig=plt.figure(figsize=(6, 5)), add_cbar=True)
save(
    ax.figure,
    "boundary_mask",
    f"mask_fit with a margin of max PSF r95 = {psf_r95.max().to('deg'):.3f} (energy bins used)",
)

# ## Reading and writing masks
#
# Masks are maps: write them to FITS and read them back (as boolean maps). `overwrite` must
# be a real bool.
mask_map.write(out / "exclusion_mask.fits", overwrite=True)
mask_map = Map.read(out / "exclusion_mask.fits")
print(mask_map)
