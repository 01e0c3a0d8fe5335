"""`LabelMapAxis`: a non-spatial axis whose bins are labels (datasets, sources, ...)."""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..utils.lazy import fits
from ..utils.units import describe

__all__ = ["LabelMapAxis"]


class LabelMapAxis:
    """Map axis of labelled bins, in the given order (gammapy 2.1's class).

    Parameters
    ----------
    labels : list of str (or numbers)
        One unique label per bin.
    name : str
        Axis name.

    Raises
    ------
    ValueError
        If a label repeats.

    Examples
    --------
    >>> from skymask.maps import LabelMapAxis
    >>> axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
    >>> axis.nbin, axis.coord_to_idx(["pks", "crab"]).tolist()
    (3, [2, 0])
    >>> axis.squash().center.tolist()
    ['crab...pks']
    """

    node_type = "label"

    def __init__(self, labels, name=""):
        if not isinstance(name, str):
            raise TypeError(f"axis name must be a str, got {describe(name)}")
        labels = np.array(labels)
        if labels.ndim != 1:
            raise ValueError(f"labels must be a flat list, got shape {labels.shape}")
        if len(np.unique(labels)) != len(labels):
            raise ValueError("Node labels must be unique")
        self._labels = labels
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def unit(self) -> u.UnitBase:
        return u.dimensionless_unscaled

    @property
    def interp(self) -> str:
        return "lin"

    @property
    def is_energy_axis(self) -> bool:
        """False: labels are not energies."""
        return False

    @property
    def nbin(self) -> int:
        return len(self._labels)

    @property
    def center(self) -> np.ndarray:
        """The labels."""
        return self._labels

    @property
    def edges(self):
        raise ValueError(
            "A LabelMapAxis does not define edges: its bins are labels; use axis.center"
        )

    @property
    def edges_min(self) -> np.ndarray:
        return self._labels

    @property
    def edges_max(self) -> np.ndarray:
        return self._labels

    @property
    def bin_width(self) -> np.ndarray:
        """1 for every bin."""
        return np.ones(self.nbin)

    def assert_name(self, required_name: str) -> None:
        if self._name != required_name:
            raise ValueError(
                f'Unexpected axis name, expected "{required_name}", got: "{self._name}"'
            )

    # ------------------------------------------------------------------ transforms
    def coord_to_idx(self, coord, **kwargs) -> np.ndarray:
        """Index of each label (same shape as ``coord``); an unknown label is a ValueError."""
        coord = np.array(coord)[..., np.newaxis]
        equal = coord == self._labels
        found = np.any(equal, axis=-1)
        if not np.all(found):
            raise ValueError(
                f"Not a valid label: {coord[~found].ravel().tolist()}; the labels are "
                f"{self._labels.tolist()}"
            )
        return np.argmax(equal, axis=-1)

    def coord_to_pix(self, coord) -> np.ndarray:
        return self.coord_to_idx(coord).astype(float)

    def pix_to_coord(self, pix) -> np.ndarray:
        return self._labels[np.round(pix).astype(int)]

    def pix_to_idx(self, pix, clip=False) -> np.ndarray:
        pix = np.asarray(pix)
        if clip:
            return np.clip(pix, 0, self.nbin - 1)
        return np.where((pix < 0) | (pix >= self.nbin), -1, pix)

    # ------------------------------------------------------------------ derived axes
    def copy(self, **kwargs) -> LabelMapAxis:
        """Copy, with ``labels`` or ``name`` replaced."""
        params = {"labels": self._labels.copy(), "name": self._name}
        params.update(kwargs)
        return LabelMapAxis(**params)

    def rename(self, new_name: str) -> LabelMapAxis:
        return self.copy(name=new_name)

    def slice(self, idx) -> LabelMapAxis:
        if isinstance(idx, (int, np.integer)):
            idx = slice(int(idx), int(idx) + 1)
        return LabelMapAxis(self._labels[idx], name=self._name)

    def squash(self) -> LabelMapAxis:
        """One bin labelled ``"first...last"``."""
        return LabelMapAxis([f"{self._labels[0]}...{self._labels[-1]}"], name=self._name)

    def concatenate(self, axis) -> LabelMapAxis:
        """The labels of this axis then those of ``axis`` (same name, labels unique)."""
        if not isinstance(axis, LabelMapAxis):
            raise TypeError(
                f"axis must be an instance of LabelMapAxis, got {axis.__class__.__name__} instead."
            )
        if self._name != axis.name:
            raise ValueError(f"Names must agree, got {self._name} and {axis.name}")
        return LabelMapAxis(np.append(self._labels, axis.center), self._name)

    @classmethod
    def from_stack(cls, axes) -> LabelMapAxis:
        stacked = axes[0]
        for axis in axes[1:]:
            stacked = stacked.concatenate(axis)
        return stacked

    def _unsupported(self, what):
        raise NotImplementedError(f"{what} a LabelMapAxis is not supported")

    def upsample(self, *args, **kwargs):
        self._unsupported("Upsampling")

    def downsample(self, *args, **kwargs):
        self._unsupported("Downsampling")

    def resample(self, *args, **kwargs):
        self._unsupported("Resampling")

    def pad(self, *args, **kwargs):
        self._unsupported("Padding")

    # ------------------------------------------------------------------ I/O and plots
    def to_header(self, format="gadf", idx=0) -> fits.Header:
        if format != "gadf":
            raise ValueError(f"Unknown format {format!r}; a LabelMapAxis supports 'gadf'")
        header = fits.Header()
        header[f"AXCOLS{idx}"] = self._name.upper()
        return header

    @classmethod
    def from_table(cls, table, format="gadf", idx=0) -> LabelMapAxis:
        if format != "gadf":
            raise ValueError(f"Not a supported format: {format}")
        colname = table.meta.get(f"AXCOLS{idx + 1}")
        column = table[colname]
        if not np.issubdtype(column.dtype, np.str_):
            raise TypeError(f"Not a valid dtype for label axis: '{column.dtype}'")
        return cls(labels=np.unique(column.data), name=colname.lower())

    @property
    def as_plot_labels(self) -> list:
        return self._labels.tolist()

    @property
    def as_plot_xerr(self) -> np.ndarray:
        return 0.5 * np.ones(self.nbin)

    @property
    def as_plot_center(self) -> np.ndarray:
        return np.arange(self.nbin)

    @property
    def as_plot_edges(self) -> np.ndarray:
        return np.arange(self.nbin + 1) - 0.5

    def format_plot_xaxis(self, ax):
        """Ticks at the bins, labelled, rotated by 30 degrees."""
        ax.set_xticks(self.as_plot_center)
        ax.set_xticklabels(self.as_plot_labels, rotation=30, ha="right", rotation_mode="anchor")
        return ax

    # ------------------------------------------------------------------ comparison
    def is_allclose(self, other, **kwargs) -> bool:
        if not isinstance(other, LabelMapAxis):
            return False
        return bool(
            self._name.upper() == other.name.upper()
            and self.nbin == other.nbin
            and np.all(self._labels == other.center)
        )

    def __eq__(self, other):
        if not isinstance(other, LabelMapAxis):
            return False
        return self.is_allclose(other)

    __hash__ = None

    def __repr__(self):
        lines = [
            self.__class__.__name__,
            "-" * len(self.__class__.__name__),
            "",
            f"  name       : {self._name}",
            f"  nbins      : {self.nbin}",
            f"  node type  : {self.node_type}",
            f"  labels     : {list(self._labels)}",
        ]
        return "\n".join(lines) + "\n"
