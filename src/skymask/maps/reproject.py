"""`Map.interp_to_geom`: a map on another geometry; masks by nearest pixel, others linearly.

Every target pixel centre (and every target bin centre of a non-spatial axis the source also
has) is located in the source map; the value there is looked up (nearest pixel, the only
choice for boolean maps) or interpolated (multi-linear in pixel coordinates, as gammapy's
``interp_by_coord``). Sky positions are converted between frames, so an ICRS exclusion mask
lands correctly on a galactic dataset.

The source footprint is the area its pixels cover: pixel coordinates ``-0.5 <= p < n - 0.5``
on every axis (the rule of `WcsGeom.pix_to_idx`). Target pixels whose centre falls outside it,
or outside the source projection, get ``fill_value``. Between the outermost pixel centres and
the footprint edge, linear interpolation extrapolates from the two outermost pixels (as
gammapy). A NaN in the source spreads to the interpolated values that give it a non-zero
weight.

Non-spatial axes: a source image (no axes) is repeated over every axis of the target. Each
source axis must exist in the target (same name); the source is looked up at the target's bin
centres along it. Target axes the source lacks are repeated over.

The friendly layer is `interp_to_geom`; the plain-array kernel is `nearest_index`,
`linear_stencil` and `sample`, in `skymask.kernels.sampling`.
"""

from __future__ import annotations

import numpy as np

from ..kernels.sampling import METHODS, linear_stencil, nearest_index, sample
from ..utils.units import describe
from .geom import WcsGeom

__all__ = ["METHODS", "interp_to_geom", "linear_stencil", "nearest_index", "sample"]

#: gammapy's default ``fill_value`` of ``interp_to_geom``, kept for non-boolean maps.
DEFAULT_FILL_VALUE = 0


class _Required:
    """Marks ``fill_value`` as not given (None is not a fill value here)."""

    def __repr__(self):
        return "<required for boolean maps>"


REQUIRED = _Required()


# ---------------------------------------------------------------------- friendly layer
def source_pixels(source: WcsGeom, target: WcsGeom) -> tuple[np.ndarray, np.ndarray]:
    """Source pixel coordinates ``(x, y)`` of the target's image pixel centres, shape (ny, nx).

    The target positions are converted to the source frame first; positions outside either
    projection give NaN.
    """
    target_image = target.to_image()
    # Only an exactly equal grid takes the shortcut (geometry equality allows 1e-6 slack).
    if source.npix == target.npix and source.wcs.wcs.compare(target.wcs.wcs, cmp=1):
        return target_image.get_pix()
    coord = target_image.get_coord(frame=source.sky_frame)
    lon, lat = coord.lon.to_value("deg"), coord.lat.to_value("deg")
    x, y = source.wcs.world_to_pixel_values(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _axis_positions(source: WcsGeom, target: WcsGeom, method: str):
    """Per source axis: (target axis index, source pixel coordinates of the target bins)."""
    target_names = [name.lower() for name in target.axes.names]
    plan = []
    for axis in source.axes:
        if axis.name.lower() not in target_names:
            raise ValueError(
                f"the map has a non-spatial axis {axis.name!r} that the target geometry lacks "
                f"(target axes: {target.axes.names}); reduce or slice the map first "
                f"(e.g. m.reduce_over_axes(np.logical_or) for a mask) or give a target geometry "
                f"with an {axis.name!r} axis"
            )
        position = target_names.index(axis.name.lower())
        target_axis = target.axes[position]
        if axis.is_allclose(target_axis):
            pix = np.arange(axis.nbin, dtype=float)
        elif method == "nearest":
            # Bins are half-open [lo, hi): the bin that contains the target bin centre.
            index = axis.coord_to_idx(target_axis.center)
            pix = np.where(index >= 0, index, np.nan).astype(float)
        else:
            pix = axis.coord_to_pix(target_axis.center)
        plan.append((position, pix))
    return plan


def _check_fill(fill_value, dtype, method):
    if dtype.kind == "b":
        if not isinstance(fill_value, (bool, np.bool_)):
            raise TypeError(
                f"fill_value of a boolean map must be True or False, got {describe(fill_value)}: "
                "it is the mask value of target pixels outside the map's footprint"
            )
        return
    if not np.isscalar(fill_value) or isinstance(fill_value, (str, bytes)):
        raise TypeError(f"fill_value must be a number, got {describe(fill_value)}")
    integer_map = method == "nearest" and dtype.kind in "iu"
    if integer_map and not (np.isfinite(fill_value) and float(fill_value) == int(fill_value)):
        raise ValueError(
            f"fill_value {fill_value!r} cannot be stored in a map of dtype {dtype}; give an "
            "integer fill_value, or use method='linear' (float result), or convert the map "
            "to float first"
        )


def interp_to_geom(m, geom, *, fill_value=REQUIRED, method=None):
    """The map ``m`` evaluated at the pixel centres of ``geom``.

    Parameters
    ----------
    m : `~skymask.maps.Map`
        Source map.
    geom : `~skymask.maps.WcsGeom`
        Target geometry (any frame and projection; its non-spatial axes see the module notes).
    fill_value : bool or number, keyword
        Value of target pixels outside ``m``'s footprint. Non-boolean maps default to 0, as
        in gammapy (``np.nan`` marks "no data" instead). Boolean maps need it (True or
        False): what "outside" means for a mask depends on the use (for an exclusion mask,
        ``False`` treats unknown sky as excluded and ``True`` as free), and gammapy's own
        makers disagree on it.
    method : {None, "nearest", "linear"}
        None: nearest pixel for boolean maps, linear otherwise. Boolean maps accept only
        "nearest".

    Returns
    -------
    `~skymask.maps.Map`
        On ``geom``, with the unit and meta of ``m``. Boolean maps stay bool; nearest keeps
        the dtype; linear gives float (float32 stays float32, other types become float64).

    Raises
    ------
    TypeError
        If ``geom`` is not a `WcsGeom`, or ``fill_value`` is of the wrong kind or missing for
        a boolean map.
    ValueError
        If ``method`` is unknown or "linear" for a boolean map, or a non-spatial axis of ``m``
        is missing from ``geom``.

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> from skymask.maps import WcsGeom
    >>> crab = SkyCoord(83.633083, 22.0145, unit="deg", frame="icrs")
    >>> fine = WcsGeom.create(skydir=crab, width=2, binsz=0.02, frame="icrs")
    >>> mask = ~fine.region_mask("icrs;circle(83.633083, 22.0145, 0.3)")
    >>> coarse = WcsGeom.create(skydir=crab, npix=(40, 30), binsz=0.1, frame="galactic")
    >>> [int((~interp_to_geom(mask, coarse, fill_value=f).data).sum()) for f in (False, True)]
    [832, 32]

    The 32 pixels inside the 0.3 deg circle are excluded either way; with ``False`` the 800
    galactic pixels outside the 2 x 2 deg ICRS mask are excluded too.
    """
    if getattr(geom, "is_hpx", False):
        # HEALPix targets: the geometry's own lookup (skymask.maps.hpx builds on this module).
        return geom._interp_map(m, fill_value=fill_value, method=method)
    if not isinstance(geom, WcsGeom):
        raise TypeError(f"geom must be a WcsGeom or HpxGeom, got {describe(geom)}")
    if method is None:
        method = "nearest" if m.is_mask else "linear"
    if method not in METHODS:
        raise ValueError(f"method must be None or one of {METHODS}, got {method!r}")
    if m.is_mask and method != "nearest":
        raise ValueError(
            "boolean maps are reprojected by nearest-pixel lookup only (method='nearest' or "
            "None); for a fractional coverage interpolate a float copy: "
            "Map.from_geom(m.geom, data=m.data.astype(float)).interp_to_geom(...)"
        )
    if fill_value is REQUIRED:
        if m.is_mask:
            raise TypeError(
                "interp_to_geom of a boolean map needs fill_value=True or False: the mask value "
                "of target pixels outside the map's footprint (for an exclusion mask, False "
                "excludes the sky the mask does not describe, True leaves it free)"
            )
        fill_value = DEFAULT_FILL_VALUE
    _check_fill(fill_value, m.data.dtype, method)
    plan = _axis_positions(m.geom, geom, method)
    values = sample(
        m.data, source_pixels(m.geom, geom), [pix for _, pix in plan], method, fill_value
    )
    positions = [position for position, _ in plan]
    data = _to_target_order(values, positions, len(geom.axes))
    data = np.broadcast_to(data, geom.data_shape).copy()
    return m.copy(geom=geom, data=data)


def _to_target_order(values, positions, n_target_axes):
    """Reorder the source-axis dims of ``values`` to the target's, adding the missing axes.

    ``values`` holds source axis ``k`` at dim ``n_source - 1 - k`` (data order), then (ny, nx);
    ``positions[k]`` is the index of the matching target axis.
    """
    n_source = len(positions)
    # Source axes sorted as they appear in the target's data order (descending axis index).
    order = sorted(range(n_source), key=lambda k: positions[k], reverse=True)
    values = np.transpose(values, [n_source - 1 - k for k in order] + [n_source, n_source + 1])
    shape = [1] * n_target_axes
    for j, k in enumerate(order):
        shape[n_target_axes - 1 - positions[k]] = values.shape[j]
    return values.reshape((*shape, *values.shape[-2:]))
