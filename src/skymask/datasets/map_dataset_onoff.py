"""`MapDatasetOnOff`: on counts with off counts and the acceptances that relate them.

A small on/off dataset, as `RingBackgroundMaker` returns it: per voxel the ON counts, the OFF
counts of the region the background was estimated from, and the acceptances (expected
background counts) of both, so that ``alpha = acceptance / acceptance_off`` and the
background in the ON voxel is ``alpha * counts_off``. Its significance map is that of
`~skymask.estimators.ExcessMapEstimator` (gammapy's WStat statistics and correlated alpha);
`MapDatasetOnOff.li_ma_significance` is a shortcut to it (imported when called: datasets sit
below estimators).
"""

from __future__ import annotations

import numpy as np

from ..data import GTI
from ..maps import Map
from ..utils.units import describe
from .map_dataset import check_dataset_name

__all__ = ["MapDatasetOnOff"]


class MapDatasetOnOff:
    """On/off map dataset: counts, counts_off, acceptance, acceptance_off and masks.

    Parameters
    ----------
    counts, counts_off : `~skymask.maps.Map`
        ON and OFF counts, on one geometry (with an ``energy`` axis or not).
    acceptance, acceptance_off : `~skymask.maps.Map`
        Expected background counts in the ON voxel and in its OFF region (same geometry).
    mask_safe, mask_fit : bool `~skymask.maps.Map`, optional
        On the same geometry.
    exposure : `~skymask.maps.Map`, optional
        Carried along unchanged.
    psf, edisp : `~skymask.irf.PSFMap`, `~skymask.irf.EDispKernelMap`, optional
        Carried along (``create`` makes gammapy's empty ones).
    name : str, optional
    meta : dict, optional
        Free-form settings of the maker that built the dataset.
    gti : `~skymask.data.GTI`, optional
        The good time intervals of the data (see `~skymask.datasets.MapDataset`).

    Examples
    --------
    >>> from skymask.maps import Map, WcsGeom
    >>> geom = WcsGeom.create(npix=3, binsz=0.1)
    >>> on_off = MapDatasetOnOff(
    ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
    ...     acceptance=Map.from_geom(geom, data=1.0),
    ...     acceptance_off=Map.from_geom(geom, data=4.0))
    >>> float(on_off.alpha.data[0, 0]), float(on_off.excess.data[0, 0])
    (0.25, 5.0)
    >>> round(float(on_off.li_ma_significance().data[1, 1]), 4)
    1.7099
    """

    def __init__(
        self,
        counts,
        counts_off,
        acceptance,
        acceptance_off,
        *,
        mask_safe=None,
        mask_fit=None,
        exposure=None,
        name=None,
        meta=None,
        psf=None,
        edisp=None,
        gti=None,
    ):
        maps = {
            "counts": counts,
            "counts_off": counts_off,
            "acceptance": acceptance,
            "acceptance_off": acceptance_off,
        }
        for key, value in maps.items():
            if not isinstance(value, Map):
                raise TypeError(f"{key} must be a Map, got {describe(value)}")
            if value.geom != counts.geom:
                raise ValueError(
                    f"{key} must be on the counts geometry:\n  counts: {counts.geom!r}\n"
                    f"  {key}: {value.geom!r}"
                )
        self.counts = counts
        self.counts_off = counts_off
        self.acceptance = acceptance
        self.acceptance_off = acceptance_off
        self.mask_safe = self._check_mask(mask_safe, "mask_safe")
        self.mask_fit = self._check_mask(mask_fit, "mask_fit")
        self.exposure = exposure
        self.psf = psf
        self.edisp = edisp
        self.name = "dataset" if name is None else check_dataset_name(name)
        self.meta = dict(meta or {})
        if gti is not None and not isinstance(gti, GTI):
            raise TypeError(f"gti must be a skymask.data.GTI or None, got {describe(gti)}")
        self.gti = gti

    def _check_mask(self, value, name):
        if value is None:
            return None
        if not isinstance(value, Map) or not value.is_mask or value.geom != self.counts.geom:
            raise TypeError(f"{name} must be a boolean Map on the counts geometry or None")
        return value

    # ------------------------------------------------------------------ reductions
    @classmethod
    def create(
        cls,
        geom,
        energy_axis_true=None,
        migra_axis=None,
        rad_axis=None,
        binsz_irf=None,
        reference_time=None,
        name=None,
        *,
        gti=None,
    ) -> MapDatasetOnOff:
        """gammapy's empty on/off dataset on ``geom``: zero counts, OFF counts, acceptances
        and exposure, a zero PSF and a diagonal EDisp map on the IRF grid (pixels of
        ``binsz_irf``, default 0.2 deg), ``mask_safe`` all False; ``gti`` (default an empty
        `~skymask.data.GTI` at ``reference_time``) as `MapDataset.create`.

        With ``migra_axis`` the energy dispersion is an `~skymask.irf.EDispMap`.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            Counts geometry (with an ``energy`` axis).
        energy_axis_true : `~skymask.maps.MapAxis`, optional
            True energy axis of the exposure and IRFs; default the reconstructed energy
            edges, renamed ``energy_true``.
        migra_axis : `~skymask.maps.MapAxis`, optional
            Migration axis: the energy dispersion is then a diagonal `~skymask.irf.EDispMap`.
        rad_axis : `~skymask.maps.MapAxis`, optional
            Offset axis of the PSF map; default `~skymask.irf.RAD_AXIS_DEFAULT`.
        binsz_irf : angle, optional
            Pixel size of the IRF maps; default 0.2 deg.
        reference_time : `~astropy.time.Time` or str, optional
            Reference time of the empty GTI made when ``gti`` is not given.
        name : str, optional
            Dataset name.
        gti : `~skymask.data.GTI`, optional
            Keyword only. The good time intervals; default an empty GTI.

        Returns
        -------
        MapDatasetOnOff

        Examples
        --------
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> empty = MapDatasetOnOff.create(WcsGeom.create(npix=4, binsz=0.2, axes=[axis]))
        >>> empty.counts_off.data.shape, bool(empty.mask_safe.data.any())
        ((2, 4, 4), False)
        """
        from . import onoff_reduce

        return onoff_reduce.create(
            cls, geom, energy_axis_true, rad_axis, binsz_irf, name, reference_time, gti, migra_axis
        )

    @classmethod
    def from_geoms(
        cls,
        geom,
        geom_exposure=None,
        geom_psf=None,
        geom_edisp=None,
        reference_time=None,
        name=None,
    ) -> MapDatasetOnOff:
        """An empty on/off dataset on these geometries, as gammapy's ``from_geoms``.

        Zero counts, OFF counts and acceptances on ``geom``; zero exposure, a diagonal
        `~skymask.irf.EDispKernelMap` and a zero `~skymask.irf.PSFMap` where their
        geometries are given (as `~skymask.datasets.MapDataset.from_geoms`); ``mask_safe``
        all False (a bool map); an empty `~skymask.data.GTI`.

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            Geometry of the counts, OFF counts and acceptance maps.
        geom_exposure, geom_psf, geom_edisp : `~skymask.maps.WcsGeom`, optional
            Geometries of the exposure, PSF and EDisp maps (e.g. another dataset's `geoms`).
        reference_time : `~astropy.time.Time` or str, optional
            Reference time of the empty GTI (default 2000-01-01 TT).
        name : str, optional
            Dataset name (default a random one).

        Returns
        -------
        `MapDatasetOnOff`
            The empty dataset.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> big = MapDatasetOnOff.create(WcsGeom.create(npix=8, binsz=0.1, axes=[axis]))
        >>> center = big.geom.center_skydir
        >>> geoms = {key: g.cutout(center, "0.4 deg") for key, g in big.geoms.items()}
        >>> small = MapDatasetOnOff.from_geoms(**geoms)
        >>> small.counts_off.data.shape, small.mask_safe.is_mask
        ((2, 4, 4), True)
        """
        from . import onoff_reduce

        geoms = {
            "geom": geom,
            "geom_exposure": geom_exposure,
            "geom_psf": geom_psf,
            "geom_edisp": geom_edisp,
        }
        return onoff_reduce.from_geoms(cls, geoms, name=name, reference_time=reference_time)

    @property
    def geoms(self) -> dict:
        """The geometries: ``geom`` and, where present, ``geom_exposure``, ``geom_psf``,
        ``geom_edisp`` (gammapy's ``geoms``, the arguments of `from_geoms`).

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> on_off = MapDatasetOnOff.create(WcsGeom.create(npix=4, binsz=0.2, axes=[axis]))
        >>> sorted(on_off.geoms)
        ['geom', 'geom_edisp', 'geom_exposure', 'geom_psf']
        """
        from . import reduce

        return reduce.dataset_geoms(self)

    def npred_background(self) -> Map:
        """Predicted background counts in the ON voxels: gammapy's WStat profile estimate.

        ``alpha * mu_bkg`` with ``mu_bkg`` from `~skymask.stats.get_wstat_mu_bkg` for no
        signal (skymask evaluates no source model): ``alpha * (n_on + n_off) / (1 + alpha)``,
        which uses the ON counts too; 0 where it is not finite (no OFF acceptance). This is
        what `~skymask.datasets.MapDataset.stack` adds for an on/off dataset; `background`
        is ``alpha * counts_off``.

        Returns
        -------
        `~skymask.maps.Map`
            Float map on the dataset geometry.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0))
        >>> float(on_off.npred_background().data[0, 0])  # 0.25 * 30 / 1.25
        6.0
        """
        from . import onoff_reduce

        return onoff_reduce.npred_background(self)

    def fake(self, npred_background, random_state="random-seed") -> None:
        """Replace the ON and OFF counts by Poisson draws, as gammapy's ``fake``.

        ON counts: Poisson(``npred_background``) as float (the source signal is zero:
        skymask evaluates no source model); OFF counts: Poisson(``npred_background /
        alpha``), 0 where alpha is 0 or undefined. The draws are made in gammapy's order, so
        one seed gives gammapy's counts. Acceptances and masks are unchanged.

        Parameters
        ----------
        npred_background : `~skymask.maps.Map`
            Expected background counts in the ON voxels, on the dataset geometry (finite,
            >= 0).
        random_state : int, "random-seed", "global-rng" or `numpy.random.RandomState`
            The random generator or its seed (gammapy's ``get_random_state``).

        Raises
        ------
        ValueError
            ``npred_background`` is not a map on the dataset geometry or has negative or
            non-finite values; ``random_state`` is not one of the accepted kinds.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=50, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom), counts_off=Map.from_geom(geom),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=10.0))
        >>> on_off.fake(Map.from_geom(geom, data=1.0), random_state=0)
        >>> round(float(on_off.counts.data.mean()), 1), round(float(on_off.counts_off.data.mean()))
        (1.0, 10)
        """
        from . import onoff_reduce

        onoff_reduce.fake(self, npred_background, random_state=random_state)

    def to_image(self, name=None) -> MapDatasetOnOff:
        """Sum over reconstructed energy inside ``mask_safe``: counts, OFF counts and
        acceptance summed, ``acceptance_off`` so that ``alpha * counts_off`` is the summed
        background; ``mask_safe`` and ``mask_fit`` ORed over energy (bool).

        Parameters
        ----------
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        MapDatasetOnOff

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=0.1, axes=[axis])
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0),
        ...     counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),  # alpha = 0.25
        ...     mask_safe=Map.from_geom(geom, data=True, dtype=bool),
        ... )
        >>> on_off.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> image = on_off.to_image(name="image")
        >>> float(image.counts.data[0, 0, 0]), float(image.alpha.data[0, 0, 0])
        (10.0, 0.25)
        """
        from . import onoff_reduce

        return onoff_reduce.to_image(self, name=name)

    def downsample(self, factor, axis_name=None, name=None) -> MapDatasetOnOff:
        """Blocks of ``factor`` pixels (or bins of ``axis_name``) merged with gammapy's rules:
        counts, OFF counts and acceptance summed inside ``mask_safe``, ``acceptance_off`` so
        that ``alpha * counts_off`` is the summed background, masks ORed (bool).

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
        MapDatasetOnOff

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=0.1, axes=[axis])
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0),
        ...     counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),  # alpha = 0.25
        ...     mask_safe=Map.from_geom(geom, data=True, dtype=bool),
        ... )
        >>> on_off.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> coarse = on_off.downsample(2, name="coarse")  # 2 x 2 pixels
        >>> coarse.data_shape, float(coarse.counts.data[1, 0, 0]), float(coarse.alpha.data[1, 0, 0])
        ((2, 2, 2), 40.0, 0.25)
        """
        from . import onoff_reduce

        return onoff_reduce.downsample(self, factor, axis_name=axis_name, name=name)

    def to_map_dataset(self, name=None):
        """A `~skymask.datasets.MapDataset` with ``background = alpha * counts_off`` (no
        background without OFF counts); maps, IRFs and masks are shared.

        Parameters
        ----------
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.

        Returns
        -------
        `~skymask.datasets.MapDataset`

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=0.1, axes=[axis])
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0),
        ...     counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),  # alpha = 0.25
        ...     mask_safe=Map.from_geom(geom, data=True, dtype=bool),
        ... )
        >>> on_off.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> dataset = on_off.to_map_dataset(name="map")
        >>> type(dataset).__name__, dataset.background.data[:, 0, 0].tolist()  # 0.25 * 20
        ('MapDataset', [5.0, 5.0])
        """
        from . import onoff_reduce

        return onoff_reduce.to_map_dataset(self, name=name)

    def stack(self, other, nan_to_num=True) -> None:
        """Stack ``other`` in place with gammapy's rules (its data only where its
        ``mask_safe`` is True; masks ORed; the stacked alpha is
        ``sum(alpha * off) / sum(off)``).

        Parameters
        ----------
        other : `MapDatasetOnOff`
            On the same geometry, or a cutout on the same pixel grid (gammapy's
            ``geoms``/``from_geoms``): outside it nothing is added. GTIs: their union.
        nan_to_num : bool, optional
            Non-finite values (of both datasets) count as 0. Default True.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=0.1, axes=[axis])
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0),
        ...     counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),  # alpha = 0.25
        ...     mask_safe=Map.from_geom(geom, data=True, dtype=bool),
        ... )
        >>> on_off.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> other = on_off.to_masked(name="other")
        >>> other.acceptance_off.data[...] = 2  # alpha = 0.5
        >>> on_off.stack(other)
        >>> on_off.counts.data[:, 0, 0].tolist()  # other's low-energy bin is not safe
        [10.0, 20.0]
        >>> float(on_off.alpha.data[1, 0, 0])  # (0.25 * 20 + 0.5 * 20) / 40
        0.375
        """
        from . import onoff_reduce

        onoff_reduce.stack(self, other, nan_to_num=nan_to_num)

    def to_masked(self, name=None, nan_to_num=True) -> MapDatasetOnOff:
        """A copy with the data outside ``mask_safe`` set to zero.

        Parameters
        ----------
        name : str, optional
            Name of the new dataset; default a random name, as gammapy.
        nan_to_num : bool, optional
            Non-finite values count as 0. Default True.

        Returns
        -------
        MapDatasetOnOff

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=4, binsz=0.1, axes=[axis])
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0),
        ...     counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),  # alpha = 0.25
        ...     mask_safe=Map.from_geom(geom, data=True, dtype=bool),
        ... )
        >>> on_off.mask_safe.data[0] = False  # the low-energy bin is not safe
        >>> masked = on_off.to_masked(name="masked")
        >>> masked.counts.data[:, 0, 0].tolist(), masked.counts_off.data[:, 0, 0].tolist()
        ([0.0, 10.0], [0.0, 20.0])
        """
        from . import onoff_reduce

        return onoff_reduce.to_masked(self, name=name, nan_to_num=nan_to_num)

    # ------------------------------------------------------------------ derived maps
    @property
    def geom(self):
        """The reference geometry (that of ``counts``).

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> on_off.geom.npix
        (3, 3)
        """
        return self.counts.geom

    @property
    def data_shape(self) -> tuple[int, ...]:
        """Shape of the counts data (numpy order: energy, lat, lon), as gammapy's.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        >>> geom = WcsGeom.create(npix=(4, 3), binsz=0.1, axes=[axis])
        >>> MapDatasetOnOff.create(geom).data_shape
        (2, 3, 4)
        """
        return tuple(self.geom.data_shape)

    @property
    def mask(self) -> Map | None:
        """``mask_safe & mask_fit`` (whichever exist); None if neither exists.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> on_off.mask is None
        True
        """
        masks = [m.data for m in (self.mask_safe, self.mask_fit) if m is not None]
        if not masks:
            return None
        return Map.from_geom(self.geom, data=np.logical_and.reduce(masks))

    @property
    def alpha(self) -> Map:
        """``acceptance / acceptance_off``; NaN where there is no OFF acceptance.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> float(on_off.alpha.data[0, 0])
        0.25
        """
        on, off = self.acceptance.data, self.acceptance_off.data
        with np.errstate(divide="ignore", invalid="ignore"):
            data = np.where(off > 0, on / np.where(off > 0, off, 1.0), np.nan)
        return Map.from_geom(self.geom, data=data)

    @property
    def background(self) -> Map:
        """Background in the ON voxel estimated from OFF: ``alpha * counts_off``.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> float(on_off.background.data[0, 0])
        5.0
        """
        return Map.from_geom(self.geom, data=self.alpha.data * self.counts_off.data)

    @property
    def excess(self) -> Map:
        """``counts - alpha * counts_off``.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> float(on_off.excess.data[0, 0])
        5.0
        """
        return Map.from_geom(self.geom, data=self.counts.data - self.background.data)

    # ------------------------------------------------------------------ significance
    def li_ma_significance(self, correlation_radius=None, *, per_energy=False, method="auto"):
        """Li & Ma (1983, eq. 17) significance map: ``ExcessMapEstimator(...).run(self).sqrt_ts``.

        One implementation: this is the ``sqrt_ts`` map of
        `~skymask.estimators.ExcessMapEstimator` (gammapy's WStat statistics, which equal Li &
        Ma's equation 17 without a signal model, and gammapy's correlated
        ``alpha = C(alpha_pixel * counts_off) / C(counts_off)``).

        Parameters
        ----------
        correlation_radius : angle, optional
            Top-hat radius of the sums (every pixel centre within it). None: no correlation.
        per_energy : bool
            Keyword only. False (default): the energy bins are summed first and the result has
            one energy bin (as ExcessMapEstimator's default); True: one map per bin.
        method : {"auto", "direct", "fft"}
            How the top-hat sums are computed.

        Returns
        -------
        `~skymask.maps.Map`
            Float64 significance; NaN outside ``mask`` and where no OFF counts enter.

        Examples
        --------
        >>> from skymask.datasets import MapDatasetOnOff
        >>> from skymask.maps import Map, WcsGeom
        >>> geom = WcsGeom.create(npix=3, binsz=0.1)
        >>> on_off = MapDatasetOnOff(
        ...     counts=Map.from_geom(geom, data=10.0), counts_off=Map.from_geom(geom, data=20.0),
        ...     acceptance=Map.from_geom(geom, data=1.0),
        ...     acceptance_off=Map.from_geom(geom, data=4.0),
        ... )
        >>> round(float(on_off.li_ma_significance().data[1, 1]), 4)
        1.7099
        """
        from ..estimators.significance import li_ma_significance_map

        return li_ma_significance_map(
            self, correlation_radius, per_energy=per_energy, method=method
        )

    def __repr__(self):
        lines = [f"MapDatasetOnOff {self.name!r}", f"    geom          : {self.geom!r}"]
        for name in ("counts", "counts_off", "acceptance", "acceptance_off"):
            lines.append(f"    {name:<14}: total {np.nansum(getattr(self, name).data):.6g}")
        for name in ("mask_safe", "mask_fit"):
            m = getattr(self, name)
            text = "none" if m is None else f"{int(m.data.sum())} of {m.data.size} True"
            lines.append(f"    {name:<14}: {text}")
        return "\n".join(lines)
