"""Operations on connected components: hysteresis thresholding and hole filling.

Components are found in each image plane (the last two axes) separately, with face
neighbours (connectivity 1) or face and diagonal neighbours (connectivity 2). Both functions
label all planes in one `scipy.ndimage.label` call, with a structuring element that has no
neighbours along the leading axes, and decide per component with array lookups, so there is
no Python loop over planes or components.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._checks import check_connectivity, check_mask, check_number

__all__ = ["fill_holes", "hysteresis_threshold"]


def _plane_structure(connectivity: int) -> np.ndarray:
    """3-D structuring element that connects pixels within a plane only."""
    structure = np.zeros((3, 3, 3), dtype=bool)
    structure[1] = ndimage.generate_binary_structure(2, connectivity)
    return structure


def _label_planes(mask: np.ndarray, connectivity: int) -> tuple[np.ndarray, int]:
    """Labels (shape (n_planes, ny, nx), 0 = background) of the components of each plane."""
    planes = mask.reshape(-1, *mask.shape[-2:])
    return ndimage.label(planes, structure=_plane_structure(connectivity))


def hysteresis_threshold(
    image: np.ndarray, low: float, high: float, connectivity: int = 1
) -> np.ndarray:
    """Pixels above ``low`` that are connected to a pixel above ``high``.

    A pixel is kept iff ``image > low`` and its connected component of ``image > low`` (in
    its image plane) contains at least one pixel with ``image > high``. Both comparisons are
    strict and NaN never passes. If ``low > high``, ``low`` is lowered to ``high``. This is
    the rule of scikit-image's ``apply_hysteresis_threshold`` (without the dependency), with
    components kept within image planes.

    Parameters
    ----------
    image : ndarray of real numbers, shape (..., ny, nx)
        The image, for example a significance map; leading axes are independent planes
        (components never join across them).
    low, high : float
        Thresholds; infinite values are allowed.
    connectivity : {1, 2}
        1: pixels sharing an edge are neighbours (4-connectivity); 2: diagonal neighbours
        too (8-connectivity).

    Returns
    -------
    mask : ndarray of bool, same shape as ``image``

    Raises
    ------
    TypeError
        If ``image`` is not real-valued or a threshold is not a plain number.
    ValueError
        If ``image`` has fewer than 2 dimensions, a threshold is NaN, or ``connectivity`` is
        not 1 or 2.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.kernels.components import hysteresis_threshold
    >>> image = np.array([[0, 4, 4, 0, 4],
    ...                   [0, 0, 6, 0, 4],
    ...                   [4, 4, 0, 0, 0]])
    >>> hysteresis_threshold(image, 3, 5).astype(int)
    array([[0, 1, 1, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0]])
    >>> hysteresis_threshold(image, 3, 5, connectivity=2).astype(int)  # diagonals join
    array([[0, 1, 1, 0, 0],
           [0, 0, 1, 0, 0],
           [1, 1, 0, 0, 0]])
    """
    function = "hysteresis_threshold"
    image = np.asarray(image)
    if image.dtype.kind not in "biuf":
        raise TypeError(
            f"{function} needs a real-valued image, got dtype {image.dtype}; "
            "pass a float array such as a significance map"
        )
    if image.ndim < 2:
        raise ValueError(
            f"{function} needs an array with at least 2 dimensions (..., ny, nx), "
            f"got shape {image.shape}"
        )
    low = check_number(low, f"{function} low", allow_infinite=True)
    high = check_number(high, f"{function} high", allow_infinite=True)
    connectivity = check_connectivity(connectivity, function)
    low = min(low, high)
    above_low = image > low
    labels, n_labels = _label_planes(above_low, connectivity)
    # high >= low, so every pixel above high has a non-zero label.
    keep = np.zeros(n_labels + 1, dtype=bool)
    keep[labels[(image > high).reshape(labels.shape)]] = True
    return keep[labels].reshape(image.shape)


def fill_holes(mask: np.ndarray, connectivity: int = 1) -> np.ndarray:
    """Set the holes of each image plane to True.

    A hole is a connected region of False pixels that does not touch the map border. This
    equals `scipy.ndimage.binary_fill_holes` applied to each plane with the 2-D structuring
    element of the same connectivity.

    Parameters
    ----------
    mask : ndarray of bool, shape (..., ny, nx)
        Boolean mask; leading axes are independent image planes.
    connectivity : {1, 2}
        How False pixels connect to each other and to the border: 1 through edges only
        (so a False region that reaches the border only through a corner is a hole), 2 also
        through corners.

    Returns
    -------
    filled : ndarray of bool, same shape as ``mask``

    Raises
    ------
    TypeError
        If ``mask`` is not boolean.
    ValueError
        If ``mask`` has fewer than 2 dimensions or ``connectivity`` is not 1 or 2.

    Examples
    --------
    >>> import numpy as np
    >>> from skymask.kernels.components import fill_holes
    >>> ring = np.array([[0, 0, 0, 0, 0],
    ...                  [0, 1, 1, 1, 0],
    ...                  [0, 1, 0, 1, 0],
    ...                  [0, 1, 1, 1, 0],
    ...                  [0, 0, 0, 0, 0]], dtype=bool)
    >>> fill_holes(ring).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """
    function = "fill_holes"
    mask = check_mask(mask, function)
    connectivity = check_connectivity(connectivity, function)
    if mask.size == 0:
        return mask.copy()
    labels, n_labels = _label_planes(~mask, connectivity)
    reaches_border = np.zeros(n_labels + 1, dtype=bool)
    for edge in (labels[:, 0, :], labels[:, -1, :], labels[:, :, 0], labels[:, :, -1]):
        reaches_border[edge] = True
    # Label 0 marks True pixels: they stay True. Other labels are False regions, which
    # stay False only if they reach the border.
    reaches_border[0] = False
    return (~reaches_border[labels]).reshape(mask.shape)
