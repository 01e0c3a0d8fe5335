"""MapDataset: counts, background, exposure, IRFs and the masks that restrict a fit."""

from __future__ import annotations

import numpy as np

from ..maps import Map, MapAxis, WcsGeom
from ..utils.reading import damaged_file_errors
from ..utils.units import describe
from .energy_range import EnergyBounds, EnergyRange, energy_range_of_mask
from .io import read_map_dataset, write_map_dataset

__all__ = ["MapDataset"]


class MapDataset:
    """A binned dataset in gammapy's MapDataset layout.

    Parameters
    ----------
    counts : `~skymask.maps.Map`, optional
        Counts cube with a reconstructed ``energy`` axis; its geometry is the dataset's.
    exposure : `~skymask.maps.Map`, optional
        Exposure cube with an ``energy_true`` axis.
    background : `~skymask.maps.Map`, optional
        Predicted background counts, on the counts geometry.
    psf : `~skymask.irf.PSFMap`, optional
    edisp : `~skymask.irf.EDispKernelMap`, optional
    mask_safe, mask_fit : bool `~skymask.maps.Map`, optional
        The safe data range (set in data reduction) and the fit range. Either may be absent.
    name : str, optional
        Dataset name.
    meta : dict, optional
        Extra primary-header keywords.
    extra_hdus : list of astropy HDUs, optional
        HDUs read from a file that skymask does not model (GTI, META_TABLE, ...): written back
        unchanged.

    Notes
    -----
    ``mask_fit`` and ``mask_safe`` are checked when set: they must be boolean maps on the
    counts geometry (an image on the same sky grid is repeated over energy). The dataset
    keeps its own copy, so changing the map given later does not change the dataset.
    In-place updates such as ``dataset.mask_fit &= region_mask`` work.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
    >>> dataset.counts.data.shape, dataset.mask_safe.is_mask
    ((2, 2, 3), True)
    """

    def __init__(
        self,
        counts=None,
        exposure=None,
        background=None,
        psf=None,
        edisp=None,
        mask_safe=None,
        mask_fit=None,
        name=None,
        meta=None,
        extra_hdus=None,
    ):
        self.counts = _check_map(counts, "counts")
        self.exposure = _check_map(exposure, "exposure")
        self.background = _check_map(background, "background")
        self.psf = psf
        self.edisp = edisp
        self.name = "dataset" if name is None else check_dataset_name(name)
        self.meta = dict(meta or {})
        self.extra_hdus = list(extra_hdus or [])
        self._mask_safe = None
        self._mask_fit = None
        both = self.background is not None and self.counts is not None
        if both and self.background.geom != self.counts.geom:
            raise ValueError(
                "background and counts must share one geometry:\n"
                f"  counts    : {self.counts.geom!r}\n  background: {self.background.geom!r}"
            )
        self.mask_safe = mask_safe
        self.mask_fit = mask_fit

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        geom: WcsGeom,
        energy_axis_true: MapAxis | None = None,
        name=None,
        mask_safe=True,
        background=0.0,
    ) -> MapDataset:
        """Empty dataset on ``geom`` (which needs an ``energy`` axis), for simulations.

        Counts are zeros (float32), the background is ``background`` (a number or an array
        of the geometry's shape), the exposure is zeros on ``energy_axis_true`` (default the
        reconstructed energy edges, renamed ``energy_true``), and ``mask_safe`` is all True
        (or the given bool map / array).

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            Counts geometry, with an ``energy`` axis.
        energy_axis_true : `~skymask.maps.MapAxis`, optional
            True-energy axis of the exposure.
        name : str, optional
            Dataset name (default a unique one).
        mask_safe : bool, `~skymask.maps.Map` or array
            The safe mask (default all True).
        background : float or array
            Background counts.

        Returns
        -------
        `MapDataset`
            The dataset.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.exposure.geom.axes.names, float(dataset.background.data.sum())
        (['energy_true'], 0.0)
        """
        if not isinstance(geom, WcsGeom) or "energy" not in [n.lower() for n in geom.axes.names]:
            raise ValueError(
                f"MapDataset.create needs a WcsGeom with an 'energy' axis, got {describe(geom)}"
            )
        if energy_axis_true is None:
            energy_axis_true = geom.axes["energy"].copy(name="energy_true")
        exposure_geom = geom.to_image().to_cube([energy_axis_true])
        safe = (
            mask_safe
            if isinstance(mask_safe, Map)
            else Map.from_geom(geom, data=np.asarray(mask_safe, dtype=bool))
        )
        return cls(
            counts=Map.from_geom(geom, dtype="float32"),
            exposure=Map.from_geom(exposure_geom, unit="m2 s", dtype="float32"),
            background=Map.from_geom(geom, data=np.asarray(background, dtype=float)),
            mask_safe=safe,
            name=name,
        )

    @classmethod
    def read(cls, filename, name=None, checksum=True) -> MapDataset:
        """Read a gammapy MapDataset FITS file (every HDU it does not model is kept).

        The dataset name is ``name``, else the primary header's ``NAME``, else the file name.
        With ``checksum``, HDUs that carry a checksum are verified (a `ChecksumWarning` if
        one is wrong); HDUs without a checksum give no warning (D11).

        Parameters
        ----------
        filename : str or path
            The FITS file.
        name : str, optional
            Dataset name.
        checksum : bool
            Verify checksums where present.

        Returns
        -------
        `MapDataset`
            The dataset (an instance of ``cls``).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     dataset.write(Path(tmp) / "a.fits")
        ...     again = MapDataset.read(Path(tmp) / "a.fits")
        >>> again.name, again.mask_safe.is_mask
        ('a', True)
        """
        return cls._from_parts(read_map_dataset(filename, name=name, checksum=checksum))

    @classmethod
    def _from_parts(cls, parts: dict) -> MapDataset:
        """Build the dataset from `skymask.datasets.io.read_map_dataset`'s parts."""
        path = parts["path"]
        with damaged_file_errors(path, what="MapDataset file"):  # maps that do not fit together
            dataset = cls(**parts["arguments"])
        # Where the dataset came from and what its file lacked: see datasets.checks.require_maps.
        dataset._source_file = path
        dataset._absent_hdus = parts["absent_hdus"]
        return dataset

    def write(self, filename, overwrite=False, checksum=False) -> None:
        """Write in gammapy's MapDataset layout, atomically (masks as uint8, read as bool).

        Parameters
        ----------
        filename : str or path
            The FITS file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add CHECKSUM/DATASUM keywords.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> import tempfile
        >>> from pathlib import Path
        >>> from astropy.io import fits
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     dataset.write(Path(tmp) / "a.fits")
        ...     with fits.open(Path(tmp) / "a.fits") as hdulist:
        ...         print(hdulist["MASK_SAFE"].data.dtype)
        uint8
        """
        write_map_dataset(self, filename, overwrite=overwrite, checksum=checksum)

    def copy(self, name=None) -> MapDataset:
        """A copy with copied maps and masks (the IRF objects are shared: they are not changed
        in place by skymask).

        Parameters
        ----------
        name : str, optional
            Name of the copy (default a new unique name).

        Returns
        -------
        `MapDataset`
            The copy.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> copy = dataset.copy(name="b")
        >>> copy.name, copy.counts is dataset.counts
        ('b', False)
        """
        copied = {
            key: None if getattr(self, key) is None else getattr(self, key).copy()
            for key in ("counts", "exposure", "background", "mask_safe", "mask_fit")
        }
        return type(self)(
            psf=self.psf,
            edisp=self.edisp,
            name=self.name if name is None else name,
            meta=dict(self.meta),
            extra_hdus=[hdu.copy() for hdu in self.extra_hdus],
            **copied,
        )

    # ------------------------------------------------------------------ geometry
    @property
    def geom(self) -> WcsGeom | None:
        """The reference geometry: that of counts, else background, else the masks.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.geom.data_shape
        (2, 2, 3)
        """
        for m in (self.counts, self.background, self._mask_safe, self._mask_fit):
            if m is not None:
                return m.geom
        return None

    # ------------------------------------------------------------------ masks
    def _check_mask(self, value, name):
        if value is None:
            return None
        if not isinstance(value, Map):
            raise TypeError(
                f"{name} must be a boolean Map (or None), got {describe(value)}; build one with "
                "geom.energy_mask(), geom.region_mask() or Map.from_geom(geom, data=array)"
            )
        if not value.is_mask:
            raise TypeError(
                f"{name} must be a boolean map, got dtype {value.data.dtype}; convert it with "
                "a comparison such as 'mask > 0' or 'mask.data = mask.data.astype(bool)'"
            )
        if value is self._mask_safe or value is self._mask_fit:
            return value  # the in-place path: dataset.mask_fit &= other
        geom = self.geom
        if geom is None or value.geom == geom:
            # A copy: later changes to the caller's map must not change the dataset (X34).
            return value.copy()
        if value.geom.is_image and value.geom == geom.to_image():
            return Map.from_geom(geom, data=np.broadcast_to(value.data, geom.data_shape).copy())
        raise ValueError(
            f"{name} must be on the dataset geometry:\n  dataset: {geom!r}\n  {name}: "
            f"{value.geom!r}\nbuild it from dataset.counts.geom (e.g. "
            "dataset.counts.geom.region_mask(...)) or reproject it with interp_to_geom"
        )

    @property
    def mask_safe(self) -> Map | None:
        """Safe data range (bool map) or None.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> bool(dataset.mask_safe.data.all())
        True
        """
        return self._mask_safe

    @mask_safe.setter
    def mask_safe(self, value):
        self._mask_safe = self._check_mask(value, "mask_safe")

    @property
    def mask_fit(self) -> Map | None:
        """Fit range (bool map) or None.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_fit is None
        True
        >>> dataset.mask_fit = dataset.geom.energy_mask(energy_min="10 TeV")
        >>> dataset.mask_fit.data[:, 0, 0].tolist()
        [False, True]
        """
        return self._mask_fit

    @mask_fit.setter
    def mask_fit(self, value):
        self._mask_fit = self._check_mask(value, "mask_fit")

    @property
    def mask(self) -> Map | None:
        """``mask_safe & mask_fit`` (whichever exist) as a new map; None if neither exists.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_fit = dataset.geom.energy_mask(energy_min="10 TeV")
        >>> int(dataset.mask.data.sum())
        6
        """
        masks = [m for m in (self._mask_safe, self._mask_fit) if m is not None]
        if not masks:
            return None
        data = masks[0].data.copy()
        for other in masks[1:]:
            data &= other.data
        return Map.from_geom(masks[0].geom, data=data)

    def _image(self, mask):
        if mask is None:
            return None
        return mask.reduce_over_axes(func=np.logical_or)

    @property
    def mask_safe_image(self) -> Map | None:
        """The safe mask reduced over energy (True where any bin is safe), or None.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_safe_image.geom.is_image
        True
        """
        return self._image(self._mask_safe)

    @property
    def mask_fit_image(self) -> Map | None:
        """The fit mask reduced over energy (True where any bin is fitted), or None.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_fit = dataset.geom.energy_mask(energy_min="10 TeV")
        >>> bool(dataset.mask_fit_image.data.all())
        True
        """
        return self._image(self._mask_fit)

    @property
    def mask_image(self) -> Map:
        """Sky pixels valid in at least one energy bin (all True without masks).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_image.data.shape
        (2, 3)
        """
        mask = self.mask
        if mask is None:
            return Map.from_geom(self.geom.to_image(), data=True)
        return self._image(mask)

    # ------------------------------------------------------------------ predictions
    def npred_background(self) -> Map:
        """Predicted background counts (the background map; zeros if there is none).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> float(dataset.npred_background().data.sum())
        0.0
        """
        if self.background is None:
            return Map.from_geom(self.geom, data=0.0)
        return self.background.copy()

    def npred(self) -> Map:
        """Predicted counts. skymask evaluates no source models: this is the background.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis])
        >>> float(MapDataset.create(geom, background=0.5).npred().data.sum())
        6.0
        """
        npred = self.npred_background()
        np.clip(npred.data, 0, None, out=npred.data)
        return npred

    # ------------------------------------------------------------------ energy ranges
    @property
    def energy_range(self) -> EnergyRange:
        """Per-pixel energy range of ``mask`` (safe and fit): a (min, max) pair of maps.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_fit = dataset.geom.energy_mask(energy_min="10 TeV")
        >>> dataset.energy_range
        EnergyRange(10.0 TeV - 100 TeV, valid in 6 of 6 pixels)
        """
        return energy_range_of_mask(self.mask, self.geom)

    @property
    def energy_range_safe(self) -> EnergyRange:
        """Per-pixel energy range of ``mask_safe`` alone.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.energy_range_safe
        EnergyRange(1.00 TeV - 100 TeV, valid in 6 of 6 pixels)
        """
        return energy_range_of_mask(self._mask_safe, self.geom)

    @property
    def energy_range_fit(self) -> EnergyRange:
        """Per-pixel energy range of ``mask_fit`` alone.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.mask_fit = dataset.geom.energy_mask(energy_max="10 TeV")
        >>> dataset.energy_range_fit
        EnergyRange(1.00 TeV - 10.0 TeV, valid in 6 of 6 pixels)
        """
        return energy_range_of_mask(self._mask_fit, self.geom)

    @property
    def energy_range_total(self) -> EnergyBounds:
        """Widest energy range over all pixels: ``(energy_min, energy_max)`` Quantities.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=(3, 2), binsz=1, axes=[axis]), name="a")
        >>> dataset.energy_range_total
        EnergyBounds(1.00 TeV - 100 TeV)
        """
        return self.energy_range.total

    # ------------------------------------------------------------------ display
    def __repr__(self):
        lines = [f"MapDataset {self.name!r}"]
        geom = self.geom
        if geom is not None:
            lines.append(f"    geom        : {geom!r}")
        for label, m in (("counts", self.counts), ("background", self.background)):
            if m is not None:
                lines.append(f"    {label:<12}: total {np.nansum(m.data):.6g}")
        if self.exposure is not None:
            unit = self.exposure.unit
            lines.append(
                f"    exposure    : {np.nanmin(self.exposure.data):.4g} - "
                f"{np.nanmax(self.exposure.data):.4g} {unit}"
            )
        for label, m in (("mask_safe", self._mask_safe), ("mask_fit", self._mask_fit)):
            text = "none" if m is None else f"{int(m.data.sum())} of {m.data.size} True"
            lines.append(f"    {label:<12}: {text}")
        if geom is not None and geom.axes:
            lines.append(f"    energy range: {self.energy_range_total}")
        lines.append(f"    psf         : {'yes' if self.psf is not None else 'none'}")
        lines.append(f"    edisp       : {'yes' if self.edisp is not None else 'none'}")
        return "\n".join(lines)


def check_dataset_name(name) -> str:
    """A dataset name must be a str: as gammapy, a ValueError otherwise (the str() of a list
    used to be stored as the name)."""
    if isinstance(name, np.str_):
        return str(name)
    if not isinstance(name, str):
        raise ValueError(
            f"a dataset name must be a str, got {describe(name)} ({type(name).__name__}); "
            "give e.g. name='crab'"
        )
    return name


def _check_map(value, name):
    if value is not None and not isinstance(value, Map):
        raise TypeError(f"{name} must be a Map or None, got {describe(value)}")
    return value
