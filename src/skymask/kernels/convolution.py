"""Smoothing and convolution of image planes (scipy.ndimage and scipy.signal).

`smooth_image` applies a Gaussian (standard deviation), a disk (radius; the normalised top-hat
of `astropy.convolution.Tophat2DKernel`, generalised to an ellipse for different widths per
axis) or a box (side length, `scipy.ndimage.uniform_filter`) to one 2-D image; widths are in
pixels, one per axis ``(y, x)``. `convolve_image` is `scipy.signal.convolve` with a
given kernel.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

__all__ = ["KERNELS", "convolve_image", "disk_kernel", "smooth_image"]

#: Kernel names of `smooth_image`.
KERNELS = ("gauss", "disk", "box")


def _odd_size(width: float) -> int:
    """Smallest odd integer >= ``2 * width`` (astropy's kernel size for a top-hat)."""
    size = int(np.ceil(2 * width))
    return size + 1 if size % 2 == 0 else size


def disk_kernel(radius_y: float, radius_x: float) -> np.ndarray:
    """Normalised top-hat: 1 / n on the n pixel centres with ``(x/rx)**2 + (y/ry)**2 <= 1``.

    On square pixels (``radius_y == radius_x == r``) this is astropy's ``Tophat2DKernel(r)``
    normalised to unit integral: a ``(s, s)`` array, ``s`` the smallest odd integer >= 2 r.

    Examples
    --------
    >>> (disk_kernel(1, 1) > 0).astype(int).tolist()
    [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    """
    half_y = _odd_size(radius_y) // 2
    half_x = _odd_size(radius_x) // 2
    y, x = np.mgrid[-half_y : half_y + 1, -half_x : half_x + 1].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (x / radius_x) ** 2 + (y / radius_y) ** 2 <= 1
    inside[half_y, half_x] = True
    return inside / inside.sum()


def smooth_image(image, width, kernel="gauss", output=None, **kwargs) -> np.ndarray:
    """One 2-D image smoothed; ``width`` in pixels, ``(y, x)`` or one for both.

    Parameters
    ----------
    image : ndarray, 2-D
        Converted to float64.
    width : float or (float, float)
        Gaussian standard deviation, disk radius or box side, in pixels.
    kernel : {"gauss", "disk", "box"}
    output : ndarray of float64, optional
        Write the result here (saves a copy: scipy filters straight into it).
    **kwargs
        Passed to `scipy.ndimage.gaussian_filter`, `scipy.ndimage.convolve` (disk) or
        `scipy.ndimage.uniform_filter` (e.g. ``mode="constant"``).

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> import numpy as np
    >>> smooth_image(np.ones((5, 5)), 1.0, "box").sum()
    np.float64(25.0)
    """
    image = np.asarray(image)
    if image.dtype.kind not in "f":
        image = image.astype(float)
    if output is None:
        output = np.empty(image.shape, dtype=np.float64)
    wy, wx = np.broadcast_to(np.asarray(width, dtype=float), (2,))
    # scipy computes each line in double precision whatever the input float type
    if kernel == "gauss":
        ndimage.gaussian_filter(image, (wy, wx), output=output, **kwargs)
    elif kernel == "disk":
        ndimage.convolve(image, disk_kernel(wy, wx), output=output, **kwargs)
    elif kernel == "box":
        # scipy truncates a fractional side to an integer and skips sides <= 1, as gammapy
        ndimage.uniform_filter(image, (wy, wx), output=output, **kwargs)
    else:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    return output


def convolve_image(image, kernel, method="fft", mode="same") -> np.ndarray:
    """`scipy.signal.convolve` of a 2-D image with a 2-D kernel.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> convolve_image(image, np.ones((3, 3)), method="direct").tolist()[0]
    [1.0, 1.0, 1.0]
    """
    return signal.convolve(np.asarray(image, dtype=float), kernel, method=method, mode=mode)
