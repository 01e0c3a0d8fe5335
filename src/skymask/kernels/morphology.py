"""Binary erosion and dilation with disk and box kernels, at a cost independent of the radius.

Definitions (DESIGN D3/D4). The offset between two pixel centres is (dx, dy) pixels; with
pixel sizes (sx, sy) its length is ``hypot(dx * sx, dy * sy)``.

* disk: an offset is inside the kernel iff its length is <= ``radius``;
* box: an offset is inside iff ``|dx * sx| <= radius`` and ``|dy * sy| <= radius``.

Dilation makes a pixel True iff some True pixel lies at an offset inside the kernel. Erosion
keeps a pixel iff every pixel at an offset inside the kernel is True, pixels outside the map
counting as False. Both act on each image plane (the last two axes) separately.

The disk is the one footprint of `skymask.kernels.footprint` (a relative tolerance of
`RELATIVE_TOLERANCE`, 1e-9: an offset whose length exceeds the radius by less than that
fraction counts as inside), so 0.3 deg on a 0.1 deg grid is exactly 3 pixels, with the pixels
at exactly 3 pixels (and the 3-4-5 triangles of a 0.5 deg radius) inside. The radius may be
one number (in the unit of ``pixel_size``) or an ``(x, y)`` pair, for example the per-axis
pixel radii of `skymask.maps.WcsGeom.width_in_pixels`.

How it stays fast: a disk up to `SPAN_MAX_HALF_HEIGHT` pixel offsets across (along rows, or
along columns for an ellipse that is narrower that way) is applied as row spans on bit-packed
rows (`skymask.kernels.disk_spans`: exact Boolean logic, 64 pixels per word operation; the cost
grows slowly with the radius); larger disks use the exact Euclidean feature transform of
`scipy.ndimage.distance_transform_edt` (nearest True pixel for dilation, nearest False pixel
for erosion), O(pixels) for any radius. The crossover was measured (``benchmarks/README.md``,
``benchmarks/compare_distance_transforms.py``). The box uses separable running max/min filters
(`scipy.ndimage.maximum_filter1d`), O(pixels) per axis for any width.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_kernel, check_mask, check_pixel_size, check_radius
from .disk_spans import SPAN_MAX_HALF_HEIGHT, span_morphology
from .footprint import RELATIVE_TOLERANCE, disk_footprint, half_width
from .footprint import SQUARED_LIMIT as _SQUARED_LIMIT

__all__ = ["RELATIVE_TOLERANCE", "binary_dilate", "binary_erode", "structuring_element"]

# Distances are evaluated in blocks of about this many pixels so that the float temporaries
# stay small next to the map itself (4000 x 1000 maps, many energy planes).
_BLOCK_PIXELS = 1 << 18


def _pixel_radii(function, radius, pixel_size) -> tuple[float, float]:
    """The radius in pixels along x and along y (``radius``: one number or an (x, y) pair)."""
    if np.ndim(radius) == 1 and np.size(radius) == 2 and not hasattr(radius, "unit"):
        radius_x, radius_y = (check_radius(r, function) for r in radius)
    else:
        radius_x = radius_y = check_radius(radius, function)
    pixel_size = check_pixel_size(pixel_size, function)
    return radius_x / pixel_size[0], radius_y / pixel_size[1]


def structuring_element(radius: float, kernel: str = "disk", pixel_size=(1.0, 1.0)) -> np.ndarray:
    """The kernel footprint as an explicit boolean array.

    Parameters
    ----------
    radius : float or (float, float)
        Kernel radius (disk) or half-width (box), >= 0, in the unit of ``pixel_size``; a pair
        gives the radius along x and along y.
    kernel : {"disk", "box"}
        Shape of the kernel.
    pixel_size : float or (float, float)
        Pixel size along x (columns, longitude) and along y (rows, latitude).

    Returns
    -------
    footprint : ndarray of bool, shape (2 * hy + 1, 2 * hx + 1)
        True at the offsets inside the kernel, with the centre at ``[hy, hx]``; ``hx`` and
        ``hy`` are the largest whole offsets inside along x and y.

    Raises
    ------
    TypeError
        If ``radius`` or ``pixel_size`` is not a plain number.
    ValueError
        If ``radius`` is negative or not finite, a pixel size is not positive, or ``kernel``
        is unknown.

    Examples
    --------
    >>> from skymask.kernels.morphology import structuring_element
    >>> structuring_element(1).astype(int)
    array([[0, 1, 0],
           [1, 1, 1],
           [0, 1, 0]])
    >>> int(structuring_element(0.3, pixel_size=(0.1, 0.1)).sum())  # exactly 3 pixels
    29
    >>> structuring_element(0.2, "box", pixel_size=(0.2, 0.1)).shape
    (5, 3)
    """
    function = "structuring_element"
    radius_x, radius_y = _pixel_radii(function, radius, pixel_size)
    kernel = check_kernel(kernel, function)
    if kernel == "box":
        half_x, half_y = half_width(radius_x), half_width(radius_y)
        return np.ones((2 * half_y + 1, 2 * half_x + 1), dtype=bool)
    return disk_footprint(radius_x, radius_y)


def binary_dilate(
    mask: np.ndarray, radius: float, kernel: str = "disk", pixel_size=(1.0, 1.0)
) -> np.ndarray:
    """Exact binary dilation of each image plane with a disk or box kernel.

    A pixel becomes True iff some True pixel centre lies inside the kernel centred on it:
    within ``radius`` (disk, inclusive) or within ``radius`` along each axis (box). The cost
    is bounded whatever the radius (at most about that of one distance transform).

    Parameters
    ----------
    mask : ndarray of bool, shape (..., ny, nx)
        Boolean mask; leading axes are independent image planes.
    radius : float or (float, float)
        Kernel radius (disk) or half-width (box), >= 0, in the unit of ``pixel_size``
        (pixels by default); a pair gives the radius along x and along y. Lengths within
        a relative 1e-9 of the radius count as inside, so 0.3 with pixel size 0.1 is
        exactly 3 pixels.
    kernel : {"disk", "box"}
        Shape of the kernel.
    pixel_size : float or (float, float)
        Pixel size along x (columns, longitude) and along y (rows, latitude); non-square
        pixels give an elliptical disk in pixel units.

    Returns
    -------
    dilated : ndarray of bool, same shape as ``mask``
        A new array; radius 0 returns a copy.

    Raises
    ------
    TypeError
        If ``mask`` is not boolean or ``radius`` is not a plain number.
    ValueError
        If ``mask`` has fewer than 2 dimensions, ``radius`` is negative or not finite, a
        pixel size is not positive, or ``kernel`` is unknown.

    See Also
    --------
    binary_erode, structuring_element

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.kernels.morphology import binary_dilate
    >>> mask = np.zeros((5, 5), dtype=bool)
    >>> mask[2, 2] = True
    >>> binary_dilate(mask, 1).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0]])
    >>> binary_dilate(mask, 1, "box").astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    >>> big = np.zeros((9, 9), dtype=bool)
    >>> big[4, 4] = True
    >>> int(binary_dilate(big, 0.3, pixel_size=(0.1, 0.1)).sum())  # radius of 3 pixels
    29
    """
    return _erode_or_dilate("binary_dilate", mask, radius, kernel, pixel_size, erode=False)


def binary_erode(
    mask: np.ndarray, radius: float, kernel: str = "disk", pixel_size=(1.0, 1.0)
) -> np.ndarray:
    """Exact binary erosion of each image plane with a disk or box kernel.

    A pixel stays True iff every pixel centre inside the kernel centred on it is True:
    within ``radius`` (disk, inclusive) or within ``radius`` along each axis (box). Pixels
    outside the map count as False, so True regions touching the border shrink from it.
    The cost is bounded whatever the radius (at most about that of one distance transform).

    Parameters
    ----------
    mask : ndarray of bool, shape (..., ny, nx)
        Boolean mask; leading axes are independent image planes.
    radius : float or (float, float)
        Kernel radius (disk) or half-width (box), >= 0, in the unit of ``pixel_size``
        (pixels by default); a pair gives the radius along x and along y. Lengths within
        a relative 1e-9 of the radius count as inside, so 0.3 with pixel size 0.1 is
        exactly 3 pixels.
    kernel : {"disk", "box"}
        Shape of the kernel.
    pixel_size : float or (float, float)
        Pixel size along x (columns, longitude) and along y (rows, latitude).

    Returns
    -------
    eroded : ndarray of bool, same shape as ``mask``
        A new array; radius 0 returns a copy.

    Raises
    ------
    TypeError
        If ``mask`` is not boolean or ``radius`` is not a plain number.
    ValueError
        If ``mask`` has fewer than 2 dimensions, ``radius`` is negative or not finite, a
        pixel size is not positive, or ``kernel`` is unknown.

    See Also
    --------
    binary_dilate, structuring_element

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.kernels.morphology import binary_erode
    >>> mask = np.zeros((5, 6), dtype=bool)
    >>> mask[1:4, 1:6] = True  # touches the right-hand border
    >>> binary_erode(mask, 1).astype(int)
    array([[0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]])
    """
    return _erode_or_dilate("binary_erode", mask, radius, kernel, pixel_size, erode=True)


def _erode_or_dilate(function, mask, radius, kernel, pixel_size, *, erode: bool) -> np.ndarray:
    mask = check_mask(mask, function)
    radius_x, radius_y = _pixel_radii(function, radius, pixel_size)
    kernel = check_kernel(kernel, function)
    ny, nx = mask.shape[-2:]
    # A half-width beyond the map size acts like the map size; clamping keeps filter sizes
    # and slices small for absurd radii.
    half_x = min(half_width(radius_x), nx)
    half_y = min(half_width(radius_y), ny)
    if (half_x == 0 and half_y == 0) or mask.size == 0:
        return mask.copy()
    if kernel == "box":
        return _box(mask, half_x, half_y, erode=erode)
    return _disk(mask, radius_x, radius_y, half_x, half_y, erode=erode)


def _box(mask: np.ndarray, half_x: int, half_y: int, *, erode: bool) -> np.ndarray:
    # A box is separable: a running extreme along x, then along y. The constant border
    # (False) is what erosion needs and does not change dilation.
    from scipy import ndimage  # on first use: ~0.05-0.1 s to import, and disks do not need it

    running = ndimage.minimum_filter1d if erode else ndimage.maximum_filter1d
    result = mask
    if half_x:
        result = running(result, 2 * half_x + 1, axis=-1, mode="constant", cval=0)
    if half_y:
        result = running(result, 2 * half_y + 1, axis=-2, mode="constant", cval=0)
    return result


def _disk(
    mask: np.ndarray, radius_x: float, radius_y: float, half_x: int, half_y: int, *, erode: bool
) -> np.ndarray:
    if half_y <= SPAN_MAX_HALF_HEIGHT or half_x <= SPAN_MAX_HALF_HEIGHT:
        # Row spans on bit-packed rows: exact Boolean logic, several times faster than the
        # feature transform up to about this radius (benchmarks/README.md). An ellipse that
        # is short across the columns is transposed so that the spans run along its long axis.
        footprint = _clamped_disk(radius_x, radius_y, half_x, half_y)
        planes = mask.reshape(-1, *mask.shape[-2:])
        if half_y > SPAN_MAX_HALF_HEIGHT:
            planes, footprint = planes.transpose(0, 2, 1), footprint.T
            result = span_morphology(np.ascontiguousarray(planes), footprint, erode=erode)
            return np.ascontiguousarray(result.transpose(0, 2, 1)).reshape(mask.shape)
        return span_morphology(planes, footprint, erode=erode).reshape(mask.shape)
    return _disk_feature_transform(mask, radius_x, radius_y, half_x, half_y, erode=erode)


def _clamped_disk(radius_x: float, radius_y: float, half_x: int, half_y: int) -> np.ndarray:
    """`disk_footprint` cut to offsets within ``half_x`` and ``half_y`` (radii far beyond the
    map give the same result as the map size, without a footprint of that size)."""
    dy, dx = np.ogrid[-half_y : half_y + 1, -half_x : half_x + 1]
    radius_x, radius_y = max(radius_x, 0.5), max(radius_y, 0.5)
    return (dx / radius_x) ** 2 + (dy / radius_y) ** 2 <= _SQUARED_LIMIT


def _disk_feature_transform(
    mask: np.ndarray, radius_x: float, radius_y: float, half_x: int, half_y: int, *, erode: bool
) -> np.ndarray:
    ny, nx = mask.shape[-2:]
    # Below one pixel no offset along that axis can be inside except 0; shrinking the pixel
    # radius to 0.5 keeps exactly that and avoids dividing by a near-zero radius.
    radius_x, radius_y = max(radius_x, 0.5), max(radius_y, 0.5)
    # The feature transform finds nearest pixels in this metric, the same one in which the
    # radius becomes 1, so "nearest is inside" and "some pixel is inside" agree.
    sampling = (1.0 / radius_y, 1.0 / radius_x)
    weights = ((1.0 / radius_x) ** 2, (1.0 / radius_y) ** 2)  # huge radii underflow to 0
    from scipy import ndimage  # on first use (see _box)

    features = np.empty((2, ny, nx), dtype=np.int32)
    result = np.zeros(mask.shape, dtype=bool)
    for plane, out in zip(mask.reshape(-1, ny, nx), result.reshape(-1, ny, nx), strict=True):
        if erode:
            _erode_plane(plane, out, sampling, weights, half_x, half_y, features)
        elif plane.any():  # an empty plane stays empty (and has no feature to find)
            ndimage.distance_transform_edt(
                ~plane,
                sampling=sampling,
                return_distances=False,
                return_indices=True,
                indices=features,
            )
            _nearest_inside(features, weights, (0, ny), (0, nx), out=out)
    return result


def _erode_plane(plane, out, sampling, weights, half_x, half_y, features) -> None:
    ny, nx = plane.shape
    # The nearest outside pixel is always straight across the nearest edge, so "outside is
    # False" only removes a frame of half_y rows and half_x columns; no padding needed.
    rows, cols = (half_y, ny - half_y), (half_x, nx - half_x)
    if rows[0] >= rows[1] or cols[0] >= cols[1]:
        return
    if plane.all():
        out[rows[0] : rows[1], cols[0] : cols[1]] = True
        return
    from scipy import ndimage

    ndimage.distance_transform_edt(
        plane, sampling=sampling, return_distances=False, return_indices=True, indices=features
    )
    kept = out[rows[0] : rows[1], cols[0] : cols[1]]
    _nearest_inside(features, weights, rows, cols, out=kept)
    np.logical_not(kept, out=kept)


def _nearest_inside(
    features: np.ndarray,
    weights: tuple[float, float],
    rows: tuple[int, int],
    cols: tuple[int, int],
    *,
    out: np.ndarray,
) -> None:
    """Set ``out`` to whether each pixel's nearest feature (from the feature transform) is
    inside the disk, for the pixels of the block ``rows x cols``.

    Offsets are whole pixels, so the squared offsets are exact and only the weighting by
    the radius carries rounding.
    """
    n_cols = cols[1] - cols[0]
    col_index = np.arange(cols[0], cols[1])
    step = max(1, _BLOCK_PIXELS // max(n_cols, 1))
    square = weights[0] == weights[1] and weights[0] > 0
    if square and max(features.shape[1:]) < 20000 and _SQUARED_LIMIT / weights[0] < 2**30:
        # Square pixels: compare exact integer squared offsets with the largest integer
        # inside the (tolerant) squared radius; int32 arithmetic is faster than float.
        limit = np.int32(math.floor(_SQUARED_LIMIT / weights[0]))
        col_index = col_index.astype(np.int32)
        for start in range(rows[0], rows[1], step):
            stop = min(start + step, rows[1])
            block = (slice(start, stop), slice(cols[0], cols[1]))
            dy = features[0][block] - np.arange(start, stop, dtype=np.int32)[:, None]
            dx = features[1][block] - col_index
            np.multiply(dx, dx, out=dx)
            np.multiply(dy, dy, out=dy)
            dx += dy
            np.less_equal(dx, limit, out=out[start - rows[0] : stop - rows[0]])
        return
    for start in range(rows[0], rows[1], step):
        stop = min(start + step, rows[1])
        block = (slice(start, stop), slice(cols[0], cols[1]))
        dy = (features[0][block] - np.arange(start, stop)[:, None]).astype(np.float64)
        dx = (features[1][block] - col_index).astype(np.float64)
        np.multiply(dx, dx, out=dx)
        np.multiply(dy, dy, out=dy)
        dx *= weights[0]
        dy *= weights[1]
        dx += dy
        np.less_equal(dx, _SQUARED_LIMIT, out=out[start - rows[0] : stop - rows[0]])
