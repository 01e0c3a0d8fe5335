"""MapDataset: counts, background, exposure, IRFs and the masks that restrict a fit."""

from __future__ import annotations

import warnings

import numpy as np
from astropy import units as u

from ..data import GTI
from ..irf import RAD_AXIS_DEFAULT
from ..maps import HpxGeom, Map, MapAxis, WcsGeom
from ..utils.reading import damaged_file_errors
from ..utils.units import describe
from . import reduce
from .energy_range import EnergyBounds, EnergyRange, energy_range_of_mask
from .io import read_map_dataset, write_map_dataset
from .models import FoVBackgroundModel, ModelNotEvaluatedWarning, Models

#: The meta key of results that would include source models skymask does not evaluate.
NOT_EVALUATED_KEY = "MODELS_NOT_EVALUATED"

__all__ = ["BINSZ_IRF_DEFAULT", "MapDataset"]

#: gammapy's default pixel size of the IRF maps of `MapDataset.create`.
BINSZ_IRF_DEFAULT = 0.2 * u.deg


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
    models : `~skymask.datasets.models.Models` or list, optional
        Models of the dataset (see `models`): a `FoVBackgroundModel` is applied by
        `npred_background`; source models are kept, not evaluated.
    gti : `~skymask.data.GTI`, optional
        The good time intervals of the data: the ``GTI`` HDU of dataset files, combined by
        `stack` (their union), summed as ``ontime`` by `info_dict`.

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
        models=None,
        gti=None,
    ):
        self.counts = _check_map(counts, "counts")
        self.exposure = _check_map(exposure, "exposure")
        self.background = _check_map(background, "background")
        self.psf = psf
        self.edisp = edisp
        self.name = "dataset" if name is None else check_dataset_name(name)
        self.meta = dict(meta or {})
        self.extra_hdus = list(extra_hdus or [])
        if gti is not None and not isinstance(gti, GTI):
            raise TypeError(f"gti must be a skymask.data.GTI or None, got {describe(gti)}")
        self.gti = gti
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
        self._models = None
        self.models = models

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        geom: WcsGeom,
        energy_axis_true: MapAxis | None = None,
        migra_axis=None,
        rad_axis=None,
        binsz_irf=BINSZ_IRF_DEFAULT,
        reference_time=None,
        name=None,
        meta_table=None,
        reco_psf=False,
        *,
        mask_safe=True,
        background=0.0,
        gti=None,
    ) -> MapDataset:
        """Empty dataset on ``geom`` (which needs an ``energy`` axis), as gammapy's ``create``.

        Counts are zeros (float32), the background is ``background`` (a number or an array
        of the geometry's shape), the exposure is zeros on ``energy_axis_true`` (default the
        reconstructed energy edges, renamed ``energy_true``), and ``mask_safe`` is all True
        (or the given bool map / array; X19). The IRF maps are on the sky grid of ``geom``
        with pixels of ``binsz_irf``: a zero `~skymask.irf.PSFMap` on ``rad_axis`` (default
        `~skymask.irf.RAD_AXIS_DEFAULT`) and a diagonal `~skymask.irf.EDispKernelMap`, each
        with a zero exposure map. Further non-spatial axes of ``geom`` (event types, say)
        are added after the energy axis of the exposure and after the IRF axes, as gammapy.
        On a `~skymask.maps.HpxGeom` the IRF maps are HEALPix maps of the nside of
        ``binsz_irf`` over the same region (`~skymask.maps.HpxGeom.to_binsz`; a partial sky
        keeps its whole disk, X197).

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom` or `~skymask.maps.HpxGeom`
            Counts geometry with an ``energy`` axis.
        energy_axis_true : `~skymask.maps.MapAxis`, optional
            True energy axis of the exposure and IRFs.
        migra_axis : `~skymask.maps.MapAxis`, optional
            Migration axis: the energy dispersion is then a diagonal
            `~skymask.irf.EDispMap` on it (gammapy's), not an `~skymask.irf.EDispKernelMap`.
        rad_axis : `~skymask.maps.MapAxis`, optional
            Offset axis of the PSF map.
        binsz_irf : angle, default 0.2 deg
            Pixel size of the IRF maps.
        reference_time : `~astropy.time.Time` or str, optional
            Reference time of the empty GTI made when ``gti`` is not given.
        meta_table
            Accepted for gammapy's signature; skymask keeps no meta table.
        name : str, optional
        reco_psf : bool
            Make the PSF a `~skymask.irf.RecoPSFMap` on the reconstructed ``energy`` axis of
            ``geom`` instead of a `~skymask.irf.PSFMap` on ``energy_axis_true`` (gammapy's).
        mask_safe : bool, array or bool `~skymask.maps.Map`, default True
        background : float or array, default 0
        gti : `~skymask.data.GTI`, optional
            The good time intervals; default an empty GTI (no time), as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(binsz=0.02, width=2, axes=[axis])
        >>> empty = MapDataset.create(geom)
        >>> empty.counts.data.shape, empty.psf.psf_map.data.shape, empty.edisp.edisp_map.data.shape
        ((2, 100, 100), (2, 66, 10, 10), (2, 2, 10, 10))

        On HEALPix (12 nside^2 pixels all-sky; IRFs at nside 8 for 10 deg pixels):

        >>> from skymask.maps import HpxGeom
        >>> empty = MapDataset.create(HpxGeom.create(nside=32, axes=[axis]), binsz_irf="10 deg")
        >>> empty.counts.data.shape, empty.psf.psf_map.data.shape, empty.edisp.edisp_map.data.shape
        ((2, 12288), (2, 66, 768), (2, 2, 768))
        """
        is_sky = isinstance(geom, (WcsGeom, HpxGeom))
        if not is_sky or "energy" not in [n.lower() for n in geom.axes.names]:
            raise ValueError(
                "MapDataset.create needs a WcsGeom or HpxGeom with an 'energy' axis, "
                f"got {describe(geom)}"
            )
        if energy_axis_true is None:
            energy_axis_true = geom.axes["energy"].copy(name="energy_true")
        elif energy_axis_true.name != "energy_true":
            raise ValueError(
                f"energy_axis_true must be named 'energy_true', got {energy_axis_true.name!r}"
            )
        rad_axis = RAD_AXIS_DEFAULT.copy() if rad_axis is None else rad_axis
        image = geom.to_image()
        # gammapy: the geometry's other non-spatial axes (event types, say) follow the
        # exposure and the IRF axes
        external = [axis for axis in geom.axes if axis.name != "energy"]
        exposure_geom = image.to_cube([energy_axis_true, *external])
        irf_image = irf_geom(image, binsz_irf)
        safe = (
            mask_safe
            if isinstance(mask_safe, Map)
            else Map.from_geom(geom, data=np.asarray(mask_safe, dtype=bool))
        )
        dataset = reduce.empty_from_geoms(
            cls,
            {
                "geom": geom,
                "geom_psf": irf_image.to_cube(
                    [rad_axis, geom.axes["energy"] if reco_psf else energy_axis_true, *external]
                ),
                "geom_edisp": irf_image.to_cube(
                    [
                        geom.axes["energy"] if migra_axis is None else migra_axis,
                        energy_axis_true,
                        *external,
                    ]
                ),
            },
            name=name,
        )
        dataset.counts = Map.from_geom(geom, dtype="float32")
        dataset.exposure = Map.from_geom(exposure_geom, unit="m2 s", dtype="float32")
        dataset.background = Map.from_geom(geom, data=np.asarray(background, dtype=float))
        dataset.mask_safe = safe
        dataset.gti = GTI.create([] * u.s, [] * u.s, reference_time) if gti is None else gti
        return dataset

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
            models=self._copied_models(name),
            gti=None if self.gti is None else self.gti.copy(),
            **copied,
        )

    def _copied_models(self, name=None):
        """Copies of the models (the background model renamed with the dataset)."""
        if self._models is None:
            return None
        new_name = self.name if name is None else name
        components = []
        for component in self._models:
            if isinstance(component, FoVBackgroundModel):
                component = component.copy()
                component.datasets_names = [new_name]
                component.name = f"{new_name}-bkg"
            components.append(component)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelNotEvaluatedWarning)
            return Models(components)

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

    # ------------------------------------------------------------------ models
    @property
    def models(self) -> Models | None:
        """The dataset's models (those of the models given that apply to this dataset).

        Setting it keeps the components whose ``datasets_names`` include this dataset's name
        (or that name no dataset): at most one `FoVBackgroundModel` (for this dataset), which
        `npred_background` applies, and source models, which skymask keeps (written back by
        ``Datasets.write``) but does not evaluate: a `ModelNotEvaluatedWarning` says so, and
        `npred` and the estimators' maps carry ``meta["MODELS_NOT_EVALUATED"]``.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.datasets.models import FoVBackgroundModel
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=2, axes=[axis]), name="a")
        >>> dataset.background.data[...] = 2.0
        >>> dataset.models = [FoVBackgroundModel(dataset_name="a")]
        >>> dataset.background_model.spectral_model.norm.value = 1.5
        >>> float(dataset.npred_background().data.sum())
        12.0
        """
        return self._models

    @models.setter
    def models(self, value):
        self._set_models(value, warn=True)

    def _set_models(self, value, warn):
        if value is None:
            self._models = None
            return
        selected = Models(value).for_dataset(self.name)
        background = [c for c in selected if isinstance(c, FoVBackgroundModel)]
        if len(background) > 1:
            raise ValueError(
                f"dataset {self.name!r} can have one FoVBackgroundModel, got "
                f"{[c.name for c in background]}"
            )
        self._models = selected
        if warn and self.models_not_evaluated:
            warnings.warn(
                f"dataset {self.name!r}: skymask does not evaluate the models "
                f"{self.models_not_evaluated}; they are kept and written back, and npred() and "
                "excess maps do not include them (meta['MODELS_NOT_EVALUATED'] names them)",
                ModelNotEvaluatedWarning,
                stacklevel=3,
            )

    @property
    def background_model(self) -> FoVBackgroundModel | None:
        """The `FoVBackgroundModel` of this dataset, or None.

        Examples
        --------
        >>> from skymask.datasets import FoVBackgroundModel, MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, axes=[axis]), name="a")
        >>> dataset.background_model is None
        True
        >>> dataset.models = [FoVBackgroundModel("a")]
        >>> dataset.background_model.name
        'a-bkg'
        """
        if self._models is None:
            return None
        for component in self._models:
            if isinstance(component, FoVBackgroundModel):
                return component
        return None

    @property
    def models_not_evaluated(self) -> list[str]:
        """Names of the models (or model parts) that skymask keeps but does not evaluate.

        Examples
        --------
        >>> import warnings
        >>> from skymask.datasets import FoVBackgroundModel, MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, axes=[axis]), name="a")
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # the ModelNotEvaluatedWarning
        ...     dataset.models = [FoVBackgroundModel("a"), {"name": "src", "type": "SkyModel"}]
        >>> dataset.models_not_evaluated
        ['src']
        """
        if self._models is None:
            return []
        names = [
            name
            for name, c in zip(self._models.names, self._models, strict=True)
            if not isinstance(c, FoVBackgroundModel)
        ]
        background = self.background_model
        if background is not None and background.spatial_model is not None:
            names.append(f"{background.name} (spatial model)")
        return names

    def _flag(self, m: Map, background_only=False) -> Map:
        names = self.models_not_evaluated
        if background_only:
            names = [n for n in names if n.endswith("(spatial model)")]
        if names:
            m.meta[NOT_EVALUATED_KEY] = ", ".join(names)
        return m

    # ------------------------------------------------------------------ predictions
    def npred_background(self) -> Map:
        """Predicted background counts: the template times the `FoVBackgroundModel` norm.

        As gammapy: ``background * norm * (E / reference) ** -tilt`` at the energy-bin
        centres (the template alone without background model; zeros without template).

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
        model = self.background_model
        if model is None:
            return self._flag(self.background.copy(), background_only=True)
        data = self.background.data * model.evaluate_geom(self.background.geom)
        result = Map.from_geom(self.background.geom, data=data, unit=self.background.unit)
        return self._flag(result, background_only=True)

    def npred(self) -> Map:
        """Predicted counts: the background (source models are not evaluated; see `models`).

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
        return self._flag(npred)

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

    # ------------------------------------------------------------------ reductions
    @property
    def data_shape(self) -> tuple[int, ...]:
        """Shape of the counts data (numpy order: energy, lat, lon).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> MapDataset.create(WcsGeom.create(npix=(4, 3), axes=[axis])).data_shape
        (2, 3, 4)
        """
        return reduce.data_shape(self)

    @property
    def geoms(self) -> dict:
        """The geometries: ``geom`` and, where present, ``geom_exposure``, ``geom_psf``,
        ``geom_edisp`` (gammapy's ``geoms``, the arguments of ``from_geoms``).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> geoms = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis])).geoms
        >>> list(geoms)
        ['geom', 'geom_exposure', 'geom_psf', 'geom_edisp']
        >>> geoms["geom_psf"].axes.names  # on the IRF grid, pixels of 0.2 deg
        ['rad', 'energy_true']
        >>> MapDataset.from_geoms(**geoms).data_shape
        (2, 4, 4)
        """
        return reduce.dataset_geoms(self)

    @classmethod
    def from_geoms(cls, geom, geom_exposure=None, geom_psf=None, geom_edisp=None, name=None):
        """An empty dataset on these geometries, as gammapy: zero counts, background and
        exposure, a diagonal `~skymask.irf.EDispKernelMap` (an `~skymask.irf.EDispMap` when
        ``geom_edisp`` has a ``migra`` axis) and a zero `~skymask.irf.PSFMap` (each with a
        zero exposure map), ``mask_safe`` all False, an empty `~skymask.data.GTI`.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            Geometry of counts, background and masks.
        geom_exposure, geom_psf, geom_edisp : `~skymask.maps.WcsGeom`, optional
            Geometries of the exposure, PSF and EDisp maps; each map is left out (None)
            when its geometry is not given.
        name : str, optional
            Dataset name.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> empty = MapDataset.from_geoms(WcsGeom.create(npix=4, axes=[axis]))
        >>> empty.data_shape, bool(empty.mask_safe.data.any())
        ((2, 4, 4), False)
        """
        geoms = {
            "geom": geom,
            "geom_exposure": geom_exposure,
            "geom_psf": geom_psf,
            "geom_edisp": geom_edisp,
        }
        return reduce.empty_from_geoms(cls, geoms, name=name)

    @property
    def mask_safe_psf(self) -> Map | None:
        """``mask_safe`` on the PSF grid: True where any energy is safe (``rad`` squashed).

        None without ``mask_safe`` or PSF. The IRF grid reads the safe mask at its pixel
        centres (nearest pixel).

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> mask = dataset.mask_safe_psf
        >>> mask.geom.axes.names, mask.data.shape, bool(mask.data.all())
        (['rad', 'energy_true'], (2, 1, 20, 20), True)
        """
        return reduce.mask_safe_psf(self)

    @property
    def mask_safe_edisp(self) -> Map | None:
        """``mask_safe`` per reconstructed energy on the EDisp grid (``energy_true`` squashed).

        None without ``mask_safe`` or EDisp.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> mask = dataset.mask_safe_edisp
        >>> mask.geom.axes.names, mask.data.shape
        (['energy', 'energy_true'], (1, 2, 20, 20))
        >>> mask.data[0, :, 0, 0].tolist()
        [False, True]
        """
        return reduce.mask_safe_edisp(self)

    def stack(self, other, nan_to_num=True) -> None:
        """Stack ``other`` into this dataset in place, with gammapy's rules.

        Counts and background (``npred_background``) of ``other`` are added where its
        ``mask_safe`` is True (the rest is lost; this dataset's own data are not masked: use
        `to_masked` first); exposure where its ``mask_safe_image`` is True; the PSF and EDisp
        maps are averaged with the exposure, weighted by `mask_safe_psf` / `mask_safe_edisp`;
        ``mask_safe`` and ``mask_fit`` are ORed (a missing ``mask_fit`` takes ``other``'s).
        Bool maps stay bool.

        Parameters
        ----------
        other : `MapDataset` or `~skymask.datasets.MapDatasetOnOff`
            On the same geometries; on HEALPix also an aligned part of the sky (same nside,
            ordering, frame and axes, e.g. a partial sky into the all-sky dataset), added at
            its pixels as gammapy. An on/off dataset enters with its
            ``npred_background()`` (the WStat background, gammapy's) as background.
        nan_to_num : bool, default True
            Non-finite values of ``other`` count as 0.

        Raises
        ------
        ValueError
            The geometries differ (on HEALPix: are not aligned).

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=2, axes=[axis])
        >>> first, second = MapDataset.create(geom), MapDataset.create(geom)
        >>> second.counts.data[...] = 3
        >>> second.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> first.stack(second)
        >>> first.counts.data[:, 0, 0].tolist()
        [0.0, 3.0]
        """
        if hasattr(other, "counts_off") and not hasattr(self, "counts_off"):
            # An on/off dataset (not imported here: it imports this module). gammapy's
            # MapDatasetOnOff is a MapDataset whose npred_background is WStat's.
            other = MapDataset(
                counts=other.counts,
                exposure=other.exposure,
                background=other.npred_background(),
                psf=other.psf,
                edisp=other.edisp,
                mask_safe=other.mask_safe,
                mask_fit=other.mask_fit,
                name=other.name,
                gti=other.gti,
            )
        reduce.stack(self, other, nan_to_num=nan_to_num)

    def to_masked(self, name=None, nan_to_num=True) -> MapDataset:
        """A copy with the data outside ``mask_safe`` set to zero (gammapy's ``to_masked``:
        an empty dataset with this one stacked into it).

        Parameters
        ----------
        name : str, optional
            Name of the copy; default a random name, as gammapy.
        nan_to_num : bool, optional
            Non-finite values count as 0. Default True.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> masked = dataset.to_masked(name="masked")
        >>> masked.counts.data[:, 0, 0].tolist(), masked.mask_safe.data[:, 0, 0].tolist()
        ([0.0, 1.0], [False, True])
        """
        return reduce.to_masked(self, name=name, nan_to_num=nan_to_num)

    def to_image(self, name=None) -> MapDataset:
        """One reconstructed-energy bin: counts and background summed inside ``mask_safe``,
        ``mask_safe`` and ``mask_fit`` ORed over energy (bool maps), the EDisp kernels summed
        with `mask_safe_edisp`; exposure and PSF unchanged (gammapy's ``to_image``).

        Parameters
        ----------
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=2, axes=[axis]))
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False
        >>> image = dataset.to_image()
        >>> image.counts.data[:, 0, 0].tolist(), image.mask_safe.data.all()
        ([1.0], np.True_)
        """
        return reduce.to_image(self, name=name)

    def cutout(self, position, width, mode="trim", name=None) -> MapDataset:
        """Every map, IRF map and mask cut out around ``position`` (see
        `~skymask.maps.Map.cutout`); masks stay bool.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : angle or tuple of two angles
            Width of the cutout (lon, lat).
        mode : {"trim", "partial", "strict"}, optional
            As `~skymask.maps.Map.cutout`. Default ``"trim"``.
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from astropy.coordinates import SkyCoord
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> cut = dataset.cutout(SkyCoord(0, 0, unit="deg"), width="2 deg", name="cut")
        >>> cut.data_shape, cut.mask_safe.data.dtype
        ((2, 2, 2), dtype('bool'))
        """
        return reduce.cutout(self, position, width, mode=mode, name=name)

    def downsample(self, factor, axis_name=None, name=None) -> MapDataset:
        """Blocks of ``factor`` pixels (or bins of ``axis_name``) merged with gammapy's rules:
        counts and background summed inside ``mask_safe``, exposure averaged, masks ORed
        (bool), EDisp summed along ``axis_name`` with `mask_safe_edisp`, PSF unchanged.

        Parameters
        ----------
        factor : int
            Down-sampling factor.
        axis_name : str, optional
            A non-spatial axis to down-sample; default the sky pixels.
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> dataset.downsample(2, name="coarse").counts.data[:, 0, 0].tolist()  # 2 x 2 pixels
        [0.0, 4.0]
        >>> dataset.downsample(2, axis_name="energy", name="one").counts.data[:, 0, 0].tolist()
        [1.0]
        """
        return reduce.downsample(self, factor, axis_name=axis_name, name=name)

    def pad(self, pad_width, mode="constant", name=None) -> MapDataset:
        """Maps and masks padded on the sky by ``pad_width`` pixels (IRFs unchanged).

        Parameters
        ----------
        pad_width : int or tuple of int
            Pixels added on each side (see `~skymask.maps.Map.pad`).
        mode : {"constant", "edge"}, optional
            Fill with 0 (False for masks) or repeat the edge pixels. Default ``"constant"``.
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> padded = dataset.pad(1, name="padded")
        >>> padded.data_shape, padded.counts.data[1, :2, :2].tolist()
        ((2, 6, 6), [[0.0, 0.0], [0.0, 1.0]])
        """
        return reduce.pad(self, pad_width, mode=mode, name=name)

    def resample_energy_axis(self, energy_axis, name=None) -> MapDataset:
        """Reconstructed-energy bins grouped into ``energy_axis``'s: counts and background
        summed inside ``mask_safe``, masks ORed (bool), EDisp summed with
        `mask_safe_edisp`; exposure and PSF unchanged (gammapy's rules).

        Parameters
        ----------
        energy_axis : `~skymask.maps.MapAxis`
            The new reconstructed-energy axis (each new edge snaps to the nearest edge of
            the dataset's, see `~skymask.maps.WcsGeom.resample_axis`).
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> one = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=1)
        >>> grouped = dataset.resample_energy_axis(one, name="grouped")
        >>> grouped.counts.data[:, 0, 0].tolist(), grouped.mask_safe.data[:, 0, 0].tolist()
        ([1.0], [True])
        """
        return reduce.resample_energy_axis(self, energy_axis, name=name)

    def slice_by_idx(self, slices, name=None) -> MapDataset:
        """The maps sliced along the axes they have, e.g. ``{"energy": slice(1, 3)}`` (an
        int drops the axis); the IRFs and masks too.

        Parameters
        ----------
        slices : dict
            Axis name to `slice` or `int`.
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Raises
        ------
        TypeError
            ``slices`` is not a dict.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> high = dataset.slice_by_idx({"energy": slice(1, 2)}, name="high")
        >>> high.data_shape, high.exposure.data.shape  # the exposure has no "energy" axis
        ((1, 4, 4), (2, 4, 4))
        """
        return reduce.slice_by_idx(self, slices, name=name)

    def slice_by_energy(self, energy_min=None, energy_max=None, name=None) -> MapDataset:
        """The reconstructed-energy bins between ``energy_min`` and ``energy_max`` (snapped to
        the nearest bin edges).

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity` or str, optional
            The range; default the ends of the energy axis.
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDataset

        Raises
        ------
        ValueError
            ``energy_min`` is not below ``energy_max``, or no bin lies between them.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> dataset = MapDataset.create(WcsGeom.create(npix=4, binsz=1, axes=[axis]), name="a")
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> dataset.slice_by_energy("12 TeV", name="high").geom.axes["energy"].edges  # snapped
        <Quantity [ 10., 100.] TeV>
        """
        return reduce.slice_by_energy(self, energy_min, energy_max, name=name)

    def info_dict(self, in_safe_data_range=True) -> dict:
        """gammapy's summary: counts, excess, sqrt_ts, background, npred, exposure range,
        livetime, rates, number of bins (inside ``mask_safe`` by default).

        ``sqrt_ts`` is the Cash significance of the counts over the background template;
        ``stat_sum`` is NaN (skymask does not fit); ``ontime`` is the `~skymask.data.GTI`'s
        ``time_sum`` (NaN s without a GTI).

        Parameters
        ----------
        in_safe_data_range : bool, optional
            Sum inside ``mask_safe`` only. Default True.

        Returns
        -------
        dict

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=1, axes=[axis])
        >>> dataset = MapDataset.create(geom, name="a", background=0.5)
        >>> dataset.counts.data[...] = 1
        >>> dataset.mask_safe.data[0] = False
        >>> info = dataset.info_dict()
        >>> info["counts"], info["background"], info["excess"]
        (16, 8.0, 8.0)
        >>> round(info["sqrt_ts"], 6)  # sqrt(2 (16 ln 2 - 8))
        2.486103
        >>> dataset.info_dict(in_safe_data_range=False)["counts"]
        32
        """
        return reduce.info_dict(self, in_safe_data_range=in_safe_data_range)

    # ------------------------------------------------------------------ display
    def __repr__(self):
        lines = [f"MapDataset {self.name!r}"]
        geom = self.geom
        if geom is not None:
            lines.append(f"    geom        : {geom!r}")
        # Chunked (dask) maps are not computed for a repr.
        lazy = "chunked, not computed"
        for label, m in (("counts", self.counts), ("background", self.background)):
            if m is not None:
                total = lazy if m.is_chunked else f"total {np.nansum(m.data):.6g}"
                lines.append(f"    {label:<12}: {total}")
        if self.exposure is not None and self.exposure.is_chunked:
            lines.append(f"    exposure    : {lazy}")
        elif self.exposure is not None:
            unit = self.exposure.unit
            lines.append(
                f"    exposure    : {np.nanmin(self.exposure.data):.4g} - "
                f"{np.nanmax(self.exposure.data):.4g} {unit}"
            )
        masks = (("mask_safe", self._mask_safe), ("mask_fit", self._mask_fit))
        for label, m in masks:
            text = "none" if m is None else f"{int(m.data.sum())} of {m.data.size} True"
            if m is not None and m.is_chunked:
                text = lazy
            lines.append(f"    {label:<12}: {text}")
        if (
            geom is not None
            and geom.axes
            and not any(m is not None and m.is_chunked for _, m in masks)
        ):
            lines.append(f"    energy range: {self.energy_range_total}")
        lines.append(f"    psf         : {'yes' if self.psf is not None else 'none'}")
        lines.append(f"    edisp       : {'yes' if self.edisp is not None else 'none'}")
        return "\n".join(lines)


def irf_geom(image: WcsGeom, binsz) -> WcsGeom:
    """The sky grid of the IRF maps: ``image`` re-gridded to pixels of ``binsz`` (gammapy's
    ``geom.to_binsz``: same centre, width, projection and frame)."""
    binsz = u.Quantity(binsz, u.deg).to_value(u.deg)
    if not np.isfinite(binsz) or binsz <= 0:
        raise ValueError(f"binsz_irf must be a positive angle, got {binsz} deg")
    if isinstance(image, HpxGeom):
        # gammapy: HpxGeom.to_binsz, the coarsest nside whose pixels are no larger than binsz,
        # over the same region
        return image.to_binsz(binsz * u.deg)
    width = tuple(float(w) for w in np.ravel(image.width.to_value(u.deg))[:2])
    return WcsGeom.create(
        skydir=image.center_skydir,
        binsz=binsz,
        width=width,
        proj=image.projection,
        frame=image.frame,
    )


def check_dataset_name(name) -> str:
    """A dataset name must be a str: as gammapy, a ValueError otherwise (the str() of a list
    used to be stored as the name)."""
    if isinstance(name, np.str_):
        return str(name)
    if not isinstance(name, str):
        raise ValueError(
            # gammapy's wording ("which is of type '<class 'int'>'") is kept for its users
            f"a dataset name must be a str, got {describe(name)}, which is of type "
            f"'{type(name)}'; give e.g. name='crab'"
        )
    return name


def _check_map(value, name):
    if value is not None and not isinstance(value, Map):
        raise TypeError(f"{name} must be a Map or None, got {describe(value)}")
    return value
