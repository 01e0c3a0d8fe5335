"""Energy dispersion: migration matrices from true to reconstructed energy on a sky grid.

`EDispKernelMap` holds gammapy's ``EDISP`` layout: a map with the axes ``energy``
(reconstructed, the first FITS axis) and ``energy_true``, so the data are ordered
``(energy_true, energy, lat, lon)``; ``data[i, j, y, x]`` is the probability that a photon of
true-energy bin ``i`` at pixel ``(x, y)`` is reconstructed in bin ``j``. Both gammapy layouts
read: an image with a WCS (the Fermi-LAT Crab dataset) and a region-map table (``CHANNEL``,
``DATA``; the Galactic-centre dataset), which has one spatial bin valid everywhere.
"""

from __future__ import annotations

import warnings

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits

from ..maps import Map, MapAxis, WcsGeom
from ..utils.arrays import array_protocol
from ..utils.exceptions import SkymaskWarning
from ..utils.io import make_path
from ..utils.units import describe
from ._irf_io import read_irf_hdulist, single_bin_geom, write_irf_hdus

__all__ = ["EDispKernel", "EDispKernelMap", "EDispPositionWarning", "overlap_fraction"]

_AXES = ["energy", "energy_true"]


class EDispPositionWarning(SkymaskWarning):
    """The requested position has no valid kernel; the nearest valid pixel is used."""


def overlap_fraction(energy_axis: MapAxis, energy_axis_true: MapAxis) -> np.ndarray:
    """Fraction of each true-energy bin that lies in each reconstructed bin.

    This is the migration matrix of a perfect energy resolution (shape ``(n_true, n_reco)``):
    1 on the diagonal when both axes have the same edges.

    Examples
    --------
    >>> from skymask.maps import MapAxis
    >>> true = MapAxis.from_energy_edges([1, 2, 4] * u.TeV, name="energy_true")
    >>> reco = MapAxis.from_energy_edges([1, 3, 4] * u.TeV)
    >>> overlap_fraction(reco, true).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    true_edges = energy_axis_true.edges.to_value(u.TeV)
    reco_edges = energy_axis.edges.to(u.TeV).value
    low = np.fmax(reco_edges[:-1], true_edges[:-1, np.newaxis])
    high = np.fmin(reco_edges[1:], true_edges[1:, np.newaxis])
    return np.clip(high - low, 0.0, None) / np.diff(true_edges)[:, np.newaxis]


class EDispKernel:
    """A migration matrix at one position: ``data[i, j]`` = P(reco bin j | true bin i).

    Parameters
    ----------
    energy_axis_true, energy_axis : `~skymask.maps.MapAxis`
        True and reconstructed energy axes.
    data : array-like, shape (n_true, n_reco)

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.maps import MapAxis
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    >>> kernel = EDispKernel.from_diagonal_response(axis.copy(name="energy_true"), axis)
    >>> np.asarray(kernel).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """

    def __init__(self, energy_axis_true: MapAxis, energy_axis: MapAxis, data):
        data = np.asarray(data, dtype=float)
        shape = (energy_axis_true.nbin, energy_axis.nbin)
        if data.shape != shape:
            raise ValueError(
                f"a migration matrix for {shape[0]} true and {shape[1]} reconstructed energy bins "
                f"must have shape {shape} (energy_true, energy), got {data.shape}"
            )
        self._energy_axis_true = energy_axis_true
        self._energy_axis = energy_axis
        self._data = data

    @classmethod
    def from_diagonal_response(cls, energy_axis_true, energy_axis=None) -> EDispKernel:
        """Perfect resolution: the overlap fraction of the bins (see `overlap_fraction`).

        Parameters
        ----------
        energy_axis_true : `~skymask.maps.MapAxis`
            True-energy axis.
        energy_axis : `~skymask.maps.MapAxis`, optional
            Reconstructed-energy axis (default the true one, renamed ``energy``).

        Returns
        -------
        `EDispKernel`
            The kernel.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> kernel = EDispKernel.from_diagonal_response(true, energy)
        >>> kernel.data.tolist()
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
        """
        if energy_axis is None:
            energy_axis = energy_axis_true.copy(name="energy")
        return cls(energy_axis_true, energy_axis, overlap_fraction(energy_axis, energy_axis_true))

    @property
    def energy_axis_true(self) -> MapAxis:
        """The true-energy axis (rows of the matrix).

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> kernel = EDispKernel.from_diagonal_response(true, energy)
        >>> kernel.energy_axis_true.nbin
        4
        """
        return self._energy_axis_true

    @property
    def energy_axis(self) -> MapAxis:
        """The reconstructed-energy axis (columns of the matrix).

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> kernel = EDispKernel.from_diagonal_response(true, energy)
        >>> kernel.energy_axis.nbin
        2
        """
        return self._energy_axis

    @property
    def data(self) -> np.ndarray:
        """The matrix, shape ``(n_true, n_reco)``.

        Examples
        --------
        >>> from skymask.irf import EDispKernel
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> kernel = EDispKernel.from_diagonal_response(true, energy)
        >>> kernel.data.shape
        (4, 2)
        """
        return self._data

    pdf_matrix = data

    def __array__(self, dtype=None, copy=None):
        """The kernel matrix; ``copy=True`` gives a copy (the NumPy 2 contract)."""
        return array_protocol(self._data, dtype, copy, owner="EDisp kernel")

    def __repr__(self):
        return (
            f"EDispKernel(energy_true: {self._energy_axis_true.nbin} bins, "
            f"energy: {self._energy_axis.nbin} bins, row sums "
            f"{np.array2string(self._data.sum(axis=1), precision=3, threshold=6)})"
        )


class EDispKernelMap:
    """Energy-dispersion kernels on a sky grid (gammapy's ``EDISP`` HDU).

    Parameters
    ----------
    edisp_map : `~skymask.maps.Map`
        Axes ``energy`` then ``energy_true``; data ``(n_true, n_reco, ny, nx)``.
    exposure_map : `~skymask.maps.Map`, optional
        The exposure the kernels were averaged with (``energy`` squashed to one bin).

    Examples
    --------
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4)
    >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=8, name="energy_true")
    >>> geom = WcsGeom.create(npix=(5, 4), binsz=0.5, frame="galactic")
    >>> edisp = EDispKernelMap.from_diagonal_response(energy, true, geom=geom)
    >>> edisp.edisp_map.data.shape
    (8, 4, 4, 5)
    >>> edisp.get_edisp_kernel().data[:3].tolist()
    [[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]

    A MapDataset file: ``EDispKernelMap.read("Fermi-LAT-3FHL_data_Fermi-LAT.fits")``.
    """

    def __init__(self, edisp_map, exposure_map=None):
        if not isinstance(edisp_map, Map):
            raise TypeError(f"edisp_map must be a skymask Map, got {describe(edisp_map)}")
        if exposure_map is not None and not isinstance(exposure_map, Map):
            raise TypeError(f"exposure_map must be a skymask Map or None, got {exposure_map!r}")
        names = [name.lower() for name in edisp_map.geom.axes.names]
        if names != _AXES:
            hint = "; a migra axis (EDispMap) is not supported" if "migra" in names else ""
            raise ValueError(
                f"an EDispKernelMap needs the axes {_AXES} in this order, got {names}{hint}"
            )
        self._edisp_map = edisp_map
        self._exposure_map = exposure_map
        self._layout = "region" if edisp_map.geom.npix == (1, 1) else "image"

    # ------------------------------------------------------------------ attributes
    @property
    def edisp_map(self) -> Map:
        """The kernels as a map with axes ``energy`` and ``energy_true``.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.edisp_map.geom.axes.names
        ['energy', 'energy_true']
        """
        return self._edisp_map

    @property
    def exposure_map(self) -> Map | None:
        """The exposure map that goes with the kernels, or None.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.exposure_map is None
        True
        """
        return self._exposure_map

    @property
    def energy_axis(self) -> MapAxis:
        """Reconstructed energy axis.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.energy_axis.nbin
        2
        """
        return self._edisp_map.geom.axes["energy"]

    @property
    def energy_axis_true(self) -> MapAxis:
        """True-energy axis.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.energy_axis_true.nbin
        4
        """
        return self._edisp_map.geom.axes["energy_true"]

    @property
    def has_single_spatial_bin(self) -> bool:
        """True for a region map (one kernel valid everywhere).

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.has_single_spatial_bin
        True
        """
        return self._edisp_map.geom.npix == (1, 1)

    def __repr__(self):
        return (
            f"EDispKernelMap(layout={self._layout!r}, geom={self._edisp_map.geom!r}, "
            f"exposure={'yes' if self._exposure_map is not None else 'no'})"
        )

    # ------------------------------------------------------------------ construction / I/O
    @classmethod
    def from_diagonal_response(cls, energy_axis, energy_axis_true, geom=None) -> EDispKernelMap:
        """Perfect resolution everywhere: the overlap fractions of the bins.

        ``geom`` gives the sky grid (its non-spatial axes are dropped); default one pixel
        covering the whole sky.

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            Reconstructed-energy axis.
        energy_axis_true : `~skymask.maps.MapAxis`
            True-energy axis.
        geom : `~skymask.maps.WcsGeom`, optional
            Sky grid.

        Returns
        -------
        `EDispKernelMap`
            The kernel map.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.edisp_map.data.shape
        (4, 2, 1, 1)
        """
        axes = [energy_axis.copy(name="energy"), energy_axis_true.copy(name="energy_true")]
        geom = single_bin_geom(axes) if geom is None else geom.to_image().to_cube(axes)
        matrix = overlap_fraction(axes[0], axes[1])[:, :, np.newaxis, np.newaxis]
        return cls(Map.from_geom(geom, data=np.broadcast_to(matrix, geom.data_shape)))

    @classmethod
    def from_hdulist(
        cls, hdulist, hdu="EDISP", *, hdu_bands=None, exposure_hdu=None, exposure_hdu_bands=None
    ) -> EDispKernelMap:
        """Read from an open FITS file: an image HDU with a WCS or a region-map table.

        The exposure (``<HDU>_EXPOSURE`` by default) is read when present.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            The open file.
        hdu : str
            Name of the kernel HDU.
        hdu_bands, exposure_hdu, exposure_hdu_bands : str, optional
            Other HDU names (defaults: from ``BANDSHDU`` or ``<HDU>_BANDS``, ``<HDU>_EXPOSURE``).

        Returns
        -------
        `EDispKernelMap`
            The kernel map.

        Raises
        ------
        KeyError
            A named HDU or a required column is missing.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> from astropy.io import fits
        >>> hdulist = fits.HDUList([fits.PrimaryHDU(), *edisp.to_hdus()])
        >>> EDispKernelMap.from_hdulist(hdulist).edisp_map.data.shape
        (4, 2, 1, 1)
        """
        filename = getattr(hdulist, "filename", lambda: None)() or "<hdulist>"
        edisp_map, exposure_map, layout = read_irf_hdulist(
            hdulist,
            hdu=hdu,
            format="gadf",
            hdu_bands=hdu_bands,
            exposure_hdu=exposure_hdu,
            exposure_hdu_bands=exposure_hdu_bands,
            filename=filename,
        )
        result = cls(edisp_map, exposure_map)
        result._layout = layout
        return result

    @classmethod
    def read(cls, filename, hdu="EDISP") -> EDispKernelMap:
        """Read from a FITS file (see `from_hdulist`).

        Parameters
        ----------
        filename : str or path
            The FITS file (a MapDataset file, for example).
        hdu : str
            Name of the kernel HDU.

        Returns
        -------
        `EDispKernelMap`
            The kernel map.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> hdulist = fits.HDUList([fits.PrimaryHDU(), *edisp.to_hdus()])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     hdulist.writeto(Path(tmp) / "edisp.fits")
        ...     again = EDispKernelMap.read(Path(tmp) / "edisp.fits")
        >>> again.energy_axis_true.nbin
        4
        """
        path = make_path(filename)
        if not path.exists():
            raise FileNotFoundError(
                f"no such file: {path} (gammapy datasets live under $GAMMAPY_DATA)"
            )
        with fits.open(path, memmap=False) as hdulist:
            return cls.from_hdulist(hdulist, hdu=hdu)

    def to_hdus(self, hdu="EDISP") -> list:
        """The kernel and exposure HDUs with their bands tables, in the layout that was read.

        Region maps (one spatial bin) become region-map tables again; other maps images.

        Parameters
        ----------
        hdu : str
            Name of the kernel HDU.

        Returns
        -------
        list of HDUs
            Kernel, its bands table, and the exposure and its bands table if there is one.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> [h.name for h in edisp.to_hdus()]
        ['EDISP', 'EDISP_BANDS']
        """
        return write_irf_hdus(self._edisp_map, self._exposure_map, layout=self._layout, hdu=hdu)

    # ------------------------------------------------------------------ evaluation
    def _valid_image(self) -> np.ndarray:
        data = self._edisp_map.data
        with np.errstate(invalid="ignore"):
            return np.any(data > 0, axis=(0, 1))

    def get_edisp_kernel(self, position=None, energy_axis=None) -> EDispKernel:
        """The migration matrix at a sky position (nearest pixel).

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`, optional
            Default the centre of the map's sky grid. Region maps ignore it. If the pixel at
            ``position`` holds no kernel (all zero) or lies outside the grid, the nearest pixel
            with a kernel is used and an `EDispPositionWarning` is emitted.
        energy_axis : `~skymask.maps.MapAxis`, optional
            If given, checked against the map's reconstructed energy axis.

        Returns
        -------
        EDispKernel
            Matrix of shape ``(n_true, n_reco)``.

        Raises
        ------
        ValueError
            If ``energy_axis`` differs from the map's, or the map holds no kernel at all.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.get_edisp_kernel().data.tolist()
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
        """
        if energy_axis is not None and not energy_axis.is_allclose(self.energy_axis):
            raise ValueError(
                f"energy_axis {energy_axis!r} differs from the edisp map's reconstructed axis "
                f"{self.energy_axis!r}; resample one of them first"
            )
        valid = self._valid_image()
        if not valid.any():
            raise ValueError("the edisp map holds no kernel: every value is zero or NaN")
        geom = self._edisp_map.geom.to_image()
        if self.has_single_spatial_bin:
            iy, ix = 0, 0
        else:
            iy, ix = self._pixel(geom, position, valid)
        data = self._edisp_map.data[:, :, iy, ix]
        return EDispKernel(self.energy_axis_true, self.energy_axis, data)

    @staticmethod
    def _pixel(geom: WcsGeom, position, valid) -> tuple[int, int]:
        if position is None:
            position = geom.center_skydir
        if not isinstance(position, SkyCoord) or not position.isscalar:
            raise TypeError(f"position must be a single SkyCoord or None, got {describe(position)}")
        ix, iy = (int(i[0]) for i in geom.coord_to_idx(position))
        if ix >= 0 and iy >= 0 and valid[iy, ix]:
            return iy, ix
        separation = np.where(valid, geom.separation(position).deg, np.inf)
        iy, ix = np.unravel_index(np.argmin(separation), separation.shape)
        warnings.warn(
            f"position {position} has no energy-dispersion kernel in the map; using the nearest "
            f"pixel with one, {separation[iy, ix]:.3g} deg away",
            EDispPositionWarning,
            stacklevel=3,
        )
        return int(iy), int(ix)
