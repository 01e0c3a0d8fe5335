"""Morphology kernels on plain boolean and float arrays (no units, no maps).

Erosion and dilation with disk and box kernels at a cost independent of the radius,
hysteresis thresholding and hole filling. Every function acts on each image plane (the last
two axes) separately. The `skymask.maps.Map` methods convert angles to pixel units and call
these.
"""

from .components import fill_holes, hysteresis_threshold
from .erode_dilate import RELATIVE_TOLERANCE, binary_dilate, binary_erode, structuring_element

__all__ = [
    "RELATIVE_TOLERANCE",
    "binary_dilate",
    "binary_erode",
    "fill_holes",
    "hysteresis_threshold",
    "structuring_element",
]
