"""Morphology kernels on plain boolean and float arrays (no units, no maps).

Erosion and dilation with disk and box kernels at a cost independent of the radius,
hysteresis thresholding and hole filling. Every function acts on each image plane (the last
two axes) separately. The `skymask.maps.Map` methods convert angles to pixel units and call
these. The code lives in the kernel layer (`skymask.kernels.morphology`,
`skymask.kernels.components`); this package is their public name.
"""

from ..kernels.components import fill_holes, hysteresis_threshold
from ..kernels.morphology import (
    RELATIVE_TOLERANCE,
    binary_dilate,
    binary_erode,
    structuring_element,
)

__all__ = [
    "RELATIVE_TOLERANCE",
    "binary_dilate",
    "binary_erode",
    "fill_holes",
    "hysteresis_threshold",
    "structuring_element",
]
