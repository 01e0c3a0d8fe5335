"""The demo job: gammapy's "Mask maps" tutorial workflow, on simulated or on real data.

`run_demo` walks through the tutorial (``reference/mask_maps_tutorial.py``): a fit mask from
an energy range and a sky box, exclusion masks from ds9 regions, from a source catalog and
from a significance map, their union and intersection, erosion and dilation, a fit mask with
a PSF margin, and a write / read cycle of the exclusion mask; then what goes beyond the
tutorial (`skymask.demo.beyond`): a PSF-aware catalog exclusion cube, a converged significance
exclusion with its record, and the final mask rebuilt from a recipe with its provenance.
Every mask is written as FITS and every figure as PNG into one folder, and a summary table is
printed.
"""

from __future__ import annotations

import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle
from regions import Regions

from ..catalog import CATALOG_REGISTRY
from ..datasets import Datasets, MapDataset
from ..estimators import ExcessMapEstimator
from ..maps import Map, WcsGeom
from ..maps.plotting import format_energy
from ..utils.io import check_overwrite
from . import figures
from .beyond import beyond_steps
from .simulate import CRAB, DEFAULT_SEED, simulate
from .sources import BuiltinCatalog

__all__ = ["DemoResult", "MaskSummary", "run_demo"]

# The tutorial's settings.
ENERGY_MIN, ENERGY_MAX = 10 * u.GeV, 700 * u.GeV
EXCLUSION_DS9 = "galactic;box(185,-4,1.0,0.5, 45);icrs;circle(83.633083, 22.0145, 0.3)"
CATALOG_RADIUS = Angle("0.3 deg")
CORRELATION_RADIUS = "0.4 deg"
SIGNIFICANCE_THRESHOLD = 5.0
MORPHOLOGY_WIDTH = 0.2 * u.deg
DATASETS_FILE = Path("fermi-3fhl-crab") / "Fermi-LAT-3FHL_datasets.yaml"
DATASET_FILE = Path("fermi-3fhl-crab") / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
#: The tutorial's catalog first; gammapy-data ships 3FHL but not 4FGL.
CATALOG_TAGS = ("4fgl", "3fhl")


@dataclass(frozen=True)
class MaskSummary:
    """One row of the summary table: a mask as written to ``file``.

    Parameters
    ----------
    name : str
        Mask name.
    description : str
        What the mask is.
    shape : tuple
        Data shape.
    n_true : int
        Number of True pixels.
    file : `~pathlib.Path`
        Where it was written.

    Examples
    --------
    >>> from pathlib import Path
    >>> from skymask.demo import MaskSummary
    >>> MaskSummary("mask_fit", "fit mask", (5, 4), 10, Path("mask_fit.fits")).fraction
    0.5
    """

    name: str
    description: str
    shape: tuple
    n_true: int
    file: Path

    @property
    def size(self) -> int:
        """Number of pixels.

        Examples
        --------
        >>> from pathlib import Path
        >>> from skymask.demo import MaskSummary
        >>> MaskSummary("mask_fit", "fit mask", (5, 4), 10, Path("mask_fit.fits")).size
        20
        """
        return int(np.prod(self.shape))

    @property
    def fraction(self) -> float:
        """Fraction of True pixels.

        Examples
        --------
        >>> from pathlib import Path
        >>> from skymask.demo import MaskSummary
        >>> MaskSummary("mask_fit", "fit mask", (5, 4), 5, Path("mask_fit.fits")).fraction
        0.25
        """
        return self.n_true / self.size


@dataclass(frozen=True)
class DemoResult:
    """What `run_demo` did.

    Parameters
    ----------
    out, data, description, masks, summaries, figures : object
        The attributes below.
    energy_range_initial, energy_range_fit, psf_r95, seconds : object
        The attributes below.

    Examples
    --------
    The demo takes seconds; ``tests/demo`` runs it.

    >>> import tempfile
    >>> from skymask.demo import run_demo
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     result = run_demo(tmp)
    ...     sorted(result.masks)[:2]
    ['exclusion_catalog', 'exclusion_regions']

    Attributes
    ----------
    out : Path
        Output folder.
    data : Path or None
        The gammapy-data directory used, or None for the simulated dataset.
    description : str
        The dataset and catalog used.
    masks : dict of str to `~skymask.maps.Map`
        Every mask of the workflow, by name (as written).
    summaries : dict of str to `MaskSummary`
        Shape, True count and file of every mask, in workflow order.
    figures : dict of str to Path
        The PNG files, by name.
    energy_range_initial, energy_range_fit : str
        ``dataset.energy_range`` before and after the energy mask.
    psf_r95 : `~astropy.coordinates.Angle`
        PSF 95 % containment radius at the exposure's true-energy bin centres.
    seconds : float
        Run time.
    """

    out: Path
    data: Path | None
    description: str
    masks: dict
    summaries: dict
    figures: dict
    energy_range_initial: str
    energy_range_fit: str
    psf_r95: Angle
    seconds: float

    def table(self) -> str:
        """The summary table: mask name, shape, True fraction, file.

        Returns
        -------
        str
            The table, one line per mask.

        Examples
        --------
        >>> from pathlib import Path
        >>> from skymask.demo import DemoResult, MaskSummary
        >>> summary = MaskSummary("mask_fit", "fit mask", (5, 4), 10, Path("mask_fit.fits"))
        >>> summaries = {"mask_fit": summary}
        >>> result = DemoResult(Path("."), None, "", {}, summaries, {}, "", "", None, 0.0)
        >>> print(result.table())
        mask      shape  True             file
        --------  -----  ---------------  -------------
        mask_fit  5x4     50.0 % (10/20)  mask_fit.fits
        """
        rows = [
            (
                s.name,
                "x".join(str(n) for n in s.shape),
                f"{100 * s.fraction:5.1f} % ({s.n_true}/{s.size})",
                s.file.name,
            )
            for s in self.summaries.values()
        ]
        header = ("mask", "shape", "True", "file")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        lines = [
            "  ".join(text.ljust(w) for text, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


@dataclass(frozen=True)
class _Inputs:
    description: str
    dataset: MapDataset
    catalog: object  # a skymask SourceCatalog or the BuiltinCatalog
    catalog_label: str
    fit_region: str
    exclusion_geom: WcsGeom


def _simulated_inputs() -> _Inputs:
    dataset = simulate(DEFAULT_SEED).dataset
    # The exclusion masks cover the whole simulated field (the tutorial's 5 deg square would
    # cut off TXS 0518+211 at its southern edge), on the tutorial's 0.02 deg grid.
    width = tuple(dataset.counts.geom.width.deg)
    return _Inputs(
        description=f"simulated Fermi-LAT-like Crab field (seed {DEFAULT_SEED}), "
        "built-in source list",
        dataset=dataset,
        catalog=BuiltinCatalog(),
        catalog_label="built-in source list",
        fit_region="galactic;box(184.55, -5.78, 5.0, 5.0)",
        exclusion_geom=WcsGeom.create(skydir=CRAB, width=width, binsz=0.02, frame="galactic"),
    )


def _open_catalog(data: Path):
    """The first of `CATALOG_TAGS` whose file is under ``data``, and a label for it."""
    tried = []
    for tag in CATALOG_TAGS:
        cls = CATALOG_REGISTRY.get_cls(tag)
        for relative in cls.default_files:
            path = data / relative
            if path.is_file():
                return cls(filename=path), f"{tag.upper()} catalog ({path.name})"
            tried.append(str(path))
    raise FileNotFoundError(
        f"no 4FGL or 3FHL catalog file under {data}: looked for {tried[0]}, ..., {tried[-1]}; "
        "the gammapy-data collection provides catalogs/fermi/gll_psch_v13.fit.gz (3FHL)"
    )


def _gammapy_data_inputs(data: Path) -> _Inputs:
    path = data / DATASETS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no Fermi-LAT Crab dataset at {path}: pass the gammapy-data directory (the one "
            "with fermi-3fhl-crab/ and catalogs/), or no data directory for the simulated demo"
        )
    dataset = Datasets.read(path)["Fermi-LAT"]
    catalog, label = _open_catalog(data)
    return _Inputs(
        description=f"Fermi-LAT 3FHL Crab dataset ({path}), {label}",
        dataset=dataset,
        catalog=catalog,
        catalog_label=label,
        fit_region="galactic;box(184.55, -5.78, 3.0, 3.0)",
        exclusion_geom=WcsGeom.create(skydir=CRAB, width="5 deg", binsz=0.02, frame="galactic"),
    )


class _Outputs:
    """Writes masks (FITS) and figures (PNG) into the output folder and keeps their record."""

    def __init__(self, out: Path, overwrite: bool):
        self.out = out
        self.overwrite = overwrite
        self.masks: dict[str, Map] = {}
        self.summaries: dict[str, MaskSummary] = {}
        self.figures: dict[str, Path] = {}

    def mask(self, name: str, mask: Map, description: str) -> Map:
        path = self.out / f"{name}.fits"
        mask.write(path, overwrite=self.overwrite)
        # A copy: the workflow goes on to update some masks in place (mask_fit &= ...).
        self.masks[name] = mask.copy()
        self.summaries[name] = MaskSummary(
            name, description, mask.data.shape, int(np.count_nonzero(mask.data)), path
        )
        return mask

    def record(self, name: str, mask: Map, description: str, path: Path) -> None:
        """Record a mask written elsewhere (e.g. with its provenance)."""
        self.masks[name] = mask.copy()
        self.summaries[name] = MaskSummary(
            name, description, mask.data.shape, int(np.count_nonzero(mask.data)), path
        )

    def figure(self, name: str) -> Path:
        path = self.out / f"{name}.png"
        self.figures[name] = path
        return path


def _fit_mask_steps(inputs: _Inputs, outputs: _Outputs) -> tuple[str, str]:
    """Tutorial: 'Creating a mask for fitting' (energy range, then a sky box)."""
    dataset = inputs.dataset
    energy_range_initial = str(dataset.energy_range)
    print(f"Fit range : {energy_range_initial}")
    mask_energy = dataset.counts.geom.energy_mask(ENERGY_MIN, ENERGY_MAX)
    outputs.mask("mask_energy", mask_energy, f"energy bins in {ENERGY_MIN} - {ENERGY_MAX}")
    dataset.mask_fit = mask_energy
    energy_range_fit = str(dataset.energy_range)
    print(f"Fit range : {energy_range_fit}")

    mask_region = dataset.counts.geom.region_mask(inputs.fit_region)
    outputs.mask("mask_fit_region", mask_region, f"inside {inputs.fit_region}")
    dataset.mask_fit &= mask_region
    outputs.mask("mask_fit", dataset.mask_fit, "energy range & sky box")
    figures.save_plot_grid(
        outputs.figure("mask_fit_grid"),
        f"mask_fit = energy_mask({ENERGY_MIN}, {ENERGY_MAX}) & {inputs.fit_region} "
        f"(white = used in the fit)",
        dataset.mask_fit,
        ncols=5,
        vmin=0,
        vmax=1,
        figsize=(14, 3.6),
    )
    return energy_range_initial, energy_range_fit


def _exclusion_steps(inputs: _Inputs, outputs: _Outputs) -> tuple[Map, Map]:
    """Tutorial: exclusion masks from ds9 regions and from a catalog; union, intersection."""
    geom = inputs.exclusion_geom
    regions = Regions.parse(EXCLUSION_DS9, format="ds9")
    exclusion_regions = ~geom.region_mask(regions)
    outputs.mask("exclusion_regions", exclusion_regions, "outside the ds9 box and circle")
    figures.save_map_panels(
        outputs.figure("exclusion_regions"),
        "Exclusion mask from ds9 regions: rotated box and 0.3 deg circle on the Crab "
        "(black = excluded)",
        [(exclusion_regions, EXCLUSION_DS9.replace(";icrs;", ";\nicrs;"))],
        panel_size=(4.6, 4.4),
    )

    catalog = inputs.catalog
    circles = catalog.exclusion_regions(CATALOG_RADIUS, geom=geom)
    exclusion_catalog = ~geom.region_mask(circles)
    outputs.mask(
        "exclusion_catalog", exclusion_catalog, f"outside circles at {inputs.catalog_label}"
    )
    inside = np.asarray(geom.contains(catalog.positions))
    names = ", ".join(str(name) for name in np.asarray(catalog.names)[inside]) or "none"
    figures.save_map_panels(
        outputs.figure("exclusion_catalog"),
        f"Exclusion mask from the {inputs.catalog_label}: {len(circles)} source(s) in the map, "
        f"circles of {CATALOG_RADIUS.deg:g} deg grown to cover extended sources (black = excluded)",
        [(exclusion_catalog, "\n".join(textwrap.wrap(names, 50)))],
        panel_size=(4.6, 4.4),
    )

    union = exclusion_regions | exclusion_catalog
    outputs.mask("exclusion_union", union, "regions | catalog")
    # The tutorial's 'mask_map &= mask_map_catalog': recorded as exclusion_mask when written.
    intersection = exclusion_regions & exclusion_catalog
    figures.save_map_panels(
        outputs.figure("exclusion_union_intersection"),
        "Combining the exclusion masks (black = excluded)",
        [
            (union, "regions | catalog: excluded where both exclude"),
            (intersection, "regions & catalog: excluded where either excludes"),
        ],
    )
    return intersection, union


def _significance_steps(inputs: _Inputs, outputs: _Outputs) -> None:
    """Tutorial: exclusion mask from a significance map; erosion and dilation."""
    estimator = ExcessMapEstimator(CORRELATION_RADIUS, selection_optional=[])
    result = estimator.run(inputs.dataset)
    sqrt_ts = result["sqrt_ts"]
    significance_mask = sqrt_ts < SIGNIFICANCE_THRESHOLD
    # Pixels outside the mask have no significance: keep them (nothing to exclude there).
    significance_mask.data[np.isnan(sqrt_ts.data)] = True
    outputs.mask("significance_mask", significance_mask, f"sqrt_ts < {SIGNIFICANCE_THRESHOLD:g}")
    figures.save_map_panels(
        outputs.figure("significance_mask"),
        f"Exclusion mask from the significance map (ExcessMapEstimator {CORRELATION_RADIUS})",
        [
            (
                sqrt_ts,
                "sqrt(TS) (blank: outside mask_safe & mask_fit)",
                {"add_cbar": True, "vmin": 0, "vmax": 25},
            ),
            (significance_mask, f"sqrt(TS) < {SIGNIFICANCE_THRESHOLD:g} or blank: white = kept"),
        ],
        panel_size=(4.0, 3.6),
    )

    significant = ~significance_mask
    outputs.mask("significance_mask_inv", significant, f"sqrt_ts >= {SIGNIFICANCE_THRESHOLD:g}")
    eroded = significant.binary_erode(width=MORPHOLOGY_WIDTH, kernel="disk")
    outputs.mask("significance_eroded", eroded, f"inverted mask eroded by {MORPHOLOGY_WIDTH}")
    dilated = significant.binary_dilate(width=MORPHOLOGY_WIDTH)
    outputs.mask("significance_dilated", dilated, f"inverted mask dilated by {MORPHOLOGY_WIDTH}")
    figures.save_map_panels(
        outputs.figure("significance_erode_dilate"),
        f"Significant pixels (white), shrunk and grown by a disk of radius {MORPHOLOGY_WIDTH}",
        [
            (significant, f"~significance_mask: sqrt(TS) >= {SIGNIFICANCE_THRESHOLD:g}"),
            (eroded, f"binary_erode({MORPHOLOGY_WIDTH})"),
            (dilated, f"binary_dilate({MORPHOLOGY_WIDTH})"),
        ],
        panel_size=(3.4, 3.2),
    )


def _boundary_steps(inputs: _Inputs, outputs: _Outputs) -> Angle:
    """Tutorial: PSF 95 % containment radius and a fit mask with that margin."""
    dataset = inputs.dataset
    energy_true = dataset.exposure.geom.axes[0].center
    psf_r95 = dataset.psf.containment_radius(fraction=0.95, energy_true=energy_true)
    psf_r68 = dataset.psf.containment_radius(fraction=0.68, energy_true=energy_true)
    print(f"PSF r95   : {np.array2string(psf_r95.deg, precision=3)} deg")
    margin = psf_r95.max()
    figures.save_psf_containment(
        outputs.figure("psf_containment"),
        "PSF containment radius at the exposure's energy bin centres (dataset.psf)",
        energy_true,
        psf_r68,
        psf_r95,
        margin,
    )
    dataset.mask_fit = dataset.counts.geom.boundary_mask(margin)
    outputs.mask("mask_fit_boundary", dataset.mask_fit, f"boundary_mask({margin.deg:.3f} deg)")
    figures.save_map_panels(
        outputs.figure("mask_fit_boundary"),
        f"mask_fit = boundary_mask(max PSF r95 = {margin.deg:.3f} deg): the margin is dropped",
        [
            (
                dataset.mask_fit.sum_over_axes(),
                "energy bins used per pixel (mask_fit.sum_over_axes())",
                {"add_cbar": True, "vmin": 0},
            )
        ],
        panel_size=(4.6, 4.4),
    )
    return psf_r95


def _write_read_step(exclusion_mask: Map, outputs: _Outputs) -> None:
    """Tutorial: write the exclusion mask and read it back (a bool mask again)."""
    outputs.mask("exclusion_mask", exclusion_mask, "regions & catalog, written and read back")
    path = outputs.summaries["exclusion_mask"].file
    read_back = Map.read(path)
    if not (read_back.is_mask and np.array_equal(read_back.data, exclusion_mask.data)):
        raise RuntimeError(f"{path} did not read back as the same boolean mask")


def _counts_figure(inputs: _Inputs, outputs: _Outputs) -> None:
    dataset = inputs.dataset
    geom = dataset.counts.geom
    catalog = inputs.catalog
    inside = np.asarray(geom.contains(catalog.positions))
    sources = dict(zip(np.asarray(catalog.names)[inside], catalog.positions[inside], strict=True))
    axis = geom.axes["energy"]
    figures.save_counts(
        outputs.figure("counts"),
        f"Counts {format_energy(axis.edges[0])} - {format_energy(axis.edges[-1])} "
        f"(sum of the energy bins) of the dataset {dataset.name!r}",
        dataset.counts,
        sources,
    )


def _check_output_folder(out: Path, overwrite: bool) -> None:
    """The demo writes only into a new or empty folder, unless told to overwrite."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"the demo output {out} exists and is not a folder")
    if overwrite or not out.exists():
        return
    present = sorted(path.name for path in out.iterdir())
    if present:
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise FileExistsError(
            f"the demo output folder {out} is not empty ({len(present)} entries: {shown}); "
            "give a new or empty folder, or pass overwrite=True to replace the files of the "
            "demo's names"
        )


def run_demo(out: Path, data: Path | None = None, *, overwrite: bool = False) -> DemoResult:
    """Run the mask-maps tutorial workflow and write its masks and figures into ``out``.

    Parameters
    ----------
    out : Path or str
        Output folder: created if needed; an existing folder must be empty unless
        ``overwrite`` (the demo's file names, such as ``mask_fit.fits``, are common ones).
    data : Path or str, optional
        A gammapy-data directory: use its Fermi-LAT Crab dataset
        (``fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml``) and its 4FGL catalog, or 3FHL
        when there is no 4FGL file. Default: the simulated dataset of
        `skymask.demo.simulate` and the built-in source list.
    overwrite : bool
        Write into a folder that holds files already, replacing those of the demo's names.

    Returns
    -------
    DemoResult
        The masks, the files written and the summary table (which is also printed).

    Raises
    ------
    FileNotFoundError
        ``data`` lacks the dataset or a catalog.
    FileExistsError
        ``out`` holds files and ``overwrite`` is False (checked before any work).

    Examples
    --------
    The demo takes seconds; ``tests/demo`` runs it.

    >>> import tempfile
    >>> from skymask.demo import run_demo
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     result = run_demo(tmp)
    ...     print(result.table().splitlines()[2])
    mask_energy            5x60x60   80.0 % (14400/18000)  mask_energy.fits
    """
    start = time.perf_counter()
    overwrite = check_overwrite(overwrite)
    out = Path(out)
    _check_output_folder(out, overwrite)
    inputs = _simulated_inputs() if data is None else _gammapy_data_inputs(Path(data))
    out.mkdir(parents=True, exist_ok=True)
    print(f"Data      : {inputs.description}")
    outputs = _Outputs(out, overwrite)

    _counts_figure(inputs, outputs)
    energy_range_initial, energy_range_fit = _fit_mask_steps(inputs, outputs)
    intersection, _ = _exclusion_steps(inputs, outputs)
    # The estimator sees mask_fit as the tutorial leaves it: energy range & sky box.
    _significance_steps(inputs, outputs)
    psf_r95 = _boundary_steps(inputs, outputs)
    _write_read_step(intersection, outputs)
    beyond_steps(
        inputs,
        outputs,
        dataset_file=None if data is None else Path(data) / DATASET_FILE,
        settings={
            "radius": f"{CATALOG_RADIUS.deg:g} deg",
            "correlation_radius": CORRELATION_RADIUS,
            "threshold": SIGNIFICANCE_THRESHOLD,
            "width": f"{MORPHOLOGY_WIDTH.to_value('deg'):g} deg",
        },
    )

    result = DemoResult(
        out=out,
        data=None if data is None else Path(data),
        description=inputs.description,
        masks=outputs.masks,
        summaries=outputs.summaries,
        figures=outputs.figures,
        energy_range_initial=energy_range_initial,
        energy_range_fit=energy_range_fit,
        psf_r95=psf_r95,
        seconds=time.perf_counter() - start,
    )
    print()
    print(result.table())
    print(
        f"\n{len(result.summaries)} masks (FITS) and {len(result.figures)} figures (PNG) "
        f"written to {out} in {result.seconds:.1f} s"
    )
    return result
