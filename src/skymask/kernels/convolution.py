"""Smoothing and convolution of image planes (scipy.ndimage and scipy.signal).

`smooth_image` applies a Gaussian (standard deviation), a disk (radius; the normalised top-hat
of `astropy.convolution.Tophat2DKernel`, generalised to an ellipse for different widths per
axis) or a box (side length, `scipy.ndimage.uniform_filter`) to one 2-D image; widths are in
pixels, one per axis ``(y, x)``. `smooth_images` does the same to a stack of planes on
several threads (scipy.ndimage releases the GIL), one plane per thread; a single Gaussian image
is split instead: the Gaussian is separable, so each pass (along y, then along x, as
`scipy.ndimage.gaussian_filter` does) is cut into blocks of whole lines, and every line is
computed by the same scipy code as in one call. Either way the numbers are the same, bit for
bit. `convolve_image` is `scipy.signal.convolve` with a given kernel.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np
from scipy import ndimage, signal

from .correlation import FFT_WORKERS

__all__ = ["KERNELS", "convolve_image", "disk_kernel", "smooth_image", "smooth_images"]

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


#: Stacks smaller than this (pixels) are smoothed on one thread: starting threads costs more.
THREADED_PIXELS = 1 << 16
# gaussian_filter arguments the threaded path passes on (scalars only); others: one call.
_GAUSS_THREADED_KWARGS = {"mode", "cval", "truncate"}


def _gauss_splits(kwargs) -> bool:
    """Whether the threaded Gaussian passes take these `gaussian_filter` arguments (scalar
    ``mode``, ``cval``, ``truncate``); others (per-axis sequences, ``order``, ``radius``,
    ``axes``) go to one `scipy.ndimage.gaussian_filter` call per plane."""
    if not set(kwargs) <= _GAUSS_THREADED_KWARGS:
        return False
    return isinstance(kwargs.get("mode", "reflect"), str) and all(
        np.ndim(kwargs[key]) == 0 for key in ("cval", "truncate") if key in kwargs
    )


def _blocks(n: int, parts: int) -> list[slice]:
    """``parts`` contiguous slices covering ``range(n)`` (fewer when ``n`` is small)."""
    edges = np.linspace(0, n, min(parts, n) + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in pairwise(edges) if b > a]


def _gauss_tasks(stack, output, widths, workers, kwargs):
    """Two lists of calls (along y, then along x) that together are `gaussian_filter`."""
    sigmas = [(axis, float(w)) for axis, w in ((0, widths[0]), (1, widths[1])) if w > 1e-15]
    passes = []
    source = stack
    for axis, sigma in sigmas:
        tasks = []
        for k in range(stack.shape[0]):
            # lines along y are the columns: split the columns; along x split the rows
            for block in _blocks(stack.shape[2 - axis], workers):
                index = (k, slice(None), block) if axis == 0 else (k, block)
                tasks.append((source[index], sigma, axis, output[index]))
        passes.append(tasks)
        source = output  # the second pass filters the first one's float64 result in place
    return passes


def smooth_images(images, width, kernel="gauss", output=None, workers=None, **kwargs):
    """Every plane of a stack smoothed as `smooth_image` does, on several threads.

    Parameters
    ----------
    images : ndarray, shape (n, ny, nx)
        Any real or bool dtype (scipy computes each line in double precision).
    width : float or (float, float)
        Gaussian standard deviation, disk radius or box side, in pixels (``(y, x)``).
    kernel : {"gauss", "disk", "box"}
    output : ndarray of float64, shape (n, ny, nx), optional
        Where to write the result.
    workers : int, optional
        Threads; default: every usable CPU (stacks below `THREADED_PIXELS` use one).
    **kwargs
        As `smooth_image`.

    Returns
    -------
    ndarray of float64, shape (n, ny, nx)
        The same numbers, bit for bit, as `smooth_image` plane by plane: the threads take
        whole planes, or, with fewer Gaussian planes than threads (one image), blocks of
        whole lines of each of its two passes.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import ndimage
    >>> images = np.random.default_rng(1).random((2, 300, 300))
    >>> smoothed = smooth_images(images, 3.0, workers=2)
    >>> bool(np.array_equal(smoothed[1], ndimage.gaussian_filter(images[1], 3.0)))
    True
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must be a stack of shape (n, ny, nx), got shape {images.shape}")
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    if images.dtype.kind != "f":
        images = images.astype(float)
    if output is None:
        output = np.empty(images.shape, dtype=np.float64)
    widths = tuple(np.broadcast_to(np.asarray(width, dtype=float), (2,)))
    workers = FFT_WORKERS if workers is None else max(int(workers), 1)
    if images.size < THREADED_PIXELS:
        workers = 1
    if workers == 1 or (images.shape[0] == 1 and not (kernel == "gauss" and _gauss_splits(kwargs))):
        for k in range(images.shape[0]):
            smooth_image(images[k], widths, kernel, output=output[k], **kwargs)
        return output
    with ThreadPoolExecutor(workers) as pool:
        # Whole planes where there are enough of them (no waiting between the two passes of
        # a plane); fewer planes than threads (one image): blocks of lines of each pass.
        if kernel != "gauss" or images.shape[0] >= workers or not _gauss_splits(kwargs):
            calls = [
                pool.submit(smooth_image, images[k], widths, kernel, output[k], **kwargs)
                for k in range(images.shape[0])
            ]
            for call in calls:
                call.result()
            return output
        passes = _gauss_tasks(images, output, widths, workers, kwargs)
        if not passes:  # both widths below scipy's 1e-15 cut: a copy, as gaussian_filter
            output[...] = images
        for tasks in passes:
            calls = [
                pool.submit(ndimage.gaussian_filter1d, src, sigma, axis, output=dst, **kwargs)
                for src, sigma, axis, dst in tasks
            ]
            for call in calls:
                call.result()
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
