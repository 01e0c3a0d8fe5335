"""Helpers on estimator outputs: `find_peaks` (gammapy's ``gammapy.estimators.utils``)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import scipy.ndimage
from astropy.coordinates import SkyCoord
from astropy.table import Table

from ..maps import Map
from ..utils.units import describe

__all__ = ["find_peaks"]


def find_peaks(image, threshold, min_distance=1) -> Table:
    """Local maxima of an image above a threshold, as gammapy's ``find_peaks``.

    A pixel is a peak if it equals the maximum over the square of half-width ``min_distance``
    around it (outside the image counts as 0) and exceeds ``threshold``. The image is summed
    over its non-spatial axes first (NaN pixels count as 0 there; in an image without axes
    they take the image minimum).

    Parameters
    ----------
    image : `~skymask.maps.Map`
        A flat map (one image; every non-spatial axis has one bin).
    threshold : float or array-like
        Detection threshold (a number, or one value per pixel of the image).
    min_distance : int, str or `~astropy.units.Quantity`
        Minimum distance between peaks: pixels, or an angle converted with the mean pixel
        scale and rounded. Default 1.

    Returns
    -------
    `~astropy.table.Table`
        Columns ``value`` (with the map's unit), ``x``, ``y`` (pixel indices), ``ra``,
        ``dec`` (ICRS, deg), sorted by decreasing value; an empty table without peaks or for
        a constant image.

    Raises
    ------
    TypeError
        If ``image`` is not a Map.
    ValueError
        If the map is not flat or ``min_distance`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.maps import Map, WcsGeom
    >>> image = Map.from_geom(WcsGeom.create(npix=9, binsz=0.1), data=np.zeros((9, 9)))
    >>> image.data[2, 3], image.data[6, 6] = 7.0, 9.0
    >>> table = find_peaks(image, threshold=5, min_distance=2)
    >>> table["value"].tolist(), table["x"].tolist(), table["y"].tolist()
    ([9.0, 7.0], [6, 3], [6, 2])
    """
    if not isinstance(image, Map):
        raise TypeError(f"find_peaks needs a skymask Map, got {describe(image)}")
    if not image.geom.is_flat:
        raise ValueError(
            "find_peaks needs a flat map (one image: every non-spatial axis with one bin), got "
            f"axes {image.geom.axes.names} of shape {image.geom.data_shape}; select one plane "
            "with slice_by_idx or sum it first"
        )
    if isinstance(min_distance, (str, u.Quantity)):
        scales = image.geom.pixel_scales
        ratio = np.mean((u.Quantity(min_distance) / u.Quantity(scales)).to_value(u.one))
        min_distance = int(np.round(ratio))
    if not float(min_distance) >= 0:
        raise ValueError(f"min_distance must be >= 0, got {describe(min_distance)}")
    size = int(2 * int(min_distance) + 1)
    data = np.array(image.data, dtype=float)
    if data.ndim > 2:
        # gammapy's sum_over_axes: NaN is left out of the sum, so a NaN pixel becomes 0.
        data = np.nansum(data.reshape(-1, *data.shape[-2:]), axis=0)
    finite = np.isfinite(data)
    if not finite.all():
        data[~finite] = np.nanmin(data) if finite.any() else 0.0
    if np.all(data == data.flat[0]):
        return Table()
    data_max = scipy.ndimage.maximum_filter(data, size=size, mode="constant")
    y, x = np.nonzero((data == data_max) & (data > threshold))
    if len(x) == 0:
        return Table()
    value = data[y, x]
    coord = SkyCoord.from_pixel(x, y, wcs=image.geom.wcs).icrs
    table = Table()
    table["value"] = value * u.Unit(image.unit)
    table["x"] = x
    table["y"] = y
    table["ra"] = coord.ra
    table["dec"] = coord.dec
    table["ra"].format = ".5f"
    table["dec"].format = ".5f"
    table["value"].format = ".5g"
    table.sort("value")
    table.reverse()
    return table
