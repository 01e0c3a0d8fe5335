"""`RingBackgroundMaker`: OFF counts and acceptance from a ring around every pixel.

For every voxel the OFF region is the ring ``r_in <= d <= r_in + width`` around its pixel
(both edges included; ``d`` the angular offset of the pixel centres, from the pixel scale of
the geometry), in the same energy bin. Excluded pixels and pixels outside ``mask_safe`` are
left out of the ring sums. The result is a `MapDatasetOnOff` with
``alpha = acceptance / acceptance_off``.
"""

from __future__ import annotations

import functools

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle

from ..datasets import MapDataset
from ..datasets.checks import require_maps
from ..datasets.map_dataset_onoff import MapDatasetOnOff
from ..kernels import correlation
from ..maps import Map
from ..utils.units import as_angle, describe
from .exclusion import check_exclusion_mask, check_fill_value, exclusion_on_geom

__all__ = ["RingBackgroundMaker"]


class RingBackgroundMaker:
    """Estimate the background of each pixel from a ring around it.

    Parameters
    ----------
    r_in : angle
        Inner ring radius (str such as ``"0.5 deg"``, Quantity, or degrees), >= 0.
    width : angle
        Ring width, >= 0; the outer radius is ``r_in + width``. Both edges are inclusive
        (as astropy's ``Ring2DKernel``, which gammapy uses).
    exclusion_mask : bool `~skymask.maps.Map`, optional
        True where the OFF counts may be taken, on any geometry (reprojected onto the dataset
        by nearest pixel).
    fill_value : bool
        Keyword only. Exclusion value of dataset pixels outside the exclusion mask's footprint.
        Default False: they are left out of every ring. (gammapy 2.1 turns every OFF value NaN
        when the mask does not cover the dataset.)
    method : {"auto", "direct", "fft"}
        Keyword only. How the ring sums are computed (a difference of two top-hat sums: FFT,
        or running row sums; "auto" picks the faster). The results agree to round-off.

    Examples
    --------
    >>> from skymask.datasets import MapDataset
    >>> from skymask.maps import MapAxis, WcsGeom
    >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
    >>> dataset = MapDataset.create(WcsGeom.create(npix=21, binsz=0.1, axes=[axis]),
    ...                             background=1.0)
    >>> on_off = RingBackgroundMaker("0.3 deg", "0.2 deg").run(dataset)
    >>> float(on_off.acceptance_off.data[0, 10, 10]), float(on_off.alpha.data[0, 10, 10])
    (56.0, 0.017857142857142856)
    """

    tag = "RingBackgroundMaker"

    def __init__(self, r_in, width, exclusion_mask=None, *, fill_value=False, method="auto"):
        self.r_in = as_angle(r_in, name="r_in", scalar=True, finite=True, sign="non-negative")
        self.width = as_angle(width, name="width", scalar=True, finite=True, sign="non-negative")
        self.exclusion_mask = check_exclusion_mask(exclusion_mask)
        self.fill_value = check_fill_value(fill_value)
        if method not in ("auto", "direct", "fft"):
            raise ValueError(f"method must be 'auto', 'direct' or 'fft', got {method!r}")
        self.method = method

    @property
    def r_out(self) -> Angle:
        """Outer radius of the ring: ``r_in + width``.

        Examples
        --------
        >>> from skymask.makers import RingBackgroundMaker
        >>> RingBackgroundMaker("0.3 deg", "0.2 deg").r_out
        <Angle 0.5 deg>
        """
        return Angle(self.r_in.deg + self.width.deg, u.deg)

    def __repr__(self):
        mask = "None" if self.exclusion_mask is None else "<bool Map>"
        return (
            f"{type(self).__name__}(r_in='{self.r_in.deg:g} deg', width='{self.width.deg:g} deg', "
            f"exclusion_mask={mask}, fill_value={self.fill_value})"
        )

    # ------------------------------------------------------------------ pieces
    def radii_pix(self, geom) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((r_in_x, r_in_y), (r_out_x, r_out_y))`` in pixels of ``geom`` (1e-9 rounded).

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            The sky grid.

        Returns
        -------
        tuple
            Inner and outer radius in pixels, each as ``(x, y)``.

        Examples
        --------
        >>> from skymask.makers import RingBackgroundMaker
        >>> from skymask.maps import WcsGeom
        >>> (r_in, _), (r_out, _) = RingBackgroundMaker("0.3 deg", "0.2 deg").radii_pix(
        ...     WcsGeom.create(npix=10, binsz=0.1)
        ... )
        >>> float(r_in), float(r_out)
        (3.0, 5.0)
        """
        inner = tuple(geom.width_in_pixels(self.r_in))
        outer = tuple(geom.width_in_pixels(self.r_out))
        return inner, outer

    def kernel(self, geom) -> np.ndarray:
        """The ring footprint on the pixel grid of ``geom`` (bool array, centre at the middle).

        Parameters
        ----------
        geom : `~skymask.maps.WcsGeom`
            The sky grid.

        Returns
        -------
        `numpy.ndarray` of bool
            The footprint.

        Examples
        --------
        >>> from skymask.maps import WcsGeom
        >>> geom = WcsGeom.create(npix=10, binsz=0.1)
        >>> int(RingBackgroundMaker("0.1 deg", "0.1 deg").kernel(geom).sum())
        12
        """
        inner, outer = self.radii_pix(geom)
        return correlation.RingCorrelator(inner, outer, (1, 1)).kernel

    def make_exclusion_mask(self, dataset) -> Map:
        """The exclusion mask on the dataset geometry (all True without a mask).

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            The dataset whose geometry the mask is put on.

        Returns
        -------
        `~skymask.maps.Map`
            A bool map, True where the pixels may be used.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import RingBackgroundMaker
        >>> mask = RingBackgroundMaker("0.1 deg", "0.1 deg").make_exclusion_mask(dataset)
        >>> bool(mask.data.all())
        True
        """
        geom = dataset.counts.geom
        return Map.from_geom(
            geom, data=exclusion_on_geom(self.exclusion_mask, geom, self.fill_value)
        )

    def make_maps_off(self, dataset) -> dict:
        """``counts_off`` and ``acceptance_off`` maps of the dataset, and the OFF mask used.

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            Needs counts and background.

        Returns
        -------
        dict
            ``{"counts_off": Map, "acceptance_off": Map, "mask_off": Map}``.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import RingBackgroundMaker
        >>> maps = RingBackgroundMaker("0.1 deg", "0.1 deg").make_maps_off(dataset)
        >>> sorted(maps), float(maps["counts_off"].data[0, 2, 2])
        (['acceptance_off', 'counts_off', 'mask_off'], 36.0)
        """
        counts, background = _require(dataset)
        geom = counts.geom
        allowed = exclusion_on_geom(self.exclusion_mask, geom, self.fill_value)
        if dataset.mask_safe is not None:
            allowed = allowed & dataset.mask_safe.data
        _check_finite(dataset.name, "counts", counts.data, allowed)
        _check_finite(dataset.name, "background", background.data, allowed)
        if np.any(allowed & (counts.data < 0)) or np.any(allowed & (background.data < 0)):
            raise ValueError(
                f"dataset {dataset.name!r} has negative counts or background where they enter "
                "the ring sums; both must be >= 0"
            )
        inner, outer = self.radii_pix(geom)
        planes = (-1, *geom.data_shape_image)
        allowed_planes = allowed.reshape(planes)
        # Both sums in one call: one transform of the ring, one FFT call for all planes.
        stack = np.concatenate(
            [
                np.asarray(counts.data, dtype=float).reshape(planes),
                np.asarray(background.data, dtype=float).reshape(planes),
            ]
        )
        n = allowed_planes.shape[0]
        ring = _ring_correlator(
            tuple(inner), tuple(outer), tuple(geom.data_shape_image), self.method
        )
        sums = correlation.ring_sums(
            stack, np.concatenate([allowed_planes] * 2), inner, outer, correlator=ring
        )
        counts_off, acceptance_off = sums[:n], sums[n:]
        positive = allowed_planes & (background.data.reshape(planes) > 0)
        _zero_without_positive_acceptance(acceptance_off, positive, inner, outer, self.method)
        shape = geom.data_shape
        return {
            "counts_off": Map.from_geom(geom, data=counts_off.reshape(shape)),
            "acceptance_off": Map.from_geom(geom, data=acceptance_off.reshape(shape)),
            "mask_off": Map.from_geom(geom, data=allowed),
        }

    # ------------------------------------------------------------------ run
    def run(self, dataset: MapDataset, observation=None) -> MapDatasetOnOff:
        """The on/off dataset: ON = the dataset's counts, OFF = the ring sums.

        Parameters
        ----------
        dataset : `~skymask.datasets.MapDataset`
            Needs counts and background (the acceptance).
        observation : ignored
            Accepted for gammapy compatibility.

        Returns
        -------
        `MapDatasetOnOff`
            ``counts`` (copy), ``counts_off``, ``acceptance`` (the background, copied),
            ``acceptance_off``, ``mask_safe`` = the input's mask_safe and ``acceptance_off >
            0``, ``mask_fit`` (copy) and ``exposure`` (copy). The input is not changed.

        Examples
        --------
        >>> from skymask.datasets import MapDataset
        >>> from skymask.maps import MapAxis, WcsGeom
        >>> axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=1)
        >>> geom = WcsGeom.create(npix=5, binsz=0.1, axes=[axis])
        >>> dataset = MapDataset.create(geom, background=2.0)
        >>> dataset.counts.data[...] = 3.0
        >>> from skymask.makers import RingBackgroundMaker
        >>> on_off = RingBackgroundMaker("0.1 deg", "0.1 deg").run(dataset)
        >>> float(on_off.counts_off.data[0, 2, 2]), float(on_off.acceptance_off.data[0, 2, 2])
        (36.0, 24.0)
        """
        if not isinstance(dataset, MapDataset):
            raise TypeError(f"dataset must be a MapDataset, got {describe(dataset)}")
        maps = self.make_maps_off(dataset)
        geom = dataset.counts.geom
        has_off = maps["acceptance_off"].data > 0
        safe = has_off if dataset.mask_safe is None else dataset.mask_safe.data & has_off
        return MapDatasetOnOff(
            counts=dataset.counts.copy(),
            counts_off=maps["counts_off"],
            acceptance=dataset.npred_background(),
            acceptance_off=maps["acceptance_off"],
            mask_safe=Map.from_geom(geom, data=safe),
            mask_fit=None if dataset.mask_fit is None else dataset.mask_fit.copy(),
            exposure=None if dataset.exposure is None else dataset.exposure.copy(),
            name=dataset.name,
            meta={
                "maker": self.tag,
                "r_in": f"{self.r_in.deg:g} deg",
                "width": f"{self.width.deg:g} deg",
                "fill_value": self.fill_value,
            },
        )


@functools.lru_cache(maxsize=4)
def _ring_correlator(inner, outer, image_shape, method):
    """The ring correlator (its kernel transform), kept for repeated runs on one geometry."""
    return correlation.RingCorrelator(inner, outer, image_shape, method)


#: At most this many suspect pixels are checked one by one (else one more ring sum).
_MAX_SUSPECTS = 20000


def _zero_without_positive_acceptance(acceptance_off, positive, inner, outer, method):
    """Set ``acceptance_off`` to exactly 0 where the ring holds no positive allowed background.

    FFT round-off must not turn "no OFF acceptance" into a tiny positive number. Only pixels
    whose sum is tiny can be such places (a true sum is at least one positive background
    value): those are checked exactly, against the ring footprint; if there are very many,
    the ring sum of ``positive`` decides instead.
    """
    scale = float(acceptance_off.max(initial=0.0))
    suspects = np.nonzero(acceptance_off <= 1e-6 * scale)
    if len(suspects[0]) > _MAX_SUSPECTS:
        n_positive = correlation.ring_sums(positive.astype(float), positive, inner, outer, method)
        acceptance_off[n_positive == 0] = 0.0
        return
    if len(suspects[0]) == 0:
        return
    kernel = correlation.RingCorrelator(inner, outer, (1, 1)).kernel
    ky, kx = kernel.shape
    padded = np.pad(positive, ((0, 0), (ky // 2, ky // 2), (kx // 2, kx // 2)))
    k, y, x = suspects
    dy, dx = np.nonzero(kernel)
    # padded[k, y + dy, x + dx] is the pixel at offset (dy - ky // 2, dx - kx // 2).
    hits = padded[k[:, None], y[:, None] + dy, x[:, None] + dx].any(axis=1)
    acceptance_off[k[~hits], y[~hits], x[~hits]] = 0.0


def _require(dataset):
    require_maps(
        dataset,
        ("counts", "background"),
        needed_by="the ring background (counts and a background template, the acceptance)",
    )
    # gammapy's acceptance: the predicted background (the template times the FoV norm).
    return dataset.counts, dataset.npred_background()


def _check_finite(dataset_name, name, data, allowed):
    bad = allowed & ~np.isfinite(data)
    if np.any(bad):
        raise ValueError(
            f"dataset {dataset_name!r} has {int(np.count_nonzero(bad))} non-finite {name} values "
            "where they enter the ring sums; set mask_safe to False there"
        )
