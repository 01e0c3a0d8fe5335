"""Matplotlib display of maps. The only module of skymask that imports pyplot."""

from __future__ import annotations

import sys

import numpy as np
from astropy import units as u

__all__ = ["bin_label", "format_energy", "plot_grid", "plot_image"]


def load_wcsaxes() -> None:
    """Import astropy's WCSAxes (what ``projection=wcs`` loads) without importing pytest.

    ``astropy.visualization.wcsaxes`` (astropy 6 to 8) imports pytest, when it is installed,
    only to skip its own tests where matplotlib is missing: ~140 ms of a 2 s tutorial script.
    pytest is hidden while the package loads, unless something imported it already.
    """
    if "astropy.visualization.wcsaxes" in sys.modules or "pytest" in sys.modules:
        return
    sys.modules["pytest"] = None  # `import pytest` raises ImportError, which wcsaxes expects
    try:
        import astropy.visualization.wcsaxes  # noqa: F401
    finally:
        if "pytest" in sys.modules and sys.modules["pytest"] is None:
            del sys.modules["pytest"]


_ENERGY_UNITS = ("eV", "keV", "MeV", "GeV", "TeV", "PeV")


def format_energy(energy: u.Quantity) -> str:
    """Energy with three significant digits in the unit of its decade: ``"10.0 GeV"``.

    The value is rounded before the unit is chosen, so a float32 edge of 9.9999998 GeV reads
    "10.0 GeV".
    """
    value_ev = float(u.Quantity(energy).to_value(u.eV))
    if not np.isfinite(value_ev) or value_ev <= 0:
        return f"{value_ev:g} eV"
    exponent = int(np.floor(np.log10(value_ev)))
    rounded = round(value_ev, -exponent + 2)
    exponent = int(np.floor(np.log10(rounded)))
    prefix = int(np.clip(exponent // 3, 0, len(_ENERGY_UNITS) - 1))
    value = rounded / 10.0 ** (3 * prefix)
    decimals = max(0, 2 - (exponent - 3 * prefix))
    return f"{value:.{decimals}f} {_ENERGY_UNITS[prefix]}"


def bin_label(axis, index: int) -> str:
    """Panel title of bin ``index`` of ``axis``: ``"Energy 10.0 GeV - 28.9 GeV"``."""
    title = axis.name.replace("_", " ").capitalize() or "Bin"
    if axis.node_type == "label":
        return f"{title} {axis.center[index]}"
    if axis.node_type == "edges":
        low, high = axis.edges[index], axis.edges[index + 1]
        if axis.is_energy_axis:
            return f"{title} {format_energy(low)} - {format_energy(high)}"
        return f"{title} {low.value:.3g} - {high.value:.3g} {axis.unit}".rstrip()
    centre = axis.center[index]
    if axis.is_energy_axis:
        return f"{title} {format_energy(centre)}"
    return f"{title} {centre.value:.3g} {axis.unit}".rstrip()


def _axis_labels(frame: str) -> tuple[str, str]:
    if frame == "galactic":
        return "Galactic Longitude", "Galactic Latitude"
    return "Right Ascension", "Declination"


def _new_axes(geom, fig):
    import matplotlib.pyplot as plt

    load_wcsaxes()
    fig = fig if fig is not None else plt.gcf()
    kwargs = {"projection": geom.wcs}
    if geom.projection in ("AIT", "MOL", "HPX") and geom.is_allsky:
        from astropy.visualization.wcsaxes.frame import EllipticalFrame

        kwargs["frame_class"] = EllipticalFrame
    return fig, fig.add_subplot(1, 1, 1, **kwargs)


def plot_image(
    m,
    ax=None,
    fig=None,
    add_cbar=False,
    stretch="linear",
    axes_loc=None,
    kwargs_colorbar=None,
    **kwargs,
):
    """Show a 2-D map (or one whose non-spatial axes have a single bin) with ``imshow``.

    Masks are drawn black (False) and white (True) with ``vmin=0, vmax=1``. Other maps use the
    ``afmhot`` colour map and an `~astropy.visualization.simple_norm` with ``stretch``.
    Returns the axes.
    """
    from astropy.visualization import simple_norm
    from matplotlib.colors import ListedColormap

    geom = m.geom
    if not geom.is_flat:
        raise TypeError(
            f"plot() shows a single image, but this map has the axes {geom.axes.names} with "
            f"{geom.axes.shape} bins; use plot_grid() or get_image_by_idx() first"
        )
    if ax is None:
        fig, ax = _new_axes(geom, fig)
    else:
        fig = ax.figure
    data = np.asarray(m.data, dtype=float).reshape(geom.data_shape_image)
    if m.is_mask:
        kwargs["cmap"] = ListedColormap(["black", "white"])
        kwargs.setdefault("vmin", 0)
        kwargs.setdefault("vmax", 1)
    else:
        kwargs.setdefault("cmap", "afmhot")
    kwargs.setdefault("interpolation", "nearest")
    kwargs.setdefault("origin", "lower")
    if "norm" not in kwargs:
        vmin, vmax = kwargs.pop("vmin", None), kwargs.pop("vmax", None)
        finite = data[np.isfinite(data)]
        if finite.size == 0:
            finite = np.zeros(1)
        kwargs["norm"] = simple_norm(finite, stretch=stretch, vmin=vmin, vmax=vmax)
    image = ax.imshow(data, **kwargs)
    if add_cbar:
        colorbar_kwargs = {"label": str(m.unit)} | dict(kwargs_colorbar or {})
        if axes_loc is not None:
            from mpl_toolkits.axes_grid1 import make_axes_locatable

            cax = make_axes_locatable(ax).append_axes(**axes_loc)
            colorbar_kwargs["cax"] = cax
        else:
            colorbar_kwargs["ax"] = ax
        fig.colorbar(image, **colorbar_kwargs)
    if hasattr(ax, "coords"):
        lon_label, lat_label = _axis_labels(geom.frame)
        ax.coords[0].set_axislabel(lon_label)
        ax.coords[1].set_axislabel(lat_label)
        if geom.is_allsky:
            ax.coords.grid(color="white", linestyle="dotted", alpha=0.5)
    ax.autoscale(enable=False)
    return ax


def plot_grid(m, figsize=None, ncols=3, **kwargs):
    """One panel per bin of the map's single non-spatial axis, titled with the bin range.

    Returns the 1-D array of axes (unused panels are hidden).
    """
    import matplotlib.pyplot as plt

    geom = m.geom
    if len(geom.axes) != 1:
        raise ValueError(
            f"plot_grid() needs exactly one non-spatial axis, this map has {geom.axes.names}; "
            "use slice_by_idx() or reduce_over_axes() first"
        )
    axis = geom.axes[0]
    ncols = int(ncols)
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    cols = min(ncols, axis.nbin)
    rows = 1 + (axis.nbin - 1) // cols
    if figsize is None:
        figsize = (12, 12 * rows / cols)
    load_wcsaxes()
    _, axes = plt.subplots(
        rows,
        cols,
        figsize=figsize,
        subplot_kw={"projection": geom.wcs},
        gridspec_kw={"hspace": 0.1, "wspace": 0.1},
        squeeze=False,
    )
    axes = axes.ravel()
    # Long titles overlap on narrow panels: shrink them there.
    title_size = "small" if figsize[0] / cols < 3.5 else "medium"
    for index, ax in enumerate(axes):
        if index >= axis.nbin:
            ax.set_visible(False)
            continue
        image = m.get_image_by_idx((index,))
        plot_image(image, ax=ax, **kwargs)
        ax.set_title(bin_label(axis, index), fontsize=title_size)
        row, col = divmod(index, cols)
        lon, lat = ax.coords[0], ax.coords[1]
        lon.set_ticks_position("b")
        lat.set_ticks_position("l")
        if title_size == "small":
            lon.set_ticks(number=3)  # narrow panels: fewer labels so that they do not overlap
        if col > 0:
            lat.set_ticklabel_visible(False)
            lat.set_axislabel("")
        last_row = row == rows - 1 or index + cols >= axis.nbin
        if not last_row:
            lon.set_ticklabel_visible(False)
            lon.set_axislabel("")
    return axes


def plot_mask(m, ax=None, **kwargs):
    """See `skymask.maps.Map.plot_mask`."""
    if not m.geom.is_flat:
        raise TypeError(
            f"plot_mask draws one image; this map has axes {m.geom.axes.names} with more than "
            "one bin: select a plane (m.get_image_by_idx) or reduce it first"
        )
    if not m.is_mask:
        raise ValueError(
            f"plot_mask needs a boolean map, got {m.data.dtype} values: make a mask first, "
            "e.g. m > 0"
        )
    if ax is None:
        _, ax = _new_axes(m.geom, None)
    kwargs.setdefault("alpha", 0.5)
    kwargs.setdefault("colors", "w")
    data = np.squeeze(m.data).astype(float).reshape(m.geom.data_shape_image)
    ax.contourf(data, levels=[0, 0.5], **kwargs)
    ax.set_xlim(-0.5, m.geom.npix[0] - 0.5)
    ax.set_ylim(-0.5, m.geom.npix[1] - 0.5)
    ax.autoscale(enable=False)
    return ax
