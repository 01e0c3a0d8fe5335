"""Geometry transforms behind the `WcsGeom` methods: cutouts, padding, cropping, resampling.

Every function takes a `~skymask.maps.WcsGeom` and returns a new one (geometries are
immutable). The pixel grids follow gammapy 2.1 exactly, so that maps cut, padded or
down-sampled here stay aligned with gammapy's:

- padding by ``p`` pixels moves the reference pixel by ``+p``, cropping by ``-p``;
- down-sampling by ``f`` multiplies the pixel size by ``f`` and maps reference pixel ``r`` to
  ``(r - 0.5) / f + 0.5`` (FITS pixel edges stay edges); up-sampling is the inverse;
- cutouts are `astropy.nddata.Cutout2D` geometries, and `cutout_slices` the
  `astropy.nddata.overlap_slices` of the cutout's centre in the parent.

Non-spatial axes are transformed with the `MapAxis` rules of gammapy (``edges[::factor]``
for down-sampling; pixel-coordinate extension for padding).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

from ..utils.units import as_angle, as_count, describe
from .axes import MapAxis

__all__ = [
    "crop",
    "cutout",
    "cutout_slices",
    "data_nbytes",
    "downsample",
    "from_aligned",
    "pad",
    "resample_axis",
    "to_binsz",
    "to_even_npix",
    "to_odd_npix",
    "upsample",
]


def _new(geom, wcs=None, npix=None, axes=None):
    cls = type(geom)
    return cls(
        geom.wcs if wcs is None else wcs,
        geom.npix if npix is None else npix,
        axes=list(geom.axes) if axes is None else axes,
    )


def _pixel_pair(value, name, *, allow_zero=True) -> tuple[int, int]:
    """A pixel count or an (x, y) pair of counts as two non-negative ints."""
    if isinstance(value, (str, bytes, u.Quantity)):
        raise TypeError(
            f"{name} must be a number of pixels or an (x, y) pair of them, got {describe(value)}"
        )
    values = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
    if values.size == 1:
        values = np.repeat(values, 2)
    if values.size != 2:
        raise ValueError(f"{name} must be one pixel count or an (x, y) pair, got {value!r}")
    if not np.all(np.isfinite(values)) or np.any(np.mod(values, 1) != 0):
        raise ValueError(f"{name} must be whole numbers of pixels, got {values.tolist()}")
    minimum = 0 if allow_zero else 1
    if np.any(values < minimum):
        raise ValueError(f"{name} must be >= {minimum} pixels, got {values.tolist()}")
    return int(values[0]), int(values[1])


def _scaled_wcs(wcs, factor: float):
    """The WCS with pixels ``factor`` times larger (FITS pixel edges kept)."""
    wcs = wcs.deepcopy()
    if wcs.wcs.has_cd():
        wcs.wcs.cd = wcs.wcs.cd * factor
    else:
        wcs.wcs.cdelt = wcs.wcs.cdelt * factor
    wcs.wcs.crpix = (wcs.wcs.crpix - 0.5) / factor + 0.5
    wcs.wcs.set()
    return wcs


def _shifted_wcs(wcs, shift):
    wcs = wcs.deepcopy()
    wcs.wcs.crpix = wcs.wcs.crpix + np.asarray(shift, dtype=float)
    wcs.wcs.set()
    return wcs


# ---------------------------------------------------------------------- axes (gammapy rules)
def axis_groups(axis: MapAxis, new_axis: MapAxis) -> tuple[MapAxis, np.ndarray]:
    """The axis ``new_axis`` snaps to on ``axis``'s edges, and the old edge index of each of
    its edges (new bin ``j`` groups the old bins ``index[j]`` to ``index[j + 1] - 1``).

    As gammapy's ``MapAxes.resample`` (``MapAxis.group_table``): every new edge snaps to the
    nearest old edge, clipped to the old range; duplicates merge.
    """
    if axis.node_type != "edges":
        raise ValueError(f"only an axis of bin edges can be regrouped, {axis.name!r} has nodes")
    old = axis.edges.to_value(axis.unit)
    new = new_axis.edges.to_value(new_axis.unit) * new_axis.unit.to(axis.unit)
    pix = np.clip(axis.coord_to_pix(u.Quantity(new, axis.unit)), -0.5, axis.nbin - 0.5)
    index = np.unique(np.round(pix + 0.5).astype(int))
    if index.size < 2:
        unit = f" {axis.unit}" if str(axis.unit) else ""  # no trailing blank when unitless
        raise ValueError(
            f"the new axis {new_axis.name!r} ({new[0]:g} to {new[-1]:g}{unit}) does not "
            f"span one bin of the map's axis ({old[0]:g} to {old[-1]:g}{unit})"
        )
    edges = u.Quantity(old[index], axis.unit)
    resampled = MapAxis.from_edges(edges, interp=new_axis.interp, name=axis.name)
    return resampled, index


# ---------------------------------------------------------------------- spatial transforms
def pad(geom, pad_width, axis_name=None):
    """See `WcsGeom.pad`."""
    if axis_name is not None:
        axis = geom.axes[axis_name]
        return geom.replace_axis(axis.pad(pad_width))
    px, py = _pixel_pair(pad_width, "pad_width")
    nx, ny = geom.npix
    return _new(geom, wcs=_shifted_wcs(geom.wcs, (px, py)), npix=(nx + 2 * px, ny + 2 * py))


def crop(geom, crop_width):
    """See `WcsGeom.crop`."""
    cx, cy = _pixel_pair(crop_width, "crop_width")
    nx, ny = geom.npix
    if nx - 2 * cx < 1 or ny - 2 * cy < 1:
        raise ValueError(
            f"cropping {(cx, cy)} pixels from each side of a {nx} x {ny} image leaves no pixel"
        )
    return _new(geom, wcs=_shifted_wcs(geom.wcs, (-cx, -cy)), npix=(nx - 2 * cx, ny - 2 * cy))


def downsample(geom, factor, axis_name=None):
    """See `WcsGeom.downsample`."""
    factor = as_count(factor, name="factor", minimum=1)
    if axis_name is not None:
        return geom.replace_axis(geom.axes[axis_name].downsample(factor))
    nx, ny = geom.npix
    if nx % factor or ny % factor:
        raise ValueError(
            f"the image size {nx} x {ny} is not divisible by factor {factor}: pad or crop "
            "the geometry first (geom.pad, geom.crop) or choose another factor"
        )
    return _new(geom, wcs=_scaled_wcs(geom.wcs, factor), npix=(nx // factor, ny // factor))


def upsample(geom, factor, axis_name=None):
    """See `WcsGeom.upsample`."""
    factor = as_count(factor, name="factor", minimum=1)
    if axis_name is not None:
        return geom.replace_axis(geom.axes[axis_name].upsample(factor))
    nx, ny = geom.npix
    return _new(geom, wcs=_scaled_wcs(geom.wcs, 1.0 / factor), npix=(nx * factor, ny * factor))


def resample_axis(geom, axis):
    """See `WcsGeom.resample_axis`."""
    if not isinstance(axis, MapAxis):
        raise TypeError(f"axis must be a MapAxis, got {describe(axis)}")
    resampled, _ = axis_groups(geom.axes[axis.name], axis)
    return geom.replace_axis(resampled)


def _cutout_npix(geom, width, odd_npix, min_npix):
    width_deg = as_angle(width, name="width", finite=True, pair=True).deg
    npix = np.clip(width_deg / geom.pixel_scales.deg, min_npix, None)
    if odd_npix:
        npix = np.ceil(npix) // 2 * 2 + 1
    return npix


def cutout(geom, position, width, mode="trim", odd_npix=False, min_npix=1):
    """See `WcsGeom.cutout`."""
    return cutout_with_slices(geom, position, width, mode, odd_npix, min_npix)[0]


def cutout_with_slices(geom, position, width, mode="trim", odd_npix=False, min_npix=1):
    """The cutout geometry and its `cutout_slices` (parent, cutout), from one `Cutout2D`.

    The slices equal ``cutout_slices(cut, geom, mode)``: both are `overlap_slices` of the
    same pixel block; taking them from the `Cutout2D` saves the sky round trip.
    """
    from astropy.nddata import Cutout2D

    npix = _cutout_npix(geom, width, odd_npix, min_npix)
    dummy = np.broadcast_to(np.bool_(False), geom.data_shape_image)
    cut = Cutout2D(dummy, position, size=tuple(npix[::-1]), wcs=geom.wcs, mode=mode)
    ny, nx = cut.shape
    return _new(geom, wcs=cut.wcs, npix=(nx, ny)), cut.slices_original, cut.slices_cutout


def cutout_slices(geom, parent_geom, mode="partial"):
    """See `WcsGeom.cutout_slices`."""
    from astropy.nddata.utils import overlap_slices

    if mode not in ("trim", "partial", "strict"):
        raise ValueError(f"mode must be 'trim', 'partial' or 'strict', got {mode!r}")
    x, y = parent_geom.to_image().coord_to_pix(geom.center_skydir)
    parent, cut = overlap_slices(
        large_array_shape=parent_geom.data_shape_image,
        small_array_shape=geom.data_shape_image,
        position=(float(y[0]), float(x[0])),
        mode=mode,
    )
    return {"parent-slices": parent, "cutout-slices": cut}


def from_aligned(cls, geom, skydir, width):
    """See `WcsGeom.from_aligned`."""
    width_deg = as_angle(width, name="width", finite=True, pair=True).deg
    npix = np.round(width_deg / geom.pixel_scales.deg).astype(int)
    x, y = geom.to_image().coord_to_pix(skydir)
    crpix = geom.wcs.wcs.crpix
    xref = int(np.floor(-x[0] + npix[0] / 2.0)) + crpix[0]
    yref = int(np.floor(-y[0] + npix[1] / 2.0)) + crpix[1]
    wcs = geom.wcs.deepcopy()
    wcs.wcs.crpix = [xref, yref]
    wcs.wcs.set()
    return cls(wcs, (int(npix[0]), int(npix[1])), axes=list(geom.axes))


def to_binsz(geom, binsz):
    """See `WcsGeom.to_binsz`."""
    return type(geom).create(
        skydir=geom.center_skydir,
        binsz=binsz,
        width=tuple(geom.width),
        proj=geom.projection,
        frame=geom.frame,
        axes=list(geom.axes),
    )


def _round_up(value, odd):
    value = np.ceil(np.asarray(value, dtype=float))
    if odd:
        return (value // 2 * 2 + 1).astype(int)
    return (value + value % 2).astype(int)


def to_odd_npix(geom, max_radius=None):
    """See `WcsGeom.to_odd_npix`."""
    if max_radius is None:
        width = geom.width.deg.max()
    else:
        width = 2 * as_angle(max_radius, name="max_radius", finite=True).deg
    binsz = geom.pixel_scales.deg.max()
    npix = int(_round_up(round(width / binsz, 9), odd=True))
    return _square(geom, binsz, npix)


def to_even_npix(geom):
    """See `WcsGeom.to_even_npix`."""
    binsz = geom.pixel_scales.deg.max()
    npix = int(_round_up(round(geom.width.deg.max() / binsz, 9), odd=False))
    return _square(geom, binsz, npix)


def _square(geom, binsz, npix):
    return type(geom).create(
        skydir=geom.center_skydir,
        binsz=binsz,
        npix=npix,
        proj=geom.projection,
        frame=geom.frame,
        axes=list(geom.axes),
    )


def data_nbytes(geom, dtype="float32") -> u.Quantity:
    """See `WcsGeom.data_nbytes`."""
    itemsize = np.dtype(dtype).itemsize
    return (int(np.prod(geom.data_shape, dtype=np.int64)) * itemsize * u.byte).to("MB")
