"""`LabelMapAxis`: a non-spatial axis whose bins are labels (datasets, sources, ...)."""

from __future__ import annotations

import numpy as np

from ..utils.lazy import fits
from ..utils.lazy import units as u
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
        """Name of the axis.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").name
        'source'
        """
        return self._name

    @property
    def unit(self) -> u.UnitBase:
        """Unit of the axis: always dimensionless (the bins are labels).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").unit
        Unit(dimensionless)
        """
        return u.dimensionless_unscaled

    @property
    def interp(self) -> str:
        """Interpolation scale: always ``"lin"`` (kept for the `MapAxis` interface).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").interp
        'lin'
        """
        return "lin"

    @property
    def is_energy_axis(self) -> bool:
        """False: labels are not energies.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").is_energy_axis
        False
        """
        return False

    @property
    def nbin(self) -> int:
        """Number of bins (labels).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").nbin
        3
        """
        return len(self._labels)

    @property
    def center(self) -> np.ndarray:
        """The labels, in the axis order.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").center.tolist()
        ['crab', 'vela', 'pks']
        """
        return self._labels

    @property
    def edges(self):
        """Not defined: a label axis has no edges.

        Raises
        ------
        ValueError
            Always; use `center` for the labels.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").edges
        Traceback (most recent call last):
        ...
        ValueError: A LabelMapAxis does not define edges: its bins are labels; use axis.center
        """
        raise ValueError(
            "A LabelMapAxis does not define edges: its bins are labels; use axis.center"
        )

    @property
    def edges_min(self) -> np.ndarray:
        """Lower "edge" of each bin: the labels themselves (as in gammapy).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").edges_min.tolist()
        ['crab', 'vela']
        """
        return self._labels

    @property
    def edges_max(self) -> np.ndarray:
        """Upper "edge" of each bin: the labels themselves (as in gammapy).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").edges_max.tolist()
        ['crab', 'vela']
        """
        return self._labels

    @property
    def bin_width(self) -> np.ndarray:
        """1 for every bin.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").bin_width
        array([1., 1., 1.])
        """
        return np.ones(self.nbin)

    def assert_name(self, required_name: str) -> None:
        """Check that the axis has the given name.

        Parameters
        ----------
        required_name : str
            The expected name.

        Raises
        ------
        ValueError
            If the axis has another name.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela"], name="source")
        >>> axis.assert_name("source")
        >>> axis.assert_name("energy")
        Traceback (most recent call last):
        ...
        ValueError: Unexpected axis name, expected "energy", got: "source"
        """
        if self._name != required_name:
            raise ValueError(
                f'Unexpected axis name, expected "{required_name}", got: "{self._name}"'
            )

    # ------------------------------------------------------------------ transforms
    def coord_to_idx(self, coord, **kwargs) -> np.ndarray:
        """Index of each label.

        Parameters
        ----------
        coord : str or array-like of str
            Labels of the axis.
        **kwargs
            Ignored (accepted for the `MapAxis` interface, e.g. ``clip``).

        Returns
        -------
        `numpy.ndarray`
            Integer indices, same shape as ``coord``.

        Raises
        ------
        ValueError
            If a label is not on the axis.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
        >>> axis.coord_to_idx(["pks", "crab"]).tolist()
        [2, 0]
        >>> axis.coord_to_idx("geminga")
        Traceback (most recent call last):
        ...
        ValueError: Not a valid label: ['geminga']; the labels are ['crab', 'vela', 'pks']
        """
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
        """Pixel coordinate of each label: its index, as a float.

        Parameters
        ----------
        coord : str or array-like of str
            Labels of the axis.

        Returns
        -------
        `numpy.ndarray`
            Pixel coordinates, same shape as ``coord``.

        Raises
        ------
        ValueError
            If a label is not on the axis.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").coord_to_pix(["vela", "crab"])
        array([1., 0.])
        """
        return self.coord_to_idx(coord).astype(float)

    def pix_to_coord(self, pix) -> np.ndarray:
        """Label of the bin nearest to each pixel coordinate.

        Parameters
        ----------
        pix : float or array-like
            Pixel coordinates, rounded to the nearest bin (in ``[-0.5, nbin - 0.5)``).

        Returns
        -------
        `numpy.ndarray`
            The labels.

        Raises
        ------
        ValueError
            If a pixel lies outside ``[-0.5, nbin - 0.5)`` or is not finite (gammapy wraps
            ``-1`` round to the last label: X190).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").pix_to_coord([0.2, 1.8]).tolist()
        ['crab', 'pks']
        """
        pix = np.asarray(pix, dtype=float)
        inside = (pix >= -0.5) & (pix < self.nbin - 0.5)
        if not np.all(inside):
            bad = pix[~inside].ravel()[0] if pix.ndim else pix
            raise ValueError(
                f"pixel coordinate {bad:g} is outside the label axis {self.name!r}: its "
                f"{self.nbin} labels cover pixels -0.5 to {self.nbin - 0.5:g}; pix_to_idx "
                "gives -1 for such pixels, to select the valid ones first"
            )
        # Inside the range, rounding (half to even, as gammapy) stays in 0 .. nbin - 1.
        return self._labels[np.round(pix).astype(int)]

    def pix_to_idx(self, pix, clip=False) -> np.ndarray:
        """Pixel coordinate to bin index; -1 outside the axis unless ``clip``.

        Parameters
        ----------
        pix : int or array-like of int
            Pixel coordinates (bin indices).
        clip : bool
            Clip to the first or last bin instead of returning -1.

        Returns
        -------
        `numpy.ndarray`
            Bin indices.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
        >>> axis.pix_to_idx([-1, 1, 3]).tolist()
        [-1, 1, -1]
        >>> axis.pix_to_idx([-1, 1, 3], clip=True).tolist()
        [0, 1, 2]
        """
        pix = np.asarray(pix)
        if clip:
            return np.clip(pix, 0, self.nbin - 1)
        return np.where((pix < 0) | (pix >= self.nbin), -1, pix)

    # ------------------------------------------------------------------ derived axes
    def copy(self, **kwargs) -> LabelMapAxis:
        """Copy, with ``labels`` or ``name`` replaced.

        Parameters
        ----------
        **kwargs
            ``labels`` or ``name``, to replace those of this axis.

        Returns
        -------
        `LabelMapAxis`
            The copy.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela"], name="source")
        >>> axis.copy(name="target").name, axis.copy(labels=["pks"]).center.tolist()
        ('target', ['pks'])
        """
        params = {"labels": self._labels.copy(), "name": self._name}
        params.update(kwargs)
        return LabelMapAxis(**params)

    def rename(self, new_name: str) -> LabelMapAxis:
        """Copy with another name.

        Parameters
        ----------
        new_name : str
            The new axis name.

        Returns
        -------
        `LabelMapAxis`
            The renamed copy.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").rename("target").name
        'target'
        """
        return self.copy(name=new_name)

    def slice(self, idx) -> LabelMapAxis:
        """Axis of a subset of the bins.

        Parameters
        ----------
        idx : int or slice
            Bin index (gives a one-bin axis) or slice of bins.

        Returns
        -------
        `LabelMapAxis`
            The sliced axis, same name.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela", "pks"], name="source")
        >>> axis.slice(slice(1, 3)).center.tolist(), axis.slice(0).center.tolist()
        (['vela', 'pks'], ['crab'])
        """
        if isinstance(idx, (int, np.integer)):
            idx = slice(int(idx), int(idx) + 1)
        return LabelMapAxis(self._labels[idx], name=self._name)

    def squash(self) -> LabelMapAxis:
        """One bin labelled ``"first...last"``.

        Returns
        -------
        `LabelMapAxis`
            The one-bin axis, same name.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").squash().center.tolist()
        ['crab...pks']
        """
        return LabelMapAxis([f"{self._labels[0]}...{self._labels[-1]}"], name=self._name)

    def concatenate(self, axis) -> LabelMapAxis:
        """The labels of this axis then those of ``axis``.

        Parameters
        ----------
        axis : `LabelMapAxis`
            Axis of the same name, with other labels.

        Returns
        -------
        `LabelMapAxis`
            The concatenated axis.

        Raises
        ------
        TypeError
            If ``axis`` is not a `LabelMapAxis`.
        ValueError
            If the names differ or a label repeats.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela"], name="source")
        >>> axis.concatenate(LabelMapAxis(["pks"], name="source")).center.tolist()
        ['crab', 'vela', 'pks']
        """
        if not isinstance(axis, LabelMapAxis):
            raise TypeError(
                f"axis must be an instance of LabelMapAxis, got {axis.__class__.__name__} instead."
            )
        if self._name != axis.name:
            raise ValueError(f"Names must agree, got {self._name} and {axis.name}")
        return LabelMapAxis(np.append(self._labels, axis.center), self._name)

    @classmethod
    def from_stack(cls, axes) -> LabelMapAxis:
        """Concatenate axes, in order (see `concatenate`).

        Parameters
        ----------
        axes : sequence of `LabelMapAxis`
            Axes of the same name, with distinct labels.

        Returns
        -------
        `LabelMapAxis`
            The stacked axis.

        Raises
        ------
        TypeError
            If an axis is not a `LabelMapAxis`.
        ValueError
            If the names differ or a label repeats.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axes = [LabelMapAxis([name], name="source") for name in ("crab", "vela", "pks")]
        >>> LabelMapAxis.from_stack(axes).center.tolist()
        ['crab', 'vela', 'pks']
        """
        stacked = axes[0]
        for axis in axes[1:]:
            stacked = stacked.concatenate(axis)
        return stacked

    def _unsupported(self, what):
        raise NotImplementedError(f"{what} a LabelMapAxis is not supported")

    def upsample(self, *args, **kwargs):
        """Not supported: label bins cannot be split.

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Raises
        ------
        NotImplementedError
            Always.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").upsample(2)
        Traceback (most recent call last):
        ...
        NotImplementedError: Upsampling a LabelMapAxis is not supported
        """
        self._unsupported("Upsampling")

    def downsample(self, *args, **kwargs):
        """Not supported: label bins cannot be merged.

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Raises
        ------
        NotImplementedError
            Always; `squash` merges all bins into one.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").downsample(2)
        Traceback (most recent call last):
        ...
        NotImplementedError: Downsampling a LabelMapAxis is not supported
        """
        self._unsupported("Downsampling")

    def resample(self, *args, **kwargs):
        """Not supported: label bins cannot be rebinned.

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Raises
        ------
        NotImplementedError
            Always.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").resample(None)
        Traceback (most recent call last):
        ...
        NotImplementedError: Resampling a LabelMapAxis is not supported
        """
        self._unsupported("Resampling")

    def pad(self, *args, **kwargs):
        """Not supported: a label axis has no bins beyond its labels.

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Raises
        ------
        NotImplementedError
            Always.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").pad(1)
        Traceback (most recent call last):
        ...
        NotImplementedError: Padding a LabelMapAxis is not supported
        """
        self._unsupported("Padding")

    # ------------------------------------------------------------------ I/O and plots
    def to_header(self, format="gadf", idx=0) -> fits.Header:
        """FITS header card naming the axis column (``AXCOLS{idx}``), as gammapy writes it.

        Parameters
        ----------
        format : {"gadf"}
            Header format.
        idx : int
            Index in the ``AXCOLS`` key.

        Returns
        -------
        `~astropy.io.fits.Header`
            The header.

        Raises
        ------
        ValueError
            If ``format`` is not ``"gadf"``.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> header = LabelMapAxis(["crab", "vela"], name="source").to_header(idx=1)
        >>> header["AXCOLS1"]
        'SOURCE'
        """
        if format != "gadf":
            raise ValueError(f"Unknown format {format!r}; a LabelMapAxis supports 'gadf'")
        header = fits.Header()
        header[f"AXCOLS{idx}"] = self._name.upper()
        return header

    @classmethod
    def from_table(cls, table, format="gadf", idx=0) -> LabelMapAxis:
        """Axis from a table column of labels (named by the table's ``AXCOLS{idx + 1}`` key).

        The labels are the column's unique values, sorted; the axis name is the column name in
        lower case.

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table with the ``AXCOLS{idx + 1}`` key in its ``meta``.
        format : {"gadf"}
            Table format.
        idx : int
            Index of the axis (the key read is ``AXCOLS{idx + 1}``).

        Returns
        -------
        `LabelMapAxis`
            The axis.

        Raises
        ------
        ValueError
            If ``format`` is not ``"gadf"``.
        TypeError
            If the column does not hold strings.

        Examples
        --------
        >>> from astropy.table import Table
        >>> from skymask.maps import LabelMapAxis
        >>> table = Table({"SOURCE": ["vela", "crab", "vela"]}, meta={"AXCOLS1": "SOURCE"})
        >>> axis = LabelMapAxis.from_table(table)
        >>> axis.name, axis.center.tolist()
        ('source', ['crab', 'vela'])
        """
        if format != "gadf":
            raise ValueError(f"Not a supported format: {format}")
        colname = table.meta.get(f"AXCOLS{idx + 1}")
        column = table[colname]
        if not np.issubdtype(column.dtype, np.str_):
            raise TypeError(f"Not a valid dtype for label axis: '{column.dtype}'")
        return cls(labels=np.unique(column.data), name=colname.lower())

    @property
    def as_plot_labels(self) -> list:
        """Tick labels for plots: the labels, as a list.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").as_plot_labels
        ['crab', 'vela']
        """
        return self._labels.tolist()

    @property
    def as_plot_xerr(self) -> np.ndarray:
        """Half-width of each bin in plots: 0.5 (bins are plotted at integers).

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").as_plot_xerr
        array([0.5, 0.5])
        """
        return 0.5 * np.ones(self.nbin)

    @property
    def as_plot_center(self) -> np.ndarray:
        """Position of each bin in plots: 0, 1, 2, ...

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela", "pks"], name="source").as_plot_center
        array([0, 1, 2])
        """
        return np.arange(self.nbin)

    @property
    def as_plot_edges(self) -> np.ndarray:
        """Bin edges in plots: halfway between the bin positions.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> LabelMapAxis(["crab", "vela"], name="source").as_plot_edges
        array([-0.5,  0.5,  1.5])
        """
        return np.arange(self.nbin + 1) - 0.5

    def format_plot_xaxis(self, ax):
        """Ticks at the bins, labelled, rotated by 30 degrees.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`
            The axes to format.

        Returns
        -------
        `~matplotlib.axes.Axes`
            The same axes.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela"], name="source")
        >>> ax = axis.format_plot_xaxis(Figure().add_subplot())
        >>> [label.get_text() for label in ax.get_xticklabels()]
        ['crab', 'vela']
        """
        ax.set_xticks(self.as_plot_center)
        ax.set_xticklabels(self.as_plot_labels, rotation=30, ha="right", rotation_mode="anchor")
        return ax

    # ------------------------------------------------------------------ comparison
    def is_allclose(self, other, **kwargs) -> bool:
        """Whether ``other`` is a label axis with the same name (any case) and labels.

        Parameters
        ----------
        other : object
            The object to compare with.
        **kwargs
            Ignored (accepted for the `MapAxis` interface, e.g. ``rtol``).

        Returns
        -------
        bool
            True if equal.

        Examples
        --------
        >>> from skymask.maps import LabelMapAxis
        >>> axis = LabelMapAxis(["crab", "vela"], name="source")
        >>> axis.is_allclose(LabelMapAxis(["crab", "vela"], name="SOURCE"))
        True
        >>> axis.is_allclose(LabelMapAxis(["vela", "crab"], name="source"))
        False
        """
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
