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
from astropy.coordinates import SkyCoord
from astropy.io import fits

from ..maps import HpxGeom, Map, MapAxis, WcsGeom
from ..utils.exceptions import SkymaskWarning
from ..utils.io import make_path
from ..utils.units import describe
from ._irf_io import allsky_geom, read_irf_hdulist, write_irf_hdus
from ._irf_map import _IRFMap, one_sky_pixel, over_sky
from ._stacking import weights_data
from .edisp_kernel import EDispKernel, overlap_fraction

__all__ = ["EDispKernel", "EDispKernelMap", "EDispPositionWarning", "overlap_fraction"]

_AXES = ["energy", "energy_true"]


class EDispPositionWarning(SkymaskWarning):
    """The requested position has no valid kernel; the nearest valid pixel is used."""


class EDispKernelMap(_IRFMap):
    """Energy-dispersion kernels on a sky grid (gammapy's ``EDISP`` HDU).

    Parameters
    ----------
    edisp_map : `~skymask.maps.Map`
        Axes ``energy`` then ``energy_true``; data ``(n_true, n_reco, ny, nx)``. Further axes (event
        types, say) may follow, as gammapy keeps them: stacking, slicing, cutouts and
        down-sampling handle them; evaluating one IRF needs one bin of each
        (``slice_by_idx``).
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

    required_axes = tuple(_AXES)
    _irf_attribute = "_edisp_map"
    _averaged = "kernels"
    _variable = "edisp"

    def __init__(self, edisp_map, exposure_map=None):
        if not isinstance(edisp_map, Map):
            raise TypeError(f"edisp_map must be a skymask Map, got {describe(edisp_map)}")
        if exposure_map is not None and not isinstance(exposure_map, Map):
            raise TypeError(f"exposure_map must be a skymask Map or None, got {exposure_map!r}")
        names = [name.lower() for name in edisp_map.geom.axes.names]
        if not self._irf_axes_ok(names):
            hint = "; for a migra axis use EDispMap" if "migra" in names else ""
            raise ValueError(
                f"an EDispKernelMap needs the axes {_AXES} in this order (any further axes "
                f"after them), got {names}{hint}"
            )
        self._edisp_map = edisp_map
        self._exposure_map = exposure_map
        self._layout = "region" if one_sky_pixel(edisp_map.geom) else "image"

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
        """The exposure the kernels are averaged with (``energy`` squashed), or None.

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.exposure_map.data.shape  # gammapy's zero exposure map
        (4, 1, 1, 2)
        """
        return self._exposure_map

    @exposure_map.setter
    def exposure_map(self, value):
        self._exposure_map = self._checked_exposure(value)

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
        >>> edisp.has_single_spatial_bin  # the default grid has 2 x 1 pixels
        False
        """
        return one_sky_pixel(self._edisp_map.geom)

    def __repr__(self):
        return (
            f"EDispKernelMap(layout={self._layout!r}, geom={self._edisp_map.geom!r}, "
            f"exposure={'yes' if self._exposure_map is not None else 'no'})"
        )

    # ------------------------------------------------------------------ construction / I/O
    @classmethod
    def from_geom(cls, geom) -> EDispKernelMap:
        """Perfect resolution on ``geom`` (axes ``energy`` and ``energy_true``), with gammapy's
        exposure map: zeros in ``m2 s`` on ``geom`` with ``energy`` squashed to one bin.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
            Geometry with the axes ``energy`` then ``energy_true``.

        Returns
        -------
        EDispKernelMap

        Raises
        ------
        ValueError
            The geometry lacks one of the axes or has them in the other order.

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_geom(WcsGeom.create(npix=3, axes=[energy, true]))
        >>> edisp.edisp_map.data.shape, edisp.exposure_map.data.shape
        ((4, 2, 3, 3), (4, 1, 3, 3))

        On HEALPix pixels (12 nside^2 of them all-sky):

        >>> from skymask.maps import HpxGeom
        >>> edisp = EDispKernelMap.from_geom(HpxGeom.create(nside=2, axes=[energy, true]))
        >>> edisp.edisp_map.data.shape, edisp.exposure_map.data.shape
        ((4, 2, 48), (4, 1, 48))
        """
        if not isinstance(geom, (WcsGeom, HpxGeom)):
            raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")
        cls._check_axes(
            geom,
            "an EDispKernelMap geometry",
            "WcsGeom.create(..., axes=[energy_axis, energy_axis_true])",
        )
        energy_axis, energy_axis_true = geom.axes[0], geom.axes[1]
        # (n_true, n_reco, 1, ...): repeated over the sky pixels (two WCS axes or one
        # HEALPix axis) and any further axes
        matrix = over_sky(overlap_fraction(energy_axis, energy_axis_true), geom)
        edisp_map = Map.from_geom(geom, data=np.broadcast_to(matrix, geom.data_shape).copy())
        exposure = Map.from_geom(geom.squash("energy"), unit="m2 s")
        return cls(edisp_map, exposure)

    @classmethod
    def from_diagonal_response(cls, energy_axis, energy_axis_true, geom=None) -> EDispKernelMap:
        """Perfect resolution everywhere: the overlap fractions of the bins.

        Parameters
        ----------
        energy_axis, energy_axis_true : `~skymask.maps.MapAxis`
            Reconstructed and true energy axes.
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`, optional
            The sky grid (its non-spatial axes are dropped); default gammapy's all-sky grid of
            2 x 1 pixels of 180 deg (CAR).

        Returns
        -------
        EDispKernelMap
            With gammapy's exposure map (zeros, see `from_geom`).

        Examples
        --------
        >>> from skymask.irf import EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=2)
        >>> true = MapAxis.from_energy_bounds("10 GeV", "1 TeV", nbin=4, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.edisp_map.data.shape
        (4, 2, 1, 2)
        """
        axes = [energy_axis.copy(name="energy"), energy_axis_true.copy(name="energy_true")]
        geom = allsky_geom(axes) if geom is None else geom.to_image().to_cube(axes)
        return cls.from_geom(geom)

    @classmethod
    def from_edisp_kernel(cls, edisp, geom=None) -> EDispKernelMap:
        """The kernel ``edisp`` in every pixel of ``geom`` (default gammapy's all-sky grid).

        Parameters
        ----------
        edisp : `EDispKernel`
            The migration matrix.
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`, optional
            The sky grid (its non-spatial axes are dropped); default gammapy's all-sky grid
            of 2 x 1 pixels of 180 deg (CAR).

        Returns
        -------
        EDispKernelMap
            With gammapy's exposure map (zeros, see `from_geom`).

        Raises
        ------
        TypeError
            ``edisp`` is not an `EDispKernel`.

        Examples
        --------
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel, geom=WcsGeom.create(npix=5, binsz=1))
        >>> edisp.edisp_map.data.shape, edisp.exposure_map.data.shape
        ((3, 3, 5, 5), (3, 1, 5, 5))
        >>> edisp.get_edisp_kernel().data[0].tolist()
        [0.75, 0.25, 0.0]
        """
        if not isinstance(edisp, EDispKernel):
            raise TypeError(f"edisp must be an EDispKernel, got {describe(edisp)}")
        result = cls.from_diagonal_response(edisp.energy_axis, edisp.energy_axis_true, geom=geom)
        result._edisp_map.data[...] = over_sky(edisp.data, result._edisp_map.geom)
        return result

    @classmethod
    def from_gauss(
        cls, energy_axis, energy_axis_true, sigma, bias, pdf_threshold=1e-6, geom=None
    ) -> EDispKernelMap:
        """`EDispKernel.from_gauss` in every pixel of ``geom`` (default all-sky, 2 x 1 pixels).

        Parameters
        ----------
        energy_axis, energy_axis_true : `~skymask.maps.MapAxis`
            Reconstructed and true energy axes.
        sigma, bias : float or array of shape (n_true,)
            Relative resolution and bias.
        pdf_threshold : float, optional
            Migration densities below it are set to 0. Default 1e-6.
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`, optional
            The sky grid; default gammapy's all-sky grid of 2 x 1 pixels of 180 deg (CAR).

        Returns
        -------
        EDispKernelMap
            With gammapy's exposure map (zeros, see `from_geom`).

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3)
        >>> true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=5, name="energy_true")
        >>> edisp = EDispKernelMap.from_gauss(energy, true, sigma=0.2, bias=0.1)
        >>> edisp.edisp_map.data.shape
        (5, 3, 1, 2)
        """
        kernel = EDispKernel.from_gauss(
            energy_axis_true, energy_axis, sigma=sigma, bias=bias, pdf_threshold=pdf_threshold
        )
        return cls.from_edisp_kernel(kernel, geom=geom)

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
        (4, 2, 1, 2)
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
        ['EDISP', 'EDISP_BANDS', 'EDISP_EXPOSURE', 'EDISP_EXPOSURE_BANDS']
        """
        return write_irf_hdus(self._edisp_map, self._exposure_map, layout=self._layout, hdu=hdu)

    # ------------------------------------------------------------------ reductions
    def to_image(self, weights=None) -> EDispKernelMap:
        """Sum the kernels over reconstructed energy (one ``energy`` bin), as gammapy.

        Parameters
        ----------
        weights : `~skymask.maps.Map`, optional
            Multiplies the kernels before the sum (a mask of the safe energy range, say).

        Returns
        -------
        EDispKernelMap
            The same exposure map.

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=3)
        >>> true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=5, name="energy_true")
        >>> image = EDispKernelMap.from_diagonal_response(energy, true).to_image()
        >>> image.edisp_map.data[:, 0, 0, 0].round(6).tolist()
        [0.876059, 1.0, 1.0, 1.0, 0.252118]
        """
        data = self._edisp_map.data
        if weights is not None:
            data = data * weights_data(weights, self._edisp_map.geom)
        geom = self._edisp_map.geom.squash("energy")
        # the energy axis is the first non-spatial axis: the data dimension before the sky
        # ones (two for WCS, one for HEALPix)
        axis = -1 - len(geom.to_image().data_shape)
        edisp_map = Map.from_geom(geom, data=data.sum(axis=axis, keepdims=True))
        return type(self)(edisp_map, self._exposure_map)

    def stack(self, other, weights=None, nan_to_num=True) -> None:
        """Add ``other`` in place, exposure-weighted, as gammapy's ``IRFMap.stack``.

        ``kernel = (kernel * exposure + other.kernel * other.exposure * weights) /
        (exposure + other.exposure * weights')``, where ``weights'`` is ``weights`` reduced over
        ``energy`` with a logical OR; pixels without exposure get 0.

        Parameters
        ----------
        other : `EDispKernelMap`
            On the same sky grid and energy axes.
        weights : `~skymask.maps.Map`, optional
            Weights (a mask) of ``other``'s kernels, e.g. its safe energy range.
        nan_to_num : bool, default True
            Non-finite values of ``other`` count as 0.

        Raises
        ------
        TypeError
            ``other`` is not an `EDispKernelMap`.
        ValueError
            Either map has no exposure map, or the geometries differ.

        Examples
        --------
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> true = energy.copy(name="energy_true")
        >>> kernel = EDispKernel(true, energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]])
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel)
        >>> other = EDispKernelMap.from_diagonal_response(energy, true)
        >>> edisp.exposure_map.data[...] = 1
        >>> other.exposure_map.data[...] = 3
        >>> edisp.stack(other)
        >>> edisp.get_edisp_kernel().data[0].tolist()  # (0.75 * 1 + 1 * 3) / 4, 0.25 / 4
        [0.9375, 0.0625, 0.0]
        >>> edisp.exposure_map.data[:, 0, 0, 0].tolist()
        [4.0, 4.0, 4.0]
        """
        self._stack(other, weights, nan_to_num)

    def cutout(self, position, width, mode="trim", min_npix=3) -> EDispKernelMap:
        """The IRF and exposure maps cut out around ``position`` (at least ``min_npix``
        pixels: IRF maps are coarse), as gammapy's ``IRFMap.cutout``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle or tuple of two angles
            Width of the cutout (lon, lat).
        mode : {"trim", "partial", "strict"}, optional
            As `~skymask.maps.Map.cutout`. Default ``"trim"``.
        min_npix : int, optional
            Smallest number of pixels along each side. Default 3.

        Returns
        -------
        EDispKernelMap

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel, geom=WcsGeom.create(npix=5, binsz=1))
        >>> cut = edisp.cutout(SkyCoord(0, 0, unit="deg"), width="1 deg")  # 1 pixel, min 3
        >>> cut.edisp_map.data.shape, cut.exposure_map.data.shape
        ((3, 3, 3, 3), (3, 1, 3, 3))
        """
        return self._cutout(position, width, mode, min_npix)

    def downsample(self, factor, axis_name=None, weights=None) -> EDispKernelMap:
        """gammapy's ``IRFMap.downsample``: sky pixels averaged, or bins of ``axis_name``
        summed with ``weights``; the exposure map follows.

        Parameters
        ----------
        factor : int
            Down-sampling factor.
        axis_name : str, optional
            A non-spatial axis to down-sample (its bins summed); default the sky pixels
            (averaged).
        weights : `~skymask.maps.Map`, optional
            Weights of the summed bins (e.g. the safe mask).

        Returns
        -------
        EDispKernelMap

        Examples
        --------
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel, geom=WcsGeom.create(npix=5, binsz=1))
        >>> down = edisp.downsample(5)
        >>> down.edisp_map.data.shape, down.exposure_map.data.shape
        ((3, 3, 1, 1), (3, 1, 1, 1))
        >>> down.edisp_map.data[0, :, 0, 0].tolist()  # the mean of 25 equal kernels
        [0.75, 0.25, 0.0]
        """
        return self._downsample(factor, axis_name, weights)

    def resample_energy_axis(self, energy_axis, weights=None) -> EDispKernelMap:
        """Reconstructed-energy bins grouped into ``energy_axis``'s (summed with ``weights``,
        e.g. the safe mask); true energy and exposure unchanged, as gammapy.

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            The new reconstructed-energy axis (each new edge snaps to the nearest edge of
            the map's, see `~skymask.maps.WcsGeom.resample_axis`).
        weights : `~skymask.maps.Map`, optional
            Weights of the summed bins.

        Returns
        -------
        EDispKernelMap

        Examples
        --------
        >>> from skymask.maps import MapAxis
        >>> energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=4)
        >>> true = MapAxis.from_energy_bounds("0.08 TeV", "20 TeV", nbin=10, name="energy_true")
        >>> edisp = EDispKernelMap.from_diagonal_response(energy, true)
        >>> coarse = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
        >>> edisp.resample_energy_axis(coarse).edisp_map.data.shape
        (10, 2, 1, 2)
        """
        edisp_map = self._edisp_map.resample_axis(axis=energy_axis, weights=weights)
        return type(self)(edisp_map, self._exposure_map)

    def slice_by_idx(self, slices) -> EDispKernelMap:
        """Slice the kernel and exposure maps along the axes they have (``energy``,
        ``energy_true``); other keys of ``slices`` are ignored, as gammapy.

        Parameters
        ----------
        slices : dict
            Axis name to `slice` or `int`.

        Returns
        -------
        EDispKernelMap

        Raises
        ------
        TypeError
            ``slices`` is not a dict.

        Examples
        --------
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel, geom=WcsGeom.create(npix=5, binsz=1))
        >>> part = edisp.slice_by_idx({"energy_true": slice(0, 2)})
        >>> part.edisp_map.data.shape, part.exposure_map.data.shape
        ((2, 3, 5, 5), (2, 1, 5, 5))
        """
        return self._slice_by_idx(slices)

    def peek(self, figsize=(15, 5)):
        """Quick look at the kernel at the map centre (`EDispKernel.peek`); returns the figure.

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
        >>> from skymask.irf import EDispKernel, EDispKernelMap
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
        >>> kernel = EDispKernel(
        ...     energy.copy(name="energy_true"), energy, [[0.75, 0.25, 0], [0, 1, 0], [0, 0, 1]]
        ... )
        >>> edisp = EDispKernelMap.from_edisp_kernel(kernel, geom=WcsGeom.create(npix=5, binsz=1))
        >>> fig = edisp.peek(figsize=(8, 3))
        >>> plt.close(fig)
        """
        return self.get_edisp_kernel().peek(figsize=figsize)

    # ------------------------------------------------------------------ evaluation
    def _valid_image(self) -> np.ndarray:
        data = self._edisp_map.data
        n_sky = len(self._edisp_map.geom.to_image().data_shape)  # 2 for WCS, 1 for HEALPix
        with np.errstate(invalid="ignore"):
            return np.any(data > 0, axis=tuple(range(data.ndim - n_sky)))

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
        self._require_irf_axes_only("get_edisp_kernel")
        valid = self._valid_image()
        if not valid.any():
            raise ValueError("the edisp map holds no kernel: every value is zero or NaN")
        geom = self._edisp_map.geom.to_image()
        single = self.has_single_spatial_bin
        pixel = (0, 0) if single else self._pixel(geom, position, valid)
        data = self._edisp_map.data[(slice(None), slice(None), *pixel)]
        return EDispKernel(self.energy_axis_true, self.energy_axis, data)

    @staticmethod
    def _pixel(geom, position, valid) -> tuple[int, ...]:
        """The data index of the sky pixel at ``position`` (WCS ``(iy, ix)``, HEALPix
        ``(ipix,)``), or of the nearest pixel with a kernel (with a warning)."""
        if position is None:
            position = geom.center_skydir
        if not isinstance(position, SkyCoord) or not position.isscalar:
            raise TypeError(f"position must be a single SkyCoord or None, got {describe(position)}")
        if getattr(geom, "is_hpx", False):
            local = int(geom.global_to_local(geom.coord_to_idx(position)[0])[0])
            pixel = (local,) if local >= 0 and valid[local] else None
            return pixel or _nearest_valid(geom, position, valid)
        ix, iy = (int(i[0]) for i in geom.coord_to_idx(position))
        if ix < 0 or iy < 0:
            # On the outer border of the grid (a pole of an all-sky map, say): the edge pixel.
            px, py = (float(np.ravel(p)[0]) for p in geom.coord_to_pix(position))
            nx, ny = geom.npix
            tolerance = 1e-9
            if -0.5 - tolerance <= px <= nx - 0.5 + tolerance and (
                -0.5 - tolerance <= py <= ny - 0.5 + tolerance
            ):
                ix = int(np.clip(np.floor(px + 0.5), 0, nx - 1))
                iy = int(np.clip(np.floor(py + 0.5), 0, ny - 1))
        if ix >= 0 and iy >= 0 and valid[iy, ix]:
            return iy, ix
        return _nearest_valid(geom, position, valid)


def _nearest_valid(geom, position, valid) -> tuple[int, ...]:
    """The data index of the pixel with a kernel nearest to ``position``, with a warning."""
    separation = np.where(valid, geom.separation(position).deg, np.inf)
    pixel = np.unravel_index(np.argmin(separation), separation.shape)
    warnings.warn(
        f"position {position} has no energy-dispersion kernel in the map; using the nearest "
        f"pixel with one, {separation[pixel]:.3g} deg away",
        EDispPositionWarning,
        stacklevel=4,
    )
    return tuple(int(i) for i in pixel)
