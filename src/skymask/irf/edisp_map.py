"""Energy dispersion in migration: gammapy's ``EDispMap`` (axes ``migra`` and ``energy_true``).

The map holds, per sky pixel and true energy, the probability density of the migration
``migra = E_reco / E_true`` (data ``(n_true, n_migra, ny, nx)``, per unit migra). Estimators
and datasets use kernels in reconstructed energy: `EDispMap.to_edisp_kernel_map` integrates
the density over the ``migra`` range of each reconstructed bin, as gammapy does (the
cumulative integral at the migra edges, linear in between, 0 below the first edge and the
total above the last).
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from ..maps import HpxGeom, Map, MapAxis, WcsGeom
from ..utils.io import make_path
from ..utils.units import describe
from ._irf_io import allsky_geom, read_irf_hdulist, write_irf_hdus
from ._irf_map import _IRFMap, over_sky
from .edisp import EDispKernelMap

__all__ = ["EDispMap"]

_AXES = ["migra", "energy_true"]


_EXAMPLE = "WcsGeom.create(..., axes=[migra_axis, energy_axis_true])"


class EDispMap(_IRFMap):
    """Energy-dispersion densities in migration on a sky grid (gammapy's ``EDispMap``).

    Parameters
    ----------
    edisp_map : `~skymask.maps.Map`
        Axes ``migra`` then ``energy_true``; data ``(n_true, n_migra, ny, nx)``, a density
        per unit migra. Further axes (event
        types, say) may follow, as gammapy keeps them: stacking, slicing, cutouts and
        down-sampling handle them; evaluating one IRF needs one bin of each
        (``slice_by_idx``).
    exposure_map : `~skymask.maps.Map`, optional
        The exposure the densities were averaged with (``migra`` squashed to one bin).

    Examples
    --------
    >>> from skymask.irf import EDispMap
    >>> from skymask.maps import MapAxis
    >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    >>> edisp = EDispMap.from_diagonal_response(true)
    >>> edisp.edisp_map.data.shape
    (2, 3, 1, 2)
    """

    required_axes = tuple(_AXES)
    _irf_attribute = "_edisp_map"
    _averaged = "densities"
    _variable = "edisp"

    def __init__(self, edisp_map, exposure_map=None):
        if not isinstance(edisp_map, Map):
            raise TypeError(f"edisp_map must be a skymask Map, got {describe(edisp_map)}")
        if exposure_map is not None and not isinstance(exposure_map, Map):
            raise TypeError(f"exposure_map must be a skymask Map or None, got {exposure_map!r}")
        self._check_axes(edisp_map.geom, "an EDispMap", _EXAMPLE)
        self._edisp_map = edisp_map
        self._exposure_map = exposure_map

    def __repr__(self):
        return (
            f"EDispMap(geom={self._edisp_map.geom!r}, "
            f"exposure={'yes' if self._exposure_map is not None else 'no'})"
        )

    @property
    def edisp_map(self) -> Map:
        """The densities, a map with axes ``migra`` and ``energy_true``.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> EDispMap.from_diagonal_response(true).edisp_map.geom.axes.names
        ['migra', 'energy_true']
        """
        return self._edisp_map

    @property
    def exposure_map(self) -> Map | None:
        """The exposure the densities are averaged with (``migra`` squashed), or None.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> EDispMap.from_diagonal_response(true).exposure_map.data.shape
        (2, 1, 1, 2)
        """
        return self._exposure_map

    @exposure_map.setter
    def exposure_map(self, value):
        self._exposure_map = self._checked_exposure(value)

    # ------------------------------------------------------------------ construction / I/O
    @classmethod
    def from_geom(cls, geom) -> EDispMap:
        """Perfect resolution on ``geom``, as gammapy: the unit density at ``migra = 1``
        shared linearly between the two nearest migra bins (pixel coordinates), divided by
        the bin width; a zero exposure map in ``m2 s`` with ``migra`` squashed.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
            Geometry with the axes ``migra`` then ``energy_true``.

        Returns
        -------
        `EDispMap`
            The diagonal response.

        Raises
        ------
        ValueError
            The geometry lacks one of the axes or has them in the other order.

        Examples
        --------
        >>> import numpy as np
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> migra = MapAxis(np.linspace(0.0, 3.0, 51), unit="", name="migra")
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
        >>> edisp = EDispMap.from_geom(WcsGeom.create(npix=2, axes=[migra, true]))
        >>> round(float(edisp.edisp_map.data.sum()), 6)  # 3 x 4 x (1 / 0.06)
        200.0

        On HEALPix pixels (12 nside^2 of them all-sky; gammapy 2.1 fails there):

        >>> from skymask.maps import HpxGeom
        >>> edisp = EDispMap.from_geom(HpxGeom.create(nside=1, axes=[migra, true]))
        >>> edisp.edisp_map.data.shape, round(float(edisp.edisp_map.data.sum()), 6)
        ((3, 50, 12), 600.0)
        """
        if not isinstance(geom, (WcsGeom, HpxGeom)):
            raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")
        cls._check_axes(geom, "an EDispMap geometry", _EXAMPLE)
        migra_axis = geom.axes["migra"]
        migra_0 = float(np.asarray(migra_axis.coord_to_pix(1.0)).ravel()[0])
        distance = np.abs(np.arange(migra_axis.nbin) - migra_0)
        density = np.where(distance < 1, 1 - distance, 0.0) / migra_axis.bin_width.value
        # (n_migra, 1, ...): repeated over the sky pixels (two WCS axes or one HEALPix axis)
        # and over energy_true and any further axes. gammapy 2.1 fails on HEALPix (X198).
        data = np.broadcast_to(over_sky(density, geom), geom.data_shape)
        edisp_map = Map.from_geom(geom, data=data.astype(float))  # float64, as gammapy
        exposure = Map.from_geom(geom.squash("migra"), unit="m2 s")
        return cls(edisp_map, exposure)

    @classmethod
    def from_diagonal_response(cls, energy_axis_true, migra_axis=None) -> EDispMap:
        """Perfect resolution on gammapy's all-sky grid (2 x 1 pixels of 180 deg, CAR).

        Parameters
        ----------
        energy_axis_true : `~skymask.maps.MapAxis`
            True energy axis.
        migra_axis : `~skymask.maps.MapAxis`, optional
            Default gammapy's: 3 bins from ``1 - 1e-5`` to ``1 + 1e-5``.

        Returns
        -------
        `EDispMap`
            See `from_geom`.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> edisp = EDispMap.from_diagonal_response(true)
        >>> edisp.edisp_map.data[0, :, 0, 0].round(3).tolist()  # the middle bin, 1 / width
        [0.0, 150000.0, 0.0]
        """
        if migra_axis is None:
            migra_axis = MapAxis.from_bounds(
                1 - 1e-5, 1 + 1e-5, nbin=3, name="migra", node_type="edges"
            )
        axes = [migra_axis.copy(name="migra"), energy_axis_true.copy(name="energy_true")]
        return cls.from_geom(allsky_geom(axes))

    @classmethod
    def from_hdulist(cls, hdulist, hdu="EDISP") -> EDispMap:
        """Read from an open FITS file (``<HDU>``, ``<HDU>_BANDS``, ``<HDU>_EXPOSURE``).

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            The open file.
        hdu : str
            Name of the density HDU.

        Returns
        -------
        `EDispMap`
            The map.

        Examples
        --------
        >>> from astropy.io import fits
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> hdus = EDispMap.from_diagonal_response(true).to_hdus()
        >>> back = EDispMap.from_hdulist(fits.HDUList([fits.PrimaryHDU(), *hdus]))
        >>> back.edisp_map.geom.axes.names
        ['migra', 'energy_true']
        """
        filename = getattr(hdulist, "filename", lambda: None)() or "<hdulist>"
        edisp_map, exposure_map, _ = read_irf_hdulist(
            hdulist,
            hdu=hdu,
            format="gadf",
            hdu_bands=None,
            exposure_hdu=None,
            exposure_hdu_bands=None,
            filename=filename,
        )
        return cls(edisp_map, exposure_map)

    @classmethod
    def read(cls, filename, hdu="EDISP") -> EDispMap:
        """Read from a FITS file (see `from_hdulist`).

        Parameters
        ----------
        filename : str or path
            The FITS file (a MapDataset file, for example).
        hdu : str
            Name of the density HDU.

        Returns
        -------
        `EDispMap`
            The map.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> edisp = EDispMap.from_diagonal_response(true)
        >>> hdus = fits.HDUList([fits.PrimaryHDU(), *edisp.to_hdus()])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     hdus.writeto(Path(tmp) / "edisp.fits")
        ...     EDispMap.read(Path(tmp) / "edisp.fits").edisp_map.data.shape
        (2, 3, 1, 2)
        """
        path = make_path(filename)
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        with fits.open(path, memmap=False) as hdulist:
            return cls.from_hdulist(hdulist, hdu=hdu)

    def to_hdus(self, hdu="EDISP") -> list:
        """The density and exposure HDUs with their bands tables (gammapy's layout).

        Parameters
        ----------
        hdu : str
            Name of the density HDU.

        Returns
        -------
        list of HDUs
            Densities, their bands table, and the exposure and its bands table if any.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> [h.name for h in EDispMap.from_diagonal_response(true).to_hdus()]
        ['EDISP', 'EDISP_BANDS', 'EDISP_EXPOSURE', 'EDISP_EXPOSURE_BANDS']
        """
        return write_irf_hdus(self._edisp_map, self._exposure_map, layout="image", hdu=hdu)

    # ------------------------------------------------------------------ kernels
    def to_edisp_kernel_map(self, energy_axis, threshold=1e-8) -> EDispKernelMap:
        """Kernels in reconstructed energy, as gammapy: the density integrated over each
        reconstructed bin's migra range ``[E_lo / E_true, E_hi / E_true]`` at the true-energy
        bin centres; values below ``threshold`` set to 0. Extra axes (event types, say)
        are kept after ``energy`` and ``energy_true`` (X186).

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            Reconstructed energy axis.
        threshold : float
            Smaller probabilities (numerical noise) become 0.

        Returns
        -------
        `~skymask.irf.EDispKernelMap`
            On the same sky grid, with the exposure map (``energy`` squashed).

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
        >>> reco = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> kernel = EDispMap.from_diagonal_response(true).to_edisp_kernel_map(reco)
        >>> kernel.edisp_map.data[:, :, 0, 0].round(6).tolist()
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
        """
        if not isinstance(energy_axis, MapAxis):
            raise TypeError(f"energy_axis must be a MapAxis, got {describe(energy_axis)}")
        energy_axis = energy_axis.copy(name="energy")
        geom = self._edisp_map.geom
        migra_axis, true_axis = geom.axes["migra"], geom.axes["energy_true"]
        extra_axes = [axis for axis in geom.axes if axis.name in self._extra_axes]
        density = np.asarray(self._edisp_map.data, dtype=float)
        hpx = getattr(geom, "is_hpx", False)
        if hpx:
            # the one HEALPix pixel axis is handled as WCS rows of one column
            density = density[..., np.newaxis]
        # Extra axes (event types, say) are folded into the sky rows: each is one more set
        # of pixels with its own densities. (n_true, n_migra, n_extra * ny, nx)
        n_extra = len(extra_axes)
        extra_shape = density.shape[:n_extra]
        density = np.moveaxis(density, list(range(n_extra)), list(range(2, 2 + n_extra)))
        density = density.reshape(*density.shape[:2], -1, density.shape[-1])
        # The cumulative integral at the migra edges: (n_true, n_migra + 1, ny, nx).
        width = migra_axis.bin_width.to_value("").reshape(1, -1, 1, 1)
        cumulative = np.concatenate(
            [np.zeros(density[:, :1].shape), np.cumsum(density * width, axis=1)], axis=1
        )
        migra_edges = migra_axis.edges.to_value("")
        reco_edges = energy_axis.edges.to_value(true_axis.unit)
        migra = reco_edges[np.newaxis, :] / true_axis.center.value[:, np.newaxis]
        n_true, _, ny, nx = density.shape
        values = np.empty((n_true, migra.shape[1], ny, nx))
        for i in range(n_true):
            # Linear in migra between the edges, constant outside (gammapy's edge padding).
            position = np.interp(migra[i], migra_edges, np.arange(migra_edges.size))
            low = np.clip(np.floor(position).astype(int), 0, migra_edges.size - 2)
            fraction = (position - low)[:, np.newaxis, np.newaxis]
            values[i] = (1 - fraction) * cumulative[i, low] + fraction * cumulative[i, low + 1]
        data = np.clip(np.diff(values, axis=1), 0, np.inf)
        data[data < threshold] = 0
        data = data.reshape(*data.shape[:2], *extra_shape, -1, nx)
        data = np.moveaxis(data, list(range(2, 2 + n_extra)), list(range(n_extra)))
        if hpx:
            data = data[..., 0]
        kernel_geom = geom.to_image().to_cube([energy_axis, true_axis, *extra_axes])
        exposure = None
        if self._exposure_map is not None:
            exposure = self._exposure_map.copy(geom=kernel_geom.squash("energy"))
        return EDispKernelMap(Map.from_geom(kernel_geom, data=data), exposure)

    def get_edisp_kernel(self, energy_axis, position=None):
        """The kernel in reconstructed energy at a sky position (nearest pixel, default the
        map centre): `to_edisp_kernel_map` there.

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            Reconstructed energy axis.
        position : `~astropy.coordinates.SkyCoord`, optional
            A single position.

        Returns
        -------
        `~skymask.irf.EDispKernel`
            The migration matrix ``(n_true, n_reco)``.

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> reco = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> edisp = EDispMap.from_diagonal_response(true)
        >>> edisp.get_edisp_kernel(reco, SkyCoord("10d 20d")).data.round(6).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return self.to_edisp_kernel_map(energy_axis).get_edisp_kernel(position=position)

    def peek(self, figsize=(15, 5)):
        """Quick look at the kernel at the map centre, with a reconstructed axis like the
        true one (gammapy's ``peek``); returns the figure.

        Parameters
        ----------
        figsize : tuple
            Figure size in inches.

        Returns
        -------
        `~matplotlib.figure.Figure`
            The figure of `~skymask.irf.EDispKernel.peek`.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")
        >>> figure = EDispMap.from_diagonal_response(true).peek()
        >>> plt.close("all")
        """
        true = self._edisp_map.geom.axes["energy_true"]
        reco = MapAxis.from_energy_bounds(
            true.edges.min(), true.edges.max(), nbin=true.nbin, name="energy"
        )
        return self.get_edisp_kernel(energy_axis=reco).peek(figsize=figsize)

    # ------------------------------------------------------------------ reductions
    def stack(self, other, weights=None, nan_to_num=True) -> None:
        """Add ``other`` in place, exposure-weighted, as gammapy's ``IRFMap.stack``.

        Parameters
        ----------
        other : `EDispMap`
            On the same sky grid and axes.
        weights : `~skymask.maps.Map`, optional
            Weights (a mask) of ``other``'s densities, e.g. its safe sky region.
        nan_to_num : bool
            Non-finite values of ``other`` count as 0.

        Raises
        ------
        ValueError
            Either map has no exposure map, or the geometries differ.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> first, second = (EDispMap.from_diagonal_response(true) for _ in range(2))
        >>> first.exposure_map.data += 1.0
        >>> second.exposure_map.data += 3.0
        >>> first.stack(second)
        >>> float(first.exposure_map.data.max())
        4.0
        """
        self._stack(other, weights, nan_to_num)

    def cutout(self, position, width, mode="trim", min_npix=3) -> EDispMap:
        """The density and exposure maps cut out around ``position`` (at least ``min_npix``
        pixels), as gammapy's ``IRFMap.cutout``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle or tuple of angles
            Size of the cutout.
        mode : {"trim", "partial", "strict"}
            As `~skymask.maps.Map.cutout`.
        min_npix : int
            Smallest number of pixels per side.

        Returns
        -------
        `EDispMap`
            The cutout.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> migra = MapAxis.from_bounds(0.2, 5, nbin=10, name="migra", node_type="edges")
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> edisp = EDispMap.from_geom(WcsGeom.create(npix=10, binsz=1, axes=[migra, true]))
        >>> edisp.cutout(edisp.edisp_map.geom.center_skydir, "4 deg").edisp_map.data.shape
        (2, 10, 4, 4)
        """
        return self._cutout(position, width, mode, min_npix)

    def downsample(self, factor, axis_name=None, weights=None) -> EDispMap:
        """gammapy's ``IRFMap.downsample``: sky pixels averaged (``axis_name`` None), or bins
        of ``axis_name`` summed with ``weights``; the exposure map follows.

        Parameters
        ----------
        factor : int
            Downsampling factor.
        axis_name : str, optional
            A non-spatial axis to downsample instead of the sky pixels.
        weights : `~skymask.maps.Map`, optional
            Weights of the summed bins.

        Returns
        -------
        `EDispMap`
            The downsampled map.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> migra = MapAxis.from_bounds(0.2, 5, nbin=10, name="migra", node_type="edges")
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
        >>> edisp = EDispMap.from_geom(WcsGeom.create(npix=4, binsz=1, axes=[migra, true]))
        >>> edisp.downsample(2).edisp_map.data.shape
        (2, 10, 2, 2)
        """
        return self._downsample(factor, axis_name, weights)

    def slice_by_idx(self, slices) -> EDispMap:
        """The maps sliced along the axes they have (``{"energy_true": slice(0, 2)}``).

        Parameters
        ----------
        slices : dict
            Axis name to slice or index; names the map lacks are ignored.

        Returns
        -------
        `EDispMap`
            The sliced map.

        Examples
        --------
        >>> from skymask.irf import EDispMap
        >>> from skymask.maps import MapAxis
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispMap.from_diagonal_response(true)
        >>> edisp.slice_by_idx({"energy_true": slice(0, 2)}).edisp_map.data.shape
        (2, 3, 1, 2)
        """
        return self._slice_by_idx(slices)


def edisp_from_hdulist(hdulist, hdu="EDISP"):
    """The ``EDISP`` HDU of a dataset file: an `EDispMap` when it has a ``migra`` axis, else
    an `~skymask.irf.EDispKernelMap`."""
    header = hdulist[hdu].header
    bands_name = str(header.get("BANDSHDU", f"{hdu}_BANDS")).upper()
    names = [h.name.upper() for h in hdulist]
    if bands_name in names:
        bands = hdulist[bands_name]
        columns = [c.upper() for c in bands.columns.names]
        axis_names = [str(bands.header.get(f"AXCOLS{i}", "")).upper() for i in range(1, 6)]
        if any("MIGRA" in c for c in columns + axis_names):
            return EDispMap.from_hdulist(hdulist, hdu=hdu)
    return EDispKernelMap.from_hdulist(hdulist, hdu=hdu)
