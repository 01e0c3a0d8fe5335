"""`EDispKernel`: one migration matrix from true to reconstructed energy (gammapy's RMF)."""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..kernels.migration import gaussian_migration_matrix, overlap_matrix
from ..maps import MapAxes, MapAxis
from ..utils.arrays import array_protocol
from ..utils.units import describe

__all__ = ["EDispKernel", "overlap_fraction"]


def overlap_fraction(energy_axis: MapAxis, energy_axis_true: MapAxis) -> np.ndarray:
    """Fraction of each true-energy bin that lies in each reconstructed bin.

    This is the migration matrix of a perfect energy resolution (shape ``(n_true, n_reco)``):
    1 on the diagonal when both axes have the same edges.

    Examples
    --------
    >>> from astropy import units as u
    >>> from skymask.maps import MapAxis
    >>> true = MapAxis.from_energy_edges([1, 2, 4] * u.TeV, name="energy_true")
    >>> reco = MapAxis.from_energy_edges([1, 3, 4] * u.TeV)
    >>> overlap_fraction(reco, true).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    return overlap_matrix(energy_axis_true.edges.to_value(u.TeV), energy_axis.edges.to_value(u.TeV))


def _check_energy_axis(axis, name: str, what: str) -> MapAxis:
    if not isinstance(axis, MapAxis):
        raise TypeError(f"{what} must be a MapAxis, got {describe(axis)}")
    if not axis.unit.is_equivalent(u.TeV):
        raise ValueError(f"{what} must be an energy axis, got unit {axis.unit}")
    return axis if axis.name == name else axis.copy(name=name)


class EDispKernel:
    """A migration matrix at one position: ``data[i, j]`` = P(reco bin j | true bin i).

    Parameters
    ----------
    energy_axis_true, energy_axis : `~skymask.maps.MapAxis`
        True and reconstructed energy axes (renamed ``energy_true`` and ``energy``).
    data : array-like, shape (n_true, n_reco)
        The migration probabilities (copied).
    axes : sequence of two `~skymask.maps.MapAxis`, optional, keyword-only
        gammapy's ``axes=[energy_axis_true, energy_axis]``, instead of the two axes.

    Raises
    ------
    TypeError
        An axis is not a `~skymask.maps.MapAxis`, or both ``axes`` and the axes are given.
    ValueError
        An axis is not an energy axis, or ``data`` does not have the shape of the axes.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    >>> kernel = EDispKernel.from_diagonal_response(axis.copy(name="energy_true"), axis)
    >>> np.asarray(kernel).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """

    def __init__(self, energy_axis_true=None, energy_axis=None, data=None, *, axes=None):
        if axes is not None:
            if energy_axis_true is not None or energy_axis is not None:
                raise TypeError("give either axes=[energy_axis_true, energy_axis] or the two axes")
            if len(axes) != 2:
                raise ValueError(f"axes must be [energy_axis_true, energy_axis], got {axes!r}")
            energy_axis_true, energy_axis = axes
        energy_axis_true = _check_energy_axis(energy_axis_true, "energy_true", "energy_axis_true")
        energy_axis = _check_energy_axis(energy_axis, "energy", "energy_axis")
        # A copy: a kernel taken from a map must not change when the map is stacked.
        data = np.array(data, dtype=float)
        shape = (energy_axis_true.nbin, energy_axis.nbin)
        if data.shape != shape:
            raise ValueError(
                f"a migration matrix for {shape[0]} true and {shape[1]} reconstructed energy bins "
                f"must have shape {shape} (energy_true, energy), got {data.shape}"
            )
        self._energy_axis_true = energy_axis_true
        self._energy_axis = energy_axis
        self._data = data

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_diagonal_response(cls, energy_axis_true, energy_axis=None) -> EDispKernel:
        """Perfect resolution: the overlap fraction of the bins (see `overlap_fraction`).

        Parameters
        ----------
        energy_axis_true : `~skymask.maps.MapAxis`
            True energy axis.
        energy_axis : `~skymask.maps.MapAxis`, optional
            Reconstructed energy axis; default the true axis renamed ``energy``.

        Returns
        -------
        EDispKernel

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_edges([0.5, 1, 2, 4, 6] * u.TeV, name="energy_true")
        >>> reco = MapAxis.from_energy_edges([2, 4, 6] * u.TeV)
        >>> EDispKernel.from_diagonal_response(true, reco).data.tolist()
        [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
        """
        if energy_axis is None:
            energy_axis = energy_axis_true.copy(name="energy")
        return cls(energy_axis_true, energy_axis, overlap_fraction(energy_axis, energy_axis_true))

    @classmethod
    def from_gauss(
        cls, energy_axis_true, energy_axis, sigma, bias, pdf_threshold=1e-6
    ) -> EDispKernel:
        """Gaussian resolution in ``E_reco / E_true``, as gammapy 2.1's ``from_gauss``.

        The migration ``E_reco / E_true`` is a Gaussian of mean ``1 + bias`` and width
        ``sigma`` on gammapy's grid (200 bins from 1/3 to 3), integrated over each
        reconstructed bin at the centre of each true-energy bin (see
        `skymask.kernels.migration.gaussian_migration_matrix`).

        Parameters
        ----------
        energy_axis_true, energy_axis : `~skymask.maps.MapAxis`
            True and reconstructed energy axes.
        sigma, bias : float or array of shape (n_true,)
            Relative resolution and bias.
        pdf_threshold : float, default 1e-6
            Migration densities below it are set to 0.

        Returns
        -------
        EDispKernel

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> reco = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3)
        >>> true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=5, name="energy_true")
        >>> kernel = EDispKernel.from_gauss(true, reco, sigma=0.2, bias=0.1)
        >>> kernel.data.sum(axis=1).round(5).tolist()
        [0.97146, 1.0, 1.0, 1.0, 0.12353]
        """
        energy_axis_true = _check_energy_axis(energy_axis_true, "energy_true", "energy_axis_true")
        energy_axis = _check_energy_axis(energy_axis, "energy", "energy_axis")
        for name, value in (("sigma", sigma), ("bias", bias)):
            array = np.asarray(value, dtype=float)
            if array.ndim > 1 or array.size not in (1, energy_axis_true.nbin):
                raise ValueError(
                    f"{name} must be one number or one per true-energy bin "
                    f"({energy_axis_true.nbin}), got shape {array.shape}"
                )
        if np.any(np.asarray(sigma, dtype=float) <= 0):
            raise ValueError(f"sigma must be positive, got {sigma!r}")
        unit = energy_axis_true.unit
        data = gaussian_migration_matrix(
            energy_axis_true.center.to_value(unit),
            energy_axis.edges.to_value(unit),
            sigma,
            bias,
            pdf_threshold=pdf_threshold,
        )
        return cls(energy_axis_true, energy_axis, data)

    # ------------------------------------------------------------------ attributes
    @property
    def energy_axis_true(self) -> MapAxis:
        """The true-energy axis (rows of the matrix), named ``energy_true``.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> EDispKernel.from_diagonal_response(axis).energy_axis_true.name
        'energy_true'
        """
        return self._energy_axis_true

    @property
    def energy_axis(self) -> MapAxis:
        """The reconstructed-energy axis (columns of the matrix), named ``energy``.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
        >>> kernel = EDispKernel.from_diagonal_response(axis)
        >>> kernel.energy_axis.name, kernel.energy_axis.nbin
        ('energy', 3)
        """
        return self._energy_axis

    @property
    def axes(self) -> MapAxes:
        """``MapAxes([energy_axis_true, energy_axis])`` (gammapy's order).

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.axes.names
        ['energy_true', 'energy']
        """
        return MapAxes([self._energy_axis_true, self._energy_axis])

    @property
    def data(self) -> np.ndarray:
        """The matrix, shape ``(n_true, n_reco)``.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.data[0].tolist()
        [0.75, 0.25, 0.0]
        """
        return self._data

    @property
    def pdf_matrix(self) -> np.ndarray:
        """The matrix (gammapy's name): rows true energy, columns reconstructed energy.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.pdf_matrix.sum(axis=1).tolist()
        [1.0, 1.0, 1.0]
        """
        return self._data

    def __array__(self, dtype=None, copy=None):
        """The kernel matrix; ``copy=True`` gives a copy (the NumPy 2 contract)."""
        return array_protocol(self._data, dtype, copy, owner="EDisp kernel")

    def __repr__(self):
        return (
            f"EDispKernel(energy_true: {self._energy_axis_true.nbin} bins, "
            f"energy: {self._energy_axis.nbin} bins, row sums "
            f"{np.array2string(self._data.sum(axis=1), precision=3, threshold=6)})"
        )

    def __str__(self):
        # gammapy's IRF summary
        return (
            "EDispKernel\n-----------\n\n"
            f"  axes  : {self.axes.names}\n"
            f"  shape : {self._data.shape}\n"
            f"  ndim  : {self._data.ndim}\n"
            "  unit  : \n"
            f"  dtype : {self._data.dtype}\n"
        )

    # ------------------------------------------------------------------ reductions
    def pdf_in_safe_range(self, lo_threshold=None, hi_threshold=None) -> np.ndarray:
        """The matrix with the reconstructed bins outside ``[lo, hi]`` set to 0.

        A bin is kept when it lies entirely inside the thresholds (gammapy's rule).

        Parameters
        ----------
        lo_threshold, hi_threshold : `~astropy.units.Quantity`, optional
            Reconstructed-energy range; default the ends of the axis.

        Returns
        -------
        ndarray
            A copy of the matrix, shape ``(n_true, n_reco)``.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.pdf_in_safe_range(lo_threshold=2 * u.TeV).tolist()  # first bin: 1-2.15 TeV
        [[0.0, 0.25, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        """
        data = self._data.copy()
        if lo_threshold is None and hi_threshold is None:
            return data
        edges = self._energy_axis.edges
        low = edges[0] if lo_threshold is None else u.Quantity(lo_threshold)
        high = edges[-1] if hi_threshold is None else u.Quantity(hi_threshold)
        outside = (edges[:-1] < low) | (edges[1:] > high)
        data[:, outside] = 0.0
        return data

    def to_image(self, lo_threshold=None, hi_threshold=None) -> EDispKernel:
        """One reconstructed bin: the sum of each row over the bins in ``[lo, hi]``.

        Parameters
        ----------
        lo_threshold, hi_threshold : `~astropy.units.Quantity`, optional
            Reconstructed-energy range (default the whole axis).

        Returns
        -------
        EDispKernel
            Shape ``(n_true, 1)``; the reconstructed axis squashed to one bin.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel.from_diagonal_response(axis.copy(name="energy_true"), axis)
        >>> kernel.to_image().data.ravel().tolist()
        [1.0, 1.0, 1.0]
        """
        data = self.pdf_in_safe_range(lo_threshold, hi_threshold)
        return EDispKernel(
            self._energy_axis_true,
            self._energy_axis.squash(),
            data.sum(axis=1, keepdims=True),
        )

    # ------------------------------------------------------------------ evaluation
    def _true_index(self, energy_true) -> np.ndarray:
        return self._energy_axis_true.coord_to_idx(u.Quantity(energy_true), clip=True)

    def evaluate(self, energy_true=None, energy=None) -> u.Quantity:
        """The matrix at the nearest bins (0 outside the axes), as gammapy's ``evaluate``.

        Parameters
        ----------
        energy_true, energy : `~astropy.units.Quantity`, optional
            Default: every bin centre of that axis (broadcast as rows / columns).

        Returns
        -------
        `~astropy.units.Quantity`
            Dimensionless, the broadcast shape of the inputs.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.evaluate(energy_true=2 * u.TeV, energy=[1.5, 3, 20] * u.TeV)
        <Quantity [0.75, 0.25, 0.  ]>
        """
        true_axis, reco_axis = self._energy_axis_true, self._energy_axis
        if energy_true is None:
            energy_true = true_axis.center.reshape(-1, 1)
        if energy is None:
            energy = reco_axis.center.reshape(1, -1)
        i = np.asarray(true_axis.coord_to_idx(u.Quantity(energy_true)))
        j = np.asarray(reco_axis.coord_to_idx(u.Quantity(energy)))
        i, j = np.broadcast_arrays(i, j)
        inside = (i >= 0) & (j >= 0)
        values = np.where(inside, self._data[np.clip(i, 0, None), np.clip(j, 0, None)], 0.0)
        return u.Quantity(values, u.dimensionless_unscaled)

    def get_mean(self, energy_true) -> u.Quantity:
        """Mean reconstructed energy (bin centres weighted by the matrix row).

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies; each uses the true-energy bin that holds it (clipped to the axis).

        Returns
        -------
        `~astropy.units.Quantity`
            One mean per energy (0 where the row is empty), at least 1-d.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.get_mean([2, 5] * u.TeV).round(5)  # (0.75 + 0.25 * 10**(1/3)) * 1.46780 TeV
        <Quantity [1.89142, 6.81292] TeV>
        """
        pdf = self._data[self._true_index(energy_true)]
        center = self._energy_axis.center
        norm = pdf.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num((pdf * center.value).sum(axis=-1) / norm) * center.unit

    def _get_variance(self, energy_true) -> u.Quantity:
        pdf = self._data[self._true_index(energy_true)]
        mean = self.get_mean(energy_true)
        center = self._energy_axis.center
        deviation = (center - np.expand_dims(mean, -1)) ** 2
        return (deviation * pdf).sum(axis=-1) / pdf.sum(axis=-1)

    def get_bias(self, energy_true):
        """Relative bias ``(E_reco_mean - E_true) / E_true`` at the nearest true-energy bin.

        ``E_true`` is the centre of the true-energy bin that holds ``energy_true``.

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies.

        Returns
        -------
        ndarray
            The bias per energy, at least 1-d.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.get_bias([2, 5] * u.TeV).round(6)  # 0.25 (10**(1/3) - 1), then none
        array([0.288609, 0.      ])
        """
        true_center = self._energy_axis_true.center[self._true_index(energy_true)]
        return ((self.get_mean(energy_true) - true_center) / true_center).to_value("")

    def get_resolution(self, energy_true):
        """Relative resolution ``std(E_reco) / E_true`` at the nearest true-energy bin.

        The spread of the reconstructed bin centres weighted by the matrix row.

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies.

        Returns
        -------
        ndarray
            The resolution per energy, at least 1-d.

        Examples
        --------
        >>> from astropy import units as u
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> kernel.get_resolution([2, 5] * u.TeV).round(6)  # sqrt(0.75 * 0.25) (10**(1/3) - 1)
        array([0.499885, 0.      ])
        """
        true_center = self._energy_axis_true.center[self._true_index(energy_true)]
        return (np.sqrt(self._get_variance(energy_true)) / true_center).to_value("")

    # ------------------------------------------------------------------ I/O and plots
    @classmethod
    def read(cls, filename, hdu1="MATRIX", hdu2="EBOUNDS", checksum=False, format="gadf"):
        """Read an OGIP response matrix (RMF: ``MATRIX`` and ``EBOUNDS`` HDUs).

        Parameters
        ----------
        filename : str or path
        hdu1, hdu2 : str
            Matrix and reconstructed-energy HDUs.
        checksum : bool
            Verify the HDU checksums (a `~skymask.utils.exceptions.ChecksumWarning` if wrong).
        format : {"gadf"}
            gammapy's name for the OGIP layout (``"gtdrm"`` is not supported).

        Returns
        -------
        EDispKernel

        Raises
        ------
        ValueError
            ``format`` is not ``"gadf"``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kernel.write(Path(tmp) / "rmf.fits")
        ...     again = EDispKernel.read(Path(tmp) / "rmf.fits")
        >>> again.data[0].tolist(), again.energy_axis.nbin
        ([0.75, 0.25, 0.0], 3)
        """
        from ._ogip import read_rmf

        if format != "gadf":
            raise ValueError(f"format must be 'gadf' (the OGIP RMF layout), got {format!r}")
        true_edges, reco_edges, data = read_rmf(filename, hdu1=hdu1, hdu2=hdu2, checksum=checksum)
        return cls(
            MapAxis.from_energy_edges(true_edges, name="energy_true"),
            MapAxis.from_energy_edges(reco_edges, name="energy"),
            data,
        )

    def to_hdulist(self, format="ogip"):
        """The OGIP RMF file as an `~astropy.io.fits.HDUList` (primary, MATRIX, EBOUNDS).

        Parameters
        ----------
        format : {"ogip", "ogip-sherpa"}, optional
            gammapy's names; both give the same OGIP layout here. Default ``"ogip"``.

        Returns
        -------
        `~astropy.io.fits.HDUList`

        Raises
        ------
        ValueError
            ``format`` is neither name.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> [hdu.name for hdu in kernel.to_hdulist()]
        ['PRIMARY', 'MATRIX', 'EBOUNDS']
        """
        from ._ogip import rmf_hdulist

        if format not in ("ogip", "ogip-sherpa"):
            raise ValueError(f"format must be 'ogip' or 'ogip-sherpa', got {format!r}")
        return rmf_hdulist(self._energy_axis_true.edges, self._energy_axis.edges, self._data)

    def write(self, filename, format="ogip", checksum=False, overwrite=False):
        """Write the OGIP RMF file (atomically; ``checksum`` adds CHECKSUM/DATASUM cards).

        Parameters
        ----------
        filename : str or path
            The file to write.
        format : {"ogip", "ogip-sherpa"}, optional
            See `to_hdulist`. Default ``"ogip"``.
        checksum : bool, optional
            Add CHECKSUM and DATASUM cards. Default False.
        overwrite : bool, optional
            Replace an existing file. Default False.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kernel.write(Path(tmp) / "rmf.fits", checksum=True)
        ...     with fits.open(Path(tmp) / "rmf.fits") as hdulist:
        ...         print(hdulist[1].name, "CHECKSUM" in hdulist[1].header)
        MATRIX True
        """
        from ..utils.io import write_fits

        write_fits(self.to_hdulist(format=format), filename, overwrite=overwrite, checksum=checksum)

    def plot_matrix(self, ax=None, add_cbar=False, **kwargs):
        """Plot the matrix (true energy on x, reconstructed on y); returns the axes.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes to draw on; default the current axes.
        add_cbar : bool, optional
            Add a colour bar. Default False.
        **kwargs
            Passed to `~matplotlib.axes.Axes.pcolormesh`.

        Returns
        -------
        `~matplotlib.axes.Axes`

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> ax = kernel.plot_matrix(add_cbar=True)
        >>> plt.close("all")
        """
        from .plotting import plot_edisp_matrix

        return plot_edisp_matrix(self, ax=ax, add_cbar=add_cbar, **kwargs)

    def plot_bias(self, ax=None, **kwargs):
        """Plot the bias against true energy; returns the axes.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes to draw on; default the current axes.
        **kwargs
            Passed to `~matplotlib.axes.Axes.plot`.

        Returns
        -------
        `~matplotlib.axes.Axes`

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> ax = kernel.plot_bias()
        >>> plt.close("all")
        """
        from .plotting import plot_edisp_bias

        return plot_edisp_bias(self, ax=ax, **kwargs)

    def peek(self, figsize=(15, 5)):
        """Quick look: matrix and bias side by side; returns the figure.

        Parameters
        ----------
        figsize : tuple of float, optional
            Figure size in inches. Default ``(15, 5)``.

        Returns
        -------
        `~matplotlib.figure.Figure`

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> fig = kernel.peek(figsize=(8, 3))
        >>> plt.close(fig)
        """
        from .plotting import peek_edisp

        return peek_edisp(self, figsize=figsize)
