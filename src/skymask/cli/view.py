"""``skymask info|plot``: look at a map file."""

from __future__ import annotations

import sys

import numpy as np

from ..utils.memory import check_allocation
from ._common import (
    CliError,
    add_output_options,
    check_output,
    positive_int,
    read_geom,
    read_map,
)

__all__ = ["add_parsers"]


def add_parsers(commands) -> None:
    """Register ``info`` and ``plot`` on the top-level subparsers."""
    info = commands.add_parser(
        "info",
        help="describe a map file: geometry, axes, dtype, unit, True fraction of a mask",
        description="Describe the map in a FITS file: its sky geometry, non-spatial axes, data "
        "type and unit; for a mask, the number and fraction of True pixels, in total and per "
        "energy (or other) bin; for other maps, the range of the values.",
    )
    info.add_argument("file", metavar="FILE", help="FITS map file")
    info.add_argument("--hdu", help="HDU name (default: the first image HDU)")
    info.set_defaults(handler=_info, prog=info.prog)

    plot = commands.add_parser(
        "plot",
        help="draw a map (one panel per energy bin for a cube) to an image file",
        description="Draw the map in FILE on its sky coordinates and save the figure. Masks "
        "are black (False) and white (True). A map with one non-spatial axis of several bins "
        "gets one panel per bin, titled with the bin's range.",
        epilog="example:\n\n  skymask plot mask_fit.fits --ncols 5 -o mask_fit.png",
    )
    plot.add_argument("file", metavar="FILE", help="FITS map file")
    plot.add_argument("--hdu", help="HDU name (default: the first image HDU)")
    plot.add_argument("--title", help="figure title")
    plot.add_argument(
        "--ncols",
        type=positive_int,
        default=5,
        help="panels per row for a cube (default: %(default)s)",
    )
    plot.add_argument(
        "--dpi", type=positive_int, default=100, help="resolution (default: %(default)s)"
    )
    add_output_options(plot, kind="image")
    plot.set_defaults(handler=_plot, prog=plot.prog)


# ---------------------------------------------------------------------- info
def _info(args) -> int:
    m = read_map(args.file, hdu=args.hdu)
    geom = m.geom
    scales = geom.pixel_scales.deg
    width = geom.width.deg
    centre = geom.center_skydir
    axes = "; ".join(_describe_axis(axis) for axis in geom.axes) or "none (a sky image)"
    if getattr(geom, "is_hpx", False):
        region = "all-sky" if geom.is_allsky else geom.region
        pixels = (f"{int(geom.npix[0])} (HEALPix nside {int(geom.nside[0])}, "
                  f"{geom.ordering.lower()} ordering, {region})")  # fmt: skip
        scales, width = np.repeat(scales, 2), np.repeat(width, 2)
    else:
        pixels = f"{geom.npix[0]} x {geom.npix[1]} (lon x lat)"
    rows = [
        ("file", args.file),
        ("hdu", args.hdu or "the first image HDU"),
        ("frame", geom.frame),
        ("projection", geom.projection),
        ("pixels", pixels),
        ("pixel size", f"{_pair(scales)} deg"),
        ("width", f"{_pair(width)} deg"),
        (
            "centre",
            f"{centre.spherical.lon.deg:.4f}, {centre.spherical.lat.deg:.4f} deg ({geom.frame})",
        ),
        ("axes", axes),
        ("shape", f"{m.data.shape} (data order: {', '.join(m._axes_order())})"),
        ("dtype", f"{m.data.dtype}" + (" (a mask)" if m.is_mask else "")),
        ("unit", f"'{m.unit}'" if str(m.unit) else "'' (dimensionless)"),
    ]
    if m.is_mask:
        rows.append(("mask", _fraction(m.data)))
    else:
        rows.append(("values", _values(m.data)))
    size = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{size}} : {value}")
    if m.is_mask and geom.axes:
        labels = [_plane_label(geom.axes, idx) for idx in m.iter_by_image_index()]
        size = max(len(label) for label in labels)
        for label, (plane, _) in zip(labels, m.iter_by_image_data(), strict=True):
            print(f"  {label:<{size}} : {_fraction(plane)}")
    from .recipes import print_provenance

    print_provenance(args.file)
    return 0


def _pair(values) -> str:
    return (
        f"{values[0]:.6g}"
        if np.isclose(values[0], values[1])
        else (f"{values[0]:.6g} x {values[1]:.6g}")
    )


def _describe_axis(axis) -> str:
    from ..maps.plotting import format_energy

    edges = axis.edges
    if axis.is_energy_axis:
        span = f"{format_energy(edges[0])} - {format_energy(edges[-1])}"
    else:
        span = f"{edges[0].value:.4g} - {edges[-1].value:.4g} {axis.unit}".rstrip()
    bins = "1 bin" if axis.nbin == 1 else f"{axis.nbin} bins"
    return f"{axis.name}: {bins}, {span} ({axis.interp} spacing)"


def _plane_label(axes, idx) -> str:
    from ..maps.plotting import bin_label

    return ", ".join(bin_label(axis, i) for axis, i in zip(axes, idx, strict=True))


def _fraction(data) -> str:
    n_true = int(np.count_nonzero(data))
    fraction = 100.0 * n_true / data.size if data.size else 0.0
    return f"{n_true} of {data.size} True ({fraction:.1f} %)"


def _values(data) -> str:
    finite = np.isfinite(data) if data.dtype.kind in "fc" else np.ones(data.shape, bool)
    n_bad = int(data.size - np.count_nonzero(finite))
    if not finite.any():
        return f"all {data.size} non-finite"
    values = data[finite]
    text = f"min {values.min():.6g}, max {values.max():.6g}, sum {values.sum():.6g}"
    return text + (f", {n_bad} non-finite (NaN or inf)" if n_bad else "")


# ---------------------------------------------------------------------- plot
def _plot(args) -> int:
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import FigureCanvasBase

    from ..utils.io import atomic_write

    suffixes = tuple(f".{kind}" for kind in FigureCanvasBase.get_supported_filetypes())
    output = check_output(args.output, args.overwrite, suffixes=suffixes)
    geom = read_geom(args.file, hdu=args.hdu)
    figsize = (7, 6) if geom.is_flat or len(geom.axes) != 1 else None
    if getattr(geom, "is_hpx", False):
        figsize = (9, 5)
    if figsize is None:
        figsize = _grid_size(geom.axes[0].nbin, args.ncols)
    # Before reading the data: the rendered image must fit too.
    check_figure_size(figsize, args.dpi, raster=output.suffix.lower() not in _VECTOR_SUFFIXES)
    m = read_map(args.file, hdu=args.hdu)
    axes = m.geom.axes
    if getattr(m.geom, "is_hpx", False):
        if not m.geom.is_flat:
            raise CliError(f"{args.file}: plot draws HEALPix images (one bin per axis) only")
        figure = plt.figure(figsize=(9, 5))
        # Mollweide for all-sky maps; a disk is drawn in its own AIT projection.
        m.plot(fig=figure, add_cbar=not m.is_mask, proj="MOL" if m.geom.is_allsky else "AIT")
        if args.title:
            figure.axes[0].set_title(args.title)
    elif m.geom.is_flat:
        figure = plt.figure(figsize=figsize)
        m.plot(fig=figure, add_cbar=not m.is_mask)
        if args.title:
            figure.axes[0].set_title(args.title)
    elif len(axes) == 1:
        panels = m.plot_grid(ncols=args.ncols, figsize=figsize)
        figure = panels[0].figure
        if args.title:
            figure.suptitle(args.title)
    else:
        raise CliError(
            f"{args.file} has {len(axes)} non-spatial axes {axes.names} with several bins; "
            "plot draws an image or a cube with one such axis"
        )
    try:
        atomic_write(
            output,
            lambda fileobj: figure.savefig(fileobj, dpi=args.dpi, format=output.suffix[1:].lower()),
            overwrite=bool(args.overwrite),
        )
    finally:
        plt.close(figure)
    print(f"wrote {output}")
    return 0


# Vector formats are not rendered to a pixel buffer at the given dpi.
_VECTOR_SUFFIXES = (".pdf", ".svg", ".svgz", ".eps", ".ps", ".pgf")
# Agg (matplotlib's raster renderer) refuses images of 2**16 pixels or more per side.
_AGG_MAX_PIXELS = 2**16


def check_figure_size(figsize, dpi: int, *, raster: bool = True) -> None:
    """Refuse a figure whose rendered image is too large, before drawing anything.

    Raises
    ------
    ValueError
        An image side reaches matplotlib's limit of 65536 pixels, or the RGBA buffer does
        not fit in memory (`~skymask.utils.memory.AllocationTooLargeError`).
    """
    if not raster:
        return
    width, height = (round(side * dpi) for side in figsize)
    if max(width, height) >= _AGG_MAX_PIXELS:
        largest = int((_AGG_MAX_PIXELS - 1) / max(figsize))
        raise ValueError(
            f"--dpi {dpi} makes a {width} x {height} pixel image; matplotlib draws images of "
            f"fewer than {_AGG_MAX_PIXELS} pixels per side: use --dpi {largest} or less, or a "
            "vector format (.pdf, .svg)"
        )
    check_allocation(
        (height, width, 4),
        np.uint8,
        what=f"a {width} x {height} pixel image (--dpi {dpi})",
        hint="use a smaller --dpi or a vector format (.pdf, .svg)",
    )


def _grid_size(nbin: int, ncols: int) -> tuple[float, float]:
    cols = min(ncols, nbin)
    rows = 1 + (nbin - 1) // cols
    return (2.8 * cols + 0.6, 2.8 * rows + 0.4)
