"""Plots of the IRFs (matplotlib imported here only)."""

from __future__ import annotations

import numpy as np

__all__ = ["peek_edisp", "plot_edisp_bias", "plot_edisp_matrix"]


def plot_edisp_matrix(kernel, ax=None, add_cbar=False, **kwargs):
    """The migration matrix: true energy on x, reconstructed energy on y (log axes)."""
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    true_edges = kernel.energy_axis_true.edges
    reco_edges = kernel.energy_axis.edges.to(true_edges.unit)
    kwargs.setdefault("cmap", "GnBu")
    mesh = ax.pcolormesh(true_edges.value, reco_edges.value, kernel.data.T, **kwargs)
    if add_cbar:
        ax.figure.colorbar(mesh, ax=ax, label="Probability density")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"True energy [{true_edges.unit}]")
    ax.set_ylabel(f"Reconstructed energy [{true_edges.unit}]")
    return ax


def plot_edisp_bias(kernel, ax=None, **kwargs):
    """Relative bias against true energy (log x axis)."""
    import matplotlib.pyplot as plt

    ax = plt.gca() if ax is None else ax
    energy = kernel.energy_axis_true.center
    bias = kernel.get_bias(energy)
    ax.plot(energy.value, np.asarray(bias), **kwargs)
    ax.set_xscale("log")
    ax.set_xlabel(f"True energy [{energy.unit}]")
    ax.set_ylabel("(E_reco - E_true) / E_true")
    return ax


def peek_edisp(kernel, figsize=(15, 5)):
    """Matrix and bias side by side; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows=1, ncols=2, figsize=figsize)
    plot_edisp_matrix(kernel, ax=axes[0])
    plot_edisp_bias(kernel, ax=axes[1])
    return fig
