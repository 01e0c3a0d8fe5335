"""The demo's figures: titled PNG files, drawn without touching the user's pyplot state.

Figures are `matplotlib.figure.Figure` objects rendered with the Agg canvas, so nothing is
shown and no figure is left open. Only `save_plot_grid` goes through pyplot, because
`Map.plot_grid` (the call the tutorial makes) creates its figure there; it closes it again.
Margins are fixed in inches rather than found by a layout engine, which would draw every
figure several times: the figures are most of the demo's run time.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
from astropy.coordinates import SkyCoord
from matplotlib.figure import Figure

from ..maps.plotting import load_wcsaxes

__all__ = [
    "DPI",
    "save_counts",
    "save_map_panels",
    "save_plot_grid",
    "save_psf_containment",
]

#: Resolution of the PNG files: enough to read the labels, small enough to write fast.
DPI = 80
# Margins (inches) around sky panels: room for tick labels, axis labels and titles.
_LEFT, _RIGHT, _BOTTOM, _PANEL_TITLE, _TITLE_LINE = 0.9, 0.25, 0.65, 0.45, 0.22
_COLORBAR = 1.0
# Characters of a 'medium' (10 pt) title per inch of figure width.
_CHARS_PER_INCH = 11


def _wrap(text: str, width_inches: float) -> list[str]:
    return textwrap.wrap(text, max(20, int(width_inches * _CHARS_PER_INCH))) or [text]


def _panel_figure(n_panels: int, panel_size, title: str, colorbar: bool = False):
    """A figure for ``n_panels`` sky panels in a row, with the title wrapped above them."""
    panel_width, panel_height = panel_size
    width = _LEFT + n_panels * (panel_width + (_COLORBAR if colorbar else 0)) + _RIGHT
    width += (n_panels - 1) * _LEFT
    lines = _wrap(title, width)
    top = _PANEL_TITLE + _TITLE_LINE * len(lines) + 0.1
    height = _BOTTOM + panel_height + top
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=_LEFT / width,
        right=1 - _RIGHT / width,
        bottom=_BOTTOM / height,
        top=1 - top / height,
        wspace=_LEFT / (panel_width + (_COLORBAR if colorbar else 0)),
    )
    fig.suptitle("\n".join(lines), fontsize="medium", y=1 - 0.08 / height, va="top")
    return fig


def save_map_panels(path: Path, title: str, panels, *, panel_size=(3.8, 3.6)) -> Path:
    """One row of sky maps, each with its own title, saved as PNG.

    Parameters
    ----------
    path : Path
        PNG file to write.
    title : str
        Figure title: what the figure shows.
    panels : sequence of (Map, str) or (Map, str, dict)
        Map (an image, or a cube with single-bin axes), panel title and optional keyword
        arguments for `Map.plot` (for example ``add_cbar=True``).
    panel_size : (float, float)
        Size of each sky panel in inches.
    """
    panels = [(*panel, {})[:3] for panel in panels]
    colorbar = any(kwargs.get("add_cbar") for _, _, kwargs in panels)
    load_wcsaxes()
    fig = _panel_figure(len(panels), panel_size, title, colorbar)
    for index, (m, panel_title, kwargs) in enumerate(panels, start=1):
        ax = fig.add_subplot(1, len(panels), index, projection=m.geom.wcs)
        m.plot(ax=ax, **kwargs)
        ax.set_title(panel_title, fontsize="small")
    fig.savefig(path, dpi=DPI)
    return path


def save_counts(path: Path, title: str, counts, sources: dict[str, SkyCoord]) -> Path:
    """The counts summed over energy (square-root scale), with the named sources circled."""
    image = counts.sum_over_axes(keepdims=False)
    # Saturate the brightest source so that the faint ones and the diffuse glow show.
    vmax = max(5.0, float(np.percentile(image.data, 99.5)))
    load_wcsaxes()
    fig = _panel_figure(1, (4.6, 4.4), title, colorbar=True)
    ax = fig.add_subplot(1, 1, 1, projection=image.geom.wcs)
    image.plot(
        ax=ax, add_cbar=True, stretch="sqrt", vmin=0, vmax=vmax, kwargs_colorbar={"label": "counts"}
    )
    transform = ax.get_transform("icrs")
    for name, position in sources.items():
        ra, dec = position.icrs.ra.deg, position.icrs.dec.deg
        ax.scatter(ra, dec, transform=transform, s=200, facecolor="none", edgecolor="cyan")
        ax.text(ra, dec, f"   {name}", transform=transform, color="cyan", fontsize="small")
    ax.set_title("circles: sources of the catalog inside the map", fontsize="small")
    fig.savefig(path, dpi=DPI)
    return path


def save_psf_containment(path: Path, title: str, energy, r68, r95, margin) -> Path:
    """PSF 68 % and 95 % containment radii against energy, and the fit-mask margin."""
    fig = Figure(figsize=(6.0, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.14, top=0.88)
    fig.suptitle("\n".join(_wrap(title, 6.0)), fontsize="medium")
    ax = fig.add_subplot(1, 1, 1)
    gev = energy.to_value("GeV")
    ax.plot(gev, r95.deg, "o-", label="95 % containment")
    ax.plot(gev, r68.deg, "s-", label="68 % containment")
    ax.axhline(margin.deg, color="grey", linestyle="--", label=f"margin {margin.deg:.3f} deg")
    ax.set_xscale("log")
    ax.set_xlabel("true energy (GeV), bin centres")
    ax.set_ylabel("radius (deg)")
    ax.set_ylim(0, None)
    ax.legend(fontsize="small")
    fig.savefig(path, dpi=DPI)
    return path


def save_plot_grid(path: Path, title: str, mask, **kwargs) -> Path:
    """``mask.plot_grid(**kwargs)`` saved with a title; the pyplot figure is closed again."""
    plt = _pyplot()
    axes = np.ravel(mask.plot_grid(**kwargs))
    fig = axes[0].figure
    try:
        width, height = fig.get_size_inches()
        lines = _wrap(title, width)
        fig.subplots_adjust(top=1 - (_PANEL_TITLE + _TITLE_LINE * len(lines)) / height)
        fig.suptitle("\n".join(lines), fontsize="medium", y=1 - 0.05 / height, va="top")
        for ax in axes:
            # Fewer ticks: narrow panels would run the labels into each other.
            ax.coords[0].set_ticks(number=4)
            ax.coords[1].set_ticks(number=4)
        fig.savefig(path, dpi=DPI)
    finally:
        plt.close(fig)
    return path


def _pyplot():
    """pyplot, on the Agg backend unless the caller already chose one by importing pyplot."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
